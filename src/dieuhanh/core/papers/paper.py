"""What a formal document says, apart from how it is laid out: the issuing body, number, place and
date, the kind and subject, the body as blocks, who signs and for whom, and where it goes. A kind
of document (core/papers/kinds.py) builds a `Paper` from an app's data; core/papers/docx.py lays
it out in its format (core/papers/formats.py) as .docx, and core/papers/pdf.py turns that into a
PDF that looks the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issuer:
    """The issuing body as its header names it: the body above it (none for a commune's People's
    Committee or Party committee), its own name (upper case is applied by the format), and its
    abbreviation in the number ("UBND", "ĐU")."""

    name: str
    code: str
    parent: str = ""


@dataclass(frozen=True)
class Text:
    """A paragraph of the body. `runs` are (text, bold, italic) pieces of one paragraph; `text` alone
    is one plain piece. `align`: justify (the body's), left, center or right; `indent`: the first
    line indented as the format says."""

    text: str = ""
    runs: tuple[tuple[str, bool, bool], ...] = ()
    bold: bool = False
    italic: bool = False
    align: str = "justify"
    indent: bool = True
    size: float | None = None
    keep_with_next: bool = False

    def pieces(self) -> tuple[tuple[str, bool, bool], ...]:
        return self.runs or ((self.text, self.bold, self.italic),)


@dataclass(frozen=True)
class Heading:
    """A heading of the body ("I. KẾT QUẢ THỰC HIỆN"): bold, kept with what follows."""

    text: str
    center: bool = False


@dataclass(frozen=True)
class Table:
    """A table of the body with a header row repeated on each page: `widths` in mm (their sum
    at most the width between the margins), `align` per column (left, center, right)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    align: tuple[str, ...] = ()
    size: float | None = None
    bold_rows: frozenset[int] = frozenset()  # rows set in bold (a group's line, the totals)


@dataclass(frozen=True)
class Image:
    """A picture of the body (a chart, a QR code): PNG bytes, `width` in mm, centred unless
    `align` says otherwise; `caption` below it."""

    png: bytes
    width: float
    align: str = "center"
    caption: str = ""


Block = Text | Heading | Table | Image


@dataclass(frozen=True)
class Signature:
    """Who signs: `authority` the lines above the position, in order ("TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH"; the party's "T/M BAN THƯỜNG VỤ"), the `position` ("PHÓ CHỦ TỊCH"), the
    signer's name (empty: left for the hand), and `note` under the position ("(Ký và ghi rõ họ
    tên)" on a slip signed by two people)."""

    position: str
    name: str = ""
    authority: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Paper:
    """A formal document. `format`: "state" or "party"; `number` None for a draft (its room left
    blank); `day` None likewise; `kind` the abbreviation in the number ("TB", "QĐ"; "CV" or ""
    for a letter, which has no kind line), `kind_title` the line above the subject ("THÔNG BÁO").
    `signatures`: one (beside the recipients) or two side by side (a slip signed by the applicant
    and the officer). `recipients` without the archive line, which `archive` gives ("VT, VP" or
    "Văn phòng Đảng uỷ")."""

    format: str
    issuer: Issuer
    place: str
    kind: str
    kind_title: str
    subject: str
    body: tuple[Block, ...]
    signatures: tuple[Signature, ...]
    number: int | str | None = None
    day: dt.date | None = None
    year: int | None = None  # a draft's year, for its date line
    recipients: tuple[str, ...] = ()
    archive: str = ""
    salutation: tuple[str, ...] = ()  # "Kính gửi: …" lines, under the subject
    footer_note: str = ""  # a line under the signatures (a slip's "made in two copies")
    title: str = ""  # the file's title (its properties): the kind and subject when empty
    numbered: bool = True  # False: a slip or form without a number line (it carries its own code)
    compact: bool = False  # a form that must fit one page: single line spacing, 2 pt between paragraphs
    reference: str = ""  # what names the file when it has no number (a slip: the dossier's code)
    keywords: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # The subject says what the document is about, not its kind again: "Thông báo kết luận
        # của…" under THÔNG BÁO reads "Kết luận của…".
        kind = self.kind_title.strip().lower()
        if kind and self.subject.lower().startswith(kind + " "):
            rest = self.subject[len(kind) + 1:].lstrip()
            object.__setattr__(self, "subject", rest[:1].upper() + rest[1:])

    @property
    def is_draft(self) -> bool:
        return self.number in (None, "") or self.day is None

    @property
    def file_title(self) -> str:
        return self.title or f"{self.kind_title.capitalize()} {self.subject}".strip()
