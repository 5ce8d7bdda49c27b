import datetime as dt

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from dieuhanh.core.models import AuditEvent, CalendarException
from dieuhanh.testing import signed_in


def test_the_calendar_page_needs_a_login(db):
    response = Client().get("/lich/")
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


def test_officers_see_tet_and_worked_saturdays_and_compute_a_deadline(world):
    response = signed_in(world.officer_a).get("/lich/", {"year": 2026, "from": "2026-02-13", "days": 1, "working": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "23/02/2026" in html  # the first working day after the 2026 Tết break
    assert "22/08/2026" in html  # a Saturday worked in exchange for 31/08
    assert 'id="calendar-add"' not in html  # only administrators announce days


def test_bad_calculator_input_gets_a_message(world):
    response = signed_in(world.officer_a).get("/lich/", {"from": "30/02/2026", "days": "-3"})
    html = response.content.decode()
    assert response.status_code == 200 and "không hợp lệ" in html and "không âm" in html


def test_an_administrator_announces_and_withdraws_a_day_off(world):
    client = signed_in(world.admin)
    events = AuditEvent.objects.count()
    client.post("/lich/them/", {"date": "2027-09-03", "kind": "day_off", "name": "Nghỉ bù", "document_number": "01/TB-BNV"})
    row = CalendarException.objects.get(date=dt.date(2027, 9, 3))
    assert row.document_number == "01/TB-BNV" and AuditEvent.objects.count() == events + 1
    client.post("/lich/bo/", {"date": "2027-09-03"})
    assert not CalendarException.objects.filter(date=dt.date(2027, 9, 3)).exists()


def test_an_announcement_without_its_document_is_refused_and_nothing_saved(world):
    response = signed_in(world.admin).post(
        "/lich/them/", {"date": "2027-09-03", "kind": "day_off", "document_number": ""}, follow=True
    )
    assert not CalendarException.objects.filter(date=dt.date(2027, 9, 3)).exists()
    assert "văn bản" in response.content.decode().lower()


def test_officers_cannot_change_the_calendar(world):
    response = signed_in(world.office).post("/lich/them/", {"date": "2027-09-03", "kind": "day_off", "document_number": "x"})
    assert response.status_code == 403
    assert not CalendarException.objects.filter(date=dt.date(2027, 9, 3)).exists()
