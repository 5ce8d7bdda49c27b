"""The report on the implementation of tasks for a week, month, quarter or year (*báo cáo kết quả
thực hiện nhiệm vụ*), of one body: the tasks led by its unit, the units under it and those it
succeeded, as the task list counts them (`TaskFilter(unit=…)`). The figures are taken as they
stood at the end of the period (or today, for the period running): a task completed after the
period's end is still open in its report.

The same figures feed the page (`views.task_report_page`) and the document (`papers.task_report`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.utils import timezone

from dieuhanh.directives.filters import TaskFilter
from dieuhanh.directives.models import ProgressReport, Task
from dieuhanh.org.models import Organisation

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

DAY = dt.timedelta(days=1)
KINDS = ("week", "month", "quarter", "year")
ROMAN = ("I", "II", "III", "IV")
MAX_ROWS = 40  # rows of a table in the document; the rest are counted in a line under it
_CODE = re.compile(r"^(\d{4})(?:-(W\d{2}|Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    kind: str  # week, month, quarter, year
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        """`2026-W49`, `2026-11`, `2026-Q4` or `2026`: the period in an ID and a link."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def words(self) -> str:
        """How a document names it: «tuần 49 (từ ngày 30/11 đến ngày 06/12/2026)», «tháng 11 năm
        2026», «quý IV năm 2026», «năm 2026»."""
        if self.kind == "week":
            week = self.start.isocalendar()[1]
            return f"tuần {week} (từ ngày {self.start:%d/%m} đến ngày {self.end:%d/%m/%Y})"
        if self.kind == "month":
            return f"tháng {self.start.month} năm {self.start.year}"
        if self.kind == "quarter":
            return f"quý {ROMAN[(self.start.month - 1) // 3]} năm {self.start.year}"
        return f"năm {self.start.year}"

    def next(self) -> Period:
        return period_of(self.kind, self.end + DAY)


def period_of(kind: str, day: dt.date) -> Period:
    """The week (Monday to Sunday), month, quarter or year holding `day`."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif kind == "year":
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    else:
        raise ValueError(f"not a report period: {kind!r}")
    months = 3 if kind == "quarter" else 1
    month = start.month - 1 + months
    end = dt.date(start.year + month // 12, month % 12 + 1, 1) - DAY
    return Period(kind, start, end)


def from_code(code: str) -> Period | None:
    m = _CODE.match(code.strip())
    if m is None:
        return None
    year, part = int(m.group(1)), m.group(2)
    try:
        if part is None:
            return period_of("year", dt.date(year, 1, 1))
        if part.startswith("W"):
            return period_of("week", dt.date.fromisocalendar(year, int(part[1:]), 1))
        if part.startswith("Q"):
            return period_of("quarter", dt.date(year, (int(part[1:]) - 1) * 3 + 1, 1))
        return period_of("month", dt.date(year, int(part), 1))
    except ValueError:
        return None


@dataclass
class TaskReport:
    """What a body reports for a period (the figures as at `as_of`)."""

    organisation: Organisation
    period: Period
    as_of: dt.date
    total: int = 0  # tasks in hand during the period: assigned by its end, not finished before it began
    new: int = 0
    done: int = 0
    done_on_time: int = 0
    cancelled: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    completed: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    coming: list[Task] = field(default_factory=list)
    problems: list[ProgressReport] = field(default_factory=list)

    @property
    def ident(self) -> str:
        return f"{self.organisation.pk}/{self.period.code}"

    @property
    def on_time_rate(self) -> float | None:
        return None if not self.done else 100 * self.done_on_time / self.done


def report(organisation: Organisation, period: Period, user: AnyUser | None, today: dt.date | None = None) -> TaskReport:
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    visible = Task.objects.all() if user is None else Task.objects.visible_to(user)
    tasks = TaskFilter(unit=organisation.unit_id).apply(visible)
    in_hand = tasks.filter(assigned_on__lte=period.end).exclude(completed_on__lt=period.start).exclude(cancelled_on__lt=period.start)
    open_q = (Q(completed_on__isnull=True) | Q(completed_on__gt=as_of)) & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=as_of))
    done_q = Q(completed_on__gte=period.start, completed_on__lte=as_of)
    r = TaskReport(organisation=organisation, period=period, as_of=as_of)
    r.total = in_hand.count()
    r.new = in_hand.filter(assigned_on__gte=period.start).count()
    r.done = in_hand.filter(done_q).count()
    r.done_on_time = in_hand.filter(done_q, completed_on__lte=F("due_date")).count()
    r.cancelled = in_hand.filter(cancelled_on__gte=period.start, cancelled_on__lte=as_of).count()
    open_tasks = in_hand.filter(open_q)
    r.open_at_end = open_tasks.count()
    related = ("lead_unit", "lead_organisation", "accountable_person")
    r.completed = list(in_hand.filter(done_q).select_related(*related).order_by("completed_on", "code")[: MAX_ROWS + 1])
    overdue = open_tasks.filter(due_date__lt=as_of)
    r.overdue_at_end = overdue.count()
    r.overdue = list(overdue.select_related(*related).order_by("due_date", "code")[: MAX_ROWS + 1])
    coming = period.next()
    r.coming = list(tasks.filter(open_q, assigned_on__lte=as_of, due_date__gte=coming.start, due_date__lte=coming.end)
                    .select_related(*related).order_by("due_date", "code")[: MAX_ROWS + 1])
    r.problems = list(
        ProgressReport.objects.filter(task__in=in_hand.values("pk"), reported_on__gte=period.start, reported_on__lte=as_of)
        .exclude(obstacles="", proposals="").select_related("task", "task__lead_unit").order_by("-reported_on", "-id")[:15]
    )
    return r

