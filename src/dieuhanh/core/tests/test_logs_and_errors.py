"""Errors are never lost: a view that fails sends one mail to the administrators (through a real
SMTP server) and writes one JSON log line with the traceback, the request id, the user and the
path, while the user sees the Vietnamese 500 page without any traceback. Every request's line
carries its status and duration, and its id comes back in X-Request-ID. A busy database is a
warning (503), not an error mailed. The logging configuration is the real one (settings.LOGGING):
the test reads what its console handler writes."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

import dieuhanh.urls
from dieuhanh.testing import login

pytestmark = pytest.mark.django_db


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("hỏng thử nghiệm")


def busy(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")


# This module is the site's URLs for these tests: the site's own, and two views that fail.
urlpatterns = [path("thu-loi/", broken), path("thu-ban/", busy), *dieuhanh.urls.urlpatterns]
handler500 = dieuhanh.urls.handler500


@pytest.fixture
def lines():
    """The JSON lines the configured console handler writes during the test."""
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    buffer = io.StringIO()
    # not setStream(): it flushes the stream it replaces, which may be an earlier test's captured
    # stderr, closed since
    before = console.stream  # type: ignore[attr-defined]
    console.stream = buffer  # type: ignore[attr-defined]

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield read
    console.stream = before  # type: ignore[attr-defined]


@pytest.fixture
def site(settings, smtp_server):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = [("Quản trị hệ thống", "quantri@example.org")]
    return smtp_server


def test_an_error_is_mailed_to_the_admins_and_logged_with_its_traceback(site, lines, world):
    client = login(Client(raise_request_exception=False), world.admin)
    response = client.get("/thu-loi/", headers={"x-request-id": "thu-123"})
    page = response.content.decode()
    assert response.status_code == 500 and response["X-Request-ID"] == "thu-123"
    assert "Hệ thống gặp sự cố" in page and "Traceback" not in page and "hỏng thử nghiệm" not in page

    (mail,) = site.messages
    assert mail["To"] == "quantri@example.org" and str(mail["Subject"]).strip().startswith("[Điều Hành] ERROR")
    body = mail.get_body(("plain",)).get_content()
    assert "Traceback (most recent call last)" in body and "test_logs_and_errors.py" in body
    assert "Exception Value: hỏng thử nghiệm" in body

    errors = [line for line in lines() if line["level"] == "ERROR"]
    assert len(errors) == 1
    (error,) = errors
    assert error["logger"] == "django.request" and error["status"] == 500
    assert error["request_id"] == "thu-123" and error["path"] == "/thu-loi/" and error["method"] == "GET"
    assert error["user_id"] == world.admin.pk
    assert error["exc"].startswith("Traceback") and "RuntimeError: hỏng thử nghiệm" in error["exc"]
    (request_line,) = [line for line in lines() if line["logger"] == "dieuhanh.request"]
    assert request_line["status"] == 500 and request_line["request_id"] == "thu-123"
    assert request_line["duration_ms"] >= 0 and request_line["time"].endswith("+00:00")


def test_what_a_form_carried_is_not_mailed(site, lines, world):
    """A form may carry a citizen's personal data: the mail names its fields, not their values."""
    client = login(Client(raise_request_exception=False), world.admin)
    client.post("/thu-loi/", {"so_dinh_danh": "001099012345", "ho_ten": "Nguyễn Văn A"})
    (mail,) = site.messages
    body = mail.get_body(("plain",)).get_content()
    assert "so_dinh_danh" in body and "001099012345" not in body and "Nguyễn Văn A" not in body


def test_a_busy_database_is_a_warning_not_an_error_mailed(site, lines, world):
    client = login(Client(raise_request_exception=False), world.admin)
    response = client.post("/thu-ban/", {"ghi_chu": "giữ lại"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "giữ lại" in response.content.decode()  # the form is kept, to be sent again
    assert site.messages == []
    levels = {(line["logger"], line["level"]) for line in lines()}
    assert ("dieuhanh.busy", "WARNING") in levels and not any(level == "ERROR" for _, level in levels)


def test_every_response_carries_a_request_id(client, lines):
    first = client.get("/dang-nhap/")
    second = client.get("/dang-nhap/", headers={"x-request-id": "không hợp lệ\n" * 3})
    ids = {first["X-Request-ID"], second["X-Request-ID"]}
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)  # made here when none (valid) was given
    assert {line["request_id"] for line in lines() if line["logger"] == "dieuhanh.request"} == ids
