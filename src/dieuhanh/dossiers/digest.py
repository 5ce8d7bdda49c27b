"""The one-stop figures of the daily digest (notifications/digest.py): open dossiers past their
appointment date and those due soon, counted through `Dossier.objects.visible_to(user)` and the
dossier list's filter (what the figure's link lists)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import ngettext

from dieuhanh.core import access
from dieuhanh.dossiers.filters import DUE_SOON, LATE_NOW, DossierFilter
from dieuhanh.dossiers.models import Dossier
from dieuhanh.notifications.digest import Figure, list_url


def figures(user: Any, day: dt.date) -> list[Figure]:
    if not access.holds(user, "dossiers", "view"):
        return []
    visible = Dossier.objects.visible_to(user)
    late = DossierFilter(status=LATE_NOW)
    soon = DossierFilter(status=DUE_SOON)
    n_late = late.apply(visible, day).count()
    n_soon = soon.apply(visible, day).count()
    return [
        Figure(n_late, ngettext("%(n)s hồ sơ trễ hẹn", "%(n)s hồ sơ trễ hẹn", n_late) % {"n": n_late},
               list_url("dossier_list", late)),
        Figure(n_soon, ngettext("%(n)s hồ sơ sắp đến hẹn", "%(n)s hồ sơ sắp đến hẹn", n_soon) % {"n": n_soon},
               list_url("dossier_list", soon)),
    ]
