"""The reporting cycle: which week or month a day belongs to, when that period's report is due,
which tasks owe one and which of them have not sent it (docs/decisions/0029).

The rules are data (`data/report_cycle.yaml`): a week runs Monday to Sunday, a month is the
calendar month, and a period's report is due by its last working day on the shared calendar
(`core.calendar`), so a week whose Friday is a holiday is due on Thursday and a week with no
working day (Tết) owes nothing. The reporting app reads the same periods for the committee
members' reports.

A task owes a report for a period when its cadence is that period's kind, it was assigned before
the period began (the period it is given in is free), and it was neither completed nor cancelled
by the period's end. It has sent it when one of its progress reports of a kind the period counts
(a weekly period counts weekly and monthly reports) is dated within the period."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core import calendar
from dieuhanh.directives.choices import ReportCadence

if TYPE_CHECKING:
    from dieuhanh.directives.models import Task, TaskQuerySet
    from dieuhanh.org.models import User

PERIODIC = (ReportCadence.WEEKLY.value, ReportCadence.MONTHLY.value)
DAY = dt.timedelta(days=1)


@functools.cache
def rules() -> Mapping[str, Mapping[str, Any]]:
    """`data/report_cycle.yaml`, checked: one entry per periodic cadence."""
    text = resources.files("dieuhanh.directives").joinpath("data", "report_cycle.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for cadence in PERIODIC:
        entry = data[cadence]
        if int(entry["due_working_days_before_end"]) < 0 or not entry["counts"]:
            raise ValueError(f"report_cycle.yaml: {cadence} is not valid")
    return data


def counted_kinds(cadence: str) -> tuple[str, ...]:
    """The kinds of progress report (`ReportPeriod`) that satisfy a period of `cadence`."""
    return tuple(rules()[cadence]["counts"])


@dataclass(frozen=True)
class Period:
    """A week (Monday to Sunday) or a calendar month, and the day its report is due by (None: the
    period has no working day and owes no report)."""

    cadence: str
    start: dt.date
    end: dt.date
    due: dt.date | None

    @property
    def code(self) -> str:
        """`2026-W49` (the ISO week: weeks start on Monday) or `2026-12`: the period in keys and links."""
        if self.cadence == ReportCadence.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.cadence == ReportCadence.WEEKLY:
            return gettext("tuần %(start)s–%(end)s") % {"start": f"{self.start:%d/%m}", "end": f"{self.end:%d/%m/%Y}"}
        return gettext("tháng %(month)s") % {"month": f"{self.start:%m/%Y}"}

    def owes(self) -> bool:
        return self.due is not None

    def is_late(self, today: dt.date) -> bool:
        """Whether the report's day has passed on `today`."""
        return self.due is not None and today > self.due


def _due(cadence: str, start: dt.date, end: dt.date) -> dt.date | None:
    cal = calendar.current()  # one read of the announced days for the whole question
    day = end
    while day >= start and not cal.is_working_day(day):
        day -= DAY
    if day < start:
        return None
    for _ in range(int(rules()[cadence]["due_working_days_before_end"])):
        day -= DAY
        while not cal.is_working_day(day):
            day -= DAY
    return max(day, start)


def period_of(cadence: str, day: dt.date) -> Period:
    """The week or month of `cadence` that holds `day`."""
    if cadence == ReportCadence.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    elif cadence == ReportCadence.MONTHLY:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - DAY
    else:
        raise ValueError(f"not a periodic cadence: {cadence!r}")
    return Period(cadence, start, end, _due(cadence, start, end))


def previous(period: Period) -> Period:
    return period_of(period.cadence, period.start - DAY)


def from_code(code: str) -> Period | None:
    """The period a `code` names (`2026-W49`, `2026-12`), or None for anything else."""
    try:
        if "-W" in code:
            year, week = code.split("-W")
            return period_of(ReportCadence.WEEKLY, dt.date.fromisocalendar(int(year), int(week), 1))
        year, month = code.split("-")
        return period_of(ReportCadence.MONTHLY, dt.date(int(year), int(month), 1))
    except (ValueError, TypeError):
        return None


def last_due(cadence: str, today: dt.date) -> Period:
    """The latest period whose report day has passed on `today` (a week without working days is
    skipped): the one a missing report is flagged for."""
    period = period_of(cadence, today)
    for _ in range(6):
        if period.due is not None and period.due < today:
            return period
        period = previous(period)
    return period


# --- tasks ---------------------------------------------------------------------------------


def owing(period: Period) -> Q:
    """The tasks that owe a report for `period`."""
    if not period.owes():
        return Q(pk__in=[])
    return (
        Q(report_cadence=period.cadence, assigned_on__lt=period.start)
        & (Q(completed_on__isnull=True) | Q(completed_on__gt=period.end))
        & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=period.end))
    )


def reported(period: Period) -> Exists:
    """A task has a report that satisfies `period` (for `.annotate` or `.filter`)."""
    from dieuhanh.directives.models import ProgressReport

    return Exists(
        ProgressReport.objects.filter(
            task=OuterRef("pk"), period__in=counted_kinds(period.cadence),
            reported_on__gte=period.start, reported_on__lte=period.end,
        )
    )


def periods_on(day: dt.date) -> tuple[Period, ...]:
    """The week and the month holding `day`."""
    return tuple(period_of(cadence, day) for cadence in PERIODIC)


def missing(qs: TaskQuerySet, day: dt.date | None = None) -> TaskQuerySet:
    """The tasks of `qs` that owe a report for the week or month holding `day` (today) and have
    not sent it: "thiếu báo cáo kỳ này"."""
    day = day or timezone.localdate()
    condition = Q(pk__in=[])
    for period in periods_on(day):
        if period.owes():
            # Q & ~Exists is a Q; the stub types it by Exists.__rand__, as a Combinable.
            condition |= owing(period) & ~reported(period)  # type: ignore[assignment]
    return qs.filter(condition)


def owes_for(period: Period, task: Task) -> bool:
    """`owing(period)` for one loaded task, in Python."""
    return (
        period.owes()
        and task.report_cadence == period.cadence
        and task.assigned_on < period.start
        and (task.completed_on is None or task.completed_on > period.end)
        and (task.cancelled_on is None or task.cancelled_on > period.end)
    )


def missing_among(tasks: Iterable[Task], day: dt.date | None = None) -> set[int]:
    """The ids of the loaded `tasks` that `missing` would give, for a list's page of rows: which
    of them owe a period's report is read from their fields, and one query for the reports of
    those that owe one (none when none does) says which sent it."""
    from dieuhanh.directives.models import ProgressReport

    day = day or timezone.localdate()
    periods = {p.cadence: p for p in periods_on(day) if p.owes()}
    owed: dict[int, Period] = {}
    for task in tasks:
        period = periods.get(task.report_cadence)
        if period is not None and owes_for(period, task):
            owed[task.pk] = period
    if not owed:
        return set()
    sent = ProgressReport.objects.filter(
        task_id__in=owed,
        reported_on__gte=min(p.start for p in periods.values()),
        reported_on__lte=max(p.end for p in periods.values()),
    ).values_list("task_id", "period", "reported_on")
    for task_id, kind, on in sent:
        period = owed.get(task_id)
        if period is not None and kind in counted_kinds(period.cadence) and period.start <= on <= period.end:
            del owed[task_id]
    return set(owed)


@dataclass(frozen=True)
class TaskReportState:
    """What a task's page says of its current period: the period, the last report that counts
    for it (None: not sent), and whether its day has passed."""

    period: Period
    reported_on: dt.date | None
    owes: bool
    late: bool


def state_of(task: Task, today: dt.date | None = None) -> TaskReportState | None:
    """The current period of a task with a cadence, or None (no cadence)."""
    if task.report_cadence not in PERIODIC:
        return None
    today = today or timezone.localdate()
    period = period_of(task.report_cadence, today)
    last = (
        task.reports.filter(
            period__in=counted_kinds(period.cadence), reported_on__gte=period.start, reported_on__lte=period.end
        )
        .order_by("-reported_on")
        .values_list("reported_on", flat=True)
        .first()
    )
    owes = period.owes() and task.assigned_on < period.start and not (task.completed_on or task.cancelled_on)
    return TaskReportState(period, last, owes, owes and last is None and period.is_late(today))


# --- who hears of a missing report ------------------------------------------------------------


def unit_reporters(unit_ids: Iterable[int], app: str = "directives", action: str = "report") -> dict[int, list[User]]:
    """For each unit, the users who hold `action` of `app` through a grant on the unit itself (or
    a unit it succeeded) or, when it has none, on the nearest unit above it that has one: the
    unit's own officers, not every office of the province that also covers it. Role-agnostic:
    the app's permission table says which roles report (`core.access.holders`, nearest)."""
    from dieuhanh.core import access
    from dieuhanh.org.models import User

    found = access.holders(app, action, unit_ids, nearest=True)
    users = User.objects.in_bulk(set().union(*found.values()))
    return {unit_id: [users[pk] for pk in sorted(ids)] for unit_id, ids in found.items()}


def flag_missing_reports(day: dt.date | None = None) -> int:
    """The periodic job: for each cadence, the tasks that let the latest period's report day pass
    without a report are flagged to their unit (its officers and the lead person), once per task
    and period (`report.missing:<task>:<period>`). Returns how many notifications were added."""
    from dieuhanh.directives.models import Task
    from dieuhanh.notifications.services import notify

    day = day or timezone.localdate()
    added = 0
    for cadence in PERIODIC:
        period = last_due(cadence, day)
        if not period.owes() or period.due is None or period.due >= day:
            continue
        tasks = list(
            Task.objects.filter(owing(period), completed_on__isnull=True, cancelled_on__isnull=True)
            .exclude(reported(period))
            .select_related("lead_unit", "lead_person__user")
        )
        people = unit_reporters(t.lead_unit_id for t in tasks)
        for task in tasks:
            recipients = list(people.get(task.lead_unit_id, []))
            lead_user = getattr(task.lead_person, "user", None)
            if lead_user is not None:
                recipients.append(lead_user)
            added += len(notify(
                recipients,
                rule="report.missing",
                title=gettext("Thiếu báo cáo %(period)s: %(code)s") % {"period": period.label, "code": task.code},
                body=gettext("Nhiệm vụ “%(title)s” chưa có báo cáo %(period)s; hạn báo cáo là %(due)s.") % {
                    "title": task.title, "period": period.label, "due": f"{period.due:%d/%m/%Y}",
                },
                url=task.get_absolute_url(),
                obj=task,
                unit=task.lead_unit,
                key=f"report.missing:{task.pk}:{period.code}",
            ))
    return added
