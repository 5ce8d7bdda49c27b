from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from dieuhanh.core.choices import CalendarExceptionKind, DayKind


class CalendarException(models.Model):
    """A day announced off, or a Saturday announced as worked (*làm bù*), by a named document.

    Statutory holidays come from the `holidays` package; these rows are what each year's
    civil-service schedule adds on top of it (LEGAL.md, "The calendar").
    """

    date = models.DateField(gettext_lazy("ngày"), unique=True)
    kind = models.CharField(gettext_lazy("loại"), max_length=16, choices=CalendarExceptionKind.choices)
    name = models.CharField(gettext_lazy("tên"), max_length=200, blank=True)
    document_number = models.CharField(
        gettext_lazy("văn bản công bố"), max_length=100, help_text=gettext_lazy("Số hiệu văn bản công bố lịch nghỉ, ví dụ 2508/TB-BNV")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = gettext_lazy("ngày nghỉ / làm bù được công bố")
        verbose_name_plural = gettext_lazy("ngày nghỉ / làm bù được công bố")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} ({self.document_number})"


class LegalRule(models.Model):
    """One version of a legal rule: a period (`period` days, calendar or working) or a limit
    that is not a period (`period` times, persons, or the hour of a cut-off; `day_kind` says
    which). A rule is identified by `code`; when the law changes, a new row with the same code
    and a later `effective_from` is added and the old one keeps applying to cases that started
    before that date."""

    code = models.CharField(gettext_lazy("mã quy tắc"), max_length=80)
    name = models.CharField(gettext_lazy("tên"), max_length=300)
    period = models.PositiveIntegerField(gettext_lazy("thời hạn hoặc giá trị"))
    day_kind = models.CharField(gettext_lazy("đơn vị"), max_length=16, choices=DayKind.choices)
    effective_from = models.DateField(gettext_lazy("hiệu lực từ"))
    effective_to = models.DateField(gettext_lazy("hết hiệu lực"), null=True, blank=True)
    citation = models.CharField(gettext_lazy("căn cứ"), max_length=300)
    note = models.TextField(gettext_lazy("ghi chú"), blank=True)

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="legalrule_version")]
        verbose_name = gettext_lazy("quy tắc pháp lý")
        verbose_name_plural = gettext_lazy("bảng quy tắc pháp lý")

    def __str__(self) -> str:
        return f"{self.code}: {self.period} {self.get_day_kind_display()} ({self.citation})"


class AuditEvent(models.Model):
    """Append-only, hash-chained record of a state change. `hash` covers every field and the
    previous event's hash, so editing or deleting a row breaks the chain at that row."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=16, default="web")
    # A verb declared with `audit.register_verbs` by the app that writes it: no choices here, so a
    # new app's verbs need no migration of this table (decision 0009).
    action = models.CharField(max_length=20)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = gettext_lazy("nhật ký thay đổi")
        verbose_name_plural = gettext_lazy("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Nhật ký thay đổi chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Nhật ký thay đổi không được xoá.")


class AuditChainHead(models.Model):
    """Single row locked while appending, so concurrent writers on PostgreSQL chain in order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class ApiToken(models.Model):
    """A bearer token for API v1. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("mã truy cập API")
        verbose_name_plural = gettext_lazy("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"


class RateCounter(models.Model):
    """Attempts of one kind from one client address, counted until `expires_at` (core.ratelimit).
    A table rather than a cache entry so that every worker shares it and increments are atomic."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = gettext_lazy("bộ đếm giới hạn truy cập")
        verbose_name_plural = gettext_lazy("bộ đếm giới hạn truy cập")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class WorkerBeat(models.Model):
    """A running `dieuhanh worker` (core/worker.py): it writes `beat_at` every few seconds from a
    thread. A worker whose beat is older than `DIEUHANH_WORKER_STALE_SECONDS` is gone, and the
    jobs it left running are put back in the queue for another worker."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = gettext_lazy("tiến trình chạy nền")
        verbose_name_plural = gettext_lazy("tiến trình chạy nền")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class ScheduledRun(models.Model):
    """One period of a periodic job, queued once: the worker whose insert of this row wins queues
    the job in the same transaction; the others hit the unique constraint and skip it."""

    job_key = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job_key", "period_start"], name="scheduled_run_once")]
        verbose_name = gettext_lazy("lượt chạy định kỳ")
        verbose_name_plural = gettext_lazy("lượt chạy định kỳ")

    def __str__(self) -> str:
        return f"{self.job_key} @ {self.period_start:%Y-%m-%d %H:%M}"


class Generation(models.Model):
    """The stamp of a kind of slowly changing data (the unit tree, the calendar, role grants),
    written by the database's triggers on every change to its tables (core.generations)."""

    name = models.CharField(max_length=50, primary_key=True)
    stamp = models.BigIntegerField()

    class Meta:
        verbose_name = gettext_lazy("dấu thay đổi")
        verbose_name_plural = gettext_lazy("dấu thay đổi")

    def __str__(self) -> str:
        return f"{self.name}: {self.stamp}"


class PaperBatch(models.Model):
    """Many formal documents of one kind asked for at once (core/papers/batch.py): made on the
    task queue, PDFs converted in one start of LibreOffice per batch, delivered as one .zip with
    its SHA-256; only the user who asked for it may read it."""

    class State(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Đang chờ")
        RUNNING = "running", gettext_lazy("Đang tạo")
        DONE = "done", gettext_lazy("Đã xong")
        FAILED = "failed", gettext_lazy("Không tạo được")

    kind = models.CharField(gettext_lazy("loại văn bản"), max_length=60)
    idents = models.JSONField(gettext_lazy("các đối tượng"))
    file_format = models.CharField(gettext_lazy("định dạng"), max_length=8)
    state = models.CharField(gettext_lazy("trạng thái"), max_length=8, choices=State.choices, default=State.QUEUED)
    made = models.PositiveIntegerField(gettext_lazy("số văn bản đã tạo"), default=0)
    skipped = models.JSONField(gettext_lazy("đối tượng bỏ qua"), default=list)
    message = models.TextField(blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = gettext_lazy("lô văn bản")
        verbose_name_plural = gettext_lazy("lô văn bản")

    def __str__(self) -> str:
        return f"{self.kind} × {len(self.idents)} ({self.file_format}, {self.state})"
