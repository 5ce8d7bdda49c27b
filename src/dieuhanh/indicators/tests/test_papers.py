"""The yearly report on the socio-economic targets, from the demo city: the "x/y chỉ tiêu đạt và
vượt" line and the table agree with the indicator page's summary, the chart is a picture in the
document, and only those who read the unit's indicators have it."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from docx import Document as read_docx

from dieuhanh.indicators import overview
from dieuhanh.indicators.papers import chart, find_report, socio_economic_report
from dieuhanh.testing import signed_in


def test_the_report_says_what_the_indicator_page_counts(demo, db):
    users = get_user_model().objects
    office, ward_officer = users.get(username="vanphong"), users.get(username="phuong_saodo")
    report = find_report("290/2021", office)
    assert report is not None and report.unit.code == "290"
    summary = overview.summary(office, unit=report.unit, year=2021)
    assert summary.total >= 10
    paper = socio_economic_report(report, office)
    text = "\n".join(b.text for b in paper.body if hasattr(b, "text") and isinstance(b.text, str))
    assert f"Năm 2021 có {summary.met}/{summary.total} chỉ tiêu đạt và vượt kế hoạch" in text
    table = next(b for b in paper.body if getattr(b, "headers", ("",))[0] == "TT")
    assert len(table.rows) == summary.total
    assert find_report("290/2021", ward_officer) is None  # a ward officer does not read the city's figures
    assert find_report("290/20x1", office) is None and find_report("khong-co/2021", office) is None
    got = signed_in(office).get("/giay-to/bao-cao-chi-tieu-kt-xh/290/2021.docx")
    assert got.status_code == 200
    document = read_docx(io.BytesIO(got.content))
    assert len(document.inline_shapes) == 1  # the chart
    assert document.inline_shapes[0].width > 0
    assert signed_in(ward_officer).get("/giay-to/bao-cao-chi-tieu-kt-xh/290/2021.docx").status_code == 404


def test_the_chart_is_a_png_with_a_bar_for_each_target():
    tiles = [{"name": f"Chỉ tiêu số {i} có tên dài để thử việc cắt bớt tên trên biểu đồ", "ratio": r, "achievement": a}
             for i, (r, a) in enumerate([(1.2, "exceeded"), (1.0, "met"), (0.7, "not_met"), (None, None)])]
    png = chart(tiles)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
