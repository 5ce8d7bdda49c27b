"""The derived indicators counted from the "5 rõ" tasks (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_noop

from dieuhanh.core.http import AnyUser
from dieuhanh.directives.models import Task
from dieuhanh.indicators.derived import Counts, DerivedIndicator


def _task_counts(user: AnyUser, years: list[int], today: dt.date) -> tuple[Counts, Counts]:
    """(on-time rate counts, overdue counts) from one grouped query over the tasks.

    Overdue counts the tasks due in the year and still open past their deadline. For the current
    year it also counts those carried over from earlier years, as the IOC's overdue card does:
    both answer "how many tasks are late now"."""
    visible = Task.objects.visible_to(user)
    qs = visible.filter(due_date__year__in=years, cancelled_on__isnull=True)
    done = Q(completed_on__isnull=False)
    overdue = Q(completed_on__isnull=True, due_date__lt=today)
    rows = qs.order_by().annotate(y=ExtractYear("due_date")).values("lead_unit_id", "y").annotate(
        on_time=Count("id", filter=done & Q(completed_on__lte=F("due_date"))),
        judged=Count("id", filter=done | overdue),
        overdue=Count("id", filter=overdue),
    )
    rate: Counts = {}
    late: Counts = {}
    for r in rows:
        key = (r["lead_unit_id"], r["y"])
        rate[key] = (r["on_time"], r["judged"])
        late[key] = (r["overdue"], 0)
    if today.year in years:
        carried = (
            visible.filter(due_date__lt=dt.date(today.year, 1, 1), completed_on__isnull=True, cancelled_on__isnull=True)
            .order_by()
            .values_list("lead_unit_id")
            .annotate(n=Count("id"))
        )
        for unit_id, n in carried:
            key = (unit_id, today.year)
            late[key] = (late.get(key, (0, 0))[0] + n, 0)
    return rate, late


def on_time_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    if "tasks" not in memo:
        memo["tasks"] = _task_counts(user, years, today)
    return memo["tasks"][0]


def overdue(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    if "tasks" not in memo:
        memo["tasks"] = _task_counts(user, years, today)
    return memo["tasks"][1]


DERIVED = (
    DerivedIndicator("task_on_time_rate", gettext_noop("Tỷ lệ nhiệm vụ hoàn thành đúng hạn"),
                     "dieuhanh.directives.indicators.on_time_rate"),
    DerivedIndicator("tasks_overdue", gettext_noop("Số nhiệm vụ quá hạn"), "dieuhanh.directives.indicators.overdue", count=True),
)
