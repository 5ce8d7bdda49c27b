"""Who has reported for a period: one row per member and committee whose follow assignment runs
during the period, with what they follow, their report (or its absence) and its state. The
office's page and its .xlsx read the same rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from dieuhanh.directives import cycle
from dieuhanh.org.models import Organisation, Person
from dieuhanh.reporting.models import FollowAssignment, MemberReport

# A row's state, with its words (the badge) and its colour (the tasks' status colours).
STATES = {
    "sent": (gettext_lazy("Đã báo cáo"), "done-on-time"),
    "sent_late": (gettext_lazy("Báo cáo muộn"), "done-late"),
    "missing": (gettext_lazy("Chưa báo cáo, quá hạn"), "overdue"),
    "pending": (gettext_lazy("Chưa báo cáo, chưa đến hạn"), "due-soon"),
    "free": (gettext_lazy("Không phải báo cáo kỳ này"), "cancelled"),
}


@dataclass
class MemberRow:
    member: Person
    committee: Organisation
    followed: list[str] = field(default_factory=list)
    owes: bool = False
    report: MemberReport | None = None
    state: str = "free"

    @property
    def state_label(self) -> Any:
        return STATES[self.state][0]

    @property
    def state_css(self) -> str:
        return STATES[self.state][1]


def rows(user: Any, period: cycle.Period, today: dt.date, committee: int | None = None) -> list[MemberRow]:
    assignments = (
        FollowAssignment.objects.visible_to(user).active_during(period.start, period.end)
        .select_related("member", "committee", "area").order_by("member__full_name", "start_date", "id")
    )
    if committee is not None:
        assignments = assignments.filter(committee_id=committee)
    by_member: dict[tuple[int, int], MemberRow] = {}
    for a in assignments:
        row = by_member.setdefault((a.member_id, a.committee_id), MemberRow(a.member, a.committee))
        row.followed.append(a.followed + (f" ({a.note})" if a.note else ""))
        row.owes |= period.owes() and a.start_date < period.start
    reports = MemberReport.objects.visible_to(user).filter(
        kind=period.cadence, period_start=period.start, member_id__in={m for m, _c in by_member}
    ).select_related("answered_by__person")
    by_person = {r.member_id: r for r in reports}
    for (member_id, _c), row in by_member.items():
        row.report = by_person.get(member_id)
        if row.report is not None:
            row.state = "sent_late" if row.report.late else "sent"
        elif not row.owes:
            row.state = "free"
        elif period.is_late(today):
            row.state = "missing"
        else:
            row.state = "pending"
    order = {"missing": 0, "pending": 1, "sent_late": 2, "sent": 3, "free": 4}
    return sorted(by_member.values(), key=lambda r: (order[r.state], r.committee.name, r.member.full_name))


def counts(found: list[MemberRow]) -> dict[str, int]:
    out = dict.fromkeys(STATES, 0)
    for row in found:
        out[row.state] += 1
    out["members"] = len(found)
    out["owed"] = sum(1 for r in found if r.owes)
    return out
