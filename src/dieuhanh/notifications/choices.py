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
