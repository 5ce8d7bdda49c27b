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
from typing import Any, ClassVar

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.core.stats import CountRow, by_unit, counts_by, ratio
from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions.choices import OPEN_STATES, ROUTED_STATES, Field, Kind, State
from dieuhanh.petitions.models import prolonged_q

COUNTS = (
    "received", "routed", "accepted", "transferred", "guided", "filed", "resolved", "on_time", "late", "open",
    "overdue", "duplicates", "over_level", "prolonged",
)
RATES = ("routed_rate", "resolution_rate", "on_time_rate")


@dataclass
class Row(CountRow):
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

    COUNTS: ClassVar[tuple[str, ...]] = COUNTS
    RATES: ClassVar[tuple[str, ...]] = RATES

    @property
    def routed_rate(self) -> float | None:
        return ratio(self.routed, self.received)

    @property
    def resolution_rate(self) -> float | None:
        return ratio(self.resolved, self.accepted)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.resolved)


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
    return Row(key=None, label=_("Tổng cộng"), **values)


def _grouped(qs: QuerySet[Any], key: str, today: dt.date) -> dict[Any, Row]:
    return counts_by(qs, key, _aggregates(today), Row)


def _unit_label(unit: AdminUnit) -> str:
    return unit.name


def table(qs: QuerySet[Any], *, by: str = "unit", today: dt.date | None = None) -> list[Row]:
    """Rows grouped `by`:
    - "unit": today's wards and communes, each counting the petitions about it and the units it
      succeeded (2021's phường Sao Đỏ counts under today's phường Chu Văn An; a ward split
      between heirs counts under each, so rows may add up to more than the total; a unit with
      no commune-level heir keeps a row of its own: `org.rollup`);
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
        raise ValueError(_("Cách nhóm không hợp lệ: %(by)s (unit, unit_then, field, kind)") % {"by": repr(by)})
    units = by_unit(_grouped(qs, "unit_id", today), Row, _unit_label, rolled=by == "unit", as_of=today)
    return sorted(units, key=lambda r: (-r.received, r.label))
