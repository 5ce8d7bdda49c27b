"""Who signed in, read cheaply on every request (core/signin.py): the session by one statement,
the user's row kept per process under the `users` stamp. What is kept never outlives a change:
a password or an account changed by any process, a command or SQL signs the user out at the
next request. Runs on SQLite and on PostgreSQL (the test command's second run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import load_backend
from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dieuhanh.core import requestmemo
from dieuhanh.core.signin import SessionStore, UserBackend
from dieuhanh.testing import signed_in

BACKEND = "dieuhanh.core.signin.UserBackend"


def _stamp(name: str) -> int | None:
    with connection.cursor() as cur:
        cur.execute("SELECT stamp FROM core_generation WHERE name = %s", [name])
        row = cur.fetchone()
    return row[0] if row else None


def _sql(statement: str, params: list[Any]) -> None:
    """What another process, a command or an administrator's SQL does: no signal, no save()."""
    with connection.cursor() as cur:
        cur.execute(statement, params)


def test_the_sessions_and_the_backend_are_these(settings):
    assert settings.SESSION_ENGINE == "dieuhanh.core.signin"
    assert BACKEND in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS


@pytest.mark.django_db
def test_a_page_after_the_first_reads_no_user_row_and_the_session_in_one_statement(world):
    client = signed_in(world.officer_a)
    home = reverse("home")
    assert client.get(home).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(home)
    assert response.status_code == 200 and response.wsgi_request.user == world.officer_a
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if 'FROM "org_user"' in s or "FROM org_user" in s], sql
    sessions = [s for s in sql if "django_session" in s]
    assert len(sessions) == 1 and sessions[0].startswith("SELECT session_data FROM")


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "value"), [("password", "argon2$changed-elsewhere"), ("is_active", False)])
def test_a_password_changed_or_an_account_closed_in_sql_signs_the_user_out_at_the_next_request(world, column, value):
    client = signed_in(world.officer_a)
    url = reverse("petitions:petition_list")
    assert client.get(url).status_code == 200
    _sql(f"UPDATE org_user SET {column} = %s WHERE id = %s", [value, world.officer_a.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(url).status_code == 302  # and at every request after
    if column == "password":  # Django's check of the session's password hash ends the session
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_sign_in_leaves_the_users_stamp_any_other_change_moves_it(world):
    before = _stamp("users")
    assert before is not None
    update_last_login(None, world.officer_a)  # what every sign-in writes
    assert _stamp("users") == before
    _sql("UPDATE org_user SET first_name = %s WHERE id = %s", ["Đổi", world.officer_a.pk])
    moved = _stamp("users")
    assert moved != before
    world.officer_b.delete()
    assert _stamp("users") != moved


@pytest.mark.django_db
def test_each_request_gets_its_own_copy_of_the_kept_user(world):
    backend = load_backend(BACKEND)
    assert isinstance(backend, UserBackend)
    with requestmemo.kept():
        first = backend.get_user(world.officer_a.pk)
        first.cached_on_this_request = "x"
        first._state.fields_cache["person"] = None
        second = backend.get_user(str(world.officer_a.pk))  # the session keeps the id as text
    assert first is not second and first == second == world.officer_a
    assert not hasattr(second, "cached_on_this_request") and "person" not in second._state.fields_cache
    assert backend.get_user(10**9) is None and backend.get_user("not an id") is None


@pytest.mark.django_db
def test_an_expired_or_unknown_session_is_not_read(world):
    client = signed_in(world.officer_a)
    key = client.session.session_key
    assert SessionStore(key).load().get("_auth_user_id") == str(world.officer_a.pk)
    _sql("UPDATE django_session SET expire_date = %s WHERE session_key = %s",
         [timezone.now() - dt.timedelta(seconds=1), key])
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None
    assert SessionStore("no-such-session-key-here").load() == {}
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_an_api_tokens_user_is_kept_and_its_use_recorded_once_a_minute(world):
    from dieuhanh.core.models import ApiToken
    from dieuhanh.core.tokens import do_create_token

    token, row = do_create_token(user=world.officer_a, actor=world.admin)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    assert client.get("/api/v1/tasks", **auth).status_code == 200
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/tasks", **auth).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first  # within the minute: no write
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if 'FROM "org_user"' in s or s.startswith("UPDATE")], sql
    _sql("UPDATE core_apitoken SET last_used_at = %s WHERE id = %s", [timezone.now() - dt.timedelta(minutes=2), row.pk])
    assert client.get("/api/v1/tasks", **auth).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first


@pytest.mark.django_db
def test_an_api_token_revoked_or_of_a_closed_account_in_sql_is_refused_at_the_next_call(world):
    from dieuhanh.core.tokens import do_create_token

    client = Client()
    token, row = do_create_token(user=world.officer_a, actor=world.admin)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", **auth).status_code == 200
    _sql("UPDATE org_user SET is_active = %s WHERE id = %s", [False, world.officer_a.pk])
    assert client.get("/api/v1/tasks", **auth).status_code == 401
    _sql("UPDATE org_user SET is_active = %s WHERE id = %s", [True, world.officer_a.pk])
    assert client.get("/api/v1/tasks", **auth).status_code == 200
    _sql("UPDATE core_apitoken SET revoked_at = %s WHERE id = %s", [timezone.now(), row.pk])
    assert client.get("/api/v1/tasks", **auth).status_code == 401
