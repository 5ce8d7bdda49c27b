"""The petitions' panel of the officer's dashboard (`PlatformApp.home_panels`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dieuhanh.core import access
from dieuhanh.core.http import AnyUser
from dieuhanh.petitions import stats
from dieuhanh.petitions.choices import OPEN_STATES
from dieuhanh.petitions.models import Petition

DASHBOARD_ROWS = 15


def panel(user: AnyUser) -> dict[str, Any] | None:
    """Open petitions in the user's scope with their alerts: overdue and due-soon by the next
    legal deadline, prolonged, repeated and over-level. None when the user sees no petitions."""
    visible = Petition.objects.visible_to(user)
    today = timezone.localdate()
    row = stats.totals(visible.filter(state__in=OPEN_STATES), today=today)
    if not row.received and not access.holds(user, "petitions", "follow"):
        return None
    urgent = (
        visible.open()  # type: ignore[misc]  # `timing` is annotated by with_timing()
        .with_timing(today)
        .filter(timing__in=("overdue", "due_soon"))
        .select_related("unit")
        .order_by("due_on", "id")[:DASHBOARD_ROWS]
    )
    due_soon = visible.open().with_timing(today).filter(timing="due_soon").count()  # type: ignore[misc]  # `timing` is annotated by with_timing()
    return {"open": row.open, "overdue": row.overdue, "due_soon": due_soon, "prolonged": row.prolonged,
            "repeated": row.duplicates, "over_level": row.over_level, "urgent": urgent}
