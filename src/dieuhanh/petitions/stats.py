"""Petition statistics as the yearly reports give them: received, routed to the competent body,
accepted, transferred, resolved, the resolution rate and the on-time rate, plus the automatic
flags (repeated, over-level, prolonged). One grouped query per table, whatever the number of
petitions; callers pass a queryset already limited by `visible_to(user)` and any filters.

Definitions (written on the statistics page too):
- routed (*đã xử lý đơn*): a routing decision was taken — accepted, transferred, guided or filed;
- resolved (*đã giải quyết*): a decision, conclusion or answer was issued;
- resolution rate: resolved ÷ accepted for resolution within the body's competence;
- on-time rate: resolved by the resolution deadline ÷ resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions.choices import OPEN_STATES, ROUTED_STATES, Field, Kind, State
from dieuhanh.petitions.models import prolonged_q

COUNTS = (
    "received", "routed", "accepted", "transferred", "guided", "filed", "resolved", "on_time", "late", "open",
    "overdue", "duplicates", "over_level", "prolonged",
)


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass
class Row:
    key: Any
    label: str
    received: int = 0
    routed: int = 0
    accepted: int = 0
    transferred: int = 0
    guided: int = 0
    filed: int = 0
    resolved: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    duplicates: int = 0
    over_level: int = 0
    prolonged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def routed_rate(self) -> float | None:
        return _ratio(self.routed, self.received)

    @property
    def resolution_rate(self) -> float | None:
        return _ratio(self.resolved, self.accepted)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.on_time, self.resolved)

    def add(self, other: Row) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        out = {"key": self.key, "label": self.label, **{n: getattr(self, n) for n in COUNTS}}
        out.update(routed_rate=self.routed_rate, resolution_rate=self.resolution_rate, on_time_rate=self.on_time_rate)
        return out


def _aggregates(today: dt.date) -> dict[str, Count]:
    open_ = Q(state__in=OPEN_STATES)
    resolved = Q(concluded_on__isnull=False)
    return {
        "received": Count("id"),
        "routed": Count("id", filter=Q(state__in=ROUTED_STATES)),
        "accepted": Count("id", filter=Q(accepted_on__isnull=False)),
        "transferred": Count("id", filter=Q(state=State.TRANSFERRED)),
        "guided": Count("id", filter=Q(state=State.GUIDED)),
        "filed": Count("id", filter=Q(state=State.FILED)),
        "resolved": Count("id", filter=resolved),
        "on_time": Count("id", filter=resolved & Q(resolve_due_on__isnull=False, concluded_on__lte=F("resolve_due_on"))),
        "late": Count("id", filter=resolved & Q(resolve_due_on__isnull=False, concluded_on__gt=F("resolve_due_on"))),
        "open": Count("id", filter=open_),
        "overdue": Count("id", filter=open_ & Q(due_on__lt=today)),
        "duplicates": Count("id", filter=Q(duplicate_of__isnull=False)),
        "over_level": Count("id", filter=Q(is_over_level=True)),
        "prolonged": Count("id", filter=prolonged_q(today)),
    }


def totals(qs: QuerySet[Any], today: dt.date | None = None) -> Row:
    today = today or timezone.localdate()
    values = qs.order_by().aggregate(**_aggregates(today))
    return Row(key=None, label="Tổng cộng", **values)


def _grouped(qs: QuerySet[Any], key: str, today: dt.date) -> dict[Any, Row]:
    out: dict[Any, Row] = {}
    for item in qs.order_by().values(key).annotate(**_aggregates(today)):
        k = item.pop(key)
        out[k] = Row(key=k, label=str(k), **item)
    return out


def _today_units(unit_id: int, info: dict[int, AdminUnit]) -> set[int]:
    """The commune-level units of today that a unit's petitions count under: its heirs (a
    village counts under its commune); a unit with no commune-level heir keeps its own row."""
    shown: set[int] = set()
    for heir in scope.heirs(unit_id):
        unit = info.get(heir) or AdminUnit.objects.get(pk=heir)
        info[heir] = unit
        if unit.valid_to is not None:
            continue
        if unit.level == UnitLevel.VILLAGE and unit.parent_id:
            shown.add(unit.parent_id)
        elif unit.level == UnitLevel.COMMUNE:
            shown.add(heir)
    return shown or {unit_id}


def table(qs: QuerySet[Any], *, by: str = "unit", today: dt.date | None = None) -> list[Row]:
    """Rows grouped `by`:
    - "unit": today's wards and communes, each counting the petitions about it and the units it
      succeeded (2021's phường Sao Đỏ counts under today's phường Chu Văn An; a ward split
      between heirs counts under each, so rows may add up to more than the total);
    - "unit_then": the unit as recorded (2021's wards for the 2021 register);
    - "field", "kind": by field or kind of petition.
    Sorted by the number received, largest first."""
    today = today or timezone.localdate()
    if by in ("field", "kind"):
        labels = dict((Field if by == "field" else Kind).choices)
        rows = _grouped(qs, by, today)
        for k, row in rows.items():
            row.label = str(labels.get(k, k))
        return sorted(rows.values(), key=lambda r: (-r.received, r.label))
    if by not in ("unit", "unit_then"):
        raise ValueError(f"Cách nhóm không hợp lệ: {by!r} (unit, unit_then, field, kind)")
    raw = _grouped(qs, "unit_id", today)
    info = AdminUnit.objects.in_bulk(list(raw))
    if by == "unit_then":
        for k, row in raw.items():
            row.label = info[k].name if k in info else str(k)
        return sorted(raw.values(), key=lambda r: (-r.received, r.label))
    merged: dict[int, Row] = {}
    for unit_id, row in raw.items():
        for target in _today_units(unit_id, info):
            if target not in merged:
                unit = info.get(target) or AdminUnit.objects.get(pk=target)
                info[target] = unit
                merged[target] = Row(key=target, label=unit.name)
            merged[target].add(row)
    return sorted(merged.values(), key=lambda r: (-r.received, r.label))
