"""The interface the IOC reads: the summary line and tiles of a unit and year, the figures per
ward for the map, a bounded number of queries, and only what the user may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dieuhanh.indicators import overview
from dieuhanh.indicators.choices import Direction, Group, Kind, PeriodKind
from dieuhanh.indicators.models import Target
from dieuhanh.indicators.tests.helpers import actual, indicator, target

pytestmark = pytest.mark.django_db


def _city_2021(world, n_extra: int = 0):
    """Four socio-economic targets of the city for 2021, three met or exceeded; one party target."""
    output = indicator(world, "CNXD", order=1)
    retail = indicator(world, "BANLE", order=2)
    poor = indicator(world, "HONGHEO", measure="%", direction=Direction.LOWER, aggregation="last", order=3)
    insured = indicator(world, "BHYT", measure="%", aggregation="mean", order=4)
    members = indicator(world, "KETNAP", measure="người", group=Group.PARTY)
    for ind, t, a in ((output, 12600, "13416.446"), (retail, 3800, "3691.996"), (poor, "1.5", "1.3"),
                      (insured, 92, 92), (members, 190, 196)):
        target(world, ind, world.city, 2021, t, deciding_document="Nghị quyết số 01")
        actual(world, ind, world.city, 2021, a)
    actual(world, output, world.city, 2020, "10961.14")
    for i in range(n_extra):
        extra = indicator(world, f"THEM{i}", order=10 + i)
        target(world, extra, world.city, 2021, 10)
        actual(world, extra, world.city, 2021, 11)
        actual(world, extra, world.city, 2020, 9)
    return output, retail, poor, insured, members


def test_it_counts_the_targets_met_and_exceeded(world):
    _city_2021(world)
    s = overview.summary(world.office, unit=world.city, year=2021)
    assert (s.met, s.total) == (3, 4)  # the party target is not a socio-economic one
    assert s.label == "3/4 chỉ tiêu đạt và vượt"
    tiles = {t["code"]: t for t in s.tiles}
    assert tiles["CNXD"]["achievement"] == "exceeded"
    assert tiles["CNXD"]["ratio"] == pytest.approx(13416.446 / 12600)
    assert tiles["CNXD"]["yoy_percent"] == pytest.approx((13416.446 / 10961.14 - 1) * 100)
    assert tiles["BANLE"]["achievement"] == "not_met"
    assert tiles["HONGHEO"]["achievement"] == "exceeded"  # 1.3% poor households is below the 1.5% ceiling
    assert tiles["BHYT"]["achievement"] == "met"
    assert tiles["KETNAP"]["achievement"] == "exceeded"
    assert tiles["CNXD"]["url"] == f"/chi-tieu/CNXD/?nam=2021&don_vi={world.city.pk}"
    assert tiles["CNXD"]["target_original"] is None


def test_an_adjusted_target_keeps_its_original_version(world):
    output = indicator(world, "THUNS")
    first = target(world, output, world.city, 2021, 500, deciding_document="Nghị quyết số 01")
    assert target(world, output, world.city, 2021, "500.0").pk == first.pk  # same value: no new version
    with pytest.raises(ValidationError) as err:
        target(world, output, world.city, 2021, 480)
    assert "deciding_document" in err.value.message_dict
    adjusted = target(world, output, world.city, 2021, 480, deciding_document="Nghị quyết điều chỉnh",
                      decided_on=dt.date(2021, 7, 15))
    first.refresh_from_db()
    assert (first.version, first.is_current, adjusted.version, adjusted.is_current) == (1, False, 2, True)
    actual(world, output, world.city, 2021, "967.3")
    tile = overview.summary(world.admin, unit=world.city, year=2021).tiles[0]
    assert (tile["target"], tile["target_original"], tile["achievement"]) == (480, 500, "exceeded")


def test_term_targets_are_versions_of_their_own(world):
    growth = indicator(world, "TANGTRUONG", measure="%", aggregation="mean")
    target(world, growth, world.city, 2020, 11, period_kind=PeriodKind.TERM, year_to=2025,
           deciding_document="Nghị quyết Đại hội XXIII")
    target(world, growth, world.city, 2020, "10.5", period_kind=PeriodKind.TERM, year_to=2025,
           deciding_document="Sơ kết giữa nhiệm kỳ 16/5/2023", decided_on=dt.date(2023, 5, 16))
    versions = list(Target.objects.filter(indicator=growth).values_list("version", "value", "is_current"))
    assert [(v, float(x), c) for v, x, c in versions] == [(1, 11.0, False), (2, 10.5, True)]
    assert overview.summary(world.admin, unit=world.city, year=2021).total == 0  # not a year target


def test_the_summary_takes_a_bounded_number_of_queries(world):
    _city_2021(world)
    indicator(world, "HSDUNGHAN", measure="%", kind=Kind.DERIVED, derived_source="dossier_on_time_rate",
              group=Group.OPERATIONS)
    indicator(world, "NVDUNGHAN", measure="%", kind=Kind.DERIVED, derived_source="task_on_time_rate",
              group=Group.OPERATIONS)
    indicator(world, "NVQUAHAN", measure="nhiệm vụ", kind=Kind.DERIVED, derived_source="tasks_overdue",
              direction=Direction.LOWER, group=Group.OPERATIONS)
    overview.summary(world.office, unit=world.city, year=2021)  # the unit graph is loaded once per process
    with CaptureQueriesContext(connection) as few:
        overview.summary(world.office, unit=world.city, year=2021)
    _city_2021_more(world, 20)
    with CaptureQueriesContext(connection) as many:
        s = overview.summary(world.office, unit=world.city, year=2021)
    assert s.total == 24
    assert len(many) == len(few) <= 15


def _city_2021_more(world, n):
    for i in range(n):
        extra = indicator(world, f"THEM{i}", order=10 + i)
        target(world, extra, world.city, 2021, 10)
        actual(world, extra, world.city, 2021, 11)


def test_a_ward_officer_sees_only_their_ward(world):
    output = indicator(world, "CNXD")
    target(world, output, world.city, 2021, 100)
    actual(world, output, world.city, 2021, 120)
    actual(world, output, world.ward_a_old, 2021, 70)
    actual(world, output, world.ward_b_old, 2021, 50)
    assert overview.summary(world.officer_a, unit=world.city, year=2021).tiles == []
    mine = overview.summary(world.officer_a, year=2021)
    assert [(t["code"], t["actual"], t["target"]) for t in mine.tiles] == [("CNXD", 70, None)]
    assert overview.by_unit(world.officer_a, "CNXD", 2021) == {world.ward_a_old.pk: 70}
    assert overview.by_unit(world.office, "CNXD", 2021) == {world.ward_a_old.pk: 70, world.ward_b_old.pk: 50}
    assert overview.by_unit(world.outsider, "CNXD", 2021) == {}
    assert overview.summary(world.outsider, year=2021).tiles == []


def test_the_map_shows_todays_wards_with_their_predecessors_figures(world):
    output = indicator(world, "CNXD")
    actual(world, output, world.ward_a_old, 2024, 70)
    actual(world, output, world.ward_b_old, 2024, 50)
    actual(world, output, world.ward_a, 2026, 90)
    assert overview.by_unit(world.admin, "CNXD", 2024) == {world.ward_a_old.pk: 70, world.ward_b_old.pk: 50}
    assert overview.by_unit(world.admin, "CNXD", 2026) == {world.ward_a.pk: 90}
    assert overview.by_unit(world.admin, "CNXD", 2026, unit=world.ward_b) == {}


def test_the_map_of_a_derived_indicator(world):
    indicator(world, "HSTRUCTUYEN", measure="%", kind=Kind.DERIVED, derived_source="dossier_online_share",
              group=Group.OPERATIONS)
    d = world.dossier()
    world.dossier(channel="online")
    year = d.received_on.year
    assert overview.by_unit(world.office, "HSTRUCTUYEN", year) == {world.ward_a.pk: 50.0}


def test_the_map_takes_a_bounded_number_of_queries(world):
    output = indicator(world, "CNXD")
    actual(world, output, world.ward_a_old, 2021, 70)
    overview.by_unit(world.office, "CNXD", 2021)  # the unit graph is loaded once per process
    with CaptureQueriesContext(connection) as few:
        overview.by_unit(world.office, "CNXD", 2021)
    actual(world, output, world.ward_b_old, 2021, 50)
    actual(world, output, world.city, 2021, 120)
    with CaptureQueriesContext(connection) as more:
        figures = overview.by_unit(world.office, "CNXD", 2021)
    assert figures == {world.ward_a_old.pk: 70, world.ward_b_old.pk: 50}
    assert len(more) == len(few) <= 6


def test_the_summary_lists_term_targets_with_their_adjustment(world):
    growth = indicator(world, "TANGTRUONG", measure="%", aggregation="mean")
    target(world, growth, world.city, 2020, 11, period_kind=PeriodKind.TERM, year_to=2025, deciding_document="NQ ĐH")
    target(world, growth, world.city, 2020, "10.5", period_kind=PeriodKind.TERM, year_to=2025,
           deciding_document="Sơ kết giữa nhiệm kỳ")
    for year, value in ((2020, "3.5"), (2021, "17.2"), (2022, "10.5")):
        actual(world, growth, world.city, year, value)
    s = overview.summary(world.office, unit=world.city, year=2022)
    [term] = s.terms
    assert (term["period"], term["target"], term["target_original"], term["adjusted_by"]) == (
        "2020–2025", 10.5, 11, "Sơ kết giữa nhiệm kỳ"
    )
    assert term["to_date"] == pytest.approx(10.4)  # (3.5 + 17.2 + 10.5) ÷ 3
    assert term["achievement"] is None  # the term is not over
    assert overview.summary(world.office, unit=world.city, year=2025).terms[0]["achievement"] == "not_met"


def test_a_rate_changes_in_points_and_a_value_in_percent(world):
    poor = indicator(world, "HONGHEO", measure="%", direction=Direction.LOWER, aggregation="last")
    output = indicator(world, "CNXD")
    for year, p, o in ((2020, "1.8", 100), (2021, "1.3", 125)):
        actual(world, poor, world.city, year, p)
        actual(world, output, world.city, year, o)
    tiles = {t["code"]: t for t in overview.summary(world.office, unit=world.city, year=2021).tiles}
    assert (tiles["HONGHEO"]["yoy_percent"], tiles["HONGHEO"]["yoy_points"]) == (None, pytest.approx(-0.5))
    assert (tiles["CNXD"]["yoy_percent"], tiles["CNXD"]["yoy_points"]) == (pytest.approx(25), None)


def test_tiles_put_the_targets_first_and_the_map_on_a_derived_indicator(world):
    indicator(world, "HSTRUCTUYEN", measure="%", kind=Kind.DERIVED, derived_source="dossier_online_share",
              group=Group.OPERATIONS)
    _city_2021(world)
    s = overview.summary(world.office, unit=world.city, year=2021)
    assert [t["code"] for t in s.tiles] == ["CNXD", "BANLE", "HONGHEO", "BHYT", "KETNAP", "HSTRUCTUYEN"]
    assert s.map_code == "HSTRUCTUYEN"


def test_after_the_reform_a_city_leaders_tiles_count_the_wards_that_succeeded_the_city(world):
    """2026: no targets, the city abolished in 2025. The derived tiles cover what the leader sees
    today (the two wards that succeeded the city), and equal the IOC's own counts."""
    from dieuhanh.directives.services import do_close_task
    from dieuhanh.ioc import data as ioc_data

    today = dt.date(2026, 5, 20)
    a = world.task(lead_unit=world.ward_a, assigned_on=dt.date(2026, 1, 5), due_date=dt.date(2026, 3, 1))
    world.task(lead_unit=world.ward_a, assigned_on=dt.date(2026, 1, 5), due_date=dt.date(2026, 4, 1))
    world.task(lead_unit=world.ward_b, lead_person=world.officer_b_person, assigned_on=dt.date(2026, 1, 5),
               due_date=dt.date(2026, 5, 1))
    do_close_task(actor=world.office, task=a, completed_on=dt.date(2026, 2, 20), result_summary="Đã xong",
                  evaluation="good")
    assert overview.default_unit(world.leader, 2026) is None  # the city is gone; two wards are its heirs
    assert overview.default_unit(world.leader, 2024) == world.city.pk
    assert overview.default_unit(world.officer_a, 2026) == world.ward_a.pk
    indicator(world, "NVDUNGHAN", measure="%", kind=Kind.DERIVED, derived_source="task_on_time_rate",
              aggregation="mean")
    indicator(world, "NVQUAHAN", measure="nhiệm vụ", kind=Kind.DERIVED, derived_source="tasks_overdue",
              direction=Direction.LOWER)
    tiles = {t["code"]: t for t in overview.summary(world.leader, year=2026, today=today).tiles}
    ioc = ioc_data.overview(world.leader, year=2026, today=today)
    assert tiles["NVQUAHAN"]["actual"] == ioc.tasks["overdue_count"] == 2
    assert tiles["NVDUNGHAN"]["actual"] == pytest.approx(100 / 3)  # 1 on time of 3 judged
    # a ward officer's tiles: their ward's
    tiles = {t["code"]: t for t in overview.summary(world.officer_b, year=2026, today=today).tiles}
    assert tiles["NVQUAHAN"]["actual"] == 1 and tiles["NVDUNGHAN"]["actual"] == 0

