"""Pages of the registers. Every view starts from `visible_to(request.user)`: a document of
another unit is a 404 for every URL. Changes go through the `do_*` services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dieuhanh.core import access
from dieuhanh.core.forms import apply_errors
from dieuhanh.core.http import signed_in_user
from dieuhanh.core.xlsx import xlsx_response
from dieuhanh.directives.models import Task
from dieuhanh.lib.params import int_or_none
from dieuhanh.records import export, services, storage
from dieuhanh.records.filters import IncomingFilter, OutgoingFilter
from dieuhanh.records.forms import (
    IncomingFilterForm,
    IssueForm,
    IssuePaperForm,
    OutgoingFilterForm,
    ReceiveForm,
    TermForm,
)
from dieuhanh.records.models import CommitteeTerm, IncomingDocument, OutgoingDocument

PAGE_SIZE = 50
NOT_ALLOWED = gettext_lazy("Sổ văn bản dành cho văn phòng, lãnh đạo và cán bộ các đơn vị.")


def _outgoing(request: HttpRequest) -> tuple[Any, list[str]]:
    flt, problems = OutgoingFilter.lenient(request.GET)
    qs = flt.apply(OutgoingDocument.objects.visible_to(request.user))
    return qs.select_related("issuer", "signer", "replaced_by").order_by("-issued_on", "-id"), problems


def _incoming(request: HttpRequest) -> tuple[Any, list[str]]:
    flt, problems = IncomingFilter.lenient(request.GET)
    qs = flt.apply(IncomingDocument.objects.visible_to(request.user))
    return qs.select_related("receiver").order_by("-received_on", "-arrival_number"), problems


def _terms(request: HttpRequest) -> list[CommitteeTerm]:
    units = access.units(request.user, "records", "view")
    qs = CommitteeTerm.objects.select_related("organisation").order_by("organisation__name", "-starts_on")
    return list(qs if units is None else qs.filter(organisation__unit_id__in=units)[:50])


@access.requires("records", "view", NOT_ALLOWED)
def outgoing_list(request: HttpRequest) -> HttpResponse:
    rows, problems = _outgoing(request)
    for problem in problems:
        messages.error(request, problem)
    can_register = access.holds(request.user, "records", "register")
    return render(request, "records/outgoing_list.html", {
        "title": _("Sổ văn bản đi"), "tab": "out",
        "filter_form": OutgoingFilterForm(request.GET or None, user=request.user),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_register": can_register, "terms": _terms(request),
        "term_form": TermForm(user=request.user) if can_register else None,
    })


@access.requires("records", "export", NOT_ALLOWED)
def outgoing_export(request: HttpRequest) -> HttpResponse:
    rows, _problems = _outgoing(request)
    return xlsx_response(export.outgoing_workbook(rows.iterator(chunk_size=2000)), "so-van-ban-di")


@access.requires("records", "register", gettext_lazy("Bạn không có quyền cấp số văn bản đi."))
def outgoing_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    replaced: OutgoingDocument | None = None
    if replaces_id := int_or_none(request.GET.get("replaces")):
        replaced = OutgoingDocument.objects.visible_to(request.user).filter(pk=replaces_id).first()
        if replaced is not None:
            initial.update(replaces=replaced.pk, issuer=replaced.issuer_id, system=replaced.system, kind=replaced.kind,
                           issuer_code=replaced.issuer_code, subject=replaced.subject, recipients=replaced.recipients,
                           signer=replaced.signer_id)
    posted = request.method == "POST"
    form = IssueForm(request.POST if posted else None, request.FILES if posted else None, user=request.user, initial=initial)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.do_issue(actor=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã cấp số %(symbol)s và lưu văn bản đi.") % {"symbol": doc.symbol})
            return redirect("records:outgoing_detail", pk=doc.pk)
    return render(request, "records/outgoing_form.html", {
        "title": _("Cấp số văn bản đi"), "form": form, "loose_errors": loose, "replaced": replaced,
    })


def _tasks_of(request: HttpRequest, document_id: int | None) -> dict[str, Any]:
    if document_id is None:
        return {"task_count": 0, "open_count": 0}
    tasks = Task.objects.visible_to(request.user).filter(source_document_id=document_id)
    counts = tasks.aggregate(n=Count("id"), open=Count("id", filter=Q(completed_on__isnull=True, cancelled_on__isnull=True)))
    return {"task_count": counts["n"], "open_count": counts["open"]}


@access.requires("records", "view", NOT_ALLOWED)
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(
        OutgoingDocument.objects.visible_to(request.user).select_related("issuer", "signer", "replaces", "replaced_by"), pk=pk
    )
    return render(request, "records/outgoing_detail.html", {
        "title": doc.notation, "doc": doc,
        "can_register": access.may(request.user, "records", "register", doc.unit_id),
        "can_assign": access.may(request.user, "directives", "assign", doc.unit_id),
        **_tasks_of(request, doc.document_id),
    })


def _file_response(name: str, relative: str, sha256: str) -> HttpResponse:
    try:
        content = storage.read(relative, sha256)
    except storage.FileChanged:
        return HttpResponse(
            _("Tệp đã lưu của văn bản này bị thiếu hoặc đã bị thay đổi (mã SHA-256 không khớp). Báo quản trị hệ thống khôi phục từ bản sao lưu."),
            status=409, content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type=storage.content_type(name))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["X-Content-SHA256"] = sha256
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@access.requires("records", "view", NOT_ALLOWED)
def outgoing_file(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.visible_to(request.user), pk=pk)
    return _file_response(doc.file_name, doc.file_path, doc.sha256)


@access.requires("records", "view", NOT_ALLOWED)
@require_POST
def outgoing_assign(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.visible_to(request.user), pk=pk)
    directive = services.do_assign_outgoing(actor=signed_in_user(request), outgoing=doc)
    return redirect(f"{reverse('directives:task_create')}?document={directive.pk}")


@access.requires("records", "register", gettext_lazy("Bạn không có quyền khai báo nhiệm kỳ."))
@require_POST
def term_create(request: HttpRequest) -> HttpResponse:
    form = TermForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            term = services.do_add_term(actor=signed_in_user(request), organisation=d.get("organisation"),
                                        name=d.get("name") or "", starts_on=d.get("starts_on"))
        except ValidationError as exc:
            for field_messages in exc.message_dict.values():
                for text in field_messages:
                    messages.error(request, text)
        else:
            messages.success(request, _("Đã khai báo nhiệm kỳ %(name)s của %(org)s.") % {"name": term.name, "org": term.organisation.name})
    else:
        for field_errors in form.errors.values():
            for problem in field_errors:
                messages.error(request, str(problem))
    return redirect(f"{reverse('records:outgoing_list')}#nhiem-ky")


@access.requires("records", "view", NOT_ALLOWED)
def incoming_list(request: HttpRequest) -> HttpResponse:
    rows, problems = _incoming(request)
    for problem in problems:
        messages.error(request, problem)
    return render(request, "records/incoming_list.html", {
        "title": _("Sổ văn bản đến"), "tab": "in",
        "filter_form": IncomingFilterForm(request.GET or None, user=request.user),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_register": access.holds(request.user, "records", "register"),
    })


@access.requires("records", "export", NOT_ALLOWED)
def incoming_export(request: HttpRequest) -> HttpResponse:
    rows, _problems = _incoming(request)
    return xlsx_response(export.incoming_workbook(rows.iterator(chunk_size=2000)), "so-van-ban-den")


@access.requires("records", "register", gettext_lazy("Bạn không có quyền vào sổ văn bản đến."))
def incoming_create(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ReceiveForm(request.POST if posted else None, request.FILES if posted else None, user=request.user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.do_receive(actor=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": doc.arrival_number})
            return redirect("records:incoming_detail", pk=doc.pk)
    return render(request, "records/incoming_form.html", {"title": _("Vào sổ văn bản đến"), "form": form, "loose_errors": loose})


@access.requires("records", "view", NOT_ALLOWED)
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(IncomingDocument.objects.visible_to(request.user).select_related("receiver", "sender"), pk=pk)
    return render(request, "records/incoming_detail.html", {
        "title": _("Văn bản đến số %(n)s/%(year)s") % {"n": doc.arrival_number, "year": doc.year}, "doc": doc,
        "can_assign": access.may(request.user, "records", "assign", doc.unit_id),
        **_tasks_of(request, doc.document_id),
    })


@access.requires("records", "view", NOT_ALLOWED)
def incoming_file(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(IncomingDocument.objects.visible_to(request.user), pk=pk)
    if not doc.file_path:
        raise Http404
    return _file_response(doc.file_name, doc.file_path, doc.sha256)


@access.requires("records", "assign", gettext_lazy("Bạn không có quyền giao xử lý văn bản đến."))
@require_POST
def incoming_assign(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(IncomingDocument.objects.visible_to(request.user), pk=pk)
    directive = services.do_assign_handling(actor=signed_in_user(request), incoming=doc)
    return redirect(f"{reverse('directives:task_create')}?document={directive.pk}")


def _draft(request: HttpRequest) -> tuple[Any, Any, Any, Any]:
    """(kind, object, paper, issuing body) of the draft named by `?kind=&ident=`: 404 for an
    unknown kind or object, or one the user may not see."""
    from dieuhanh.core.papers import kinds

    try:
        kind = kinds.kind(request.GET.get("kind") or request.POST.get("kind") or "")
    except kinds.UnknownKind:
        raise Http404 from None
    ident = request.GET.get("ident") or request.POST.get("ident") or ""
    if not kind.organisation or not access.holds(request.user, *kind.permission):
        raise Http404
    obj = kind.lookup(ident, request.user)
    if obj is None:
        raise Http404
    return kind, obj, kind.paper(obj, request.user), kind.issuer_of(obj)


@access.requires("records", "register", gettext_lazy("Bạn không có quyền cấp số văn bản đi."))
def outgoing_from_paper(request: HttpRequest) -> HttpResponse:
    """Number a document the platform wrote (a report) in its issuer's series and keep it as
    issued: the number and date are written into the document before it is stored."""
    import dataclasses

    from dieuhanh.core.papers import kinds
    from dieuhanh.core.papers.pdf import PdfError

    if not (request.GET.get("kind") or request.POST.get("kind")):
        return redirect("records:outgoing_create")  # nothing written to issue: number an uploaded file
    kind, _obj, paper, body = _draft(request)
    if body is None:
        messages.error(request, _("Văn bản này không cấp số qua sổ văn bản đi: nó không có cơ quan ban hành, hoặc có thông tin phải giữ bí mật."))
        return redirect("records:outgoing_list")
    if paper.number is not None:
        messages.error(request, _("Văn bản này đã có số; chỉ văn bản chưa có số mới được cấp số tại đây."))
        return redirect("records:outgoing_list")
    posted = request.method == "POST"
    form = IssuePaperForm(request.POST if posted else None, initial={"recipients": "\n".join(paper.recipients), "file_format": "pdf"})
    loose: list[str] = []
    if posted and form.is_valid():
        d = form.cleaned_data
        fmt = d.get("file_format") or "pdf"

        def make(number: str, day: Any) -> tuple[str, bytes]:
            issued = dataclasses.replace(paper, number=number, day=day, year=day.year)
            return kinds.file_name(issued, kind.key, fmt), kinds.render(issued, fmt)

        try:
            doc = services.do_issue(
                actor=signed_in_user(request), issuer=body, system=paper.format, kind=paper.kind,
                issuer_code=paper.issuer.code, subject=paper.subject, upload=None, issued_on=d.get("issued_on"),
                signer=d.get("signer"), recipients=d.get("recipients") or "", urgency=d.get("urgency") or "normal", make=make,
            )
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        except PdfError as exc:
            loose = [str(exc)]
        else:
            messages.success(request, _("Đã cấp số %(symbol)s và lưu văn bản đi.") % {"symbol": doc.symbol})
            return redirect("records:outgoing_detail", pk=doc.pk)
    return render(request, "records/outgoing_from_paper.html", {
        "title": _("Cấp số, ban hành văn bản"), "form": form, "loose_errors": loose, "paper": paper, "body": body,
        "kind": kind, "ident": request.GET.get("ident") or request.POST.get("ident") or "",
    })
