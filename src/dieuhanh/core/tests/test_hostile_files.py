"""Hostile or broken import files (a zip bomb, a sheet claiming a million columns, XML entity
tricks, a 20 MB cell, a CSV in an encoding not accepted) are refused quickly, before they are
parsed, with a Vietnamese message naming the limit: by every importer (dossiers, procedures,
indicators), on the command line (exit code 2) and on the web pages (the message, never a 500):
each of the nine hostile files below through each of the three importers, in each of the three
ways (the importer itself, the command, the page) — 81 refusals.

The files are built here, small on disk: a bomb is a few kilobytes of deflated spaces."""

from __future__ import annotations

import base64
import html
import io
import random
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.core import queue
from dieuhanh.dossiers import importer
from dieuhanh.dossiers.choices import JobState
from dieuhanh.dossiers.models import ImportJob
from dieuhanh.indicators.importer import import_figures, message_of
from dieuhanh.testing import login

pytestmark = pytest.mark.django_db

SECONDS = 5  # loosely: a refusal comes before any parsing, not after minutes of it
HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Ngày tiếp nhận", "Mã chỉ tiêu", "Mã đơn vị", "Năm", "Giá trị"]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(sheet_xml: bytes | None = None, *, level: int = 9) -> bytes:
    """A real workbook (openpyxl), its first sheet replaced by `sheet_xml` when given."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    buffer = io.BytesIO()
    wb.save(buffer)
    if sheet_xml is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data)
    return out.getvalue()


def _sheet(rows: str, *, before: str = "", dimension: str = "A1:H2") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{before}<worksheet xmlns="{_MAIN}">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>').encode()


def _header_row() -> str:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def zip_bomb() -> bytes:
    """A sheet of 30 MB of spaces: some 30 kB deflated."""
    return _workbook(_sheet(_header_row() + " " * (30 << 20)))


def huge_dimension() -> bytes:
    return _workbook(_sheet(_header_row(), dimension="A1:XFD1048576"))


def wide_row() -> bytes:
    """No <dimension>, but a cell in the sheet's last column (XFD): openpyxl makes a row of 16,384 cells."""
    return _workbook(_sheet(_header_row() + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>',
                            dimension="").replace(b'<dimension ref=""/>', b""))


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return _workbook(_sheet(_header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                            before=f"<!DOCTYPE worksheet [{entities}]>"))


def external_entity() -> bytes:
    return _workbook(_sheet(_header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
                            before='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))


def long_cell_xlsx() -> bytes:
    """A cell of 40,000 characters that do not compress (so no ratio check stops it first)."""
    text = base64.b64encode(random.Random(1).randbytes(30_000)).decode()
    return _workbook(_sheet(_header_row() + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{text}</t></is></c></row>'))


def cell_20mb_csv() -> bytes:
    return (",".join(HEADER) + "\n" + "HS-1," + "a" * (20 << 20) + "\n").encode()


def utf32_csv() -> bytes:
    return (",".join(HEADER) + "\nHS-1,1.001193\n").encode("utf-32")


def random_bytes_csv() -> bytes:
    return random.Random(7).randbytes(8192)


# (file name, builder, what the message must say: the limit it names)
HOSTILE = [
    ("bom-nen.xlsx", zip_bomb, "nén hơn 200 lần (giới hạn DIEUHANH_IMPORT_MAX_RATIO)"),
    ("vung-lon.xlsx", huge_dimension, "A1:XFD1048576 (1048576 dòng × 16384 cột), vượt giới hạn"),
    ("dong-rong.xlsx", wide_row, "có dòng 2 dài 16.384 cột, vượt giới hạn 1.000 cột (DIEUHANH_IMPORT_MAX_COLUMNS)"),
    ("billion-laughs.xlsx", billion_laughs, "có khai báo DOCTYPE/ENTITY trong phần «xl/worksheets/sheet1.xml»"),
    ("xxe.xlsx", external_entity, "có khai báo DOCTYPE/ENTITY"),
    ("o-dai.xlsx", long_cell_xlsx, "có ô dài hơn 32.767 ký tự ở dòng 2 (giới hạn DIEUHANH_IMPORT_MAX_CELL_CHARS)"),
    ("o-20mb.csv", cell_20mb_csv, "có ô dài hơn 32.767 ký tự ở dòng 2 (giới hạn DIEUHANH_IMPORT_MAX_CELL_CHARS)"),
    ("utf32.csv", utf32_csv, "không ở bảng mã được nhận (UTF-32). Chỉ nhận UTF-8 (có hoặc không có BOM) và UTF-16 có BOM"),
    ("ngau-nhien.csv", random_bytes_csv, "Chỉ nhận UTF-8 (có hoặc không có BOM) và UTF-16 có BOM"),
]
IMPORTERS = ["dossiers", "procedures", "indicators"]


def _refusal(world, kind: str, path: Path) -> str:
    """The message with which the importer of `kind` refuses `path`."""
    if kind == "indicators":
        with pytest.raises(ValidationError) as caught:
            import_figures(path, actor=world.office, kind="auto", name=path.name)
        return message_of(caught.value)
    actor = world.admin if kind == "procedures" else world.onestop_a
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_file(path, kind=kind, actor=actor)
    return str(refused.value)


@pytest.mark.parametrize("kind", IMPORTERS)
@pytest.mark.parametrize(("name", "build", "said"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_every_importer_refuses_a_hostile_file_quickly_naming_the_limit(world, tmp_path, settings, kind, name,
                                                                        build, said):
    settings.DATA_DIR = tmp_path
    path = tmp_path / name
    path.write_bytes(build())
    started = time.monotonic()
    message = _refusal(world, kind, path)
    assert time.monotonic() - started < SECONDS
    assert said in message and name in message


def test_a_workbook_expanding_beyond_the_limit_is_refused_naming_it(world, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.DIEUHANH_IMPORT_MAX_EXPANDED_MB = 10
    path = tmp_path / "lon.xlsx"
    path.write_bytes(zip_bomb())
    assert path.stat().st_size < 200_000
    for kind in IMPORTERS:
        assert "Tệp «lon.xlsx» giải nén ra 30 MB, hơn giới hạn 10 MB (DIEUHANH_IMPORT_MAX_EXPANDED_MB)" in _refusal(
            world, kind, path)


def test_a_workbook_with_a_corrupt_part_is_refused_as_unreadable_not_a_crash(world, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    data = bytearray(_workbook())
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")  # its deflated bytes follow
    data[start:start + 40] = b"\xff" * 40
    path = tmp_path / "hong.xlsx"
    path.write_bytes(bytes(data))
    for kind in IMPORTERS:
        assert "Không đọc được tệp Excel «hong.xlsx»" in _refusal(world, kind, path)


def test_files_within_the_limits_are_still_read(world, tmp_path, settings):
    """The checks refuse the hostile files only: a UTF-16 CSV (with BOM) and a cell just under the
    limit are read."""
    settings.DATA_DIR = tmp_path
    path = tmp_path / "utf16.csv"
    path.write_bytes(("Mã chỉ tiêu,Mã đơn vị,Năm,Giá trị,Ghi chú\nCNXD,10549,2022,7500," + "x" * 32_000 + "\n"
                      ).encode("utf-16"))
    report = import_figures(path, actor=world.office, kind="auto", name=path.name)
    assert report.rows == 1  # read (the unknown indicator makes it a bad row, not a refused file)
    assert report.errors == [(2, "Không có chỉ tiêu mã “CNXD”.")]


# The whole matrix, on the command line and on the web pages: every importer × every hostile file.
# (README, "Hostile files": the numbers of files tried and refused come from these two tests.)


@pytest.mark.parametrize("kind", IMPORTERS)
@pytest.mark.parametrize(("name", "build", "said"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_command_line_exits_2_with_the_message(world, tmp_path, settings, kind, name, build, said):
    settings.DATA_DIR = tmp_path
    path = tmp_path / name
    path.write_bytes(build())
    args = ["import", kind, str(path)] + (["--user", world.office.username] if kind == "indicators" else [])
    started = time.monotonic()
    result = CliRunner().invoke(app, args)
    assert time.monotonic() - started < SECONDS
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # a refusal, not a crash


PAGE_LIMIT = "Tệp quá lớn (tối đa 10 MB)."  # the indicator page's own limit, before any reading


@pytest.mark.parametrize("kind", IMPORTERS)
@pytest.mark.parametrize(("name", "build", "said"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_every_upload_page_refuses_with_the_message(client, world, tmp_path, settings, kind, name, build, said):
    """The page answers its form with the message (never a 500). A file whose fault only shows
    as it is read through (a cell too long, past the quick checks of the upload) is accepted as
    a job, which a worker refuses at once: the job's page then shows the message."""
    settings.DATA_DIR = tmp_path
    data = build()
    if kind == "indicators":
        login(client, world.office)
        response = client.post(reverse("indicator_import"), {"file": SimpleUploadedFile(name, data), "kind": "actuals"})
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert (PAGE_LIMIT if len(data) > 10 << 20 else said) in page
        return
    login(client, world.admin if kind == "procedures" else world.onestop_a)
    response = client.post(reverse("dossier_import"), {"file": SimpleUploadedFile(name, data), "kind": kind})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:  # the page's answer to a refused form, with the form and its message
        assert said in html.unescape(response.content.decode())
        assert not ImportJob.objects.exists()
        return
    assert queue.drain() == 1  # what a worker does
    job = ImportJob.objects.get()
    assert job.state == JobState.REFUSED and said in job.message
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk}))
    assert page.status_code == 200 and said in html.unescape(page.content.decode())
