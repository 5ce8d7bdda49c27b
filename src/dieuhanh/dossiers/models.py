"""One-stop administrative procedures and dossiers (the second "case" type of DESIGN.md).

A `Dossier` is one application for one procedure, received by one unit's one-stop desk (or
online, or by post). It is either received here (`source=native`, moved through its steps by
`services.do_*`) or taken in from the province's one-stop system by `importer` (`source=import`),
keyed by its code so that a newer export updates it in place. Both kinds share the same columns,
so statistics, lists and the IOC never ask where a dossier came from.

Dates are calendar dates in Vietnam time: `due_on` is the appointment date on the receipt
(*ngày hẹn trả*); `result_on` the day the result was ready (*ngày có kết quả*), which classes the
dossier early / on time / late (`timeliness`, stored once the result exists, since it never
changes after); `returned_on` the day the result was handed over. An open dossier is late now when
`due_on` is before today; that is decided in SQL from today's date (`late_now_q`), never by a sweep.
`DossierEvent` keeps every status the dossier went through, with who or which import changed it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.core.http import AnyUser
from dieuhanh.dossiers.choices import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    JobKind,
    JobState,
    Level,
    OnlineType,
    ReturnMethod,
    Source,
    Status,
    StepState,
    Timeliness,
)
from dieuhanh.org.models import AdminUnit, Organisation, User


class Procedure(models.Model):
    """An administrative procedure of the catalogue, keyed by its code in the national
    procedures database (e.g. 1.001193)."""

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=200, db_index=True)
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    online_type = models.CharField(_("dịch vụ công trực tuyến"), max_length=10, choices=OnlineType.choices,
                                   default=OnlineType.NONE)
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)
    fee_note = models.CharField(_("ghi chú phí, lệ phí"), max_length=300, blank=True)
    postal_return = models.BooleanField(_("cho phép trả kết quả qua bưu chính"), default=True)
    deciding_body = models.CharField(_("cơ quan có thẩm quyền quyết định"), max_length=300, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    search = models.CharField(max_length=600, editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from dieuhanh.lib.text import fold

        self.search = fold(f"{self.code} {self.name} {self.field}")
        super().save(*args, **kwargs)


def late_now_q(today: dt.date) -> Q:
    """Open (received, processing or waiting for documents) and past its appointment date."""
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


class DossierQuerySet(ScopedQuerySet["Dossier"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        """Dossiers received by one of the units, and those sent to a body of one of them for
        an inter-level step. A ward's officer never sees another ward's dossiers."""
        stepped = DossierStep.objects.filter(dossier_id=OuterRef("pk"), unit_id__in=among(unit_ids))
        condition: Q = Q(unit_id__in=among(unit_ids)) | Exists(stepped)  # type: ignore[assignment]
        return condition

    def open(self) -> DossierQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def late_now(self, today: dt.date | None = None) -> DossierQuerySet:
        from django.utils import timezone

        return self.filter(late_now_q(today or timezone.localdate()))


def new_lookup_code() -> str:
    """A dossier's secret code for the citizen's lookup (core.lookup), printed on its slip."""
    from dieuhanh.core import lookup

    return lookup.new_code()


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    # The code is guessable (unit, date, number): the citizen looks the dossier up by this secret
    # instead, printed on the slip. Dossiers taken in by the importer (raw SQL) have none: their
    # slip, and their lookup, are the province's one-stop system's.
    lookup_code = models.CharField(_("mã tra cứu"), max_length=10, null=True, blank=True, default=new_lookup_code,
                                   editable=False)
    # Both foreign keys lead the statistics indexes below, which serve their lookups too.
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers",
                                  verbose_name=_("thủ tục"), db_index=False)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị tiếp nhận"),
                             db_index=False)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices, default=Source.NATIVE)
    applicant_name = models.CharField(_("người nộp hồ sơ"), max_length=200, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=30, blank=True)
    # Added nullable in the database (migration 0007: SQLite keeps the tally's triggers); rows the
    # importer writes leave them NULL, read as "" and False.
    applicant_email = models.EmailField(_("thư điện tử"), max_length=254, blank=True, default="")
    # The applicant asked not to be contacted by e-mail or text message (notifications.citizens).
    no_contact = models.BooleanField(_("không nhận tin báo"), default=False)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    received_on = models.DateField(_("ngày tiếp nhận"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    due_on = models.DateField(_("ngày hẹn trả"))
    due_computed = models.BooleanField(_("ngày hẹn do hệ thống tính"), default=False)
    supplement_requested_on = models.DateField(_("ngày yêu cầu bổ sung"), null=True, blank=True)
    supplement_note = models.TextField(_("nội dung yêu cầu bổ sung"), blank=True)
    supplemented_on = models.DateField(_("ngày công dân bổ sung"), null=True, blank=True)
    apology_on = models.DateField(_("ngày văn bản xin lỗi"), null=True, blank=True)
    apology_reason = models.TextField(_("lý do chậm"), blank=True)
    new_due_on = models.DateField(_("ngày hẹn lại"), null=True, blank=True)
    result_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    returned_on = models.DateField(_("ngày trả kết quả"), null=True, blank=True)
    return_method = models.CharField(_("hình thức trả kết quả"), max_length=8, choices=ReturnMethod.choices, blank=True)
    timeliness = models.CharField(_("tiến độ giải quyết"), max_length=8, choices=Timeliness.choices, blank=True)
    current_body = models.CharField(_("cơ quan đang xử lý"), max_length=300, blank=True)
    current_step = models.CharField(_("bước đang xử lý"), max_length=200, blank=True)
    search = models.CharField(max_length=300, editable=False, blank=True)
    import_job = models.ForeignKey("ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The statistics class: timeliness, open, channel, postal and apology as bits of one small
    # number, kept by the database itself (never written by the application or the importer), so
    # the statistics count rows per (unit or procedure, class) straight from an index instead of
    # evaluating ten conditions per row. Must equal `stats.class_case()` (tested).
    stats_class = models.GeneratedField(
        expression=(
            Case(When(timeliness=Timeliness.EARLY, then=Value(1)), When(timeliness=Timeliness.ON_TIME, then=Value(2)),
                 When(timeliness=Timeliness.LATE, then=Value(3)), default=Value(0))
            + Case(When(status__in=OPEN_STATUSES, then=Value(4)), default=Value(0))
            + Case(When(channel=Channel.ONLINE, then=Value(8)), When(channel=Channel.POST, then=Value(16)),
                   default=Value(0))
            + Case(When(Q(channel=Channel.POST) | Q(return_method=ReturnMethod.POST), then=Value(32)),
                   default=Value(0))
            + Case(When(apology_on__isnull=False, then=Value(64)), default=Value(0))
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("hồ sơ thủ tục hành chính")
        verbose_name_plural = _("hồ sơ thủ tục hành chính")
        indexes = [
            models.Index(fields=["received_on", "unit"], name="dossier_received_unit"),
            models.Index(fields=["status", "due_on"], name="dossier_status_due"),
            models.Index(fields=["unit", "stats_class", "received_on", "due_on"], name="dossier_stats_unit"),
            models.Index(fields=["procedure", "stats_class", "received_on", "due_on"], name="dossier_stats_procedure"),
            models.Index(fields=["stats_class", "received_on", "due_on"], name="dossier_stats_class"),
        ]
        # A partial unique index (not `unique=True`): SQLite adds it without rebuilding the
        # table, which would drop the tally's triggers (migration 0005).
        constraints = [
            models.UniqueConstraint(fields=["lookup_code"], condition=Q(lookup_code__isnull=False),
                                    name="dossier_lookup_code"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("dossier_detail", kwargs={"code": self.code})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def late_now(self, today: dt.date | None = None) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_on < (today or timezone.localdate())

    @property
    def effective_due_on(self) -> dt.date:
        """The date the applicant now expects: the new appointment after an apology."""
        return self.new_due_on or self.due_on


class DossierTally(models.Model):
    """Dossiers counted by receiving unit, month received and statistics class (`stats_class`):
    what the IOC and the derived indicators read instead of scanning a million dossiers. Kept by
    the database itself: triggers on the dossier table add and take away one on every insert,
    delete, and update that changes one of the three (migration 0004, see tally.py), so the
    services, the importer, the admin, `QuerySet.update()` and raw SQL all keep it right. Never
    written by the application; `tally.rebuild()` recounts it from the dossiers."""

    month = models.DateField(_("tháng tiếp nhận"))  # the first day of the month
    unit = models.ForeignKey(
        "org.AdminUnit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    stats_class = models.PositiveSmallIntegerField(_("lớp thống kê"))
    n = models.IntegerField(_("số hồ sơ"), default=0)

    class Meta:
        verbose_name = _("số hồ sơ theo tháng")
        verbose_name_plural = _("số hồ sơ theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["month", "unit", "stats_class"], name="dossier_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y} lớp {self.stats_class}: {self.n}"


def classify(result_on: dt.date | None, due_on: dt.date) -> str:
    """Early / on time / late against the appointment date (an apology does not make a late
    dossier on time: the new date is a promise, the class is kept against the original one)."""
    if result_on is None:
        return ""
    if result_on < due_on:
        return Timeliness.EARLY
    if result_on == due_on:
        return Timeliness.ON_TIME
    return Timeliness.LATE


class DossierStep(models.Model):
    """One body's part in handling a dossier: the receiving unit's own processing, or an
    inter-level (*liên thông*) step at a city or province body. Each step has its own deadline;
    `transfer_due_on` is when the sender had to pass the dossier on (the same working day, or the
    next one when it reached the sender after the cut-off hour, rule `dossier.cutoff_hour`)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField(_("thứ tự"))
    body = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("cơ quan xử lý"))
    body_name = models.CharField(_("cơ quan xử lý"), max_length=300)
    unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị của cơ quan"))
    interlevel = models.BooleanField(_("liên thông"), default=False)
    task = models.CharField(_("nội dung bước"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("thời điểm nhận hồ sơ"))
    counts_from = models.DateField(_("ngày bắt đầu tính hạn"))
    days = models.PositiveSmallIntegerField(_("số ngày làm việc được giao"))
    due_on = models.DateField(_("hạn của bước"))
    transfer_due_on = models.DateField(_("hạn chuyển hồ sơ"), null=True, blank=True)
    due_rule = models.CharField(_("quy tắc hạn chuyển"), max_length=60, blank=True)
    state = models.CharField(_("trạng thái"), max_length=6, choices=StepState.choices, default=StepState.OPEN)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_step_seq")]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")

    def __str__(self) -> str:
        return f"{self.seq}. {self.body_name}"

    @property
    def transferred_late(self) -> bool:
        from django.utils import timezone

        if self.transfer_due_on is None:
            return False
        return timezone.localtime(self.started_at).date() > self.transfer_due_on

    def late(self, today: dt.date | None = None) -> bool:
        from django.utils import timezone

        if self.finished_at is not None:
            return timezone.localtime(self.finished_at).date() > self.due_on
        return self.due_on < (today or timezone.localdate())


class DossierEvent(models.Model):
    """The dossier's history: every status it went through, and every step, with the officer or
    the import job that recorded it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("sự kiện"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    job = models.ForeignKey("ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["dossier", "at", "id"]
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.from_status}→{self.to_status}"


class ImportJobQuerySet(ScopedQuerySet["ImportJob"]):
    """A user sees the jobs they started; an all-seeing importer (an administrator) sees all."""

    def visible_to(self, user: AnyUser | None, action: str = "import") -> ImportJobQuerySet:
        return super().visible_to(user, action)

    def open_without_units(self) -> bool:
        return True

    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        return Q(created_by=user)


class ImportJob(models.Model):
    """One run of an import file (from `dieuhanh import` or the web page). Counts and the
    error file are written as batches commit, so a killed run shows how far it got, and
    running it again finishes it without adding anything twice."""

    kind = models.CharField(_("loại dữ liệu"), max_length=12, choices=JobKind.choices, default=JobKind.DOSSIERS)
    state = models.CharField(_("trạng thái"), max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    file_path = models.CharField(_("tệp"), max_length=500)
    original_name = models.CharField(_("tên tệp"), max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(_("ánh xạ cột"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("đã đọc"), default=0)
    created_rows = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated_rows = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("không đổi"), default=0)
    bad_rows = models.PositiveIntegerField(_("dòng lỗi"), default=0)
    errors_path = models.CharField(_("tệp lỗi"), max_length=500, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    # [name, definition] of the dossier indexes this job set aside during a large load, until it
    # builds them again (see indexes.py): what a killed job leaves for the next run to rebuild.
    deferred_indexes = models.JSONField(_("chỉ mục tạm gỡ"), default=list, blank=True, editable=False)
    # The queue's job that runs this import (django_tasks_db's result id; core/queue.py), empty
    # for an import run at once (the command line, `submit(background=False)`).
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # "host:pid" of the process running it (core.queue.this_process): a run whose process on this
    # machine has stopped is interrupted at once, without waiting for its heartbeat to go stale.
    runner = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"
