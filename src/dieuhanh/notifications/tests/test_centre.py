"""The notification centre: a person's own notifications only, unread first, read marks, the
header's count, the link to the object (local only) and the preferences with Vietnamese messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dieuhanh.core.models import AuditEvent
from dieuhanh.notifications.choices import EmailMode
from dieuhanh.notifications.models import Notification, Preference
from dieuhanh.notifications.services import notify, unread_count
from dieuhanh.testing import bearer, post_json, signed_in

pytestmark = pytest.mark.django_db

CENTRE = "/thong-bao/"


@pytest.fixture
def task_a(world: Any) -> Any:
    task = world.task(lead_unit=world.ward_a)
    Notification.objects.filter(rule="task.assigned").delete()  # its own notice of assignment (reminders)
    return task


def _notify(user: Any, task: Any, title: str, url: str | None = None) -> Notification:
    (n,) = notify([user], rule="task.assigned", title=title, obj=task,
                  url=task.get_absolute_url() if url is None else url)
    return n


def test_the_centre_lists_only_my_notifications_unread_first(world: Any, task_a: Any) -> None:
    old = _notify(world.officer_a, task_a, "Cũ, đã đọc")
    new = _notify(world.officer_a, task_a, "Mới, chưa đọc")
    older_unread = _notify(world.officer_a, task_a, "Chưa đọc, cũ hơn")
    Notification.objects.filter(pk=older_unread.pk).update(created_at=old.created_at.replace(year=2025))
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    _notify(world.leader, task_a, "Của lãnh đạo")
    page = signed_in(world.officer_a).get(CENTRE).content.decode()
    assert "Của lãnh đạo" not in page
    assert page.index("Mới, chưa đọc") < page.index("Chưa đọc, cũ hơn") < page.index("Cũ, đã đọc")
    assert "notif--unread" in page and "2 thông báo chưa đọc" in page
    only_unread = signed_in(world.officer_a).get(CENTRE, {"unread": "1"}).content.decode()
    assert "Cũ, đã đọc" not in only_unread and new.title in only_unread
    # A filter value that does not parse is said and dropped, never a 500.
    assert signed_in(world.officer_a).get(CENTRE, {"unread": "??", "page": "x"}).status_code == 200


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(world: Any, task_a: Any) -> None:
    n = _notify(world.officer_a, task_a, "Nhiệm vụ mới")
    response = signed_in(world.officer_a).get(reverse("notifications:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == task_a.get_absolute_url()
    n.refresh_from_db()
    assert n.read_at is not None and unread_count(world.officer_a) == 0


@pytest.mark.parametrize("url", ["https://lua-dao.example/dang-nhap", "//lua-dao.example/", "/\\lua-dao.example", "javascript:alert(1)"])
def test_a_link_that_leaves_the_site_leads_to_the_centre(world: Any, task_a: Any, url: str) -> None:
    n = _notify(world.officer_a, task_a, "Liên kết lạ", url=url)
    response = signed_in(world.officer_a).get(reverse("notifications:notification_open", args=[n.pk]))
    assert response["Location"] == CENTRE
    marked = signed_in(world.officer_a).post(reverse("notifications:mark_read", args=[n.pk]), {"next": url})
    assert marked["Location"] == CENTRE


def test_another_persons_notification_is_not_found_anywhere(world: Any, task_a: Any) -> None:
    """Whoever asks for someone else's notification learns nothing: 404, as for a number that
    does not exist, and it stays unread."""
    n = _notify(world.leader, task_a, "Của lãnh đạo")
    officer = signed_in(world.officer_a)
    assert officer.get(reverse("notifications:notification_open", args=[n.pk])).status_code == 404
    assert officer.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
    officer.post(reverse("notifications:mark_all_read"))
    api = bearer(world.officer_a)
    assert post_json(api, f"/api/v1/notifications/{n.pk}/read").status_code == 404
    assert post_json(api, "/api/v1/notifications/read-all").json() == {"marked": 0, "unread": 0}
    assert api.get("/api/v1/notifications").json()["results"] == []
    n.refresh_from_db()
    assert n.read_at is None and unread_count(world.leader) == 1


def test_marking_read_one_and_all_is_a_post_with_no_audit_event(world: Any, task_a: Any) -> None:
    first = _notify(world.officer_a, task_a, "Một")
    _notify(world.officer_a, task_a, "Hai")
    client = signed_in(world.officer_a)
    events = AuditEvent.objects.count()
    assert client.get(reverse("notifications:mark_read", args=[first.pk])).status_code == 405
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), {"next": f"{CENTRE}?unread=1"})
    assert response["Location"] == f"{CENTRE}?unread=1" and unread_count(world.officer_a) == 1
    client.post(reverse("notifications:mark_all_read"))
    assert unread_count(world.officer_a) == 0
    assert AuditEvent.objects.count() == events


def test_marking_read_needs_the_csrf_token(world: Any, task_a: Any) -> None:
    from django.test import Client

    n = _notify(world.officer_a, task_a, "Một")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 403
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403
    assert unread_count(world.officer_a) == 1


def test_the_header_shows_the_count_in_figures_and_in_words_on_every_page(world: Any, task_a: Any) -> None:
    for title in ("Một", "Hai", "Ba"):
        _notify(world.officer_a, task_a, title)
    page = signed_in(world.officer_a).get(reverse("home")).content.decode()
    assert 'id="unread-count"' in page and 'aria-live="polite"' in page
    assert 'hx-get="/thong-bao/dem/"' in page and 'hx-trigger="every 30s"' in page
    assert 'data-unread="3"' in page and "3 thông báo chưa đọc" in page
    fragment = signed_in(world.officer_a).get("/thong-bao/dem/", headers={"HX-Request": "true"})
    assert "3 thông báo chưa đọc" in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert "không có thông báo chưa đọc" in signed_in(world.officer_b).get("/thong-bao/dem/").content.decode()


def test_the_count_stops_polling_when_the_session_has_ended(client: Any, db: Any) -> None:
    assert client.get("/thong-bao/dem/", headers={"HX-Request": "true"}).status_code == 286
    assert client.get("/thong-bao/dem/")["Location"].startswith("/dang-nhap/")


def test_the_api_lists_counts_and_marks(world: Any, task_a: Any) -> None:
    first = _notify(world.officer_a, task_a, "Một")
    _notify(world.officer_a, task_a, "Hai")
    api = bearer(world.officer_a)
    assert api.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    body = api.get("/api/v1/notifications").json()
    assert body["count"] == 2 and [r["title"] for r in body["results"]] == ["Hai", "Một"]
    assert body["results"][0]["url"] == task_a.get_absolute_url()
    marked = post_json(api, f"/api/v1/notifications/{first.pk}/read").json()
    assert marked["id"] == first.pk and marked["read_at"]
    unread = api.get("/api/v1/notifications", {"unread": "true"}).json()
    assert [r["title"] for r in unread["results"]] == ["Hai"]
    assert post_json(api, "/api/v1/notifications/read-all").json() == {"marked": 1, "unread": 0}
    assert api.get("/api/v1/notifications", {"unread": "maybe"}).status_code == 422


# --- preferences -------------------------------------------------------------------------------------

PREFS = "/thong-bao/cai-dat/"


def test_preferences_save_the_login_address_and_the_channel_with_an_audit_event(world: Any) -> None:
    client = signed_in(world.officer_a)
    page = client.get(PREFS).content.decode()
    assert "Gộp vào thư tổng hợp hằng ngày" in page  # the default
    response = client.post(PREFS, {"email": " canbo.a@phuong-a.gov.vn ", "email_mode": "immediate", "daily_digest": ""})
    assert response.status_code == 302
    world.officer_a.refresh_from_db()
    pref = Preference.objects.get(user=world.officer_a)
    assert world.officer_a.email == "canbo.a@phuong-a.gov.vn"
    assert (pref.email_mode, pref.daily_digest) == (EmailMode.IMMEDIATE, False)
    event = AuditEvent.objects.filter(object_type="notifications.preference").latest("seq")
    assert event.actor_id == world.officer_a.pk and (event.after or {})["email_mode"] == "immediate"
    client.post(PREFS, {"email": "canbo.a@phuong-a.gov.vn", "email_mode": "immediate", "daily_digest": ""})
    assert AuditEvent.objects.filter(object_type="notifications.preference").count() == 1  # nothing changed


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "khong-phai-dia-chi", "email_mode": "digest", "daily_digest": "on"},
     "Địa chỉ thư điện tử không hợp lệ"),
    ({"email": "", "email_mode": "immediate"}, "Cần địa chỉ thư điện tử để nhận thư"),
    ({"email": "", "email_mode": "off", "daily_digest": "on"}, "Cần địa chỉ thư điện tử để nhận thư"),
    ({"email": "a@b.vn", "email_mode": "fax"}, "Nhận thông báo qua thư điện tử: chọn một trong các cách đã nêu."),
    ({"email": "a@b.vn"}, "Nhận thông báo qua thư điện tử: chọn một cách."),
    ({"email": "a" * 250 + "@b.vn", "email_mode": "off"}, "Địa chỉ thư điện tử dài quá 254 ký tự."),
])
def test_preferences_refuse_bad_input_naming_the_field(world: Any, data: dict[str, str], message: str) -> None:
    response = signed_in(world.officer_a).post(PREFS, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "field--error" in page
    assert not Preference.objects.filter(user=world.officer_a).exists()


def test_no_address_and_no_mail_is_a_valid_choice(world: Any) -> None:
    response = signed_in(world.officer_a).post(PREFS, {"email": "", "email_mode": "off"})
    assert response.status_code == 302
    assert Preference.objects.get(user=world.officer_a).email_mode == EmailMode.OFF
