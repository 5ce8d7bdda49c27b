"""The "progress and results" group of the Decision 766 index: the criteria read from the yaml,
the scoring formulas, and the per-unit counts and points against vectors worked out by hand."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dieuhanh.dossiers import score766, services
from dieuhanh.dossiers.models import Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
P = dt.date(2025, 12, 31)  # the period's last day


def make(world, code, *, unit=None, received=dt.date(2025, 9, 1), due=dt.date(2025, 9, 8), status="returned",
         result=None, timeliness="", apology=None, asked=None):
    return Dossier.objects.create(
        code=code, procedure=world.procedure(), unit=unit or world.ward_a, channel="desk", status=status,
        source="import", received_on=received, due_on=due, result_on=result, timeliness=timeliness,
        apology_on=apology, new_due_on=(due + dt.timedelta(days=7)) if apology else None,
        supplement_requested_on=asked, applicant_name="Người nộp thử",
    )


def by_code(unit_score):
    return {s.criterion.code: s for s in unit_score.criteria}


# --- the yaml and the formulas ------------------------------------------------------------------------


def test_the_group_is_20_points_with_citations_and_marks():
    idx = score766.load()
    assert idx.name == "Tiến độ, kết quả giải quyết" and idx.max_points == 20
    assert "766/QĐ-TTg" in idx.decision
    scored = [c for c in idx.criteria if c.scored]
    assert [(c.code, c.max_points) for c in scored] == [("on_time", 20)]
    for c in idx.criteria:
        assert c.citation and c.note
        assert c.unverified  # every criterion here rests on a secondary source, and says so
    assert {c.code for c in idx.criteria} == {"on_time", "apology", "transfer"}


def test_proportional_and_threshold_points():
    prop = score766.Criterion("x", "x", 20, "on_time_or_in_time", "proportional", None, "c", "n")
    assert prop.points(7, 12) == 11.67
    assert prop.points(2, 3) == 13.33
    assert prop.points(1, 32) == 0.63  # 0.625 rounds half up
    assert prop.points(12, 12) == 20.0
    assert prop.points(0, 5) == 0.0
    assert prop.points(0, 0) is None  # nothing to count: no score
    threshold = score766.Criterion("y", "y", 2, "on_time_or_in_time", "threshold", 0.8, "c", "n")
    assert threshold.points(3, 5) == 1.5  # 2 × 0.6 ÷ 0.8
    assert threshold.points(9, 10) == 2.0  # above 80%: the maximum
    monitor = score766.Criterion("z", "z", 0, "late_with_apology", "none", None, "c", "n")
    assert monitor.points(1, 2) is None and not monitor.scored


def test_a_yaml_that_does_not_add_up_is_refused(tmp_path: Path):
    text = score766.DATA_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "score.yaml"
    broken.write_text(text.replace("max_points: 20\n    measure", "max_points: 18\n    measure"), encoding="utf-8")
    with pytest.raises(ValueError, match="add up"):
        score766.load(broken)
    broken.write_text(text.replace("measure: transfer_on_time", "measure: guesswork"), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown measure"):
        score766.load(broken)


# --- per unit, by hand -------------------------------------------------------------------------------


@pytest.fixture
def vector(world):
    # Ward A. Finished by the period's end: three early, one on time, two late (one apologised).
    for i in range(3):
        make(world, f"F{i}", result=dt.date(2025, 9, 5), timeliness="early")
    make(world, "F3", result=dt.date(2025, 9, 8), timeliness="on_time")
    make(world, "F4", result=dt.date(2025, 9, 12), timeliness="late", apology=dt.date(2025, 9, 8))
    make(world, "F5", status="refused", result=dt.date(2025, 9, 15), timeliness="late")
    # Waiting for the applicant: asked before the appointment (in time), and after it (late).
    make(world, "W1", status="supplement", asked=dt.date(2025, 9, 3))
    make(world, "W2", status="supplement", asked=dt.date(2025, 9, 10))
    # Still being processed at the period's end: due after it (in time), due before it (late, one apologised).
    make(world, "R1", status="processing", received=dt.date(2025, 12, 20), due=dt.date(2026, 1, 10))
    make(world, "R2", status="processing", received=dt.date(2025, 11, 20), due=dt.date(2025, 12, 1),
         apology=dt.date(2025, 11, 30))
    make(world, "R3", status="received", received=dt.date(2025, 10, 20), due=dt.date(2025, 11, 1))
    # Result after the period's end: it was being processed at the end, and due after it (in time).
    make(world, "R4", received=dt.date(2025, 12, 29), due=dt.date(2026, 1, 6), result=dt.date(2026, 1, 5),
         timeliness="early")
    make(world, "X1", status="withdrawn")  # no end date: left out
    make(world, "B1", unit=world.ward_b, result=dt.date(2025, 9, 8), timeliness="on_time")
    make(world, "OUT", received=dt.date(2026, 1, 2), due=dt.date(2026, 1, 9), status="processing")


def test_points_per_unit_match_the_hand_count(world, vector):
    qs = Dossier.objects.filter(received_on__lte=P)
    result = score766.compute(qs, period_end=P)
    units = {u.key: u for u in result.units}
    a = by_code(units[world.ward_a.pk])
    # Counted: 6 finished + 2 waiting + 4 processing at the end = 12; on time or in time: 4 + 1 + 2 = 7.
    assert (a["on_time"].numerator, a["on_time"].denominator) == (7, 12)
    assert a["on_time"].rate == pytest.approx(7 / 12)
    assert a["on_time"].points == 11.67  # 20 × 7 ÷ 12
    # Late: F4, F5, W2, R2, R3 — two of them with an apology.
    assert (a["apology"].numerator, a["apology"].denominator, a["apology"].points) == (2, 5, None)
    assert (a["transfer"].numerator, a["transfer"].denominator, a["transfer"].rate) == (0, 0, None)
    assert units[world.ward_a.pk].total == 11.67
    assert units[world.ward_b.pk].total == 20.0
    assert [u.key for u in result.units] == [world.ward_b.pk, world.ward_a.pk]  # best first
    whole = by_code(result.total)["on_time"]
    assert (whole.numerator, whole.denominator, whole.points) == (8, 13, 12.31)  # 20 × 8 ÷ 13 = 12.307…
    assert units[world.ward_a.pk].as_dict()["criteria"][0]["points"] == 11.67


def test_the_period_end_decides_what_was_in_time(world, vector):
    # Judged at 31/10/2025 for the dossiers received by then: R1, R2 and R4 are not in yet; F0–F5,
    # W1 and W2 count as before; R3 (due 1/11) was still in time on 31/10 — it is late only by 31/12.
    qs = Dossier.objects.filter(received_on__lte=dt.date(2025, 10, 31), unit=world.ward_a)
    a = by_code(score766.compute(qs, period_end=dt.date(2025, 10, 31)).total)["on_time"]
    assert (a.numerator, a.denominator) == (6, 9)
    assert score766.period_end_of(dt.date(2099, 1, 1), today=dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
    assert score766.period_end_of(None, today=dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)


def test_abolished_wards_roll_up_into_todays(world):
    make(world, "OLD", unit=world.ward_a_old, received=dt.date(2024, 5, 6), due=dt.date(2024, 5, 13),
         result=dt.date(2024, 5, 20), timeliness="late")
    make(world, "NEW", result=dt.date(2025, 9, 5), timeliness="early")
    result = score766.compute(Dossier.objects.all(), period_end=P)
    assert [u.key for u in result.units] == [world.ward_a.pk]
    a = by_code(result.units[0])["on_time"]
    assert (a.numerator, a.denominator, a.points) == (1, 2, 10.0)
    then = score766.compute(Dossier.objects.all(), period_end=P, by="unit_then")
    assert {u.key: u.total for u in then.units} == {world.ward_a.pk: 20.0, world.ward_a_old.pk: 0.0}


def test_inter_level_transfers_on_time(world):
    # Reached the desk at 9:00 and passed on at 10:00 the same day: on time.
    a = world.dossier(received_at=dt.datetime(2025, 9, 8, 9, 0, tzinfo=VN))
    services.do_forward(actor=world.onestop_a, dossier=a, body=world.province_department,
                        at=dt.datetime(2025, 9, 8, 10, 0, tzinfo=VN))
    # Reached the desk at 16:00 (due the next working day, 9/9) and passed on on 10/9: late.
    b = world.dossier(received_at=dt.datetime(2025, 9, 8, 16, 0, tzinfo=VN))
    services.do_forward(actor=world.onestop_a, dossier=b, body=world.province_department,
                        at=dt.datetime(2025, 9, 10, 9, 0, tzinfo=VN))
    assert [s.transferred_late for s in (a.steps.get(), b.steps.get())] == [False, True]
    result = score766.compute(Dossier.objects.all(), period_end=P)
    t = by_code(result.units[0])["transfer"]
    assert (t.numerator, t.denominator, t.rate) == (1, 2, 0.5)
    # A transfer after the period's end is not counted in it.
    early_end = score766.compute(Dossier.objects.all(), period_end=dt.date(2025, 9, 9))
    assert (by_code(early_end.units[0])["transfer"].denominator) == 1


def test_no_dossiers_no_score(world):
    result = score766.compute(Dossier.objects.none(), period_end=P)
    assert result.units == [] and result.total.total is None
