"""The task and document exports with text nobody should trust: a control character (which once
made the export fail for everyone who could see the row) and text that starts like a formula
(which must reach Excel as text, not run). Read back with openpyxl as a reader would open them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.directives.services import do_create_document

HYPERLINK = '=HYPERLINK("http://lua-dao.example/","Xem chi tiết")'


def export(client, user, name):
    client.force_login(user)
    response = client.get(reverse(f"directives:{name}"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    return header, {row[0].value: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)}


def assert_text(cell, value):
    assert cell.value == value and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.django_db
def test_it_exports_tasks_whose_text_holds_control_characters_or_formulas(client, world):
    backspace = world.task(title="Giải phóng\x08 mặt bằng tuyến đường Sao Đỏ")
    formula = world.task(title=HYPERLINK, expected_result="@SUM(1+1)*cmd|' /C calc'!A0")
    _header, rows = export(client, world.office, "task_export")
    assert rows[backspace.code]["Nhiệm vụ"].value == "Giải phóng mặt bằng tuyến đường Sao Đỏ"
    assert_text(rows[formula.code]["Nhiệm vụ"], HYPERLINK)
    assert_text(rows[formula.code]["Kết quả cần đạt"], "@SUM(1+1)*cmd|' /C calc'!A0")
    assert rows[formula.code]["Ngày giao"].is_date  # other cells keep their types
    assert rows[formula.code]["Tiến độ (%)"].data_type == "n"


@pytest.mark.django_db
def test_it_exports_documents_whose_text_holds_control_characters_or_formulas(client, world):
    for number, title in (("21", "Kế hoạch\x08 chỉnh trang đô thị"), ("22", HYPERLINK)):
        do_create_document(
            actor=world.office, system="state", kind="KH", number=number, issuer_code="UBND",
            issuer=world.ward_a_committee, issued_on=timezone.localdate(), title=title,
        )
    _header, rows = export(client, world.office, "document_export")
    assert rows["21/KH-UBND"]["Trích yếu"].value == "Kế hoạch chỉnh trang đô thị"
    assert_text(rows["22/KH-UBND"]["Trích yếu"], HYPERLINK)
