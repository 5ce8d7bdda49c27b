"""Where a figure recorded under a unit is counted: the one roll-up of every page that counts
by unit (the dashboard's units table, the statistics pages, the Decision 766 score, the IOC).

A figure is shown under the commune-level units (wards, communes, special zones) standing on a
day, `as_of` (today unless a period says otherwise):
- a ward or commune standing on that day: itself;
- a village standing on that day: wherever its commune is shown;
- a unit abolished before that day: wherever each of its successors is shown, through every
  succession, whole or in part (2021's phường Sao Đỏ counts under today's phường Chu Văn An; a
  ward split between heirs counts under each, so rows may add up to more than the total); an
  abolished village with no successor counts where its commune is shown;
- a province or district, or an abolished unit with no commune-level heir (the former TP Chí
  Linh): nowhere. The statistics pages and the dashboard keep such a unit as a row of its own
  (`shown_or_own`); the IOC's units table, which lists communes only, leaves it out (`shown`).

With `as_of` at the end of a past period, the units of that period stand: a 2021 view keeps the
figures of 2021's wards under those wards.

Units are read in bulk (`load`), in one query for a whole table; the unit graph comes from
`scope.unit_graph()`, loaded once per process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.utils import timezone

from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit

Figure = TypeVar("Figure")
Target = TypeVar("Target")


class UnitRollup:
    """Maps the unit a figure was recorded under to the units it is shown under on `as_of`
    (today by default). Pass `graph` (from `scope.unit_graph()`) when it is already loaded."""

    def __init__(self, as_of: dt.date | None = None, graph: scope._UnitGraph | None = None) -> None:
        self.as_of = as_of or timezone.localdate()
        self.graph = graph or scope.unit_graph()
        self._units: dict[int, AdminUnit] = {}
        self._shown: dict[int, frozenset[int]] = {}

    # --- reading the units -------------------------------------------------------------------

    def load(self, ids: Iterable[int]) -> None:
        """Read, in one query, every unit needed to place figures recorded under `ids`: those
        units, their successors and the units above all of them. Units already read are not
        read again."""
        wanted: set[int] = set()
        stack = list(ids)
        while stack:
            uid = stack.pop()
            if uid in wanted:
                continue
            wanted.add(uid)
            stack.extend(self.graph.successors.get(uid, ()))
            if uid in self.graph.parents:
                stack.append(self.graph.parents[uid])
        missing = wanted - self._units.keys()
        if missing:
            self._units.update(AdminUnit.objects.in_bulk(missing))

    def unit(self, uid: int) -> AdminUnit:
        """The unit `uid` (read now if `load` did not read it)."""
        if uid not in self._units:
            self.load([uid])
        return self._units[uid]

    def loaded(self, uid: int) -> AdminUnit | None:
        """The unit `uid` if it has been read already, else None (no query)."""
        return self._units.get(uid)

    # --- placing a figure --------------------------------------------------------------------

    def shown(self, uid: int) -> frozenset[int]:
        """The commune-level units standing on `as_of` that a figure recorded under `uid`
        counts under (see the module docstring); empty when there is none."""
        found = self._shown.get(uid)
        if found is None:
            found = self._place(uid, frozenset())
            self._shown[uid] = found
        return found

    def shown_or_own(self, uid: int) -> frozenset[int]:
        """`shown(uid)`, or the unit itself when it has no commune-level unit to be shown
        under (a province, the former TP Chí Linh): the rows of a statistics table."""
        return self.shown(uid) or frozenset((uid,))

    def _place(self, uid: int, path: frozenset[int]) -> frozenset[int]:
        if uid in self._shown:
            return self._shown[uid]
        if uid in path:  # a loop in the successions: nothing more to find along it
            return frozenset()
        if uid not in self._units:
            self.load([uid])
        unit = self._units.get(uid)
        if unit is None:
            return frozenset()
        path = path | {uid}
        if unit.is_valid_on(self.as_of):
            if unit.level == UnitLevel.COMMUNE:
                found = frozenset((uid,))
            elif unit.level == UnitLevel.VILLAGE and unit.parent_id:
                found = self._place(unit.parent_id, path)
            else:
                found = frozenset()
        elif unit.valid_to is not None and unit.valid_to < self.as_of:
            found = frozenset().union(*(self._place(s, path) for s in self.graph.successors.get(uid, ())))
            if not found and unit.level == UnitLevel.VILLAGE and unit.parent_id:
                found = self._place(unit.parent_id, path)
        else:  # not yet in force on `as_of`
            found = frozenset()
        self._shown[uid] = found
        return found

    def roll_up(
        self,
        raw: Mapping[int, Figure],
        merge: Callable[[Target, Figure], None],
        new: Callable[[AdminUnit], Target],
        *,
        keep_own: bool = True,
    ) -> dict[int, Target]:
        """Per-unit figures `raw` (keyed by the unit as recorded) merged under the units they
        are shown under: `new(unit)` makes an empty figure for a shown unit and
        `merge(target, figure)` adds a recorded unit's figure to it. A unit with nowhere to be
        shown keeps its own row, unless `keep_own` is False (then its figure is left out)."""
        self.load(raw)
        merged: dict[int, Target] = {}
        for uid, figure in raw.items():
            for target in self.shown_or_own(uid) if keep_own else self.shown(uid):
                if target not in merged:
                    merged[target] = new(self.unit(target))
                merge(merged[target], figure)
        return merged
