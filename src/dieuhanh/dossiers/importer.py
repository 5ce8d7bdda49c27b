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

Speed (see bench/bench_dossier_import.py): a million rows into SQLite take a little longer than
a bare `executemany` of the same raw rows into a table with the dossier table's schema; most of
the time is SQLite maintaining that table's indexes. What keeps the rest small:
- a batch is read column by column: each distinct text of a column (a date, a receipt time, a
  (unit code, day) pair, a procedure code, a word) is worked out once and looked up with `map`;
  the checks are comprehensions over whole columns and rows are put together with `zip`. Rows
  that fail a check go through `_parse_rows`, which words every problem of the row;
- the appointment date, when the export leaves it empty, is `services.appointment` (the
  processing time in working days after receipt), computed for the batch's distinct (day, days)
  pairs with `calendar.add_many` and marked `due_computed`;
- the file is read and checked by a second process while this one writes the batches it sends
  (two threads would take turns on the interpreter lock), in code order: SQLite with one
  `executemany`, PostgreSQL with INSERT statements of a thousand rows;
- a large load (a first import, many rows compared with what the table holds) sets the dossier
  table's secondary indexes aside after its first batch and builds them again at the end
  (`indexes.py`); a first load into an empty table skips the lookup of stored codes while no
  one else adds dossiers;
- on SQLite the writing connection takes a larger page cache and checks the foreign keys once per
  batch instead of once per row (`_bulk_session`); Python's cycle collector runs less often
  during the import (`_fewer_collections`); names are folded for search by a translation table.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import hashlib
import itertools
import operator
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from dieuhanh.core import access, audit, calendar
from dieuhanh.core.choices import AuditAction
from dieuhanh.core.spreadsheet import csv_value
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers import indexes
from dieuhanh.dossiers.choices import EventKind, JobKind, JobState, OnlineType, Source, Status, Timeliness
from dieuhanh.dossiers.models import Dossier, DossierEvent, ImportJob, Procedure
from dieuhanh.dossiers.services import PROCEDURE_FIELDS, validate_procedure
from dieuhanh.lib.text import fold
from dieuhanh.org.models import AdminUnit

# Who may import one-stop exports: the one-stop officers, the committee office (which follows the
# unit's dossiers for its leaders) and administrators; each loads the rows of its own units.
BATCH_SIZE = 25_000
EARLIEST = dt.date(2000, 1, 1)  # an earlier date is a typing error, not a dossier
ERROR_HEADER = ("Dòng", "Mã hồ sơ", "Cột", "Giá trị", "Lỗi")
HEADER_SEARCH_ROWS = 20  # a header row may sit below a title block
BULK_CACHE_KIB = 128 * 1024  # SQLite page cache of the importing connection
MULTI_ROW = 1_000  # rows per INSERT statement on PostgreSQL (27 parameters each, under its 65,535)
GC_EVERY = 1_000_000  # allocations between two runs of the cycle collector during an import


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
    """Dossiers: one-stop officers and office staff (rows of their units only) and
    administrators. Procedures:
    administrators. `actor=None` is the command line, run by the server's operator."""
    if actor is None:
        return
    if kind == JobKind.PROCEDURES:
        if not access.may(actor, "dossiers", "catalogue", None):
            raise PermissionDenied("Chỉ quản trị hệ thống được nhập danh mục thủ tục hành chính.")
        return
    if not access.holds(actor, "dossiers", "import"):
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
        self.mapping = mapping
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
            # incremental: a character cut at the end of the sample is not an error
            sample = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < 1 << 16)
        except UnicodeDecodeError:
            raise ImportRefused(
                "Tệp CSV không ở mã UTF-8: trong Excel chọn «Lưu dưới dạng» → «CSV UTF-8 (phân tách bằng dấu phẩy)»."
            ) from None
        first = sample.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
        counts = {d: sum(line.count(d) for line in first) for d in (";", ",", "\t")}
        delimiter = max(counts, key=lambda d: counts[d])
        # errors="replace": a stray byte later in the file makes that value unreadable (the row is
        # reported), not the whole import.
        text = self.path.open(encoding="utf-8-sig", errors="replace", newline="")
        self._close = text.close
        reader = csv.reader(text, delimiter=delimiter)
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


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in (*range(0x80, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        if not ch.isspace():
            folded = "" if unicodedata.category(ch) == "Mn" else fold(ch)
            if folded.isascii():
                table[cp] = folded
    return table


_FOLD = _fold_table()


def fast_fold(text: str) -> str:
    """`lib.text.fold`, by a translation table of the Latin letters with diacritics (and the
    combining marks) — three times faster on Vietnamese names, the same result (tested); text
    with other characters goes through `fold` itself."""
    if not text:
        return ""
    ascii_text = text.translate(_FOLD)
    if not ascii_text.isascii():
        return fold(text)
    return " ".join(ascii_text.lower().split())


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
    """The error file of a job, opened at the first bad row. Officers open it in Excel, and its
    values and column names come from the imported file, so each field goes through
    `csv_value` (no formula runs from a cell of someone else's export)."""

    def __init__(self, path: Path, code_header: str) -> None:
        self.path = path
        self.code_header = code_header
        self._file: Any = None
        self._writer: Any = None
        self._lock = threading.Lock()  # the writing thread reports dossiers received here
        self.rows = 0

    def add(self, rownum: int, code: str, problems: list[tuple[str, Any, str]]) -> None:
        with self._lock:
            self._add(rownum, code, problems)

    def _add(self, rownum: int, code: str, problems: list[tuple[str, Any, str]]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(ERROR_HEADER)
        self.rows += 1
        for header, value, reason in problems:
            shown = value if isinstance(value, str) else ("" if value is None else str(value))
            self._writer.writerow([csv_value(v) for v in (rownum, code, header, shown.strip(), reason)])

    def flush(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    @property
    def written(self) -> str:
        return str(self.path) if self._writer is not None else ""


_first = operator.itemgetter(0)


def _infer_status(result_on: dt.date | None, returned_on: dt.date | None) -> str:
    if returned_on:
        return Status.RETURNED
    if result_on:
        return Status.DONE
    return Status.PROCESSING


class _Memo(dict):  # type: ignore[type-arg]
    """A cache that computes a missing key with `fn` (a `Bad` it raises is cached and returned as
    the value) and forgets everything when it grows past `limit` (receipt times to the minute,
    or names, can have many distinct values)."""

    def __init__(self, fn: Callable[[Any], Any], limit: int = 300_000) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, key: Any) -> Any:
        try:
            value = self.fn(key)
        except Bad as exc:
            value = exc.with_traceback(None)  # kept for the next row with this text: not its frames
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


def _optional(fn: Callable[[Any], str], empty: Any) -> Callable[[Any], Any]:
    """`fn`, giving `empty` for a blank cell."""

    def read(value: Any) -> Any:
        return empty if type(value) is str and not value.strip() else fn(value)

    return read


class _SeenCodes:
    """The codes already read in this file, with the row of each, to report a code repeated in
    the file. Kept in sorted numpy arrays of UTF-8 bytes (a million codes of 25 characters take
    about 30 MB, not the 140 MB of a dict of strings), in runs merged as they grow."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted codes, their row numbers)
        self.width = 1

    def add(self, codes: list[str], nums: list[int]) -> dict[int, int]:
        """Record the batch's codes; returns {index in the batch: row of the code's first
        occurrence} for each code seen before (in an earlier batch or earlier in this one)."""
        repeated: dict[int, int] = {}
        first_here: dict[str, int] = {}
        fresh: list[int] = []
        for i, code in enumerate(codes):
            if not code:
                continue
            earlier = first_here.get(code)
            if earlier is not None:
                repeated[i] = earlier
            else:
                first_here[code] = nums[i]
                fresh.append(i)
        if not fresh:
            return repeated
        encoded = [codes[i].encode() for i in fresh]
        self.width = max(self.width, *map(len, encoded))
        batch = np.array(encoded, dtype=f"S{self.width}")
        rows = np.array([nums[i] for i in fresh], dtype=np.int64)
        keep = np.ones(len(fresh), dtype=bool)
        for run_codes, run_rows in self.runs:
            pos = np.searchsorted(run_codes, batch)
            inside = pos < len(run_codes)
            hit = np.zeros(len(fresh), dtype=bool)
            hit[inside] = run_codes[pos[inside]] == batch[inside]
            for j in np.flatnonzero(hit & keep):
                repeated[fresh[j]] = int(run_rows[pos[j]])
            keep &= ~hit
        order = np.argsort(batch[keep], kind="stable")
        self.runs.append((batch[keep][order], rows[keep][order]))
        # merge runs of similar size: about log2(batches) levels, each row moved a few times
        while len(self.runs) > 1 and len(self.runs[-1][0]) * 2 >= len(self.runs[-2][0]):
            (a, ra), (b, rb) = self.runs.pop(), self.runs.pop()
            width = f"S{self.width}"
            merged = np.concatenate([b.astype(width), a.astype(width)])
            order = np.argsort(merged, kind="stable")
            self.runs.append((merged[order], np.concatenate([rb, ra])[order]))
        return repeated


class _DossierImport:
    """One dossier import: the lookups (built once), the parsing of a batch and its writing."""

    def __init__(self, job: ImportJob, layout: cols.Layout, actor: Any, errors: _Errors) -> None:

        self.job = job
        self.layout = layout
        self.errors = errors
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.sqlite = connection.vendor == "sqlite"
        self.calendar = calendar.current()
        dates = _Dates(self.today)
        # Each distinct text of a cell is worked out once: a date column's text → date (or None,
        # or the Bad reason), the receipt column's → (date, seconds), a word → its code...
        self.day_of = _Memo(lambda v: dates.get(v)[0])
        self.when_of = _Memo(dates.get)
        self.receipt_of = _Memo(self._receipt, limit=100_000)
        self.secs_of = _Memo(lambda v: dates.get(f"01/01/2001 {v}")[1] or None)
        self.channel_of = _Memo(_Words(cols.CHANNELS, "kênh tiếp nhận").get)
        self.status_of = _Memo(_optional(_Words(cols.STATUSES, "trạng thái").get, None))
        self.method_of = _Memo(_optional(_Words(cols.RETURN_METHODS, "hình thức trả kết quả").get, ""))
        self.procedure_of = _Memo(self._procedure)
        self.unit_of = _Memo(self._unit)
        self.periods_of = _Memo(lambda code: self.units.get(self._unit_key(code)))
        self.db_date = _Memo(connection.ops.adapt_datefield_value)
        self.db_date[None] = None
        self._adapt_datetime = connection.ops.adapt_datetimefield_value
        self._midnights: dict[dt.date, dt.datetime | None] = {}
        self._deltas = _Memo(lambda s: dt.timedelta(seconds=s))
        self.due_of: dict[tuple[dt.date, int], dt.date] = {}
        self.allowed: set[int] | None = None
        if actor is not None:
            units = access.units(actor, "dossiers", "import")
            self.allowed = None if units is access.ALL else set(units)
        self.units: dict[str, list[tuple[dt.date | None, dt.date | None, int, str]]] = {}
        for uid, code, name, start, end in AdminUnit.objects.values_list("id", "code", "name", "valid_from", "valid_to"):
            self.units.setdefault(self._unit_key(code), []).append((start, end, uid, name))
        self.procedures: dict[str, tuple[int, int]] = {
            code: (pid, days) for pid, code, days in Procedure.objects.values_list("id", "code", "processing_days")
        }
        self.seen = _SeenCodes()
        self.width = max(layout.index.values()) + 1
        self.counts = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "bad": 0}
        self._sql()

    # -- lookups --

    @staticmethod
    def _unit_key(code: Any) -> str:
        text = str(code).strip()
        return (text.lstrip("0") or "0") if text.isdigit() else text.upper()

    def _unit(self, key: tuple[Any, dt.date | None]) -> int:
        code, day = key
        code = str(code).strip()
        if not code:
            raise Bad("Thiếu mã đơn vị tiếp nhận.")
        if day is None:
            raise Bad("Không xác định được đơn vị khi thiếu ngày tiếp nhận.")
        periods = self.periods_of[code]
        if not periods:
            raise Bad(f"Không có đơn vị hành chính mã {code}.")
        for start, end, uid, name in periods:
            if (start is None or start <= day) and (end is None or day <= end):
                if self.allowed is not None and uid not in self.allowed:
                    raise Bad(f"Bạn không có quyền nhập hồ sơ của {name}.")
                return uid
        spans = "; ".join(
            f"{name}: {'từ ' + _fmt(s) if s else ''}{' ' if s and e else ''}{'đến ' + _fmt(e) if e else ''}".strip()
            for s, e, _, name in periods
        )
        raise Bad(f"Đơn vị mã {code} không tồn tại vào ngày tiếp nhận {_fmt(day)} ({spans}).")

    def _procedure(self, raw: Any) -> tuple[int, int]:
        code = str(raw).strip()
        if not code:
            raise Bad("Thiếu mã thủ tục.")
        hit = self.procedures.get(code)
        if hit is None and code.count(".") > 1:
            # The long national code (1.001193.000.00.00.H12) of a short catalogue code.
            hit = self.procedures.get(".".join(code.split(".")[:2]))
        if hit is None:
            raise Bad(f"Thủ tục mã {code} không có trong danh mục thủ tục hành chính.")
        return hit

    def _receipt(self, raw: Any) -> tuple[dt.date | None, Any, Any]:
        """(day, its database value, the receipt time's database value or None)."""
        when = None
        if type(raw) is str:
            # "dd/mm/yyyy HH:MM": day and time cached apart (almost every receipt has its minute)
            day_part, _, time_part = raw.strip().partition(" ")
            day = self.day_of[day_part]
            if type(day) is dt.date:
                secs = self.secs_of[time_part] if time_part else None
                if type(secs) is Bad:
                    raise secs
                when = (day, secs)
        if when is None:
            when = self.when_of[raw]
            if type(when) is Bad:
                raise when
        day, secs = when
        if day is None:
            return None, None, None
        return day, self.db_date[day], None if secs is None else self.moment(day, secs)

    def search(self, code: str, name: str) -> str:
        """fold(code + " " + name), with the name's fold cached (names repeat)."""
        f = fast_fold(name)
        c = code.lower() if code.isascii() and " " not in code else fast_fold(code)
        return (f"{c} {f}" if f else c)[:300]

    def moment(self, day: dt.date, secs: int) -> Any:
        """The database value of local time `secs` after midnight of `day`, as Django's
        `adapt_datetimefield_value` writes it (in UTC), without its per-value overhead."""
        if day not in self._midnights:
            local = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
            base: dt.datetime | None = local.astimezone(dt.UTC).replace(tzinfo=None)
            if (local + dt.timedelta(days=1)).utcoffset() != local.utcoffset():
                base = None  # a zone changing its offset that day (daylight saving): the long way
            self._midnights[day] = base
        base = self._midnights[day]
        if base is None:
            return self._adapt_datetime(dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + self._deltas[secs])
        at = base + self._deltas[secs]
        return str(at) if self.sqlite else at.replace(tzinfo=dt.UTC)

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
        self.max_id_sql = f"SELECT MAX({q('id')}) FROM {table}"  # noqa: S608
        limit = connection.features.max_query_params or 10_000
        self.chunk = max(100, min(limit - 10, 5_000))
        self._multi_sql: dict[int, str] = {}
        self.ids_sql: dict[type[Model], str] = {
            model: f"SELECT {q('id')} FROM {q(model._meta.db_table)} WHERE {q('id')} IN "  # noqa: S608
            for model in (Procedure, AdminUnit)
        }

    def stored(self, codes: list[str]) -> dict[str, tuple[Any, ...]]:
        """code → (id, source, compared values...) of the dossiers already stored."""
        out: dict[str, tuple[Any, ...]] = {}
        codes = sorted(codes)  # probes the code index in order
        with connection.cursor() as cur:
            for i in range(0, len(codes), self.chunk):
                part = codes[i:i + self.chunk]
                cur.execute(self.select_sql + "(" + ", ".join(["%s"] * len(part)) + ")", part)
                for row in cur.fetchall():
                    out[row[0]] = row[1:]
        return out

    def _upsert(self, cur: Any, rows: list[tuple[Any, ...]]) -> None:
        """SQLite: one prepared statement stepped per row (`executemany`, in process). Statements
        of a thousand rows were tried: a quarter faster on 300,000 rows, but slower and 50 MB
        bigger at a million. PostgreSQL: statements of MULTI_ROW rows, so that a batch is a few
        round trips to the server rather than one per row."""
        if self.sqlite:
            cur.executemany(self.upsert_sql, rows)
            return
        for i in range(0, len(rows), MULTI_ROW):
            part = rows[i:i + MULTI_ROW]
            sql = self._multi_sql.get(len(part))
            if sql is None:
                head, tail = self.upsert_sql.split(" VALUES ", 1)
                one, conflict = tail.split(" ON CONFLICT ", 1)
                sql = self._multi_sql[len(part)] = f"{head} VALUES {', '.join([one] * len(part))} ON CONFLICT {conflict}"
            cur.execute(sql, [v for row in part for v in row])

    def _missing_ids(self, model: type[Model], ids: set[int]) -> set[int]:
        with connection.cursor() as cur:
            part = sorted(ids)
            cur.execute(self.ids_sql[model] + "(" + ", ".join(["%s"] * len(part)) + ")", part)
            return ids - {r[0] for r in cur.fetchall()}

    # -- rows --

    def batch(self, rows: list[tuple[int, list[Any]]]) -> None:
        """Parse and check one batch of rows, then write it (one transaction)."""
        self.write(*self.parse(rows))

    def parse(self, batch: list[tuple[int, list[Any]]]) -> tuple[list[tuple[int, tuple[Any, ...]]], int, dt.datetime]:
        """The rows to write (row number, values in WRITE_COLUMNS order), the number of bad
        rows (already in the error file) and the time of the batch.

        Column by column: each column's texts go through their caches with `map` (a C loop), the
        checks are comprehensions over whole columns, and the rows are put together with `zip`.
        A row that fails a check, or needs a closer look, goes through `_parse_rows`, the
        row-by-row reading that words every problem of the row."""
        now = timezone.now()
        if not batch:
            return [], 0, now
        ix = self.layout.index
        nums = [n for n, _ in batch]
        rows = [r for _, r in batch]
        width = self.width
        if min(map(len, rows)) < width:
            rows = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in rows]
        columns = list(zip(*rows, strict=False))
        n = len(rows)
        blank = ("",) * n

        def col(field: str) -> tuple[Any, ...]:
            i = ix.get(field)
            return blank if i is None else columns[i]

        def text(field: str, limit: int) -> list[str]:
            return [(v if type(v) is str else str(v)).strip()[:limit] for v in col(field)]

        date, today, Bad_ = dt.date, self.today, Bad
        slow: set[int] = set()  # rows read again one by one

        codes = [(v if type(v) is str else str(v)).strip() for v in col("code")]
        repeated = self.seen.add(codes, nums)
        dup = {nums[i]: first for i, first in repeated.items()}
        slow.update(repeated)
        slow.update(i for i, c in enumerate(codes) if not c)  # no code (or an empty line)
        slow.update(i for i, c in enumerate(codes) if len(c) > 60 or "\ufffd" in c)

        receipts = list(map(self.receipt_of.__getitem__, col("received")))
        slow.update(i for i, v in enumerate(receipts) if type(v) is not tuple or v[0] is None or v[0] > today)
        received = [v[0] if type(v) is tuple else None for v in receipts]
        day_of = self.day_of.__getitem__

        def days(field: str, future_ok: bool = False) -> list[Any]:
            values = list(map(day_of, col(field)))
            if future_ok:
                slow.update(i for i, v in enumerate(values) if type(v) is Bad_)
            else:
                slow.update(i for i, v in enumerate(values) if v is not None and (type(v) is not date or v > today))
            return values

        result, returned, due = days("result"), days("returned"), days("due", future_ok=True)
        apology, new_due = days("apology_on"), days("new_due_on", future_ok=True)
        for later, earlier in ((result, received), (returned, result), (returned, received), (due, received)):
            slow.update(i for i, (a, b) in enumerate(zip(later, earlier, strict=True))
                        if type(a) is date and type(b) is date and a < b)
        procedures = list(map(self.procedure_of.__getitem__, col("procedure_code")))
        slow.update(i for i, v in enumerate(procedures) if type(v) is not tuple)
        units = list(map(self.unit_of.__getitem__, zip(col("unit_code"), received, strict=True)))
        slow.update(i for i, v in enumerate(units) if type(v) is not int)
        channels = list(map(self.channel_of.__getitem__, col("channel")))
        statuses = list(map(self.status_of.__getitem__, col("status")))
        methods = list(map(self.method_of.__getitem__, col("return_method")))
        for values in (channels, statuses, methods):
            slow.update(i for i, v in enumerate(values) if type(v) is Bad_)
        for i, v in enumerate(statuses):
            if v is None and i not in slow:  # no status written: from the dates
                statuses[i] = _infer_status(result[i], returned[i])
        names, bodies, steps = text("applicant_name", 200), text("current_body", 300), text("current_step", 200)
        slow.update(i for i, (a, b, c) in enumerate(zip(names, bodies, steps, strict=True))
                    if "\ufffd" in a or "\ufffd" in b or "\ufffd" in c)

        good: list[tuple[int, tuple[Any, ...]]] = []
        bad = 0
        keep = [i for i in range(n) if i not in slow] if slow else range(n)
        if keep:
            pick = operator.itemgetter(*keep) if len(keep) > 1 else (lambda seq: (seq[keep[0]],))
            g_received, g_result, g_procs = pick(received), pick(result), pick(procedures)
            self._fill_dues([(d, p[1]) for d, p, v in zip(g_received, g_procs, pick(due), strict=True) if v is None])
            due_of = self.due_of
            g_due = [v if v is not None else due_of[(d, p[1])]
                     for v, d, p in zip(pick(due), g_received, g_procs, strict=True)]
            early, on_time, late = Timeliness.EARLY.value, Timeliness.ON_TIME.value, Timeliness.LATE.value
            timeliness = ["" if r is None else early if r < d else on_time if r == d else late
                          for r, d in zip(g_result, g_due, strict=True)]
            db = self.db_date.__getitem__
            g_codes, g_names, g_receipts, g_given = pick(codes), pick(names), pick(receipts), pick(due)
            folded = list(map(fast_fold, g_names))
            search = [((c.lower() if c.isascii() and " " not in c else fast_fold(c)) + (" " + f if f else ""))[:300]
                      for c, f in zip(g_codes, folded, strict=True)]
            now_db = self._adapt_datetime(now)
            rep = itertools.repeat
            out = zip(
                g_codes, [p[0] for p in g_procs], pick(units), pick(channels), pick(statuses), g_names,
                [r[1] for r in g_receipts], [r[2] for r in g_receipts], map(db, g_due), [v is None for v in g_given],
                map(db, pick(apology)), map(db, pick(new_due)), map(db, g_result), map(db, pick(returned)),
                pick(methods), timeliness, pick(bodies), pick(steps), rep(Source.IMPORT.value), search,
                rep(self.job.pk), rep(now_db), rep(""), rep(""), rep(""), rep(""), rep(now_db), strict=False,
            )
            good = list(zip(pick(nums), out, strict=False))
        if slow:
            more, bad = self._parse_rows([batch[i] if len(batch[i][1]) >= width else (nums[i], rows[i])
                                          for i in sorted(slow)], dup, now)
            good.extend(more)
        return good, bad, now

    def _fill_dues(self, pairs: Iterable[tuple[dt.date, int]]) -> None:
        """Appointment dates not yet known for these (receipt day, processing days) pairs:
        `services.appointment`, vectorised over the pairs with `calendar.add_many`."""
        need = sorted(set(pairs) - self.due_of.keys())
        if need:
            starts = np.array([s for s, _ in need], dtype="datetime64[D]")
            days = np.array([k for _, k in need], dtype=np.int64)
            for pair, due in zip(need, self.calendar.add_many(starts, days, working=True).tolist(), strict=True):
                self.due_of[pair] = due

    def _parse_rows(self, rows: list[tuple[int, list[Any]]], dup: dict[int, int],
                    now: dt.datetime) -> tuple[list[tuple[int, tuple[Any, ...]]], int]:
        """Row by row: every problem of each row goes to the error file; returns the good rows
        and the number of bad ones. `dup` maps a row number to the earlier row with its code."""
        ix = self.layout.index
        header = self.layout.header
        h_code, h_recv, h_res, h_ret, h_due = (header[k] for k in ("code", "received", "result", "returned", "due"))
        width = max(ix.values()) + 1
        i_code, i_proc, i_unit = ix["code"], ix["procedure_code"], ix["unit_code"]
        i_chan, i_recv, i_due = ix["channel"], ix["received"], ix["due"]
        i_res, i_ret, i_stat = ix["result"], ix["returned"], ix["status"]
        i_name = ix.get("applicant_name")
        i_body, i_step = ix.get("current_body"), ix.get("current_step")
        i_apol, i_newdue, i_meth = ix.get("apology_on"), ix.get("new_due_on"), ix.get("return_method")
        day_of, when_of, secs_of, db_date = self.day_of, self.when_of, self.secs_of, self.db_date
        channel_of, status_of, method_of = self.channel_of, self.status_of, self.method_of
        procedure_of, unit_of = self.procedure_of, self.unit_of
        today, search, moment = self.today, self.search, self.moment
        job_id = self.job.pk
        now_db = self._adapt_datetime(now)
        source = Source.IMPORT.value
        early, on_time, late = Timeliness.EARLY.value, Timeliness.ON_TIME.value, Timeliness.LATE.value
        pending: list[tuple[int, list[Any], dt.date, int, dt.date | None]] = []  # appointment to compute
        good: list[tuple[int, list[Any]]] = []  # (row number, row to write)
        bad = 0

        for rownum, row in rows:
            if len(row) < width:
                row = [*row, *([""] * (width - len(row)))]
            code = row[i_code]
            code = (code if type(code) is str else str(code)).strip()
            problems: list[tuple[str, Any, str]] = []
            if not code:
                if not any((v.strip() if type(v) is str else v) for v in row):
                    continue  # an empty line
                problems.append((h_code, "", "Thiếu mã hồ sơ."))
            elif rownum in dup:
                problems.append((h_code, code, f"Mã hồ sơ trùng với dòng {dup[rownum]} trong tệp."))
            elif len(code) > 60:
                problems.append((h_code, code, "Mã hồ sơ dài quá 60 ký tự."))

            received_on = received_secs = None
            raw = row[i_recv]
            when: tuple[dt.date | None, Any] | Bad | None = None
            if type(raw) is str:
                # "dd/mm/yyyy HH:MM": the day and the time are each cached (their pairs are not:
                # almost every receipt has its own minute).
                day_part, _, time_part = raw.strip().partition(" ")
                day = day_of[day_part]
                if type(day) is dt.date:
                    when = (day, None) if not time_part else (day, secs_of[time_part])
                    if type(when[1]) is Bad:
                        when = when[1]
            if when is None:
                when = when_of[raw]
            if type(when) is tuple:
                received_on, received_secs = when
                if received_on is None:
                    problems.append((h_recv, "", "Thiếu ngày tiếp nhận."))
                elif received_on > today:
                    problems.append((h_recv, row[i_recv], "Ngày tiếp nhận ở tương lai."))
            else:
                problems.append((h_recv, row[i_recv], str(when)))
            result_on = day_of[row[i_res]]
            if result_on is not None:
                if type(result_on) is Bad:
                    problems.append((h_res, row[i_res], str(result_on)))
                    result_on = None
                elif result_on > today:
                    problems.append((h_res, row[i_res], "Ngày có kết quả ở tương lai."))
                elif received_on is not None and result_on < received_on:
                    problems.append((h_res, row[i_res], f"Ngày có kết quả trước ngày tiếp nhận {_fmt(received_on)}."))
            returned_on = day_of[row[i_ret]]
            if returned_on is not None:
                if type(returned_on) is Bad:
                    problems.append((h_ret, row[i_ret], str(returned_on)))
                    returned_on = None
                elif returned_on > today:
                    problems.append((h_ret, row[i_ret], "Ngày trả kết quả ở tương lai."))
                elif result_on is not None and returned_on < result_on:
                    problems.append((h_ret, row[i_ret], f"Ngày trả kết quả trước ngày có kết quả {_fmt(result_on)}."))
                elif received_on is not None and returned_on < received_on:
                    problems.append((h_ret, row[i_ret], f"Ngày trả kết quả trước ngày tiếp nhận {_fmt(received_on)}."))
            due_on = day_of[row[i_due]]
            if due_on is not None:
                if type(due_on) is Bad:
                    problems.append((h_due, row[i_due], str(due_on)))
                elif received_on is not None and due_on < received_on:
                    problems.append((h_due, row[i_due], f"Ngày hẹn trả trước ngày tiếp nhận {_fmt(received_on)}."))
            proc = procedure_of[row[i_proc]]
            if type(proc) is not tuple:
                problems.append((header["procedure_code"], str(row[i_proc]).strip(), str(proc)))
            ucode = row[i_unit]
            unit_id = None
            if type(ucode) is not str or ucode.strip():
                if received_on is not None:
                    unit_id = unit_of[(ucode, received_on)]
                    if type(unit_id) is Bad:
                        problems.append((header["unit_code"], str(ucode).strip(), str(unit_id)))
            else:
                problems.append((header["unit_code"], "", "Thiếu mã đơn vị tiếp nhận."))
            raw = row[i_chan]
            channel = channel_of[raw]
            if type(channel) is Bad:
                problems.append((header["channel"], raw, str(channel) if str(raw).strip() else "Thiếu kênh tiếp nhận."))
            raw = row[i_stat]
            if type(raw) is str and not raw.strip():
                status = _infer_status(result_on, returned_on)
            else:
                status = status_of[raw]
                if type(status) is Bad:
                    problems.append((header["status"], raw, str(status)))
            name = body = step = method = ""
            apology_on = new_due_on = None
            if i_name is not None:
                name = row[i_name]
                name = (name if type(name) is str else str(name)).strip()[:200]
            if i_body is not None:
                body = str(row[i_body]).strip()[:300]
            if i_step is not None:
                step = str(row[i_step]).strip()[:200]
            if i_apol is not None:
                apology_on = day_of[row[i_apol]]
                if type(apology_on) is Bad:
                    problems.append((header["apology_on"], row[i_apol], str(apology_on)))
                elif apology_on is not None and apology_on > today:
                    problems.append((header["apology_on"], row[i_apol], "Ngày xin lỗi ở tương lai."))
            if i_newdue is not None:
                new_due_on = day_of[row[i_newdue]]
                if type(new_due_on) is Bad:
                    problems.append((header["new_due_on"], row[i_newdue], str(new_due_on)))
            if i_meth is not None:
                raw = row[i_meth]
                if type(raw) is not str or raw.strip():
                    method = method_of[raw]
                    if type(method) is Bad:
                        problems.append((header["return_method"], raw, str(method)))
            if "\ufffd" in code or "\ufffd" in name or "\ufffd" in body or "\ufffd" in step:
                problems.append(("", "", "Có ký tự không đọc được (tệp không ở mã UTF-8?)."))
            if problems:
                bad += 1
                self.errors.add(rownum, code, problems)
                continue

            assert received_on is not None  # a row without it has a problem, skipped above
            out = [
                code, proc[0], unit_id, channel, status, name, db_date[received_on],  # type: ignore[index]
                None if received_secs is None else moment(received_on, received_secs),
                None, False, db_date[apology_on], db_date[new_due_on], db_date[result_on], db_date[returned_on],
                method, "", body, step, source, search(code, name), job_id, now_db, "", "", "", "", now_db,
            ]
            if due_on is None:
                pending.append((rownum, out, received_on, proc[1], result_on))  # type: ignore[arg-type,index]
                continue
            out[8] = db_date[due_on]
            if result_on is not None:
                out[15] = early if result_on < due_on else on_time if result_on == due_on else late
            good.append((rownum, out))

        if pending:
            self._fill_dues((p[2], p[3]) for p in pending)
            for rownum, out, received_on, days_n, result_on in pending:
                due = self.due_of[(received_on, days_n)]
                out[8] = db_date[due]
                out[9] = True
                if result_on is not None:
                    out[15] = early if result_on < due else on_time if result_on == due else late
                good.append((rownum, out))
        return [(rownum, tuple(out)) for rownum, out in good], bad

    def write(self, good: list[tuple[int, tuple[Any, ...]]], bad: int, now: dt.datetime) -> None:
        """Write one parsed batch: the new and changed dossiers, their status events and the
        job's counters, in one transaction."""
        codes = [row[0] for _, row in good]
        processed = len(good) + bad
        write: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        created = updated = unchanged = 0
        job_id = self.job.pk
        now_db = self._adapt_datetime(now)
        note = self.job.original_name[:500]
        import_event = EventKind.IMPORT.value
        with transaction.atomic():
            if not self.foreign_keys_checked:
                # Foreign keys are checked once per batch for the distinct ids, in the batch's
                # transaction, instead of once per row by SQLite (see _bulk_session).
                for model, at in ((Procedure, 1), (AdminUnit, 2)):
                    gone = self._missing_ids(model, {row[at] for _, row in good})
                    if gone:
                        raise RuntimeError(f"{model._meta.verbose_name} (id {sorted(gone)}) vừa bị xoá trong khi nhập; "
                                           "chạy lại lượt nhập.")
            stored = self._stored_unless_first_load(codes)
            for rownum, row in good:
                old = stored.get(row[0])
                if old is None:
                    created += 1
                    write.append(row)
                    continue
                if old[1] != Source.IMPORT:
                    bad += 1
                    self.errors.add(rownum, row[0], [
                        (self.layout.header["code"], row[0], "Hồ sơ tiếp nhận trên Điều Hành, không ghi đè.")
                    ])
                    continue
                if tuple(old[2:]) == tuple(row[COMPARED]):
                    unchanged += 1
                    continue
                updated += 1
                write.append(row)
                before = old[_STATUS_AT + 1]
                if before != row[_STATUS_AT]:
                    events.append((old[0], now_db, import_event, before, row[_STATUS_AT], job_id, note))
            with connection.cursor() as cur:
                if write:
                    # In code order: the unique index on the code is then filled page by page.
                    write.sort(key=_first)
                    self._upsert(cur, write)
                if events:
                    cur.executemany(self.event_sql, events)
                if self.first_load_max_id is not None:
                    self.first_load_max_id = self._max_id(cur)
            c = self.counts
            c["processed"] += processed
            c["created"] += created
            c["updated"] += updated
            c["unchanged"] += unchanged
            c["bad"] += bad
            self.errors.flush()
            alive = ImportJob.objects.filter(pk=job_id).update(
                processed_rows=c["processed"], created_rows=c["created"], updated_rows=c["updated"],
                unchanged_rows=c["unchanged"], bad_rows=c["bad"], errors_path=self.errors.written,
                heartbeat_at=timezone.now(),
            )
            if not alive:
                raise RuntimeError("Lượt nhập vừa bị xoá trong khi chạy.")

    # False while SQLite's own foreign-key checks are off for the import (see _bulk_session).
    foreign_keys_checked = True
    # A first load (the table was empty when the job started): the largest dossier id after this
    # job's last batch. While it has not moved when the next batch begins, nobody else has added a
    # dossier, so none of the batch's codes can be stored yet (the file's own repeats are caught
    # by _SeenCodes): the lookup of stored values is skipped. None otherwise, or once it moved.
    first_load_max_id: int | None = None

    def _max_id(self, cur: Any) -> int:
        cur.execute(self.max_id_sql)
        return int(cur.fetchone()[0] or 0)

    def _stored_unless_first_load(self, codes: list[str]) -> dict[str, tuple[Any, ...]]:
        if self.first_load_max_id is not None:
            with connection.cursor() as cur:
                if self._max_id(cur) == self.first_load_max_id:
                    return {}
            self.first_load_max_id = None
        return self.stored(codes)


@contextlib.contextmanager
def _bulk_session(run: _DossierImport) -> Iterator[None]:
    """SQLite only, outside any transaction: for the duration of the import, a larger page
    cache for this connection (the code index and the dossier indexes stay in memory) and the
    foreign keys checked once per batch for its distinct procedure and unit ids (and the job) in
    the batch's own transaction — which holds SQLite's write lock, so nothing can delete them
    before it commits — instead of by SQLite once per row and per key. Together about a third
    of the write time. Both settings are restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA foreign_keys")
        foreign_keys = int(cur.fetchone()[0])
        cur.execute("PRAGMA cache_size")
        cache = int(cur.fetchone()[0])
    _bulk_pragmas(run)
    try:
        yield
    finally:
        run.foreign_keys_checked = True
        if connection.connection is not None:
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA foreign_keys = {foreign_keys}")
                cur.execute(f"PRAGMA cache_size = {cache}")


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs every 700 new containers by default; an import makes
    hundreds of thousands of rows that live for a batch, and the collector would scan them (and
    everything else alive) thousands of times for nothing: the rows hold no cycles. While the
    import runs the youngest generation is collected every GC_EVERY allocations instead (the
    setting is per process: other threads of a web process are affected for that time)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_EVERY), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _bulk_pragmas(run: _DossierImport) -> None:
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys = OFF")
            cur.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        run.foreign_keys_checked = False


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
    if kind == JobKind.DOSSIERS and not connection.in_atomic_block:
        indexes.restore_orphans()  # left by a killed large load
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
    """Batches are read and checked by a second process (`_parse_worker`) while this one writes
    them: parsing and writing are both Python-heavy, and two threads of one process would take
    turns on the interpreter lock instead of using the two cores. Inside a transaction (tests),
    on an in-memory database (which another process cannot open) or for a file of one batch,
    everything is done here, one batch after the other."""
    run = _DossierImport(job, source.layout, actor, errors)

    def report() -> None:
        if progress:
            progress(run.counts["processed"], source.estimate)

    if (connection.in_atomic_block or (source.estimate or 0) <= batch_size
            or (connection.vendor == "sqlite" and connection.is_in_memory_db())):  # type: ignore[attr-defined]  # SQLite's own method
        with _bulk_session(run):
            for batch in _batches(source, batch_size):
                run.batch(batch)
                report()
        return run.counts
    existing = Dossier.objects.count()
    if not existing:
        run.first_load_max_id = 0
    deferred = False  # this run set the indexes aside, or found them aside: it builds them again
    spec = {
        "path": str(source.path), "mapping": source.mapping, "job": job.pk, "batch_size": batch_size,
        "actor": getattr(actor, "pk", None), "db_name": str(connection.settings_dict["NAME"]),
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE", "dieuhanh.settings"), "data_dir": str(settings.DATA_DIR),
    }
    with _fewer_collections(), _bulk_session(run):
        try:
            for number, (good, bad, now, problems) in enumerate(_parsed_elsewhere(spec)):
                for problem in problems:
                    errors.add(*problem)
                if number == 1 and _set_indexes_aside(run, source, existing):
                    # decided on the first batch's share of new rows: a re-import adds none
                    indexes.set_aside(job)
                    deferred = True
                run.write(good, bad, now)
                report()
            if deferred:
                indexes.note(job, "Đã ghi xong các dòng; đang dựng lại chỉ mục của bảng hồ sơ.")
                indexes.restore_all()
                deferred = False
            else:
                indexes.restore_orphans()
        finally:
            if deferred:  # an error: the indexes are built again before the job is marked failed
                indexes.restore_all()
    return run.counts


def _batches(source: _Source, batch_size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    batch: list[tuple[int, list[Any]]] = []
    for item in source.rows:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Collected:
    """The error file as the parsing process sees it: the problems it finds travel with their
    batch, and this process writes them to the job's error file."""

    written = ""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, list[tuple[str, Any, str]]]] = []

    def add(self, rownum: int, code: str, problems: list[tuple[str, Any, str]]) -> None:
        self.items.append((rownum, code, problems))

    def take(self) -> list[tuple[int, str, list[tuple[str, Any, str]]]]:
        items, self.items = self.items, []
        return items

    def flush(self) -> None:
        return None


def _parsed_elsewhere(spec: dict[str, Any]) -> Iterator[tuple[Any, int, dt.datetime, list[Any]]]:
    """Start the parsing process (`python -m dieuhanh.dossiers.parse_worker`, a fresh
    interpreter: a web process has other threads, whose locks a fork would copy) and yield its
    batches as they come through its standard output. The pipe's small buffer keeps it at most a
    batch ahead of the writer."""
    import pickle
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "dieuhanh.dossiers.parse_worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        pickle.dump(spec, proc.stdin)
        proc.stdin.close()
        while True:
            try:
                item = pickle.load(proc.stdout)  # noqa: S301 - our own child process
            except EOFError:
                raise RuntimeError(f"tiến trình đọc tệp dừng bất ngờ (mã {proc.wait()}).") from None
            if item[0] == "done":
                return
            if item[0] == "refused":
                raise ImportRefused(item[1])
            if item[0] == "error":
                raise RuntimeError(item[1])
            yield item[1:]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.wait()


def parse_worker(spec: dict[str, Any], out: Any) -> None:
    """The parsing process (Django set up by `parse_worker.py`): reads the file, checks each
    batch (`_DossierImport.parse`, with its lookups built here too) and sends the good rows, the
    count of bad ones and their problems. If the importing process is killed, the next send
    fails on the closed pipe and this one ends too."""
    import pickle

    def send(item: tuple[Any, ...]) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        from django.contrib.auth import get_user_model

        job = ImportJob.objects.get(pk=spec["job"])
        actor = get_user_model().objects.get(pk=spec["actor"]) if spec["actor"] else None
        source = _Source(Path(spec["path"]), JobKind.DOSSIERS, spec["mapping"])
        collected = _Collected()
        run = _DossierImport(job, source.layout, actor, collected)  # type: ignore[arg-type]
        connection.close()  # everything the checks need is in memory now
        gc.set_threshold(GC_EVERY, *gc.get_threshold()[1:])
        for batch in _batches(source, spec["batch_size"]):
            good, bad, now = run.parse(batch)
            send(("batch", good, bad, now, collected.take()))
        source.close()
        send(("done",))
    except ImportRefused as exc:
        send(("refused", str(exc)))
    except Exception as exc:
        send(("error", f"{type(exc).__name__}: {exc}"))


def _set_indexes_aside(run: _DossierImport, source: _Source, existing: int) -> bool:
    """After the first batch: set the dossier indexes aside when the file, at the first batch's
    share of new rows, will add at least `indexes.bulk_rows()` rows and at least as many as the
    table held (see indexes.py)."""
    c = run.counts
    if not source.estimate or not c["processed"]:
        return False
    projected = c["created"] / c["processed"] * source.estimate
    return indexes.worth_it(projected, existing)


def _finish(job: ImportJob, state: str, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, message=message[:4000], finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


__all__ = ["BATCH_SIZE", "Bad", "ImportRefused", "ImportResult", "check_may_import", "import_file"]
