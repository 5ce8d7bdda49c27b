"""The dossier register (*sổ theo dõi hồ sơ*) as .xlsx, for the rows the register shows (same
`visible_to`, same `DossierFilter`), all pages.

A province's register runs to hundreds of thousands of rows, so the workbook is written in
openpyxl's write-only mode (rows go straight to disk, memory stays flat) from a `values_list`
iterator (no model instances), into a temporary file that is streamed to the browser and
deleted when sent. Dates are real dates with a dd/mm/yyyy format, so Excel sorts and filters
them."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from dieuhanh.dossiers.choices import OPEN_STATUSES, Channel, ReturnMethod, Source, Status, Timeliness

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")

# (header, column width, the queryset field it comes from or None for a computed column)
COLUMNS: list[tuple[str, int, str | None]] = [
    ("Mã hồ sơ", 24, "code"),
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
    ("Đang quá hạn", 10, None),
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


def _rows(values: Iterable[tuple[Any, ...]], today: dt.date, ws: Any) -> Iterator[list[Any]]:
    index = {f: i for i, f in enumerate(FIELDS)}
    status_i, due_i = index["status"], index["due_on"]
    labelled = [(index[f], labels) for f, labels in LABELS.items()]
    date_columns = [i for i, f in enumerate(FIELDS) if f.endswith("_on")]
    late_at = [h for h, _w, _f in COLUMNS].index("Đang quá hạn")
    for raw in values:
        row: list[Any] = list(raw)
        late = row[status_i] in OPEN_STATUSES and row[due_i] is not None and row[due_i] < today
        for i, labels in labelled:
            row[i] = labels.get(row[i], row[i]) if row[i] else None
        for i in date_columns:
            if row[i] is not None:
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = DATE_FORMAT
                row[i] = cell
        row.insert(late_at, "Có" if late else None)
        yield row


def write_register(dossiers: Any, target: Any, *, today: dt.date | None = None, chunk_size: int = 5000) -> int:
    """Write the register of `dossiers` (a queryset) to `target` (a path or binary file);
    returns the number of rows."""
    today = today or timezone.localdate()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sổ theo dõi hồ sơ")
    for col, (_header, width, _field) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[_letter(col)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title, _w, _f in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    values = dossiers.order_by("-received_on", "-id").values_list(*FIELDS).iterator(chunk_size=chunk_size)
    count = 0
    for row in _rows(values, today, ws):
        ws.append(row)
        count += 1
    ws.auto_filter.ref = f"A1:{_letter(len(COLUMNS))}{count + 1}"
    wb.save(target)
    return count


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def register_response(dossiers: Any, *, today: dt.date | None = None, stem: str = "so-theo-doi-ho-so") -> FileResponse:
    """The register as a download, `stem-dd-mm-yyyy.xlsx`. The file is written to a temporary
    file first (an .xlsx is a zip: it cannot be streamed before it is complete), then sent in
    chunks; the temporary file goes away when the response is closed."""
    today = today or timezone.localdate()
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_register(dossiers, tmp, today=today)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, filename=f"{stem}-{today:%d-%m-%Y}.xlsx",
                            content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
