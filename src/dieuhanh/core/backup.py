"""Backup and restore of a whole installation in one archive (docs/decisions/0031).

`create(output, …)` writes a tar.gz (mode 0600) holding:

- `database.sqlite3` (SQLite's online backup API: one consistent copy while the app runs) or
  `database.pgdump` (`pg_dump --format=custom` under a snapshot exported by a REPEATABLE READ
  transaction, in which the row counts are taken too: the counts are those of the dump);
- `files/<dir>/…`: the files the apps keep under the data folder (`PlatformApp.backup_dirs`:
  uploaded imports and their error files, media);
- `field_keys.enc` when the operator gives a passphrase: the field keys sealed with AES-256-GCM
  under a key derived from the passphrase by scrypt. Otherwise the keys are not in the archive at
  all: `--keys-separate FILE` writes them to a file of their own, to be kept elsewhere. They are
  never in the archive in clear: the database holds denouncers' identities encrypted by them;
- `manifest.json` (last): format, product version, vendor, when, every table's row count, the
  migrations applied, the keys' fingerprint, and each member's size and sha256.

`restore(archive, …)` reads the manifest, checks every member against it while extracting to a
private folder, opens the keys (passphrase or key file, matched to the fingerprint), and checks
that the database is empty and the keys file holds no other keys, all before it touches anything.
Then it loads the database, puts the files and the keys in place, runs the migrations (an archive
of an older release), and compares every table's count with the manifest.

`daily(day)` is the scheduled backup, declared as a periodic job when DIEUHANH_BACKUP_DIR is set."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import filecmp
import hashlib
import io
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection
from django.utils import timezone

from dieuhanh.core import fieldkeys
from dieuhanh.core.platform import PeriodicJob, platform_apps

__all__ = [
    "BackupError", "Restored", "create", "daily", "prune", "read_manifest", "restore", "scheduled_jobs",
]

log = logging.getLogger("dieuhanh.backup")

FORMAT = "dieuhanh-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEYS_MEMBER = "field_keys.enc"
KEYS_FILE_FORMAT = "dieuhanh-field-keys"
# scrypt's cost: 2^15 × 8 × 128 bytes = 32 MiB and a fraction of a second per guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
AAD = b"dieuhanh-backup field keys v1"
MIN_PASSPHRASE = 12
ARCHIVE_NAME = re.compile(r"^dieuhanh-\d{8}-\d{4}\.tar\.gz$")

Progress = Callable[[str, int, int | None], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in Vietnamese and English."""


def _quiet(step: str, done: int, total: int | None) -> None:
    pass


# --- the keys ----------------------------------------------------------------------------------------


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def seal_keys(keys: list[str], passphrase: str) -> bytes:
    """The keys encrypted by the passphrase: scrypt, then AES-256-GCM (authenticated)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"Mật khẩu sao lưu phải có ít nhất {MIN_PASSPHRASE} ký tự. / "
                          f"The backup passphrase must be at least {MIN_PASSPHRASE} characters long.")
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        nonce, json.dumps({"keys": keys}).encode(), AAD)
    b64 = base64.b64encode
    return json.dumps({
        "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "cipher": "AES-256-GCM",
        "salt": b64(salt).decode(), "nonce": b64(nonce).decode(), "ciphertext": b64(sealed).decode(),
    }, indent=1).encode()


def open_keys(blob: bytes, passphrase: str) -> list[str]:
    try:
        box = json.loads(blob)
        key = _derive(passphrase, base64.b64decode(box["salt"]), int(box["n"]), int(box["r"]), int(box["p"]))
        plain = AESGCM(key).decrypt(base64.b64decode(box["nonce"]), base64.b64decode(box["ciphertext"]), AAD)
    except InvalidTag:
        raise BackupError("Sai mật khẩu sao lưu: không mở được khoá mã hoá trong bản sao lưu; chưa thay đổi gì. / "
                          "Wrong backup passphrase: the keys in the archive do not open; nothing was changed.") from None
    except (ValueError, KeyError, TypeError):
        raise BackupError("Phần khoá của bản sao lưu bị hỏng. / The archive's key part is damaged.") from None
    return list(json.loads(plain)["keys"])


def write_keys_separately(path: Path, keys: list[str]) -> None:
    """The keys in a file of their own (0600, never overwritten): one key a line after a comment
    naming the fingerprint, so that the file also serves as a `field_keys` file as it is."""
    text = (f"# {KEYS_FILE_FORMAT} {fieldkeys.fingerprint(keys)}: khoá mã hoá thông tin người gửi đơn, "
            "giữ tách khỏi bản sao lưu / field keys, keep apart from the backup\n" + "".join(f"{k}\n" for k in keys))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def read_keys_file(path: Path) -> list[str]:
    try:
        return fieldkeys.parse_keys(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"Không đọc được tệp khoá {path}: {exc}. / Cannot read the key file {path}.") from None


# --- the database ----------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    member: str
    tables: dict[str, int]
    migrations: list[tuple[str, str]]
    server: str = ""


def _sqlite_dump(target: Path) -> Snapshot:
    """SQLite's online backup into `target`, in one step: a consistent copy while others write."""
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        names = [r[0] for r in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {n: copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
        migrations = [tuple(r) for r in copy.execute("SELECT app, name FROM django_migrations")]
        server = sqlite3.sqlite_version
    finally:
        copy.close()
    target.chmod(0o600)
    return Snapshot("database.sqlite3", tables, migrations, f"SQLite {server}")  # type: ignore[arg-type]


def pg_binary(name: str) -> str:
    """A PostgreSQL client program: from DIEUHANH_PG_BIN, else the newest /usr/lib/postgresql/*/bin,
    else PATH (as scripts/postgres finds the server)."""
    candidates = []
    if env := os.environ.get("DIEUHANH_PG_BIN"):
        candidates.append(Path(env) / name)
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                         key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parts[-3].split(".")], reverse=True)
    for c in candidates:
        if c.exists():
            return str(c)
    if found := shutil.which(name):
        return found
    raise BackupError(f"Không tìm thấy {name} (gói postgresql-client). / {name} not found: install the PostgreSQL "
                      "client programs (apt-get install postgresql-client) or set DIEUHANH_PG_BIN.")


def _pg_env() -> dict[str, str]:
    """The libpq environment for pg_dump and pg_restore: no password on a command line."""
    d = connection.settings_dict
    env = dict(os.environ)
    for var, value in (("PGDATABASE", d["NAME"]), ("PGUSER", d["USER"]), ("PGPASSWORD", d["PASSWORD"]),
                       ("PGHOST", d["HOST"]), ("PGPORT", d["PORT"])):
        if value:
            env[var] = str(value)
    return env


def _pg_connect() -> Any:
    import psycopg

    d = connection.settings_dict
    params = {k: v for k, v in (("dbname", d["NAME"]), ("user", d["USER"]), ("password", d["PASSWORD"]),
                                ("host", d["HOST"]), ("port", d["PORT"])) if v}
    return psycopg.connect(**params)


def _pg_dump(target: Path) -> Snapshot:
    """pg_dump under a snapshot exported by a REPEATABLE READ transaction, in which the counts are
    taken: the counts are those of the dump, whatever the app writes meanwhile."""
    from psycopg import sql

    with _pg_connect() as pg:
        pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]
        names = [r[0] for r in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        tables = {n: pg.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(n))).fetchone()[0]
                  for n in names}
        migrations = [tuple(r) for r in pg.execute("SELECT app, name FROM django_migrations")]
        server = pg.execute("SHOW server_version").fetchone()[0]
        done = subprocess.run(  # noqa: S603
            [pg_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
             f"--file={target}"], env=_pg_env(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump thất bại / failed: {done.stderr.strip()}")
    target.chmod(0o600)
    return Snapshot("database.pgdump", tables, migrations, f"PostgreSQL {server}")  # type: ignore[arg-type]


def _counts() -> dict[str, int]:
    """Every table's row count in the configured database, now."""
    names = sorted(connection.introspection.table_names())
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        out = {}
        for n in names:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(n)}")  # noqa: S608
            out[n] = cursor.fetchone()[0]
    return out


def database_holds_data() -> str | None:
    """What makes the configured database not empty, or None: no tables, or only what a new
    install holds before anyone works in it — no user account, and no audit event but those the
    command line writes without a person (migrate's calendar and rules, a load of the units). The
    restore replaces all of it with the archive's."""
    from dieuhanh.core.models import AuditEvent
    from dieuhanh.org.models import User

    if not fieldkeys._database_ready():
        return None
    tables = set(connection.introspection.table_names())
    found = []
    if User._meta.db_table in tables and (n := User._default_manager.count()):
        found.append(f"{n} người dùng / users")
    if AuditEvent._meta.db_table in tables:
        worked = AuditEvent._default_manager.exclude(channel="cli", actor__isnull=True)
        if n := worked.count():
            found.append(f"{n} sự kiện nhật ký / audit events")
    return ", ".join(found) or None


# --- writing the archive ---------------------------------------------------------------------------------


def file_dirs() -> dict[str, Path]:
    """The folders under the data folder whose files the apps keep (`PlatformApp.backup_dirs`)."""
    return {name: Path(settings.DATA_DIR) / name for app in platform_apps() for name in app.backup_dirs}


class _Hashing(io.RawIOBase):
    """A file read through for tarfile, hashing what it reads."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f, self.sha, self.size = f, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, members: dict[str, dict[str, Any]], name: str, path: Path | None = None,
         data: bytes | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.mode, info.mtime = 0o600, int(timezone.now().timestamp())
    if data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        members[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        return
    assert path is not None
    with path.open("rb") as f:
        info.size = os.fstat(f.fileno()).st_size
        reader = _Hashing(f)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    members[name] = {"size": reader.size, "sha256": reader.sha.hexdigest()}


def _files() -> Iterator[tuple[str, Path]]:
    for name, root in file_dirs().items():
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
                yield f"files/{name}/{path.relative_to(root).as_posix()}", path


def _private_file(path: Path) -> IO[bytes]:
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def create(output: Path, *, passphrase: str | None = None, keys_out: Path | None = None,
           progress: Progress = _quiet) -> dict[str, Any]:
    """Write the archive `output` (refuses to overwrite); returns its manifest. The keys go in
    sealed by `passphrase`, or to the file `keys_out`, or nowhere (both None: the operator keeps
    them, the manifest names their fingerprint)."""
    from dieuhanh import __version__

    output = Path(output).resolve()
    if output.exists():
        raise BackupError(f"Tệp {output} đã có; không ghi đè. / {output} exists; not overwritten.")
    if keys_out is not None and Path(keys_out).exists():
        raise BackupError(f"Tệp khoá {keys_out} đã có; không ghi đè. / {keys_out} exists; not overwritten.")
    if not output.parent.is_dir():
        raise BackupError(f"Không có thư mục {output.parent}. / No directory {output.parent}.")
    if message := fieldkeys.problem():
        raise BackupError(message)
    keys = fieldkeys.ensure()
    sealed = seal_keys(keys, passphrase) if passphrase is not None else None
    partial = output.with_name(f".{output.name}.partial")
    staging = Path(tempfile.mkdtemp(prefix=".dieuhanh-backup-", dir=output.parent))
    try:
        progress("Sao chép cơ sở dữ liệu", 0, None)
        dump = (_sqlite_dump if connection.vendor == "sqlite" else _pg_dump)(staging / "database")
        progress("Sao chép cơ sở dữ liệu", 1, 1)
        files = list(_files())
        members: dict[str, dict[str, Any]] = {}
        with _private_file(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            progress("Ghi bản sao lưu", 0, len(files) + 1)
            _add(tar, members, dump.member, staging / "database")
            if sealed is not None:
                _add(tar, members, KEYS_MEMBER, data=sealed)
            for i, (name, path) in enumerate(files, start=2):
                _add(tar, members, name, path)
                progress("Ghi bản sao lưu", i, len(files) + 1)
            migrations: dict[str, list[str]] = {}
            for app, name in sorted(dump.migrations):
                migrations.setdefault(app, []).append(name)
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "product": "dieuhanh",
                "product_version": __version__, "vendor": connection.vendor, "server": dump.server,
                "created_at": timezone.now().isoformat(timespec="seconds"), "host": socket.gethostname(),
                "database": {"member": dump.member, "tables": dump.tables, "rows": sum(dump.tables.values())},
                "migrations": migrations,
                "keys": {"mode": "passphrase" if sealed is not None else "separate" if keys_out else "absent",
                         "fingerprint": fieldkeys.fingerprint(keys), "count": len(keys),
                         "member": KEYS_MEMBER if sealed is not None else None},
                "files": {name: sum(1 for m in members if m.startswith(f"files/{name}/")) for name in file_dirs()},
                "members": members,
            }
            _add(tar, {}, MANIFEST, data=json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        if keys_out is not None:
            write_keys_separately(Path(keys_out), keys)
        os.replace(partial, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return manifest


# --- reading it back --------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest, checked to be one this release reads."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            member = tar.getmember(MANIFEST)
            f = tar.extractfile(member)
            manifest = json.loads(f.read()) if f else None
    except (OSError, tarfile.TarError, KeyError, ValueError, EOFError) as exc:
        raise BackupError(f"{archive} không phải bản sao lưu Điều Hành đọc được ({exc}). / "
                          f"{archive} is not a readable Điều Hành backup.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} không phải bản sao lưu Điều Hành. / {archive} is not a Điều Hành backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Bản sao lưu dạng {manifest.get('format_version')}, phiên bản này chỉ đọc dạng "
                          f"{FORMAT_VERSION}. / Backup format {manifest.get('format_version')} is not readable here.")
    return manifest


def _extract_checked(archive: Path, manifest: dict[str, Any], into: Path, progress: Progress) -> None:
    """Every member of the manifest written under `into`, each checked against its size and
    sha256; a member missing, extra or different refuses the archive."""
    expected: dict[str, dict[str, Any]] = manifest.get("members") or {}
    seen: set[str] = set()
    damaged = ("Bản sao lưu bị hỏng hoặc bị sửa: {what}; chưa thay đổi gì. / "
               "The archive is damaged or was altered: {what}; nothing was changed.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for i, info in enumerate(tar):
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or not info.isfile() or info.name in seen:
                    raise BackupError(damaged.format(what=f"«{info.name}» không có trong bản kê / not in the manifest"))
                target = into / info.name
                if into.resolve() not in target.resolve().parents:
                    raise BackupError(damaged.format(what=f"«{info.name}»"))
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                source = tar.extractfile(info)
                assert source is not None
                sha = hashlib.sha256()
                with _private_file(target) as out:
                    for chunk in iter(lambda: source.read(1 << 20), b""):  # noqa: B023
                        sha.update(chunk)
                        out.write(chunk)
                want = expected[info.name]
                if sha.hexdigest() != want.get("sha256") or info.size != want.get("size"):
                    raise BackupError(damaged.format(what=f"«{info.name}» sai mã băm / checksum mismatch"))
                seen.add(info.name)
                progress("Kiểm tra bản sao lưu", i + 1, len(expected) + 1)
    except (OSError, tarfile.TarError, EOFError, ValueError) as exc:
        raise BackupError(damaged.format(what=str(exc))) from None
    if missing := set(expected) - seen:
        raise BackupError(damaged.format(what=f"thiếu / missing {', '.join(sorted(missing))}"))


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the archive's database has applied that this release does not have (a backup of a
    newer release), among the installed apps."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {c.label for c in apps.get_app_configs()}
    return [f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
            if app in installed and (app, name) not in known]


@dataclass
class Restored:
    manifest: dict[str, Any]
    tables: dict[str, int]
    differences: dict[str, tuple[int, int]] = field(default_factory=dict)  # table: (in the archive, now)
    keys_written: str = ""


def _keys_for(manifest: dict[str, Any], staged: Path, passphrase: str | None, keys_file: Path | None) -> list[str]:
    info = manifest.get("keys") or {}
    if info.get("member"):
        if keys_file is not None:
            keys = read_keys_file(keys_file)
        elif passphrase is None:
            raise BackupError("Khoá mã hoá trong bản sao lưu được khoá bằng mật khẩu: cho mật khẩu (--passphrase-file "
                              "hoặc DIEUHANH_BACKUP_PASSPHRASE). / The archive's keys are sealed by a passphrase: "
                              "give it (--passphrase-file or DIEUHANH_BACKUP_PASSPHRASE).")
        else:
            keys = open_keys((staged / info["member"]).read_bytes(), passphrase)
    elif keys_file is not None:
        keys = read_keys_file(keys_file)
    elif settings.FIELD_ENCRYPTION_KEYS:
        keys = list(settings.FIELD_ENCRYPTION_KEYS)
    else:
        raise BackupError("Bản sao lưu không chứa khoá mã hoá: cho tệp khoá đã cất riêng (--keys-file). / "
                          "The archive holds no field keys: give the key file kept apart (--keys-file).")
    if fieldkeys.fingerprint(keys) != info.get("fingerprint"):
        raise BackupError(f"Khoá đã cho không phải khoá của bản sao lưu này (dấu vân tay {fieldkeys.fingerprint(keys)}, "
                          f"cần {info.get('fingerprint')}); chưa thay đổi gì. / The keys given are not this backup's "
                          "(fingerprints differ); nothing was changed.")
    return keys


def _keys_target(keys: list[str], force: bool) -> Path | None:
    """Where the keys will be written (None: already there), or why not."""
    env = os.environ.get("DIEUHANH_FIELD_KEYS", "")
    if env.strip():
        if [k.strip() for k in env.split(",") if k.strip()] != keys:
            raise BackupError("DIEUHANH_FIELD_KEYS đang chứa khoá khác khoá của bản sao lưu; bỏ biến này (khoá sẽ được "
                              f"ghi vào {settings.FIELD_KEYS_FILE}) hoặc đặt nó bằng khoá của bản sao lưu. / "
                              "DIEUHANH_FIELD_KEYS holds other keys than the backup's: unset it (the keys are then "
                              f"written to {settings.FIELD_KEYS_FILE}) or set it to the backup's keys.")
        return None
    path = Path(settings.FIELD_KEYS_FILE)
    if path.exists():
        try:
            current = fieldkeys.parse_keys(path.read_text())
        except ValueError:
            current = []
        if current == keys:
            return None
        # A key a new install made (migrate) has encrypted nothing yet: replaced, kept aside.
        if not force and fieldkeys.holds_encrypted():
            raise BackupError(f"{path} đang chứa khoá khác khoá của bản sao lưu; không ghi đè (dùng --force để thay, "
                              f"khoá cũ được giữ lại bên cạnh). / {path} holds other keys than the backup's; not "
                              "overwritten (--force replaces them and keeps the old file beside it).")
    return path


def _collisions(staged: Path) -> list[str]:
    """Files of the archive whose place in the data folder holds a different file."""
    out = []
    roots = file_dirs()
    files = staged / "files"
    if files.is_dir():
        for path in files.rglob("*"):
            if path.is_file():
                name, *rest = path.relative_to(files).parts
                target = roots[name].joinpath(*rest) if name in roots else None
                if target is not None and target.exists() and not filecmp.cmp(target, path, shallow=False):
                    out.append(str(target))
    return out


def restore(archive: Path, *, passphrase: str | None = None, keys_file: Path | None = None, force: bool = False,
            progress: Progress = _quiet) -> Restored:
    """Bring the archive back into the configured, empty database and data folder (see the module)."""
    from django.core.management import call_command

    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(f"Bản sao lưu của {manifest.get('vendor')}, cơ sở dữ liệu đích là {connection.vendor}: chỉ "
                          f"phục hồi vào cùng loại. / A {manifest.get('vendor')} backup restores into "
                          f"{manifest.get('vendor')} only, not {connection.vendor}.")
    if unknown := _unknown_migrations(manifest):
        raise BackupError(f"Bản sao lưu của phiên bản mới hơn (có {', '.join(unknown[:5])}): cài phiên bản ấy trước. "
                          f"/ The backup comes from a newer release ({', '.join(unknown[:5])}): install it first.")
    if held := database_holds_data():
        raise BackupError(f"Cơ sở dữ liệu đích đã có dữ liệu ({held}): chỉ phục hồi vào cơ sở dữ liệu trống; chưa thay "
                          f"đổi gì. / The target database already holds data ({held}): restore only into an empty "
                          "database; nothing was changed.")
    data_dir = Path(settings.DATA_DIR)
    staged = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        _extract_checked(archive, manifest, staged, progress)
        keys = _keys_for(manifest, staged, passphrase, keys_file)
        keys_path = _keys_target(keys, force)
        if (clash := _collisions(staged)) and not force:
            raise BackupError(f"Thư mục dữ liệu đã có tệp khác cùng tên ({', '.join(clash[:3])}…); dùng --force để ghi "
                              f"đè. / The data folder holds other files of the same names; --force overwrites them.")
        # Everything checked: from here on the database, the files and the keys are written.
        progress("Nạp cơ sở dữ liệu", 0, None)
        db_member = staged / manifest["database"]["member"]
        if connection.vendor == "sqlite":
            _sqlite_load(db_member)
        else:
            _pg_load(db_member)
        progress("Nạp cơ sở dữ liệu", 1, 1)
        for name, root in file_dirs().items():
            source = staged / "files" / name
            if source.is_dir():
                root.mkdir(mode=0o700, parents=True, exist_ok=True)
                for path in sorted(source.rglob("*")):
                    target = root / path.relative_to(source)
                    if path.is_dir():
                        target.mkdir(mode=0o700, exist_ok=True)
                    else:
                        os.replace(path, target)
        written = ""
        if keys_path is not None:
            if keys_path.exists():
                aside = keys_path.with_name(f"{keys_path.name}.replaced-{timezone.now():%Y%m%d%H%M%S}")
                os.replace(keys_path, aside)
            fieldkeys.write_key_file(keys_path, keys)
            written = str(keys_path)
        settings.FIELD_ENCRYPTION_KEYS = keys
        progress("Cập nhật cấu trúc", 0, None)
        connection.close()
        call_command("migrate", interactive=False, verbosity=0)
        tables = _counts()
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    before = manifest["database"]["tables"]
    differences = {t: (before.get(t, 0), tables.get(t, 0)) for t in sorted(set(before) | set(tables))
                   if before.get(t, 0) != tables.get(t, 0)}
    if message := fieldkeys.problem():
        raise BackupError(message)
    return Restored(manifest, tables, differences, written)


def _sqlite_load(path: Path) -> None:
    """The archived database copied into the configured SQLite file by the backup API (the file
    and its WAL stay consistent: no file is swapped under a connection)."""
    name = str(connection.settings_dict["NAME"])
    connection.close()
    Path(name).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(name, timeout=20)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    Path(name).chmod(0o600)


def _pg_load(path: Path) -> None:
    """pg_restore in one transaction: a failure leaves the database as it was. A database that
    `migrate` already made has its objects dropped and made again (--clean)."""
    connection.ensure_connection()
    clean = ["--clean", "--if-exists"] if connection.introspection.table_names() else []
    connection.close()
    done = subprocess.run(  # noqa: S603
        [pg_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         *clean, f"--dbname={connection.settings_dict['NAME']}", str(path)],
        env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_restore thất bại, cơ sở dữ liệu giữ nguyên / failed, the database is unchanged: "
                          f"{done.stderr.strip()}")


# --- the daily backup ------------------------------------------------------------------------------------


def scheduled_jobs() -> tuple[PeriodicJob, ...]:
    """The daily backup as a periodic job, when DIEUHANH_BACKUP_DIR is set (core/apps.py)."""
    if not settings.DIEUHANH_BACKUP_DIR:
        return ()
    return (PeriodicJob("core.backup", "dieuhanh.core.backup.daily", "day", settings.DIEUHANH_BACKUP_AT),)


def prune(directory: Path, keep: int) -> list[str]:
    """Delete the oldest archives named dieuhanh-YYYYMMDD-HHMM.tar.gz beyond the newest `keep`;
    other files are left alone. Returns the names deleted."""
    names = sorted(p.name for p in directory.iterdir() if ARCHIVE_NAME.match(p.name) and p.is_file())
    old = names[:-keep] if keep > 0 else names
    for name in old:
        (directory / name).unlink()
    return old


def daily(day: dt.date) -> dict[str, Any]:
    """The scheduled backup (periodic job "core.backup"): an archive named by the local time into
    DIEUHANH_BACKUP_DIR, then the oldest beyond DIEUHANH_BACKUP_KEEP deleted."""
    directory = Path(settings.DIEUHANH_BACKUP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    passphrase = None
    if settings.DIEUHANH_BACKUP_PASSPHRASE_FILE:
        passphrase = read_passphrase(Path(settings.DIEUHANH_BACKUP_PASSPHRASE_FILE))
    else:
        log.warning("daily backup without DIEUHANH_BACKUP_PASSPHRASE_FILE: the field keys are not in the archive; "
                    "keep %s apart", settings.FIELD_KEYS_FILE)
    output = directory / f"dieuhanh-{timezone.localtime():%Y%m%d-%H%M}.tar.gz"
    if output.exists():
        return {"archive": str(output), "written": False, "deleted": []}
    manifest = create(output, passphrase=passphrase)
    deleted = prune(directory, settings.DIEUHANH_BACKUP_KEEP)
    log.info("daily backup %s: %s rows; deleted %s", output, manifest["database"]["rows"], deleted)
    return {"archive": str(output), "written": True, "rows": manifest["database"]["rows"], "deleted": deleted}


def read_passphrase(path: Path) -> str:
    """The first line of a passphrase file."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        lines = path.read_text().splitlines()
        if lines and lines[0].strip():
            return lines[0].strip()
    raise BackupError(f"Không đọc được mật khẩu sao lưu trong {path}. / No passphrase readable in {path}.")
