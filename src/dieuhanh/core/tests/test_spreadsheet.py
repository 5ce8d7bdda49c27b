"""The text every spreadsheet we write passes through (`core.spreadsheet`): characters XML forbids
dropped, tabs and line breaks kept, and text that looks like a formula stored as text — checked by
writing with the app's writer (`core.xlsx`) and reading the file back with openpyxl, as Excel or
LibreOffice would open it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dieuhanh.core.spreadsheet import clean_text, csv_value, looks_like_formula
from dieuhanh.core.xlsx import Sheet, write_xlsx

FORBIDDEN = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]]
FORMULAS = [
    '=HYPERLINK("http://evil.example/","Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n@SUM(A1)",
]


def read_back(values):
    """The sheet of one header row and one data row, `values`, as a reader sees it (row 2)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet(title="Thử", headers=[f"Cột {i}" for i in range(len(values))], rows=[values])])
    return load_workbook(io.BytesIO(buffer.getvalue())).active


@pytest.mark.parametrize("char", FORBIDDEN, ids=[f"x{ord(c):02x}" for c in FORBIDDEN])
def test_it_drops_each_character_xml_forbids(char):
    assert clean_text(f"Đơn{char} khiếu nại") == "Đơn khiếu nại"
    ws = read_back([f"Đơn{char} khiếu nại"])
    assert ws["A2"].value == "Đơn khiếu nại" and ws["A2"].data_type == "s"


def test_it_keeps_tabs_and_line_breaks_inside_text():
    assert clean_text("Dòng một\r\nDòng hai\tcột") == "Dòng một\r\nDòng hai\tcột"
    text = "Dòng một\nDòng hai\tcột"  # an XML reader turns "\r\n" into "\n" anyway
    assert read_back([text])["A2"].value == text


def test_it_drops_lone_surrogates_and_non_characters():
    assert clean_text("a\ud800b\ufffec\uffffd") == "abcd"


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_looks_like_a_formula_is_written_as_text(text):
    assert looks_like_formula(text)
    cell = read_back([text])["A2"]
    assert cell.data_type == "s"  # not "f": no formula in the file
    # What the reader sees is what was written, with no apostrophe (an XML reader reads "\r" as "\n").
    assert cell.value == text.replace("\r", "\n")
    assert cell.quotePrefix  # and Excel, LibreOffice keep it text when the cell is edited


def test_a_formula_with_a_forbidden_character_is_both_cleaned_and_kept_text():
    cell = read_back(["=HYPER\x08LINK(\"http://evil.example/\")"])["A2"]
    assert cell.value == '=HYPERLINK("http://evil.example/")' and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("text", ["Khiếu nại", "a=b", "email@example.com", "1-2", " chữ", "", "   "])
def test_ordinary_text_is_left_alone(text):
    assert not looks_like_formula(text)
    if text:
        cell = read_back([text])["A2"]
        assert cell.value == text and cell.data_type == "s" and not cell.quotePrefix


def test_numbers_dates_and_empty_cells_keep_their_types():
    ws = read_back([-5, 2.5, dt.date(2026, 3, 2), None, True])
    assert [ws.cell(row=2, column=i).data_type for i in range(1, 6)] == ["n", "n", "d", "n", "b"]
    assert ws["A2"].value == -5 and ws["C2"].value == dt.datetime(2026, 3, 2) and ws["D2"].value is None


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example/")', '\'=HYPERLINK("http://evil.example/")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("-2+3", "'-2+3"),
        ("Tên\x08 thủ tục", "Tên thủ tục"),
        ("-5", "-5"),  # a plain number is read as a number, never run
        ("+84 912 345 678", "+84 912 345 678"),
        ("Khiếu nại", "Khiếu nại"),
        (12, 12),
        (None, None),
    ],
)
def test_csv_values_are_cleaned_and_formulas_escaped(value, written):
    assert csv_value(value) == written


def test_a_csv_row_reads_back_as_text():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_value(v) for v in (7, "=1+1", "a\x07b")])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["7", "'=1+1", "ab"]
