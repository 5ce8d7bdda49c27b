"""The formats of formal documents as data (core/data/paper_formats.yaml): Decree 30/2020/NĐ-CP for
the state's administrative documents, Hướng dẫn 36-HD/VPTW for the party's. Each version has its
effective dates and citation; a document is laid out in the version in force on its date. The
number, date and signing lines are written here, by the same rules for every kind of document."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

FORMATS_FILE = Path(__file__).resolve().parents[1] / "data" / "paper_formats.yaml"


class FormatError(ValueError):
    """No format of that code is in force on the day asked for."""


@dataclass(frozen=True)
class Style:
    """How one element is set: size in points, case and style; `rule` is what is drawn under it
    (full: a line as long as the text; short: a third to a half of it; star: an asterisk)."""

    size: float
    upper: bool = False
    bold: bool = False
    italic: bool = False
    underline: bool = False
    rule: str = ""
    text: str = ""
    indent: float = 0.0  # mm, the first line of a paragraph of the body
    space_after: float = 0.0  # points
    line_spacing: float = 1.0


@dataclass(frozen=True)
class Format:
    code: str
    name: str
    citation: str
    effective_from: dt.date
    effective_to: dt.date | None
    note: str
    page: dict[str, float]
    header_columns: tuple[float, float]
    font: str
    number_pattern: str
    number_without_kind: str
    archive_pattern: str
    recipients_heading: str
    recipient_end: str
    title_rule: str
    elements: dict[str, Style] = field(default_factory=dict)

    def applies_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def style(self, element: str) -> Style:
        return self.elements[element]

    @property
    def is_party(self) -> bool:
        return self.code == "party"

    @property
    def width_mm(self) -> float:
        """The width between the margins."""
        return self.page["width"] - self.page["left"] - self.page["right"]

    def number(self, number: int | str | None, kind: str, issuer: str) -> str:
        """"Số: 05/QĐ-UBND" (state) or "Số 05-NQ/ĐU" (party): a number below 10 takes a leading
        zero; no number yet (a draft) leaves the room for it blank. A letter (công văn, kind "CV"
        or empty) has no kind in a state number."""
        text = number_text(number)
        pattern = self.number_without_kind if kind in ("", "CV") else self.number_pattern
        return pattern.format(number=text, kind=kind, issuer=issuer)

    def archive(self, archive: str) -> str:
        """The last line of the recipients: "- Lưu: VT, VP." or "- Lưu Văn phòng Đảng uỷ."."""
        return self.archive_pattern.format(archive=archive.rstrip(". "))


def number_text(number: int | str | None) -> str:
    """05 for 5, 15 for 15; blank room (for the number written after signing) for None."""
    if number in (None, ""):
        return "\u00a0" * 6
    text = str(number).strip()
    return text.zfill(2) if text.isdigit() else text


def date_line(place: str, day: dt.date | None, year: int | None = None) -> str:
    """"Chí Linh, ngày 05 tháng 02 năm 2026": days below 10 and the months 1 and 2 take a leading
    zero (Decree 30/2020, Appendix I); no day yet (a draft): the room for it left blank, in `year`
    (this year when not given)."""
    if day is None:
        gap = "\u00a0" * 6
        return f"{place}, ngày{gap}tháng{gap}năm {year or timezone.localdate().year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _style(raw: dict[str, Any]) -> Style:
    return Style(**{k: raw[k] for k in raw}) if "size" in raw else Style(size=0, **raw)


@functools.cache
def all_formats() -> tuple[Format, ...]:
    raw = yaml.safe_load(FORMATS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Format(
            code=entry["code"], name=entry["name"], citation=entry["citation"],
            effective_from=entry["effective_from"], effective_to=entry.get("effective_to"),
            note=entry.get("note", ""), page=dict(entry["page"]),
            header_columns=(float(entry["header_columns"][0]), float(entry["header_columns"][1])),
            font=entry["font"], number_pattern=entry["number"], number_without_kind=entry["number_without_kind"],
            archive_pattern=entry["archive"], recipients_heading=entry["recipients_heading"],
            recipient_end=entry["recipient_end"],
            title_rule=entry["title_rule"],
            elements={name: _style(style) for name, style in entry["elements"].items()},
        )
        for entry in raw
    )


def format_for(code: str, day: dt.date) -> Format:
    """The version of format `code` in force on `day`."""
    for fmt in all_formats():
        if fmt.code == code and fmt.applies_on(day):
            return fmt
    raise FormatError(f"Không có thể thức văn bản «{code}» có hiệu lực ngày {day:%d/%m/%Y}.")
