"""Party inspection, supervision and discipline: the programmes of a committee, its standing
board or its inspection commission; each inspection or supervision as a case from the decision
to the end of the remedial work; discipline and the appeal against it, each its own case; the
self-criticism reviews a committee suggests; and the totals reported before the product was used.

Every row belongs to the unit of the body that decides (`unit`), and is read through
`visible_to(user)`: the inspection commission and the standing board of that unit (and of the
units above it), never a ward's officer, the one-stop desk or the system administrator (the app's
permissions are confidential, `core.access.declare`). The person an inspection, a discipline or a
review is about reads their own (`subject_person`), nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.inspection.choices import (
    AppealState,
    Body,
    DisciplineState,
    Field,
    Form,
    Kind,
    Level,
    Measure,
    Outcome,
    ProgrammeSpan,
    Rating,
    ReviewState,
    State,
    SubjectType,
    TargetType,
    Verdict,
)
from dieuhanh.org.models import AdminUnit, Organisation, Person


class UnitScoped(ScopedQuerySet[Any]):
    """Rows of the deciding body's unit; a subject reads their own."""

    scope_app = "inspection"

    def in_units(self, unit_ids: AbstractSet[int], user: Any) -> Q:
        q = Q(unit_id__in=among(unit_ids))
        person_id = getattr(user, "person_id", None)
        if person_id is not None and self._subject_field():
            q |= Q(**{self._subject_field(): person_id})
        return q

    def open_without_units(self) -> bool:
        return bool(self._subject_field())

    def _subject_field(self) -> str:
        return str(getattr(self.model, "SUBJECT_PERSON_FIELD", ""))


class Subject(models.Model):
    """Who a case is about: a party organisation or a member (full or probationary)."""

    subject_type = models.CharField(gettext_lazy("đối tượng"), max_length=16, choices=SubjectType.choices)
    subject_org = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=gettext_lazy("tổ chức đảng"))
    subject_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=gettext_lazy("đảng viên"))

    SUBJECT_PERSON_FIELD = "subject_person_id"

    class Meta:
        abstract = True

    @property
    def subject_name(self) -> str:
        if self.subject_type == SubjectType.ORGANISATION:
            return self.subject_org.name if self.subject_org else ""
        return self.subject_person.full_name if self.subject_person else ""

    @property
    def is_organisation(self) -> bool:
        return self.subject_type == SubjectType.ORGANISATION


class Programme(models.Model):
    """A yearly or term programme of inspection and supervision of a body."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=gettext_lazy("cấp uỷ, uỷ ban kiểm tra"))
    body = models.CharField(gettext_lazy("cơ quan thực hiện"), max_length=12, choices=Body.choices)
    span = models.CharField(gettext_lazy("thời gian"), max_length=8, choices=ProgrammeSpan.choices)
    year_from = models.PositiveSmallIntegerField(gettext_lazy("từ năm"))
    year_to = models.PositiveSmallIntegerField(gettext_lazy("đến năm"))
    title = models.CharField(gettext_lazy("tên chương trình"), max_length=300)
    adopted_on = models.DateField(gettext_lazy("ngày ban hành"))
    document_number = models.CharField(gettext_lazy("số văn bản"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()

    class Meta:
        ordering = ["-year_from", "organisation_id", "body"]
        verbose_name = gettext_lazy("chương trình kiểm tra, giám sát")
        verbose_name_plural = gettext_lazy("chương trình kiểm tra, giám sát")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspection:programme_detail", args=[self.pk])

    @property
    def years(self) -> str:
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}–{self.year_to}"


class PlannedItem(Subject):
    """One inspection or supervision a programme plans: its kind, subject, field, quarter and lead."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(gettext_lazy("loại"), max_length=20, choices=Kind.choices)
    field = models.CharField(gettext_lazy("lĩnh vực"), max_length=12, choices=Field.choices)
    content = models.CharField(gettext_lazy("nội dung"), max_length=400)
    year = models.PositiveSmallIntegerField(gettext_lazy("năm"))
    quarter = models.PositiveSmallIntegerField(gettext_lazy("quý"), choices=[(q, f"Quý {q}") for q in range(1, 5)])
    lead = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=gettext_lazy("người phụ trách"))

    objects = UnitScoped.as_manager()
    SUBJECT_PERSON_FIELD = ""  # a plan is the body's; the subject learns of it by the decision

    class Meta:
        ordering = ["year", "quarter", "id"]
        verbose_name = gettext_lazy("nội dung chương trình")
        verbose_name_plural = gettext_lazy("nội dung chương trình")

    def __str__(self) -> str:
        return self.content

    def get_absolute_url(self) -> str:
        return reverse("inspection:programme_detail", args=[self.programme_id]) + f"#noi-dung-{self.pk}"


class Inspection(Subject):
    """An inspection or supervision: decided by a body, carried out by a team over a schedule,
    concluded with findings, notified to the subject, and followed until its remedial tasks are
    done."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=gettext_lazy("cơ quan quyết định"))
    body = models.CharField(gettext_lazy("cơ quan tiến hành"), max_length=12, choices=Body.choices)
    kind = models.CharField(gettext_lazy("loại"), max_length=20, choices=Kind.choices)
    field = models.CharField(gettext_lazy("lĩnh vực"), max_length=12, choices=Field.choices)
    content = models.CharField(gettext_lazy("nội dung"), max_length=400)
    planned_item = models.OneToOneField(PlannedItem, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="inspection", verbose_name=gettext_lazy("theo chương trình"))
    source_petition = models.ForeignKey("petitions.Petition", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=gettext_lazy("đơn tố cáo"))
    reviewed_from = models.DateField(gettext_lazy("thời kỳ kiểm tra từ"), null=True, blank=True)
    reviewed_to = models.DateField(gettext_lazy("thời kỳ kiểm tra đến"), null=True, blank=True)
    decision_number = models.CharField(gettext_lazy("số quyết định"), max_length=40, blank=True)
    decided_on = models.DateField(gettext_lazy("ngày quyết định"))
    starts_on = models.DateField(gettext_lazy("bắt đầu"))
    ends_on = models.DateField(gettext_lazy("kết thúc dự kiến"))
    announce_due = models.DateField(gettext_lazy("hạn công bố quyết định"))
    due_on = models.DateField(gettext_lazy("hạn kết thúc"))
    team_lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=gettext_lazy("trưởng đoàn"))
    team = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=gettext_lazy("thành viên đoàn"))
    state = models.CharField(gettext_lazy("trạng thái"), max_length=12, choices=State.choices, default=State.DECIDED)
    announced_on = models.DateField(gettext_lazy("ngày công bố"), null=True, blank=True)
    self_report = models.TextField(gettext_lazy("báo cáo của đối tượng"), blank=True)
    self_reported_on = models.DateField(null=True, blank=True)
    verification = models.TextField(gettext_lazy("kết quả thẩm tra, xác minh"), blank=True)
    verified_on = models.DateField(null=True, blank=True)
    draft_report = models.TextField(gettext_lazy("dự thảo báo cáo kết quả"), blank=True)
    drafted_on = models.DateField(null=True, blank=True)
    verdict = models.CharField(gettext_lazy("kết luận"), max_length=16, choices=Verdict.choices, blank=True)
    conclusion = models.TextField(gettext_lazy("nội dung kết luận"), blank=True)
    concluded_on = models.DateField(gettext_lazy("ngày kết luận"), null=True, blank=True)
    notice_number = models.CharField(gettext_lazy("số thông báo kết luận"), max_length=40, blank=True)
    notified_on = models.DateField(gettext_lazy("ngày thông báo kết luận"), null=True, blank=True)
    notice_document = models.ForeignKey("directives.Document", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["unit", "decided_on"], name="inspection_unit_day")]
        verbose_name = gettext_lazy("cuộc kiểm tra, giám sát")
        verbose_name_plural = gettext_lazy("cuộc kiểm tra, giám sát")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("inspection:inspection_detail", args=[self.pk])

    @property
    def is_supervision(self) -> bool:
        return self.kind in (Kind.SUPERVISE_REGULAR, Kind.SUPERVISE_THEMATIC)

    @property
    def concluded_on_time(self) -> bool | None:
        if self.concluded_on is None:
            return None
        return self.concluded_on <= self.due_on

    def is_late(self, day: dt.date) -> bool:
        return self.concluded_on is None and self.due_on < day


class Review(Subject):
    """A self-criticism review a committee suggests (gợi ý kiểm điểm) to a collective or a person:
    the suggestion, their review, the committee's assessment and the shortcomings to put right.
    A collective's `subject_org` is the organisation reviewed, a person's `subject_person`."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=gettext_lazy("cấp uỷ gợi ý"))
    target = models.CharField(gettext_lazy("gợi ý cho"), max_length=12, choices=TargetType.choices)
    year = models.PositiveSmallIntegerField(gettext_lazy("năm kiểm điểm"))
    suggestion = models.TextField(gettext_lazy("nội dung gợi ý kiểm điểm"))
    suggested_on = models.DateField(gettext_lazy("ngày gợi ý"))
    review_due = models.DateField(gettext_lazy("hạn kiểm điểm"))
    state = models.CharField(gettext_lazy("trạng thái"), max_length=12, choices=ReviewState.choices,
                             default=ReviewState.SUGGESTED)
    review = models.TextField(gettext_lazy("giải trình, tự kiểm điểm"), blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    rating = models.CharField(gettext_lazy("xếp loại"), max_length=12, choices=Rating.choices, blank=True)
    assessment = models.TextField(gettext_lazy("đánh giá của cấp uỷ"), blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    notice_number = models.CharField(gettext_lazy("số thông báo"), max_length=40, blank=True)
    notice_document = models.ForeignKey("directives.Document", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()

    class Meta:
        ordering = ["-suggested_on", "-id"]
        verbose_name = gettext_lazy("gợi ý kiểm điểm")
        verbose_name_plural = gettext_lazy("gợi ý kiểm điểm")

    def __str__(self) -> str:
        return f"Gợi ý kiểm điểm {self.year}: {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("inspection:review_detail", args=[self.pk])


class Finding(models.Model):
    """A finding of an inspection's conclusion (a shortcoming, or a breach), or a shortcoming a
    review admitted; put right by a "5 rõ" task."""

    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="findings")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    text = models.TextField(gettext_lazy("nội dung"))
    breach = models.BooleanField(gettext_lazy("vi phạm"), default=False)
    task = models.OneToOneField("directives.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=Q(inspection__isnull=False, review__isnull=True) | Q(inspection__isnull=True, review__isnull=False),
            name="finding_of_one_case")]
        verbose_name = gettext_lazy("nội dung kết luận")
        verbose_name_plural = gettext_lazy("nội dung kết luận")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        case = self.inspection if self.inspection_id else self.review
        assert case is not None
        return case.get_absolute_url() + f"#ket-luan-{self.pk}"


class Discipline(Subject):
    """A discipline case: the proposal, the competent body's decision and its form, the delivery of
    the decision (from which the appeal period runs)."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=gettext_lazy("cơ quan có thẩm quyền"))
    body = models.CharField(gettext_lazy("cơ quan quyết định"), max_length=12, choices=Body.choices)
    source_inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="disciplines", verbose_name=gettext_lazy("từ cuộc kiểm tra"))
    source_petition = models.ForeignKey("petitions.Petition", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=gettext_lazy("từ đơn tố cáo"))
    violation = models.TextField(gettext_lazy("nội dung vi phạm"))
    violated_on = models.DateField(gettext_lazy("ngày vi phạm"))
    no_limitation = models.BooleanField(gettext_lazy("vi phạm không áp dụng thời hiệu"), default=False)
    proposed_form = models.CharField(gettext_lazy("hình thức đề nghị"), max_length=12, choices=Form.choices)
    proposed_on = models.DateField(gettext_lazy("ngày đề nghị"))
    state = models.CharField(gettext_lazy("trạng thái"), max_length=12, choices=DisciplineState.choices,
                             default=DisciplineState.PROPOSED)
    form = models.CharField(gettext_lazy("hình thức kỷ luật"), max_length=12, choices=Form.choices, blank=True)
    decision_number = models.CharField(gettext_lazy("số quyết định"), max_length=40, blank=True)
    decided_on = models.DateField(gettext_lazy("ngày quyết định"), null=True, blank=True)
    reason = models.TextField(gettext_lazy("lý do"), blank=True)
    delivered_on = models.DateField(gettext_lazy("ngày đối tượng nhận quyết định"), null=True, blank=True)
    appeal_due = models.DateField(gettext_lazy("hạn khiếu nại"), null=True, blank=True)
    current_form = models.CharField(gettext_lazy("hình thức sau khiếu nại"), max_length=12, choices=Form.choices,
                                    blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = gettext_lazy("vụ việc kỷ luật")
        verbose_name_plural = gettext_lazy("vụ việc kỷ luật")

    def __str__(self) -> str:
        return f"Kỷ luật: {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("inspection:discipline_detail", args=[self.pk])


class Appeal(models.Model):
    """An appeal against a discipline decision (khiếu nại kỷ luật đảng): its own case, before the
    body above the one that decided."""

    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=gettext_lazy("cơ quan giải quyết"))
    lodged_on = models.DateField(gettext_lazy("ngày nhận đơn"))
    grounds = models.TextField(gettext_lazy("nội dung khiếu nại"))
    late = models.BooleanField(gettext_lazy("quá thời hạn khiếu nại"), default=False)
    state = models.CharField(gettext_lazy("trạng thái"), max_length=12, choices=AppealState.choices,
                             default=AppealState.LODGED)
    accepted_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(gettext_lazy("kết quả"), max_length=12, choices=Outcome.choices, blank=True)
    new_form = models.CharField(gettext_lazy("hình thức mới"), max_length=12, choices=Form.choices, blank=True)
    reason = models.TextField(gettext_lazy("lý do"), blank=True)
    decided_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()
    SUBJECT_PERSON_FIELD = "discipline__subject_person_id"

    class Meta:
        ordering = ["-lodged_on", "-id"]
        verbose_name = gettext_lazy("khiếu nại kỷ luật")
        verbose_name_plural = gettext_lazy("khiếu nại kỷ luật")

    def __str__(self) -> str:
        return f"Khiếu nại kỷ luật: {self.discipline.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("inspection:appeal_detail", args=[self.pk])


class Step(models.Model):
    """A line of a case's history: what was done, when, by whom, and the state it left."""

    case = models.CharField(max_length=12)  # "inspection", "discipline", "appeal", "review"
    case_id = models.PositiveIntegerField()
    action = models.CharField(max_length=24)
    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12)
    note = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "case_id"], name="inspection_step_case")]

    def __str__(self) -> str:
        return f"{self.case} {self.case_id}: {self.action}"


class ReportedFigure(models.Model):
    """A total a body reported for years before the product was used (a term's report: "the
    inspection commissions inspected 135 organisations"), counted on the statistics page beside
    the cases. `body` says whose work it counts (the committees', or the commissions')."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("đơn vị"))
    level = models.CharField(gettext_lazy("cấp"), max_length=12, choices=Level.choices)
    body = models.CharField(gettext_lazy("cơ quan thực hiện"), max_length=12, choices=Body.choices)
    year_from = models.PositiveSmallIntegerField(gettext_lazy("từ năm"))
    year_to = models.PositiveSmallIntegerField(gettext_lazy("đến năm"))
    measure = models.CharField(gettext_lazy("chỉ số"), max_length=24, choices=Measure.choices)
    value = models.PositiveIntegerField(gettext_lazy("số lượng"))
    source = models.CharField(gettext_lazy("nguồn"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScoped.as_manager()
    SUBJECT_PERSON_FIELD = ""

    class Meta:
        ordering = ["year_from", "unit_id", "level", "body", "measure"]
        constraints = [models.UniqueConstraint(fields=["unit", "level", "body", "year_from", "year_to", "measure"],
                                               name="reported_figure_unique")]
        verbose_name = gettext_lazy("số liệu đã báo cáo")
        verbose_name_plural = gettext_lazy("số liệu đã báo cáo")

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.year_from}–{self.year_to}: {self.value}"

    @property
    def years(self) -> str:
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}–{self.year_to}"


__all__ = ["Appeal", "Discipline", "Finding", "Inspection", "PlannedItem", "Programme", "ReportedFigure", "Review",
           "Step"]
