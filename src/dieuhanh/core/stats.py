"""What the apps' statistics tables share: a row of counts with its rates, the counts of each
group in one grouped query, and the rows by unit, as recorded or rolled up to today's units
(`org.rollup`, the roll-up of every page that counts by unit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.db.models import Aggregate, QuerySet

from dieuhanh.org.models import AdminUnit
from dieuhanh.org.rollup import UnitRollup


def ratio(part: int, whole: int) -> float | None:
    """part ÷ whole; None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass
class CountRow:
    """A row of a statistics table: its key, its label and the counts a subclass declares as
    integer fields named in `COUNTS`; `RATES` names its rates (properties) for `as_dict`."""

    key: Any
    label: str

    COUNTS: ClassVar[tuple[str, ...]] = ()
    RATES: ClassVar[tuple[str, ...]] = ()

    def add(self, other: CountRow) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": self.label}
        out.update({n: getattr(self, n) for n in self.COUNTS})
        out.update({n: getattr(self, n) for n in self.RATES})
        return out


Row = TypeVar("Row", bound=CountRow)


def counts_by(
    qs: QuerySet[Any], key: str, aggregates: Mapping[str, Aggregate], row: type[Row]
) -> dict[Any, Row]:
    """One row per value of the column `key`, its counts from `aggregates`, in one query."""
    out: dict[Any, Row] = {}
    for item in qs.order_by().values(key).annotate(**aggregates):
        k = item.pop(key)
        out[k] = row(key=k, label=str(k), **item)
    return out


def by_unit(
    raw: dict[int, Row],
    row: type[Row],
    label: Callable[[AdminUnit], str],
    *,
    rolled: bool,
    as_of: dt.date | None = None,
) -> list[Row]:
    """The rows of `raw` (keyed by the unit as recorded) by unit: rolled up under the units
    shown on `as_of` (today by default) when `rolled`, each recorded unit counting under each
    of its heirs and a unit with no commune-level heir keeping a row of its own
    (`UnitRollup.roll_up`); else as recorded, labelled with `label(unit)`. Unsorted."""
    if not rolled:
        units = AdminUnit.objects.in_bulk(list(raw))
        for k, r in raw.items():
            r.label = label(units[k]) if k in units else str(k)
        return list(raw.values())

    def new(unit: AdminUnit) -> Row:
        return row(key=unit.pk, label=label(unit))

    return list(UnitRollup(as_of).roll_up(raw, lambda target, r: target.add(r), new).values())
