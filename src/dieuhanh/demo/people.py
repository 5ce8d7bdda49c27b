"""Villages, organisations, positions, people and their dated assignments of the demo city.

The data is in `data/city.yaml`; the legacy wards' leaders are generated with fictional names
(seeded, so every run makes the same people). Everything is found again by a natural key
before it is created, so a second run adds nothing:

- a village by (code, valid_from); an organisation by (unit, name); a position by
  (organisation, title); a person by (full name, birth year); an assignment by (person,
  position, start date); a user by username; a grant by (user, role, unit).

Only a representative set of villages is created (3–5 per legacy ward, not the 155 of the
2021 village-head elections), and their heads only for phường Sao Đỏ and Phả Lại.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.db.models import Q

from dieuhanh.core import audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.demo.names import NameMaker
from dieuhanh.org.choices import AssignmentKind, OrganisationKind, SuccessionKind, UnitKind, UnitLevel
from dieuhanh.org.models import (
    AdminUnit,
    Assignment,
    Organisation,
    Person,
    Position,
    RoleGrant,
    UnitSuccession,
    User,
)

REFORM = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
VILLAGE_HEADS_ELECTED = dt.date(2021, 12, 25)  # one election day for the whole city (article 001)
CELL_SECRETARY_FROM = dt.date(2022, 1, 10)
VILLAGE_DOCUMENT = "Nghị quyết của HĐND thành phố Hải Phòng về sắp xếp thôn, khu dân cư năm 2025"

# Positions of ward organisations (created when someone is assigned to them).
WARD_ORGS: dict[str, tuple[str, str, str]] = {
    # key: (name prefix, short name, kind)
    "du": ("Đảng uỷ", "ĐU", OrganisationKind.PARTY_COMMITTEE),
    "ubnd": ("Uỷ ban nhân dân", "UBND", OrganisationKind.PEOPLES_COMMITTEE),
    "ubkt": ("Uỷ ban Kiểm tra Đảng uỷ", "UBKT", OrganisationKind.INSPECTION_COMMISSION),
    "ttphc": ("Trung tâm Phục vụ hành chính công", "TTPVHCC", OrganisationKind.PUBLIC_SERVICE),
}
WARD_POSITIONS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    # org key → position key → (title, is_head, is_leadership)
    "du": {
        "bi_thu": ("Bí thư", True, True),
        "pbt_tt": ("Phó Bí thư Thường trực", False, True),
        "pbt": ("Phó Bí thư", False, True),
        "cv": ("Chuyên viên Văn phòng Đảng uỷ", False, False),
    },
    "ubnd": {
        "chu_tich": ("Chủ tịch", True, True),
        "pct": ("Phó Chủ tịch", False, True),
        "vptk": ("Công chức Văn phòng – Thống kê", False, False),
        "motcua": ("Công chức Bộ phận Một cửa", False, False),
        "tcd": ("Công chức tiếp công dân", False, False),
    },
    "ubkt": {"chu_nhiem": ("Chủ nhiệm", True, True), "ktv": ("Kiểm tra viên", False, False)},
    "ttphc": {"giam_doc": ("Giám đốc", True, True), "cv": ("Công chức tiếp nhận và trả kết quả", False, False)},
}
VILLAGE_POSITIONS = {
    "cell": ("Chi bộ", OrganisationKind.PARTY_CELL, "Bí thư chi bộ"),
    "board": ("Ban công tác", OrganisationKind.VILLAGE_BOARD, "Trưởng"),
}


@cache
def city_data() -> dict[str, Any]:
    text = resources.files("dieuhanh.demo").joinpath("data", "city.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def lower_first(name: str) -> str:
    """"Phường Sao Đỏ" → "phường Sao Đỏ", as it reads inside a sentence or an organisation name."""
    return name[:1].lower() + name[1:]


@dataclass
class Holding:
    person: Person
    position: str
    start: dt.date
    end: dt.date | None


@dataclass
class Created:
    """What this run created (a second run creates nothing)."""

    villages: int = 0
    successions: int = 0
    organisations: int = 0
    positions: int = 0
    people: int = 0
    assignments: int = 0
    users: int = 0
    grants: int = 0

    def total(self) -> int:
        return sum(vars(self).values())


@dataclass
class Cast:
    """The demo city's units, organisations and people, by key, for the work loader."""

    city: AdminUnit
    legacy_wards: dict[str, AdminUnit]  # by code
    new_wards: dict[str, AdminUnit]  # by code
    successor: dict[str, str]  # legacy ward code → the new ward that carries its work on
    villages_new: dict[str, list[AdminUnit]]  # new ward code → its continuing villages
    orgs: dict[str, Organisation] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    village_heads: dict[int, Person] = field(default_factory=dict)  # village unit id → head
    users: dict[str, User] = field(default_factory=dict)
    created: Created = field(default_factory=Created)

    def holder(self, position: str, day: dt.date) -> Person | None:
        for h in self.holdings:
            if h.position == position and h.start <= day and (h.end is None or day <= h.end):
                return h.person
        return None

    def head_position(self, org_key: str) -> str:
        for key in self.positions:
            org, _, _ = key.rpartition(".")
            if org == org_key and self.positions[key].is_head:
                return key
        raise KeyError(org_key)


class CastBuilder:
    def __init__(self, rng: random.Random, progress: Any = None) -> None:
        self.rng = rng
        self.data = city_data()
        self.progress = progress
        self.names = NameMaker(rng, {p["name"] for p in self.data["people"]})

    # --- units ---------------------------------------------------------------------------

    def _units(self) -> Cast:
        data = self.data
        city = AdminUnit.objects.filter(
            code=data["city_code"], level=UnitLevel.DISTRICT, valid_to__isnull=False
        ).first()
        if city is None:
            raise LookupError(
                "Chưa có đơn vị hành chính TP Chí Linh (mã 290): cần nạp đơn vị hành chính trước 1/7/2025 "
                "của tỉnh Hải Dương (load_legacy_units([\"30\"]))."
            )
        legacy = {u.code: u for u in AdminUnit.objects.filter(parent=city, level=UnitLevel.COMMUNE)}
        successions = UnitSuccession.objects.filter(predecessor__in=legacy.values()).select_related(
            "predecessor", "successor"
        )
        new_wards: dict[str, AdminUnit] = {}
        by_legacy: dict[str, list[str]] = {}
        for s in successions:
            by_legacy.setdefault(s.predecessor.code, []).append(s.successor.code)
            if s.successor.code in data["new_wards"]:
                new_wards[s.successor.code] = s.successor
        missing = set(data["new_wards"]) - set(new_wards)
        if missing:
            raise LookupError(f"Chưa có các phường kế thừa TP Chí Linh: {', '.join(sorted(missing))}.")
        # A legacy ward's work is carried on by the successor with its code, or its only one.
        successor: dict[str, str] = {}
        for code, targets in by_legacy.items():
            if code in targets:
                successor[code] = code
            elif len(targets) == 1 and targets[0] in new_wards:
                successor[code] = targets[0]
        return Cast(city=city, legacy_wards=legacy, new_wards=new_wards, successor=successor, villages_new={})

    def _village(self, code: str, name: str, kind: str, parent: AdminUnit, valid_from: dt.date | None) -> AdminUnit:
        found = AdminUnit.objects.filter(code=code).filter(
            Q(valid_from=valid_from) if valid_from else Q(valid_from__isnull=True)
        ).first()
        if found is not None:
            return found
        self.cast.created.villages += 1
        return AdminUnit.objects.create(
            code=code,
            name=name,
            level=UnitLevel.VILLAGE,
            kind=kind,
            parent=parent,
            valid_from=valid_from,
            valid_to=LAST_OLD_DAY if valid_from is None else None,
            latitude=parent.latitude,
            longitude=parent.longitude,
        )

    def _villages(self) -> dict[str, AdminUnit]:
        cast = self.cast
        old: dict[str, AdminUnit] = {}
        for ward_code, names in self.data["villages"].items():
            ward = cast.legacy_wards[ward_code]
            kind = UnitKind.VILLAGE if ward.kind == UnitKind.COMMUNE else UnitKind.RESIDENTIAL_AREA
            prefix = "Thôn" if kind == UnitKind.VILLAGE else "Khu dân cư"
            for i, name in enumerate(names, start=1):
                code = f"{ward_code}-{i:02d}"
                old[code] = self._village(code, f"{prefix} {name}", kind, ward, None)
        for ward_code, items in self.data["continuing"].items():
            ward = cast.new_wards[ward_code]
            cast.villages_new[ward_code] = []
            for i, item in enumerate(items, start=1):
                sources = [old[c] for c in item["from"]]
                prefix = "Thôn" if sources[0].kind == UnitKind.VILLAGE else "Khu dân cư"
                village = self._village(f"{ward_code}-{i:02d}", f"{prefix} {item['name']}", sources[0].kind, ward, REFORM)
                cast.villages_new[ward_code].append(village)
                for source in sources:
                    _, made = UnitSuccession.objects.get_or_create(
                        predecessor=source,
                        successor=village,
                        defaults={
                            "date": REFORM,
                            "kind": SuccessionKind(item["kind"]),
                            "share": 1.0,
                            "document": VILLAGE_DOCUMENT,
                        },
                    )
                    cast.created.successions += made
        return old

    # --- organisations and positions ------------------------------------------------------

    def _org(self, key: str, *, name: str, short: str, kind: str, unit: AdminUnit, parent: str | None = None) -> Organisation:
        org = Organisation.objects.filter(unit=unit, name=name).first()
        if org is None:
            org = Organisation.objects.create(
                name=name,
                short_name=short,
                kind=kind,
                unit=unit,
                parent=self.cast.orgs.get(parent) if parent else None,
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
            )
            self.cast.created.organisations += 1
        self.cast.orgs[key] = org
        return org

    def _position(self, key: str, title: str, head: bool, lead: bool) -> Position:
        org_key = key.rpartition(".")[0]
        pos, made = Position.objects.get_or_create(
            organisation=self.cast.orgs[org_key], title=title, defaults={"is_head": head, "is_leadership": head or lead}
        )
        self.cast.created.positions += made
        self.cast.positions[key] = pos
        return pos

    def _city_orgs(self) -> None:
        cast, data = self.cast, self.data
        for spec in data["organisations"]:
            self._org(
                spec["key"], name=spec["name"], short=spec["short"], kind=spec["kind"], unit=cast.city, parent=spec.get("parent")
            )
            positions = spec.get("positions") or data["department_positions"]
            for pkey, p in positions.items():
                self._position(f"{spec['key']}.{pkey}", p["title"], p.get("head", False), p.get("lead", False))

    def _ward_org(self, prefix: str, code: str, org_key: str) -> None:
        unit = self.cast.legacy_wards[code] if prefix == "l" else self.cast.new_wards[code]
        name, short, kind = WARD_ORGS[org_key]
        parent = {"ubkt": f"{prefix}{code}.du", "ttphc": f"{prefix}{code}.ubnd"}.get(org_key)
        if prefix == "l" and org_key == "du":
            parent = "tu"
        self._org(f"{prefix}{code}.{org_key}", name=f"{name} {lower_first(unit.name)}", short=short, kind=kind, unit=unit, parent=parent)
        for pkey, (title, head, lead) in WARD_POSITIONS[org_key].items():
            self._position(f"{prefix}{code}.{org_key}.{pkey}", title, head, lead)

    def _ward_orgs(self) -> None:
        for code in sorted(self.cast.legacy_wards):
            self._ward_org("l", code, "du")
            self._ward_org("l", code, "ubnd")
        for code, spec in self.data["new_wards"].items():
            for org_key in ["du", "ubnd", *spec.get("extra_orgs", [])]:
                self._ward_org("w", code, org_key)

    # --- people ---------------------------------------------------------------------------

    def _person(self, name: str, born: int, home: AdminUnit | None) -> Person:
        person = Person.objects.filter(full_name=name, birth_year=born).first()
        if person is None:
            person = Person.objects.create(full_name=name, birth_year=born, home_unit=home)
            self.cast.created.people += 1
        return person

    def _new_person(self, ward_code: str, born: tuple[int, int] = (1968, 1986)) -> Person:
        name, _ = self.names()
        year = self.rng.randint(*born)
        # Most leaders are local; the city rotates others in (article 001: 14 of 19 wards have a
        # key leader who is not local).
        codes = sorted(self.cast.legacy_wards)
        home_code = ward_code if self.rng.random() < 0.55 else self.rng.choice(codes)
        return self._person(name, year, self.cast.legacy_wards.get(home_code))

    def _hold(
        self,
        person: Person,
        position: str,
        kind: str,
        start: dt.date,
        end: dt.date | None,
        *,
        rotated_from: str | None = None,
        document: str = "",
    ) -> None:
        pos = self.cast.positions[position]
        _, made = Assignment.objects.get_or_create(
            person=person,
            position=pos,
            start_date=start,
            defaults={
                "kind": kind,
                "end_date": end,
                "rotated_from": self.cast.orgs[rotated_from] if rotated_from else None,
                "document": document,
            },
        )
        self.cast.created.assignments += made
        self.cast.holdings.append(Holding(person, position, start, end))

    def _named_people(self) -> None:
        cast = self.cast
        for spec in self.data["people"]:
            person = self._person(spec["name"], spec["born"], cast.legacy_wards.get(spec.get("home", "")))
            cast.people[spec["key"]] = person
            for position, kind, start, end in spec["posts"]:
                self._hold(person, position, AssignmentKind(kind), start, end)

    def _legacy_leaders(self) -> None:
        """Leaders of the 19 legacy wards, with the 2021 rotations and concurrent posts."""
        cast, data = self.cast, self.data
        terms = data["ward_terms"]
        congress, chair_prev, chair_new = terms["congress"], terms["chair_previous_from"], terms["chair_elected"]
        rotation, horizontal = terms["rotation"], terms["horizontal_rotation"]
        day_before = dt.timedelta(days=1)
        horizontal_into = dict(data["horizontal_rotations"])  # ward → the ward its new PBT comes from
        horizontal_from = {b: a for a, b in data["horizontal_rotations"]}
        elected, rotated, concurrent = AssignmentKind.ELECTED, AssignmentKind.ROTATION, AssignmentKind.CONCURRENT
        vice_chairs: dict[str, Person] = {}
        for code in sorted(cast.legacy_wards):
            w = f"l{code}"
            secretary = self._new_person(code)
            self._hold(secretary, f"{w}.du.bi_thu", elected, congress, LAST_OLD_DAY, document="Đại hội Đảng bộ nhiệm kỳ 2020–2025")
            if code not in horizontal_into:
                self._hold(self._new_person(code), f"{w}.du.pbt_tt", elected, congress, LAST_OLD_DAY)
            else:
                self._hold(self._new_person(code), f"{w}.du.pbt_tt", elected, congress, horizontal - day_before)
            self._hold(self._new_person(code, (1962, 1975)), f"{w}.ubnd.chu_tich", elected, chair_prev, chair_new - day_before)
            if code in data["concurrent_chairs"]:
                self._hold(secretary, f"{w}.ubnd.chu_tich", concurrent, chair_new, LAST_OLD_DAY, document="Bí thư Đảng uỷ kiêm Chủ tịch UBND")
            elif code in data["rotated_chairs"]:
                origin = data["rotated_chairs"][code]
                chair = self._new_person(code, (1978, 1988))
                origin_pos = f"{origin}.pho" if f"{origin}.pho" in cast.positions else f"{origin}.cv"
                self._hold(chair, origin_pos, AssignmentKind.APPOINTED, dt.date(2017, 1, 1), chair_new - day_before)
                self._hold(chair, f"{w}.ubnd.chu_tich", rotated, chair_new, LAST_OLD_DAY, rotated_from=origin,
                           document="Quyết định luân chuyển cán bộ năm 2021 của Ban Thường vụ Thành uỷ")
            else:
                self._hold(self._new_person(code), f"{w}.ubnd.chu_tich", elected, chair_new, LAST_OLD_DAY)
            vice = self._new_person(code, (1975, 1990))
            if code in data["rotated_vice_chairs"]:
                self._hold(vice, f"{w}.ubnd.pct", elected, chair_prev, rotation - day_before)
                origin = data["rotated_vice_chairs"][code]
                young = self._new_person(code, (1988, 1994))
                origin_pos = f"{origin}.pho" if f"{origin}.pho" in cast.positions else f"{origin}.cv"
                self._hold(young, origin_pos, AssignmentKind.APPOINTED, dt.date(2018, 1, 1), rotation - day_before)
                self._hold(young, f"{w}.ubnd.pct", rotated, rotation, LAST_OLD_DAY, rotated_from=origin,
                           document="Quyết định luân chuyển cán bộ trẻ về cơ sở năm 2021")
                vice = young
            elif code in horizontal_from:
                self._hold(vice, f"{w}.ubnd.pct", elected, chair_prev, horizontal - day_before)
                successor_vice = self._new_person(code, (1980, 1992))
                self._hold(successor_vice, f"{w}.ubnd.pct", elected, horizontal, LAST_OLD_DAY)
                vice_chairs[f"moving:{code}"] = vice
                vice = successor_vice
            else:
                self._hold(vice, f"{w}.ubnd.pct", elected, chair_prev, LAST_OLD_DAY)
            vice_chairs[code] = vice
        # Horizontal rotation (luân chuyển ngang): the Phó Chủ tịch of one ward becomes the
        # Phó Bí thư Thường trực of another.
        for into, origin in data["horizontal_rotations"]:
            self._hold(vice_chairs[f"moving:{origin}"], f"l{into}.du.pbt_tt", rotated, horizontal, LAST_OLD_DAY,
                       rotated_from=f"l{origin}.ubnd", document="Quyết định luân chuyển ngang giữa các xã, phường năm 2021")

    def _new_ward_leaders(self) -> None:
        cast = self.cast
        appointed, concurrent = AssignmentKind.APPOINTED, AssignmentKind.CONCURRENT
        doc = "Quyết định của Ban Thường vụ Thành uỷ Hải Phòng về nhân sự phường mới (2025)"
        for code, spec in self.data["new_wards"].items():
            w, main = f"w{code}", f"l{code}"
            deputy = cast.holder(f"{main}.du.bi_thu", LAST_OLD_DAY)
            old_chair = cast.holder(f"{main}.ubnd.chu_tich", LAST_OLD_DAY)
            assert deputy is not None and old_chair is not None
            self._hold(deputy, f"{w}.du.pbt", appointed, REFORM, None, document=doc)
            vices = [cast.holder(f"{main}.ubnd.pct", LAST_OLD_DAY), cast.holder(f"l{spec['second']}.ubnd.pct", LAST_OLD_DAY)]
            if spec.get("concurrent_chair"):
                if old_chair is deputy:  # the legacy ward already had Bí thư kiêm Chủ tịch
                    old_chair = None
                self._hold(deputy, f"{w}.ubnd.chu_tich", concurrent, REFORM, None, document="Phó Bí thư kiêm Chủ tịch UBND phường")
                vices.insert(0, old_chair)
            else:
                self._hold(old_chair, f"{w}.ubnd.chu_tich", appointed, REFORM, None, document=doc)
            for vice in vices:
                if vice is not None:
                    self._hold(vice, f"{w}.ubnd.pct", appointed, REFORM, None, document=doc)

    def _village_heads(self, old_villages: dict[str, AdminUnit]) -> None:
        cast = self.cast
        heads: dict[str, Person] = {}
        for code, village in old_villages.items():
            if code.split("-")[0] not in self.data["village_heads"]:
                continue
            ward = code.split("-")[0]
            head = self._new_person(ward, (1958, 1980))
            heads[code] = head
            self._village_orgs(village, f"l{ward}.du", head, VILLAGE_HEADS_ELECTED, LAST_OLD_DAY)
        for ward_code, items in self.data["continuing"].items():
            for village, item in zip(cast.villages_new[ward_code], items, strict=True):
                head = heads.get(item["from"][0]) or self._new_person(ward_code, (1958, 1980))
                self._village_orgs(village, f"w{ward_code}.du", head, REFORM, None)
                cast.village_heads[village.pk] = head

    def _village_orgs(self, village: AdminUnit, party: str, head: Person, start: dt.date, end: dt.date | None) -> None:
        key = f"v{village.code}@{village.valid_from or 'old'}"
        cell_name, cell_kind, cell_title = VILLAGE_POSITIONS["cell"]
        board_name, board_kind, board_title = VILLAGE_POSITIONS["board"]
        name = lower_first(village.name)
        self._org(f"{key}.cell", name=f"{cell_name} {name}", short="CB", kind=cell_kind, unit=village, parent=party)
        self._org(f"{key}.board", name=f"{board_name} {name}", short="BCT", kind=board_kind, unit=village)
        head_title = f"{board_title} {'thôn' if village.kind == UnitKind.VILLAGE else 'khu dân cư'}"
        self._position(f"{key}.cell.bi_thu", cell_title, True, True)
        self._position(f"{key}.board.truong", head_title, True, True)
        if start == VILLAGE_HEADS_ELECTED:
            self._hold(head, f"{key}.board.truong", AssignmentKind.ELECTED, start, end,
                       document="Bầu cử trưởng thôn, trưởng khu dân cư ngày 25/12/2021")
            self._hold(head, f"{key}.cell.bi_thu", AssignmentKind.CONCURRENT, CELL_SECRETARY_FROM, end,
                       document="Bí thư chi bộ đồng thời là trưởng khu dân cư")
        else:
            self._hold(head, f"{key}.board.truong", AssignmentKind.APPOINTED, start, end, document=VILLAGE_DOCUMENT)
            self._hold(head, f"{key}.cell.bi_thu", AssignmentKind.CONCURRENT, start, end)

    # --- the whole cast ----------------------------------------------------------------------

    def build(self) -> Cast:
        steps = [
            ("Thôn, khu dân cư", None),
            ("Cơ quan, tổ chức", self._city_orgs),
            ("Cơ quan của xã, phường", self._ward_orgs),
            ("Cán bộ thành phố", self._named_people),
            ("Cán bộ xã, phường (2020–2025)", self._legacy_leaders),
            ("Cán bộ các phường mới (từ 1/7/2025)", self._new_ward_leaders),
        ]
        self.cast = self._units()
        old_villages: dict[str, AdminUnit] = {}
        for i, (label, step) in enumerate(steps, start=1):
            if step is None:
                old_villages = self._villages()
            else:
                step()
            self._tick(label, i, len(steps) + 1)
        self._village_heads(old_villages)
        self._tick("Trưởng thôn, bí thư chi bộ", len(steps) + 1, len(steps) + 1)
        if self.cast.created.total():
            audit.record(
                actor=None,
                action=AuditAction.LOAD,
                object_type="demo.city",
                object_repr="Nạp thành phố mẫu Chí Linh: thôn, khu dân cư, cơ quan, cán bộ",
                after=vars(self.cast.created),
            )
        return self.cast

    def _tick(self, label: str, done: int, total: int) -> None:
        # One bar for the whole phase: `label` (the step just finished) is for debugging only.
        if self.progress:
            self.progress("Thôn, khu dân cư, cơ quan, cán bộ", done, total)


def ensure_users(cast: Cast, personas: Iterable[Any], password: str) -> None:
    """Create the demo logins and their role grants (never touching an existing login's
    password), and record each new grant in the audit log."""
    for persona in personas:
        user = User.objects.filter(username=persona.username).first()
        if user is None:
            person = cast.people.get(persona.person) if persona.person else None
            if persona.superuser:
                user = User.objects.create_superuser(username=persona.username, email="", password=password)
            else:
                user = User.objects.create_user(username=persona.username, password=password, person=person)
            cast.created.users += 1
        unit = None
        if persona.unit == "city":
            unit = cast.city
        elif persona.unit:
            unit = cast.new_wards[persona.unit]
        grant, made = RoleGrant.objects.get_or_create(user=user, role=persona.role, unit=unit)
        if made:
            cast.created.grants += 1
            audit.record(actor=None, action=AuditAction.GRANT, obj=grant, after=audit.snapshot(grant))
        cast.users[persona.username] = user
