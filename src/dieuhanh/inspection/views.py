"""The pages of inspection, supervision and discipline. Every view starts from
`visible_to(request.user)`: a file of another unit, or any file for someone the app's confidential
permissions do not name, is a 404 for every URL; lists are for the inspection commission and the
standing board (`@access.requires`). The person a case is about opens their own case's page, which
shows them what concerns them (the decision, the schedule, the conclusion and its notice, the
tasks) and not the team's working (verification, draft)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core import access, case_views
from dieuhanh.core.cases import CaseAction, CaseType
from dieuhanh.core.forms import apply_errors
from dieuhanh.core.http import signed_in_user
from dieuhanh.core.xlsx import xlsx_response
from dieuhanh.inspection import export, services, stats
from dieuhanh.inspection.cases import APPEALS, DISCIPLINES, INSPECTIONS, REVIEWS
from dieuhanh.inspection.choices import OPEN_STATES, AppealState, Level, State
from dieuhanh.inspection.filters import (
    CONCLUDED,
    LATE,
    OPEN,
    DisciplineFilter,
    InspectionFilter,
    ReviewFilter,
)
from dieuhanh.inspection.forms import (
    DecideForm,
    DisciplineFilterForm,
    InspectionFilterForm,
    PlannedItemForm,
    ProgrammeForm,
    ProposeForm,
    ReportedFigureForm,
    ReviewFilterForm,
    SuggestForm,
)
from dieuhanh.inspection.models import Appeal, Discipline, Inspection, Programme, ReportedFigure, Review, Step
from dieuhanh.lib.params import int_or_none

PAGE_SIZE = 50
NOT_ALLOWED = gettext_lazy("Hồ sơ kiểm tra, giám sát và kỷ luật chỉ dành cho uỷ ban kiểm tra và ban thường vụ cấp uỷ.")
NO_FIGURES = gettext_lazy("Số liệu kiểm tra, giám sát dành cho uỷ ban kiểm tra, lãnh đạo và văn phòng cấp uỷ.")


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@access.requires("inspection", "count", NO_FIGURES)
def home(request: HttpRequest) -> HttpResponse:
    """The menu's entry: the files for the commission and the board, the figures for the others."""
    if access.holds(request.user, "inspection", "view"):
        return redirect("inspection:inspection_list")
    return redirect("inspection:statistics")


# --- inspections ---------------------------------------------------------------------------------


def _inspections(request: HttpRequest) -> tuple[QuerySet[Inspection], list[str]]:
    flt, problems = InspectionFilter.lenient(request.GET)
    qs = flt.apply(Inspection.objects.visible_to(request.user))
    return qs.select_related("organisation", "subject_org", "subject_person").order_by("-decided_on", "-id"), problems


@access.requires("inspection", "view", NOT_ALLOWED)
def inspection_list(request: HttpRequest) -> HttpResponse:
    rows, problems = _inspections(request)
    for problem in problems:
        messages.error(request, problem)
    base = Inspection.objects.visible_to(request.user)
    today = timezone.localdate()
    counts = base.aggregate(
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        late=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
        remedying=Count("id", filter=Q(state=State.NOTIFIED)),
        concluded=Count("id", filter=Q(concluded_on__year=today.year)),
    )
    url = reverse("inspection:inspection_list")
    tiles = [
        (counts["open"], _("đang tiến hành"), f"{url}?stage={OPEN}", ""),
        (counts["late"], _("quá thời hạn, chưa kết luận"), f"{url}?stage={LATE}", "overdue"),
        (counts["remedying"], _("đang khắc phục sau kết luận"), f"{url}?state={State.NOTIFIED}", ""),
        (counts["concluded"], _("đã kết luận năm nay"), f"{url}?stage={CONCLUDED}&year={today.year}", "on-track"),
    ]
    return render(request, "inspection/inspection_list.html", {
        "title": _("Kiểm tra, giám sát"), "tab": "inspections", "tiles": tiles,
        "filter_form": InspectionFilterForm(request.GET or None), "page": _page(request, rows),
        "can_decide": access.holds(request.user, "inspection", "decide"), "today": today,
    })


@access.requires("inspection", "export", NOT_ALLOWED)
def inspection_export(request: HttpRequest) -> HttpResponse:
    rows, _problems = _inspections(request)
    return xlsx_response(export.inspections_workbook(rows.iterator(chunk_size=2000)), "kiem-tra-giam-sat")


def _form_page(request: HttpRequest, template: str, title: str, form: Any, loose: list[str], **extra: Any) -> HttpResponse:
    return render(request, template, {"title": title, "form": form, "loose_errors": loose, **extra})


@access.requires("inspection", "decide", gettext_lazy("Bạn không có quyền quyết định kiểm tra, giám sát."))
def inspection_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if item_id := int_or_none(request.GET.get("item")):
        from dieuhanh.inspection.models import PlannedItem

        item = PlannedItem.objects.visible_to(request.user, "decide").select_related("programme").filter(pk=item_id).first()
        if item is not None:
            initial = {"planned_item": item.pk, "organisation": item.programme.organisation_id,
                       "body": item.programme.body, "kind": item.kind, "field": item.field, "content": item.content,
                       "subject_type": item.subject_type, "subject_org": item.subject_org_id,
                       "subject_person": item.subject_person_id, "team_lead": item.lead_id}
    form = DecideForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            i = services.do_decide_inspection(actor=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi quyết định; hạn kết thúc %(due)s.") % {"due": f"{i.due_on:%d/%m/%Y}"})
            return redirect(i.get_absolute_url())
    return _form_page(request, "inspection/inspection_form.html", _("Quyết định kiểm tra, giám sát"), form, loose)


def _history(case_name: str, case: Any, labels: dict[str, str], states: Any) -> list[case_views.HistoryEntry]:
    steps = Step.objects.filter(case=case_name, case_id=case.pk).select_related("actor__person")
    return [case_views.HistoryEntry(
        when=s.day, what=labels.get(s.action, s.action), who=s.actor.display_name if s.actor else _("hệ thống"),
        change=str(states(s.state).label) if s.state in states.values else "", note=s.note,
    ) for s in steps]


def _verb_labels() -> dict[str, str]:
    from dieuhanh.inspection.choices import Verb

    return {v.value: str(v.label) for v in Verb}


def _is_board(request: HttpRequest, case: Any) -> bool:
    """Whether the reader reads the case as the commission or the board, not as its subject."""
    return access.may(request.user, "inspection", "view", case.unit_id)


def _case_page(case_type: CaseType, template: str, queryset: Callable[[HttpRequest], QuerySet[Any]],
               context: Callable[[HttpRequest, Any], dict[str, Any]]) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The detail view and the action view of a case type."""

    def lookup(request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(queryset(request), pk=pk)

    def draw(request: HttpRequest, case: Any, /, *, bound: Any = None, loose: list[str] | None = None,
             page_errors: list[str] | None = None, status: int = 200) -> HttpResponse:
        board = _is_board(request, case)
        return render(request, template, {
            "case": case, "board": board, "loose_errors": page_errors or [],
            "history": _history(case_type.model.__name__.lower(), case, _verb_labels(), case_type.states) if board else [],
            "action_forms": case_views.panels(request, case_type, case, bound=bound, loose=loose) if board else [],
            "no_actions_text": _("Không còn thao tác nào ở bước này."), "today": timezone.localdate(),
            **context(request, case),
        }, status=status)

    def detail(request: HttpRequest, pk: int) -> HttpResponse:
        return draw(request, lookup(request, pk))

    def done(request: HttpRequest, case: Any, action: CaseAction, result: Any) -> HttpResponse:
        to = result.get_absolute_url() if isinstance(result, Discipline | Appeal) else case.get_absolute_url()
        return case_views.success(request, action, to, code=getattr(result, "code", ""))

    from django.contrib.auth.decorators import login_required

    return login_required(detail), case_views.action_view(case_type, lookup=lookup, render=draw, done=done)


def _inspection_qs(request: HttpRequest) -> QuerySet[Inspection]:
    return Inspection.objects.visible_to(request.user).select_related(
        "organisation__unit", "subject_org", "subject_person", "team_lead", "planned_item__programme",
        "notice_document").prefetch_related("team", "findings__task")


def _inspection_context(request: HttpRequest, i: Inspection) -> dict[str, Any]:
    from dieuhanh.inspection import rules

    _a, _d, announce_rule, duration_rule = rules.due_dates(i.kind, i.decided_on)
    return {"title": str(i.get_kind_display()), "i": i, "announce_rule": announce_rule, "duration_rule": duration_rule,
            "disciplines": Discipline.objects.visible_to(request.user).filter(source_inspection=i)}


inspection_detail, inspection_action = _case_page(INSPECTIONS, "inspection/inspection_detail.html", _inspection_qs,
                                                  _inspection_context)


# --- programmes ----------------------------------------------------------------------------------


@access.requires("inspection", "view", NOT_ALLOWED)
def programme_list(request: HttpRequest) -> HttpResponse:
    rows = Programme.objects.visible_to(request.user).select_related("organisation").annotate(
        planned=Count("items"), done=Count("items", filter=Q(items__inspection__isnull=False))).order_by(
        "-year_from", "organisation__name")
    return render(request, "inspection/programme_list.html", {
        "title": _("Chương trình kiểm tra, giám sát"), "tab": "programmes", "page": _page(request, rows),
        "can_decide": access.holds(request.user, "inspection", "decide"),
    })


@access.requires("inspection", "decide", gettext_lazy("Bạn không có quyền ban hành chương trình kiểm tra, giám sát."))
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST if request.method == "POST" else None, user=request.user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            p = services.do_add_programme(actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi chương trình; thêm các nội dung kiểm tra, giám sát."))
            return redirect(p.get_absolute_url())
    return _form_page(request, "inspection/programme_form.html", _("Chương trình kiểm tra, giám sát"), form, loose)


def plan_by_quarter(programme: Programme, today: dt.date) -> list[dict[str, Any]]:
    """Plan against done, by year and quarter: items planned, decided, concluded, and those whose
    quarter has passed without a decision."""
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for item in programme.items.all():
        r = rows.setdefault((item.year, item.quarter), {"year": item.year, "quarter": item.quarter, "planned": 0,
                                                        "decided": 0, "concluded": 0, "behind": 0})
        r["planned"] += 1
        inspection = getattr(item, "inspection", None)
        if inspection is not None:
            r["decided"] += 1
            if inspection.concluded_on is not None:
                r["concluded"] += 1
        elif (item.year, item.quarter) < (today.year, (today.month - 1) // 3 + 1):
            r["behind"] += 1
    return [rows[k] for k in sorted(rows)]


@access.requires("inspection", "view", NOT_ALLOWED)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    can_plan = access.may(request.user, "inspection", "decide", p.unit_id)
    form = PlannedItemForm(request.POST if request.method == "POST" else None, user=request.user,
                           initial={"year": p.year_from})
    loose: list[str] = []
    if request.method == "POST":
        if not can_plan:
            access.require(request.user, "inspection", "decide", p.unit_id, _("sửa chương trình này"))
        if form.is_valid():
            try:
                services.do_plan_item(actor=signed_in_user(request), programme=p, **form.cleaned_data)
            except ValidationError as exc:
                loose = apply_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm nội dung vào chương trình."))
                return redirect(p.get_absolute_url())
    items = p.items.select_related("subject_org", "subject_person", "lead", "inspection").order_by("year", "quarter", "id")
    return render(request, "inspection/programme_detail.html", {
        "title": p.title, "p": p, "items": items, "quarters": plan_by_quarter(p, timezone.localdate()),
        "form": form if can_plan else None, "loose_errors": loose, "tab": "programmes",
    }, status=422 if loose or form.errors else 200)


# --- discipline ----------------------------------------------------------------------------------


def _disciplines(request: HttpRequest) -> tuple[QuerySet[Discipline], list[str]]:
    flt, problems = DisciplineFilter.lenient(request.GET)
    qs = flt.apply(Discipline.objects.visible_to(request.user))
    return qs.select_related("organisation", "subject_org", "subject_person").order_by("-proposed_on", "-id"), problems


@access.requires("inspection", "view", NOT_ALLOWED)
def discipline_list(request: HttpRequest) -> HttpResponse:
    rows, problems = _disciplines(request)
    for problem in problems:
        messages.error(request, problem)
    appeals = Appeal.objects.visible_to(request.user).select_related(
        "discipline__subject_org", "discipline__subject_person", "organisation").order_by("-lodged_on", "-id")
    return render(request, "inspection/discipline_list.html", {
        "title": _("Kỷ luật đảng"), "tab": "disciplines", "filter_form": DisciplineFilterForm(request.GET or None),
        "page": _page(request, rows), "appeals": appeals.filter(state__in=(AppealState.LODGED, AppealState.ACCEPTED))[:50],
        "can_decide": access.holds(request.user, "inspection", "decide"),
    })


@access.requires("inspection", "export", NOT_ALLOWED)
def discipline_export(request: HttpRequest) -> HttpResponse:
    rows, _problems = _disciplines(request)
    return xlsx_response(export.disciplines_workbook(rows.iterator(chunk_size=2000)), "ky-luat-dang")


@access.requires("inspection", "decide", gettext_lazy("Bạn không có quyền đề nghị kỷ luật."))
def discipline_create(request: HttpRequest) -> HttpResponse:
    """A proposal of discipline, from a denunciation against a party member (`?petition=<id>`, a
    petition the reader may see) or entered on its own."""
    from dieuhanh.inspection.forms import denunciations

    petition = None
    if petition_id := int_or_none(request.GET.get("petition")):
        petition = denunciations(request.user).filter(pk=petition_id).first()
    initial: dict[str, Any] = {"source_petition": petition.pk, "violation": petition.subject} if petition else {}
    form = ProposeForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            d = services.do_propose_discipline(actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lập hồ sơ đề nghị kỷ luật."))
            return redirect(d.get_absolute_url())
    return _form_page(request, "inspection/discipline_form.html", _("Đề nghị xem xét kỷ luật"), form, loose,
                      petition=petition)


def _discipline_qs(request: HttpRequest) -> QuerySet[Discipline]:
    return Discipline.objects.visible_to(request.user).select_related(
        "organisation__unit", "subject_org", "subject_person", "source_inspection", "source_petition"
    ).prefetch_related("appeals__organisation")


def _discipline_context(request: HttpRequest, d: Discipline) -> dict[str, Any]:
    from dieuhanh.inspection import rules

    lim = rules.limitation(d.form or d.proposed_form, d.violated_on, d.decided_on or timezone.localdate())
    return {"title": _("Kỷ luật: %(name)s") % {"name": d.subject_name}, "d": d, "limitation": lim,
            "forms_citation": rules.forms_citation()}


discipline_detail, discipline_action = _case_page(DISCIPLINES, "inspection/discipline_detail.html", _discipline_qs,
                                                  _discipline_context)


def _appeal_qs(request: HttpRequest) -> QuerySet[Appeal]:
    return Appeal.objects.visible_to(request.user).select_related(
        "discipline__subject_org", "discipline__subject_person", "discipline__organisation", "organisation")


def _appeal_context(request: HttpRequest, a: Appeal) -> dict[str, Any]:
    return {"title": _("Khiếu nại kỷ luật: %(name)s") % {"name": a.discipline.subject_name}, "a": a,
            "d": a.discipline}


appeal_detail, appeal_action = _case_page(APPEALS, "inspection/appeal_detail.html", _appeal_qs, _appeal_context)


# --- reviews -------------------------------------------------------------------------------------


@access.requires("inspection", "view", NOT_ALLOWED)
def review_list(request: HttpRequest) -> HttpResponse:
    flt, problems = ReviewFilter.lenient(request.GET)
    for problem in problems:
        messages.error(request, problem)
    rows = flt.apply(Review.objects.visible_to(request.user)).select_related(
        "organisation", "subject_org", "subject_person").order_by("-suggested_on", "-id")
    return render(request, "inspection/review_list.html", {
        "title": _("Gợi ý kiểm điểm"), "tab": "reviews", "filter_form": ReviewFilterForm(request.GET or None),
        "page": _page(request, rows), "can_decide": access.holds(request.user, "inspection", "decide"),
    })


@access.requires("inspection", "decide", gettext_lazy("Bạn không có quyền gợi ý kiểm điểm."))
def review_create(request: HttpRequest) -> HttpResponse:
    form = SuggestForm(request.POST if request.method == "POST" else None, user=request.user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            r = services.do_suggest_review(actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi gợi ý kiểm điểm."))
            return redirect(r.get_absolute_url())
    return _form_page(request, "inspection/review_form.html", _("Gợi ý kiểm điểm"), form, loose)


def _review_qs(request: HttpRequest) -> QuerySet[Review]:
    return Review.objects.visible_to(request.user).select_related(
        "organisation__unit", "subject_org", "subject_person", "notice_document").prefetch_related("findings__task")


def _review_context(request: HttpRequest, r: Review) -> dict[str, Any]:
    return {"title": _("Gợi ý kiểm điểm: %(name)s") % {"name": r.subject_name}, "r": r}


review_detail, review_action = _case_page(REVIEWS, "inspection/review_detail.html", _review_qs, _review_context)


# --- statistics ----------------------------------------------------------------------------------


@access.requires("inspection", "count", NO_FIGURES)
def statistics(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level") or ""
    if level not in Level.values:
        level = ""
    figs = stats.figures(request.user, level=level)
    can_enter = access.holds(request.user, "inspection", "decide")
    form = ReportedFigureForm(request.POST if request.method == "POST" else None, user=request.user)
    loose: list[str] = []
    if request.method == "POST":
        access.require_any(request.user, "inspection", "decide", _("Bạn không có quyền nhập số liệu."))
        if form.is_valid():
            try:
                services.do_add_reported_figure(actor=signed_in_user(request), **form.cleaned_data)
            except ValidationError as exc:
                loose = apply_errors(form, exc)
            else:
                messages.success(request, _("Đã nhập số liệu."))
                return redirect("inspection:statistics")
    reported = ReportedFigure.objects.visible_to(request.user, "count").select_related("unit")
    return render(request, "inspection/statistics.html", {
        "title": _("Số liệu kiểm tra, giám sát, kỷ luật"), "tab": "statistics", "f": figs,
        "chart": stats.chart(figs.rows, _("Kiểm tra, giám sát, kỷ luật theo năm và kỳ báo cáo")),
        "columns": stats.COLUMNS, "levels": Level.choices,
        "table": [(r, [r.value(key) for key, _label in stats.COLUMNS]) for r in figs.rows], "level": level,
        "reported": reported[:200], "form": form if can_enter else None, "loose_errors": loose,
        "board": access.holds(request.user, "inspection", "view"),
    }, status=422 if loose or form.errors else 200)
