"""The shared working-day calendar: every legal deadline is counted here, never with `timedelta`.

How time is counted (Civil Code 91/2015/QH13):
- Art 147(2): the day of the event is not counted; the period starts on the next day.
- Art 148(1), (6): a period in days ends at 24:00 of its last day, so a deadline is a date.
- Art 148(5): if the last day of a period falls on a weekly rest day or a holiday, the period
  ends at the end of the next working day.
- A period in working days (*ngày làm việc*) counts only working days, so it ends on the N-th
  working day after the start; Art 148(5) can never apply to it.
- A period of 0 days has no last day to move, so it ends on the day of the event itself, for
  both kinds (for example a transfer "in the same day").

Which days are working days (LEGAL.md, "The calendar"):
  Monday–Friday
  − public holidays of Labour Code 2019 Art 112 and the days given back under Art 111(3), as
    published by the `holidays` package (which also knows some announced swaps), each only when
    its legal basis is recorded in `data/holiday_basis.yaml` (decision 0021)
  + Saturdays worked under an announced swap (*làm bù*), also from the `holidays` package
  − days off announced by the Government for civil servants (`CalendarException` day_off)
  + days announced as worked (`CalendarException` working_day): a Saturday or Sunday of a swap,
    or a package holiday that the announcing document does not give off.
An announced exception always wins over the package for its date.

A `WorkCalendar` is a snapshot that needs no database, so the bench and importers can build one
from the YAML schedule alone. The module functions use `current()`, which rebuilds the snapshot
whenever the `CalendarException` table differs from the one it was built from; the table is read
at most once per public call, so a change made by another process is seen at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import holidays
import numpy as np
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core.choices import AuditAction, CalendarExceptionKind

if TYPE_CHECKING:
    from dieuhanh.org.models import User

EXCEPTIONS_FILE = Path(__file__).parent / "data" / "calendar_exceptions.yaml"

# Monday–Friday: civil servants rest on Saturday and Sunday (the 40-hour week of Decision
# 188/1999/QĐ-TTg); LEGAL.md, "Counting time".
WEEKMASK = "1111100"
_EPOCH = dt.date(1970, 1, 1).toordinal()  # numpy's datetime64[D] counts days from here
WEEKDAY_NAMES = (gettext_lazy("thứ Hai"), gettext_lazy("thứ Ba"), gettext_lazy("thứ Tư"), gettext_lazy("thứ Năm"), gettext_lazy("thứ Sáu"), gettext_lazy("thứ Bảy"), gettext_lazy("Chủ nhật"))

ExceptionRow = tuple[dt.date, str]  # (date, CalendarExceptionKind value)


def _day(d: dt.date) -> int:
    if isinstance(d, dt.datetime):
        raise TypeError(
            "Lịch ngày làm việc nhận kiểu date, không nhận datetime: đổi sang giờ Việt Nam rồi lấy .date()"
        )
    return d.toordinal() - _EPOCH


def _date(day: int | np.integer[Any]) -> dt.date:
    return dt.date.fromordinal(int(day) + _EPOCH)


BASIS_FILE = Path(__file__).parent / "data" / "holiday_basis.yaml"
OBSERVED_SUFFIX = " (nghỉ bù)"
# The name of a weekend day worked under a swap (translated where it is shown: package_days is cached).
def gettext_noop(message: str) -> str:
    """Marks `message` for the catalogue (makemessages knows the name) and returns it as it is.
    Django's own reads the settings, and this module is imported without them (the benchmarks,
    the command line before Django starts)."""
    return message


WORKED_DAY = gettext_noop("Làm bù (hoán đổi ngày làm việc)")
SUBSTITUTED = re.compile(r"^Ngày nghỉ \(thay cho ngày \d\d/\d\d/\d{4}\)$")


@dataclass(frozen=True)
class Basis:
    """Why a day of the `holidays` package is a day off (or a Saturday worked): the law or the
    announcing document, and whether that citation was checked against the text."""

    citation: str
    confirmed: bool


@dataclass(frozen=True)
class _Code:
    law: str
    start: dt.date
    end: dt.date
    confirmed: bool
    observed: str
    holidays: dict[str, str]


@dataclass(frozen=True)
class Schedule:
    """A year's civil-service schedule: the documents that announced it; `confirmed` when the
    official schedule was read and its swaps loaded (calendar_exceptions.yaml)."""

    year: int
    documents: str
    confirmed: bool


@dataclass(frozen=True)
class _BasisTable:
    codes: tuple[_Code, ...]
    additions: tuple[tuple[str, dt.date, Basis], ...]
    schedules: dict[int, Schedule]


@functools.cache
def _basis_table(path: Path = BASIS_FILE) -> _BasisTable:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    codes = tuple(
        _Code(
            law=str(c["law"]),
            start=c["from"],
            end=c.get("until") or dt.date.max,
            confirmed=bool(c["confirmed"]),
            observed=str(c["observed"]),
            holidays={str(k): str(v) for k, v in c["holidays"].items()},
        )
        for c in raw["codes"]
    )
    additions = tuple(
        (str(a["name"]), a["from"], Basis(" ".join(str(a["basis"]).split()), bool(a["confirmed"])))
        for a in raw.get("additions", [])
    )
    schedules = {
        int(y): Schedule(int(y), " ".join(str(v["documents"]).split()), bool(v["confirmed"]))
        for y, v in (raw.get("schedules") or {}).items()
    }
    return _BasisTable(codes, additions, schedules)


def schedules() -> dict[int, Schedule]:
    """The years whose civil-service schedule is recorded, by year."""
    return dict(_basis_table().schedules)


def holiday_basis(d: dt.date, name: str) -> Basis | None:
    """The recorded legal basis of one holiday of the `holidays` package (its Vietnamese name as
    the package gives it for `d`), or None when nothing is recorded: such a day is not a day off
    in the working-day calendar (holiday_basis.yaml)."""
    table = _basis_table()
    if SUBSTITUTED.match(name):
        sched = table.schedules.get(d.year)
        return Basis(sched.documents, sched.confirmed) if sched else None
    observed = name.endswith(OBSERVED_SUFFIX)
    base = name.removesuffix(OBSERVED_SUFFIX)
    code = next((c for c in table.codes if c.start <= d <= c.end), None)
    found: Basis | None = None
    if code is not None and base in code.holidays:
        found = Basis(f"{code.law}, {code.holidays[base]}", code.confirmed)
    else:
        found = next((b for n, start, b in table.additions if n == base and start <= d), None)
    if found is None or not observed:
        return found
    if code is None:
        return None
    return Basis(f"{found.citation}; nghỉ bù: {code.law}, {code.observed}", found.confirmed and code.confirmed)


def worked_day_basis(d: dt.date) -> Basis | None:
    """The recorded basis of a weekend day the package makes a working day (a swap)."""
    sched = _basis_table().schedules.get(d.year)
    return Basis(sched.documents, sched.confirmed) if sched else None


@dataclass(frozen=True)
class PackageDay:
    date: dt.date
    name: str
    working: bool  # a weekend day worked under a swap, rather than a day off
    basis: Basis | None


@functools.cache
def package_days(year: int) -> tuple[PackageDay, ...]:
    """What the `holidays` package publishes when it builds `year` (swaps can reach into a
    neighbouring year), each with its recorded basis or None."""
    h = holidays.country_holidays("VN", years=year, language="vi")
    days: list[PackageDay] = []
    for d, names in sorted(h.items()):
        for name in str(names).split("; "):
            days.append(PackageDay(d, name, False, holiday_basis(d, name)))
    for d in sorted(getattr(h, "weekend_workdays", ())):
        days.append(PackageDay(d, WORKED_DAY, True, worked_day_basis(d)))
    return tuple(days)


def unrecorded_package_days(years: Iterable[int]) -> list[PackageDay]:
    """Days of the package that the calendar leaves out because no basis is recorded."""
    return sorted(
        {p for y in years for p in package_days(y) if p.basis is None}, key=lambda p: (p.date, p.name)
    )


@functools.cache
def _statutory(year: int) -> tuple[frozenset[int], frozenset[int]]:
    """Days off and worked weekend days that the `holidays` package publishes when it builds
    `year`, keeping only those with a recorded legal basis (holiday_basis.yaml). Swaps can cross
    a year end (in 2018 the 31/12 was given off against 05/01/2019), so the result may hold dates
    of a neighbouring year; callers union several years."""
    days = package_days(year)
    off = frozenset(_day(p.date) for p in days if not p.working and p.basis is not None)
    worked = frozenset(_day(p.date) for p in days if p.working and p.basis is not None)
    return off, worked


class WorkCalendar:
    """The working days of a span of years, as a sorted array of day numbers (days since
    1970-01-01). Every question is a binary search in that array, which is what lets `add_many`
    treat worked Saturdays exactly: numpy's business-day functions only know a weekmask and a
    list of holidays, so a worked Saturday cannot be expressed to them directly.

    The span grows by itself when a question reaches outside it."""

    def __init__(
        self, exceptions: Iterable[ExceptionRow] = (), *, years: tuple[int, int] | None = None
    ) -> None:
        off: set[int] = set()
        worked: set[int] = set()
        for d, kind in exceptions:
            (worked if kind == CalendarExceptionKind.WORKING_DAY else off).add(_day(d))
        self._off = frozenset(off)
        self._worked = frozenset(worked)
        self._lock = threading.Lock()
        # `add`'s answers: a page asks the same (today + the days of "due soon") several times, and
        # each costs numpy's searches; a new calendar (its stamp moved) starts empty
        self._added: dict[tuple[int, int, bool], dt.date] = {}
        self._state: tuple[tuple[int, int], np.ndarray] | None = None
        if years is not None:
            self._state = (years, self._build(*years))

    @classmethod
    def from_announced_schedule(cls, path: Path = EXCEPTIONS_FILE, **kwargs: Any) -> WorkCalendar:
        """A calendar from the `holidays` package and the YAML schedule only, without a database."""
        return cls(((a.date, a.kind) for a in announced_schedule(path)), **kwargs)

    @property
    def years(self) -> tuple[int, int] | None:
        return self._state[0] if self._state else None

    def _build(self, first_year: int, last_year: int) -> np.ndarray:
        off: set[int] = set()
        worked: set[int] = set()
        for year in range(first_year - 1, last_year + 2):
            y_off, y_worked = _statutory(year)
            off |= y_off
            worked |= y_worked
        # An announced exception overrides the package for its date, in both directions.
        off = (off - self._worked) | self._off
        worked = (worked - self._off) | self._worked
        first, last = _day(dt.date(first_year, 1, 1)), _day(dt.date(last_year, 12, 31))
        days = np.arange(first, last + 1, dtype=np.int64)
        busdays = np.busdaycalendar(
            weekmask=WEEKMASK, holidays=np.array(sorted(off), dtype=np.int64).astype("datetime64[D]")
        )
        mask = np.is_busday(days.astype("datetime64[D]"), busdaycal=busdays)
        mask |= np.isin(days, np.fromiter(worked, dtype=np.int64, count=len(worked)))
        return days[mask]

    def _cover(self, lo: int, hi: int) -> np.ndarray:
        """The working-day array, grown if needed so that it holds every day in [lo, hi]."""
        state = self._state
        lo_year, hi_year = _date(lo).year, _date(hi).year
        if state is not None and state[0][0] <= lo_year and hi_year <= state[0][1]:
            return state[1]
        with self._lock:
            state = self._state
            if state is None:
                span = (lo_year - 1, hi_year + 1)
            else:
                span = (min(state[0][0], lo_year), max(state[0][1], hi_year))
            if state is None or span != state[0]:
                state = (span, self._build(*span))
                self._state = state
            return state[1]

    def _offset(self, starts: np.ndarray, days: np.ndarray, working: bool) -> np.ndarray:
        if days.size and int(days.min()) < 0:
            raise ValueError("Số ngày của thời hạn không được âm")
        if starts.size == 0:
            return starts.copy()
        counted = days > 0
        lo = int(starts.min())
        # Enough room for almost every question; the loop below grows the span for the rest.
        hi = int(starts.max()) + 2 * int(days.max()) + 60
        while True:
            work = self._cover(lo, hi)
            if working:
                # The N-th working day strictly after the start (Art 147(2)).
                idx = np.searchsorted(work, starts, side="right") + days - 1
            else:
                # Start + N, or the first working day after it (Art 148(5)).
                idx = np.searchsorted(work, starts + days, side="left")
            if not counted.any() or int(idx[counted].max()) < len(work):
                break
            hi = int(work[-1]) + max(366, hi - lo)
        return np.where(counted, work[np.clip(idx, 0, len(work) - 1)], starts)

    def add(self, start: dt.date, days: int, *, working: bool) -> dt.date:
        """The last day of a period of `days` days (or working days) counted from `start`.
        The same count as `_offset`, without its array overhead for one date."""
        s = _day(start)
        if days < 0:
            raise ValueError("Số ngày của thời hạn không được âm")
        if days == 0:
            return start
        key = (s, days, working)
        found = self._added.get(key)
        if found is None:
            found = self._add(s, days, working)
            if len(self._added) >= 10_000:
                self._added.clear()
            self._added[key] = found
        return found

    def _add(self, s: int, days: int, working: bool) -> dt.date:
        hi = s + 2 * days + 60
        while True:
            work = self._cover(s, hi)
            if working:
                i = int(work.searchsorted(s, side="right")) + days - 1
            else:
                i = int(work.searchsorted(s + days, side="left"))
            if i < len(work):
                return _date(work[i])
            hi = int(work[-1]) + max(366, hi - s)

    def add_many(self, starts: np.ndarray, days: np.ndarray | int, *, working: bool) -> np.ndarray:
        """`add` over arrays: `starts` of datetime64[D], `days` of ints (broadcast together).
        Returns datetime64[D]."""
        s = np.asarray(starts, dtype="datetime64[D]")
        if np.isnat(s).any():
            raise ValueError("Có ngày bắt đầu trống (NaT)")
        s_days, n = np.broadcast_arrays(s.astype(np.int64), np.asarray(days, dtype=np.int64))
        return self._offset(s_days.ravel(), n.ravel(), working).reshape(s_days.shape).astype("datetime64[D]")

    def is_working_day(self, d: dt.date) -> bool:
        x = _day(d)
        work = self._cover(x, x)
        i = int(np.searchsorted(work, x))
        return i < len(work) and int(work[i]) == x

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after `d` (the "next working day" of Art 148(5))."""
        return self.add(d, 1, working=True)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]: so `add(a, n, working=True) == b` gives n. Negative when b is
        before a (for example days early). Used for "days late" counted in working days."""
        x, y = _day(a), _day(b)
        work = self._cover(min(x, y), max(x, y))
        return int(np.searchsorted(work, y, side="right") - np.searchsorted(work, x, side="right"))


# --- The database-backed calendar -------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: tuple[int | None, tuple[ExceptionRow, ...], WorkCalendar] | None = None


def _exceptions_in_db() -> tuple[ExceptionRow, ...]:
    from dieuhanh.core.models import CalendarException

    return tuple(CalendarException.objects.order_by("date").values_list("date", "kind"))


def current() -> WorkCalendar:
    """The calendar for the announced exceptions now in the database. Read again only when their
    table's stamp moved (core.generations: any process's change, the admin's, SQL's); the arrays
    are rebuilt only when the rows differ."""
    global _cache
    from dieuhanh.core import generations

    stamp = generations.stamp("calendar")
    cached = _cache
    if stamp is not None and cached is not None and cached[0] == stamp:
        return cached[2]
    with _cache_lock:
        cached = _cache
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[2]
        rows = _exceptions_in_db()
        if cached is not None and cached[1] == rows:
            cal = cached[2]
        else:
            cal = WorkCalendar(rows, years=cached[2].years if cached is not None else None)
        _cache = (stamp, rows, cal)
        return cal


def invalidate() -> None:
    """Drop the cached snapshot. Not needed for correctness (`current()` follows the table's stamp)."""
    global _cache
    from dieuhanh.core import generations

    generations.forget()
    with _cache_lock:
        _cache = None


def is_working_day(d: dt.date) -> bool:
    return current().is_working_day(d)


def add(start: dt.date, days: int, *, working: bool) -> dt.date:
    return current().add(start, days, working=working)


def add_many(starts: np.ndarray, days: np.ndarray | int, *, working: bool) -> np.ndarray:
    return current().add_many(starts, days, working=working)


def next_working_day(d: dt.date) -> dt.date:
    return current().next_working_day(d)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return current().working_days_between(a, b)


# --- Announced days off and worked weekends -------------------------------------------------


@dataclass(frozen=True)
class AnnouncedDay:
    date: dt.date
    kind: CalendarExceptionKind
    name: str
    document_number: str
    note: str = ""


def announced_schedule(path: Path = EXCEPTIONS_FILE) -> list[AnnouncedDay]:
    """The civil-service schedules of `data/calendar_exceptions.yaml`, checked like the service
    checks an administrator's entry."""
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    days = [
        AnnouncedDay(
            date=r["date"],
            kind=CalendarExceptionKind(r["kind"]),
            name=str(r.get("name", "")),
            document_number=str(r["document_number"]),
            note=str(r.get("note", "")),
        )
        for r in raw
    ]
    seen: set[dt.date] = set()
    for a in days:
        if a.date in seen:
            raise ValueError(f"{path.name}: ngày {a.date:%d/%m/%Y} được ghi hai lần")
        seen.add(a.date)
        errors = _check(a.date, a.kind, a.document_number)
        if errors:
            raise ValueError(f"{path.name}: ngày {a.date:%d/%m/%Y}: " + "; ".join(errors.values()))
    return days


def statutory_day_off(date: dt.date) -> bool:
    """Whether the package calendar (with a recorded basis) gives `date` off, before any
    announced exception: a holiday, a day given back, or a day off of a swap."""
    x = _day(date)
    return any(x in _statutory(y)[0] for y in (date.year - 1, date.year, date.year + 1))


def _check(date: dt.date, kind: str, document_number: str) -> dict[str, str]:
    """Any date may be announced off; a date may be announced worked when it would otherwise be a
    day off: a Saturday or Sunday (a swap), or a holiday of the package that the announcing
    document does not give off (for example a holiday whose legal basis is not in force)."""
    errors: dict[str, str] = {}
    if kind not in CalendarExceptionKind.values:
        errors["kind"] = gettext("Loại ngày phải là ngày nghỉ được công bố hoặc ngày làm việc được công bố.")
    elif kind == CalendarExceptionKind.WORKING_DAY and date.weekday() < 5 and not statutory_day_off(date):
        errors["date"] = (
            gettext("Ngày %(date)s là %(weekday_names)s và không phải ngày lễ, Tết hay ngày nghỉ bù, nên vốn đã là ngày làm việc: chỉ ghi ngày làm việc cho thứ Bảy, Chủ nhật làm bù hoặc cho một ngày lễ không được nghỉ.") % {"date": format(date, "%d/%m/%Y"), "weekday_names": WEEKDAY_NAMES[date.weekday()]}
        )
    if not document_number.strip():
        errors["document_number"] = (
            gettext("Phải ghi số hiệu văn bản công bố (hoặc căn cứ) của ngày nghỉ, ngày làm việc này.")
        )
    return errors


def _upsert(
    *, date: dt.date, kind: str, document_number: str, name: str, actor: User | None, action: str, new_action: str
) -> tuple[Any, str]:
    """Create or update the exception of `date`. Returns the row and what happened: "created",
    "updated" or "unchanged". A row of the other kind is an error: turning a day off into a
    worked day changes deadlines already counted, so it is an explicit removal first."""
    from dieuhanh.core import audit
    from dieuhanh.core.models import CalendarException

    document_number = document_number.strip()
    name = name.strip()
    errors = _check(date, kind, document_number)
    existing = CalendarException.objects.select_for_update().filter(date=date).first()
    if existing is not None and existing.kind != kind and "kind" not in errors:
        errors["date"] = (
            gettext("Ngày %(date)s đã được công bố là %(lower)s theo %(document_number)s; hãy xoá ngày đó trước khi công bố lại.") % {"date": format(date, "%d/%m/%Y"), "lower": existing.get_kind_display().lower(), "document_number": existing.document_number}
        )
    if errors:
        raise ValidationError(errors)
    if existing is not None:
        if existing.name == name and existing.document_number == document_number:
            return existing, "unchanged"
        before = audit.snapshot(existing)
        existing.name, existing.document_number = name, document_number
        existing.full_clean()
        existing.save(update_fields=["name", "document_number"])
        audit.record(actor=actor, action=action, obj=existing, before=before, after=audit.snapshot(existing))
        return existing, "updated"
    row = CalendarException(date=date, kind=kind, name=name, document_number=document_number)
    row.full_clean()
    row.save()
    audit.record(actor=actor, action=new_action, obj=row, after=audit.snapshot(row))
    return row, "created"


@transaction.atomic
def do_add_calendar_exception(
    *, date: dt.date, kind: str, document_number: str, name: str = "", actor: User
) -> Any:
    """Announce a day off, or a day worked — a Saturday/Sunday worked in exchange (*làm bù*) or a
    package holiday not given off — by the document that announced it (`name` carries the
    reason). Adding again the same date and kind updates its name and document."""
    row, outcome = _upsert(
        date=date,
        kind=kind,
        document_number=document_number,
        name=name,
        actor=actor,
        action=AuditAction.UPDATE,
        new_action=AuditAction.CREATE,
    )
    if outcome != "unchanged":
        transaction.on_commit(invalidate)
    return row


@transaction.atomic
def do_remove_calendar_exception(*, date: dt.date, actor: User) -> None:
    """Withdraw an announced exception; the date falls back to the statutory calendar."""
    from dieuhanh.core import audit
    from dieuhanh.core.models import CalendarException

    row = CalendarException.objects.select_for_update().filter(date=date).first()
    if row is None:
        raise ValidationError(
            {"date": gettext("Ngày %(date)s không có trong danh sách ngày nghỉ, ngày làm việc đã công bố.") % {"date": format(date, "%d/%m/%Y")}}
        )
    audit.record(actor=actor, action=AuditAction.DELETE, obj=row, before=audit.snapshot(row))
    row.delete()
    transaction.on_commit(invalidate)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[dt.date] = field(default_factory=list)


@transaction.atomic
def load_announced_schedule(*, actor: User | None = None, path: Path = EXCEPTIONS_FILE) -> LoadResult:
    """Upsert the YAML schedule; each created or changed row is audited with action "load", so a
    second run writes nothing. A date an administrator has since announced with the other kind is
    left as the administrator set it and reported in `conflicts`."""
    from dieuhanh.core.models import CalendarException

    result = LoadResult()
    existing_kinds = dict(CalendarException.objects.values_list("date", "kind"))
    for a in announced_schedule(path):
        if a.date in existing_kinds and existing_kinds[a.date] != a.kind:
            result.conflicts.append(a.date)
            continue
        _, outcome = _upsert(
            date=a.date,
            kind=a.kind,
            document_number=a.document_number,
            name=a.name,
            actor=actor,
            action=AuditAction.LOAD,
            new_action=AuditAction.LOAD,
        )
        setattr(result, outcome, getattr(result, outcome) + 1)
    if result.created or result.updated:
        transaction.on_commit(invalidate)
    return result


def load_announced_schedule_after_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from dieuhanh.core import audit
    from dieuhanh.core.models import AuditEvent, CalendarException

    tables = connections[using].introspection.table_names()
    if CalendarException._meta.db_table not in tables or AuditEvent._meta.db_table not in tables:
        return  # core migrated backwards: nothing to load into
    with audit.channel("cli"):
        load_announced_schedule()


def as_dates(values: np.ndarray) -> Sequence[dt.date]:
    """datetime64[D] array → list of `date`, for display and tests."""
    return list(np.asarray(values, dtype="datetime64[D]").astype(object))


def due_soon_days() -> int:
    """How many working days ahead "due soon" looks — for a task, a petition's step and a dossier
    alike: `DIEUHANH_DUE_SOON_WORKING_DAYS` (3 by default: a week's notice in practice, and the
    notice the one-stop desk gives an applicant). Pages say it with `{% due_soon_days %}`."""
    from django.conf import settings

    return int(settings.DIEUHANH_DUE_SOON_WORKING_DAYS)


def due_soon_until(today: dt.date) -> dt.date:
    """The last day of "due soon": a deadline from `today` to this day is due soon."""
    return add(today, due_soon_days(), working=True)
