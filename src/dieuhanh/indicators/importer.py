"""Import of actuals and targets from a sheet (.xlsx or .csv, UTF-8), one row per figure.

Columns are found by their header (case and accents as typed below); extra columns are ignored.
Each row goes through the same service as the form (`do_enter_actual`, `do_set_target`) in its
own savepoint: a bad row is reported with its row number and reason, and the good rows are kept.

Actuals: Mã chỉ tiêu | Mã đơn vị | Năm | Giá trị | Tăng so với năm trước (%) | Nguồn | Ghi chú
Targets: Mã chỉ tiêu | Mã đơn vị | Từ năm | Đến năm | Giá trị | Văn bản | Ngày quyết định | Ghi chú
(a target row with no "Đến năm", or the same year, is a year target; otherwise a term target).
With kind="auto" the header decides: a "Từ năm" column makes it a targets sheet, else actuals.
`progress(done, total)` is called as rows are read (total: the sheet's row count, None for CSV);
the web page (/chi-tieu/nhap-tep/) and `dieuhanh import indicators FILE` share this importer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dieuhanh.indicators import services
from dieuhanh.indicators.choices import PeriodKind
from dieuhanh.indicators.models import Actual, Indicator, Target

ACTUAL_COLUMNS = {
    "code": "Mã chỉ tiêu", "unit": "Mã đơn vị", "year": "Năm", "value": "Giá trị",
    "growth_percent": "Tăng so với năm trước (%)", "source": "Nguồn", "note": "Ghi chú",
}
TARGET_COLUMNS = {
    "code": "Mã chỉ tiêu", "unit": "Mã đơn vị", "year_from": "Từ năm", "year_to": "Đến năm", "value": "Giá trị",
    "deciding_document": "Văn bản", "decided_on": "Ngày quyết định", "note": "Ghi chú",
}
HEADER_SEARCH_ROWS = 20
REQUIRED = {"actuals": ("code", "unit", "year", "value"), "targets": ("code", "unit", "year_from", "value")}
KINDS = ("actuals", "targets", "auto")
Progress = Callable[[int, "int | None"], None]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number in the sheet, reason)
    kind: str = ""  # "actuals" | "targets": what the sheet held
    rows: int = 0  # data rows read (blank rows not counted)

    @property
    def saved(self) -> int:
        return self.created + self.updated


def _open(data: IO[bytes], name: str) -> tuple[int | None, Iterator[tuple[int, list[Any]]]]:
    """(row count if known, numbered rows) of the sheet."""
    if name.lower().endswith(".csv"):
        text = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")

        def csv_rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                yield from enumerate(csv.reader(text), start=1)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise ValidationError({"file": [f"Không đọc được tệp CSV (cần mã UTF-8): {exc}"]}) from None

        return None, csv_rows()
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        wb = openpyxl.load_workbook(data, read_only=True, data_only=True)
        sheet = wb.active
    except Exception as exc:  # any unreadable workbook is the user's file, not a crash
        raise ValidationError({"file": [f"Không đọc được tệp Excel: {exc}"]}) from None
    if not isinstance(sheet, ReadOnlyWorksheet):  # no sheet, or a chart sheet, is open
        wb.close()
        raise ValidationError({"file": ["Tệp Excel không có trang số liệu đang mở để đọc."]})

    def xlsx_rows() -> Iterator[tuple[int, list[Any]]]:
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield n, list(row)
        wb.close()

    return sheet.max_row, xlsx_rows()


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).lower()


def message_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _date(raw: Any) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.datetime.strptime(str(raw).strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValidationError({"decided_on": [f"Ngày quyết định “{raw}” phải có dạng ngày/tháng/năm."]}) from None


def import_figures(
    data: IO[bytes] | Path, *, actor: Any, kind: str = "actuals", name: str = "", progress: Progress | None = None
) -> ImportReport:
    """Import `kind` ("actuals", "targets" or "auto") from `data` (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not services.may_edit(actor):
        raise PermissionDenied("Bạn không có quyền nhập số liệu chỉ tiêu.")
    if isinstance(data, Path):
        name = name or data.name
        data = data.open("rb")
    columns = ACTUAL_COLUMNS if kind == "actuals" else TARGET_COLUMNS
    report = ImportReport(kind=kind)
    total, rows = _open(data, name or "import.xlsx")
    index: dict[str, int] = {}
    for n, row in rows:
        # Title lines above the header are skipped: the header is the first row naming the code column.
        headers = {_norm(h): i for i, h in enumerate(row) if h not in (None, "")}
        if kind == "auto" and _norm(ACTUAL_COLUMNS["code"]) in headers:
            report.kind = "targets" if _norm(TARGET_COLUMNS["year_from"]) in headers else "actuals"
            kind = report.kind
            columns = ACTUAL_COLUMNS if kind == "actuals" else TARGET_COLUMNS
        if _norm(columns["code"]) not in headers:
            if n >= HEADER_SEARCH_ROWS:
                break
            continue
        missing = [columns[k] for k in REQUIRED[kind] if _norm(columns[k]) not in headers]
        if missing:
            raise ValidationError({"file": [f"Dòng tiêu đề (dòng {n}) thiếu cột: {', '.join(missing)}."]})
        index = {k: headers[_norm(h)] for k, h in columns.items() if _norm(h) in headers}
        break
    if not index:
        wanted = ", ".join(columns[k] for k in REQUIRED.get(kind, REQUIRED["actuals"]))
        raise ValidationError({"file": [f"Không tìm thấy dòng tiêu đề (thiếu cột: {wanted})."]})
    indicators = {i.code: i for i in Indicator.objects.all()}
    for n, row in rows:
        if progress is not None and n % 100 == 0:
            progress(n, total)
        cell = {k: (row[i] if i < len(row) else None) for k, i in index.items()}
        if all(v in (None, "") for v in cell.values()):
            continue
        report.rows += 1
        try:
            with transaction.atomic():
                outcome = _import_row(kind, cell, indicators, actor)
        except (ValidationError, PermissionDenied) as exc:
            report.errors.append((n, message_of(exc)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    if progress is not None:
        progress(total if total is not None else report.rows, total)
    return report


def _import_row(kind: str, cell: dict[str, Any], indicators: dict[str, Indicator], actor: Any) -> str:
    code = str(cell.get("code") or "").strip().upper()
    indicator = indicators.get(code)
    if indicator is None:
        raise ValidationError({"code": [f"Không có chỉ tiêu mã “{code}”." if code else "Thiếu mã chỉ tiêu."]})
    year_raw: Any = cell.get("year") if kind == "actuals" else cell.get("year_from")
    try:
        year = int(year_raw)
    except (TypeError, ValueError):
        raise ValidationError({"year": [f"Năm “{year_raw or ''}” không hợp lệ."]}) from None
    unit_code = str(cell.get("unit") or "").strip()
    if isinstance(cell.get("unit"), float):
        unit_code = str(int(cell["unit"]))
    unit = services.unit_for(unit_code, year) if unit_code else None
    if unit is None:
        raise ValidationError({"unit": [f"Không có đơn vị mã “{unit_code}” trong năm {year}."]})
    if kind == "actuals":
        before = Actual.objects.filter(indicator=indicator, unit=unit, year=year).values_list("value", flat=True).first()
        actual = services.do_enter_actual(
            actor=actor, indicator=indicator, unit=unit, year=year, value=cell.get("value"),
            growth_percent=cell.get("growth_percent"), source=str(cell.get("source") or ""),
            note=str(cell.get("note") or ""),
        )
        if before is None:
            return "created"
        return "unchanged" if before == actual.value else "updated"
    year_to = cell.get("year_to")
    term = year_to not in (None, "") and str(year_to).strip() != str(year)
    period_kind = PeriodKind.TERM if term else PeriodKind.YEAR
    previous = (
        Target.objects.current()
        .filter(indicator=indicator, unit=unit, period_kind=period_kind, year_from=year)
        .values_list("id", flat=True)
        .first()
    )
    target = services.do_set_target(
        actor=actor, indicator=indicator, unit=unit, value=cell.get("value"), period_kind=period_kind,
        year_from=year, year_to=year_to if term else None, deciding_document=str(cell.get("deciding_document") or ""),
        decided_on=_date(cell.get("decided_on")), note=str(cell.get("note") or ""),
    )
    if previous is None:
        return "created"
    return "unchanged" if target.pk == previous else "updated"
