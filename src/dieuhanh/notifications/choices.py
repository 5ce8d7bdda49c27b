from django.db import models
from django.utils.translation import gettext_lazy


class EmailMode(models.TextChoices):
    """How a person wants their notifications by e-mail (in the app they are always shown)."""

    IMMEDIATE = "immediate", gettext_lazy("Gửi ngay từng thông báo")
    DIGEST = "digest", gettext_lazy("Gộp vào thư tổng hợp hằng ngày")
    OFF = "off", gettext_lazy("Không gửi thư")
