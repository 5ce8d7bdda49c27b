"""Charts and the unit map of the IOC, drawn on the server as SVG.

The operations room runs on an offline intranet and the overview must print to PDF, so the
pictures are plain SVG written here: no script, no CDN, colours set on the elements (print
keeps them). The unit map is schematic: each ward a cell around its centroid (`cells`), since
the units ship centroids, not boundaries. Each picture is an accessible image (role="img", a
<title> and an aria-label), each point, bar and unit carries its own <title> (the browser shows it on hover) and data-*
attributes that tests and the page's own styles can select on.

Colours: the series palette is the Okabe–Ito set of eight hues that stay distinct under the
common colour-vision deficiencies; the map uses one blue hue from pale to dark (a single-hue
sequential scale reads the same to everyone), with grey for a unit that has no figure.

Every text that comes from data (a unit's name, a series label) is escaped; the functions
return Django's SafeString, which templates insert as is ({{ chart }}).
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.lib.text import shorten

# Okabe & Ito (2008), "Color Universal Design": distinguishable by colour-blind readers.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
# Pale → dark blue, one hue; index 0 is the lowest class of a map.
MAP_COLOURS = ("#e3eef8", "#b3d0ea", "#78a9d6", "#3d7dbd", "#134f8c")
NO_DATA_COLOUR = "#bdbdbd"
GRID_COLOUR = "#d9d9d9"
AXIS_COLOUR = "#595959"
TEXT_COLOUR = "#262626"
FONT = 'font-family="system-ui, sans-serif"'

Number = float | int


# ---------------------------------------------------------------------------------------------
# Numbers


def fmt(value: Number | None, decimals: int | None = None) -> str:
    """A number the Vietnamese way ("1.234,5"); whole numbers without decimals."""
    if value is None:
        return gettext("không có số liệu")
    if decimals is None:
        decimals = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    return group_digits(value, decimals)


def _nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about `count` intervals."""
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: nice_ticks(0, 87) == [0, 20, 40, 60, 80, 100].

    A flat range (low == high) is widened around the value so the axis still has a scale."""
    if low > high:
        low, high = high, low
    if math.isclose(low, high):
        pad = abs(low) or 1.0
        low, high = (0.0, 2 * high) if low > 0 else (low - pad, high + pad) if low < 0 else (0.0, 1.0)
        if low == 0.0 and high == 0.0:  # pragma: no cover
            high = 1.0
    step = _nice_step(high - low, count)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    ticks = [first + i * step for i in range(n + 1)]
    # Drop the float noise of repeated addition (0.30000000000000004 → 0.3).
    digits = max(0, -math.floor(math.log10(step)) + 2)
    return [round(t, digits) + 0.0 for t in ticks]


def _tick_label(value: float, step: float) -> str:
    """A tick value with as many decimals as the step needs (0,25 steps → "0,75")."""
    decimals = len(f"{step:.6f}".rstrip("0").partition(".")[2])
    return group_digits(value, min(decimals, 4))


def _n(value: float) -> str:
    """A coordinate in the SVG: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _markup(parts: list[str]) -> SafeString:
    # Every piece of text from data went through escape() as the parts were written.
    return mark_safe("".join(parts))  # noqa: S308


def _svg_open(width: int, height: int, title: str, css_class: str, desc: str = "") -> list[str]:
    label = escape(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ioc-svg {css_class}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMidYMid meet" aria-label="{label}" {FONT} font-size="12">',
        f"<title>{label}</title>",
    ]
    if desc:
        parts.append(f"<desc>{escape(desc)}</desc>")
    return parts


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 12,
    weight: str = "",
    extra: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}" fill="{TEXT_COLOUR}"{bold}'
        f"{extra}>{escape(content)}</text>"
    )


def _legend(labels: Sequence[str], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Swatches and labels in rows from (x, y); returns the parts and the height used."""
    parts = ['<g class="legend">']
    cx, cy = x, y
    for i, label in enumerate(labels):
        item_w = 22 + 7 * len(label)
        if cx > x and cx + item_w > x + width:
            cx, cy = x, cy + 18
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{_n(cx)}" y="{_n(cy - 9)}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(cx + 16, cy + 1, label))
        cx += item_w
    parts.append("</g>")
    return parts, (cy - y) + 18


def _point_title(series: str, x_label: str, value: float | None, unit_label: str) -> str:
    return (
        f"{series}, {x_label}: {fmt(value)}{(' ' + unit_label) if unit_label and value is not None else ''}"
    )


# ---------------------------------------------------------------------------------------------
# Line chart

Series = Sequence[tuple[str, Sequence[Number | None]]]


def line_chart(
    series: Series,
    x_labels: Sequence[str],
    *,
    title: str,
    unit_label: str = "",
    width: int = 640,
    height: int = 300,
    zero_based: bool = True,
) -> SafeString:
    """Lines over a shared x axis (months, years): one line per (label, values), a gap where
    a value is None. Axes, horizontal gridlines at round ticks, a legend and a hover <title>
    on every point ("Phường A, 2021: 1.234 hồ sơ")."""
    values = [float(v) for _, vs in series for v in vs if v is not None]
    parts = _svg_open(width, height, title, "ioc-line-chart")
    parts.append(_text(8, 16, title, size=14, weight="600"))
    if not values or not x_labels:
        parts.append(_text(width / 2, height / 2, gettext("Chưa có số liệu"), anchor="middle"))
        parts.append("</svg>")
        return _markup(parts)

    low, high = min(values), max(values)
    if zero_based:
        low, high = min(low, 0.0), max(high, 0.0)
    ticks = nice_ticks(low, high)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    label_w = max(len(_tick_label(t, step)) for t in ticks) * 7 + 10
    left, right, top = max(40, label_w), 16, 40 if unit_label else 30
    _, legend_h = _legend([label for label, _ in series], left, 0, width - left - right)
    bottom = 30 + legend_h + 6
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(i: int) -> float:
        if len(x_labels) == 1:
            return left + plot_w / 2
        return left + plot_w * i / (len(x_labels) - 1)

    def sy(v: float) -> float:
        return top + plot_h * (ticks[-1] - v) / (ticks[-1] - ticks[0])

    if unit_label:
        parts.append(_text(8, 32, unit_label, size=11))
    parts.append('<g class="grid">')
    for t in ticks:
        y = sy(t)
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1" data-tick="{_n(t)}"/>'
        )
        parts.append(_text(left - 6, y + 4, _tick_label(t, step), anchor="end", size=11))
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(top + plot_h)}" '
        f'stroke="{AXIS_COLOUR}"/>'
        f'<line class="axis" x1="{_n(left)}" y1="{_n(sy(max(ticks[0], min(0.0, ticks[-1]))))}" '
        f'x2="{_n(left + plot_w)}" y2="{_n(sy(max(ticks[0], min(0.0, ticks[-1]))))}" stroke="{AXIS_COLOUR}"/>'
    )
    # Thin out x labels so they do not collide (about 7 px a character).
    longest = max(len(x) for x in x_labels) * 7 + 8
    every = max(1, math.ceil(longest / (plot_w / max(len(x_labels) - 1, 1)))) if len(x_labels) > 1 else 1
    for i, label in enumerate(x_labels):
        if i % every == 0:
            parts.append(_text(sx(i), top + plot_h + 16, label, anchor="middle", size=11))

    for s_index, (label, vs) in enumerate(series):
        colour = SERIES_COLOURS[s_index % len(SERIES_COLOURS)]
        path, pen_down = [], False
        for i, v in enumerate(vs[: len(x_labels)]):
            if v is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{_n(sx(i))} {_n(sy(float(v)))}")
            pen_down = True
        parts.append(f'<g class="series" data-series="{escape(label)}">')
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-linejoin="round"/>'
            )
        for i, v in enumerate(vs[: len(x_labels)]):
            if v is None:
                continue
            parts.append(
                f'<circle cx="{_n(sx(i))}" cy="{_n(sy(float(v)))}" r="3.5" fill="{colour}" '
                f'data-value="{_n(float(v))}"><title>{escape(_point_title(label, x_labels[i], v, unit_label))}'
                f"</title></circle>"
            )
        parts.append("</g>")

    legend_parts, _ = _legend([label for label, _ in series], left, height - legend_h + 4, plot_w)
    parts.extend(legend_parts)
    parts.append("</svg>")
    return _markup(parts)


# ---------------------------------------------------------------------------------------------
# Bar chart


def bar_chart(
    series: Series,
    categories: Sequence[str],
    *,
    title: str,
    unit_label: str = "",
    stacked: bool = False,
    horizontal: bool = False,
    urls: Sequence[str | None] | None = None,
    width: int = 640,
    height: int | None = None,
) -> SafeString:
    """Bars per category, one colour per series, grouped side by side or `stacked`.

    `horizontal=True` lays categories down the left (the way to compare many units by name);
    `urls` links each category's bars to the list behind them. Negative values are drawn
    below/left of zero; None draws nothing."""
    n_cat, n_ser = len(categories), max(len(series), 1)
    if height is None:
        height = max(160, 60 + n_cat * (22 if stacked else 14 * n_ser + 8)) if horizontal else 300
    parts = _svg_open(
        width, height, title, "ioc-bar-chart" + (" ioc-bar-chart--horizontal" if horizontal else "")
    )
    parts.append(_text(8, 16, title, size=14, weight="600"))
    values = [float(v) for _, vs in series for v in vs if v is not None]
    if not values or not categories:
        parts.append(_text(width / 2, height / 2, gettext("Chưa có số liệu"), anchor="middle"))
        parts.append("</svg>")
        return _markup(parts)

    if stacked:
        pos = [sum(max(float(vs[i] or 0), 0) for _, vs in series if i < len(vs)) for i in range(n_cat)]
        neg = [sum(min(float(vs[i] or 0), 0) for _, vs in series if i < len(vs)) for i in range(n_cat)]
        low, high = min([0.0, *neg]), max([0.0, *pos])
    else:
        low, high = min(0.0, *values), max(0.0, *values)
    ticks = nice_ticks(low, high)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    span = ticks[-1] - ticks[0]

    legend_needed = len(series) > 1
    top = 40 if unit_label else 30
    if horizontal:
        left = min(max(len(c) for c in categories) * 7 + 14, width // 3)
        right, bottom = 16, 24 + (22 if legend_needed else 0)
    else:
        left = max(40, max(len(_tick_label(t, step)) for t in ticks) * 7 + 10)
        right, bottom = 16, 34 + (22 if legend_needed else 0)
    plot_w, plot_h = width - left - right, height - top - bottom

    def scale(v: float) -> float:
        """Distance along the value axis from its start (px)."""
        length = plot_w if horizontal else plot_h
        return length * (v - ticks[0]) / span

    if unit_label:
        parts.append(_text(8, 32, unit_label, size=11))
    parts.append('<g class="grid">')
    for t in ticks:
        if horizontal:
            x = left + scale(t)
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(top + plot_h)}" stroke="{GRID_COLOUR}" '
                f'data-tick="{_n(t)}"/>'
            )
            parts.append(_text(x, top + plot_h + 14, _tick_label(t, step), anchor="middle", size=11))
        else:
            y = top + plot_h - scale(t)
            parts.append(
                f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" stroke="{GRID_COLOUR}" '
                f'data-tick="{_n(t)}"/>'
            )
            parts.append(_text(left - 6, y + 4, _tick_label(t, step), anchor="end", size=11))
    parts.append("</g>")

    band = (plot_h if horizontal else plot_w) / n_cat
    inner = band * 0.75
    bar = inner if stacked else inner / n_ser
    zero = scale(max(ticks[0], min(0.0, ticks[-1])))
    for c, category in enumerate(categories):
        start = c * band + (band - inner) / 2
        url = urls[c] if urls and c < len(urls) else None
        parts.append(f'<g class="category" data-category="{escape(category)}">')
        if url:
            parts.append(f'<a href="{escape(url)}">')
        if horizontal:
            parts.append(
                _text(
                    left - 6,
                    top + c * band + band / 2 + 4,
                    _shorten(category, (left - 14) // 7),
                    anchor="end",
                    size=11,
                )
            )
        else:
            parts.append(
                _text(
                    left + c * band + band / 2,
                    top + plot_h + 16,
                    _shorten(category, int(band // 7)),
                    anchor="middle",
                    size=11,
                )
            )
        pos_acc, neg_acc = 0.0, 0.0
        for s, (label, vs) in enumerate(series):
            v = vs[c] if c < len(vs) else None
            if v is None:
                continue
            v = float(v)
            if stacked:
                if v >= 0:
                    a, b = scale(pos_acc), scale(pos_acc + v)
                    pos_acc += v
                else:
                    a, b = scale(neg_acc + v), scale(neg_acc)
                    neg_acc += v
                offset = start
            else:
                a, b = sorted((zero, scale(v)))
                offset = start + s * bar
            length = max(b - a, 0.0)
            if horizontal:
                x, y, w, h = left + a, top + offset, length, bar
            else:
                x, y, w, h = left + offset, top + plot_h - b, bar, length
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            tip = f"{category}{' — ' + label if len(series) > 1 else ''}: {fmt(v)}"
            tip += f" {unit_label}" if unit_label else ""
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{colour}" '
                f'data-series="{escape(label)}" data-value="{_n(v)}"><title>{escape(tip)}</title></rect>'
            )
        if url:
            parts.append("</a>")
        parts.append("</g>")
    if horizontal:
        parts.append(
            f'<line class="axis" x1="{_n(left + zero)}" y1="{_n(top)}" x2="{_n(left + zero)}" '
            f'y2="{_n(top + plot_h)}" stroke="{AXIS_COLOUR}"/>'
        )
    else:
        parts.append(
            f'<line class="axis" x1="{_n(left)}" y1="{_n(top + plot_h - zero)}" x2="{_n(left + plot_w)}" '
            f'y2="{_n(top + plot_h - zero)}" stroke="{AXIS_COLOUR}"/>'
        )
    if legend_needed:
        legend_parts, _ = _legend([label for label, _ in series], left, height - 8, plot_w)
        parts.extend(legend_parts)
    parts.append("</svg>")
    return _markup(parts)


def _shorten(text: str, chars: int) -> str:
    return shorten(text, max(chars, 3))


# ---------------------------------------------------------------------------------------------
# Unit map


def project(
    units: Sequence[dict[str, Any]], width: float, height: float, pad: float
) -> dict[str, tuple[float, float]]:
    """Screen positions of the units that have a centroid: an equirectangular projection
    (x = longitude × cos(mean latitude), y = latitude) scaled to fit the box inside `pad`,
    keeping the aspect ratio and centring the shorter side. North is up."""
    placed = [u for u in units if u.get("lat") is not None and u.get("lon") is not None]
    if not placed:
        return {}
    lat0 = math.radians(sum(float(u["lat"]) for u in placed) / len(placed))
    xs = {u["code"]: float(u["lon"]) * math.cos(lat0) for u in placed}
    ys = {u["code"]: float(u["lat"]) for u in placed}
    min_x, max_x, min_y, max_y = min(xs.values()), max(xs.values()), min(ys.values()), max(ys.values())
    span_x, span_y = max_x - min_x, max_y - min_y
    box_w, box_h = width - 2 * pad, height - 2 * pad
    if span_x == 0 and span_y == 0:
        return dict.fromkeys(xs, (width / 2, height / 2))
    scale = min(box_w / span_x if span_x else math.inf, box_h / span_y if span_y else math.inf)
    off_x = pad + (box_w - span_x * scale) / 2
    off_y = pad + (box_h - span_y * scale) / 2
    return {code: (off_x + (xs[code] - min_x) * scale, off_y + (max_y - ys[code]) * scale) for code in xs}


def default_breaks(values: Sequence[float], classes: int = len(MAP_COLOURS)) -> list[float]:
    """Equal-interval class limits over round numbers: the `classes - 1` inner limits."""
    if not values:
        return []
    low, high = min(values), max(values)
    if math.isclose(low, high):
        return []
    step = (high - low) / classes
    power = 10 ** math.floor(math.log10(step))
    step = math.ceil(step / power * 2) / 2 * power  # round the width up to a half of its power
    start = math.floor(low / power) * power
    return [round(start + step * (i + 1), 10) + 0.0 for i in range(classes - 1)]


def colour_for(value: float | None, breaks: Sequence[float], *, higher_is_better: bool = True) -> str:
    """The map colour of a value: class i holds breaks[i-1] <= value < breaks[i].

    Dark always marks the units that need attention: the lowest class is darkest when higher
    is better, the highest when lower is better (late rates, overdue counts). No figure → grey."""
    if value is None:
        return NO_DATA_COLOUR
    cls = bisect_right(list(breaks), value)
    cls = min(cls, len(MAP_COLOURS) - 1)
    n = len(breaks) + 1
    colours = _ramp(n)
    return colours[n - 1 - cls] if higher_is_better else colours[cls]


def _ramp(n: int) -> tuple[str, ...]:
    if n >= len(MAP_COLOURS):
        return MAP_COLOURS
    # Spread fewer classes over the whole ramp so they stay far apart.
    if n == 1:
        return (MAP_COLOURS[2],)
    return tuple(MAP_COLOURS[round(i * (len(MAP_COLOURS) - 1) / (n - 1))] for i in range(n))


Point = tuple[float, float]


def _hull(points: Sequence[Point]) -> list[Point]:
    """The convex hull, counter-clockwise in screen coordinates (Andrew's monotone chain)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return list(pts)

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    upper: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _clip(polygon: list[Point], site: Point, other: Point) -> list[Point]:
    """The part of a convex polygon on `site`'s side of the bisector of site–other (one step of
    Sutherland–Hodgman): the points nearer to `site` than to `other`."""
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2
    nx, ny = other[0] - site[0], other[1] - site[1]

    def side(p: Point) -> float:  # < 0 on site's side
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[Point] = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def cells(sites: dict[str, Point], margin: float) -> dict[str, list[Point]]:
    """A schematic map from centroids alone: each unit's Voronoi cell (the points nearer to its
    centroid than to any other), clipped to the outline of the whole area, taken as the convex
    hull of the centroids grown by `margin` (a disc of 16 points around each). Every cell holds
    its centroid, and no two cells overlap. O(n²) half-plane clips: some milliseconds for a
    hundred communes, so the cells of the same centroids are kept (the map of every request of a
    province's IOC: the same units, other colours)."""
    shapes = _cells(tuple(sites.items()), margin)
    return {code: list(polygon) for code, polygon in shapes.items()}


@functools.lru_cache(maxsize=64)
def _cells(sites_items: tuple[tuple[str, Point], ...], margin: float) -> dict[str, tuple[Point, ...]]:
    sites = dict(sites_items)
    ring = [(margin * math.cos(2 * math.pi * k / 16), margin * math.sin(2 * math.pi * k / 16)) for k in range(16)]
    outline = _hull([(x + dx, y + dy) for x, y in sites.values() for dx, dy in ring])
    result: dict[str, tuple[Point, ...]] = {}
    for code, site in sites.items():
        polygon = outline
        for other_code, other in sites.items():
            if other_code != code and other != site and polygon:
                polygon = _clip(polygon, site, other)
        result[code] = tuple(polygon)
    return result


def _area_centre(polygon: Sequence[Point]) -> tuple[float, Point]:
    """Area and centre of mass of a polygon (its first point when it has no area)."""
    area = cx = cy = 0.0
    for i, (x0, y0) in enumerate(polygon):
        x1, y1 = polygon[(i + 1) % len(polygon)]
        f = x0 * y1 - x1 * y0
        area += f
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
    if abs(area) < 1e-9:
        return 0.0, polygon[0]
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


LABEL_PREFIXES = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")
LABEL_SIZE = 10
CHAR_W = 0.58 * LABEL_SIZE  # the average width of a character at that size (system-ui)


def _short(name: str) -> str:
    """A label without the kind of unit ("Phường Chu Văn An" → "Chu Văn An"); the hover says it whole."""
    return next((name[len(p):] for p in LABEL_PREFIXES if name.startswith(p) and len(name) > len(p)), name)


def _place_labels(items: list[tuple[str, str, Point, float]]) -> dict[str, tuple[Point, list[str]]]:
    """Where each label goes: `items` are (code, text, anchor, room), the larger cells first.
    A label is written on one line, or two when long, at its anchor or just above or below it,
    wherever it overlaps no label already placed; a label that fits nowhere is left out (the
    unit's shape still names it on hover)."""
    placed: list[tuple[float, float, float, float]] = []
    result: dict[str, tuple[Point, list[str]]] = {}
    for code, text, (x, y), _room in items:
        words = text.split()
        layouts = [[text]]
        if len(words) > 1:
            cut = max(range(1, len(words)), key=lambda i: -abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
            layouts.append([" ".join(words[:cut]), " ".join(words[cut:])])
        for lines in layouts:
            w = max(len(line) for line in lines) * CHAR_W
            h = len(lines) * (LABEL_SIZE + 1)
            spot = None
            for dy in (0.0, -h, h, -1.6 * h, 1.6 * h):
                box = (x - w / 2, y + dy - h / 2, x + w / 2, y + dy + h / 2)
                if all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed):
                    spot = box
                    break
            if spot is not None:
                placed.append(spot)
                result[code] = ((x, (spot[1] + spot[3]) / 2), lines)
                break
    return result


def unit_map(
    units: Sequence[dict[str, Any]],
    values: dict[str, float | None],
    *,
    metric_label: str,
    higher_is_better: bool = True,
    width: int = 520,
    height: int = 440,
    breaks: Sequence[float] | None = None,
    title: str | None = None,
) -> SafeString:
    """The wards/communes as a schematic map coloured by `metric_label`: each unit a cell around
    its centroid (`cells`: the area nearer to it than to any other centroid, inside the outline
    of the whole area), named by a label that overlaps no other.

    `units`: dicts with code, name, lat, lon, url. `values`: code → figure (None or missing:
    grey). Each cell links to the unit's page and names "name — measure: value" on hover (<title>). Units
    without a centroid are listed under the map (still linked) rather than dropped silently."""
    title = title or gettext("Bản đồ: %(metric_label)s") % {"metric_label": metric_label}
    legend_h = 44
    parts = _svg_open(width, height, title, "ioc-map")
    parts.append(_text(8, 16, title, size=14, weight="600"))
    numbers = [float(v) for v in values.values() if v is not None]
    if breaks is None:
        breaks = default_breaks(numbers)
    breaks = list(breaks)

    map_h = height - legend_h - 24
    pad = 24.0
    positions = project(units, width, map_h, pad)
    margin = _margin(list(positions.values()), width, map_h)
    if margin + 4 > pad:  # room for the outline beyond the outer centroids
        positions = project(units, width, map_h, margin + 4)
        margin = min(margin, _margin(list(positions.values()), width, map_h))
    positions = {code: (x, y + 24) for code, (x, y) in positions.items()}
    shapes = cells(positions, margin)
    names = {u["code"]: u["name"] for u in units}
    sized = sorted(((code, *_area_centre(shapes[code])) for code in positions if shapes.get(code)),
                   key=lambda item: -item[1])
    labels = _place_labels([(code, _short(names[code]), positions[code], area) for code, area, _c in sized])
    parts.append('<g class="units">')
    for unit in units:
        code = unit["code"]
        if code not in positions or not shapes.get(code):
            continue
        value = values.get(code)
        colour = colour_for(value, breaks, higher_is_better=higher_is_better)
        tip = f"{unit['name']} — {metric_label}: {fmt(value)}"
        data_value = "" if value is None else _n(float(value))
        x, y = positions[code]
        d = "M" + " L".join(f"{_n(px)} {_n(py)}" for px, py in shapes[code]) + " Z"
        shape = (
            f'<path d="{d}" fill="{colour}" stroke="#ffffff" stroke-width="1.5" stroke-linejoin="round" '
            f'data-unit="{escape(code)}" data-value="{data_value}" data-cx="{_n(x)}" data-cy="{_n(y)}">'
            f"<title>{escape(tip)}</title></path>"
        )
        if unit.get("url"):
            shape = f'<a href="{escape(unit["url"])}" aria-label="{escape(tip)}">{shape}</a>'
        parts.append(shape)
    parts.append("</g>")
    parts.append('<g class="labels" pointer-events="none">')
    for code, ((lx, ly), lines) in labels.items():
        dark = colour_for(values.get(code), breaks, higher_is_better=higher_is_better) in MAP_COLOURS[3:]
        fill = "#ffffff" if dark else TEXT_COLOUR
        first = ly - (len(lines) - 1) * (LABEL_SIZE + 1) / 2 + LABEL_SIZE * 0.35
        tspans = "".join(
            f'<tspan x="{_n(lx)}" y="{_n(first + i * (LABEL_SIZE + 1))}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="middle" font-size="{LABEL_SIZE}" fill="{fill}" data-label="{escape(code)}">'
                     f"{tspans}</text>")
    parts.append("</g>")
    missing = [u for u in units if u["code"] not in positions]
    if missing:
        parts.append(
            _text(
                8,
                map_h + 18,
                gettext("Chưa có tọa độ: ")
                + ", ".join(u["name"] for u in missing[:6])
                + ("…" if len(missing) > 6 else ""),
                size=10,
            )
        )
    parts.extend(_map_legend(breaks, higher_is_better, 8, height - legend_h + 14, width - 16))
    parts.append("</svg>")
    return _markup(parts)


def _margin(points: list[Point], width: float, height: float) -> float:
    """How far the outline reaches beyond the outer centroids: half the mean distance to the
    nearest neighbour (a border ward about as deep as an inner one), within 8–60 px."""
    if len(points) < 2:
        return min(width, height) / 4
    nearest = [min(math.hypot(a[0] - b[0], a[1] - b[1]) for j, b in enumerate(points) if j != i)
               for i, a in enumerate(points)]
    return max(8.0, min(60.0, sum(nearest) / len(nearest) / 2))


def _map_legend(
    breaks: Sequence[float], higher_is_better: bool, x: float, y: float, width: float
) -> list[str]:
    n = len(breaks) + 1
    labels = []
    for i in range(n):
        if n == 1:
            labels.append(gettext("mọi giá trị"))
        elif i == 0:
            labels.append(f"< {fmt(breaks[0])}")
        elif i == n - 1:
            labels.append(f"≥ {fmt(breaks[-1])}")
        else:
            labels.append(f"{fmt(breaks[i - 1])} – < {fmt(breaks[i])}")
    parts = ['<g class="legend">']
    item_w = min(96.0, width / (n + 1))
    for i, label in enumerate(labels):
        representative = breaks[i - 1] if i > 0 else (breaks[0] - 1 if breaks else 0.0)
        colour = colour_for(representative, breaks, higher_is_better=higher_is_better)
        cx = x + i * item_w
        parts.append(
            f'<rect x="{_n(cx)}" y="{_n(y)}" width="{_n(item_w - 4)}" height="10" fill="{colour}" '
            f'data-class="{i}"/>'
        )
        parts.append(_text(cx, y + 24, label, size=10))
    cx = x + n * item_w
    parts.append(
        f'<rect x="{_n(cx)}" y="{_n(y)}" width="{_n(item_w - 4)}" height="10" fill="{NO_DATA_COLOUR}" '
        f'data-class="none"/>'
    )
    parts.append(_text(cx, y + 24, gettext("không có số liệu"), size=10))
    parts.append("</g>")
    return parts
