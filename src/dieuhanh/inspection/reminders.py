"""Reminders of inspections and supervisions (notifications/reminders.py; the numbers are in
data/reminders.yaml): one whose period ends soon without a conclusion, and one past it (weekly,
then to the standing board too). A title names the case by its number and decision, never its
subject; a reminder reaches only those who may read the case (the commission and the board of
its unit, and the team's leader when they hold a role there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, ngettext_lazy

from dieuhanh.notifications.reminders import Day, Reminder, ReminderRule, link, reminder

INSPECTION = "inspection.inspection"
FIELDS = ("pk", "unit", "decision_number", "decided_on", "due_on", "team_lead")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _open() -> Any:
    from dieuhanh.inspection.choices import OPEN_STATES
    from dieuhanh.inspection.models import Inspection

    return Inspection.objects.filter(state__in=OPEN_STATES).order_by()


def _leads(person_ids: set[int]) -> dict[int, set[int]]:
    """The accounts of the team leaders (by person)."""
    from dieuhanh.org.models import User

    out: dict[int, set[int]] = {}
    for uid, pid in User.objects.filter(person_id__in=person_ids, is_active=True).values_list("pk", "person_id"):
        out.setdefault(pid, set()).add(uid)
    return out


def _list(stage: str) -> Any:
    def url(day: Day, rule: ReminderRule, escalation: bool) -> str:
        from dieuhanh.inspection.filters import InspectionFilter
        from dieuhanh.notifications.digest import list_url

        return list_url("inspection:inspection_list", InspectionFilter(stage=stage))

    return url


def _name(row: dict[str, Any]) -> str:
    number = row["decision_number"] or f"#{row['pk']}"
    return gettext("Cuộc kiểm tra, giám sát theo quyết định %(number)s ngày %(day)s") % {
        "number": number, "day": _d(row["decided_on"])}


@reminder("inspection.due", bundle_list=_list("open"), summary=ngettext_lazy(
    "%(n)s cuộc kiểm tra, giám sát sắp hết thời hạn trong phạm vi của đồng chí",
    "%(n)s cuộc kiểm tra, giám sát sắp hết thời hạn trong phạm vi của đồng chí", "count"))
def due(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    assert rule.lead_working_days is not None
    rows = list(_open().filter(due_on__gte=day.today, due_on__lt=day.due_window_end(rule.lead_working_days))
                .values(*FIELDS))
    leads = _leads({r["team_lead"] for r in rows})
    url = link("inspection:inspection_detail")
    for row in rows:
        yield Reminder(INSPECTION, row["pk"], row["unit"], row["due_on"].isoformat(),
                       gettext("%(name)s: hết thời hạn ngày %(due)s, chưa kết luận") % {
                           "name": _name(row), "due": _d(row["due_on"])},
                       url(row["pk"]), people={"team_lead": leads.get(row["team_lead"], set())},
                       code=row["decision_number"] or str(row["pk"]))


@reminder("inspection.overdue", bundle_list=_list("late"), summary=ngettext_lazy(
    "%(n)s cuộc kiểm tra, giám sát quá thời hạn chưa kết luận trong phạm vi của đồng chí",
    "%(n)s cuộc kiểm tra, giám sát quá thời hạn chưa kết luận trong phạm vi của đồng chí", "count",
), escalated=ngettext_lazy(
    "%(n)s cuộc kiểm tra, giám sát quá thời hạn trên một tuần trong phạm vi của đồng chí",
    "%(n)s cuộc kiểm tra, giám sát quá thời hạn trên một tuần trong phạm vi của đồng chí", "count",
))
def overdue(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    rows = list(_open().filter(due_on__lt=day.today).values(*FIELDS))
    leads = _leads({r["team_lead"] for r in rows})
    url = link("inspection:inspection_detail")
    for row in rows:
        repeat = day.repeat_since(row["due_on"] + dt.timedelta(days=1), rule.repeat_days)
        yield Reminder(INSPECTION, row["pk"], row["unit"], f"{row['due_on'].isoformat()}:w{repeat}",
                       gettext("%(name)s: quá thời hạn từ ngày %(due)s, chưa kết luận") % {
                           "name": _name(row), "due": _d(row["due_on"])},
                       url(row["pk"]), people={"team_lead": leads.get(row["team_lead"], set())},
                       code=row["decision_number"] or str(row["pk"]), repeat=repeat)
