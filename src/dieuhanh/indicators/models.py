"""Indicators: the definition of a figure, its targets per unit and period (versioned: a
mid-term adjustment adds a version and keeps the original), and the actual values entered per
unit and year. Derived indicators have no actuals: compute.py counts them from the tasks,
petitions and dossiers."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.indicators import derived
from dieuhanh.indicators.choices import Aggregation, Direction, Group, Kind, PeriodKind
from dieuhanh.org.models import AdminUnit, User


class _DecimalSize(TypedDict):
    max_digits: int
    decimal_places: int


VALUE: _DecimalSize = {"max_digits": 20, "decimal_places": 4}


class Indicator(models.Model):
    code = models.CharField(gettext_lazy("mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(gettext_lazy("tên chỉ tiêu"), max_length=300)
    measure = models.CharField(gettext_lazy("đơn vị tính"), max_length=40, help_text=gettext_lazy("tỷ đồng, %, người, ha, hồ sơ…"))
    direction = models.CharField(gettext_lazy("chiều đánh giá"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(gettext_lazy("cách tổng hợp"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    weight_code = models.CharField(
        gettext_lazy("chỉ tiêu quyền số"), max_length=40, blank=True,
        help_text=gettext_lazy("Với bình quân gia quyền: mã chỉ tiêu dùng làm quyền số (ví dụ dân số)."),
    )
    kind = models.CharField(gettext_lazy("loại"), max_length=8, choices=Kind.choices, default=Kind.ENTERED)
    derived_source = models.CharField(
        gettext_lazy("nguồn tính tự động"), max_length=32, choices=derived.source_choices, blank=True
    )
    group = models.CharField(gettext_lazy("nhóm"), max_length=16, choices=Group.choices, default=Group.SOCIO_ECONOMIC)
    order = models.PositiveIntegerField(gettext_lazy("thứ tự"), default=0)
    active = models.BooleanField(gettext_lazy("đang theo dõi"), default=True)
    description = models.TextField(gettext_lazy("ghi chú, cách tính"), blank=True)

    class Meta:
        ordering = ["group", "order", "code"]
        verbose_name = gettext_lazy("chỉ tiêu")
        verbose_name_plural = gettext_lazy("chỉ tiêu")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=Kind.ENTERED, derived_source="") | (Q(kind=Kind.DERIVED) & ~Q(derived_source="")),
                name="indicator_derived_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_derived(self) -> bool:
        return self.kind == Kind.DERIVED


class TargetQuerySet(ScopedQuerySet["Target"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        return Q(unit_id__in=among(unit_ids))

    def current(self) -> TargetQuerySet:
        return self.filter(is_current=True)

    def covering(self, year: int) -> TargetQuerySet:
        return self.filter(year_from__lte=year, year_to__gte=year)


class Target(models.Model):
    """One version of a target. A year target has year_from == year_to; a term target spans the
    term (2020–2025). Adjusting a target adds version n+1 and clears `is_current` on version n,
    which stays as it was decided."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=gettext_lazy("chỉ tiêu"))
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("đơn vị"))
    period_kind = models.CharField(gettext_lazy("kỳ"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    year_from = models.PositiveSmallIntegerField(gettext_lazy("từ năm"))
    year_to = models.PositiveSmallIntegerField(gettext_lazy("đến năm"))
    value = models.DecimalField(gettext_lazy("giá trị chỉ tiêu"), **VALUE)
    version = models.PositiveSmallIntegerField(gettext_lazy("lần"), default=1)
    is_current = models.BooleanField(gettext_lazy("đang áp dụng"), default=True)
    deciding_document = models.CharField(gettext_lazy("văn bản giao, điều chỉnh"), max_length=300, blank=True)
    decided_on = models.DateField(gettext_lazy("ngày quyết định"), null=True, blank=True)
    note = models.TextField(gettext_lazy("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "unit", "year_from", "year_to", "version"]
        verbose_name = gettext_lazy("chỉ tiêu giao")
        verbose_name_plural = gettext_lazy("chỉ tiêu giao")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_kind", "year_from", "year_to", "version"], name="target_version_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_kind", "year_from", "year_to"],
                condition=Q(is_current=True), name="target_one_current",
            ),
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="target_years_ordered"),
        ]
        # The targets covering a year (year_from <= Y <= year_to) by unit: read from year_to, which
        # leaves out the years gone by, a target table's bulk.
        indexes = [models.Index(fields=["year_to", "year_from", "unit"], name="target_period_unit")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_label} v{self.version}"

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return gettext("Năm %(year_from)s") % {"year_from": self.year_from}
        return gettext("Nhiệm kỳ %(year_from)s–%(year_to)s") % {"year_from": self.year_from, "year_to": self.year_to}


class ActualQuerySet(ScopedQuerySet["Actual"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        return Q(unit_id__in=among(unit_ids))


class Actual(models.Model):
    """The value a unit reports for a year (entering it again replaces it; the audit log keeps the
    previous value)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="actuals", verbose_name=gettext_lazy("chỉ tiêu"))
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("đơn vị"))
    year = models.PositiveSmallIntegerField(gettext_lazy("năm"))
    value = models.DecimalField(gettext_lazy("giá trị thực hiện"), **VALUE)
    growth_percent = models.DecimalField(
        gettext_lazy("tăng so với năm trước (%) theo báo cáo"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    source = models.CharField(gettext_lazy("nguồn số liệu"), max_length=300, blank=True)
    note = models.TextField(gettext_lazy("ghi chú"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    entered_at = models.DateTimeField(gettext_lazy("thời điểm nhập"), auto_now=True)

    objects = ActualQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "unit", "year"]
        verbose_name = gettext_lazy("số liệu thực hiện")
        verbose_name_plural = gettext_lazy("số liệu thực hiện")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year"], name="actual_unique")]
        indexes = [models.Index(fields=["year", "unit"], name="actual_year_unit")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit_id} {self.year}: {self.value}"
