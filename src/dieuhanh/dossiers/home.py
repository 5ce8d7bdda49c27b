"""The one-stop panel of the officer's dashboard (`PlatformApp.home_panels`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dieuhanh.core import access, calendar
from dieuhanh.core.http import AnyUser
from dieuhanh.dossiers.choices import OPEN_STATUSES, Timeliness
from dieuhanh.dossiers.models import Dossier


def panel(user: AnyUser) -> dict[str, Any] | None:
    """One-stop dossiers in the user's scope: received this year, the share of this year's
    results given early or on time, dossiers late now and those due within three working days.
    None when the user sees no dossiers."""
    visible = Dossier.objects.visible_to(user)
    if not access.holds(user, "dossiers", "follow") and not visible.exists():
        return None
    today = timezone.localdate()
    year = visible.filter(received_on__gte=dt.date(today.year, 1, 1), received_on__lte=dt.date(today.year, 12, 31))
    counts = year.aggregate(
        received=Count("id"),
        in_time=Count("id", filter=Q(timeliness__in=(Timeliness.EARLY, Timeliness.ON_TIME))),
        classed=Count("id", filter=~Q(timeliness="")),
    )
    soon = calendar.due_soon_until(today)
    open_counts = visible.filter(status__in=OPEN_STATUSES).aggregate(
        late_now=Count("id", filter=Q(due_on__lt=today)),
        due_soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    percent = 100 * counts["in_time"] / counts["classed"] if counts["classed"] else None
    return {"year": today.year, "received": counts["received"], "on_time_percent": percent, **open_counts}
