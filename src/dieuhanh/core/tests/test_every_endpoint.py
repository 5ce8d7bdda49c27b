"""Every endpoint, found from the URL configuration rather than a hand-kept list, so a new app's
pages and API routes are held to the same rules the day they are added:

- without a session or token, nothing but the citizens' and public pages answers: a page sends
  to the login form, the API answers 401 (or 405 for a method it does not serve), never a page
  and never a 500;
- an account with no role (the outsider) never meets a 500, is refused or not found on every
  object, and every API list it may call is empty.

The per-role and per-unit checks of each app (403 for a role without the permission, 404 for
another ward's object) live with the app's own tests."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.urls import URLResolver, get_resolver

from dieuhanh.testing import bearer, signed_in

# Pages meant for anyone: citizens file and follow petitions, Open311 clients, the login form,
# the language switch, the API's own documentation.
PUBLIC = {
    "set_language", "openapi-json", "openapi-view", "login", "logout",
    "public_file", "public_receipt", "public_lookup",
}
PUBLIC_PREFIXES = ("/open311/",)  # GeoReport v2: public by the standard
# A value for each path converter that names nothing stored.
SAMPLES = {"int": "999999", "str": "khongco", "slug": "khong-co", "path": "khongco",
           "dossier_code": "000.00.00.H00-260101-0001"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif not str(p.pattern).startswith("^"):  # the catch-alls (a JSON or spec 404) serve no page
            yield prefix + str(p.pattern), p.name


def _url(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)


ENDPOINTS = sorted({(_url(route), str(name)) for route, name in _walk(get_resolver().url_patterns)})
STAFF = [
    (url, name) for url, name in ENDPOINTS
    if name not in PUBLIC and not url.startswith(PUBLIC_PREFIXES) and url != "/api/"
]


def test_the_walk_finds_every_app():
    prefixes = {url.split("/")[1] for url, _ in ENDPOINTS}
    assert {"api", "don", "ho-so", "chi-tieu", "ioc", "nhiem-vu", "van-ban", "nhat-ky", "open311"} <= prefixes
    assert len(STAFF) > 100


@pytest.mark.parametrize(("url", "name"), STAFF, ids=[f"{n}:{u}" for u, n in STAFF])
def test_without_a_login_nothing_answers(client, db, url, name):
    for method in (client.get, client.post):
        response = method(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 405), (method.__name__, response.status_code)
            assert response["Content-Type"].startswith("application/json")
        elif response.status_code != 405:
            assert response.status_code == 302, (method.__name__, response.status_code)
            assert urlparse(response["Location"]).path == "/dang-nhap/"


@pytest.mark.parametrize(("url", "name"), STAFF, ids=[f"{n}:{u}" for u, n in STAFF])
def test_an_account_without_a_role_sees_nothing(world, url, name):
    client = bearer(world.outsider) if url.startswith("/api/") else signed_in(world.outsider)
    response = client.get(url)
    assert response.status_code in (200, 302, 403, 404, 405), response.status_code
    if "999999" in url or "khongco" in url or "khong-co" in url or "H00-" in url:
        assert response.status_code in (403, 404, 405)  # an object: refused or not found
    if url.startswith("/api/") and response.status_code == 200:
        body = response.json()
        rows = body.get("results", body.get("items", [])) if isinstance(body, dict) else body
        assert not rows, f"{url} lists {len(rows)} rows to an account with no role"
