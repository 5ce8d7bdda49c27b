"""The test run really uses the database that DATABASE_URL names: `./scripts/test` runs the suite
twice, and the second run must not quietly fall back to SQLite."""

from __future__ import annotations

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _expected_vendor() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return "postgresql"
    if url == "" or url.startswith("sqlite:"):
        return "sqlite"
    pytest.skip(f"no expectation for DATABASE_URL scheme {url.split(':', 1)[0]!r}")


def test_database_is_the_one_database_url_names():
    expected = _expected_vendor()
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        if expected == "postgresql":
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL ")
            # pytest-django's own test database, never the one in the URL.
            assert connection.settings_dict["NAME"].startswith("test_")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0].startswith("3.")


def test_database_round_trip():
    """A write and a read through the ORM on the test database (migrations have been applied)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.create(app_label="smoke_infra", model="probe")
    assert ContentType.objects.filter(app_label="smoke_infra").count() == 1
