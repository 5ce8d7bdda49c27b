"""The app's panel of the dashboard (`PlatformApp.home_panels`), for the inspection commission and
the standing board: inspections under way, those past their period, remedial work in progress,
discipline proposals waiting for a decision and appeals waiting; the late ones listed by decision
(never by subject: the dashboard is read over a shoulder)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dieuhanh.core.http import AnyUser
from dieuhanh.inspection.choices import OPEN_STATES, AppealState, DisciplineState, State
from dieuhanh.inspection.models import Appeal, Discipline, Inspection


def panel(user: AnyUser) -> dict[str, Any] | None:
    today = timezone.localdate()
    mine = Inspection.objects.visible_to(user)
    c = mine.aggregate(open=Count("id", filter=Q(state__in=OPEN_STATES)),
                       late=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
                       remedying=Count("id", filter=Q(state=State.NOTIFIED)))
    proposals = Discipline.objects.visible_to(user).filter(state=DisciplineState.PROPOSED).count()
    appeals = Appeal.objects.visible_to(user).filter(state__in=(AppealState.LODGED, AppealState.ACCEPTED)).count()
    if not any((*c.values(), proposals, appeals)):
        return None
    late = mine.filter(state__in=OPEN_STATES, due_on__lt=today).order_by("due_on", "id")[:10]
    return {**c, "proposals": proposals, "appeals": appeals, "late_rows": late}
