"""API v1 for one-stop dossiers: authentication and scope on every endpoint, the shared filter
(422 naming the filter), a fixed number of queries per page, receiving through the service,
the detail with steps, deadlines and history, and the statistics rolled up to today's wards."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dieuhanh.dossiers import services
from dieuhanh.dossiers.models import Dossier, DossierEvent
from dieuhanh.testing import bearer, post_json, signed_in

VN = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/api/v1/dossiers"


def make(world, code, *, unit=None, received=dt.date(2025, 9, 1), due=dt.date(2025, 9, 8), status="returned",
         result=None, timeliness="", channel="desk", **extra):
    return Dossier.objects.create(
        code=code, procedure=world.procedure(), unit=unit or world.ward_a, channel=channel, status=status,
        source="import", received_on=received, due_on=due, result_on=result, timeliness=timeliness,
        applicant_name="Người nộp thử", **extra,
    )


@pytest.fixture
def dossiers(world):
    a = world.dossier()  # received at ward A now, through the service
    b = world.dossier(actor=world.onestop_b, unit=world.ward_b, applicant_name="Trần Văn Bê")
    return a, b


# --- authentication and scope --------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", ""), ("get", "/stats"), ("get", "/{code}")])
def test_every_endpoint_requires_authentication(world, dossiers, method, path):
    url = URL + path.format(code=dossiers[0].code)
    response = getattr(Client(), method)(url, data={} if method == "post" else None, content_type="application/json")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_a_ward_one_stop_officer_lists_only_that_wards_dossiers(world, dossiers):
    a, b = dossiers
    body = bearer(world.onestop_a).get(URL).json()
    assert [d["code"] for d in body["results"]] == [a.code]
    assert body["results"][0]["unit"]["name"] == "Phường Chu Văn An"
    assert body["results"][0]["procedure"]["code"] == "1.001193"
    leader = bearer(world.leader).get(URL).json()
    assert {d["code"] for d in leader["results"]} == {a.code, b.code}
    assert bearer(world.outsider).get(URL).json()["count"] == 0


def test_ward_b_gets_404_for_ward_a_dossier(world, dossiers):
    a, _b = dossiers
    assert bearer(world.onestop_b).get(f"{URL}/{a.code}").status_code == 404
    assert bearer(world.onestop_a).get(f"{URL}/{a.code}").status_code == 200
    assert bearer(world.onestop_a).get(f"{URL}/KHONG-CO").status_code == 404


def test_post_at_another_ward_is_403(world):
    world.procedure()
    response = post_json(bearer(world.onestop_a), URL, {
        "procedure": "1.001193", "unit": world.ward_b.pk, "channel": "desk", "applicant_name": "Lê Văn Ngoài",
    })
    assert response.status_code == 403
    assert Dossier.objects.count() == 0
    response = post_json(bearer(world.outsider), URL, {
        "procedure": "1.001193", "unit": world.ward_a.pk, "applicant_name": "Lê Văn Ngoài",
    })
    assert response.status_code == 403


# --- list -------------------------------------------------------------------------------------------


def test_the_list_uses_the_shared_filter(world):
    make(world, "K1", channel="online", received=dt.date(2025, 3, 3))
    make(world, "K2", channel="post", received=dt.date(2025, 9, 3))
    make(world, "K3", unit=world.ward_a_old, received=dt.date(2024, 6, 3), due=dt.date(2024, 6, 10))
    client = bearer(world.onestop_a)
    assert [d["code"] for d in client.get(URL, {"channel": "online"}).json()["results"]] == ["K1"]
    assert [d["code"] for d in client.get(URL, {"date_from": "01/09/2025"}).json()["results"]] == ["K2"]
    # The unit includes the ward it succeeded; a 2024 dossier of phường Sao Đỏ is ward A's.
    by_unit = client.get(URL, {"unit": world.ward_a.pk}).json()
    assert [d["code"] for d in by_unit["results"]] == ["K2", "K1", "K3"]


@pytest.mark.parametrize(("name", "value"), [("channel", "fax"), ("date_from", "31/02/2025"), ("unit", "abc"),
                                             ("status", "lost")])
def test_a_bad_list_filter_is_422_naming_it(world, name, value):
    response = bearer(world.onestop_a).get(URL, {name: value})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [name]
    assert value in response.json()["errors"][name][0]


def test_the_list_takes_a_fixed_number_of_queries(world):
    client = bearer(world.leader)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    make(world, "Q0")
    queries()  # the first request also loads the unit graph and stamps the token
    few = queries()
    for i in range(1, 25):
        make(world, f"Q{i}", unit=world.ward_b if i % 2 else world.ward_a)
    assert queries() == few
    # token, the address's failed-token counter (a held-back address is refused even a right
    # token), the stamps (core.generations: the grants and the unit graph are the process's while
    # they stand), count, page (procedure and unit joined)
    assert few == 5


def test_pages(world):
    for i in range(5):
        make(world, f"P{i}", received=dt.date(2025, 9, 1 + i))
    body = bearer(world.onestop_a).get(URL, {"page": 2, "page_size": 2}).json()
    assert body["count"] == 5 and body["page"] == 2
    assert [d["code"] for d in body["results"]] == ["P2", "P1"]
    assert bearer(world.onestop_a).get(URL, {"page_size": 1000}).status_code == 422


# --- receive --------------------------------------------------------------------------------------------


def test_receive_a_dossier(world):
    world.procedure()
    response = post_json(bearer(world.onestop_a), URL, {
        "procedure": "1.001193", "unit": world.ward_a.pk, "channel": "online",
        "applicant_name": "Phạm Thị Nộp", "applicant_phone": "0911222333",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    d = Dossier.objects.get(code=body["code"])
    assert d.unit == world.ward_a and d.channel == "online" and d.source == "native"
    assert body["status"] == "received" and body["due_on"] == d.due_on.isoformat()
    assert body["deadlines"]["due_computed"] is True
    assert [e["kind"] for e in body["events"]] == ["receive"]
    assert body["events"][0]["actor"] == "motcua_a"
    assert "forward" in body["allowed_actions"]


def test_an_online_dossier_received_after_office_hours_counts_from_the_next_working_day(world):
    """Decree 45/2020: sent online on Tue 10/3/2026 at 17:30, after office hours (17:00), it counts
    from Wed 11/3; three working days: 12, 13, 16/3. At 16:30 it counts that day: 11, 12, 13/3."""
    world.procedure(processing_days=3)
    client = bearer(world.onestop_a)
    due = {}
    for hour in ("17:30", "16:30"):
        response = post_json(client, URL, {
            "procedure": "1.001193", "unit": world.ward_a.pk, "channel": "online", "applicant_name": "Lê Văn Mạng",
            "received_at": f"2026-03-10T{hour}:00+07:00",
        })
        assert response.status_code == 201, response.content
        body = response.json()
        due[hour] = (body["due_on"], body["deadlines"]["counts_from"])
    assert due == {"17:30": ("2026-03-16", "2026-03-11"), "16:30": ("2026-03-13", "2026-03-10")}


@pytest.mark.parametrize(("body", "field"), [
    ({"unit": "ward_a", "applicant_name": "A"}, "procedure"),
    ({"procedure": "9.999999", "unit": "ward_a", "applicant_name": "A"}, "procedure"),
    ({"procedure": "1.001193", "unit": 999999, "applicant_name": "A"}, "unit"),
    ({"procedure": "1.001193", "applicant_name": "A"}, "unit"),
    ({"procedure": "1.001193", "unit": "ward_a", "applicant_name": "A", "channel": "fax"}, "channel"),
    ({"procedure": "1.001193", "unit": "ward_a", "applicant_name": "  "}, "applicant_name"),
    ({"procedure": "1.001193", "unit": "ward_a", "applicant_name": "A", "received_at": "hôm qua"}, "received_at"),
])
def test_receive_refuses_bad_input_with_422_naming_the_field(world, body, field):
    world.procedure()
    if body.get("unit") == "ward_a":
        body = {**body, "unit": world.ward_a.pk}
    response = post_json(bearer(world.onestop_a), URL, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Dossier.objects.count() == 0


# --- detail ---------------------------------------------------------------------------------------------


def test_the_detail_has_steps_deadlines_and_history(world):
    d = world.dossier(received_at=dt.datetime(2025, 9, 8, 9, 0, tzinfo=VN))
    services.do_forward(actor=world.onestop_a, dossier=d, body=world.province_department, days=2,
                        task="Thẩm định", at=dt.datetime(2025, 9, 8, 16, 0, tzinfo=VN))
    body = bearer(world.onestop_a).get(f"{URL}/{d.code}").json()
    assert body["status"] == "processing"
    assert body["current_body"] == "Sở Nông nghiệp và Môi trường"
    step = body["steps"][0]
    assert step["interlevel"] is True and step["unit"]["name"] == "Thành phố Hải Phòng"
    assert step["counts_from"] == "2025-09-09"  # reached the body after 15:00
    assert step["due_on"] == "2025-09-11"
    assert step["transfer_due_on"] == "2025-09-08" and step["transferred_late"] is False
    assert [e["kind"] for e in body["events"]] == ["receive", "transfer"]
    assert body["deadlines"]["due_on"] == "2025-09-15"
    assert body["deadlines"]["open_step_due_on"] == "2025-09-11"
    if timezone.localdate() > dt.date(2025, 9, 15):
        assert body["late_now"] is True and body["deadlines"]["days_late"] > 0
    # The province's one-stop officer sees the dossier sent to a province body.
    assert bearer(world.onestop_province).get(f"{URL}/{d.code}").status_code == 200


def test_a_code_with_a_slash_and_the_stats_path(world):
    make(world, "000.00.20.H31/2025-0001")
    assert bearer(world.onestop_a).get(f"{URL}/000.00.20.H31/2025-0001").json()["code"] == "000.00.20.H31/2025-0001"
    # /stats is the statistics, never a dossier whose code is "stats".
    make(world, "stats")
    assert "rows" in bearer(world.onestop_a).get(f"{URL}/stats").json()


# --- workflow actions (one route each, from cases.DossierCases) -----------------------------------


def test_a_dossier_goes_through_its_workflow_on_the_api(world, dossiers):
    a, _ = dossiers
    client = bearer(world.onestop_a)
    response = post_json(client, f"{URL}/{a.code}/forward", {"body": world.province_department.pk, "days": 3})
    assert response.status_code == 200, response.content
    body = response.json()
    step = body["steps"][-1]
    assert body["status"] == "processing" and step["body"] == world.province_department.pk and step["days"] == 3
    assert "forward" in body["allowed_actions"] and "return" not in body["allowed_actions"]
    # The province's desk finishes its step; the ward records the result and hands it over.
    assert post_json(bearer(world.onestop_province), f"{URL}/{a.code}/step_done").status_code == 200
    assert post_json(client, f"{URL}/{a.code}/result", {"note": "Giấy chứng nhận số 12"}).status_code == 200
    response = post_json(client, f"{URL}/{a.code}/return", {"method": "desk"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    kinds = list(DossierEvent.objects.filter(dossier=a).order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["receive", "transfer", "step_done", "result", "return"]


def test_dossier_actions_answer_409_403_404_and_422(world, dossiers):
    a, b = dossiers
    # Completion is requested once only: the second request is a conflict, not bad input.
    client = bearer(world.onestop_a)
    assert post_json(client, f"{URL}/{a.code}/request_supplement", {"note": "Thiếu bản sao sổ đỏ"}).status_code == 200
    # A unit officer sees the ward's dossiers but does not handle them; ward B does not see them.
    assert post_json(bearer(world.officer_a), f"{URL}/{a.code}/supplemented").status_code == 403
    assert post_json(bearer(world.onestop_b), f"{URL}/{a.code}/supplemented").status_code == 404
    assert post_json(client, f"{URL}/{a.code}/supplemented").status_code == 200
    again = post_json(client, f"{URL}/{a.code}/request_supplement", {"note": "Thiếu thêm"})
    assert again.status_code == 409 and "một lần" in again.json()["errors"]["status"][0]
    # No body to send ward B's dossier to, and a date that is not one.
    response = post_json(bearer(world.onestop_b), f"{URL}/{b.code}/forward", {"days": 2})
    assert response.status_code == 422 and "body" in response.json()["errors"]
    response = post_json(bearer(world.onestop_b), f"{URL}/{b.code}/apology", {"reason": "Chờ", "new_due_on": "hôm qua"})
    assert response.status_code == 422 and "new_due_on" in response.json()["errors"]
    assert Dossier.objects.get(pk=b.pk).status == "received"


def test_imported_history_names_the_job(world):
    d = make(world, "IMP1")
    DossierEvent.objects.create(dossier=d, at=timezone.now(), kind="import", to_status="returned", note="Tệp 1")
    body = bearer(world.onestop_a).get(f"{URL}/IMP1").json()
    assert body["events"][0]["kind_label"] == "Cập nhật từ tệp nhập" and body["events"][0]["actor"] == ""


# --- statistics ------------------------------------------------------------------------------------------


@pytest.fixture
def sample(world):
    make(world, "S1", result=dt.date(2025, 9, 5), timeliness="early", channel="online")
    make(world, "S2", result=dt.date(2025, 9, 8), timeliness="on_time", channel="post")
    make(world, "S3", result=dt.date(2025, 9, 12), timeliness="late", return_method="post",
         apology_on=dt.date(2025, 9, 8))
    make(world, "S4", status="processing", due=dt.date(2025, 9, 20))
    make(world, "S5", unit=world.ward_a_old, received=dt.date(2024, 5, 6), due=dt.date(2024, 5, 13),
         result=dt.date(2024, 5, 10), timeliness="early")
    make(world, "S6", unit=world.ward_b, result=dt.date(2025, 9, 10), timeliness="late")


def stats(client, **params):
    return client.get(f"{URL}/stats", params)


def test_stats_rates_equal_the_hand_count(world, sample):
    body = stats(bearer(world.office), date_from="2025-01-01", date_to="2025-12-31").json()
    rows = {r["key"]: r for r in body["rows"]}
    a = rows[world.ward_a.pk]
    assert (a["received"], a["finished"], a["early"], a["on_time"], a["late"]) == (4, 3, 1, 1, 1)
    assert (a["open"], a["late_now"], a["online"], a["postal"], a["apologies"]) == (1, 1, 1, 2, 1)
    assert a["on_time_rate"] == pytest.approx(2 / 3)
    assert a["late_rate"] == pytest.approx(1 / 3)
    assert a["online_share"] == pytest.approx(0.25)
    assert a["postal_share"] == pytest.approx(0.5)
    assert rows[world.ward_b.pk]["on_time_rate"] == 0.0
    assert body["totals"]["received"] == 5
    assert body["totals"]["on_time_rate"] == pytest.approx(2 / 4)
    assert body["date_from"] == "2025-01-01" and body["by"] == "unit"


def test_stats_roll_a_2024_dossier_of_the_old_ward_up_to_todays(world, sample):
    client = bearer(world.leader)
    body = stats(client, date_from="2024-01-01", date_to="2025-12-31").json()
    rows = {r["key"]: r for r in body["rows"]}
    assert set(rows) == {world.ward_a.pk, world.ward_b.pk}
    assert rows[world.ward_a.pk]["received"] == 5 and rows[world.ward_a.pk]["early"] == 2
    then = {r["key"]: r for r in stats(client, date_from="2024-01-01", date_to="2025-12-31", by="unit_then").json()["rows"]}
    assert then[world.ward_a_old.pk]["received"] == 1 and then[world.ward_a.pk]["received"] == 4
    assert then[world.ward_a_old.pk]["label"].startswith("Phường Sao Đỏ")
    # The 2024 register alone, by year.
    body = stats(client, year="2024").json()
    assert [(r["key"], r["received"]) for r in body["rows"]] == [(world.ward_a.pk, 1)]


def test_stats_by_every_grouping(world, sample):
    client = bearer(world.admin)
    for by, key in (("procedure", "1.001193"), ("field", "Hộ tịch"), ("channel", "desk"), ("month", "2025-09")):
        body = stats(client, date_from="2025-01-01", by=by).json()
        assert key in {r["key"] for r in body["rows"]}, by
        assert body["totals"]["received"] == 5


def test_stats_filters(world, sample):
    client = bearer(world.admin)
    assert stats(client, date_from="2025-01-01", channel="online").json()["totals"]["received"] == 1
    assert stats(client, date_from="2025-01-01", unit=world.ward_b.pk).json()["totals"]["received"] == 1
    assert stats(client, date_from="2025-01-01", field="Hộ tịch").json()["totals"]["received"] == 5
    assert stats(client, date_from="2025-01-01", procedure="9.9").json()["totals"]["received"] == 0


@pytest.mark.parametrize(("params", "name"), [
    ({"channel": "fax"}, "channel"), ({"date_from": "2025-13-01"}, "date_from"), ({"unit": "x1"}, "unit"),
    ({"by": "weekday"}, "by"), ({"year": "20x5"}, "year"),
    ({"date_from": "2025-12-01", "date_to": "2025-01-01"}, "date_to"),
])
def test_a_bad_stats_filter_is_422_naming_it(world, params, name):
    response = stats(bearer(world.office), **params)
    assert response.status_code == 422
    assert name in response.json()["errors"]


def test_stats_scope_and_roles(world, sample):
    a = stats(bearer(world.onestop_a), date_from="2024-01-01").json()
    assert [r["key"] for r in a["rows"]] == [world.ward_a.pk]
    assert a["totals"]["received"] == 5
    for user in (world.officer_a, world.outsider):
        assert stats(bearer(user)).status_code == 403
    assert stats(signed_in(world.office), date_from="2025-01-01").status_code == 200
