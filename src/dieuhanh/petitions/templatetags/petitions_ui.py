"""Badges, percentages and the statistics chart of the petition pages.

The chart is SVG drawn here on the server: no chart library, no script, prints as it shows."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.petitions.choices import State

register = template.Library()

TIMING = {
    "overdue": ("overdue", "Quá hạn"),
    "due_soon": ("due-soon", "Sắp đến hạn"),
    "on_track": ("on-track", "Trong hạn"),
    "on_time": ("done-on-time", "Giải quyết đúng hạn"),
    "late": ("done-late", "Giải quyết quá hạn"),
}
DEADLINE = {
    "open": ("on-track", "Đang tính"),
    "overdue": ("overdue", "Quá hạn"),
    "met": ("done-on-time", "Đúng hạn"),
    "met_late": ("done-late", "Quá hạn"),
    "paused": ("cancelled", "Tạm dừng"),
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


@register.filter
def vn_percent(value: Any, decimals: int = 1) -> str:
    """0.9123 → "91,2%"; None (nothing to divide by) → "—"."""
    if value is None or value == "":
        return "—"
    return f"{group_digits(float(value) * 100, int(decimals))}%"


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


def _axis(value: int, ticks: int = 5) -> tuple[int, int]:
    """A round axis: (maximum, step) with about `ticks` steps of 1, 2, 2.5 or 5 × 10ⁿ."""
    if value <= ticks:
        return ticks, 1
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return step * math.ceil(value / step), step


def _n(value: float) -> str:
    """An SVG coordinate with one decimal."""
    return f"{value:.1f}"


SERIES = (
    ("received", "Tiếp nhận", "#1f3a5f"),
    ("accepted", "Thụ lý", "#6b8fc2"),
    ("resolved", "Đã giải quyết", "#1e7b34"),
    ("overdue", "Đang quá hạn", "#b42318"),
)


@register.simple_tag
def bar_chart(rows: list[Any], title: str = "", width: int = 880, limit: int = 15) -> SafeString:
    """Horizontal grouped bars, one group per row (unit or field), one bar per series."""
    rows = list(rows)[:limit]
    if not rows:
        return mark_safe("")
    label_w, value_w, top, bar_h, gap = 230, 44, 46, 9, 14
    plot_w = width - label_w - value_w - 10
    group_h = bar_h * len(SERIES) + gap
    height = top + group_h * len(rows) + 26
    peak, step = _axis(max(max(getattr(r, key) for key, _l, _c in SERIES) for r in rows))
    parts: list[SafeString] = []
    # Legend.
    x = label_w
    for _key, label, colour in SERIES:
        parts.append(format_html(
            '<rect x="{}" y="8" width="12" height="12" rx="2" fill="{}"/>'
            '<text x="{}" y="18" class="chart__legend">{}</text>', x, colour, x + 17, label))
        x += 30 + 7 * len(label)
    # Grid and axis.
    for value in range(0, peak + 1, step):
        gx = label_w + plot_w * value / peak
        parts.append(format_html(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" class="chart__grid"/>'
            '<text x="{x}" y="{ty}" text-anchor="middle" class="chart__tick">{v}</text>',
            x=_n(gx), y1=top - 6, y2=height - 22, ty=height - 8, v=group_digits(value)))
    # Bars.
    for index, row in enumerate(rows):
        y0 = top + index * group_h
        label = row.label if len(row.label) <= 32 else row.label[:31] + "…"
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" class="chart__label"><title>{}</title>{}</text>',
            label_w - 8, _n(y0 + group_h / 2 - 2), row.label, label))
        for s, (key, name, colour) in enumerate(SERIES):
            value = getattr(row, key)
            w = plot_w * value / peak if peak else 0
            by = y0 + s * bar_h
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}</title></rect>'
                '<text x="{}" y="{}" class="chart__value">{}</text>',
                label_w, by, _n(max(w, 0.5 if value else 0)), bar_h - 1, colour, row.label, name.lower(),
                group_digits(value), _n(label_w + w + 4), by + bar_h - 1, group_digits(value) if value else ""))
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{body}</svg>',
        w=width, h=height, t=title, body=body)
