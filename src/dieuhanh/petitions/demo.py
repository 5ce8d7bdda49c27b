"""Citizen reception and petitions of the demo city, written only through the petition
services (`do_create_session`, `do_receive_petition`, `do_accept`, `do_verify`, `do_extend`,
`do_suspend`, `do_conclude`, `do_send_decision`, `do_transfer`, `do_guide`, `do_archive`,
`do_terminate`, `do_second_complaint`, `do_task_from_petition`), so every row has its history
step, its deadlines from the legal rule table and its audit event.

What it makes (texts from `data/demo.yaml`, people fictional, seeded):

- the 2021 register of Chí Linh as the articles give it (MISSION.md): 317 petitions received
  by the 19 wards and communes of the time and by the city, every one routed (accepted,
  transferred, guided or filed), 91% of those accepted resolved, most on time, none repeated,
  sent over the competent level or running past its deadline;
- reception days: the city chairman's and secretary's every month until 30/6/2025, the
  weekly reception of the chairmen of phường Sao Đỏ and Phả Lại and then of their successors
  Chu Văn An and Chí Linh, the successor wards' secretaries every month, ad-hoc receptions of
  delegations, and direct dialogues (one of whose matters became a "5 rõ" task);
- 2022 to today: petitions in every state of the workflow. Those still open are placed
  relative to today, so whenever the demo is loaded some are on track, some due within three
  working days and some overdue; a few repeat an earlier petition in other words, without
  diacritics or with the name misspelt, two were sent over the competent level, three are
  second-time complaints, and denunciations are handled by `tiepdan`, the ward officers or
  the inspector (so the leader `bithu` sees their senders redacted).

`PetitionLoader.run()` is called by `load_demo()` once: it is skipped when the 2021 register is
already there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.db.models import Count

from dieuhanh.core import calendar, legal_rules
from dieuhanh.core.choices import DayKind
from dieuhanh.demo.names import NameMaker
from dieuhanh.demo.people import LAST_OLD_DAY, REFORM, Cast, lower_first
from dieuhanh.lib.text import fold
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, Organisation, Person, User
from dieuhanh.petitions import detection, receiving, services
from dieuhanh.petitions.choices import Channel, Complexity, Field, Ineligibility, Kind, Result, SessionKind
from dieuhanh.petitions.models import Petition, ReceptionSession

DAY = dt.timedelta(days=1)
REGISTER_YEAR = 2021
PERSONA_WARDS = ("10549", "10546")  # phường Sao Đỏ → Chu Văn An, Phả Lại → Chí Linh
MARGIN = 0.04  # generated texts stay this far below the repeated-petition threshold

# The 2021 register: (kind, outcome, count). 200 accepted, of which 182 resolved (91%) and 18
# ended without a conclusion (the petitioner withdrew); 58 transferred, 36 guided, 23 filed.
REGISTER_2021: tuple[tuple[str, str, int], ...] = (
    (Kind.COMPLAINT, "resolved", 42), (Kind.COMPLAINT, "terminated", 13), (Kind.COMPLAINT, "transferred", 10),
    (Kind.COMPLAINT, "guided", 9), (Kind.COMPLAINT, "filed", 4),
    (Kind.DENUNCIATION, "resolved", 12), (Kind.DENUNCIATION, "terminated", 5),
    (Kind.DENUNCIATION, "transferred", 6), (Kind.DENUNCIATION, "guided", 1), (Kind.DENUNCIATION, "filed", 7),
    (Kind.RECOMMENDATION, "resolved", 72), (Kind.RECOMMENDATION, "transferred", 24),
    (Kind.RECOMMENDATION, "guided", 18), (Kind.RECOMMENDATION, "filed", 6),
    (Kind.FEEDBACK, "resolved", 56), (Kind.FEEDBACK, "transferred", 15), (Kind.FEEDBACK, "guided", 8),
    (Kind.FEEDBACK, "filed", 6),
    (Kind.MIXED, "transferred", 3),
)
LATE_2021 = 9  # resolved after the deadline (the rest on time)
# Where the 2021 matters arose: legacy ward code → petitions; "city" = the city's own competence.
UNITS_2021 = {
    "10549": 30, "10546": 24, "10570": 20, "10573": 16, "10579": 16, "10588": 14, "10567": 14, "10576": 14,
    "10552": 12, "10582": 12, "10585": 12, "10594": 12, "10600": 12, "10603": 12, "10561": 12, "10564": 12,
    "10558": 10, "10555": 10, "10591": 10, "city": 43,
}
FIELD_WEIGHTS: dict[str, dict[str, int]] = {
    Kind.COMPLAINT: {Field.LAND: 60, Field.POLICY: 18, Field.CONSTRUCTION: 9, Field.ADMINISTRATION: 7,
                     Field.ENVIRONMENT: 6},
    Kind.DENUNCIATION: {Field.LAND: 34, Field.CORRUPTION: 22, Field.CONSTRUCTION: 14, Field.PARTY: 12,
                        Field.ADMINISTRATION: 10, Field.ENVIRONMENT: 8},
    Kind.RECOMMENDATION: {Field.LAND: 34, Field.POLICY: 28, Field.JUSTICE: 15, Field.INFRASTRUCTURE: 10,
                          Field.ENVIRONMENT: 6, Field.CONSTRUCTION: 5, Field.OTHER: 2},
    Kind.FEEDBACK: {Field.ENVIRONMENT: 32, Field.LAND: 22, Field.CONSTRUCTION: 22, Field.INFRASTRUCTURE: 12,
                    Field.ADMINISTRATION: 7, Field.OTHER: 5},
    Kind.MIXED: {Field.LAND: 1},
}
# Closed petitions of 2022–2025 (before the reform) and of the successor wards: outcome weights.
CLOSED_MIX = (("resolved", 55), ("late", 6), ("terminated", 5), ("transferred", 16), ("guided", 10), ("filed", 8))
KIND_MIX = ((Kind.RECOMMENDATION, 38), (Kind.FEEDBACK, 28), (Kind.COMPLAINT, 24), (Kind.DENUNCIATION, 10))
CLOSED_BEFORE_REFORM = 66
CLOSED_AFTER_REFORM = 36
# Open petitions of the successor wards: (outcome, timing, kind, how many).
OPEN_NOW: tuple[tuple[str, str, str, int], ...] = (
    ("received", "on_track", Kind.RECOMMENDATION, 2), ("received", "on_track", Kind.COMPLAINT, 1),
    ("received", "due_soon", Kind.FEEDBACK, 1), ("received", "overdue", Kind.RECOMMENDATION, 1),
    ("accepted", "on_track", Kind.RECOMMENDATION, 2), ("accepted", "on_track", Kind.COMPLAINT, 1),
    ("accepted", "on_track", Kind.DENUNCIATION, 1),
    ("verifying", "on_track", Kind.COMPLAINT, 2), ("verifying", "on_track", Kind.DENUNCIATION, 2),
    ("verifying", "due_soon", Kind.COMPLAINT, 1), ("verifying", "due_soon", Kind.FEEDBACK, 1),
    ("verifying", "overdue", Kind.COMPLAINT, 2), ("verifying", "overdue", Kind.RECOMMENDATION, 1),
    ("verifying", "overdue", Kind.DENUNCIATION, 1),
    ("suspended", "", Kind.DENUNCIATION, 3),
    ("extended1", "", Kind.DENUNCIATION, 2), ("extended2", "", Kind.DENUNCIATION, 2),
    ("concluded", "due_soon", Kind.COMPLAINT, 2), ("concluded", "overdue", Kind.COMPLAINT, 1),
)
RESULT_WEIGHTS = {
    Kind.COMPLAINT: ((Result.WRONG, 50), (Result.PARTLY_RIGHT, 25), (Result.RIGHT, 25)),
    Kind.DENUNCIATION: ((Result.FALSE, 40), (Result.PARTLY_TRUE, 35), (Result.TRUE, 25)),
    Kind.RECOMMENDATION: ((Result.ANSWERED, 1),),
    Kind.FEEDBACK: ((Result.ANSWERED, 1),),
}
# The commune official a matter of each field is about.
OFFICIAL_ROLES: dict[str, str] = {
    Field.LAND: "địa chính – xây dựng", Field.CONSTRUCTION: "địa chính – xây dựng",
    Field.ENVIRONMENT: "địa chính – nông nghiệp – môi trường", Field.JUSTICE: "tư pháp – hộ tịch",
    Field.ADMINISTRATION: "tư pháp – hộ tịch", Field.POLICY: "văn hoá – xã hội",
    Field.CORRUPTION: "tài chính – kế toán", Field.PARTY: "văn phòng – thống kê",
}


@cache
def petitions_data() -> dict[str, Any]:
    text = resources.files("dieuhanh.petitions").joinpath("data", "demo.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def register_loaded(cast: Cast) -> bool:
    """Whether the 2021 register of the city is already in the database."""
    return Petition.objects.filter(receiving_unit=cast.city, year=REGISTER_YEAR).exists()


def strip_marks(text: str) -> str:
    """"Nguyễn Văn Hùng" → "Nguyen Van Hung", as a petition typed without diacritics reads."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)(\w)")


def capitalise(text: str) -> str:
    """Capital letter at the start of each sentence (slots like "{official}" begin a sentence)."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text.strip())


@dataclass
class SessionPlan:
    unit: AdminUnit
    day: dt.date
    kind: str
    host: Person | None
    host_title: str
    place: str
    attendees: str = ""
    citizens: int = 0
    matters: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    fixed: bool = False  # a dialogue: its matters and answers are written out
    obj: ReceptionSession | None = None


@dataclass
class Plan:
    """One petition to record, and what happens to it."""

    unit: AdminUnit  # where the matter arises
    receiving: AdminUnit
    received_on: dt.date
    kind: str
    field: str
    channel: str
    outcome: str  # received, accepted, verifying, suspended, extended1/2, concluded, resolved, late,
    # terminated, transferred, guided, filed
    timing: str = ""
    subject: str = ""
    content: str = ""
    respondent: str = ""
    name: str = ""
    address: str = ""
    # dataclasses.field: in this class `field` names the petition's field of law.
    co_signers: list[str] = dataclasses.field(default_factory=list)
    anonymous: bool = False
    signers: int = 1
    party: bool = False
    handling_org: Organisation | None = None
    transferred_from: str = ""
    ineligibility: str = ""
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    session: SessionPlan | None = None
    fixed_text: dict[str, Any] | None = None
    repeat_of: Plan | None = None
    variant: str = ""  # how a repeat differs: plain, reworded
    previous: Plan | None = None  # the first-time complaint of a second-time one
    route_to: str = ""  # transfer target or guide note chosen for this petition
    project: str = ""  # the project a land matter is about (else one at random)
    late_filing: bool = False  # a second-time complaint filed after the time limit
    task: dict[str, Any] | None = None
    dates: dict[str, dt.date] = dataclasses.field(default_factory=dict)
    result: str = ""  # the conclusion decided in advance (else drawn by weight)
    tag: str = ""
    petition: Petition | None = None


class PetitionLoader:
    def __init__(self, cast: Cast, rng: random.Random, today: dt.date, progress: Callable[..., Any] | None = None):
        self.cast = cast
        self.rng = rng
        self.today = today
        self.progress = progress
        self.data = petitions_data()
        self.cal = calendar.current()
        users = cast.users
        self.receiver: User = users["tiepdan"]
        self.leader: User = users["bithu"]
        self.inspector: User = users["kiemtra"]
        self.officers: dict[str, User] = {"10549": users["phuong_saodo"], "10546": users["phuong_phalai"]}
        self.names = NameMaker(rng, set(Person.objects.values_list("full_name", flat=True)))
        self.plans: list[Plan] = []
        self.sessions: dict[tuple[int, dt.date, str], SessionPlan] = {}
        self.schedule: dict[int, list[dt.date]] = {}
        self.registry: list[tuple[int, dt.date, detection.Candidate]] = []
        self.numbers: Counter[tuple[int, int]] = Counter()
        self.counts: Counter[str] = Counter()
        self.preds = {code: sorted(c for c, s in cast.successor.items() if s == code) for code in cast.new_wards}
        self.villages = self._village_names()
        self.family_cache: dict[int, set[int]] = {}

    # --- small helpers --------------------------------------------------------------------------

    def _r(self, a: int, b: int) -> int:
        return self.rng.randint(a, b) if b >= a else a

    @staticmethod
    def _group_size(day: dt.date) -> int:
        """The fewest signers of a "many people" petition received on `day` (rule
        `petition.group_signers`)."""
        return legal_rules.value("petition.group_signers", day, unit=DayKind.PERSONS)[0]

    def _is_group(self, plan: Plan) -> bool:
        return plan.signers >= self._group_size(plan.received_on)

    def _weighted(self, pairs: Any) -> Any:
        items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        return self.rng.choices([k for k, _ in items], [w for _, w in items])[0]

    def _working(self, day: dt.date, *, forward: bool = False) -> dt.date:
        while not self.cal.is_working_day(day):
            day += DAY if forward else -DAY
        return day

    def _add_wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add(day, n, working=True)

    def _back_wd(self, n: int) -> dt.date:
        """The working day `n` working days before today (0: today, or the last working day)."""
        day = self._working(self.today)
        while n > 0:
            day = self._working(day - DAY)
            n -= 1
        return day

    def _pick_day(self, first: dt.date, last: dt.date) -> dt.date:
        day = first + dt.timedelta(days=self._r(0, max(0, (last - first).days)))
        day = self._working(day)
        return day if day >= first else self._working(first, forward=True)

    def _tick(self, label: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(label, done, total)

    def _village_names(self) -> dict[int, list[str]]:
        """Villages (thôn, khu dân cư) by commune unit id; the successor wards without villages
        of their own in the demo use those of the wards they continue."""
        out: dict[int, list[str]] = {}
        codes = {u.pk: code for code, u in self.cast.legacy_wards.items()}
        for name, parent in AdminUnit.objects.filter(parent_id__in=codes, level=UnitLevel.VILLAGE).values_list(
            "name", "parent_id"
        ):
            out.setdefault(parent, []).append(name)
        for code, ward in self.cast.new_wards.items():
            own = [v.name for v in self.cast.villages_new.get(code, [])]
            inherited = [n for c in self.preds.get(code, []) for n in out.get(self.cast.legacy_wards[c].pk, [])]
            out[ward.pk] = sorted(set(own or inherited)) or ["Khu dân cư số 1"]
        for names in out.values():
            names.sort()
        return out

    @staticmethod
    def _is_new(day: dt.date) -> bool:
        return day >= REFORM

    def _code(self, unit: AdminUnit) -> str | None:
        return None if unit.pk == self.cast.city.pk else unit.code

    def _ward_of(self, unit: AdminUnit) -> AdminUnit:
        """The commune a city-level matter is located in (a ward chosen for the place)."""
        if unit.pk != self.cast.city.pk:
            return unit
        return self.cast.legacy_wards[self.rng.choice(sorted(self.cast.legacy_wards))]

    def _person_name(self) -> tuple[str, bool]:
        return self.names()

    def _honorific(self) -> str:
        name, female = self.names()
        return f"{'bà' if female else 'ông'} {name}"

    def _family(self, unit_id: int) -> set[int]:
        """The units whose earlier petitions the repeated-petition check compares with."""
        if unit_id not in self.family_cache:
            graph = scope.unit_graph()
            self.family_cache[unit_id] = {unit_id} | scope.heirs(unit_id) | set(graph.predecessors.get(unit_id, []))
        return self.family_cache[unit_id]

    # --- plans ----------------------------------------------------------------------------------

    def _plan(self, unit: AdminUnit, received_on: dt.date, kind: str, outcome: str, *, receiving: AdminUnit | None = None,
              field: str | None = None, channel: str | None = None, timing: str = "", tag: str = "") -> Plan:
        level = "city" if unit.pk == self.cast.city.pk else "ward"
        field = field or self._field_for(kind, level)
        plan = Plan(unit=unit, receiving=receiving or unit, received_on=received_on, kind=kind, field=field,
                    channel="", outcome=outcome, timing=timing, tag=tag)
        if outcome == "filed":
            plan.ineligibility = self._ineligibility(kind)
            plan.anonymous = plan.ineligibility == Ineligibility.NO_NAME
        if kind in (Kind.RECOMMENDATION, Kind.FEEDBACK) and not plan.anonymous and self.rng.random() < 0.15:
            plan.signers = self._r(self._group_size(received_on), 40)  # many households (đơn đông người)
        plan.channel = channel or self._channel(plan)
        if plan.channel == Channel.TRANSFERRED:
            key = "new_ward" if self._is_new(received_on) else ("old_city" if level == "city" else "old_ward")
            plan.transferred_from = self.rng.choice(self.data["transferred_from"][key])
        self.plans.append(plan)
        return plan

    def _field_for(self, kind: str, level: str) -> str:
        weights = {f: w for f, w in FIELD_WEIGHTS[kind].items() if self._templates(kind, f, level)}
        return self._weighted(weights)

    def _templates(self, kind: str, field: str, level: str) -> list[dict[str, Any]]:
        found = self.data["matters"].get(kind, {}).get(field, [])
        return [t for t in found if t.get("at", "any") in ("any", level)]

    def _ineligibility(self, kind: str) -> str:
        if kind == Kind.DENUNCIATION:
            return Ineligibility.NO_NAME
        if kind == Kind.FEEDBACK:
            return self.rng.choice([Ineligibility.NO_NAME, Ineligibility.NO_NAME, Ineligibility.OTHER])
        if kind == Kind.COMPLAINT:
            return self.rng.choice([Ineligibility.TIME_LIMIT, Ineligibility.TIME_LIMIT, Ineligibility.NO_INTEREST])
        return self.rng.choice([Ineligibility.NO_SIGNATURE, Ineligibility.OTHER])

    def _channel(self, plan: Plan) -> str:
        if plan.anonymous:
            return Channel.POST
        weights = {Channel.DESK: 40, Channel.POST: 25, Channel.SESSION: 14, Channel.TRANSFERRED: 12}
        year = plan.received_on.year
        weights[Channel.ONLINE] = 3 if year <= REGISTER_YEAR else (15 if self._is_new(plan.received_on) else 8)
        if plan.outcome == "transferred":
            weights.pop(Channel.TRANSFERRED)  # a petition transferred in is not transferred again
        if plan.outcome not in ("resolved", "late", "terminated", "transferred", "guided", "filed"):
            weights.pop(Channel.SESSION)  # open petitions keep the date their deadlines were placed on
        return self._weighted(weights)

    def _register_2021(self) -> None:
        outcomes = [(kind, outcome) for kind, outcome, n in REGISTER_2021 for _ in range(n)]
        units = [code for code, n in UNITS_2021.items() for _ in range(n)]
        assert len(outcomes) == len(units) == 317
        self.rng.shuffle(outcomes)
        self.rng.shuffle(units)
        # City-level matters are the city's own: complaints about its decisions, denunciations,
        # policy; a mixed petition is a ward's.
        city_idx = [i for i, u in enumerate(units) if u == "city"]
        for i in city_idx:
            if outcomes[i][0] == Kind.MIXED:
                j = next(j for j, u in enumerate(units) if u != "city" and outcomes[j][0] != Kind.MIXED)
                units[i], units[j] = units[j], units[i]
        late = set(self.rng.sample([i for i, (k, o) in enumerate(outcomes) if o == "resolved" and k != Kind.FEEDBACK],
                                   LATE_2021))
        first, last = dt.date(2021, 1, 4), dt.date(2021, 12, 24)
        for i, ((kind, outcome), code) in enumerate(zip(outcomes, units, strict=True)):
            unit = self.cast.city if code == "city" else self.cast.legacy_wards[code]
            self._plan(unit, self._pick_day(first, last), kind, "late" if i in late else outcome, tag="2021")
        self._dialogue_petitions_2021()

    def _dialogue_petitions_2021(self) -> None:
        """Three matters raised at the 2021 dialogue on land clearance are recorded as petitions
        of the city (they are among the 317)."""
        spec = self.data["dialogues"][0]
        session = self._dialogue_session(spec)
        candidates = [p for p in self.plans if p.tag == "2021" and p.unit.pk == self.cast.city.pk
                      and p.kind in (Kind.RECOMMENDATION, Kind.COMPLAINT) and p.outcome == "resolved"]
        for plan in candidates[:3]:
            plan.field, plan.channel, plan.transferred_from = Field.LAND, Channel.SESSION, ""
            plan.received_on, plan.session = session.day, session
            plan.project = self.data["projects"][0]  # the dialogue's project

    def _closed(self, n: int, first: dt.date, last: dt.date, wards: list[str], tag: str) -> None:
        new = self._is_new(first)
        for _ in range(n):
            outcome = self._weighted(CLOSED_MIX)
            kind = self._weighted(KIND_MIX)
            if outcome == "terminated" and kind not in (Kind.COMPLAINT, Kind.DENUNCIATION):
                kind = Kind.COMPLAINT
            if outcome == "late" and kind == Kind.FEEDBACK:
                kind = Kind.RECOMMENDATION
            code = self.rng.choice(wards)
            if code == "city":
                unit = self.cast.city
            else:
                unit = self.cast.new_wards[code] if new else self.cast.legacy_wards[code]
            self._plan(unit, self._pick_day(first, last), kind, outcome, tag=tag)

    def _recent(self) -> None:
        """2022 to today: closed petitions before and after the reform, open ones now, and the
        special cases (repeats, over-level, second-time complaints, prolonged)."""
        old_wards = [*sorted(self.cast.legacy_wards), *["10549", "10546", "city"] * 3]
        self._closed(CLOSED_BEFORE_REFORM, dt.date(2022, 1, 4), dt.date(2025, 4, 30), old_wards, "old")
        new_wards = [*sorted(self.cast.new_wards), *PERSONA_WARDS * 3]
        self._closed(CLOSED_AFTER_REFORM, REFORM + 3 * DAY, self.today - 85 * DAY, new_wards, "new")
        self._open_now()
        self._second_complaints()
        self._over_level()
        self._prolonged_before_reform()
        self._repeats()
        self._recent_dialogues()
        for spec in self.data["dialogues"][1:]:
            session = self._dialogue_session(spec)
            plan = self._plan(self.cast.city, session.day, Kind.RECOMMENDATION, "resolved", field=Field.LAND,
                              channel=Channel.SESSION, tag="dialogue")
            plan.session = session

    def _open_now(self) -> None:
        wards = [*PERSONA_WARDS * 3, *sorted(self.cast.new_wards)]
        i = 0
        for outcome, timing, kind, n in OPEN_NOW:
            for _ in range(n):
                code = wards[i % len(wards)]
                i += 1
                plan = self._plan(self.cast.new_wards[code], self.today, kind, outcome, timing=timing, tag="open")
                self._place_open(plan)

    def _place_open(self, plan: Plan) -> None:
        """Dates of an open petition, counted back from today so that its next deadline is on
        track, due within three working days, or past."""
        d, t, r = plan.dates, self.today, self._r
        o, timing = plan.outcome, plan.timing
        if o == "received":
            back = {"on_track": r(0, 3), "due_soon": 8 if plan.kind != Kind.DENUNCIATION else 5, "overdue": 15}[timing]
            plan.received_on = self._back_wd(back)
            return
        if o == "concluded":
            d["conclude"] = self._back_wd(r(0, 1) if timing == "due_soon" else 6)
            d["accept"] = self._working(d["conclude"] - r(16, 26) * DAY)
        elif o == "accepted":
            d["accept"] = self._back_wd(r(1, 4))
        elif o == "verifying":
            if timing == "on_track":
                d["accept"] = self._working(t - r(8, 16) * DAY)
            elif timing == "due_soon":  # resolution due (30 days from acceptance) in 1–3 days
                d["accept"] = self._working(t - 29 * DAY, forward=True)
            else:
                d["accept"] = self._working(t - r(42, 75) * DAY)
        elif o == "suspended":
            d["accept"] = self._working(t - r(32, 55) * DAY)
            d["suspend"] = self._working(d["accept"] + r(12, 22) * DAY)
        elif o == "extended1":
            d["accept"] = self._working(t - r(36, 50) * DAY)
            d["extend"] = self._working(d["accept"] + r(22, 27) * DAY)
        elif o == "extended2":
            d["accept"] = self._working(t - r(68, 80) * DAY)
            d["extend"] = self._working(d["accept"] + r(22, 26) * DAY)
            d["extend2"] = self._working(d["accept"] + r(52, 57) * DAY)
        acc = d["accept"]
        plan.received_on = self._working(acc - r(2, 6) * DAY)
        if o in ("verifying", "suspended", "extended1", "extended2", "concluded"):
            d["verify"] = min(self._working(acc + r(1, 5) * DAY, forward=True), d.get("suspend", t), d.get("extend", t),
                              d.get("conclude", t))
            d["verify"] = max(d["verify"], acc)

    def _second_complaints(self) -> None:
        """First-time decisions of three wards complained against a second time to the city
        (2022–2024); the last one too late (filed: time limit)."""
        for code, first, late in (("10573", dt.date(2022, 9, 12), False), ("10570", dt.date(2023, 11, 6), False),
                                  ("10585", dt.date(2024, 5, 13), True)):
            original = self._plan(self.cast.legacy_wards[code], first, Kind.COMPLAINT, "resolved", field=Field.LAND,
                                  channel=Channel.DESK, tag="first_time")
            original.result = Result.WRONG if code != "10570" else Result.PARTLY_RIGHT
            second = Plan(unit=original.unit, receiving=self.cast.city, received_on=first, kind=Kind.COMPLAINT,
                          field=Field.LAND, channel=Channel.DESK, outcome="filed" if late else "resolved",
                          previous=original, tag="second_time")
            second.late_filing = late
            if late:
                second.ineligibility = Ineligibility.TIME_LIMIT
            self.plans.append(second)

    def _over_level(self) -> None:
        """Two first-time matters of a ward sent straight to the city (vượt cấp)."""
        guided = self._plan(self.cast.legacy_wards["10552"], dt.date(2023, 5, 22), Kind.COMPLAINT, "guided",
                            receiving=self.cast.city, field=Field.LAND, channel=Channel.DESK, tag="over_level")
        guided.route_to = ("Đơn khiếu nại lần đầu thuộc thẩm quyền của Chủ tịch UBND phường Bến Tắm: đã hướng dẫn "
                           "công dân gửi đơn đến Chủ tịch UBND phường Bến Tắm để được giải quyết theo quy định.")
        moved = self._plan(self.cast.legacy_wards["10588"], dt.date(2024, 10, 14), Kind.RECOMMENDATION, "transferred",
                           receiving=self.cast.city, field=Field.INFRASTRUCTURE, channel=Channel.POST, tag="over_level")
        moved.route_to = "UBND phường Thái Học"

    def _prolonged_before_reform(self) -> None:
        """Two cases accepted before the reform and never concluded: handed to the successor
        wards, they run past their deadlines (kéo dài)."""
        a = self._plan(self.cast.legacy_wards["10546"], dt.date(2025, 3, 10), Kind.COMPLAINT, "verifying",
                       field=Field.LAND, channel=Channel.DESK, tag="prolonged")
        a.dates.update(accept=dt.date(2025, 3, 14), verify=dt.date(2025, 3, 20))
        b = self._plan(self.cast.city, dt.date(2024, 12, 9), Kind.DENUNCIATION, "verifying", field=Field.CORRUPTION,
                       channel=Channel.POST, tag="prolonged")
        b.dates.update(accept=dt.date(2024, 12, 16), verify=dt.date(2024, 12, 23))

    def _repeats(self) -> None:
        """The same matter sent again: in other words, without diacritics, with the name
        misspelt — the repeated-petition check flags them."""
        t = self.today
        cva, cl, sao_do = self.cast.new_wards["10549"], self.cast.new_wards["10546"], self.cast.legacy_wards["10549"]
        # 1. Phường Chu Văn An: a right of way fenced off — answered, sent again twice.
        g1 = self._plan(cva, self._working(t - 150 * DAY), Kind.FEEDBACK, "resolved", field=Field.LAND,
                        channel=Channel.DESK, tag="original")
        g1.fixed_text = self._template(Kind.FEEDBACK, Field.LAND, "Phản ánh việc tự ý rào chắn")
        r1 = self._plan(cva, self._working(t - 70 * DAY), Kind.FEEDBACK, "filed", field=Field.LAND,
                        channel=Channel.POST, tag="repeat")
        r1.ineligibility, r1.anonymous, r1.repeat_of, r1.variant = Ineligibility.ALREADY_GUIDED, False, g1, "plain"
        r2 = self._plan(cva, self._back_wd(self._r(1, 2)), Kind.FEEDBACK, "received", field=Field.LAND,
                        channel=Channel.DESK, timing="on_track", tag="repeat")
        r2.repeat_of, r2.variant = g1, "reworded"
        # 2. Phường Chí Linh: a workshop's smoke — answered, sent again online.
        g2 = self._plan(cl, self._working(t - 130 * DAY), Kind.FEEDBACK, "resolved", field=Field.ENVIRONMENT,
                        channel=Channel.DESK, tag="original")
        g2.fixed_text = self._template(Kind.FEEDBACK, Field.ENVIRONMENT, "Phản ánh cơ sở sản xuất gây ô nhiễm")
        r3 = self._plan(cl, self._back_wd(self._r(5, 8)), Kind.FEEDBACK, "accepted", field=Field.ENVIRONMENT,
                        channel=Channel.ONLINE, timing="on_track", tag="repeat")
        r3.repeat_of, r3.variant = g2, "reworded"
        r3.dates["accept"] = self._back_wd(self._r(1, 3))
        # 3. Across the reform: a complaint of phường Sao Đỏ sent again to phường Chu Văn An.
        g3 = self._plan(sao_do, dt.date(2025, 4, 15), Kind.COMPLAINT, "resolved", field=Field.LAND,
                        channel=Channel.POST, tag="original")
        g3.fixed_text = self._template(Kind.COMPLAINT, Field.LAND, "Khiếu nại việc {ward_body} xác nhận sai")
        r4 = self._plan(cva, dt.date(2025, 9, 10), Kind.COMPLAINT, "guided", field=Field.LAND, channel=Channel.POST,
                        tag="repeat")
        r4.repeat_of, r4.variant = g3, "plain"
        r4.route_to = ("Khiếu nại đã được giải quyết lần đầu: đã hướng dẫn công dân khiếu nại lần hai hoặc khởi kiện "
                       "vụ án hành chính tại Toà án theo quy định.")

    def _template(self, kind: str, field: str, prefix: str) -> dict[str, Any]:
        return next(t for t in self.data["matters"][kind][field] if t["s"].startswith(prefix))

    def _recent_dialogues(self) -> None:
        for spec in self.data["recent_dialogues"]:
            ward = self.cast.new_wards[spec["ward"]]
            day = self._working(self.today - spec["days_ago"] * DAY)
            session = self._session(ward, day, SessionKind.DIALOGUE, host=self.cast.holder(spec["host"], day),
                                    host_title=spec["host_title"], place=spec["place"])
            session.attendees, session.citizens, session.fixed = spec["attendees"], spec["citizens"], True
            session.matters, session.answers = [spec["matters"]], [spec["answers"]]
            for k, item in enumerate(spec["petitions"]):
                outcome = "verifying" if k == 0 else ("accepted" if k == 1 else "resolved")
                plan = self._plan(ward, day, item["kind"], outcome, field=item["field"], channel=Channel.SESSION,
                                  tag="dialogue")
                plan.session, plan.fixed_text, plan.signers, plan.task = session, item, item.get("signers", 1), item.get("task")
                plan.dates["accept"] = self._add_wd(day, 2)
                if outcome == "verifying":
                    plan.dates["verify"] = self._add_wd(day, 4)
                plan.timing = "on_track"

    # --- reception sessions -----------------------------------------------------------------

    def _session(self, unit: AdminUnit, day: dt.date, kind: str, *, host: Person | None, host_title: str,
                 place: str) -> SessionPlan:
        key = (unit.pk, day, kind)
        if key not in self.sessions:
            self.sessions[key] = SessionPlan(unit=unit, day=day, kind=kind, host=host, host_title=host_title, place=place)
        return self.sessions[key]

    def _dialogue_session(self, spec: dict[str, Any]) -> SessionPlan:
        day = spec["held"]
        session = self._session(self.cast.city, day, SessionKind.DIALOGUE, host=self.cast.holder(spec["host"], day),
                                host_title=spec["host_title"], place=spec["place"])
        session.attendees, session.citizens, session.fixed = spec["attendees"], spec["citizens"], True
        session.matters, session.answers = [spec["matters"]], [spec["answers"]]
        return session

    def _months(self, first: dt.date, last: dt.date, day_of_month: int) -> list[dt.date]:
        out: list[dt.date] = []
        y, m = first.year, first.month
        while True:
            day = self._working(dt.date(y, m, day_of_month), forward=True)
            if day > last:
                return out
            if day >= first:
                out.append(day)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def _weeks(self, first: dt.date, last: dt.date, weekday: int) -> list[dt.date]:
        day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
        out = []
        while day <= last:
            if self.cal.is_working_day(day):
                out.append(day)
            day += 7 * DAY
        return out

    def _regular_sessions(self) -> None:
        """The leaders' reception days: Law 42/2013 (the commune chairman weekly; the district
        chairman and the party secretaries monthly)."""
        city, start = self.cast.city, dt.date(2021, 1, 1)
        old_end = min(LAST_OLD_DAY, self.today)
        desk = "Trụ sở Tiếp công dân thành phố Chí Linh"
        for day in self._months(start, old_end, 15):
            self._session(city, day, SessionKind.REGULAR, host=self.cast.holder("ubnd.chu_tich", day),
                          host_title="Chủ tịch UBND thành phố Chí Linh", place=desk)
        for day in self._months(start, old_end, 25):
            self._session(city, day, SessionKind.REGULAR, host=self.cast.holder("tu.bi_thu", day),
                          host_title="Bí thư Thành uỷ Chí Linh", place=desk)
        for code in PERSONA_WARDS:
            old, new = self.cast.legacy_wards[code], self.cast.new_wards[code]
            for day in self._weeks(start, old_end, 3):
                self._session(old, day, SessionKind.REGULAR, host=self.cast.holder(f"l{code}.ubnd.chu_tich", day),
                              host_title=f"Chủ tịch UBND {lower_first(old.name)}", place=f"Trụ sở UBND {lower_first(old.name)}")
            for day in self._weeks(REFORM, self.today, 3):
                self._session(new, day, SessionKind.REGULAR, host=self.cast.holder(f"w{code}.ubnd.chu_tich", day),
                              host_title=f"Chủ tịch UBND {lower_first(new.name)}", place=f"Trụ sở UBND {lower_first(new.name)}")
        for code, ward in sorted(self.cast.new_wards.items()):
            for day in self._months(REFORM, self.today, 20):
                self._session(ward, day, SessionKind.REGULAR, host=self.cast.holder(f"w{code}.du.bi_thu", day),
                              host_title=f"Bí thư Đảng uỷ {lower_first(ward.name)}",
                              place=f"Trụ sở Đảng uỷ – UBND {lower_first(ward.name)}")
        for (unit_id, day, kind), _ in self.sessions.items():
            if kind == SessionKind.REGULAR:
                self.schedule.setdefault(unit_id, []).append(day)
        for days in self.schedule.values():
            days.sort()

    def _attach_sessions(self) -> None:
        """Petitions recorded at a reception: on that unit's reception day (the last one before
        the planned date), or at a reception held that day (ad hoc for a delegation)."""
        for plan in self.plans:
            if plan.channel != Channel.SESSION or plan.session is not None:
                continue
            unit = plan.receiving
            days = [d for d in self.schedule.get(unit.pk, []) if plan.received_on - 35 * DAY <= d <= plan.received_on]
            if days and not self._is_group(plan):
                plan.received_on = days[-1]
                plan.session = self.sessions[(unit.pk, days[-1], SessionKind.REGULAR)]
                continue
            code = self._code(unit)
            ad_hoc = self._is_group(plan)
            if code is None:
                host, title = self.cast.holder("ubnd.chu_tich", plan.received_on), "Chủ tịch UBND thành phố Chí Linh"
            else:
                prefix = "w" if self._is_new(plan.received_on) else "l"
                role = "ubnd.pct" if ad_hoc and self.rng.random() < 0.5 else "ubnd.chu_tich"
                host = self.cast.holder(f"{prefix}{code}.{role}", plan.received_on)
                title = f"{'Phó Chủ tịch' if role == 'ubnd.pct' else 'Chủ tịch'} UBND {lower_first(unit.name)}"
            place = "Trụ sở Tiếp công dân thành phố Chí Linh" if code is None else f"Trụ sở UBND {lower_first(unit.name)}"
            plan.session = self._session(unit, plan.received_on, SessionKind.AD_HOC if ad_hoc else SessionKind.REGULAR,
                                         host=host, host_title=title, place=place)

    def _create_sessions(self) -> None:
        matters, answers = self.data["session_matters"], self.data["session_answers"]
        raised: dict[tuple[int, dt.date, str], list[Plan]] = {}
        for plan in self.plans:
            if plan.session is not None:
                raised.setdefault((plan.session.unit.pk, plan.session.day, plan.session.kind), []).append(plan)
        items = sorted(self.sessions.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        for i, (key, s) in enumerate(items, start=1):
            recorded = raised.get(key, [])
            if not s.fixed:
                others = self.rng.choices([0, 0, 1, 1, 2, 3, 4], k=1)[0]
                s.matters = [p.subject for p in recorded] + self.rng.sample(matters, others)
                s.citizens = sum(3 if self._is_group(p) else p.signers for p in recorded) + others
                if s.kind == SessionKind.AD_HOC:
                    s.attendees = "Đoàn đông người; công chức chuyên môn có liên quan"
                s.answers = self.rng.sample(answers, min(len(s.matters), 2)) if s.matters else []
                if recorded:
                    s.answers.append("Tiếp nhận đơn của công dân để xử lý theo quy định.")
            if s.fixed:
                text = s.matters[0]
            elif s.matters:
                text = "; ".join(s.matters) + "."
            else:
                text = self.data["no_citizens"]
            s.obj = receiving.do_create_session(
                actor=self.receiver, kind=s.kind, unit=s.unit, held_on=s.day, place=s.place, host=s.host,
                host_title=s.host_title, attendees=s.attendees, citizens_count=s.citizens, matters=text,
                answers=" ".join(s.answers),
            )
            self.counts["sessions"] += 1
            if s.kind == SessionKind.DIALOGUE:
                self.counts["dialogues"] += 1
            if i % 100 == 0 or i == len(items):
                self._tick("Buổi tiếp công dân, đối thoại", i, len(items))

    # --- texts ------------------------------------------------------------------------------

    def _context(self, plan: Plan) -> dict[str, Any]:
        new = self._is_new(plan.received_on)
        ward = self._ward_of(plan.unit)
        ward_name = lower_first(ward.name)
        villages = self.villages.get(ward.pk) or ["Khu dân cư số 1"]
        village = self.rng.choice(villages)
        city_name = "thành phố Chí Linh"
        plan.place = f"{village}, {ward_name}"
        if ward.latitude is not None and ward.longitude is not None:
            plan.lat = round(ward.latitude + self.rng.uniform(-0.008, 0.008), 6)
            plan.lon = round(ward.longitude + self.rng.uniform(-0.008, 0.008), 6)
        return {
            "village": lower_first(village),
            "Village": village,
            "ward": ward_name,
            "ward_body": f"UBND {ward_name}",
            "chair": f"Chủ tịch UBND {ward_name}",
            "city_body": f"UBND {ward_name}" if new else f"UBND {city_name}",
            "address_tail": f"{ward_name}, thành phố Hải Phòng" if new else f"{ward_name}, {city_name}, tỉnh Hải Dương",
        }

    def _slots(self, plan: Plan, ctx: dict[str, Any]) -> dict[str, Any]:
        r, day, data = self._r, plan.received_on, self.data
        decided = day - r(15, 80) * DAY
        project = plan.project or self.rng.choice(data["projects"])
        return {
            **ctx,
            "project": project,
            "area": r(25, 480),
            "parcel": r(12, 980),
            "sheet": r(3, 42),
            "decision": f"Quyết định số {r(120, 4800)}/QĐ-UBND ngày {decided:%d/%m/%Y}",
            "date": f"{day - r(7, 60) * DAY:%d/%m/%Y}",
            "year": r(1990, day.year - 2),
            "amount": f"{r(3, 95)} triệu đồng",
            "months": r(2, 11),
            "households": r(5, 40),
            "house_no": r(2, 260),
            "person": self._honorific(),
            "person2": self._honorific(),
            "official": f"{self._honorific()}, công chức {OFFICIAL_ROLES.get(plan.field, 'văn phòng – thống kê')} {ctx['ward']}",
            "company": self.rng.choice(data["companies"]),
            "road": self.rng.choice(data["roads"]),
            "school": self.rng.choice(data["schools"]),
            "relative": self.rng.choice(data["relatives"]),
        }

    def _compose(self, plan: Plan, ctx: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
        level = "city" if plan.unit.pk == self.cast.city.pk else "ward"
        template = plan.fixed_text or self.rng.choice(self._templates(plan.kind, plan.field, level))
        slots = self._slots(plan, ctx)
        subject = capitalise(template["s"].format_map(slots))
        parts = [template["c"].format_map(slots)]
        if not plan.fixed_text or plan.tag == "original":
            details = self.data["details"].get(plan.field) or self.data["details"]["other"]
            if self.rng.random() < 0.75:
                parts.append(self.rng.choice(details).format_map(slots))
            parts.append(self.rng.choice(self.data["requests"][plan.kind]))
        content = capitalise(" ".join(parts))
        respondent = template.get("r", "").format_map(slots) if plan.kind in (Kind.COMPLAINT, Kind.DENUNCIATION,
                                                                               Kind.MIXED) else ""
        return subject, content, capitalise(respondent) if respondent else "", template

    def _petitioner(self, plan: Plan, ctx: dict[str, Any]) -> None:
        if plan.anonymous:
            return
        plan.name, _ = self._person_name()
        plan.address = f"{ctx['Village']}, {ctx['address_tail']}"
        if self._is_group(plan):
            plan.co_signers = [self._person_name()[0] for _ in range(min(plan.signers - 1, self._r(3, 6)))]

    def _candidates(self, plan: Plan) -> list[detection.Candidate]:
        family = self._family(plan.unit.pk)
        since = plan.received_on - dt.timedelta(days=detection.WINDOW_DAYS)
        return [c for unit_id, day, c in self.registry if unit_id in family and since <= day]

    def _write(self, plan: Plan) -> None:
        """Subject, content and petitioner of a plan, distinct from every earlier petition the
        repeated-petition check would compare it with (unless it is meant to repeat one)."""
        if plan.previous is not None:
            self._write_second(plan)
        elif plan.repeat_of is not None:
            self._write_repeat(plan)
        else:
            ctx = self._context(plan)
            self._petitioner(plan, ctx)
            name = "" if plan.anonymous else fold(plan.name)
            candidates = self._candidates(plan)
            model = self._model(candidates)
            level = "city" if plan.unit.pk == self.cast.city.pk else "ward"
            for attempt in range(60):
                if attempt and attempt % 4 == 0 and not plan.anonymous:
                    self._petitioner(plan, ctx)  # a name close to an earlier petitioner's weighs too
                    name = fold(plan.name)
                if attempt >= 24 and not plan.fixed_text and attempt % 6 == 0:
                    plan.field = self._field_for(plan.kind, level)  # every wording of this field is taken
                subject, content, respondent, template = self._compose(plan, ctx)
                text = detection.matter_text(subject, content, respondent)
                _, best = detection.best_match(text, name, candidates, **model)
                if best < detection.THRESHOLD - MARGIN:
                    break
                self.counts["rewritten"] += 1
            else:
                raise RuntimeError(f"Không tạo được nội dung đơn khác biệt cho {plan.unit.name} ({plan.received_on})")
            plan.subject, plan.content, plan.respondent = subject, content, respondent
            plan.party = bool(template.get("party"))
            if template.get("group") and plan.signers == 1 and plan.channel != Channel.SESSION and not plan.anonymous:
                plan.signers = self._r(max(6, self._group_size(plan.received_on)), 45)
                plan.co_signers = [self._person_name()[0] for _ in range(self._r(3, 6))]
            if plan.party:
                org = "tu" if plan.unit.pk == self.cast.city.pk else (
                    f"{'w' if self._is_new(plan.received_on) else 'l'}{plan.unit.code}.du")
                plan.handling_org = self.cast.orgs[org]
        self.registry.append((plan.unit.pk, plan.received_on, detection.Candidate(
            0, detection.matter_text(plan.subject, plan.content, plan.respondent),
            "" if plan.anonymous else fold(plan.name))))

    @staticmethod
    def _model(candidates: list[detection.Candidate]) -> dict[str, Any]:
        """The wording model of the repeated-petition check, fitted once for all the attempts at
        one petition's text (when the check has one)."""
        model = getattr(detection, "TextModel", None)
        return {"model": model.fit([c.text for c in candidates])} if model is not None else {}

    def _write_repeat(self, plan: Plan) -> None:
        original = plan.repeat_of
        assert original is not None
        ctx = self._context(plan)
        plan.place, plan.lat, plan.lon = original.place, original.lat, original.lon
        plan.address, plan.signers, plan.co_signers = original.address, original.signers, original.co_signers
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", original.content) if s]
        if plan.variant == "plain":
            # Typed without diacritics, with a line saying it was sent before.
            plan.name = strip_marks(original.name)
            plan.subject = strip_marks(original.subject)
            plan.content = strip_marks(original.content + " Toi da gui don nhung den nay van chua duoc giai quyet dut diem.")
            plan.address = strip_marks(original.address)
        else:
            # Other words, sentences in another order, the name misspelt.
            plan.name = self._misspell(original.name)
            plan.subject = f"Tiếp tục {lower_first(original.subject)}"
            body = " ".join(reversed(sentences)) if len(sentences) > 1 else original.content
            plan.content = capitalise(f"Tôi đã có đơn gửi {ctx['ward_body']} nhưng sự việc vẫn tiếp diễn. {body}")
        plan.respondent = original.respondent
        text = detection.matter_text(plan.subject, plan.content, plan.respondent)
        s = detection.score(text, fold(plan.name), detection.matter_text(
            original.subject, original.content, original.respondent), fold(original.name))
        if s < detection.THRESHOLD:
            raise RuntimeError(f"Đơn lặp lại không đủ giống đơn gốc ({s:.2f})")

    def _misspell(self, name: str) -> str:
        """"Nguyễn Văn Hùng" → "Nguyễn Văn Hừng" or "Nguyển Văn Hùng": one mark changed."""
        swaps = {"ễ": "ể", "ù": "ừ", "ạ": "ậ", "ả": "ã", "ơ": "ợ", "ư": "ứ", "à": "á", "ồ": "ộ", "ũ": "ủ", "ị": "ỉ",
                 "ê": "ế", "ô": "ố", "a": "ă", "o": "ô", "u": "ư", "i": "y"}
        parts = name.split()
        for idx in (len(parts) - 1, 0):
            word = parts[idx]
            for k, ch in enumerate(word):
                if ch in swaps:
                    parts[idx] = word[:k] + swaps[ch] + word[k + 1:]
                    return " ".join(parts)
        return name + "h"

    def _write_second(self, plan: Plan) -> None:
        first = plan.previous
        assert first is not None
        plan.place, plan.name, plan.address = first.place, first.name, first.address
        plan.subject = first.subject
        plan.content = (
            f"Tôi không đồng ý với quyết định giải quyết khiếu nại lần đầu của Chủ tịch UBND {lower_first(first.unit.name)} "
            "vì quyết định chưa xem xét giấy tờ gia đình tôi đã cung cấp, chưa đối thoại trước khi ban hành. "
            "Đề nghị Chủ tịch UBND thành phố giải quyết khiếu nại lần hai, huỷ quyết định giải quyết lần đầu."
        )

    # --- running the workflow ---------------------------------------------------------------

    def _handler(self, plan: Plan) -> User:
        if plan.party:
            return self.inspector
        code = self._code(plan.receiving)
        if code in self.officers:
            if plan.kind == Kind.DENUNCIATION and self.rng.random() < 0.4:
                return self.receiver
            return self.officers[code]
        return self.receiver

    def _number(self, plan: Plan, day: dt.date) -> str:
        key = (plan.receiving.pk, day.year)
        if key not in self.numbers:
            self.numbers[key] = self._r(8, 40)
        self.numbers[key] += self._r(1, 5)
        n = self.numbers[key]
        if plan.party and plan.handling_org is not None:
            return f"{n}-KL/{plan.handling_org.short_name}"
        by_kind: dict[str, str] = {Kind.COMPLAINT: f"{n}/QĐ-UBND", Kind.DENUNCIATION: f"{n}/KL-UBND"}
        return by_kind.get(plan.kind, f"{n}/UBND-TCD")

    def _transfer_target(self, plan: Plan) -> str:
        if plan.route_to:
            return plan.route_to
        new = self._is_new(plan.received_on)
        ward = lower_first(self._ward_of(plan.receiving).name) if plan.receiving.pk != self.cast.city.pk else ""
        names = {
            "city": "khu vực Chí Linh" if new else "thành phố Chí Linh",
            "local": ward if new else "thành phố Chí Linh",
            "province": "thành phố Hải Phòng" if new else "tỉnh Hải Dương",
            "party": f"Đảng uỷ {ward}" if new else "Thành uỷ Chí Linh",
        }
        targets = self.data["transfer"]
        options = targets["mixed"] if plan.kind == Kind.MIXED else (targets.get(plan.field) or targets["other"])
        return self.rng.choice(options).format_map(names)

    def _receive(self, plan: Plan) -> Petition:
        identity = {} if plan.anonymous else {"name": plan.name, "address": plan.address, "co_signers": plan.co_signers}
        if plan.previous is not None:
            first = plan.previous.petition
            assert first is not None
            first.refresh_from_db()
            return receiving.do_second_complaint(
                actor=self.receiver, previous=first, content=plan.content, receiving_unit=plan.receiving,
                received_on=plan.received_on, channel=plan.channel, handling_org=self.cast.orgs["ubnd"],
            )
        dated = None
        if not plan.anonymous:
            dated = plan.received_on - self._r(2, 6) * DAY if plan.channel == Channel.POST else plan.received_on
        return receiving.do_receive_petition(
            actor=self.receiver, kind=plan.kind, content=plan.content, unit=plan.unit, received_on=plan.received_on,
            receiving_unit=plan.receiving, channel=plan.channel, field=plan.field, subject=plan.subject,
            respondent=plan.respondent, identity=identity, is_anonymous=plan.anonymous, signer_count=plan.signers,
            dated_on=dated, session=plan.session.obj if plan.session else None, transferred_from=plan.transferred_from,
            against_party_member=plan.party, place=plan.place, lat=plan.lat, lon=plan.lon,
            handling_org=plan.handling_org,
        )

    def _route_day(self, plan: Plan) -> dt.date:
        quick = 4 if plan.kind == Kind.DENUNCIATION else 7  # within 5 / 10 working days
        return min(self._add_wd(plan.received_on, self._r(1, quick)), self.today)

    def _run(self, plan: Plan) -> None:
        p = self._receive(plan)
        plan.petition = p
        self.counts["petitions"] += 1
        o, actor = plan.outcome, self.receiver
        if o == "received":
            return
        route = plan.dates.get("accept") or self._route_day(plan)
        if plan.late_filing:
            p = services.do_archive(actor=actor, petition=p, reason=Ineligibility.TIME_LIMIT, on=route,
                                    note=self.rng.choice(self.data["filed"]["time_limit"]))
            return
        if o == "transferred":
            services.do_transfer(actor=actor, petition=p, to=self._transfer_target(plan), on=route,
                                 note="Chuyển đơn đến cơ quan có thẩm quyền giải quyết; thông báo cho người gửi đơn.")
            return
        if o == "guided":
            services.do_guide(actor=actor, petition=p, note=plan.route_to or self.rng.choice(self.data["guide"]), on=route)
            return
        if o == "filed":
            services.do_archive(actor=actor, petition=p, reason=plan.ineligibility, on=route,
                                note=self.rng.choice(self.data["filed"][plan.ineligibility]))
            return
        handler = self._handler(plan)
        p = services.do_accept(actor=actor, petition=p, on=route, handlers=[handler])
        if plan.kind == Kind.DENUNCIATION and o != "accepted":
            # The denouncer and the accused told the same day (Art 29); the one accepted in the
            # last few days still has its notice to send, within its five working days.
            p = services.do_notify(actor=handler, petition=p, on=route)
        if o == "accepted":
            return
        self._handle(plan, p, handler)

    def _handle(self, plan: Plan, p: Petition, handler: User) -> None:
        o, d, r = plan.outcome, plan.dates, self._r
        acc = p.accepted_on
        assert acc is not None
        verify = d.get("verify")
        # Verification is recorded for denunciations and some complaints (the others were
        # decided on the documents).
        verified = plan.kind == Kind.DENUNCIATION or (plan.kind == Kind.COMPLAINT and self.rng.random() < 0.4)
        if verify is None and (verified or o == "verifying"):
            verify = min(self._working(acc + r(1, 6) * DAY, forward=True), self.today)
        if verify is not None:
            p = services.do_verify(actor=handler, petition=p, on=verify,
                                   note="Giao công chức chuyên môn xác minh, làm việc với các bên liên quan.")
        if o == "verifying":
            return
        if o in ("extended1", "extended2"):
            extensions: list[tuple[str, Complexity | None]] = [
                ("extend", Complexity.COMPLEX if o == "extended1" else Complexity.VERY_COMPLEX)
            ]
            if o == "extended2":
                extensions.append(("extend2", None))
            for key, complexity in extensions:
                p = services.do_extend(
                    actor=handler, petition=p, on=d[key], complexity=complexity,
                    legal_basis=self.data["extend_basis"]["denunciation"],
                    reason=self.data["extend"]["complex" if o == "extended1" else "very_complex"],
                    document_number=self._number(plan, d[key]).replace("KL", "QĐ"),
                )
            return
        if o == "suspended":
            services.do_suspend(actor=handler, petition=p, on=d["suspend"], legal_basis=self.data["suspend_basis"],
                                reason=self.rng.choice(self.data["suspend"]))
            return
        start = verify or acc
        if o == "terminated":
            end = min(self._working(start + r(5, 20) * DAY, forward=True), self.today)
            services.do_terminate(actor=handler, petition=p, on=end,
                                  legal_basis=self.data["terminate_basis"][plan.kind],
                                  reason=self.rng.choice(self.data["terminate"][plan.kind]))
            return
        due = p.resolve_due_on
        assert due is not None
        if "conclude" in d:
            concluded = d["conclude"]
        elif o == "late":
            concluded = self._working(due + r(3, 14) * DAY, forward=True)
        else:
            earliest = start + (2 * DAY if plan.tag == "dialogue" else 8 * DAY)
            latest = min(due - DAY, self.today - 2 * DAY)
            concluded = max(self._pick_day(min(earliest, latest), latest), start)
        concluded = min(concluded, self.today)
        result = plan.result or self._weighted(RESULT_WEIGHTS[Kind(plan.kind)])
        number = self._number(plan, concluded)
        p = services.do_conclude(actor=handler, petition=p, on=concluded, result=result, decision_number=number,
                                 conclusion=self.rng.choice(self.data["conclusions"][str(result)]))
        if o == "concluded":
            return
        sent = min(self._add_wd(concluded, r(1, 3) if plan.kind == Kind.COMPLAINT else r(1, 5)), self.today)
        services.do_send_decision(actor=handler, petition=p, on=sent,
                                  note=f"Gửi {number} cho người gửi đơn và các cơ quan, cá nhân có liên quan.")

    def _second_dates(self) -> None:
        """A second-time complaint is received after the first-time decision was sent: 12 days
        after (within the 30-day limit), or 55 days after for the late one."""
        for plan in self.plans:
            if plan.previous is None:
                continue
            first = plan.previous.petition
            assert first is not None
            first.refresh_from_db()
            base = first.decision_sent_on or first.concluded_on or first.received_on
            plan.received_on = self._working(base + (55 if plan.late_filing else 12) * DAY, forward=True)

    def _make_task(self, plan: Plan) -> None:
        from dieuhanh.directives.models import Document

        spec = plan.task
        assert spec is not None and plan.petition is not None
        code = plan.unit.code
        org = self.cast.orgs.get(f"w{code}.du")
        document = (Document.objects.filter(issuer=org, issued_on__lte=self.today).order_by("-issued_on", "-id").first()
                    if org else None)
        if document is None:
            return  # the ward's documents are not loaded: no task to hang it on
        lead = self.cast.holder(f"w{code}.ubnd.chu_tich", self.today)
        accountable = self.cast.holder(f"w{code}.du.bi_thu", self.today)
        if lead is None or accountable is None:
            return
        services.do_task_from_petition(
            actor=self.leader, petition=plan.petition, source_document=document, lead_unit=plan.unit, lead_person=lead,
            due_date=self.today + spec["due_days"] * DAY, expected_result=spec["result"],
            accountable_person=accountable, title=spec["title"],
        )
        self.counts["tasks"] += 1

    # --- everything -------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        self._register_2021()
        self._recent()
        self._regular_sessions()
        self._attach_sessions()
        # Texts in the order the petitions arrive; a second-time complaint's date depends on the
        # first-time decision, so those go last and are placed when it is known.
        ordered = sorted((p for p in self.plans if p.previous is None), key=lambda p: p.received_on)
        for plan in ordered:
            self._write(plan)
        self._create_sessions()
        total = len(self.plans)
        for i, plan in enumerate(ordered, start=1):
            self._run(plan)
            if plan.task:
                self._make_task(plan)
            if i % 25 == 0:
                self._tick("Đơn thư, khiếu nại, tố cáo", i, total)
        self._second_dates()
        for plan in self.plans:
            if plan.previous is not None:
                self._write(plan)
                self._run(plan)
        self._tick("Đơn thư, khiếu nại, tố cáo", total, total)
        detection.sweep(self.today)
        made = [plan.petition.pk for plan in self.plans if plan.petition is not None]
        for state, n in Petition.objects.filter(pk__in=made).values_list("state").annotate(n=Count("id")).order_by():
            self.counts[f"state:{state}"] = n
        return self.counts


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    """The reception sessions and petitions of the demo city (None: already there)."""
    if register_loaded(cast):
        return None
    return dict(PetitionLoader(cast, rng, today, progress).run())
