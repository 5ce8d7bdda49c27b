"""The parts the horizontal bar charts of the statistics pages share (petitions, one-stop
dossiers): a round axis, the legend, the grid with its ticks, a row's label and the <svg> element
around the parts. Each app draws its own bars between them.

The charts are SVG written on the server: no chart library, no script, they print as they show.
Their classes (chart, chart__legend, chart__grid, chart__tick, chart__label, chart__value) are
styled in app.css."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.lib.text import shorten

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (key, label, colour) of each series of a chart.
Series = Sequence[tuple[str, "StrOrPromise", str]]  # (key, label, colour)


def axis(value: int, ticks: int = 5) -> tuple[int, int]:
    """A round axis for `value`: (maximum, step), about `ticks` steps of 1, 2, 2.5 or 5 × 10ⁿ."""
    if value <= ticks:
        return ticks, 1
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, int(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)))
    return step * math.ceil(value / step), step


def n(value: float) -> str:
    """An SVG coordinate with one decimal."""
    return f"{value:.1f}"


def legend(series: Series, x: int, gap: int) -> list[SafeString]:
    """A colour box and the label of each series, in a line from `x`, `gap` pixels apart (plus
    the label's length)."""
    parts = []
    for _key, label, colour in series:
        parts.append(format_html(
            '<rect x="{}" y="8" width="12" height="12" rx="2" fill="{}"/>'
            '<text x="{}" y="18" class="chart__legend">{}</text>', x, colour, x + 17, label))
        x += gap + 7 * len(label)
    return parts


def grid(peak: int, step: int, left: int, plot_w: int, top: int, height: int) -> list[SafeString]:
    """A vertical line and its value every `step` from 0 to `peak`, over a plot `plot_w` wide
    starting at `left`, between `top` and the chart's bottom (`height`)."""
    parts = []
    for value in range(0, peak + 1, step):
        gx = left + plot_w * value / peak
        parts.append(format_html(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" class="chart__grid"/>'
            '<text x="{x}" y="{ty}" text-anchor="middle" class="chart__tick">{v}</text>',
            x=n(gx), y1=top - 6, y2=height - 22, ty=height - 8, v=group_digits(value)))
    return parts


def row_label(label: str, x: float, y: float | str) -> SafeString:
    """A row's name ending at `x`, cut between words to 32 characters (the whole name on hover)."""
    short = shorten(label, 32)
    return format_html(
        '<text x="{}" y="{}" text-anchor="end" class="chart__label"><title>{}</title>{}</text>', x, y, label, short)


def svg(parts: list[SafeString], width: int, height: int, title: str) -> SafeString:
    """The chart: an accessible image (role="img", its title) holding `parts`."""
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{body}</svg>',
        w=width, h=height, t=title, body=body)


def grouped_bars(rows: Sequence[tuple[str, Sequence[int]]], series: Series, title: str, *, width: int = 880,
                 label_w: int = 230, value_w: int = 44, legend_gap: int = 30) -> SafeString:
    """Horizontal grouped bars: a group per row (its label, and a value for each of `series`), a bar
    per series, with the legend, the grid and each bar's value. Empty for no rows."""
    if not rows:
        return format_html("")
    top, bar_h, gap = 46, 9, 14
    plot_w = width - label_w - value_w - 10
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(rows) + 26
    peak, step = axis(max(max(values) for _label, values in rows))
    parts = legend(series, label_w, gap=legend_gap) + grid(peak, step, label_w, plot_w, top, height)
    for index, (label, values) in enumerate(rows):
        y0 = top + index * group_h
        parts.append(row_label(label, label_w - 8, n(y0 + group_h / 2 - 2)))
        for s, ((_key, name, colour), value) in enumerate(zip(series, values, strict=True)):
            w = plot_w * value / peak if peak else 0
            by = y0 + s * bar_h
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}</title></rect>'
                '<text x="{}" y="{}" class="chart__value">{}</text>',
                label_w, by, n(max(w, 0.5 if value else 0)), bar_h - 1, colour, label, str(name).lower(),
                group_digits(value), n(label_w + w + 4), by + bar_h - 1, group_digits(value) if value else ""))
    return svg(parts, width, height, title)
