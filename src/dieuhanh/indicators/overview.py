"""The indicators as the IOC and the indicator pages read them: one call for the tiles of a
unit and year (`summary`), one for the map (`by_unit`). Each runs a small, fixed number of
queries whatever the number of indicators, units or cases (no query per tile or per unit), and
reads only what `user` may see (`visible_to`, unit scope).

    summary(user, *, unit=None, year, today=None) -> Summary
    by_unit(user, code, year, *, unit=None, today=None) -> dict[int, float]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from dieuhanh.core import access, links
from dieuhanh.core.http import AnyUser
from dieuhanh.indicators import compute
from dieuhanh.indicators.choices import Achievement, Group, Kind, PeriodKind
from dieuhanh.indicators.models import Indicator, Target
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit

LEVEL_RANK: dict[str, int] = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.VILLAGE: 3}
MAX_UNITS = 900  # the most unit ids put in one SQL IN list
SUMMARY_GROUP = Group.SOCIO_ECONOMIC  # the "10/12 chỉ tiêu" line counts the socio-economic targets
MET = (Achievement.MET, Achievement.EXCEEDED)
GROUP_ORDER: dict[str, int] = {Group.SOCIO_ECONOMIC: 0, Group.PARTY: 1, Group.OPERATIONS: 2}  # tiles: the targets first


@dataclass
class Summary:
    """The indicators of a unit in a year. `met`/`total` count the socio-economic year targets
    of the unit (met or exceeded / with a target); `tiles` lists every indicator shown."""

    year: int
    unit_id: int | None = None
    unit_name: str = ""
    met: int = 0
    total: int = 0
    tiles: list[dict[str, Any]] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return gettext("%(met)s/%(total)s chỉ tiêu đạt và vượt") % {"met": self.met, "total": self.total}

    @property
    def basis(self) -> str:
        """How the line is counted, in words (the rows marked `counted` among the tiles)."""
        unit = gettext(" của %(unit)s") % {"unit": self.unit_name} if self.unit_name else ""
        return gettext(
            "Đếm %(total)s chỉ tiêu nhóm «%(group)s» có kế hoạch năm %(year)s%(unit)s: %(met)s đạt hoặc vượt, "
            "%(other)s không đạt hoặc chưa có số liệu."
        ) % {"total": self.total, "group": Group(SUMMARY_GROUP).label, "year": self.year, "unit": unit,
             "met": self.met, "other": self.total - self.met}

    def counted_url(self, base: str) -> str:
        """The indicator list narrowed to the rows the line counts."""
        query: dict[str, str | int] = {"nam": self.year, **({"don_vi": self.unit_id} if self.unit_id else {}),
                                       "nhom": str(SUMMARY_GROUP), "ke_hoach": 1}
        return f"{base}?{urlencode(query)}"

    @property
    def map_code(self) -> str:
        """The indicator to colour a map by when none is chosen: the first derived one (counted
        from every ward's cases, so each ward has a figure), else the first tile's."""
        derived = [t["code"] for t in self.tiles if t["derived"]]
        return derived[0] if derived else (self.tiles[0]["code"] if self.tiles else "")


def _unit_id(unit: AdminUnit | int | None) -> int | None:
    return unit.pk if isinstance(unit, AdminUnit) else unit


def default_unit(user: AnyUser, year: int) -> int | None:
    """The unit a summary is about when none is chosen: the highest-level unit with targets in
    `year` that the user sees (most targets first), else the one top unit of the user's grants
    that existed in `year`. None (every unit the user sees) when there are several: a city
    secretary's view of a year after the 2025 reform covers the wards that succeeded the city,
    not the abolished city, whose own figures would leave their work out."""
    units = access.units(user, "indicators", "view")
    # Counted by unit from the (period, unit) index, over every unit, those out of scope dropped
    # here; the levels read for the few units found.
    counts = {
        uid: n
        for uid, n in Target.objects.filter(year_from__lte=year, year_to__gte=year).order_by()
        .annotate(u=ExpressionWrapper(F("unit_id") + 0, output_field=IntegerField())).values_list("u")
        .annotate(n=Count("id"))
        if units is access.ALL or uid in units
    }
    if counts:
        levels = dict(AdminUnit.objects.filter(pk__in=list(counts)[:MAX_UNITS]).values_list("id", "level"))
        return min(counts, key=lambda u: (LEVEL_RANK.get(levels.get(u, ""), 9), -counts[u], u))
    if units is access.ALL or not units:
        return None
    alive = set(
        _among(AdminUnit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=dt.date(year, 12, 31)))
               .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1))), units)
        .values_list("id", flat=True)
    )
    tops = compute.topmost(units & alive)
    return tops[0] if len(tops) == 1 else None


def _among(units: QuerySet[AdminUnit], ids: set[int] | None) -> QuerySet[AdminUnit]:
    """`units` narrowed in SQL to `ids` when they fit in one IN list (None: every unit): a city's
    officer reads its hundred units, not the country's ten thousand, and the caller, which keeps
    only `ids` anyway, drops the rest when there are more."""
    return units.filter(pk__in=ids) if ids is not access.ALL and len(ids) <= MAX_UNITS else units


def detail_url(code: str, year: int, unit_id: int | None) -> str:
    url = links.url("indicator_detail", code=code) + f"?nam={year}"
    return url + (f"&don_vi={unit_id}" if unit_id else "")


def year_change(ind: Indicator, now: float | None, before: float | None, reported: float | None
            ) -> tuple[float | None, float | None]:
    """(change in %, change in points): a rate (measure in %) changes in points, any other
    figure in % of the year before, or as the growth reported with it."""
    if compute.is_rate(ind.measure):
        return None, compute.change_points(now, before)
    yoy = compute.change_percent(now, before)
    return (reported if yoy is None else yoy), None


def summary(
    user: AnyUser, *, unit: AdminUnit | int | None = None, year: int, today: dt.date | None = None,
    memo: dict[str, Any] | None = None,
) -> Summary:
    """Tiles of `unit` (default: `default_unit`) for `year`: each a dict with code, name, measure,
    group, direction, derived, target (current year target of the unit), target_original (the
    first version's value if the target was adjusted, else None), actual (rolled up, see
    compute.py), achievement ("exceeded" | "met" | "not_met" | None), ratio (actual ÷ target),
    yoy_percent (change on the year before, or the growth reported with the figure; None for a
    rate), yoy_points (a rate's change on the year before, in points; else None) and url (the
    indicator page). `terms` lists the term targets (2020–2025) of the unit covering `year`: target,
    target_original and adjusted_by (the deciding document) when adjusted, to_date (the term's
    figure up to `year`, see compute.py), ratio, achievement (judged once the term is over) and
    url. A unit the user may not see gives an empty summary. `memo`: shared with `by_unit` (the
    derived indicators' counts made once, `compute.derived_counts`)."""
    today = today or timezone.localdate()
    unit_id = _unit_id(unit)
    if unit_id is not None and not access.may(user, "indicators", "view", unit_id):
        return Summary(year=year, unit_id=unit_id)
    if unit_id is None:
        unit_id = default_unit(user, year)
    result = Summary(year=year, unit_id=unit_id)
    if not user.is_authenticated:
        return result
    if unit_id is not None:
        result.unit_name = AdminUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
    indicators = sorted(Indicator.objects.filter(active=True), key=lambda i: (GROUP_ORDER.get(i.group, 9), i.order, i.code))
    targets: dict[int, list[Target]] = {}
    terms: dict[tuple[int, int, int], list[Target]] = {}
    if unit_id is not None:
        for t in Target.objects.visible_to(user).filter(
            unit_id=unit_id, year_from__lte=year, year_to__gte=year
        ).order_by("version"):
            if t.period_kind == PeriodKind.YEAR:
                targets.setdefault(t.indicator_id, []).append(t)
            else:
                terms.setdefault((t.indicator_id, t.year_from, t.year_to), []).append(t)
    entered = [i for i in indicators if i.kind == Kind.ENTERED]
    first_year = min([year - 1, *(y1 for _i, y1, _y2 in terms)])
    table = compute.ActualTable(user, entered, range(first_year, year + 1), unit_id=unit_id)
    memo = {} if memo is None else memo
    memo.update(_covers=table.covers, _indicators={i.code: i for i in indicators})  # for `by_unit`
    units = table.covers.of(unit_id) if unit_id is not None else None
    for ind in indicators:
        versions = targets.get(ind.id, [])
        current = next((t for t in versions if t.is_current), None)
        if ind.kind == Kind.DERIVED:
            counts = compute.derived_counts(ind.derived_source, user, [year - 1, year], today, memo)
            actual = compute.derived_value(ind.derived_source, counts, units, year)
            before = compute.derived_value(ind.derived_source, counts, units, year - 1)
        else:
            actual = table.value(ind, unit_id, year)
            if current is None and actual is None:
                continue
            before = table.value(ind, unit_id, year - 1)
        yoy, points = year_change(ind, actual, before, table.reported_growth(ind, unit_id, year)
                              if ind.kind == Kind.ENTERED else None)
        target = float(current.value) if current is not None else None
        first = versions[0] if versions else None
        state = compute.achievement(actual, target, ind.direction)
        result.tiles.append({
            "code": ind.code, "name": ind.name, "measure": ind.measure, "group": ind.group,
            "direction": ind.direction, "derived": ind.kind == Kind.DERIVED, "target": target,
            "target_original": float(first.value) if first is not None and current is not None
            and first.pk != current.pk else None,
            "actual": actual, "achievement": state, "ratio": compute.ratio(actual, target), "yoy_percent": yoy,
            "yoy_points": points,
            "url": detail_url(ind.code, year, unit_id),
            "counted": ind.group == SUMMARY_GROUP and current is not None,  # in the "met/total" line
        })
        if ind.group == SUMMARY_GROUP and current is not None:
            result.total += 1
            result.met += state in MET
    by_id = {i.id: i for i in indicators}
    for (ind_id, y1, y2), versions in sorted(terms.items(), key=lambda kv: (by_id[kv[0][0]].group, by_id[kv[0][0]].order)
                                              if kv[0][0] in by_id else ("", 0)):
        current = next((t for t in versions if t.is_current), None)
        if ind_id not in by_id or current is None:
            continue
        ind = by_id[ind_id]
        to_date = table.over_years(ind, unit_id, range(y1, year + 1)) if ind.kind == Kind.ENTERED else None
        target = float(current.value)
        result.terms.append({
            "code": ind.code, "name": ind.name, "measure": ind.measure, "period": f"{y1}–{y2}",
            "year_from": y1, "year_to": y2, "target": target,
            "target_original": float(versions[0].value) if versions[0].pk != current.pk else None,
            "adjusted_by": current.deciding_document if versions[0].pk != current.pk else "",
            "to_date": to_date, "ratio": compute.ratio(to_date, target),
            # judged only once the term is over: a term's sum is not behind in its third year
            "achievement": compute.achievement(to_date, target, ind.direction) if year >= y2 else None,
            "url": detail_url(ind.code, year, unit_id),
        })
    return result


def map_units(
    user: AnyUser, year: int, unit_id: int | None = None, today: dt.date | None = None
) -> list[int]:
    """The wards and communes of `year` (those existing on its last day, or today for the
    current year) that the user sees, under `unit_id` when given."""
    today = today or timezone.localdate()
    day = min(dt.date(year, 12, 31), today)
    visible = access.units(user, "indicators", "view")
    within = scope.expand_units([unit_id]) if unit_id is not None else None
    narrow = within if visible is access.ALL else (visible if within is None else visible & within)
    ids = _among(AdminUnit.objects.valid_on(day).filter(level=UnitLevel.COMMUNE), narrow).values_list("id", flat=True)
    return [
        u for u in ids
        if (visible is access.ALL or u in visible) and (within is None or u in within)
    ]


def by_unit(
    user: AnyUser, code: str, year: int, *, unit: AdminUnit | int | None = None, today: dt.date | None = None,
    memo: dict[str, Any] | None = None,
) -> dict[int, float]:
    """The figure of indicator `code` in `year` for each ward/commune of that year the user sees
    (under `unit` when given), for the map: {unit_id: value}; units without a figure are left
    out. An unknown code gives {}. `memo`: the one given to `summary`, whose derived counts
    serve here again."""
    today = today or timezone.localdate()
    memo = {} if memo is None else memo
    ind = memo.get("_indicators", {}).get(code) or Indicator.objects.filter(code=code).first()
    if ind is None or not user.is_authenticated:
        return {}
    units = map_units(user, year, _unit_id(unit), today)
    out: dict[int, float] = {}
    covers = memo.get("_covers") or compute.Covers()
    if ind.kind == Kind.DERIVED:
        counts = compute.derived_counts(ind.derived_source, user, [year], today, memo)
        for uid in units:
            value = compute.derived_value(ind.derived_source, counts, covers.of(uid), year)
            if value is not None:
                out[uid] = value
        return out
    weights = list(Indicator.objects.filter(code=ind.weight_code)) if ind.weight_code else []
    table = compute.ActualTable(user, [ind, *weights], [year], covers)
    for uid in units:
        value = table.value(ind, uid, year)
        if value is not None:
            out[uid] = value
    return out
