"""The tabular import every sheet import shares (`core.tabular`), on real files: .xlsx written by
openpyxl or by the app's own writer (`core.xlsx`), .csv written in UTF-8 as Excel saves it. The
good rows of a file are kept, each bad one is reported with its row number and a Vietnamese reason
on the column of its field, headers match whatever their case and accents, and a file that cannot
be read is refused with a reason."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from dieuhanh.core import tabular
from dieuhanh.core.tabular import BadRow, BadRows, Column, ColumnError, ImportRefused
from dieuhanh.core.xlsx import Sheet, write_xlsx

COLUMNS = (
    Column("code", "Mã chỉ tiêu", True),
    Column("year", "Năm", True),
    Column("value", "Giá trị", True),
    Column("note", "Ghi chú"),
)


def write(path, rows, delimiter=","):
    """`rows` as a file of `path`'s kind: an .xlsx by openpyxl, or a CSV in UTF-8 with a BOM."""
    if path.suffix == ".xlsx":
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def read(table, bad, take=None):
    """The rows `take` keeps (default: the year read as a number), after the header found by
    the required columns it names."""

    def year(record):
        try:
            return record["code"], int(record["year"])
        except (TypeError, ValueError):
            raise ValidationError({"year": [f"Năm «{record['year']}» phải là một số."]}) from None

    header = table.find_header(lambda values: tabular.header_score(values, COLUMNS))
    layout = tabular.match(header[1], COLUMNS)
    return header, layout, list(table.take(layout, take or year, bad))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_good_row_is_kept_and_the_bad_one_reported_with_its_number_and_reason(tmp_path, suffix):
    path = write(tmp_path / f"so-lieu{suffix}", [
        ["Số liệu thực hiện năm 2021"],
        ["Mã chỉ tiêu", "Năm", "Giá trị"],
        ["CNXD", "2021", "100"],
        ["THUNS", "hai nghìn", "5"],
        ["", "", ""],
    ])
    bad = BadRows()
    with tabular.open_table(path) as table:
        header, _layout, good = read(table, bad)
    assert header[0] == 2
    assert good == [(3, ("CNXD", 2021))]
    assert bad.count == 1
    assert bad.items == [BadRow(4, "THUNS", (("Năm", "hai nghìn", "Năm «hai nghìn» phải là một số."),))]
    assert bad.items[0].reason == "Năm «hai nghìn» phải là một số."


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_headers_match_without_case_or_diacritics(tmp_path, suffix):
    path = write(tmp_path / f"khong-dau{suffix}", [
        ["MA CHI TIEU", " nam: ", "gia tri", "Cột khác"],
        ["CNXD", "2021", "100", "x"],
    ])
    with tabular.open_table(path) as table:
        _header, layout, good = read(table, BadRows())
    assert layout.index == {"code": 0, "year": 1, "value": 2}
    assert layout.header == {"code": "MA CHI TIEU", "year": "nam:", "value": "gia tri"}
    assert layout.ignored == ("Cột khác",)
    assert good == [(2, ("CNXD", 2021))]


def test_an_xlsx_of_the_apps_own_writer_reads_back_with_its_values(tmp_path):
    path = tmp_path / "xuat.xlsx"
    write_xlsx(str(path), [Sheet(title="Số liệu", headers=["Mã chỉ tiêu", "Năm", "Giá trị", "Ghi chú"], rows=[
        ["CNXD", 2021, 100.5, dt.date(2021, 12, 31)],
    ])])
    with tabular.open_table(path) as table:
        _header, _layout, good = read(table, BadRows(), take=lambda record: record)
    assert good == [(2, {"code": "CNXD", "year": 2021, "value": 100.5, "note": dt.datetime(2021, 12, 31)})]


def test_a_missing_required_column_is_named_and_a_field_given_twice_refused():
    with pytest.raises(ColumnError) as err:
        tabular.match(["Mã chỉ tiêu", "Ghi chú"], COLUMNS)
    assert err.value.missing == ("Năm", "Giá trị")
    assert str(err.value) == "Tệp thiếu cột bắt buộc: «Năm», «Giá trị»."
    with pytest.raises(ColumnError, match="Hai cột cùng chỉ «Năm»: «Năm» và «NĂM»"):
        tabular.match(["Mã chỉ tiêu", "Năm", "NĂM", "Giá trị"], COLUMNS)


def test_a_semicolon_csv_from_an_upload_is_read_and_the_upload_left_open():
    upload = io.BytesIO("Mã chỉ tiêu;Năm;Giá trị\r\nCNXD;2021;1,5\r\n".encode("utf-8-sig"))
    with tabular.open_table(upload, "so-lieu.csv") as table:
        assert list(table.rows) == [(1, ["Mã chỉ tiêu", "Năm", "Giá trị"]), (2, ["CNXD", "2021", "1,5"])]
    assert not upload.closed


def test_a_refused_row_names_the_column_of_each_field_and_a_refusal_of_the_row_stands_alone(tmp_path):
    path = write(tmp_path / "x.csv", [["Mã chỉ tiêu", "Năm", "Giá trị"], ["A", "2021", "x"], ["B", "2021", "1"]])

    def take(record):
        if record["code"] == "A":
            raise ValidationError({"value": ["Giá trị phải là một số."], "__all__": ["Dòng không hợp lệ."]})
        raise PermissionDenied("Bạn không có quyền nhập số liệu của đơn vị này.")

    bad = BadRows()
    with tabular.open_table(path) as table:
        _header, _layout, good = read(table, bad, take=take)
    assert good == []
    assert [(row.number, row.problems) for row in bad.items] == [
        (2, (("Giá trị", "x", "Giá trị phải là một số."), ("", "", "Dòng không hợp lệ."))),
        (3, (("", "", "Bạn không có quyền nhập số liệu của đơn vị này."),)),
    ]
    assert bad.items[0].reason == "Giá trị phải là một số.; Dòng không hợp lệ."


def test_a_byte_that_is_not_utf8_far_in_a_csv_makes_only_its_row_bad(tmp_path):
    path = tmp_path / "lon.csv"
    lines = ["Mã chỉ tiêu,Năm,Giá trị"] + [f"CT{i},2021,{i}" for i in range(2, 8000)]
    path.write_bytes("\n".join(lines).encode() + b"\nCT\xff,2021,1\nCUOI,2021,2\n")
    bad = BadRows()
    with tabular.open_table(path) as table:
        _header, _layout, good = read(table, bad)
    assert len(good) == 7999 and good[-1] == (8001, ("CUOI", 2021))
    assert [(row.number, row.problems[0][0], row.reason) for row in bad.items] == [(8000, "Mã chỉ tiêu", tabular.UNREADABLE)]


def test_files_that_cannot_be_read_are_refused_with_a_reason(tmp_path):
    with pytest.raises(ImportRefused, match=r"Tệp \.xls"):
        tabular.open_table(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100), "cu.xls")
    with pytest.raises(ImportRefused, match=r"Không đọc được tệp Excel «hong\.xlsx»: tệp bị hỏng, hoặc không phải tệp \.xlsx"):
        tabular.open_table(io.BytesIO(b"PK not a workbook"), "hong.xlsx")
    with pytest.raises(ImportRefused, match=r"Tệp CSV «a\.csv» không ở bảng mã được nhận"):
        tabular.open_table(io.BytesIO("Mã,Giá\n".encode("cp1252")), "a.csv")  # Excel's plain "CSV" on Windows
    with pytest.raises(ImportRefused, match=r"Không mở được tệp khong-co\.csv"):
        tabular.open_table(tmp_path / "khong-co.csv")
    with tabular.open_table(io.BytesIO(b""), "trong.csv") as table:
        assert table.find_header(lambda values: 0) is None


def test_an_error_file_is_written_for_excel_with_each_value_kept_as_text(tmp_path):
    bad = BadRows(tmp_path / "loi" / "loi-nhap.csv")
    assert bad.written == ""
    bad.add(7, "=HYPERLINK(\"http://x\")", [("Năm", " 20x1 ", "Năm «20x1» phải là một số."), ("Giá trị", None, "Thiếu giá trị.")])
    bad.close()
    assert bad.written == str(tmp_path / "loi" / "loi-nhap.csv") and bad.count == 1 and bad.items == []
    raw = (tmp_path / "loi" / "loi-nhap.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == [
        ["Dòng", "Mã", "Cột", "Giá trị", "Lỗi"],
        ["7", "'=HYPERLINK(\"http://x\")", "Năm", "20x1", "Năm «20x1» phải là một số."],
        ["7", "'=HYPERLINK(\"http://x\")", "Giá trị", "", "Thiếu giá trị."],
    ]


def test_an_error_file_is_read_back_for_a_page(tmp_path):
    """The first lines of an error file, as a page lists them; a value guarded for a spreadsheet
    reads as it was written in the imported file."""
    path = tmp_path / "loi.csv"
    bad = tabular.BadRows(path)
    bad.add(4, "HS-1", [("Mã thủ tục", "9.999999", "Không có thủ tục này.")])
    bad.add(5, "HS-2", [("Người nộp", "=HYPERLINK(1)", "Tên lạ."), ("Ngày tiếp nhận", "31/02", "Không có ngày này.")])
    bad.close()
    lines, more = tabular.read_bad_rows(path, 2)
    assert more is True
    assert [(b.number, b.key, b.column, b.value, b.reason) for b in lines] == [
        (4, "HS-1", "Mã thủ tục", "9.999999", "Không có thủ tục này."),
        (5, "HS-2", "Người nộp", "=HYPERLINK(1)", "Tên lạ."),
    ]
    assert len(tabular.read_bad_rows(path, 10)[0]) == 3 and tabular.read_bad_rows(path, 10)[1] is False
    assert tabular.read_bad_rows(tmp_path / "khong-co.csv", 10) == ([], False)
