from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from django.db import models
from django.db.models import Q

from dieuhanh.core.access import ScopedQuerySet


class State(models.TextChoices):
    OPEN = "open", "Đang kiểm tra"
    CLOSED = "closed", "Đã kết luận"


class InspectionQuerySet(ScopedQuerySet["Inspection"]):
    def in_units(self, unit_ids: AbstractSet[int], user: Any) -> Q:
        return Q(unit_id__in=unit_ids)


class Inspection(models.Model):
    unit = models.ForeignKey("org.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    title = models.CharField("nội dung kiểm tra", max_length=200)
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.OPEN)
    conclusion = models.TextField("kết luận", blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "cuộc kiểm tra thực tế"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exampleapp:inspection_detail", args=[self.pk])
