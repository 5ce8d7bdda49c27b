"""The tasks' section of the IOC (`ioc.sections`): tasks by status, the overdue ones named, the
overdue count of each unit on the map, and the overdue tasks in the alerts feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core import links
from dieuhanh.core.http import AnyUser
from dieuhanh.directives.choices import STATUS_ORDER, TaskStatus
from dieuhanh.directives.models import Task, year_q
from dieuhanh.ioc.alerts import Alert, past_deadline
from dieuhanh.ioc.data import OVERDUE_ROWS, link, percent
from dieuhanh.ioc.sections import IocContext, Metric, Section, Table


def compute(user: AnyUser, ctx: IocContext) -> dict[str, Any]:
    period = ctx.period
    today = period.today
    # The year's work (`Task.objects.of_year`, the task list's «Năm» filter): what is due in the
    # year and, in the current year, open work whatever its due date, in two parts told apart in
    # one query (the on-time rate judges the first only).
    in_year = Q(due_date__gte=period.first, due_date__lte=period.last)
    # The tasks led by the units in view (each task counts once, under its lead unit).
    units = ctx.units("directives")
    led = Task.objects.all() if units is None else Task.objects.filter(lead_unit_id__in=units)
    # Counted by (lead unit, status, part) from the due-date index and kept for the units in view
    # here: a filter on a hundred lead units in SQL would have the database read every task.
    lead = ExpressionWrapper(F("lead_unit_id") + 0, output_field=IntegerField())
    part = Case(When(in_year, then=Value(0)), default=Value(1), output_field=IntegerField())
    counts: dict[str, int] = {}
    by_lead_counts: dict[int, int] = {}  # overdue, by lead unit
    due_in_year: dict[str, int] = {}  # the first part: the on-time rate judges these only
    grouped = (
        Task.objects.filter(year_q(period.year, today)).with_status(today).order_by()
        .annotate(u=lead, part=part).values_list("u", "status", "part").annotate(n=Count("id"))
    )
    for uid, status, in_other_year, n in grouped:
        if units is None or uid in units:
            counts[status] = counts.get(status, 0) + n
            if not in_other_year:
                due_in_year[status] = due_in_year.get(status, 0) + n
            if status == TaskStatus.OVERDUE.value:
                by_lead_counts[uid] = by_lead_counts.get(uid, 0) + n
    unit_param = ctx.link_unit

    def status_link(status: str) -> str:
        return link("directives:task_list", status=status, year=period.year, unit=unit_param)

    cards = [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0), "url": status_link(s.value)}
        for s in STATUS_ORDER
    ]
    still_open = Q(completed_on__isnull=True, cancelled_on__isnull=True)
    late = still_open & Q(due_date__lt=today) & (Q() if period.current else in_year)
    overdue_rows = (
        led.filter(late)
        .select_related("lead_unit", "lead_person", "accountable_person")
        .order_by("due_date", "id")[:OVERDUE_ROWS]
    )
    overdue = [
        {
            "task": t,
            "title": t.title,
            "unit": t.lead_unit,
            "lead": t.lead_person,
            "leader": t.accountable_person,
            "due_date": t.due_date,
            "days_late": (today - t.due_date).days,
            "url": links.url("directives:task_detail", t.pk),
        }
        for t in overdue_rows
    ]
    ctx.add(by_lead_counts, "tasks_overdue")
    total = sum(counts.values())
    # As the derived indicator (indicators/compute.py): done on time of the tasks due in the
    # year that are done or already overdue.
    judged = sum(due_in_year.get(s.value, 0) for s in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE,
                                                       TaskStatus.OVERDUE))
    return {
        "cards": cards,
        "total": total,
        "total_url": link("directives:task_list", year=period.year, unit=unit_param),
        "overdue": overdue,
        "overdue_count": counts.get(TaskStatus.OVERDUE.value, 0),
        "overdue_url": status_link(TaskStatus.OVERDUE.value),
        "on_time_percent": percent(due_in_year.get(TaskStatus.DONE_ON_TIME.value, 0), judged),
    }


def alerts(user: AnyUser, today: dt.date, limit: int) -> list[Alert]:
    rows = (
        Task.objects.visible_to(user)
        # The rows `with_status(today)` marks OVERDUE, written so the due-date index serves them.
        .open()
        .filter(due_date__lt=today)
        .select_related("lead_unit", "lead_person")
        .order_by("-due_date", "-id")[:limit]
    )
    return [
        past_deadline(
            "task", task.due_date, today, task.lead_unit.name,
            gettext("Nhiệm vụ “%(title)s” (%(full_name)s chủ trì) quá hạn") % {"title": task.title, "full_name": task.lead_person.full_name},
            reverse("directives:task_detail", args=[task.pk]),
        )
        for task in rows
    ]


def _by_status(result: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    rows: list[list[Any]] = [[c["label"], c["count"]] for c in result["cards"]]
    rows.append([gettext("Tổng số"), result["total"]])
    return gettext("Nhiệm vụ theo tình trạng"), [gettext("Tình trạng"), gettext("Số nhiệm vụ")], rows


def _overdue(result: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    rows = [
        [r["title"], r["unit"].name, r["lead"].full_name if r["lead"] else "",
         r["leader"].full_name if r["leader"] else "", r["due_date"], r["days_late"]]
        for r in result["overdue"]
    ]
    headers = [gettext("Nhiệm vụ"), gettext("Đơn vị chủ trì"), gettext("Người chủ trì"), gettext("Lãnh đạo chịu trách nhiệm"), gettext("Hạn hoàn thành"),
               gettext("Số ngày quá hạn")]
    return gettext("Nhiệm vụ quá hạn"), headers, rows


def unit_card(user: AnyUser, unit: Any, today: dt.date) -> dict[str, Any]:
    """The unit's open tasks (and those of its villages and the units it succeeded)."""
    from dieuhanh.org import scope

    open_tasks = list(
        Task.objects.visible_to(user)
        .filter(Q(lead_unit_id__in=scope.expand_units([unit.pk])), completed_on__isnull=True, cancelled_on__isnull=True)
        .with_status(today)
        .select_related("lead_person", "accountable_person", "lead_unit")
        .order_by("due_date", "id")[:30]
    )
    return {"open_tasks": open_tasks, "list_url": link("directives:task_list", unit=unit.pk)}


SECTION = Section(
    "tasks", gettext_lazy("Nhiệm vụ"), 10, "directives", compute, "directives/_ioc_section.html", wide=True,
    metrics=(Metric("tasks_overdue", gettext_lazy("Nhiệm vụ quá hạn"), lambda f: f.get("tasks_overdue", 0)),),
    tables=(Table("by_status", "nhiem-vu", "nhiem-vu", _by_status),
            Table("overdue", "nhiem-vu-qua-han", "nhiem-vu-qua-han", _overdue)),
    alerts=alerts, alert_kinds={"task": gettext_lazy("Nhiệm vụ quá hạn")},
    list_label=gettext_lazy("Nhiệm vụ"), list_url="directives:task_list", unit_card=unit_card, unit_template="directives/_ioc_unit.html",
)
