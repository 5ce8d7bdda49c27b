"""The dossier workflow of Decree 118/2025: appointment dates, early / on time / late,
inter-level steps with the 15:00 rule, completion requested once, the apology rule, the status
history, and who may act; the cut-off hour and the number of requests and apologies come from
the legal rule table by the dossier's receipt date. Dates are worked out by hand from the 2026 calendar: 1–2/1 New Year
off, Tết holidays 14–22/2 2026 (see core/data), weekends off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dieuhanh.core.cases import StateConflict
from dieuhanh.core.models import AuditEvent
from dieuhanh.dossiers import services as s
from dieuhanh.dossiers.choices import EventKind, Status, Timeliness
from dieuhanh.dossiers.models import Dossier, DossierEvent, classify
from dieuhanh.testing import amend_rule

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=VN)


def test_appointment_is_processing_days_in_working_days(world):
    # Tue 10/3/2026 + 5 working days = Tue 17/3/2026 (the weekend 14–15/3 skipped)
    d = world.dossier(received_at=at(2026, 3, 10))
    assert d.received_on == dt.date(2026, 3, 10)
    assert d.due_on == dt.date(2026, 3, 17)
    assert d.status == Status.RECEIVED
    # Friday 24/4/2026, 5 working days: Mon 27/4 is off (Hùng Vương day, Sunday 26/4, moved),
    # 28, 29/4 count, 30/4 and 1/5 are holidays, then 4, 5, 6/5
    d2 = world.dossier(received_at=at(2026, 4, 24))
    assert d2.due_on == dt.date(2026, 5, 6)


@pytest.mark.parametrize(
    ("channel", "received", "counts_from", "due"),
    [
        # Decree 45/2020: online on a day off counts from the next working day. Tết 2026 is
        # Sat 14/2 – Sun 22/2, work resumes Mon 23/2; three working days after it: 24, 25, 26/2.
        ("online", at(2026, 2, 14, 10), dt.date(2026, 2, 23), dt.date(2026, 2, 26)),  # Saturday, first day of Tết
        ("online", at(2026, 2, 16, 9), dt.date(2026, 2, 23), dt.date(2026, 2, 26)),  # Monday in Tết
        ("online", at(2026, 2, 22, 23, 59), dt.date(2026, 2, 23), dt.date(2026, 2, 26)),  # the last evening of Tết
        # Fri 13/2 after office hours (17:00): the next working day is Mon 23/2 as well.
        ("online", at(2026, 2, 13, 17, 0), dt.date(2026, 2, 23), dt.date(2026, 2, 26)),
        # Fri 13/2 within office hours: counts that day; 3 working days later is Wed 25/2
        # (16/2–20/2 off, then 23, 24, 25/2).
        ("online", at(2026, 2, 13, 16, 59), dt.date(2026, 2, 13), dt.date(2026, 2, 25)),
        # A working day after the end of office hours: Tue 10/3 at 17:30 counts from Wed 11/3;
        # 12, 13, 16/3.
        ("online", at(2026, 3, 10, 17, 30), dt.date(2026, 3, 11), dt.date(2026, 3, 16)),
        ("online", at(2026, 3, 10, 8, 0), dt.date(2026, 3, 10), dt.date(2026, 3, 13)),
        # At the desk the receipt day is the day received, whatever the hour.
        ("desk", at(2026, 3, 10, 17, 30), dt.date(2026, 3, 10), dt.date(2026, 3, 13)),
    ],
)
def test_an_online_dossier_outside_office_hours_counts_from_the_next_working_day(
    world, channel, received, counts_from, due
):
    proc = world.procedure(processing_days=3)
    local = received.astimezone(VN)
    assert s.receipt_counts_from(channel, local.date(), local.time()) == counts_from
    d = world.dossier(procedure=proc, channel=channel, received_at=received)
    assert (d.received_on, d.due_on) == (local.date(), due)
    # On time when the result comes on that date, not late.
    d = s.do_record_result(actor=world.onestop_a, dossier=d, at=dt.datetime.combine(due, dt.time(10), tzinfo=VN))
    assert d.timeliness == Timeliness.ON_TIME


def test_the_end_of_office_hours_comes_from_the_rule_table(world):
    """Rule `dossier.office_hours_end` of the receipt date: 17:00, until a version from 1/3/2026
    says 16:30 → 16 (an hour): a dossier sent online at 16:10 on Tue 10/3 counts from Wed 11/3;
    before 22/5/2020 (Decree 45/2020 not yet in force) a Saturday stays the receipt day."""
    amend_rule("dossier.office_hours_end", 16, dt.date(2026, 3, 1))
    assert s.receipt_counts_from("online", dt.date(2026, 3, 10), dt.time(16, 10)) == dt.date(2026, 3, 11)
    assert s.receipt_counts_from("online", dt.date(2026, 2, 26), dt.time(16, 10)) == dt.date(2026, 2, 26)
    assert s.receipt_counts_from("online", dt.date(2020, 5, 16), None) == dt.date(2020, 5, 16)
    assert s.receipt_counts_from("online", dt.date(2020, 5, 23), None) == dt.date(2020, 5, 25)


def test_time_spent_before_a_completion_counts_from_the_day_the_dossier_counts_as_received(world):
    """Received online on Sat 7/3/2026, counted from Mon 9/3: asked to complete on Tue 10/3,
    one working day (10/3) is spent, not two; completed on Thu 12/3, four of the five remain:
    13, 16, 17, 18/3."""
    d = world.dossier(channel="online", received_at=at(2026, 3, 7, 10))
    assert d.due_on == dt.date(2026, 3, 16)  # 10, 11, 12, 13, 16/3
    d = s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Thiếu tờ khai", at=at(2026, 3, 10))
    d = s.do_supplement(actor=world.onestop_a, dossier=d, at=at(2026, 3, 12))
    assert d.due_on == dt.date(2026, 3, 18)


def test_classification_early_on_time_late():
    due = dt.date(2026, 3, 17)
    assert classify(dt.date(2026, 3, 16), due) == Timeliness.EARLY
    assert classify(due, due) == Timeliness.ON_TIME
    assert classify(dt.date(2026, 3, 18), due) == Timeliness.LATE
    assert classify(None, due) == ""


@pytest.mark.parametrize(
    ("result_day", "expected"),
    [(16, Timeliness.EARLY), (17, Timeliness.ON_TIME), (18, Timeliness.LATE)],
)
def test_result_classes_the_dossier(world, result_day, expected):
    d = world.dossier(received_at=at(2026, 3, 10))
    d = s.do_record_result(actor=world.onestop_a, dossier=d, at=at(2026, 3, result_day, 10))
    assert d.status == Status.DONE
    assert d.timeliness == expected
    d = s.do_return(actor=world.onestop_a, dossier=d, at=at(2026, 3, result_day, 15))
    assert d.status == Status.RETURNED
    assert d.returned_on == dt.date(2026, 3, result_day)


def test_interlevel_transfer_before_and_after_three_pm(world):
    proc = world.procedure(code="2.000001", name="Cấp giấy chứng nhận quyền sử dụng đất lần đầu", field="Đất đai",
                           processing_days=20)
    # Received Wed 11/3 at 14:00; sent to the province the same day at 14:30: on time, and the
    # province counts from 11/3 (before 15:00).
    d = world.dossier(procedure=proc, received_at=at(2026, 3, 11, 14))
    d = s.do_forward(actor=world.onestop_a, dossier=d, body=world.province_department, days=10,
                     at=at(2026, 3, 11, 14, 30))
    step = d.steps.get()
    assert step.interlevel is True
    assert step.transfer_due_on == dt.date(2026, 3, 11)
    assert step.due_rule == "dossier.interlevel_transfer"
    assert step.transferred_late is False
    assert step.counts_from == dt.date(2026, 3, 11)
    assert step.due_on == dt.date(2026, 3, 25)  # 10 working days after Wed 11/3
    assert d.current_body == world.province_department.name

    # Received Wed 11/3 at 15:30: the transfer is due Thu 12/3; sent Thu 12/3 at 16:00 it is
    # still on time, and the province counts from Fri 13/3 (arrived after 15:00).
    d2 = world.dossier(procedure=proc, received_at=at(2026, 3, 11, 15, 30))
    d2 = s.do_forward(actor=world.onestop_a, dossier=d2, body=world.province_department, days=10,
                      at=at(2026, 3, 12, 16))
    step2 = d2.steps.get()
    assert step2.transfer_due_on == dt.date(2026, 3, 12)
    assert step2.due_rule == "dossier.interlevel_transfer_late"
    assert step2.transferred_late is False
    assert step2.counts_from == dt.date(2026, 3, 13)
    assert step2.due_on == dt.date(2026, 3, 27)

    # Received Thu 12/3 at 09:00, sent Mon 16/3: late transfer, recorded as such.
    d3 = world.dossier(procedure=proc, received_at=at(2026, 3, 12, 9))
    d3 = s.do_forward(actor=world.onestop_a, dossier=d3, body=world.province_department, days=5, at=at(2026, 3, 16, 9))
    assert d3.steps.get().transferred_late is True
    assert "chuyển chậm" in d3.events.get(kind=EventKind.TRANSFER).note


def test_the_cut_off_hour_comes_from_the_rule_table(world):
    """Rule `dossier.cutoff_hour` of the receipt date: 15:00, until a version from 1/3/2026 says
    14:00. A dossier received at 14:30 under it counts from the next day and its transfer is due
    the next day; one received before keeps 15:00 when it is forwarded at 14:30."""
    amend_rule("dossier.cutoff_hour", 14, dt.date(2026, 3, 1))
    assert s.counted_from(at(2026, 3, 11, 14, 30)) == dt.date(2026, 3, 12)
    assert s.counted_from(at(2026, 3, 11, 13, 59)) == dt.date(2026, 3, 11)
    assert s.counted_from(at(2026, 3, 11, 14, 30), on=dt.date(2026, 2, 27)) == dt.date(2026, 3, 11)
    assert s.transfer_deadline(at(2026, 3, 11, 14, 30)) == (dt.date(2026, 3, 12), "dossier.interlevel_transfer_late")
    assert s.transfer_deadline(at(2026, 3, 11, 14, 30), on=dt.date(2026, 2, 27)) == (
        dt.date(2026, 3, 11), "dossier.interlevel_transfer")

    proc = world.procedure(code="2.000001", name="Cấp giấy chứng nhận quyền sử dụng đất lần đầu", field="Đất đai",
                           processing_days=20)
    d = world.dossier(procedure=proc, received_at=at(2026, 3, 11, 14, 30))
    d = s.do_forward(actor=world.onestop_a, dossier=d, body=world.province_department, days=10,
                     at=at(2026, 3, 11, 14, 45))
    step = d.steps.get()
    assert (step.counts_from, step.transfer_due_on, step.due_rule) == (
        dt.date(2026, 3, 12), dt.date(2026, 3, 12), "dossier.interlevel_transfer_late")
    assert step.due_on == dt.date(2026, 3, 26)  # 10 working days after Thu 12/3

    old = world.dossier(procedure=proc, received_at=at(2026, 2, 27, 9))
    old = s.do_forward(actor=world.onestop_a, dossier=old, body=world.province_department, days=10,
                       at=at(2026, 3, 11, 14, 30))
    step = old.steps.get()
    assert step.counts_from == dt.date(2026, 3, 11)  # 14:30 is before its 15:00
    assert step.transfer_due_on == dt.date(2026, 2, 27) and step.transferred_late


def test_step_returns_to_the_ward_and_the_province_may_act_on_its_step(world):
    d = world.dossier(received_at=at(2026, 3, 11, 9))
    d = s.do_forward(actor=world.onestop_a, dossier=d, body=world.province_department, days=3, at=at(2026, 3, 11, 10))
    # The province's one-stop officer sees the dossier while the province holds it
    assert Dossier.objects.visible_to(world.onestop_province).filter(pk=d.pk).exists()
    assert EventKind.STEP_DONE in s.allowed_actions(world.onestop_province, d)
    d = s.do_step_done(actor=world.onestop_province, dossier=d, at=at(2026, 3, 13, 11))
    step = d.steps.get()
    assert step.finished_at is not None and step.late() is False
    assert d.current_body.startswith("Bộ phận Một cửa")
    # Ward B's one-stop officer can do nothing with it
    with pytest.raises(PermissionDenied):
        s.do_record_result(actor=world.onestop_b, dossier=d, at=at(2026, 3, 13, 14))
    d = s.do_record_result(actor=world.onestop_a, dossier=d, at=at(2026, 3, 13, 14))
    assert d.timeliness == Timeliness.EARLY


def test_supplement_requested_once_and_time_counts_again(world):
    d = world.dossier(received_at=at(2026, 3, 10))
    d = s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Thiếu bản sao giấy chứng sinh",
                                at=at(2026, 3, 11))
    assert d.status == Status.SUPPLEMENT
    assert EventKind.REQUEST_SUPPLEMENT not in s.allowed_actions(world.onestop_a, d)
    d = s.do_supplement(actor=world.onestop_a, dossier=d, at=at(2026, 3, 13))
    # 1 working day spent (10/3 → 11/3), 4 left from Fri 13/3: 16, 17, 18, 19/3
    assert d.due_on == dt.date(2026, 3, 19)
    with pytest.raises(StateConflict) as e:
        s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Thiếu thêm giấy tờ", at=at(2026, 3, 16))
    assert "một lần" in str(e.value.message_dict["status"])
    with pytest.raises(ValidationError) as e2:
        s.do_request_supplement(actor=world.onestop_a, dossier=world.dossier(), note="  ")
    assert "note" in e2.value.message_dict


def test_the_number_of_supplement_requests_comes_from_the_rule_table(world):
    """Rule `dossier.supplement_times` of the receipt date: a version allowing two lets a dossier
    received under it be sent back twice; the days the clock stood still for the first request do
    not count as spent at the second."""
    amend_rule("dossier.supplement_times", 2, dt.date(2026, 3, 1), citation="Nghị định 9/2026/NĐ-CP")
    d = world.dossier(received_at=at(2026, 3, 10))  # 5 working days: due 17/3
    d = s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Thiếu giấy chứng sinh", at=at(2026, 3, 11))
    d = s.do_supplement(actor=world.onestop_a, dossier=d, at=at(2026, 3, 13))
    assert d.due_on == dt.date(2026, 3, 19)  # 1 day spent (11/3), 4 left from 13/3
    assert EventKind.REQUEST_SUPPLEMENT in s.allowed_actions(world.onestop_a, d)
    d = s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Thiếu bản sao CCCD", at=at(2026, 3, 16))
    d = s.do_supplement(actor=world.onestop_a, dossier=d, at=at(2026, 3, 18))
    # Spent: 11/3 and 16/3 (12–13/3 stood still), 3 left from Wed 18/3: 19, 20, 23/3.
    assert d.due_on == dt.date(2026, 3, 23)
    with pytest.raises(StateConflict) as e:
        s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Lần ba", at=at(2026, 3, 19))
    assert "chỉ được yêu cầu hai lần (Nghị định 9/2026/NĐ-CP)" in e.value.message_dict["status"][0]

    old = world.dossier(received_at=at(2026, 2, 26))
    old = s.do_request_supplement(actor=world.onestop_a, dossier=old, note="Thiếu tờ khai", at=at(2026, 2, 27))
    old = s.do_supplement(actor=world.onestop_a, dossier=old, at=at(2026, 3, 2))
    with pytest.raises(StateConflict) as e:
        s.do_request_supplement(actor=world.onestop_a, dossier=old, note="Lần hai", at=at(2026, 3, 3))
    assert "chỉ được yêu cầu một lần (Nghị định 118/2025/NĐ-CP)" in e.value.message_dict["status"][0]


def test_the_number_of_apologies_comes_from_the_rule_table(world):
    """Rule `dossier.apology_times` of the receipt date: a version allowing two lets a dossier
    received under it be given a second new date, before the first new date has passed and
    later than it."""
    amend_rule("dossier.apology_times", 2, dt.date(2026, 3, 1), citation="Nghị định 9/2026/NĐ-CP")
    d = world.dossier(received_at=at(2026, 3, 10))  # due 17/3
    d = s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh", new_due_on=dt.date(2026, 3, 20),
                       at=at(2026, 3, 16))
    with pytest.raises(ValidationError) as e:
        s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ thêm", new_due_on=dt.date(2026, 3, 19),
                       at=at(2026, 3, 18))
    assert "sau ngày hẹn trả 20/03/2026" in e.value.message_dict["new_due_on"][0]
    d = s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ cơ quan thuế", new_due_on=dt.date(2026, 3, 25),
                       at=at(2026, 3, 19))
    assert (d.apology_on, d.effective_due_on) == (dt.date(2026, 3, 19), dt.date(2026, 3, 25))
    assert d.events.filter(kind=EventKind.APOLOGY).count() == 2
    with pytest.raises(StateConflict) as e:
        s.do_apologise(actor=world.onestop_a, dossier=d, reason="Lần ba", new_due_on=dt.date(2026, 3, 27),
                       at=at(2026, 3, 20))
    assert "chỉ được xin lỗi, hẹn lại hai lần (Nghị định 9/2026/NĐ-CP)" in e.value.message_dict["status"][0]

    late = world.dossier(received_at=at(2026, 3, 10))
    late = s.do_apologise(actor=world.onestop_a, dossier=late, reason="Chờ xác minh",
                          new_due_on=dt.date(2026, 3, 20), at=at(2026, 3, 16))
    with pytest.raises(StateConflict) as e:  # the second one after the date the applicant was given
        s.do_apologise(actor=world.onestop_a, dossier=late, reason="Chậm", new_due_on=dt.date(2026, 3, 27),
                       at=at(2026, 3, 23))
    assert "hẹn trả 20/03/2026" in e.value.message_dict["status"][0]


def test_apology_once_before_the_deadline_and_still_late(world):
    d = world.dossier(received_at=at(2026, 3, 10))  # due 17/3
    with pytest.raises(ValidationError) as e:
        s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh", new_due_on=dt.date(2026, 3, 16),
                       at=at(2026, 3, 16))
    assert "new_due_on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh", new_due_on=dt.date(2026, 3, 21),
                       at=at(2026, 3, 16))
    assert "không phải ngày làm việc" in e.value.message_dict["new_due_on"][0]  # Saturday
    d = s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh nguồn gốc",
                       new_due_on=dt.date(2026, 3, 20), at=at(2026, 3, 16, 16))
    assert d.apology_on == dt.date(2026, 3, 16)
    assert d.effective_due_on == dt.date(2026, 3, 20)
    with pytest.raises(StateConflict) as e:
        s.do_apologise(actor=world.onestop_a, dossier=d, reason="Lần hai", new_due_on=dt.date(2026, 3, 24),
                       at=at(2026, 3, 16, 17))
    assert "một lần" in e.value.message_dict["status"][0]
    d = s.do_record_result(actor=world.onestop_a, dossier=d, at=at(2026, 3, 19))
    assert d.timeliness == Timeliness.LATE  # the apology does not make it on time


def test_apology_refused_after_the_deadline(world):
    d = world.dossier(received_at=at(2026, 3, 10))  # due 17/3
    with pytest.raises(StateConflict) as e:
        s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chậm", new_due_on=dt.date(2026, 3, 25),
                       at=at(2026, 3, 18))
    assert "chậm nhất ngày 16/03/2026" in e.value.message_dict["status"][0]
    d.refresh_from_db()
    assert d.apology_on is None


@pytest.mark.parametrize(
    ("received", "day", "allowed"),
    [
        # Due Tue 17/3: at the latest one working day before, Mon 16/3; on the due date too late.
        (at(2026, 3, 10), dt.date(2026, 3, 16), True),
        (at(2026, 3, 10), dt.date(2026, 3, 17), False),
        # Received Mon 9/3, due Mon 16/3: the working day before is Fri 13/3; Sat 14/3 and Sun
        # 15/3 are not working days, so the last day is Friday.
        (at(2026, 3, 9), dt.date(2026, 3, 13), True),
        (at(2026, 3, 9), dt.date(2026, 3, 14), False),
        # Received Wed 4/2/2026, due Wed 11/2: Tue 10/2 is the last day.
        (at(2026, 2, 4), dt.date(2026, 2, 10), True),
        (at(2026, 2, 4), dt.date(2026, 2, 11), False),
    ],
)
def test_apology_at_the_latest_one_working_day_before_the_due_date(world, received, day, allowed):
    """Decree 61/2018 as amended by Decree 107/2021 (kept by Decree 118/2025): the apology with a
    new date is issued at the latest one day before the due date (rule
    `dossier.apology_before_due`, one working day). The guard, the service, the web page and the
    API all refuse it on the due date, naming the last day."""
    d = world.dossier(received_at=received)
    guard = s.DOSSIERS.action(EventKind.APOLOGY).guard
    assert guard is not None
    reason = guard(d, day)
    assert (reason is None) == allowed
    new_due = s.calendar.add(d.due_on, 3, working=True)
    when = dt.datetime.combine(day, dt.time(10), tzinfo=VN)
    if allowed:
        d = s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh", new_due_on=new_due, at=when)
        assert d.apology_on == day
    else:
        assert reason is not None and "chậm nhất ngày" in reason and "1 ngày làm việc trước ngày hết hạn" in reason
        with pytest.raises(StateConflict):
            s.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh", new_due_on=new_due, at=when)


def test_apology_on_the_due_date_under_the_rules_before_decree_107_2021(world):
    """A dossier received before 6/12/2021 (imported) keeps the Decree 61/2018 version: the
    apology is issued before the due date has passed, the due date itself included."""
    from dieuhanh.dossiers.cases import apology_deadline

    d = world.dossier(received_at=at(2021, 11, 1), unit=world.ward_a_old)  # Mon 1/11/2021 + 5 working days: Mon 8/11
    assert d.due_on == dt.date(2021, 11, 8)
    last, rule = apology_deadline(d)
    assert (last, rule.period, rule.citation) == (dt.date(2021, 11, 8), 0, "Nghị định 61/2018/NĐ-CP")
    d2 = world.dossier(received_at=at(2025, 9, 8))  # Mon 8/9/2025 + 5: Mon 15/9
    last, rule = apology_deadline(d2)
    assert (last, rule.period, rule.citation) == (dt.date(2025, 9, 12), 1, "Nghị định 118/2025/NĐ-CP")


def test_status_history_is_kept(world):
    d = world.dossier(received_at=at(2026, 3, 10))
    d = s.do_forward(actor=world.onestop_a, dossier=d, body=world.ward_a_committee, at=at(2026, 3, 10, 10))
    d = s.do_request_supplement(actor=world.onestop_a, dossier=d, note="Thiếu tờ khai", at=at(2026, 3, 11))
    d = s.do_supplement(actor=world.onestop_a, dossier=d, at=at(2026, 3, 12))
    d = s.do_record_result(actor=world.onestop_a, dossier=d, at=at(2026, 3, 16))
    d = s.do_return(actor=world.onestop_a, dossier=d, method="post", at=at(2026, 3, 17))
    events = list(DossierEvent.objects.filter(dossier=d).order_by("at", "id").values_list("kind", "from_status",
                                                                                           "to_status"))
    assert events == [
        ("receive", "", "received"),
        ("start", "received", "processing"),
        ("request_supplement", "processing", "supplement"),
        ("supplemented", "supplement", "processing"),
        ("result", "processing", "done"),
        ("return", "done", "returned"),
    ]
    assert AuditEvent.objects.filter(object_type__endswith="dossier", object_id=str(d.pk)).count() == 6
    assert d.return_method == "post"


def test_postal_return_only_when_the_procedure_allows_it(world):
    proc = world.procedure(code="1.000002", name="Chứng thực bản sao", field="Chứng thực", processing_days=1,
                           postal_return=False, online_type="none")
    d = world.dossier(procedure=proc)
    d = s.do_record_result(actor=world.onestop_a, dossier=d)
    with pytest.raises(ValidationError) as e:
        s.do_return(actor=world.onestop_a, dossier=d, method="post")
    assert "bưu chính" in e.value.message_dict["method"][0]
    with pytest.raises(ValidationError) as e:
        world.dossier(procedure=proc, channel="online")
    assert "trực tuyến" in e.value.message_dict["channel"][0]


def test_only_one_stop_officers_of_the_unit_receive(world):
    for user in (world.onestop_b, world.officer_a, world.outsider, world.reception_a):
        with pytest.raises(PermissionDenied):
            world.dossier(actor=user)
    assert world.dossier(actor=world.admin).unit == world.ward_a


def test_ward_officers_see_only_their_wards_dossiers(world):
    a = world.dossier()
    b = world.dossier(actor=world.onestop_b, unit=world.ward_b)
    assert list(Dossier.objects.visible_to(world.onestop_a)) == [a]
    assert list(Dossier.objects.visible_to(world.onestop_b)) == [b]
    assert list(Dossier.objects.visible_to(world.officer_a)) == [a]
    # The leader of the former city sees its successor wards (docs/decisions/0001)
    assert set(Dossier.objects.visible_to(world.leader)) == {a, b}
    assert set(Dossier.objects.visible_to(world.admin)) == {a, b}
    assert not Dossier.objects.visible_to(world.outsider).exists()
    # A role over the province covers its wards
    assert set(Dossier.objects.visible_to(world.onestop_province)) == {a, b}


def test_a_body_sees_the_dossiers_sent_to_it_from_another_ward(world):
    """Decree 118/2025 lets a dossier be lodged regardless of boundary: ward B receives it and
    sends it to ward A's committee, whose officers then see it; ward B's own list keeps it."""
    d = world.dossier(actor=world.onestop_b, unit=world.ward_b)
    assert not Dossier.objects.visible_to(world.onestop_a).filter(pk=d.pk).exists()
    d = s.do_forward(actor=world.onestop_b, dossier=d, body=world.ward_a_committee, days=2)
    assert d.steps.get().interlevel is True
    assert Dossier.objects.visible_to(world.onestop_a).filter(pk=d.pk).exists()
    assert Dossier.objects.visible_to(world.officer_a).filter(pk=d.pk).exists()
    assert EventKind.STEP_DONE in s.allowed_actions(world.onestop_a, d)
    assert EventKind.RETURN not in s.allowed_actions(world.onestop_a, d)


def test_bad_input_names_the_field(world):
    with pytest.raises(ValidationError) as e:
        world.dossier(applicant_name=" ", received_at=dt.datetime(2030, 1, 1, tzinfo=VN))
    assert set(e.value.message_dict) >= {"applicant_name", "received_at"}
    assert Dossier.objects.count() == 0


def test_catalogue_is_kept_by_administrators(world):
    proc, created = s.do_save_procedure(actor=world.admin, code="1.003000", name="Đăng ký kết hôn", field="Hộ tịch",
                                        level="commune", processing_days=3, online_type="partial")
    assert created and proc.processing_days == 3
    with pytest.raises(PermissionDenied):
        s.do_save_procedure(actor=world.onestop_a, code="1.003000", name="X", field="Y", level="commune",
                            processing_days=1)
    with pytest.raises(ValidationError) as e:
        s.do_save_procedure(actor=world.admin, code="1.003001", name="", field="Hộ tịch", level="huyen",
                            processing_days=-1)
    assert set(e.value.message_dict) == {"name", "level", "processing_days"}
