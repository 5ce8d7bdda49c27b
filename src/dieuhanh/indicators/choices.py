"""Enumerations of the indicators app."""

from django.db import models
from django.utils.translation import gettext_lazy


class Direction(models.TextChoices):
    HIGHER = "higher", gettext_lazy("Càng cao càng tốt")
    LOWER = "lower", gettext_lazy("Càng thấp càng tốt")


class Aggregation(models.TextChoices):
    """How figures of several units or years make one figure (see compute.py)."""

    SUM = "sum", gettext_lazy("Cộng dồn")
    MEAN = "mean", gettext_lazy("Bình quân")
    WEIGHTED = "weighted", gettext_lazy("Bình quân gia quyền")
    LAST = "last", gettext_lazy("Số cuối kỳ")


class Kind(models.TextChoices):
    ENTERED = "entered", gettext_lazy("Nhập số liệu")
    DERIVED = "derived", gettext_lazy("Tính từ dữ liệu hệ thống")


class Group(models.TextChoices):
    SOCIO_ECONOMIC = "socio_economic", gettext_lazy("Chỉ tiêu kinh tế - xã hội")
    PARTY = "party", gettext_lazy("Xây dựng Đảng, hệ thống chính trị")
    OPERATIONS = "operations", gettext_lazy("Chỉ đạo, điều hành")


class PeriodKind(models.TextChoices):
    YEAR = "year", gettext_lazy("Năm")
    TERM = "term", gettext_lazy("Nhiệm kỳ")


class Achievement(models.TextChoices):
    EXCEEDED = "exceeded", gettext_lazy("Vượt")
    MET = "met", gettext_lazy("Đạt")
    NOT_MET = "not_met", gettext_lazy("Không đạt")
