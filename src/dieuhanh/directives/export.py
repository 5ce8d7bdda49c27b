""".xlsx exports of the task and document lists. The views pass the queryset they list
(same `visible_to`, same TaskFilter), so the file holds exactly the rows on screen, all pages.

Dates are written as real dates with a dd/mm/yyyy number format (sortable and filterable in
Excel or LibreOffice), amounts as numbers with a thousands format. Every cell goes through
`core.spreadsheet.set_cell`: a petitioner's or an officer's text can hold control characters or
start like a formula."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dieuhanh.core.spreadsheet import set_cell, write_row
from dieuhanh.directives.choices import TaskStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")

Column = tuple[str, Callable[[Any], Any], str | None]  # header, value of a row, number format


def workbook(sheets: Iterable[tuple[str, list[Column], Iterable[Any]]]) -> bytes:
    """An .xlsx of one sheet per (title, columns, rows): a styled header row, number formats,
    column widths fitted to the content, the header frozen and filterable. The writer every
    export of the app shares."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the new workbook's one (active) sheet
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title[:31])
        for cell in write_row(ws, 1, [header for header, _value, _fmt in columns]):
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [len(header) + 2 for header, _value, _fmt in columns]
        for row_index, obj in enumerate(rows, start=2):
            for col_index, (_header, value_of, number_format) in enumerate(columns, start=1):
                value = value_of(obj)
                cell = set_cell(ws, row_index, col_index, value)
                if number_format and value is not None:
                    cell.number_format = number_format
                shown = 10 if number_format == DATE_FORMAT else len(str(value)) if value is not None else 0
                widths[col_index - 1] = max(widths[col_index - 1], min(shown + 2, MAX_WIDTH))
        for col_index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col_index)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet(title: str, columns: list[Column], rows: Iterable[Any]) -> bytes:
    return workbook([(title, columns, rows)])


def tasks_workbook(tasks: Iterable[Any]) -> bytes:
    """One row per task; `tasks` must carry the `status` annotation (TaskFilter.apply adds it)."""
    columns: list[Column] = [
        (_("Mã"), lambda t: t.code, None),
        (_("Nhiệm vụ"), lambda t: t.title, None),
        (_("Văn bản giao"), lambda t: t.source_document.symbol, None),
        (_("Đơn vị chủ trì"), lambda t: t.lead_unit.name, None),
        (_("Người chủ trì"), lambda t: t.lead_person.full_name, None),
        (_("Lãnh đạo chịu trách nhiệm"), lambda t: t.accountable_person.full_name, None),
        (_("Ngày giao"), lambda t: t.assigned_on, DATE_FORMAT),
        (_("Thời hạn"), lambda t: t.due_date, DATE_FORMAT),
        (_("Tiến độ (%)"), lambda t: t.progress_percent, None),
        (_("Trạng thái"), lambda t: _(TaskStatus(t.status_value).label), None),
        (_("Kết quả cần đạt"), lambda t: t.expected_result, None),
        (_("Kinh phí (đồng)"), lambda t: int(t.budget_vnd) if t.budget_vnd is not None else None, MONEY_FORMAT),
    ]
    return _sheet(_("Nhiệm vụ"), columns, tasks)


def documents_workbook(documents: Iterable[Any]) -> bytes:
    columns: list[Column] = [
        (_("Số, ký hiệu"), lambda d: d.symbol, None),
        (_("Loại văn bản"), lambda d: _(d.get_kind_display()), None),
        (_("Cơ quan ban hành"), lambda d: d.issuer.name, None),
        (_("Ngày ban hành"), lambda d: d.issued_on, DATE_FORMAT),
        (_("Trích yếu"), lambda d: d.title, None),
        (_("Thực hiện văn bản"), lambda d: d.parent.symbol if d.parent_id else None, None),
        (_("Số nhiệm vụ"), lambda d: getattr(d, "task_count", None), None),
    ]
    return _sheet(_("Văn bản"), columns, documents)


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """`stem-dd-mm-yyyy.xlsx`, ASCII so every browser and mail client keeps the name."""
    filename = f"{stem}-{timezone.localdate():%d-%m-%Y}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
