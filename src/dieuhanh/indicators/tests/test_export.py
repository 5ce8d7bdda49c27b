"""The indicator exports with text nobody should trust: a name or note holding a control
character (which once made the export fail) or starting like a formula (which must reach Excel as
text). Read back with openpyxl as a reader would open them."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dieuhanh.indicators.tests.helpers import actual, indicator, target

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://lua-dao.example/","Xem chi tiết")'


def assert_text(cell, value):
    assert cell.value == value and cell.data_type == "s" and cell.quotePrefix


@pytest.fixture
def figures(world):
    output = indicator(world, "CNXD", name=HYPERLINK, measure="tỷ\x08 đồng")
    target(world, output, world.city, 2021, 12600, deciding_document="Nghị quyết\x08 số 01", note="-2+3 ghi chú")
    actual(world, output, world.city, 2021, "13416.446")
    return output


def sheet_of(client, world, url):
    client.force_login(world.office)
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_list_export_cleans_text_and_keeps_formulas_text(client, world, figures):
    ws = sheet_of(client, world, f"/chi-tieu/xuat/?nam=2021&don_vi={world.city.pk}").active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=True))
    assert_text(row["Chỉ tiêu"], HYPERLINK)
    assert row["Đơn vị tính"].value == "tỷ đồng"
    assert row["Thực hiện"].value == 13416.446 and row["Thực hiện"].data_type == "n"


def test_the_indicator_export_cleans_text_and_keeps_formulas_text(client, world, figures):
    ws = sheet_of(client, world, f"/chi-tieu/CNXD/xuat/?nam=2021&don_vi={world.city.pk}")["Chỉ tiêu giao, điều chỉnh"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=True))
    assert row["Văn bản"].value == "Nghị quyết số 01"
    assert_text(row["Ghi chú"], "-2+3 ghi chú")
    assert row["Giá trị"].value == 12600 and row["Giá trị"].data_type == "n"
