"""The dossier register as .xlsx, opened with openpyxl as a reader would: the rows the register
shows (scope and filters, all pages), real dates, labels in Vietnamese, the late-now column —
and a register of thousands of rows written in write-only mode."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.core.xlsx import DATE_FORMAT, Sheet, write_xlsx
from dieuhanh.dossiers import export, services
from dieuhanh.dossiers.models import Dossier
from dieuhanh.lib.text import fold

pytestmark = pytest.mark.django_db


def workbook(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("dossier_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="so-theo-doi-ho-so-')
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    return ws, rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.fixture
def dossiers(world):
    early = world.dossier(applicant_name="Nguyễn Thị Hồ Sơ")
    services.do_record_result(actor=world.onestop_a, dossier=early)
    late_now = world.dossier(received_at=timezone.localtime() - dt.timedelta(days=30), applicant_name="Trễ Hạn")
    other_ward = world.dossier(actor=world.onestop_b, unit=world.ward_b, applicant_name="Người Phường Bê")
    return early, late_now, other_ward


def test_it_exports_the_visible_rows_with_real_dates(client, world, dossiers):
    early, late_now, _other_ward = dossiers
    ws, header, rows = workbook(client, world.onestop_a)
    assert header[:3] == ("Mã hồ sơ", "Mã thủ tục", "Tên thủ tục")
    by_code = {r["Mã hồ sơ"]: r for r in rows}
    assert set(by_code) == {early.code, late_now.code}  # not ward B's
    row = by_code[early.code]
    assert row["Tên thủ tục"] == "Đăng ký khai sinh" and row["Lĩnh vực"] == "Hộ tịch"
    assert row["Đơn vị tiếp nhận"] == "Phường Chu Văn An" and row["Mã đơn vị"] == "10549"
    assert row["Kênh tiếp nhận"] == "Trực tiếp"
    assert row["Trạng thái"] == "Đã có kết quả, chờ trả" and row["Tiến độ"] == "Trước hạn"
    assert row["Đang quá hạn"] is None
    assert row["Ngày hẹn trả"] == dt.datetime.combine(early.due_on, dt.time())  # a date cell, not text
    assert row["Nguồn"] == "Tiếp nhận trên Điều Hành"
    assert by_code[late_now.code]["Đang quá hạn"] == "Có"
    assert by_code[late_now.code]["Tiến độ"] is None
    date_cell = ws.cell(row=2, column=header.index("Ngày tiếp nhận") + 1)
    assert date_cell.is_date and date_cell.number_format == DATE_FORMAT
    assert ws.freeze_panes == "A2"


def test_it_applies_the_register_filters_and_search(client, world, dossiers):
    _early, late_now, other_ward = dossiers
    _ws, _h, rows = workbook(client, world.office, status="late_now")
    assert [r["Mã hồ sơ"] for r in rows] == [late_now.code]
    _ws, _h, rows = workbook(client, world.office, q="nguoi phuong be")
    assert [r["Mã hồ sơ"] for r in rows] == [other_ward.code]
    _ws, _h, rows = workbook(client, world.office, unit=world.ward_b.pk)
    assert [r["Mã hồ sơ"] for r in rows] == [other_ward.code]
    _ws, _h, rows = workbook(client, world.office)
    assert {r["Mã hồ sơ"] for r in rows} == {d.code for d in dossiers}


def test_an_empty_register_is_a_header_only_file(client, world):
    _ws, header, rows = workbook(client, world.onestop_a)
    assert rows == [] and "Ngày hẹn lại (sau xin lỗi)" in header


def test_outsider_may_not_export(client, world, dossiers):
    client.force_login(world.outsider)
    assert client.get(reverse("dossier_export")).status_code == 403


def test_thousands_of_rows_in_write_only_mode(world):
    proc = world.procedure()
    day = dt.date(2026, 3, 2)
    Dossier.objects.bulk_create(
        Dossier(code=f"HS-{i:06d}", procedure=proc, unit=world.ward_a, channel="online", status="returned",
                source="import", applicant_name=f"Người nộp {i}", received_on=day, due_on=day + dt.timedelta(days=7),
                result_on=day + dt.timedelta(days=6), returned_on=day + dt.timedelta(days=6), timeliness="early",
                search=fold(f"HS-{i:06d} Người nộp {i}"))
        for i in range(5000)
    )
    buffer = io.BytesIO()
    count = export.write_register(Dossier.objects.all(), buffer, today=dt.date(2026, 4, 1), chunk_size=1000)
    assert count == 5000
    ws = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 5001
    assert rows[1][0] == "HS-004999"  # newest first, then by id descending
    assert rows[1][8] == dt.datetime(2026, 3, 2)


def test_text_that_xml_forbids_is_escaped_or_dropped(client, world):
    world.dossier(applicant_name="Công ty A & B <chi nhánh>\x07 ")
    ws, _header, rows = workbook(client, world.onestop_a)
    assert rows[0]["Người nộp hồ sơ"] == "Công ty A & B <chi nhánh>"  # \x07 dropped, the space stripped on receipt
    assert ws.auto_filter.ref == f"A1:T{len(rows) + 1}"
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet(title="Thử", headers=["Cột", "Số"], widths=[10, 8],
                              rows=[[" cách đầu", 12], ["a\x0bb", None]])])
    rows = list(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert rows == [("Cột", "Số"), (" cách đầu", 12), ("ab", None)]


def test_control_characters_are_dropped_and_formulas_stay_text(client, world):
    hyperlink = '=HYPERLINK("http://lua-dao.example/","Xem")'
    sample = world.procedure(code="2.000001", name="-2+3 thủ tục mẫu")
    world.dossier(applicant_name="Nguyễn\x08 Văn Nộp")
    world.dossier(applicant_name=hyperlink, procedure=sample)
    world.dossier(applicant_name="\x07\x08")  # nothing left once cleaned: an empty cell
    ws, header, rows = workbook(client, world.onestop_a)
    assert sorted(r["Người nộp hồ sơ"] or "" for r in rows) == sorted(["", "Nguyễn Văn Nộp", hyperlink])
    name_at, procedure_at = header.index("Người nộp hồ sơ"), header.index("Tên thủ tục")
    formula = next(r for r in ws.iter_rows(min_row=2) if r[name_at].value == hyperlink)
    for cell in (formula[name_at], formula[procedure_at]):
        assert cell.data_type == "s" and cell.quotePrefix  # text, not a formula
    assert formula[procedure_at].value == "-2+3 thủ tục mẫu"
    plain = next(r for r in ws.iter_rows(min_row=2) if r[name_at].value == "Nguyễn Văn Nộp")
    assert not plain[name_at].quotePrefix and plain[header.index("Ngày tiếp nhận")].is_date


def test_the_statistics_export_keeps_a_catalogue_formula_as_text(client, world):
    hyperlink = '=HYPERLINK("http://lua-dao.example/","Xem")'
    world.dossier(procedure=world.procedure(field=hyperlink))
    world.dossier(procedure=world.procedure(code="2.000002", field="Hộ\x08 tịch"))
    client.force_login(world.office)
    today = timezone.localdate()
    response = client.get(reverse("dossier_stats_export"), {"date_from": f"{today:%Y-01-01}", "date_to": f"{today:%Y-12-31}",
                                                            "by": "field"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    labels = {row[0].value: row[0] for row in ws.iter_rows(min_row=2)}
    assert "Hộ tịch" in labels and labels[hyperlink].data_type == "s" and labels[hyperlink].quotePrefix
