import datetime as dt

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from dieuhanh.core.models import AuditEvent, CalendarException
from dieuhanh.testing import in_english, signed_in


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


def test_a_worked_saturday_is_named_in_the_language_of_the_reader(world):
    CalendarException.objects.filter(date=dt.date(2024, 5, 4)).delete()  # as the package has it
    html = in_english(signed_in(world.officer_a)).get("/lich/", {"year": 2024}).content.decode()
    assert "Làm bù (hoán đổi" not in html and "Make-up working day (swapped)" in html


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


def test_the_page_says_which_years_are_confirmed_and_why_each_holiday_is_off(world):
    html = signed_in(world.officer_a).get("/lich/", {"year": 2026}).content.decode()
    status = html[html.index('id="calendar-status"'):]
    assert "Năm 2026: đã xác nhận" in status and "Văn phòng Chính phủ" in status
    assert "Bộ luật Lao động 2019 (Luật số 45/2019/QH14), Điều 112 khoản 1 điểm b" in html  # Tết
    row = html[html.index("24/11/2026"):]
    row = row[: row.index("</tr>")]
    assert "Ngày Văn hóa Việt Nam" in row and "80-NQ/TW" in row and "chưa đối chiếu" in row
    html = signed_in(world.officer_a).get("/lich/", {"year": 2027}).content.decode()
    assert "Năm 2027: tạm tính" in html


def test_an_administrator_overrides_a_package_holiday_from_the_page(world):
    client = signed_in(world.admin)
    html = client.get("/lich/", {"year": 2026}).content.decode()
    assert "?year=2026&amp;override=2026-11-24#calendar-add" in html
    form = client.get("/lich/", {"year": 2026, "override": "2026-11-24"}).content.decode()
    form = form[form.index('id="calendar-add"'):]
    assert 'value="2026-11-24"' in form and '<option value="working_day" selected>' in form
    response = client.post(
        "/lich/them/",
        {"date": "2026-11-24", "kind": "working_day", "name": "Không nghỉ", "document_number": "Công văn 1/UBND"},
        follow=True,
    )
    assert "Đã ghi ngày 24/11/2026 vào lịch." in response.content.decode()
    assert CalendarException.objects.get(date=dt.date(2026, 11, 24)).kind == "working_day"
    row = response.content.decode().split('id="calendar-days"')[1]
    row = row[row.index("24/11/2026"):]
    assert "Làm việc" in row[: row.index("</tr>")] and "Công văn 1/UBND" in row[: row.index("</tr>")]


def test_announcing_an_ordinary_weekday_worked_says_why_it_is_refused(world):
    response = signed_in(world.admin).post(
        "/lich/them/", {"date": "2026-11-26", "kind": "working_day", "document_number": "1/UBND"}, follow=True
    )
    html = response.content.decode()
    assert "vốn đã là ngày làm việc" in html and "thứ Bảy hoặc Chủ nhật" not in html
    assert not CalendarException.objects.filter(date=dt.date(2026, 11, 26)).exists()
