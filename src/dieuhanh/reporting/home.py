"""The member's panel of the dashboard: this week's and this month's report, sent or not."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dieuhanh.directives import cycle
from dieuhanh.reporting import services
from dieuhanh.reporting.models import MemberReport


def panel(user: Any) -> dict[str, Any] | None:
    if not getattr(user, "person_id", None):
        return None
    today = timezone.localdate()
    rows = []
    for cadence in cycle.PERIODIC:
        period = cycle.period_of(cadence, today)
        active = services.assignments_of(user, period.start, period.end)
        if not active:
            continue
        report = MemberReport.objects.filter(member_id=user.person_id, kind=cadence, period_start=period.start).first()
        rows.append({"period": period, "report": report, "owes": services.owes(active, period), "late": period.is_late(today)})
    return {"rows": rows} if rows else None
