"""Figures of indicators: aggregation over units and years, roll-up across the 2025 reform,
achievement against targets, year-on-year change, and the derived indicators counted live from
the tasks, petitions and dossiers.

Aggregation (`Indicator.aggregation`):
- sum: over units and over years, the figures add up (output, revenue, members admitted);
- mean: the plain mean of the units' or the years' figures (average growth over a term);
- weighted: the mean weighted by another indicator of the same unit and year (`weight_code`,
  e.g. a rate weighted by population); figures without a weight are left out;
- last: a stock figure (income per head at year end, communes meeting a standard): summed over
  units, and over years the last year with a figure counts.

Over units: a unit's own figure wins. A unit with no figure of its own takes the figures of
the units it covers (`scope.expand_units`: the units below it, and the units it succeeded), the
topmost ones only (a city's figure and its wards' are never both counted). So a figure entered in
2021 for phường Sao Đỏ counts for today's phường Chu Văn An; a ward split between heirs counts
whole for each of them, as in the petition and dossier statistics.

Achievement of a target (`achievement()`), for "higher is better": exceeded when the actual is
strictly above the target, met when it equals it (to 6 significant digits), not met below it.
For "lower is better" (poor households, overdue tasks) the comparison is inverted: exceeded
strictly below the target, met equal, not met above. "Đạt và vượt" counts met + exceeded.

Derived indicators (never typed in), for a unit scope and a year, of the units in the user's
scope (their `view` of the app counted): the units' figures, never also the cases the user
personally leads, handles or answers for elsewhere, so that two leaders of the same units read the
same figures (decision 0041):
- task on-time rate: tasks led by the units, due in the year and not cancelled, that are done
  or past their due date today; done by the due date ÷ those tasks, in %;
- overdue tasks: tasks led by the units, due in the year, still open and past their due date;
- petition resolution rate: petitions about the units (where the matter arose) received in the
  year (the register's year, as the IOC's petition card counts them); resolved ÷ accepted for
  resolution, in % (petitions/stats.py);
- dossier on-time rate: dossiers received by the units in the year that have a result; early or
  on time ÷ with a result, in % (dossiers/stats.py);
- online share: dossiers received in the year by the units; received online ÷ received, in %.
The two dossier figures are read from the dossier tally and count the dossiers received by the
units of the user's scope (not those other units sent to them for a step)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils import timezone

from dieuhanh.core.http import AnyUser
from dieuhanh.indicators import derived as derived_registry
from dieuhanh.indicators.choices import Achievement, Aggregation, Direction
from dieuhanh.indicators.derived import Counts
from dieuhanh.indicators.models import Actual, Indicator
from dieuhanh.org import scope

MAX_IN = 900  # the most ids put in one SQL IN list (SQLite's parameter limit, with room to spare)
TOLERANCE = 1e-6  # relative: 10/12 is not "not met" because of a rounding in the sheet


def achievement(actual: float | None, target: float | None, direction: str) -> str | None:
    """exceeded / met / not_met (see the module docstring); None without both figures."""
    if actual is None or target is None:
        return None
    diff = float(actual) - float(target)
    if abs(diff) <= TOLERANCE * max(1.0, abs(float(target))):
        return Achievement.MET
    if direction == Direction.LOWER:
        diff = -diff
    return Achievement.EXCEEDED if diff > 0 else Achievement.NOT_MET


def ratio(actual: float | None, target: float | None) -> float | None:
    """Actual ÷ target (1.0 = exactly the target); None when either is missing or the target is 0."""
    if actual is None or not target:
        return None
    return float(actual) / float(target)


def change_percent(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (float(now) / float(before) - 1.0) * 100.0


def is_rate(measure: str) -> bool:
    """A figure already in % (a rate, a growth): its change on a year is told in points."""
    return "%" in measure


def change_points(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return float(now) - float(before)


def combine(values: list[float], aggregation: str, weights: list[float | None] | None = None) -> float | None:
    """One figure from several units' (or years') figures, in the order given."""
    if not values:
        return None
    if aggregation == Aggregation.MEAN:
        return sum(values) / len(values)
    if aggregation == Aggregation.WEIGHTED:
        pairs = [(v, w) for v, w in zip(values, weights or [None] * len(values), strict=True) if w]
        total = sum(w for _v, w in pairs)
        return sum(v * w for v, w in pairs) / total if total else None
    return float(sum(values))


def topmost(unit_ids: Iterable[int], graph: Any = None) -> list[int]:
    """The units of `unit_ids` none of whose ancestors is also among them."""
    graph = graph or scope.unit_graph()
    ids = set(unit_ids)
    out = []
    for uid in sorted(ids):
        up, covered = uid, False
        while up in graph.parents:
            up = graph.parents[up]
            if up in ids:
                covered = True
                break
        if not covered:
            out.append(uid)
    return out


@dataclass
class Covers:
    """Which units a unit's figure is made of, computed once per unit (graph loaded once)."""

    graph: Any = field(default_factory=scope.unit_graph)
    _sets: dict[int, set[int]] = field(default_factory=dict)

    def of(self, unit_id: int) -> set[int]:
        """What `scope.expand_units([unit_id])` answers, walked over the graph loaded once here
        (expand_units checks the graph is fresh with a query on every call: one per unit)."""
        if unit_id not in self._sets:
            self._sets[unit_id] = self._expand(unit_id)
        return self._sets[unit_id]

    def _expand(self, root: int) -> set[int]:
        return scope.expand_units([root], self.graph, successors=False)


class ActualTable:
    """The actuals of some indicators over some years that `user` may see, loaded in one query;
    answers the figure of any unit, rolled up (see the module docstring)."""

    def __init__(
        self, user: AnyUser, indicators: Iterable[Indicator], years: Iterable[int],
        covers: Covers | None = None, *, unit_id: int | None = None,
    ):
        """`unit_id`: only figures that can count for this unit are needed (those of the units it
        covers), which keeps the load small for a ward in a province of data."""
        self.by_code = {i.code: i for i in indicators}
        ids = {i.id: i.code for i in self.by_code.values()}
        missing = {i.weight_code for i in self.by_code.values() if i.weight_code} - set(self.by_code)
        if missing:
            ids.update(Indicator.objects.filter(code__in=missing).values_list("id", "code"))
        self.years = sorted(set(years))
        self.covers = covers or Covers()
        # (code, year) -> unit_id -> (value, reported growth %)
        self.rows: dict[tuple[str, int], dict[int, tuple[float, float | None]]] = defaultdict(dict)
        self._topmost: dict[frozenset[int], list[int]] = {}
        qs = Actual.objects.visible_to(user).filter(indicator_id__in=list(ids), year__in=self.years)
        if unit_id is not None:
            covered = self.covers.of(unit_id)
            if len(covered) <= MAX_IN:
                qs = qs.filter(unit_id__in=list(covered))
        # Floats cast in SQL and read straight from the cursor: Django's per-row converters cost
        # more than the query itself on a province's tens of thousands of figures.
        qs = qs.order_by().annotate(v=Cast("value", FloatField()), g=Cast("growth_percent", FloatField()))
        try:
            # The stubs' plugin does not follow the annotations into values_list.
            sql, params = qs.values_list(  # type: ignore[misc]
                "indicator_id", "unit_id", "year", "v", "g"
            ).query.sql_with_params()
        except EmptyResultSet:  # nothing visible (a user with no role)
            return
        rows = self.rows
        with connections[qs.db].cursor() as cursor:
            cursor.execute(sql, params)
            for ind_id, uid, year, value, growth in cursor.fetchall():
                rows[(ids[ind_id], year)][uid] = (value, growth)

    def contributors(self, code: str, unit_id: int | None, year: int) -> list[int]:
        rows = self.rows.get((code, year), {})
        if not rows:
            return []
        if unit_id is None:
            return topmost(rows, self.covers.graph)
        if unit_id in rows:
            return [unit_id]
        covered = self.covers.of(unit_id)
        key = frozenset(u for u in rows if u in covered)
        # Most indicators are reported by the same units: their topmost set is worked out once.
        if key not in self._topmost:
            self._topmost[key] = topmost(key, self.covers.graph)
        return self._topmost[key]

    def value(self, indicator: Indicator, unit_id: int | None, year: int) -> float | None:
        """The figure of `unit_id` (None: everything visible) in `year` over units."""
        units = self.contributors(indicator.code, unit_id, year)
        if not units:
            return None
        rows = self.rows[(indicator.code, year)]
        values = [rows[u][0] for u in units]
        weights = None
        if indicator.aggregation == Aggregation.WEIGHTED:
            wrows = self.rows.get((indicator.weight_code, year), {})
            weights = [wrows[u][0] if u in wrows else None for u in units]
        agg = Aggregation.SUM if indicator.aggregation == Aggregation.LAST else indicator.aggregation
        return combine(values, agg, weights)

    def reported_growth(self, indicator: Indicator, unit_id: int | None, year: int) -> float | None:
        """The growth % the unit reported with its own figure, if any."""
        units = self.contributors(indicator.code, unit_id, year)
        if len(units) != 1:
            return None
        return self.rows[(indicator.code, year)][units[0]][1]

    def over_years(self, indicator: Indicator, unit_id: int | None, years: Iterable[int]) -> float | None:
        """The figure over several years (a term to date): see `Aggregation`."""
        yearly = [(y, self.value(indicator, unit_id, y)) for y in sorted(years)]
        known = [(y, v) for y, v in yearly if v is not None]
        if not known:
            return None
        if indicator.aggregation == Aggregation.LAST:
            return known[-1][1]
        weights = None
        if indicator.aggregation == Aggregation.WEIGHTED:
            weight = self.by_code.get(indicator.weight_code) or Indicator(
                code=indicator.weight_code, aggregation=Aggregation.SUM
            )
            weights = [self.value(weight, unit_id, y) for y, _v in known]
        return combine([v for _y, v in known], indicator.aggregation, weights)


# --- Derived indicators -------------------------------------------------------------------



def derived_counts(
    source: str, user: AnyUser, years: Iterable[int], today: dt.date | None = None,
    memo: dict[str, Any] | None = None,
) -> Counts:
    """One grouped query: (unit, year) -> (numerator, denominator) of a derived indicator (declared
    by its app, `indicators.derived`). Pass the same `memo` dict for several sources or calls:
    indicators of one app then share their query, and a source already counted with the memo
    over these years (or more) is not counted again — the counts may then hold other years as
    well: read them by year (`derived_value`)."""
    found = derived_registry.sources().get(source)
    if found is None:
        raise ValueError(f"Nguồn tính không hợp lệ: {source!r}")
    memo = {} if memo is None else memo
    wanted, day = sorted(set(years)), today or timezone.localdate()
    made: dict[tuple[str, tuple[int, ...], dt.date], Counts] = memo.setdefault("_derived_counts", {})
    for (done, over, on), counts in made.items():
        if done == source and on == day and set(wanted) <= set(over):
            return counts
    counts = found.function(user, wanted, day, memo)
    made[(source, tuple(wanted), day)] = counts
    return counts


def derived_value(source: str, counts: Counts, units: set[int] | None, year: int) -> float | None:
    """The derived figure over `units` (None: every unit counted) in `year`: a count, or a rate
    in % (None when nothing was counted)."""
    num = den = 0
    for (unit_id, y), (n, d) in counts.items():
        if y == year and (units is None or unit_id in units):
            num += n
            den += d
    found = derived_registry.sources().get(source)
    if found is not None and found.count:
        return float(num)
    return num * 100.0 / den if den else None


def derived(
    source: str, user: AnyUser, unit_id: int | None, year: int, today: dt.date | None = None
) -> float | None:
    """A derived indicator for a unit scope (the unit, the units below it and those it
    succeeded; None: all the user sees) and a year."""
    counts = derived_counts(source, user, [year], today)
    units = scope.expand_units([unit_id]) if unit_id is not None else None
    return derived_value(source, counts, units, year)


def as_float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
