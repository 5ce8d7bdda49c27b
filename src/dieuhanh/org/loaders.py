"""Load the administrative-unit registry from the `vietnamadminunits` package.

The package ships the 34 provinces and 3,321 commune-level units in force since 1/7/2025
(Law 72/2025/QH15; codes from Decision 19/2025/QĐ-TTg: province 2 digits, commune 5 digits),
the 63 provinces, 696 districts and 10,035 wards/communes of before, and a converter table
saying which old ward went into which new one. We read those files where the installed
package keeps them, so upgrading the package is how the registry is updated.

Both loads are idempotent: a unit is found again by its natural key (code, valid_from), so a
second run creates nothing. A run updates what the package describes (name, short name,
kind, centroid, area) but never the validity dates or the parent of an existing unit, which
may have been corrected locally after a later reform the package does not know. Each load is
one transaction with one audit event (action "load"), written only if something changed.

Villages and residential areas are not in the package. Codes loaded here are digits only
(2, 3 or 5), so village codes of the form "<ward code>-<nn>" cannot collide with them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from dieuhanh.lib.text import fold
from dieuhanh.org.choices import SuccessionKind, UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit, UnitSuccession, User

# Sent after a load that changed the units, with `actor`, `description` and `counts`.
units_loaded = Signal()

# Law 72/2025/QH15: two-tier local government from 1/7/2025; the old units' last day is 30/6.
REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_LAST_DAY = REFORM_DATE - dt.timedelta(days=1)
# The resolutions are one per province; the package does not say which, so we cite the kind
# of document rather than invent a number.
COMMUNE_DOCUMENT = "Nghị quyết của UBTVQH về sắp xếp ĐVHC cấp xã năm 2025"
PROVINCE_DOCUMENT = "Nghị quyết của Quốc hội về sắp xếp ĐVHC cấp tỉnh năm 2025"
_LOADER_DOCUMENTS = (COMMUNE_DOCUMENT, PROVINCE_DOCUMENT)

PACKAGE = "vietnamadminunits"
_BATCH = 500
_IN_CHUNK = 900  # stays under SQLite's bound-parameter limit in `__in` lookups

Progress = Callable[[str, int, int], None]
"""Called as progress(step description, done, total) while a load runs."""

_UPDATABLE = ("name", "short_name", "kind", "latitude", "longitude", "area_km2", "search_text")

_PROVINCE_KINDS = {"Thành phố": UnitKind.CENTRAL_CITY, "Tỉnh": UnitKind.PROVINCE}
_DISTRICT_KINDS = {
    "Thành phố": UnitKind.PROVINCIAL_CITY,
    "Thị xã": UnitKind.TOWN,
    "Quận": UnitKind.URBAN_DISTRICT,
    "Huyện": UnitKind.RURAL_DISTRICT,
}
_WARD_KINDS = {
    "Phường": UnitKind.WARD,
    "Xã": UnitKind.COMMUNE,
    "Thị trấn": UnitKind.TOWNSHIP,
    "Đặc khu": UnitKind.SPECIAL_ZONE,
}

Key = tuple[str, dt.date | None]  # (code, valid_from): the natural key of AdminUnit


class UnitLoadError(Exception):
    """The package data or the request cannot be loaded (message in Vietnamese)."""


@dataclass
class LoadResult:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_removed: int = 0
    by_level: dict[str, int] = field(default_factory=dict)  # units read from the package
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            + self.units_updated
            + self.successions_created
            + self.successions_updated
            + self.successions_removed
        )

    def counts(self) -> dict[str, Any]:
        return {
            "units_created": self.units_created,
            "units_updated": self.units_updated,
            "units_unchanged": self.units_unchanged,
            "successions_created": self.successions_created,
            "successions_updated": self.successions_updated,
            "successions_removed": self.successions_removed,
            "by_level": dict(self.by_level),
        }


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    parent: Key | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    latitude: float | None
    longitude: float | None
    area_km2: float | None = None

    @property
    def key(self) -> Key:
        return (self.code, self.valid_from)


@dataclass(frozen=True)
class _Succession:
    predecessor: Key
    successor: Key
    kind: str
    share: float
    document: str


# --- reading the package -------------------------------------------------------------------


def _data_file(name: str) -> Any:
    return resources.files(PACKAGE).joinpath("data").joinpath(name)


# The columns we use; the tables also hold bounds, geocoder addresses and search keywords.
_COLUMNS = {
    "admin_units": (
        "province provinceShort provinceCode provinceKey provinceLat provinceLon "
        "ward wardShort wardType wardCode wardKey wardLat wardLon wardAreaKm2"
    ),
    "admin_units_legacy": (
        "province provinceShort provinceCode provinceKey provinceLat provinceLon "
        "district districtShort districtType districtCode districtKey districtLat districtLon "
        "ward wardShort wardType wardCode wardKey wardLat wardLon"
    ),
}


def _read_table(table: str) -> list[dict[str, Any]]:
    columns = ", ".join(f"[{name}]" for name in _COLUMNS[table].split())
    with resources.as_file(_data_file("dataset.db")) as path:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            sql = f"SELECT {columns} FROM [{table}]"  # noqa: S608 - names from _COLUMNS, not input
            return [dict(row) for row in conn.execute(sql)]
        finally:
            conn.close()


def _read_converter() -> dict[str, Any]:
    return json.loads(_data_file("converter_2025.json").read_text(encoding="utf-8"))


def _kind(kinds: dict[str, UnitKind], type_or_name: str | None, what: str) -> str:
    for prefix, kind in kinds.items():
        if type_or_name and (type_or_name == prefix or type_or_name.startswith(prefix + " ")):
            return kind
    raise UnitLoadError(f"Không nhận ra loại {what}: {type_or_name!r} (dữ liệu gói {PACKAGE} đã thay đổi?)")


def _legacy_key(row: dict[str, Any]) -> str:
    # The converter names a legacy unit "<province>_<district>_<ward>" by the package's keys;
    # the island districts that had no wards (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
    # have an empty ward part and became special zones themselves.
    return f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"


# --- writing -------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_units(keys: Iterable[Key]) -> dict[Key, AdminUnit]:
    """Existing units by natural key. Legacy units have valid_from NULL, which the database's
    unique constraint does not cover, so this lookup is what keeps loads idempotent."""
    wanted = set(keys)
    found: dict[Key, AdminUnit] = {}
    codes = sorted({code for code, _ in wanted})
    for chunk in _chunks(codes, _IN_CHUNK):
        for unit in AdminUnit.objects.filter(code__in=chunk).order_by("id"):
            key = (unit.code, unit.valid_from)
            if key in wanted:
                found.setdefault(key, unit)
    return found


def _upsert_units(
    units: list[_Unit],
    result: LoadResult,
    parents: dict[Key, int],
    step: str,
    progress: Progress | None,
) -> dict[Key, int]:
    """Create or update one level of units; returns their ids by natural key."""
    existing = _existing_units(u.key for u in units)
    to_create: list[AdminUnit] = []
    to_update: list[AdminUnit] = []
    for u in units:
        parent_id = parents[u.parent] if u.parent is not None else None
        values = {
            "name": u.name,
            "short_name": u.short_name,
            "kind": u.kind,
            "latitude": u.latitude,
            "longitude": u.longitude,
            "area_km2": u.area_km2,
            # The same key AdminUnit.save() writes; bulk_create does not call save().
            "search_text": fold(f"{u.name} {u.code}"),
        }
        unit = existing.get(u.key)
        if unit is None:
            to_create.append(
                AdminUnit(
                    code=u.code,
                    level=u.level,
                    parent_id=parent_id,
                    valid_from=u.valid_from,
                    valid_to=u.valid_to,
                    **values,
                )
            )
        elif any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            to_update.append(unit)
    unchanged = len(units) - len(to_create) - len(to_update)
    result.units_unchanged += unchanged
    done, total = unchanged, len(units)
    if progress:
        progress(step, done, total)
    for chunk in _chunks(to_create, _BATCH):
        AdminUnit.objects.bulk_create(chunk)
        done += len(chunk)
        if progress:
            progress(step, done, total)
    for chunk in _chunks(to_update, _BATCH):
        AdminUnit.objects.bulk_update(chunk, list(_UPDATABLE))
        done += len(chunk)
        if progress:
            progress(step, done, total)
    result.units_created += len(to_create)
    result.units_updated += len(to_update)
    for level, count in Counter(u.level for u in units).items():
        result.by_level[level] = result.by_level.get(level, 0) + count
    # Read the ids back rather than trust bulk_create to set them: not every backend does.
    return {key: unit.pk for key, unit in _existing_units(u.key for u in units).items()}


def _upsert_successions(
    successions: list[_Succession],
    ids: dict[Key, int],
    result: LoadResult,
    progress: Progress | None,
) -> None:
    step = "Kế thừa giữa đơn vị cũ và mới"
    wanted: dict[tuple[int, int], _Succession] = {}
    for s in successions:
        wanted[(ids[s.predecessor], ids[s.successor])] = s
    predecessor_ids = sorted({pred for pred, _ in wanted})
    existing: dict[tuple[int, int], UnitSuccession] = {}
    for chunk in _chunks(predecessor_ids, _IN_CHUNK):
        for found in UnitSuccession.objects.filter(predecessor_id__in=chunk):
            existing[(found.predecessor_id, found.successor_id)] = found
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for pair, s in wanted.items():
        values = {"date": REFORM_DATE, "kind": s.kind, "share": s.share, "document": s.document}
        row = existing.get(pair)
        if row is None:
            to_create.append(UnitSuccession(predecessor_id=pair[0], successor_id=pair[1], **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    # A pair this loader wrote earlier that the package no longer lists was a data error there.
    stale = [
        row.pk
        for pair, row in existing.items()
        if pair not in wanted and row.document in _LOADER_DOCUMENTS and row.date == REFORM_DATE
    ]
    total = len(wanted)
    done = total - len(to_create) - len(to_update)
    if progress:
        progress(step, done, total)
    for chunk in _chunks(to_create, _BATCH):
        UnitSuccession.objects.bulk_create(chunk)
        done += len(chunk)
        if progress:
            progress(step, done, total)
    for chunk in _chunks(to_update, _BATCH):
        UnitSuccession.objects.bulk_update(chunk, ["date", "kind", "share", "document"])
        done += len(chunk)
        if progress:
            progress(step, done, total)
    for chunk in _chunks(stale, _IN_CHUNK):
        UnitSuccession.objects.filter(pk__in=chunk).delete()
    result.successions_created += len(to_create)
    result.successions_updated += len(to_update)
    result.successions_removed += len(stale)


def _audit(result: LoadResult, actor: User | None, what: str) -> None:
    """Announce a load that changed the units (`units_loaded`); the audit log records it (core
    listens: org sits below core and imports nothing of it)."""
    if result.changed:
        units_loaded.send(sender=LoadResult, actor=actor, description=f"Nạp {what} từ gói {PACKAGE}",
                          counts=result.counts())


# --- the 2025 units ------------------------------------------------------------------------


def _province(r: dict[str, Any], valid_from: Any, valid_to: Any, area_km2: float | None) -> _Unit:
    return _Unit(
        code=r["provinceCode"],
        name=r["province"],
        short_name=r["provinceShort"] or "",
        level=UnitLevel.PROVINCE,
        kind=_kind(_PROVINCE_KINDS, r["province"], "tỉnh"),
        parent=None,
        valid_from=valid_from,
        valid_to=valid_to,
        latitude=r["provinceLat"],
        longitude=r["provinceLon"],
        area_km2=area_km2,
    )


def _current_units(rows: list[dict[str, Any]]) -> tuple[list[_Unit], list[_Unit]]:
    area_by_province: defaultdict[str, float] = defaultdict(float)
    for r in rows:
        area_by_province[r["provinceCode"]] += r["wardAreaKm2"] or 0.0
    provinces: dict[str, _Unit] = {}
    communes: list[_Unit] = []
    for r in rows:
        code = r["provinceCode"]
        if code not in provinces:
            # The package has no province area; the sum of its communes' is the province's.
            provinces[code] = _province(r, REFORM_DATE, None, round(area_by_province[code], 2) or None)
        communes.append(
            _Unit(
                code=r["wardCode"],
                name=r["ward"],
                short_name=r["wardShort"] or "",
                level=UnitLevel.COMMUNE,
                kind=_kind(_WARD_KINDS, r["wardType"], "xã"),
                parent=(code, REFORM_DATE),
                valid_from=REFORM_DATE,
                valid_to=None,
                latitude=r["wardLat"],
                longitude=r["wardLon"],
                area_km2=r["wardAreaKm2"],
            )
        )
    return sorted(provinces.values(), key=lambda u: u.code), sorted(communes, key=lambda u: u.code)


def load_current_units(progress: Progress | None = None, *, actor: User | None = None) -> LoadResult:
    """Load the 34 provinces and 3,321 communes, wards and special zones in force since
    1/7/2025 (valid_from 2025-07-01, valid_to empty), each commune under its province.

    Provinces whose name starts "Thành phố" are centrally-run cities (kind thanh_pho_tw).
    A province's area is the sum of its communes' areas."""
    started = time.perf_counter()
    provinces, communes = _current_units(_read_table("admin_units"))
    result = LoadResult()
    with transaction.atomic():
        province_ids = _upsert_units(provinces, result, {}, "Tỉnh, thành phố (từ 1/7/2025)", progress)
        _upsert_units(communes, result, province_ids, "Xã, phường, đặc khu (từ 1/7/2025)", progress)
        _audit(result, actor, "đơn vị hành chính từ 1/7/2025")
    result.seconds = time.perf_counter() - started
    return result


# --- the units before 2025 and their successions -------------------------------------------


def _legacy_units(rows: list[dict[str, Any]]) -> tuple[list[_Unit], list[_Unit], list[_Unit]]:
    provinces: dict[str, _Unit] = {}
    districts: dict[str, _Unit] = {}
    wards: list[_Unit] = []
    for r in rows:
        pcode, dcode = r["provinceCode"], r["districtCode"]
        if pcode not in provinces:
            provinces[pcode] = _province(r, None, LEGACY_LAST_DAY, None)
        if dcode not in districts:
            districts[dcode] = _Unit(
                code=dcode,
                name=r["district"],
                short_name=r["districtShort"] or "",
                level=UnitLevel.DISTRICT,
                kind=_kind(_DISTRICT_KINDS, r["districtType"], "huyện"),
                parent=(pcode, None),
                valid_from=None,
                valid_to=LEGACY_LAST_DAY,
                latitude=r["districtLat"],
                longitude=r["districtLon"],
            )
        if r["wardCode"]:
            wards.append(
                _Unit(
                    code=r["wardCode"],
                    name=r["ward"],
                    short_name=r["wardShort"] or "",
                    level=UnitLevel.COMMUNE,
                    kind=_kind(_WARD_KINDS, r["wardType"], "xã"),
                    parent=(dcode, None),
                    valid_from=None,
                    valid_to=LEGACY_LAST_DAY,
                    latitude=r["wardLat"],
                    longitude=r["wardLon"],
                )
            )

    def by_code(units: Iterable[_Unit]) -> list[_Unit]:
        return sorted(units, key=lambda u: u.code)

    return by_code(provinces.values()), by_code(districts.values()), by_code(wards)


def _legacy_successions(
    legacy_rows: list[dict[str, Any]], current_rows: list[dict[str, Any]], converter: dict[str, Any]
) -> list[_Succession]:
    """Every legacy province, and every legacy ward (or wardless island district), to its
    2025 unit(s). Kinds are decided over the whole package, whatever subset is loaded:

    - divided among n new units → split, share 1/n each (the package does not say how much
      went where; it gives each new unit's area, not the area of the part received);
    - whole into a new unit that has other predecessors (whole or partial) → merge, share 1;
    - whole into a new unit that has no other predecessor → rename, share 1 (the unit
      continues, possibly under the same name, e.g. Thành phố Hà Nội 01 → 01).
    """
    legacy_by_key = {_legacy_key(r): r for r in legacy_rows}
    province_code = {r["provinceKey"]: r["provinceCode"] for r in legacy_rows}
    new_province_code = {r["provinceKey"]: r["provinceCode"] for r in current_rows}
    new_ward_code = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in current_rows}

    def legacy_unit(key: str) -> Key:
        row = legacy_by_key[key]
        return (row["wardCode"] or row["districtCode"], None)

    whole: dict[str, str] = {}  # legacy key → new ward code
    divided: dict[str, list[str]] = defaultdict(list)
    for new_pkey, new_wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in new_wards.items():
            for old_key in old_keys:
                whole[old_key] = new_ward_code[(new_pkey, new_wkey)]
    for new_pkey, old_keys in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in old_keys.items():
            for part in parts:
                divided[old_key].append(new_ward_code[(new_pkey, part["newWardKey"])])
    predecessor_count = Counter(whole.values())
    predecessor_count.update(code for codes in divided.values() for code in set(codes))

    successions: list[_Succession] = []
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        kind = SuccessionKind.RENAME if len(old_pkeys) == 1 else SuccessionKind.MERGE
        for old_pkey in old_pkeys:
            successions.append(
                _Succession(
                    (province_code[old_pkey], None),
                    (new_province_code[new_pkey], REFORM_DATE),
                    kind,
                    1.0,
                    PROVINCE_DOCUMENT,
                )
            )
    for old_key, code in whole.items():
        kind = SuccessionKind.RENAME if predecessor_count[code] == 1 else SuccessionKind.MERGE
        successions.append(
            _Succession(legacy_unit(old_key), (code, REFORM_DATE), kind, 1.0, COMMUNE_DOCUMENT)
        )
    for old_key, codes in divided.items():
        targets = sorted(set(codes))
        for code in targets:
            successions.append(
                _Succession(
                    legacy_unit(old_key),
                    (code, REFORM_DATE),
                    SuccessionKind.SPLIT,
                    1 / len(targets),
                    COMMUNE_DOCUMENT,
                )
            )
    return successions


def load_legacy_units(
    province_codes: list[str] | None = None, progress: Progress | None = None, *, actor: User | None = None
) -> LoadResult:
    """Load the units in force before 1/7/2025 — provinces (63), districts (thành phố thuộc
    tỉnh, thị xã, quận, huyện) and wards (phường, xã, thị trấn) — of the given legacy
    province codes (None: all), with their successions into the 2025 units.

    Every legacy unit, including a province that was not merged (Hà Nội 01), ends on
    30/6/2025 and has valid_from empty (unknown). From 1/7/2025 its place is taken by the
    2025 unit(s) it succeeded into; the rules for merge, split and rename are in
    `_legacy_successions`. Legacy districts have no successors of their own (their wards do,
    and `scope.expand_units` walks children before successors), except the five island
    districts without wards, which became special zones. The 2025 units must be loaded first
    (`load_current_units`)."""
    started = time.perf_counter()
    legacy_rows = _read_table("admin_units_legacy")
    if province_codes is not None:
        known = {r["provinceCode"] for r in legacy_rows}
        unknown = sorted(set(province_codes) - known)
        if unknown:
            raise UnitLoadError(f"Không có tỉnh (trước 2025) mang mã: {', '.join(unknown)}")
        legacy_rows_loaded = [r for r in legacy_rows if r["provinceCode"] in set(province_codes)]
    else:
        legacy_rows_loaded = legacy_rows
    provinces, districts, wards = _legacy_units(legacy_rows_loaded)
    loaded_keys = {u.key for u in (*provinces, *districts, *wards)}
    successions = [
        s
        for s in _legacy_successions(legacy_rows, _read_table("admin_units"), _read_converter())
        if s.predecessor in loaded_keys
    ]

    result = LoadResult()
    with transaction.atomic():
        successor_ids = {
            key: unit.pk for key, unit in _existing_units(s.successor for s in successions).items()
        }
        missing = {s.successor for s in successions} - successor_ids.keys()
        if missing:
            raise UnitLoadError(
                f"Chưa có {len(missing)} đơn vị hành chính từ 1/7/2025 để làm đơn vị kế thừa "
                "(hãy nạp đơn vị hiện hành trước: dieuhanh units load)."
            )
        ids = dict(successor_ids)
        province_ids = _upsert_units(provinces, result, {}, "Tỉnh, thành phố (trước 1/7/2025)", progress)
        district_ids = _upsert_units(
            districts, result, province_ids, "Quận, huyện, thị xã, thành phố (trước 1/7/2025)", progress
        )
        ward_ids = _upsert_units(
            wards, result, district_ids, "Xã, phường, thị trấn (trước 1/7/2025)", progress
        )
        ids.update(province_ids)
        ids.update(district_ids)
        ids.update(ward_ids)
        _upsert_successions(successions, ids, result, progress)
        _audit(result, actor, "đơn vị hành chính trước 1/7/2025")
    result.seconds = time.perf_counter() - started
    return result
