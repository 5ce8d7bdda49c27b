"""Enumerations of the indicators app."""

from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt"
    LOWER = "lower", "Càng thấp càng tốt"


class Aggregation(models.TextChoices):
    """How figures of several units or years make one figure (see compute.py)."""

    SUM = "sum", "Cộng dồn"
    MEAN = "mean", "Bình quân"
    WEIGHTED = "weighted", "Bình quân gia quyền"
    LAST = "last", "Số cuối kỳ"


class Kind(models.TextChoices):
    ENTERED = "entered", "Nhập số liệu"
    DERIVED = "derived", "Tính từ dữ liệu hệ thống"


class Group(models.TextChoices):
    SOCIO_ECONOMIC = "socio_economic", "Chỉ tiêu kinh tế - xã hội"
    PARTY = "party", "Xây dựng Đảng, hệ thống chính trị"
    OPERATIONS = "operations", "Chỉ đạo, điều hành"


class PeriodKind(models.TextChoices):
    YEAR = "year", "Năm"
    TERM = "term", "Nhiệm kỳ"


class Achievement(models.TextChoices):
    EXCEEDED = "exceeded", "Vượt"
    MET = "met", "Đạt"
    NOT_MET = "not_met", "Không đạt"
