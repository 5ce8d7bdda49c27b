"""`dieuhanh import indicators FILE`: the importer of the page «Nhập từ tệp» run from the command
line, on real .xlsx files written by openpyxl: good rows saved, bad rows reported by their row
number and reason, exit code 2 for a file that cannot be read or lacks its columns."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.indicators.models import Actual, Target
from dieuhanh.indicators.tests.helpers import indicator

pytestmark = pytest.mark.django_db


def _xlsx(path, rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _run(*args):
    return CliRunner().invoke(app, ["import", "indicators", *map(str, args)])


def test_actuals_keep_good_rows_and_number_the_bad_ones(world, tmp_path):
    indicator(world, "CNXD")
    path = _xlsx(tmp_path / "so-lieu-2021.xlsx", [
        ["Số liệu thực hiện năm 2021"],
        ["Mã chỉ tiêu", "Mã đơn vị", "Năm", "Giá trị", "Nguồn"],
        ["CNXD", "10549", 2021, 100, "Báo cáo phường"],
        ["CNXD", "10546", 2021, "abc", ""],
        ["KHONGCO", "10546", 2021, 1, ""],
        ["CNXD", 10546, 2021, 50.5, ""],
    ])
    out = _run(path, "--user", world.office.username)
    assert out.exit_code == 0, out.output
    assert "Nhập số liệu thực hiện từ so-lieu-2021.xlsx: đã đọc 4 dòng; thêm mới 2, cập nhật 0" in out.output
    assert "dòng lỗi 2" in out.output
    assert "dòng 4: Giá trị thực hiện phải là một số" in out.output
    assert "dòng 5: Không có chỉ tiêu mã “KHONGCO”." in out.output
    assert {(a.unit_id, float(a.value)) for a in Actual.objects.all()} == {
        (world.ward_a_old.pk, 100.0), (world.ward_b_old.pk, 50.5)
    }
    again = _run(path, "--user", world.office.username)  # the same file again changes nothing
    assert "thêm mới 0, cập nhật 0, không đổi 2, dòng lỗi 2" in again.output
    assert Actual.objects.count() == 2


def test_a_targets_sheet_is_recognised_by_its_header(world, tmp_path):
    indicator(world, "THUNS")
    path = _xlsx(tmp_path / "chi-tieu.xlsx", [
        ["Mã chỉ tiêu", "Mã đơn vị", "Từ năm", "Đến năm", "Giá trị", "Văn bản", "Ngày quyết định"],
        ["THUNS", "290", 2020, 2025, 5000, "Nghị quyết Đại hội XXIII", "15/10/2020"],
        ["THUNS", "290", 2020, 2025, 6000, "Sơ kết giữa nhiệm kỳ", "16/05/2023"],
        ["THUNS", "290", 2021, None, 486.28, "Nghị quyết HĐND về dự toán", "32/13/2021"],
    ])
    out = _run(path, "--user", world.office.username)
    assert out.exit_code == 0, out.output
    assert "Nhập chỉ tiêu từ chi-tieu.xlsx: đã đọc 3 dòng; thêm mới 1, cập nhật 1" in out.output
    assert "dòng 4: Ngày quyết định “32/13/2021” phải có dạng ngày/tháng/năm." in out.output
    term = Target.objects.filter(period_kind="term").order_by("version")
    assert [(t.version, float(t.value), t.is_current) for t in term] == [(1, 5000, False), (2, 6000, True)]


def test_a_bad_file_exits_2_and_saves_nothing(world, tmp_path):
    indicator(world, "CNXD")
    no_columns = _xlsx(tmp_path / "thieu-cot.xlsx", [["Mã chỉ tiêu", "Giá trị"], ["CNXD", 1]])
    out = _run(no_columns, "--user", world.office.username)
    assert out.exit_code == 2
    assert "thiếu cột: Mã đơn vị, Năm" in out.output
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a workbook")
    out = _run(broken, "--user", world.office.username)
    assert out.exit_code == 2 and "Không đọc được tệp Excel" in out.output
    assert Actual.objects.count() == 0


def test_only_an_editor_may_import(world, tmp_path):
    indicator(world, "CNXD")
    path = _xlsx(tmp_path / "x.xlsx", [["Mã chỉ tiêu", "Mã đơn vị", "Năm", "Giá trị"], ["CNXD", "10549", 2021, 1]])
    out = _run(path, "--user", world.officer_a.username)
    assert out.exit_code == 1 and "không có quyền nhập số liệu chỉ tiêu" in out.output
    assert _run(path, "--user", "khongco").exit_code == 1
    assert _run(path, "--user", world.office.username, "--kind", "lung-tung").exit_code == 2
    assert Actual.objects.count() == 0
