"""Backup and restore (core/backup.py, docs/decisions/0031), and the field keys' start check
(core/fieldkeys.py).

The round trip runs the real commands on the demo city, once per database of the run (SQLite,
then PostgreSQL in the suite's second pass): `dieuhanh demo`, `dieuhanh backup`, refused restores
(wrong passphrase or key file, altered archive), `dieuhanh restore` into an empty database and data
folder, a refused second restore, then the same tables and counts, `audit verify`, every identity
opened, the same IOC figures — and a start with other keys, or none, refused."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core import checks

from dieuhanh.core import backup, fieldkeys
from dieuhanh.testing import SharedDatabase

# What the round trip compares between the source and the restored database: every table's
# count, the identities and how many open, and the IOC's figures as the leader sees them.
FIGURES = r"""
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
django.setup()
from django.db import connection
from dieuhanh.ioc.data import overview
from dieuhanh.org.models import User
from dieuhanh.petitions import crypto
from dieuhanh.petitions.models import Petition

tables = {}
with connection.cursor() as cursor:
    for name in sorted(connection.introspection.table_names()):
        cursor.execute("SELECT COUNT(*) FROM " + connection.ops.quote_name(name))
        tables[name] = cursor.fetchone()[0]
tokens = list(Petition.objects.exclude(identity_enc="").values_list("identity_enc", flat=True))
opened = 0
for t in tokens:
    try:
        opened += isinstance(crypto.decrypt_json(t), dict)
    except ValueError:
        pass
data = overview(User.objects.get(username="bithu"))
# A unit's "cells" repeat its figures beside the metric objects that format them.
units = [{k: v for k, v in row.items() if k != "cells"} for row in data.units]
ioc = {"sections": data.sections, "units": units, "trends": data.trends}
print(json.dumps({"tables": tables, "identities": len(tokens), "opened": opened, "ioc": ioc}, default=str,
                 sort_keys=True))
"""


def _run(db_env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(SharedDatabase.cli(*args), env=db_env, capture_output=True, text=True, timeout=600,  # noqa: S603
                          check=False)
    if check:
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


def _figures(env: dict[str, str]) -> dict:
    import sys

    done = subprocess.run([sys.executable, "-c", FIGURES], env=env, capture_output=True, text=True, timeout=300,  # noqa: S603
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _altered(archive: Path, into: Path) -> Path:
    """A copy of `archive` whose database has one byte changed, its manifest as it was."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(into, "w:gz") as out:
        for info in src:
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name.startswith("database."):
                data = data[:5000] + bytes([data[5000] ^ 1]) + data[5001:]
            out.addfile(info, io.BytesIO(data))
    return into


def _empty_target(db: SharedDatabase, tmp_path: Path) -> tuple[dict[str, str], object]:
    """The environment of an empty database and data folder to restore into, and its clean-up."""
    env = {**db.env, "DIEUHANH_DATA_DIR": str(tmp_path / "restored")}
    if db.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return env, lambda: None
    from django.db import connection

    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env["DATABASE_URL"] = db.env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    return env, drop


def _tables(env: dict[str, str]) -> int:
    """How many tables the database of `env` has (none: the file is not even made)."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        import sqlite3
        from contextlib import closing

        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        with closing(sqlite3.connect(path)) as con:
            return int(con.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    import psycopg

    with psycopg.connect(url) as pg:
        [(count,)] = pg.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'").fetchall()
        return int(count)


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_the_demo_makes_the_round_trip(shared_database, tmp_path):
    db = shared_database
    _run(db.env, "demo")
    archive = tmp_path / "dieuhanh.tar.gz"
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("một mật khẩu sao lưu đủ dài\n")
    keys_file = tmp_path / "keys-apart"
    # SQLite keeps the keys in the archive under a passphrase, PostgreSQL in a file apart: the two
    # passes of the suite cover both.
    sealed = db.vendor == "sqlite"
    keep = ["--passphrase-file", str(passphrase)] if sealed else ["--keys-separate", str(keys_file)]
    done = _run(db.env, "backup", "--output", str(archive), *keep)
    assert "Đã sao lưu" in done.stdout
    assert archive.stat().st_mode & 0o077 == 0
    manifest = backup.read_manifest(archive)
    source_keys = fieldkeys.parse_keys((Path(db.env["DIEUHANH_DATA_DIR"]) / "field_keys").read_text())
    with tarfile.open(archive, "r:gz") as tar:
        everything = b"".join(tar.extractfile(m).read() for m in tar if m.isfile())  # type: ignore[union-attr]
    assert not any(k.encode() in everything for k in source_keys)  # never in clear in the archive
    assert (backup.KEYS_MEMBER in manifest["members"]) == sealed

    target, drop = _empty_target(db, tmp_path)
    try:
        wrong = tmp_path / "wrong"
        if sealed:
            wrong.write_text("không phải mật khẩu này\n")
            refused = _run(target, "restore", str(archive), "--passphrase-file", str(wrong), check=False)
            assert refused.returncode == 1 and "Sai mật khẩu" in refused.stderr
        else:
            wrong.write_text(fieldkeys.new_key() + "\n")
            refused = _run(target, "restore", str(archive), "--keys-file", str(wrong), check=False)
            assert refused.returncode == 1 and "không phải khoá của bản sao lưu này" in refused.stderr
        altered = _run(target, "restore", str(_altered(archive, tmp_path / "altered.tar.gz")), *keep_for_restore(
            sealed, passphrase, keys_file), check=False)
        assert altered.returncode == 1 and "sai mã băm" in altered.stderr, altered.stderr
        assert _tables(target) == 0  # nothing touched
        assert not (Path(target["DIEUHANH_DATA_DIR"]) / "field_keys").exists()

        done = _run(target, "restore", str(archive), *keep_for_restore(sealed, passphrase, keys_file))
        assert "Đã phục hồi" in done.stdout
        assert fieldkeys.parse_keys((Path(target["DIEUHANH_DATA_DIR"]) / "field_keys").read_text()) == source_keys
        again = _run(target, "restore", str(archive), *keep_for_restore(sealed, passphrase, keys_file), check=False)
        assert again.returncode == 1 and "đã có dữ liệu" in again.stderr

        assert "Nhật ký nguyên vẹn" in _run(target, "audit", "verify").stdout
        before, after = _figures(db.env), _figures(target)
        assert after["tables"] == before["tables"] == manifest["database"]["tables"]
        assert before["identities"] > 0 and after["opened"] == after["identities"] == before["identities"]
        assert after["ioc"] == before["ioc"]

        # Started with keys that are not this database's, or with none: refused, and no key made.
        other = {**target, "DIEUHANH_FIELD_KEYS": fieldkeys.new_key()}
        refused = subprocess.run([*SharedDatabase.cli()[:-1], "dieuhanh.manage", "check"], env=other,  # noqa: S603
                                 capture_output=True, text=True, timeout=120, check=False)
        assert refused.returncode != 0 and "không mở được thông tin người gửi đơn" in refused.stderr
        assert _run(other, "worker", "--once", check=False).returncode == 2
        key_path = Path(target["DIEUHANH_DATA_DIR"]) / "field_keys"
        key_path.unlink()
        refused = subprocess.run([*SharedDatabase.cli()[:-1], "dieuhanh.manage", "check"], env=target,  # noqa: S603
                                 capture_output=True, text=True, timeout=120, check=False)
        assert refused.returncode != 0 and "không có khoá mã hoá nào" in refused.stderr
        assert not key_path.exists()
    finally:
        drop()  # type: ignore[operator]


def keep_for_restore(sealed: bool, passphrase: Path, keys_file: Path) -> list[str]:
    return ["--passphrase-file", str(passphrase)] if sealed else ["--keys-file", str(keys_file)]


# --- the keys' start check ------------------------------------------------------------------------------


def _errors() -> list[str]:
    return [m.msg for m in checks.run_checks() if m.id == "core.E010"]


def test_keys_that_open_no_identity_stop_the_start(world, settings):
    world.petition()
    assert _errors() == []
    settings.FIELD_ENCRYPTION_KEYS = [fieldkeys.new_key()]
    [message] = _errors()
    assert "không mở được thông tin người gửi đơn" in message and "DIEUHANH_FIELD_KEYS" not in message
    with pytest.raises(fieldkeys.KeysUnusable):
        fieldkeys.refuse_if_unusable()


def test_keys_that_open_only_some_identities_warn_which_key_is_missing(world, settings):
    """Rotation: a new key first, the old one kept until every identity is encrypted again. Drop
    the old one too early and the identities it encrypted no longer open: the start is not
    refused (the others still open) but `check` warns, naming the keys' place."""
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    world.petition()
    settings.FIELD_ENCRYPTION_KEYS = [fieldkeys.new_key(), *old]
    world.petition()  # encrypted with the new key
    both = [m for m in checks.run_checks() if m.id in ("core.E010", "core.W010")]
    assert both == []
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key dropped
    [warning] = [m for m in checks.run_checks() if m.id in ("core.E010", "core.W010")]
    assert warning.id == "core.W010" and warning.level == checks.WARNING
    assert "thiếu một khoá cũ" in warning.msg and "an older key is missing" in warning.msg
    fieldkeys.refuse_if_unusable()  # not refused: what opens stays of use


def test_no_new_key_is_made_beside_encrypted_identities(world, settings, tmp_path):
    from dieuhanh.petitions import crypto

    world.petition()
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_KEYS_FILE = tmp_path / "field_keys"
    with pytest.raises(fieldkeys.KeysUnusable):
        crypto.encrypt_json({"name": "Trần Thị B"})
    assert not settings.FIELD_KEYS_FILE.exists()
    assert "không có khoá mã hoá nào" in _errors()[0]


def test_a_fresh_database_gets_its_key(db, settings, tmp_path):
    from dieuhanh.petitions import crypto

    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_KEYS_FILE = tmp_path / "field_keys"
    token = crypto.encrypt_json({"name": "Trần Thị B"})
    assert settings.FIELD_KEYS_FILE.stat().st_mode & 0o777 == 0o600
    assert crypto.decrypt_json(token) == {"name": "Trần Thị B"}


# --- the daily backup --------------------------------------------------------------------------------


def test_the_daily_backup_is_off_until_a_directory_is_set(settings):
    settings.DIEUHANH_BACKUP_DIR = ""
    assert backup.scheduled_jobs() == ()
    settings.DIEUHANH_BACKUP_DIR, settings.DIEUHANH_BACKUP_AT = "/srv/sao-luu", "03:15"
    [job] = backup.scheduled_jobs()
    assert (job.key, job.every, job.at, job.function) == ("core.backup", "day", "03:15", "dieuhanh.core.backup.daily")


@pytest.mark.django_db(transaction=True)
def test_the_daily_backup_keeps_the_newest(world, settings, tmp_path):
    import datetime as dt

    folder = tmp_path / "sao-luu"
    folder.mkdir()
    old = ["dieuhanh-20250101-0230.tar.gz", "dieuhanh-20250102-0230.tar.gz", "dieuhanh-20250103-0230.tar.gz"]
    for name in [*old, "ghi-chu.txt"]:
        (folder / name).write_text("")
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("một mật khẩu sao lưu đủ dài\n")
    settings.DIEUHANH_BACKUP_DIR, settings.DIEUHANH_BACKUP_KEEP = str(folder), 2
    settings.DIEUHANH_BACKUP_PASSPHRASE_FILE = str(passphrase)
    world.petition()
    result = backup.daily(dt.date.today())
    new = Path(result["archive"]).name
    assert result["written"] and result["deleted"] == old[:2]
    assert sorted(p.name for p in folder.iterdir()) == sorted([old[2], new, "ghi-chu.txt"])
    manifest = backup.read_manifest(folder / new)
    assert manifest["keys"]["mode"] == "passphrase"
    assert manifest["database"]["tables"]["petitions_petition"] == 1
