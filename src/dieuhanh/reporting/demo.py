"""The committee members of the demo city's ward committees, the areas and fields they follow,
and their weekly and monthly reports of recent weeks and months: most sent on time, some late,
some missing, a few with proposals beyond their authority (some answered by the secretary,
some still waiting). Written through the services, so every row has its audit event.

One member of the Đảng uỷ phường Chu Văn An signs in as `capuy` (a leader of the ward), to see
the member's side: the dashboard's panel, the form, the answer."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dieuhanh.demo.people import Cast
from dieuhanh.directives import cycle
from dieuhanh.org.choices import OrganisationKind, Role
from dieuhanh.org.models import Organisation, Person, User
from dieuhanh.reporting.choices import FollowedField
from dieuhanh.reporting.models import FollowAssignment
from dieuhanh.reporting.services import (
    committee_members,
    do_answer_member_report,
    do_assign_follow,
    do_submit_member_report,
)

WARDS = ("10549", "10546", "10570")  # the committees whose members report in the demo
WEEKS, MONTHS = 8, 3  # how far back the reports go
MEMBER_LOGIN = "capuy"


@cache
def texts() -> dict[str, Any]:
    return yaml.safe_load(resources.files("dieuhanh.reporting").joinpath("data", "demo.yaml").read_text(encoding="utf-8"))


def _login(cast: Cast, person: Person, username: str, role_unit: Any = None) -> User:
    from dieuhanh.demo.loader import DEMO_PASSWORD, Persona
    from dieuhanh.demo.people import ensure_users

    user = User.objects.filter(person=person).first()
    if user is not None:
        return user
    if role_unit is not None:
        key = f"reporting:{username}"
        cast.people[key] = person
        ward = next(code for code, unit in cast.new_wards.items() if unit == role_unit)
        ensure_users(cast, [Persona(username, Role.LEADER, ward, key, "Cấp uỷ viên: báo cáo định kỳ")], DEMO_PASSWORD)
        return cast.users[username]
    # The other members sign in too (the demo password), with no role: they read their own reports.
    return User.objects.create_user(username=username, password=DEMO_PASSWORD, person=person)


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    if FollowAssignment.objects.exists():
        return None
    data = texts()
    office, secretary = cast.users["vanphong"], cast.users["bithu"]
    counts: Counter[str] = Counter()
    fields = list(FollowedField.values)
    start = max(cast.new_wards[WARDS[0]].valid_from or today, today - dt.timedelta(days=7 * WEEKS + 120))
    members: list[tuple[User, Person]] = []
    for w, code in enumerate(WARDS):
        ward = cast.new_wards[code]
        committee = Organisation.objects.valid_on(today).filter(unit=ward, kind=OrganisationKind.PARTY_COMMITTEE).first()
        if committee is None:
            continue
        villages = cast.villages_new.get(code, [])
        people = [p for p in committee_members(committee, start) if p.pk != secretary.person_id]
        for i, person in enumerate(people):
            area = villages[i % len(villages)] if villages and i % 2 == 0 else (ward if i % 2 == 0 else None)
            do_assign_follow(
                actor=office, member=person, committee=committee, area=area, field=fields[(i + w) % len(fields)],
                start_date=start,
            )
            counts["assignments"] += 1
            username = MEMBER_LOGIN if (w, i) == (0, 0) else f"capuy_{code}_{i + 1}"
            members.append((_login(cast, person, username, ward if username == MEMBER_LOGIN else None), person))
    waiting: list[Any] = []
    for m, (user, _person) in enumerate(members):
        for cadence, back in (("weekly", WEEKS), ("monthly", MONTHS)):
            period = cycle.period_of(cadence, today)
            for k in range(back + 1):
                if period.start <= start or period.due is None:
                    period = cycle.previous(period)
                    continue
                roll = rng.random()
                current = k == 0
                # This period: half have sent theirs. Earlier ones: mostly on time, some late, some never.
                if (current and roll < 0.5) or (not current and roll < 0.12):
                    period = cycle.previous(period)
                    continue
                day = period.due if not current else min(today, period.due or today)
                if not current and roll > 0.85:
                    day = min(today, (period.due or period.end) + dt.timedelta(days=3))  # sent late
                day = max(day or period.start, period.start)
                proposals = data["proposals"][m % len(data["proposals"])] if rng.random() < 0.15 else ""
                report = do_submit_member_report(
                    actor=user, period=period, situation=rng.choice(data["situations"]),
                    obstacles=rng.choice(data["obstacles"]) if rng.random() < 0.5 else "", proposals=proposals,
                    submitted_on=day,
                )
                counts["reports"] += 1
                if proposals:
                    waiting.append(report)
                period = cycle.previous(period)
        if progress:
            progress("Báo cáo của cấp uỷ viên", m + 1, len(members))
    # The secretary answers the older proposals; the latest wait for an answer.
    waiting.sort(key=lambda r: r.submitted_on)
    for report in waiting[:-2]:
        do_answer_member_report(actor=secretary, report=report, response=rng.choice(data["responses"]))
    counts["waiting"] = min(2, len(waiting))
    return dict(counts)
