"""The members' reports in the daily digest (notifications/digest.py): for those who answer them,
the proposals beyond a member's authority still waiting for an answer, counted through
`MemberReport.objects.visible_to(user)` — the list under the office's overview, which its link
opens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from dieuhanh.core import access
from dieuhanh.notifications.digest import Figure
from dieuhanh.reporting.models import MemberReport


def figures(user: Any, day: dt.date) -> list[Figure]:
    if not access.holds(user, "reporting", "answer"):
        return []
    n = MemberReport.objects.visible_to(user).waiting().count()
    words = ngettext("%(n)s kiến nghị của cấp uỷ viên chờ ý kiến", "%(n)s kiến nghị của cấp uỷ viên chờ ý kiến", n)
    return [Figure(n, words % {"n": n}, reverse("reporting:overview") + "#kien-nghi")]
