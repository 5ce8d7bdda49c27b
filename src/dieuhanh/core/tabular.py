"""What every import of a sheet (.xlsx, or .csv in UTF-8) shares: reading the file into numbered
rows, finding the header row and mapping its headers to fields, and reporting each row that
cannot be taken with its row number and reason while the good rows are kept.

- `open_table` opens the file and streams its rows, numbered as the spreadsheet shows them (the
  first row is 1): an .xlsx by its content or name, anything else as CSV in UTF-8 (with or
  without BOM) whose delimiter — `;`, `,` or tab — is the one its first lines use most. A file
  that cannot be read raises `ImportRefused`, with a Vietnamese message for whoever sent it.
- `Table.find_header` finds the header row below a title block; `match` maps its headers to
  fields by `Column`s, ignoring case, diacritics, punctuation and surrounding spaces ("NGÀY TIẾP
  NHẬN", "ngay tiep nhan" and " Ngày tiếp nhận: " are the same column), and refuses a header
  that lacks a required column (naming each) or gives a field twice.
- `Table.take` is the row-by-row import: each data row that is not blank, as {field: value},
  goes through the importer's function; a row it refuses (ValidationError, PermissionDenied)
  goes to `BadRows` with its row number and the Vietnamese reasons, each on the column of its
  field, and the others are kept.
- `BadRows` keeps the bad rows (a sheet of a few hundred rows, shown on a page) or writes them to
  a CSV error file as they come (an export of millions of rows); every value of that file goes
  through `core.spreadsheet.csv_value`, since it comes from someone else's file.

The indicators import uses all of it. The dossier import (`dossiers.importer`) reads the file,
its header and its error file with these pieces, but checks its rows in batches, column by
column, with its own fast path rather than `Table.take`."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, gettext_noop

from dieuhanh.core import filecheck
from dieuhanh.core.spreadsheet import csv_value, looks_like_formula
from dieuhanh.lib.text import fold

HEADER_SEARCH_ROWS = 20  # a header row may sit below a title block
ERROR_HEADER = ("Dòng", "Mã", "Cột", "Giá trị", "Lỗi")  # the columns of an error file
PROGRESS_EVERY = 100  # rows between two calls of `Table.take`'s progress
REPLACEMENT = "\ufffd"  # what a byte of a CSV that is not UTF-8 becomes
UNREADABLE = gettext_noop("Có ký tự không đọc được (tệp không ở mã UTF-8?).")
_SAMPLE = 1 << 16  # bytes of a CSV checked for UTF-8 and its delimiter before reading
_OLE = b"\xd0\xcf\x11\xe0"  # the start of an .xls (Excel 97–2003) file

Row = tuple[int, list[Any]]  # (row number, values)
Problem = tuple[str, Any, str]  # (column as written in the file, value, reason)
T = TypeVar("T")


class ImportRefused(Exception):
    """The file cannot be imported (unreadable, or its header lacks a required column); the
    message, in Vietnamese, says why."""


# --- Headers -----------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^a-z0-9]+")


def header_key(value: object) -> str:
    """The comparison key of a header (or of a word of a vocabulary): case and Vietnamese
    diacritics folded away (`lib.text.fold`), punctuation as spaces."""
    if value is None:
        return ""
    return _NON_WORD.sub(" ", fold(str(value))).strip()


@dataclass(frozen=True)
class Column:
    """A field of an import file: its name in the code (also accepted as a header), the header of
    the template, whether a file must have it, and the other headers accepted for it."""

    field: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.field, self.header, *self.aliases)


class ColumnError(ValueError):
    """The header row cannot be read with these columns (the message says why). `missing` holds
    the template headers of the required columns it lacks, if that is the reason."""

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing = tuple(missing)


@dataclass(frozen=True)
class Layout:
    """Where each field is in the file: its column index and its header as written; and the
    headers no field took."""

    index: dict[str, int]
    header: dict[str, str]
    ignored: tuple[str, ...]

    def record(self, row: Sequence[Any]) -> dict[str, Any]:
        """The row's value of each field found (None where the row is too short)."""
        return {f: (row[i] if i < len(row) else None) for f, i in self.index.items()}


def lookup(columns: Sequence[Column], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Header key → field, for every name of each column (the first column to name a key keeps
    it), then for `mapping` ({header in the file: field}), which wins."""
    out: dict[str, str] = {}
    for col in columns:
        for name in col.names():
            out.setdefault(header_key(name), col.field)
    for header, field in (mapping or {}).items():
        out[header_key(header)] = field
    return out


def header_of(columns: Sequence[Column], field: str) -> str:
    """The template header of `field`."""
    return next(c.header for c in columns if c.field == field)


def fields_named(values: Iterable[object], columns: Sequence[Column], mapping: dict[str, str] | None = None) -> set[str]:
    """The fields a row names, as a header row would."""
    names = lookup(columns, mapping)
    return {f for f in (names.get(header_key(v)) for v in values) if f is not None}


def header_score(values: Iterable[object], columns: Sequence[Column], mapping: dict[str, str] | None = None) -> int:
    """How many required columns a row names (to find the header row below a title)."""
    return len(fields_named(values, columns, mapping) & {c.field for c in columns if c.required})


def match(headers: Sequence[object], columns: Sequence[Column], mapping: dict[str, str] | None = None) -> Layout:
    """Find each field's column in the header row `headers`; a header no column names is ignored.
    Raises ColumnError naming every required column that is missing, or a field given by two
    columns."""
    names = lookup(columns, mapping)
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for i, raw in enumerate(headers):
        k = header_key(raw)
        if not k:
            continue
        field = names.get(k)
        if field is None:
            ignored.append(str(raw).strip())
            continue
        if field in index:
            raise ColumnError(
                gettext("Hai cột cùng chỉ «%(header_of)s»: «%(written)s» và «%(strip)s».") % {"header_of": header_of(columns, field), "written": written[field], "strip": str(raw).strip()}
            )
        index[field] = i
        written[field] = str(raw).strip()
    missing = [c.header for c in columns if c.required and c.field not in index]
    if missing:
        raise ColumnError(gettext("Tệp thiếu cột bắt buộc: ") + ", ".join(f"«{m}»" for m in missing) + ".", missing)
    return Layout(index=index, header=written, ignored=tuple(ignored))


# --- Reading files ---------------------------------------------------------------------------------


def is_blank(values: Iterable[Any]) -> bool:
    """Whether no value holds anything but spaces (None, "" and "  " are empty; 0 is a value)."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class Table:
    """An opened sheet: `rows`, an iterator of (row number, values) read as it goes (a file of
    millions of rows takes little memory), and `total`, the number of rows in the file when known
    (for a CSV its count of line breaks: an estimate, since a value may span lines). Close it, or
    use it in a `with`, to release the file."""

    def __init__(self, name: str, rows: Iterator[Row], total: int | None, close: Callable[[], None]) -> None:
        self.name = name
        self.rows = rows
        self.total = total
        self._close = close

    def find_header(self, score: Callable[[list[Any]], int], search: int = HEADER_SEARCH_ROWS) -> Row | None:
        """The header row: of the first `search` rows, the first that scores highest (`score`: how
        many of the wanted headers a row names), or the first row when none names any. `rows`
        then go on from the row below it. None for a file without rows."""
        buffered = list(itertools.islice(self.rows, search))
        if not buffered:
            return None
        scores = [score(values) for _, values in buffered]
        at = scores.index(max(scores))
        self.rows = itertools.chain(buffered[at + 1:], self.rows)
        return buffered[at]

    def take(
        self,
        layout: Layout,
        take: Callable[[dict[str, Any]], T],
        bad: BadRows,
        *,
        key: str = "code",
        progress: Callable[[int, int | None], None] | None = None,
    ) -> Iterator[tuple[int, T]]:
        """The row-by-row import of the rows below the header. Each row that is not blank goes,
        as {field: value} (`Layout.record`), through `take`, and (row number, its result) is
        yielded. A row `take` refuses by raising ValidationError (each message on the column of
        its field) or PermissionDenied, or a row holding a character that was not UTF-8, goes to
        `bad` with its number, its value of the `key` field and the reasons. `progress(row number,
        total)` is called every PROGRESS_EVERY rows. A CSV that cannot be read further on raises
        ImportRefused (the rows before were taken)."""
        try:
            for number, row in self.rows:
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(number, self.total)
                record = layout.record(row)
                if is_blank(record.values()):
                    continue
                code = record.get(key)
                code = "" if code is None else str(code).strip()
                unreadable = [f for f, v in record.items() if isinstance(v, str) and REPLACEMENT in v]
                if unreadable:
                    columns = ", ".join(layout.header[f] for f in unreadable)
                    bad.add(number, code, [(columns, record[unreadable[0]], UNREADABLE)])
                    continue
                try:
                    result = take(record)
                except (ValidationError, PermissionDenied) as exc:
                    bad.add(number, code, problems_of(exc, layout, record))
                    continue
                yield number, result
        except csv.Error as exc:
            raise ImportRefused(gettext("Không đọc được tệp CSV %(name)s: %(exc)s.") % {"name": self.name, "exc": exc}) from None

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(
    source: Path | IO[bytes], name: str = "", *, cell: Callable[[Any], Any] | None = None, active_sheet: bool = False
) -> Table:
    """Open `source`, a path or a binary file (an upload: left open when the table closes), named
    `name` (a path's own name by default).

    An .xlsx (by its content, or a name ending in .xlsx or .xlsm) is read from its first sheet,
    or from the sheet it opens on with `active_sheet`; each cell's value goes through `cell`
    (default: as openpyxl reads it, text, number, date or None). Anything else is read as CSV in
    UTF-8, its values text. Raises ImportRefused for an .xls (Excel 97–2003) file, a file that
    cannot be opened, a workbook that cannot be read, or a CSV whose beginning is not UTF-8; a
    byte further on that is not UTF-8 becomes REPLACEMENT in its value, so that only its row is
    bad, not the whole file."""
    if isinstance(source, Path):
        name = name or source.name
        try:
            stream: IO[bytes] = source.open("rb")
        except OSError as exc:
            raise ImportRefused(gettext("Không mở được tệp %(name)s: %(value)s.") % {"name": name, "value": exc.strerror or exc}) from None
        owned = True
    else:
        stream, owned = source, False
        if not stream.seekable():
            stream = io.BytesIO(stream.read())
    try:
        suffix = Path(name).suffix.lower()
        magic = stream.read(4)
        stream.seek(0)
        if suffix == ".xls" or magic.startswith(_OLE):
            raise ImportRefused(gettext("Tệp .xls (Excel 97–2003) chưa được hỗ trợ: mở tệp bằng Excel và lưu lại dạng .xlsx "
                                "hoặc .csv (UTF-8)."))
        if suffix in (".xlsx", ".xlsm") or magic.startswith(b"PK"):
            filecheck.check_xlsx(stream, name)
            return _xlsx(stream, name, owned, cell, active_sheet)
        return _csv(stream, name, owned)
    except filecheck.HostileFile as exc:
        if owned:
            stream.close()
        raise ImportRefused(str(exc)) from None
    except BaseException:
        if owned:
            stream.close()
        raise


def screen(stream: IO[bytes], name: str) -> None:
    """The quick checks of `core.filecheck` on an upload before it is kept for a background
    import (an .xlsx's sizes, XML prolog and declared dimension; a CSV's encoding), so that the
    page refuses a hostile file at once. Raises ImportRefused; `stream` is put back at its start.
    The import itself makes these checks again, and the cell lengths as it reads."""
    magic = stream.read(4)
    stream.seek(0)
    try:
        if Path(name).suffix.lower() in (".xlsx", ".xlsm") or magic.startswith(b"PK"):
            filecheck.check_xlsx(stream, name)
        else:
            head = stream.read(_SAMPLE)
            stream.seek(0)
            filecheck.csv_encoding(head, name, complete=len(head) < _SAMPLE)
    except filecheck.HostileFile as exc:
        raise ImportRefused(str(exc)) from None


def _csv(stream: IO[bytes], name: str, owned: bool) -> Table:
    head = stream.read(_SAMPLE)
    lines = head.count(b"\n")
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        lines += chunk.count(b"\n")
    stream.seek(0)
    encoding = filecheck.csv_encoding(head, name, complete=len(head) < _SAMPLE)
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=len(head) < _SAMPLE)
    first = sample.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    counts = {d: sum(line.count(d) for line in first) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")

    def close() -> None:
        if owned:
            text.close()
        else:
            text.detach()  # the caller's file stays open

    filecheck.prepare_csv()
    rows = enumerate(csv.reader(text, delimiter=delimiter), start=1)
    return Table(name, _bounded(rows, name), lines, close)


def _bounded(rows: Iterator[Row], name: str) -> Iterator[Row]:
    """`rows`, refused (ImportRefused) at the first row wider, or cell longer, than the limits
    (`filecheck`); a CSV that cannot be read further on is refused too."""
    limits = filecheck.limits()
    limit, width = limits["cell_chars"], limits["columns"]
    number = 0
    try:
        for number, values in rows:
            if len(values) > width:
                raise ImportRefused(str(filecheck.row_too_wide(name, number, len(values))))
            for v in values:
                if type(v) is str and len(v) > limit:
                    raise ImportRefused(str(filecheck.cell_too_long(name, number)))
            yield number, values
    except csv.Error as exc:
        if filecheck.is_field_limit(exc):
            raise ImportRefused(str(filecheck.cell_too_long(name, number + 1))) from None
        raise ImportRefused(gettext("Không đọc được tệp CSV %(name)s: %(exc)s.") % {"name": name, "exc": exc}) from None


def _xlsx(stream: IO[bytes], name: str, owned: bool, cell: Callable[[Any], Any] | None, active_sheet: bool) -> Table:
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        wb = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # whatever makes a workbook unreadable is the sender's file, not a crash
        raise ImportRefused(
            gettext("Không đọc được tệp Excel%(value)s: tệp bị hỏng, hoặc không phải tệp .xlsx (có thể là tệp loại khác được đổi đuôi thành .xlsx). Mở tệp bằng Excel rồi lưu lại dạng .xlsx, hoặc lưu dạng «CSV UTF-8», và nhập tệp mới đó.") % {"value": ' «' + name + '»' if name else ''}
        ) from None
    ws = wb.active if active_sheet else next(iter(wb.worksheets), None)
    if not isinstance(ws, ReadOnlyWorksheet):  # no sheet, or a chart sheet, is open
        wb.close()
        raise ImportRefused(gettext("Tệp Excel không có trang số liệu đang mở để đọc.") if active_sheet
                            else gettext("Tệp Excel không có trang số liệu."))
    numbered = _bounded(((n, list(values)) for n, values in enumerate(ws.iter_rows(values_only=True), start=1)), name)
    if cell is None:
        rows: Iterator[Row] = numbered
    else:
        rows = ((n, [cell(v) for v in values]) for n, values in numbered)

    def close() -> None:
        wb.close()
        if owned:
            stream.close()

    return Table(name, rows, ws.max_row or None, close)


# --- Bad rows -------------------------------------------------------------------------------------


def problems_of(exc: Exception, layout: Layout | None = None, record: dict[str, Any] | None = None) -> list[Problem]:
    """The problems of a refused row: each message of a ValidationError on the column of its
    field (with the row's value there; no column when the field is none of the file's), any
    other error as one problem of the row."""
    header = layout.header if layout is not None else {}
    record = record or {}
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return [(header.get(f, ""), record.get(f, ""), m) for f, messages in exc.message_dict.items() for m in messages]
    if isinstance(exc, ValidationError):
        return [("", "", m) for m in exc.messages]
    return [("", "", str(exc))]


def message_of(exc: Exception) -> str:
    """An error's messages in one line (a ValidationError's, field by field)."""
    return "; ".join(reason for _, _, reason in problems_of(exc))


@dataclass(frozen=True)
class BadRow:
    """A row that was not taken: its number in the sheet, its identifying value (a code) and
    its problems."""

    number: int
    key: str
    problems: tuple[Problem, ...]

    @property
    def reason(self) -> str:
        return "; ".join(reason for _, _, reason in self.problems)


def read_bad_rows(path: Path, limit: int) -> tuple[list[BadRowLine], bool]:
    """The first `limit` lines of an error file `BadRows` wrote (a page shows them), and whether
    there are more. A line is (row number, identifying value, column, value, reason)."""
    out: list[BadRowLine] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader, None)  # the header
            for line in reader:
                if len(out) == limit:
                    return out, True
                if len(line) < 5:
                    continue  # a line being written while the page reads
                number, key, column, value, reason = (_plain(v) for v in line[:5])
                out.append(BadRowLine(int(number) if number.isdigit() else None, key, column, value, reason))
    except OSError:
        return out, False
    return out, False


def _plain(value: str) -> str:
    """A value of an error file as it was before `csv_value` guarded it for a spreadsheet."""
    return value[1:] if value.startswith("'") and looks_like_formula(value[1:]) else value


@dataclass(frozen=True)
class BadRowLine:
    """One line of an error file: one problem of one bad row."""

    number: int | None
    key: str
    column: str
    value: str
    reason: str


class BadRows:
    """The bad rows of an import, in the order met: each with its row number as the spreadsheet
    shows it, its identifying value (a code) and its problems (column as written in the file,
    value, reason in Vietnamese); `count` of them.

    Without `path` they are kept in `items`. With `path` they are written to that CSV file as
    they come, one line per problem under `header`, in UTF-8 with a BOM so that Excel opens it;
    the file is created at the first bad row, and `written` is then its path. `add` may be called
    from several threads."""

    def __init__(self, path: Path | None = None, header: Sequence[str] = ERROR_HEADER) -> None:
        self.path = path
        self.header = tuple(header)
        self.items: list[BadRow] = []
        self.count = 0
        self._file: Any = None
        self._writer: Any = None
        self._lock = threading.Lock()

    def add(self, number: int, key: str, problems: list[Problem]) -> None:
        with self._lock:
            self.count += 1
            if self.path is None:
                self.items.append(BadRow(number, key, tuple(problems)))
                return
            if self._writer is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("w", encoding="utf-8-sig", newline="")
                self._writer = csv.writer(self._file)
                self._writer.writerow(self.header)
            for column, value, reason in problems:
                shown = value if isinstance(value, str) else ("" if value is None else str(value))
                self._writer.writerow([csv_value(v) for v in (number, key, column, shown.strip(), reason)])

    def flush(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    @property
    def written(self) -> str:
        """The error file's path once a bad row was written to it, else ""."""
        return str(self.path) if self._writer is not None else ""
