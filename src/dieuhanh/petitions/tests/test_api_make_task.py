import datetime as dt

from dieuhanh.petitions import services


def test_an_accepted_petition_becomes_a_task_through_the_api(world, client):
    p = world.petition(kind="recommendation", subject="Ngập úng ngõ 5", content="Đề nghị cải tạo rãnh thoát nước ngõ 5.",
                       received_on=dt.date(2026, 11, 2))
    services.do_accept(actor=world.reception_a, petition=p, on=dt.date(2026, 11, 3))
    url = f"/api/v1/petitions/{p.pk}/make_task"
    body = {"source_document": world.resolution.pk, "lead_unit": world.ward_a.pk, "lead_person": world.officer_a_person.pk,
            "due_date": "2026-12-31", "expected_result": "Rãnh được cải tạo", "accountable_person": world.leader_person.pk}
    client.force_login(world.officer_a)
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(world.officer_b)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(world.office)
    missing = client.post(url, {**body, "accountable_person": None}, content_type="application/json")
    assert missing.status_code == 422 and "rõ trách nhiệm" in missing.json()["errors"]["accountable_person"][0]
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201 and made.json()["code"]
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409 and "state" in again.json()["errors"]
