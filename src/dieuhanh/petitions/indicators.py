"""The derived indicator counted from the petitions (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from dieuhanh.core import access
from dieuhanh.core.http import AnyUser
from dieuhanh.indicators.derived import Counts, DerivedIndicator
from dieuhanh.petitions.models import Petition


def resolution_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    """Resolved of accepted, by the unit where the matter arose and the year received (the
    register's year, as the IOC's petition card counts them), of the units in the user's scope
    (their `view` of the petitions: the units' figures, not also the petitions they handle
    elsewhere — decision 0041). Read from the index covering the year's register; the units out of
    scope dropped here."""
    units = access.units(user, "petitions", "view")
    if units is not access.ALL and not units:
        return {}
    rows = (
        Petition.objects.filter(year__in=sorted(set(years))).order_by().values_list("unit_id", "year")
        .annotate(resolved=Count("id", filter=Q(concluded_on__isnull=False)),
                  accepted=Count("id", filter=Q(accepted_on__isnull=False)))
    )
    return {(u, y): (resolved, accepted) for u, y, resolved, accepted in rows
            if units is access.ALL or u in units}


DERIVED = (
    DerivedIndicator("petition_resolution_rate", gettext_lazy("Tỷ lệ giải quyết đơn thư"),
                     "dieuhanh.petitions.indicators.resolution_rate"),
)
