"""The petitions' figures of the daily digest (notifications/digest.py): open petitions past
their legal deadline and those due soon, counted through `Petition.objects.visible_to(user)` and
the petition list's filter (what the figure's link lists)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import ngettext

from dieuhanh.core import access
from dieuhanh.notifications.digest import Figure, list_url
from dieuhanh.petitions.filters import OPEN, PetitionFilter
from dieuhanh.petitions.models import Petition


def figures(user: Any, day: dt.date) -> list[Figure]:
    if not access.holds(user, "petitions", "view"):
        return []
    visible = Petition.objects.visible_to(user)
    overdue = PetitionFilter(state=OPEN, timing="overdue")
    due_soon = PetitionFilter(state=OPEN, timing="due_soon")
    n_overdue = overdue.apply(visible, day).count()
    n_soon = due_soon.apply(visible, day).count()
    return [
        Figure(n_overdue, ngettext("%(n)s đơn quá hạn giải quyết", "%(n)s đơn quá hạn giải quyết", n_overdue)
               % {"n": n_overdue}, list_url("petitions:petition_list", overdue)),
        Figure(n_soon, ngettext("%(n)s đơn sắp đến hạn", "%(n)s đơn sắp đến hạn", n_soon) % {"n": n_soon},
               list_url("petitions:petition_list", due_soon)),
    ]
