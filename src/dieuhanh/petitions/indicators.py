"""The derived indicator counted from the petitions (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy

from dieuhanh.core.http import AnyUser
from dieuhanh.indicators.derived import Counts, DerivedIndicator
from dieuhanh.petitions.models import Petition


def resolution_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    """Resolved of accepted, by the unit where the matter arose and the year received."""
    qs = Petition.objects.visible_to(user).filter(received_on__year__in=years)
    rows = qs.order_by().annotate(y=ExtractYear("received_on")).values("unit_id", "y").annotate(
        resolved=Count("id", filter=Q(concluded_on__isnull=False)),
        accepted=Count("id", filter=Q(accepted_on__isnull=False)),
    )
    return {(r["unit_id"], r["y"]): (r["resolved"], r["accepted"]) for r in rows}


DERIVED = (
    DerivedIndicator("petition_resolution_rate", gettext_lazy("Tỷ lệ giải quyết đơn thư"),
                     "dieuhanh.petitions.indicators.resolution_rate"),
)
