"""`org.rollup.UnitRollup`: where a figure recorded under a unit is counted, on the `world`'s
units (phường Sao Đỏ and Phả Lại of the former TP Chí Linh until 30/6/2025, today's phường Chu
Văn An and Chí Linh) and a few more made here: villages, a ward split between the two heirs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dieuhanh.org.choices import UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit
from dieuhanh.org.rollup import UnitRollup

REFORM = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
TODAY = dt.date(2026, 3, 10)
END_OF_2021 = dt.date(2021, 12, 31)


def village(code: str, name: str, parent: AdminUnit, *, old: bool) -> AdminUnit:
    return AdminUnit.objects.create(
        code=code,
        name=name,
        level=UnitLevel.VILLAGE,
        kind=UnitKind.STREET_GROUP,
        parent=parent,
        valid_from=None if old else REFORM,
        valid_to=LAST_OLD_DAY if old else None,
    )


@pytest.fixture
def units(world: Any) -> dict[str, AdminUnit]:
    """Besides the world's: a village of today's phường Chu Văn An, a village of 2021's phường
    Sao Đỏ that has no successor, and phường Văn Đức, split between the two wards of today."""
    van_duc = world.split_ward()
    return {
        "village": village("10549-01", "Tổ dân phố Hoàng Hoa Thám", world.ward_a, old=False),
        "old_village": village("10549-91", "Khu dân cư Tiền Định", world.ward_a_old, old=True),
        "van_duc": van_duc,
    }


def test_a_villages_figure_counts_under_its_commune(world, units):
    rollup = UnitRollup(TODAY)
    assert rollup.shown(units["village"].pk) == {world.ward_a.pk}
    # A village of 2021 with no successor counts where its ward of 2021 counts today.
    assert rollup.shown(units["old_village"].pk) == {world.ward_a.pk}


def test_a_merged_wards_figure_counts_under_its_heir(world, units):
    rollup = UnitRollup(TODAY)
    assert rollup.shown(world.ward_a_old.pk) == {world.ward_a.pk}
    assert rollup.shown(world.ward_b_old.pk) == {world.ward_b.pk}
    assert rollup.shown(world.ward_a.pk) == {world.ward_a.pk}


def test_a_split_ward_counts_under_each_heir(world, units):
    rollup = UnitRollup(TODAY)
    assert rollup.shown(units["van_duc"].pk) == {world.ward_a.pk, world.ward_b.pk}
    merged = rollup.roll_up(
        {units["van_duc"].pk: 4, world.ward_a.pk: 1},
        lambda target, n: target.append(n),
        lambda unit: [],
    )
    assert {uid: sum(ns) for uid, ns in merged.items()} == {world.ward_a.pk: 5, world.ward_b.pk: 4}


def test_a_2021_period_keeps_the_wards_of_2021(world, units):
    rollup = UnitRollup(END_OF_2021)
    assert rollup.shown(world.ward_a_old.pk) == {world.ward_a_old.pk}
    assert rollup.shown(units["van_duc"].pk) == {units["van_duc"].pk}
    assert rollup.shown(units["old_village"].pk) == {world.ward_a_old.pk}
    # Today's ward did not exist yet: nothing of it stood in 2021.
    assert rollup.shown(world.ward_a.pk) == set()
    assert rollup.shown_or_own(world.ward_a.pk) == {world.ward_a.pk}


def test_a_district_with_no_heir_keeps_its_own_row(world, units):
    rollup = UnitRollup(TODAY)
    assert rollup.shown(world.city.pk) == set()
    assert rollup.shown_or_own(world.city.pk) == {world.city.pk}
    raw = {world.city.pk: 2, world.ward_a_old.pk: 3}
    names = rollup.roll_up(raw, lambda target, n: target.append(n), lambda unit: [unit.name])
    assert {ns[0]: sum(ns[1:]) for ns in names.values()} == {"Thành phố Chí Linh": 2, "Phường Chu Văn An": 3}
    # The IOC's units table lists communes only: there the city's figure has no row.
    communes = rollup.roll_up(raw, lambda target, n: target.append(n), lambda unit: [], keep_own=False)
    assert {uid: sum(ns) for uid, ns in communes.items()} == {world.ward_a.pk: 3}


def test_a_province_counts_as_its_own_row_not_its_successor(world, units):
    """Hải Dương merged into Hải Phòng, but neither is a commune-level unit: a figure recorded
    under the former province keeps its own row, as on the dashboard and the petition pages."""
    rollup = UnitRollup(TODAY)
    assert rollup.shown(world.province_old.pk) == set()
    assert rollup.shown_or_own(world.province_old.pk) == {world.province_old.pk}
    assert rollup.shown_or_own(world.province.pk) == {world.province.pk}


def test_the_units_are_read_in_one_query(world, units):
    rollup = UnitRollup(TODAY)
    recorded = [
        units["van_duc"].pk,
        units["old_village"].pk,
        units["village"].pk,
        world.city.pk,
        world.ward_b_old.pk,
    ]
    with CaptureQueriesContext(connection) as ctx:
        rollup.load(recorded)
        shown = {uid: rollup.shown(uid) for uid in recorded}
        assert rollup.unit(world.ward_a.pk).name == "Phường Chu Văn An"
    assert len(ctx.captured_queries) == 1
    assert shown[world.ward_b_old.pk] == {world.ward_b.pk}


def test_today_is_the_default_day(world, units):
    assert UnitRollup().shown(world.ward_a_old.pk) == {world.ward_a.pk}
