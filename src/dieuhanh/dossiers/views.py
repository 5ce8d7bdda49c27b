"""Pages of the one-stop desk: the dossier register (list, filters, Excel export), receiving a
dossier, a dossier's page with its steps, history and the workflow's actions, the printable
receipt and appointment slip, and the procedures catalogue.

Every dossier page starts from `Dossier.objects.visible_to(request.user)`, so a dossier outside
the user's scope is a 404 for its page, its slip and its actions alike. Views parse input with
the forms and call the `do_*` services, which check the role again and own every change; a
ValidationError goes back onto the form, a PermissionDenied becomes the 403 page.

Dossier codes come from the province's one-stop systems and are kept as given, so the code in a
URL may hold any character, slashes included. The module's other pages under `ho-so/` (import,
statistics: their routes come after these in `urls.py`) are listed in `PAGES` so that they are
never read as a dossier code; a new page under `ho-so/` must be added there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, register_converter, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core import access, calendar, case_views, lookup
from dieuhanh.core.cases import CaseAction
from dieuhanh.core.forms import apply_errors
from dieuhanh.core.http import AnyUser, HtmxHttpRequest, signed_in_user
from dieuhanh.core.legal_rules import Rule, RuleNotFound
from dieuhanh.dossiers import export, services
from dieuhanh.dossiers.cases import DOSSIERS, apology_by
from dieuhanh.dossiers.choices import OPEN_STATUSES, EventKind
from dieuhanh.dossiers.filters import DossierFilter
from dieuhanh.dossiers.forms import (
    DossierFilterForm,
    ProcedureFilterForm,
    ProcedureForm,
    ReceiveForm,
    procedure_fields,
    search_procedures,
)
from dieuhanh.dossiers.models import Dossier, DossierEvent, Procedure

PAGE_SIZE = 50
LIST_RELATED = ("procedure", "unit")


# First path segments under ho-so/ that are pages, not dossier codes.
PAGES = ("xuat", "moi", "thu-tuc", "nhap", "thong-ke", "tre-han", "chi-so-766")


class DossierCode:
    """Any dossier code, slashes included, but not one of the module's pages (`PAGES`)."""

    regex = r"(?!(?:" + "|".join(PAGES) + r")/).+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DossierCode, "dossier_code")

readers_only = access.requires("dossiers", "view", gettext_lazy("Trang này dành cho cán bộ được phân quyền xem hồ sơ."))
desk_only = access.requires("dossiers", "receive", gettext_lazy("Chỉ cán bộ Bộ phận Một cửa mới được tiếp nhận hồ sơ."))
catalogue_only = access.requires("dossiers", "catalogue", gettext_lazy("Chỉ quản trị hệ thống được sửa danh mục thủ tục hành chính."))


def _visible_dossier(request: HttpRequest, code: str) -> Dossier:
    qs = Dossier.objects.visible_to(request.user).select_related("procedure", "unit", "created_by")
    return get_object_or_404(qs, code=code)


# --- register, export --------------------------------------------------------------------------------


def _filter(request: HttpRequest) -> tuple[DossierFilter, list[str]]:
    """The register's filter from the query string; a value that does not parse is dropped and
    reported, never a 500."""
    return DossierFilter.lenient(request.GET)


def _filtered(request: HttpRequest) -> tuple[Any, list[str]]:
    flt, problems = _filter(request)
    qs = flt.apply(Dossier.objects.visible_to(request.user), timezone.localdate())
    return qs, problems


def _summary(user: AnyUser, today: Any) -> dict[str, int]:
    visible = Dossier.objects.visible_to(user)
    soon = calendar.due_soon_until(today)
    counts = visible.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("id"),
        late_now=Count("id", filter=Q(due_on__lt=today)),
        due_soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    counts["received_today"] = visible.filter(received_on=today).count()
    return counts


@readers_only
def dossier_list(request: HtmxHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    dossiers, problems = _filtered(request)
    dossiers = dossiers.select_related(*LIST_RELATED).order_by("-received_on", "-id")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": _("Sổ theo dõi hồ sơ một cửa"),
        "page": page,
        "problems": problems,
        "today": today,
        "late_status": OPEN_STATUSES,
    }
    if request.htmx and request.htmx.target == "dossier-results":
        return render(request, "dossiers/_dossier_results.html", context)
    context.update(
        filter_form=DossierFilterForm(request.GET or None, user=request.user),
        procedures=Procedure.objects.order_by("code").only("code", "name"),
        summary=_summary(request.user, today),
        can_receive=access.holds(request.user, "dossiers", "receive"),
        can_import=access.holds(request.user, "dossiers", "import"),
    )
    return render(request, "dossiers/dossier_list.html", context)


@readers_only
def dossier_export(request: HttpRequest) -> FileResponse:
    dossiers, _problems = _filtered(request)
    return export.register_response(dossiers, today=timezone.localdate())


# --- receiving ------------------------------------------------------------------------------------------


@desk_only
def dossier_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ReceiveForm(request.POST or None, user=user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            d = services.do_receive_dossier(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc, {"received_at": "received_on"})
        else:
            messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả kết quả ngày %(due_on)s.") % {"code": d.code, "due_on": format(d.due_on, '%d/%m/%Y')})
            return redirect("dossier_detail", code=d.code)
    return render(request, "dossiers/dossier_form.html", {
        "title": _("Tiếp nhận hồ sơ"), "form": form, "loose_errors": loose,
    })


@desk_only
def procedure_options(request: HttpRequest) -> HttpResponse:
    """The receive form's procedure list narrowed to a search (htmx)."""
    q = request.GET.get("procedure_q", "")
    found = list(search_procedures(q))
    return render(request, "dossiers/_procedure_options.html", {
        "procedures": found, "q": q.strip(), "selected": found[0].pk if len(found) == 1 else None,
    })


# --- a dossier ---------------------------------------------------------------------------------------------


def _cutoff_rule(d: Dossier) -> Rule | None:
    """The cut-off hour rule of the dossier's receipt date, for the note under its steps."""
    try:
        return services.cutoff(d.received_on)[1]
    except RuleNotFound:
        return None


def _history(events: list[DossierEvent]) -> list[case_views.HistoryEntry]:
    """The dossier's events as its page lists them: the change of status, by whom or which import."""
    entries = []
    for e in events:
        change = ""
        if e.to_status and e.from_status != e.to_status:
            change = e.get_to_status_display()
            if e.from_status:
                change = f"{e.get_from_status_display()} → {change}"
        who = e.actor.display_name if e.actor else (_("lượt nhập #%(job_id)s") % {"job_id": e.job_id} if e.job_id else _("hệ thống"))
        entries.append(case_views.HistoryEntry(when=e.at, what=e.get_kind_display(), who=who, change=change, note=e.note))
    return entries


def _render_dossier(request: HttpRequest, d: Dossier, *, bound: Any = None, loose: list[str] | None = None,
                    page_errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    steps = list(d.steps.select_related("body", "unit").order_by("seq"))
    for step in steps:
        step.is_late = step.late(today)  # type: ignore[attr-defined]  # for the template only
    events = list(
        DossierEvent.objects.filter(dossier=d).select_related("actor", "job").order_by("at", "id")
    )
    context = {
        "title": _("Hồ sơ %(code)s") % {"code": d.code},
        "d": d,
        "today": today,
        "late_now": d.late_now(today),
        "counts_from": services.dossier_counts_from(d),
        "apology_by": apology_by(d),
        "steps": steps,
        "cutoff": _cutoff_rule(d) if steps else None,
        "history": _history(events),
        "action_forms": case_views.panels(request, DOSSIERS, d, bound=bound, loose=loose),
        "no_actions_text": (
            _("Bạn được xem hồ sơ này; việc xử lý do Bộ phận Một cửa, cơ quan đang giữ hồ sơ và lãnh đạo đơn vị "
            "tiếp nhận thực hiện.") if d.is_open else _("Hồ sơ đã kết thúc: %(value)s.") % {"value": d.get_status_display().lower()}
        ),
        "loose_errors": page_errors or [],
    }
    return render(request, "dossiers/dossier_detail.html", context, status=status)


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_dossier(request, _visible_dossier(request, code))


def _action_done(request: HttpRequest, d: Dossier, action: CaseAction, result: Any) -> HttpResponse:
    return case_views.success(request, action, reverse("dossier_detail", kwargs={"code": d.code}),
                              body=result.current_body)


dossier_action = case_views.action_view(DOSSIERS, lookup=_visible_dossier, render=_render_dossier, done=_action_done)


@login_required
def dossier_slip(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt and appointment slip (*Giấy tiếp nhận hồ sơ và hẹn trả kết quả*), printed on
    A4 and handed to the applicant."""
    d = _visible_dossier(request, code)
    receipt = d.events.filter(kind=EventKind.RECEIVE).select_related("actor").order_by("at", "id").first()
    officer = receipt.actor if receipt is not None and receipt.actor_id else d.created_by
    return render(request, "dossiers/dossier_slip.html", {
        "title": _("Giấy tiếp nhận hồ sơ %(code)s") % {"code": d.code},
        "d": d,
        "documents": receipt.note if receipt is not None else "",
        "officer": officer,
        "received_at": d.received_at,
        "counts_from": services.dossier_counts_from(d),
        "today": timezone.localdate(),
        "lookup_code": lookup.grouped(d.lookup_code) if d.lookup_code else "",
        "lookup_url": request.build_absolute_uri(reverse("public_lookup")),
    })


# --- procedures catalogue ---------------------------------------------------------------------------------


@readers_only
def procedure_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None)
    procedures = form.apply(Procedure.objects.all()).order_by("code")
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": _("Danh mục thủ tục hành chính"),
        "page": page,
        "filter_form": form,
        "can_edit": access.may(request.user, "dossiers", "catalogue", None),
    }
    if request.htmx and request.htmx.target == "procedure-results":
        return render(request, "dossiers/_procedure_results.html", context)
    return render(request, "dossiers/procedure_list.html", context)


def _procedure_form(request: HttpRequest, instance: Procedure | None) -> HttpResponse:
    form = ProcedureForm(request.POST or None, instance=instance)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            proc, created = services.do_save_procedure(actor=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            done = _("Đã thêm thủ tục %(code)s.") if created else _("Đã cập nhật thủ tục %(code)s.")
            messages.success(request, done % {"code": proc.code})
            return redirect(f"/ho-so/thu-tuc/?q={proc.code}")
    return render(request, "dossiers/procedure_form.html", {
        "title": _("Sửa thủ tục %(code)s") % {"code": instance.code} if instance else _("Thêm thủ tục hành chính"),
        "form": form, "loose_errors": loose, "procedure": instance, "fields": procedure_fields(),
    })


@catalogue_only
def procedure_create(request: HttpRequest) -> HttpResponse:
    return _procedure_form(request, None)


@catalogue_only
def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _procedure_form(request, get_object_or_404(Procedure, code=code))


urlpatterns: list[URLPattern] = [
    path("ho-so/", dossier_list, name="dossier_list"),
    path("ho-so/xuat/", dossier_export, name="dossier_export"),
    path("ho-so/moi/", dossier_create, name="dossier_create"),
    path("ho-so/thu-tuc/", procedure_list, name="procedure_list"),
    path("ho-so/thu-tuc/moi/", procedure_create, name="procedure_create"),
    path("ho-so/thu-tuc/chon/", procedure_options, name="procedure_options"),
    path("ho-so/thu-tuc/<path:code>/sua/", procedure_edit, name="procedure_edit"),
    path("ho-so/<dossier_code:code>/phieu/", dossier_slip, name="dossier_slip"),
    *case_views.action_urls(DOSSIERS, "ho-so/", "dossier_code", dossier_action),
    path("ho-so/<dossier_code:code>/", dossier_detail, name="dossier_detail"),
]
