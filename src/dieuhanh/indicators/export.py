"""The indicator tables as .xlsx (openpyxl; a few hundred rows at most): the list of a unit and
year, and an indicator's history, targets and figures by unit, one sheet each."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

Column = tuple[str, Callable[[Any], Any], str | None]
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
NUMBER = "#,##0.###"
PERCENT = "0.0"


def workbook(sheets: Iterable[tuple[str, list[Column], Iterable[Any]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append([h for h, _v, _f in columns])
        for cell in ws[1]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [len(h) + 2 for h, _v, _f in columns]
        for r, obj in enumerate(rows, start=2):
            for c, (_h, value_of, fmt) in enumerate(columns, start=1):
                value = value_of(obj)
                cell = ws.cell(row=r, column=c, value=value)
                if fmt and value is not None:
                    cell.number_format = fmt
                widths[c - 1] = max(widths[c - 1], min(len(str(value)) + 2 if value is not None else 0, 60))
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
