"""The files the app writes are readable by the service user only (settings.py: umask 077,
keys created 0600, uploaded imports 0600 in 0700 directories), even when it is started from a
shell with the usual umask 022."""

from __future__ import annotations

import base64
import io
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

from dieuhanh.dossiers import jobs

SRC = Path(__file__).resolve().parents[3]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _usual_umask() -> None:
    os.umask(0o022)


def test_database_and_keys_are_the_service_users_only(tmp_path):
    data = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_") and k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(SRC), DIEUHANH_DATA_DIR=str(data))
    subprocess.run([sys.executable, "-m", "dieuhanh.manage", "migrate", "-v0"], env=env, check=True,
                   preexec_fn=_usual_umask, timeout=300)
    assert _mode(data) == 0o700
    for name in ("secret_key", "field_keys", "dieuhanh.sqlite3"):
        assert _mode(data / name) == 0o600, name
    others = [p for p in data.rglob("*") if _mode(p) & 0o077]
    assert others == []


def test_files_of_an_older_release_are_narrowed_at_start(tmp_path):
    data = tmp_path / "var"
    data.mkdir()
    (data / "secret_key").write_text(secrets.token_urlsafe(50))
    (data / "field_keys").write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    for path in (data, data / "secret_key", data / "field_keys"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_") and k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(SRC), DIEUHANH_DATA_DIR=str(data))
    subprocess.run([sys.executable, "-m", "dieuhanh.manage", "check"], env=env, check=True,
                   preexec_fn=_usual_umask, capture_output=True, timeout=120)
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600 and _mode(data / "field_keys") == 0o600


def test_an_uploaded_import_is_the_service_users_only(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    old = os.umask(0o022)
    try:
        target = jobs.job_dir(7) / "tep.csv"
        jobs._store(io.BytesIO(b"ma;ten\n"), target)
    finally:
        os.umask(old)
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700 and _mode(target.parent.parent) == 0o700
