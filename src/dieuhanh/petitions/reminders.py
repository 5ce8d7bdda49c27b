"""Reminders of petitions (notifications/reminders.py; the numbers are in data/reminders.yaml):
the next step of an open petition due soon, and overdue (weekly, then to the leaders too). The
next step and its due date are the ones the petition stores (`due_on`, `due_rule`, computed by
`deadlines.compute` from the legal rule table and the calendar). A title names the petition by
its register number and subject, never its petitioner; a reminder reaches only those who may
see the petition (a denunciation: never the one-stop desk, never another ward)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext, ngettext_lazy

from dieuhanh.core.legal_rules import RuleNotFound, rule_for
from dieuhanh.notifications.reminders import Day, Reminder, ReminderRule, link, reminder

PETITION = "petitions.petition"
FIELDS = ("pk", "seq", "year", "subject", "unit", "received_on", "due_on", "due_rule")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _step(row: dict[str, Any]) -> str:
    try:
        return rule_for(row["due_rule"], row["received_on"]).name
    except RuleNotFound:
        return row["due_rule"]


def _handlers(ids: list[int]) -> dict[int, set[int]]:
    from dieuhanh.petitions.models import PetitionHandler

    out: dict[int, set[int]] = {}
    for start in range(0, len(ids), 5000):
        for pid, uid in PetitionHandler.objects.filter(petition_id__in=ids[start:start + 5000]).values_list(
            "petition_id", "user_id"
        ):
            out.setdefault(pid, set()).add(uid)
    return out


def _petitions(timing: str) -> Callable[[Day, ReminderRule, bool], str]:
    """A summary's link: the open petitions of that timing (PetitionFilter)."""

    def url(day: Day, rule: ReminderRule, escalation: bool) -> str:
        from dieuhanh.notifications.digest import list_url
        from dieuhanh.petitions.filters import OPEN, PetitionFilter

        return list_url("petitions:petition_list", PetitionFilter(state=OPEN, timing=timing))

    return url


def _open() -> Any:
    from dieuhanh.petitions.choices import State
    from dieuhanh.petitions.models import Petition

    return Petition.objects.open().exclude(state=State.SUSPENDED).filter(due_on__isnull=False).order_by()


@reminder("petition.step_due", bundle_list=_petitions("due_soon"), summary=ngettext_lazy(
    "%(n)s đơn sắp đến hạn bước xử lý trong phạm vi của đồng chí",
    "%(n)s đơn sắp đến hạn bước xử lý trong phạm vi của đồng chí", "count"))
def step_due(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    assert rule.lead_working_days is not None
    rows = list(_open().filter(due_on__gte=day.today, due_on__lt=day.due_window_end(rule.lead_working_days))
                .values(*FIELDS))
    handlers = _handlers([r["pk"] for r in rows])
    url = link("petitions:petition_detail")
    message = gettext("Đơn số %(number)s «%(subject)s»: %(step)s đến hạn ngày %(due)s")
    for row in rows:
        yield Reminder(
            PETITION, row["pk"], row["unit"], f"{row['due_rule']}:{row['due_on'].isoformat()}",
            message % {"number": f"{row['seq']}/{row['year']}", "subject": row["subject"], "step": _step(row),
               "due": _d(row["due_on"])},
            url(row["pk"]), people={"handlers": handlers.get(row["pk"], set())}, code=f"{row['seq']}/{row['year']}",
        )


@reminder("petition.overdue", bundle_list=_petitions("overdue"), summary=ngettext_lazy(
    "%(n)s đơn quá hạn xử lý trong phạm vi của đồng chí", "%(n)s đơn quá hạn xử lý trong phạm vi của đồng chí", "count",
), escalated=ngettext_lazy(
    "%(n)s đơn quá hạn xử lý trên một tuần trong phạm vi của đồng chí",
    "%(n)s đơn quá hạn xử lý trên một tuần trong phạm vi của đồng chí", "count",
))
def overdue(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    rows = list(_open().filter(due_on__lt=day.today).values(*FIELDS))
    handlers = _handlers([r["pk"] for r in rows])
    url = link("petitions:petition_detail")
    message = gettext("Đơn số %(number)s «%(subject)s»: %(step)s quá hạn từ ngày %(due)s")
    for row in rows:
        repeat = day.repeat_since(row["due_on"] + dt.timedelta(days=1), rule.repeat_days)
        yield Reminder(
            PETITION, row["pk"], row["unit"], f"{row['due_rule']}:{row['due_on'].isoformat()}:w{repeat}",
            message % {"number": f"{row['seq']}/{row['year']}", "subject": row["subject"], "step": _step(row),
               "due": _d(row["due_on"])},
            url(row["pk"]), people={"handlers": handlers.get(row["pk"], set())}, code=f"{row['seq']}/{row['year']}",
            repeat=repeat,
        )
