from __future__ import annotations

from typing import Any

from django.urls import reverse

from dieuhanh.core.tests.exampleapp.models import Inspection, State
from dieuhanh.ioc.sections import Figure, Section
from dieuhanh.org import scope


def figures(user: Any, period: Any) -> list[Figure]:
    qs = Inspection.objects.visible_to(user)
    if period.unit is not None:
        qs = qs.filter(unit_id__in=scope.expand_units([period.unit.pk]))
    url = reverse("exampleapp:inspection_list")
    return [
        Figure("inspections-open", "cuộc kiểm tra đang mở", qs.filter(state=State.OPEN).count(),
               f"{url}?state={State.OPEN}", "warn"),
        Figure("inspections-closed", "cuộc kiểm tra đã kết luận", qs.filter(state=State.CLOSED).count(),
               f"{url}?state={State.CLOSED}"),
    ]


SECTION = Section("inspections", "Kiểm tra thực tế", 50, "exampleapp", lambda user, ctx: {"figures": figures(user, ctx.period)})
