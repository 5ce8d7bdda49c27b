"""Encryption at rest of the fields that identify a petitioner (Law on Denunciations Arts 8, 9,
47): name, address, contact, ID number, co-signers, and attachments. Fernet (AES-128-CBC with
HMAC-SHA256) from `cryptography`; the keys live outside the database (settings
`FIELD_ENCRYPTION_KEYS`), and `MultiFernet` lets an administrator rotate them."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("Chưa cấu hình khoá mã hoá (FIELD_ENCRYPTION_KEYS).")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    """The configured keys; on a fresh install, a new key made now (core.fieldkeys.ensure, which
    refuses to make one beside a database that holds identities encrypted by another)."""
    if not settings.FIELD_ENCRYPTION_KEYS:
        from dieuhanh.core.fieldkeys import ensure

        ensure()
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(bytes(token))
    except InvalidToken as exc:  # wrong key or tampered data: never show garbage
        raise ValueError("Không giải mã được dữ liệu: sai khoá hoặc dữ liệu đã bị sửa.") from exc


def encrypt_json(value: dict[str, Any]) -> str:
    return encrypt_bytes(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).decode()


def decrypt_json(token: str) -> dict[str, Any]:
    if not token:
        return {}
    return json.loads(decrypt_bytes(token.encode()))


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key."""
    return fernet().rotate(token.encode()).decode()
