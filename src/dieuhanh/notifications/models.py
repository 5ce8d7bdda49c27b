"""What reached whom: a notification is one message to one person, about one object, under one
rule (`rule`, e.g. "task.overdue"). `key` makes a reminder exactly-once: a sweep that runs twice
on a day, or two workers that run it at once, add it once (unique per recipient and key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.notifications.choices import EmailMode


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

    class Meta:
        verbose_name = gettext_lazy("thông báo")
        verbose_name_plural = gettext_lazy("thông báo")
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("recipient", "key"), condition=~Q(key=""), name="notification_once_per_key"),
        )
        indexes = (models.Index(fields=("recipient", "read_at"), name="notification_unread"),)

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
