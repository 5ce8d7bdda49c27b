"""The field keys (settings.FIELD_ENCRYPTION_KEYS) and the database they open (docs/decisions/0005,
0031).

Apps declare the columns that hold Fernet tokens under these keys (`PlatformApp.encrypted_fields`,
"app_label.Model.field"). Two things follow from knowing them:

- A new key is made only when the database holds no such token (`ensure`): on `migrate`, or at the
  first encryption. A data folder whose key file was lost, beside a database restored from a
  backup, never gets a fresh key silently; the identities it cannot open would otherwise turn into
  errors one page at a time.
- Every start checks that the configured keys open the tokens stored (`problem`): the system check
  of `check`, `migrate`, `runserver` (core/checks.py), and `dieuhanh serve`, `dieuhanh worker` and the
  WSGI application, which refuse to start with the message."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.models import Model

from dieuhanh.core.platform import platform_apps

__all__ = [
    "KeysUnusable", "encrypted_columns", "ensure", "fingerprint", "holds_encrypted", "new_key", "parse_keys", "problem",
    "refuse_if_unusable", "write_key_file",
]

SAMPLE = 10  # tokens read from each end of each column: the oldest and the newest


class KeysUnusable(ImproperlyConfigured):
    """The configured keys cannot open what the database holds (or there are none while it holds some)."""


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def fingerprint(keys: list[str]) -> str:
    """A short name of a key set, to match a backup with its keys without showing them (a hash of
    random 256-bit keys reveals nothing of them)."""
    return hashlib.sha256(("dieuhanh-field-keys\n" + "\n".join(keys)).encode()).hexdigest()[:16]


def parse_keys(text: str) -> list[str]:
    """The keys of a `field_keys` file (one a line), each checked to be a Fernet key."""
    keys = [k.strip() for k in text.splitlines() if k.strip() and not k.lstrip().startswith("#")]
    for k in keys:
        try:
            Fernet(k.encode())
        except (ValueError, TypeError):
            raise ValueError("not a Fernet key (32 bytes in URL-safe base64)") from None
    return keys


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write `keys` to `path` (mode 0600 from the start); refuses to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(f"{k}\n" for k in keys))


def encrypted_columns() -> Iterator[tuple[type[Model], str]]:
    """(model, field name) of every column the apps declare as holding field-key tokens."""
    for app in platform_apps():
        for dotted in app.encrypted_fields:
            label, model, field = dotted.split(".")
            yield apps.get_model(label, model), field


def _database_ready() -> bool:
    """Whether the database exists and has tables, found without creating it (a SQLite file is
    made by the first connection) and without failing when the server is unreachable."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if not (name.startswith("file:") or ":memory:" in name or Path(name).exists()):
            return False
    try:
        return bool(connection.introspection.table_names())
    except DatabaseError:
        return False


def _tokens() -> Iterator[bytes]:
    """The oldest and the newest tokens of each declared column."""
    tables = set(connection.introspection.table_names())
    for model, field in encrypted_columns():
        if model._meta.db_table not in tables:
            continue
        rows = model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
        for part in (rows.order_by("pk")[:SAMPLE], rows.order_by("-pk")[:SAMPLE]):
            for value in part:
                yield value.encode() if isinstance(value, str) else bytes(value)


def holds_encrypted() -> bool:
    if not _database_ready():
        return False
    return next(_tokens(), None) is not None


def _where() -> str:
    if os.environ.get("DIEUHANH_FIELD_KEYS"):
        return "DIEUHANH_FIELD_KEYS"
    return str(settings.FIELD_KEYS_FILE)


def problem() -> str | None:
    """Why the configured keys cannot serve this database, or None: no key while it holds
    encrypted identities, or none of the tokens sampled opens. A database not reachable or not
    created yet is no problem here (other checks say so)."""
    return judge()[0]


def judge() -> tuple[str | None, str | None]:
    """(`problem()`, a warning): the warning when the keys open some of the tokens sampled but
    not all — an older key removed from DIEUHANH_FIELD_KEYS / field_keys before every identity
    it encrypted was rotated to the new one. The start is refused only for keys that open none:
    the identities they open stay of use, and the warning says which key to put back."""
    if not _database_ready():
        return None, None
    tokens = list(dict.fromkeys(_tokens()))
    if not tokens:
        return None, None
    restore = ("Đặt lại khoá đúng (tệp field_keys của bản sao lưu, hoặc «dieuhanh restore» với mật khẩu sao lưu) "
               "rồi khởi động lại. / Put the right keys back (the backup's field_keys, or `dieuhanh restore` with "
               "the backup passphrase) and start again.")
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        return (f"Cơ sở dữ liệu có thông tin người gửi đơn đã mã hoá nhưng không có khoá mã hoá nào "
                f"({settings.FIELD_KEYS_FILE} không có, DIEUHANH_FIELD_KEYS chưa đặt); không tạo khoá mới vì khoá mới "
                f"không mở được dữ liệu cũ. / The database holds encrypted petitioner identities but no field key is "
                f"configured; no new key is made, since it could not open them. {restore}"), None
    try:
        fernet = MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError):
        return f"Khoá mã hoá trong {_where()} không hợp lệ. / The field keys in {_where()} are not Fernet keys.", None
    opened = 0
    for token in tokens:
        try:
            fernet.decrypt(token)
            opened += 1
        except InvalidToken:
            pass
    if opened == len(tokens):
        return None, None
    if opened:
        return None, (f"Khoá mã hoá trong {_where()} mở được {opened}/{len(tokens)} mẫu thông tin người gửi đơn đã mã "
                      f"hoá: thiếu một khoá cũ (bỏ khoá cũ trước khi mã hoá lại mọi bản ghi bằng khoá mới?). / The field keys in "
                      f"{_where()} open {opened} of the {len(tokens)} encrypted identities sampled: an older key is missing "
                      f"(removed before every identity it encrypted was rotated to the new one?). {restore}")
    return (f"Khoá mã hoá trong {_where()} không mở được thông tin người gửi đơn trong cơ sở dữ liệu "
            f"({len(tokens)} mẫu, không mẫu nào giải mã được): đây không phải khoá của cơ sở dữ liệu này. / "
            f"The field keys in {_where()} open none of the {len(tokens)} encrypted identities sampled: they are not "
            f"this database's keys. {restore}"), None


def refuse_if_unusable() -> None:
    """Raise KeysUnusable with the message of `problem()`, if any."""
    if message := problem():
        raise KeysUnusable(message)


def ensure() -> list[str]:
    """The configured keys; when there are none, a new key written to settings.FIELD_KEYS_FILE,
    but only while the database holds no encrypted value (else KeysUnusable). Two processes
    creating it at once: one file wins, both use it."""
    if settings.FIELD_ENCRYPTION_KEYS:
        return list(settings.FIELD_ENCRYPTION_KEYS)
    path = Path(settings.FIELD_KEYS_FILE)
    if not path.exists():
        if os.environ.get("DIEUHANH_FIELD_KEYS", "").strip(","):
            raise KeysUnusable("DIEUHANH_FIELD_KEYS holds no key")
        if holds_encrypted():
            raise KeysUnusable(problem() or "no field key")
        with contextlib.suppress(FileExistsError):  # another process made it just now
            write_key_file(path, [new_key()])
    keys = parse_keys(path.read_text())
    settings.FIELD_ENCRYPTION_KEYS = keys
    return keys


def ensure_after_migrate(**kwargs: object) -> None:
    """post_migrate: a fresh install gets its key now (as before keys were made lazily); a
    database with identities and no key is left to the start check to refuse, with its message."""
    with contextlib.suppress(KeysUnusable):
        ensure()
