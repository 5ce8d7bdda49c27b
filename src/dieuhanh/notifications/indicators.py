"""The derived indicator counted from the citizens' ratings (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy

from dieuhanh.core.http import AnyUser
from dieuhanh.indicators.derived import Counts, DerivedIndicator
from dieuhanh.notifications.choices import SATISFIED_LEVELS
from dieuhanh.notifications.models import Rating


def satisfaction_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    """Ratings "satisfied" or "very satisfied" of all ratings, by the case's unit and the year
    rated, over the petitions and dossiers `user` may see."""
    from dieuhanh.dossiers.models import Dossier
    from dieuhanh.petitions.models import Petition

    out: Counts = {}
    visible: dict[str, Any] = {
        "petitions.petition": Petition.objects.visible_to(user).order_by().values("pk"),
        "dossiers.dossier": Dossier.objects.visible_to(user).order_by().values("pk"),
    }
    for label, ids in visible.items():
        rows = (
            Rating.objects.filter(case_type=label, case_id__in=ids, rated_at__year__in=years)
            .annotate(y=ExtractYear("rated_at")).order_by().values("unit_id", "y")
            .annotate(happy=Count("id", filter=Q(level__in=SATISFIED_LEVELS)), rated=Count("id"))
        )
        for r in rows:
            num, den = out.get((r["unit_id"], r["y"]), (0, 0))
            out[(r["unit_id"], r["y"])] = (num + r["happy"], den + r["rated"])
    return out


DERIVED = (
    DerivedIndicator("citizen_satisfaction_rate", gettext_lazy("Tỷ lệ hài lòng của người dân"),
                     "dieuhanh.notifications.indicators.satisfaction_rate"),
)
