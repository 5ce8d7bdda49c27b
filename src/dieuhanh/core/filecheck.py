"""Checks on an import file before anything parses it, so that a hostile or broken file is refused
at once, with a Vietnamese message naming the limit, instead of taking the server's memory or
time (every import reads its file through `core.tabular.open_table`, which calls these).

An .xlsx is a zip of XML parts. Before openpyxl opens it:

- the total size its parts expand to, and each part's compression ratio, are read from the zip's
  directory and held to `DIEUHANH_IMPORT_MAX_EXPANDED_MB` and `DIEUHANH_IMPORT_MAX_RATIO` (a "zip
  bomb" is a few kilobytes that expand to gigabytes). The sizes there may lie, but Python's
  zipfile never gives more bytes of a part than its declared size, so the declared sizes bound
  what is read;
- no XML part may declare a DOCTYPE (which is where entities live: "billion laughs", external
  entities reading the server's files); a spreadsheet never needs one;
- a sheet's declared `<dimension ref="A1:XFD1048576"/>` may not exceed `DIEUHANH_IMPORT_MAX_COLUMNS`
  columns or `DIEUHANH_IMPORT_MAX_ROWS` rows (openpyxl pads every row to the declared width), and no
  row read may be wider than those columns.

A .csv must be UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else (UTF-32, a binary
file, a legacy code page) is refused naming the encodings accepted. A cell of either longer than
`DIEUHANH_IMPORT_MAX_CELL_CHARS` characters (default 32,767, the most an Excel cell holds) is
refused as it is read (`check_cell`, `csv_error`)."""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from typing import IO

from django.conf import settings
from django.utils.translation import gettext

# The encodings of a CSV accepted, by their byte order marks (UTF-32 first: its BOM starts like UTF-16's).
_REFUSED_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_HEAD = 1 << 16  # bytes of an XML part read to find its prolog and a sheet's <dimension>
_RATIO_FROM = 1 << 20  # parts smaller than this expand as they like: the total still bounds them
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=[\"']([^\"']*)[\"']")
_REF = re.compile(r"\$?([A-Z]{1,7})?\$?(\d{1,12})?")


class HostileFile(ValueError):
    """The file is refused before it is read; the message, in Vietnamese, names the limit."""


def limits() -> dict[str, int]:
    return {
        "expanded_mb": int(getattr(settings, "DIEUHANH_IMPORT_MAX_EXPANDED_MB", 2000)),
        "ratio": int(getattr(settings, "DIEUHANH_IMPORT_MAX_RATIO", 200)),
        "columns": int(getattr(settings, "DIEUHANH_IMPORT_MAX_COLUMNS", 1000)),
        "rows": int(getattr(settings, "DIEUHANH_IMPORT_MAX_ROWS", 1_048_576)),
        "cell_chars": int(getattr(settings, "DIEUHANH_IMPORT_MAX_CELL_CHARS", 32_767)),
    }


def _number(value: int) -> str:
    """`value` with its thousands grouped by dots, as the messages of the imports write numbers."""
    return f"{value:,}".replace(",", ".")


def _label(name: str) -> str:
    return f"«{name}»" if name else ""


def check_xlsx(stream: IO[bytes], name: str = "") -> None:
    """Raise HostileFile when the .xlsx in `stream` would expand too far, declares a DOCTYPE in a
    part, or a sheet claims too many rows or columns. A file that is not a zip is left to openpyxl
    (which refuses it with its own message). `stream` is put back at its start."""
    lim = limits()
    try:
        with zipfile.ZipFile(stream) as zf:
            _check_zip(zf, name, lim)
    except HostileFile:
        raise
    except Exception:  # not a readable zip (bad data, an encrypted part...): openpyxl says the file cannot be read
        return
    finally:
        stream.seek(0)


def _check_zip(zf: zipfile.ZipFile, name: str, lim: dict[str, int]) -> None:
    file = _label(name)
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > lim["expanded_mb"] * 1024 * 1024:
        raise HostileFile(gettext(
            "Tệp %(file)s giải nén ra %(size)s MB, hơn giới hạn %(limit)s MB (DIEUHANH_IMPORT_MAX_EXPANDED_MB): "
            "chia tệp thành nhiều phần hoặc lưu dạng CSV."
        ) % {"file": file, "size": _number(round(total / 1024 / 1024)), "limit": lim["expanded_mb"]})
    for info in infos:
        if info.file_size >= _RATIO_FROM and info.file_size > lim["ratio"] * max(info.compress_size, 1):
            raise HostileFile(gettext(
                "Tệp %(file)s có phần «%(part)s» nén hơn %(limit)s lần (giới hạn DIEUHANH_IMPORT_MAX_RATIO): "
                "tệp không phải bảng tính bình thường (có thể là «bom nén»), nên không được đọc."
            ) % {"file": file, "part": info.filename, "limit": lim["ratio"]})
    for info in infos:
        lower = info.filename.lower()
        if info.is_dir() or not lower.endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as part:
            head = part.read(_HEAD)
        _check_xml_head(head, info.filename, file)
        if lower.startswith("xl/worksheets/"):
            _check_dimension(head, file, lim)


def _check_xml_head(head: bytes, part: str, file: str) -> None:
    if head.startswith(_UTF16_BOMS) or head[:2] in (b"<\x00", b"\x00<"):
        try:
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:
            return
    rest = head[_PROLOG.match(head).end():]  # type: ignore[union-attr]  # the pattern matches the empty string
    if rest.startswith(b"<!") or (not rest and len(head) >= _HEAD):
        raise HostileFile(gettext(
            "Tệp %(file)s có khai báo DOCTYPE/ENTITY trong phần «%(part)s»: bảng tính không cần khai báo này "
            "(có thể là tệp tấn công XML), nên tệp không được đọc."
        ) % {"file": file, "part": part})


def _check_dimension(head: bytes, file: str, lim: dict[str, int]) -> None:
    found = _DIMENSION.search(head)
    if found is None:
        return
    ref = found.group(1).decode("ascii", errors="replace").upper()
    last = ref.split(":")[-1]
    cell = _REF.fullmatch(last)
    if cell is None:
        return  # an unreadable ref: openpyxl ignores it or refuses the file
    from openpyxl.utils import column_index_from_string

    letters, digits = cell.groups()
    try:
        columns = column_index_from_string(letters) if letters else 0
    except ValueError:
        columns = lim["columns"] + 1  # beyond XFD
    rows = int(digits) if digits else 0
    if columns > lim["columns"] or rows > lim["rows"]:
        raise HostileFile(gettext(
            "Tệp %(file)s khai báo vùng dữ liệu %(ref)s (%(rows)s dòng × %(columns)s cột), vượt giới hạn "
            "%(max_rows)s dòng (DIEUHANH_IMPORT_MAX_ROWS) và %(max_columns)s cột (DIEUHANH_IMPORT_MAX_COLUMNS). "
            "Xoá các cột, dòng trống thừa trong Excel rồi lưu lại."
        ) % {"file": file, "ref": ref, "rows": rows, "columns": columns, "max_rows": lim["rows"],
             "max_columns": lim["columns"]})


def csv_encoding(head: bytes, name: str = "", *, complete: bool = False) -> str:
    """The encoding to read a CSV whose first bytes are `head` (`complete`: the whole file) with:
    "utf-16" (its BOM says which), or "utf-8-sig" (UTF-8, with or without BOM). Raises
    HostileFile naming the encodings accepted for anything else."""
    if head.startswith(_REFUSED_BOMS):
        raise _not_text(name, "UTF-32")
    if head.startswith(_UTF16_BOMS):
        try:
            codecs.getincrementaldecoder("utf-16")().decode(head, final=complete)
        except UnicodeDecodeError:
            raise _not_text(name) from None
        return "utf-16"
    if b"\x00" in head:  # UTF-16 or UTF-32 without BOM, or a binary file: NUL is no character of a CSV
        raise _not_text(name)
    try:
        # incremental: a character cut at the end of the sample is not an error
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        raise _not_text(name) from None
    return "utf-8-sig"


def _not_text(name: str, found: str = "") -> HostileFile:
    return HostileFile(gettext(
        "Tệp CSV %(file)s không ở bảng mã được nhận%(found)s. Chỉ nhận UTF-8 (có hoặc không có BOM) và UTF-16 có BOM: "
        "trong Excel chọn «Lưu dưới dạng» → «CSV UTF-8 (phân tách bằng dấu phẩy)»."
    ) % {"file": _label(name), "found": f" ({found})" if found else ""})


def cell_too_long(name: str, row: int | None = None) -> HostileFile:
    """The refusal of a cell longer than the limit (row: its row number, when known)."""
    where = gettext(" ở dòng %(row)s") % {"row": row} if row else ""
    return HostileFile(gettext(
        "Tệp %(file)s có ô dài hơn %(limit)s ký tự%(where)s (giới hạn DIEUHANH_IMPORT_MAX_CELL_CHARS): "
        "tệp không được đọc."
    ) % {"file": _label(name), "limit": _number(limits()["cell_chars"]), "where": where})


def row_too_wide(name: str, row: int, columns: int) -> HostileFile:
    """The refusal of a row holding more columns than the limit (a sheet with no `<dimension>`
    whose rows reach column XFD)."""
    return HostileFile(gettext(
        "Tệp %(file)s có dòng %(row)s dài %(columns)s cột, vượt giới hạn %(limit)s cột (DIEUHANH_IMPORT_MAX_COLUMNS): "
        "xoá các cột trống thừa trong Excel rồi lưu lại."
    ) % {"file": _label(name), "row": row, "columns": _number(columns), "limit": _number(limits()["columns"])})


def prepare_csv() -> int:
    """Let Python's csv read fields up to the cell limit (and a character more, so that a longer
    one is seen as too long by `check_row` rather than as a csv.Error); the limit."""
    limit = limits()["cell_chars"]
    if csv.field_size_limit() < limit + 1:
        csv.field_size_limit(limit + 1)
    return limit


def is_field_limit(exc: csv.Error) -> bool:
    """Whether Python's csv refused a field for its length."""
    return "field larger than field limit" in str(exc)
