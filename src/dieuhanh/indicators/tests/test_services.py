"""Services and the sheet import: validation errors name the field in Vietnamese, nothing is
half-saved, every change is audited, a bad row is reported by number while good rows are kept."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dieuhanh.core.models import AuditEvent
from dieuhanh.indicators import services
from dieuhanh.indicators.importer import import_figures
from dieuhanh.indicators.models import Actual, Target
from dieuhanh.indicators.tests.helpers import actual, indicator

pytestmark = pytest.mark.django_db


def test_it_refuses_bad_values_naming_the_field(world):
    output = indicator(world, "CNXD")
    with pytest.raises(ValidationError) as err:
        actual(world, output, world.city, 2021, "nhiều")
    assert err.value.message_dict["value"] == ["Giá trị thực hiện phải là một số (nhận được “nhiều”)."]
    with pytest.raises(ValidationError) as err:
        actual(world, output, world.city, 1990, 5)
    assert "year" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.do_set_target(actor=world.admin, indicator=output, unit=world.city, value=5, year_from=2025,
                               year_to=2020, period_kind="term")
    assert err.value.message_dict["year_to"] == ["Năm cuối nhiệm kỳ phải sau năm đầu nhiệm kỳ."]
    assert not Actual.objects.exists() and not Target.objects.exists()


def test_it_reads_vietnamese_number_formats():
    assert services.parse_value("13.416,446", "value", "giá trị") == services.parse_value(13416.446, "v", "g")
    assert float(services.parse_value("967,3", "value", "giá trị")) == 967.3
    assert float(services.parse_value("1.234.567", "value", "giá trị")) == 1234567


def test_derived_indicators_are_never_typed(world):
    rate = indicator(world, "HSDUNGHAN", measure="%", kind="derived", derived_source="dossier_on_time_rate")
    with pytest.raises(ValidationError) as err:
        actual(world, rate, world.city, 2021, 95)
    assert "indicator" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        indicator(world, "X", kind="derived")
    assert "derived_source" in err.value.message_dict


def test_entering_again_replaces_and_audits_the_previous_value(world):
    output = indicator(world, "CNXD")
    actual(world, output, world.city, 2021, 100, source="Báo cáo 01")
    actual(world, output, world.city, 2021, 110, source="Báo cáo 02", growth_percent="22,4")
    row = Actual.objects.get()
    assert (float(row.value), float(row.growth_percent), row.source) == (110, 22.4, "Báo cáo 02")
    last = AuditEvent.objects.filter(object_type="indicators.actual").order_by("seq").last()
    assert (last.action, float(last.before["value"]), float(last.after["value"])) == ("update", 100, 110)


def test_only_office_and_admin_may_edit_and_only_their_units(world):
    output = indicator(world, "CNXD")
    for user in (world.officer_a, world.leader, world.outsider):
        with pytest.raises(PermissionDenied):
            services.do_enter_actual(actor=user, indicator=output, unit=world.ward_a_old, year=2021, value=1)
    with pytest.raises(PermissionDenied):
        services.do_save_indicator(actor=world.officer_a, code="Y", name="Y", measure="ha")
    services.do_enter_actual(actor=world.office, indicator=output, unit=world.ward_a_old, year=2021, value=1)
    with pytest.raises(PermissionDenied):  # the office of the former city is not Hải Phòng's
        services.do_set_target(actor=world.office, indicator=output, unit=world.province, year_from=2026, value=1)


def _sheet(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_import_keeps_good_rows_and_numbers_the_bad_ones(world):
    indicator(world, "CNXD")
    indicator(world, "DERIVED", measure="%", kind="derived", derived_source="task_on_time_rate")
    data = _sheet([
        ["Bảng số liệu thực hiện năm 2021"],
        [],
        ["Mã chỉ tiêu", "Mã đơn vị", "Năm", "Giá trị", "Tăng so với năm trước (%)", "Nguồn"],
        ["CNXD", "10549", 2021, 100, 5, "Báo cáo phường"],
        ["CNXD", "10546", 2021, "abc", None, ""],
        ["KHONGCO", "10546", 2021, 1, None, ""],
        ["CNXD", "99999", 2021, 1, None, ""],
        ["DERIVED", "290", 2021, 1, None, ""],
        ["CNXD", 10546, 2021, "50,5", None, ""],
        ["CNXD", "10549", 2026, 130, None, ""],
    ])
    report = import_figures(data, actor=world.admin, kind="actuals", name="so-lieu.xlsx")
    assert (report.created, report.updated) == (3, 0)
    assert [n for n, _m in report.errors] == [5, 6, 7, 8]
    assert "Giá trị thực hiện phải là một số" in report.errors[0][1]
    assert "KHONGCO" in report.errors[1][1]
    values = {(a.unit_id, a.year): float(a.value) for a in Actual.objects.all()}
    # code 10549 is phường Sao Đỏ in 2021 and phường Chu Văn An in 2026
    assert values == {(world.ward_a_old.pk, 2021): 100, (world.ward_b_old.pk, 2021): 50.5, (world.ward_a.pk, 2026): 130}
    again = import_figures(_sheet([["Mã chỉ tiêu", "Mã đơn vị", "Năm", "Giá trị"], ["CNXD", "10549", 2021, 101]]),
                           actor=world.admin, name="x.xlsx")
    assert (again.created, again.updated, again.errors) == (0, 1, [])


def test_import_of_targets_from_csv_adds_versions(world):
    indicator(world, "THUNS")
    text = (
        "Mã chỉ tiêu,Mã đơn vị,Từ năm,Đến năm,Giá trị,Văn bản,Ngày quyết định\n"
        "THUNS,290,2020,2025,5000,Nghị quyết Đại hội XXIII,15/10/2020\n"
        "THUNS,290,2021,,486.28,Nghị quyết HĐND về dự toán,\n"
        "THUNS,290,2020,2025,6000,,\n"
        "THUNS,290,2020,2025,6000,Sơ kết giữa nhiệm kỳ,16/05/2023\n"
        "THUNS,290,2021,,486.28,,32/13/2021\n"
    )
    report = import_figures(io.BytesIO(text.encode()), actor=world.office, kind="targets", name="chi-tieu.csv")
    assert (report.created, report.updated) == (2, 1)
    assert [n for n, _m in report.errors] == [4, 6]
    assert "văn bản quyết định điều chỉnh" in report.errors[0][1]
    term = Target.objects.filter(period_kind="term").order_by("version")
    assert [
        (t.version, float(t.value), t.is_current) for t in term
    ] == [(1, 5000, False), (2, 6000, True)]


def test_import_refuses_a_sheet_without_its_columns(world):
    with pytest.raises(ValidationError) as err:
        import_figures(_sheet([["Mã", "Giá trị"]]), actor=world.admin, name="x.xlsx")
    assert "thiếu cột: Mã chỉ tiêu, Mã đơn vị, Năm, Giá trị" in err.value.message_dict["file"][0]
    with pytest.raises(PermissionDenied):
        import_figures(_sheet([["Mã", "Giá trị"]]), actor=world.officer_a, name="x.xlsx")
