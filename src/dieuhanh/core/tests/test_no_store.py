"""No page shown to a signed-in user and no API answer is kept by a browser or proxy cache
(core.middleware.NoStoreMiddleware); static files keep their caching."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dieuhanh.testing import bearer, signed_in


def test_every_page_of_a_signed_in_user_is_not_stored(world):
    client = signed_in(world.officer_a)
    for url in (reverse("home"), reverse("petitions:petition_list"), "/khong-co-trang-nay/"):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store, private", url
        assert "Expires" not in response


def test_every_api_answer_is_not_stored_even_an_error(world):
    signed = bearer(world.officer_a).get("/api/v1/petitions")
    assert signed.status_code == 200 and signed["Cache-Control"] == "no-store, private"
    anonymous = Client().get("/api/v1/petitions")
    assert anonymous.status_code == 401 and anonymous["Cache-Control"] == "no-store, private"


def test_static_files_keep_their_caching(world):
    response = signed_in(world.officer_a).get("/static/dieuhanh/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
