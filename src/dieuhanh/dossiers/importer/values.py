"""The values of a one-stop export's cells as the dossier import reads them: dates and times,
words of a vocabulary (channel, status, return method), names folded for search, each distinct
text worked out once (`_Memo`); and the codes already read in the file (`_SeenCodes`), to report
a code repeated in it. A value that cannot be taken raises `Bad`, its reason in Vietnamese."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np

from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers.choices import Status
from dieuhanh.lib.text import fold

EARLIEST = dt.date(2000, 1, 1)  # an earlier date is a typing error, not a dossier


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
