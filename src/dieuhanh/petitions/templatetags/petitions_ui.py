"""Badges and the statistics chart of the petition pages.

The chart is SVG drawn here on the server (core/charts.py): no chart library, no script, prints
as it shows."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from dieuhanh.core import charts, html
from dieuhanh.petitions.choices import State

register = template.Library()

TIMING = {
    "overdue": ("overdue", gettext_lazy("Quá hạn")),
    "due_soon": ("due-soon", gettext_lazy("Sắp đến hạn")),
    "on_track": ("on-track", gettext_lazy("Trong hạn")),
    "on_time": ("done-on-time", gettext_lazy("Giải quyết đúng hạn")),
    "late": ("done-late", gettext_lazy("Giải quyết quá hạn")),
}
DEADLINE = {
    "open": ("on-track", gettext_lazy("Đang tính")),
    "overdue": ("overdue", gettext_lazy("Quá hạn")),
    "met": ("done-on-time", gettext_lazy("Đúng hạn")),
    "met_late": ("done-late", gettext_lazy("Quá hạn")),
    "paused": ("cancelled", gettext_lazy("Tạm dừng")),
}
STATE_CSS: dict[str, str] = {
    State.RECEIVED: "received",
    State.ACCEPTED: "in-hand",
    State.VERIFYING: "in-hand",
    State.SUSPENDED: "suspended",
    State.CONCLUDED: "concluded",
    State.RESOLVED: "resolved",
    State.TRANSFERRED: "routed",
    State.GUIDED: "routed",
    State.FILED: "routed",
    State.TERMINATED: "suspended",
}


@register.simple_tag
def timing_badge(timing: str) -> str:
    css, label = TIMING.get(timing or "", ("", ""))
    if not css:
        return ""
    return format_html('<span class="badge badge--{}">{}</span>', css, label)


@register.simple_tag
def deadline_badge(status: str) -> str:
    css, label = DEADLINE.get(status, ("cancelled", status))
    return format_html('<span class="badge badge--{}">{}</span>', css, label)


@register.simple_tag
def state_badge(state: str) -> str:
    return format_html(
        '<span class="pstate pstate--{}">{}</span>', STATE_CSS.get(state, "received"), State(state).label
    )


_ROW = (
    "\n  <tr>\n"
    '    <td class="nowrap"><a class="code" href="{}">{}</a></td>\n'
    '    <td class="nowrap">{}</td>\n'
    '    <td>{}<div class="muted small">{}</div></td>\n'
    "    <td>\n"
    '      <a href="{}" title="{}">{}</a>\n'
    "      <div>\n"
    "        {}\n        {}\n        {}\n        {}\n        {}\n        {}\n"
    "      </div>\n"
    "    </td>\n"
    "    <td>{}{}</td>\n"
    "    <td>{}{}</td>\n"
    "    <td>{}</td>\n"
    '    <td class="nowrap">{}</td>\n'
    "  </tr>\n"
)


def _translated(message: str, **values: Any) -> SafeString:
    """`message` % `values` as `{% blocktranslate %}` writes it: the values escaped, the
    translation not."""
    return mark_safe(message % {key: conditional_escape(localize(value)) for key, value in values.items()})  # noqa: S308


@register.simple_tag
def register_rows(rows: Any) -> SafeString:
    """The lines of the petition register (`_petition_results.html`, whose header names the
    columns), from `petitions.views.RegisterRow`s. Written here rather than in the template, as
    the task list's rows are (decision 39): a page of fifty lines paid ~0.06 ms a line for the
    template's nodes."""
    words = mark_safe  # the translations as `{% translate %}` writes them: not escaped
    confidential = format_html('<span class="flag flag--confidential" title="{}">{}</span>',
                               words(gettext("Danh tính người gửi được bảo mật")), words(gettext("Bảo mật")))
    prolonged = format_html('<span class="flag flag--prolonged">{}</span>', words(gettext("Kéo dài")))
    time_barred = format_html('<span class="flag flag--time_barred" title="{}">{}</span>',
                              words(gettext("Luật Khiếu nại, Điều 9, 33")), words(gettext("Quá thời hiệu")))
    duplicate, over_level = words(gettext("Trùng")), words(gettext("Vượt cấp"))
    nobody = mark_safe('<span class="muted">—</span>')

    def cells(r: Any) -> tuple[Any, ...]:
        if r["due_on"]:
            due = html.format_html("{}<div>{}</div>", r["due_on"], r["timing"])
        else:
            due = r["timing"] if r["timing_alone"] else nobody
        signers = r["signers"]
        return (
            r["url"], r["number"], r["received_on"], r["kind"], r["field"], r["url"], r["subject"], r["short_subject"],
            confidential if r["confidential"] else "",
            html.format_html('<span class="flag flag--duplicate" title="{}">{}</span>', r["flag_notes"], duplicate)
            if r["duplicate"] else "",
            html.format_html('<span class="flag flag--over_level" title="{}">{}</span>', r["flag_notes"], over_level)
            if r["over_level"] else "",
            prolonged if r["prolonged"] else "",
            time_barred if r["time_barred"] else "",
            html.format_html('<span class="flag flag--duplicate">{}</span>', _translated(gettext("Lần %(level)s"), level=r["level"]))
            if r["level"] > 1 else "",
            r["unit"],
            html.format_html('<div class="muted small">{}</div>', _translated(gettext("nhận tại %(name)s"), name=r["received_at"]))
            if r["received_at"] else "",
            html.format_html('<span class="redacted">{}</span>', r["petitioner"]) if r["confidential"] else r["petitioner"] or "—",
            html.format_html('<div class="muted small">{}</div>', _translated(
                ngettext("%(signers)s người ký", "%(signers)s người ký", signers), signers=signers)) if signers else "",
            r["state"], due,
        )

    return html.format_rows(_ROW, (cells(r) for r in rows))


SERIES = (
    ("received", gettext_lazy("Tiếp nhận"), "#1f3a5f"),
    ("accepted", gettext_lazy("Thụ lý"), "#6b8fc2"),
    ("resolved", gettext_lazy("Đã giải quyết"), "#1e7b34"),
    ("overdue", gettext_lazy("Đang quá hạn"), "#b42318"),
)


@register.simple_tag
def bar_chart(rows: list[Any], title: str = "", width: int = 880, limit: int = 15) -> SafeString:
    """Horizontal grouped bars, one group per row (unit or field), one bar per series."""
    groups = [(r.label, [getattr(r, key) for key, _l, _c in SERIES]) for r in list(rows)[:limit]]
    return charts.grouped_bars(groups, SERIES, title, width=width)
