"""Every change to documents, meetings and tasks goes through a `do_*` function here: it checks
the actor's role, validates (with Vietnamese messages that name the missing "rõ"), writes in
one transaction and appends the audit event in that same transaction. Views, the API, the CLI
and the demo loader all call these."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core import access, audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.directives import reminders
from dieuhanh.directives.choices import (
    AdjustedField,
    DocumentKind,
    DocumentSystem,
    Evaluation,
    ReportCadence,
    ReportPeriod,
)
from dieuhanh.directives.models import Adjustment, Document, Meeting, Milestone, ProgressReport, Task
from dieuhanh.org.models import AdminUnit, Organisation, Person, User

# Messages name the "5 rõ" each field belongs to, so an officer sees at once what is unclear.
MSG = {
    "title": gettext_lazy("Thiếu nội dung nhiệm vụ (rõ việc)."),
    "source_document": gettext_lazy("Thiếu văn bản giao nhiệm vụ (nghị quyết, kết luận, kế hoạch…)."),
    "lead_unit": gettext_lazy("Thiếu đơn vị chủ trì (rõ người)."),
    "lead_person": gettext_lazy("Thiếu người chủ trì thực hiện (rõ người)."),
    "due_date": gettext_lazy("Thiếu thời hạn hoàn thành (rõ thời gian)."),
    "expected_result": gettext_lazy("Thiếu kết quả cần đạt (rõ kết quả)."),
    "accountable_person": gettext_lazy("Thiếu lãnh đạo chịu trách nhiệm (rõ trách nhiệm)."),
}

_STATE_NOTATION = re.compile(r"^\s*(?:Số\s*:?\s*)?(?P<number>[0-9A-Za-z.]+)\s*/\s*(?P<kind>[^\s/-]+)\s*-\s*(?P<issuer>\S+)\s*$")
_PARTY_NOTATION = re.compile(r"^\s*(?:Số\s*:?\s*)?(?P<number>[0-9A-Za-z.]+)\s*-\s*(?P<kind>[^\s/-]+)\s*/\s*(?P<issuer>\S+)\s*$")


@dataclass(frozen=True)
class Notation:
    system: DocumentSystem
    number: str
    kind: DocumentKind
    issuer_code: str


def parse_notation(text: str) -> Notation:
    """`Số: 15/QĐ-UBND` → state form; `Số 12-NQ/TU` → party form."""
    for system, pattern in ((DocumentSystem.STATE, _STATE_NOTATION), (DocumentSystem.PARTY, _PARTY_NOTATION)):
        m = pattern.match(text or "")
        if m:
            try:
                kind = DocumentKind(m["kind"])
            except ValueError:
                break
            return Notation(system, m["number"], kind, m["issuer"])
    raise ValidationError(
        {"notation": gettext("Số, ký hiệu văn bản không hợp lệ: %(text)s. Dạng đúng: 15/QĐ-UBND (nhà nước) hoặc 12-NQ/TU (Đảng).") % {"text": repr(text)}}
    )


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- documents and meetings ---------------------------------------------------------------


@transaction.atomic
def do_create_document(
    *,
    actor: User,
    system: str,
    kind: str,
    number: str,
    issuer_code: str,
    issuer: Organisation | None,
    issued_on: dt.date | None,
    title: str,
    parent: Document | None = None,
    signer: Person | None = None,
) -> Document:
    errors: dict[str, list[str]] = {}
    if system not in DocumentSystem.values:
        errors["system"] = [gettext("Chọn hệ thống văn bản: nhà nước hoặc Đảng.")]
    if kind not in DocumentKind.values:
        errors["kind"] = [gettext("Loại văn bản không hợp lệ.")]
    if not (number or "").strip():
        errors["number"] = [gettext("Thiếu số văn bản.")]
    if not (issuer_code or "").strip():
        errors["issuer_code"] = [gettext("Thiếu ký hiệu cơ quan ban hành (ví dụ UBND, TU).")]
    if issuer is None:
        errors["issuer"] = [gettext("Thiếu cơ quan ban hành.")]
    if issued_on is None:
        errors["issued_on"] = [gettext("Thiếu ngày ban hành.")]
    elif issued_on > timezone.localdate():
        errors["issued_on"] = [gettext("Ngày ban hành không được ở tương lai.")]
    if not (title or "").strip():
        errors["title"] = [gettext("Thiếu trích yếu nội dung văn bản.")]
    if parent is not None and issued_on is not None and parent.issued_on > issued_on:
        errors["parent"] = [
            gettext("Văn bản thực hiện không thể ban hành (%(issued_on)s) trước văn bản được thực hiện (%(issued_on2)s).") % {"issued_on": _fmt(issued_on), "issued_on2": _fmt(parent.issued_on)}
        ]
    _raise(errors)
    assert issuer is not None and issued_on is not None
    access.require(actor, "directives", "assign", issuer.unit_id, gettext("ban hành văn bản cho đơn vị này"))
    if parent is not None and not Document.objects.visible_to(actor).filter(pk=parent.pk).exists():
        raise PermissionDenied(gettext("Bạn không có quyền xem văn bản được thực hiện."))
    if Document.objects.filter(issuer=issuer, kind=kind, number=number.strip(), issued_on=issued_on).exists():
        raise ValidationError({"number": [gettext("Văn bản số %(number)s cùng loại, cùng ngày của cơ quan này đã có.") % {"number": number}]})
    doc = Document(
        system=system,
        kind=kind,
        number=number.strip(),
        issuer_code=issuer_code.strip(),
        issuer=issuer,
        issued_on=issued_on,
        title=title.strip(),
        parent=parent,
        signer=signer,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    doc.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=doc, after=audit.snapshot(doc))
    return doc


@transaction.atomic
def do_create_meeting(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    held_on: dt.date,
    chair: Person | None = None,
    summary: str = "",
    conclusion: Document | None = None,
) -> Meeting:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [gettext("Thiếu tên cuộc họp.")]
    if held_on is None:
        errors["held_on"] = [gettext("Thiếu ngày họp.")]
    if conclusion is not None and held_on is not None and conclusion.issued_on < held_on:
        errors["conclusion"] = [gettext("Thông báo kết luận không thể ban hành trước ngày họp.")]
    _raise(errors)
    access.require(actor, "directives", "assign", organisation.unit_id, gettext("ghi cuộc họp của cơ quan này"))
    if conclusion is not None and not Document.objects.visible_to(actor).filter(pk=conclusion.pk).exists():
        raise PermissionDenied(gettext("Bạn không có quyền sử dụng văn bản kết luận này."))
    meeting = Meeting.objects.create(
        organisation=organisation, title=title.strip(), held_on=held_on, chair=chair, summary=summary, conclusion=conclusion
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=meeting, after=audit.snapshot(meeting))
    return meeting


# --- tasks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_date: dt.date


def _validate_task_fields(
    *,
    title: str | None,
    source_document: Document | None,
    lead_unit: AdminUnit | None,
    lead_person: Person | None,
    due_date: dt.date | None,
    expected_result: str | None,
    accountable_person: Person | None,
    assigned_on: dt.date,
    milestones: Sequence[MilestoneInput],
    budget_vnd: Decimal | None,
    parent: Task | None,
) -> None:
    errors: dict[str, list[str]] = {}
    required = {
        "title": (title or "").strip(),
        "source_document": source_document,
        "lead_unit": lead_unit,
        "lead_person": lead_person,
        "due_date": due_date,
        "expected_result": (expected_result or "").strip(),
        "accountable_person": accountable_person,
    }
    for field, value in required.items():
        if not value:
            errors[field] = [str(MSG[field])]
    if due_date is not None and due_date < assigned_on:
        errors["due_date"] = [
            gettext("Thời hạn hoàn thành (rõ thời gian) %(due_date)s không được trước ngày giao %(assigned_on)s.") % {"due_date": _fmt(due_date), "assigned_on": _fmt(assigned_on)}
        ]
    if source_document is not None and assigned_on < source_document.issued_on:
        errors["assigned_on"] = [gettext("Ngày giao không được trước ngày ban hành văn bản giao (%(issued_on)s).") % {"issued_on": _fmt(source_document.issued_on)}]
    if lead_unit is not None and lead_unit.valid_to is not None and lead_unit.valid_to < assigned_on:
        errors["lead_unit"] = [
            gettext("Đơn vị chủ trì (rõ người) %(name)s đã hết hiệu lực từ %(value)s; chọn đơn vị kế thừa.") % {"name": lead_unit.name, "value": _fmt(lead_unit.valid_to + dt.timedelta(days=1))}
        ]
    if budget_vnd is not None and budget_vnd < 0:
        errors["resources"] = [gettext("Kinh phí (rõ nguồn lực) phải là số không âm.")]
    for i, m in enumerate(milestones, start=1):
        if not (m.title or "").strip():
            errors.setdefault("milestones", []).append(gettext("Mốc tiến độ thứ %(i)s thiếu nội dung.") % {"i": i})
        if due_date is not None and m.due_date > due_date:
            errors.setdefault("milestones", []).append(
                gettext("Mốc tiến độ thứ %(i)s (%(due_date)s) muộn hơn thời hạn hoàn thành %(due_date2)s.") % {"i": i, "due_date": _fmt(m.due_date), "due_date2": _fmt(due_date)}
            )
        if m.due_date < assigned_on:
            errors.setdefault("milestones", []).append(gettext("Mốc tiến độ thứ %(i)s (%(due_date)s) trước ngày giao.") % {"i": i, "due_date": _fmt(m.due_date)})
    if parent is not None and due_date is not None and due_date > parent.due_date:
        errors["due_date"] = [
            gettext("Thời hạn nhiệm vụ con %(due_date)s không được muộn hơn thời hạn nhiệm vụ cha %(due_date2)s.") % {"due_date": _fmt(due_date), "due_date2": _fmt(parent.due_date)}
        ]
    _raise(errors)


@transaction.atomic
def do_create_task(
    *,
    actor: User,
    title: str | None,
    source_document: Document | None,
    lead_unit: AdminUnit | None,
    lead_person: Person | None,
    due_date: dt.date | None,
    expected_result: str | None,
    accountable_person: Person | None,
    content: str = "",
    assigned_on: dt.date | None = None,
    milestones: Sequence[MilestoneInput] = (),
    budget_vnd: Decimal | int | None = None,
    staff_count: int | None = None,
    resource_note: str = "",
    parent: Task | None = None,
    meeting: Meeting | None = None,
    lead_organisation: Organisation | None = None,
    coordinating_units: Iterable[AdminUnit] = (),
    report_cadence: str | None = None,
) -> Task:
    """Assign a task under the "5 rõ". Office staff and leaders assign within their units; a
    unit's officer may split a task of their unit into sub-tasks. `report_cadence`: how often
    the unit reports (monthly when not given)."""
    assigned_on = assigned_on or timezone.localdate()
    report_cadence = report_cadence or ReportCadence.MONTHLY
    if report_cadence not in ReportCadence.values:
        raise ValidationError({"report_cadence": [_cadence_message()]})
    budget = Decimal(budget_vnd) if budget_vnd is not None else None
    _validate_task_fields(
        title=title,
        source_document=source_document,
        lead_unit=lead_unit,
        lead_person=lead_person,
        due_date=due_date,
        expected_result=expected_result,
        accountable_person=accountable_person,
        assigned_on=assigned_on,
        milestones=milestones,
        budget_vnd=budget,
        parent=parent,
    )
    assert lead_unit is not None and source_document is not None and due_date is not None
    if parent is not None:
        access.require(actor, "directives", "report", parent.lead_unit_id, gettext("giao nhiệm vụ con của nhiệm vụ này"))
        access.require(actor, "directives", "report", lead_unit.id, gettext("giao nhiệm vụ cho đơn vị này"))
    else:
        access.require(actor, "directives", "assign", lead_unit.id, gettext("giao nhiệm vụ cho đơn vị này"))
    if not Document.objects.visible_to(actor).filter(pk=source_document.pk).exists():
        raise PermissionDenied(gettext("Bạn không có quyền giao nhiệm vụ theo văn bản này."))
    task = Task(
        code=f"tmp-{timezone.now().timestamp()}",
        title=(title or "").strip(),
        content=content.strip(),
        source_document=source_document,
        meeting=meeting,
        parent=parent,
        lead_unit=lead_unit,
        lead_organisation=lead_organisation,
        lead_person=lead_person,
        assigned_on=assigned_on,
        due_date=due_date,
        original_due_date=due_date,
        budget_vnd=budget,
        staff_count=staff_count,
        resource_note=resource_note.strip(),
        expected_result=(expected_result or "").strip(),
        accountable_person=accountable_person,
        report_cadence=report_cadence,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    task.refresh_search_text()
    task.save()
    task.code = f"NV{assigned_on.year}-{task.pk:06d}"
    task.refresh_search_text()
    task.save(update_fields=["code", "search_text"])
    coordinating = list(coordinating_units)
    if coordinating:
        task.coordinating_units.set(coordinating)
    Milestone.objects.bulk_create(Milestone(task=task, title=m.title.strip(), due_date=m.due_date) for m in milestones)
    after = audit.snapshot(task)
    after["milestones"] = [{"title": m.title, "due_date": m.due_date} for m in milestones]
    after["coordinating_units"] = [u.pk for u in coordinating]
    audit.record(actor=actor, action=AuditAction.CREATE, obj=task, after=after)
    reminders.task_assigned(task)
    return task


def _cadence_message() -> str:
    return gettext("Chế độ báo cáo định kỳ phải là một trong: %(choices)s.") % {
        "choices": ", ".join(str(label) for label in ReportCadence.labels)
    }


@transaction.atomic
def do_set_report_cadence(*, actor: User, task: Task, report_cadence: str) -> Task:
    """Change how often the lead unit reports on an open task (those who assign it decide)."""
    access.require(actor, "directives", "assign", task.lead_unit_id, gettext("đặt chế độ báo cáo của nhiệm vụ này"))
    task = _lock(task)
    _require_open(task)
    if report_cadence not in ReportCadence.values:
        raise ValidationError({"report_cadence": [_cadence_message()]})
    if report_cadence == task.report_cadence:
        raise ValidationError({"report_cadence": [gettext("Nhiệm vụ đã theo chế độ báo cáo này.")]})
    before = audit.snapshot(task, ["report_cadence"])
    task.report_cadence = report_cadence
    task.save(update_fields=["report_cadence", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=task, before=before, after=audit.snapshot(task, ["report_cadence"]))
    return task


def _lock(task: Task) -> Task:
    """Re-read the task inside the transaction, locked, so two officers' changes serialise."""
    return Task.objects.select_for_update().get(pk=task.pk)


def _require_open(task: Task) -> None:
    if task.cancelled_on:
        raise ValidationError({"task": [gettext("Nhiệm vụ %(code)s đã bị huỷ ngày %(cancelled_on)s.") % {"code": task.code, "cancelled_on": _fmt(task.cancelled_on)}]})
    if task.completed_on:
        raise ValidationError({"task": [gettext("Nhiệm vụ %(code)s đã kết thúc ngày %(completed_on)s.") % {"code": task.code, "completed_on": _fmt(task.completed_on)}]})


@transaction.atomic
def do_report_progress(
    *,
    actor: User,
    task: Task,
    period: str,
    percent: int | None,
    content: str,
    obstacles: str = "",
    proposals: str = "",
    beyond_authority: bool = False,
    reported_on: dt.date | None = None,
) -> ProgressReport:
    """A unit's weekly / monthly / urgent progress report. Proposals beyond the unit's authority
    are flagged for the accountable leader."""
    access.require(actor, "directives", "report", task.lead_unit_id, gettext("báo cáo tiến độ nhiệm vụ này"))
    task = _lock(task)
    _require_open(task)
    reported_on = reported_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if period not in ReportPeriod.values:
        errors["period"] = [gettext("Chọn kỳ báo cáo: tuần, tháng hoặc đột xuất.")]
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = [gettext("Tiến độ phải từ 0 đến 100%.")]
    if not (content or "").strip():
        errors["content"] = [gettext("Thiếu nội dung kết quả thực hiện trong kỳ.")]
    if reported_on < task.assigned_on:
        errors["reported_on"] = [gettext("Ngày báo cáo không được trước ngày giao nhiệm vụ (%(assigned_on)s).") % {"assigned_on": _fmt(task.assigned_on)}]
    if reported_on > timezone.localdate():
        errors["reported_on"] = [gettext("Ngày báo cáo không được ở tương lai.")]
    if beyond_authority and not (proposals or obstacles or "").strip():
        errors["proposals"] = [gettext("Nêu rõ vướng mắc hoặc đề xuất vượt thẩm quyền cần lãnh đạo cho ý kiến.")]
    _raise(errors)
    assert percent is not None
    report = ProgressReport.objects.create(
        task=task,
        period=period,
        reported_on=reported_on,
        reporter=actor,
        percent=percent,
        content=content.strip(),
        obstacles=obstacles.strip(),
        proposals=proposals.strip(),
        beyond_authority=beyond_authority,
    )
    before = audit.snapshot(task, ["progress_percent", "last_reported_on"])
    task.progress_percent = percent
    task.last_reported_on = max(filter(None, [task.last_reported_on, reported_on]))
    task.save(update_fields=["progress_percent", "last_reported_on", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.REPORT,
        obj=task,
        before=before,
        after={**audit.snapshot(task, ["progress_percent", "last_reported_on"]), "report": audit.snapshot(report)},
    )
    if beyond_authority:
        reminders.report_beyond_authority(report)
    return report


@transaction.atomic
def do_acknowledge_report(*, actor: User, report: ProgressReport, response: str) -> ProgressReport:
    """The leader answers a report flagged as beyond the unit's authority."""
    access.require(actor, "directives", "lead", report.task.lead_unit_id, gettext("cho ý kiến chỉ đạo về báo cáo này"))
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not (response or "").strip():
        raise ValidationError({"response": [gettext("Thiếu ý kiến chỉ đạo.")]})
    if report.acknowledged_at is not None:
        raise ValidationError({"response": [gettext("Báo cáo này đã có ý kiến chỉ đạo.")]})
    report.acknowledged_by = actor
    report.acknowledged_at = timezone.now()
    report.leader_response = response.strip()
    report.save(update_fields=["acknowledged_by", "acknowledged_at", "leader_response"])
    audit.record(
        actor=actor,
        action=AuditAction.ACKNOWLEDGE,
        obj=report,
        after=audit.snapshot(report, ["acknowledged_by", "acknowledged_at", "leader_response"]),
    )
    reminders.report_answered(report)
    return report


def _display(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return _fmt(value)
    if isinstance(value, Decimal):
        return f"{value:,.0f} đồng".replace(",", ".")
    return str(value)


@transaction.atomic
def do_adjust_task(
    *,
    actor: User,
    task: Task,
    field: str,
    new_value: Any,
    deciding_document: Document | None,
    reason: str,
) -> Adjustment:
    """Change a deadline, target or owner, by a deciding document, keeping the history."""
    access.require(actor, "directives", "assign", task.lead_unit_id, gettext("điều chỉnh nhiệm vụ này"))
    task = _lock(task)
    _require_open(task)
    errors: dict[str, list[str]] = {}
    if field not in AdjustedField.values:
        errors["field"] = [gettext("Chọn nội dung cần điều chỉnh.")]
    if deciding_document is None:
        errors["deciding_document"] = [gettext("Thiếu văn bản quyết định điều chỉnh.")]
    elif not Document.objects.visible_to(actor).filter(pk=deciding_document.pk).exists():
        raise PermissionDenied(gettext("Bạn không có quyền sử dụng văn bản này."))
    if not (reason or "").strip():
        errors["reason"] = [gettext("Thiếu lý do điều chỉnh.")]
    _raise(errors)
    assert deciding_document is not None  # its absence was raised above
    old = getattr(task, field)
    if field == AdjustedField.DUE_DATE:
        if not isinstance(new_value, dt.date):
            errors["new_value"] = [str(MSG["due_date"])]
        elif new_value < task.assigned_on:
            errors["new_value"] = [gettext("Thời hạn mới không được trước ngày giao %(assigned_on)s.") % {"assigned_on": _fmt(task.assigned_on)}]
        elif task.parent_id and new_value > task.parent.due_date:  # type: ignore[union-attr]
            errors["new_value"] = [gettext("Thời hạn mới muộn hơn thời hạn nhiệm vụ cha %(due_date)s.") % {"due_date": _fmt(task.parent.due_date)}]  # type: ignore[union-attr]
    elif field == AdjustedField.EXPECTED_RESULT:
        new_value = (new_value or "").strip()
        if not new_value:
            errors["new_value"] = [str(MSG["expected_result"])]
    elif field == AdjustedField.BUDGET:
        try:
            new_value = Decimal(new_value)
        except Exception:
            errors["new_value"] = [gettext("Kinh phí (rõ nguồn lực) phải là số.")]
        else:
            if new_value < 0:
                errors["new_value"] = [gettext("Kinh phí (rõ nguồn lực) phải là số không âm.")]
    elif field == AdjustedField.LEAD_UNIT:
        if not isinstance(new_value, AdminUnit):
            errors["new_value"] = [str(MSG["lead_unit"])]
        else:
            access.require(actor, "directives", "assign", new_value.id, gettext("giao nhiệm vụ cho đơn vị mới"))
    elif field in (AdjustedField.LEAD_PERSON, AdjustedField.ACCOUNTABLE_PERSON) and not isinstance(new_value, Person):
        errors["new_value"] = [str(MSG[field])]
    if not errors and old == new_value:
        errors["new_value"] = [gettext("Giá trị mới trùng với giá trị hiện tại.")]
    _raise(errors)
    before = audit.snapshot(task, [field, "version"])
    setattr(task, field, new_value)
    task.version += 1
    if field == AdjustedField.EXPECTED_RESULT:
        task.refresh_search_text()
    task.save()
    adjustment = Adjustment.objects.create(
        task=task,
        version=task.version,
        field=field,
        old_value=_display(field, old),
        new_value=_display(field, new_value),
        deciding_document=deciding_document,
        reason=reason.strip(),
        decided_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ADJUST,
        obj=task,
        before=before,
        after={**audit.snapshot(task, [field, "version"]), "deciding_document": deciding_document.pk, "reason": reason},
    )
    if field in (AdjustedField.LEAD_UNIT, AdjustedField.LEAD_PERSON):
        reminders.task_assigned(task)  # passed to another unit or person: tell them
    return adjustment


@transaction.atomic
def do_close_task(
    *,
    actor: User,
    task: Task,
    completed_on: dt.date | None,
    result_summary: str,
    evaluation: str,
    evaluation_note: str = "",
) -> Task:
    """Close a task with its achieved result and an evaluation."""
    access.require(actor, "directives", "assign", task.lead_unit_id, gettext("kết thúc, đánh giá nhiệm vụ này"))
    task = _lock(task)
    _require_open(task)
    errors: dict[str, list[str]] = {}
    if completed_on is None:
        errors["completed_on"] = [gettext("Thiếu ngày hoàn thành.")]
    elif completed_on < task.assigned_on:
        errors["completed_on"] = [gettext("Ngày hoàn thành không được trước ngày giao %(assigned_on)s.") % {"assigned_on": _fmt(task.assigned_on)}]
    elif completed_on > timezone.localdate():
        errors["completed_on"] = [gettext("Ngày hoàn thành không được ở tương lai.")]
    if not (result_summary or "").strip():
        errors["result_summary"] = [gettext("Thiếu kết quả đạt được.")]
    if evaluation not in Evaluation.values:
        errors["evaluation"] = [gettext("Chọn mức đánh giá.")]
    open_children = task.subtasks.open().count()
    if open_children:
        errors["task"] = [gettext("Còn %(open_children)s nhiệm vụ con chưa kết thúc.") % {"open_children": open_children}]
    _raise(errors)
    fields = ["completed_on", "result_summary", "evaluation", "evaluation_note", "progress_percent"]
    before = audit.snapshot(task, fields)
    task.completed_on = completed_on
    task.result_summary = result_summary.strip()
    task.evaluation = evaluation
    task.evaluation_note = evaluation_note.strip()
    task.progress_percent = 100
    task.save()
    audit.record(actor=actor, action=AuditAction.CLOSE, obj=task, before=before, after=audit.snapshot(task, fields))
    return task


@transaction.atomic
def do_cancel_task(
    *, actor: User, task: Task, reason: str, deciding_document: Document | None, cancelled_on: dt.date | None = None
) -> Task:
    """Cancel a task by a deciding document (e.g. a key work dropped at the mid-term review)."""
    access.require(actor, "directives", "assign", task.lead_unit_id, gettext("huỷ nhiệm vụ này"))
    task = _lock(task)
    _require_open(task)
    cancelled_on = cancelled_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [gettext("Thiếu lý do huỷ nhiệm vụ.")]
    if deciding_document is None:
        errors["deciding_document"] = [gettext("Thiếu văn bản quyết định huỷ nhiệm vụ.")]
    elif not Document.objects.visible_to(actor).filter(pk=deciding_document.pk).exists():
        raise PermissionDenied(gettext("Bạn không có quyền sử dụng văn bản này."))
    elif cancelled_on < deciding_document.issued_on:
        errors["cancelled_on"] = [gettext("Ngày huỷ không được trước ngày ban hành văn bản quyết định (%(issued_on)s).") % {"issued_on": _fmt(deciding_document.issued_on)}]
    if cancelled_on > timezone.localdate():
        errors["cancelled_on"] = [gettext("Ngày huỷ không được ở tương lai.")]
    elif cancelled_on < task.assigned_on:
        errors["cancelled_on"] = [gettext("Ngày huỷ không được trước ngày giao %(assigned_on)s.") % {"assigned_on": _fmt(task.assigned_on)}]
    _raise(errors)
    fields = ["cancelled_on", "cancel_reason", "cancel_document"]
    before = audit.snapshot(task, fields)
    task.cancelled_on = cancelled_on
    task.cancel_reason = reason.strip()
    task.cancel_document = deciding_document
    task.save()
    audit.record(actor=actor, action=AuditAction.CANCEL, obj=task, before=before, after=audit.snapshot(task, fields))
    return task

