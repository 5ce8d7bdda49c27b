"""Import of actuals and targets from a sheet (.xlsx or .csv, UTF-8), one row per figure.

The file is read by `core.tabular`: columns are found by their header (case, accents and
punctuation do not matter; extra columns are ignored), the header row may sit below a title.
Each row goes through the same service as the form (`do_enter_actual`, `do_set_target`) in its
own savepoint: a bad row is reported with its row number and reason, and the good rows are kept.

Actuals: Mã chỉ tiêu | Mã đơn vị | Năm | Giá trị | Tăng so với năm trước (%) | Nguồn | Ghi chú
Targets: Mã chỉ tiêu | Mã đơn vị | Từ năm | Đến năm | Giá trị | Văn bản | Ngày quyết định | Ghi chú
(a target row with no "Đến năm", or the same year, is a year target; otherwise a term target).
With kind="auto" the header decides: a "Từ năm" column makes it a targets sheet, else actuals.
`progress(done, total)` is called as rows are read (total: the sheet's row count, for a CSV its
count of lines); the web page (/chi-tieu/nhap-tep/) and `dieuhanh import indicators FILE` share
this importer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from dieuhanh.core import tabular
from dieuhanh.core.tabular import Column, message_of
from dieuhanh.indicators import services
from dieuhanh.indicators.choices import PeriodKind
from dieuhanh.indicators.models import Actual, Indicator, Target

if TYPE_CHECKING:
    from dieuhanh.org.models import User

ACTUALS = (
    Column("code", "Mã chỉ tiêu", True), Column("unit", "Mã đơn vị", True), Column("year", "Năm", True),
    Column("value", "Giá trị", True), Column("growth_percent", "Tăng so với năm trước (%)"),
    Column("source", "Nguồn"), Column("note", "Ghi chú"),
)
TARGETS = (
    Column("code", "Mã chỉ tiêu", True), Column("unit", "Mã đơn vị", True), Column("year_from", "Từ năm", True),
    Column("year_to", "Đến năm"), Column("value", "Giá trị", True), Column("deciding_document", "Văn bản"),
    Column("decided_on", "Ngày quyết định"), Column("note", "Ghi chú"),
)
COLUMNS = {"actuals": ACTUALS, "targets": TARGETS}
ACTUAL_COLUMNS = {c.field: c.header for c in ACTUALS}  # the headers, as the page lists them
TARGET_COLUMNS = {c.field: c.header for c in TARGETS}
KINDS = ("actuals", "targets", "auto")
Progress = Callable[[int, "int | None"], None]

__all__ = ["ACTUAL_COLUMNS", "KINDS", "TARGET_COLUMNS", "ImportReport", "import_figures", "message_of"]


@dataclass
class ImportReport:
    """What an import did: rows created, updated and unchanged, the bad rows by number and
    reason, the kind of sheet and the data rows read."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number in the sheet, reason)
    kind: str = ""  # "actuals" | "targets": what the sheet held
    rows: int = 0  # data rows read (blank rows not counted)

    @property
    def saved(self) -> int:
        return self.created + self.updated


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
        raise ValidationError({"decided_on": [gettext("Ngày quyết định “%(raw)s” phải có dạng ngày/tháng/năm.") % {"raw": raw}]}) from None


def import_figures(
    data: IO[bytes] | Path, *, actor: User, kind: str = "actuals", name: str = "", progress: Progress | None = None
) -> ImportReport:
    """Import `kind` ("actuals", "targets" or "auto") from `data` (see the module docstring).
    Raises ValidationError (on "file") when the sheet cannot be read or lacks its columns."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not services.may_edit(actor):
        raise PermissionDenied(gettext("Bạn không có quyền nhập số liệu chỉ tiêu."))
    report = ImportReport(kind=kind)
    try:
        with tabular.open_table(data, name, active_sheet=True) as table:
            _import(table, report, actor, progress)
    except tabular.ImportRefused as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    return report


def _import(table: tabular.Table, report: ImportReport, actor: User, progress: Progress | None) -> None:
    # Title lines above the header are skipped: the header is the first row naming the code column.
    header = table.find_header(lambda values: int("code" in tabular.fields_named(values, ACTUALS)))
    if header is None or "code" not in tabular.fields_named(header[1], ACTUALS):
        wanted = ", ".join(c.header for c in COLUMNS.get(report.kind, ACTUALS) if c.required)
        raise tabular.ImportRefused(gettext("Không tìm thấy dòng tiêu đề (thiếu cột: %(wanted)s).") % {"wanted": wanted})
    number, headers = header
    if report.kind == "auto":
        report.kind = "targets" if "year_from" in tabular.fields_named(headers, TARGETS) else "actuals"
    kind = report.kind
    try:
        layout = tabular.match(headers, COLUMNS[kind])
    except tabular.ColumnError as exc:
        if not exc.missing:
            raise tabular.ImportRefused(str(exc)) from None
        raise tabular.ImportRefused(gettext("Dòng tiêu đề (dòng %(number)s) thiếu cột: %(join)s.") % {"number": number, "join": ', '.join(exc.missing)}) from None
    indicators = {i.code: i for i in Indicator.objects.all()}
    bad = tabular.BadRows()

    def take(cell: dict[str, Any]) -> str:
        with transaction.atomic():
            return _import_row(kind, cell, indicators, actor)

    for _number, outcome in table.take(layout, take, bad, progress=progress):
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.errors = [(row.number, row.reason) for row in bad.items]
    report.rows = report.created + report.updated + report.unchanged + len(report.errors)
    if progress is not None:
        progress(table.total if table.total is not None else report.rows, table.total)


def _import_row(kind: str, cell: dict[str, Any], indicators: dict[str, Indicator], actor: User) -> str:
    code = str(cell.get("code") or "").strip().upper()
    indicator = indicators.get(code)
    if indicator is None:
        raise ValidationError({"code": [gettext("Không có chỉ tiêu mã “%(code)s”.") % {"code": code} if code else gettext("Thiếu mã chỉ tiêu.")]})
    year_raw: Any = cell.get("year") if kind == "actuals" else cell.get("year_from")
    try:
        year = int(year_raw)
    except (TypeError, ValueError):
        raise ValidationError({"year": [gettext("Năm “%(value)s” không hợp lệ.") % {"value": year_raw or ''}]}) from None
    unit_code = str(cell.get("unit") or "").strip()
    if isinstance(cell.get("unit"), float):
        unit_code = str(int(cell["unit"]))
    unit = services.unit_for(unit_code, year) if unit_code else None
    if unit is None:
        raise ValidationError({"unit": [gettext("Không có đơn vị mã “%(unit_code)s” trong năm %(year)s.") % {"unit_code": unit_code, "year": year}]})
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
