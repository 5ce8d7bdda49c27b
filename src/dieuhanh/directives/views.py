"""Pages of the "5 rõ" core: documents, meetings, tasks and the actions on a task.

Every view starts from `Model.objects.visible_to(request.user)`, so an object outside the
user's scope is a 404 for every URL, page or action alike. Views parse input with the forms and
call the `do_*` services, which check the role again and own every change; a service's
ValidationError goes back onto the form, its PermissionDenied becomes the 403 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dieuhanh.core import access
from dieuhanh.core.forms import apply_errors, with_posts
from dieuhanh.core.http import AnyUser, HtmxHttpRequest, signed_in_user
from dieuhanh.core.paging import page_of
from dieuhanh.core.xlsx import xlsx_response
from dieuhanh.directives import cycle, export, services
from dieuhanh.directives.choices import TaskStatus
from dieuhanh.directives.filters import DocumentFilter, TaskFilter, document_subtree
from dieuhanh.directives.forms import (
    AcknowledgeForm,
    AdjustForm,
    CadenceForm,
    CancelForm,
    CloseForm,
    DocumentFilterForm,
    DocumentForm,
    MeetingForm,
    MilestoneFormSet,
    ReportForm,
    TaskFilterForm,
    TaskForm,
    milestone_inputs,
    people,
    unit_staff,
    visible_documents,
    visible_meetings,
)
from dieuhanh.directives.models import Document, ProgressReport, Task, TaskQuerySet
from dieuhanh.lib.params import int_or_none
from dieuhanh.org.models import Person

PAGE_SIZE = 50
# What needs attention first: overdue, then due soon, then the rest of the open tasks, then the
# finished and cancelled ones; each by due date. The list's default order (`attention` is aliased
# by TaskQuerySet.with_status).
TASK_SORTS = {
    "attention": ("attention", "due_date", "id"),
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "progress": ("progress_percent", "due_date", "id"),
    "-progress": ("-progress_percent", "due_date", "id"),
    "code": ("code",),
}
TASK_LIST_RELATED = ("lead_unit", "lead_person", "accountable_person", "source_document")
# The columns a row of the list reads (`templatetags/tasks.py`, `task_rows`; the derived status and
# the missing report: `Task.compute_status`, `cycle.owes_for`), not the long texts of every task
# and of every related row.
TASK_ROW_FIELDS = (
    "code", "title", "due_date", "progress_percent", "report_cadence", "assigned_on", "completed_on", "cancelled_on",
    "lead_unit__name", "lead_person__full_name", "accountable_person__full_name",
    "source_document__system", "source_document__number", "source_document__kind", "source_document__issuer_code",
)


def _parse_filter(request: HttpRequest, filter_class: Any) -> tuple[Any, list[str]]:
    """The list filter from the query string; a bad parameter is dropped and reported instead of
    failing the page, and the other filters still apply."""
    return filter_class.lenient(request.GET)


def _can_assign(user: AnyUser) -> bool:
    return access.holds(user, "directives", "assign")


# --- documents -------------------------------------------------------------------------------


def _visible_task_count(user: AnyUser) -> Count:
    """How many of a document's (or meeting's) tasks the user may see: never the number of
    another ward's tasks under a city resolution both can read."""
    return Count("tasks", filter=Q(tasks__in=Task.objects.visible_to(user).values("id")), distinct=True)


def _filtered_documents(request: HttpRequest) -> tuple[Any, list[str]]:
    flt, problems = _parse_filter(request, DocumentFilter)
    qs = flt.apply(Document.objects.visible_to(request.user)).select_related("issuer", "parent")
    return qs.annotate(task_count=_visible_task_count(request.user)), problems


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    documents, problems = _filtered_documents(request)
    for problem in problems:
        messages.error(request, problem)
    page = Paginator(documents.order_by("-issued_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directives/document_list.html",
        {
            "title": _("Văn bản"),
            "filter_form": DocumentFilterForm(request.GET or None, user=request.user),
            "page": page,
            "can_create": _can_assign(request.user),
        },
    )


@login_required
def document_export(request: HttpRequest) -> HttpResponse:
    documents, _problems = _filtered_documents(request)
    return xlsx_response(export.documents_workbook(documents.order_by("-issued_on", "-id").iterator(chunk_size=2000)), "van-ban")


def _tree(root: Document, visible: Any, task_counts: dict[int, int]) -> dict[str, Any]:
    """The visible documents implementing `root`, transitively, as nested nodes. A document
    the user may not see hides its own descendants too (they hang from it)."""
    docs = visible.filter(id__in=document_subtree([root.pk])).order_by("issued_on", "id")
    children: dict[int | None, list[Document]] = {}
    for doc in docs:
        children.setdefault(doc.parent_id, []).append(doc)

    def node(doc: Document) -> dict[str, Any]:
        kids = [node(child) for child in children.get(doc.pk, [])]
        # Tasks under the document and its implementing documents: what the link lists.
        total = task_counts.get(doc.pk, 0) + sum(kid["tasks"] for kid in kids)
        return {"doc": doc, "tasks": total, "children": kids}

    return node(root)


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Document.objects.visible_to(request.user)
    document = get_object_or_404(visible.select_related("issuer", "parent", "signer"), pk=pk)
    subtree_tasks = TaskFilter(document=document.pk).apply(Task.objects.visible_to(request.user))
    task_counts = dict(
        subtree_tasks.order_by().values_list("source_document_id").annotate(n=Count("id"))
    )
    status_counts = dict(subtree_tasks.order_by().values_list("status").annotate(n=Count("id")))  # type: ignore[misc]  # `status` is annotated by with_status()
    tasks = (
        Task.objects.visible_to(request.user)
        .with_status()
        .filter(source_document=document)
        .select_related(*TASK_LIST_RELATED)
        .order_by("due_date", "id")
    )
    ancestors: list[Document] = []
    parent = document.parent
    while parent is not None and len(ancestors) < 20:
        ancestors.insert(0, parent)
        parent = parent.parent
    return render(
        request,
        "directives/document_detail.html",
        {
            "title": document.notation,
            "document": document,
            "ancestors": ancestors,
            "tree": _tree(document, visible, task_counts),
            "tasks": tasks[:PAGE_SIZE],
            "task_total": sum(status_counts.values()),
            "direct_total": tasks.count(),
            "status_counts": [(s.value, s.label, status_counts.get(s.value, 0)) for s in TaskStatus],
            "can_assign": _can_assign(request.user),
        },
    )


@access.requires("directives", "assign", gettext_lazy("Bạn không có quyền nhập văn bản."))
def document_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if parent_id := int_or_none(request.GET.get("parent")):
        initial["parent"] = parent_id
    form = DocumentForm(request.POST or None, user=request.user, initial=initial)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            document = services.do_create_document(actor=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu văn bản %(notation)s.") % {"notation": document.notation})
            return redirect("directives:document_detail", pk=document.pk)
    return render(
        request, "directives/document_form.html", {"title": _("Nhập văn bản"), "form": form, "loose_errors": loose}
    )


# --- meetings --------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = visible_meetings(request.user).annotate(task_count=_visible_task_count(request.user))
    meetings = meetings.order_by("-held_on", "-id")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directives/meeting_list.html",
        {"title": _("Cuộc họp"), "page": page, "can_create": _can_assign(request.user)},
    )


CONCLUSION_FIELDS = {
    "number": "conclusion_notation",
    "kind": "conclusion_notation",
    "system": "conclusion_notation",
    "issuer_code": "conclusion_notation",
    "issued_on": "conclusion_issued_on",
    "title": "conclusion_title",
    "issuer": "organisation",
}


@access.requires("directives", "assign", gettext_lazy("Bạn không có quyền ghi cuộc họp."))
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, user=request.user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        field_map: dict[str, str] = {}
        try:
            with transaction.atomic():
                conclusion = d.get("conclusion")
                if d["new_conclusion"] is not None:
                    parsed = d["new_conclusion"]
                    field_map = CONCLUSION_FIELDS
                    conclusion = services.do_create_document(
                        actor=signed_in_user(request),
                        system=parsed.system,
                        kind=parsed.kind,
                        number=parsed.number,
                        issuer_code=parsed.issuer_code,
                        issuer=d["organisation"],
                        issued_on=d.get("conclusion_issued_on"),
                        title=d.get("conclusion_title") or "",
                    )
                    field_map = {}
                meeting = services.do_create_meeting(
                    actor=signed_in_user(request),
                    organisation=d["organisation"],
                    title=d.get("title") or "",
                    held_on=d.get("held_on"),  # type: ignore[arg-type]
                    chair=d.get("chair"),
                    summary=d.get("summary") or "",
                    conclusion=conclusion,
                )
        except ValidationError as exc:
            loose = apply_errors(form, exc, field_map)
        else:
            messages.success(request, _("Đã ghi cuộc họp “%(title)s”.") % {"title": meeting.title})
            return redirect("directives:meeting_list")
    return render(
        request, "directives/meeting_form.html", {"title": _("Ghi cuộc họp"), "form": form, "loose_errors": loose}
    )


# --- task list and export -----------------------------------------------------------------------


def _filtered_tasks(request: HttpRequest, visible: TaskQuerySet | None = None) -> tuple[Any, list[str], str, Any]:
    """The tasks the list shows, the parameters it dropped, its order and the parameters applied
    (opened from the menu: the open tasks, overdue and due soon first). `visible`: the user's
    tasks (`Task.objects.visible_to`), when the caller has them already."""
    params = TaskFilter.opening(request.GET)
    flt, problems = TaskFilter.lenient(params)
    sort = request.GET.get("sort") or "attention"
    if sort not in TASK_SORTS:
        problems.append(_("Không sắp xếp được theo “%(sort)s”; danh sách sắp theo mức cần chú ý.") % {"sort": sort})
        sort = "attention"
    if visible is None:
        visible = Task.objects.visible_to(request.user)
    qs = flt.apply(visible).select_related(*TASK_LIST_RELATED)
    return qs.order_by(*TASK_SORTS[sort]), problems, sort, params


@login_required
def task_list(request: HtmxHttpRequest) -> HttpResponse:
    visible = Task.objects.visible_to(request.user)  # once: the rows and the filter's choices
    tasks, problems, sort, params = _filtered_tasks(request, visible)
    page = page_of(tasks.only(*TASK_ROW_FIELDS), request.GET.get("page"), PAGE_SIZE)
    context = {
        "title": _("Nhiệm vụ"),
        "page": page,
        "missing_ids": cycle.missing_among(page.object_list),
        "sort": sort,
        "problems": problems,
        "can_create": _can_assign(request.user),
        "can_follow": access.holds(request.user, "directives", "follow"),
    }
    if request.htmx and request.htmx.target == "task-results":
        return render(request, "directives/_task_results.html", context)
    context["filter_form"] = TaskFilterForm(params or None, user=request.user, visible=visible)
    return render(request, "directives/task_list.html", context)


@login_required
def task_export(request: HttpRequest) -> HttpResponse:
    tasks, _problems, _sort, _params = _filtered_tasks(request)
    return xlsx_response(export.tasks_workbook(tasks.iterator(chunk_size=2000)), "nhiem-vu")


# --- giving a task -----------------------------------------------------------------------------


def _clarity_summary(form: TaskForm, milestone_errors: list[str], loose: list[str]) -> dict[str, Any] | None:
    if not (form.errors or milestone_errors or loose):
        return None
    messages_ = [
        (form.fields[name].label if name in form.fields and name != "__all__" else "", message)
        for name, errors in form.errors.items()
        for message in errors
    ]
    messages_ += [(_("Mốc tiến độ"), m) for m in milestone_errors] + [("", m) for m in loose]
    return {"missing": form.missing_clarities(), "messages": messages_}


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    data = request.POST if request.method == "POST" else request.GET
    parent = None
    if parent_id := int_or_none(data.get("parent")):
        parent = get_object_or_404(Task.objects.visible_to(user).open(), pk=parent_id)
        if not access.may(user, "directives", "report", parent.lead_unit_id):
            raise PermissionDenied(_("Bạn không có quyền giao nhiệm vụ con của nhiệm vụ này."))
    elif not _can_assign(user):
        raise PermissionDenied(_("Bạn không có quyền giao nhiệm vụ."))

    initial: dict[str, Any] = {}
    if parent is not None:
        initial.update(
            parent=parent.pk,
            source_document=parent.source_document_id,
            meeting=parent.meeting_id,
            lead_unit=parent.lead_unit_id,
            due_date=parent.due_date,
            accountable_person=parent.accountable_person_id,
        )
    if (doc_id := int_or_none(request.GET.get("document"))) and visible_documents(user).filter(pk=doc_id).exists():
        initial["source_document"] = doc_id
    if (meeting_id := int_or_none(request.GET.get("meeting"))) and visible_meetings(user).filter(pk=meeting_id).exists():
        initial["meeting"] = meeting_id

    is_post = request.method == "POST"
    form = TaskForm(request.POST if is_post else None, user=user, parent=parent, initial=initial)
    milestones = MilestoneFormSet(request.POST if is_post else None, prefix="milestones")
    milestone_errors: list[str] = []
    loose: list[str] = []
    if is_post and form.is_valid() and milestones.is_valid():
        try:
            task = services.do_create_task(
                actor=user, milestones=milestone_inputs(milestones), **form.service_kwargs()
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"task": exc.messages}
            milestone_errors = errors.pop("milestones", [])
            loose = apply_errors(form, ValidationError(errors), TaskForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Đã giao nhiệm vụ %(code)s.") % {"code": task.code})
            return redirect("directives:task_detail", pk=task.pk)
    return render(
        request,
        "directives/task_form.html",
        {
            "title": _("Giao nhiệm vụ con") if parent else _("Giao nhiệm vụ"),
            "form": form,
            "milestones": milestones,
            "milestone_errors": milestone_errors,
            "summary": _clarity_summary(form, milestone_errors, loose) if is_post else None,
            "parent": parent,
        },
    )


@login_required
def person_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of "người chủ trì" for a chosen lead unit: its staff first, then everyone
    (the lead person need not hold a post in the unit), keeping the current choice."""
    unit_id = int_or_none(request.GET.get("lead_unit"))
    staff = unit_staff(unit_id) if unit_id and access.may(request.user, "directives", "view", unit_id) else Person.objects.none()
    return render(
        request,
        "directives/_person_options.html",
        {
            "staff": with_posts(staff),
            "others": with_posts(people().exclude(id__in=staff.values("id"))),
            "selected": int_or_none(request.GET.get("lead_person")),
        },
    )


# --- a task and what can be done to it -----------------------------------------------------------


def _visible_task(request: HttpRequest, pk: int) -> Task:
    """The task if the user may see it, else 404, for the page and every action alike."""
    qs = Task.objects.visible_to(request.user).with_status()
    related = (
        "source_document",
        "meeting",
        "parent",
        "lead_unit",
        "lead_organisation",
        "lead_person",
        "accountable_person",
        "created_by",
        "cancel_document",
    )
    return get_object_or_404(qs.select_related(*related), pk=pk)


def _timeline(task: Task, reports: list[ProgressReport]) -> list[dict[str, Any]]:
    """Progress reports, adjustments, the closing evaluation and a cancellation, in the order
    they happened (by day, then by when they were recorded)."""
    events: list[tuple[dt.date, int, Any, dict[str, Any]]] = []
    events.append((task.assigned_on, 0, task.created_at, {"kind": "created"}))
    for report in reports:
        events.append((report.reported_on, 1, report.created_at, {"kind": "report", "report": report}))
    for adj in task.adjustments.select_related("deciding_document", "decided_by__person"):
        # An adjustment takes effect by its deciding document, so it sits at that document's
        # date (it may be recorded later, e.g. history entered after a mid-term review).
        day = adj.deciding_document.issued_on
        events.append((day, 1, adj.created_at, {"kind": "adjustment", "adjustment": adj}))
    if task.completed_on:
        events.append((task.completed_on, 2, task.updated_at, {"kind": "closed"}))
    if task.cancelled_on:
        events.append((task.cancelled_on, 2, task.updated_at, {"kind": "cancelled"}))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return [{"day": day, **event} for day, _order, _at, event in events]


def _render_task(request: HttpRequest, task: Task, **forms: Any) -> HttpResponse:
    user = request.user
    is_open = not (task.completed_on or task.cancelled_on)
    can_report = is_open and access.may(user, "directives", "report", task.lead_unit_id)
    can_assign = is_open and access.may(user, "directives", "assign", task.lead_unit_id)
    can_acknowledge = access.may(user, "directives", "lead", task.lead_unit_id)
    reports = list(
        task.reports.select_related("reporter__person", "acknowledged_by__person").order_by("reported_on", "id")
    )
    subtasks = (
        Task.objects.visible_to(user)
        .with_status()
        .filter(parent=task)
        .select_related("lead_unit", "lead_person")
        .order_by("due_date", "id")
    )
    ack_form_for = forms.pop("ack_form_for", None)
    report_state = cycle.state_of(task)
    ack_form = forms.pop("ack_form", None)
    context = {
        "title": f"{task.code} — {task.title}",
        "task": task,
        "is_open": is_open,
        "milestones": list(task.milestones.all()),
        "coordinating_units": list(task.coordinating_units.order_by("name")),
        "subtasks": subtasks,
        "timeline": _timeline(task, reports),
        "flagged_reports": [r for r in reports if r.beyond_authority and r.acknowledged_at is None],
        "can_report": can_report,
        "can_assign": can_assign,
        "can_acknowledge": can_acknowledge,
        "can_subtask": can_report,
        "report_state": report_state,
        "cadence_form": forms.get("cadence_form") or (
            CadenceForm(initial={"report_cadence": task.report_cadence}) if can_assign else None
        ),
        "report_form": forms.get("report_form") or (ReportForm(cadence=task.report_cadence) if can_report else None),
        "adjust_form": forms.get("adjust_form") or (AdjustForm(user=user) if can_assign else None),
        "close_form": forms.get("close_form") or (CloseForm() if can_assign else None),
        "cancel_form": forms.get("cancel_form") or (CancelForm(user=user) if can_assign else None),
        "ack_form": ack_form,
        "ack_form_for": ack_form_for,
        "open_panel": forms.get("open_panel", ""),
        "loose_errors": forms.get("loose_errors", []),
        "today": timezone.localdate(),
    }
    return render(request, "directives/task_detail.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, _visible_task(request, pk))


def _action(
    request: HttpRequest,
    task: Task,
    form: Any,
    form_name: str,
    call: Any,
    success: str,
    field_map: dict[str, str] | None = None,
) -> HttpResponse:
    """Run a service from a bound form: on success a message and back to the task (so a
    reload does not post twice); on a ValidationError the task page with the form's errors."""
    loose: list[str] = []
    if form.is_valid():
        try:
            call(form)
        except ValidationError as exc:
            loose = apply_errors(form, exc, field_map)
        else:
            messages.success(request, success)
            return redirect("directives:task_detail", pk=task.pk)
    return _render_task(request, task, **{form_name: form, "open_panel": form_name, "loose_errors": loose})


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    return _action(
        request,
        task,
        ReportForm(request.POST),
        "report_form",
        lambda f: services.do_report_progress(actor=signed_in_user(request), task=task, **f.service_kwargs()),
        _("Đã gửi báo cáo tiến độ."),
    )


@login_required
@require_POST
def task_cadence(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    return _action(
        request,
        task,
        CadenceForm(request.POST),
        "cadence_form",
        lambda f: services.do_set_report_cadence(
            actor=signed_in_user(request), task=task, report_cadence=f.cleaned_data.get("report_cadence") or ""
        ),
        _("Đã đặt chế độ báo cáo định kỳ."),
    )


@login_required
@require_POST
def task_acknowledge(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    report = get_object_or_404(ProgressReport, pk=report_pk, task=task)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.do_acknowledge_report(actor=signed_in_user(request), report=report, response=form.cleaned_data["response"])
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi ý kiến chỉ đạo."))
            return redirect("directives:task_detail", pk=task.pk)
    else:
        loose = []
    return _render_task(
        request, task, ack_form=form, ack_form_for=report.pk, open_panel="ack_form", loose_errors=loose
    )


@login_required
@require_POST
def task_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    form = AdjustForm(request.POST, user=request.user)

    def call(f: AdjustForm) -> None:
        services.do_adjust_task(actor=signed_in_user(request), task=task, **f.service_kwargs())

    field_map = {"new_value": form.value_input() if form.is_valid() else "new_text"}
    return _action(request, task, form, "adjust_form", call, _("Đã điều chỉnh nhiệm vụ."), field_map)


@login_required
@require_POST
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    return _action(
        request,
        task,
        CloseForm(request.POST),
        "close_form",
        lambda f: services.do_close_task(
            actor=signed_in_user(request),
            task=task,
            completed_on=f.cleaned_data.get("completed_on"),
            result_summary=f.cleaned_data.get("result_summary") or "",
            evaluation=f.cleaned_data.get("evaluation") or "",
            evaluation_note=f.cleaned_data.get("evaluation_note") or "",
        ),
        _("Đã kết thúc và đánh giá nhiệm vụ."),
    )


@login_required
@require_POST
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    return _action(
        request,
        task,
        CancelForm(request.POST, user=request.user),
        "cancel_form",
        lambda f: services.do_cancel_task(
            actor=signed_in_user(request),
            task=task,
            reason=f.cleaned_data.get("reason") or "",
            deciding_document=f.cleaned_data.get("deciding_document"),
            cancelled_on=f.cleaned_data.get("cancelled_on"),
        ),
        _("Đã huỷ nhiệm vụ."),
    )


# --- the office: who has not reported this period ---------------------------------------------


def _report_day(request: HttpRequest) -> tuple[dt.date, str]:
    """The day whose week and month the page shows (`?ngay=`, today by default), and the
    message for a day that does not parse."""
    from dieuhanh.core.filters import parse_date

    today = timezone.localdate()
    raw = request.GET.get("ngay") or ""
    if not raw:
        return today, ""
    try:
        day = parse_date(raw)
    except ValidationError:
        day = None
    if day is None:
        return today, _("Ngày “%(raw)s” không hợp lệ; trang hiện kỳ báo cáo hôm nay.") % {"raw": raw[:40]}
    return day, ""


@access.requires("directives", "follow", gettext_lazy("Bạn không có quyền xem tình hình báo cáo định kỳ của các đơn vị."))
def report_missing(request: HttpRequest) -> HttpResponse:
    """"Chưa báo cáo kỳ này": for the week and the month holding a day, the tasks that owe a report
    and have not sent it, counted by unit (today's units, as every table by unit: org.rollup) and
    listed."""
    from dieuhanh.org.rollup import UnitRollup

    day, problem = _report_day(request)
    if problem:
        messages.error(request, problem)
    visible = Task.objects.visible_to(request.user, "follow")
    periods = cycle.periods_on(day)
    rollup = UnitRollup()
    sections = []
    for period in periods:
        owing = visible.filter(cycle.owing(period)).annotate(sent=cycle.reported(period))
        by_unit: dict[int, list[int]] = {}
        for unit_id, sent in owing.order_by().values_list("lead_unit_id", "sent"):
            counts = by_unit.setdefault(unit_id, [0, 0])
            counts[0] += 1
            counts[1] += 0 if sent else 1

        def merge(target: dict[str, Any], counts: list[int]) -> None:
            target["owed"] += counts[0]
            target["missing"] += counts[1]

        rows: list[dict[str, Any]] = sorted(
            rollup.roll_up(by_unit, merge, lambda unit: {"unit": unit, "owed": 0, "missing": 0}).values(),
            key=lambda r: (-r["missing"], r["unit"].name),
        )
        tasks = (
            owing.filter(sent=False)
            .with_status()
            .select_related(*TASK_LIST_RELATED)
            .order_by("lead_unit__name", "due_date", "id")
        )
        sections.append({
            "period": period,
            "rows": rows,
            "owed": sum(r["owed"] for r in rows),
            "missing": sum(r["missing"] for r in rows),
            "tasks": tasks[:PAGE_SIZE * 4],
            "task_count": tasks.count(),
            "late": period.is_late(day) or period.end < timezone.localdate(),
        })
    return render(
        request,
        "directives/report_missing.html",
        {
            "title": _("Chưa báo cáo kỳ này"),
            "day": day,
            "today": timezone.localdate(),
            "previous_day": day - dt.timedelta(days=7),
            "next_day": day + dt.timedelta(days=7),
            "sections": sections,
        },
    )


# --- the report on the implementation of tasks -------------------------------------------------


@login_required
def task_report_page(request: HttpRequest) -> HttpResponse:
    """Choose a body and a period; see the report's figures and take it as .docx or PDF
    (directives/task_report.py, papers.TASK_REPORT)."""
    from dieuhanh.core.filters import parse_date
    from dieuhanh.directives import task_report
    from dieuhanh.directives.papers import report_bodies

    today = timezone.localdate()
    bodies = list(report_bodies(request.user).order_by(F("valid_to").desc(nulls_first=True), "unit__code", "kind"))
    asked = request.GET.get("ky") or ""
    kind = asked if asked in task_report.KINDS else "month"
    day = today
    raw = request.GET.get("ngay") or ""
    if raw:
        try:
            parsed = parse_date(raw)
        except ValidationError:
            parsed = None
        if parsed is None:
            messages.error(request, _("Ngày “%(raw)s” không hợp lệ; báo cáo lấy kỳ chứa hôm nay.") % {"raw": raw[:40]})
        else:
            day = parsed
    chosen = int_or_none(request.GET.get("co_quan"))
    body = next((b for b in bodies if b.pk == chosen), None) or next((b for b in bodies if b.valid_to is None), None)
    period = task_report.period_of(kind, day)
    rep = task_report.report(body, period, request.user, today) if body is not None else None
    return render(request, "directives/task_report.html", {
        "title": _("Báo cáo kết quả thực hiện nhiệm vụ"), "bodies": bodies, "body": body, "kind": kind,
        "kinds": [("week", _("Tuần")), ("month", _("Tháng")), ("quarter", _("Quý")), ("year", _("Năm"))],
        "day": day, "period": period, "report": rep,
        "previous_day": period.start - dt.timedelta(days=1), "next_day": period.end + dt.timedelta(days=1), "today": today,
    })
