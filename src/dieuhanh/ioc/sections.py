"""What an app adds to the IOC (`PlatformApp.ioc_sections`), read from the registry: the IOC
names no app.

A `Section`, declared in the app's `ioc.py`, brings:
- `compute(user, ctx)`: its figures for the period and unit of `ctx`, counting the cases of the
  units over which the user holds its app's `view` (`ctx.units(app)`), never by who the user is:
  the figures are shared by every user of the same scope (decision 0041); it adds per-unit figures for the map with
  `ctx.add(unit_id, key, n)` (rolled up to the units standing at the period's end);
- `template`: its card on the overview (the result is `section` in it; the generic card
  `ioc/_section.html` shows `figures`, a list of `Figure`);
- `metrics`: its columns of the units table, by which the map may be coloured;
- `trends`: its monthly series (a result key holding 12 numbers) and the chart they go on;
- `tables`: its Excel downloads (`?xuat=<slug>`);
- `alerts(user, today, limit)`: its items of the alerts feed (`ioc.alerts.Alert`), with the
  label of each kind it emits in `alert_kinds`;
- on a unit's page: a link to its list filtered to the unit (`list_label`, `list_url`), and a
  card of its own (`unit_card(user, unit, today)`, drawn by `unit_template`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dieuhanh.ioc.data import Period
    from dieuhanh.org.rollup import UnitRollup


@dataclass(frozen=True)
class Figure:
    key: str  # data-figure attribute, for tests and styles
    label: StrOrPromise
    value: Any
    url: str = ""
    tone: str = ""  # "bad" (overdue), "warn" (due soon) or ""
    display: str = ""  # the value as shown, when not a plain count (a rate: "94,8%")
    count: int | None = None  # the rows `url` lists, when `value` is not that count (a rate's numerator)

    @property
    def listed(self) -> Any:
        """How many rows the list behind the figure shows (its `data-count`)."""
        return self.value if self.count is None else self.count


@dataclass(frozen=True)
class Metric:
    """A column of the units table (and a colouring of the map): `value(figures)` from a unit's
    per-unit figures (those added with `ctx.add`)."""

    key: str
    label: StrOrPromise
    value: Callable[[dict[str, Any]], Any]
    higher_is_better: bool = False
    on_map: bool = True
    percent: bool = False
    in_table: bool = True  # a column of the units table and its export (else: the map only)
    label_from: str = ""  # the section result's key that names it (a metric chosen per period)


@dataclass(frozen=True)
class Trend:
    """A monthly series: the section result's `source` (12 numbers), drawn on the chart `chart`."""

    key: str
    label: StrOrPromise
    source: str
    chart: str
    chart_title: StrOrPromise
    unit_label: StrOrPromise
    bars: bool = False


@dataclass(frozen=True)
class Table:
    """An Excel download (`?xuat=<slug>`, file `ioc-<filename>-<year>.xlsx`): `build(result)` →
    (sheet title, headers, rows). `key` names its link in the card's template (`card.exports.<key>`)."""

    key: str
    slug: str
    filename: str
    build: Callable[[dict[str, Any]], tuple[str, list[str], list[list[Any]]]]


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    order: int
    app: str  # the app whose `view` permission shows the section
    compute: Callable[[Any, IocContext], dict[str, Any]] | None = None
    template: str = "ioc/_section.html"
    wide: bool = False  # a wide card of its own; the others stack in one column beside it
    # "main": drawn under the wide cards (the tasks), which give it the room they do not fill,
    # rather than in the middle column, whose cards set the height of the one-screen layout
    column: str = ""
    metrics: tuple[Metric, ...] = ()
    trends: tuple[Trend, ...] = ()
    tables: tuple[Table, ...] = ()
    alerts: Callable[[Any, Any, int], list[Any]] | None = None
    alert_kinds: dict[str, StrOrPromise] = field(default_factory=dict)
    list_label: StrOrPromise = ""  # a unit's page links to the app's list filtered to the unit (?unit=<id>)
    list_url: str = ""
    unit_card: Callable[[Any, Any, Any], dict[str, Any]] | None = None  # (user, unit, today) on a unit's page
    unit_template: str = ""


@dataclass
class IocContext:
    """What a section's `compute` is given: the period, the units in view per app, the link
    parameter of the lists behind the figures, and the per-unit figures of the map."""

    user: Any
    period: Period
    rollup: UnitRollup
    per_unit: dict[int, dict[str, Any]]
    link_unit: int | None

    @cached_property
    def due_soon_until(self) -> dt.date:
        """The last day of "due soon" from the period's today (`calendar.due_soon_until`), worked
        out once for every section."""
        from dieuhanh.core import calendar

        return calendar.due_soon_until(self.period.today)

    def units(self, app: str) -> set[int] | None:
        """The units whose cases of `app` are counted: those over which the user holds the app's
        `view`, narrowed to the chosen unit (its units below and those it succeeded); None for
        every unit."""
        from dieuhanh.core import access
        from dieuhanh.org import scope

        allowed = access.units(self.user, app, "view")
        if self.period.unit is None:
            return None if allowed is access.ALL else set(allowed)
        chosen = scope.expand_units([self.period.unit.pk])
        return chosen if allowed is access.ALL else chosen & set(allowed)

    def put(self, values: dict[int, Any], key: str) -> None:
        """Set figures already given by the units standing at the period's end (no roll-up)."""
        for uid, value in values.items():
            self.per_unit.setdefault(uid, {})[key] = value

    def add(self, counts: dict[int, int], key: str) -> None:
        """Add `counts` (by the unit a figure was recorded under) to the map's units under `key`,
        each where `org.rollup` shows it on the period's end; a unit with no commune-level heir
        there has no row on the map, and its count is left out."""
        self.rollup.load(set(counts))
        for uid, n in counts.items():
            for shown in self.rollup.shown(uid):
                target = self.per_unit.setdefault(shown, {})
                target[key] = target.get(key, 0) + n


def sections() -> list[Section]:
    from dieuhanh.core.platform import platform_apps

    found = [import_string(path) for app in platform_apps() for path in app.ioc_sections]
    return sorted(found, key=lambda s: s.order)


def visible(user: Any) -> list[Section]:
    """The registered sections whose app the user may read somewhere."""
    from dieuhanh.core import access

    return [s for s in sections() if access.holds(user, s.app, "view")]
