"""Committee members (*cấp uỷ viên*) who follow an area or a field, and their weekly and monthly
reports: "nâng cao trách nhiệm của cấp ủy viên được giao phụ trách địa bàn, ngành, lĩnh vực...
Hằng tuần, hằng tháng, cấp ủy viên báo cáo kịp thời" (article 004 of the seeds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.directives import cycle
from dieuhanh.org.models import AdminUnit, Organisation, Person, User
from dieuhanh.reporting.choices import FollowedField, ReportKind


def is_member_q(day: dt.date) -> Q:
    """The assignments (org.Assignment) that make a person a member of a party committee on
    `day`: a post of the committee's leadership (Bí thư, Phó Bí thư, uỷ viên Ban Thường vụ,
    uỷ viên Ban Chấp hành), not a post of its staff (chuyên viên) recorded under it."""
    from dieuhanh.org.choices import OrganisationKind

    return (
        Q(position__organisation__kind=OrganisationKind.PARTY_COMMITTEE)
        & (Q(position__is_head=True) | Q(position__is_leadership=True))
        & Q(start_date__lte=day)
        & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    )


def committee_or_member(unit_ids: AbstractSet[int], user: User) -> Q:
    """A member's assignment or report belongs to its committee's unit; the member reads their
    own anywhere."""
    condition = Q(committee__unit_id__in=among(unit_ids))
    if user.person_id:
        condition |= Q(member_id=user.person_id)
    return condition


class FollowAssignmentQuerySet(ScopedQuerySet["FollowAssignment"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        return committee_or_member(unit_ids, user)

    def open_without_units(self) -> bool:
        return True

    def active_during(self, start: dt.date, end: dt.date) -> FollowAssignmentQuerySet:
        return self.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


class FollowAssignment(models.Model):
    """A committee member assigned to follow an area (a unit) or a field, from a day, until a day."""

    member = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="follow_assignments", verbose_name=gettext_lazy("cấp uỷ viên")
    )
    committee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="follow_assignments", verbose_name=gettext_lazy("cấp uỷ")
    )
    area = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=gettext_lazy("địa bàn phụ trách"),
    )
    field = models.CharField(
        gettext_lazy("lĩnh vực phụ trách"), max_length=24, choices=FollowedField.choices, blank=True
    )
    note = models.CharField(gettext_lazy("nội dung phụ trách cụ thể"), max_length=300, blank=True)
    start_date = models.DateField(gettext_lazy("từ ngày"))
    end_date = models.DateField(gettext_lazy("đến ngày"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["member__full_name", "start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(area__isnull=True, field=""), name="follow_area_or_field"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="follow_dates_ordered"
            ),
        ]
        verbose_name = gettext_lazy("phân công theo dõi địa bàn, lĩnh vực")
        verbose_name_plural = gettext_lazy("phân công theo dõi địa bàn, lĩnh vực")

    def __str__(self) -> str:
        return f"{self.member} — {self.followed}"

    @property
    def followed(self) -> str:
        """The area and the field, as the pages show them."""
        parts = [self.area.name] if self.area_id and self.area else []
        if self.field:
            parts.append(str(self.get_field_display()))
        return " · ".join(parts)


class MemberReportQuerySet(ScopedQuerySet["MemberReport"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        return committee_or_member(unit_ids, user)

    def open_without_units(self) -> bool:
        return True

    def waiting(self) -> MemberReportQuerySet:
        """Reports with a proposal beyond the member's authority that no leader has answered."""
        return self.exclude(proposals="").filter(answered_at__isnull=True)


class MemberReport(models.Model):
    """A member's report for one week or one month: what happened, what is stuck, and what is
    beyond their authority (which waits for a leader's answer). One per member and period."""

    member = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="member_reports", verbose_name=gettext_lazy("cấp uỷ viên")
    )
    committee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="member_reports", verbose_name=gettext_lazy("cấp uỷ")
    )
    kind = models.CharField(gettext_lazy("loại báo cáo"), max_length=8, choices=ReportKind.choices)
    period_start = models.DateField(gettext_lazy("kỳ từ ngày"))
    period_end = models.DateField(gettext_lazy("kỳ đến ngày"))
    due_on = models.DateField(gettext_lazy("hạn báo cáo"), null=True, blank=True)
    situation = models.TextField(gettext_lazy("tình hình"))
    obstacles = models.TextField(gettext_lazy("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(gettext_lazy("kiến nghị vượt thẩm quyền"), blank=True)
    submitted_on = models.DateField(gettext_lazy("ngày báo cáo"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    leader_response = models.TextField(gettext_lazy("ý kiến của lãnh đạo"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = MemberReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "member__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind", "period_start"], name="member_report_once_per_period"),
        ]
        indexes = [models.Index(fields=["kind", "period_start"], name="member_report_period")]
        verbose_name = gettext_lazy("báo cáo của cấp uỷ viên")
        verbose_name_plural = gettext_lazy("báo cáo của cấp uỷ viên")

    def __str__(self) -> str:
        return f"{self.member} — {self.period.label}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reporting:report_detail", args=[self.pk])

    @property
    def period(self) -> cycle.Period:
        return cycle.period_of(self.kind, self.period_start)

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.submitted_on > self.due_on

    @property
    def waiting(self) -> bool:
        return bool(self.proposals) and self.answered_at is None
