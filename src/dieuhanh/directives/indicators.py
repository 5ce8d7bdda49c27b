"""The derived indicators counted from the "5 rõ" tasks (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Count, ExpressionWrapper, F, IntegerField, Q
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_noop

from dieuhanh.core import access
from dieuhanh.core.http import AnyUser
from dieuhanh.directives.models import Task
from dieuhanh.indicators.derived import Counts, DerivedIndicator


def _task_counts(user: AnyUser, years: list[int], today: dt.date) -> tuple[Counts, Counts]:
    """(on-time rate counts, overdue counts) of the tasks led by the units in the user's scope
    (their `view` of the tasks: the units' figures, not what the user personally leads or
    answers for elsewhere — decision 0041), from one grouped query.

    Overdue counts the tasks due in the year and still open past their deadline. For the current
    year it also counts those carried over from earlier years, as the IOC's overdue card does:
    both answer "how many tasks are late now".

    Read along the (due date, completed, cancelled, lead unit) index alone: the due dates of the
    years (and, for the current year, every earlier one, for the open tasks carried over), the
    year as the first four characters of the date (plain SQL, where extracting it calls back into
    Python for every row on SQLite), the units out of scope dropped here rather than filtered in
    SQL (a filter on a city's hundred units would have the database read every task of them)."""
    units = access.units(user, "directives", "view")
    if units is not access.ALL and not units:
        return {}, {}
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    carry = today.year in years  # open tasks due before this year count as overdue in it
    in_years = Q(due_date__gte=first)
    if carry:
        in_years |= Q(due_date__lt=dt.date(today.year, 1, 1), completed_on__isnull=True)
    done = Q(completed_on__isnull=False)
    overdue = Q(completed_on__isnull=True, due_date__lt=today)
    rows = (
        Task.objects.filter(in_years, due_date__lte=last, cancelled_on__isnull=True)
        .order_by()
        .annotate(u=ExpressionWrapper(F("lead_unit_id") + 0, output_field=IntegerField()),
                  y=Substr(Cast("due_date", CharField()), 1, 4))
        .values_list("u", "y")
        .annotate(
            on_time=Count("id", filter=done & Q(completed_on__lte=F("due_date"))),
            judged=Count("id", filter=done | overdue),
            overdue=Count("id", filter=overdue),
            still_open=Count("id", filter=Q(completed_on__isnull=True)),
        )
    )
    rate: Counts = {}
    late: Counts = {}
    for unit_id, text, on_time, judged, n_overdue, still_open in rows:
        if units is not access.ALL and unit_id not in units:
            continue
        year = int(text)
        if year in years:
            rate[(unit_id, year)] = (on_time, judged)
            late[(unit_id, year)] = (late.get((unit_id, year), (0, 0))[0] + n_overdue, 0)
        if carry and year < today.year and still_open:
            late[(unit_id, today.year)] = (late.get((unit_id, today.year), (0, 0))[0] + still_open, 0)
    return rate, late


def _memoised(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> tuple[Counts, Counts]:
    """Both indicators come from one query, made once per set of years and day for a `memo`."""
    key = f"tasks:{','.join(map(str, sorted(set(years))))}:{today.isoformat()}"
    if key not in memo:
        memo[key] = _task_counts(user, years, today)
    found: tuple[Counts, Counts] = memo[key]
    return found


def on_time_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    return _memoised(user, years, today, memo)[0]


def overdue(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    return _memoised(user, years, today, memo)[1]


DERIVED = (
    DerivedIndicator("task_on_time_rate", gettext_noop("Tỷ lệ nhiệm vụ hoàn thành đúng hạn"),
                     "dieuhanh.directives.indicators.on_time_rate"),
    DerivedIndicator("tasks_overdue", gettext_noop("Số nhiệm vụ quá hạn"), "dieuhanh.directives.indicators.overdue", count=True),
)
