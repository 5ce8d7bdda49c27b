"""Shared pytest set-up for tests/ (tests inside src/dieuhanh/*/tests don't see these fixtures)."""

from __future__ import annotations


def pytest_report_header(config) -> str:
    """Say which database this run uses, so a log shows whether it was SQLite or PostgreSQL."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if db.get("HOST"):
        where = f"server {db['HOST']}:{db.get('PORT')}"
    else:
        where = f"file {db['TEST']['NAME']}" if db.get("TEST", {}).get("NAME") else "in memory"
    return f"database: {engine}, {where} (test database made by pytest-django)"
