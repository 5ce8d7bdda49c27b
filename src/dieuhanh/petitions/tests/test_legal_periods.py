"""The legal periods of issue 14, each shown where the officer works — the case page, the
register's filters and API v1 — and not only after the step it times:

- a denunciation outside the body's competence runs its five working days to be transferred
  (Law on Denunciations Art 24) from the moment it is found so, while it waits;
- a second-time complaint is accepted under Art 36 and its decision sent under Art 41 of the Law
  on Complaints, not the first-time Arts 27 and 32; the 30/45 days to file it (Art 33) count
  from the day the complainant received the first-time decision;
- a complaint filed after its 90 days (Art 9) is flagged for refusal with its article, unless the
  officer records an objective obstacle (illness, natural disaster, ...);
- a denunciation's acceptance is notified to the denouncer and the accused within five working
  days (Law on Denunciations Art 29), a step of its own.

Vectors are worked out by hand on the announced civil-service calendars: 2025 Tết 25/01–02/02,
Mon 07/04 off, 30/04–04/05 off with Sat 26/04 worked; 2026 Tết 14/02–22/02, Sat 22/08 worked,
29/08–02/09 off. The first day is not counted; a calendar-day period ending on a day off ends on
the next working day (Civil Code Arts 147–148)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dieuhanh.core import calendar
from dieuhanh.petitions import deadlines, receiving, services
from dieuhanh.petitions.choices import Kind, State
from dieuhanh.petitions.models import Petition
from dieuhanh.petitions.tests.helpers import unsaved_petition as _unsaved
from dieuhanh.testing import bearer, login, post_json

D = dt.date




def _step(p: Petition, step: str) -> deadlines.Deadline:
    return next(d for d in deadlines.compute(p) if d.step == step)


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- 3. a denunciation outside the body's competence ----------------------------------------------


@pytest.mark.django_db
def test_an_incompetent_denunciation_runs_its_transfer_deadline_while_it_waits():
    waiting = _unsaved(kind=Kind.DENUNCIATION, received_on=D(2026, 8, 17), outside_competence=True)
    routing = _step(waiting, "routing")
    # Mon 17/8: Tue 18, Wed 19, Thu 20, Fri 21, Sat 22 (worked) = the fifth working day.
    assert (routing.rule.code, routing.due_on, routing.label) == (
        "denunciation.transfer", D(2026, 8, 22), deadlines.TRANSFER_LABEL)
    assert "Điều 24" in routing.citation
    deadlines.refresh(waiting)
    assert (waiting.due_on, waiting.due_rule) == (D(2026, 8, 22), "denunciation.transfer")
    # Within the body's competence: seven working days to check and accept (Tue 25/8).
    competent = _unsaved(kind=Kind.DENUNCIATION, received_on=D(2026, 8, 17))
    assert (_step(competent, "routing").rule.code, _step(competent, "routing").due_on) == (
        "denunciation.check", D(2026, 8, 25))


def _received_so_transfer_is_overdue_but_check_is_not(today: dt.date) -> dt.date:
    """A receipt day whose 5 working days are over today and whose 7 are not."""
    day = today
    while not (calendar.add(day, 5, working=True) < today <= calendar.add(day, 7, working=True)):
        day -= dt.timedelta(days=1)
    return day


def test_the_transfer_deadline_shows_on_the_page_in_the_lists_and_in_the_api(client, world):
    received = _received_so_transfer_is_overdue_but_check_is_not(timezone.localdate())
    content = "Tố cáo cán bộ thuế quận nhận tiền của hộ kinh doanh, không thuộc thẩm quyền của phường."
    outside = world.petition(kind="denunciation", subject="Tố cáo cán bộ thuế", content=content,
                             received_on=received, identity={"name": "Người tố cáo thứ nhất"})
    inside = world.petition(kind="denunciation", subject="Tố cáo tổ trưởng dân phố",
                            content="Tố cáo tổ trưởng dân phố thu tiền vệ sinh sai quy định của phường.",
                            received_on=received, identity={"name": "Người tố cáo thứ hai"})
    outside = services.do_classify(actor=world.reception_a, petition=outside, outside_competence=True, on=received)
    due = calendar.add(received, 5, working=True)
    assert (outside.due_on, outside.due_rule, outside.state) == (due, "denunciation.transfer", State.RECEIVED)

    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.reception_a, petition=outside, on=received)
    assert "Điều 24" in _errors(e)["outside_competence"][0]

    login(client, world.reception_a)
    page = client.get(reverse("petitions:petition_detail", args=[outside.pk])).content.decode()
    assert str(deadlines.TRANSFER_LABEL) in page and _vn(due) in page and "Không thuộc thẩm quyền giải quyết" in page
    listed = client.get(reverse("petitions:petition_list"), {"timing": "overdue"}).content.decode()
    assert outside.subject in listed and inside.subject not in listed

    api = bearer(world.reception_a)
    overdue = api.get("/api/v1/petitions", {"timing": "overdue"}).json()["results"]
    assert [p["id"] for p in overdue] == [outside.pk]
    assert overdue[0]["due_rule"] == "denunciation.transfer" and overdue[0]["due_on"] == due.isoformat()
    steps = {d["step"]: d for d in api.get(f"/api/v1/petitions/{outside.pk}").json()["deadlines"]}
    assert (steps["routing"]["rule"], steps["routing"]["due_on"], steps["routing"]["status"]) == (
        "denunciation.transfer", due.isoformat(), "overdue")

    transferred = services.do_transfer(actor=world.reception_a, petition=outside, to="Thuế thành phố", on=due)
    assert transferred.due_on is None and _step(transferred, "routing").status(due) == "met"


# --- 4. second-time complaints --------------------------------------------------------------------


@pytest.mark.django_db
class TestSecondTimeComplaintPeriods:
    def test_acceptance_cites_article_36(self):
        first, second = _unsaved(), _unsaved(level=2)
        assert _step(first, "routing").rule.code == "complaint.accept"
        routing = _step(second, "routing")
        # Mon 9/2/2026: Tue 10 … Fri 13 = 4; Tết 16–20/2 off; Mon 23 … Fri 27 = 9; Mon 2/3 = 10.
        assert (routing.rule.code, routing.due_on) == ("complaint.second.accept", D(2026, 3, 2))
        assert "Điều 36" in routing.citation and "Điều 27" not in routing.citation

    def test_acceptance_by_the_law_of_the_receipt_day(self):
        # Wed 1/7/2026, the amended law: 7 working days → Fri 10/7 (the rule is marked unconfirmed).
        assert _step(_unsaved(level=2, received_on=D(2026, 7, 1)), "routing").due_on == D(2026, 7, 10)
        assert _step(_unsaved(level=2, received_on=D(2026, 6, 30)), "routing").due_on == D(2026, 7, 14)

    def test_the_decision_is_sent_within_the_article_41_period(self):
        decided = {"state": State.CONCLUDED, "accepted_on": D(2026, 2, 10), "concluded_on": D(2026, 3, 2)}
        first = _step(_unsaved(**decided), "send")
        second = _step(_unsaved(level=2, **decided), "send")
        # Mon 2/3/2026: three working days → Thu 5/3 (Art 32); seven → Wed 11/3 (Art 41).
        assert (first.rule.code, first.due_on) == ("complaint.decision_send", D(2026, 3, 5))
        assert (second.rule.code, second.due_on) == ("complaint.second.decision_send", D(2026, 3, 11))
        assert "Điều 41" in second.citation

    @pytest.mark.parametrize(
        ("start", "remote", "expected"),
        [
            (D(2025, 3, 10), False, D(2025, 4, 9)),  # Mon 10/3 + 30: 31/3 is +21, Wed 9/4 is +30
            (D(2025, 3, 4), False, D(2025, 4, 3)),  # sent Tue 4/3 + 30 = Thu 3/4
            (D(2025, 3, 10), True, D(2025, 4, 24)),  # remote: + 45 = Thu 24/4
            (D(2025, 3, 31), False, D(2025, 5, 5)),  # + 30 = Wed 30/4, off until Sun 4/5 → Mon 5/5
            (D(2025, 2, 3), False, D(2025, 3, 5)),  # + 30: 28/2 is +25, Wed 5/3 is +30
        ],
    )
    def test_the_limit_to_file_counts_thirty_or_forty_five_days(self, start, remote, expected):
        assert deadlines.file_limit_for(start, 2, remote)[0] == expected


def _decided_first_complaint(world, *, sent_on: dt.date) -> Petition:
    first = world.petition(received_on=D(2025, 1, 20))
    services.do_accept(actor=world.reception_a, petition=first, on=D(2025, 1, 21), handlers=[world.officer_a])
    services.do_conclude(actor=world.officer_a, petition=first, on=D(2025, 3, 3), result="wrong",
                         conclusion="Giữ nguyên quyết định thu hồi đất.", decision_number="21/QĐ-UBND")
    return services.do_send_decision(actor=world.officer_a, petition=first, on=sent_on)


def test_a_second_complaint_in_time_from_the_day_the_decision_was_received_is_accepted(world):
    first = _decided_first_complaint(world, sent_on=D(2025, 3, 4))
    # Sent Tue 4/3/2025 by post, received Mon 10/3: the 30 days end Wed 9/4, not Thu 3/4.
    second = receiving.do_second_complaint(
        actor=world.office, previous=first, content="Không đồng ý với quyết định 21/QĐ-UBND.", receiving_unit=world.city,
        received_on=D(2025, 4, 8), decision_received_on=D(2025, 3, 10))
    assert (second.file_limit_on, second.time_barred, second.eligible) == (D(2025, 4, 9), False, None)
    assert second.due_rule == "complaint.second.accept"
    assert "hạn gửi 09/04/2025" in second.steps.get(action="second_complaint").note
    accepted = services.do_accept(actor=world.office, petition=second, on=D(2025, 4, 9))
    assert accepted.state == State.ACCEPTED


def test_a_second_complaint_after_the_limit_is_flagged_and_refused_with_article_33(client, world):
    first = _decided_first_complaint(world, sent_on=D(2025, 3, 4))
    late = receiving.do_second_complaint(
        actor=world.office, previous=first, content="Khiếu nại lần hai gửi muộn.", receiving_unit=world.city,
        received_on=D(2025, 4, 8))  # receipt not recorded: from the day it was sent, the limit was Thu 3/4
    assert (late.file_limit_on, late.time_barred) == (D(2025, 4, 3), True)
    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.office, petition=late, on=D(2025, 4, 9))
    assert "Điều 33" in _errors(e)["late_excuse"][0] and "Điều 11" in _errors(e)["late_excuse"][0]
    # The complainant shows the post's receipt: received 10/3, so the complaint was in time.
    services.do_classify(actor=world.office, petition=late, decision_known_on=D(2025, 3, 10), on=D(2025, 4, 9))
    late.refresh_from_db()
    assert (late.file_limit_on, late.time_barred) == (D(2025, 4, 9), False)


def test_a_second_complaint_when_the_first_period_ran_out_counts_from_its_last_day(world):
    first = world.petition(received_on=D(2025, 1, 2))
    first = services.do_accept(actor=world.reception_a, petition=first, on=D(2025, 1, 2))
    # Thu 2/1/2025 + 30 = Sat 1/2, Tết off until Sun 2/2 → Mon 3/2; + 30 → Wed 5/3.
    assert first.resolve_due_on == D(2025, 2, 3)
    assert receiving.second_complaint_limit(first) == D(2025, 3, 5)
    second = receiving.do_second_complaint(actor=world.office, previous=first, content="Quá hạn mà chưa được giải quyết.",
                                          receiving_unit=world.city, received_on=D(2025, 3, 5))
    assert (second.file_limit_on, second.time_barred) == (D(2025, 3, 5), False)


def test_the_day_the_decision_was_received_cannot_precede_the_decision(world):
    first = _decided_first_complaint(world, sent_on=D(2025, 3, 4))
    with pytest.raises(ValidationError) as e:
        receiving.do_second_complaint(actor=world.office, previous=first, content="Không đồng ý với quyết định.",
                                      receiving_unit=world.city, received_on=D(2025, 4, 8),
                                      decision_received_on=D(2025, 3, 1))
    assert "03/03/2025" in _errors(e)["decision_received_on"][0]


# --- 5. the 90 days to file a complaint, and the notice of a denunciation's acceptance -------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("known", "expected"),
    [
        (D(2025, 1, 10), D(2025, 4, 10)),  # Fri 10/1 + 90: 31/1 +21, 28/2 +49, 31/3 +80, Thu 10/4 +90
        (D(2025, 1, 30), D(2025, 5, 5)),  # + 90 = Wed 30/4, off until Sun 4/5 → Mon 5/5
    ],
)
def test_the_ninety_days_of_article_9(known, expected):
    limit = deadlines.file_limit(_unsaved(received_on=expected, decision_known_on=known))
    assert (limit.due_on, limit.rule.code, limit.late) == (expected, "complaint.file_limit", False)
    assert "Điều 9" in limit.rule.citation
    assert deadlines.file_limit(_unsaved(received_on=expected + dt.timedelta(days=1), decision_known_on=known)).late
    assert deadlines.file_limit(_unsaved(received_on=expected)) is None  # the day is not known: nothing to judge


def test_a_late_complaint_is_flagged_shown_filtered_and_refused_unless_an_obstacle_is_recorded(client, world):
    late = world.petition(subject="Khiếu nại quyết định xử phạt", received_on=D(2025, 4, 11),
                          decision_known_on=D(2025, 1, 10),
                          content="Tôi khiếu nại quyết định xử phạt vi phạm hành chính số 7/QĐ-XPHC của phường.",
                          identity={"name": "Trần Văn Muộn"})
    timely = world.petition(subject="Khiếu nại quyết định cưỡng chế", received_on=D(2025, 4, 10),
                            decision_known_on=D(2025, 1, 10),
                            content="Tôi khiếu nại quyết định cưỡng chế tháo dỡ công trình phụ của gia đình.",
                            identity={"name": "Lê Thị Đúng Hạn"})
    assert (late.file_limit_on, late.time_barred) == (D(2025, 4, 10), True)
    assert (timely.file_limit_on, timely.time_barred) == (D(2025, 4, 10), False)

    login(client, world.reception_a)
    page = client.get(reverse("petitions:petition_detail", args=[late.pk])).content.decode()
    assert "Quá thời hiệu khiếu nại" in page and "Luật Khiếu nại 02/2011/QH13, Điều 9" in page and "Điều 11" in page
    assert "Quá thời hiệu khiếu nại" not in client.get(
        reverse("petitions:petition_detail", args=[timely.pk])).content.decode()
    listed = client.get(reverse("petitions:petition_list"), {"flag": "time_barred"}).content.decode()
    assert late.subject in listed and timely.subject not in listed
    api = bearer(world.reception_a)
    found = api.get("/api/v1/petitions", {"time_barred": "true"}).json()["results"]
    assert [p["id"] for p in found] == [late.pk] and found[0]["flags"]["time_barred"]
    assert found[0]["file_limit_on"] == "2025-04-10"

    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.reception_a, petition=late, on=D(2025, 4, 14))
    assert "Điều 9" in _errors(e)["late_excuse"][0]
    late.refresh_from_db()
    assert late.state == State.RECEIVED and late.late_excuse == ""
    # The officer records the illness that kept the complainant in hospital: not blocked.
    accepted = services.do_accept(actor=world.reception_a, petition=late, on=D(2025, 4, 14),
                                  late_excuse="Người khiếu nại nằm viện điều trị từ 01/3 đến 05/4/2025 (giấy ra viện).")
    assert accepted.state == State.ACCEPTED and not accepted.time_barred
    assert "nằm viện" in client.get(reverse("petitions:petition_detail", args=[late.pk])).content.decode()
    assert api.get("/api/v1/petitions", {"time_barred": "true"}).json()["count"] == 0


def test_the_receiving_form_and_classification_record_the_day_the_decision_was_known(client, world):
    p = world.petition(received_on=D(2025, 4, 11))
    assert p.file_limit_on is None and not p.time_barred
    with pytest.raises(ValidationError) as e:
        services.do_classify(actor=world.reception_a, petition=p, decision_known_on=D(2025, 4, 12), on=D(2025, 4, 11))
    assert "sau ngày nhận đơn" in _errors(e)["decision_known_on"][0]
    login(client, world.reception_a)
    client.post(f"/don/{p.pk}/classify/", {"classify-decision_known_on": "10/01/2025", "classify-kind": "complaint"})
    p.refresh_from_db()
    assert (p.decision_known_on, p.file_limit_on, p.time_barred) == (D(2025, 1, 10), D(2025, 4, 10), True)


@pytest.mark.django_db
def test_the_notice_of_acceptance_is_a_deadline_of_a_denunciation_only():
    accepted = {"state": State.ACCEPTED, "accepted_on": D(2026, 8, 17), "received_on": D(2026, 8, 10)}
    notify = _step(_unsaved(kind=Kind.DENUNCIATION, **accepted), "notify")
    # Mon 17/8/2026: Tue 18 … Fri 21, Sat 22 (worked) = five working days.
    assert (notify.rule.code, notify.start, notify.due_on, notify.met_on) == (
        "denunciation.notify", D(2026, 8, 17), D(2026, 8, 22), None)
    assert "Điều 29" in notify.citation
    assert not any(d.step == "notify" for d in deadlines.compute(_unsaved(kind=Kind.DENUNCIATION)))
    assert not any(d.step == "notify" for d in deadlines.compute(_unsaved(**accepted)))
    done = _step(_unsaved(kind=Kind.DENUNCIATION, notified_on=D(2026, 8, 21), **accepted), "notify")
    assert done.status(D(2026, 12, 1)) == "met"


def test_notifying_the_acceptance_is_a_step_of_the_case(client, world):
    p = world.petition(kind="denunciation", field="corruption", received_on=D(2026, 8, 10),
                       content="Tố cáo cán bộ địa chính phường nhận tiền để hợp thức hoá đất lấn chiếm.")
    p = services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 8, 17), handlers=[world.officer_a])
    assert (p.due_on, p.due_rule) == (D(2026, 8, 22), "denunciation.notify")
    assert "notify" in services.allowed_actions(world.officer_a, p)
    login(client, world.officer_a)
    page = client.get(reverse("petitions:petition_detail", args=[p.pk])).content.decode()
    assert "Thông báo thụ lý cho người tố cáo và người bị tố cáo" in page and "22/08/2026" in page
    response = client.post(f"/don/{p.pk}/notify/", {"notify-notified_on": "21/08/2026", "notify-document_number": "12/TB"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.notified_on == D(2026, 8, 21) and p.due_rule == "denunciation.resolve"
    assert p.steps.filter(action="notify", document_number="12/TB").exists()
    assert "notify" not in services.allowed_actions(world.officer_a, p)
    response = post_json(bearer(world.officer_a), f"/api/v1/petitions/{p.pk}/notify", {"notified_on": "2026-08-21"})
    assert response.status_code == 409  # once only
    complaint = services.do_accept(actor=world.reception_a, petition=world.petition(received_on=D(2026, 8, 10)),
                                   on=D(2026, 8, 11))
    assert "notify" not in services.allowed_actions(world.reception_a, complaint)


def test_the_api_takes_the_day_the_first_decision_was_received(world):
    first = _decided_first_complaint(world, sent_on=D(2025, 3, 4))
    response = post_json(bearer(world.admin), f"/api/v1/petitions/{first.pk}/second_complaint", {
        "content": "Không đồng ý với quyết định 21/QĐ-UBND giải quyết khiếu nại lần đầu.",
        "receiving_unit": world.province.pk, "received_on": "2025-04-08", "decision_received_on": "2025-03-10",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["file_limit_on"], body["flags"]["time_barred"], body["due_rule"]) == (
        "2025-04-09", False, "complaint.second.accept")


# --- 6. the amendments of 1/7/2026 (Law 136/2025/QH15) ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize(("received", "due", "days"), [
    # Mon 29/6, old law, 10 working days: Tue 30/6 = 1, Wed 1/7 … Fri 3/7 = 4, Mon 6 … Fri 10 = 9, Mon 13/7 = 10.
    (D(2026, 6, 29), D(2026, 7, 13), 10),
    # Tue 30/6, the last day of the old law: Wed 1/7 = 1 … Fri 10/7 = 8, Mon 13 = 9, Tue 14/7 = 10.
    (D(2026, 6, 30), D(2026, 7, 14), 10),
    # Wed 1/7, the first day of the amended law, 7 working days: Thu 2 = 1, Fri 3 = 2, Mon 6 … Fri 10/7 = 7.
    (D(2026, 7, 1), D(2026, 7, 10), 7),
    # Thu 2/7: Fri 3 = 1, Mon 6 … Fri 10 = 6, Mon 13/7 = 7 — the same day as one received on 29/6.
    (D(2026, 7, 2), D(2026, 7, 13), 7),
])
def test_acceptance_follows_the_law_of_the_receipt_day_across_1_july_2026(level, received, due, days):
    routing = _step(_unsaved(level=level, received_on=received), "routing")
    assert (routing.due_on, routing.rule.period, routing.period_text) == (due, days, f"{days} ngày làm việc")
    amended = received >= D(2026, 7, 1)
    assert ("136/2025/QH15" in routing.citation) is amended
    # The amended article is not yet read in the law's text: the version says so, and cites no
    # implementing decree whose number no source confirms.
    assert "155/2026" not in routing.citation
    if amended:
        assert routing.rule.note.startswith("[U]")
