"""The working-day calendar against vectors counted by hand from LEGAL.md ("Counting time",
"The calendar"). Each vector's comment shows the count: day of the event not counted (Civil
Code Art 147(2)); a calendar period ending on a rest day or holiday moves to the next working
day (Art 148(5))."""

import datetime as dt
import random

import holidays
import numpy as np
import pytest
from django.core.exceptions import ValidationError
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.core import calendar
from dieuhanh.core.choices import CalendarExceptionKind
from dieuhanh.core.models import AuditEvent, CalendarException

D = dt.date
DAY_OFF = CalendarExceptionKind.DAY_OFF
WORKING_DAY = CalendarExceptionKind.WORKING_DAY


@pytest.fixture(scope="module")
def announced() -> calendar.WorkCalendar:
    """The calendar of the shipped schedule, without the database."""
    return calendar.WorkCalendar.from_announced_schedule()


WORKING_VECTORS = [
    # Tết 2026 off Sat 14/02–Sun 22/02: Fri 13/02 + 1 → Mon 23/02.
    (D(2026, 2, 13), 1, D(2026, 2, 23)),
    # Mon 09/02/2026: 10 Tue=1, 11=2, 12=3, 13 Fri=4, [14–22 Tết], 23 Mon=5, 24=6, 25=7, 26=8,
    # 27 Fri=9, Mon 02/03=10.
    (D(2026, 2, 9), 10, D(2026, 3, 2)),
    # Tết 2024 off Thu 08/02–Wed 14/02: Wed 07/02 + 1 → Thu 15/02.
    (D(2024, 2, 7), 1, D(2024, 2, 15)),
    # Thu 01/02/2024: 2 Fri=1, 5 Mon=2, 6=3, 7=4, [8–14 Tết], 15 Thu=5, 16 Fri=6, 19 Mon=7,
    # 20=8, 21=9, Thu 22/02=10.
    (D(2024, 2, 1), 10, D(2024, 2, 22)),
    # Tết 2025 off Sat 25/01–Sun 02/02: Fri 24/01 + 1 → Mon 03/02.
    (D(2025, 1, 24), 1, D(2025, 2, 3)),
    # Mon 20/01/2025: 21=1, 22=2, 23=3, 24 Fri=4, [25/01–02/02 Tết], 3 Mon=5, 4=6, 5=7, 6=8,
    # 7 Fri=9, Mon 10/02=10.
    (D(2025, 1, 20), 10, D(2025, 2, 10)),
    # 2024: 27/04–01/05 off, Sat 04/05 worked: Fri 03/05 + 1 → Sat 04/05.
    (D(2024, 5, 3), 1, D(2024, 5, 4)),
    # Fri 26/04/2024: [27–1 off], 2 Thu=1, 3 Fri=2, Sat 04/05=3.
    (D(2024, 4, 26), 3, D(2024, 5, 4)),
    # Fri 26/04/2024 + 1 → Thu 02/05 (Mon 29/04 swapped off, 30/4 and 1/5 holidays).
    (D(2024, 4, 26), 1, D(2024, 5, 2)),
    # 2025: Sat 26/04 worked; 30/04–04/05 off: Fri 25/04 + 1 → Sat 26/04.
    (D(2025, 4, 25), 1, D(2025, 4, 26)),
    # Fri 25/04/2025: Sat 26=1, Mon 28=2, Tue 29=3.
    (D(2025, 4, 25), 3, D(2025, 4, 29)),
    # Tue 29/04/2025 + 1: [30/4, 1/5, Fri 2/5 swapped, 3–4 weekend] → Mon 05/05.
    (D(2025, 4, 29), 1, D(2025, 5, 5)),
    # 2026: Sat 22/08 worked; 29/08–02/09 off: Fri 21/08 + 1 → Sat 22/08.
    (D(2026, 8, 21), 1, D(2026, 8, 22)),
    # Fri 28/08/2026 + 1: [29–30 weekend, Mon 31 swapped, 1–2/9 National Day] → Thu 03/09.
    (D(2026, 8, 28), 1, D(2026, 9, 3)),
    # National Day 2024 off Sat 31/08–Tue 03/09: Fri 30/08 + 1 → Wed 04/09.
    (D(2024, 8, 30), 1, D(2024, 9, 4)),
    # National Day 2025 off Sat 30/08–Tue 02/09: Fri 29/08 + 1 → Wed 03/09.
    (D(2025, 8, 29), 1, D(2025, 9, 3)),
    # Hùng Kings 2024 Thu 18/04: Wed 17/04 + 1 → Fri 19/04.
    (D(2024, 4, 17), 1, D(2024, 4, 19)),
    # Hùng Kings 2025 Mon 07/04: Fri 04/04 + 1 → Tue 08/04.
    (D(2025, 4, 4), 1, D(2025, 4, 8)),
    # Hùng Kings 2026 falls on Sun 26/04, given back Mon 27/04 (Labour Code Art 111(3)):
    # Fri 24/04 + 1 → Tue 28/04.
    (D(2026, 4, 24), 1, D(2026, 4, 28)),
    # Tue 28/04/2026: 29 Wed=1, [30/4 Thu, 1/5 Fri, 2–3 weekend], Mon 04/05=2.
    (D(2026, 4, 28), 2, D(2026, 5, 4)),
    # New Year 2026 [U]: Thu 01/01 and Fri 02/01 off, Sat 10/01 worked.
    (D(2025, 12, 31), 1, D(2026, 1, 5)),
    (D(2026, 1, 9), 1, D(2026, 1, 10)),
    # Zero days is the day of the event itself, even a Sunday.
    (D(2026, 2, 15), 0, D(2026, 2, 15)),
]

CALENDAR_VECTORS = [
    # 20/12/2024 + 30 = 19/01/2025, a Sunday → Mon 20/01/2025.
    (D(2024, 12, 20), 30, D(2025, 1, 20)),
    # 01/02/2024 + 10 = Sun 11/02, inside Tết 2024 (08–14/02) → Thu 15/02.
    (D(2024, 2, 1), 10, D(2024, 2, 15)),
    # 20/01/2025 + 10 = Thu 30/01, inside Tết 2025 → Mon 03/02.
    (D(2025, 1, 20), 10, D(2025, 2, 3)),
    # 13/02/2026 + 1 = Sat 14/02; Tết 2026 runs to Sun 22/02 → Mon 23/02.
    (D(2026, 2, 13), 1, D(2026, 2, 23)),
    # 24/04/2024 + 10 = Sat 04/05, a worked Saturday: the period ends that day.
    (D(2024, 4, 24), 10, D(2024, 5, 4)),
    # 20/04/2025 + 10 = Wed 30/04, a holiday; 1/5, Fri 2/5 (swapped) and 3–4/5 off → Mon 05/05.
    (D(2025, 4, 20), 10, D(2025, 5, 5)),
    # 23/08/2024 + 10 = Mon 02/09, National Day; Tue 03/09 off too → Wed 04/09.
    (D(2024, 8, 23), 10, D(2024, 9, 4)),
    # 20/08/2026 + 10 = Sun 30/08; Mon 31 (swapped), 1–2/09 off → Thu 03/09.
    (D(2026, 8, 20), 10, D(2026, 9, 3)),
    # 06/02/2026 + 30 = Sun 08/03 → Mon 09/03.
    (D(2026, 2, 6), 30, D(2026, 3, 9)),
    # 14/04/2025 + 10 = Thu 24/04, an ordinary working day.
    (D(2025, 4, 14), 10, D(2025, 4, 24)),
    # Zero days is the day of the event itself.
    (D(2026, 2, 15), 0, D(2026, 2, 15)),
]


@pytest.mark.parametrize(("start", "days", "due"), WORKING_VECTORS)
def test_it_counts_working_days_by_hand_vectors(db, start, days, due):
    assert calendar.add(start, days, working=True) == due


@pytest.mark.parametrize(("start", "days", "due"), CALENDAR_VECTORS)
def test_it_counts_calendar_days_by_hand_vectors(db, start, days, due):
    assert calendar.add(start, days, working=False) == due


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 5, 4), True),  # worked Saturday
        (D(2025, 4, 26), True),  # worked Saturday
        (D(2026, 8, 22), True),  # worked Saturday
        (D(2026, 8, 29), False),  # an ordinary Saturday
        (D(2024, 4, 29), False),  # swapped Monday
        (D(2025, 5, 2), False),  # swapped Friday
        (D(2026, 8, 31), False),  # swapped Monday
        (D(2026, 2, 20), False),  # Tết 2026
        (D(2026, 2, 23), True),
        (D(2025, 9, 1), False),  # National Day 2025, adjacent day
        (D(2026, 4, 27), False),  # Hùng Kings given back
        (D(2026, 11, 24), False),  # Vietnam Culture Day from 2026 [U]
        (D(2026, 11, 23), True),
    ],
)
def test_it_knows_which_days_are_worked(db, day, working):
    assert calendar.is_working_day(day) is working


def test_it_counts_working_days_between_two_dates(db):
    # (13/02, 23/02/2026]: only Mon 23/02 is worked.
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert calendar.working_days_between(D(2026, 2, 23), D(2026, 2, 13)) == -1
    assert calendar.working_days_between(D(2026, 2, 23), D(2026, 2, 23)) == 0
    # (Fri 03/05, Mon 06/05/2024]: Sat 04/05 (worked) and Mon 06/05.
    assert calendar.working_days_between(D(2024, 5, 3), D(2024, 5, 6)) == 2


def test_it_finds_the_next_working_day(db):
    assert calendar.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)
    assert calendar.next_working_day(D(2024, 5, 3)) == D(2024, 5, 4)
    assert calendar.next_working_day(D(2026, 2, 23)) == D(2026, 2, 24)


def test_it_refuses_negative_periods_and_datetimes(db):
    with pytest.raises(ValueError, match="không được âm"):
        calendar.add(D(2026, 1, 5), -1, working=True)
    with pytest.raises(TypeError, match="datetime"):
        calendar.add(dt.datetime(2026, 1, 5, 9), 1, working=True)


def test_add_and_between_are_inverse(announced):
    # b = add(a, n) ⇔ n working days lie in (a, b], and b itself is worked.
    rng = random.Random(7)
    for _ in range(500):
        a = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        n = rng.randrange(1, 80)
        b = announced.add(a, n, working=True)
        assert announced.is_working_day(b)
        assert announced.working_days_between(a, b) == n


def _reference_calendar(first_year: int, last_year: int) -> dict[dt.date, bool]:
    """Day-by-day truth built independently of `WorkCalendar`: weekday rule, the package's
    holidays and worked weekends, then the shipped announced schedule on top."""
    h = holidays.country_holidays("VN", years=range(first_year - 1, last_year + 2))
    announced = {a.date: a.kind for a in calendar.announced_schedule()}
    worked: dict[dt.date, bool] = {}
    d = D(first_year - 1, 1, 1)
    while d <= D(last_year + 1, 12, 31):
        if d in announced:
            worked[d] = announced[d] == WORKING_DAY
        else:
            worked[d] = (d.weekday() < 5 and d not in h) or d in h.weekend_workdays
        d += dt.timedelta(days=1)
    return worked


def _reference_add(worked: dict[dt.date, bool], start: dt.date, days: int, working: bool) -> dt.date:
    if days == 0:
        return start
    one = dt.timedelta(days=1)
    if working:
        d, counted = start, 0
        while counted < days:
            d += one
            counted += worked[d]
        return d
    d = start + dt.timedelta(days=days)
    while not worked[d]:
        d += one
    return d


@pytest.mark.parametrize("working", [True, False])
def test_add_many_agrees_with_add_and_a_day_by_day_count(announced, working):
    rng = np.random.default_rng(2026)
    n = 5000
    lo = D(2023, 1, 1).toordinal()
    ordinals = rng.integers(lo, D(2027, 12, 31).toordinal() + 1, size=n)
    days = rng.integers(0, 120, size=n)
    days[:50] = 0
    starts = np.array([D.fromordinal(int(o)) for o in ordinals], dtype="datetime64[D]")

    bulk = calendar.as_dates(announced.add_many(starts, days, working=working))
    reference = _reference_calendar(2023, 2028)
    for start, k, got in zip(calendar.as_dates(starts), days.tolist(), bulk, strict=True):
        assert (
            got == announced.add(start, k, working=working) == _reference_add(reference, start, k, working)
        ), (
            start,
            k,
        )


def test_add_many_broadcasts_and_keeps_shape(announced):
    starts = np.array([["2026-02-13", "2024-05-03"]], dtype="datetime64[D]")
    out = announced.add_many(starts, 1, working=True)
    assert out.dtype == np.dtype("datetime64[D]") and out.shape == (1, 2)
    assert calendar.as_dates(out.ravel()) == [D(2026, 2, 23), D(2024, 5, 4)]
    assert announced.add_many(np.array([], dtype="datetime64[D]"), 3, working=True).size == 0


def test_the_span_grows_to_any_year(announced):
    # 30/12/2099 (Wed) + 1 working day → Thu 31/12/2099; + 2 → Fri 01/01/2100 is New Year, so the
    # second working day is Mon 04/01/2100.
    assert announced.add(D(2099, 12, 30), 1, working=True) == D(2099, 12, 31)
    assert announced.add(D(2099, 12, 30), 2, working=True) == D(2100, 1, 4)
    # 1000 working days from 2026 reach into 2030 without a wrong answer at the span's edge.
    assert (
        announced.working_days_between(D(2026, 1, 1), announced.add(D(2026, 1, 1), 1000, working=True))
        == 1000
    )


def test_the_shipped_schedule_is_loaded_after_migrate(db):
    rows = {e.date: e.kind for e in CalendarException.objects.all()}
    for a in calendar.announced_schedule():
        assert rows[a.date] == a.kind
    assert rows[D(2024, 5, 4)] == WORKING_DAY and rows[D(2026, 8, 22)] == WORKING_DAY


def test_loading_again_changes_nothing_and_audits_nothing(db):
    before = AuditEvent.objects.count()
    result = calendar.load_announced_schedule()
    assert (result.created, result.updated, result.conflicts) == (0, 0, [])
    assert result.unchanged == len(calendar.announced_schedule())
    assert AuditEvent.objects.count() == before


def test_loading_restores_a_removed_day_with_a_load_event(db, world):
    # Sat 10/01/2026 is worked only by the shipped schedule (the `holidays` package does not know
    # that swap): without it, Fri 09/01 + 1 working day → Mon 12/01.
    calendar.do_remove_calendar_exception(date=D(2026, 1, 10), actor=world.admin)
    assert calendar.add(D(2026, 1, 9), 1, working=True) == D(2026, 1, 12)
    result = calendar.load_announced_schedule()
    assert result.created == 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "load" and event.after["date"] == "2026-01-10"
    assert calendar.add(D(2026, 1, 9), 1, working=True) == D(2026, 1, 10)


def test_removing_an_announced_swap_falls_back_to_the_package(db, world):
    # The package also knows Sat 26/04/2025 as worked, so removing the row changes nothing.
    calendar.do_remove_calendar_exception(date=D(2025, 4, 26), actor=world.admin)
    assert calendar.is_working_day(D(2025, 4, 26))


def test_loading_keeps_an_administrators_decision_of_the_other_kind(db, world, tmp_path):
    path = tmp_path / "lich.yaml"
    path.write_text(
        "- {date: 2027-03-06, kind: working_day, name: Làm bù, document_number: 1/TB-BNV}\n", encoding="utf-8"
    )
    calendar.do_add_calendar_exception(
        date=D(2027, 3, 6), kind=DAY_OFF, document_number="2/TB-BNV", actor=world.admin
    )
    result = calendar.load_announced_schedule(path=path)
    assert result.conflicts == [D(2027, 3, 6)]
    assert CalendarException.objects.get(date=D(2027, 3, 6)).kind == DAY_OFF


def test_an_announced_day_off_moves_deadlines_at_once_and_is_audited(db, world):
    # Wed 07/01/2026 + 1 working day → Thu 08/01; once Thu 08/01 is announced off → Fri 09/01.
    assert calendar.add(D(2026, 1, 7), 1, working=True) == D(2026, 1, 8)
    before = AuditEvent.objects.count()
    row = calendar.do_add_calendar_exception(
        date=D(2026, 1, 8),
        kind=DAY_OFF,
        document_number="99/TB-UBND",
        name="Nghỉ đột xuất",
        actor=world.admin,
    )
    assert calendar.add(D(2026, 1, 7), 1, working=True) == D(2026, 1, 9)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "create" and event.object_id == str(row.pk) and event.actor == world.admin
    assert event.after["document_number"] == "99/TB-UBND"

    calendar.do_remove_calendar_exception(date=D(2026, 1, 8), actor=world.admin)
    assert calendar.add(D(2026, 1, 7), 1, working=True) == D(2026, 1, 8)
    event = AuditEvent.objects.latest("seq")
    assert event.action == "delete" and event.before["date"] == "2026-01-08"


def test_a_worked_sunday_counts(db, world):
    # Fri 05/03/2027 + 1 working day → Mon 08/03; with Sun 07/03 announced worked → Sun 07/03.
    assert calendar.add(D(2027, 3, 5), 1, working=True) == D(2027, 3, 8)
    calendar.do_add_calendar_exception(
        date=D(2027, 3, 7), kind=WORKING_DAY, document_number="5/TB-BNV", actor=world.admin
    )
    assert calendar.add(D(2027, 3, 5), 1, working=True) == D(2027, 3, 7)


def test_a_change_made_elsewhere_is_seen_without_invalidate(db):
    # As if another process wrote the row, and later edited it in place.
    assert calendar.is_working_day(D(2027, 6, 9))
    row = CalendarException.objects.create(date=D(2027, 6, 9), kind=DAY_OFF, document_number="7/TB-BNV")
    assert not calendar.is_working_day(D(2027, 6, 9))
    CalendarException.objects.filter(pk=row.pk).update(date=D(2027, 6, 10))
    assert calendar.is_working_day(D(2027, 6, 9)) and not calendar.is_working_day(D(2027, 6, 10))


def test_adding_the_same_day_again_updates_its_document(db, world):
    calendar.do_add_calendar_exception(
        date=D(2027, 6, 9), kind=DAY_OFF, document_number="7/TB-BNV", actor=world.admin
    )
    before = AuditEvent.objects.count()
    row = calendar.do_add_calendar_exception(
        date=D(2027, 6, 9), kind=DAY_OFF, document_number="8/TB-BNV", actor=world.admin
    )
    assert (
        row.document_number == "8/TB-BNV"
        and CalendarException.objects.filter(date=D(2027, 6, 9)).count() == 1
    )
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("seq").before["document_number"] == "7/TB-BNV"


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        (
            {"date": D(2027, 6, 9), "kind": WORKING_DAY, "document_number": "1/TB-BNV"},
            "date",
            "không phải ngày lễ, Tết hay ngày nghỉ bù, nên vốn đã là ngày làm việc",
        ),
        (
            {"date": D(2027, 6, 12), "kind": WORKING_DAY, "document_number": "  "},
            "document_number",
            "số hiệu văn bản",
        ),
        ({"date": D(2027, 6, 12), "kind": "holiday", "document_number": "1/TB-BNV"}, "kind", "Loại ngày"),
        # 04/05/2024 is already announced as worked: making it a day off needs a removal first.
        (
            {"date": D(2024, 5, 4), "kind": DAY_OFF, "document_number": "1/TB-BNV"},
            "date",
            "xoá ngày đó trước",
        ),
    ],
)
def test_it_names_the_wrong_field_and_saves_nothing(db, world, kwargs, field, words):
    rows, events = CalendarException.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        calendar.do_add_calendar_exception(actor=world.admin, **kwargs)
    assert words in " ".join(exc.value.message_dict[field])
    assert CalendarException.objects.count() == rows and AuditEvent.objects.count() == events


def test_removing_a_day_that_was_never_announced_is_refused(db, world):
    with pytest.raises(ValidationError) as exc:
        calendar.do_remove_calendar_exception(date=D(2027, 6, 9), actor=world.admin)
    assert "không có trong danh sách" in exc.value.message_dict["date"][0]


def test_a_malformed_schedule_file_is_refused(tmp_path):
    path = tmp_path / "lich.yaml"
    path.write_text(
        "- {date: 2027-06-09, kind: working_day, name: Sai, document_number: 1/TB-BNV}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="vốn đã là ngày làm việc"):
        calendar.announced_schedule(path)
    path.write_text(
        "- {date: 2027-06-12, kind: working_day, document_number: 1/TB-BNV}\n"
        "- {date: 2027-06-12, kind: working_day, document_number: 2/TB-BNV}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="hai lần"):
        calendar.announced_schedule(path)


def test_the_cli_prints_the_due_date(db):
    runner = CliRunner()
    result = runner.invoke(app, ["calendar", "add", "--from", "2026-02-13", "--days", "1", "--working"])
    assert result.exit_code == 0, result.output
    assert result.output == "2026-02-23\n"
    # 20/12/2024 + 30 days = Sun 19/01/2025 → Mon 20/01/2025.
    result = runner.invoke(app, ["calendar", "add", "--from", "2024-12-20", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert result.output == "2025-01-20\n"


# --- every day off of the `holidays` package carries a recorded legal basis ---------------------


def test_every_package_holiday_has_a_recorded_basis():
    # From the Labour Code 1994 (in force 01/01/1995) to ten years ahead. A new release of the
    # package that adds a day (or renames one) fails here, naming it, until its basis is recorded
    # in core/data/holiday_basis.yaml; meanwhile the calendar does not count it as a day off.
    years = range(1995, dt.date.today().year + 11)
    missing = calendar.unrecorded_package_days(years)
    assert not missing, "ngày của gói holidays chưa có căn cứ pháp lý:\n" + "\n".join(
        f"  {p.date:%d/%m/%Y} {p.name}{' (làm bù)' if p.working else ''}" for p in missing
    )


def test_a_package_day_without_a_recorded_basis_is_a_working_day(announced):
    # The package lists Mon 01/01/1990, but no Labour Code of 1990 is recorded (the 1994 Code
    # applies from 1995): the day is listed as unrecorded and the calendar counts it as worked.
    assert D(1990, 1, 1) in holidays.country_holidays("VN", years=1990)
    assert D(1990, 1, 1) in [p.date for p in calendar.unrecorded_package_days([1990])]
    assert announced.is_working_day(D(1990, 1, 1))
    assert not announced.is_working_day(D(1996, 1, 1))  # Mon 01/01/1996, Labour Code 1994 Art 73
    assert calendar.holiday_basis(D(2026, 11, 24), "Ngày lễ mới của một phiên bản gói") is None


def test_vietnam_culture_day_is_off_with_its_basis_marked_unconfirmed(announced):
    # Tue 24/11/2026 comes only from the package; its basis is recorded as not yet checked.
    assert not announced.is_working_day(D(2026, 11, 24))
    basis = calendar.holiday_basis(D(2026, 11, 24), "Ngày Văn hóa Việt Nam")
    assert basis is not None and "80-NQ/TW" in basis.citation and not basis.confirmed
    tet = calendar.holiday_basis(D(2026, 2, 17), "Tết Nguyên Đán")
    assert tet is not None and "Điều 112 khoản 1 điểm b" in tet.citation and tet.confirmed
    observed = calendar.holiday_basis(D(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)")
    assert observed is not None and "Điều 111 khoản 3" in observed.citation


def test_an_administrator_makes_a_weekday_holiday_a_working_day_and_back(db, world):
    # Mon 23/11/2026 + 1 working day → Wed 25/11 while 24/11 is off; → Tue 24/11 once announced worked.
    assert calendar.add(D(2026, 11, 23), 1, working=True) == D(2026, 11, 25)
    calendar.do_add_calendar_exception(
        date=D(2026, 11, 24), kind=WORKING_DAY, name="Không nghỉ Ngày Văn hóa Việt Nam",
        document_number="Công văn 1/UBND", actor=world.admin,
    )
    assert calendar.is_working_day(D(2026, 11, 24))
    assert calendar.add(D(2026, 11, 23), 1, working=True) == D(2026, 11, 24)
    calendar.do_remove_calendar_exception(date=D(2026, 11, 24), actor=world.admin)
    assert not calendar.is_working_day(D(2026, 11, 24))
    # Any day can be announced off, a plain weekday included.
    calendar.do_add_calendar_exception(date=D(2026, 11, 25), kind=DAY_OFF, document_number="2/UBND", actor=world.admin)
    assert not calendar.is_working_day(D(2026, 11, 25))


def test_an_ordinary_weekday_announced_worked_is_refused_with_the_reason(db, world):
    with pytest.raises(ValidationError) as exc:
        calendar.do_add_calendar_exception(date=D(2026, 11, 26), kind=WORKING_DAY, document_number="3/UBND", actor=world.admin)
    message = exc.value.message_dict["date"][0]
    assert "26/11/2026 là thứ Năm" in message and "vốn đã là ngày làm việc" in message


def test_confirmed_and_provisional_years():
    years = calendar.schedules()
    assert {2024, 2025, 2026} <= {y for y, s in years.items() if s.confirmed}
    assert "6150/TB-BLĐTBXH" in years[2025].documents
    # The 2027 civil-service schedule had not been found announced on 06/12/2026: provisional.
    assert 2027 not in years or not years[2027].confirmed


def test_the_calendar_imports_and_counts_without_django_settings():
    """The benchmarks and the command line use the calendar before Django is set up: nothing at
    import time may read the settings (Django's own gettext_noop does)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import dieuhanh

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(dieuhanh.__file__).resolve().parents[1])
    code = "from dieuhanh.core.calendar import WORKED_DAY; print(WORKED_DAY)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.strip() == "Làm bù (hoán đổi ngày làm việc)"
