"""Aggregation over units and years, roll-up across the 2025 reform, achievement in both
directions, and derived indicators equal to the rates counted by hand from their cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dieuhanh.directives.services import do_close_task
from dieuhanh.dossiers.models import Dossier
from dieuhanh.indicators import compute
from dieuhanh.indicators.choices import Aggregation, Direction
from dieuhanh.indicators.tests.helpers import actual, indicator
from dieuhanh.petitions.models import Petition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actual_value", "target_value", "direction", "expected"),
    [
        (13416.446, 12600, Direction.HIGHER, "exceeded"),
        (92, 92, Direction.HIGHER, "met"),
        (91.9999999, 92, Direction.HIGHER, "met"),  # within the rounding tolerance
        (3691.996, 3800, Direction.HIGHER, "not_met"),
        (1.3, 1.5, Direction.LOWER, "exceeded"),
        (1.5, 1.5, Direction.LOWER, "met"),
        (4, 2, Direction.LOWER, "not_met"),
        (None, 2, Direction.LOWER, None),
        (3, None, Direction.HIGHER, None),
    ],
)
def test_it_judges_achievement_in_both_directions(actual_value, target_value, direction, expected):
    assert compute.achievement(actual_value, target_value, direction) == expected


def test_it_combines_figures_of_units():
    assert compute.combine([10, 20, 30], Aggregation.SUM) == 60
    assert compute.combine([10, 20, 30], Aggregation.MEAN) == 20
    # (10×1 + 20×3) ÷ (1 + 3) = 17.5; the figure without a weight is left out
    assert compute.combine([10, 20, 99], Aggregation.WEIGHTED, [1, 3, None]) == 17.5
    assert compute.combine([], Aggregation.SUM) is None


def test_it_sums_wards_into_the_city_unless_the_city_has_its_own_figure(world):
    output = indicator(world, "GTSX")
    actual(world, output, world.ward_a_old, 2021, "100")
    actual(world, output, world.ward_b_old, 2021, "250.5")
    table = compute.ActualTable(world.admin, [output], [2021])
    assert table.value(output, world.city.pk, 2021) == 350.5
    actual(world, output, world.city, 2021, "400")
    table = compute.ActualTable(world.admin, [output], [2021])
    assert table.value(output, world.city.pk, 2021) == 400  # the city's own figure, never 400 + 350.5
    assert table.value(output, world.ward_a_old.pk, 2021) == 100


def test_it_averages_and_weights_over_units(world):
    people = indicator(world, "DANSO", measure="người")
    poor = indicator(world, "HONGHEO", measure="%", direction=Direction.LOWER, aggregation=Aggregation.WEIGHTED,
                     weight_code="DANSO")
    growth = indicator(world, "TANGTRUONG", measure="%", aggregation=Aggregation.MEAN)
    for unit, n, rate, g in ((world.ward_a_old, 1000, "2", "8"), (world.ward_b_old, 3000, "1", "12")):
        actual(world, people, unit, 2021, n)
        actual(world, poor, unit, 2021, rate)
        actual(world, growth, unit, 2021, g)
    table = compute.ActualTable(world.admin, [people, poor, growth], [2021])
    # (2×1000 + 1×3000) ÷ 4000 = 1.25
    assert table.value(poor, world.city.pk, 2021) == pytest.approx(1.25)
    assert table.value(growth, world.city.pk, 2021) == pytest.approx(10)
    assert table.value(people, world.city.pk, 2021) == 4000


def test_it_combines_years_by_aggregation(world):
    revenue = indicator(world, "THUNS")
    income = indicator(world, "THUNHAP", measure="triệu đồng/người", aggregation=Aggregation.LAST)
    growth = indicator(world, "TANGTRUONG", measure="%", aggregation=Aggregation.MEAN)
    for year, r, i, g in ((2020, 900, 70, "3.5"), (2021, "967.3", 80, "17.2"), (2022, 1100, 87, "10.5")):
        actual(world, revenue, world.city, year, r)
        actual(world, income, world.city, year, i)
        actual(world, growth, world.city, year, g)
    table = compute.ActualTable(world.admin, [revenue, income, growth], [2020, 2021, 2022, 2023])
    years = [2020, 2021, 2022, 2023]
    assert table.over_years(revenue, world.city.pk, years) == pytest.approx(2967.3)
    assert table.over_years(income, world.city.pk, years) == 87  # the last year with a figure
    assert table.over_years(growth, world.city.pk, years) == pytest.approx(10.4)  # (3.5 + 17.2 + 10.5) ÷ 3


def test_it_rolls_old_wards_up_to_their_successors(world):
    output = indicator(world, "GTSX")
    actual(world, output, world.ward_a_old, 2021, 100)
    actual(world, output, world.ward_b_old, 2021, 40)
    actual(world, output, world.ward_a, 2026, 130)
    table = compute.ActualTable(world.admin, [output], [2021, 2026])
    assert table.value(output, world.ward_a.pk, 2021) == 100  # phường Sao Đỏ's figure under phường Chu Văn An
    assert table.value(output, world.ward_b.pk, 2021) == 40
    assert table.value(output, world.province.pk, 2021) == 140  # Hải Phòng covers the old Hải Dương wards
    assert table.value(output, world.ward_a.pk, 2026) == 130
    assert compute.change_percent(130, table.value(output, world.ward_a.pk, 2021)) == pytest.approx(30)


def test_an_officer_rolls_up_only_what_they_see(world):
    output = indicator(world, "GTSX")
    actual(world, output, world.ward_a_old, 2021, 100)
    actual(world, output, world.ward_b_old, 2021, 40)
    table = compute.ActualTable(world.officer_a, [output], [2021])
    assert table.value(output, world.city.pk, 2021) == 100
    assert table.value(output, None, 2021) == 100


def _tasks(world):
    """Ward A (then phường Sao Đỏ) in 2024: one done on time, one done late, one overdue; ward B:
    one done on time."""
    base = {"assigned_on": dt.date(2024, 1, 10)}
    on_time = world.task(lead_unit=world.ward_a_old, due_date=dt.date(2024, 3, 1), **base)
    late = world.task(lead_unit=world.ward_a_old, due_date=dt.date(2024, 4, 1), **base)
    world.task(lead_unit=world.ward_a_old, due_date=dt.date(2024, 5, 1), **base)
    other = world.task(lead_unit=world.ward_b_old, lead_person=world.officer_b_person, due_date=dt.date(2024, 3, 1),
                       **base)
    for task, day in ((on_time, dt.date(2024, 2, 20)), (late, dt.date(2024, 4, 5)), (other, dt.date(2024, 3, 1))):
        do_close_task(actor=world.office, task=task, completed_on=day, result_summary="Đã xong", evaluation="good")


def test_task_on_time_rate_equals_the_hand_count(world):
    _tasks(world)
    rate = "task_on_time_rate"
    # ward A: 1 on time of 3 judged (done on time, done late, overdue)
    assert compute.derived(rate, world.admin, world.ward_a.pk, 2024) == pytest.approx(100 / 3)
    # the city: 2 on time of 4
    assert compute.derived(rate, world.admin, world.city.pk, 2024) == pytest.approx(50)
    assert compute.derived("tasks_overdue", world.admin, world.city.pk, 2024) == 1
    # the officer of ward A sees ward A's tasks only, whatever unit is asked for
    assert compute.derived(rate, world.officer_a, None, 2024) == pytest.approx(100 / 3)
    assert compute.derived(rate, world.officer_b, None, 2024) == pytest.approx(100)
    assert compute.derived(rate, world.admin, world.city.pk, 2023) is None


def test_overdue_tasks_this_year_count_those_carried_over_like_the_ioc(world):
    from dieuhanh.ioc import data as ioc_data

    today = dt.date(2025, 9, 15)
    base = {"assigned_on": dt.date(2024, 5, 1), "due_date": dt.date(2024, 6, 1)}
    world.task(lead_unit=world.ward_a, **base)
    world.task(lead_unit=world.ward_a, **base)
    done = world.task(lead_unit=world.ward_a, **base)
    do_close_task(actor=world.office, task=done, completed_on=dt.date(2025, 1, 10), result_summary="Đã xong",
                  evaluation="good")
    world.task(lead_unit=world.ward_b, lead_person=world.officer_b_person, assigned_on=dt.date(2025, 8, 1),
               due_date=dt.date(2025, 9, 1))
    world.task(lead_unit=world.ward_b, lead_person=world.officer_b_person, assigned_on=dt.date(2025, 8, 1),
               due_date=dt.date(2025, 10, 1))  # not yet due
    source = "tasks_overdue"
    # 2025, the current year: the two still open from 2024 and the one due this September
    assert compute.derived(source, world.admin, world.city.pk, 2025, today) == 3
    assert compute.derived(source, world.admin, None, 2025, today) == 3
    assert ioc_data.overview(world.admin, year=2025, today=today).tasks["overdue_count"] == 3
    # 2024, a past year: its own two still open; the one done late is no longer overdue
    assert compute.derived(source, world.admin, world.city.pk, 2024, today) == 2
    # the officer of ward B sees ward B's one
    assert compute.derived(source, world.officer_b, None, 2025, today) == 1


def test_petition_resolution_rate_equals_the_hand_count(world):
    today = timezone.localdate()
    petitions = [world.petition() for _ in range(4)]
    ids = [p.pk for p in petitions]
    Petition.objects.filter(pk__in=ids[:3]).update(accepted_on=today)
    Petition.objects.filter(pk__in=ids[:2]).update(concluded_on=today)
    source = "petition_resolution_rate"
    # 2 resolved of 3 accepted
    assert compute.derived(source, world.admin, world.ward_a.pk, today.year) == pytest.approx(200 / 3)
    assert compute.derived(source, world.officer_b, None, today.year) is None


def test_dossier_rates_equal_the_hand_count(world):
    dossiers = [world.dossier() for _ in range(4)]
    for d, timeliness in zip(dossiers, ("early", "on_time", "late", ""), strict=True):
        Dossier.objects.filter(pk=d.pk).update(timeliness=timeliness)
    Dossier.objects.filter(pk=dossiers[0].pk).update(channel="online")
    year = dossiers[0].received_on.year
    # 2 early or on time of 3 with a result; 1 online of 4 received
    assert compute.derived("dossier_on_time_rate", world.admin, world.ward_a.pk, year) == pytest.approx(
        200 / 3
    )
    assert compute.derived("dossier_online_share", world.onestop_a, None, year) == pytest.approx(25)
    assert compute.derived("dossier_online_share", world.onestop_b, None, year) is None


def test_covers_match_the_scope_expansion_without_successors(world):
    covers = compute.Covers()
    for unit in (world.city, world.province, world.ward_a, world.ward_a_old, world.province_old):
        assert covers.of(unit.pk) == compute.scope.expand_units([unit.pk], successors=False)
    # today's ward covers the old ward; the old ward (a grant on it reaches its heir) does not
    # take in the ward that absorbed it
    assert world.ward_a_old.pk in covers.of(world.ward_a.pk)
    assert world.ward_a.pk in compute.scope.expand_units([world.ward_a_old.pk])
    assert world.ward_a.pk not in covers.of(world.ward_a_old.pk)


def test_a_ward_merged_with_another_never_takes_its_figure(world):
    """Sao Đỏ and a neighbour both passed into Chu Văn An in 2025: in 2021 each ward has its own
    figure only, and Chu Văn An's is the two together."""
    from dieuhanh.org.choices import UnitKind, UnitLevel
    from dieuhanh.org.models import AdminUnit, UnitSuccession

    neighbour = AdminUnit.objects.create(
        code="10552", name="Phường Thái Học", level=UnitLevel.COMMUNE, kind=UnitKind.WARD,
        parent=world.ward_a_old.parent, valid_to=world.ward_a_old.valid_to,
    )
    UnitSuccession.objects.create(predecessor=neighbour, successor=world.ward_a, date=dt.date(2025, 7, 1),
                                  kind="merge")
    output = indicator(world, "GTSX")
    actual(world, output, world.ward_a_old, 2021, 100)
    table = compute.ActualTable(world.admin, [output], [2021])
    assert table.value(output, neighbour.pk, 2021) is None
    assert table.value(output, world.ward_a_old.pk, 2021) == 100
    actual(world, output, neighbour, 2021, 30)
    table = compute.ActualTable(world.admin, [output], [2021])
    assert table.value(output, neighbour.pk, 2021) == 30
    assert table.value(output, world.ward_a.pk, 2021) == 130


def test_derived_figures_count_the_units_cases_not_those_the_user_handles_elsewhere(world):
    """A petition of ward A assigned to ward B's officer to handle: they may open it, but ward
    B's resolution rate counts ward B's petitions only (decision 0041)."""
    from dieuhanh.petitions.models import PetitionHandler

    today = timezone.localdate()
    p = world.petition()
    Petition.objects.filter(pk=p.pk).update(accepted_on=today, concluded_on=today)
    PetitionHandler.objects.create(petition=p, user=world.officer_b, assigned_on=today)
    assert Petition.objects.visible_to(world.officer_b).filter(pk=p.pk).exists()
    assert compute.derived("petition_resolution_rate", world.officer_b, None, today.year) is None
    assert compute.derived("petition_resolution_rate", world.officer_a, None, today.year) == pytest.approx(100)
