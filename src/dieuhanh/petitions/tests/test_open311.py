import datetime as dt
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from dieuhanh.core import ratelimit
from dieuhanh.core.models import AuditEvent
from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions import confidentiality, open311, services, views
from dieuhanh.petitions.models import Petition

REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
    "address_id", "lat", "long", "media_url",
}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
# Centroids of the two wards (phường Chu Văn An around Sao Đỏ, phường Chí Linh around Phả Lại).
WARD_A_AT = (21.108, 106.398)
WARD_B_AT = (21.117, 106.300)


@pytest.fixture
def located(world):
    AdminUnit.objects.filter(pk=world.ward_a.pk).update(latitude=WARD_A_AT[0], longitude=WARD_A_AT[1])
    AdminUnit.objects.filter(pk=world.ward_b.pk).update(latitude=WARD_B_AT[0], longitude=WARD_B_AT[1])
    # The abolished ward kept its old centroid: it must never receive a new report.
    AdminUnit.objects.filter(pk=world.ward_b_old.pk).update(latitude=21.12, longitude=106.31)
    return world


def submit(data, client=None):
    client = client or Client(enforce_csrf_checks=True)
    return client.post("/open311/v2/requests.json", urlencode(data), content_type="application/x-www-form-urlencoded")


def report(**overrides):
    data = {
        "service_code": "infrastructure",
        "lat": "21.1195",
        "long": "106.3050",
        "address_string": "Đường Trần Hưng Đạo, gần chợ Phả Lại",
        "description": "Đèn chiếu sáng trên đường Trần Hưng Đạo bị hỏng ba cột liền, buổi tối rất tối.",
        "first_name": "Văn Hùng",
        "last_name": "Nguyễn",
        "phone": "0912 000 111",
        "email": "hung@example.vn",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def assert_spec_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and body
    for err in body:
        assert set(err) == {"code", "description"} and err["code"] == status
        assert isinstance(err["description"], str) and err["description"]
    return " ".join(e["description"] for e in body)


def assert_iso_vn(value):
    assert value.endswith("+07:00"), value
    assert dt.datetime.fromisoformat(value).utcoffset() == dt.timedelta(hours=7)


# --- services ---------------------------------------------------------------------------------


def test_services_list_follows_the_spec(client):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert {s["service_code"] for s in body} == {"environment", "infrastructure", "construction", "land",
                                                 "administration", "other"}
    for s in body:
        assert set(s) == SERVICE_FIELDS
        assert s["metadata"] is False and s["type"] == "realtime"
        assert s["service_name"] and s["description"] and s["group"] and isinstance(s["keywords"], str)
    assert "Môi trường" in response.content.decode()  # UTF-8, not \u escapes


def test_service_definition_and_unknown_service(client):
    assert client.get("/open311/v2/services/land.json").json() == {"service_code": "land", "attributes": []}
    assert "corruption" in assert_spec_error(client.get("/open311/v2/services/corruption.json"), 404)


def test_discovery_names_the_specification(client):
    endpoint = client.get("/open311/v2/discovery.json").json()["endpoints"][0]
    assert endpoint["specification"] == open311.SPECIFICATION and endpoint["formats"] == ["text/xml", "application/json"]


def test_other_formats_and_methods_answer_with_spec_errors(client):
    assert "requests.csv" in assert_spec_error(client.get("/open311/v2/requests.csv"), 404)
    response = client.put("/open311/v2/requests.json")
    assert_spec_error(response, 405)
    assert response["Allow"] == "GET, POST"


# --- POST requests.json -----------------------------------------------------------------------------


def test_posting_a_report_creates_feedback_in_the_nearest_ward(located):
    world = located
    response = submit(report())
    assert response.status_code == 200, response.content
    (created,) = response.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None and "Phường Chí Linh" in created["service_notice"]
    p = Petition.objects.get(receipt_code=created["service_request_id"])
    assert (p.kind, p.channel, p.field, p.state) == ("feedback", "online", "infrastructure", "received")
    assert p.unit == world.ward_b and p.receiving_unit == world.ward_b
    assert (p.lat, p.lon) == (21.1195, 106.305) and p.place == "Đường Trần Hưng Đạo, gần chợ Phả Lại"
    assert p.created_by is None and not p.is_anonymous and not p.confidential
    assert p.due_rule == "petition.process" and p.due_on is not None
    identity = confidentiality.identity_for(world.reception_b, p)
    assert identity["name"] == "Nguyễn Văn Hùng" and identity["phone"] == "0912 000 111"
    event = AuditEvent.objects.filter(action="receive", object_id=str(p.pk)).get()
    assert event.channel == "open311" and event.actor is None
    # The ward B reception officer finds it in the register; ward A's does not.
    assert Petition.objects.visible_to(world.reception_b).filter(pk=p.pk).exists()
    assert not Petition.objects.visible_to(world.reception_a).filter(pk=p.pk).exists()


def test_a_point_in_ward_a_goes_to_ward_a(located):
    response = submit(report(lat="21.1050", long="106.3900"))
    p = Petition.objects.get(receipt_code=response.json()[0]["service_request_id"])
    assert p.unit == located.ward_a


@pytest.mark.parametrize(
    ("location", "ward"),
    [
        ({"lat": None, "long": None, "address_id": "10549"}, "ward_a"),
        ({"lat": None, "long": None, "jurisdiction_id": "10546"}, "ward_b"),
        ({"lat": None, "long": None, "address_string": "Số 5 ngõ 2, Phường Chí Linh, Hải Phòng"}, "ward_b"),
        ({"lat": None, "long": None, "address_string": "tổ 3 phuong chu van an"}, "ward_a"),
        # address_id wins over the point; a province jurisdiction narrows the search.
        ({"address_id": "10549"}, "ward_a"),
        ({"jurisdiction_id": "31"}, "ward_b"),
    ],
)
def test_the_ward_from_a_code_or_an_address(located, location, ward):
    response = submit(report(**location))
    assert response.status_code == 200, response.content
    p = Petition.objects.get(receipt_code=response.json()[0]["service_request_id"])
    assert p.unit == getattr(located, ward)


def test_an_unnamed_report_is_recorded_as_anonymous(located):
    response = submit(report(first_name=None, last_name=None))
    assert response.status_code == 200
    assert "nặc danh" in response.json()[0]["service_notice"]
    assert Petition.objects.get(receipt_code=response.json()[0]["service_request_id"]).is_anonymous


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "corruption"}, 404, "service_code"),
        ({"lat": "abc"}, 400, "lat"),
        ({"lat": "200"}, 400, "lat"),
        ({"long": "nan"}, 400, "long"),
        ({"long": None}, 400, "lat và long"),
        ({"lat": None, "long": None, "address_string": None}, 400, "vị trí"),
        ({"lat": "0", "long": "0"}, 400, "ngoài địa bàn"),
        ({"lat": None, "long": None, "address_string": "Thôn Đông, xã Không Có"}, 400, "address_string"),
        ({"description": None}, 400, "description"),
        ({"description": "Hỏng"}, 400, "description"),
        ({"description": "x" * 6000}, 400, "description"),
        ({"email": "khong-phai-email"}, 400, "email"),
        ({"phone": "gọi tôi"}, 400, "phone"),
        ({"jurisdiction_id": "99"}, 404, "jurisdiction_id"),
        ({"address_id": "10550"}, 404, "address_id"),
    ],
)
def test_bad_reports_get_spec_errors_and_save_nothing(located, overrides, status, words):
    before = Petition.objects.count()
    text = assert_spec_error(submit(report(**overrides)), status)
    assert words.lower() in text.lower()
    assert Petition.objects.count() == before


def test_too_many_reports_from_one_address_are_refused(located):
    for i in range(views.FILE_LIMIT):
        assert submit(report(description=f"Ổ gà thứ {i} trên đường Trần Hưng Đạo rất nguy hiểm.")).status_code == 200
    before = Petition.objects.count()
    assert "thử lại" in assert_spec_error(submit(report()), 429)
    assert Petition.objects.count() == before


def test_bad_reports_do_not_spend_the_budget_of_good_ones(located):
    for _ in range(views.FILE_LIMIT + 1):
        assert_spec_error(submit(report(email="khong-phai-email")), 400)
    for i in range(views.FILE_LIMIT):
        assert submit(report(description=f"Ổ gà thứ {i} trên đường Trần Hưng Đạo rất nguy hiểm.")).status_code == 200
    assert "thử lại" in assert_spec_error(submit(report()), 429)


def test_a_ward_code_and_a_point_far_from_it_are_refused(located):
    # The point is Hà Nội's, the ward named by code is Chí Linh's: one of them is wrong.
    before = Petition.objects.count()
    text = assert_spec_error(submit(report(lat="21.0285", long="105.8542", address_id="10549")), 400)
    assert "cách trung tâm Phường Chu Văn An" in text and "address_id" in text
    assert Petition.objects.count() == before
    # Near its centre, the same pair is taken.
    assert submit(report(lat=str(WARD_A_AT[0] + 0.01), long=str(WARD_A_AT[1]), address_id="10549")).status_code == 200


def test_an_abolished_ward_code_is_not_a_place_to_report_to(located):
    # 10549 was phường Sao Đỏ until 30/6/2025 and is phường Chu Văn An since: only today's unit.
    response = submit(report(lat=None, long=None, address_id="10549"))
    p = Petition.objects.get(receipt_code=response.json()[0]["service_request_id"])
    assert p.unit == located.ward_a and p.unit.valid_to is None


# --- GET requests.json --------------------------------------------------------------------------


@pytest.fixture
def public_world(located):
    world = located
    online = submit(report()).json()[0]["service_request_id"]
    desk = world.petition(kind="feedback", field="environment", subject="Phản ánh bãi rác tự phát",
                          content="Bãi rác tự phát ở cuối tổ dân phố 4 bốc mùi, đề nghị thu gom.",
                          place="Cuối tổ dân phố 4, phường Chu Văn An",
                          identity={"name": "Hoàng Thị Phản", "phone": "0977000111"})
    complaint = world.petition()
    denunciation = world.petition(kind="denunciation", field="land", identity={"name": "Lý Văn Tố", "phone": "0966000111"},
                                  content="Tố cáo cán bộ địa chính nhận tiền để hợp thức hoá đất lấn chiếm.")
    personal = world.petition(kind="recommendation", field="policy", identity={"name": "Đinh Thị Lương"},
                              content="Đề nghị xem xét lại chế độ trợ cấp của tôi vì tính thiếu hai năm công tác.")
    old = world.petition(kind="recommendation", field="infrastructure", received_on=dt.date(2025, 3, 3),
                         unit=world.ward_a_old, identity={"name": "Cao Văn Cũ"},
                         content="Kiến nghị làm lại rãnh thoát nước đường Nguyễn Trãi.")
    return {
        "online": online, "desk": desk.receipt_code, "complaint": complaint.receipt_code,
        "denunciation": denunciation.receipt_code, "personal": personal.receipt_code, "old": old.receipt_code,
        "objects": {"desk": desk, "old": old},
    }


NAMES = ("Nguyễn Văn Hùng", "Văn Hùng", "Hoàng Thị Phản", "Lý Văn Tố", "Đinh Thị Lương", "Cao Văn Cũ",
         "Nguyễn Văn Khiếu", "0912 000 111", "0977000111", "0966000111", "0912345678", "hung@example.vn")


def _get(client, path="/open311/v2/requests.json", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    text = response.content.decode()
    for secret in NAMES:
        assert secret not in text, secret
    return response.json()


def test_the_public_list_shows_only_feedback_and_recommendations_without_names(public_world, client):
    body = _get(client)
    assert {r["service_request_id"] for r in body} == {public_world["online"], public_world["desk"]}
    for r in body:
        assert set(r) == REQUEST_FIELDS
        assert r["status"] == "open" and r["media_url"] == ""
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert_iso_vn(r[key])
    desk = next(r for r in body if r["service_request_id"] == public_world["desk"])
    assert desk["service_code"] == "environment" and desk["service_name"] == "Môi trường"
    # Told at the desk, not published by the citizen: listed without its words, place or point.
    assert desk["description"] == "Môi trường (tiếp nhận tại trụ sở tiếp công dân; nội dung không công khai)."
    assert "Bãi rác" not in json.dumps(body, ensure_ascii=False)
    assert desk["address"] == "Phường Chu Văn An" and desk["address_id"] == "10549"
    assert (desk["lat"], desk["long"]) == (None, None)
    assert desk["agency_responsible"] == "UBND phường Chu Văn An"
    assert desk["status_notes"] == "Đã tiếp nhận, chờ xử lý."
    p = public_world["objects"]["desk"]
    assert desk["expected_datetime"] == f"{p.due_on.isoformat()}T23:59:59+07:00"
    online = next(r for r in body if r["service_request_id"] == public_world["online"])
    assert (online["lat"], online["long"]) == (21.1195, 106.305)


def test_a_complaint_or_denunciation_is_never_public_even_by_id(public_world, client):
    for key in ("complaint", "denunciation", "personal"):
        code = public_world[key]
        assert _get(client, service_request_id=code) == []
        assert_spec_error(client.get(f"/open311/v2/requests/{code}.json"), 404)
    assert_spec_error(client.get("/open311/v2/requests/KHONGCO.json"), 404)


def test_one_request_by_id(public_world, client):
    body = _get(client, f"/open311/v2/requests/{public_world['online'].lower()}.json")
    assert len(body) == 1 and body[0]["service_request_id"] == public_world["online"]
    assert set(body[0]) == REQUEST_FIELDS


def test_filters(public_world, client, located):
    online, desk, old = public_world["online"], public_world["desk"], public_world["old"]
    ids = lambda **params: [r["service_request_id"] for r in _get(client, **params)]  # noqa: E731
    # service_request_id overrides every other parameter, dates included.
    assert set(ids(service_request_id=f"{online}, {old.lower()},{public_world['complaint']}",
                   service_code="land", status="closed")) == {online, old}
    assert ids(service_code="environment") == [desk]
    assert set(ids(service_code="environment,infrastructure")) == {desk, online}
    assert set(ids(status="open")) == {online, desk} and ids(status="closed") == []
    services.do_guide(actor=located.reception_a, petition=public_world["objects"]["desk"],
                      note="Hướng dẫn liên hệ công ty môi trường đô thị")
    closed = _get(client, status="closed")
    assert [r["service_request_id"] for r in closed] == [desk]
    assert closed[0]["status"] == "closed" and closed[0]["expected_datetime"] is None
    assert closed[0]["status_notes"] == "Đã hướng dẫn công dân."
    assert ids(status="open") == [online]
    assert set(ids(status="open,closed")) == {online, desk}
    # The default window is the last 90 days; an older one is asked for by dates.
    assert old not in ids()
    assert ids(start_date="2025-03-01T00:00:00+07:00", end_date="2025-05-01T00:00:00+07:00") == [old]
    assert ids(start_date="2025-03-01", end_date="2025-03-02T23:59:59+07:00") == []
    assert ids(start_date="2025-03-02T17:00:00Z", end_date="2025-03-03T00:00:00+07:00") == [old]
    assert ids(end_date="2025-04-01T00:00:00+07:00") == [old]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"start_date": "hôm qua"}, 400, "start_date"),
        ({"end_date": "2025-13-01"}, 400, "end_date"),
        ({"start_date": "2025-01-01", "end_date": "2025-12-31"}, 400, "90 ngày"),
        ({"start_date": "2025-05-01", "end_date": "2025-04-01"}, 400, "end_date"),
        ({"status": "pending"}, 400, "status"),
        ({"service_code": "corruption"}, 404, "service_code"),
    ],
)
def test_bad_queries_get_spec_errors(world, client, params, status, words):
    assert words in assert_spec_error(client.get("/open311/v2/requests.json", params), status)


def test_at_most_the_limit_is_returned(located, client, monkeypatch):
    monkeypatch.setattr(views, "FILING", ratelimit.FilingLimit("petitions:file", limit=100, window=3600))
    for i in range(4):
        submit(report(description=f"Ổ gà lớn thứ {i} trên đường Trần Hưng Đạo, xe máy dễ ngã."))
    monkeypatch.setattr(open311, "MAX_RESULTS", 3)
    assert len(_get(client)) == 3


def test_the_list_reads_neither_the_identity_nor_the_written_answer(located, client, django_assert_max_num_queries):
    """Only the columns a request shows leave the database: not the petitioner, and not the
    conclusion, which may name people (`status_notes` gives the kind of result instead)."""
    submit(report(description="Phản ánh về đèn đường hỏng trên phố."))
    with django_assert_max_num_queries(5) as queries:
        assert len(_get(client)) == 1
    read = " ".join(q["sql"] for q in queries.captured_queries if "petitions_petition" in q["sql"])
    assert "petitions_petition" in read
    for column in ("identity_enc", "conclusion", "search_text", "sealed_links_enc"):
        assert f'"petitions_petition"."{column}"' not in read, column


def test_the_list_has_a_bounded_query_count(located, client, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(views, "FILING", ratelimit.FilingLimit("petitions:file", limit=100, window=3600))
    for i in range(3):
        submit(report(description=f"Phản ánh số {i} về đèn đường hỏng trên phố."))
    with django_assert_max_num_queries(5) as few:
        assert len(_get(client)) == 3
    few = len(few)  # now: the requests below clear the connection's query log
    for i in range(20):
        submit(report(description=f"Phản ánh thêm số {i} về cống thoát nước tắc."))
    with django_assert_max_num_queries(few):
        assert len(_get(client)) == 23
