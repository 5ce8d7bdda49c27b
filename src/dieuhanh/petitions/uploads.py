"""What a petition's files may be: how many, how large, and of which types, told by their first
bytes and not by the name or the type the browser declared (either is whatever the sender wrote).

A citizen filing online may send photos and PDF scans; the reception desk may also attach Word
and OpenDocument files. A file whose content is of no allowed type (a page named «anh.jpg» that
is HTML) is refused by name. The type stored with the file, and served with it, is the one read
from its content, and a name whose extension does not fit it gets the right one appended. Files are encrypted
at rest by `receiving.do_receive_petition`, whoever sends them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MB = 1024 * 1024
MAX_BYTES = 10 * MB  # each file
MAX_FILES = 10  # files with one petition received at the desk
PUBLIC_MAX_FILES = 5  # photos with one petition filed online


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: StrOrPromise
    extensions: tuple[str, ...]
    image: bool = False  # a photo the browser can show on the case page
    public: bool = True  # a citizen may send it online


JPEG = FileType("image/jpeg", gettext_lazy("ảnh JPEG"), (".jpg", ".jpeg", ".jfif"), image=True)
PNG = FileType("image/png", gettext_lazy("ảnh PNG"), (".png",), image=True)
WEBP = FileType("image/webp", gettext_lazy("ảnh WebP"), (".webp",), image=True)
GIF = FileType("image/gif", gettext_lazy("ảnh GIF"), (".gif",), image=True)
HEIC = FileType("image/heic", gettext_lazy("ảnh HEIC (iPhone)"), (".heic", ".heif"))  # no browser shows it: a link
PDF = FileType("application/pdf", "PDF", (".pdf",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)",
                (".docx",), public=False)
DOC = FileType("application/msword", "Word (.doc)", (".doc",), public=False)
ODT = FileType("application/vnd.oasis.opendocument.text", "OpenDocument (.odt)", (".odt",), public=False)
TYPES = (JPEG, PNG, WEBP, GIF, HEIC, PDF, DOCX, DOC, ODT)
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def _zip_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return set()


def sniff(data: bytes) -> FileType | None:
    """The allowed type `data` is, read from its first bytes (a zip's table of contents for Word
    and OpenDocument files), or None."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    if data[:1024].lstrip(b"\r\n\t \x00")[:5] == b"%PDF-":
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if "word/document.xml" in names:
            return DOCX
        if "content.xml" in names and data[30:38] == b"mimetype" and b"opendocument.text" in data[38:100]:
            return ODT
    return None


def allowed(public: bool) -> tuple[FileType, ...]:
    return tuple(t for t in TYPES if t.public or not public)


def allowed_text(public: bool) -> str:
    """The allowed types as the messages name them: "ảnh JPEG, ảnh PNG, …, PDF"."""
    return ", ".join(str(t.label) for t in allowed(public))


def checked(files: Iterable[tuple[str, str, bytes]], *, public: bool) -> tuple[list[tuple[str, str, bytes]], list[str]]:
    """The files as they are stored — (name, content type read from the content, bytes) — and,
    if any is not acceptable, the Vietnamese messages naming each fault and the limit."""
    files = list(files)
    errors: list[str] = []
    most = PUBLIC_MAX_FILES if public else MAX_FILES
    if len(files) > most:
        errors.append(_("Gửi quá nhiều tệp đính kèm: %(files)s tệp, tối đa %(most)s tệp.") % {"files": len(files), "most": most})
    kinds = allowed(public)
    out = []
    for name, _declared, data in files:
        name = PurePath((name or "").replace("\\", "/")).name.strip() or "tep-dinh-kem"
        if len(data) > MAX_BYTES:
            errors.append(_("Tệp «%(name)s» lớn hơn %(value)s MB (giới hạn mỗi tệp %(value)s MB).") % {"name": name, "value": MAX_BYTES // MB})
            continue
        if not data:
            errors.append(_("Tệp «%(name)s» rỗng.") % {"name": name})
            continue
        kind = sniff(data)
        if kind is None or kind not in kinds:
            errors.append(_("Tệp «%(name)s» không phải loại được nhận. Chỉ nhận: %(public)s.") % {"name": name, "public": allowed_text(public)})
            continue
        if PurePath(name).suffix.lower() not in kind.extensions:
            name += kind.extensions[0]  # the name says what it is: downloaded, it opens as what it is
        out.append((name, kind.content_type, data))
    return out, errors


def is_image(content_type: str) -> bool:
    """Whether a stored file is a photo the case page shows."""
    return any(t.image and t.content_type == content_type for t in TYPES)
