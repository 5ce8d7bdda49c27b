"""Every change to a petition after its receipt goes through a `do_*` function here (receiving
petitions and reception sessions is in `receiving`). Each checks the actor's role over the
petition's unit, validates with Vietnamese messages that name
the field, writes in one transaction with its history step and audit event, and recomputes the
deadlines from the legal rule table. Views, API v1, Open311, the demo loader and the CLI call
these.

The workflow is declared in `cases.PetitionCases`: for each action, the states it may start
from, the state it leads to, who may take it (routing staff, or the petition's handlers and the
leaders over it), its form and its service. Each service checks its action there, on the locked
row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.core import audit
from dieuhanh.core.cases import CaseAction
from dieuhanh.core.choices import DayKind
from dieuhanh.core.http import AnyUser
from dieuhanh.core.i18n import recorded
from dieuhanh.core.legal_rules import rule_for
from dieuhanh.core.legal_rules import value as rule_value
from dieuhanh.notifications import citizens
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Organisation, Person, User
from dieuhanh.petitions import confidentiality, crypto, deadlines
from dieuhanh.petitions.cases import PETITIONS
from dieuhanh.petitions.choices import (
    RESULTS_BY_KIND,
    Action,
    Channel,
    Complexity,
    Field,
    Ineligibility,
    Kind,
    Result,
    State,
)
from dieuhanh.petitions.models import Attachment, Petition, PetitionHandler, PetitionStep

if TYPE_CHECKING:
    from dieuhanh.directives.models import Document, Task

PARTY_BODIES = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PARTY_CELL)


def allowed_actions(user: AnyUser | None, p: Petition) -> list[str]:
    """The actions `user` may take on `p` now (for buttons and the API)."""
    return PETITIONS.allowed_actions(user, p)


# --- helpers -------------------------------------------------------------------------------


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_transition(actor: User, p: Petition, action: str) -> CaseAction:
    return PETITIONS.check(actor, p, action)


def _last_step_day(p: Petition) -> dt.date:
    last = p.steps.order_by("-on", "-id").values_list("on", flat=True).first()
    return max(filter(None, [last, p.received_on]))


def _check_day(p: Petition, on: dt.date | None, field: str, label: str) -> dt.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({field: [_("%(label)s (%(on)s) không được sau ngày hôm nay (%(today)s).") % {"label": label, "on": _fmt(on), "today": _fmt(today)}]})
    if on < p.received_on:
        raise ValidationError(
            {field: [_("%(label)s (%(on)s) không được trước ngày nhận đơn (%(received_on)s).") % {"label": label, "on": _fmt(on), "received_on": _fmt(p.received_on)}]}
        )
    last = _last_step_day(p)
    if on < last:
        raise ValidationError({field: [_("%(label)s (%(on)s) không được trước bước xử lý gần nhất (%(last)s).") % {"label": label, "on": _fmt(on), "last": _fmt(last)}]})
    return on


def _step(
    p: Petition, actor: AnyUser | None, action: str, on: dt.date, from_state: str, *, note: str = "", legal_basis: str = "",
    document_number: str = "", before: dict[str, Any] | None = None,
) -> PetitionStep:
    deadlines.refresh(p)
    p.save()
    step = PetitionStep.objects.create(
        petition=p, action=action, on=on, actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else str(actor or "hệ thống"),
        from_state=from_state, to_state=p.state, note=note, legal_basis=legal_basis, document_number=document_number,
        due_on=p.due_on,
    )
    audit.record(
        actor=actor, action=action, obj=p, before=before,
        after={**audit.snapshot(p, Petition.AUDIT_FIELDS), "ghi chú": note, "căn cứ": legal_basis},
    )
    citizens.petition_step(p, action, on)
    return step


def _before(p: Petition) -> dict[str, Any]:
    return audit.snapshot(p, Petition.AUDIT_FIELDS)


def do_classify(
    *, actor: User, petition: Petition, kind: str | None = None, field: str | None = None,
    eligible: bool | None = None, ineligibility: str = "", complexity: str | None = None,
    remote: bool | None = None, multi_site: bool | None = None, against_party_member: bool | None = None,
    handling_org: Organisation | None = None, note: str = "", on: dt.date | None = None,
    outside_competence: bool | None = None, decision_known_on: dt.date | None = None, late_excuse: str | None = None,
) -> Petition:
    """Classify a petition: its kind, field, eligibility, complexity; for a denunciation whether it
    is outside the body's competence (its transfer deadline then runs); for a complaint the day the
    complainant received or learned of the decision complained about (its filing limit) and any
    objective obstacle that stopped the limit running (Law on Complaints Art 9)."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.CLASSIFY)
        on = _check_day(p, on, "on", _("Ngày phân loại"))
        before = _before(p)
        errors: dict[str, list[str]] = {}
        if kind is not None and kind not in Kind.values:
            errors["kind"] = [_("Phân loại đơn không hợp lệ.")]
        if field is not None and field not in Field.values:
            errors["field"] = [_("Lĩnh vực không hợp lệ.")]
        if complexity is not None and complexity not in Complexity.values:
            errors["complexity"] = [_("Mức độ phức tạp không hợp lệ.")]
        if eligible is False and ineligibility not in Ineligibility.values:
            errors["ineligibility"] = [_("Đơn không đủ điều kiện phải ghi lý do.")]
        _check_known_on(p, decision_known_on, errors)
        late_excuse = _clean_excuse(late_excuse, errors)
        _raise(errors)
        if eligible is not None:
            p.eligible = eligible
            p.ineligibility = ineligibility if eligible is False else ""
        given = {
            "kind": kind, "field": field, "complexity": complexity, "remote": remote, "multi_site": multi_site,
            "against_party_member": against_party_member, "handling_org": handling_org,
            "outside_competence": outside_competence, "decision_known_on": decision_known_on,
            "late_excuse": late_excuse,
        }
        for name, value in given.items():  # what the caller left out (None) stays as it is
            if value is not None:
                setattr(p, name, value)
        became_confidential = confidentiality.contains_denunciation(p.kind) and not p.confidential
        if became_confidential:
            p.confidential = True  # never switched off again
            confidentiality.seal_links(p)
        p.refresh_search_text(crypto.decrypt_json(p.identity_enc))
        _step(p, actor, Action.CLASSIFY, on, p.state, note=note, before=before)
        if became_confidential:
            _protect_chain(p, actor, on)
        return p


def _check_known_on(p: Petition, known_on: dt.date | None, errors: dict[str, list[str]]) -> None:
    if known_on is not None and known_on > p.received_on:
        errors["decision_known_on"] = [
            _("Ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại (%(known_on)s) không được sau ngày nhận đơn (%(received_on)s).") % {"known_on": _fmt(known_on), "received_on": _fmt(p.received_on)}
        ]


EXCUSE_MAX = 300


def _clean_excuse(excuse: str | None, errors: dict[str, list[str]]) -> str | None:
    if excuse is None:
        return None
    excuse = " ".join(excuse.split())
    if len(excuse) > EXCUSE_MAX:
        errors["late_excuse"] = [_("Lý do trở ngại khách quan dài quá %(EXCUSE_MAX)s ký tự.") % {"EXCUSE_MAX": EXCUSE_MAX}]
    return excuse


def time_barred_message(p: Petition) -> str:
    """Why complaint `p` is to be refused as late, with the articles, and how an officer who knows
    of an objective obstacle records it."""
    limit = deadlines.file_limit(p)
    assert limit is not None
    return (
        _("Khiếu nại nhận ngày %(received_on)s, quá thời hiệu khiếu nại (hạn %(due_on)s: %(value_text)s kể từ %(start)s, %(citation)s): không thụ lý (Luật Khiếu nại 02/2011/QH13, Điều 11). Nếu người khiếu nại không khiếu nại được đúng thời hiệu vì ốm đau, thiên tai, địch họa, đi công tác, học tập ở nơi xa hoặc trở ngại khách quan khác, ghi lý do trở ngại để thời gian đó không tính vào thời hiệu (Điều 9).") % {"received_on": _fmt(p.received_on), "due_on": _fmt(limit.due_on), "value_text": limit.rule.value_text, "start": _fmt(limit.start), "citation": limit.rule.citation}
    )


PROTECT_REASON_MAX = 300


def do_protect(*, actor: User, petition: Petition, reason: str, on: dt.date | None = None) -> Petition:
    """Mark a petition confidential with a reason (a complaint whose author fears reprisal, a
    feedback that exposes a neighbour): from now on it is treated as a denunciation is — identity
    shown to its handlers only, each look logged, links to other petitions sealed, name out of
    the search text. Never undone."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.PROTECT)
        reason = " ".join((reason or "").split())
        if not reason:
            raise ValidationError({"reason": [_("Ghi lý do bảo mật danh tính người gửi.")]})
        if len(reason) > PROTECT_REASON_MAX:
            raise ValidationError({"reason": [_("Lý do bảo mật dài quá %(PROTECT_REASON_MAX)s ký tự.") % {"PROTECT_REASON_MAX": PROTECT_REASON_MAX}]})
        on = _check_day(p, on, "on", _("Ngày bảo mật"))
        before = _before(p)
        p.confidential, p.confidential_reason = True, reason
        confidentiality.seal_links(p)
        p.refresh_search_text(crypto.decrypt_json(p.identity_enc))
        _step(p, actor, Action.PROTECT, on, p.state, note=reason, before=before)
        _protect_chain(p, actor, on)
        return p


def _protect_chain(p: Petition, actor: User, on: dt.date) -> None:
    """A first-time complaint and its second-time complaint have one author: once either is
    confidential, so is the other (else its page would show the name the first one hides)."""
    related = Petition.objects.select_for_update().filter(Q(pk=p.previous_id) | Q(previous_id=p.pk), confidential=False)
    for other in related:
        before = _before(other)
        other.confidential = True
        other.confidential_reason = p.confidential_reason or "Cùng người gửi với một đơn có nội dung tố cáo"
        confidentiality.seal_links(other)
        other.refresh_search_text(crypto.decrypt_json(other.identity_enc))
        _step(other, actor, Action.PROTECT, max(on, _last_step_day(other)), other.state,
              note=f"Bảo mật theo đơn số {p.number} của cùng người gửi.", before=before)
        _protect_chain(other, actor, on)


def _check_handlers(p: Petition, users: list[User]) -> None:
    """Only those the handler picker offers may be given the petition (`PETITIONS.may_be_handler`):
    an officer of its unit who may handle petitions, not a system administrator, not an officer of
    another unit or a role that does not handle petitions (the office, the one-stop desk)."""
    for u in users:
        if not PETITIONS.may_be_handler(u, p):
            raise ValidationError({"handlers": [
                _("Người xử lý: %(display_name)s không phải cán bộ được giao xử lý đơn của đơn vị tiếp nhận.") % {"display_name": u.display_name}
            ]})


def do_assign(*, actor: User, petition: Petition, users: list[User], on: dt.date | None = None) -> Petition:
    """Assign the officers who handle the petition. They alone see a denouncer's identity."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.ASSIGN)
        if not users:
            raise ValidationError({"handlers": [_("Chọn ít nhất một người xử lý.")]})
        on = _check_day(p, on, "on", _("Ngày giao xử lý"))
        _check_handlers(p, users)
        added = []
        for u in users:
            _handler, created = PetitionHandler.objects.get_or_create(
                petition=p, user=u, defaults={"assigned_on": on, "assigned_by": actor}
            )
            if created:
                added.append(u.get_username())
        _step(p, actor, Action.ASSIGN, on, p.state, note="Giao xử lý: " + ", ".join(added or ["(không đổi)"]))
        return p


def do_accept(
    *, actor: User, petition: Petition, on: dt.date | None = None, handlers: list[User] | None = None,
    complexity: str | None = None, remote: bool | None = None, document_number: str = "", note: str = "",
    late_excuse: str = "",
) -> Petition:
    """Accept (thụ lý) a petition within the body's competence; the resolution period starts. A
    complaint received after its filing limit is refused (Law on Complaints Art 9, 11, 33) unless
    an objective obstacle is recorded here or at classification (Art 9)."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.ACCEPT)
        on = _check_day(p, on, "accepted_on", _("Ngày thụ lý"))
        errors: dict[str, list[str]] = {}
        if p.eligible is False:
            errors["eligible"] = [_("Đơn không đủ điều kiện thụ lý: %(ineligibility)s.") % {"ineligibility": Ineligibility(p.ineligibility).label}]
        if p.kind == Kind.DENUNCIATION and p.is_anonymous:
            errors["is_anonymous"] = [
                _("Tố cáo nặc danh, mạo danh không được thụ lý giải quyết như tố cáo (Luật Tố cáo, Điều 25); "
                "lưu đơn hoặc chuyển làm căn cứ thanh tra, kiểm tra.")
            ]
        if p.kind == Kind.DENUNCIATION and p.against_party_member and (
            p.handling_org is None or p.handling_org.kind not in PARTY_BODIES
        ):
            errors["handling_org"] = [
                _("Tố cáo đảng viên phải chuyển cho tổ chức đảng có thẩm quyền (cấp uỷ, uỷ ban kiểm tra), "
                "không thụ lý tại cơ quan nhà nước.")
            ]
        if p.kind == Kind.MIXED:
            errors["kind"] = [_("Đơn nhiều nội dung: phân loại lại từng nội dung trước khi thụ lý.")]
        if p.kind == Kind.DENUNCIATION and p.outside_competence:
            transfer = rule_for("denunciation.transfer", p.received_on)
            errors["outside_competence"] = [
                _("Tố cáo đã được xác định không thuộc thẩm quyền: chuyển đơn đến cơ quan có thẩm quyền trong %(value_text)s kể từ ngày nhận (%(citation)s), hoặc phân loại lại nếu thuộc thẩm quyền.") % {"value_text": transfer.value_text, "citation": transfer.citation}
            ]
        excuse = _clean_excuse(late_excuse, errors) or ""
        before = _before(p)
        if excuse:
            p.late_excuse = excuse
        if complexity is not None:
            p.complexity = complexity
        if remote is not None:
            p.remote = remote
        deadlines.refresh(p)  # the filing limit as the rule table gives it now
        if p.time_barred:
            errors["late_excuse"] = [time_barred_message(p)]
        _raise(errors)
        p.state, p.accepted_on, p.routed_on, p.eligible = State.ACCEPTED, on, on, True
        if handlers:
            _check_handlers(p, handlers)
            for u in handlers:
                PetitionHandler.objects.get_or_create(petition=p, user=u, defaults={"assigned_on": on, "assigned_by": actor})
        _step(p, actor, Action.ACCEPT, on, State.RECEIVED, note=note, document_number=document_number, before=before)
        return p


def do_notify(*, actor: User, petition: Petition, on: dt.date | None = None, document_number: str = "",
              note: str = "") -> Petition:
    """Record that the denouncer was told of the acceptance and the accused of the content of the
    denunciation (Law on Denunciations Art 29: within `denunciation.notify` of acceptance). The
    note must not name the denouncer: the accused's notice never reveals who denounced."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.NOTIFY)
        on = _check_day(p, on, "notified_on", _("Ngày thông báo thụ lý"))
        before = _before(p)
        p.notified_on = on
        _step(p, actor, Action.NOTIFY, on, p.state, note=note.strip(), document_number=document_number.strip(),
              before=before)
        return p


def _route_out(
    actor: User, petition: Petition, action: str, on: dt.date | None, note: str, *, target: str = "",
    ineligibility: str = "",
) -> Petition:
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        t = _check_transition(actor, p, action)
        on = _check_day(p, on, "routed_on", _("Ngày xử lý đơn"))
        before = _before(p)
        p.state, p.routed_on, p.closed_on = t.target, on, on  # type: ignore[assignment]
        if action == Action.TRANSFER:
            p.transferred_to = target
        if ineligibility:
            p.eligible, p.ineligibility = False, ineligibility
        _step(p, actor, action, on, State.RECEIVED, note=note, before=before)
        return p


def do_transfer(*, actor: User, petition: Petition, to: str, on: dt.date | None = None, note: str = "") -> Petition:
    """Transfer a petition outside the body's competence to the competent body, as many times as
    rule `petition.transfer_times` allows (once: Circular 05/2021/TT-TTCP). A petition another
    body transferred here has been transferred once already."""
    errors: dict[str, list[str]] = {}
    if not (to or "").strip():
        errors["transferred_to"] = [_("Thiếu cơ quan có thẩm quyền nhận đơn chuyển.")]
    transferred = 1 if petition.channel == Channel.TRANSFERRED or petition.transferred_from else 0
    allowed, rule = rule_value("petition.transfer_times", petition.received_on, unit=DayKind.TIMES)
    if transferred >= allowed:
        errors["transferred_to"] = [
            _("Đơn này do %(value)s chuyển đến: đơn không thuộc thẩm quyền chỉ được chuyển %(value_text)s (%(citation)s); hướng dẫn công dân hoặc lưu đơn.") % {"value": petition.transferred_from or _("cơ quan khác"), "value_text": rule.value_text, "citation": rule.citation}
        ]
    _raise(errors)
    return _route_out(actor, petition, Action.TRANSFER, on, note, target=to.strip())


def do_guide(*, actor: User, petition: Petition, note: str, on: dt.date | None = None) -> Petition:
    if not (note or "").strip():
        raise ValidationError({"note": [_("Ghi rõ đã hướng dẫn công dân gửi đơn đến cơ quan nào.")]})
    return _route_out(actor, petition, Action.GUIDE, on, note.strip())


def do_archive(*, actor: User, petition: Petition, reason: str, note: str = "", on: dt.date | None = None) -> Petition:
    """File a petition without handling it (anonymous, duplicate already answered, ...)."""
    if reason not in Ineligibility.values:
        raise ValidationError({"reason": [_("Chọn lý do lưu đơn.")]})
    label = Ineligibility(reason).label
    return _route_out(actor, petition, Action.ARCHIVE, on, f"{label}. {note}".strip(), ineligibility=reason)


def do_verify(*, actor: User, petition: Petition, on: dt.date | None = None, note: str = "",
              document_number: str = "") -> Petition:
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.VERIFY)
        on = _check_day(p, on, "on", _("Ngày bắt đầu xác minh"))
        before = _before(p)
        p.state = State.VERIFYING
        _step(p, actor, Action.VERIFY, on, State.ACCEPTED, note=note, document_number=document_number, before=before)
        return p


def do_extend(
    *, actor: User, petition: Petition, legal_basis: str, reason: str = "", on: dt.date | None = None,
    complexity: str | None = None, document_number: str = "",
) -> Petition:
    """Extend the resolution period. A denunciation may be extended as many times as the rule
    table allows for its complexity (`denunciation.extensions_complex`: once,
    `denunciation.extensions_very_complex`: twice), `denunciation.extension` days each (Law on
    Denunciations Art 30), by the law of its receipt date. A complaint has no extension as such:
    recognising it as complex moves it to the longer period (Art 28, 37)."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.EXTEND)
        on = _check_day(p, on, "on", _("Ngày gia hạn"))
        errors: dict[str, list[str]] = {}
        if not (legal_basis or "").strip():
            errors["legal_basis"] = [_("Thiếu căn cứ pháp lý của việc gia hạn.")]
        if complexity is not None and complexity not in Complexity.values:
            errors["complexity"] = [_("Mức độ phức tạp không hợp lệ.")]
        _raise(errors)
        before = _before(p)
        new_complexity = complexity or p.complexity
        if p.kind == Kind.DENUNCIATION:
            if new_complexity == Complexity.NORMAL:
                new_complexity = Complexity.COMPLEX
            code = ("denunciation.extensions_very_complex" if new_complexity == Complexity.VERY_COMPLEX
                    else "denunciation.extensions_complex")
            allowed, rule = rule_value(code, p.received_on, unit=DayKind.TIMES)
            if p.extensions >= allowed:
                raise ValidationError({"extensions": [
                    _("Đã gia hạn %(extensions)s lần: vụ việc %(new_complexity)s chỉ được gia hạn tối đa %(allowed)s lần (%(citation)s).") % {"extensions": p.extensions, "new_complexity": Complexity(new_complexity).label.lower(), "allowed": allowed, "citation": rule.citation}
                ]})
            p.extensions += 1
        elif p.kind == Kind.COMPLAINT:
            if p.complexity != Complexity.NORMAL:
                raise ValidationError({"complexity": [
                    _("Khiếu nại đã được xác định là phức tạp: thời hạn giải quyết đã là thời hạn dài nhất (Luật Khiếu "
                    "nại, Điều 28, 37).")
                ]})
            if new_complexity == Complexity.NORMAL:
                new_complexity = Complexity.COMPLEX
        else:
            raise ValidationError({"kind": [_("Kiến nghị, phản ánh không có gia hạn theo luật.")]})
        p.complexity = new_complexity
        old_due = p.resolve_due_on
        deadlines.refresh(p)
        if old_due is not None and p.resolve_due_on is not None and p.resolve_due_on <= old_due:
            raise ValidationError({"resolve_due_on": [_("Gia hạn phải kéo dài thời hạn giải quyết.")]})
        note = f"Hạn giải quyết mới {_fmt(p.resolve_due_on)} (trước đó {_fmt(old_due)}). {reason}".strip()
        _step(p, actor, Action.EXTEND, on, p.state, note=note, legal_basis=legal_basis.strip(),
              document_number=document_number, before=before)
        return p


def do_suspend(*, actor: User, petition: Petition, legal_basis: str, reason: str, on: dt.date | None = None,
               document_number: str = "") -> Petition:
    """Suspend resolution (e.g. waiting for another body's result); the period stops running."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        t = _check_transition(actor, p, Action.SUSPEND)
        on = _check_day(p, on, "suspended_on", _("Ngày tạm đình chỉ"))
        errors: dict[str, list[str]] = {}
        if not (legal_basis or "").strip():
            errors["legal_basis"] = [_("Thiếu căn cứ pháp lý của việc tạm đình chỉ.")]
        if not (reason or "").strip():
            errors["reason"] = [_("Thiếu lý do tạm đình chỉ.")]
        _raise(errors)
        before = _before(p)
        from_state = p.state
        p.state, p.suspended_on = t.target, on  # type: ignore[assignment]
        _step(p, actor, Action.SUSPEND, on, from_state, note=reason, legal_basis=legal_basis,
              document_number=document_number, before=before)
        return p


def do_resume(*, actor: User, petition: Petition, on: dt.date | None = None, note: str = "") -> Petition:
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.RESUME)
        on = _check_day(p, on, "on", _("Ngày tiếp tục giải quyết"))
        before = _before(p)
        p.suspended_days += (on - p.suspended_on).days if p.suspended_on else 0
        p.state, p.suspended_on = State.VERIFYING, None
        _step(p, actor, Action.RESUME, on, State.SUSPENDED, note=note, before=before)
        return p


def do_conclude(
    *, actor: User, petition: Petition, result: str, conclusion: str, on: dt.date | None = None,
    decision_number: str = "",
) -> Petition:
    """The decision on a complaint, the conclusion on a denunciation, the answer to a
    recommendation or feedback."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.CONCLUDE)
        on = _check_day(p, on, "concluded_on", _("Ngày kết luận, quyết định"))
        errors: dict[str, list[str]] = {}
        allowed = RESULTS_BY_KIND[Kind(p.kind)]
        if result not in allowed:
            errors["result"] = [_("Kết quả phải là: ") + ", ".join(Result(r).label.lower() for r in allowed) + "."]
        if not (conclusion or "").strip():
            errors["conclusion"] = [_("Thiếu nội dung kết luận, quyết định giải quyết.")]
        _raise(errors)
        before = _before(p)
        from_state = p.state
        p.state, p.concluded_on, p.result = State.CONCLUDED, on, result
        p.conclusion, p.decision_number = conclusion.strip(), decision_number.strip()
        _step(p, actor, Action.CONCLUDE, on, from_state, note=recorded(Result(result).label), document_number=decision_number,
              before=before)
        return p


def do_send_decision(*, actor: User, petition: Petition, on: dt.date | None = None, note: str = "") -> Petition:
    """Send the decision or conclusion to the parties; the case is resolved."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.SEND_DECISION)
        on = _check_day(p, on, "decision_sent_on", _("Ngày gửi quyết định"))
        before = _before(p)
        p.state, p.decision_sent_on, p.closed_on = State.RESOLVED, on, on
        _step(p, actor, Action.SEND_DECISION, on, State.CONCLUDED, note=note, before=before)
        return p


def do_terminate(*, actor: User, petition: Petition, legal_basis: str, reason: str, on: dt.date | None = None,
                 document_number: str = "") -> Petition:
    """End resolution without a conclusion (the complainant withdraws, dies without heirs, ...)."""
    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.TERMINATE)
        on = _check_day(p, on, "closed_on", _("Ngày đình chỉ"))
        errors: dict[str, list[str]] = {}
        if not (legal_basis or "").strip():
            errors["legal_basis"] = [_("Thiếu căn cứ pháp lý của việc đình chỉ.")]
        if not (reason or "").strip():
            errors["reason"] = [_("Thiếu lý do đình chỉ.")]
        _raise(errors)
        before = _before(p)
        from_state = p.state
        p.state, p.closed_on = State.TERMINATED, on
        _step(p, actor, Action.TERMINATE, on, from_state, note=reason, legal_basis=legal_basis,
              document_number=document_number, before=before)
        return p


def do_task_from_petition(
    *, actor: User, petition: Petition, source_document: Document | None, lead_unit: AdminUnit,
    lead_person: Person, due_date: dt.date, expected_result: str, accountable_person: Person, title: str = "",
) -> Task:
    """Turn a matter raised at a dialogue or a petition into a "5 rõ" task."""
    from dieuhanh.directives.services import do_create_task

    with transaction.atomic():
        p = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_transition(actor, p, Action.MAKE_TASK)
        task = do_create_task(
            actor=actor, title=title or f"Giải quyết kiến nghị của công dân: {p.subject}"[:500],
            content=p.content, source_document=source_document, lead_unit=lead_unit, lead_person=lead_person,
            due_date=due_date, expected_result=expected_result, accountable_person=accountable_person,
            assigned_on=timezone.localdate(),
        )
        before = _before(p)
        p.task = task
        _step(p, actor, Action.MAKE_TASK, timezone.localdate(), p.state, note=f"Nhiệm vụ {task.code}", before=before)
        return task


def attachment_name(a: Attachment) -> str:
    return crypto.decrypt_bytes(a.name_enc.encode()).decode()


def attachment_bytes(a: Attachment) -> bytes:
    return crypto.decrypt_bytes(bytes(a.data_enc))
