"""The registers' files, kept under DATA_DIR/records/<year>/ by their SHA-256 and never written
again: a file is opened for exclusive creation, and read back only when its bytes still have the
hash the register wrote (a changed or missing file is refused, not served)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

FOLDER = "records"
# What an issued or received document may be: the signed PDF, the .docx, a scan.
TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
MAX_BYTES = 50 * 1024 * 1024
# The first bytes of each type: a file whose content is not what its name says is refused.
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}


class FileChanged(Exception):
    """The kept file is missing or its bytes no longer have the hash in the register."""


def root() -> Path:
    return Path(settings.DATA_DIR) / FOLDER


def check(name: str, content: bytes, field: str = "file") -> str:
    """The file's extension, or a ValidationError naming the field and what is wrong."""
    ext = Path(name).suffix.lower()
    if ext not in TYPES:
        raise ValidationError({field: [gettext("Tệp %(name)s không được nhận: chỉ nhận %(types)s.") % {
            "name": name, "types": ", ".join(sorted({e.lstrip(".") for e in TYPES}))}]})
    if not content:
        raise ValidationError({field: [gettext("Tệp %(name)s rỗng.") % {"name": name}]})
    if len(content) > MAX_BYTES:
        raise ValidationError({field: [gettext("Tệp %(name)s lớn hơn %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}]})
    if not content.startswith(_MAGIC[ext]):
        raise ValidationError({field: [gettext("Nội dung tệp %(name)s không phải tệp %(ext)s.") % {"name": name, "ext": ext.lstrip(".")}]})
    return ext


def keep(name: str, content: bytes, year: int) -> tuple[str, str]:
    """Write the bytes once under their hash; (path under DATA_DIR/records, SHA-256). The same
    bytes kept twice (a file received from two senders) lie in one file."""
    ext = check(name, content)
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{year}/{digest}{ext}"
    path = root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o440)
    except FileExistsError:
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise FileChanged(relative) from None
        return relative, digest
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return relative, digest


def read(relative: str, sha256: str) -> bytes:
    """The kept bytes, checked against the register's hash."""
    path = root() / relative
    if not relative or ".." in Path(relative).parts:
        raise FileChanged(relative)
    try:
        content = path.read_bytes()
    except OSError:
        raise FileChanged(relative) from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise FileChanged(relative)
    return content


def content_type(name: str) -> str:
    return TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
