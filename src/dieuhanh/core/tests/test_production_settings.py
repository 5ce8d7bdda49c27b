"""Production settings from the environment (README, "Deployment checklist"): behind TLS,
Django's own deployment check finds nothing to report, and without DIEUHANH_HTTPS the demo's
plain-HTTP settings stay as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_") and k != "DATABASE_URL"}
    clean.update(PYTHONPATH=str(SRC), DIEUHANH_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="dieuhanh.settings")
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "dieuhanh.manage", *args], env=clean,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)


def _setting(tmp_path: Path, name: str, **env: str) -> str:
    out = _manage(tmp_path, "shell", "-c", f"from django.conf import settings; print(repr(getattr(settings, {name!r})))",
                  **env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_deploy_check_reports_nothing_behind_tls(tmp_path):
    out = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                  DIEUHANH_HTTPS="1", DIEUHANH_ALLOWED_HOSTS="dieuhanh.example.gov.vn")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "WARNINGS" not in out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_the_same_check_warns_without_tls(tmp_path):
    """The check above is not passing by being silenced: without DIEUHANH_HTTPS it reports the
    cookies, HSTS and the redirect."""
    out = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                  DIEUHANH_ALLOWED_HOSTS="dieuhanh.example.gov.vn")
    assert out.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in out.stdout + out.stderr


def test_https_settings(tmp_path):
    env = {"DIEUHANH_HTTPS": "1"}
    assert _setting(tmp_path, "SESSION_COOKIE_SECURE", **env) == "True"
    assert _setting(tmp_path, "CSRF_COOKIE_SECURE", **env) == "True"
    assert _setting(tmp_path, "SECURE_SSL_REDIRECT", **env) == "True"
    assert _setting(tmp_path, "SECURE_HSTS_SECONDS", **env) == str(365 * 24 * 3600)
    assert _setting(tmp_path, "SECURE_HSTS_INCLUDE_SUBDOMAINS", **env) == "False"
    assert _setting(tmp_path, "SECURE_HSTS_INCLUDE_SUBDOMAINS", DIEUHANH_HSTS_SUBDOMAINS="1", **env) == "True"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", **env) == "None"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", DIEUHANH_PROXY_SSL_HEADER="1", **env) == \
        "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_the_demo_keeps_plain_http(tmp_path):
    assert _setting(tmp_path, "SESSION_COOKIE_SECURE", DIEUHANH_DEMO="1") == "False"
    assert _setting(tmp_path, "SECURE_SSL_REDIRECT", DIEUHANH_DEMO="1") == "False"


def test_the_idle_limit_comes_from_the_environment(tmp_path):
    assert _setting(tmp_path, "DIEUHANH_IDLE_MINUTES") == "30"
    assert _setting(tmp_path, "DIEUHANH_IDLE_MINUTES", DIEUHANH_IDLE_MINUTES="5") == "5"
    assert _manage(tmp_path, "check", DIEUHANH_IDLE_MINUTES="0").returncode != 0
