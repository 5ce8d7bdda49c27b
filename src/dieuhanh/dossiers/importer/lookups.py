"""What the dossier import looks up while it reads a file, each built once per job: the units
by code and receipt date (codes were reused in the 2025 reform) within the importer's scope,
the procedures by code (a long national code by its short catalogue code), dates and receipt
times with their database values, words of the vocabularies, and appointment dates computed
from the calendar when the export leaves them empty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from dieuhanh.core import access, calendar
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers import services
from dieuhanh.dossiers.importer.values import Bad, _Dates, _fmt, _Memo, _optional, _Words, fast_fold
from dieuhanh.dossiers.models import Procedure
from dieuhanh.org.models import AdminUnit, User


class Lookups:
    """The lookups of one dossier import, for the rows of `actor`'s units (all of them when
    `actor` is None, the command line). Each distinct text of a cell is worked out once (`_Memo`):
    a value that cannot be taken is cached as its `Bad` reason."""

    def __init__(self, actor: User | None) -> None:
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
        self.counts_from = _Memo(self._counts_from)
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

    def _receipt(self, raw: Any) -> tuple[dt.date | None, Any, Any, int | None]:
        """(day, its database value, the receipt time's database value or None, the receipt
        time in seconds after midnight or None)."""
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
            return None, None, None, None
        return day, self.db_date[day], None if secs is None else self.moment(day, secs), secs

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

    def _counts_from(self, key: tuple[str, dt.date, int | None]) -> dt.date:
        """`services.receipt_counts_from` of a (channel, receipt day, receipt seconds) triple."""
        channel, day, secs = key
        time = None if secs is None else (dt.datetime.min + self._deltas[secs]).time()
        return services.receipt_counts_from(channel, day, time)

    def _fill_dues(self, pairs: Iterable[tuple[dt.date, int]]) -> None:
        """Appointment dates not yet known for these (day counted from, processing days) pairs:
        `services.appointment`, vectorised over the pairs with `calendar.add_many`; the day
        counted from is `counts_from` of the row's channel and receipt."""
        need = sorted(set(pairs) - self.due_of.keys())
        if need:
            starts = np.array([s for s, _ in need], dtype="datetime64[D]")
            days = np.array([k for _, k in need], dtype=np.int64)
            for pair, due in zip(need, self.calendar.add_many(starts, days, working=True).tolist(), strict=True):
                self.due_of[pair] = due
