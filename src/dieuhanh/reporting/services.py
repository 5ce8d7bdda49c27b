"""Every change to follow assignments and members' reports: `do_*` functions, each checking who
acts, validating with Vietnamese messages that name the field, writing in one transaction with its
audit event, and notifying after it commits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core import access, audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.directives import cycle
from dieuhanh.org import scope
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Assignment, Organisation, Person, User
from dieuhanh.reporting.choices import FollowedField
from dieuhanh.reporting.models import FollowAssignment, MemberReport, is_member_q


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def is_member(person: Person, committee: Organisation, day: dt.date) -> bool:
    return Assignment.objects.filter(is_member_q(day), person=person, position__organisation=committee).exists()


def committee_members(committee: Organisation, day: dt.date) -> list[Person]:
    """The committee's members on `day` (a post of its leadership: `models.is_member_q`)."""
    ids = Assignment.objects.filter(is_member_q(day), position__organisation=committee).values("person_id")
    return list(Person.objects.filter(id__in=ids).order_by("full_name", "id"))


# --- who follows what ------------------------------------------------------------------------


@transaction.atomic
def do_assign_follow(
    *,
    actor: User,
    member: Person | None,
    committee: Organisation | None,
    area: AdminUnit | None = None,
    field: str = "",
    note: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> FollowAssignment:
    """Assign a committee member to follow an area (a unit of the committee's), a field, or both."""
    errors: dict[str, list[str]] = {}
    start_date = start_date or timezone.localdate()
    if committee is None:
        errors["committee"] = [gettext("Chọn cấp uỷ.")]
    elif committee.kind != OrganisationKind.PARTY_COMMITTEE:
        errors["committee"] = [gettext("%(name)s không phải một cấp uỷ Đảng.") % {"name": committee.name}]
    if member is None:
        errors["member"] = [gettext("Chọn cấp uỷ viên được phân công.")]
    if area is None and not field:
        errors["area"] = [gettext("Chọn địa bàn hoặc lĩnh vực phụ trách (ít nhất một).")]
    if field and field not in FollowedField.values:
        errors["field"] = [gettext("Lĩnh vực phụ trách không hợp lệ.")]
    if end_date is not None and end_date < start_date:
        errors["end_date"] = [gettext("Ngày kết thúc phân công không được trước ngày bắt đầu %(start)s.") % {"start": _fmt(start_date)}]
    if errors:
        raise ValidationError(errors)
    assert committee is not None and member is not None
    access.require(actor, "reporting", "assign", committee.unit_id, gettext("phân công cấp uỷ viên của cấp uỷ này"))
    if not is_member(member, committee, start_date):
        errors["member"] = [
            gettext("%(name)s không phải cấp uỷ viên của %(committee)s ngày %(day)s.") % {
                "name": member.full_name, "committee": committee.name, "day": _fmt(start_date),
            }
        ]
    if area is not None and area.pk not in scope.expand_units([committee.unit_id]):
        errors["area"] = [gettext("Địa bàn %(area)s không thuộc %(committee)s.") % {"area": area.name, "committee": committee.name}]
    overlapping = FollowAssignment.objects.filter(member=member, committee=committee, area=area, field=field).active_during(
        start_date, end_date or dt.date.max
    )
    if overlapping.exists():
        errors["member"] = [gettext("%(name)s đã được phân công theo dõi nội dung này trong thời gian đó.") % {"name": member.full_name}]
    if errors:
        raise ValidationError(errors)
    assignment = FollowAssignment.objects.create(
        member=member, committee=committee, area=area, field=field, note=(note or "").strip(),
        start_date=start_date, end_date=end_date, created_by=actor if actor.is_authenticated else None,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=assignment, after=audit.snapshot(assignment))
    return assignment


@transaction.atomic
def do_end_follow(*, actor: User, assignment: FollowAssignment, end_date: dt.date | None) -> FollowAssignment:
    """End a member's assignment (rotation, a new division of work)."""
    access.require(actor, "reporting", "assign", assignment.committee.unit_id, gettext("kết thúc phân công này"))
    assignment = FollowAssignment.objects.select_for_update().get(pk=assignment.pk)
    end_date = end_date or timezone.localdate()
    if assignment.end_date is not None and assignment.end_date <= timezone.localdate():
        raise ValidationError({"end_date": [gettext("Phân công đã kết thúc ngày %(day)s.") % {"day": _fmt(assignment.end_date)}]})
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": [gettext("Ngày kết thúc phân công không được trước ngày bắt đầu %(start)s.") % {"start": _fmt(assignment.start_date)}]})
    before = audit.snapshot(assignment, ["end_date"])
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=assignment, before=before, after=audit.snapshot(assignment, ["end_date"]))
    return assignment


# --- members' reports ------------------------------------------------------------------------


def assignments_of(user: User | None, start: dt.date, end: dt.date) -> list[FollowAssignment]:
    """The follow assignments of the person behind `user` during the period."""
    if user is None or not getattr(user, "person_id", None):
        return []
    return list(
        FollowAssignment.objects.filter(member_id=user.person_id).active_during(start, end)
        .select_related("committee", "area").order_by("start_date", "id")
    )


def owes(assignments: list[FollowAssignment], period: cycle.Period) -> bool:
    """A member owes a period's report when an assignment began before the period (the period they
    are assigned in is free, as for a task) and the period has a working day."""
    return period.owes() and any(a.start_date < period.start for a in assignments)


@transaction.atomic
def do_submit_member_report(
    *,
    actor: User,
    period: cycle.Period | None,
    situation: str,
    obstacles: str = "",
    proposals: str = "",
    submitted_on: dt.date | None = None,
) -> MemberReport:
    """A member's weekly or monthly report, once per period: a second one for the same period is
    refused, naming the one already sent (what comes up later goes into the next period's
    report, or an urgent matter straight to the standing committee)."""
    today = timezone.localdate()
    submitted_on = submitted_on or today
    if period is None:
        raise ValidationError({"period": [gettext("Chọn kỳ báo cáo (tuần hoặc tháng).")]})
    assignments = assignments_of(actor, period.start, period.end)
    if not assignments:
        raise PermissionDenied(
            gettext("Đồng chí không được phân công theo dõi địa bàn, lĩnh vực nào trong %(period)s.") % {"period": period.label}
        )
    errors: dict[str, list[str]] = {}
    if period.start > submitted_on:
        errors["period"] = [gettext("%(period)s chưa bắt đầu.") % {"period": period.label.capitalize()}]
    if submitted_on > today:
        errors["submitted_on"] = [gettext("Ngày báo cáo không được ở tương lai.")]
    if not (situation or "").strip():
        errors["situation"] = [gettext("Thiếu tình hình: những việc đã diễn ra trong kỳ ở địa bàn, lĩnh vực phụ trách.")]
    if errors:
        raise ValidationError(errors)
    member = assignments[0].member
    earlier = MemberReport.objects.filter(member=member, kind=period.cadence, period_start=period.start).first()
    if earlier is None:
        try:
            with transaction.atomic():
                report = MemberReport.objects.create(
                    member=member, committee=assignments[0].committee, kind=period.cadence,
                    period_start=period.start, period_end=period.end, due_on=period.due,
                    situation=situation.strip(), obstacles=(obstacles or "").strip(), proposals=(proposals or "").strip(),
                    submitted_on=submitted_on, submitted_by=actor,
                )
        except IntegrityError:  # sent at the same moment from another window
            earlier = MemberReport.objects.filter(member=member, kind=period.cadence, period_start=period.start).first()
    if earlier is not None:
        raise ValidationError({"period": [
            gettext("Đồng chí đã gửi báo cáo %(period)s ngày %(day)s; mỗi kỳ chỉ một báo cáo. Việc phát sinh sau xin ghi vào báo cáo kỳ sau.") % {
                "period": period.label, "day": _fmt(earlier.submitted_on),
            }
        ]})
    audit.record(actor=actor, action=AuditAction.REPORT, obj=report, after=audit.snapshot(report))
    if report.proposals:
        _tell_leaders(report)
    return report


def _tell_leaders(report: MemberReport) -> None:
    from dieuhanh.notifications.services import notify

    leaders = cycle.unit_reporters([report.committee.unit_id], app="reporting", action="answer")[report.committee.unit_id]
    notify(
        [u for u in leaders if u.person_id != report.member_id],
        rule="reporting.proposal",
        title=gettext("Kiến nghị vượt thẩm quyền của %(name)s") % {"name": report.member.full_name},
        body=gettext("Báo cáo %(period)s có kiến nghị chờ lãnh đạo cho ý kiến.") % {"period": report.period.label},
        url=report.get_absolute_url(), obj=report, unit=report.committee.unit, key=f"reporting.proposal:{report.pk}",
    )


@transaction.atomic
def do_answer_member_report(*, actor: User, report: MemberReport, response: str) -> MemberReport:
    """A leader answers what a member's report puts beyond the member's authority; the member is
    told."""
    access.require(actor, "reporting", "answer", report.committee.unit_id, gettext("cho ý kiến về báo cáo này"))
    report = MemberReport.objects.select_for_update(of=("self",)).select_related("member__user").get(pk=report.pk)
    if actor.person_id and actor.person_id == report.member_id:
        raise PermissionDenied(gettext("Đồng chí không cho ý kiến vào kiến nghị của chính mình."))
    if not report.proposals:
        raise ValidationError({"response": [gettext("Báo cáo này không có kiến nghị vượt thẩm quyền cần cho ý kiến.")]})
    if report.answered_at is not None:
        raise ValidationError({"response": [gettext("Kiến nghị này đã có ý kiến của lãnh đạo.")]})
    if not (response or "").strip():
        raise ValidationError({"response": [gettext("Thiếu ý kiến của lãnh đạo.")]})
    report.leader_response = response.strip()
    report.answered_by = actor
    report.answered_at = timezone.now()
    report.save(update_fields=["leader_response", "answered_by", "answered_at"])
    audit.record(
        actor=actor, action=AuditAction.ACKNOWLEDGE, obj=report,
        after=audit.snapshot(report, ["leader_response", "answered_by", "answered_at"]),
    )
    from dieuhanh.notifications.services import notify

    member_user = getattr(report.member, "user", None)
    if member_user is not None:
        notify(
            [member_user], rule="reporting.answered",
            title=gettext("Lãnh đạo đã cho ý kiến về kiến nghị %(period)s") % {"period": report.period.label},
            body=report.leader_response, url=report.get_absolute_url(), obj=report, unit=report.committee.unit,
            key=f"reporting.answered:{report.pk}",
        )
    return report
