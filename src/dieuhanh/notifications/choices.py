from django.db import models
from django.utils.translation import gettext_lazy


class EmailMode(models.TextChoices):
    """How a person wants their notifications by e-mail (in the app they are always shown)."""

    IMMEDIATE = "immediate", gettext_lazy("Gửi ngay từng thông báo")
    DIGEST = "digest", gettext_lazy("Gộp vào thư tổng hợp hằng ngày")
    OFF = "off", gettext_lazy("Không gửi thư")


class Action(models.TextChoices):
    """Audit verbs of notifications: a person's change of how they are reached (reading a
    notification is no change of any record and is not logged, decision 0027)."""

    PREFERENCES = "preferences", gettext_lazy("Đổi cách nhận thông báo")


class Channel(models.TextChoices):
    """How a message reaches a citizen."""

    EMAIL = "email", gettext_lazy("Thư điện tử")
    SMS = "sms", gettext_lazy("Tin nhắn SMS")


class MessageState(models.TextChoices):
    PENDING = "pending", gettext_lazy("Chờ gửi")
    SENT = "sent", gettext_lazy("Đã gửi")
    FAILED = "failed", gettext_lazy("Gửi không được")


class Satisfaction(models.IntegerChoices):
    """The five levels of the public-service satisfaction surveys (e.g. the Ministry of
    Information and Communications' survey on dichvucong.mic.gov.vn; docs/decisions/0030). The
    top two count as satisfied."""

    VERY_SATISFIED = 5, gettext_lazy("Rất hài lòng")
    SATISFIED = 4, gettext_lazy("Hài lòng")
    NEUTRAL = 3, gettext_lazy("Bình thường")
    DISSATISFIED = 2, gettext_lazy("Không hài lòng")
    VERY_DISSATISFIED = 1, gettext_lazy("Rất không hài lòng")


SATISFIED_LEVELS = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)
