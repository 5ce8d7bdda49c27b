"""What reached whom: a notification is one message to one person, about one object, under one
rule (`rule`, e.g. "task.overdue"). `key` makes a reminder exactly-once: a sweep that runs twice
on a day, or two workers that run it at once, add it once (unique per recipient and key).

A summary stands for many reminders of one rule to one person from one sweep (reminders.py,
"bundling"): the reminders are still written, each with its key, but point to it (`bundle`);
the centre, the counts, the API and e-mail show only rows without a bundle (`services.shown`),
and the summary says how many it holds (`bundled`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.notifications.choices import SATISFIED_LEVELS, Channel, EmailMode, MessageState, Satisfaction


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    rule = models.CharField(gettext_lazy("loại thông báo"), max_length=64)
    title = models.CharField(gettext_lazy("tiêu đề"), max_length=300)
    body = models.TextField(gettext_lazy("nội dung"), blank=True)
    url = models.CharField(gettext_lazy("đường dẫn"), max_length=500, blank=True)
    # The object it is about ("directives.task", 12): the link's target and the visibility check.
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    unit = models.ForeignKey("org.AdminUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=160, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A reminder grouped into a summary: shown through it, never alone.
    bundle = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    bundled = models.PositiveIntegerField(gettext_lazy("số thông báo gộp"), default=0)  # of a summary: how many

    class Meta:
        verbose_name = gettext_lazy("thông báo")
        verbose_name_plural = gettext_lazy("thông báo")
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("recipient", "key"), condition=~Q(key=""), name="notification_once_per_key"),
        )
        indexes = (
            models.Index(fields=("recipient", "read_at"), name="notification_unread"),
            # The centre, the badge and the API count and list what is shown (no bundle).
            models.Index(fields=("recipient", "read_at"), name="notification_shown", condition=Q(bundle__isnull=True)),
            # A sweep asks which of its keys were sent already, to anyone (notify_many).
            models.Index(fields=("key",), name="notification_key", condition=~Q(key="")),
        )

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choice of channel: e-mail at once, in the daily digest, or not at all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    email_mode = models.CharField(
        gettext_lazy("thư điện tử"), max_length=16, choices=EmailMode.choices, default=EmailMode.DIGEST
    )
    daily_digest = models.BooleanField(gettext_lazy("nhận thư tổng hợp hằng ngày"), default=True)

    class Meta:
        verbose_name = gettext_lazy("lựa chọn nhận thông báo")

    def __str__(self) -> str:
        return str(self.user)


class DigestSent(models.Model):
    """One daily digest sent to one person: the day's run skips whoever already has theirs, so a
    run that is resumed or repeated sends nobody a second one (digest.send_all)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notifications = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("thư tổng hợp đã gửi")
        constraints = (models.UniqueConstraint(fields=("user", "day"), name="digest_once_a_day"),)

    def __str__(self) -> str:
        return f"{self.user} {self.day:%d/%m/%Y}"


EVENT_LABELS = {
    "receipt": gettext_lazy("Tiếp nhận"),
    "accepted": gettext_lazy("Thụ lý"),
    "transferred": gettext_lazy("Chuyển đơn"),
    "result": gettext_lazy("Có kết quả"),
    "apology": gettext_lazy("Xin lỗi, hẹn lại"),
}


class CitizenMessage(models.Model):
    """One message to a citizen about their case (a petition, a dossier), on one channel: what
    was sent, where (masked: the address itself is read from the case when sending, so the log
    never holds a denouncer's contact in clear), and how it went. `key` makes it once per event
    and channel: the same step recorded twice, or a retried job, sends nothing more."""

    case_type = models.CharField(max_length=64)  # "petitions.petition", "dossiers.dossier"
    case_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey("org.AdminUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(gettext_lazy("sự kiện"), max_length=32)
    channel = models.CharField(gettext_lazy("kênh"), max_length=8, choices=Channel.choices)
    destination = models.CharField(gettext_lazy("nơi nhận (che bớt)"), max_length=120)
    subject = models.CharField(gettext_lazy("tiêu đề"), max_length=200, blank=True)
    text = models.TextField(gettext_lazy("nội dung"))
    key = models.CharField(max_length=160, unique=True)
    state = models.CharField(gettext_lazy("tình trạng"), max_length=8, choices=MessageState.choices,
                             default=MessageState.PENDING)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("số lần gửi"), default=0)
    error = models.CharField(gettext_lazy("lỗi lần gửi cuối"), max_length=500, blank=True)
    gateway_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(gettext_lazy("gửi lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(gettext_lazy("thất bại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("tin gửi công dân")
        verbose_name_plural = gettext_lazy("tin gửi công dân")
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=("case_type", "case_id"), name="citizen_message_case"),)

    def __str__(self) -> str:
        return f"{self.case_type}:{self.case_id} {self.event} {self.channel}"

    @property
    def event_label(self) -> str:
        return str(EVENT_LABELS.get(self.event, self.event))


class Rating(models.Model):
    """A citizen's satisfaction with how their case was handled, given from the lookup page once
    the case has its result: one per case (`rating_once_per_case`). The unit is the case's (where
    the matter arose, the dossier's receiving unit), so ratings count per unit."""

    case_type = models.CharField(max_length=64)
    case_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey("org.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=gettext_lazy("đơn vị"))
    level = models.PositiveSmallIntegerField(gettext_lazy("mức độ hài lòng"), choices=Satisfaction.choices)
    comment = models.TextField(gettext_lazy("góp ý"), blank=True)
    rated_at = models.DateTimeField(gettext_lazy("đánh giá lúc"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("đánh giá mức độ hài lòng")
        verbose_name_plural = gettext_lazy("đánh giá mức độ hài lòng")
        constraints = (models.UniqueConstraint(fields=("case_type", "case_id"), name="rating_once_per_case"),)
        indexes = (models.Index(fields=("case_type", "unit", "rated_at"), name="rating_type_unit"),)

    def __str__(self) -> str:
        return f"{self.case_type}:{self.case_id} {self.level}"

    @property
    def satisfied(self) -> bool:
        return self.level in SATISFIED_LEVELS
