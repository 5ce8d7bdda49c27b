"""One-stop administrative dossiers of the demo city: the procedures catalogue and a year of
dossiers up to today for the six successor wards (and, for days before 1/7/2025, the old wards
they took over).

What it makes (parameters in `data/demo.yaml`, applicants fictional, seeded):

- the catalogue `dossiers/data/procedures.csv` (the one shipped with the product), loaded by the
  demo administrator through the procedures import;
- the province bodies that hold land dossiers sent up from the wards (*liên thông*): Sở Nông
  nghiệp và Môi trường of Hải Phòng and its Văn phòng Đăng ký đất đai;
- a year of dossiers, 3,000–6,000 per ward, written as the province's one-stop system exports
  them (Vietnamese headers, one row per dossier) into a temporary file, taken in through the
  dossier import like a daily export: certification and civil status dominate, a good third is filed online,
  a few per cent come or go back by post, about 95% are finished early or on time, the late ones
  often with an apology and a new date issued before the deadline, and those still open are
  placed relative to today, so that some are late now, stuck at a named step and body (land
  dossiers at the province);
- a few dozen dossiers at phường Chu Văn An (the `motcua` persona's desk) received and moved
  through the real services — own processing, transfer to the province and back, completion
  requested once, apology, refusal, withdrawal, return at the desk, by post or online — so that
  their pages show steps and history; most of those finished are rated by their applicants
  (notifications.ratings), so the 766 satisfaction group has figures.

`DossierLoader.run()` is called by `load_demo()` once: it is skipped when the demo wards already
have dossiers.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q
from django.utils import timezone

from dieuhanh.core import audit, calendar
from dieuhanh.core.choices import AuditAction
from dieuhanh.demo import names
from dieuhanh.demo.people import REFORM, Cast, lower_first
from dieuhanh.dossiers import services
from dieuhanh.dossiers.choices import (
    OPEN_STATUSES,
    Channel,
    JobKind,
    Level,
    OnlineType,
    ReturnMethod,
    Source,
    Status,
    Timeliness,
)
from dieuhanh.dossiers.models import Dossier, Procedure
from dieuhanh.org.choices import OrganisationKind, UnitLevel
from dieuhanh.org.models import AdminUnit, Organisation

DAY = dt.timedelta(days=1)
PROVINCE_CODE = "31"  # Thành phố Hải Phòng since 1/7/2025
MOTCUA_WARD = "10549"  # phường Chu Văn An, the `motcua` persona's desk
SNNMT = "Sở Nông nghiệp và Môi trường thành phố Hải Phòng"
VPDK = "Văn phòng Đăng ký đất đai thành phố Hải Phòng"
TAX = "Thuế thành phố Hải Phòng"
LAND_FIELDS = ("Đất đai", "Đăng ký biện pháp bảo đảm")
EXPORT_NAME = "ho-so-mot-cua-chi-linh.csv"

# The columns of a one-stop export, as the dossier import reads them.
EXPORT_HEADERS = (
    "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Đơn vị tiếp nhận (mã)", "Kênh tiếp nhận", "Ngày tiếp nhận",
    "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả", "Trạng thái", "Người nộp", "Cơ quan đang xử lý",
    "Bước hiện tại", "Ngày xin lỗi", "Ngày hẹn lại", "Hình thức trả",
)

CHANNEL_LABELS = dict(Channel.choices)
STATUS_LABELS = dict(Status.choices)
RETURN_LABELS = {"": "", **dict(ReturnMethod.choices)}

Progress = Callable[[str, int, int], None]


def catalogue_path() -> Path:
    """The procedures catalogue shipped with the product."""
    return Path(str(resources.files("dieuhanh.dossiers").joinpath("data", "procedures.csv")))


@cache
def dossiers_data() -> dict[str, Any]:
    text = resources.files("dieuhanh.dossiers").joinpath("data", "demo.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def dossiers_loaded(cast: Cast) -> bool:
    """Whether the demo wards (new or old) already have dossiers."""
    units = [*cast.new_wards.values(), *cast.legacy_wards.values()]
    return Dossier.objects.filter(unit__in=units).exists()


def catalogue_codes(path: Path | None = None) -> list[str]:
    """The procedure codes of the catalogue file, in order."""
    with open(path or catalogue_path(), encoding="utf-8-sig", newline="") as f:
        return [row["Mã thủ tục"].strip() for row in csv.DictReader(f)]


@dataclass
class Row:
    """One dossier of the generated export."""

    code: str
    procedure: Procedure
    unit: AdminUnit
    channel: str
    status: str
    applicant: str
    received_on: dt.date
    due_on: dt.date
    result_on: dt.date | None = None
    returned_on: dt.date | None = None
    return_method: str = ""
    apology_on: dt.date | None = None
    new_due_on: dt.date | None = None
    body: str = ""
    step: str = ""



class DossierLoader:
    def __init__(self, cast: Cast, rng: random.Random, today: dt.date, progress: Progress | None = None):
        self.cast = cast
        self.rng = rng
        self.today = today
        self.progress = progress
        self.data = dossiers_data()
        self.cal = calendar.current()
        self.admin = cast.users["admin"]
        self.motcua = cast.users["motcua"]
        self.counts: Counter[str] = Counter()
        self.procs: dict[str, Procedure] = {}
        self._add_cache: dict[tuple[dt.date, int], dt.date] = {}
        self._due_cache: dict[tuple[dt.date, int, str], dt.date] = {}
        first = today - dt.timedelta(days=int(self.data["days"]) - 1)
        self.days = [first + i * DAY for i in range((today - first).days + 1)]
        self.days = [d for d in self.days if self.cal.is_working_day(d)]
        self.index = {d: i for i, d in enumerate(self.days)}
        self.preds = {code: sorted(c for c, s in cast.successor.items() if s == code) for code in cast.new_wards}

    # --- small helpers ------------------------------------------------------------------------

    def _tick(self, done: int, total: int) -> None:
        if self.progress:
            self.progress("Thủ tục hành chính, hồ sơ một cửa", done, total)

    def _add(self, day: dt.date, n: int) -> dt.date:
        """`n` working days after `day` (0: the day itself)."""
        key = (day, n)
        found = self._add_cache.get(key)
        if found is None:
            found = self._add_cache[key] = self.cal.add(day, n, working=True)
        return found

    def _appointment(self, p: Procedure, channel: str, day: dt.date) -> dt.date:
        """The appointment date of a dossier received on `day` (no hour: the export gives the
        day), as at the desk and in the import (`services.appointment`)."""
        key = (day, p.processing_days, channel)
        found = self._due_cache.get(key)
        if found is None:
            found = self._due_cache[key] = services.appointment(p.processing_days, channel, day)
        return found

    @property
    def _last(self) -> int:
        """Index of the last working day before today."""
        return len(self.days) - 1 if self.days[-1] < self.today else len(self.days) - 2

    def _back(self, n: int) -> dt.date:
        """The working day `n` working days before the last working day before today."""
        return self.days[max(0, self._last - n)]

    def _before(self, day: dt.date, n: int) -> dt.date:
        """`n` working days before `day` (a working day)."""
        while n > 0:
            day -= DAY
            if self.cal.is_working_day(day):
                n -= 1
        return day

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _applicant(self) -> str:
        female = self._chance(0.5)
        middle = self.rng.choice(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
        given = self.rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
        return f"{self.rng.choice(names.FAMILY)} {middle} {given}"

    @staticmethod
    def _desk(unit: AdminUnit) -> str:
        return f"Bộ phận Một cửa {unit.name}"

    # --- catalogue and bodies --------------------------------------------------------------------

    def _catalogue(self) -> None:
        """The catalogue shipped with the product, through the procedures import."""
        from dieuhanh.dossiers import importer

        result = importer.import_file(catalogue_path(), kind=JobKind.PROCEDURES, actor=self.admin)
        self.counts["bad_rows"] += result.bad
        self.procs = {p.code: p for p in Procedure.objects.filter(code__in=catalogue_codes())}
        self.counts["procedures"] = len(self.procs)

    def _bodies(self) -> None:
        """The province bodies that land dossiers are sent up to."""
        province = AdminUnit.objects.get(code=PROVINCE_CODE, level=UnitLevel.PROVINCE, valid_to__isnull=True)

        def org(name: str, short: str, kind: str, parent: Organisation | None = None) -> Organisation:
            found = Organisation.objects.filter(unit=province, name=name).first()
            if found is None:
                found = Organisation.objects.create(name=name, short_name=short, kind=kind, unit=province,
                                                    parent=parent, valid_from=province.valid_from)
                self.counts["organisations"] += 1
            return found

        self.snnmt = org(SNNMT, "SNNMT", OrganisationKind.DEPARTMENT)
        self.vpdk = org(VPDK, "VPĐKĐĐ", OrganisationKind.PUBLIC_SERVICE, self.snnmt)
        self.ward_ubnd = self.cast.orgs[f"w{MOTCUA_WARD}.ubnd"]

    # --- the year of dossiers -----------------------------------------------------------------

    def _units_on(self, code: str, day: dt.date) -> list[tuple[AdminUnit, float]]:
        if day >= REFORM:
            return [(self.cast.new_wards[code], 1.0)]
        preds = self.preds[code] or [code]
        return [(self.cast.legacy_wards[c], 0.6 if c == code else 0.4 / max(1, len(preds) - 1)) for c in preds]

    def _plan_days(self, per_year: int) -> list[int]:
        """How many dossiers a ward receives on each working day of the year."""
        months, weekdays = self.data["months"], self.data["weekdays"]
        factors = [months[d.month] * weekdays[d.weekday()] for d in self.days]
        mean = per_year * (self.days[-1] - self.days[0]).days / 365 / max(sum(factors), 1e-9)
        return [int(mean * f * self.rng.uniform(0.75, 1.25) + self.rng.random()) for f in factors]

    def _body_step(self, p: Procedure, unit: AdminUnit, stuck: bool) -> tuple[str, str]:
        """Where an open dossier is being handled, by the kind of procedure."""
        ward = lower_first(unit.name)
        if stuck:
            return self.rng.choice([(SNNMT, "Trình ký Giấy chứng nhận"),
                                    (VPDK, "Chờ kết quả đo đạc, kiểm tra thực địa")])
        if p.field in LAND_FIELDS and p.level == Level.PROVINCE:
            return self.rng.choices(
                [(VPDK, "Thẩm định hồ sơ, cập nhật biến động"), (TAX, "Xác định nghĩa vụ tài chính"),
                 (SNNMT, "Trình ký Giấy chứng nhận")], [6, 1.5, 2.5])[0]
        if p.field == "Đất đai":
            if p.code == "1.012812":
                return (f"Uỷ ban nhân dân {ward}", "Tổ chức hoà giải tại cơ sở")
            return self.rng.choice([(VPDK, "Trích lục, kiểm tra bản đồ địa chính"), (TAX, "Xác định nghĩa vụ tài chính"),
                                    (f"Uỷ ban nhân dân {ward}", "Niêm yết công khai, trình ký Giấy chứng nhận")])
        if p.field in ("Hoạt động xây dựng", "Thành lập và hoạt động của hộ kinh doanh"):
            return (f"Phòng Kinh tế, Hạ tầng và Đô thị {ward}", "Thẩm định hồ sơ")
        if p.field in ("Bảo trợ xã hội", "Người có công"):
            return (f"Phòng Văn hoá – Xã hội {ward}", "Thẩm định, trình Chủ tịch Uỷ ban nhân dân ký quyết định")
        return (f"Uỷ ban nhân dân {ward}", "Công chức tư pháp – hộ tịch thẩm định, trình ký")

    def _row(self, code: str, p: Procedure, unit: AdminUnit, day: dt.date) -> Row:
        data, rng = self.data, self.rng
        ch = data["channels"]
        online_share: dict[str, Any] = {OnlineType.FULL: ch["online_full"], OnlineType.PARTIAL: ch["online_partial"]}
        online_p = online_share.get(p.online_type, 0)
        if self._chance(online_p):
            channel = Channel.ONLINE
        elif self._chance(ch["post"]):
            channel = Channel.POST
        else:
            channel = Channel.DESK
        due = self._appointment(p, channel, day)
        r = Row(code=code, procedure=p, unit=unit, channel=channel, status=Status.RECEIVED,
                applicant=self._applicant(), received_on=day, due_on=due)
        land = p.field in LAND_FIELDS
        out = data["outcomes"]
        roll = rng.random()
        if roll < out["refused"] + out["withdrawn"]:
            end = self._add(day, rng.randint(0, max(1, p.processing_days)))
            if end <= self.today:
                if roll < out["refused"]:
                    r.status, r.result_on = Status.REFUSED, end
                    r.body, r.step = self._desk(unit), "Đã từ chối giải quyết"
                else:
                    r.status, r.body, r.step = Status.WITHDRAWN, self._desk(unit), "Công dân rút hồ sơ"
                return r
        tl = data["timeliness"]
        stuck = land and (self.today - day).days <= 90 and self._chance(data["stuck_land"])
        late_p = tl["late_land"] if land else tl["late"]
        scale = (1 - late_p) / (1 - tl["late"])
        kind = "late" if stuck else rng.choices(["early", "on_time", "late"],
                                                [tl["early"] * scale, tl["on_time"] * scale, late_p])[0]
        if kind == "early":
            spent = int(rng.random() ** 1.6 * p.processing_days)
            result = self._add(day, min(spent, max(0, p.processing_days - 1)))
        elif kind == "on_time":
            result = due
        else:
            mean = 5 if land else 2
            delay = 1 + int(rng.expovariate(1 / mean)) + (rng.randint(15, 40) if stuck else 0)
            result = self._add(due, delay)
            apology_on = max(day, self._before(due, rng.randint(1, 3)))
            if self._chance(tl["apology"]) and apology_on <= self.today:
                # Issued at the latest one working day before the appointment date (rule
                # dossier.apology_before_due), with a new date the result keeps, or now and then
                # misses too.
                r.apology_on = apology_on
                broken = delay > 1 and self._chance(tl["broken_promise"])
                r.new_due_on = self._add(due, rng.randint(1, delay - 1) if broken else delay + rng.randint(0, 2))
        if result > self.today:
            self._open(r, stuck)
            return r
        r.result_on = result
        self._finished(r)
        return r

    def _open(self, r: Row, stuck: bool) -> None:
        p = r.procedure
        if r.received_on >= self.today:
            r.status, r.body, r.step = Status.RECEIVED, self._desk(r.unit), "Tiếp nhận hồ sơ"
        elif (not stuck and p.processing_days >= 3 and r.due_on >= self.today
              and self._chance(self.data["outcomes"]["supplement"])):
            # Waiting for documents stops the clock: only dossiers not yet past their date.
            r.status, r.body, r.step = Status.SUPPLEMENT, self._desk(r.unit), "Chờ công dân bổ sung hồ sơ"
        else:
            r.status = Status.PROCESSING
            r.body, r.step = self._body_step(p, r.unit, stuck)

    def _finished(self, r: Row) -> None:
        assert r.result_on is not None  # set by the caller: the dossier is finished
        rt, rng = self.data["returns"], self.rng
        p = r.procedure
        if r.channel == Channel.ONLINE and p.online_type == OnlineType.FULL and self._chance(rt["online"]):
            method, lag = ReturnMethod.ONLINE, 0
        elif p.postal_return and self._chance(rt["post_of_post"] if r.channel == Channel.POST else rt["post"]):
            method, lag = ReturnMethod.POST, rng.randint(0, 1)
        else:
            method = ReturnMethod.DESK
            lag = 0 if self._chance(rt["same_day"]) else rng.randint(1, 5)
        returned = self._add(r.result_on, lag)
        r.body = self._desk(r.unit)
        if returned > self.today or self._chance(rt["never"]):
            r.status, r.step = Status.DONE, "Chờ trả kết quả"
            return
        r.status, r.step = Status.RETURNED, "Đã trả kết quả"
        r.returned_on, r.return_method = returned, method

    def _generate(self) -> list[Row]:
        data = self.data
        weights = {c: w for c, w in data["procedures"].items() if c in self.procs}
        late_codes = set(data["since_reform"])
        all_codes, all_weights = list(weights), list(weights.values())
        old_codes = [c for c in all_codes if c not in late_codes]
        old_weights = [weights[c] for c in old_codes]
        rows: list[Row] = []
        numbers: Counter[tuple[str, dt.date]] = Counter()
        wards = list(data["wards"].items())
        for w, (ward_code, per_year) in enumerate(wards):
            for day, n in zip(self.days, self._plan_days(int(per_year)), strict=True):
                if n <= 0:
                    continue
                units = self._units_on(ward_code, day)
                new = day >= REFORM
                codes = self.rng.choices(all_codes if new else old_codes, all_weights if new else old_weights, k=n)
                for code in codes:
                    unit = units[0][0] if len(units) == 1 else self.rng.choices(
                        [u for u, _ in units], [s for _, s in units])[0]
                    numbers[(unit.code, day)] += 1
                    number = f"{unit.code}-{day:%y%m%d}-{numbers[(unit.code, day)]:04d}"
                    rows.append(self._row(number, self.procs[code], unit, day))
            self._tick(w + 1, len(wards) + 2)
        return rows

    # --- writing ------------------------------------------------------------------------------

    def _write(self, rows: list[Row]) -> int:
        """Take the year in as the province's export, through the dossier import."""
        from dieuhanh.dossiers import importer

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / EXPORT_NAME
            with open(path, "w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)
                out.writerow(EXPORT_HEADERS)
                out.writerows(self._csv_rows(rows))
            result = importer.import_file(path, kind=JobKind.DOSSIERS, actor=self.admin)
        self.counts["bad_rows"] += result.bad
        return result.created

    @staticmethod
    def _csv_rows(rows: list[Row]) -> Any:
        """The rows as the export writes them: labels, not codes; dates as dd/mm/yyyy."""
        dates: dict[dt.date | None, str] = {None: ""}

        def d(day: dt.date | None) -> str:
            text = dates.get(day)
            if text is None:
                text = dates[day] = f"{day:%d/%m/%Y}"
            return text

        for r in rows:
            p = r.procedure
            yield [r.code, p.code, p.name, r.unit.code, CHANNEL_LABELS[r.channel], d(r.received_on), d(r.due_on),
                   d(r.result_on), d(r.returned_on), STATUS_LABELS[r.status], r.applicant, r.body, r.step,
                   d(r.apology_on), d(r.new_due_on), RETURN_LABELS[r.return_method]]

    # --- dossiers moved through the services at Chu Văn An --------------------------------------

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _receive(self, code: str, day: dt.date, hour: int = 8, minute: int = 0,
                 channel: str = Channel.DESK) -> Dossier:
        ward = self.cast.new_wards[MOTCUA_WARD]
        villages = self.cast.villages_new.get(MOTCUA_WARD) or []
        place = self.rng.choice(villages).name if villages else "Tổ dân phố 1"
        self.counts["native"] += 1
        return services.do_receive_dossier(
            actor=self.motcua, procedure=self.procs[code], unit=ward, channel=channel,
            applicant_name=self._applicant(), applicant_phone=f"09{self.rng.randint(10_000_000, 99_999_999)}",
            applicant_address=f"{place}, {lower_first(ward.name)}", received_at=self._at(day, hour, minute),
        )

    def _own(self, d: Dossier, day: dt.date, hour: int, task: str = "") -> Dossier:
        return services.do_forward(actor=self.motcua, dossier=d, body=self.ward_ubnd, at=self._at(day, hour),
                                   task=task or "Thẩm định, trình lãnh đạo ký")

    def _up(self, d: Dossier, body: Organisation, day: dt.date, hour: int, days: int, task: str) -> Dossier:
        return services.do_forward(actor=self.motcua, dossier=d, body=body, days=days, task=task,
                                   at=self._at(day, hour))

    def _done(self, d: Dossier, day: dt.date, method: str = ReturnMethod.DESK, *, back: bool = False,
              hour: int = 14) -> Dossier:
        if back:
            d = services.do_step_done(actor=self.motcua, dossier=d, at=self._at(day, hour - 4))
        d = services.do_record_result(actor=self.motcua, dossier=d, at=self._at(day, hour))
        return services.do_return(actor=self.motcua, dossier=d, method=method, at=self._at(day, 16))

    def _native(self) -> None:
        first = max(REFORM, self.days[0])
        span = self._last - self.index[next(d for d in self.days if d >= first)]

        def back(n: int) -> dt.date:
            return self._back(min(n, span))

        # Finished at the ward: own processing, early or on time, returned at the desk, by post or online.
        simple = [("2.000815", 3, Channel.DESK, ReturnMethod.DESK), ("2.000815", 40, Channel.ONLINE, ReturnMethod.ONLINE),
                  ("2.000884", 12, Channel.DESK, ReturnMethod.DESK), ("1.001193", 25, Channel.ONLINE, ReturnMethod.POST),
                  ("1.000656", 60, Channel.DESK, ReturnMethod.DESK), ("1.000894", 90, Channel.DESK, ReturnMethod.DESK),
                  ("1.004873", 8, Channel.ONLINE, ReturnMethod.ONLINE), ("2.000635", 120, Channel.POST, ReturnMethod.POST),
                  ("1.001612", 30, Channel.ONLINE, ReturnMethod.DESK), ("1.013225", 70, Channel.DESK, ReturnMethod.DESK),
                  ("1.014027", 45, Channel.DESK, ReturnMethod.POST), ("2.001035", 150, Channel.DESK, ReturnMethod.DESK)]
        for code, n, channel, method in simple:
            day = back(n)
            hour = 8 + n % 6
            d = self._receive(code, day, hour, 15 * (n % 4), channel)
            d = self._own(d, day, hour + 1)
            finish = min(self._add(day, max(0, self.procs[code].processing_days - 1)), back(max(0, n - 20)))
            self._done(d, max(finish, day), method, hour=16 if finish == day else 14)
        # Land dossiers sent up to the province office and back, on time.
        for code, n, variant in [("1.013831", 40, "ok"), ("1.011441", 15, "ok"), ("1.012784", 80, "after3pm"),
                                 ("1.012783", 100, "ok"), ("1.013831", 130, "late_transfer"), ("1.011443", 20, "ok")]:
            day = back(n)
            p = self.procs[code]
            if variant == "after3pm":
                d = self._receive(code, day, 15, 30)
                sent, hour = self._add(day, 1), 16
            elif variant == "late_transfer":
                d = self._receive(code, day, 9)
                sent, hour = self._add(day, 2), 9
            else:
                d = self._receive(code, day, 9)
                sent, hour = day, 10
            d = self._up(d, self.vpdk, sent, hour, max(1, p.processing_days - 2), "Thẩm định hồ sơ, cập nhật biến động")
            back_on = min(self._add(sent, max(1, p.processing_days - 2)), d.due_on)
            self._done(d, back_on, ReturnMethod.POST if n == 100 else ReturnMethod.DESK, back=True)
        # First certificates: the ward's own review, the province office's survey, the ward signs.
        for n in (60, 110):
            day = back(n)
            d = self._receive("1.013978", day, 9)
            d = self._own(d, day, 10, "Kiểm tra hồ sơ, xác nhận nguồn gốc sử dụng đất")
            d = self._up(d, self.vpdk, self._add(day, 3), 10, 8, "Trích lục, kiểm tra bản đồ địa chính")
            d = services.do_step_done(actor=self.motcua, dossier=d, at=self._at(self._add(day, 10), 15))
            d = self._own(d, self._add(day, 11), 9, "Niêm yết công khai, trình Chủ tịch Uỷ ban nhân dân ký")
            self._done(d, self._add(day, 18))
        # Completion requested once, then the time counts again.
        for code, n in (("1.004859", 35), ("1.013225", 75), ("2.001035", 14)):
            day = back(n)
            d = self._receive(code, day, 9)
            d = services.do_request_supplement(actor=self.motcua, dossier=d, at=self._at(self._add(day, 1), 10),
                                               note="Bổ sung bản sao giấy tờ chứng minh nhân thân của người có liên quan")
            d = services.do_supplement(actor=self.motcua, dossier=d, at=self._at(self._add(day, 4), 9))
            d = self._own(d, self._add(day, 4), 10)
            self._done(d, max(self._add(day, 4), self._before(d.due_on, 1)))
        # Late with an apology and a new date issued before the deadline.
        for code, n in (("1.013831", 55), ("1.012784", 95), ("1.012786", 140)):
            day = back(n)
            p = self.procs[code]
            d = self._receive(code, day, 10)
            d = self._up(d, self.snnmt, day, 11, max(1, p.processing_days - 2), "Trình ký Giấy chứng nhận")
            before = self._before(d.due_on, 1)
            d = services.do_apologise(actor=self.motcua, dossier=d, at=self._at(before, 15),
                                      reason="Chờ cơ quan thuế xác định nghĩa vụ tài chính",
                                      new_due_on=self._add(d.due_on, 5))
            self._done(d, self._add(d.due_on, 3), back=True)
            self.counts["apologies"] += 1
        # Still at the province body, past the appointment date: late now.
        for code, n, apology in (("1.013831", 25, True), ("1.012784", 30, False), ("1.013978", 35, False)):
            p = self.procs[code]
            day = back(max(n, p.processing_days + 6))
            d = self._receive(code, day, 9, 30)
            if p.level == Level.COMMUNE:
                d = self._own(d, day, 10, "Kiểm tra hồ sơ, xác nhận nguồn gốc sử dụng đất")
            d = self._up(d, self.snnmt, self._add(day, 1), 9, max(1, p.processing_days - 3), "Trình ký Giấy chứng nhận")
            if apology:
                before = self._before(d.due_on, 1)
                services.do_apologise(actor=self.motcua, dossier=d, at=self._at(before, 10),
                                      reason="Hồ sơ phải đo đạc lại ranh giới thửa đất",
                                      new_due_on=self._add(self.today, 5))
                self.counts["apologies"] += 1
        # On track: received this week.
        for code, n in (("1.013831", 2), ("1.004873", 1), ("1.001776", 3)):
            day = back(n)
            d = self._receive(code, day, 10)
            if code == "1.013831":
                self._up(d, self.vpdk, day, 11, 6, "Thẩm định hồ sơ, cập nhật biến động")
            else:
                self._own(d, day, 11)
        # Waiting for the applicant's documents, well before its date: completion asked, the clock
        # stopped.
        day = back(3)
        d = self._receive("1.013225", day, 9)
        services.do_request_supplement(actor=self.motcua, dossier=d, at=self._at(self._add(day, 1), 10),
                                       note="Bổ sung bản vẽ mặt bằng móng công trình có chữ ký của người thiết kế")
        # Sent online after office hours: its time counts from the next working day (Decree 45/2020).
        day = back(6)
        d = self._receive("1.001612", day, 20, 15, Channel.ONLINE)
        d = self._own(d, self._add(day, 1), 9)
        self._done(d, self._add(day, 3), ReturnMethod.ONLINE)
        # Refused, and withdrawn by the applicant.
        d = self._receive("1.013225", back(50), 9)
        d = self._own(d, back(50), 10, "Thẩm định hồ sơ, kiểm tra thực địa")
        services.do_refuse(actor=self.motcua, dossier=d, at=self._at(back(45), 15),
                           reason="Công trình nằm trong hành lang bảo vệ đường bộ, không đủ điều kiện cấp phép")
        d = self._receive("1.004884", back(20), 14)
        services.do_withdraw(actor=self.motcua, dossier=d, at=self._at(back(19), 9),
                             note="Công dân có đơn xin rút hồ sơ để bổ sung giấy tờ gốc")

    # --- the whole step -----------------------------------------------------------------------

    def _ratings(self) -> None:
        """Most applicants of the dossiers received here rate them on the lookup page once the
        result is ready (notifications.ratings): mostly satisfied, a few not."""
        from dieuhanh.notifications import ratings

        levels, weights = (5, 4, 3, 2, 1), (45, 35, 12, 6, 2)
        comments = {5: "Cán bộ hướng dẫn tận tình, trả kết quả sớm.", 2: "Phải đi lại nhiều lần.",
                    1: "Chờ lâu, không được báo trước."}
        ward = self.cast.new_wards[MOTCUA_WARD]
        for d in Dossier.objects.filter(unit=ward, source=Source.NATIVE, result_on__isnull=False).order_by("pk"):
            if d.result_on is not None and self.rng.random() < 0.7:
                level = self.rng.choices(levels, weights)[0]
                comment = comments.get(level, "") if self.rng.random() < 0.4 else ""
                rated_at = min(self._at(self._add(d.result_on, 1), 19), timezone.now())
                ratings.do_rate(d, level=level, comment=comment, at=rated_at)
                self.counts["ratings"] += 1

    def run(self) -> Counter[str]:
        total = len(self.data["wards"]) + 2
        self._catalogue()
        self._bodies()
        rows = self._generate()
        self.counts["dossiers"] = self._write(rows)
        self._tick(total - 1, total)
        self._native()
        self._ratings()
        self._tick(total, total)
        qs = Dossier.objects.filter(unit__in=[*self.cast.new_wards.values(), *self.cast.legacy_wards.values()])
        self.counts["late_now"] = qs.filter(status__in=OPEN_STATUSES, due_on__lt=self.today).count()
        self.counts["apologies"] = qs.filter(apology_on__isnull=False).count()
        self.counts["online"] = qs.filter(channel=Channel.ONLINE).count()
        self.counts["postal_returns"] = qs.filter(return_method=ReturnMethod.POST).count()
        finished = qs.exclude(timeliness="")
        self.counts["early_or_on_time"] = finished.filter(
            Q(timeliness=Timeliness.EARLY) | Q(timeliness=Timeliness.ON_TIME)).count()
        self.counts["finished"] = finished.count()
        audit.record(
            actor=None,
            action=AuditAction.LOAD,
            object_type="demo.dossiers",
            object_repr="Nạp thành phố mẫu Chí Linh: danh mục thủ tục hành chính, hồ sơ một cửa",
            after=dict(self.counts),
        )
        return self.counts


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    """The procedures and one-stop dossiers of the demo city (None: already there)."""
    if dossiers_loaded(cast):
        return None
    return dict(DossierLoader(cast, rng, today, progress).run())
