"""The IOC's SVG pictures: numbers land where the hand computation says, colours follow the
class limits, missing figures are grey and data text is escaped."""

from __future__ import annotations

import math
from xml.etree import ElementTree

import pytest
from django.utils.safestring import SafeString

from dieuhanh.ioc import svg

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(markup: SafeString) -> ElementTree.Element:
    # Our own output, not untrusted input.
    return ElementTree.fromstring(str(markup))  # noqa: S314


def circles(markup: SafeString) -> list[ElementTree.Element]:
    return parse(markup).findall(".//s:circle", NS)


def shapes(markup: SafeString) -> list[ElementTree.Element]:
    return parse(markup).findall(".//s:g[@class='units']//s:path", NS)


def polygon(shape: ElementTree.Element) -> list[tuple[float, float]]:
    numbers = [float(n) for n in shape.get("d", "").replace("M", " ").replace("L", " ").replace("Z", " ").split()]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def inside(point: tuple[float, float], poly: list[tuple[float, float]], strict: bool = False) -> bool:
    """Within a convex polygon (either winding): on the same side of every edge."""
    signs = []
    for i, (x0, y0) in enumerate(poly):
        x1, y1 = poly[(i + 1) % len(poly)]
        signs.append((x1 - x0) * (point[1] - y0) - (y1 - y0) * (point[0] - x0))
    tol = 1e-6 if strict else -1e-6
    return all(s > tol for s in signs) or all(s < -tol for s in signs)


def test_it_picks_round_ticks():
    assert svg.nice_ticks(0, 87) == [0, 20, 40, 60, 80, 100]
    assert svg.nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert svg.nice_ticks(-3, 7) == [-4, -2, 0, 2, 4, 6, 8]
    assert svg.nice_ticks(0, 2500) == [0, 500, 1000, 1500, 2000, 2500]
    # A flat series still gets a scale.
    assert svg.nice_ticks(5, 5) == [0, 2, 4, 6, 8, 10]


def test_it_formats_numbers_the_vietnamese_way():
    assert svg.fmt(1234567) == "1.234.567"
    assert svg.fmt(91.25) == "91,3"
    assert svg.fmt(None) == "không có số liệu"


def test_it_is_an_accessible_image():
    chart = svg.line_chart([("A", [1, 2])], ["2021", "2022"], title="Tiến độ")
    root = parse(chart)
    assert isinstance(chart, SafeString)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Tiến độ"
    assert root.find("s:title", NS).text == "Tiến độ"


def test_line_chart_places_points_by_hand():
    # ticks 0..100 step 20; left = 40 (labels "100" are 31 px), top 30, bottom 30 + legend 18 + 6
    # → plot 344 × 116 inside 400 × 200.
    chart = svg.line_chart(
        [("Hồ sơ", [0, 50, 100])], ["2021", "2022", "2023"], title="T", width=400, height=200
    )
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in circles(chart)]
    assert points == [(40, 146), (212, 88), (384, 30)]
    ticks = [float(line.get("data-tick")) for line in parse(chart).findall(".//s:line[@data-tick]", NS)]
    assert ticks == [0, 20, 40, 60, 80, 100]
    titles = [c.find("s:title", NS).text for c in circles(chart)]
    assert titles[1] == "Hồ sơ, 2022: 50"


def test_line_chart_leaves_a_gap_for_missing_values():
    chart = svg.line_chart([("A", [10, None, 30])], ["1", "2", "3"], title="T", unit_label="%")
    path = parse(chart).find(".//s:path", NS).get("d")
    assert path.count("M") == 2 and "L" not in path
    assert len(circles(chart)) == 2
    assert circles(chart)[1].find("s:title", NS).text == "A, 3: 30 %"


def test_line_chart_without_data_says_so():
    assert "Chưa có số liệu" in svg.line_chart([("A", [None])], ["1"], title="T")


def test_bar_chart_places_bars_by_hand():
    # ticks 0, 10, 20, 30; left 40, top 30, bottom 34 → plot 244 × 136; two bands of 122,
    # bars 3/4 of a band (91.5) centred in it.
    chart = svg.bar_chart([("S", [10, 30])], ["A", "B"], title="T", width=300, height=200)
    rects = parse(chart).findall(".//s:rect[@data-value]", NS)
    first, second = ({k: float(r.get(k)) for k in ("x", "y", "width", "height")} for r in rects)
    assert first["x"] == 55.25 and first["width"] == 91.5
    assert first["height"] == pytest.approx(136 / 3, abs=0.01)
    assert first["y"] == pytest.approx(166 - 136 / 3, abs=0.01)
    assert second["x"] == 177.25 and second["y"] == 30 and second["height"] == 136


def test_bar_chart_stacks_series():
    chart = svg.bar_chart([("x", [10]), ("y", [20])], ["A"], title="T", stacked=True, width=300, height=200)
    # ticks 0..30, plot 244 × (200 - 30 - 56) = 114 with the legend row.
    rects = parse(chart).findall(".//s:rect[@data-value]", NS)
    lower, upper = ({k: float(r.get(k)) for k in ("y", "height")} for r in rects)
    assert lower["height"] == pytest.approx(38, abs=0.01)
    assert lower["y"] == pytest.approx(144 - 38, abs=0.01)
    assert upper["y"] == pytest.approx(30, abs=0.01) and upper["height"] == pytest.approx(76, abs=0.01)


def test_horizontal_bars_link_to_their_lists():
    chart = svg.bar_chart(
        [("Trễ hạn", [3, 0])],
        ["Phường A", "Phường B"],
        title="T",
        horizontal=True,
        urls=["/a/?x=1&y=2", None],
    )
    root = parse(chart)
    links = root.findall(".//s:a", NS)
    assert [a.get("href") for a in links] == ["/a/?x=1&y=2"]
    rects = root.findall(".//s:rect[@data-value]", NS)
    assert float(rects[0].get("width")) > 0 and float(rects[1].get("width")) == 0
    assert float(rects[0].get("y")) < float(rects[1].get("y"))


def test_projection_by_hand():
    units = [{"code": "A", "lat": 21.0, "lon": 106.0}, {"code": "B", "lat": 22.0, "lon": 107.0}]
    pos = svg.project(units, 200, 100, 10)
    # cos(21.5°) shrinks the degree of longitude; the 1° of latitude fills the 80 px height.
    c = math.cos(math.radians(21.5))
    off_x = 10 + (180 - 80 * c) / 2
    assert pos["A"] == pytest.approx((off_x, 90))
    assert pos["B"] == pytest.approx((off_x + 80 * c, 10))
    assert round(pos["A"][0], 2) == 62.78 and round(pos["B"][0], 2) == 137.22


def test_map_shapes_hold_their_centroid_and_link():
    units = [
        {"code": "A", "name": "Phường A", "lat": 21.0, "lon": 106.0, "url": "/ioc/don-vi/A/"},
        {"code": "B", "name": "Phường B", "lat": 22.0, "lon": 107.0, "url": "/ioc/don-vi/B/"},
        {"code": "C", "name": "Xã C", "lat": None, "lon": None, "url": "/ioc/don-vi/C/"},
    ]
    chart = svg.unit_map(
        units, {"A": 91.0, "B": None}, metric_label="Tỷ lệ đúng hạn (%)", width=300, height=300
    )
    root = parse(chart)
    found = {c.get("data-unit"): c for c in shapes(chart)}
    assert set(found) == {"A", "B"}
    for shape in found.values():
        assert inside((float(shape.get("data-cx")), float(shape.get("data-cy"))), polygon(shape))
    assert found["A"].find("s:title", NS).text == "Phường A — Tỷ lệ đúng hạn (%): 91"
    assert found["B"].get("fill") == svg.NO_DATA_COLOUR
    assert found["B"].get("data-value") == ""
    assert found["B"].find("s:title", NS).text == "Phường B — Tỷ lệ đúng hạn (%): không có số liệu"
    assert [a.get("href") for a in root.findall(".//s:a", NS)] == ["/ioc/don-vi/A/", "/ioc/don-vi/B/"]
    assert "Xã C" in str(chart)  # named as lacking a position, not dropped


def test_one_shape_per_ward_holding_its_centroid_no_overlap_and_the_names_shown():
    """Twelve wards on a rough grid: twelve cells, each containing its centroid, none containing
    another's centroid or overlapping another (a point well inside one is in no other), and every
    name written as a label whose boxes do not overlap."""
    units = [
        {"code": f"U{i}", "name": f"Phường Số {i}", "lat": 21 + (i // 4) * 0.03 + (i % 3) * 0.004,
         "lon": 106 + (i % 4) * 0.03 + (i % 2) * 0.006, "url": ""}
        for i in range(12)
    ]
    chart = svg.unit_map(units, {"U1": 3.0}, metric_label="x", width=520, height=440)
    found = shapes(chart)
    assert len(found) == 12
    polys = {s.get("data-unit"): polygon(s) for s in found}
    centres = {s.get("data-unit"): (float(s.get("data-cx")), float(s.get("data-cy"))) for s in found}
    for code, poly in polys.items():
        assert inside(centres[code], poly)
        for other, centre in centres.items():
            if other != code:
                assert not inside(centre, poly, strict=True)
        # the cell's own centre of mass lies in it and in no other cell
        mass = (sum(x for x, _ in poly) / len(poly), sum(y for _, y in poly) / len(poly))
        assert [c for c, p in polys.items() if inside(mass, p, strict=True)] == [code]
    labels = parse(chart).findall(".//s:g[@class='labels']/s:text", NS)
    named = {" ".join(t.text for t in label.findall("s:tspan", NS)) for label in labels}
    assert named == {f"Số {i}" for i in range(12)}


def test_breaks_and_colours():
    assert svg.default_breaks([0, 100]) == [20, 40, 60, 80]
    breaks = [20, 40, 60, 80]
    # Higher is better: the lowest class is darkest (needs attention).
    assert svg.colour_for(10, breaks) == svg.MAP_COLOURS[4]
    assert svg.colour_for(20, breaks) == svg.MAP_COLOURS[3]  # a limit opens the next class
    assert svg.colour_for(59.9, breaks) == svg.MAP_COLOURS[2]
    assert svg.colour_for(85, breaks) == svg.MAP_COLOURS[0]
    # Lower is better (late rates): the highest class is darkest.
    assert svg.colour_for(85, breaks, higher_is_better=False) == svg.MAP_COLOURS[4]
    assert svg.colour_for(None, breaks) == svg.NO_DATA_COLOUR
    # Two classes use the two ends of the ramp.
    assert svg.colour_for(1, [5]) == svg.MAP_COLOURS[4] and svg.colour_for(9, [5]) == svg.MAP_COLOURS[0]


def test_map_legend_shows_the_breaks():
    units = [{"code": "A", "name": "A", "lat": 21.0, "lon": 106.0, "url": ""}]
    chart = svg.unit_map(units, {"A": 50.0}, metric_label="m", breaks=[20, 40, 60, 80])
    text = " ".join(t.text or "" for t in parse(chart).findall(".//s:g[@class='legend']/s:text", NS))
    assert "< 20" in text and "≥ 80" in text and "40 – < 60" in text and "không có số liệu" in text
    assert shapes(chart)[0].get("fill") == svg.MAP_COLOURS[2]


def test_names_are_escaped():
    evil = '<script>alert(1)</script>"'
    units = [{"code": 'A"><x', "name": evil, "lat": 21.0, "lon": 106.0, "url": '/u/"onmouseover="x'}]
    chart = svg.unit_map(units, {'A"><x': 1.0}, metric_label=evil)
    bars = svg.bar_chart([(evil, [1])], [evil], title=evil, unit_label=evil)
    line = svg.line_chart([(evil, [1])], [evil], title=evil, unit_label=evil)
    for markup in (chart, bars, line):
        assert "<script>" not in str(markup)
        parse(markup)  # still well-formed XML
    root = parse(chart)
    assert shapes(chart)[0].find("s:title", NS).text == f"{evil} — {evil}: 1"
    assert root.find(".//s:a", NS).get("href") == '/u/"onmouseover="x'
