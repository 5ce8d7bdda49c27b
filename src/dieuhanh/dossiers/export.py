"""The dossier register (*sổ theo dõi hồ sơ*) as .xlsx, for the rows the register shows (same
`visible_to`, same `DossierFilter`), all pages.

A province's register runs to hundreds of thousands of rows. openpyxl, even in write-only mode,
spends some 40 µs per cell here (90 s for 100,000 rows of 20 columns: longer than a web
request may take), so the sheet is written directly as SpreadsheetML: one formatted string per
row, streamed into the zip entry, from a `values_list` iterator (no model instances). Memory stays
flat whatever the row count. The file is an ordinary workbook — one sheet, a bold header row,
frozen under the header, an auto-filter, real dates with a dd/mm/yyyy format (so Excel sorts and
filters them), strings stored inline — and the tests read it back with openpyxl. Its text is
cleaned, and text that looks like a formula marked as text, by the same rules as every other
export (`core.spreadsheet`): an applicant's name is whatever the province's system holds."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from dieuhanh.core.spreadsheet import FORBIDDEN_CLASS, clean_text, looks_like_formula
from dieuhanh.dossiers.choices import OPEN_STATUSES, Channel, ReturnMethod, Source, Status, Timeliness

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
SHEET_TITLE = "Sổ theo dõi hồ sơ"
LATE_NOW = "Đang quá hạn"
MAX_ROWS = 1_048_575  # Excel's last row is 1,048,576; the header takes one

# (header, column width, the queryset field it comes from, or None for "late now")
COLUMNS: list[tuple[str, int, str | None]] = [
    ("Mã hồ sơ", 26, "code"),
    ("Mã thủ tục", 12, "procedure__code"),
    ("Tên thủ tục", 48, "procedure__name"),
    ("Lĩnh vực", 20, "procedure__field"),
    ("Đơn vị tiếp nhận", 24, "unit__name"),
    ("Mã đơn vị", 10, "unit__code"),
    ("Kênh tiếp nhận", 16, "channel"),
    ("Người nộp hồ sơ", 26, "applicant_name"),
    ("Ngày tiếp nhận", 12, "received_on"),
    ("Ngày hẹn trả", 12, "due_on"),
    ("Ngày hẹn lại (sau xin lỗi)", 14, "new_due_on"),
    ("Ngày có kết quả", 12, "result_on"),
    ("Ngày trả kết quả", 12, "returned_on"),
    ("Hình thức trả", 18, "return_method"),
    ("Trạng thái", 20, "status"),
    ("Tiến độ", 10, "timeliness"),
    (LATE_NOW, 10, None),
    ("Cơ quan đang xử lý", 30, "current_body"),
    ("Bước đang xử lý", 26, "current_step"),
    ("Nguồn", 14, "source"),
]
FIELDS = [f for _h, _w, f in COLUMNS if f is not None]
LABELS: dict[str, dict[str, str]] = {
    "channel": dict(Channel.choices),
    "return_method": dict(ReturnMethod.choices),
    "status": dict(Status.choices),
    "timeliness": dict(Timeliness.choices),
    "source": dict(Source.choices),
}

# --- a minimal SpreadsheetML writer -------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPECIAL = re.compile(f"[{FORBIDDEN_CLASS}&<>]")
DATE_STYLE, HEADER_STYLE, TEXT_STYLE = 1, 2, 3

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 plain, 1 date dd/mm/yyyy, 2 header (bold white on navy, wrapped), 3 plain with the
# quote prefix (text that looks like a formula: shown, and kept when edited, as text).
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1F3A5F"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _text(value: str) -> str:
    if not _SPECIAL.search(value):
        return value
    return clean_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(ref: str, value: Any, style: int = 0) -> str:
    """One `<c>` element; empty string for an empty cell."""
    if value is None or value == "":
        return ""
    if type(value) is str and not style:  # the common case first
        text = _text(value)
        if not text:
            return ""
        space = ' xml:space="preserve"' if text[0] in " \t\n" or text[-1] in " \t\n" else ""
        s = f' s="{TEXT_STYLE}"' if looks_like_formula(text) else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{(day - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = _text(str(value))
    if not style and looks_like_formula(text):
        s = f' s="{TEXT_STYLE}"'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def write_xlsx(target: str | IO[bytes], title: str, columns: list[tuple[str, int]], rows: Iterable[list[Any]]) -> int:
    """Write one sheet: `columns` (header, width), then `rows` (lists of str, int, float, date or
    None). Returns the number of data rows."""
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    last = letters[-1]
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w") as raw:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
                for i, (_h, width) in enumerate(columns, start=1)
            )
            header = "".join(_cell(f"{letter}1", h, HEADER_STYLE) for letter, (h, _w) in zip(letters, columns, strict=True))
            raw.write((
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                f'<row r="1">{header}</row>'
            ).encode())
            buffer: list[str] = []
            for count, row in enumerate(rows, start=1):
                n = count + 1
                cells = "".join(_cell(f"{letter}{n}", value) for letter, value in zip(letters, row, strict=True))
                buffer.append(f'<row r="{n}">{cells}</row>')
                if len(buffer) >= 500:
                    raw.write("".join(buffer).encode())
                    buffer.clear()
            raw.write("".join(buffer).encode())
            raw.write(f'</sheetData><autoFilter ref="A1:{last}{count + 1}"/></worksheet>'.encode())
        sheet = _text(title).replace("'", "''")
        zf.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheets><sheet name="{_text(title)}" sheetId="1" r:id="rId1"/></sheets>'
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{sheet}'!$A$1:${last}${count + 1}</definedName></definedNames></workbook>"
        ))
    return count


# --- the register ------------------------------------------------------------------------------------------


def register_rows(values: Iterable[tuple[Any, ...]], today: dt.date) -> Iterable[list[Any]]:
    """`values_list(*FIELDS)` rows as the sheet's rows: labels for codes, "Có" when late now."""
    index = {f: i for i, f in enumerate(FIELDS)}
    status_i, due_i = index["status"], index["due_on"]
    labelled = [(index[f], labels) for f, labels in LABELS.items()]
    late_at = [h for h, _w, _f in COLUMNS].index(LATE_NOW)
    for raw in values:
        row: list[Any] = list(raw)
        late = row[status_i] in OPEN_STATUSES and row[due_i] is not None and row[due_i] < today
        for i, labels in labelled:
            row[i] = labels.get(row[i], row[i]) if row[i] else None
        row.insert(late_at, "Có" if late else None)
        yield row


def write_register(dossiers: Any, target: str | IO[bytes], *, today: dt.date | None = None,
                   chunk_size: int = 5000) -> int:
    """Write the register of `dossiers` (a queryset) to `target` (a path or binary file); returns
    the number of rows. At most the `MAX_ROWS` newest rows fit in a sheet Excel opens."""
    today = today or timezone.localdate()
    ordered = dossiers.order_by("-received_on", "-id").values_list(*FIELDS)
    values = ordered[:MAX_ROWS].iterator(chunk_size=chunk_size)
    return write_xlsx(target, SHEET_TITLE, [(h, w) for h, w, _f in COLUMNS], register_rows(values, today))


def register_response(dossiers: Any, *, today: dt.date | None = None, stem: str = "so-theo-doi-ho-so") -> FileResponse:
    """The register as a download, `stem-dd-mm-yyyy.xlsx`. The file is written to a temporary
    file first (an .xlsx is a zip whose directory comes last), then sent in chunks; the temporary
    file goes away when the response is closed."""
    today = today or timezone.localdate()
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_register(dossiers, tmp, today=today)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, filename=f"{stem}-{today:%d-%m-%Y}.xlsx",
                            content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
