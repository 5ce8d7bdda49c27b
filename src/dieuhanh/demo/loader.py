"""The demo city: Chí Linh (Hải Dương) in the 2020–2025 term and its six successor wards of
Hải Phòng today, built from the facts of the source articles (MISSION.md) with fictional
people.

`load_demo()` loads, in order:

1. the administrative units (34 provinces and 3,321 communes since 1/7/2025; Hải Dương's
   units before it, with their successions) through `dieuhanh.org.loaders`;
2. villages, organisations, positions, people and their assignments (`people.py`);
3. the demo logins of `PERSONAS`, all with the password `DEMO_PASSWORD`;
4. each app's step (`PlatformApp.demo`, in the app's `demo.py`), by order: the documents and tasks
   (directives), citizen reception and petitions (petitions: the 2021 register, reception days
   and dialogues, petitions of 2022 to today in every state), the procedures catalogue and a year
   of one-stop dossiers (dossiers, taken in as the province's export and moved through the
   services), the socio-economic targets and figures (indicators) — each only through its app's
   services;
5. the announced civil-service calendar, if that loader is installed.

It is idempotent: units, villages, organisations, people and logins are found again by their
natural keys, and each app's step adds its records only when they are not there yet (the
directives' when the congress resolution, the root of the document tree, is missing; the
petitions' when the city's 2021 register is; the dossiers' when the wards have none), so a
second run adds nothing.

The demo logins have a published password: they are created only when this loader runs
(the `dieuhanh demo` command, or tests), never by a migration or at start-up.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from dieuhanh.org.choices import Role

DEMO_PASSWORD = "dieuhanh-demo"  # noqa: S105 - the published password of the demo logins
SEED = 2021
EARLIEST_TODAY = dt.date(2026, 1, 1)  # the successor wards' work needs some months of history

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    unit: str | None  # "city" = TP Chí Linh (until 30/6/2025); a code = that ward since 1/7/2025
    person: str | None  # key of the person in data/city.yaml
    description: str
    superuser: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona("vanphong", Role.OFFICE, "city", "vanphong", "Văn phòng Thành uỷ: giao, theo dõi nhiệm vụ"),
    Persona("bithu", Role.LEADER, "city", "bithu", "Bí thư Thành uỷ: xem toàn bộ, cho ý kiến chỉ đạo"),
    Persona("phuong_saodo", Role.UNIT_OFFICER, "10549", "phuong_saodo",
            "Công chức phường (trước là Sao Đỏ): báo cáo; xử lý đơn được giao"),
    Persona("phuong_phalai", Role.UNIT_OFFICER, "10546", "phuong_phalai",
            "Công chức phường (trước là Phả Lại): báo cáo; xử lý đơn được giao"),
    Persona("tiepdan", Role.RECEPTION, "city", "tiepdan",
            "Tiếp công dân: ghi buổi tiếp, nhận và xử lý đơn; được giao giải quyết một số đơn tố cáo"),
    Persona("motcua", Role.ONE_STOP, "10549", "motcua", "Bộ phận một cửa"),
    Persona("kiemtra", Role.INSPECTOR, "city", "kiemtra", "Uỷ ban Kiểm tra: xem, không giao việc"),
    Persona("admin", Role.ADMIN, None, None, "Quản trị: lịch, người dùng", superuser=True),
)
PERSONA_USERNAMES = frozenset(p.username for p in PERSONAS)


class DemoError(Exception):
    """The demo cannot be loaded (message in Vietnamese)."""


@dataclass
class DemoResult:
    units_created: int = 0
    created: dict[str, int] = field(default_factory=dict)  # villages, people, users… made by this run
    calendar_loaded: bool | None = None  # None: no calendar loader installed
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # what each app's step made, by its key
    skipped: set[str] = field(default_factory=set)  # the steps whose records were already there
    seconds: float = 0.0
    steps: list[tuple[str, float]] = field(default_factory=list)
    today: dt.date | None = None  # the day the demo was built for (its "late now" counts are of that day)


def load_demo(progress: Progress | None = None, *, today: dt.date | None = None) -> DemoResult:
    """Load the demo city into the configured database (see the module docstring)."""
    from dieuhanh.demo.people import CastBuilder, ensure_users
    from dieuhanh.org.loaders import load_current_units, load_legacy_units

    today = today or timezone.localdate()
    if today < EARLIEST_TODAY:
        raise DemoError(f"Thành phố mẫu cần ngày hiện tại từ {EARLIEST_TODAY:%d/%m/%Y} trở đi (hôm nay: {today:%d/%m/%Y}).")
    result = DemoResult(today=today)
    started = time.perf_counter()

    def step(label: str, t0: float) -> None:
        result.steps.append((label, time.perf_counter() - t0))

    t0 = time.perf_counter()
    current = load_current_units(progress)
    legacy = load_legacy_units(["30"], progress)
    result.units_created = current.units_created + legacy.units_created
    step("Đơn vị hành chính", t0)

    t0 = time.perf_counter()
    with transaction.atomic():
        cast = CastBuilder(random.Random(SEED), progress).build()
        ensure_users(cast, PERSONAS, DEMO_PASSWORD)
    result.created = dict(vars(cast.created))
    step("Thôn, cơ quan, cán bộ, người dùng", t0)

    from django.utils.module_loading import import_string

    from dieuhanh.core.platform import demo_steps

    for app_step in demo_steps():  # each app's records (core.platform.DemoStep, in its demo.py)
        t0 = time.perf_counter()
        with transaction.atomic():
            counts = import_string(app_step.function)(cast, random.Random(SEED), today, progress)
        key = app_step.key or app_step.label
        if counts is None:
            result.skipped.add(key)
        else:
            result.counts[key] = dict(counts)
        step(app_step.label, t0)

    t0 = time.perf_counter()
    from dieuhanh.core import calendar

    load_schedule = getattr(calendar, "load_announced_schedule", None)
    if load_schedule is not None:
        load_schedule()
        result.calendar_loaded = True
    step("Lịch nghỉ được công bố", t0)

    t0 = time.perf_counter()
    from dieuhanh.lib.db import refresh_planner_statistics

    if refresh_planner_statistics():  # PostgreSQL: the planner sees the city just loaded
        step("Thống kê cho bộ lập kế hoạch truy vấn", t0)
    result.seconds = time.perf_counter() - started
    return result


def other_users_exist() -> bool:
    """Whether the database has logins that are not the demo's (then it is not a demo database)."""
    from django.db.models import Q

    from dieuhanh.core import platform
    from dieuhanh.org.models import User

    theirs = Q(username__in=PERSONA_USERNAMES)
    for step in platform.demo_steps():  # the logins an app's step creates (its members, say)
        for prefix in step.logins:
            theirs |= Q(username__startswith=prefix)
    return User.objects.exclude(theirs).exists()


def describe_personas() -> list[dict[str, Any]]:
    """The persona table printed by `dieuhanh demo`."""
    from dieuhanh.org.models import User

    rows = []
    users = {u.username: u for u in User.objects.filter(username__in=PERSONA_USERNAMES).select_related("person")}
    for p in PERSONAS:
        user = users.get(p.username)
        grant = user.grants.filter(role=p.role).select_related("unit").first() if user else None
        rows.append(
            {
                "username": p.username,
                "role": p.role,
                "unit": (grant.unit.name if grant and grant.unit else "toàn hệ thống"),
                "person": user.person.full_name if user and user.person else "—",
                "description": p.description,
            }
        )
    return rows
