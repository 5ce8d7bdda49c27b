"""The one .xlsx writer of every export: task and document lists, the petition register, the
dossier register and statistics, indicator tables, the IOC's tables.

A province's dossier register runs to hundreds of thousands of rows, and openpyxl, even in
write-only mode, spends some 40 µs per cell (90 s for 100,000 rows of 20 columns: longer than a
web request may take). So sheets are written directly as SpreadsheetML: one formatted string per
row, streamed into the zip entry, from any iterator of rows. Memory stays flat whatever the row
count, unless a sheet asks for its column widths to be fitted to the content (then its rows are
read first: the small exports do, the register gives its widths).

Every file is an ordinary workbook: a bold white-on-navy header row, frozen under the header,
an auto-filter, real dates with a dd/mm/yyyy format (so Excel sorts and filters them), numbers
as numbers with the column's number format, strings stored inline. Text is cleaned of control
characters and text that looks like a formula is marked as text, by the rules of
`core.spreadsheet`: a petitioner's or an applicant's text is whatever they wrote."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from dieuhanh.core.spreadsheet import FORBIDDEN_CLASS, clean_text, looks_like_formula

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
MAX_WIDTH = 60
MAX_ROWS = 1_048_575  # Excel's last row is 1,048,576; the header takes one

# header (a text marked for translation is read when the file is written), value of a row, number format
Column = tuple["StrOrPromise", Callable[[Any], Any], str | None]


@dataclass
class Sheet:
    """One sheet: its title, headers, each column's width (None: fitted to the content) and
    number format (None: general; dates get dd/mm/yyyy), and its rows (lists of str, int,
    float, bool, date or None). A title or header marked for translation (`gettext_lazy`) is
    read in the active language when the sheet is made: the language of the request that
    downloads it (decision 0025)."""

    title: StrOrPromise
    headers: Sequence[StrOrPromise]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int | None] = ()
    formats: Sequence[str | None] = ()
    count: int = field(default=0, init=False)  # data rows written

    def __post_init__(self) -> None:
        self.title = str(self.title)
        self.headers = [str(h) for h in self.headers]


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPECIAL = re.compile(f"[{FORBIDDEN_CLASS}&<>]")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
# Fixed cell styles; number formats follow from 3 on, one per format the workbook uses.
HEADER_STYLE, TEXT_STYLE, DATE_STYLE = 1, 2, 3
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _text(value: str) -> str:
    if not _SPECIAL.search(value):
        return value
    return clean_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(ref: str, text: str, style: int) -> str:
    if not text:
        return f'<c r="{ref}"/>'
    if not style and looks_like_formula(text):
        style = TEXT_STYLE
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[0] in " \t\n" or text[-1] in " \t\n" else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(ref: str, value: Any, style: int = 0, date_style: int = DATE_STYLE) -> str:
    """One `<c>` element. `style` is the column's number style (numbers), `date_style` the style
    its dates take. An empty cell is written too (`<c r="B2"/>`): a streaming reader (openpyxl's
    read-only mode, pandas) then sees every row at full width without a `<dimension>`, which a
    streamed sheet cannot know before its last row."""
    if value is None or value == "":
        return f'<c r="{ref}"/>'
    if type(value) is str:  # the common case first
        return _inline(ref, _text(value), 0 if style != HEADER_STYLE else style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'<c r="{ref}" s="{date_style}"><v>{(day - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return _inline(ref, _text(str(value)), 0)


def _styles(formats: list[str]) -> str:
    fmts = [DATE_FORMAT, *formats]
    numfmts = "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{_text(f)}"/>' for i, f in enumerate(fmts))
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
        'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>',
        # Text that looks like a formula: shown, and kept when edited, as text (the quote prefix).
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>',
        *(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          for i in range(len(fmts))),
    ]
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}"><numFmts count="{len(fmts)}">{numfmts}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill><fill><patternFill patternType="solid"><fgColor rgb="FF1F3A5F"/><bgColor indexed="64"/></patternFill>'
        "</fill></fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def _fit(sheet: Sheet) -> None:
    """Read the rows and size each column that has no width to its content."""
    rows = [list(r) for r in sheet.rows]
    sheet.rows = rows
    widths = list(sheet.widths) or [None] * len(sheet.headers)
    for i, width in enumerate(widths):
        if width is None:
            longest = max(
                [len(str(sheet.headers[i]))] + [10 if isinstance(r[i], dt.date) else len(str(r[i])) for r in rows
                                           if r[i] is not None],
            )
            widths[i] = min(longest + 2, MAX_WIDTH)
    sheet.widths = widths


def _titles(sheets: list[Sheet]) -> list[str]:
    """Titles Excel accepts: at most 31 characters, none of []:*?/\\, each once."""
    out: list[str] = []
    for sheet in sheets:
        title = _BAD_TITLE.sub(" ", clean_text(str(sheet.title))).strip()[:31] or "Sheet"
        base, n = title, 2
        while title in out:
            suffix = f" ({n})"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        out.append(title)
    return out


def write_xlsx(target: str | IO[bytes], sheets: Sequence[Sheet]) -> list[int]:
    """Write `sheets` as one workbook to a path or a binary file; the data rows of each."""
    formats = sorted({f for s in sheets for f in s.formats if f and f != DATE_FORMAT})
    style_of = {DATE_FORMAT: DATE_STYLE, **{f: DATE_STYLE + 1 + i for i, f in enumerate(formats)}}
    titles = _titles(list(sheets))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, len(sheets) + 1)
        )
        zf.writestr("[Content_Types].xml", (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{overrides}<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        ))
        zf.writestr("_rels/.rels", (
            f'{_XML}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        zf.writestr("xl/_rels/workbook.xml.rels", (
            f'{_XML}<Relationships xmlns="{_PKG}">{rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ))
        zf.writestr("xl/styles.xml", _styles(formats))
        for i, sheet in enumerate(sheets, start=1):
            if not sheet.widths or None in sheet.widths:
                _fit(sheet)
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w") as raw:
                _write_sheet(raw, sheet, style_of)
        names = "".join(
            f'<sheet name="{_text(t)}" sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(titles, start=1)
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{_text(t).replace(chr(39), chr(39) * 2)}'!$A$1:${get_column_letter(len(s.headers))}${s.count + 1}"
            "</definedName>"
            for i, (t, s) in enumerate(zip(titles, sheets, strict=True))
        )
        zf.writestr("xl/workbook.xml", (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{names}</sheets>'
            f"<definedNames>{filters}</definedNames></workbook>"
        ))
    return [s.count for s in sheets]


def _write_sheet(raw: IO[bytes], sheet: Sheet, style_of: dict[str, int]) -> None:
    letters = [get_column_letter(i) for i in range(1, len(sheet.headers) + 1)]
    formats = list(sheet.formats) or [None] * len(letters)
    styles = [style_of.get(f, 0) if f else 0 for f in formats]
    date_styles = [s if f == DATE_FORMAT or (f and "d" in f and "y" in f) else DATE_STYLE for s, f in zip(
        styles, formats, strict=True)]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths, start=1)
    )
    header = "".join(_cell(f"{letter}1", h, HEADER_STYLE) for letter, h in zip(letters, sheet.headers, strict=True))
    raw.write((
        f'{_XML}<worksheet xmlns="{_MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
    ).encode())
    buffer: list[str] = []
    count = 0
    plain = not any(styles)
    for count, row in enumerate(sheet.rows, start=1):
        n = count + 1
        if plain:
            cells = "".join(_cell(f"{letter}{n}", value) for letter, value in zip(letters, row, strict=True))
        else:
            cells = "".join(
                _cell(f"{letter}{n}", value, style, date_style)
                for letter, value, style, date_style in zip(letters, row, styles, date_styles, strict=True)
            )
        buffer.append(f'<row r="{n}">{cells}</row>')
        if len(buffer) >= 500:
            raw.write("".join(buffer).encode())
            buffer.clear()
    raw.write("".join(buffer).encode())
    raw.write(f'</sheetData><autoFilter ref="A1:{letters[-1]}{count + 1}"/></worksheet>'.encode())
    sheet.count = count


# --- the small exports: rows of objects, columns as (header, value of a row, number format) -------


def workbook(sheets: Iterable[tuple[StrOrPromise, list[Column], Iterable[Any]]]) -> bytes:
    """An .xlsx of one sheet per (title, columns, rows), each column's width fitted to its
    content."""
    specs = [
        Sheet(title=title, headers=[h for h, _v, _f in columns], formats=[f for _h, _v, f in columns],
              rows=_values(columns, rows))
        for title, columns, rows in sheets
    ]
    buffer = io.BytesIO()
    write_xlsx(buffer, specs)
    return buffer.getvalue()


def _values(columns: list[Column], rows: Iterable[Any]) -> Iterable[list[Any]]:
    for obj in rows:
        yield [value_of(obj) for _h, value_of, _f in columns]


def sheet(title: StrOrPromise, columns: list[Column], rows: Iterable[Any]) -> bytes:
    """A one-sheet `workbook`."""
    return workbook([(title, columns, rows)])


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """`stem-dd-mm-yyyy.xlsx`, ASCII so every browser and mail client keeps the name."""
    filename = f"{stem}-{timezone.localdate():%d-%m-%Y}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
