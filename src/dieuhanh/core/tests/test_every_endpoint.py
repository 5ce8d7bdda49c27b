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
from django.urls import URLResolver, get_resolver, resolve

from dieuhanh.core import access
from dieuhanh.testing import bearer, signed_in

# Pages meant for anyone: citizens file and follow petitions, Open311 clients, the login form,
# the language switch. (The API's documentation is for signed-in users: core/tests/test_api_schema.py.)
PUBLIC = {
    "set_language", "login", "logout",
    "public_file", "public_receipt", "public_lookup", "public_rating",
}
PUBLIC_PREFIXES = ("/open311/",)  # GeoReport v2: public by the standard
# A value for each path converter that names nothing stored.
SAMPLES = {"int": "999999", "str": "khongco", "slug": "khong-co", "path": "khongco",
           "dossier_code": "000.00.00.H00-260101-0001", "open311_format": "json"}


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
        if url.startswith("/api/") and name != "openapi-view":  # the documentation is a page: to the login
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
    if url.startswith("/api/") and response.status_code == 200 and name != "openapi-view":
        body = response.json()
        rows = body.get("results", body.get("items", [])) if isinstance(body, dict) else body
        assert not rows, f"{url} lists {len(rows)} rows to an account with no role"


# --- the API as its OpenAPI schema describes it ------------------------------------------------------


def _schema_operations() -> list[tuple[str, str]]:
    from dieuhanh.api import api

    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


OPERATIONS = _schema_operations()


def _as_route(path: str) -> str:
    """An OpenAPI path (`/api/v1/tasks/{task_id}`) in the URL walk's form, parameters as `{}`."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_the_schema_and_the_url_configuration_name_the_same_api():
    walked = {
        _as_route("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
        for route, _name in _walk(get_resolver().url_patterns) if route.startswith("api/v1/")
    }
    documented = {_as_route(path) for _method, path in OPERATIONS}
    assert documented == walked, (documented ^ walked)
    assert len(OPERATIONS) > 40


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_wants_a_token(client, db, method, path):
    url = re.sub(r"\{([^}]+)\}", lambda m: "000.00.00.H00-260101-0001" if m.group(1) == "code" else "999999", path)
    response = client.generic(method, url, "{}", content_type="application/json")
    assert response.status_code == 401, response.status_code
    assert response.json()["detail"]


# --- each app's pages by role: a role with none of the app's permissions is refused ------------------


def _app_of(url: str) -> str | None:
    from django.urls import resolve

    module = resolve(urlparse(url).path).func.__module__
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "dieuhanh" else None


def _personas() -> dict[str, str]:
    """The test world's personas who hold a role, by the role they hold."""
    from dieuhanh.org.choices import Role

    return {
        "office": Role.OFFICE, "leader": Role.LEADER, "officer_a": Role.UNIT_OFFICER,
        "inspector": Role.INSPECTOR, "reception_a": Role.RECEPTION, "onestop_a": Role.ONE_STOP,
    }


def _outside_roles() -> list[tuple[str, str, str]]:
    """(url, name, persona) for each staff page and each persona of the test world who holds a
    role but none of the page's app's permissions (a one-stop officer on the petition pages)."""
    declared = access.declared()
    out = []
    for url, name in STAFF:
        app = _app_of(url)
        if app not in declared:
            continue
        held = {role for roles in declared[app].values() for role in roles}
        out += [(url, name, persona) for persona, role in _personas().items() if role not in held]
    return out


OUTSIDE = _outside_roles()


def test_some_roles_are_outside_some_apps():
    """The one-stop desk reads no petition (decision 12)."""
    assert {(name, persona) for _url, name, persona in OUTSIDE} >= {
        ("petition_list", "onestop_a"), ("session_list", "onestop_a"),
    }


@pytest.mark.parametrize(("url", "name", "persona"), OUTSIDE, ids=[f"{p}:{n}:{u}" for u, n, p in OUTSIDE])
def test_a_role_outside_the_app_is_refused(world, url, name, persona):
    user = getattr(world, persona)
    client = bearer(user) if url.startswith("/api/") else signed_in(user)
    response = client.get(url)
    if url.startswith("/api/") and response.status_code == 200:
        body = response.json()
        rows = body.get("results", body.get("items", [])) if isinstance(body, dict) else body
        assert not rows, f"{url} lists {len(rows)} rows to {persona}"
    else:
        assert response.status_code in (403, 404, 405), response.status_code


# --- pages that require a permission (`access.requires`): refused to each role without it -------------


def _required() -> list[tuple[str, str, str, str, bool]]:
    """(url, name, permission, persona, holds) for each staff page whose view says what it
    requires, and each persona of the test world."""
    from django.urls import resolve

    out = []
    for url, name in STAFF:
        permission = getattr(resolve(urlparse(url).path).func, "permission", None)
        if permission is None:
            continue
        app, action = permission
        for persona, role in _personas().items():
            out.append((url, name, f"{app}.{action}", persona, role in access.roles(app, action)))
    return out


REQUIRED = _required()


def test_pages_say_what_they_require():
    required = {(name, permission) for _u, name, permission, _p, _h in REQUIRED}
    assert {("petition_create", "petitions.receive"), ("dossier_stats", "dossiers.stats"),
            ("audit_log", "core.audit"), ("procedure_create", "dossiers.catalogue"),
            ("document_create", "directives.assign"), ("indicator_import", "indicators.edit")} <= required
    assert any(not holds for *_rest, holds in REQUIRED) and any(holds for *_rest, holds in REQUIRED)


@pytest.mark.parametrize(
    ("url", "name", "permission", "persona", "holds"), REQUIRED,
    ids=[f"{p}:{n}:{u}" for u, n, _perm, p, _h in REQUIRED],
)
def test_a_page_answers_by_the_permission_it_requires(world, url, name, permission, persona, holds):
    """403 for a role without the permission (on an object's page the object may be unknown
    first: 404); for a role with it, never 403, never a 500."""
    response = signed_in(getattr(world, persona)).get(url)
    if holds:
        assert response.status_code in (200, 302, 404, 405), response.status_code
    else:
        assert response.status_code in ((403, 404) if "999999" in url or "khongco" in url else (403,)), (
            response.status_code
        )


# --- the administrator: every page without a parameter opens -----------------------------------------

PLAIN = [(url, name) for url, name in STAFF if not re.search(r"999999|khongco|khong-co|H00-|/x/", url)]


@pytest.mark.parametrize(("url", "name"), PLAIN, ids=[f"{n}:{u}" for u, n in PLAIN])
def test_the_administrator_opens_every_page(world, url, name):
    """…except a page for a confidential permission (`access.declare`): the inspection and
    discipline files are read by those the party's rules name, not by whoever runs the server."""
    client = bearer(world.admin) if url.startswith("/api/") else signed_in(world.admin)
    response = client.get(url)
    permission = None if url.startswith("/api/") else getattr(resolve(url.split("?")[0]).func, "permission", None)
    if permission is not None and access.is_confidential(*permission):
        assert response.status_code == 403, response.status_code
        return
    assert response.status_code in (200, 302, 405), response.status_code
