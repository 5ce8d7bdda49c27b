"""The one .xlsx writer (`core.xlsx`), read back with openpyxl as Excel or LibreOffice would open
the file: several sheets, a styled frozen header with a filter, numbers and dates with their
column's format, widths fitted to the content or given, titles Excel accepts."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from dieuhanh.core.xlsx import DATE_FORMAT, MONEY_FORMAT, Sheet, sheet, workbook, write_xlsx


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_a_workbook_of_several_sheets_with_formats_and_fitted_widths():
    rows = [{"ten": "Giải phóng mặt bằng tuyến đường Sao Đỏ – Côn Sơn", "han": dt.date(2026, 3, 2),
             "tien": 1_500_000_000, "ty_le": 91.5}]
    content = workbook([
        ("Nhiệm vụ", [("Tên", lambda r: r["ten"], None), ("Thời hạn", lambda r: r["han"], DATE_FORMAT),
                      ("Kinh phí", lambda r: r["tien"], MONEY_FORMAT)], rows),
        ("Tỷ lệ", [("Tỷ lệ (%)", lambda r: r["ty_le"], "0.0")], rows),
    ])
    wb = _open(content)
    assert wb.sheetnames == ["Nhiệm vụ", "Tỷ lệ"]
    ws = wb["Nhiệm vụ"]
    assert [c.value for c in ws[1]] == ["Tên", "Thời hạn", "Kinh phí"]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb == "FF1F3A5F"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C2"
    assert ws["B2"].value == dt.datetime(2026, 3, 2) and ws["B2"].number_format == DATE_FORMAT
    assert ws["C2"].value == 1_500_000_000 and ws["C2"].number_format == MONEY_FORMAT
    assert ws.column_dimensions["A"].width == len(rows[0]["ten"]) + 2  # fitted to the longest value
    assert ws.column_dimensions["B"].width == 12
    assert wb["Tỷ lệ"]["A2"].value == 91.5 and wb["Tỷ lệ"]["A2"].number_format == "0.0"


def test_a_date_in_a_column_without_a_format_still_reads_as_a_date():
    ws = _open(sheet("Ngày", [("Ngày", lambda d: d, None)], [dt.date(2025, 7, 1)])).active
    assert ws["A2"].is_date and ws["A2"].number_format == DATE_FORMAT


def test_titles_are_made_acceptable_and_distinct():
    long = "Thống kê: hồ sơ/thủ tục [theo đơn vị] của toàn tỉnh năm 2026"
    content = workbook([(long, [("A", lambda r: r, None)], [1]), (long, [("A", lambda r: r, None)], [2])])
    names = _open(content).sheetnames
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names) and len(set(names)) == 2


def test_a_streamed_sheet_with_given_widths_counts_its_rows():
    buffer = io.BytesIO()
    counts = write_xlsx(buffer, [Sheet(title="Sổ", headers=["Mã", "Ngày"], widths=[20, 12],
                                       rows=([f"HS-{i:04d}", dt.date(2026, 1, 1)] for i in range(1200)))])
    ws = _open(buffer.getvalue()).active
    assert counts == [1200] and ws.max_row == 1201 and ws.column_dimensions["A"].width == 20
    assert ws["A1201"].value == "HS-1199" and ws.auto_filter.ref == "A1:B1201"


def test_an_empty_sheet_keeps_its_header():
    ws = _open(sheet("Trống", [("Cột", lambda r: r, None)], [])).active
    assert [c.value for c in ws[1]] == ["Cột"] and ws.max_row == 1


def test_a_streaming_reader_sees_every_row_at_full_width():
    """openpyxl's read-only mode (and pandas through it) reads a row only as far as its last
    cell: empty cells are written, so a row ending in blanks keeps its width."""
    content = sheet("Đơn", [("Số", lambda r: r[0], None), ("Ghi chú", lambda r: r[1], None),
                            ("Đánh dấu", lambda r: r[2], None)], [("1/2026", "", None), ("2/2026", None, "Trùng")])
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert [len(r) for r in rows] == [3, 3, 3] and rows[1] == ("1/2026", None, None)
