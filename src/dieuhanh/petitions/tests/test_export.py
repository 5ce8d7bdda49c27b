"""The petition register as .xlsx, opened with openpyxl as a reader would: the rows the list
shows (scope and filters), real dates, and never a denouncer's name or address — not even in a
handler's own export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.petitions import services
from dieuhanh.petitions.confidentiality import REDACTED

DENOUNCER = "Hoàng Thị Bí Mật"
DENOUNCER_ADDRESS = "Khu dân cư số 5, phường Chu Văn An"


@pytest.fixture
def petitions(world):
    complaint = world.petition()
    denunciation = world.petition(
        kind="denunciation", field="corruption", subject="Tố cáo cán bộ địa chính nhận tiền",
        content="Tố cáo cán bộ địa chính phường nhận tiền để hợp thức hoá đất lấn chiếm.",
        identity={"name": DENOUNCER, "address": DENOUNCER_ADDRESS, "phone": "0988000111"},
    )
    services.do_assign(actor=world.reception_a, petition=denunciation, users=[world.officer_a])
    other_ward = world.petition(actor=world.reception_b, unit=world.ward_b, subject="Khiếu nại ở phường Chí Linh",
                                content="Khiếu nại việc chậm cấp giấy chứng nhận.", identity={"name": "Người Phường Bê"})
    return complaint, denunciation, other_ward


def workbook(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("petitions:petition_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="so-tiep-nhan-don-')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return ws, rows[0], rows[1:]


def every_cell(rows):
    return " ".join(str(v) for row in rows for v in row if v is not None)


def test_the_register_lists_the_petitions_in_scope(client, world, petitions):
    complaint, denunciation, _other_ward = petitions
    ws, header, rows = workbook(client, world.reception_a)
    assert ws.title == "Sổ tiếp nhận đơn"
    assert header[:6] == ["Số đơn", "Mã tra cứu", "Ngày nhận", "Nguồn đơn", "Họ tên người gửi", "Địa chỉ người gửi"]
    numbers = {row[0] for row in rows}
    assert numbers == {complaint.number, denunciation.number}
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    row = by_number[complaint.number]
    assert row["Họ tên người gửi"] == "Nguyễn Văn Khiếu"
    assert row["Địa chỉ người gửi"] == "Tổ dân phố 3, phường Chu Văn An"
    assert row["Ngày nhận"].date() == complaint.received_on
    assert ws["C2"].number_format == "dd/mm/yyyy"
    assert row["Phân loại"] == "Khiếu nại" and row["Lĩnh vực"] == "Đất đai"
    assert row["Nơi phát sinh"] == "Phường Chu Văn An" and row["Kết quả xử lý đơn"] == "Chưa xử lý đơn"
    assert row["Hạn gần nhất"].date() == complaint.due_on


@pytest.mark.parametrize("who", ["officer_a", "reception_a", "leader", "admin"])
def test_a_denouncer_never_appears_in_the_register(client, world, petitions, who):
    _complaint, denunciation, _other = petitions
    _ws, header, rows = workbook(client, getattr(world, who))
    text = every_cell(rows)
    assert DENOUNCER not in text and DENOUNCER_ADDRESS not in text and "0988000111" not in text
    row = dict(zip(header, next(r for r in rows if r[0] == denunciation.number), strict=True))
    assert row["Họ tên người gửi"] == REDACTED and row["Địa chỉ người gửi"] == REDACTED


def test_a_handler_exporting_reveals_nothing_and_logs_nothing(client, world, petitions):
    from dieuhanh.core.models import AuditEvent

    workbook(client, world.officer_a)
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_register_follows_the_list_filters(client, world, petitions):
    complaint, denunciation, _other = petitions
    _ws, _header, rows = workbook(client, world.reception_a, kind="denunciation")
    assert [r[0] for r in rows] == [denunciation.number]
    _ws, _header, rows = workbook(client, world.reception_a, q="thu hoi dat")
    assert [r[0] for r in rows] == [complaint.number]
    _ws, _header, rows = workbook(client, world.reception_a, q=DENOUNCER)
    assert rows == []


def test_ward_b_exports_only_its_own(client, world, petitions):
    _complaint, _denunciation, other_ward = petitions
    _ws, _header, rows = workbook(client, world.officer_b)
    assert [r[0] for r in rows] == [other_ward.number]
    assert "Người Phường Bê" in every_cell(rows)


def test_the_register_writes_routing_and_results(client, world, petitions):
    complaint, _denunciation, _other = petitions
    today = timezone.localdate()
    services.do_accept(actor=world.reception_a, petition=complaint, on=today, handlers=[world.officer_a])
    services.do_conclude(actor=world.officer_a, petition=complaint, result="partly_right", conclusion="Đúng một phần",
                         decision_number="45/QĐ-UBND", on=today)
    _ws, header, rows = workbook(client, world.reception_a)
    row = dict(zip(header, next(r for r in rows if r[0] == complaint.number), strict=True))
    assert row["Kết quả xử lý đơn"] == f"Thụ lý giải quyết ngày {today:%d/%m/%Y}"
    assert row["Trạng thái"] == "Đã có quyết định, kết luận"
    assert row["Kết quả giải quyết"] == f"Khiếu nại đúng một phần (số 45/QĐ-UBND, ngày {today:%d/%m/%Y})"
    assert isinstance(row["Hạn giải quyết"], dt.datetime)


def test_an_outsider_gets_no_register(client, world, petitions):
    client.force_login(world.outsider)
    assert client.get(reverse("petitions:petition_export")).status_code == 403


HYPERLINK = '=HYPERLINK("http://lua-dao.example/","Xem kết quả")'


def test_it_exports_control_characters_and_formula_text_as_plain_text(client, world):
    # A citizen's text can hold anything: a control character once made the export fail for
    # everyone whose scope covers the ward, and text starting with "=" became a live formula.
    backspace = world.petition(subject="", content="Khiếu nại\x08 việc cấp phép xây dựng trái phép.")
    formula = world.petition(subject=HYPERLINK, identity={"name": "@SUM(1+1)*cmd|' /C calc'!A0"})
    ws, header, rows = workbook(client, world.reception_a)
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_number[backspace.number]["Tóm tắt nội dung"] == "Khiếu nại việc cấp phép xây dựng trái phép."
    assert by_number[formula.number]["Tóm tắt nội dung"] == HYPERLINK
    assert by_number[formula.number]["Họ tên người gửi"] == "@SUM(1+1)*cmd|' /C calc'!A0"
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == formula.number)
    for column in ("Tóm tắt nội dung", "Họ tên người gửi"):
        cell = row[header.index(column)]
        assert cell.data_type == "s" and cell.quotePrefix  # text, not a formula
