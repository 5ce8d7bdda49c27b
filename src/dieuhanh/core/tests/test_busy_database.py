"""A write that waits on a lock longer than the database allows answers "busy, try again" (503 with
Retry-After, the form kept), not a 500; nothing is half-written, the audit trail stays whole, and
sending the kept form again once the lock is gone does the change once.

With a real lock: the app runs as a real server process (`runserver`) on a database the test
shares with it; the test holds the write lock from its own connection (SQLite: BEGIN IMMEDIATE
on the file; PostgreSQL: an EXCLUSIVE lock on the table, the server with a lock_timeout), the
server's busy timeout being one second (DIEUHANH_DB_BUSY_SECONDS)."""

from __future__ import annotations

import html
import re
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
import requests
from django.http import HttpRequest
from django.test import RequestFactory
from django_otp.oath import totp

from dieuhanh.core.errors import BUSY_SQLSTATES, is_busy

SETUP = """
import django
django.setup()
from django.contrib.auth import get_user_model
admin = get_user_model().objects.create_superuser("quantri", "quantri@example.org", "Mat-khau-thu-nghiem-1")
from django_otp.plugins.otp_totp.models import TOTPDevice
from dieuhanh.core import twofactor
print(TOTPDevice.objects.create(user=admin, name=twofactor.AUTHENTICATOR, confirmed=True).key)
"""
FORM = {"date": "2026-12-31", "kind": "day_off", "document_number": "Số 9/TB-UBND", "name": "Nghỉ cuối năm"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _token(session: requests.Session) -> str:
    return session.cookies.get("csrftoken") or ""


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_a_write_that_waits_on_a_lock_answers_try_again_with_the_form_kept(shared_database, tmp_path):
    from django.db import connection, transaction

    db = shared_database
    env = {**db.env, "DIEUHANH_DB_BUSY_SECONDS": "1", "DIEUHANH_ALLOWED_HOSTS": "127.0.0.1"}
    made = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert made.returncode == 0, made.stderr[-3000:]
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "dieuhanh.manage", "runserver", f"127.0.0.1:{port}",  # noqa: S603
                               "--noreload"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    web = requests.Session()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                web.get(f"{base}/dang-nhap/", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail((tmp_path / "server.log").read_text()[-3000:])
                time.sleep(0.2)
        signed_in = web.post(f"{base}/dang-nhap/", data={"username": "quantri", "password": "Mat-khau-thu-nghiem-1",
                                                         "csrfmiddlewaretoken": _token(web)}, timeout=10)
        # an administrator's second step: the code of the authenticator made above
        key = bytes.fromhex(made.stdout.split()[-1])
        signed_in = web.post(signed_in.url, data={"code": f"{totp(key):06d}", "csrfmiddlewaretoken": _token(web)},
                             timeout=10)
        assert signed_in.ok and "/dang-nhap/" not in signed_in.url, signed_in.url
        web.get(f"{base}/lich/", timeout=10)
        audit_before = db.query("SELECT COUNT(*) FROM core_auditevent")
        days_before = db.query("SELECT COUNT(*) FROM core_calendarexception")
        ours = "SELECT date, kind, document_number FROM core_calendarexception WHERE document_number = %s"

        # Another connection holds the write lock while the form is sent.
        if db.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE core_calendarexception, core_auditevent IN EXCLUSIVE MODE")
                started = time.monotonic()
                busy = web.post(f"{base}/lich/them/", data={**FORM, "csrfmiddlewaretoken": _token(web)},
                                allow_redirects=False, timeout=30)
        else:
            holder = sqlite3.connect(db.sqlite_path, timeout=5, isolation_level=None)
            try:
                holder.execute("BEGIN IMMEDIATE")
                started = time.monotonic()
                busy = web.post(f"{base}/lich/them/", data={**FORM, "csrfmiddlewaretoken": _token(web)},
                                allow_redirects=False, timeout=30)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
        waited = time.monotonic() - started
        page = html.unescape(busy.text)
        assert busy.status_code == 503, page[-3000:]
        assert busy.headers["Retry-After"] == "5" and waited < 10
        assert "Hệ thống đang bận, xin thử lại" in page and "chưa có gì được ghi" in page
        assert "Traceback" not in page
        # nothing half-written, the audit trail as it was and still whole
        assert db.query("SELECT COUNT(*) FROM core_calendarexception") == days_before
        assert db.query("SELECT COUNT(*) FROM core_auditevent") == audit_before

        # The page keeps the form: sent again once the lock is gone, it does the change, once.
        form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', busy.text, re.S)
        assert form is not None and html.unescape(form.group(1)) == "/lich/them/"
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
        fields = {k: html.unescape(v) for k, v in fields.items()}
        assert {k: fields[k] for k in FORM} == FORM and fields["csrfmiddlewaretoken"]
        again = web.post(f"{base}{form.group(1)}", data=fields, allow_redirects=False, timeout=30)
        assert again.status_code == 302
        assert [tuple(map(str, row)) for row in db.query(ours, (FORM["document_number"],))] == [
            ("2026-12-31", "day_off", "Số 9/TB-UBND")]
        assert db.query("SELECT COUNT(*) FROM core_auditevent")[0][0] == audit_before[0][0] + 1
        verified = subprocess.run(db.cli("audit", "verify"), env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
        assert verified.returncode == 0, verified.stdout + verified.stderr

    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text()


@pytest.mark.parametrize("error", ["LockNotAvailable", "SerializationFailure", "DeadlockDetected"])
def test_postgresql_lock_errors_are_busy(error):
    """As Django raises them: its OperationalError, caused by psycopg's error with its SQLSTATE."""
    import psycopg.errors
    from django.db import OperationalError

    cause = getattr(psycopg.errors, error)("canceling statement due to lock timeout")
    assert cause.sqlstate in BUSY_SQLSTATES
    try:
        try:
            raise cause
        except psycopg.errors.Error as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as exc:
        assert is_busy(exc)
    assert is_busy(sqlite3.OperationalError("database is locked"))
    assert not is_busy(ValueError("database is locked"))  # not a database error: a bug, a 500
    assert not is_busy(OperationalError("no such table: x"))


def test_the_api_answers_busy_in_json(db, rf: RequestFactory):
    from django.db import OperationalError

    from dieuhanh.api import on_unexpected_error

    request: HttpRequest = rf.post("/api/v1/calendar/", data={})
    response = on_unexpected_error(request, OperationalError("database is locked"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("application/json")
    assert "Hệ thống đang bận" in response.content.decode()
