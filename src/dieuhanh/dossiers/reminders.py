"""Reminders of one-stop dossiers (notifications/reminders.py; the numbers are in
data/reminders.yaml): a dossier due soon, and one whose apology letter, if it will be late, must
be issued within days (`dossier.apology_before_due`: at the latest one working day before the
date the applicant was given; `cases.apology_deadline`). A dossier waiting for the citizen's
documents (supplement) is not chased: its date is set again when they come. Titles name the
dossier by its code and procedure, never the applicant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, ngettext_lazy

from dieuhanh.core.legal_rules import RuleNotFound
from dieuhanh.dossiers.choices import Status
from dieuhanh.notifications.reminders import Day, Reminder, ReminderRule, link, reminder

DOSSIER = "dossiers.dossier"
RUNNING = (Status.RECEIVED, Status.PROCESSING)
FIELDS = ("pk", "code", "unit", "received_on", "due_on", "new_due_on", "procedure__name")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _due_between(start: dt.date, end: dt.date, *, apologised: bool | None = None) -> Iterator[dict[str, Any]]:
    """Running dossiers whose date given to the applicant (the new one after an apology) is in
    [start, end): two queries, one on the (status, due_on) index, one on the statistics class of
    the open dossiers that had an apology (its index; `new_due_on` has none)."""
    from dieuhanh.dossiers.models import Dossier
    from dieuhanh.dossiers.stats import APOLOGY_BIT, OPEN_BIT

    running = Dossier.objects.filter(status__in=RUNNING).order_by()
    if apologised is not True:
        yield from running.filter(new_due_on__isnull=True, due_on__gte=start, due_on__lt=end).values(*FIELDS)
    if apologised is not False:
        classes = [c for c in range(128) if c & OPEN_BIT and c & APOLOGY_BIT]
        yield from running.filter(stats_class__in=classes, new_due_on__gte=start, new_due_on__lt=end).values(*FIELDS)


def _due_soon_list(day: Day, rule: ReminderRule, escalation: bool) -> str:
    """A summary's link: the dossiers due soon (DossierFilter)."""
    from dieuhanh.dossiers.filters import DUE_SOON, DossierFilter
    from dieuhanh.notifications.digest import list_url

    return list_url("dossier_list", DossierFilter(status=DUE_SOON))


@reminder("dossier.due_soon", bundle_list=_due_soon_list, summary=ngettext_lazy(
    "%(n)s hồ sơ sắp đến hẹn trả trong phạm vi của đồng chí", "%(n)s hồ sơ sắp đến hẹn trả trong phạm vi của đồng chí",
    "count"))
def due_soon(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    assert rule.lead_working_days is not None
    url = link("dossier_detail")
    message = gettext("Hồ sơ %(code)s (%(procedure)s) hẹn trả kết quả ngày %(due)s")
    for row in _due_between(day.today, day.due_window_end(rule.lead_working_days)):
        due = row["new_due_on"] or row["due_on"]
        yield Reminder(
            DOSSIER, row["pk"], row["unit"], due.isoformat(),
            message % {"code": row["code"], "procedure": row["procedure__name"], "due": _d(due)},
            url(row["code"]), code=row["code"],
        )


@reminder("dossier.apology", bundle_list=_due_soon_list, summary=ngettext_lazy(
    "%(n)s hồ sơ cần văn bản xin lỗi nếu trễ hẹn trong phạm vi của đồng chí",
    "%(n)s hồ sơ cần văn bản xin lỗi nếu trễ hẹn trong phạm vi của đồng chí", "count"))
def apology(day: Day, rule: ReminderRule) -> Iterator[Reminder]:
    """The days before the last day an apology may be issued (`apology_deadline`), for a dossier
    that has had none: if it will be late, the letter with a new date must go out by then."""
    from dieuhanh.dossiers.cases import apology_deadline
    from dieuhanh.dossiers.models import Dossier

    assert rule.lead_working_days is not None
    window_end = day.due_window_end(rule.lead_working_days)
    # The apology's last day comes before the date given, by the rule's period (one working
    # day): a few working days more bound the dates to read.
    reach = day.cal.add(window_end, 5, working=True)
    url = link("dossier_detail")
    message = gettext("Hồ sơ %(code)s (%(procedure)s) hẹn trả ngày %(due)s: nếu không kịp, ban hành văn bản xin lỗi, "
                      "hẹn lại chậm nhất ngày %(last)s")
    last_days: dict[tuple[dt.date, dt.date], dt.date | None] = {}
    for row in _due_between(day.today, reach, apologised=False):
        pair = (row["received_on"], row["due_on"])
        if pair not in last_days:
            try:
                last_days[pair] = apology_deadline(Dossier(received_on=pair[0], due_on=pair[1], lookup_code=None), day.cal)[0]
            except RuleNotFound:
                last_days[pair] = None
        last = last_days[pair]
        if last is None or not day.today <= last < window_end:
            continue
        yield Reminder(
            DOSSIER, row["pk"], row["unit"], f"{row['due_on'].isoformat()}:{last.isoformat()}",
            message % {"code": row["code"], "procedure": row["procedure__name"], "due": _d(row["due_on"]), "last": _d(last)},
            url(row["code"]), code=row["code"],
        )
