"""Reminders of tasks (notifications/reminders.py; the numbers are in data/reminders.yaml):
a task or milestone due soon, a task overdue (weekly, then to the accountable leader too), a
report beyond the unit's authority still waiting for the leader; and the events the services
tell at once: a task given to a person or unit, a report beyond authority, the leader's answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, ngettext_lazy

from dieuhanh.core import access
from dieuhanh.notifications.reminders import Day, Reminder, ReminderRule, link, reminder

if TYPE_CHECKING:
    from dieuhanh.directives.models import ProgressReport, Task

TASK = "directives.task"


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _people(row: dict[str, Any]) -> dict[str, set[int]]:
    lead, accountable = row.get("lead_person__user"), row.get("accountable_person__user")
    return {"lead_person": {lead} if lead else set(), "accountable": {accountable} if accountable else set()}


TASK_FIELDS = ("pk", "code", "title", "due_date", "lead_unit", "lead_person__user", "accountable_person__user")


def _tasks(**filters: Any) -> str:
    """The task list filtered by `filters` (TaskFilter's fields): a summary's link."""
    from dieuhanh.directives.filters import TaskFilter
    from dieuhanh.notifications.digest import list_url

    return list_url("directives:task_list", TaskFilter(**filters))


def _due_soon_list(day: Day, rule: ReminderRule, escalation: bool) -> str:
    from dieuhanh.directives.filters import OPEN

    assert rule.lead_working_days is not None
    last = day.due_window_end(rule.lead_working_days) - dt.timedelta(days=1)
    return _tasks(status=OPEN, due_from=day.today, due_to=last)


def _overdue_list(day: Day, rule: ReminderRule, escalation: bool) -> str:
    """Every overdue task; for the escalation, those overdue more than a week (from the second
    week: the due date at least 8 days ago, `Day.repeat_since`)."""
    from dieuhanh.directives.choices import TaskStatus

    if escalation:
        return _tasks(status=TaskStatus.OVERDUE, due_to=day.today - dt.timedelta(days=8))
    return _tasks(status=TaskStatus.OVERDUE)


def _open_list(day: Day, rule: ReminderRule, escalation: bool) -> str:
    from dieuhanh.directives.filters import OPEN

    return _tasks(status=OPEN)


def _flagged_list(day: Day, rule: ReminderRule, escalation: bool) -> str:
    from dieuhanh.directives.filters import OPEN

    return _tasks(status=OPEN, flagged=True)


@reminder("task.due_soon", bundle_list=_due_soon_list, summary=ngettext_lazy(
    "%(n)s nhiệm vụ sắp đến hạn trong phạm vi của đồng chí", "%(n)s nhiệm vụ sắp đến hạn trong phạm vi của đồng chí",
    "count"))
def task_due_soon(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    from dieuhanh.directives.models import Task
    url = link("directives:task_detail")

    assert rule.lead_working_days is not None
    end = day.due_window_end(rule.lead_working_days)
    today = gettext("Nhiệm vụ %(code)s «%(title)s» đến hạn hôm nay, %(due)s")
    later = gettext("Nhiệm vụ %(code)s «%(title)s» đến hạn ngày %(due)s (còn %(left)s ngày làm việc)")
    for row in Task.objects.open().filter(due_date__gte=day.today, due_date__lt=end).order_by().values(*TASK_FIELDS):
        left = day.cal.working_days_between(day.today, row["due_date"])
        message = today if row["due_date"] == day.today else later
        yield Reminder(
            TASK, row["pk"], row["lead_unit"], row["due_date"].isoformat(),
            message % {"code": row["code"], "title": row["title"], "due": _d(row["due_date"]), "left": left},
            url(row["pk"]), people=_people(row), code=row["code"],
        )


@reminder("milestone.due_soon", bundle_list=_open_list, summary=ngettext_lazy(
    "%(n)s mốc tiến độ sắp đến hạn trong phạm vi của đồng chí", "%(n)s mốc tiến độ sắp đến hạn trong phạm vi của đồng chí",
    "count"))
def milestone_due_soon(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    from dieuhanh.directives.models import Milestone
    url = link("directives:task_detail")

    assert rule.lead_working_days is not None
    end = day.due_window_end(rule.lead_working_days)
    rows = (
        Milestone.objects.filter(done_on__isnull=True, due_date__gte=day.today, due_date__lt=end,
                                 task__completed_on__isnull=True, task__cancelled_on__isnull=True)
        .order_by().values("pk", "title", "due_date", "task_id", *(f"task__{f}" for f in TASK_FIELDS[1:]))
    )
    for row in rows:
        task_row = {k.removeprefix("task__"): v for k, v in row.items()}
        yield Reminder(
            TASK, row["task_id"], row["task__lead_unit"], f"m{row['pk']}:{row['due_date'].isoformat()}",
            gettext("Mốc «%(milestone)s» của nhiệm vụ %(code)s «%(title)s» đến hạn ngày %(due)s")
            % {"milestone": row["title"], "code": row["task__code"], "title": row["task__title"],
               "due": _d(row["due_date"])},
            url(row["task_id"]), people=_people(task_row), code=row["task__code"],
        )


@reminder("task.overdue", bundle_list=_overdue_list, summary=ngettext_lazy(
    "%(n)s nhiệm vụ quá hạn trong phạm vi của đồng chí", "%(n)s nhiệm vụ quá hạn trong phạm vi của đồng chí", "count",
), escalated=ngettext_lazy(
    "%(n)s nhiệm vụ quá hạn trên một tuần trong phạm vi của đồng chí",
    "%(n)s nhiệm vụ quá hạn trên một tuần trong phạm vi của đồng chí", "count",
))
def task_overdue(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    """Overdue from the day after its due date; again every `repeat_days` while it stays open."""
    from dieuhanh.directives.models import Task
    url = link("directives:task_detail")

    message = gettext("Nhiệm vụ %(code)s «%(title)s» quá hạn từ ngày %(due)s (%(days)s ngày)")
    for row in Task.objects.open().filter(due_date__lt=day.today).order_by().values(*TASK_FIELDS):
        repeat = day.repeat_since(row["due_date"] + dt.timedelta(days=1), rule.repeat_days)
        yield Reminder(
            TASK, row["pk"], row["lead_unit"], f"{row['due_date'].isoformat()}:w{repeat}",
            message % {"code": row["code"], "title": row["title"], "due": _d(row["due_date"]),
               "days": (day.today - row["due_date"]).days},
            url(row["pk"]), people=_people(row), repeat=repeat, code=row["code"],
        )


@reminder("report.waiting", bundle_list=_flagged_list, summary=ngettext_lazy(
    "%(n)s đề xuất vượt thẩm quyền chờ ý kiến chỉ đạo trong phạm vi của đồng chí",
    "%(n)s đề xuất vượt thẩm quyền chờ ý kiến chỉ đạo trong phạm vi của đồng chí", "count"))
def report_waiting(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    """A report beyond the unit's authority without the leader's answer after more than
    `after_working_days` working days; again every `repeat_days`."""
    from dieuhanh.directives.models import ProgressReport
    url = link("directives:task_detail")

    assert rule.after_working_days is not None
    rows = ProgressReport.objects.filter(
        beyond_authority=True, acknowledged_at__isnull=True, task__completed_on__isnull=True,
        task__cancelled_on__isnull=True, reported_on__lt=day.today,
    ).order_by().values("pk", "reported_on", "task_id", *(f"task__{f}" for f in TASK_FIELDS[1:]))
    for row in rows:
        limit = day.cal.add(row["reported_on"], rule.after_working_days, working=True)
        if day.today <= limit:
            continue
        repeat = day.repeat_since(limit + dt.timedelta(days=1), rule.repeat_days)
        task_row = {k.removeprefix("task__"): v for k, v in row.items()}
        yield Reminder(
            TASK, row["task_id"], row["task__lead_unit"], f"r{row['pk']}:w{repeat}",
            gettext("Đề xuất vượt thẩm quyền về nhiệm vụ %(code)s «%(title)s» chờ ý kiến chỉ đạo từ ngày %(on)s")
            % {"code": row["task__code"], "title": row["task__title"], "on": _d(row["reported_on"])},
            url(row["task_id"]), people=_people(task_row), repeat=repeat, code=row["task__code"],
        )


# --- events, told at once by the services -------------------------------------------------------


def _user_of(person: object) -> set[int]:
    user = getattr(person, "user", None) if person is not None else None
    return {user.pk} if user is not None else set()


def _unit_officers(task: Task) -> set[int]:
    from dieuhanh.org.choices import Role

    return access.holders("directives", "report", [task.lead_unit_id], only_roles=(Role.UNIT_OFFICER,), nearest=True)[
        task.lead_unit_id
    ]


def _leaders(task: Task) -> set[int]:
    from dieuhanh.org.choices import Role

    return access.holders("directives", "lead", [task.lead_unit_id], only_roles=(Role.LEADER,))[task.lead_unit_id]


def _send(user_ids: set[int], *, rule: str, title: str, task: Task, key: str) -> None:
    from dieuhanh.notifications.services import notify
    from dieuhanh.org.models import User

    notify(User.objects.filter(pk__in=user_ids), rule=rule, title=title, obj=task, url=task.get_absolute_url(),
           unit=task.lead_unit, key=key)


def task_assigned(task: Task) -> None:
    """A task given (or passed) to a person and unit: to that person and the unit's officers."""
    _send(
        _user_of(task.lead_person) | _unit_officers(task), rule="task.assigned",
        title=gettext("Nhiệm vụ mới %(code)s «%(title)s», hạn %(due)s")
        % {"code": task.code, "title": task.title, "due": _d(task.due_date)},
        task=task, key=f"task.assigned:{task.pk}:{task.lead_unit_id}:{task.lead_person_id}",
    )


def report_beyond_authority(report: ProgressReport) -> None:
    """A report that asks for the leader: to the task's accountable leader and the leaders over
    its unit."""
    task = report.task
    _send(
        _user_of(task.accountable_person) | _leaders(task), rule="report.beyond_authority",
        title=gettext("Nhiệm vụ %(code)s «%(title)s»: đề xuất vượt thẩm quyền chờ ý kiến chỉ đạo")
        % {"code": task.code, "title": task.title},
        task=task, key=f"report.beyond_authority:{task.pk}:r{report.pk}",
    )


def report_answered(report: ProgressReport) -> None:
    """The leader's answer, back to the unit: the reporter, the lead person, the unit's officers."""
    task = report.task
    _send(
        {report.reporter_id} | _user_of(task.lead_person) | _unit_officers(task), rule="report.answered",
        title=gettext("Nhiệm vụ %(code)s «%(title)s»: đã có ý kiến chỉ đạo về đề xuất của đơn vị")
        % {"code": task.code, "title": task.title},
        task=task, key=f"report.answered:{task.pk}:r{report.pk}",
    )
