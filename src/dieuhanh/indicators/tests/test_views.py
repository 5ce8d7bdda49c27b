"""Indicator pages: what each persona sees and may do, the forms, the .xlsx exports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from dieuhanh.indicators.models import Actual, Target
from dieuhanh.indicators.tests.helpers import actual, indicator, target
from dieuhanh.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    output = indicator(world, "CNXD", name="Giá trị sản xuất công nghiệp, xây dựng")
    target(world, output, world.city, 2021, 12600, deciding_document="Nghị quyết số 01")
    target(world, output, world.city, 2021, 12800, deciding_document="Nghị quyết điều chỉnh")
    actual(world, output, world.city, 2021, "13416.446", growth_percent="22.4")
    actual(world, output, world.ward_a_old, 2021, 7000)
    actual(world, output, world.ward_b_old, 2021, 6416.446)
    return output


def test_the_list_shows_the_summary_line_and_the_adjusted_target(world, figures):
    page = signed_in(world.office).get(f"/chi-tieu/?nam=2021&don_vi={world.city.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "1/1 chỉ tiêu đạt và vượt" in html
    assert "12.600" in html and "12.800" in html and "13.416,446" in html and "+22,4%" in html
    assert "Vượt" in html


def test_a_ward_officer_sees_only_their_wards_figures(world, figures):
    c = signed_in(world.officer_a)
    html = c.get("/chi-tieu/?nam=2021").content.decode()
    assert "7.000" in html and "13.416" not in html and "6.416" not in html
    html = c.get(f"/chi-tieu/?nam=2021&don_vi={world.city.pk}").content.decode()
    assert "bạn không theo dõi đơn vị này" in html and "13.416" not in html
    detail = c.get("/chi-tieu/CNXD/?nam=2021").content.decode()
    assert "7.000" in detail and "6.416" not in detail and "Nhập số liệu" not in detail
    sheet = openpyxl.load_workbook(io.BytesIO(c.get("/chi-tieu/xuat/?nam=2021").content))
    assert [r[5] for r in sheet.active.iter_rows(min_row=2, values_only=True)] == [7000]


def test_the_indicator_page_shows_versions_history_and_units(world, figures):
    html = signed_in(world.office).get(f"/chi-tieu/cnxd/?nam=2021&don_vi={world.city.pk}").content.decode()
    assert "Nghị quyết điều chỉnh" in html and "Đã được điều chỉnh" in html
    assert "Phường Sao Đỏ" in html and "Phường Phả Lại" in html
    assert signed_in(world.office).get("/chi-tieu/KHONGCO/").status_code == 404


def test_the_indicator_export_has_three_sheets(world, figures):
    response = signed_in(world.office).get(f"/chi-tieu/CNXD/xuat/?nam=2021&don_vi={world.city.pk}")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Qua các năm", "Chỉ tiêu giao, điều chỉnh", "Theo đơn vị năm 2021"]
    versions = list(wb["Chỉ tiêu giao, điều chỉnh"].iter_rows(min_row=2, values_only=True))
    assert [(v[1], v[2], v[3]) for v in versions] == [(1, 12600, "Không"), (2, 12800, "Có")]
    units = sorted(wb["Theo đơn vị năm 2021"].iter_rows(min_row=2, values_only=True))
    assert [(u[0], u[2]) for u in units] == [("Phường Phả Lại", 6416.446), ("Phường Sao Đỏ", 7000)]


@pytest.mark.parametrize("persona", ["officer_a", "leader", "inspector", "outsider"])
def test_only_office_and_admin_reach_the_forms(world, figures, persona):
    c = signed_in(getattr(world, persona))
    for url in ("/chi-tieu/CNXD/nhap/", "/chi-tieu/CNXD/chi-tieu-giao/"):
        assert c.get(url).status_code == 403
        assert c.post(url, {"unit": world.ward_a_old.pk, "year": 2021, "value": 1}).status_code == 403


def test_the_office_enters_an_actual_and_sees_errors_named(world, figures):
    c = signed_in(world.office)
    url = "/chi-tieu/CNXD/nhap/"
    bad = c.post(url, {"unit": world.ward_a_old.pk, "year": 2021, "value": "nhiều"})
    assert bad.status_code == 200 and "Giá trị thực hiện phải là một số" in bad.content.decode()
    ok = c.post(url, {"unit": world.ward_a_old.pk, "year": 2021, "value": "7.100,5", "source": "Báo cáo"})
    assert ok.status_code == 302
    assert float(Actual.objects.get(unit=world.ward_a_old, year=2021).value) == 7100.5
    foreign = c.post(url, {"unit": world.province.pk, "year": 2025, "value": 1})
    assert foreign.status_code == 200 and Actual.objects.filter(unit=world.province).count() == 0


def test_adjusting_a_target_needs_the_document(world, figures):
    c = signed_in(world.admin)
    url = "/chi-tieu/CNXD/chi-tieu-giao/"
    data = {"unit": world.city.pk, "period_kind": "year", "year_from": 2021, "value": 13000}
    page = c.post(url, data)
    assert "phải ghi văn bản quyết định điều chỉnh" in page.content.decode()
    assert c.post(url, {**data, "deciding_document": "Nghị quyết 05", "decided_on": "2021-07-01"}).status_code == 302
    assert list(Target.objects.filter(unit=world.city).values_list("version", "is_current")) == [
        (1, False), (2, False), (3, True)
    ]


def test_anonymous_visitors_are_sent_to_login(world, figures):
    assert Client().get("/chi-tieu/").status_code == 302


def test_the_import_page_lists_bad_rows_and_keeps_good_ones(world, figures):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "Mã chỉ tiêu,Mã đơn vị,Năm,Giá trị\nCNXD,10549,2022,7500\nCNXD,10549,2022x,1\n"
    upload = SimpleUploadedFile("so-lieu.csv", text.encode(), content_type="text/csv")
    page = signed_in(world.office).post("/chi-tieu/nhap-tep/", {"kind": "actuals", "file": upload})
    html = page.content.decode()
    assert "Thêm mới 1" in html and "lỗi 1" in html and "<td>3</td>" in html
    assert float(Actual.objects.get(unit=world.ward_a_old, year=2022).value) == 7500
    assert signed_in(world.officer_a).get("/chi-tieu/nhap-tep/").status_code == 403
    wrong = SimpleUploadedFile("so-lieu.pdf", b"%PDF", content_type="application/pdf")
    assert "Chỉ nhận tệp .xlsx hoặc .csv" in signed_in(world.office).post(
        "/chi-tieu/nhap-tep/", {"kind": "actuals", "file": wrong}).content.decode()


def test_the_forms_start_from_what_is_recorded(world, figures):
    c = signed_in(world.office)
    html = c.get(f"/chi-tieu/CNXD/nhap/?nam=2021&don_vi={world.city.pk}").content.decode()
    assert 'value="13416.446"' in html and 'value="22.4"' in html
    html = c.get(f"/chi-tieu/CNXD/chi-tieu-giao/?nam=2021&don_vi={world.city.pk}").content.decode()
    assert 'value="12800"' in html
