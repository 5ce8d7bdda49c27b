"""The derived indicator counted from the citizens' ratings (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.core import access
from dieuhanh.core.http import AnyUser
from dieuhanh.indicators.derived import Counts, DerivedIndicator
from dieuhanh.notifications.choices import SATISFIED_LEVELS
from dieuhanh.notifications.models import Rating

# The cases rated, and the app whose `view` of them opens their ratings.
RATED = {"petitions.petition": "petitions", "dossiers.dossier": "dossiers"}


def satisfaction_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    """Ratings "satisfied" or "very satisfied" of all ratings, by the case's unit and the year
    rated (in local time), of the petitions and dossiers of the units in the user's scope (their
    `view` of each: the units' figures, not also the cases they handle elsewhere — decision 0041)."""
    first = timezone.make_aware(dt.datetime(min(years), 1, 1))
    after = timezone.make_aware(dt.datetime(max(years) + 1, 1, 1))
    out: Counts = {}
    for label, app in RATED.items():
        units = access.units(user, app, "view")
        if units is not access.ALL and not units:
            continue
        rows = (
            Rating.objects.filter(case_type=label, rated_at__gte=first, rated_at__lt=after)
            .annotate(y=ExtractYear("rated_at")).order_by().values_list("unit_id", "y")
            .annotate(happy=Count("id", filter=Q(level__in=SATISFIED_LEVELS)), rated=Count("id"))
        )
        for unit_id, year, happy, rated in rows:
            if year in years and (units is access.ALL or unit_id in units):
                num, den = out.get((unit_id, year), (0, 0))
                out[(unit_id, year)] = (num + happy, den + rated)
    return out


DERIVED = (
    DerivedIndicator("citizen_satisfaction_rate", gettext_lazy("Tỷ lệ hài lòng của người dân"),
                     "dieuhanh.notifications.indicators.satisfaction_rate"),
)
