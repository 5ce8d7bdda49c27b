"""API v1 for documents and tasks. Field names follow the "5 rõ": `title`, `source_document`,
`lead_unit`, `lead_person`, `due_date`, `milestones`, `resources`, `expected_result`,
`accountable_person`. Every read starts from `visible_to(request.user)`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from dieuhanh.core import audit
from dieuhanh.core.api_pages import Page, PageQuery, answer, filters_of, page_of, page_of_rows
from dieuhanh.core.api_refs import Ref, UnitRef
from dieuhanh.core.http import signed_in_user
from dieuhanh.directives import cycle, services
from dieuhanh.directives.choices import ReportCadence, TaskStatus
from dieuhanh.directives.filters import DocumentFilter, TaskFilter
from dieuhanh.directives.models import Document, Milestone, ProgressReport, Task, days_late, document_notation
from dieuhanh.lib.params import INT32_MAX, DbId
from dieuhanh.org.models import AdminUnit, Organisation, Person

tasks_router = Router()
documents_router = Router()


# --- schemas --------------------------------------------------------------------------------
# Responses are plain pydantic models: they validate and document the output without
# django-ninja's per-attribute ORM wrapper, which cost more than the whole database work.


class DocumentRef(BaseModel):
    id: int
    notation: str
    title: str


class MilestoneSchema(BaseModel):
    title: str
    due_date: dt.date
    done_on: dt.date | None = None


class MilestoneIn(Schema):
    title: str
    due_date: dt.date


class Resources(BaseModel):
    budget_vnd: int | None = Field(None, ge=0, le=10**18 - 1, description="Kinh phí, đồng (tối đa 18 chữ số)")
    staff: int | None = Field(None, ge=0, le=INT32_MAX, description="Nhân lực, người")
    note: str = ""


class TaskIn(Schema):
    title: str | None = Field(None, description="Rõ việc")
    content: str = ""
    source_document: int | None = Field(None, description="Văn bản giao (id)")
    lead_unit: int | None = Field(None, description="Rõ người: đơn vị chủ trì (id)")
    lead_person: int | None = Field(None, description="Rõ người: người chủ trì (id)")
    assigned_on: dt.date | None = None
    due_date: dt.date | None = Field(None, description="Rõ thời gian")
    milestones: list[MilestoneIn] = Field(default_factory=list, description="Rõ tiến độ")
    resources: Resources | None = Field(None, description="Rõ nguồn lực")
    expected_result: str | None = Field(None, description="Rõ kết quả")
    accountable_person: int | None = Field(None, description="Rõ trách nhiệm: lãnh đạo chịu trách nhiệm (id)")
    coordinating_units: list[DbId] = Field(default_factory=list)
    parent: int | None = None
    meeting: int | None = None
    report_cadence: ReportCadence | None = Field(
        None, description="Chế độ báo cáo định kỳ: weekly | monthly | none (mặc định monthly)"
    )


class TaskPatch(Schema):
    report_cadence: ReportCadence = Field(..., description="Chế độ báo cáo định kỳ: weekly | monthly | none")


class ReportDueOut(BaseModel):
    period: str = Field(..., description="Kỳ báo cáo hiện tại: 2026-W49 (tuần) hoặc 2026-12 (tháng)")
    start: dt.date
    end: dt.date
    due: dt.date | None = Field(None, description="Hạn báo cáo: ngày làm việc cuối của kỳ (không có: kỳ không có ngày làm việc)")
    owes: bool = Field(..., description="Nhiệm vụ phải báo cáo kỳ này")
    reported_on: dt.date | None = Field(None, description="Ngày báo cáo của kỳ (không có: chưa báo cáo)")
    late: bool = Field(..., description="Đã quá hạn báo cáo kỳ này mà chưa báo cáo")


class TaskOut(BaseModel):
    id: int
    code: str
    title: str
    content: str
    source_document: DocumentRef
    lead_unit: UnitRef
    lead_person: Ref
    accountable_person: Ref
    assigned_on: dt.date
    due_date: dt.date
    original_due_date: dt.date
    milestones: list[MilestoneSchema]
    resources: Resources
    expected_result: str
    status: str
    status_label: str
    progress_percent: int
    last_reported_on: dt.date | None
    completed_on: dt.date | None
    evaluation: str
    days_late: int
    parent: int | None
    version: int
    report_cadence: str


class TaskReportIn(Schema):
    period: str = Field(..., description="weekly | monthly | urgent")
    percent: int | None = None
    content: str = ""
    obstacles: str = ""
    proposals: str = ""
    beyond_authority: bool = False
    reported_on: dt.date | None = None


class ReportOut(BaseModel):
    id: int
    task: int
    period: str
    reported_on: dt.date
    reporter: str
    percent: int
    content: str
    obstacles: str
    proposals: str
    beyond_authority: bool
    acknowledged_at: dt.datetime | None
    leader_response: str


class AdjustmentOut(BaseModel):
    version: int
    field: str
    old_value: str
    new_value: str
    deciding_document: DocumentRef
    reason: str
    created_at: dt.datetime


class TaskDetailOut(TaskOut):
    current_report: ReportDueOut | None = Field(None, description="Kỳ báo cáo hiện tại (không có: nhiệm vụ không báo cáo định kỳ)")
    reports: list[ReportOut]
    adjustments: list[AdjustmentOut]
    subtasks: list[int]


TaskPage = Page[TaskOut]


class TaskQuery(PageQuery):
    unit: DbId | None = Field(None, description="Đơn vị chủ trì, các đơn vị trực thuộc và các đơn vị nó kế thừa")
    lead_unit: DbId | None = Field(None, description="Đúng đơn vị chủ trì này")
    status: TaskStatus | None = None
    leader: DbId | None = None
    person: DbId | None = None
    document: DbId | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    year: int | None = Field(None, ge=1, le=9999, description="Công việc của năm, như Trung tâm điều hành đếm: "
                             "hạn trong năm, và năm nay thêm mọi nhiệm vụ chưa xong")
    q: str | None = None
    flagged: bool = False
    parent: DbId | None = None
    cadence: ReportCadence | None = Field(None, description="Chế độ báo cáo định kỳ")
    missing_report: bool = Field(False, description="Chỉ nhiệm vụ phải báo cáo kỳ này (tuần, tháng) mà chưa báo cáo")
    report_on: dt.date | None = Field(None, description="Kỳ báo cáo chứa ngày này (mặc định hôm nay), cho missing_report")


class DocumentIn(Schema):
    notation: str | None = Field(None, description="Ví dụ '15/QĐ-UBND' hoặc '12-NQ/TU'; thay cho system/kind/number/issuer_code")
    system: str | None = None
    kind: str | None = None
    number: str | None = None
    issuer_code: str | None = None
    issuer: int | None = Field(None, description="Cơ quan ban hành (id)")
    issued_on: dt.date | None = None
    title: str | None = None
    parent: int | None = None


class DocumentOut(BaseModel):
    id: int
    notation: str
    system: str
    kind: str
    number: str
    issuer_code: str
    issuer: Ref
    issued_on: dt.date
    title: str
    parent: int | None


class DocumentQuery(PageQuery):
    kind: str | None = None
    issuer: DbId | None = None
    parent: DbId | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    q: str | None = None


DocumentPage = Page[DocumentOut]


# --- serialisation ----------------------------------------------------------------------------


def _doc_ref(doc: Document) -> dict[str, Any]:
    return {"id": doc.pk, "notation": doc.notation, "title": doc.title}


# The columns of a task's answer (`TaskOut`), read with `values()`: a page of fifty tasks built
# five model objects a task and a query set per task for its milestones, which cost more than
# the database did.
TASK_COLUMNS = (
    "id", "code", "title", "content", "assigned_on", "due_date", "original_due_date", "budget_vnd", "staff_count",
    "resource_note", "expected_result", "status", "progress_percent", "last_reported_on", "completed_on", "evaluation",
    "parent_id", "version", "report_cadence",
    "source_document_id", "source_document__system", "source_document__number", "source_document__kind",
    "source_document__issuer_code", "source_document__title",
    "lead_unit_id", "lead_unit__code", "lead_unit__name",
    "lead_person_id", "lead_person__full_name", "accountable_person_id", "accountable_person__full_name",
)


def task_outs(qs: Any) -> list[dict[str, Any]]:
    """The answers (`TaskOut`) for the tasks of `qs` (annotated `with_status`), in its order: one
    query for the tasks and one for their milestones."""
    rows = list(qs.values(*TASK_COLUMNS))
    milestones: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    if rows:
        found = Milestone.objects.filter(task_id__in=milestones).order_by("due_date", "id")
        for task_id, title, due_date, done_on in found.values_list("task_id", "title", "due_date", "done_on"):
            milestones[task_id].append({"title": title, "due_date": due_date, "done_on": done_on})
    today = timezone.localdate()
    labels = {value: str(label) for value, label in TaskStatus.choices}
    return [_task_out(row, milestones[row["id"]], labels, today) for row in rows]


def _task_out(row: dict[str, Any], milestones: list[dict[str, Any]], labels: dict[str, str], today: dt.date) -> dict[str, Any]:
    document = (row["source_document__system"], row["source_document__number"], row["source_document__kind"],
                row["source_document__issuer_code"])
    return {
        "id": row["id"],
        "code": row["code"],
        "title": row["title"],
        "content": row["content"],
        "source_document": {"id": row["source_document_id"], "notation": document_notation(*document),
                            "title": row["source_document__title"]},
        "lead_unit": {"id": row["lead_unit_id"], "code": row["lead_unit__code"], "name": row["lead_unit__name"]},
        "lead_person": {"id": row["lead_person_id"], "name": row["lead_person__full_name"]},
        "accountable_person": {"id": row["accountable_person_id"], "name": row["accountable_person__full_name"]},
        "assigned_on": row["assigned_on"],
        "due_date": row["due_date"],
        "original_due_date": row["original_due_date"],
        "milestones": milestones,
        "resources": {
            "budget_vnd": int(row["budget_vnd"]) if row["budget_vnd"] is not None else None,
            "staff": row["staff_count"],
            "note": row["resource_note"],
        },
        "expected_result": row["expected_result"],
        "status": row["status"],
        "status_label": labels[row["status"]],
        "progress_percent": row["progress_percent"],
        "last_reported_on": row["last_reported_on"],
        "completed_on": row["completed_on"],
        "evaluation": row["evaluation"],
        "days_late": days_late(row["due_date"], row["completed_on"], today),
        "parent": row["parent_id"],
        "version": row["version"],
        "report_cadence": row["report_cadence"],
    }


def task_out(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """The answer (`TaskOut`) for one task the caller may see, or Http404."""
    found = task_outs(_task_queryset(request).with_status().filter(pk=task_id))
    if not found:
        raise Http404
    return found[0]


def report_out(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "task": r.task_id,
        "period": r.period,
        "reported_on": r.reported_on,
        "reporter": r.reporter.get_username(),
        "percent": r.percent,
        "content": r.content,
        "obstacles": r.obstacles,
        "proposals": r.proposals,
        "beyond_authority": r.beyond_authority,
        "acknowledged_at": r.acknowledged_at,
        "leader_response": r.leader_response,
    }


def _task_queryset(request: HttpRequest) -> Any:
    return Task.objects.visible_to(request.user)


def _visible_task(request: HttpRequest, task_id: int) -> Task:
    task = _task_queryset(request).with_status().filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def _resolve(model: Any, pk: int | None, field: str, label: str, errors: dict[str, list[str]], qs: Any = None) -> Any:
    if pk is None:
        return None
    obj = (qs if qs is not None else model.objects).filter(pk=pk).first()
    if obj is None:
        errors[field] = [f"Không tìm thấy {label} có id {pk}."]
    return obj


# --- tasks ------------------------------------------------------------------------------------


@tasks_router.get("", response=TaskPage, summary="Danh sách nhiệm vụ (lọc theo đơn vị, trạng thái, lãnh đạo, văn bản, thời hạn)")
def list_tasks(request: HttpRequest, query: Query[TaskQuery]) -> HttpResponse:
    params = filters_of(query)
    qs = TaskFilter.from_params({k: v for k, v in params.items() if v not in (None, False)}).apply(_task_queryset(request))
    # written as it stands (core.api_pages.answer): `task_outs` builds exactly `TaskPage`, tested
    return answer(page_of_rows(qs.order_by("due_date", "id"), query, task_outs))


@tasks_router.post("", response={201: TaskOut}, summary="Giao nhiệm vụ theo \"5 rõ\"")
def create_task(request: HttpRequest, payload: TaskIn) -> Status:
    errors: dict[str, list[str]] = {}
    user = signed_in_user(request)
    source_document = _resolve(
        Document, payload.source_document, "source_document", "văn bản giao", errors, Document.objects.visible_to(user)
    )
    lead_unit = _resolve(AdminUnit, payload.lead_unit, "lead_unit", "đơn vị chủ trì (rõ người)", errors)
    lead_person = _resolve(Person, payload.lead_person, "lead_person", "người chủ trì (rõ người)", errors)
    accountable = _resolve(
        Person, payload.accountable_person, "accountable_person", "lãnh đạo chịu trách nhiệm (rõ trách nhiệm)", errors
    )
    parent = _resolve(Task, payload.parent, "parent", "nhiệm vụ cha", errors, Task.objects.visible_to(user))
    coordinating = list(AdminUnit.objects.filter(pk__in=payload.coordinating_units))
    if len(coordinating) != len(set(payload.coordinating_units)):
        errors["coordinating_units"] = ["Có đơn vị phối hợp không tồn tại."]
    if errors:
        raise ValidationError(errors)
    resources = payload.resources or Resources()
    with audit.channel("api"):
        task = services.do_create_task(
            actor=user,
            title=payload.title,
            content=payload.content,
            source_document=source_document,
            lead_unit=lead_unit,
            lead_person=lead_person,
            assigned_on=payload.assigned_on,
            due_date=payload.due_date,
            milestones=[services.MilestoneInput(m.title, m.due_date) for m in payload.milestones],
            budget_vnd=Decimal(resources.budget_vnd) if resources.budget_vnd is not None else None,
            staff_count=resources.staff,
            resource_note=resources.note,
            expected_result=payload.expected_result,
            accountable_person=accountable,
            parent=parent,
            coordinating_units=coordinating,
            report_cadence=payload.report_cadence,
        )
    return Status(201, task_out(request, task.pk))


@tasks_router.patch("/{int:task_id}", response=TaskOut, summary="Đặt chế độ báo cáo định kỳ của nhiệm vụ")
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> dict[str, Any]:
    """Only the reporting cadence changes here: the deadline, result and owners change by an
    adjustment with its deciding document (the task's page), never silently."""
    task = _visible_task(request, task_id)
    with audit.channel("api"):
        services.do_set_report_cadence(actor=signed_in_user(request), task=task, report_cadence=payload.report_cadence)
    return task_out(request, task_id)


@tasks_router.get("/{int:task_id}", response=TaskDetailOut, summary="Chi tiết nhiệm vụ, báo cáo và điều chỉnh")
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = _visible_task(request, task_id)
    data = task_out(request, task_id)
    data["reports"] = [report_out(r) for r in task.reports.select_related("reporter").order_by("reported_on", "id")]
    data["adjustments"] = [
        {
            "version": a.version,
            "field": a.field,
            "old_value": a.old_value,
            "new_value": a.new_value,
            "deciding_document": _doc_ref(a.deciding_document),
            "reason": a.reason,
            "created_at": a.created_at,
        }
        for a in task.adjustments.select_related("deciding_document")
    ]
    data["subtasks"] = list(task.subtasks.values_list("id", flat=True))
    state = cycle.state_of(task)
    data["current_report"] = state and {
        "period": state.period.code, "start": state.period.start, "end": state.period.end, "due": state.period.due,
        "owes": state.owes, "reported_on": state.reported_on, "late": state.late,
    }
    return data


@tasks_router.post("/{int:task_id}/reports", response={201: ReportOut}, summary="Báo cáo tiến độ (tuần, tháng, đột xuất)")
def create_report(request: HttpRequest, task_id: int, payload: TaskReportIn) -> Status:
    task = _visible_task(request, task_id)
    with audit.channel("api"):
        report = services.do_report_progress(
            actor=signed_in_user(request),
            task=task,
            period=payload.period,
            percent=payload.percent,
            content=payload.content,
            obstacles=payload.obstacles,
            proposals=payload.proposals,
            beyond_authority=payload.beyond_authority,
            reported_on=payload.reported_on,
        )
    return Status(201, report_out(report))


@tasks_router.get("/{int:task_id}/reports", response=list[ReportOut], summary="Các báo cáo tiến độ của nhiệm vụ")
def list_reports(request: HttpRequest, task_id: int) -> list[dict[str, Any]]:
    task = _visible_task(request, task_id)
    return [report_out(r) for r in task.reports.select_related("reporter").order_by("reported_on", "id")]


# --- documents ------------------------------------------------------------------------------


def document_out(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "notation": doc.notation,
        "system": doc.system,
        "kind": doc.kind,
        "number": doc.number,
        "issuer_code": doc.issuer_code,
        "issuer": {"id": doc.issuer.pk, "name": doc.issuer.name},
        "issued_on": doc.issued_on,
        "title": doc.title,
        "parent": doc.parent_id,
    }


@documents_router.get("", response=DocumentPage, summary="Danh sách văn bản")
def list_documents(request: HttpRequest, query: Query[DocumentQuery]) -> dict[str, Any]:
    params = filters_of(query)
    qs = DocumentFilter.from_params({k: v for k, v in params.items() if v is not None}).apply(
        Document.objects.visible_to(request.user).select_related("issuer")
    )
    return page_of(qs, query, document_out)


@documents_router.get("/{int:document_id}", response=DocumentOut, summary="Chi tiết văn bản")
def get_document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    doc = Document.objects.visible_to(request.user).select_related("issuer").filter(pk=document_id).first()
    if doc is None:
        raise Http404
    return document_out(doc)


@documents_router.post("", response={201: DocumentOut}, summary="Ghi văn bản (nghị quyết, kết luận, chương trình…)")
def create_document(request: HttpRequest, payload: DocumentIn) -> Status:
    errors: dict[str, list[str]] = {}
    system, kind, number, issuer_code = payload.system, payload.kind, payload.number, payload.issuer_code
    if payload.notation:
        try:
            parsed = services.parse_notation(payload.notation)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            system, kind, number, issuer_code = parsed.system, parsed.kind, parsed.number, parsed.issuer_code
    issuer = _resolve(Organisation, payload.issuer, "issuer", "cơ quan ban hành", errors)
    parent = _resolve(Document, payload.parent, "parent", "văn bản được thực hiện", errors, Document.objects.visible_to(request.user))
    if errors:
        raise ValidationError(errors)
    with audit.channel("api"):
        doc = services.do_create_document(
            actor=signed_in_user(request),
            system=system or "",
            kind=kind or "",
            number=number or "",
            issuer_code=issuer_code or "",
            issuer=issuer,
            issued_on=payload.issued_on,
            title=payload.title or "",
            parent=parent,
        )
    return Status(201, document_out(doc))
