"""The figures of the IOC overview, gathered for one user, one period and optionally one unit.

Everything starts from each module's `visible_to(user)`, so a ward officer's IOC shows their
ward only. Each table is read with a few grouped queries (counts by status, by unit, by month),
never one query per row, so the overview costs the same number of queries for ten cases or a
million.

Periods: `year` selects what was received (petitions, dossiers) or due (tasks) that year. For
the current year the "now" figures (overdue, due soon, late now) count every open case, whatever
the year it came in, because that is what the operations room must chase today. For a past year
they count only that year's cases. Units are shown as they stood at the end of the period (or
today): 2021's figures of Chí Linh stay under its wards of 2021; today's view rolls the figures
of abolished units up to their heirs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q
from django.utils import timezone
from django.utils.http import urlencode

from dieuhanh.core import access, links
from dieuhanh.ioc import sections
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit

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
    indicators: Any = None  # indicators.overview.summary(...) or None while unavailable
    tasks: dict[str, Any] = field(default_factory=dict)
    petitions: dict[str, Any] = field(default_factory=dict)
    dossiers: dict[str, Any] = field(default_factory=dict)
    units: list[dict[str, Any]] = field(default_factory=list)  # one row per ward/commune on the map
    trends: dict[str, list[int | None]] = field(default_factory=dict)  # months 1..12; None: still to come
    sections: list[dict[str, Any]] = field(default_factory=list)  # the apps' own cards (ioc.sections)


class UnitRollup:
    """Maps the unit a figure was recorded under to the commune-level unit it is shown under at
    the period's end: itself if it still stood then, else its heirs; a village under its
    commune. Units are read in bulk once; the unit graph is cached by `scope`."""

    def __init__(self, period: Period) -> None:
        self.as_of = period.as_of
        self.graph = scope.unit_graph()
        self.info: dict[int, AdminUnit] = {}
        self._memo: dict[int, set[int]] = {}

    def load(self, ids: set[int]) -> None:
        wanted = set(ids)
        for uid in ids:
            wanted |= scope.heirs(uid, self.graph)
            if uid in self.graph.parents:
                wanted.add(self.graph.parents[uid])
        wanted |= {self.graph.parents[u] for u in list(wanted) if u in self.graph.parents}
        missing = wanted - set(self.info)
        if missing:
            self.info.update(AdminUnit.objects.in_bulk(missing))

    def shown(self, uid: int) -> set[int]:
        if uid in self._memo:
            return self._memo[uid]
        unit = self.info.get(uid)
        result: set[int] = set()
        if unit is not None:
            if unit.is_valid_on(self.as_of):
                if unit.level == UnitLevel.COMMUNE:
                    result = {uid}
                elif unit.level == UnitLevel.VILLAGE and unit.parent_id:
                    result = self.shown(unit.parent_id)
            else:
                for heir in scope.heirs(uid, self.graph):
                    if heir != uid:
                        result |= self.shown(heir)
        self._memo[uid] = result
        return result


def _unit_filter(period: Period, field_name: str) -> Q:
    if period.unit is None:
        return Q()
    return Q(**{f"{field_name}__in": scope.expand_units([period.unit.pk])})


def _case_units(user: Any, period: Period, app: str) -> set[int] | None:
    """The units whose cases of `app` are counted: those over which the user may view the app's
    rows (`core.access`, as its `visible_to` reads them), narrowed to the chosen unit (its units
    below and the units it succeeded); None for everything."""
    allowed = access.units(user, app, "view")
    if period.unit is None:
        return None if allowed is access.ALL else set(allowed)
    chosen = scope.expand_units([period.unit.pk])
    return chosen if allowed is access.ALL else chosen & set(allowed)


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
    today = today or timezone.localdate()
    period = Period(year=year or today.year, today=today, unit=unit)
    data = Overview(period=period)
    rollup = UnitRollup(period)
    per_unit: dict[int, dict[str, Any]] = {}
    data.indicators = _indicators(user, period)
    data.tasks = _tasks(user, period, rollup, per_unit)
    data.petitions = _petitions(user, period, rollup, per_unit)
    data.dossiers = _dossiers(user, period, rollup, per_unit)
    data.units = _unit_rows(user, period, rollup, per_unit, data.indicators)
    data.sections = sections.for_user(user, period)
    last_month = today.month if period.year == today.year else 12
    data.trends = {
        name: [v if m <= last_month else None for m, v in zip(MONTHS, values, strict=True)]
        for name, values in (
            ("dossiers_received", data.dossiers.pop("_monthly_received")),
            ("dossiers_late", data.dossiers.pop("_monthly_late")),
            ("petitions_received", data.petitions.pop("_monthly_received")),
        )
    }
    return data


# --- indicators ----------------------------------------------------------------------------------------


def _indicators(user: Any, period: Period) -> Any:
    """The indicators app's summary, or None while that app offers none."""
    try:
        from dieuhanh.indicators import overview as indicator_overview
    except ImportError:
        return None
    summary = getattr(indicator_overview, "summary", None)
    if summary is None:
        return None
    return summary(user, unit=period.unit, year=period.year)


def indicator_by_unit(user: Any, code: str, year: int, *, unit: AdminUnit | None = None) -> dict[int, Any]:
    try:
        from dieuhanh.indicators import overview as indicator_overview
    except ImportError:
        return {}
    by_unit = getattr(indicator_overview, "by_unit", None)
    return dict(by_unit(user, code, year, unit=unit)) if by_unit else {}


# --- tasks ---------------------------------------------------------------------------------------------


def _tasks(
    user: Any, period: Period, rollup: UnitRollup, per_unit: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    from dieuhanh.directives.choices import TaskStatus
    from dieuhanh.directives.models import Task

    today = period.today
    in_year = Q(due_date__gte=period.first, due_date__lte=period.last)
    # This year: open work whatever its year, plus what was due this year and has been closed.
    still_open = Q(completed_on__isnull=True, cancelled_on__isnull=True)
    # The tasks led by the units in view (each task counts once, under its lead unit).
    units = _case_units(user, period, "directives")
    led = Task.objects.all() if units is None else Task.objects.filter(lead_unit_id__in=units)
    # Counted by (lead unit, status) from the due-date indexes and kept for the units in view
    # here: a filter on a hundred lead units in SQL would have the database read every task.
    lead = ExpressionWrapper(F("lead_unit_id") + 0, output_field=IntegerField())
    counts: dict[str, int] = {}
    by_lead_counts: dict[int, int] = {}  # overdue, by lead unit
    due_in_year: dict[str, int] = {}  # the first part: the on-time rate judges these only
    parts = [Q(in_year), still_open & ~Q(in_year)] if period.current else [Q(in_year)]
    for i, part in enumerate(parts):
        grouped = (
            Task.objects.filter(part).with_status(today).order_by()
            .annotate(u=lead).values_list("u", "status").annotate(n=Count("id"))
        )
        for uid, status, n in grouped:
            if units is None or uid in units:
                counts[status] = counts.get(status, 0) + n
                if i == 0:
                    due_in_year[status] = due_in_year.get(status, 0) + n
                if status == TaskStatus.OVERDUE.value:
                    by_lead_counts[uid] = by_lead_counts.get(uid, 0) + n
    open_statuses = (TaskStatus.OVERDUE, TaskStatus.DUE_SOON, TaskStatus.ON_TRACK)
    unit_param = _link_unit(user, period)

    def status_link(status: str) -> str:
        dated = not period.current or status not in open_statuses
        return link(
            "directives:task_list",
            status=status,
            unit=unit_param,
            due_from=period.first.isoformat() if dated else None,
            due_to=period.last.isoformat() if dated else None,
        )

    order = [
        TaskStatus.OVERDUE,
        TaskStatus.DUE_SOON,
        TaskStatus.ON_TRACK,
        TaskStatus.DONE_ON_TIME,
        TaskStatus.DONE_LATE,
        TaskStatus.CANCELLED,
    ]
    cards = [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0), "url": status_link(s.value)}
        for s in order
    ]
    late = still_open & Q(due_date__lt=today) & (Q() if period.current else in_year)
    overdue_rows = (
        led.filter(late)
        .select_related("lead_unit", "lead_person", "accountable_person")
        .order_by("due_date", "id")[:OVERDUE_ROWS]
    )
    overdue = [
        {
            "task": t,
            "title": t.title,
            "unit": t.lead_unit,
            "lead": t.lead_person,
            "leader": t.accountable_person,
            "due_date": t.due_date,
            "days_late": (today - t.due_date).days,
            "url": links.url("directives:task_detail", t.pk),
        }
        for t in overdue_rows
    ]
    rollup.load(set(by_lead_counts))
    for lead_id, n in by_lead_counts.items():
        for shown in rollup.shown(lead_id):
            per_unit.setdefault(shown, {}).setdefault("tasks_overdue", 0)
            per_unit[shown]["tasks_overdue"] += n
    total = sum(counts.values())
    # As the derived indicator (indicators/compute.py): done on time of the tasks due in the
    # year that are done or already overdue.
    judged = sum(due_in_year.get(s.value, 0) for s in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE,
                                                       TaskStatus.OVERDUE))
    return {
        "cards": cards,
        "total": total,
        "total_url": link("directives:task_list", unit=unit_param),
        "overdue": overdue,
        "overdue_count": counts.get(TaskStatus.OVERDUE.value, 0),
        "overdue_url": status_link(TaskStatus.OVERDUE.value),
        "on_time_percent": percent(due_in_year.get(TaskStatus.DONE_ON_TIME.value, 0), judged),
    }


# --- petitions -----------------------------------------------------------------------------------------


def _petitions(
    user: Any, period: Period, rollup: UnitRollup, per_unit: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """Two grouped queries: the year's petitions by month (received, accepted, resolved, open),
    and the open ones by unit that are overdue or due within three working days."""
    from django.db.models import CharField
    from django.db.models.functions import Cast, Substr

    from dieuhanh.core import calendar
    from dieuhanh.petitions.choices import OPEN_STATES
    from dieuhanh.petitions.models import Petition

    today = period.today
    # The petitions about the units in view (as the petition statistics count them), a part of
    # what `visible_to` lets the user read.
    units = _case_units(user, period, "petitions")
    visible = Petition.objects.all() if units is None else Petition.objects.filter(unit_id__in=units)
    of_year = visible.filter(year=period.year)
    open_now = Q(state__in=OPEN_STATES)
    # The month as the text of the date's characters 6–7: plain SQL on both databases, where
    # extracting it as a date part calls back into Python for every row on SQLite.
    monthly = (
        of_year.order_by()
        .annotate(m=Substr(Cast("received_on", CharField()), 6, 2))
        .values_list("m")
        .annotate(
            received=Count("id"),
            accepted=Count("id", filter=Q(accepted_on__isnull=False)),
            resolved=Count("id", filter=Q(concluded_on__isnull=False)),
            open=Count("id", filter=open_now),
        )
    )
    received_by_month = [0] * 12
    received = accepted = resolved = open_count = 0
    for m, n_received, n_accepted, n_resolved, n_open in monthly:
        received_by_month[int(m) - 1] += n_received
        received += n_received
        accepted += n_accepted
        resolved += n_resolved
        open_count += n_open
    soon = calendar.add(today, 3, working=True)
    # Through the (state, due date) index over every unit, those out of view dropped here.
    timing = (
        (Petition.objects.all() if period.current else Petition.objects.filter(year=period.year))
        .filter(open_now, due_on__lte=soon)
        .order_by()
        .annotate(u=ExpressionWrapper(F("unit_id") + 0, output_field=IntegerField()))
        .values_list("u")
        .annotate(overdue=Count("id", filter=Q(due_on__lt=today)), due_soon=Count("id", filter=Q(due_on__gte=today)))
    )
    overdue = due_soon = 0
    counts: dict[int, int] = {}
    for uid, n_overdue, n_due_soon in timing:
        if units is not None and uid not in units:
            continue
        overdue += n_overdue
        due_soon += n_due_soon
        if n_overdue:
            counts[uid] = counts.get(uid, 0) + n_overdue
    rollup.load(set(counts))
    for uid, n in counts.items():
        for shown in rollup.shown(uid):
            per_unit.setdefault(shown, {}).setdefault("petitions_overdue", 0)
            per_unit[shown]["petitions_overdue"] += n
    year_param = None if period.current else period.year
    unit_param = _link_unit(user, period)
    return {
        "received": received,
        "received_url": link("petitions:petition_list", year=period.year, unit=unit_param),
        "accepted": accepted,
        "resolved": resolved,
        "resolution_percent": percent(resolved, accepted),
        "open": open_count,
        "open_url": link("petitions:petition_list", year=period.year, state="open", unit=unit_param),
        "overdue": overdue,
        "overdue_url": link("petitions:petition_list", timing="overdue", year=year_param, unit=unit_param),
        "due_soon": due_soon,
        "due_soon_url": link("petitions:petition_list", timing="due_soon", year=year_param, unit=unit_param),
        "_monthly_received": received_by_month,
    }


# --- dossiers ------------------------------------------------------------------------------------------


def _dossiers(
    user: Any, period: Period, rollup: UnitRollup, per_unit: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """Dossiers received by the units in view: the year's figures by unit and month from the
    tally (dossiers/tally.py, a few thousand rows whatever the number of dossiers), the "now"
    figures (late now, due soon) from the open dossiers through their indexes."""
    from dieuhanh.core import calendar
    from dieuhanh.dossiers import tally
    from dieuhanh.dossiers.models import Dossier
    from dieuhanh.dossiers.stats import ONLINE_BIT, OPEN_CLASSES

    today = period.today
    units = _case_units(user, period, "dossiers")
    received = in_time = classed = online = 0
    monthly_received, monthly_late = [0] * 12, [0] * 12
    by_unit: dict[int, list[int]] = {}  # unit -> [received, in time, classed]
    # class & 3: 1 early, 2 on time, 3 late, 0 no result yet; & ONLINE_BIT: received online
    for uid, cls, n in tally.sums(period.first, period.last, units, by="unit_id", mask=3 | ONLINE_BIT):
        timeliness = cls & 3
        received += n
        figures = by_unit.setdefault(uid, [0, 0, 0])
        figures[0] += n
        if timeliness:
            classed += n
            figures[2] += n
            if timeliness < 3:
                in_time += n
                figures[1] += n
        if cls & ONLINE_BIT:
            online += n
    for month, timeliness, n in tally.sums(period.first, period.last, units, by="month", mask=3):
        monthly_received[month.month - 1] += n
        if timeliness == 3:
            monthly_late[month.month - 1] += n
    mine = Dossier.objects.all() if units is None else Dossier.objects.filter(unit_id__in=units)
    if not period.current:
        mine = mine.filter(received_on__gte=period.first, received_on__lte=period.last)
    soon = calendar.add(today, 3, working=True)
    late_by_unit: dict[int, int] = {}
    due_soon = 0
    for uid, n_late, n_soon in (
        mine.filter(stats_class__in=OPEN_CLASSES, due_on__lte=soon)
        .order_by()
        .values_list("unit_id")
        .annotate(late=Count("id", filter=Q(due_on__lt=today)), soon=Count("id", filter=Q(due_on__gte=today)))
    ):
        due_soon += n_soon
        if n_late:
            late_by_unit[uid] = n_late
    rollup.load(set(by_unit) | set(late_by_unit))
    for uid, (n_received, n_in_time, n_classed) in by_unit.items():
        for shown in rollup.shown(uid):
            target = per_unit.setdefault(shown, {})
            for key, n in (("received", n_received), ("in_time", n_in_time), ("classed", n_classed)):
                target[f"dossiers_{key}"] = target.get(f"dossiers_{key}", 0) + n
    for uid, n in late_by_unit.items():
        for shown in rollup.shown(uid):
            target = per_unit.setdefault(shown, {})
            target["dossiers_late_now"] = target.get("dossiers_late_now", 0) + n
    unit_param = _link_unit(user, period)
    dates = {"date_from": period.first.isoformat(), "date_to": period.last.isoformat()}
    now_dates = {} if period.current else dates
    return {
        "received": received,
        "received_url": link("dossier_list", unit=unit_param, **dates),
        "on_time_percent": percent(in_time, classed),
        "online_percent": percent(online, received),
        "late_now": sum(late_by_unit.values()),
        "late_now_url": link("dossier_list", status="late_now", unit=unit_param, **now_dates),
        "due_soon": due_soon,
        "due_soon_url": link("dossier_list", status="open", unit=unit_param, **now_dates),
        "stats_url": link("dossier_stats", unit=unit_param, **dates),
        "_monthly_received": monthly_received,
        "_monthly_late": monthly_late,
    }


# --- the map's units -----------------------------------------------------------------------------------

METRICS = {
    "tasks_overdue": "Nhiệm vụ quá hạn",
    "petitions_overdue": "Đơn quá hạn",
    "dossiers_late": "Hồ sơ trễ hạn",
    "dossiers_on_time": "Tỉ lệ hồ sơ đúng hạn (%)",
}
HIGHER_IS_BETTER = {"dossiers_on_time", "indicator"}


def _unit_rows(
    user: Any, period: Period, rollup: UnitRollup, per_unit: dict[int, dict[str, Any]], indicators: Any
) -> list[dict[str, Any]]:
    """Every commune-level unit standing at the period's end in the user's scope (and under the
    chosen unit), with its figures; with an all-seeing scope and no unit chosen, the units that
    have figures and their neighbours under the same parent."""
    allowed = access.units(user, "ioc", "view")
    units = AdminUnit.objects.valid_on(period.as_of).filter(level=UnitLevel.COMMUNE)
    if period.unit is not None:
        units = units.filter(pk__in=scope.expand_units([period.unit.pk]))
    if allowed is not access.ALL:
        units = units.filter(pk__in=allowed)
    elif period.unit is None:
        parents = {rollup.info[u].parent_id for u in per_unit if u in rollup.info}
        units = units.filter(Q(pk__in=set(per_unit)) | Q(parent_id__in=parents - {None}))
    indicator_code, indicator_values = _indicator_metric(user, period, indicators)
    rows = []
    for unit in units.order_by("name"):
        figures = per_unit.get(unit.pk, {})
        late = figures.get("dossiers_late_now", 0)
        on_time = percent(figures.get("dossiers_in_time", 0), figures.get("dossiers_classed", 0))
        rows.append(
            {
                "unit": unit,
                "tasks_overdue": figures.get("tasks_overdue", 0),
                "petitions_overdue": figures.get("petitions_overdue", 0),
                "dossiers_received": figures.get("dossiers_received", 0),
                "dossiers_late": late,
                "dossiers_on_time": on_time,
                "indicator": indicator_values.get(unit.pk),
                "indicator_code": indicator_code,
            }
        )
    return rows


def _indicator_metric(user: Any, period: Period, indicators: Any) -> tuple[str, dict[int, Any]]:
    """Values by unit of the indicator the summary proposes for the map (one every ward has a
    figure for: a derived one; the socio-economic targets are set for the city as a whole)."""
    code = getattr(indicators, "map_code", "") or ""
    if not code:
        tiles = getattr(indicators, "tiles", None) or []
        code = tiles[0].get("code", "") if tiles else ""
    return code, indicator_by_unit(user, code, period.year, unit=period.unit) if code else {}


def scope_units(user: Any, today: dt.date | None = None) -> list[AdminUnit]:
    """The units a user may choose on the IOC: cities and districts, wards and communes in
    their scope, today's and abolished ones (for the years before the reform)."""
    allowed = access.units(user, "ioc", "view")
    qs = AdminUnit.objects.filter(level__in=(UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE))
    if allowed is not access.ALL:
        qs = qs.filter(pk__in=allowed)
    return list(qs.order_by(F("valid_to").desc(nulls_first=True), "level", "name")[:500])
