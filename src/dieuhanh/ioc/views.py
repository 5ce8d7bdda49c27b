"""The IOC pages: the overview (`/ioc/`) a leader opens in the morning and the operations room
shows on its wall, and a unit's drill-down (`/ioc/don-vi/<code>/`). Both read their figures
from `ioc.data.overview`, limited to the user's scope; `?xuat=<table>` downloads a table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core import access, links, replicas
from dieuhanh.ioc import data as ioc_data
from dieuhanh.ioc import export
from dieuhanh.lib.params import int_or_none
from dieuhanh.org.models import AdminUnit, Assignment

EXPORT_NAMES = {"units": "don-vi", "trends": "xu-huong"}  # the IOC's own tables
FIRST_YEAR = 2015  # the selector offers years from here to this year
WALL = ("man-hinh", "tuong")  # ?man-hinh=tuong: the wall display of the operations room
ROTATE_DEFAULT, ROTATE_MIN, ROTATE_MAX = 20, 5, 600  # seconds each card takes the wall (?xoay=, 0: none)


staff_only = access.requires("ioc", "view", gettext_lazy("Trung tâm điều hành dành cho cán bộ được phân quyền theo đơn vị."))

def _year(request: HttpRequest, today: dt.date, problems: list[str]) -> int:
    raw = (request.GET.get("nam") or "").strip()
    if not raw:
        return today.year
    if (year := int_or_none(raw, min_value=FIRST_YEAR, max_value=today.year)) is not None:
        return year
    problems.append(gettext("Giá trị không hợp lệ cho «Năm»: %(raw)s (từ %(first_year)s đến %(year)s).") % {"raw": repr(raw), "first_year": FIRST_YEAR, "year": today.year})
    return today.year


def _unit(request: HttpRequest, problems: list[str]) -> AdminUnit | None:
    raw = (request.GET.get("don_vi") or "").strip()
    if not raw:
        return None
    unit_id = int_or_none(raw)
    unit = AdminUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    if unit is None or not access.may(request.user, "ioc", "view", unit.pk):
        problems.append(gettext("Giá trị không hợp lệ cho «Đơn vị»: %(raw)s (không có hoặc ngoài phạm vi được xem).") % {"raw": repr(raw)})
        return None
    return unit


def _metrics(data: ioc_data.Overview) -> dict[str, str]:
    """What the map may be coloured by: the sections' figures by unit."""
    return {m.key: data.metric_labels[m.key] for m in data.metrics if m.on_map}


def _metric(request: HttpRequest, data: ioc_data.Overview) -> str:
    metrics = list(_metrics(data))
    metric = request.GET.get("chi_so") or (metrics[0] if metrics else "")
    return metric if metric in metrics else (metrics[0] if metrics else "")


def _charts(data: ioc_data.Overview, metric: str, year: int) -> dict[str, Any]:
    """The map and trend charts as inline SVG, drawn by `ioc.svg` (none while it is missing)."""
    try:
        from dieuhanh.ioc import svg
    except ImportError:
        return {}
    months = [gettext("T%(month)s") % {"month": m} for m in ioc_data.MONTHS]  # T1 (tháng 1); "M1" in English
    units = [
        {"code": r["unit"].code, "name": r["unit"].name, "lat": r["unit"].latitude, "lon": r["unit"].longitude,
         "url": links.url("ioc_unit", r["unit"].code) + f"?nam={year}"}
        for r in data.units
    ]
    values = {r["unit"].code: r.get(metric) for r in data.units}
    higher = {m.key for m in data.metrics if m.higher_is_better}
    charts: dict[str, Any] = {"trends": []}
    if metric:
        charts["map"] = svg.unit_map(units, values, metric_label=_metrics(data)[metric],
                                     higher_is_better=metric in higher)
    grouped: dict[str, list[Any]] = {}
    for trend in (t for card in data.cards for t in card.trends):
        grouped.setdefault(trend.chart, []).append(trend)
    for trends in grouped.values():
        series = [(t.label, data.trends[t.key]) for t in trends]
        draw = svg.bar_chart if trends[0].bars else svg.line_chart
        chart = draw(series, months, title=trends[0].chart_title, unit_label=trends[0].unit_label)
        charts["trends"].append({"svg": chart, "caption": trends[0].chart_title})
    return charts


def _cards(data: ioc_data.Overview, base: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections' cards with their figures and their Excel links (by table key)."""
    return [
        {
            "key": card.key, "title": card.title, "template": card.template, "wide": card.wide,
            "main": card.column == "main",
            "data": data.sections.get(card.key, {}),
            "exports": {t.key: "?" + urlencode({**base, "xuat": t.slug}) for t in card.tables},
        }
        for card in data.cards if card.template
    ]


def _context(
    request: HttpRequest, data: ioc_data.Overview, problems: list[str], metric: str
) -> dict[str, Any]:
    period = data.period
    return {
        "data": data,
        "period": period,
        "problems": problems,
        "years": list(range(period.today.year, FIRST_YEAR - 1, -1)),
        "metric": metric,
        **_figures(data, metric),
        "alerts_url": _alerts_url(),
        "today": period.today,
    }


def _figures(data: ioc_data.Overview, metric: str) -> dict[str, Any]:
    """The figures' part of the page — the sections' cards, the map, the units table, the trend
    charts — and that part rendered (`figures_html`). Made once per entry of the figures cache
    and metric, and kept with the figures (`Overview.memo`): they depend on nothing else (the
    scope, the period, the unit, the language are the entry's key), so the requests the entry
    serves only put the page around them."""
    key = ("figures", metric)
    made: dict[str, Any] | None = data.memo.get(key)
    if made is None:
        period = data.period
        base: dict[str, Any] = {"nam": period.year}
        if period.unit is not None:
            base["don_vi"] = period.unit.pk
        made = {
            "metric_links": [
                {"url": "?" + urlencode({**base, "chi_so": k}), "label": label, "current": k == metric}
                for k, label in _metrics(data).items()
            ],
            "export_links": {name: "?" + urlencode({**base, "xuat": k}) for name, k in EXPORT_NAMES.items()},
            "charts": _charts(data, metric, period.year),
            "cards": _cards(data, base),
        }
        made["figures_html"] = render_to_string("ioc/_figures.html", {**made, "data": data, "period": period})
        data.memo[key] = made
    return made


def _filters(data: ioc_data.Overview, user: Any, metric: str) -> str:
    """The overview's form (year, unit, the metric kept), rendered once per entry of the figures
    cache and metric: the units offered are the scope's, part of the entry's key."""
    key = ("filters", metric)
    html: str | None = data.memo.get(key)
    if html is None:
        period = data.period
        html = data.memo[key] = render_to_string("ioc/_filters.html", {
            "period": period, "metric": metric,
            "years": list(range(period.today.year, FIRST_YEAR - 1, -1)),
            "unit_choices": ioc_data.scope_units(user),
        })
    return html


def _wall(request: HttpRequest) -> dict[str, Any]:
    """Wall mode: no site menu, and with ?xoay=N (20 s by default, 0 to stop) each card takes the
    screen for N seconds in turn after the whole overview; the page reloads after a round, so
    the figures stay fresh. The links to enter and leave it keep the other parameters."""
    params = request.GET.copy()
    wall = params.get(WALL[0]) == WALL[1]
    rotate = 0
    if wall:
        wanted = int_or_none(params.get("xoay"), min_value=0, max_value=ROTATE_MAX)
        rotate = ROTATE_DEFAULT if wanted is None else (0 if wanted == 0 else max(ROTATE_MIN, wanted))
        params.pop(WALL[0], None)
        params.pop("xoay", None)
    else:
        params[WALL[0]] = WALL[1]
    return {"wall": wall, "rotate": rotate, "wall_toggle_url": "?" + params.urlencode()}


def _alerts_url() -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("ioc_alerts")
    except NoReverseMatch:
        return ""


@staff_only
@replicas.reads_statistics
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    problems: list[str] = []
    year = _year(request, today, problems)
    unit = _unit(request, problems)
    data = ioc_data.overview(request.user, unit=unit, year=year, today=today)
    table = request.GET.get("xuat")
    if table:
        if export.table_for(table, data) is None:
            raise Http404(gettext("Không có bảng này để xuất."))
        return export.response(table, data)
    metric = _metric(request, data)
    context = _context(request, data, problems, metric)
    context["title"] = gettext("Trung tâm điều hành")
    context["filters_html"] = _filters(data, request.user, metric)
    context.update(_wall(request))
    return render(request, "ioc/overview.html", context)


@staff_only
@replicas.reads_statistics
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's page: its figures for the year, its open and overdue tasks, its people in
    charge. The code is read as the unit standing at the period's end (codes are reused across
    the 2025 reform: 10549 is phường Sao Đỏ until 30/6/2025, phường Chu Văn An after)."""
    today = timezone.localdate()
    problems: list[str] = []
    year = _year(request, today, problems)
    as_of = min(today, dt.date(year, 12, 31))
    candidates = [u for u in AdminUnit.objects.filter(code=code) if access.may(request.user, "ioc", "view", u.pk)]
    if not candidates:
        raise Http404(gettext("Không có đơn vị này trong phạm vi được xem."))
    unit = next((u for u in candidates if u.is_valid_on(as_of)), None) or max(
        candidates, key=lambda u: u.valid_to or dt.date.max
    )
    data = ioc_data.overview(request.user, unit=unit, year=year, today=today)
    table = request.GET.get("xuat")
    if table:
        if export.table_for(table, data) is None:
            raise Http404(gettext("Không có bảng này để xuất."))
        return export.response(table, data)
    context = _context(request, data, problems, _metric(request, data))
    context.update(
        title=gettext("%(name)s — Trung tâm điều hành") % {"name": unit.name},
        unit=unit,
        people=_people(unit, as_of),
        list_links=[(card.list_label, ioc_data.link(card.list_url, unit=unit.pk)) for card in data.cards if card.list_url],
        unit_cards=[
            {"template": card.unit_template, "data": card.unit_card(request.user, unit, today)}
            for card in data.cards if card.unit_card is not None
        ],
        overview_url=reverse("ioc_overview") + "?" + urlencode({"nam": year, "don_vi": unit.pk}),
        parent_code=unit.parent.code if unit.parent is not None else "",
    )
    return render(request, "ioc/unit.html", context)


def _people(unit: AdminUnit, day: dt.date) -> list[Assignment]:
    """Who holds a post in the unit's organisations on that day (one query)."""
    return list(
        Assignment.objects.active_on(day)
        .filter(position__organisation__unit=unit)
        .select_related("person", "position__organisation")
        .order_by("position__organisation__name", "position__title")[:40]
    )


urlpatterns: list[URLPattern] = [
    path("ioc/", overview, name="ioc_overview"),
    path("ioc/don-vi/<str:code>/", unit_page, name="ioc_unit"),
]
