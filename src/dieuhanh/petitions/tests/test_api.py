import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from dieuhanh.core import calendar, legal_rules
from dieuhanh.core.models import AuditEvent
from dieuhanh.lib.text import fold
from dieuhanh.petitions import detection, services
from dieuhanh.petitions.choices import State
from dieuhanh.petitions.confidentiality import REDACTED
from dieuhanh.petitions.models import Petition
from dieuhanh.testing import bearer, post_json

DENOUNCER = "Trần Thị Tố Giác"
DENOUNCER_PHONE = "0987654321"


@pytest.fixture
def petitions(world):
    a = world.petition()
    b = world.petition(actor=world.reception_b, unit=world.ward_b, subject="Khiếu nại cấp phép xây dựng",
                       content="Khiếu nại việc cấp giấy phép xây dựng sai quy hoạch tại tổ 5 phường Chí Linh.",
                       identity={"name": "Phạm Văn Bê"})
    d = world.petition(
        kind="denunciation", field="corruption", subject="Tố cáo cán bộ địa chính nhận tiền",
        content="Tôi tố cáo cán bộ địa chính phường nhận tiền của hộ dân để hợp thức hoá đất lấn chiếm.",
        respondent="Cán bộ địa chính phường Chu Văn An",
        identity={"name": DENOUNCER, "address": "Tổ 7, phường Chu Văn An", "phone": DENOUNCER_PHONE},
    )
    return a, b, d


ACTION_BODIES = {
    "classify": {"field": "land"},
    "assign": {"handlers": []},
    "accept": {},
    "transfer": {"transferred_to": "UBND thành phố Hải Phòng"},
    "guide": {"note": "Hướng dẫn gửi Toà án nhân dân khu vực"},
    "archive": {"reason": "other"},
    "verify": {},
    "extend": {"legal_basis": "Luật Khiếu nại, Điều 28"},
    "suspend": {"legal_basis": "Luật Khiếu nại, Điều 30", "reason": "Chờ kết quả giám định"},
    "resume": {},
    "conclude": {"result": "right", "conclusion": "Khiếu nại đúng"},
    "send_decision": {},
    "terminate": {"legal_basis": "Luật Khiếu nại, Điều 30", "reason": "Người khiếu nại rút đơn"},
    "second_complaint": {"content": "Tôi không đồng ý với quyết định giải quyết lần đầu."},
}

ENDPOINTS = [
    ("get", "/api/v1/petitions"),
    ("post", "/api/v1/petitions"),
    ("get", "/api/v1/petitions/stats"),
    ("get", "/api/v1/petitions/{a}"),
    ("post", "/api/v1/petitions/{a}/reveal"),
    *[("post", f"/api/v1/petitions/{{a}}/{action}") for action in ACTION_BODIES],
]


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_requires_authentication_on_every_endpoint(world, petitions, method, path):
    url = path.format(a=petitions[0].pk)
    response = getattr(Client(), method)(url, data={} if method == "post" else None, content_type="application/json")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize("action", ACTION_BODIES)
def test_a_ward_a_officer_gets_404_for_ward_b_on_every_action(world, petitions, action):
    b = petitions[1]
    for user in (world.officer_a, world.reception_a, world.outsider):
        response = post_json(bearer(user), f"/api/v1/petitions/{b.pk}/{action}", ACTION_BODIES[action])
        assert response.status_code == 404, (user, response.content)
        assert response.json()["detail"]
    b.refresh_from_db()
    assert b.state == "received" and b.steps.count() == 1


def test_ward_officers_see_only_their_ward(world, petitions):
    a, b, d = petitions
    client = bearer(world.officer_a)
    listed = client.get("/api/v1/petitions").json()
    assert {p["id"] for p in listed["results"]} == {a.pk, d.pk} and listed["count"] == 2
    assert client.get(f"/api/v1/petitions/{a.pk}").status_code == 200
    assert client.get(f"/api/v1/petitions/{b.pk}").status_code == 404
    assert post_json(client, f"/api/v1/petitions/{b.pk}/reveal").status_code == 404
    assert {p["id"] for p in bearer(world.officer_b).get("/api/v1/petitions").json()["results"]} == {b.pk}
    assert bearer(world.leader).get("/api/v1/petitions").json()["count"] == 3


def test_the_outsider_sees_nothing_and_may_receive_nothing(world, petitions):
    client = bearer(world.outsider)
    assert client.get("/api/v1/petitions").json()["count"] == 0
    assert client.get(f"/api/v1/petitions/{petitions[0].pk}").status_code == 404
    assert client.get("/api/v1/petitions/stats").json()["totals"]["received"] == 0
    before = Petition.objects.count()
    response = post_json(client, "/api/v1/petitions", create_body(world))
    assert response.status_code == 403
    assert Petition.objects.count() == before


def test_an_officer_who_sees_a_petition_may_still_not_route_it(world, petitions):
    a = petitions[0]
    response = post_json(bearer(world.officer_a), f"/api/v1/petitions/{a.pk}/accept")
    assert response.status_code == 403
    assert "tiếp công dân" in response.json()["detail"]
    a.refresh_from_db()
    assert a.state == "received"
    # Accepted with officer_a as handler: officer_a2 (same ward, not a handler) may not conclude.
    assert post_json(bearer(world.reception_a), f"/api/v1/petitions/{a.pk}/accept",
                {"handlers": [world.officer_a.pk]}).status_code == 200
    response = post_json(bearer(world.officer_a2), f"/api/v1/petitions/{a.pk}/conclude", ACTION_BODIES["conclude"])
    assert response.status_code == 403
    assert post_json(bearer(world.officer_a), f"/api/v1/petitions/{a.pk}/conclude", ACTION_BODIES["conclude"]).status_code == 200


def test_allowed_actions_follow_the_caller(world, petitions):
    a = petitions[0]
    assert "accept" in bearer(world.reception_a).get(f"/api/v1/petitions/{a.pk}").json()["allowed_actions"]
    assert bearer(world.officer_a).get(f"/api/v1/petitions/{a.pk}").json()["allowed_actions"] == []


# --- confidentiality --------------------------------------------------------------------------


def _leaks(body: bytes) -> list[str]:
    text = body.decode()
    unescaped = json.dumps(json.loads(text), ensure_ascii=False)
    found = []
    for secret in (DENOUNCER, DENOUNCER_PHONE, fold(DENOUNCER), "Tổ 7, phường Chu Văn An"):
        if secret in text or secret in unescaped or secret in fold(unescaped):
            found.append(secret)
    return found


def test_lists_and_details_never_show_a_denouncer(world, petitions):
    d = petitions[2]
    post_json(bearer(world.reception_a), f"/api/v1/petitions/{d.pk}/assign", {"handlers": [world.officer_a.pk]})
    for user in (world.reception_a, world.officer_a, world.leader, world.admin):
        client = bearer(user)
        listed = client.get("/api/v1/petitions")
        assert not _leaks(listed.content), user
        item = next(p for p in listed.json()["results"] if p["id"] == d.pk)
        assert item["petitioner"]["name"] == REDACTED and item["confidential"] is True
        detail = client.get(f"/api/v1/petitions/{d.pk}")
        assert detail.status_code == 200 and not _leaks(detail.content), user
        identity = detail.json()["identity"]
        assert identity["name"] == identity["phone"] == identity["address"] == REDACTED
        # Searching the denouncer's name, with or without diacritics, finds nothing.
        assert client.get("/api/v1/petitions", {"q": DENOUNCER}).json()["count"] == 0
        assert client.get("/api/v1/petitions", {"q": "to giac"}).json()["count"] == 0
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_an_action_response_does_not_show_the_denouncer_either(world, petitions):
    d = petitions[2]
    response = post_json(bearer(world.reception_a), f"/api/v1/petitions/{d.pk}/assign", {"handlers": [world.officer_a.pk]})
    assert response.status_code == 200 and not _leaks(response.content)


def test_a_handler_reveals_the_identity_and_the_reveal_is_logged(world, petitions):
    d = petitions[2]
    post_json(bearer(world.reception_a), f"/api/v1/petitions/{d.pk}/assign", {"handlers": [world.officer_a.pk]})
    response = post_json(bearer(world.officer_a), f"/api/v1/petitions/{d.pk}/reveal")
    assert response.status_code == 200
    body = response.json()
    assert body["identity"]["name"] == DENOUNCER and body["identity"]["phone"] == DENOUNCER_PHONE
    assert body["logged"] is True
    assert response["Cache-Control"] == "no-store, private"
    event = AuditEvent.objects.filter(action="reveal").get()
    assert event.actor == world.officer_a and event.object_id == str(d.pk) and event.channel == "api"


@pytest.mark.parametrize("who", ["reception_a", "leader", "admin", "officer_a2"])
def test_a_non_handler_may_not_reveal(world, petitions, who):
    d = petitions[2]
    post_json(bearer(world.reception_a), f"/api/v1/petitions/{d.pk}/assign", {"handlers": [world.officer_a.pk]})
    response = post_json(bearer(getattr(world, who)), f"/api/v1/petitions/{d.pk}/reveal")
    assert response.status_code == 403
    assert not _leaks(response.content)
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_an_ordinary_petition_shows_its_petitioner_without_a_reveal(world, petitions):
    a = petitions[0]
    client = bearer(world.officer_a)
    assert client.get(f"/api/v1/petitions/{a.pk}").json()["identity"]["name"] == "Nguyễn Văn Khiếu"
    item = next(p for p in client.get("/api/v1/petitions").json()["results"] if p["id"] == a.pk)
    assert item["petitioner"]["name"] == "Nguyễn Văn Khiếu"
    assert post_json(client, f"/api/v1/petitions/{a.pk}/reveal").json()["logged"] is False
    assert not AuditEvent.objects.filter(action="reveal").exists()


# --- creating ---------------------------------------------------------------------------------


def create_body(world, **overrides):
    body = {
        "kind": "complaint",
        "field": "land",
        "subject": "Khiếu nại bồi thường giải phóng mặt bằng",
        "content": "Tôi khiếu nại phương án bồi thường vì diện tích đất bị tính thiếu 30 m².",
        "unit": world.ward_a.pk,
        "name": "Lê Văn Khải",
        "address": "Tổ 2, phường Chu Văn An",
        "phone": "0911222333",
    }
    body.update(overrides)
    return body


def test_receiving_a_petition_through_the_api(world):
    response = post_json(bearer(world.reception_a), "/api/v1/petitions", create_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "received" and body["unit"]["name"] == "Phường Chu Văn An"
    assert body["identity"]["name"] == "Lê Văn Khải" and body["petitioner"]["name"] == "Lê Văn Khải"
    assert body["due_rule"] == "complaint.accept" and body["due_on"]
    routing = next(d for d in body["deadlines"] if d["step"] == "routing")
    assert routing["rule"] == "complaint.accept" and "Luật Khiếu nại" in routing["citation"]
    assert routing["period"].endswith("ngày làm việc") and routing["status"] == "open"
    assert body["steps"][0]["action"] == "receive"
    event = AuditEvent.objects.filter(action="receive").latest("seq")
    assert event.channel == "api" and event.object_id == str(body["id"])


def test_a_denunciation_received_through_the_api_is_redacted_at_once(world):
    response = post_json(bearer(world.reception_a), "/api/v1/petitions", create_body(
        world, kind="denunciation", name=DENOUNCER, phone=DENOUNCER_PHONE,
        content="Tố cáo cán bộ phường nhận tiền của người dân khi làm thủ tục đất đai.",
    ))
    assert response.status_code == 201
    assert response.json()["confidential"] is True and not _leaks(response.content)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": None}, "content"),
        ({"unit": None}, "unit"),
        ({"unit": 999999}, "unit"),
        ({"kind": "petition"}, "kind"),
        ({"name": ""}, "name"),
        ({"received_on": "2026-02-30"}, "received_on"),
        ({"received_on": "2999-01-01"}, "received_on"),
        ({"received_on": "2026-03-02", "dated_on": "2026-03-05"}, "dated_on"),
        ({"lat": 120, "lon": 106}, "lat"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(world, overrides, field):
    body = create_body(world, **overrides)
    body = {k: v for k, v in body.items() if v is not None}
    before = Petition.objects.count()
    response = post_json(bearer(world.reception_a), "/api/v1/petitions", body)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors and all(isinstance(m, str) and m for m in errors[field])
    assert Petition.objects.count() == before


def test_missing_content_says_so_in_vietnamese(world):
    response = post_json(bearer(world.reception_a), "/api/v1/petitions", create_body(world, content=""))
    assert response.json()["errors"]["content"] == ["Thiếu nội dung đơn: ghi rõ sự việc, yêu cầu của người gửi."]


# --- actions and their deadlines ----------------------------------------------------------------


def _deadline_steps(body):
    assert body["deadlines"], body
    for d in body["deadlines"]:
        assert {"step", "label", "start", "due_on", "met_on", "status", "rule", "period", "citation"} <= set(d)
        assert d["citation"] and d["rule"]
    return [d["step"] for d in body["deadlines"]]


def test_a_complaint_through_its_workflow_with_deadlines_in_each_response(world):
    received = dt.date(2026, 3, 2)
    p = world.petition(received_on=received)
    reception, officer = bearer(world.reception_a), bearer(world.officer_a)
    url = f"/api/v1/petitions/{p.pk}"

    body = post_json(reception, f"{url}/accept", {"accepted_on": "2026-03-05", "handlers": [world.officer_a.pk]}).json()
    assert [h["id"] for h in body["handlers"]] == [world.officer_a.pk]
    assert body["state"] == "accepted" and "resolve" in _deadline_steps(body)
    resolve = next(d for d in body["deadlines"] if d["step"] == "resolve")
    assert resolve["due_on"] == "2026-04-06" and resolve["rule"] == "complaint.first.resolve"
    assert body["resolve_due_on"] == "2026-04-06"
    body = post_json(officer, f"{url}/verify", {"on": "2026-03-09"}).json()
    assert body["state"] == "verifying" and _deadline_steps(body)
    body = post_json(officer, f"{url}/extend", {"legal_basis": "Luật Khiếu nại, Điều 28", "on": "2026-03-10"}).json()
    assert body["complexity"] == "complex" and body["resolve_due_on"] > "2026-04-06"
    assert next(d for d in body["deadlines"] if d["step"] == "resolve")["rule"] == "complaint.first.complex"
    body = post_json(officer, f"{url}/suspend", {"legal_basis": "Luật Khiếu nại, Điều 30", "reason": "Chờ giám định",
                                            "suspended_on": "2026-03-12"}).json()
    assert body["state"] == "suspended"
    assert next(d for d in body["deadlines"] if d["step"] == "resolve")["status"] == "paused"
    body = post_json(officer, f"{url}/resume", {"on": "2026-03-19"}).json()
    assert body["state"] == "verifying" and body["suspended_days"] == 7 and _deadline_steps(body)
    body = post_json(officer, f"{url}/conclude", {"result": "partly_right", "conclusion": "Đúng một phần",
                                             "concluded_on": "2026-03-30", "decision_number": "45/QĐ-UBND"}).json()
    assert body["state"] == "concluded" and "send" in _deadline_steps(body)
    body = post_json(officer, f"{url}/send_decision", {"decision_sent_on": "2026-04-01"}).json()
    assert body["state"] == "resolved" and body["due_on"] is None and body["timing"] == "on_time"
    assert all(d["met_on"] for d in body["deadlines"])
    assert [s["action"] for s in body["steps"]] == [
        "receive", "accept", "verify", "extend", "suspend", "resume", "conclude", "send_decision",
    ]

    response = post_json(bearer(world.admin), f"{url}/second_complaint", {
        "content": "Tôi không đồng ý với Quyết định 45/QĐ-UBND giải quyết khiếu nại lần đầu.",
        "receiving_unit": world.province.pk, "received_on": "2026-04-10",
    })
    assert response.status_code == 201, response.content
    second = response.json()
    assert second["id"] != p.pk and second["level"] == 2 and second["previous"] == p.pk
    assert second["identity"]["name"] == "Nguyễn Văn Khiếu" and _deadline_steps(second)


def test_classifying_and_assigning_answer_with_the_deadlines(world, petitions):
    a, client = petitions[0], bearer(world.reception_a)
    body = post_json(client, f"/api/v1/petitions/{a.pk}/classify", {"field": "environment", "multi_site": True,
                                                               "note": "Đúng thẩm quyền"}).json()
    assert body["field"] == "environment" and body["multi_site"] is True
    assert _deadline_steps(body) == ["routing", "reply"]
    body = post_json(client, f"/api/v1/petitions/{a.pk}/assign", {"handlers": [world.officer_a.pk, world.officer_a2.pk]}).json()
    assert {h["id"] for h in body["handlers"]} == {world.officer_a.pk, world.officer_a2.pk} and _deadline_steps(body)
    # Reclassified as a denunciation, the petition turns confidential for good.
    body = post_json(client, f"/api/v1/petitions/{a.pk}/classify", {"kind": "denunciation"}).json()
    assert body["confidential"] is True and body["identity"]["name"] == REDACTED
    assert body["deadlines"][0]["rule"] == "denunciation.check_multi"


@pytest.mark.parametrize(
    ("action", "body", "state"),
    [
        ("transfer", {"transferred_to": "Toà án nhân dân khu vực 4 – Hải Phòng"}, "transferred"),
        ("guide", {"note": "Hướng dẫn gửi đơn đến Toà án"}, "guided"),
        ("archive", {"reason": "already_guided"}, "filed"),
    ],
)
def test_routing_out_answers_with_met_routing_deadline(world, petitions, action, body, state):
    a = petitions[0]
    response = post_json(bearer(world.reception_a), f"/api/v1/petitions/{a.pk}/{action}", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == state and data["due_on"] is None
    routing = next(d for d in data["deadlines"] if d["step"] == "routing")
    assert routing["met_on"] == timezone.localdate().isoformat() and routing["status"] == "met"


def test_terminating_answers_with_the_deadlines(world, petitions):
    a = petitions[0]
    post_json(bearer(world.reception_a), f"/api/v1/petitions/{a.pk}/accept", {"handlers": [world.officer_a.pk]})
    response = post_json(bearer(world.officer_a), f"/api/v1/petitions/{a.pk}/terminate", ACTION_BODIES["terminate"])
    assert response.status_code == 200
    assert response.json()["state"] == "terminated" and "resolve" in _deadline_steps(response.json())


def test_a_transition_not_allowed_from_the_state_is_409_on_state(world, petitions):
    a = petitions[0]
    before = Petition.objects.get(pk=a.pk).state
    response = post_json(bearer(world.leader), f"/api/v1/petitions/{a.pk}/conclude", ACTION_BODIES["conclude"])
    assert response.status_code == 409
    assert "state" in response.json()["errors"] and "Đã tiếp nhận" in response.json()["errors"]["state"][0]
    assert Petition.objects.get(pk=a.pk).state == before
    # Reception may never conclude (the role comes first: 403, whatever the state).
    response = post_json(bearer(world.reception_a), f"/api/v1/petitions/{a.pk}/conclude", ACTION_BODIES["conclude"])
    assert response.status_code == 403
    client = bearer(world.reception_a)
    post_json(client, f"/api/v1/petitions/{a.pk}/guide", ACTION_BODIES["guide"])
    response = post_json(client, f"/api/v1/petitions/{a.pk}/accept")
    assert response.status_code == 409 and "state" in response.json()["errors"]


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("accept", {"accepted_on": "2026-03-01"}, "accepted_on"),
        ("guide", {"note": "Hướng dẫn", "routed_on": "2026-03-01"}, "routed_on"),
        ("transfer", {"transferred_to": "UBND thành phố", "routed_on": "2026-03-01"}, "routed_on"),
        ("accept", {"accepted_on": "2999-01-01"}, "accepted_on"),
        ("accept", {"accepted_on": "2026-02-30"}, "accepted_on"),
        ("accept", {"accepted_on": "hôm qua"}, "accepted_on"),
        ("accept", {"handlers": [999999]}, "handlers"),
        ("accept", {"complexity": "very"}, "complexity"),
        ("assign", {"handlers": []}, "handlers"),
        ("assign", {"handlers": [999999]}, "handlers"),
        ("transfer", {"transferred_to": ""}, "transferred_to"),
        ("guide", {"note": ""}, "note"),
        ("archive", {"reason": "because"}, "reason"),
        ("classify", {"kind": "gossip"}, "kind"),
        ("classify", {"eligible": False}, "ineligibility"),
        ("classify", {"handling_org": 999999}, "handling_org"),
    ],
)
def test_impossible_dates_and_bad_action_input_are_422_and_change_nothing(world, action, body, field):
    p = world.petition(received_on=dt.date(2026, 3, 2))
    response = post_json(bearer(world.reception_a), f"/api/v1/petitions/{p.pk}/{action}", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    p.refresh_from_db()
    assert p.state == "received" and p.steps.count() == 1 and not p.assignments.exists()


def test_a_conclusion_dated_before_receipt_or_the_last_step_is_refused(world):
    p = world.petition(received_on=dt.date(2026, 3, 2))
    services.do_accept(actor=world.reception_a, petition=p, on=dt.date(2026, 3, 5), handlers=[world.officer_a])
    client = bearer(world.officer_a)
    for day in ("2026-03-01", "2026-03-04"):
        response = post_json(client, f"/api/v1/petitions/{p.pk}/conclude", {**ACTION_BODIES["conclude"], "concluded_on": day})
        assert response.status_code == 422 and "concluded_on" in response.json()["errors"]
    response = post_json(client, f"/api/v1/petitions/{p.pk}/conclude", {"result": "answered", "conclusion": "x"})
    assert response.status_code == 422 and "result" in response.json()["errors"]


def test_a_second_complaint_needs_a_first_decision_and_a_receiving_unit(world, petitions):
    a = petitions[0]
    response = post_json(bearer(world.admin), f"/api/v1/petitions/{a.pk}/second_complaint", {
        "content": "Không đồng ý với quyết định lần đầu.", "receiving_unit": world.province.pk,
    })
    assert response.status_code == 409 and "chưa thể khiếu nại lần hai" in response.json()["errors"]["state"][0]
    Petition.objects.filter(pk=a.pk).update(state=State.RESOLVED, concluded_on=a.received_on)
    response = post_json(bearer(world.admin), f"/api/v1/petitions/{a.pk}/second_complaint", {"content": "Không đồng ý"})
    assert response.status_code == 422 and "receiving_unit" in response.json()["errors"]


# --- list filters -------------------------------------------------------------------------------


def _ids(client, **params):
    response = client.get("/api/v1/petitions", params)
    assert response.status_code == 200, response.content
    return {p["id"] for p in response.json()["results"]}


def _received_due_soon():
    """A receipt date whose complaint acceptance deadline falls within the next three working days."""
    today = timezone.localdate()
    soon = calendar.add(today, 3, working=True)
    day = today
    while not (today <= legal_rules.deadline("complaint.accept", day)[0] <= soon):
        day -= dt.timedelta(days=1)
    return day


def test_list_filters(world, petitions):
    a, b, d = petitions
    old = world.petition(unit=world.ward_a_old, received_on=dt.date(2025, 3, 3),
                         subject="Phản ánh đường làng xuống cấp", kind="feedback", field="infrastructure",
                         content="Đường liên thôn Sao Đỏ xuống cấp nghiêm trọng, đề nghị sửa chữa.")
    repeat = world.petition()  # the same complaint again
    soon = world.petition(received_on=_received_due_soon(), subject="Khiếu nại về tiền điện",
                          content="Khiếu nại việc tính tiền điện sinh hoạt cao bất thường trong tháng.",
                          identity={"name": "Đỗ Thị Điện"})
    over = world.petition(actor=world.admin, receiving_unit=world.province, subject="Kiến nghị về trường học",
                          kind="recommendation", field="policy", identity={"name": "Vũ Văn Kiến"},
                          content="Kiến nghị xây thêm phòng học cho trường tiểu học phường Chu Văn An.")
    detection.sweep()
    client = bearer(world.leader)
    everyone = {a.pk, b.pk, d.pk, old.pk, repeat.pk, soon.pk, over.pk}
    assert _ids(client, page_size=200) == everyone
    assert _ids(client, kind="denunciation") == {d.pk}
    assert _ids(client, kind="feedback") == {old.pk}
    assert _ids(client, field="infrastructure") == {old.pk}
    assert _ids(client, state="received") == everyone
    services.do_guide(actor=world.reception_b, petition=b, note="Hướng dẫn gửi Toà án nhân dân khu vực")
    assert _ids(client, state="guided") == {b.pk}
    assert _ids(client, state="open") == everyone - {b.pk}
    # Today's ward includes what was recorded under the ward it succeeded.
    assert _ids(client, unit=world.ward_a.pk) == everyone - {b.pk}
    assert _ids(client, unit=world.ward_b.pk) == {b.pk}
    assert _ids(client, unit=world.ward_a_old.pk) == everyone - {b.pk}  # and the ward that replaced it
    assert _ids(client, timing="overdue") == {old.pk}
    assert _ids(client, timing="due_soon") == {soon.pk}
    assert _ids(client, duplicate="true") == {repeat.pk}
    assert repeat.pk not in _ids(client, duplicate="false")
    assert _ids(client, over_level="true") == {over.pk}
    assert _ids(client, prolonged="true") == {old.pk}
    assert _ids(client, received_from="2025-01-01", received_to="2025-12-31") == {old.pk}
    assert _ids(client, year=2025) == {old.pk}
    assert _ids(client, q="duong lang xuong cap") == {old.pk}
    assert _ids(client, q="ĐƯỜNG LÀNG") == {old.pk}
    assert _ids(client, q=a.receipt_code) == {a.pk}
    assert _ids(client, q="Nguyen Van Khieu") == {a.pk, repeat.pk, old.pk}  # an ordinary petitioner's name is searchable
    item = next(p for p in client.get("/api/v1/petitions", {"duplicate": "true"}).json()["results"])
    assert item["flags"]["duplicate_of"] == a.pk and item["flags"]["notes"]
    page = client.get("/api/v1/petitions", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 7 and len(page["results"]) == 2 and page["page"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"state": "lost"}, "state"),
        ({"timing": "late_ish"}, "timing"),
        ({"field": "space"}, "field"),
        ({"received_from": "2026-13-01"}, "received_from"),
        ({"received_from": "2026-03-10", "received_to": "2026-03-01"}, "received_to"),
        ({"page_size": 1000}, "page_size"),
        ({"unit": "abc"}, "unit"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(world, params, field):
    response = bearer(world.leader).get("/api/v1/petitions", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_each_list_item_carries_what_a_register_shows(world, petitions):
    item = next(p for p in bearer(world.leader).get("/api/v1/petitions").json()["results"] if p["id"] == petitions[0].pk)
    assert item["number"] == petitions[0].number and item["receipt_code"] == petitions[0].receipt_code
    assert item["kind"] == "complaint" and item["kind_label"] == "Khiếu nại" and item["field"] == "land"
    assert item["state"] == "received" and item["unit"]["code"] == "10549"
    assert item["received_on"] == timezone.localdate().isoformat()
    assert item["due_on"] and item["due_rule"] == "complaint.accept" and item["resolve_due_on"] is None
    assert item["timing"] in ("on_track", "due_soon")
    assert item["flags"] == {"duplicate_of": None, "duplicate_score": None, "over_level": False, "prolonged": False,
                             "time_barred": False, "notes": ""}
    assert item["petitioner"] == {"name": "Nguyễn Văn Khiếu"}


def test_the_list_has_a_bounded_query_count(world, django_assert_max_num_queries):
    for i in range(3):
        world.petition(subject=f"Khiếu nại số {i}", content=f"Nội dung khiếu nại khác nhau số {i} về đất đai.")
    client = bearer(world.leader)
    with django_assert_max_num_queries(25) as few:
        assert client.get("/api/v1/petitions", {"unit": world.ward_a.pk}).json()["count"] == 3
    few = len(few)
    for i in range(30):
        world.petition(kind="denunciation" if i % 2 else "feedback", subject=f"Đơn thêm {i}",
                       content=f"Nội dung đơn thêm thứ {i} về một việc riêng biệt.")
    with django_assert_max_num_queries(few):
        assert client.get("/api/v1/petitions", {"unit": world.ward_a.pk}).json()["count"] == 33


# --- statistics ---------------------------------------------------------------------------------


def test_statistics_by_unit_and_field(world, petitions):
    a = petitions[0]
    services.do_accept(actor=world.reception_a, petition=a, handlers=[world.officer_a])
    client = bearer(world.leader)
    year = timezone.localdate().year
    body = client.get("/api/v1/petitions/stats", {"year": year, "by": "unit"}).json()
    assert body["year"] == year and body["by"] == "unit"
    rows = {r["label"]: r for r in body["rows"]}
    assert rows["Phường Chu Văn An"]["received"] == 2 and rows["Phường Chí Linh"]["received"] == 1
    assert rows["Phường Chu Văn An"]["accepted"] == 1 and rows["Phường Chu Văn An"]["routed_rate"] == 0.5
    assert body["totals"]["received"] == 3
    fields = {r["key"]: r["received"] for r in client.get("/api/v1/petitions/stats", {"by": "field"}).json()["rows"]}
    assert fields == {"land": 2, "corruption": 1}
    # A ward officer counts only their ward; another year counts nothing.
    assert bearer(world.officer_b).get("/api/v1/petitions/stats").json()["totals"]["received"] == 1
    assert client.get("/api/v1/petitions/stats", {"year": year - 5}).json()["totals"]["received"] == 0


def test_statistics_refuse_an_unknown_grouping(world):
    response = bearer(world.leader).get("/api/v1/petitions/stats", {"by": "colour"})
    assert response.status_code == 422 and "by" in response.json()["errors"]
