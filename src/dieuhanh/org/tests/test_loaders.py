"""The registry loaded from the `vietnamadminunits` package: the 2025 units, the legacy units
of Hải Dương (30), and the successions that make TP Chí Linh's history add up in Hải Phòng."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from dieuhanh.core.audit import verify_chain
from dieuhanh.core.models import AuditEvent
from dieuhanh.org.choices import SuccessionKind, UnitKind, UnitLevel
from dieuhanh.org.loaders import (
    COMMUNE_DOCUMENT,
    LEGACY_LAST_DAY,
    REFORM_DATE,
    UnitLoadError,
    load_current_units,
    load_legacy_units,
)
from dieuhanh.org.models import AdminUnit, UnitSuccession

pytestmark = pytest.mark.django_db

# Former TP Chí Linh (district 290) → the wards of Hải Phòng that replaced it, as the package's
# converter has it. Cộng Hòa and Văn Đức were divided; Văn Đức's third part went to Bắc An Phụ
# (10678), formed mostly from TX Kinh Môn.
CHI_LINH_SUCCESSORS = {
    "10546": {"10546"},  # Phả Lại → Chí Linh
    "10549": {"10549"},  # Sao Đỏ → Chu Văn An
    "10552": {"10552"},  # Bến Tắm → Nguyễn Trãi
    "10555": {"10552"},  # Hoàng Hoa Thám → Nguyễn Trãi
    "10558": {"10552"},  # Bắc An → Nguyễn Trãi
    "10561": {"10570"},  # Hưng Đạo → Trần Hưng Đạo
    "10564": {"10570"},  # Lê Lợi → Trần Hưng Đạo
    "10567": {"10573"},  # Hoàng Tiến → Trần Nhân Tông
    "10570": {"10549", "10570"},  # Cộng Hòa → Chu Văn An, Trần Hưng Đạo
    "10573": {"10573"},  # Hoàng Tân → Trần Nhân Tông
    "10576": {"10546"},  # Cổ Thành → Chí Linh
    "10579": {"10549"},  # Văn An → Chu Văn An
    "10582": {"10549"},  # Chí Minh → Chu Văn An
    "10585": {"10549", "10573", "10678"},  # Văn Đức → Chu Văn An, Trần Nhân Tông, Bắc An Phụ
    "10588": {"10549"},  # Thái Học → Chu Văn An
    "10591": {"10546"},  # Nhân Huệ → Chí Linh
    "10594": {"10603"},  # An Lạc → Lê Đại Hành
    "10600": {"10603"},  # Đồng Lạc → Lê Đại Hành
    "10603": {"10603"},  # Tân Dân → Lê Đại Hành
}
CHI_LINH_WARDS_2025 = {"10549", "10546", "10570", "10552", "10573", "10603"}


@pytest.fixture(scope="module")
def registry(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The 2025 units and Hải Dương's legacy units, loaded once for the module inside a
    transaction rolled back at its end (as Django's setUpTestData does); each test runs in a
    savepoint within it, so tests may change the data."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_current_units()
        load_legacy_units(["30"])
        with django_db_blocker.block():
            yield
        transaction.set_rollback(True)


def new(code: str) -> AdminUnit:
    return AdminUnit.objects.get(code=code, valid_from=REFORM_DATE)


def old(code: str) -> AdminUnit:
    return AdminUnit.objects.get(code=code, valid_from__isnull=True)


def test_it_loads_34_provinces_and_3321_communes(registry: None) -> None:
    units = AdminUnit.objects.current()
    assert units.filter(level=UnitLevel.PROVINCE).count() == 34
    assert units.filter(level=UnitLevel.COMMUNE).count() == 3321
    assert not units.filter(level=UnitLevel.COMMUNE, parent__isnull=True).exists()
    assert units.filter(kind=UnitKind.CENTRAL_CITY).count() == 6
    assert units.filter(kind=UnitKind.SPECIAL_ZONE).count() == 13
    assert not units.exclude(valid_from=REFORM_DATE).exists()


def test_it_puts_chu_van_an_in_hai_phong(registry: None) -> None:
    hai_phong = new("31")
    assert hai_phong.name == "Thành phố Hải Phòng"
    assert hai_phong.kind == UnitKind.CENTRAL_CITY
    assert hai_phong.children.count() == 114
    ward = hai_phong.children.get(code="10549")
    assert ward.name == "Phường Chu Văn An"
    assert ward.kind == UnitKind.WARD
    assert ward.latitude and ward.longitude and ward.area_km2
    assert ward.search_text == "phuong chu van an 10549"
    assert AdminUnit.objects.filter(search_text__contains="chu van an").exists()


def test_it_loads_the_legacy_units_of_hai_duong(registry: None) -> None:
    province = old("30")
    assert province.name == "Tỉnh Hải Dương"
    assert province.valid_to == LEGACY_LAST_DAY
    chi_linh = old("290")
    assert (chi_linh.name, chi_linh.level, chi_linh.kind) == (
        "Thành phố Chí Linh",
        UnitLevel.DISTRICT,
        "thanh_pho",
    )
    assert chi_linh.parent == province
    assert chi_linh.valid_to == LEGACY_LAST_DAY
    assert sorted(chi_linh.children.values_list("code", flat=True)) == sorted(CHI_LINH_SUCCESSORS)
    sao_do = chi_linh.children.get(code="10549")
    assert (sao_do.name, sao_do.kind, sao_do.valid_from) == ("Phường Sao Đỏ", UnitKind.WARD, None)
    legacy_provinces = AdminUnit.objects.filter(valid_from__isnull=True, level=UnitLevel.PROVINCE)
    assert list(legacy_provinces.values_list("code", flat=True)) == ["30"]
    assert AdminUnit.objects.filter(valid_from__isnull=True).count() == 1 + 12 + 207


def test_it_maps_each_chi_linh_ward_to_its_2025_wards(registry: None) -> None:
    found: dict[str, set[str]] = {}
    for ward in old("290").children.all():
        found[ward.code] = set(ward.successions.values_list("successor__code", flat=True))
        assert all(s.successor.valid_from == REFORM_DATE for s in ward.successions.all())
    assert found == CHI_LINH_SUCCESSORS
    all_successors = set().union(*found.values())
    assert all_successors == CHI_LINH_WARDS_2025 | {"10678"}
    assert new("10678").name == "Phường Bắc An Phụ"


def test_it_records_merges_and_splits_with_shares(registry: None) -> None:
    sao_do = old("10549").successions.get()
    assert (sao_do.kind, sao_do.share, sao_do.date) == (SuccessionKind.MERGE, 1.0, REFORM_DATE)
    assert sao_do.document == COMMUNE_DOCUMENT
    assert sao_do.successor == new("10549")
    van_duc = old("10585").successions.all()
    assert {s.kind for s in van_duc} == {SuccessionKind.SPLIT}
    assert [s.share for s in van_duc] == pytest.approx([1 / 3] * 3)
    cong_hoa = old("10570").successions.all()
    assert sorted(s.share for s in cong_hoa) == [0.5, 0.5]
    # Each legacy ward hands on all of itself.
    for ward in old("290").children.all():
        assert sum(s.share for s in ward.successions.all()) == pytest.approx(1.0)


def test_it_merges_hai_duong_into_hai_phong(registry: None) -> None:
    succession = old("30").successions.get()
    assert succession.successor == new("31")
    assert succession.kind == SuccessionKind.MERGE
    assert succession.share == 1.0
    assert not old("290").successions.exists()  # districts hand on through their wards


def test_it_calls_a_unit_that_just_continues_a_rename(registry: None) -> None:
    load_legacy_units(["01"])
    succession = old("01").successions.get()
    assert succession.successor == new("01")
    assert succession.kind == SuccessionKind.RENAME
    assert old("01").valid_to == LEGACY_LAST_DAY


def test_validity_turns_over_on_1_july_2025(registry: None) -> None:
    sao_do, chu_van_an = old("10549"), new("10549")
    before, after = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    assert sao_do.is_valid_on(before) and not sao_do.is_valid_on(after)
    assert chu_van_an.is_valid_on(after) and not chu_van_an.is_valid_on(before)
    assert sao_do.is_valid_on(dt.date(2021, 1, 1))
    assert set(AdminUnit.objects.valid_on(before).filter(code="10549")) == {sao_do}
    assert set(AdminUnit.objects.valid_on(after).filter(code="10549")) == {chu_van_an}


def test_loading_twice_adds_nothing(registry: None) -> None:
    units, successions, events = (
        AdminUnit.objects.count(),
        UnitSuccession.objects.count(),
        AuditEvent.objects.count(),
    )
    again = load_current_units()
    again_legacy = load_legacy_units(["30"])
    assert not again.changed and not again_legacy.changed
    assert again.units_unchanged == 34 + 3321
    assert AdminUnit.objects.count() == units
    assert UnitSuccession.objects.count() == successions
    assert AuditEvent.objects.count() == events


def test_it_writes_one_audit_event_per_load(registry: None) -> None:
    events = list(AuditEvent.objects.order_by("seq"))[-2:]
    assert [(e.action, e.object_type) for e in events] == [("load", "org.adminunit")] * 2
    assert events[0].after is not None and events[1].after is not None
    assert events[0].after["units_created"] == 3355
    assert events[1].after["by_level"] == {"province": 1, "district": 12, "commune": 207}
    assert events[1].after["successions_created"] == UnitSuccession.objects.count()
    assert verify_chain().ok


def test_it_updates_what_the_package_changed(registry: None) -> None:
    AdminUnit.objects.filter(code="10549", valid_from=REFORM_DATE).update(name="Tên cũ", latitude=0.0)
    result = load_current_units()
    assert (result.units_updated, result.units_created) == (1, 0)
    ward = new("10549")
    assert (ward.name, ward.search_text) == ("Phường Chu Văn An", "phuong chu van an 10549")
    assert ward.latitude != 0.0


def test_it_restores_a_succession_and_keeps_local_validity_dates(registry: None) -> None:
    UnitSuccession.objects.filter(predecessor=old("10549")).delete()
    AdminUnit.objects.filter(pk=new("10549").pk).update(valid_to=dt.date(2030, 12, 31))
    result = load_legacy_units(["30"])
    assert result.successions_created == 1
    assert old("10549").successions.get().successor == new("10549")
    load_current_units()
    assert new("10549").valid_to == dt.date(2030, 12, 31)


def test_it_refuses_legacy_units_whose_2025_successor_is_missing(registry: None) -> None:
    new("10549").delete()
    before = AdminUnit.objects.count()
    with pytest.raises(UnitLoadError, match="nạp đơn vị hiện hành trước"):
        load_legacy_units(["30"])
    assert AdminUnit.objects.count() == before


def test_it_refuses_an_unknown_province_code(registry: None) -> None:
    with pytest.raises(UnitLoadError, match="99"):
        load_legacy_units(["99"])


def test_island_districts_without_wards_become_special_zones(registry: None) -> None:
    load_legacy_units(["31"])
    bach_long_vi = old("318")
    assert bach_long_vi.level == UnitLevel.DISTRICT and not bach_long_vi.children.exists()
    zone = bach_long_vi.successions.get().successor
    assert (zone.name, zone.kind) == ("Đặc khu Bạch Long Vĩ", UnitKind.SPECIAL_ZONE)
