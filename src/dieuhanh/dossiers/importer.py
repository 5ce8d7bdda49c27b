"""Import of the province's one-stop exports (dossiers) and of the procedures catalogue, from
.csv or .xlsx files with the Vietnamese headers of `columns` (or their aliases, or a mapping).

The dossier import is a bulk writer by design (decision 7), not a loop over `services.do_*`: a
province's export holds millions of rows, and the statuses it carries were decided in the
province's system, not here. What it keeps of the house rules:
- **Idempotent.** The dossier code is the natural key. Each batch first reads the stored values of
  its codes (one `SELECT ... WHERE code IN (...)` per chunk) and writes only the rows that are new
  or differ, with `INSERT ... ON CONFLICT (code) DO UPDATE` (SQLite ≥ 3.24 and PostgreSQL alike).
  Re-importing the same file writes nothing; a newer export updates only what changed.
- **History.** Each status change of an imported dossier appends a `DossierEvent` (kind `import`,
  from → to status, with the job). A dossier's first import records no event: its history starts
  at the status it had in that export, which is the `from_status` of its first later event.
- **Never overwrites work done here.** A dossier received on Điều Hành (`source=native`) found in
  a file is reported as a bad row and left alone (the upsert also refuses it in SQL).
- **Honest.** Every bad row (unknown procedure or unit — a unit code resolves by the receipt date,
  since codes were reused in the 2025 reform —, impossible or future dates, a code repeated in the
  file, an unreadable value, a missing required value, a unit outside the importer's scope) is
  written with its row number (as in the spreadsheet: the header is row 1), column, value and
  reason to an error file (CSV in UTF-8 with BOM, so Excel opens it) under
  `DATA_DIR/imports/<job id>/`; good rows still load. A file without a required column is refused
  whole, before anything is written.
- **Consistent when killed.** Each batch (rows, events and the job's counters) is one
  transaction: a killed run leaves every batch committed or absent, and running the file again
  completes it without duplicates.
- **Audited once per job**, not per row: one audit event (action `import`) with the counts and the
  file's sha256. The rows themselves carry `import_job`, and the events carry the job.

Speed (see bench/bench_dossier_import.py): values are parsed with caches (a date string, a
(unit code, day) pair, a procedure code and an appointment computation are each worked out once),
rows are plain tuples, and each batch is written with one `executemany`. The appointment date,
when the export leaves it empty, is `services.appointment` (the processing time in working days
after receipt), computed per batch with `calendar.add_many` and marked `due_computed`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from dieuhanh.core import audit, calendar
from dieuhanh.core.choices import AuditAction
from dieuhanh.core.permissions import may
from dieuhanh.core.text import fold
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers.choices import EventKind, JobKind, JobState, OnlineType, Source, Status, Timeliness
from dieuhanh.dossiers.models import Dossier, DossierEvent, ImportJob, Procedure
from dieuhanh.dossiers.services import PROCEDURE_FIELDS, validate_procedure
from dieuhanh.org.choices import Role
from dieuhanh.org.models import AdminUnit

IMPORTERS = (Role.ONE_STOP, Role.ADMIN)
BATCH_SIZE = 25_000
EARLIEST = dt.date(2000, 1, 1)  # an earlier date is a typing error, not a dossier
ERROR_HEADER = ("Dòng", "Mã hồ sơ", "Cột", "Giá trị", "Lỗi")
HEADER_SEARCH_ROWS = 20  # a header row may sit below a title block


class ImportRefused(Exception):
    """The whole file is refused (unreadable, or required columns missing); nothing was written."""


@dataclass
class ImportResult:
    job_id: int | None
    total: int
    created: int
    updated: int
    unchanged: int
    bad: int
    errors_path: str
    seconds: float
    ignored_columns: tuple[str, ...] = ()


def check_may_import(actor: Any, kind: str) -> None:
    """Dossiers: one-stop officers (rows of their units only) and administrators. Procedures:
    administrators. `actor=None` is the command line, run by the server's operator."""
    if actor is None:
        return
    if kind == JobKind.PROCEDURES:
        if not may(actor, (Role.ADMIN,), None):
            raise PermissionDenied("Chỉ quản trị hệ thống được nhập danh mục thủ tục hành chính.")
        return
    from dieuhanh.org import scope

    units = scope.unit_scope(actor, *IMPORTERS)
    if units is not scope.ALL and not units:
        raise PermissionDenied("Bạn không có quyền nhập hồ sơ thủ tục hành chính.")


# --- Reading files ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> Any:
    """An xlsx cell as the importer reads it: text, or a date/datetime kept as such."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Source:
    """The rows of a .csv or .xlsx file, streamed: `layout` (where each field is), `rows`
    (iterator of (row number, values)), `estimate` (data rows, for the progress bar)."""

    def __init__(self, path: Path, kind: str, mapping: dict[str, str]) -> None:
        self.path = path
        self._close: Callable[[], None] = lambda: None
        suffix = path.suffix.lower()
        try:
            with path.open("rb") as f:
                magic = f.read(4)
        except OSError as exc:
            raise ImportRefused(f"Không mở được tệp {path.name}: {exc.strerror or exc}.") from None
        if suffix == ".xls" or magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRefused("Tệp .xls (Excel 97–2003) chưa được hỗ trợ: mở tệp bằng Excel và lưu lại dạng .xlsx "
                                "hoặc .csv (UTF-8).")
        if suffix in (".xlsx", ".xlsm") or magic.startswith(b"PK"):
            raw, self.estimate = self._xlsx()
        else:
            raw, self.estimate = self._csv()
        self.layout, self.rows, self.width = self._find_header(raw, kind, mapping)

    def _csv(self) -> tuple[Iterator[tuple[int, list[Any]]], int | None]:
        with self.path.open("rb") as f:
            head = f.read(1 << 16)
            newlines = head.count(b"\n")
            for chunk in iter(lambda: f.read(1 << 20), b""):
                newlines += chunk.count(b"\n")
        try:
            sample = head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
                raise ImportRefused(
                    "Tệp CSV không ở mã UTF-8: trong Excel chọn «Lưu dưới dạng» → «CSV UTF-8 (phân tách bằng dấu phẩy)»."
                ) from None
            sample = head[: exc.start].decode("utf-8-sig")
        first = sample.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
        counts = {d: sum(line.count(d) for line in first) for d in (";", ",", "\t")}
        delimiter = max(counts, key=lambda d: counts[d])
        # errors="replace": a stray byte later in the file makes that value unreadable (the row is
        # reported), not the whole import.
        f = self.path.open(encoding="utf-8-sig", errors="replace", newline="")
        self._close = f.close
        reader = csv.reader(f, delimiter=delimiter)
        return enumerate(reader, start=1), max(0, newlines - 1)

    def _xlsx(self) -> tuple[Iterator[tuple[int, list[Any]]], int | None]:
        import zipfile

        import openpyxl

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ImportRefused(f"Không đọc được tệp Excel {self.path.name}: {exc}.") from None
        self._close = wb.close
        ws = wb.worksheets[0]
        estimate = (ws.max_row - 1) if ws.max_row else None

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield n, [_cell_text(v) for v in values]

        return rows(), estimate

    def _find_header(
        self, raw: Iterator[tuple[int, list[Any]]], kind: str, mapping: dict[str, str]
    ) -> tuple[cols.Layout, Iterator[tuple[int, list[Any]]], int]:
        buffered: list[tuple[int, list[Any]]] = []
        for item in raw:
            buffered.append(item)
            if len(buffered) >= HEADER_SEARCH_ROWS:
                break
        if not buffered:
            raise ImportRefused("Tệp trống: không có dòng tiêu đề.")
        scores = [cols.header_score(values, kind, mapping) for _, values in buffered]
        at = scores.index(max(scores))
        header_row = buffered[at][1]
        try:
            layout = cols.match(header_row, kind, mapping)
        except cols.ColumnError as exc:
            raise ImportRefused(str(exc)) from None
        if self.estimate is not None:
            self.estimate = max(0, self.estimate - buffered[at][0] + 1)
        rest = buffered[at + 1:]

        def rows() -> Iterator[tuple[int, list[Any]]]:
            yield from rest
            yield from raw

        return layout, rows(), max(layout.index.values()) + 1

    def close(self) -> None:
        self._close()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Values ------------------------------------------------------------------------------------------


class Bad(Exception):
    """A value that cannot be taken: the reason, in Vietnamese."""


_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


class _Dates:
    """Dates and times of a file, each distinct text parsed once. `get(value)` returns
    (date, seconds after midnight or None) or (None, None) for an empty cell; raises Bad."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._days: dict[str, dt.date] = {}
        self._times: dict[str, int] = {}

    def _day(self, text: str) -> dt.date:
        day = self._days.get(text)
        if day is not None:
            return day
        m = _DATE_DMY.match(text)
        try:
            if m:
                day = dt.date(int(m[3]), int(m[2]), int(m[1]))
            else:
                m = _DATE_YMD.match(text)
                if m:
                    day = dt.date(int(m[1]), int(m[2]), int(m[3]))
                elif text.replace(".", "", 1).isdigit() and 20000 < float(text) < 80000:
                    day = _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))  # an Excel serial date
        except ValueError:
            raise Bad(f"Ngày «{text}» không có trên lịch.") from None
        if day is None:
            raise Bad("Không đọc được ngày (dạng dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc yyyy-mm-dd).")
        if day < EARLIEST:
            raise Bad(f"Ngày {_fmt(day)} trước năm {EARLIEST.year}: có lẽ nhập nhầm.")
        self._days[text] = day
        return day

    def _time(self, text: str) -> int:
        secs = self._times.get(text)
        if secs is not None:
            return secs
        m = _TIME.match(text)
        if not m or int(m[1]) > 23 or int(m[2]) > 59 or (m[3] and int(m[3]) > 59):
            raise Bad(f"Không đọc được giờ «{text}» (dạng HH:MM hoặc HH:MM:SS).")
        secs = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0)
        self._times[text] = secs
        return secs

    def get(self, value: Any) -> tuple[dt.date | None, int | None]:
        if type(value) is str:
            text = value.strip()
            if not text:
                return None, None
            day = self._days.get(text)
            if day is not None:
                return day, None
            if " " in text or "T" in text:
                date_part, _, time_part = text.replace("T", " ", 1).partition(" ")
                time_part = time_part.strip()
                day = self._day(date_part)
                if time_part:
                    secs = self._time(time_part)
                    return day, (secs or None)
                return day, None
            return self._day(text), None
        if isinstance(value, dt.datetime):
            secs = value.hour * 3600 + value.minute * 60 + value.second
            day = value.date()
        elif isinstance(value, dt.date):
            day, secs = value, 0
        else:
            raise Bad(f"Không đọc được ngày «{value}».")
        if day < EARLIEST:
            raise Bad(f"Ngày {_fmt(day)} trước năm {EARLIEST.year}: có lẽ nhập nhầm.")
        return day, (secs or None)


class _Words:
    """A vocabulary (channel, status...) looked up by the text as written, each text once."""

    def __init__(self, vocabulary: dict[str, str], what: str) -> None:
        self.vocabulary = vocabulary
        self.what = what
        self._seen: dict[Any, str | None] = {}

    def get(self, value: Any) -> str:
        found = self._seen.get(value, 0)
        if found == 0:
            found = self.vocabulary.get(cols.key(value))
            self._seen[value] = found
        if found is None:
            raise Bad(f"Không hiểu {self.what} «{str(value).strip()}».")
        return found  # type: ignore[return-value]


# --- Dossiers ----------------------------------------------------------------------------------------

# The columns written, in this order. Those compared with the stored row to decide whether a
# dossier changed are the slice COMPARED (everything the export carries, and what follows from it).
WRITE_COLUMNS = (
    "code",
    "procedure_id", "unit_id", "channel", "status", "applicant_name", "received_on", "received_at", "due_on",
    "due_computed", "apology_on", "new_due_on", "result_on", "returned_on", "return_method", "timeliness",
    "current_body", "current_step",
    "source", "search", "import_job_id", "updated_at",
    "applicant_phone", "applicant_address", "supplement_note", "apology_reason", "created_at",
)
COMPARED = slice(1, 18)
_STATUS_AT = WRITE_COLUMNS.index("status")
_DATE_COLUMNS = {"received_on", "due_on", "apology_on", "new_due_on", "result_on", "returned_on", "received_at"}
_UPDATED_ON_CHANGE = WRITE_COLUMNS[1:22]  # not the fields only a native dossier has, not created_at


class _Errors:
    """The error file of a job, opened at the first bad row."""

    def __init__(self, path: Path, code_header: str) -> None:
        self.path = path
        self.code_header = code_header
        self._file: Any = None
        self._writer: Any = None
        self.rows = 0

    def add(self, rownum: int, code: str, problems: list[tuple[str, Any, str]]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(ERROR_HEADER)
        self.rows += 1
        for header, value, reason in problems:
            shown = value if isinstance(value, str) else ("" if value is None else str(value))
            self._writer.writerow((rownum, code, header, shown.strip(), reason))

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    @property
    def written(self) -> str:
        return str(self.path) if self._writer is not None else ""


def _infer_status(result_on: dt.date | None, returned_on: dt.date | None) -> str:
    if returned_on:
        return Status.RETURNED
    if result_on:
        return Status.DONE
    return Status.PROCESSING


class _DossierImport:
    def __init__(self, job: ImportJob, layout: cols.Layout, actor: Any, errors: _Errors) -> None:
        from dieuhanh.org import scope

        self.job = job
        self.layout = layout
        self.errors = errors
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.dates = _Dates(self.today)
        self.channels = _Words(cols.CHANNELS, "kênh tiếp nhận")
        self.statuses = _Words(cols.STATUSES, "trạng thái")
        self.methods = _Words(cols.RETURN_METHODS, "hình thức trả kết quả")
        self.calendar = calendar.current()
        self.allowed: set[int] | None = None
        if actor is not None:
            units = scope.unit_scope(actor, *IMPORTERS)
            self.allowed = None if units is scope.ALL else set(units)
        self.units: dict[str, list[tuple[dt.date | None, dt.date | None, int, str]]] = {}
        for uid, code, name, start, end in AdminUnit.objects.values_list("id", "code", "name", "valid_from", "valid_to"):
            self.units.setdefault(self._unit_key(code), []).append((start, end, uid, name))
        self.procedures: dict[str, tuple[int, int]] = {
            code: (pid, days) for pid, code, days in Procedure.objects.values_list("id", "code", "processing_days")
        }
        self._unit_cache: dict[tuple[str, dt.date], int | str] = {}
        self._proc_cache: dict[str, tuple[int, int] | None] = {}
        self._due_cache: dict[tuple[dt.date, int], dt.date] = {}
        self._folded: dict[str, str] = {}
        self.seen: dict[str, int] = {}
        ops = connection.ops
        self._adapt_date = ops.adapt_datefield_value
        self._adapt_datetime = ops.adapt_datetimefield_value
        self._dates_out: dict[dt.date | None, Any] = {None: None}
        self.sqlite = connection.vendor == "sqlite"
        self.counts = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "bad": 0}
        self._sql()

    # -- lookups --

    @staticmethod
    def _unit_key(code: Any) -> str:
        text = str(code).strip()
        return (text.lstrip("0") or "0") if text.isdigit() else text.upper()

    def unit(self, code: str, day: dt.date) -> int:
        hit = self._unit_cache.get((code, day))
        if hit is None:
            hit = self._resolve_unit(code, day)
            self._unit_cache[(code, day)] = hit
        if type(hit) is str:
            raise Bad(hit)
        return hit  # type: ignore[return-value]

    def _resolve_unit(self, code: str, day: dt.date) -> int | str:
        periods = self.units.get(self._unit_key(code))
        if not periods:
            return f"Không có đơn vị hành chính mã {code}."
        for start, end, uid, name in periods:
            if (start is None or start <= day) and (end is None or day <= end):
                if self.allowed is not None and uid not in self.allowed:
                    return f"Bạn không có quyền nhập hồ sơ của {name}."
                return uid
        spans = "; ".join(
            f"{name}: {'từ ' + _fmt(s) if s else ''}{' ' if s and e else ''}{'đến ' + _fmt(e) if e else ''}".strip()
            for s, e, _, name in periods
        )
        return f"Đơn vị mã {code} không tồn tại vào ngày tiếp nhận {_fmt(day)} ({spans})."

    def procedure(self, code: str) -> tuple[int, int]:
        hit = self._proc_cache.get(code, 0)
        if hit == 0:
            hit = self.procedures.get(code)
            if hit is None and code.count(".") > 1:
                # The long national code (1.001193.000.00.00.H12) of a short catalogue code.
                hit = self.procedures.get(".".join(code.split(".")[:2]))
            self._proc_cache[code] = hit
        if hit is None:
            raise Bad(f"Thủ tục mã {code} không có trong danh mục thủ tục hành chính.")
        return hit  # type: ignore[return-value]

    def folded(self, code: str, name: str) -> str:
        f = self._folded.get(name)
        if f is None:
            f = fold(name)
            if len(self._folded) < 500_000:
                self._folded[name] = f
        c = code.lower() if code.isascii() and " " not in code else fold(code)
        return f"{c} {f}" if f else c

    def d(self, day: dt.date | None) -> Any:
        out = self._dates_out.get(day, 0)
        if out == 0:
            out = self._adapt_date(day)
            self._dates_out[day] = out
        return out

    # -- SQL --

    def _sql(self) -> None:
        q = connection.ops.quote_name
        table = q(Dossier._meta.db_table)
        names = ", ".join(q(c) for c in WRITE_COLUMNS)
        marks = ", ".join(["%s"] * len(WRITE_COLUMNS))
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in _UPDATED_ON_CHANGE)
        # Table and column names come from the models, values go through parameters.
        self.upsert_sql = (
            f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({q('code')}) DO UPDATE SET {sets} "  # noqa: S608
            f"WHERE {table}.{q('source')} = '{Source.IMPORT}'"
        )
        fetched = []
        for c in WRITE_COLUMNS[COMPARED]:
            # SQLite: read dates as the stored text, compared with the adapted values we write;
            # PostgreSQL returns date/datetime objects, compared with the same objects.
            fetched.append(f"CAST({q(c)} AS TEXT)" if self.sqlite and c in _DATE_COLUMNS else q(c))
        self.select_sql = (
            f"SELECT {q('code')}, {q('id')}, {q('source')}, {', '.join(fetched)} FROM {table} WHERE {q('code')} IN "  # noqa: S608
        )
        event_cols = ("dossier_id", "at", "kind", "from_status", "to_status", "job_id", "note")
        self.event_sql = (
            f"INSERT INTO {q(DossierEvent._meta.db_table)} ({', '.join(q(c) for c in event_cols)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(event_cols))})"
        )
        limit = connection.features.max_query_params or 10_000
        self.chunk = max(100, min(limit - 10, 5_000))

    def stored(self, codes: list[str]) -> dict[str, tuple[Any, ...]]:
        out: dict[str, tuple[Any, ...]] = {}
        with connection.cursor() as cur:
            for i in range(0, len(codes), self.chunk):
                part = codes[i:i + self.chunk]
                cur.execute(self.select_sql + "(" + ", ".join(["%s"] * len(part)) + ")", part)
                for row in cur.fetchall():
                    out[row[0]] = row[1:]
        return out

    # -- rows --

    def batch(self, rows: list[tuple[int, list[Any]]]) -> None:
        """Parse, check and write one batch of rows (one transaction)."""
        ix = self.layout.index
        header = self.layout.header
        width = max(ix.values()) + 1
        i_code, i_proc, i_unit = ix["code"], ix["procedure_code"], ix["unit_code"]
        i_chan, i_recv, i_due = ix["channel"], ix["received"], ix["due"]
        i_res, i_ret, i_stat = ix["result"], ix["returned"], ix["status"]
        i_name = ix.get("applicant_name")
        i_body, i_step = ix.get("current_body"), ix.get("current_step")
        i_apol, i_newdue, i_meth = ix.get("apology_on"), ix.get("new_due_on"), ix.get("return_method")
        dates, channels, statuses, methods = self.dates.get, self.channels.get, self.statuses.get, self.methods.get
        seen, today = self.seen, self.today
        job_id = self.job.pk
        now = timezone.now()
        now_db = self._adapt_datetime(now)
        pending: list[tuple[int, str, tuple[Any, ...]]] = []  # rows whose appointment date is computed
        good: list[tuple[int, list[Any]]] = []  # (rownum, write row)
        bad = 0

        for rownum, row in rows:
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            code = row[i_code]
            code = code.strip() if type(code) is str else str(code).strip()
            problems: list[tuple[str, Any, str]] = []
            if not code:
                if not any((v.strip() if type(v) is str else v) for v in row):
                    continue  # an empty line
                problems.append((header["code"], "", "Thiếu mã hồ sơ."))
            else:
                first = seen.get(code)
                if first is not None:
                    problems.append((header["code"], code, f"Mã hồ sơ trùng với dòng {first} trong tệp."))
                else:
                    seen[code] = rownum
            received_on = received_secs = result_on = returned_on = due_on = None
            apology_on = new_due_on = None
            proc = None
            unit_id = channel = status = method = None
            try:
                received_on, received_secs = dates(row[i_recv])
                if received_on is None:
                    problems.append((header["received"], "", "Thiếu ngày tiếp nhận."))
                elif received_on > today:
                    problems.append((header["received"], row[i_recv], "Ngày tiếp nhận ở tương lai."))
            except Bad as exc:
                problems.append((header["received"], row[i_recv], str(exc)))
            try:
                result_on = dates(row[i_res])[0]
                if result_on is not None:
                    if result_on > today:
                        problems.append((header["result"], row[i_res], "Ngày có kết quả ở tương lai."))
                    elif received_on is not None and result_on < received_on:
                        problems.append((header["result"], row[i_res],
                                         f"Ngày có kết quả trước ngày tiếp nhận {_fmt(received_on)}."))
            except Bad as exc:
                problems.append((header["result"], row[i_res], str(exc)))
            try:
                returned_on = dates(row[i_ret])[0]
                if returned_on is not None:
                    if returned_on > today:
                        problems.append((header["returned"], row[i_ret], "Ngày trả kết quả ở tương lai."))
                    elif result_on is not None and returned_on < result_on:
                        problems.append((header["returned"], row[i_ret],
                                         f"Ngày trả kết quả trước ngày có kết quả {_fmt(result_on)}."))
                    elif received_on is not None and returned_on < received_on:
                        problems.append((header["returned"], row[i_ret],
                                         f"Ngày trả kết quả trước ngày tiếp nhận {_fmt(received_on)}."))
            except Bad as exc:
                problems.append((header["returned"], row[i_ret], str(exc)))
            try:
                due_on = dates(row[i_due])[0]
                if due_on is not None and received_on is not None and due_on < received_on:
                    problems.append((header["due"], row[i_due], f"Ngày hẹn trả trước ngày tiếp nhận {_fmt(received_on)}."))
            except Bad as exc:
                problems.append((header["due"], row[i_due], str(exc)))
            pcode = row[i_proc]
            pcode = pcode.strip() if type(pcode) is str else str(pcode).strip()
            if not pcode:
                problems.append((header["procedure_code"], "", "Thiếu mã thủ tục."))
            else:
                try:
                    proc = self.procedure(pcode)
                except Bad as exc:
                    problems.append((header["procedure_code"], pcode, str(exc)))
            ucode = row[i_unit]
            ucode = ucode.strip() if type(ucode) is str else str(ucode).strip()
            if not ucode:
                problems.append((header["unit_code"], "", "Thiếu mã đơn vị tiếp nhận."))
            elif received_on is not None:
                try:
                    unit_id = self.unit(ucode, received_on)
                except Bad as exc:
                    problems.append((header["unit_code"], ucode, str(exc)))
            try:
                channel = channels(row[i_chan])
            except Bad as exc:
                problems.append((header["channel"], row[i_chan], str(exc) if str(row[i_chan]).strip()
                                 else "Thiếu kênh tiếp nhận."))
            raw_status = row[i_stat]
            if type(raw_status) is str and not raw_status.strip():
                status = _infer_status(result_on, returned_on)
            else:
                try:
                    status = statuses(raw_status)
                except Bad as exc:
                    problems.append((header["status"], raw_status, str(exc)))
            name = ""
            if i_name is not None:
                name = row[i_name]
                name = name.strip() if type(name) is str else str(name)
            body = step = ""
            if i_body is not None:
                body = str(row[i_body]).strip()[:300]
            if i_step is not None:
                step = str(row[i_step]).strip()[:200]
            if i_apol is not None:
                try:
                    apology_on = dates(row[i_apol])[0]
                    if apology_on is not None and apology_on > today:
                        problems.append((header["apology_on"], row[i_apol], "Ngày xin lỗi ở tương lai."))
                except Bad as exc:
                    problems.append((header["apology_on"], row[i_apol], str(exc)))
            if i_newdue is not None:
                try:
                    new_due_on = dates(row[i_newdue])[0]
                except Bad as exc:
                    problems.append((header["new_due_on"], row[i_newdue], str(exc)))
            if i_meth is not None:
                raw_method = row[i_meth]
                if type(raw_method) is not str or raw_method.strip():
                    try:
                        method = methods(raw_method)
                    except Bad as exc:
                        problems.append((header["return_method"], raw_method, str(exc)))
            if "\ufffd" in code or "\ufffd" in name or "\ufffd" in body or "\ufffd" in step:
                problems.append(("", "", "Có ký tự không đọc được (tệp không ở mã UTF-8?)."))
            if len(code) > 60:
                problems.append((header["code"], code, "Mã hồ sơ dài quá 60 ký tự."))
            if problems:
                bad += 1
                self.errors.add(rownum, code, problems)
                continue
            received_at = None
            if received_secs is not None:
                received_at = self._adapt_datetime(
                    dt.datetime.combine(received_on, dt.time(), tzinfo=self.tz) + dt.timedelta(seconds=received_secs)
                )
            parsed = (code, proc[0], unit_id, channel, status, name[:200], received_on, received_at, apology_on,  # type: ignore[index]
                      new_due_on, result_on, returned_on, method or "", body, step)
            if due_on is None:
                pending.append((rownum, code, (*parsed, proc[1])))  # type: ignore[index]
            else:
                good.append((rownum, self._row(parsed, due_on, False, job_id, now_db)))

        if pending:
            need = sorted({(p[2][6], p[2][-1]) for p in pending} - self._due_cache.keys())
            if need:
                starts = np.array([s for s, _ in need], dtype="datetime64[D]")
                days = np.array([n for _, n in need], dtype=np.int64)
                for pair, due in zip(need, self.calendar.add_many(starts, days, working=True).tolist(), strict=True):
                    self._due_cache[pair] = due
            for rownum, _code, parsed in pending:
                due = self._due_cache[(parsed[6], parsed[-1])]
                good.append((rownum, self._row(parsed[:-1], due, True, job_id, now_db)))
        self._write(good, bad, now)

    def _row(self, p: tuple[Any, ...], due_on: dt.date, computed: bool, job_id: int, now_db: Any) -> list[Any]:
        (code, proc_id, unit_id, channel, status, name, received_on, received_at, apology_on, new_due_on, result_on,
         returned_on, method, body, step) = p
        timeliness = ""
        if result_on is not None:
            timeliness = (Timeliness.EARLY if result_on < due_on else
                          Timeliness.ON_TIME if result_on == due_on else Timeliness.LATE).value
        d = self.d
        return [
            code, proc_id, unit_id, channel, status, name, d(received_on), received_at, d(due_on), computed,
            d(apology_on), d(new_due_on), d(result_on), d(returned_on), method, timeliness, body, step,
            Source.IMPORT.value, self.folded(code, name)[:300], job_id, now_db,
            "", "", "", "", now_db,
        ]

    def _write(self, good: list[tuple[int, list[Any]]], bad: int, now: dt.datetime) -> None:
        codes = [row[0] for _, row in good]
        processed = len(good) + bad
        write: list[list[Any]] = []
        events: list[tuple[Any, ...]] = []
        created = updated = unchanged = 0
        job_id = self.job.pk
        now_db = self._adapt_datetime(now)
        with transaction.atomic():
            stored = self.stored(codes)
            for rownum, row in good:
                old = stored.get(row[0])
                if old is None:
                    created += 1
                    write.append(row)
                    continue
                if old[1] != Source.IMPORT:
                    bad += 1
                    self.errors.add(rownum, row[0], [(self.layout.header["code"], row[0],
                                                      "Hồ sơ tiếp nhận trên Điều Hành, không ghi đè.")])
                    continue
                if tuple(old[2:]) == tuple(row[COMPARED]):
                    unchanged += 1
                    continue
                updated += 1
                write.append(row)
                before = old[2 + _STATUS_AT - 1]
                if before != row[_STATUS_AT]:
                    events.append((old[0], now_db, EventKind.IMPORT.value, before, row[_STATUS_AT], job_id,
                                   self.job.original_name[:500]))
            with connection.cursor() as cur:
                if write:
                    cur.executemany(self.upsert_sql, write)
                if events:
                    cur.executemany(self.event_sql, events)
            c = self.counts
            c["processed"] += processed
            c["created"] += created
            c["updated"] += updated
            c["unchanged"] += unchanged
            c["bad"] += bad
            self.errors.flush()
            ImportJob.objects.filter(pk=job_id).update(
                processed_rows=c["processed"], created_rows=c["created"], updated_rows=c["updated"],
                unchanged_rows=c["unchanged"], bad_rows=c["bad"], errors_path=self.errors.written,
                heartbeat_at=timezone.now(),
            )


# --- Procedures ----------------------------------------------------------------------------------------

_INT = re.compile(r"^\s*(\d+)")
_MONEY = re.compile(r"^\s*([\d.,\s]+)\s*(đ|đồng|dong|vnd|vnđ)?\s*$", re.IGNORECASE)


def _procedure_values(row: list[Any], layout: cols.Layout) -> tuple[dict[str, Any], list[tuple[str, Any, str]]]:
    ix, header = layout.index, layout.header
    problems: list[tuple[str, Any, str]] = []

    def text(field: str) -> str:
        i = ix.get(field)
        if i is None or i >= len(row):
            return ""
        value = row[i]
        return value.strip() if isinstance(value, str) else str(value).strip()

    data: dict[str, Any] = {"code": text("code"), "name": text("name"), "field": text("field")}
    data["level"] = cols.LEVELS.get(cols.key(text("level")), text("level"))
    days = text("processing_days")
    m = _INT.match(days)
    data["processing_days"] = int(m[1]) if m else days
    if "online_type" in ix:
        raw = text("online_type")
        data["online_type"] = cols.ONLINE_TYPES.get(cols.key(raw), raw)
    else:
        data["online_type"] = OnlineType.NONE
    if "fee" in ix:
        fee = text("fee")
        folded = cols.key(fee)
        if not fee:
            data["fee_vnd"], data["fee_note"] = None, ""
        elif folded in ("0", "khong", "khong thu") or folded.startswith(("mien ", "khong thu ")) or folded == "mien":
            data["fee_vnd"], data["fee_note"] = 0, "" if folded == "0" else fee
        elif (money := _MONEY.match(fee)) and re.sub(r"\D", "", money[1]):
            data["fee_vnd"], data["fee_note"] = int(re.sub(r"\D", "", money[1])), ""
        else:
            data["fee_vnd"], data["fee_note"] = None, fee[:300]
    if "postal_return" in ix:
        raw = cols.key(text("postal_return"))
        if raw in cols.YES or not raw:
            data["postal_return"] = True
        elif raw in cols.NO:
            data["postal_return"] = False
        else:
            problems.append((header["postal_return"], text("postal_return"), "Ghi «Có» hoặc «Không»."))
    if "deciding_body" in ix:
        data["deciding_body"] = text("deciding_body")[:300]
    for field, messages in validate_procedure(data).items():
        source = {"fee_vnd": "fee"}.get(field, field)
        problems.append((header.get(source, source), text(source) if source in ix else "", " ".join(messages)))
    if len(data["code"]) > 30:
        problems.append((header["code"], data["code"], "Mã thủ tục dài quá 30 ký tự."))
    return data, problems


def _import_procedures(source: _Source, job: ImportJob, errors: _Errors, progress: Any, batch_size: int) -> dict[str, int]:
    counts = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "bad": 0}
    existing = {p.code: p for p in Procedure.objects.all()}
    seen: dict[str, int] = {}
    batch: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        with transaction.atomic():
            for _rownum, data in batch:
                proc = existing.get(data["code"])
                fields = {k: v for k, v in data.items() if k in PROCEDURE_FIELDS}
                if proc is not None and all(getattr(proc, k) == v for k, v in fields.items()):
                    counts["unchanged"] += 1
                    continue
                counts["created" if proc is None else "updated"] += 1
                proc = proc or Procedure(code=data["code"])
                for k, v in fields.items():
                    setattr(proc, k, v)
                proc.save()
                existing[proc.code] = proc
            errors.flush()
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=counts["processed"], created_rows=counts["created"], updated_rows=counts["updated"],
                unchanged_rows=counts["unchanged"], bad_rows=counts["bad"], errors_path=errors.written,
                heartbeat_at=timezone.now(),
            )
        batch.clear()
        if progress:
            progress(counts["processed"], source.estimate)

    for rownum, row in source.rows:
        if not any((v.strip() if isinstance(v, str) else v) for v in row):
            continue
        counts["processed"] += 1
        data, problems = _procedure_values(row, source.layout)
        code = data["code"]
        if code and code in seen:
            problems.append((source.layout.header["code"], code, f"Mã thủ tục trùng với dòng {seen[code]} trong tệp."))
        elif code:
            seen[code] = rownum
        if problems:
            counts["bad"] += 1
            errors.add(rownum, code, problems)
            continue
        batch.append((rownum, data))
        if len(batch) >= batch_size:
            flush()
    flush()
    return counts


# --- Entry point -----------------------------------------------------------------------------------------


def import_file(
    path: str | Path,
    *,
    kind: str = JobKind.DOSSIERS,
    actor: Any = None,
    mapping: dict[str, str] | list[str] | None = None,
    job: ImportJob | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import `path` (.csv or .xlsx) as dossiers or procedures; returns the counts.

    Creates the `ImportJob` when none is given (the command line), else runs the given one (the
    web page's background job). Raises ImportRefused (the job is marked failed, nothing written)
    when the file cannot be read or lacks a required column, PermissionDenied when the actor may
    not import this kind at all. Writes one audit event for the whole job (not one per row)."""
    started = time.monotonic()
    path = Path(path)
    check_may_import(actor, kind)
    try:
        mapping = cols.parse_mapping(mapping, kind)
    except cols.ColumnError as exc:
        raise ImportRefused(str(exc)) from None
    if job is None:
        job = ImportJob.objects.create(
            kind=kind, state=JobState.QUEUED, file_path=str(path.resolve()), original_name=path.name[:300],
            mapping=mapping, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, message="", total_rows=None,
        processed_rows=0, created_rows=0, updated_rows=0, unchanged_rows=0, bad_rows=0, errors_path="",
    )
    try:
        sha = job.sha256 or sha256_of(path)
        source = _Source(path, kind, mapping)
    except ImportRefused as exc:
        _finish(job, JobState.FAILED, str(exc))
        raise
    errors_path = Path(settings.DATA_DIR) / "imports" / str(job.pk) / f"loi-nhap-{job.pk}.csv"
    errors = _Errors(errors_path, source.layout.header.get("code", "Mã"))
    ImportJob.objects.filter(pk=job.pk).update(total_rows=source.estimate, sha256=sha)
    try:
        if kind == JobKind.PROCEDURES:
            counts = _import_procedures(source, job, errors, progress, batch_size)
        else:
            counts = _import_dossiers(source, job, actor, errors, progress, batch_size)
    except BaseException as exc:
        errors.close()
        source.close()
        if isinstance(exc, Exception):
            _finish(job, JobState.FAILED, f"Lỗi khi nhập: {exc}")
        raise
    errors.close()
    source.close()
    seconds = time.monotonic() - started
    ignored = source.layout.ignored
    message = (
        f"Đã đọc {counts['processed']:,} dòng: thêm mới {counts['created']:,}, cập nhật {counts['updated']:,}, "
        f"không đổi {counts['unchanged']:,}, dòng lỗi {counts['bad']:,}."
    ).replace(",", ".")
    if ignored:
        message += " Bỏ qua các cột: " + ", ".join(f"«{h}»" for h in ignored) + "."
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, total_rows=counts["processed"], finished_at=timezone.now(),
            heartbeat_at=timezone.now(), message=message, errors_path=errors.written,
        )
        job.refresh_from_db()
        audit.record(
            actor=actor, action=AuditAction.IMPORT, obj=job,
            after={"kind": kind, "file": job.original_name, "sha256": sha, "rows": counts["processed"],
                   "created": counts["created"], "updated": counts["updated"], "unchanged": counts["unchanged"],
                   "bad": counts["bad"], "seconds": round(seconds, 1)},
        )
    return ImportResult(
        job_id=job.pk, total=counts["processed"], created=counts["created"], updated=counts["updated"],
        unchanged=counts["unchanged"], bad=counts["bad"], errors_path=errors.written, seconds=seconds,
        ignored_columns=ignored,
    )


def _import_dossiers(source: _Source, job: ImportJob, actor: Any, errors: _Errors, progress: Any,
                     batch_size: int) -> dict[str, int]:
    run = _DossierImport(job, source.layout, actor, errors)
    batch: list[tuple[int, list[Any]]] = []
    append = batch.append
    for item in source.rows:
        append(item)
        if len(batch) >= batch_size:
            run.batch(batch)
            batch.clear()
            if progress:
                progress(run.counts["processed"], source.estimate)
    if batch:
        run.batch(batch)
    if progress:
        progress(run.counts["processed"], source.estimate)
    return run.counts


def _finish(job: ImportJob, state: str, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, message=message[:4000], finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


__all__ = ["BATCH_SIZE", "Bad", "ImportRefused", "ImportResult", "check_may_import", "import_file"]
