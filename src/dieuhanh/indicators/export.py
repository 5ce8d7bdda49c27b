"""The indicator tables as .xlsx (openpyxl; a few hundred rows at most): the list of a unit and
year, and an indicator's history, targets and figures by unit, one sheet each, written by the
app's one writer (`core.xlsx.workbook`) with the number formats of figures."""

from __future__ import annotations

from dieuhanh.core.xlsx import Column, workbook

__all__ = ["NUMBER", "PERCENT", "Column", "workbook"]

NUMBER = "#,##0.###"
PERCENT = "0.0"
