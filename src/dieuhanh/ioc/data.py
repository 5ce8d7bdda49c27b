"""The figures of the IOC overview, gathered for one scope, one period and optionally one unit.

Every figure counts the cases of the units the user may read (each section's `ctx.units(app)`,
the derived indicators' `access.units`), so a ward officer's IOC shows their ward only, and two
users who may read the same units read the same figures (decision 0041): never also the cases a
user may open because of who they are (a task they lead elsewhere), which their lists show. Each table is read with a few grouped queries (counts by status, by unit, by month),
never one query per row, so the overview costs the same number of queries for ten cases or a
million.

Periods: `year` selects what was received (petitions, dossiers) or due (tasks) that year. For
the current year the "now" figures (overdue, due soon, late now) count every open case, whatever
the year it came in, because that is what the operations room must chase today. For a past year
they count only that year's cases. Units are shown as they stood at the end of the period (or
today): 2021's figures of Chí Linh stay under its wards of 2021; today's view rolls the figures
of abolished units up to their heirs (`org.rollup.UnitRollup`, shared with the statistics pages
and the dashboard; a unit with no commune-level heir has no row on the map)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.http import urlencode

from dieuhanh.core import access, figurecache, links
from dieuhanh.ioc.sections import IocContext, Metric, Section, sections, visible
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit
from dieuhanh.org.rollup import UnitRollup

OVERDUE_ROWS = 12  # overdue tasks named on the overview; the rest via the linked list
MONTHS = range(1, 13)


def link(name: str, **params: Any) -> str:
    """URL of a list page with its filter parameters (empty ones left out)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    path = links.url(name)
    return f"{path}?{urlencode(clean)}" if clean else path


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass
class Period:
    year: int
    today: dt.date
    unit: AdminUnit | None = None

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def current(self) -> bool:
        return self.year >= self.today.year

    @property
    def as_of(self) -> dt.date:
        """The day whose units the figures are shown under."""
        return min(self.today, self.last)

    @property
    def unit_param(self) -> int | None:
        return self.unit.pk if self.unit else None


@dataclass
class Overview:
    period: Period
    units: list[dict[str, Any]] = field(default_factory=list)  # one row per ward/commune on the map
    trends: dict[str, list[int | None]] = field(default_factory=dict)  # months 1..12; None: still to come
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # each app's figures, by section key
    cards: list[Section] = field(default_factory=list)  # the sections shown, in order
    metrics: list[Metric] = field(default_factory=list)  # the units table's columns and the map's colourings
    metric_labels: dict[str, str] = field(default_factory=dict)
    # What the pages make from these figures (the rendered cards, map and charts by metric), kept
    # with them in the figures cache: the same figures, parameters and language make the same.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getattr__(self, name: str) -> Any:
        """`data.tasks`, `data.petitions`, …: a section's figures by its key ({} when not shown)."""
        if name.startswith("__"):
            raise AttributeError(name)
        return self.__dict__.get("sections", {}).get(name, {})


def _link_unit(user: Any, period: Period) -> int | None:
    """The unit the lists behind the figures are filtered to: the chosen one, else the one unit
    the user's grants name (a ward officer's ward, a province leader's province), so that a list
    shows the cases of the units counted, not also those other units sent to them."""
    if period.unit is not None:
        return period.unit.pk
    roots = scope.root_units(user)
    return next(iter(roots)) if roots and len(roots) == 1 else None


def overview(
    user: Any, *, unit: AdminUnit | None = None, year: int | None = None, today: dt.date | None = None
) -> Overview:
    """The figures of `user`'s scope, counted once per scope, period and unit and kept a few
    seconds (`core.figurecache`: up to FIGURES_TTL seconds old; the user's own changes show at
    once). Every figure is counted from the units the user may read, never from who they are
    (decision 0041), so users of the same scope share the entry. The overview returned is shared
    by the requests the entry serves: read it, never change it; what a page makes from it may be
    kept in its `memo`."""
    today = today or timezone.localdate()
    period = Period(year=year or today.year, today=today, unit=unit)
    counted = figurecache.cached(
        "ioc-overview", user, (period.year, period.unit_param, today.isoformat()),
        lambda: _count(user, period, visible(user)), shared=True,
    )
    data = counted.made.get("overview")
    if data is None:  # the first request this entry serves
        data = counted.made["overview"] = _overview(period, counted)
    return data  # type: ignore[no-any-return]


def _overview(period: Period, counted: _Counted) -> Overview:
    """The overview made from the counted figures: the sections shown, the metrics (those a
    section names by its figures, the indicator chosen for the map, after the fixed ones, and
    only when the section named one) and the map's units with their figures."""
    data = Overview(period=period, sections=counted.sections, trends=counted.trends)
    data.cards = [s for s in sections() if s.key in counted.shown]
    fixed = [m for card in data.cards for m in card.metrics if not m.label_from]
    named = [m for card in data.cards for m in card.metrics
             if m.label_from and data.sections.get(card.key, {}).get(m.label_from)]
    data.metrics = fixed + named
    data.metric_labels = {
        m.key: (data.sections[card.key][m.label_from] if m.label_from else str(m.label))
        for card in data.cards for m in card.metrics if m in data.metrics
    }
    data.units = _unit_rows(counted.units, counted.per_unit, data.metrics)
    return data


@dataclass
class _Counted:
    """What `overview` keeps in the figures cache: plain data, no callables (any cache may keep
    it), and `made`, what the requests make from it, kept with it while it is served."""

    shown: list[str]  # the keys of the sections shown (`visible`)
    sections: dict[str, dict[str, Any]]
    trends: dict[str, list[int | None]]
    per_unit: dict[int, dict[str, Any]]
    units: list[AdminUnit]
    made: dict[str, Any] = field(default_factory=dict)


def _count(user: Any, period: Period, cards: list[Section]) -> _Counted:
    rollup = UnitRollup(period.as_of)
    per_unit: dict[int, dict[str, Any]] = {}
    ctx = IocContext(user, period, rollup, per_unit, _link_unit(user, period))
    last_month = period.today.month if period.year == period.today.year else 12
    found: dict[str, dict[str, Any]] = {}
    trends: dict[str, list[int | None]] = {}
    for section in cards:
        if section.compute is None:
            continue
        result = section.compute(user, ctx)
        found[section.key] = result
        for trend in section.trends:
            values = result.get(trend.source) or [0] * 12
            trends[trend.key] = [v if m <= last_month else None for m, v in zip(MONTHS, values, strict=True)]
    return _Counted([c.key for c in cards], found, trends, per_unit, _units(user, period, rollup, per_unit))


# --- the map's units -----------------------------------------------------------------------------------

def _units(
    user: Any, period: Period, rollup: UnitRollup, per_unit: dict[int, dict[str, Any]]
) -> list[AdminUnit]:
    """Every commune-level unit standing at the period's end in the user's scope (and under the
    chosen unit); with an all-seeing scope and no unit chosen, the units that have figures and
    their neighbours under the same parent."""
    allowed = access.units(user, "ioc", "view")
    units = AdminUnit.objects.valid_on(period.as_of).filter(level=UnitLevel.COMMUNE)
    if period.unit is not None:
        units = units.filter(pk__in=scope.expand_units([period.unit.pk]))
    if allowed is not access.ALL:
        units = units.filter(pk__in=allowed)
    elif period.unit is None:
        parents = {unit.parent_id for unit in map(rollup.loaded, per_unit) if unit is not None}
        units = units.filter(Q(pk__in=set(per_unit)) | Q(parent_id__in=parents - {None}))
    return list(units.order_by("name"))


def _unit_rows(
    units: list[AdminUnit], per_unit: dict[int, dict[str, Any]], metrics: list[Metric],
) -> list[dict[str, Any]]:
    """The map's units, each with its figures under the metrics shown."""
    rows = []
    for unit in units:
        figures = per_unit.get(unit.pk, {})
        row: dict[str, Any] = {"unit": unit}
        row.update({m.key: m.value(figures) for m in metrics})
        row["cells"] = [(m, row[m.key]) for m in metrics if m.in_table]
        rows.append(row)
    return rows


def scope_units(user: Any, today: dt.date | None = None) -> list[AdminUnit]:
    """The units a user may choose on the IOC: cities and districts, wards and communes in
    their scope, today's and abolished ones (for the years before the reform)."""
    allowed = access.units(user, "ioc", "view")
    qs = AdminUnit.objects.filter(level__in=(UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE))
    if allowed is not access.ALL:
        qs = qs.filter(pk__in=allowed)
    return list(qs.order_by(F("valid_to").desc(nulls_first=True), "level", "name")[:500])
