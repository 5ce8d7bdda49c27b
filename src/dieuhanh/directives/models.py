from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, Q, Value, When
from django.utils.translation import gettext_lazy

from dieuhanh.core import calendar
from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.directives.choices import (
    STATUS_ORDER,
    AdjustedField,
    DocumentKind,
    DocumentSystem,
    Evaluation,
    ReportCadence,
    ReportPeriod,
    TaskStatus,
)
from dieuhanh.lib.text import fold
from dieuhanh.org.models import AdminUnit, Organisation, Person, User


class DocumentQuerySet(ScopedQuerySet["Document"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        """Documents issued in the units, or above them (a ward reads the city's resolutions),
        but never a sibling unit's."""
        from dieuhanh.org import scope

        return Q(issuing_unit_id__in=among(unit_ids | scope.ancestors(unit_ids)))


class Document(models.Model):
    """A resolution, conclusion, programme, plan, project… A document may implement another
    (`parent`): congress resolution → action programme → programmes, plans, projects."""

    system = models.CharField(gettext_lazy("hệ thống văn bản"), max_length=8, choices=DocumentSystem.choices)
    kind = models.CharField(gettext_lazy("loại văn bản"), max_length=4, choices=DocumentKind.choices)
    number = models.CharField(gettext_lazy("số"), max_length=20, help_text=gettext_lazy("Số văn bản, ví dụ 15 hoặc 01"))
    issuer_code = models.CharField(
        gettext_lazy("ký hiệu cơ quan ban hành"), max_length=40, help_text=gettext_lazy("Ví dụ UBND, TU, ĐH, VPTU")
    )
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="documents", verbose_name=gettext_lazy("cơ quan ban hành")
    )
    issuing_unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    issued_on = models.DateField(gettext_lazy("ngày ban hành"))
    title = models.CharField(gettext_lazy("trích yếu"), max_length=500)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=gettext_lazy("thực hiện văn bản"),
    )
    signer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("người ký")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    search_text = models.CharField(max_length=700, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "number", "issued_on"], name="document_number_unique"
            )
        ]
        verbose_name = gettext_lazy("văn bản")
        verbose_name_plural = gettext_lazy("văn bản")

    def __str__(self) -> str:
        return f"{self.notation} — {self.title}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.issuing_unit_id = self.issuer.unit_id
        self.search_text = fold(f"{self.symbol} {self.title}")[:700]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directives:document_detail", args=[self.pk])

    @property
    def symbol(self) -> str:
        return document_symbol(self.system, self.number, self.kind, self.issuer_code)

    @property
    def notation(self) -> str:
        return document_notation(self.system, self.number, self.kind, self.issuer_code)


def document_symbol(system: str, number: str, kind: str, issuer_code: str) -> str:
    """`15/QĐ-UBND` (state) or `12-NQ/TU` (party): `Document.symbol` from its columns."""
    if system == DocumentSystem.PARTY:
        return f"{number}-{kind}/{issuer_code}"
    return f"{number}/{kind}-{issuer_code}"


def document_notation(system: str, number: str, kind: str, issuer_code: str) -> str:
    """`Số: 15/QĐ-UBND` (Decree 30/2020, state) or `Số 12-NQ/TU` (Hướng dẫn 36-HD/VPTW, party):
    `Document.notation` from its columns (a list that reads columns, not documents)."""
    symbol = document_symbol(system, number, kind, issuer_code)
    return f"Số {symbol}" if system == DocumentSystem.PARTY else f"Số: {symbol}"


class MeetingQuerySet(ScopedQuerySet["Meeting"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        """Meetings of organisations in the units or above them, as for documents."""
        from dieuhanh.org import scope

        return Q(organisation__unit_id__in=among(unit_ids | scope.ancestors(unit_ids)))


class Meeting(models.Model):
    """A meeting of a committee whose conclusion assigns tasks."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(gettext_lazy("tên cuộc họp"), max_length=300)
    held_on = models.DateField(gettext_lazy("ngày họp"))
    chair = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    conclusion = models.OneToOneField(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting",
        verbose_name=gettext_lazy("thông báo kết luận"),
    )
    summary = models.TextField(gettext_lazy("nội dung"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = gettext_lazy("cuộc họp")
        verbose_name_plural = gettext_lazy("cuộc họp")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


def year_q(year: int, today: dt.date | None = None) -> Q:
    """The condition of `TaskQuerySet.of_year` (for grouped counts that build their own query)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    due = Q(due_date__gte=dt.date(year, 1, 1), due_date__lte=dt.date(year, 12, 31))
    if year >= today.year:
        due |= Q(completed_on__isnull=True, cancelled_on__isnull=True)
    return due


class TaskQuerySet(ScopedQuerySet["Task"]):
    def with_status(self, today: dt.date | None = None) -> TaskQuerySet:
        """Annotate `status` computed in SQL, so lists filter and count by it, and `attention`,
        its place in STATUS_ORDER, for the lists' default order. The rank is written from the
        same conditions, not from `status`: ordering by a Case over `status` would put a copy of
        the status's Case in SQL for each status, and compiling them cost more than the task
        list's query ran. Selected rather than aliased, `ORDER BY` names its column instead of
        resolving and compiling the Case a second time."""
        from django.utils import timezone

        today = today or timezone.localdate()
        soon = calendar.due_soon_until(today)
        conditions = (
            (Q(cancelled_on__isnull=False), TaskStatus.CANCELLED),
            (Q(completed_on__isnull=False, completed_on__lte=models.F("due_date")), TaskStatus.DONE_ON_TIME),
            (Q(completed_on__isnull=False), TaskStatus.DONE_LATE),
            (Q(due_date__lt=today), TaskStatus.OVERDUE),
            (Q(due_date__lte=soon), TaskStatus.DUE_SOON),
        )
        return self.annotate(
            status=Case(
                *(When(condition, then=Value(status.value)) for condition, status in conditions),
                default=Value(TaskStatus.ON_TRACK.value), output_field=models.CharField(),
            )
        ).annotate(
            attention=Case(
                *(When(condition, then=Value(STATUS_ORDER.index(status))) for condition, status in conditions),
                default=Value(STATUS_ORDER.index(TaskStatus.ON_TRACK)), output_field=models.IntegerField(),
            )
        )

    def open_without_units(self) -> bool:
        return True  # the lead person and the accountable leader see their tasks anywhere

    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        """Tasks led by or coordinated with one of the units, or where the user is the lead
        person or the accountable leader."""
        coordinated = Task.coordinating_units.through.objects.filter(
            task_id=models.OuterRef("pk"), adminunit_id__in=among(unit_ids)
        )
        # Q | Exists is a Q; the stub types it by Exists.__ror__, as a Combinable.
        condition: Q = Q(lead_unit_id__in=among(unit_ids)) | Exists(coordinated)  # type: ignore[assignment]
        if user.person_id:
            condition |= Q(lead_person_id=user.person_id) | Q(accountable_person_id=user.person_id)
        return condition

    def open(self) -> TaskQuerySet:
        return self.filter(completed_on__isnull=True, cancelled_on__isnull=True)

    def of_year(self, year: int, today: dt.date | None = None) -> TaskQuerySet:
        """The work of `year` as the IOC counts it: the tasks due that year, and, while the year
        is running (or to come), every task still open whatever its due date."""
        return self.filter(year_q(year, today))


class Task(models.Model):
    """Work assigned under the "5 rõ": rõ người (lead unit and person), rõ việc (title and
    content), rõ thời gian / tiến độ (due date, milestones), rõ nguồn lực (resources), rõ kết
    quả (expected result), rõ trách nhiệm (accountable leader). All are required except the
    resources and milestones."""

    code = models.CharField(gettext_lazy("mã nhiệm vụ"), max_length=30, unique=True, editable=False)
    title = models.CharField(gettext_lazy("nhiệm vụ (rõ việc)"), max_length=500)
    content = models.TextField(gettext_lazy("nội dung chi tiết"), blank=True)
    source_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="tasks", verbose_name=gettext_lazy("văn bản giao")
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks", verbose_name=gettext_lazy("cuộc họp")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks", verbose_name=gettext_lazy("nhiệm vụ cha")
    )
    lead_unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="tasks", verbose_name=gettext_lazy("đơn vị chủ trì (rõ người)")
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks",
        verbose_name=gettext_lazy("cơ quan chủ trì"),
    )
    lead_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=gettext_lazy("người chủ trì (rõ người)")
    )
    coordinating_units = models.ManyToManyField(
        AdminUnit, blank=True, related_name="coordinated_tasks", verbose_name=gettext_lazy("đơn vị phối hợp")
    )
    assigned_on = models.DateField(gettext_lazy("ngày giao"))
    due_date = models.DateField(gettext_lazy("thời hạn hoàn thành (rõ thời gian)"))
    original_due_date = models.DateField(gettext_lazy("thời hạn ban đầu"), editable=False)
    budget_vnd = models.DecimalField(
        gettext_lazy("kinh phí (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    staff_count = models.PositiveIntegerField(gettext_lazy("nhân lực (người)"), null=True, blank=True)
    resource_note = models.TextField(gettext_lazy("nguồn lực khác"), blank=True)
    expected_result = models.TextField(gettext_lazy("kết quả cần đạt (rõ kết quả)"))
    accountable_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="accountable_tasks",
        verbose_name=gettext_lazy("lãnh đạo chịu trách nhiệm (rõ trách nhiệm)"),
    )
    # Monthly unless the office says otherwise: the "5 rõ" regime follows work up every week and
    # every month, and a month is the lighter of the two for a unit (docs/decisions/0029).
    report_cadence = models.CharField(
        gettext_lazy("chế độ báo cáo định kỳ"), max_length=8, choices=ReportCadence.choices,
        default=ReportCadence.MONTHLY,
    )
    progress_percent = models.PositiveSmallIntegerField(gettext_lazy("tiến độ (%)"), default=0, editable=False)
    last_reported_on = models.DateField(null=True, blank=True, editable=False)
    completed_on = models.DateField(gettext_lazy("ngày hoàn thành"), null=True, blank=True, editable=False)
    result_summary = models.TextField(gettext_lazy("kết quả đạt được"), blank=True, editable=False)
    evaluation = models.CharField(
        gettext_lazy("đánh giá"), max_length=16, choices=Evaluation.choices, blank=True, editable=False
    )
    evaluation_note = models.TextField(gettext_lazy("nhận xét"), blank=True, editable=False)
    cancelled_on = models.DateField(null=True, blank=True, editable=False)
    cancel_reason = models.TextField(blank=True, editable=False)
    cancel_document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="cancelled_tasks", editable=False,
        verbose_name=gettext_lazy("văn bản quyết định huỷ"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "due_date"]),
            # Due date with what decides a task's status and its lead unit: the IOC counts tasks
            # by status and unit from this index alone, without reading the tasks.
            models.Index(fields=["due_date", "completed_on", "cancelled_on", "lead_unit"], name="task_due_status"),
            models.Index(fields=["accountable_person", "due_date"]),
            # The open tasks only (a small part of all, once the years pile up): what the IOC and
            # its alerts read for "overdue now" and "due soon".
            models.Index(
                fields=["due_date", "lead_unit"],
                name="task_open_due",
                condition=Q(completed_on__isnull=True, cancelled_on__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("assigned_on")), name="task_due_after_assigned"),
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="task_progress_max_100"),
        ]
        verbose_name = gettext_lazy("nhiệm vụ")
        verbose_name_plural = gettext_lazy("nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directives:task_detail", args=[self.pk])

    def compute_status(self, today: dt.date | None = None) -> TaskStatus:
        from django.utils import timezone

        today = today or timezone.localdate()
        if self.cancelled_on:
            return TaskStatus.CANCELLED
        if self.completed_on:
            return TaskStatus.DONE_ON_TIME if self.completed_on <= self.due_date else TaskStatus.DONE_LATE
        if self.due_date < today:
            return TaskStatus.OVERDUE
        if self.due_date <= calendar.due_soon_until(today):
            return TaskStatus.DUE_SOON
        return TaskStatus.ON_TRACK

    @property
    def status_value(self) -> str:
        return getattr(self, "status", None) or self.compute_status().value

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status_value).label)

    def days_late(self, today: dt.date | None = None) -> int:
        from django.utils import timezone

        return days_late(self.due_date, self.completed_on, today or timezone.localdate())

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.code} {self.title} {self.content} {self.expected_result}")



def days_late(due_date: dt.date, completed_on: dt.date | None, today: dt.date) -> int:
    """Days past the due date: until completion, or until today for a task still open."""
    return max(0, ((completed_on or today) - due_date).days)


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(gettext_lazy("mốc tiến độ"), max_length=300)
    due_date = models.DateField(gettext_lazy("thời hạn"))
    done_on = models.DateField(gettext_lazy("hoàn thành ngày"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = gettext_lazy("mốc tiến độ")
        verbose_name_plural = gettext_lazy("mốc tiến độ")

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d/%m/%Y})"


class ProgressReport(models.Model):
    """A unit's weekly, monthly or urgent report. Obstacles and proposals beyond the unit's
    authority are flagged for the accountable leader until acknowledged."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(gettext_lazy("kỳ báo cáo"), max_length=16, choices=ReportPeriod.choices)
    reported_on = models.DateField(gettext_lazy("ngày báo cáo"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(gettext_lazy("tiến độ (%)"))
    content = models.TextField(gettext_lazy("kết quả thực hiện"))
    obstacles = models.TextField(gettext_lazy("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(gettext_lazy("đề xuất, kiến nghị"), blank=True)
    beyond_authority = models.BooleanField(gettext_lazy("vượt thẩm quyền, cần lãnh đạo cho ý kiến"), default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    leader_response = models.TextField(gettext_lazy("ý kiến chỉ đạo"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100")]
        verbose_name = gettext_lazy("báo cáo tiến độ")
        verbose_name_plural = gettext_lazy("báo cáo tiến độ")

    def __str__(self) -> str:
        return f"{self.task.code} {self.get_period_display()} {self.reported_on:%d/%m/%Y}"


class Adjustment(models.Model):
    """A versioned change to a task's deadline, target or owner, decided by a document."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="adjustments")
    version = models.PositiveIntegerField(gettext_lazy("phiên bản"))
    field = models.CharField(gettext_lazy("nội dung điều chỉnh"), max_length=32, choices=AdjustedField.choices)
    old_value = models.TextField(gettext_lazy("giá trị cũ"))
    new_value = models.TextField(gettext_lazy("giá trị mới"))
    deciding_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="adjustments", verbose_name=gettext_lazy("văn bản quyết định điều chỉnh")
    )
    reason = models.TextField(gettext_lazy("lý do"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = gettext_lazy("điều chỉnh nhiệm vụ")
        verbose_name_plural = gettext_lazy("điều chỉnh nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.task.code} v{self.version}: {self.get_field_display()}"
