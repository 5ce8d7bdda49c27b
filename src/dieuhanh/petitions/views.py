"""Pages of citizen reception and petitions: the petition register (list, export, statistics),
receiving a petition, a petition's page with its deadlines, history and the workflow's actions,
reception sessions, and the citizen's own pages (filing online, looking up by receipt code).

Every staff page starts from `Petition.objects.visible_to(request.user)`, so a petition outside
the user's scope is a 404 for its page, its actions and its files alike. Views parse input with
the forms and call the `do_*` services, which check the role again and own every change; a
ValidationError goes back onto the form, a PermissionDenied becomes the 403 page.

Who wrote a petition is read only through `confidentiality`: a denunciation's petitioner is
shown to its assigned handlers after they ask for it (each time logged), and to nobody else."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from dieuhanh.core import access, case_views, links, lookup, paging, ratelimit, replicas
from dieuhanh.core.cases import CaseAction
from dieuhanh.core.figures import StatColumn
from dieuhanh.core.forms import apply_errors
from dieuhanh.core.http import AnyUser, HtmxHttpRequest, signed_in_user
from dieuhanh.core.templatetags.dieuhanh import vn_date
from dieuhanh.core.xlsx import xlsx_response
from dieuhanh.lib.params import int_or_none, parse_int
from dieuhanh.lib.text import shorten
from dieuhanh.petitions import (
    confidentiality,
    deadlines,
    detection,
    export,
    receiving,
    services,
    stats,
    uploads,
)
from dieuhanh.petitions.cases import PETITIONS
from dieuhanh.petitions.choices import OPEN_STATES, Action, Channel, Field, Kind, Result, State
from dieuhanh.petitions.export import routing_text
from dieuhanh.petitions.filters import PetitionFilter
from dieuhanh.petitions.forms import (
    PetitionFilterForm,
    PublicPetitionForm,
    ReceiveForm,
    SessionForm,
)
from dieuhanh.petitions.models import Attachment, Petition, PetitionQuerySet, PetitionStep, ReceptionSession
from dieuhanh.petitions.papers import papers_of
from dieuhanh.petitions.templatetags.petitions_ui import TIMING, state_badge, timing_badge

PAGE_SIZE = 50
LIST_RELATED = ("unit", "receiving_unit")
# Citizens' pages: at most FILE_LIMIT accepted filings per address per window (failed attempts and
# kiosks apart, see ratelimit.FilingLimit); look-ups are limited by core.lookup.
FILE_LIMIT, FILE_WINDOW = 5, 3600
FILING = ratelimit.FilingLimit("petitions:file", limit=FILE_LIMIT, window=FILE_WINDOW)

readers_only = access.requires("petitions", "view", gettext_lazy("Trang này dành cho cán bộ được phân quyền xem đơn thư."))
receivers_only = access.requires(
    "petitions", "receive", gettext_lazy("Chỉ cán bộ tiếp công dân, văn phòng hoặc lãnh đạo mới được tiếp nhận đơn, ghi buổi tiếp công dân.")
)

def _visible_petition(request: HttpRequest, pk: int) -> Petition:
    related = ("unit", "receiving_unit", "handling_org", "session", "previous", "task", "duplicate_of", "created_by")
    return get_object_or_404(Petition.objects.visible_to(request.user).select_related(*related), pk=pk)


# --- list, export -----------------------------------------------------------------------------------


def _filtered(request: HttpRequest, visible: Any = None) -> tuple[Any, list[str]]:
    """The petitions the query string asks for among those the user may see (`visible`, when
    the caller already has them)."""
    flt, problems = PetitionFilter.lenient(request.GET)
    visible = Petition.objects.visible_to(request.user) if visible is None else visible
    return flt.apply(visible).order_by("-received_on", "-id"), problems


def _summary(user: AnyUser, visible: Any) -> dict[str, int] | None:
    """The tiles above the register, counted over the petitions the user may see (`visible`) in
    one query: overdue and due soon by `PetitionQuerySet.timing_rule`, as the rows show them."""
    if not access.holds(user, "petitions", "follow"):
        return None
    today = timezone.localdate()
    return visible.order_by().aggregate(  # type: ignore[no-any-return]
        **PetitionQuerySet.timing_counts(("overdue", "due_soon"), today),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),  # what `visible.open()` holds
        received_today=Count("pk", filter=Q(received_on=today)),
    )


# What a line of the register reads (`RegisterRow`): the long texts (content, conclusion, search
# text) and the sealed links stay in the database, and the two units come as their names alone.
ROW_FIELDS = (
    "seq", "year", "received_on", "kind", "field", "subject", "confidential", "identity_enc", "is_anonymous",
    "signer_count", "duplicate_of", "is_over_level", "flag_notes", "level", "late_excuse", "file_limit_on", "state",
    "due_on", "resolve_due_on", "concluded_on", "accepted_on", "routed_on", "unit", "receiving_unit",
)
ROW_NAMES = {"unit_name": F("unit__name"), "receiving_unit_name": F("receiving_unit__name")}


class RegisterRow(TypedDict):
    """One line of the register as the list prints it (`petitions_ui.register_rows` writes it),
    worked out once in Python: a page of fifty lines spent most of its time in the template's
    per-line lookups, labels and tags."""

    url: str
    number: str
    received_on: str
    kind: str
    field: str
    subject: str
    short_subject: str
    confidential: bool
    duplicate: bool
    over_level: bool
    flag_notes: str
    prolonged: bool
    time_barred: bool
    level: int
    unit: str
    received_at: str  # the receiving unit's name when another unit than the matter's received it
    petitioner: str  # the name, "(nặc danh)", or REDACTED for a confidential petition
    signers: int | None  # a group petition's signers (Petition.is_group), else None
    state: str  # the state's badge (HTML)
    due_on: str
    timing: str  # the deadline's badge (HTML), or "" when there is none to show
    timing_alone: bool  # resolved: the badge says on time or late, without a date


def register_rows(petitions: Iterable[Any]) -> list[RegisterRow]:
    """The lines of a page of the register: `petitions` as `_filtered` gives them, limited to
    ROW_FIELDS with ROW_NAMES (annotations the type stubs do not know, hence `Any`)."""
    today = timezone.localdate()
    kinds = {value: str(label) for value, label in Kind.choices}
    fields = {value: str(label) for value, label in Field.choices}
    anonymous = _("(nặc danh)")
    states = {value: state_badge(value) for value in State.values}
    timings = {value: timing_badge(value) for value in (*TIMING, "none")}
    rows = []
    for p in petitions:
        timing = p.timing  # the `with_timing()` annotation
        rows.append(RegisterRow(
            url=links.url("petitions:petition_detail", p.pk), number=p.number, received_on=vn_date(p.received_on),
            kind=kinds[p.kind], field=fields[p.field], subject=p.subject, short_subject=shorten(p.subject, 140),
            confidential=p.confidential, duplicate=p.duplicate_of_id is not None, over_level=p.is_over_level,
            flag_notes=p.flag_notes, prolonged=detection.is_prolonged(p, today), time_barred=p.time_barred,
            level=p.level, unit=p.unit_name,
            received_at=p.receiving_unit_name if p.receiving_unit_id != p.unit_id else "",
            petitioner=confidentiality.public_name(p) or (anonymous if p.is_anonymous else ""),
            signers=p.signer_count if p.is_group else None, state=states[p.state], due_on=vn_date(p.due_on),
            timing=timings[timing], timing_alone=timing in ("on_time", "late"),
        ))
    return rows


@readers_only
def petition_list(request: HtmxHttpRequest) -> HttpResponse:
    visible = Petition.objects.visible_to(request.user)
    petitions, problems = _filtered(request, visible)
    page = paging.page_of(petitions.only(*ROW_FIELDS).annotate(**ROW_NAMES), request.GET.get("page"), PAGE_SIZE)
    page.object_list = register_rows(page.object_list)
    context: dict[str, Any] = {"page": page, "problems": problems}
    if request.htmx and request.htmx.target == "petition-results":  # the filter bar asks for the rows alone
        return render(request, "petitions/_petition_results.html", context)
    context |= {
        "title": _("Sổ tiếp nhận đơn"),
        "filter_form": PetitionFilterForm(request.GET or None, user=request.user, visible=visible),
        "summary": _summary(request.user, visible),
        "can_receive": access.holds(request.user, "petitions", "receive"),
        "today": timezone.localdate(),
    }
    return render(request, "petitions/petition_list.html", context)


@readers_only
def petition_export(request: HttpRequest) -> HttpResponse:
    petitions, _problems = _filtered(request)
    rows = petitions.select_related(*LIST_RELATED).iterator(chunk_size=2000)
    return xlsx_response(export.register_workbook(rows, request.user), "so-tiep-nhan-don")


# --- receiving -----------------------------------------------------------------------------------------


@receivers_only
def petition_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial: dict[str, Any] = {}
    session = None
    if (sid := int_or_none(request.GET.get("session"))) is not None:
        session = ReceptionSession.objects.visible_to(user).filter(pk=sid).first()
        if session is not None:
            initial.update(session=session.pk, channel=Channel.SESSION, received_on=session.held_on,
                           receiving_unit=session.unit_id, unit=session.unit_id)
    form = ReceiveForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            p = receiving.do_receive_petition(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã vào sổ đơn số %(number)s, mã tra cứu %(receipt_code)s.") % {"number": p.number, "receipt_code": p.receipt_code})
            return redirect("petitions:petition_detail", pk=p.pk)
    return render(request, "petitions/petition_form.html", {
        "title": _("Tiếp nhận đơn"), "form": form, "loose_errors": loose, "session": session,
    })


# --- a petition ------------------------------------------------------------------------------------------


def _attachments(user: AnyUser, p: Petition) -> dict[str, Any]:
    items = list(p.attachments.order_by("id").only("id", "content_type", "size", "name_enc"))
    allowed = confidentiality.may_see_identity(user, p)
    rows = []
    for i, a in enumerate(items, start=1):
        # A confidential petition's file names may name the denouncer: only a numbered label
        # here; the download itself is a logged reveal.
        name = _("Tệp đính kèm %(i)s") % {"i": i} if p.confidential else services.attachment_name(a)
        # A photo is shown on the page, except a confidential petition's: each look at its files
        # is a logged reveal, which opening the page must not be.
        photo = uploads.is_image(a.content_type) and not p.confidential
        rows.append({"id": a.pk, "name": name, "type": a.content_type, "size": a.size, "photo": photo})
    return {"items": rows if allowed else [], "photos": [r for r in rows if r["photo"]] if allowed else [],
            "count": len(items), "allowed": allowed}


def _history(steps: list[PetitionStep]) -> list[case_views.HistoryEntry]:
    """The petition's steps as its page lists them: the change of state, the document and legal
    basis of each, and the deadline it set."""
    return [
        case_views.HistoryEntry(
            when=s.on, what=s.get_action_display(), who=s.actor_name,
            change=(f"{s.get_from_state_display()} → {s.get_to_state_display()}"
                    if s.from_state and s.to_state and s.from_state != s.to_state else ""),
            note=s.note,
            details=[(label, text) for label, text in ((pgettext("số văn bản", "Văn bản"), s.document_number), (_("Căn cứ"), s.legal_basis)) if text],
            last=_("Hạn tiếp theo: %(due_on)s") % {"due_on": vn_date(s.due_on)} if s.due_on else "",
        )
        for s in steps
    ]


def _render_petition(
    request: HttpRequest, p: Petition, *, bound: Any = None, loose: list[str] | None = None,
    page_errors: list[str] | None = None, revealed: dict[str, Any] | None = None, status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    identity = revealed if p.confidential else confidentiality.identity_for(user, p)
    deadline_rows = [
        {"d": d, "status": d.status(today)} for d in deadlines.compute(p)
    ]
    duplicate_visible = (
        p.duplicate_of_id is not None and Petition.objects.visible_to(user).filter(pk=p.duplicate_of_id).exists()
    )
    context = {
        "title": _("Đơn số %(number)s") % {"number": p.number},
        "p": p,
        "today": today,
        "identity": identity,
        "can_reveal": p.confidential and confidentiality.may_see_identity(user, p) and revealed is None,
        # A confidential petition's repeat links name no one, but lead to someone who does:
        # shown with the identity, in the same logged reveal.
        "sealed_links": confidentiality.sealed_links_for(user, p) if revealed is not None else [],
        "redacted": confidentiality.REDACTED,
        "deadlines": deadline_rows,
        "history": _history(list(p.steps.order_by("on", "id"))),
        "handlers": list(p.assignments.select_related("user__person").order_by("assigned_on", "id")),
        "attachments": _attachments(user, p),
        "action_forms": case_views.panels(request, PETITIONS, p, bound=bound, loose=loose),
        "duplicate_visible": duplicate_visible,
        "later": list(Petition.objects.visible_to(user).filter(previous=p).only("id", "seq", "year", "receipt_code")),
        "routing": routing_text(p),
        "file_limit": deadlines.file_limit(p),
        "timing": p.timing(today),
        "is_handler": confidentiality.is_handler(user, p),
        "papers": papers_of(p),
        "loose_errors": page_errors or [],
        "no_actions_text": (
            _("Bạn được xem đơn này; việc xử lý do cán bộ tiếp công dân, người được giao xử lý và lãnh đạo đơn vị "
            "tiếp nhận thực hiện.") if p.is_open else _("Đơn đã kết thúc xử lý.")
        ),
    }
    return render(request, "petitions/petition_detail.html", context, status=status)


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_petition(request, _visible_petition(request, pk))


@login_required
@require_POST
def petition_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a confidential petition's petitioner to one of its handlers; the reveal is logged
    (who, when) by `identity_for`."""
    p = _visible_petition(request, pk)
    if not p.confidential:
        return redirect("petitions:petition_detail", pk=p.pk)
    identity = confidentiality.identity_for(request.user, p, purpose="xem danh tính trên trang chi tiết đơn")
    if identity is None:
        raise PermissionDenied(_("Chỉ người được giao xử lý đơn mới được xem danh tính người tố cáo."))
    return _render_petition(request, p, revealed=identity)


@login_required
def petition_attachment(request: HttpRequest, pk: int, aid: int) -> FileResponse:
    p = _visible_petition(request, pk)
    attachment = get_object_or_404(Attachment, pk=aid, petition=p)
    if not confidentiality.may_see_identity(request.user, p):
        raise Http404(_("Không có tệp này."))
    if p.confidential:
        confidentiality.identity_for(request.user, p, purpose=f"tải tệp đính kèm #{attachment.pk}")
    name = services.attachment_name(attachment)
    # A photo may be shown in the page (`?xem=1`); anything else is always a download. The type
    # served is the one read from the file's content when it was received (uploads.sniff).
    inline = request.GET.get("xem") == "1" and uploads.is_image(attachment.content_type)
    response = FileResponse(
        io.BytesIO(services.attachment_bytes(attachment)), as_attachment=not inline, filename=name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


def _action_done(request: HttpRequest, p: Petition, action: CaseAction, result: Any) -> HttpResponse:
    if action.name == Action.SECOND_COMPLAINT:
        return case_views.success(request, action, reverse("petitions:petition_detail", args=[result.pk]),
                                  number=result.number)
    return case_views.success(request, action, reverse("petitions:petition_detail", args=[p.pk]),
                              code=getattr(result, "code", ""))


petition_action = case_views.action_view(
    PETITIONS, lookup=_visible_petition, render=_render_petition, done=_action_done,
)


# --- reception sessions ------------------------------------------------------------------------------------


@readers_only
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = (
        ReceptionSession.objects.visible_to(request.user).select_related("unit", "host")
        .annotate(petition_count=Count("petitions")).order_by("-held_on", "-id")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/session_list.html", {
        "title": _("Tiếp công dân"), "page": page,
        "can_create": access.holds(request.user, "petitions", "receive"),
    })


@receivers_only
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, user=request.user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            session = receiving.do_create_session(actor=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi buổi tiếp công dân."))
            return redirect("petitions:session_detail", pk=session.pk)
    return render(request, "petitions/session_form.html", {
        "title": _("Ghi buổi tiếp công dân"), "form": form, "loose_errors": loose,
    })


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        ReceptionSession.objects.visible_to(request.user).select_related("unit", "host", "created_by"), pk=pk
    )
    petitions = list(
        Petition.objects.visible_to(request.user).with_timing().filter(session=session)
        .select_related(*LIST_RELATED).order_by("received_on", "id")
    )
    for p in petitions:
        p.petitioner = confidentiality.public_name(p) or (_("(nặc danh)") if p.is_anonymous else "")  # type: ignore[attr-defined]  # for the template only
    return render(request, "petitions/session_detail.html", {
        "title": str(session), "session": session, "petitions": petitions,
        "can_record": access.may(request.user, "petitions", "receive", session.unit_id),
    })


# --- statistics -------------------------------------------------------------------------------------------------


# The columns of the statistics page's tables (by unit, field and kind).
STAT_COLUMNS = (
    StatColumn(gettext_lazy("Tiếp nhận"), "received"),
    StatColumn(gettext_lazy("Đã xử lý đơn"), "routed"),
    StatColumn(gettext_lazy("Thụ lý"), "accepted"),
    StatColumn(gettext_lazy("Chuyển đơn"), "transferred"),
    StatColumn(gettext_lazy("Đã giải quyết"), "resolved"),
    StatColumn(gettext_lazy("Tỷ lệ giải quyết"), "resolution_rate", percent=True),
    StatColumn(gettext_lazy("Tỷ lệ đúng hạn"), "on_time_rate", percent=True),
    StatColumn(gettext_lazy("Đang quá hạn"), "overdue", alert=True),
    StatColumn(gettext_lazy("Trùng"), "duplicates"),
    StatColumn(gettext_lazy("Vượt cấp"), "over_level"),
    StatColumn(gettext_lazy("Kéo dài"), "prolonged"),
)


@readers_only
@replicas.reads_statistics
def petition_stats(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = Petition.objects.visible_to(request.user)
    years = sorted(set(visible.order_by().values_list("year", flat=True).distinct()) | {today.year}, reverse=True)
    raw = request.GET.get("year", "")
    year = today.year
    if raw:
        try:
            year = parse_int(raw, "year", _("Năm"), max_value=9999)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    grouping = "unit_then" if request.GET.get("units") == "then" else "unit"
    qs = visible.filter(year=year)
    by_unit = stats.table(qs, by=grouping, today=today)
    context = {
        "title": _("Thống kê đơn năm %(year)s") % {"year": year},
        "year": year,
        "years": years,
        "grouping": grouping,
        "total": stats.totals(qs, today=today),
        "columns": STAT_COLUMNS,
        "no_rows": _("Không có đơn nào trong năm %(year)s.") % {"year": year},
        "by_unit": by_unit,
        "by_field": stats.table(qs, by="field", today=today),
        "by_kind": stats.table(qs, by="kind", today=today),
        "today": today,
    }
    return render(request, "petitions/stats.html", context)


# --- citizens ---------------------------------------------------------------------------------------------------


def public_file(request: HttpRequest) -> HttpResponse:
    """A citizen files a recommendation, feedback, complaint or denunciation online, without an
    account; the receipt code is the only way back to it."""
    form = PublicPetitionForm(request.POST or None, request.FILES or None)
    loose: list[str] = []
    status = 200
    if request.method == "POST":
        address = ratelimit.client_address(request)
        if not FILING.attempt(address):
            loose = [_("Ông/bà đã gửi lỗi nhiều lần trong thời gian ngắn. Vui lòng thử lại sau một giờ, hoặc gửi đơn "
                     "trực tiếp tại Bộ phận tiếp công dân.")]
            status = 429
        elif request.POST.get("website"):
            loose = [_("Không gửi được đơn: hệ thống nghi đây là thư rác tự động. Vui lòng tải lại trang và gửi lại.")]
            status = 400
        elif not form.is_valid():
            pass
        elif not FILING.reserve(address):
            loose = [_("Ông/bà đã gửi nhiều đơn trong thời gian ngắn. Vui lòng thử lại sau một giờ, hoặc gửi đơn "
                     "trực tiếp tại Bộ phận tiếp công dân.")]
            status = 429
        else:
            try:
                p = receiving.do_receive_petition(actor=None, public=True, channel=Channel.ONLINE,
                                                 **form.service_kwargs())
            except ValidationError as exc:
                FILING.release(address)
                loose = apply_errors(form, exc)
            else:
                FILING.accepted(address)
                request.session["petition_receipt"] = p.receipt_code
                return redirect("petitions:public_receipt")
    names = "kind field unit place content lat lon"
    if form.is_bound and (form.errors.get("lat") or form.data.get("location_confirmed")):
        names += " location_confirmed"  # the point is questioned: the citizen may confirm it
    if request.FILES and (loose or form.errors):
        loose = [*loose, _("Trình duyệt không giữ lại tệp đã chọn: ông/bà chọn lại ảnh, tệp đính kèm trước khi gửi lại.")]
    return render(request, "petitions/public_form.html", {
        "title": _("Gửi đơn, phản ánh trực tuyến"), "form": form, "loose_errors": loose,
        "content_names": names + " attachments",
    }, status=status)


def public_receipt(request: HttpRequest) -> HttpResponse:
    code = request.session.get("petition_receipt")
    p = Petition.objects.filter(receipt_code=code).select_related("unit").first() if code else None
    if p is None:
        return redirect("petitions:public_file")
    return render(request, "petitions/public_receipt.html", {
        "title": _("Đã nhận đơn"), "p": p, "deadline": p.due_on,
    })


def find_public(code: str) -> lookup.Found | None:
    """A petition by its receipt code, with what its petitioner may know (core.lookup)."""
    p = Petition.objects.filter(receipt_code=code).first()
    if p is None:
        return None
    return lookup.Found("petitions/_public_petition.html", _("Đơn số %(number)s") % {"number": p.number}, {"p": p, **public_facts(p)},
                        styles="petitions/_styles.html", obj=p)


def public_facts(p: Petition) -> dict[str, Any]:
    today = timezone.localdate()
    # The answer to a recommendation or feedback is shown; a complaint's decision or a
    # denunciation's conclusion names people, so only its result and number are.
    answer = p.conclusion if p.kind in (Kind.RECOMMENDATION, Kind.FEEDBACK) and p.concluded_on else ""
    return {
        "routing": routing_text(p),
        "state_label": State(p.state).label,
        "result_label": Result(p.result).label if p.result else "",
        "answer": answer,
        "next_due": p.due_on if p.is_open else None,
        "timing": p.timing(today),
        "steps_public": [
            {"on": s.on, "label": Action(s.action).label}
            for s in p.steps.order_by("on", "id").only("on", "action")
            if s.action not in (Action.ASSIGN, Action.CLASSIFY, Action.REVEAL, Action.MAKE_TASK)
        ],
    }
