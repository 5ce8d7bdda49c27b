"""Indicator pages, over the units the user sees:
- /chi-tieu/: the indicators of a unit and year with target, actual, achievement and the
  "n/m chỉ tiêu đạt và vượt" line; year and unit selectors; .xlsx at /chi-tieu/xuat/;
- /chi-tieu/<code>/: one indicator — its history over the years, its targets with every version
  and deciding document, and its figures by ward/commune; .xlsx at /chi-tieu/<code>/xuat/;
- /chi-tieu/<code>/nhap/ and /chi-tieu/<code>/chi-tieu-giao/: entering an actual, setting or
  adjusting a target (committee office and administrators, over their units);
- /chi-tieu/nhap-tep/: the same from a sheet (.xlsx or .csv), bad rows listed by number.

Figures come from overview.py and compute.py (definitions there). A selector value that does not
parse, or a unit the user may not see, is dropped and named above the table, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core import access, replicas
from dieuhanh.core.http import AnyUser, signed_in_user
from dieuhanh.core.xlsx import xlsx_response
from dieuhanh.indicators import compute, export, overview, services
from dieuhanh.indicators.choices import Achievement, Group, Kind, PeriodKind
from dieuhanh.indicators.forms import ActualForm, ImportForm, TargetForm
from dieuhanh.indicators.importer import ACTUAL_COLUMNS, TARGET_COLUMNS, import_figures
from dieuhanh.indicators.models import Actual, Indicator, Target
from dieuhanh.lib.params import int_or_none
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, User

ACHIEVEMENT_LABELS: dict[str | None, Any] = dict(Achievement.choices)  # None: not judged, no label
FORM_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
# What a figures form does with its cleaned data, for the signed-in user who sent it.
SaveFigures = Callable[[User, Indicator, AdminUnit, dict[str, Any]], None]

editors_only = access.requires(
    "indicators", "edit", gettext_lazy("Chỉ văn phòng cấp uỷ, UBND và quản trị hệ thống được nhập số liệu, giao chỉ tiêu.")
)


def _years(user: AnyUser, indicator: Indicator | None = None) -> tuple[list[int], list[int]]:
    """(years with a year target, years with an actual) the user sees, newest first."""
    actuals = Actual.objects.visible_to(user)
    targets = Target.objects.visible_to(user).filter(period_kind=PeriodKind.YEAR)
    if indicator is not None:
        actuals, targets = actuals.filter(indicator=indicator), targets.filter(indicator=indicator)
    with_targets = set(targets.order_by().values_list("year_from", flat=True).distinct())
    with_actuals = set(actuals.order_by().values_list("year", flat=True).distinct())
    return sorted(with_targets, reverse=True), sorted(with_actuals, reverse=True)


def _selection(request: HttpRequest, indicator: Indicator | None = None) -> dict[str, Any]:
    """Year and unit from ?nam= and ?don_vi=; without a year, the latest with figures."""
    user = request.user
    today = timezone.localdate()
    problems: list[str] = []
    # Without a year: the latest with targets (the year a leader reviews), else with figures.
    with_targets, with_actuals = _years(user, indicator)
    year = next((y for y in [*with_targets, *with_actuals] if y <= today.year), today.year)
    years = sorted({*with_targets, *with_actuals, today.year}, reverse=True)
    raw_year = request.GET.get("nam", "")
    if raw_year:
        if (wanted := int_or_none(raw_year, min_value=services.FIRST_YEAR, max_value=today.year + 10)) is not None:
            year = wanted
        else:
            problems.append(gettext("Năm không hợp lệ: “%(raw_year)s”.") % {"raw_year": raw_year})
    unit_id = None
    raw_unit = request.GET.get("don_vi", "")
    if raw_unit:
        if (wanted := int_or_none(raw_unit)) is not None and access.may(user, "indicators", "view", wanted):
            unit_id = wanted
        else:
            problems.append(gettext("Đơn vị không có hoặc bạn không theo dõi đơn vị này."))
    if unit_id is None:
        unit_id = overview.default_unit(user, year)
    return {"year": year, "unit_id": unit_id, "years": years, "data_years": sorted({*with_targets, *with_actuals}),
            "problems": problems, "today": today,
            "units": _unit_choices(user, unit_id),
            # The selection as a query string, for the links that keep it.
            "query": urlencode({"nam": year, **({"don_vi": unit_id} if unit_id else {})})}


def _unit_choices(user: AnyUser, selected: int | None) -> list[tuple[int, str]]:
    """Units with figures or targets the user sees, and the user's own units."""
    ids = set(Actual.objects.visible_to(user).order_by().values_list("unit_id", flat=True).distinct())
    ids |= set(Target.objects.visible_to(user).order_by().values_list("unit_id", flat=True).distinct())
    visible = access.units(user, "indicators", "view")
    if visible is not access.ALL:
        ids |= set(compute.topmost(visible))
    if selected:
        ids.add(selected)
    units = AdminUnit.objects.filter(pk__in=ids, level__in=FORM_LEVELS).order_by("level", "name")
    return [(u.pk, _unit_label(u)) for u in units]


def _unit_label(unit: AdminUnit) -> str:
    if unit.valid_to is not None:
        return gettext("%(name)s (đến %(valid_to)s)") % {"name": unit.name, "valid_to": format(unit.valid_to, "%d/%m/%Y")}
    return unit.name


def _editable_units(user: AnyUser, extra: int | None = None) -> list[tuple[int, str]]:
    visible = access.units(user, "indicators", "edit")
    units = AdminUnit.objects.filter(level__in=FORM_LEVELS)
    if visible is access.ALL:
        ids = set(Target.objects.order_by().values_list("unit_id", flat=True).distinct())
        ids |= set(Actual.objects.order_by().values_list("unit_id", flat=True).distinct())
        if extra:
            ids.add(extra)
        units = units.filter(pk__in=ids)
    else:
        units = units.filter(pk__in=visible)
    return [(u.pk, _unit_label(u)) for u in units.order_by("level", "name")]


def _decorate(tiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for t in tiles:
        t["achievement_label"] = ACHIEVEMENT_LABELS.get(t["achievement"], "")
        t["ratio_percent"] = t["ratio"] * 100 if t["ratio"] is not None else None
    return tiles


@login_required
@replicas.reads_statistics
def indicator_list(request: HttpRequest) -> HttpResponse:
    ctx = _selection(request)
    s = overview.summary(request.user, unit=ctx["unit_id"], year=ctx["year"], today=ctx["today"])
    _decorate(s.terms)
    tiles, narrowed = _narrowed(request, s.tiles)
    code = AdminUnit.objects.filter(pk=s.unit_id).values_list("code", flat=True).first() if s.unit_id else None
    ctx.update(title=gettext("Chỉ tiêu kinh tế - xã hội"), summary=s, tiles=_decorate(tiles), narrowed=narrowed,
               may_edit=services.may_edit(request.user), report_ident=f"{code}/{ctx['year']}" if code else "")
    return render(request, "indicators/indicator_list.html", ctx)


def _narrowed(request: HttpRequest, tiles: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The rows of one group (?nhom=) and/or only those with a year target (?ke_hoach=1): the
    rows the IOC's "met/total" line counts; an unknown group is ignored. Returns the rows and
    the narrowing in words ("" when none)."""
    words = []
    group = request.GET.get("nhom", "")
    if group in Group.values:
        tiles = [t for t in tiles if t["group"] == group]
        words.append(gettext("nhóm «%(label)s»") % {"label": Group(group).label})
    if request.GET.get("ke_hoach") == "1":
        tiles = [t for t in tiles if t["target"] is not None]
        words.append(gettext("có kế hoạch năm"))
    return tiles, ", ".join(words)


# A year's figures of an indicator: the list's columns after its name, the history's after the year.
FIGURE_COLUMNS: list[export.Column] = [
    (gettext_lazy("Kế hoạch ban đầu"), lambda t: t["target_original"], export.NUMBER),
    (gettext_lazy("Kế hoạch"), lambda t: t["target"], export.NUMBER),
    (gettext_lazy("Thực hiện"), lambda t: t["actual"], export.NUMBER),
    (gettext_lazy("% kế hoạch"), lambda t: t["ratio_percent"], export.PERCENT),
    (gettext_lazy("Tăng so với năm trước (%)"), lambda t: t["yoy_percent"], export.PERCENT),
    (gettext_lazy("Tăng so với năm trước (điểm %)"), lambda t: t["yoy_points"], export.PERCENT),
    (gettext_lazy("Đánh giá"), lambda t: t["achievement_label"], None),
]
LIST_COLUMNS: list[export.Column] = [
    (gettext_lazy("Mã"), lambda t: t["code"], None),
    (gettext_lazy("Chỉ tiêu"), lambda t: t["name"], None),
    (gettext_lazy("Đơn vị tính"), lambda t: t["measure"], None),
    *FIGURE_COLUMNS,
]


@login_required
def indicator_list_export(request: HttpRequest) -> HttpResponse:
    ctx = _selection(request)
    s = overview.summary(request.user, unit=ctx["unit_id"], year=ctx["year"], today=ctx["today"])
    content = export.workbook([(gettext("Chỉ tiêu năm %(year)s") % {"year": ctx['year']}, LIST_COLUMNS, _decorate(s.tiles))])
    return xlsx_response(content, f"chi-tieu-{ctx['year']}")


def _indicator(code: str) -> Indicator:
    ind = Indicator.objects.filter(code=code.upper()).first()
    if ind is None:
        raise Http404(gettext("Không có chỉ tiêu này."))
    return ind


def _detail(request: HttpRequest, ind: Indicator) -> dict[str, Any]:
    ctx = _selection(request, ind)
    user, unit_id, year, today = request.user, ctx["unit_id"], ctx["year"], ctx["today"]
    years = sorted({y for y in ctx["data_years"] if y <= today.year} | {year})
    targets = list(
        Target.objects.visible_to(user).filter(indicator=ind, unit_id=unit_id)
        .select_related("created_by").order_by("period_kind", "year_from", "year_to", "version")
    ) if unit_id else []
    year_targets: dict[int, list[Target]] = {}
    for t in targets:
        if t.period_kind == PeriodKind.YEAR:
            year_targets.setdefault(t.year_from, []).append(t)
    covers = compute.Covers()
    units = covers.of(unit_id) if unit_id else None
    if ind.kind == Kind.DERIVED:
        counts = compute.derived_counts(ind.derived_source, user, years, today)

        def value(y: int) -> float | None:
            return compute.derived_value(ind.derived_source, counts, units, y)
        table = None
    else:
        weights = list(Indicator.objects.filter(code=ind.weight_code)) if ind.weight_code else []
        table = compute.ActualTable(user, [ind, *weights], years, covers, unit_id=unit_id)

        def value(y: int) -> float | None:
            return table.value(ind, unit_id, y)
    history = []
    previous = None
    for y in years:
        versions = year_targets.get(y, [])
        current = next((t for t in versions if t.is_current), None)
        actual = value(y)
        target = float(current.value) if current else None
        yoy, points = overview.year_change(ind, actual, previous,
                                       table.reported_growth(ind, unit_id, y) if table is not None else None)
        state = compute.achievement(actual, target, ind.direction)
        history.append({"year": y, "target": target, "actual": actual, "achievement": state,
                        "achievement_label": ACHIEVEMENT_LABELS.get(state, ""), "yoy_percent": yoy, "yoy_points": points,
                        "target_original": float(versions[0].value) if current and versions[0] is not current else None,
                        "ratio_percent": (compute.ratio(actual, target) or 0) * 100 if actual is not None and target
                        else None})
        previous = actual
    term_rows = []
    for t in targets:
        row = {"target": t, "period": t.period_label}
        if t.period_kind == PeriodKind.TERM and t.is_current:
            span = list(range(t.year_from, min(t.year_to, year) + 1))
            if table is not None:
                to_date = table.over_years(ind, unit_id, span)
            else:
                known = [v for v in (value(y) for y in span if y in years) if v is not None]
                to_date = compute.combine(known, "mean") if known else None
            # judged once the term is over (as overview.summary does)
            judged = compute.achievement(to_date, float(t.value), ind.direction) if year >= t.year_to else None
            row.update(to_date=to_date, achievement_label=ACHIEVEMENT_LABELS.get(judged, gettext("chưa hết nhiệm kỳ"))
                       if to_date is not None else "")
        term_rows.append(row)
    figures = overview.by_unit(user, ind.code, year, unit=unit_id, today=today)
    unit_targets = dict(
        Target.objects.visible_to(user).current()
        .filter(indicator=ind, period_kind=PeriodKind.YEAR, year_from=year, unit_id__in=list(figures))
        .values_list("unit_id", "value")
    )
    names = dict(AdminUnit.objects.filter(pk__in=list(figures)).values_list("id", "name"))
    by_unit = sorted(
        ({"unit_id": u, "name": names.get(u, str(u)), "actual": v,
          "target": float(unit_targets[u]) if u in unit_targets else None,
          "achievement_label": ACHIEVEMENT_LABELS.get(compute.achievement(
              v, float(unit_targets[u]) if u in unit_targets else None, ind.direction), "")}
         for u, v in figures.items()),
        key=lambda r: str(r["name"]),
    )
    unit_name = AdminUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first() if unit_id else ""
    ctx.update(indicator=ind, history=history, term_rows=term_rows, by_unit=by_unit, unit_name=unit_name,
               title=ind.name, may_edit=bool(unit_id) and services.may_edit(user, unit_id))
    return ctx


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "indicators/indicator_detail.html", _detail(request, _indicator(code)))


@login_required
def indicator_detail_export(request: HttpRequest, code: str) -> HttpResponse:
    ctx = _detail(request, _indicator(code))
    history: list[export.Column] = [(gettext("Năm"), lambda r: r["year"], None), *FIGURE_COLUMNS]
    versions: list[export.Column] = [
        (gettext("Kỳ"), lambda r: r["period"], None),
        (gettext("Lần"), lambda r: r["target"].version, None),
        (gettext("Giá trị"), lambda r: float(r["target"].value), export.NUMBER),
        (gettext("Đang áp dụng"), lambda r: gettext("Có") if r["target"].is_current else gettext("Không"), None),
        (gettext("Văn bản"), lambda r: r["target"].deciding_document, None),
        (gettext("Ngày quyết định"), lambda r: r["target"].decided_on, "dd/mm/yyyy"),
        (gettext("Ghi chú"), lambda r: r["target"].note, None),
    ]
    units: list[export.Column] = [
        (gettext("Đơn vị"), lambda r: r["name"], None),
        (gettext("Kế hoạch"), lambda r: r["target"], export.NUMBER),
        (gettext("Thực hiện"), lambda r: r["actual"], export.NUMBER),
        (gettext("Đánh giá"), lambda r: r["achievement_label"], None),
    ]
    content = export.workbook([
        (gettext("Qua các năm"), history, ctx["history"]),
        (gettext("Chỉ tiêu giao, điều chỉnh"), versions, ctx["term_rows"]),
        (gettext("Theo đơn vị năm %(year)s") % {"year": ctx["year"]}, units, ctx["by_unit"]),
    ])
    return xlsx_response(content, f"chi-tieu-{ctx['indicator'].code.lower()}")


def _plain(value: Any) -> str:
    """12800.0000 → "12800", 13416.4460 → "13416.446" (as the form reads numbers back)."""
    return format(value.normalize(), "f")


def _edit(
    request: HttpRequest, code: str, form_class: type, template_title: str, save: SaveFigures
) -> HttpResponse:
    ind = _indicator(code)
    today = timezone.localdate()
    selected = request.GET.get("don_vi", "")
    unit_id = int_or_none(selected)
    units = _editable_units(request.user, unit_id)
    year = int_or_none(request.GET.get("nam"), max_value=9999) or today.year
    initial: dict[str, Any] = {"year": year, "year_from": year, "unit": selected}
    if unit_id is not None and access.may(request.user, "indicators", "view", unit_id):
        # What is recorded now, so that a correction starts from it.
        if form_class is ActualForm:
            found = Actual.objects.filter(indicator=ind, unit_id=unit_id, year=year).first()
            if found is not None:
                initial.update(value=_plain(found.value), source=found.source,
                               growth_percent=_plain(found.growth_percent) if found.growth_percent is not None
                               else "")
        else:
            current = Target.objects.current().filter(indicator=ind, unit_id=unit_id, year_from=year,
                                                      period_kind=PeriodKind.YEAR).first()
            if current is not None:
                initial.update(value=_plain(current.value))
    form = form_class(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = AdminUnit.objects.get(pk=data["unit"])
        try:
            save(signed_in_user(request), ind, unit, data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for m in messages:
                    form.add_error(name if name in form.fields else None, m)
        else:
            year = data.get("year") or data.get("year_from")
            return redirect(reverse("indicator_detail", kwargs={"code": ind.code}) + f"?nam={year}&don_vi={unit.pk}")
    return render(request, "indicators/indicator_form.html",
                  {"indicator": ind, "form": form, "title": template_title})


@editors_only
def actual_enter(request: HttpRequest, code: str) -> HttpResponse:
    def save(user: User, ind: Indicator, unit: AdminUnit, d: dict[str, Any]) -> None:
        services.do_enter_actual(actor=user, indicator=ind, unit=unit, year=d["year"], value=d["value"],
                                 growth_percent=d["growth_percent"], source=d["source"], note=d["note"])

    return _edit(request, code, ActualForm, gettext("Nhập số liệu thực hiện"), save)


@editors_only
def target_set(request: HttpRequest, code: str) -> HttpResponse:
    def save(user: User, ind: Indicator, unit: AdminUnit, d: dict[str, Any]) -> None:
        services.do_set_target(actor=user, indicator=ind, unit=unit, value=d["value"], period_kind=d["period_kind"],
                               year_from=d["year_from"], year_to=d["year_to"],
                               deciding_document=d["deciding_document"], decided_on=d["decided_on"], note=d["note"])

    return _edit(request, code, TargetForm, gettext("Giao, điều chỉnh chỉ tiêu"), save)


MAX_UPLOAD = 10 * 1024 * 1024  # a sheet of figures is a few hundred rows


@editors_only
def figures_import(request: HttpRequest) -> HttpResponse:
    """Upload a sheet of actuals or targets (.xlsx or .csv); bad rows are listed by number."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", gettext("Tệp quá lớn (tối đa 10 MB)."))
        elif not upload.name.lower().endswith((".xlsx", ".csv")):
            form.add_error("file", gettext("Chỉ nhận tệp .xlsx hoặc .csv."))
        else:
            try:
                report = import_figures(upload, actor=signed_in_user(request), kind=form.cleaned_data["kind"], name=upload.name)
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error("file", m)
    return render(request, "indicators/import.html", {
        "form": form, "report": report, "title": gettext("Nhập số liệu, chỉ tiêu từ tệp"),
        "actual_columns": list(ACTUAL_COLUMNS.values()), "target_columns": list(TARGET_COLUMNS.values()),
    })


urlpatterns: list[URLPattern] = [
    path("chi-tieu/", indicator_list, name="indicator_list"),
    path("chi-tieu/xuat/", indicator_list_export, name="indicator_list_export"),
    path("chi-tieu/nhap-tep/", figures_import, name="indicator_import"),
    path("chi-tieu/<str:code>/", indicator_detail, name="indicator_detail"),
    path("chi-tieu/<str:code>/xuat/", indicator_detail_export, name="indicator_detail_export"),
    path("chi-tieu/<str:code>/nhap/", actual_enter, name="indicator_actual_enter"),
    path("chi-tieu/<str:code>/chi-tieu-giao/", target_set, name="indicator_target_set"),
]
