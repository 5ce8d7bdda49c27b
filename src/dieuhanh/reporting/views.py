"""Pages of the committee members' periodic reports: the office's overview of a period (and its
.xlsx), who follows what, the member's own reports and the form to send one, a report and the
leader's answer. Reads start from `visible_to(request.user)`; changes go through `services`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dieuhanh.core import access, replicas
from dieuhanh.core.filters import parse_date
from dieuhanh.core.forms import apply_errors
from dieuhanh.core.http import signed_in_user
from dieuhanh.core.xlsx import DATE_FORMAT, Column, sheet, xlsx_response
from dieuhanh.directives import cycle
from dieuhanh.lib.params import int_or_none
from dieuhanh.org.models import Organisation
from dieuhanh.reporting import overview, services
from dieuhanh.reporting.choices import ReportKind
from dieuhanh.reporting.forms import (
    AnswerForm,
    EndFollowForm,
    FollowForm,
    MemberReportForm,
    committees,
    period_choices,
)
from dieuhanh.reporting.models import FollowAssignment, MemberReport

# --- the office: who has reported this period ---------------------------------------------------


def _period(request: HttpRequest) -> tuple[cycle.Period, list[str]]:
    """The period the page shows: `?ky=2026-W49` (links), or `?loai=` and `?ngay=` (the picker),
    or this week. A value that does not parse is reported and the default used."""
    problems: list[str] = []
    today = timezone.localdate()
    if code := request.GET.get("ky"):
        period = cycle.from_code(code)
        if period is not None:
            return period, problems
        problems.append(_("Kỳ báo cáo “%(code)s” không hợp lệ; trang hiện kỳ này.") % {"code": code[:20]})
    kind = request.GET.get("loai") or ReportKind.WEEKLY
    if kind not in ReportKind.values:
        problems.append(_("Loại báo cáo phải là tuần hoặc tháng; trang hiện báo cáo tuần."))
        kind = ReportKind.WEEKLY
    day = today
    if raw := request.GET.get("ngay"):
        try:
            parsed = parse_date(raw)
        except ValidationError:
            parsed = None
        if parsed is None:
            problems.append(_("Ngày “%(raw)s” không hợp lệ; trang hiện kỳ chứa hôm nay.") % {"raw": raw[:40]})
        else:
            day = parsed
    return cycle.period_of(kind, day), problems


def _overview_rows(request: HttpRequest) -> tuple[cycle.Period, list[overview.MemberRow], list[str], int | None]:
    period, problems = _period(request)
    committee = int_or_none(request.GET.get("cap_uy"))
    return period, overview.rows(request.user, period, timezone.localdate(), committee), problems, committee


@access.requires("reporting", "view", gettext_lazy("Bạn không có quyền xem báo cáo của cấp uỷ viên."))
@replicas.reads_statistics
def overview_page(request: HttpRequest) -> HttpResponse:
    period, found, problems, committee = _overview_rows(request)
    for problem in problems:
        messages.error(request, problem)
    today = timezone.localdate()
    following = cycle.period_of(period.cadence, period.end + dt.timedelta(days=1))
    user = signed_in_user(request)
    return render(
        request,
        "reporting/overview.html",
        {
            "title": _("Báo cáo của cấp uỷ viên"),
            "period": period,
            "previous": cycle.previous(period),
            "following": following if following.start <= today else None,
            "rows": found,
            "counts": overview.counts(found),
            "kinds": [(k.value, k.label) for k in ReportKind],
            "committees": _committee_choices(request),
            "committee": committee,
            "today": today,
            "waiting": MemberReport.objects.visible_to(request.user).waiting().select_related("member").order_by("submitted_on"),
            "is_member": bool(services.assignments_of(user, today, today)),
        },
    )


def _committee_choices(request: HttpRequest) -> list[Organisation]:
    """The committees whose members the user reads (for the page's committee filter)."""
    ids = FollowAssignment.objects.visible_to(request.user).values("committee_id")
    return list(Organisation.objects.filter(id__in=ids).select_related("unit").order_by("unit__name", "name"))


@access.requires("reporting", "export", gettext_lazy("Bạn không có quyền xuất báo cáo của cấp uỷ viên."))
def overview_export(request: HttpRequest) -> HttpResponse:
    period, found, _problems, _committee = _overview_rows(request)
    columns: list[Column] = [
        (gettext_lazy("Cấp uỷ viên"), lambda r: r.member.full_name, None),
        (gettext_lazy("Cấp uỷ"), lambda r: r.committee.name, None),
        (gettext_lazy("Địa bàn, lĩnh vực phụ trách"), lambda r: "; ".join(r.followed), None),
        (gettext_lazy("Kỳ báo cáo"), lambda r: period.label, None),
        (gettext_lazy("Hạn báo cáo"), lambda r: period.due, DATE_FORMAT),
        (gettext_lazy("Ngày báo cáo"), lambda r: r.report.submitted_on if r.report else None, DATE_FORMAT),
        (gettext_lazy("Tình trạng"), lambda r: str(r.state_label), None),
        (gettext_lazy("Tình hình"), lambda r: r.report.situation if r.report else None, None),
        (gettext_lazy("Khó khăn, vướng mắc"), lambda r: r.report.obstacles if r.report else None, None),
        (gettext_lazy("Kiến nghị vượt thẩm quyền"), lambda r: r.report.proposals if r.report else None, None),
        (gettext_lazy("Ý kiến của lãnh đạo"), lambda r: r.report.leader_response if r.report else None, None),
    ]
    return xlsx_response(sheet(gettext_lazy("Báo cáo cấp uỷ viên"), columns, found), f"bao-cao-cap-uy-vien-{period.code}")


# --- who follows what --------------------------------------------------------------------------


@access.requires("reporting", "assign", gettext_lazy("Bạn không có quyền phân công cấp uỷ viên theo dõi địa bàn, lĩnh vực."))
def follow_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = FollowForm(request.POST or None, user=user)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.do_assign_follow(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã phân công %(name)s theo dõi %(what)s.") % {
                "name": assignment.member.full_name, "what": assignment.followed,
            })
            return redirect("reporting:follow_list")
    today = timezone.localdate()
    assignments = (
        FollowAssignment.objects.visible_to(user, "assign").filter(committee__in=committees(user))
        .select_related("member", "committee", "area").order_by("committee__name", "member__full_name", "start_date")
    )
    return render(
        request,
        "reporting/follow_list.html",
        {
            "title": _("Phân công cấp uỷ viên theo dõi địa bàn, lĩnh vực"),
            "form": form,
            "loose_errors": loose,
            "current": [a for a in assignments if a.end_date is None or a.end_date >= today],
            "ended": [a for a in assignments if a.end_date is not None and a.end_date < today],
            "end_form": EndFollowForm(),
        },
    )


@access.requires("reporting", "assign", gettext_lazy("Bạn không có quyền phân công cấp uỷ viên theo dõi địa bàn, lĩnh vực."))
@require_POST
def follow_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(FollowAssignment.objects.visible_to(request.user, "assign"), pk=pk)
    form = EndFollowForm(request.POST)
    if form.is_valid():
        try:
            services.do_end_follow(actor=signed_in_user(request), assignment=assignment, end_date=form.cleaned_data.get("end_date"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã kết thúc phân công của %(name)s.") % {"name": assignment.member.full_name})
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect("reporting:follow_list")


# --- the member's own reports --------------------------------------------------------------------


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """The member's page: what they follow, this week's and this month's state, the form, and
    their reports. Someone who follows nothing and never did is sent to the members' reports if
    they read them (the office, a leader), and refused otherwise."""
    user = signed_in_user(request)
    ever = FollowAssignment.objects.filter(member_id=user.person_id).select_related("committee", "area") if user.person_id else None
    if not ever:
        if access.holds(user, "reporting", "view"):  # the office, a leader: the members' reports
            return redirect("reporting:overview")
        raise PermissionDenied(_("Đồng chí không được phân công theo dõi địa bàn, lĩnh vực nào nên không có báo cáo định kỳ."))
    sent_codes = {
        r.period.code for r in MemberReport.objects.filter(member_id=user.person_id, period_start__gte=timezone.localdate() - dt.timedelta(days=70))
    }
    unsent = [code for code, _label in period_choices(timezone.localdate()) if code not in sent_codes]
    form = MemberReportForm(request.POST or None, initial={"period": unsent[0] if unsent else ""})
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = services.do_submit_member_report(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        except PermissionDenied as exc:
            loose = [str(exc)]
        else:
            messages.success(request, _("Đã gửi báo cáo %(period)s.") % {"period": report.period.label})
            return redirect("reporting:report_detail", pk=report.pk)
    today = timezone.localdate()
    reports = MemberReport.objects.filter(member_id=user.person_id).select_related("answered_by__person")
    sent = {(r.kind, r.period_start): r for r in reports}
    current = []
    for cadence in cycle.PERIODIC:
        period = cycle.period_of(cadence, today)
        active = services.assignments_of(user, period.start, period.end)
        current.append({
            "period": period, "report": sent.get((cadence, period.start)),
            "owes": services.owes(active, period), "late": period.is_late(today),
        })
    return render(
        request,
        "reporting/my_reports.html",
        {
            "title": _("Báo cáo định kỳ của đồng chí"),
            "assignments": [a for a in ever if a.end_date is None or a.end_date >= today],
            "current": current,
            "form": form,
            "loose_errors": loose,
            "reports": reports[:60],
        },
    )


def _visible_report(request: HttpRequest, pk: int) -> MemberReport:
    qs = MemberReport.objects.visible_to(request.user).select_related(
        "member", "committee", "submitted_by", "answered_by__person"
    )
    return get_object_or_404(qs, pk=pk)


def _render_report(request: HttpRequest, report: MemberReport, form: AnswerForm | None = None, loose: list[str] | None = None) -> HttpResponse:
    user = signed_in_user(request)
    can_answer = (
        report.waiting and access.may(user, "reporting", "answer", report.committee.unit_id)
        and user.person_id != report.member_id
    )
    return render(
        request,
        "reporting/report_detail.html",
        {
            "title": _("Báo cáo %(period)s — %(name)s") % {"period": report.period.label, "name": report.member.full_name},
            "report": report,
            "assignments": FollowAssignment.objects.filter(member=report.member, committee=report.committee)
            .active_during(report.period_start, report.period_end).select_related("area"),
            "answer_form": form or (AnswerForm() if can_answer else None),
            "loose_errors": loose or [],
            "can_read_all": access.holds(user, "reporting", "view"),
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_report(request, _visible_report(request, pk))


@login_required
@require_POST
def report_answer(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    form = AnswerForm(request.POST)
    loose: list[str] = []
    if form.is_valid():
        try:
            services.do_answer_member_report(actor=signed_in_user(request), report=report, response=form.cleaned_data.get("response") or "")
        except ValidationError as exc:
            loose = apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi ý kiến của lãnh đạo; cấp uỷ viên được thông báo."))
            return redirect("reporting:report_detail", pk=report.pk)
    return _render_report(request, report, form, loose)
