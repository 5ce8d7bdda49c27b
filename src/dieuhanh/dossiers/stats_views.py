"""Statistics pages of the one-stop dossiers, for the committee office, leaders, one-stop
officers and administrators, each over the units of their scope:
- /ho-so/thong-ke/: early / on-time / late counts and rates, open and late now, online and postal
  shares, by unit (today's or as recorded), procedure, field, channel or month, with a chart
  drawn here as SVG and the table as .xlsx (/ho-so/thong-ke/xuat/);
- /ho-so/tre-han/: the dossiers late now, where they are stuck and for how many working days;
- /ho-so/chi-so-766/: the "progress and results" group of the Decision 766 index per unit.

Every page starts from `Dossier.objects.visible_to(request.user)` and the shared `DossierFilter`
(the same query string means the same dossiers as the register and the API). A filter value
that does not parse is dropped and named above the table, never a 500."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core import access, charts, replicas
from dieuhanh.core.figures import StatColumn
from dieuhanh.core.forms import FilterForm, choice_field
from dieuhanh.core.http import AnyUser
from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.core.xlsx import sheet, xlsx_response
from dieuhanh.dossiers import score766, stats
from dieuhanh.dossiers.choices import Channel
from dieuhanh.dossiers.filters import DossierFilter
from dieuhanh.dossiers.models import Dossier, Procedure, late_now_q
from dieuhanh.lib.text import shorten
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LATE_LIMIT = 500  # rows shown on the late-now page (the count above it is exact)
CHART_ROWS = 15
PAGE_FILTERS = ("unit", "procedure", "field", "channel", "date_from", "date_to")
PERCENT = "0.0%"
# The columns of the statistics page's table (the .xlsx has more: _stat_columns).
PAGE_COLUMNS = (
    StatColumn(gettext_lazy("Tiếp nhận"), "received"),
    StatColumn(gettext_lazy("Có kết quả"), "finished"),
    StatColumn(gettext_lazy("Trước hạn"), "early"),
    StatColumn(gettext_lazy("Đúng hạn"), "on_time"),
    StatColumn(gettext_lazy("Quá hạn"), "late"),
    StatColumn(gettext_lazy("Tỷ lệ trước hạn, đúng hạn"), "on_time_rate", percent=True),
    StatColumn(gettext_lazy("Đang xử lý"), "open"),
    StatColumn(gettext_lazy("Đang quá hạn"), "late_now", alert=True),
    StatColumn(gettext_lazy("Trực tuyến"), "online", share="online_share"),
    StatColumn(gettext_lazy("Bưu chính"), "postal", share="postal_share"),
    StatColumn(gettext_lazy("Xin lỗi, hẹn lại"), "apologies"),
)


stats_only = access.requires(
    "dossiers", "stats", gettext_lazy("Thống kê hồ sơ thủ tục hành chính dành cho văn phòng, lãnh đạo và cán bộ một cửa.")
)

# --- filter form (display only: the values are parsed by DossierFilter) --------------------------


def _unit_choices(user: AnyUser) -> list[tuple[str, str]]:
    units = AdminUnit.objects.filter(valid_to__isnull=True, level__in=(UnitLevel.PROVINCE, UnitLevel.COMMUNE))
    visible = access.units(user, "dossiers", "stats")
    if visible is not access.ALL:
        units = units.filter(pk__in=visible)
    return [(str(u.pk), u.name) for u in units.order_by("level", "name")]


class StatsFilterForm(FilterForm):
    rows = (("unit", "procedure", "field", "channel"), ("date_from", "date_to", "by"))
    grow = ("procedure",)

    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị tiếp nhận"), required=False)
    procedure = forms.ChoiceField(label=gettext_lazy("Thủ tục"), required=False)
    field = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Kênh tiếp nhận"), required=False,
                                choices=[("", gettext_lazy("Tất cả")), *Channel.choices])
    date_from = forms.DateField(label=gettext_lazy("Tiếp nhận từ ngày"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    by = forms.ChoiceField(label=gettext_lazy("Nhóm theo"), required=False, choices=list(stats.GROUP_LABELS.items()))

    def __init__(
        self, *args: Any, user: AnyUser, groups: tuple[str, ...] = stats.GROUPS, **kwargs: Any
    ) -> None:
        """`groups`: the groupings offered; none, no "Nhóm theo" field (the late-now page)."""
        super().__init__(*args, **kwargs)
        choice_field(self, "unit").choices = [("", _("Tất cả")), *_unit_choices(user)]
        procs = Procedure.objects.order_by("code").values_list("code", "name")
        choice_field(self, "procedure").choices = [("", _("Tất cả"))] + [(c, shorten(f"{c} — {n}", 90)) for c, n in procs]
        fields = Procedure.objects.order_by("field").values_list("field", flat=True).distinct()
        choice_field(self, "field").choices = [("", _("Tất cả"))] + [(f, f) for f in fields if f]
        choice_field(self, "by").choices = [(g, stats.GROUP_LABELS[g]) for g in groups]
        if not groups:
            del self.fields["by"]


def _filtered(request: HttpRequest, groups: tuple[str, ...] = stats.GROUPS, grouped: bool = True) -> dict[str, Any]:
    """The page's filter, by and problems. Without a date range, this year so far. `grouped`:
    the page groups its figures, so its filter bar offers `groups`."""
    today = timezone.localdate()
    params = {k: request.GET.get(k, "") for k in PAGE_FILTERS}
    if not params["date_from"] and not params["date_to"]:
        params.update(date_from=f"{today.year}-01-01", date_to=f"{today.year}-12-31")
    flt, problems = DossierFilter.lenient(params)
    by = request.GET.get("by") or groups[0]
    if by not in groups:
        problems.append(_("Cách nhóm không hợp lệ: %(by)s.") % {"by": repr(by)})
        by = groups[0]
    shown = {**flt.as_params(), "by": by}
    form = StatsFilterForm(initial=shown, user=request.user, groups=groups if grouped else ())
    qs = flt.apply(Dossier.objects.visible_to(request.user), today)
    return {"flt": flt, "by": by, "problems": problems, "form": form, "qs": qs, "today": today,
            "query": urlencode(shown)}


def dossier_url(code: str) -> str:
    """The dossier's page (the register's `dossier_detail`), or its plain path if not routed."""
    try:
        return reverse("dossier_detail", kwargs={"code": code})
    except NoReverseMatch:
        return f"/ho-so/{code}/"


# --- the chart -------------------------------------------------------------------------------------

SERIES = (
    ("early", gettext_lazy("Trước hạn"), "#1e7b34"),
    ("on_time", gettext_lazy("Đúng hạn"), "#5aa469"),
    ("late", gettext_lazy("Quá hạn"), "#d9822b"),
    ("open_in_time", gettext_lazy("Đang xử lý trong hạn"), "#9fb3cf"),
    ("late_now", gettext_lazy("Đang quá hạn"), "#b42318"),
)


def _segments(row: stats.Row) -> list[int]:
    return [row.early, row.on_time, row.late, max(row.open - row.late_now, 0), row.late_now]


def stacked_chart(rows: list[stats.Row], title: str, width: int = 1080) -> SafeString:
    """One horizontal bar per row, split into early, on time, late (with a result), open in time
    and late now; the bar's length is the number received (withdrawn ones make the gap)."""
    rows = list(rows)[:CHART_ROWS]
    if not rows:
        return mark_safe("")
    label_w, value_w, top, bar_h, gap = 230, 70, 40, 16, 8
    plot_w = width - label_w - value_w
    height = top + (bar_h + gap) * len(rows) + 26
    peak, step = charts.axis(max(max(r.received for r in rows), 1))
    parts = charts.legend(SERIES, label_w, gap=34) + charts.grid(peak, step, label_w, plot_w, top, height)
    for index, row in enumerate(rows):
        y = top + index * (bar_h + gap)
        parts.append(charts.row_label(row.label, label_w - 8, y + bar_h - 4))
        x0 = float(label_w)
        for (_key, name, colour), value in zip(SERIES, _segments(row), strict=True):
            w = plot_w * value / peak
            if value:
                parts.append(format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}</title></rect>',
                    charts.n(x0), y, charts.n(max(w, 0.5)), bar_h, colour, row.label, group_digits(value), name.lower()))
            x0 += w
        rate = "" if row.on_time_rate is None else f"{group_digits(row.on_time_rate * 100, 1)}%"
        parts.append(format_html('<text x="{}" y="{}" class="chart__value">{} · {}</text>',
                                 charts.n(x0 + 4), y + bar_h - 4, group_digits(row.received), rate))
    return charts.svg(parts, width, height, title)


# --- pages ------------------------------------------------------------------------------------------


@stats_only
@replicas.reads_statistics
def dossier_stats(request: HttpRequest) -> HttpResponse:
    ctx = _filtered(request)
    result = stats.table(ctx["qs"], by=ctx["by"], today=ctx["today"])
    ctx.update(
        title=_("Thống kê giải quyết hồ sơ thủ tục hành chính"),
        result=result,
        total=result.total,
        columns=PAGE_COLUMNS,
        group_label=stats.GROUP_LABELS[ctx["by"]],
        chart=stacked_chart(result.rows, _("Hồ sơ theo %(value)s") % {"value": stats.GROUP_LABELS[ctx['by']].lower()}),
        link_units=ctx["by"] in ("unit", "unit_then"),
    )
    return render(request, "dossiers/stats/stats.html", ctx)


def _stat_columns(head: StrOrPromise) -> list[Any]:
    return [
        (head, lambda r: r.label, None),
        (_("Tiếp nhận"), lambda r: r.received, "#,##0"),
        (_("Đã có kết quả"), lambda r: r.finished, "#,##0"),
        (_("Trước hạn"), lambda r: r.early, "#,##0"),
        (_("Đúng hạn"), lambda r: r.on_time, "#,##0"),
        (_("Quá hạn"), lambda r: r.late, "#,##0"),
        (_("Tỷ lệ trước hạn"), lambda r: r.early_rate, PERCENT),
        (_("Tỷ lệ trước hạn, đúng hạn"), lambda r: r.on_time_rate, PERCENT),
        (_("Tỷ lệ quá hạn"), lambda r: r.late_rate, PERCENT),
        (_("Đang xử lý"), lambda r: r.open, "#,##0"),
        (_("Đang quá hạn"), lambda r: r.late_now, "#,##0"),
        (_("Trực tuyến"), lambda r: r.online, "#,##0"),
        (_("Tỷ lệ trực tuyến"), lambda r: r.online_share, PERCENT),
        (_("Bưu chính công ích"), lambda r: r.postal, "#,##0"),
        (_("Tỷ lệ bưu chính"), lambda r: r.postal_share, PERCENT),
        (_("Văn bản xin lỗi"), lambda r: r.apologies, "#,##0"),
    ]


@stats_only
@replicas.reads_statistics
def dossier_stats_export(request: HttpRequest) -> HttpResponse:
    ctx = _filtered(request)
    result = stats.table(ctx["qs"], by=ctx["by"], today=ctx["today"])
    content = sheet(_("Thống kê hồ sơ"), _stat_columns(stats.GROUP_LABELS[ctx["by"]]), [*result.rows, result.total])
    return xlsx_response(content, "thong-ke-ho-so")


@stats_only
def dossier_late_now(request: HttpRequest) -> HttpResponse:
    ctx = _filtered(request, grouped=False)
    late = ctx["qs"].filter(late_now_q(ctx["today"]))
    items = stats.late_now(ctx["qs"], ctx["today"], limit=LATE_LIMIT)
    for item in items:
        item.url = dossier_url(item.code)  # type: ignore[attr-defined]
    ctx.update(title=_("Hồ sơ đang quá hạn"), items=items, count=late.count(), limit=LATE_LIMIT)
    return render(request, "dossiers/stats/late_now.html", ctx)


@stats_only
@replicas.reads_statistics
def dossier_score766(request: HttpRequest) -> HttpResponse:
    ctx = _filtered(request, groups=("unit", "unit_then"))
    period_end = score766.period_end_of(ctx["flt"].date_to, ctx["today"])
    result = score766.compute(ctx["qs"], period_end=period_end, by=ctx["by"])
    ctx.update(title=_("Chỉ số 766: tiến độ, kết quả giải quyết; mức độ hài lòng"), result=result, index=result.index,
               period_end=period_end)
    return render(request, "dossiers/stats/score766.html", ctx)


urlpatterns: list[URLPattern] = [
    path("ho-so/thong-ke/", dossier_stats, name="dossier_stats"),
    path("ho-so/thong-ke/xuat/", dossier_stats_export, name="dossier_stats_export"),
    path("ho-so/tre-han/", dossier_late_now, name="dossier_late_now"),
    path("ho-so/chi-so-766/", dossier_score766, name="dossier_score766"),
]
