"""Every deadline of a petition, from the legal rule table and the working-day calendar.

The rule version is the one in force on the petition's receipt date, so a complaint received on
30/6/2026 keeps ten working days for acceptance after the law shortened it to seven. Each step's
deadline names its rule, so the page and the API can show the article it comes from.

The steps (LEGAL.md):
- routing: complaints `complaint.accept`; denunciations `denunciation.check` (or
  `denunciation.check_multi` when checks are needed at several places) and, when transferred,
  `denunciation.transfer`; recommendations, feedback and mixed petitions `petition.process`;
  a matter raised in person also `reception.reply` (telling the citizen what happens next);
- resolution, from acceptance: complaints `complaint.{first|second}.{resolve|complex|remote|
  remote_complex}`; denunciations `denunciation.resolve` plus one `denunciation.extension` per
  extension; recommendations and feedback `recommendation.resolve`. Days spent suspended do
  not count;
- complaints: `complaint.decision_send` from the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dieuhanh.core import calendar
from dieuhanh.core.choices import DayKind
from dieuhanh.core.legal_rules import Rule, require_period, rule_for
from dieuhanh.petitions.choices import Channel, Complexity, Kind, State

RuleLookup = Callable[[str, dt.date], Rule]


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
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
        unit = "ngày làm việc" if self.rule.day_kind == DayKind.WORKING else "ngày"
        return f"{self.rule.period} {unit}"


def resolve_rule_code(kind: str, level: int, complexity: str, remote: bool) -> str:
    if kind == Kind.COMPLAINT:
        stage = "first" if level <= 1 else "second"
        complex_ = complexity != Complexity.NORMAL
        suffix = {(False, False): "resolve", (True, False): "complex", (False, True): "remote",
                  (True, True): "remote_complex"}[(complex_, remote)]
        return f"complaint.{stage}.{suffix}"
    if kind == Kind.DENUNCIATION:
        return "denunciation.resolve"
    return "recommendation.resolve"


def routing_rule_code(kind: str, multi_site: bool) -> str:
    if kind == Kind.COMPLAINT:
        return "complaint.accept"
    if kind == Kind.DENUNCIATION:
        return "denunciation.check_multi" if multi_site else "denunciation.check"
    return "petition.process"


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

    routing = rule(routing_rule_code(p.kind, p.multi_site))
    out.append(Deadline("routing", "Xử lý đơn, thụ lý hoặc chuyển", p.received_on, _add(routing, p.received_on),
                        p.routed_on, routing))
    if p.kind == Kind.DENUNCIATION and p.state == State.TRANSFERRED:
        transfer = rule("denunciation.transfer")
        out.append(Deadline("transfer", "Chuyển tố cáo không thuộc thẩm quyền", p.received_on,
                            _add(transfer, p.received_on), p.routed_on, transfer))
    if p.channel in (Channel.DESK, Channel.SESSION):
        reply = rule("reception.reply")
        out.append(Deadline("reply", "Trả lời người được tiếp", p.received_on, _add(reply, p.received_on),
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
        out.append(Deadline("resolve", "Giải quyết, kết luận", p.accepted_on, due, p.concluded_on, resolve))
    if p.kind == Kind.COMPLAINT and p.concluded_on is not None:
        send = rule("complaint.decision_send")
        out.append(Deadline("send", "Gửi quyết định giải quyết", p.concluded_on, _add(send, p.concluded_on),
                            p.decision_sent_on, send))
    return out


def summary(deadlines: list[Deadline]) -> tuple[dt.date | None, str, dt.date | None]:
    """(next unmet due date, its rule code, resolution due date) — the values stored on the
    petition for lists, alerts and statistics."""
    pending = [d for d in deadlines if d.met_on is None and d.due_on is not None]
    nxt = min(pending, key=lambda d: d.due_on) if pending else None  # type: ignore[arg-type,return-value]
    resolve = next((d for d in deadlines if d.step == "resolve"), None)
    return (nxt.due_on if nxt else None, nxt.rule.code if nxt else "", resolve.due_on if resolve else None)


def refresh(p) -> list[Deadline]:
    """Recompute and store `due_on`, `due_rule` and `resolve_due_on` on `p` (not saved)."""
    found = compute(p)
    p.due_on, p.due_rule, p.resolve_due_on = summary(found)
    if p.state not in (State.RECEIVED, State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED):
        p.due_on, p.due_rule = None, ""
    return found
