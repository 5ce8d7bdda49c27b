"""Every change of the app: a `do_*(*, actor, …)` function that checks the actor's permission (or
the case action, `cases.py`, on the locked row), validates with Vietnamese messages naming the
field, writes, and records its history step and one audit event, in one transaction.

The audit log is read by the system's administrators, who may not read these files: its events
name the case by number and carry its states, kinds and dates, never a subject's name, a finding
or a conclusion (`_SNAPSHOT`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core import access, audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.directives.choices import DocumentKind, DocumentSystem
from dieuhanh.directives.models import Document, Task
from dieuhanh.inspection import rules
from dieuhanh.inspection.cases import APPEALS, DISCIPLINES, INSPECTIONS, REVIEWS
from dieuhanh.inspection.choices import (
    AppealState,
    Body,
    DisciplineState,
    Field,
    Form,
    Kind,
    Level,
    Measure,
    Outcome,
    ProgrammeSpan,
    Rating,
    ReviewState,
    State,
    SubjectType,
    TargetType,
    Verb,
    Verdict,
)
from dieuhanh.inspection.models import (
    Appeal,
    Discipline,
    Finding,
    Inspection,
    PlannedItem,
    Programme,
    ReportedFigure,
    Review,
    Step,
)
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Organisation, Person, User

PARTY_BODIES = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.INSPECTION_COMMISSION, OrganisationKind.PARTY_CELL)
PARTY_SUBJECTS = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PARTY_CELL)
_SNAPSHOT = {
    "inspection": ["state", "kind", "field", "body", "subject_type", "decided_on", "due_on", "announced_on",
                   "concluded_on", "notified_on", "verdict", "closed_on"],
    "discipline": ["state", "subject_type", "body", "proposed_form", "form", "current_form", "proposed_on",
                   "decided_on", "delivered_on", "appeal_due"],
    "appeal": ["state", "lodged_on", "late", "outcome", "new_form", "decided_on"],
    "review": ["state", "target", "year", "suggested_on", "review_due", "reviewed_on", "rating", "assessed_on",
               "closed_on"],
}
_NOUN = {"inspection": "Cuộc kiểm tra, giám sát", "discipline": "Vụ việc kỷ luật", "appeal": "Khiếu nại kỷ luật",
         "review": "Gợi ý kiểm điểm"}


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _case_name(obj: models.Model) -> str:
    return type(obj).__name__.lower()


def _snap(obj: models.Model) -> dict[str, Any]:
    return audit.snapshot(obj, _SNAPSHOT[_case_name(obj)])


def _record(actor: User | None, verb: str, obj: models.Model, before: dict[str, Any] | None) -> None:
    name = _case_name(obj)
    audit.record(actor=actor, action=verb, obj=obj, object_repr=f"{_NOUN[name]} số {obj.pk}", before=before,
                 after=_snap(obj))


def _step(actor: User | None, obj: Any, verb: str, day: dt.date, before: dict[str, Any] | None, note: str = "") -> None:
    Step.objects.create(case=_case_name(obj), case_id=obj.pk, action=verb, day=day, actor=actor, state=obj.state,
                        note=note[:400])
    _record(actor, verb, obj, before)


def _day(on: dt.date | None, errors: dict[str, list[str]], *, field: str = "on", label: str = "Ngày",
         not_before: dt.date | None = None, before_label: str = "") -> dt.date:
    """`on`, or today when empty; never in the future, never before `not_before`."""
    day = on or timezone.localdate()
    if day > timezone.localdate():
        errors[field] = [gettext("%(label)s không được sau hôm nay.") % {"label": label}]
    elif not_before is not None and day < not_before:
        errors[field] = [gettext("%(label)s không được trước %(what)s (%(day)s).") % {
            "label": label, "what": before_label, "day": _fmt(not_before)}]
    return day


def _text(value: str | None, field: str, message: str, errors: dict[str, list[str]]) -> str:
    text = (value or "").strip()
    if not text:
        errors[field] = [message]
    return text


def _subject(errors: dict[str, list[str]], subject_type: str | None, subject_org: Organisation | None,
             subject_person: Person | None) -> tuple[str, Organisation | None, Person | None]:
    if subject_type not in SubjectType.values:
        errors["subject_type"] = [gettext("Đối tượng: chọn tổ chức đảng, đảng viên chính thức hoặc đảng viên dự bị.")]
        return "", None, None
    if subject_type == SubjectType.ORGANISATION:
        if subject_org is None:
            errors["subject_org"] = [gettext("Tổ chức đảng: chưa chọn tổ chức được kiểm tra.")]
        elif subject_org.kind not in PARTY_SUBJECTS:
            errors["subject_org"] = [gettext("Tổ chức đảng: «%(name)s» không phải cấp uỷ hay chi bộ.") % {"name": subject_org.name}]
        return str(subject_type), subject_org, None
    if subject_person is None:
        errors["subject_person"] = [gettext("Đảng viên: chưa chọn người.")]
    return str(subject_type), None, subject_person


def _body_org(errors: dict[str, list[str]], organisation: Organisation | None, label: str = "Cơ quan quyết định",
              field: str = "organisation") -> Organisation | None:
    if organisation is None:
        errors[field] = [gettext("%(label)s: chưa chọn.") % {"label": label}]
    elif organisation.kind not in PARTY_BODIES:
        errors[field] = [gettext("%(label)s: «%(name)s» không phải cấp uỷ, uỷ ban kiểm tra hay chi bộ.") % {
            "label": label, "name": organisation.name}]
    return organisation


def _petition(errors: dict[str, list[str]], petition: Any) -> None:
    """A case may start from a denunciation against a party member, nothing else."""
    from dieuhanh.petitions.choices import Kind as PetitionKind

    if petition is not None and (petition.kind != PetitionKind.DENUNCIATION or not petition.against_party_member):
        errors["source_petition"] = [gettext("Đơn số %(n)s không phải đơn tố cáo đảng viên.") % {"n": petition.pk}]


def body_of(organisation: Organisation) -> str:
    """The body an organisation decides as: its inspection commission, its cell, or the committee's
    standing board."""
    if organisation.kind == OrganisationKind.INSPECTION_COMMISSION:
        return Body.COMMISSION
    if organisation.kind == OrganisationKind.PARTY_CELL:
        return Body.CELL
    return Body.STANDING


NOTICE_NUMBER = re.compile(r"^\s*(\d{1,6})\s*-\s*([A-Za-zĐđ]+)\s*/\s*([^\s/]+)\s*$")


def _notice_document(actor: User, organisation: Organisation, notice_number: str, day: dt.date, title: str,
                     errors: dict[str, list[str]], field: str = "notice_number") -> Document | None:
    """The directives' document the remedial tasks hang from: the party notice with its number.
    Its title does not name the subject (the tasks are read by the subject's unit)."""
    m = NOTICE_NUMBER.match(notice_number or "")
    if not m:
        errors[field] = [gettext("Số thông báo: viết theo dạng 12-TB/UBKTĐU (số, loại, cơ quan ban hành).")]
        return None
    number, code = m.group(1), m.group(3)
    doc = Document.objects.filter(issuer=organisation, kind=DocumentKind.NOTICE, number=number, issued_on=day).first()
    if doc is not None:
        return doc
    doc = Document(system=DocumentSystem.PARTY, kind=DocumentKind.NOTICE, number=number, issuer_code=code,
                   issuer=organisation, issued_on=day, title=title, created_by=actor)
    doc.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=doc, after=audit.snapshot(doc))
    return doc


# --- programmes ----------------------------------------------------------------------------------


@transaction.atomic
def do_add_programme(*, actor: User, organisation: Organisation | None, body: str | None, span: str | None,
                     year_from: int | None, year_to: int | None, title: str | None, adopted_on: dt.date | None,
                     document_number: str = "") -> Programme:
    errors: dict[str, list[str]] = {}
    _body_org(errors, organisation, gettext("Cấp uỷ, uỷ ban kiểm tra"))
    if body not in Body.values:
        errors["body"] = [gettext("Cơ quan thực hiện: chọn cấp uỷ, ban thường vụ, uỷ ban kiểm tra hoặc chi bộ.")]
    if span not in ProgrammeSpan.values:
        errors["span"] = [gettext("Thời gian: chọn năm hoặc nhiệm kỳ.")]
    if year_from is None or not 2000 <= year_from <= 2100:
        errors["year_from"] = [gettext("Từ năm: nhập năm, ví dụ 2026.")]
    if span == ProgrammeSpan.YEAR:
        year_to = year_from
    elif year_to is None or year_from is None or not year_from < year_to <= year_from + 5:
        errors["year_to"] = [gettext("Đến năm: nhiệm kỳ kết thúc sau năm bắt đầu, không quá 5 năm.")]
    title = _text(title, "title", gettext("Tên chương trình: chưa nhập."), errors)
    adopted = _day(adopted_on, errors, field="adopted_on", label=gettext("Ngày ban hành"))
    _raise(errors)
    assert organisation is not None and year_from is not None and year_to is not None
    access.require(actor, "inspection", "decide", organisation.unit_id, gettext("ban hành chương trình của cơ quan này"))
    p = Programme.objects.create(unit=organisation.unit, organisation=organisation, body=str(body), span=str(span),
                                 year_from=year_from, year_to=year_to, title=title[:300], adopted_on=adopted,
                                 document_number=(document_number or "").strip()[:40], created_by=actor)
    audit.record(actor=actor, action=Verb.PROGRAMME, obj=p, object_repr=f"Chương trình kiểm tra, giám sát số {p.pk}",
                 after=audit.snapshot(p, ["body", "span", "year_from", "year_to", "adopted_on"]))
    return p


@transaction.atomic
def do_plan_item(*, actor: User, programme: Programme, kind: str | None, field: str | None, content: str | None,
                 subject_type: str | None, subject_org: Organisation | None, subject_person: Person | None,
                 year: int | None, quarter: int | None, lead: Person | None = None) -> PlannedItem:
    access.require(actor, "inspection", "decide", programme.unit_id, gettext("sửa chương trình này"))
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [gettext("Loại: chọn loại kiểm tra hoặc giám sát.")]
    if field not in Field.values:
        errors["field"] = [gettext("Lĩnh vực: chưa chọn.")]
    content = _text(content, "content", gettext("Nội dung: chưa nhập."), errors)
    subject_type, subject_org, subject_person = _subject(errors, subject_type, subject_org, subject_person)
    if year is None or not programme.year_from <= year <= programme.year_to:
        errors["year"] = [gettext("Năm: phải trong thời gian của chương trình (%(years)s).") % {"years": programme.years}]
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = [gettext("Quý: chọn quý 1 đến 4.")]
    _raise(errors)
    assert year is not None and quarter is not None
    item = PlannedItem.objects.create(programme=programme, unit=programme.unit, kind=str(kind), field=str(field),
                                      content=content[:400], subject_type=subject_type, subject_org=subject_org,
                                      subject_person=subject_person, year=year, quarter=quarter, lead=lead)
    audit.record(actor=actor, action=Verb.PLAN_ITEM, obj=item, object_repr=f"Nội dung chương trình số {item.pk}",
                 after=audit.snapshot(item, ["programme", "kind", "field", "subject_type", "year", "quarter"]))
    return item


# --- inspections ---------------------------------------------------------------------------------


@transaction.atomic
def do_decide_inspection(
    *, actor: User, organisation: Organisation | None, body: str | None, kind: str | None, field: str | None,
    content: str | None, subject_type: str | None, subject_org: Organisation | None = None,
    subject_person: Person | None = None, decided_on: dt.date | None, starts_on: dt.date | None,
    ends_on: dt.date | None, team_lead: Person | None, team: Iterable[Person] = (), decision_number: str = "",
    reviewed_from: dt.date | None = None, reviewed_to: dt.date | None = None,
    planned_item: PlannedItem | None = None, source_petition: Any = None, today: dt.date | None = None,
) -> Inspection:
    """Decide an inspection or supervision: its body, kind, subject, field, team and schedule. The
    periods come from the rule table: the decision is announced within `inspection.announce`, and
    the work ends within the kind's duration."""
    errors: dict[str, list[str]] = {}
    _body_org(errors, organisation)
    if body not in Body.values:
        errors["body"] = [gettext("Cơ quan tiến hành: chọn cấp uỷ, ban thường vụ, uỷ ban kiểm tra hoặc chi bộ.")]
    if kind not in Kind.values:
        errors["kind"] = [gettext("Loại: chọn loại kiểm tra hoặc giám sát.")]
    if field not in Field.values:
        errors["field"] = [gettext("Lĩnh vực: chưa chọn.")]
    content = _text(content, "content", gettext("Nội dung kiểm tra, giám sát: chưa nhập."), errors)
    subject_type, subject_org, subject_person = _subject(errors, subject_type, subject_org, subject_person)
    if decided_on is None:
        errors["decided_on"] = [gettext("Ngày quyết định: chưa nhập.")]
    elif decided_on > (today or timezone.localdate()):
        errors["decided_on"] = [gettext("Ngày quyết định không được sau hôm nay.")]
    if team_lead is None:
        errors["team_lead"] = [gettext("Trưởng đoàn: chưa chọn.")]
    if starts_on is None:
        errors["starts_on"] = [gettext("Bắt đầu: chưa nhập.")]
    elif decided_on is not None and starts_on < decided_on:
        errors["starts_on"] = [gettext("Bắt đầu không được trước ngày quyết định.")]
    if ends_on is None:
        errors["ends_on"] = [gettext("Kết thúc dự kiến: chưa nhập.")]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [gettext("Kết thúc dự kiến không được trước ngày bắt đầu.")]
    if reviewed_from and reviewed_to and reviewed_to < reviewed_from:
        errors["reviewed_to"] = [gettext("Thời kỳ kiểm tra: ngày cuối trước ngày đầu.")]
    if decided_on is not None and kind in Kind.values and ends_on is not None and "ends_on" not in errors:
        _announce, due, _r1, rule = rules.due_dates(str(kind), decided_on)
        if ends_on > due:
            errors["ends_on"] = [gettext("Kết thúc dự kiến %(end)s quá thời hạn %(value)s kể từ ngày quyết định (đến %(due)s; %(citation)s).") % {
                "end": _fmt(ends_on), "value": rule.value_text, "due": _fmt(due), "citation": rule.citation}]
    _petition(errors, source_petition)
    if planned_item is not None and organisation is not None:
        if planned_item.unit_id != organisation.unit_id:
            errors["planned_item"] = [gettext("Theo chương trình: nội dung thuộc chương trình của đơn vị khác.")]
        elif Inspection.objects.filter(planned_item=planned_item).exists():
            errors["planned_item"] = [gettext("Theo chương trình: nội dung này đã có quyết định kiểm tra.")]
    _raise(errors)
    assert organisation is not None and decided_on is not None and starts_on is not None and ends_on is not None
    assert team_lead is not None
    access.require(actor, "inspection", "decide", organisation.unit_id, gettext("quyết định kiểm tra, giám sát của cơ quan này"))
    announce_due, due, _r1, _r2 = rules.due_dates(str(kind), decided_on)
    i = Inspection.objects.create(
        unit=organisation.unit, organisation=organisation, body=str(body), kind=str(kind), field=str(field),
        content=content[:400],
        subject_type=subject_type, subject_org=subject_org, subject_person=subject_person, planned_item=planned_item,
        source_petition=source_petition, reviewed_from=reviewed_from, reviewed_to=reviewed_to,
        decision_number=(decision_number or "").strip()[:40], decided_on=decided_on, starts_on=starts_on,
        ends_on=ends_on, announce_due=announce_due, due_on=due, team_lead=team_lead, created_by=actor,
    )
    members = {p.pk for p in team} - {team_lead.pk}
    if members:
        i.team.set(members)
    _step(actor, i, Verb.DECIDE, decided_on, None, note=i.decision_number)
    return i


def _lock_inspection(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


@transaction.atomic
def do_announce(*, actor: User, inspection: Inspection, on: dt.date | None = None, note: str = "") -> Inspection:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, "announce")
    errors: dict[str, list[str]] = {}
    day = _day(on, errors, label=gettext("Ngày công bố"), not_before=i.decided_on, before_label=gettext("ngày quyết định"))
    _raise(errors)
    before = _snap(i)
    i.state, i.announced_on = State.ANNOUNCED, day
    i.save()
    _step(actor, i, Verb.ANNOUNCE, day, before, note=(note or "").strip())
    return i


def _text_step(actor: User, inspection: Inspection, action: str, verb: str, on: dt.date | None, text: str,
               state: str, text_field: str, day_field: str, message: str) -> Inspection:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, action)
    errors: dict[str, list[str]] = {}
    body = _text(text, "text", message, errors)
    day = _day(on, errors, not_before=i.decided_on, before_label=gettext("ngày quyết định"))
    _raise(errors)
    before = _snap(i)
    setattr(i, text_field, body)
    setattr(i, day_field, day)
    i.state = state
    i.save()
    _step(actor, i, verb, day, before)
    return i


@transaction.atomic
def do_self_report(*, actor: User, inspection: Inspection, on: dt.date | None = None, text: str = "") -> Inspection:
    return _text_step(actor, inspection, "self_report", Verb.SELF_REPORT, on, text, State.REPORTED, "self_report",
                      "self_reported_on", gettext("Nội dung: ghi tóm tắt báo cáo, giải trình của đối tượng."))


@transaction.atomic
def do_verify(*, actor: User, inspection: Inspection, on: dt.date | None = None, text: str = "") -> Inspection:
    return _text_step(actor, inspection, "verify", Verb.VERIFY, on, text, State.VERIFIED, "verification",
                      "verified_on", gettext("Nội dung: ghi kết quả thẩm tra, xác minh."))


@transaction.atomic
def do_draft(*, actor: User, inspection: Inspection, on: dt.date | None = None, text: str = "") -> Inspection:
    return _text_step(actor, inspection, "draft", Verb.DRAFT, on, text, State.DRAFTED, "draft_report", "drafted_on",
                      gettext("Nội dung: ghi dự thảo báo cáo kết quả (đã trao đổi với đối tượng)."))


def _add_finding(actor: User, case: Inspection | Review, text: str, breach: bool) -> Finding:
    errors: dict[str, list[str]] = {}
    body = _text(text, "text", gettext("Nội dung: ghi hạn chế, khuyết điểm hoặc vi phạm cần khắc phục."), errors)
    _raise(errors)
    f = Finding.objects.create(unit=case.unit, text=body, breach=bool(breach),
                               **({"inspection": case} if isinstance(case, Inspection) else {"review": case}))
    _step(actor, case, Verb.FINDING, timezone.localdate(), _snap(case), note=f"#{f.pk}")
    return f


@transaction.atomic
def do_add_finding(*, actor: User, inspection: Inspection, text: str = "", breach: bool = False) -> Finding:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, "add_finding")
    return _add_finding(actor, i, text, breach)


@transaction.atomic
def do_conclude(*, actor: User, inspection: Inspection, on: dt.date | None = None, verdict: str = "",
                conclusion: str = "") -> Inspection:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, "conclude")
    errors: dict[str, list[str]] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = [gettext("Kết luận chung: chọn một kết luận.")]
    elif verdict != Verdict.NO_FAULT and not i.findings.exists():
        errors["verdict"] = [gettext("Kết luận có hạn chế, khuyết điểm hoặc vi phạm: ghi từng nội dung cần khắc phục trước khi kết luận.")]
    elif verdict in (Verdict.VIOLATION, Verdict.DISCIPLINE) and not i.findings.filter(breach=True).exists():
        errors["verdict"] = [gettext("Kết luận có vi phạm: chưa có nội dung nào được ghi là vi phạm.")]
    body = _text(conclusion, "conclusion", gettext("Nội dung kết luận: chưa nhập."), errors)
    day = _day(on, errors, label=gettext("Ngày kết luận"), not_before=i.decided_on, before_label=gettext("ngày quyết định"))
    _raise(errors)
    before = _snap(i)
    i.state, i.verdict, i.conclusion, i.concluded_on = State.CONCLUDED, verdict, body, day
    i.save()
    late = "" if day <= i.due_on else gettext("Kết luận sau hạn %(due)s") % {"due": _fmt(i.due_on)}
    _step(actor, i, Verb.CONCLUDE, day, before, note=late)
    return i


@transaction.atomic
def do_notify(*, actor: User, inspection: Inspection, on: dt.date | None = None, notice_number: str = "") -> Inspection:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, "notify")
    errors: dict[str, list[str]] = {}
    assert i.concluded_on is not None
    day = _day(on, errors, label=gettext("Ngày thông báo"), not_before=i.concluded_on, before_label=gettext("ngày kết luận"))
    what = gettext("giám sát") if i.is_supervision else gettext("kiểm tra")
    doc = None if errors else _notice_document(actor, i.organisation, notice_number, day,
                                                gettext("Thông báo kết luận %(what)s") % {"what": what}, errors)
    _raise(errors)
    before = _snap(i)
    i.state, i.notified_on, i.notice_number, i.notice_document = State.NOTIFIED, day, notice_number.strip(), doc
    i.save()
    _step(actor, i, Verb.NOTIFY, day, before, note=i.notice_number)
    return i


@transaction.atomic
def do_remedial_task(*, actor: User, case: Inspection | Review, finding: Finding | None, title: str = "",
                     lead_unit: AdminUnit | None = None, lead_person: Person | None = None,
                     due_date: dt.date | None = None, expected_result: str = "",
                     accountable_person: Person | None = None) -> Task:
    """Give a finding out as a "5 rõ" task under the case's notice: followed like every task, and
    the case is closed only when it is done."""
    from dieuhanh.directives.services import do_create_task

    cases = INSPECTIONS if isinstance(case, Inspection) else REVIEWS
    locked = type(case).objects.select_for_update().get(pk=case.pk)
    cases.check(actor, locked, "remedial_task")
    if finding is None or finding.task_id is not None or (
            finding.inspection_id if isinstance(case, Inspection) else finding.review_id) != case.pk:
        raise ValidationError({"finding": [gettext("Nội dung cần khắc phục: chọn một nội dung của hồ sơ này chưa giao thành nhiệm vụ.")]})
    task = do_create_task(
        actor=actor, title=(title or "").strip() or gettext("Khắc phục: %(text)s") % {"text": finding.text[:480]},
        content=finding.text, source_document=locked.notice_document, lead_unit=lead_unit, lead_person=lead_person,
        due_date=due_date, expected_result=expected_result, accountable_person=accountable_person,
        assigned_on=timezone.localdate(),
    )
    finding.task = task
    finding.save(update_fields=["task"])
    _step(actor, locked, Verb.REMEDY, timezone.localdate(), _snap(locked), note=task.code)
    return task


@transaction.atomic
def do_close(*, actor: User, inspection: Inspection, on: dt.date | None = None) -> Inspection:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, "close")
    errors: dict[str, list[str]] = {}
    assert i.notified_on is not None
    day = _day(on, errors, not_before=i.notified_on, before_label=gettext("ngày thông báo kết luận"))
    _raise(errors)
    before = _snap(i)
    i.state, i.closed_on = State.CLOSED, day
    i.save()
    _step(actor, i, Verb.CLOSE, day, before)
    return i


# --- discipline ----------------------------------------------------------------------------------


def _limitation_errors(form: str, violated_on: dt.date, day: dt.date, no_limitation: bool,
                       errors: dict[str, list[str]], field: str) -> None:
    if no_limitation:
        return
    lim = rules.limitation(form, violated_on, day)
    if lim.rule is not None and lim.last_day is not None and lim.expired_on(day):
        errors[field] = [gettext(
            "Đã hết thời hiệu kỷ luật %(form)s: vi phạm ngày %(violated)s, thời hiệu %(value)s (%(citation)s) hết ngày %(last)s."
        ) % {"form": str(Form(form).label).lower(), "violated": _fmt(violated_on), "value": lim.rule.value_text,
             "citation": lim.rule.citation, "last": _fmt(lim.last_day)}]


@transaction.atomic
def do_propose_discipline(
    *, actor: User, organisation: Organisation | None, subject_type: str | None, subject_org: Organisation | None = None,
    subject_person: Person | None = None, violation: str = "", violated_on: dt.date | None = None,
    proposed_form: str = "", on: dt.date | None = None, no_limitation: bool = False,
    source_inspection: Inspection | None = None, source_petition: Any = None,
) -> Discipline:
    """Open a discipline case before the competent body: from an inspection's conclusion or from
    a denunciation against a party member (a petition sent to party bodies)."""
    errors: dict[str, list[str]] = {}
    _body_org(errors, organisation, gettext("Cơ quan có thẩm quyền"))
    subject_type, subject_org, subject_person = _subject(errors, subject_type, subject_org, subject_person)
    body = _text(violation, "violation", gettext("Nội dung vi phạm: chưa nhập."), errors)
    day = _day(on, errors, label=gettext("Ngày đề nghị"))
    if violated_on is None:
        errors["violated_on"] = [gettext("Ngày vi phạm: chưa nhập (thời hiệu tính từ ngày này).")]
    elif violated_on > day:
        errors["violated_on"] = [gettext("Ngày vi phạm không được sau ngày đề nghị.")]
    _petition(errors, source_petition)
    if proposed_form not in Form.values:
        errors["proposed_form"] = [gettext("Hình thức đề nghị: chưa chọn.")]
    elif subject_type and (why := rules.form_refusal(subject_type, proposed_form)):
        errors["proposed_form"] = [why]
    elif violated_on is not None and "violated_on" not in errors:
        _limitation_errors(proposed_form, violated_on, day, no_limitation, errors, "proposed_form")
    _raise(errors)
    assert organisation is not None and violated_on is not None
    access.require(actor, "inspection", "decide", organisation.unit_id, gettext("đề nghị kỷ luật trước cơ quan này"))
    d = Discipline.objects.create(
        unit=organisation.unit, organisation=organisation, body=body_of(organisation), subject_type=subject_type,
        subject_org=subject_org, subject_person=subject_person, source_inspection=source_inspection,
        source_petition=source_petition, violation=body, violated_on=violated_on, no_limitation=bool(no_limitation),
        proposed_form=proposed_form, proposed_on=day, created_by=actor,
    )
    _step(actor, d, Verb.PROPOSE, day, None)
    return d


@transaction.atomic
def do_propose_from_inspection(*, actor: User, inspection: Inspection, on: dt.date | None = None,
                               organisation: Organisation | None = None, violation: str = "",
                               violated_on: dt.date | None = None, proposed_form: str = "",
                               no_limitation: bool = False) -> Discipline:
    i = _lock_inspection(inspection)
    INSPECTIONS.check(actor, i, "propose_discipline")
    d = do_propose_discipline(
        actor=actor, organisation=organisation or i.organisation, subject_type=i.subject_type, subject_org=i.subject_org,
        subject_person=i.subject_person, violation=violation, violated_on=violated_on, proposed_form=proposed_form,
        on=on, no_limitation=no_limitation, source_inspection=i,
    )
    _step(actor, i, Verb.PROPOSE, d.proposed_on, _snap(i), note=f"#{d.pk}")
    return d


def _lock_discipline(discipline: Discipline) -> Discipline:
    return Discipline.objects.select_for_update().get(pk=discipline.pk)


@transaction.atomic
def do_decide_discipline(*, actor: User, discipline: Discipline, on: dt.date | None = None, form: str = "",
                         decision_number: str = "", reason: str = "") -> Discipline:
    """Decide the form: one that applies to the subject (Điều lệ Art 35), within its limitation
    period counted from the violation to the decision, unless the violation has none."""
    d = _lock_discipline(discipline)
    DISCIPLINES.check(actor, d, "decide")
    errors: dict[str, list[str]] = {}
    day = _day(on, errors, label=gettext("Ngày quyết định"), not_before=d.proposed_on, before_label=gettext("ngày đề nghị"))
    if form not in Form.values:
        errors["form"] = [gettext("Hình thức kỷ luật: chưa chọn.")]
    elif why := rules.form_refusal(d.subject_type, form):
        errors["form"] = [why]
    elif "on" not in errors:
        _limitation_errors(form, d.violated_on, day, d.no_limitation, errors, "form")
    number = _text(decision_number, "decision_number", gettext("Số quyết định: chưa nhập."), errors)
    _raise(errors)
    before = _snap(d)
    d.state, d.form, d.current_form, d.decided_on = DisciplineState.DECIDED, form, form, day
    d.decision_number, d.reason = number[:40], (reason or "").strip()
    d.save()
    _step(actor, d, Verb.DISCIPLINE, day, before, note=d.decision_number)
    return d


@transaction.atomic
def do_drop(*, actor: User, discipline: Discipline, on: dt.date | None = None, reason: str = "") -> Discipline:
    d = _lock_discipline(discipline)
    DISCIPLINES.check(actor, d, "drop")
    errors: dict[str, list[str]] = {}
    day = _day(on, errors, not_before=d.proposed_on, before_label=gettext("ngày đề nghị"))
    text = _text(reason, "reason", gettext("Lý do không kỷ luật: chưa nhập."), errors)
    _raise(errors)
    before = _snap(d)
    d.state, d.decided_on, d.reason = DisciplineState.DROPPED, day, text
    d.save()
    _step(actor, d, Verb.DROP, day, before)
    return d


@transaction.atomic
def do_deliver(*, actor: User, discipline: Discipline, on: dt.date | None = None) -> Discipline:
    """Record the day the subject received the decision: the appeal period runs from it."""
    d = _lock_discipline(discipline)
    DISCIPLINES.check(actor, d, "deliver")
    errors: dict[str, list[str]] = {}
    assert d.decided_on is not None
    day = _day(on, errors, label=gettext("Ngày nhận quyết định"), not_before=d.decided_on,
               before_label=gettext("ngày quyết định"))
    _raise(errors)
    before = _snap(d)
    d.state, d.delivered_on = DisciplineState.DELIVERED, day
    d.appeal_due, _rule = rules.appeal_due(day)
    d.save()
    _step(actor, d, Verb.DELIVER, day, before)
    return d


@transaction.atomic
def do_lodge_appeal(*, actor: User, discipline: Discipline, on: dt.date | None = None,
                    organisation: Organisation | None = None, grounds: str = "") -> Appeal:
    """Enter an appeal against a delivered decision, before the body above the one that decided.
    One lodged after the appeal period is entered and marked late: it cannot be accepted."""
    d = _lock_discipline(discipline)
    DISCIPLINES.check(actor, d, "appeal")
    errors: dict[str, list[str]] = {}
    assert d.delivered_on is not None and d.appeal_due is not None
    day = _day(on, errors, label=gettext("Ngày nhận đơn"), not_before=d.delivered_on,
               before_label=gettext("ngày nhận quyết định"))
    _body_org(errors, organisation, gettext("Cơ quan giải quyết"))
    if organisation is not None and organisation.pk == d.organisation_id:
        errors["organisation"] = [gettext("Cơ quan giải quyết: khiếu nại gửi cấp trên của cơ quan đã quyết định kỷ luật.")]
    text = _text(grounds, "grounds", gettext("Nội dung khiếu nại: chưa nhập."), errors)
    _raise(errors)
    assert organisation is not None
    access.require(actor, "inspection", "decide", organisation.unit_id, gettext("vào sổ khiếu nại cho cơ quan này"))
    a = Appeal.objects.create(discipline=d, unit=organisation.unit, organisation=organisation, lodged_on=day,
                              grounds=text, late=day > d.appeal_due, created_by=actor)
    _step(actor, a, Verb.APPEAL, day, None, note=gettext("Quá hạn khiếu nại (%(due)s)") % {"due": _fmt(d.appeal_due)}
          if a.late else "")
    _step(actor, d, Verb.APPEAL, day, _snap(d), note=f"#{a.pk}")
    return a


def _lock_appeal(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("discipline").get(pk=appeal.pk)


@transaction.atomic
def do_accept_appeal(*, actor: User, appeal: Appeal, on: dt.date | None = None) -> Appeal:
    a = _lock_appeal(appeal)
    APPEALS.check(actor, a, "accept")
    errors: dict[str, list[str]] = {}
    day = _day(on, errors, not_before=a.lodged_on, before_label=gettext("ngày nhận đơn"))
    _raise(errors)
    before = _snap(a)
    a.state, a.accepted_on = AppealState.ACCEPTED, day
    a.save()
    _step(actor, a, Verb.ACCEPT, day, before)
    return a


@transaction.atomic
def do_refuse_appeal(*, actor: User, appeal: Appeal, on: dt.date | None = None, reason: str = "") -> Appeal:
    a = _lock_appeal(appeal)
    APPEALS.check(actor, a, "refuse")
    errors: dict[str, list[str]] = {}
    day = _day(on, errors, not_before=a.lodged_on, before_label=gettext("ngày nhận đơn"))
    text = _text(reason, "reason", gettext("Lý do: chưa nhập (ví dụ quá thời hạn khiếu nại)."), errors)
    _raise(errors)
    before = _snap(a)
    a.state, a.decided_on, a.reason = AppealState.REFUSED, day, text
    a.save()
    _step(actor, a, Verb.REFUSE, day, before)
    return a


@transaction.atomic
def do_resolve_appeal(*, actor: User, appeal: Appeal, on: dt.date | None = None, outcome: str = "",
                      new_form: str = "", reason: str = "") -> Appeal:
    """Decide an appeal: uphold the form, change it (to one that applies to the subject), or annul
    the decision. The discipline's current form follows."""
    a = _lock_appeal(appeal)
    APPEALS.check(actor, a, "resolve")
    d = _lock_discipline(a.discipline)
    errors: dict[str, list[str]] = {}
    assert a.accepted_on is not None
    day = _day(on, errors, not_before=a.accepted_on, before_label=gettext("ngày thụ lý"))
    if outcome not in Outcome.values:
        errors["outcome"] = [gettext("Kết quả: chưa chọn.")]
    elif outcome == Outcome.CHANGED:
        if new_form not in Form.values:
            errors["new_form"] = [gettext("Hình thức mới: chưa chọn.")]
        elif new_form == d.current_form:
            errors["new_form"] = [gettext("Hình thức mới trùng hình thức đang áp dụng: chọn «giữ nguyên».")]
        elif why := rules.form_refusal(d.subject_type, new_form):
            errors["new_form"] = [why]
    text = _text(reason, "reason", gettext("Lý do: chưa nhập."), errors)
    _raise(errors)
    before = _snap(a)
    a.state, a.outcome, a.decided_on, a.reason = AppealState.DECIDED, outcome, day, text
    a.new_form = new_form if outcome == Outcome.CHANGED else ""
    a.save()
    d_before = _snap(d)
    if outcome == Outcome.CHANGED:
        d.current_form = new_form
    elif outcome == Outcome.ANNULLED:
        d.current_form = ""
    d.save()
    _step(actor, a, Verb.RESOLVE, day, before)
    _step(actor, d, Verb.RESOLVE, day, d_before, note=f"#{a.pk}")
    return a


# --- self-criticism reviews ---------------------------------------------------------------------


@transaction.atomic
def do_suggest_review(*, actor: User, organisation: Organisation | None, target: str | None,
                      subject_org: Organisation | None = None, subject_person: Person | None = None,
                      year: int | None = None, suggestion: str = "", suggested_on: dt.date | None = None,
                      review_due: dt.date | None = None) -> Review:
    """Suggest to a collective or a person what their review must answer (gợi ý kiểm điểm)."""
    errors: dict[str, list[str]] = {}
    _body_org(errors, organisation, gettext("Cấp uỷ gợi ý"))
    if target not in TargetType.values:
        errors["target"] = [gettext("Gợi ý cho: chọn tập thể hoặc cá nhân.")]
    elif target == TargetType.COLLECTIVE and subject_org is None:
        errors["subject_org"] = [gettext("Tập thể: chưa chọn.")]
    elif target == TargetType.INDIVIDUAL and subject_person is None:
        errors["subject_person"] = [gettext("Cá nhân: chưa chọn.")]
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = [gettext("Năm kiểm điểm: nhập năm, ví dụ 2026.")]
    text = _text(suggestion, "suggestion", gettext("Nội dung gợi ý kiểm điểm: chưa nhập."), errors)
    day = _day(suggested_on, errors, field="suggested_on", label=gettext("Ngày gợi ý"))
    if review_due is None:
        errors["review_due"] = [gettext("Hạn kiểm điểm: chưa nhập.")]
    elif review_due < day:
        errors["review_due"] = [gettext("Hạn kiểm điểm không được trước ngày gợi ý.")]
    _raise(errors)
    assert organisation is not None and review_due is not None and year is not None
    access.require(actor, "inspection", "decide", organisation.unit_id, gettext("gợi ý kiểm điểm thay cấp uỷ này"))
    collective = target == TargetType.COLLECTIVE
    r = Review.objects.create(
        unit=organisation.unit, organisation=organisation, target=str(target),
        subject_type=SubjectType.ORGANISATION if collective else SubjectType.MEMBER,
        subject_org=subject_org if collective else None, subject_person=None if collective else subject_person,
        year=year, suggestion=text, suggested_on=day, review_due=review_due, created_by=actor,
    )
    _step(actor, r, Verb.SUGGEST, day, None)
    return r


def _lock_review(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def do_record_review(*, actor: User, review: Review, on: dt.date | None = None, text: str = "") -> Review:
    r = _lock_review(review)
    REVIEWS.check(actor, r, "record_review")
    errors: dict[str, list[str]] = {}
    body = _text(text, "text", gettext("Nội dung: ghi kết quả tự kiểm điểm và giải trình các vấn đề được gợi ý."), errors)
    day = _day(on, errors, not_before=r.suggested_on, before_label=gettext("ngày gợi ý"))
    _raise(errors)
    before = _snap(r)
    r.state, r.review, r.reviewed_on = ReviewState.REVIEWED, body, day
    r.save()
    _step(actor, r, Verb.REVIEW, day, before)
    return r


@transaction.atomic
def do_assess(*, actor: User, review: Review, on: dt.date | None = None, rating: str = "", assessment: str = "",
              notice_number: str = "") -> Review:
    r = _lock_review(review)
    REVIEWS.check(actor, r, "assess")
    errors: dict[str, list[str]] = {}
    assert r.reviewed_on is not None
    day = _day(on, errors, label=gettext("Ngày đánh giá"), not_before=r.reviewed_on, before_label=gettext("ngày kiểm điểm"))
    if rating not in Rating.values:
        errors["rating"] = [gettext("Xếp loại: chưa chọn.")]
    text = _text(assessment, "assessment", gettext("Đánh giá của cấp uỷ: chưa nhập."), errors)
    doc = None if errors else _notice_document(actor, r.organisation, notice_number, day,
                                                gettext("Thông báo kết quả đánh giá kiểm điểm"), errors)
    _raise(errors)
    before = _snap(r)
    r.state, r.rating, r.assessment, r.assessed_on = ReviewState.ASSESSED, rating, text, day
    r.notice_number, r.notice_document = notice_number.strip(), doc
    r.save()
    _step(actor, r, Verb.ASSESS, day, before)
    return r


@transaction.atomic
def do_add_shortcoming(*, actor: User, review: Review, text: str = "", breach: bool = False) -> Finding:
    r = _lock_review(review)
    REVIEWS.check(actor, r, "add_shortcoming")
    return _add_finding(actor, r, text, breach)


@transaction.atomic
def do_close_review(*, actor: User, review: Review, on: dt.date | None = None) -> Review:
    r = _lock_review(review)
    REVIEWS.check(actor, r, "close")
    errors: dict[str, list[str]] = {}
    assert r.assessed_on is not None
    day = _day(on, errors, not_before=r.assessed_on, before_label=gettext("ngày đánh giá"))
    _raise(errors)
    before = _snap(r)
    r.state, r.closed_on = ReviewState.CLOSED, day
    r.save()
    _step(actor, r, Verb.CLOSE, day, before)
    return r


# --- totals reported before the product ---------------------------------------------------------


@transaction.atomic
def do_add_reported_figure(*, actor: User | None, unit: AdminUnit | None, level: str | None, body: str | None,
                           year_from: int | None, year_to: int | None, measure: str | None, value: int | None,
                           source: str = "", system: bool = False) -> ReportedFigure:
    """Enter a total a body reported before the product (a term's report), for a unit where the
    actor decides; `system`: entered by the loader of the demo or of an installation (no actor)."""
    errors: dict[str, list[str]] = {}
    if unit is None:
        errors["unit"] = [gettext("Đơn vị: chưa chọn.")]
    if level not in Level.values:
        errors["level"] = [gettext("Cấp: chưa chọn.")]
    if body not in Body.values:
        errors["body"] = [gettext("Cơ quan thực hiện: chưa chọn.")]
    if year_from is None or not 1990 <= year_from <= timezone.localdate().year:
        errors["year_from"] = [gettext("Từ năm: nhập năm đã qua, ví dụ 2021.")]
    if year_to is None or year_from is None or not year_from <= year_to <= timezone.localdate().year:
        errors["year_to"] = [gettext("Đến năm: không trước «từ năm», không sau năm nay.")]
    if measure not in Measure.values:
        errors["measure"] = [gettext("Chỉ số: chưa chọn.")]
    if value is None or value < 0:
        errors["value"] = [gettext("Số lượng: nhập số nguyên không âm.")]
    text = _text(source, "source", gettext("Nguồn: ghi báo cáo nào nêu con số này."), errors)
    if not errors and ReportedFigure.objects.filter(unit=unit, level=level, body=body, year_from=year_from or 0,
                                                   year_to=year_to or 0, measure=measure).exists():
        errors["measure"] = [gettext("Đã có số liệu này cho đơn vị, cấp, cơ quan và thời gian đã chọn.")]
    _raise(errors)
    assert unit is not None and year_from is not None and year_to is not None and value is not None
    if not system:
        access.require(actor, "inspection", "decide", unit.pk, gettext("nhập số liệu của đơn vị này"))
    f = ReportedFigure.objects.create(unit=unit, level=str(level), body=str(body), year_from=year_from, year_to=year_to,
                                      measure=str(measure), value=value, source=text[:300], created_by=actor)
    audit.record(actor=actor, action=Verb.REPORTED, obj=f, after=audit.snapshot(f))
    return f

