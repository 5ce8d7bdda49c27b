"""Every deadline of a petition, from the legal rule table and the working-day calendar.

The rule version is the one in force on the petition's receipt date, so a complaint received on
30/6/2026 keeps ten working days for acceptance after the law shortened it to seven. Each step's
deadline names its rule, so the page and the API can show the article it comes from.

The steps (LEGAL.md):
- routing: first-time complaints `complaint.accept` (Law on Complaints Art 27), second-time ones
  `complaint.second.accept` (Art 36); denunciations `denunciation.check` (or
  `denunciation.check_multi` when checks are needed at several places), or `denunciation.transfer`
  as soon as one is found outside the body's competence (before it is transferred, so the five
  working days show while it waits); recommendations, feedback and mixed petitions
  `petition.process`; a matter raised in person also `reception.reply` (telling the citizen what
  happens next);
- resolution, from acceptance: complaints `complaint.{first|second}.{resolve|complex|remote|
  remote_complex}`; denunciations `denunciation.resolve` plus one `denunciation.extension` per
  extension; recommendations and feedback `recommendation.resolve`. Days spent suspended do
  not count;
- denunciations: `denunciation.notify` from acceptance (telling the denouncer and the accused);
- complaints: `complaint.decision_send` (first time, Art 32) or `complaint.second.decision_send`
  (second time, Art 41) from the decision.

Not a deadline of the body but a limit on the complainant: `file_limit` gives the last day a
complaint could be filed — `complaint.file_limit` (Art 9) from the day the complainant received or
learned of the decision complained about, or for a second-time complaint
`complaint.second.file_limit[_remote]` (Art 33) from the day the first-time decision was received
(or the first-time period ran out without one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core import calendar
from dieuhanh.core.choices import DayKind
from dieuhanh.core.legal_rules import Rule, require_period, rule_for
from dieuhanh.petitions.choices import Channel, Complexity, Kind, State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RuleLookup = Callable[[str, dt.date], Rule]


@dataclass(frozen=True)
class Deadline:
    step: str
    label: StrOrPromise
    start: dt.date
    due_on: dt.date | None  # None while the period is paused (suspended)
    met_on: dt.date | None
    rule: Rule

    def status(self, today: dt.date) -> str:
        if self.met_on is not None:
            return "met" if self.due_on is None or self.met_on <= self.due_on else "met_late"
        if self.due_on is None:
            return "paused"
        return "overdue" if self.due_on < today else "open"

    @property
    def citation(self) -> str:
        return self.rule.citation

    @property
    def period_text(self) -> str:
        unit = _("ngày làm việc") if self.rule.day_kind == DayKind.WORKING else _("ngày")
        return f"{self.rule.period} {unit}"


# Every code written out, so a reader (and the test of unread rules) finds each one here:
# (second time, complex, remote) → rule.
_RESOLVE = {
    (False, False, False): "complaint.first.resolve", (False, True, False): "complaint.first.complex",
    (False, False, True): "complaint.first.remote", (False, True, True): "complaint.first.remote_complex",
    (True, False, False): "complaint.second.resolve", (True, True, False): "complaint.second.complex",
    (True, False, True): "complaint.second.remote", (True, True, True): "complaint.second.remote_complex",
}


def resolve_rule_code(kind: str, level: int, complexity: str, remote: bool) -> str:
    if kind == Kind.COMPLAINT:
        return _RESOLVE[(level > 1, complexity != Complexity.NORMAL, bool(remote))]
    if kind == Kind.DENUNCIATION:
        return "denunciation.resolve"
    return "recommendation.resolve"


def transfers_denunciation(kind: str, state: str, outside_competence: bool) -> bool:
    """A denunciation found outside the body's competence (or already transferred): its routing
    is the transfer, within `denunciation.transfer` of receipt (Law on Denunciations Art 24)."""
    return kind == Kind.DENUNCIATION and (bool(outside_competence) or state == State.TRANSFERRED)


def routing_rule_code(kind: str, multi_site: bool, level: int = 1, transfer: bool = False) -> str:
    if kind == Kind.COMPLAINT:
        return "complaint.second.accept" if level > 1 else "complaint.accept"
    if kind == Kind.DENUNCIATION:
        if transfer:
            return "denunciation.transfer"
        return "denunciation.check_multi" if multi_site else "denunciation.check"
    return "petition.process"


def send_rule_code(level: int) -> str:
    return "complaint.second.decision_send" if level > 1 else "complaint.decision_send"


ROUTING_LABEL = gettext_lazy("Xử lý đơn, thụ lý hoặc chuyển")
TRANSFER_LABEL = gettext_lazy("Chuyển tố cáo không thuộc thẩm quyền")


def _add(rule: Rule, start: dt.date, extra_calendar_days: int = 0) -> dt.date:
    require_period(rule)
    if rule.day_kind == DayKind.WORKING:
        due = calendar.add(start, rule.period, working=True)
        if extra_calendar_days:
            due = calendar.add(due, extra_calendar_days, working=False)
        return due
    return calendar.add(start, rule.period + extra_calendar_days, working=False)


def compute(p, *, rules: RuleLookup = rule_for) -> list[Deadline]:
    """The deadlines of petition `p`, in the order they fall due."""
    law_day: dt.date = p.received_on
    out: list[Deadline] = []

    def rule(code: str) -> Rule:
        return rules(code, law_day)

    transfer = transfers_denunciation(p.kind, p.state, getattr(p, "outside_competence", False))
    routing = rule(routing_rule_code(p.kind, p.multi_site, p.level, transfer))
    out.append(Deadline("routing", TRANSFER_LABEL if transfer else ROUTING_LABEL, p.received_on,
                        _add(routing, p.received_on), p.routed_on, routing))
    if p.channel in (Channel.DESK, Channel.SESSION):
        reply = rule("reception.reply")
        out.append(Deadline("reply", _("Trả lời người được tiếp"), p.received_on, _add(reply, p.received_on),
                            p.routed_on, reply))
    if p.accepted_on is not None:
        resolve = rule(resolve_rule_code(p.kind, p.level, p.complexity, p.remote))
        extra = p.suspended_days
        if p.kind == Kind.DENUNCIATION and p.extensions:
            extension = rule("denunciation.extension")
            extra += extension.period * p.extensions
        due: dt.date | None = _add(resolve, p.accepted_on, extra)
        if p.state == State.SUSPENDED and p.concluded_on is None:
            due = None
        out.append(Deadline("resolve", _("Giải quyết, kết luận"), p.accepted_on, due, p.concluded_on, resolve))
    if p.kind == Kind.DENUNCIATION and p.accepted_on is not None:
        notify = rule("denunciation.notify")
        out.append(Deadline("notify", _("Thông báo thụ lý cho người tố cáo và người bị tố cáo"), p.accepted_on,
                            _add(notify, p.accepted_on), getattr(p, "notified_on", None), notify))
    if p.kind == Kind.COMPLAINT and p.concluded_on is not None:
        send = rule(send_rule_code(p.level))
        out.append(Deadline("send", _("Gửi quyết định giải quyết"), p.concluded_on, _add(send, p.concluded_on),
                            p.decision_sent_on, send))
    return out


def summary(deadlines: list[Deadline]) -> tuple[dt.date | None, str, dt.date | None]:
    """(next unmet due date, its rule code, resolution due date) — the values stored on the
    petition for lists, alerts and statistics."""
    pending = [d for d in deadlines if d.met_on is None and d.due_on is not None]
    nxt = min(pending, key=lambda d: d.due_on) if pending else None  # type: ignore[arg-type,return-value]
    resolve = next((d for d in deadlines if d.step == "resolve"), None)
    return (nxt.due_on if nxt else None, nxt.rule.code if nxt else "", resolve.due_on if resolve else None)


@dataclass(frozen=True)
class FileLimit:
    """The last day a complaint could be filed (`due_on`), counted from `start`, and whether the
    petition was received after it."""

    start: dt.date
    due_on: dt.date
    rule: Rule
    received_on: dt.date

    @property
    def late(self) -> bool:
        return self.received_on > self.due_on


def file_limit_start(p) -> dt.date | None:
    """The day the filing limit of complaint `p` counts from: for a first-time complaint the day
    the complainant received or learned of the decision or act (`decision_known_on`, Art 9); for a
    second-time one the day the first-time decision was received — `decision_known_on` when the
    complainant's receipt is recorded, else the day it was sent — or, when none was issued, the
    last day of the first-time period (Art 33). None when that day is not known."""
    if p.kind != Kind.COMPLAINT:
        return None
    known: dt.date | None = getattr(p, "decision_known_on", None)
    if p.level <= 1 or known is not None:
        return known
    previous = p.previous if getattr(p, "previous_id", None) else None
    if previous is None:
        return None
    if previous.concluded_on is not None:
        return previous.decision_sent_on  # None: decided but not sent, so not yet received
    return previous.resolve_due_on


def file_limit_for(start: dt.date, level: int, remote: bool) -> tuple[dt.date, Rule]:
    if level <= 1:
        code = "complaint.file_limit"
    else:
        code = "complaint.second.file_limit_remote" if remote else "complaint.second.file_limit"
    rule = require_period(rule_for(code, start))
    return _add(rule, start), rule


def file_limit(p) -> FileLimit | None:
    """The filing limit of complaint `p` (Law on Complaints Art 9, Art 33), or None."""
    start = file_limit_start(p)
    if start is None:
        return None
    due, rule = file_limit_for(start, p.level, p.remote)
    return FileLimit(start, due, rule, p.received_on)


def refresh(p) -> list[Deadline]:
    """Recompute and store `due_on`, `due_rule`, `resolve_due_on` and `file_limit_on` on `p`
    (not saved)."""
    found = compute(p)
    p.due_on, p.due_rule, p.resolve_due_on = summary(found)
    limit = file_limit(p)
    p.file_limit_on = limit.due_on if limit else None
    if p.state not in (State.RECEIVED, State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED):
        p.due_on, p.due_rule = None, ""
    return found
