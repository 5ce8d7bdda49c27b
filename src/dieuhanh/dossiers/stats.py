"""One-stop statistics as leaders read them: how many dossiers were received, how many have a
result and how many of those came early, on time or late, how many are still open and how many
of those are late now, the share received online and by post, and the apologies issued.

Each table takes one or two grouped queries over the dossiers, whatever their number (see
"Counting" below): SQL groups by a plain column (`unit_id`, `procedure_id`, `channel` or
`received_on`), and the few thousand grouped rows are then mapped here to what the reader wants —
a procedure to its field, a day to its month, an abolished ward to the ward that replaced it.
Callers pass a queryset already limited by `Dossier.objects.visible_to(user)` and
`DossierFilter.apply`.

Definitions (written on the statistics page too):
- finished (*đã có kết quả*): the result exists (it was ready, or the dossier was refused), so
  the dossier is classed early / on time / late against its appointment date;
- on-time rate: (early + on time) ÷ finished; early and late rates likewise over finished;
- late now (*đang quá hạn*): open (received, processing, waiting for documents) and past its
  appointment date today;
- online share: received online ÷ received; postal share: received by post or returned by
  post ÷ received (Decision 45/2016/QĐ-TTg public postal service)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections, models
from django.db.models import Case, Count, ExpressionWrapper, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core import calendar
from dieuhanh.core.stats import CountRow, by_unit, counts_by, ratio
from dieuhanh.dossiers.choices import OPEN_STATUSES, Channel, ReturnMethod, StepState, Timeliness
from dieuhanh.dossiers.models import Dossier, DossierStep, Procedure, late_now_q
from dieuhanh.org.models import AdminUnit

GROUPS = ("unit", "unit_then", "procedure", "field", "channel", "month")
GROUP_LABELS = {
    "unit": gettext_lazy("Đơn vị tiếp nhận (hiện nay)"),
    "unit_then": gettext_lazy("Đơn vị tiếp nhận (tại thời điểm nhận)"),
    "procedure": gettext_lazy("Thủ tục"),
    "field": gettext_lazy("Lĩnh vực"),
    "channel": gettext_lazy("Kênh tiếp nhận"),
    "month": gettext_lazy("Tháng tiếp nhận"),
}
COUNTS = ("received", "finished", "early", "on_time", "late", "open", "late_now", "online", "postal", "apologies")
RATES = ("early_rate", "on_time_rate", "late_rate", "online_share", "postal_share")
# The plain column SQL groups by for each grouping; the rest is mapped in Python.
_SQL_KEY = {
    "unit": "unit_id",
    "unit_then": "unit_id",
    "procedure": "procedure_id",
    "field": "procedure_id",
    "channel": "channel",
    "month": "received_on",
}


@dataclass
class Row(CountRow):
    received: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    late_now: int = 0
    online: int = 0
    postal: int = 0
    apologies: int = 0

    COUNTS: ClassVar[tuple[str, ...]] = COUNTS
    RATES: ClassVar[tuple[str, ...]] = RATES

    @property
    def early_rate(self) -> float | None:
        return ratio(self.early, self.finished)

    @property
    def on_time_rate(self) -> float | None:
        """Early or on time, over the dossiers that have a result."""
        return ratio(self.early + self.on_time, self.finished)

    @property
    def late_rate(self) -> float | None:
        return ratio(self.late, self.finished)

    @property
    def online_share(self) -> float | None:
        return ratio(self.online, self.received)

    @property
    def postal_share(self) -> float | None:
        return ratio(self.postal, self.received)


@dataclass
class Table:
    by: str
    rows: list[Row]
    total: Row
    notes: list[str] = field(default_factory=list)


# --- Counting -------------------------------------------------------------------------------------
# Every count but "late now" depends only on a few low-cardinality columns, so each dossier falls
# in one of 128 statistics classes: bits 0-1 its timeliness (0 none, 1 early, 2 on time, 3 late),
# then open, online, received by post, postal (received or returned by post), apology.
#
# When `Dossier` stores the class (a generated column `stats_class`, indexed after the group key),
# SQL only counts rows per (group key, class) — a single COUNT(*) per row, at index-scan speed —
# and Python turns classes into counts; a second query counts the open classes past their date.
# Without it, one query per table evaluates the conditional counts on every row (slower by far on
# a million dossiers; the result is the same).
CLASS_FIELD = "stats_class"
TIMELINESS_CLASS = {Timeliness.EARLY: 1, Timeliness.ON_TIME: 2, Timeliness.LATE: 3}
OPEN_BIT, ONLINE_BIT, POST_BIT, POSTAL_BIT, APOLOGY_BIT = 4, 8, 16, 32, 64
OPEN_CLASSES = tuple(c for c in range(128) if c & OPEN_BIT)


def class_case() -> Any:
    """The statistics class as an SQL expression (the definition of `stats_class`)."""
    return ExpressionWrapper(
        Case(*(When(timeliness=t, then=Value(v)) for t, v in TIMELINESS_CLASS.items()), default=Value(0))
        + Case(When(status__in=OPEN_STATUSES, then=Value(OPEN_BIT)), default=Value(0))
        + Case(When(channel=Channel.ONLINE, then=Value(ONLINE_BIT)), When(channel=Channel.POST, then=Value(POST_BIT)),
               default=Value(0))
        + Case(When(Q(channel=Channel.POST) | Q(return_method=ReturnMethod.POST), then=Value(POSTAL_BIT)),
               default=Value(0))
        + Case(When(apology_on__isnull=False, then=Value(APOLOGY_BIT)), default=Value(0)),
        output_field=models.PositiveSmallIntegerField(),
    )


def channel_of(cls: int) -> str:
    return Channel.ONLINE if cls & ONLINE_BIT else Channel.POST if cls & POST_BIT else Channel.DESK


def stored_class() -> bool:
    try:
        Dossier._meta.get_field(CLASS_FIELD)
    except FieldDoesNotExist:
        return False
    return True


def count_class(row: Row, cls: int, n: int) -> None:
    """Add `n` dossiers of class `cls` to `row`."""
    row.received += n
    timeliness = cls & 3
    if timeliness:
        row.finished += n
        if timeliness == 1:
            row.early += n
        elif timeliness == 2:
            row.on_time += n
        else:
            row.late += n
    if cls & OPEN_BIT:
        row.open += n
    if cls & ONLINE_BIT:
        row.online += n
    if cls & POSTAL_BIT:
        row.postal += n
    if cls & APOLOGY_BIT:
        row.apologies += n


def aggregates(today: dt.date) -> dict[str, Count]:
    """The conditional counts of one group, for a table without a stored class."""
    return {
        "received": Count("id"),
        "finished": Count("id", filter=Q(timeliness__in=Timeliness.values)),
        "early": Count("id", filter=Q(timeliness=Timeliness.EARLY)),
        "on_time": Count("id", filter=Q(timeliness=Timeliness.ON_TIME)),
        "late": Count("id", filter=Q(timeliness=Timeliness.LATE)),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "late_now": Count("id", filter=late_now_q(today)),
        "online": Count("id", filter=Q(channel=Channel.ONLINE)),
        "postal": Count("id", filter=Q(channel=Channel.POST) | Q(return_method=ReturnMethod.POST)),
        "apologies": Count("id", filter=Q(apology_on__isnull=False)),
    }


def grouped(qs: QuerySet[Any], key: str, today: dt.date, fold: Any = None) -> dict[Any, Row]:
    """Counts per value of the column `key` (or per `fold(value, class)` with a stored class)."""
    out: dict[Any, Row] = {}
    if not stored_class():
        return counts_by(qs, key, aggregates(today), Row)
    # Group in the order of the index that serves the key: (key, class), or (class, day).
    cols = ("cls", key) if key == "received_on" else (key, "cls")

    def counts(rows: QuerySet[Any]) -> Any:
        rows = rows.order_by().annotate(cls=F(CLASS_FIELD)).values_list(*cols).annotate(n=Count("*"))
        # Thousands of plain (key, class, count) rows: read from the cursor, without the ORM's
        # per-value conversion (a day may come back as "YYYY-MM-DD": `_by_month` reads both).
        try:
            sql, params = rows.values_list(*cols, "n").query.sql_with_params()
        except EmptyResultSet:  # nothing visible (a user who may read no dossier)
            return
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        for a, b, n in found:
            k, c = (b, a) if key == "received_on" else (a, b)
            yield (fold(k, c) if fold else k), c, n

    for k, c, n in counts(qs):
        row = out.get(k)
        if row is None:
            row = out[k] = Row(key=k, label=str(k))
        count_class(row, c, n)
    for k, _c, n in counts(qs.filter(stats_class__in=OPEN_CLASSES, due_on__lt=today)):
        out[k].late_now += n
    return out


def _sum(rows: Iterable[Row], label: str | None = None) -> Row:
    total = Row(key=None, label=_("Tổng cộng") if label is None else label)
    for row in rows:
        total.add(row)
    return total


def unit_label(unit: AdminUnit) -> str:
    return unit.name if unit.valid_to is None else _("%(name)s (đến %(valid_to)s)") % {"name": unit.name, "valid_to": format(unit.valid_to, '%d/%m/%Y')}


def _by_procedure(raw: dict[int, Row], by: str) -> list[Row]:
    procs = {p["id"]: p for p in Procedure.objects.filter(pk__in=list(raw)).values("id", "code", "name", "field")}
    out: dict[str, Row] = {}
    for pid, row in raw.items():
        p = procs.get(pid, {"code": str(pid), "name": "", "field": ""})
        if by == "procedure":
            key, label = p["code"], f"{p['code']} — {p['name']}".strip(" —")
        else:
            key, label = p["field"], p["field"] or _("(chưa ghi lĩnh vực)")
        if key not in out:
            out[key] = Row(key=key, label=label)
        out[key].add(row)
    return list(out.values())


def _by_month(raw: dict[Any, Row]) -> list[Row]:
    out: dict[str, Row] = {}
    for day, row in raw.items():
        key = str(day)[:7]  # a date or its ISO text: "YYYY-MM"
        if key not in out:
            out[key] = Row(key=key, label=f"{key[5:7]}/{key[:4]}")
        out[key].add(row)
    return [out[k] for k in sorted(out)]


def table(qs: QuerySet[Any], *, by: str = "unit", today: dt.date | None = None) -> Table:
    """Rows grouped `by` (one of GROUPS) and the total row:
    - "unit": today's receiving units, each counting its own dossiers and those of the units it
      succeeded (2024's phường Sao Đỏ counts under today's phường Chu Văn An; a unit split
      between heirs counts under each, so rows may add up to more than the total; a unit with
      no commune-level heir, a province or a former district, keeps a row of its own:
      `org.rollup`);
    - "unit_then": the receiving unit as recorded;
    - "procedure", "field", "channel": by procedure code, its field, the receiving channel;
    - "month": by month of receipt, in calendar order.
    Other groupings are sorted by the number received, largest first."""
    if by not in GROUPS:
        raise ValueError(f"Cách nhóm không hợp lệ: {by!r} ({', '.join(GROUPS)})")
    today = today or timezone.localdate()
    if by == "channel" and stored_class():
        raw = grouped(qs, "received_on", today, fold=lambda _day, cls: channel_of(cls))
    else:
        raw = grouped(qs, _SQL_KEY[by], today)
    total = _sum(raw.values())
    notes: list[str] = []
    if by in ("unit", "unit_then"):
        rows = by_unit(raw, Row, unit_label, rolled=by == "unit", as_of=today)
        if by == "unit":
            notes.append(
                _("Hồ sơ tiếp nhận tại đơn vị cũ (trước sắp xếp 1/7/2025) được tính vào đơn vị kế thừa hiện nay; "
                "đơn vị tách cho nhiều nơi được tính ở mỗi nơi kế thừa, nên tổng các dòng có thể lớn hơn dòng tổng cộng.")
            )
    elif by in ("procedure", "field"):
        rows = _by_procedure(raw, by)
    elif by == "channel":
        labels = dict(Channel.choices)
        rows = list(raw.values())
        for row in rows:
            row.label = str(labels.get(row.key, row.key))
    else:
        return Table(by=by, rows=_by_month(raw), total=total)
    rows.sort(key=lambda r: (-r.received, r.label))
    return Table(by=by, rows=rows, total=total, notes=notes)


# --- Late now ------------------------------------------------------------------------------------


@dataclass
class LateDossier:
    """A dossier late now, where it is stuck and for how many working days."""

    code: str
    procedure_code: str
    procedure_name: str
    unit_id: int
    unit_name: str
    status: str
    status_label: str
    source: str
    received_on: dt.date
    due_on: dt.date
    new_due_on: dt.date | None
    apology_on: dt.date | None
    days_late: int  # working days after the appointment date
    body: str  # the body holding it now
    step: str  # what it is waiting for there
    step_due_on: dt.date | None  # the open step's own deadline (dossiers received here)
    step_days_late: int | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def late_now(qs: QuerySet[Any], today: dt.date | None = None, *, limit: int | None = None) -> list[LateDossier]:
    """The dossiers of `qs` that are late now, longest overdue first: their appointment date,
    the working days since, and the body and step where they are stuck. For a dossier received
    here that is its open step (with the step's own deadline); for an imported one, the body
    and step the one-stop export gave. Three queries, whatever the number of dossiers."""
    today = today or timezone.localdate()
    open_steps = Prefetch(
        "steps", queryset=DossierStep.objects.filter(state=StepState.OPEN).order_by("-seq"), to_attr="open_steps"
    )
    rows = (
        qs.filter(late_now_q(today))
        .select_related("procedure", "unit")
        .prefetch_related(open_steps)
        .order_by("due_on", "code")
    )
    if limit is not None:
        rows = rows[:limit]
    cal = calendar.current()
    out: list[LateDossier] = []
    for d in rows:
        step = d.open_steps[0] if getattr(d, "open_steps", None) else None
        step_due = step.due_on if step is not None else None
        out.append(LateDossier(
            code=d.code,
            procedure_code=d.procedure.code,
            procedure_name=d.procedure.name,
            unit_id=d.unit_id,
            unit_name=d.unit.name,
            status=d.status,
            status_label=d.get_status_display(),
            source=d.source,
            received_on=d.received_on,
            due_on=d.due_on,
            new_due_on=d.new_due_on,
            apology_on=d.apology_on,
            days_late=cal.working_days_between(d.due_on, today),
            body=(step.body_name if step is not None else d.current_body) or "",
            step=((step.task or d.current_step) if step is not None else d.current_step) or "",
            step_due_on=step_due,
            step_days_late=cal.working_days_between(step_due, today) if step_due and step_due < today else None,
        ))
    return out

