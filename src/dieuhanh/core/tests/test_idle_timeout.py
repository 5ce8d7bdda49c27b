"""A signed-in session unused for DIEUHANH_IDLE_MINUTES is ended (core.middleware.IdleTimeoutMiddleware);
use extends it, a page's periodic polls do not."""

from __future__ import annotations

from django.urls import reverse

from dieuhanh.core.middleware import IdleTimeoutMiddleware
from dieuhanh.testing import signed_in

KEY = IdleTimeoutMiddleware.KEY
POLL = {"headers": {"X-Dieuhanh-Poll": "1", "HX-Request": "true"}}


def _age(client, minutes: float) -> int:
    """Move the stored time of last use `minutes` into the past; return it."""
    session = client.session
    session[KEY] -= int(minutes * 60)
    session.save()
    return session[KEY]


def test_an_idle_session_is_ended_with_a_message_saying_why(world, settings):
    settings.DIEUHANH_IDLE_MINUTES = 30
    client = signed_in(world.officer_a)
    assert client.get(reverse("home")).status_code == 200
    _age(client, 31)
    url = reverse("petitions:petition_list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã kết thúc vì không sử dụng trong 30 phút" in page
    assert client.get(url).status_code == 302  # signed out, not only redirected once
    assert "_auth_user_id" not in client.session


def test_use_extends_the_session(world, settings):
    settings.DIEUHANH_IDLE_MINUTES = 30
    client = signed_in(world.officer_a)
    client.get(reverse("home"))
    before = _age(client, 29)
    assert client.get(reverse("home")).status_code == 200
    assert client.session[KEY] >= before + 29 * 60
    _age(client, 29)  # 58 minutes since sign-in, 29 since the last use
    assert client.get(reverse("home")).status_code == 200


def test_a_poll_neither_extends_the_session_nor_survives_its_end(world, settings):
    settings.DIEUHANH_IDLE_MINUTES = 30
    client = signed_in(world.officer_a)
    client.get(reverse("home"))
    before = _age(client, 20)
    assert client.get(reverse("notifications:unread_badge"), **POLL).status_code == 200
    assert client.session[KEY] == before
    _age(client, 11)
    response = client.get(reverse("notifications:unread_badge"), **POLL)
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))


def test_the_limit_is_the_setting(world, settings):
    settings.DIEUHANH_IDLE_MINUTES = 5
    client = signed_in(world.officer_a)
    client.get(reverse("home"))
    _age(client, 6)
    assert client.get(reverse("home")).status_code == 302
