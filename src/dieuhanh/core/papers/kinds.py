"""The kinds of formal documents the apps make from their data, and what every kind shares: who
may have one, the .docx and the PDF, the file's name.

An app declares its kinds in `PlatformApp.papers` (dotted paths to a `PaperKind` each): a key ("thong-bao-ket-luan"),
what it renders, the permission that opens it, and two functions of its own module:

    find(ident: str, user: AnyUser | None) -> object | None
        the object the document is made from, among those `user` may see (None: the command
        line, which sees everything); `ident` as typed (an id, or a dossier's code)
    build(obj, user: AnyUser | None) -> core.papers.paper.Paper
        the document, from the object's data
    example(user: AnyUser | None) -> str | None
        the ID of an object it renders (the newest the user may see): `dieuhanh document --list`
        shows it, and the platform's tests render every kind from the demo city with it

The platform serves every kind the same way: `/giay-to/<kind>/<ident>.docx|.pdf` (core/urls.py),
`GET /api/v1/papers/{kind}/{ident}?format=docx|pdf`, `dieuhanh document KIND ID`, and a page shows
the links with `{% paper_links "kind" obj.pk %}` (core/templatetags/papers.py)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from dieuhanh.core.papers import docx, pdf
from dieuhanh.core.papers.paper import Paper

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}


@dataclass(frozen=True)
class PaperKind:
    key: str
    label: Any  # str or a lazy translation
    renders: str  # one line: what it renders from what (`dieuhanh document --list`)
    find: str  # dotted path, see the module docstring
    build: str
    permission: tuple[str, str]  # (app, action) the user must hold over the object's unit
    ident: str = "id"  # what ID means on the command line: "id" or, say, "mã hồ sơ"
    example: str = ""  # dotted path: example(user) -> an ID the user may render, or None
    # dotted path: organisation(obj) -> the body that issues it, for a draft that an outgoing
    # register numbers and issues (PlatformApp.paper_register); empty: never issued that way
    organisation: str = ""

    def an_example(self, user: AnyUser | None) -> str | None:
        """An ID of an object this kind renders, among those `user` may see (the newest)."""
        return import_string(self.example)(user) if self.example else None

    def lookup(self, ident: str, user: AnyUser | None) -> Any:
        return import_string(self.find)(ident, user)

    def paper(self, obj: Any, user: AnyUser | None) -> Paper:
        return import_string(self.build)(obj, user)  # type: ignore[no-any-return]

    def issuer_of(self, obj: Any) -> Any:
        """The organisation that issues the document made from `obj` (None: not declared)."""
        return import_string(self.organisation)(obj) if self.organisation else None


def register_url() -> str:
    """The URL name of the page that issues drafts into an outgoing register, if an app has one."""
    from dieuhanh.core.platform import platform_apps

    return next((app.paper_register for app in platform_apps() if app.paper_register), "")


class UnknownKind(LookupError):
    pass


def all_kinds() -> dict[str, PaperKind]:
    """Every kind the installed apps declare, by key, in the settings' app order."""
    from dieuhanh.core.platform import platform_apps

    found: dict[str, PaperKind] = {}
    for app in platform_apps():
        for path in app.papers:
            kind = import_string(path)
            if kind.key in found:
                raise ValueError(f"two kinds of document named {kind.key!r}")
            found[kind.key] = kind
    return found


def kind(key: str) -> PaperKind:
    try:
        return all_kinds()[key]
    except KeyError:
        raise UnknownKind(key) from None


def render(paper: Paper, fmt: str) -> bytes:
    """The bytes of `paper` as "docx" or "pdf"."""
    data = docx.render(paper)
    if fmt == "pdf":
        return pdf.convert(data)
    if fmt != "docx":
        raise ValueError(f"unknown format {fmt!r}")
    return data


def file_name(paper: Paper, kind_key: str, fmt: str) -> str:
    """An ASCII file name that says what the document is: "thong-bao-ket-luan-50-TB-DU.docx";
    a form without a number, by its reference: "giay-tiep-nhan-ho-so-10549-261029-0027.pdf"; a
    draft: "...-du-thao.docx"."""
    parts = [kind_key]
    if paper.reference:
        parts.append(paper.reference)
    elif paper.is_draft:
        parts.append("du-thao")
    else:
        parts.extend([str(paper.number), paper.kind, paper.issuer.code])
    text = unicodedata.normalize("NFKD", "-".join(parts).replace("Đ", "D").replace("đ", "d"))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    return f"{slug or kind_key}.{fmt}"
