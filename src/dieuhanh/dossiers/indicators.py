"""The derived indicators counted from the one-stop dossiers (`indicators.derived`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy

from dieuhanh.core import access
from dieuhanh.core.http import AnyUser
from dieuhanh.dossiers import tally
from dieuhanh.dossiers.stats import ONLINE_BIT
from dieuhanh.indicators.derived import Counts, DerivedIndicator


def _counts(user: AnyUser, years: list[int], online: bool) -> Counts:
    """From the dossier tally (dossiers/tally.py): the dossiers received in the years by the
    units in the user's scope, counted by receiving unit, without reading a dossier."""
    units = access.units(user, "dossiers", "view")
    out: Counts = {}
    for y in years:
        for _month, unit_id, cls, n in tally.counts(dt.date(y, 1, 1), dt.date(y, 12, 31), units):
            key = (unit_id, y)
            num, den = out.get(key, (0, 0))
            if online:
                out[key] = (num + (n if cls & ONLINE_BIT else 0), den + n)
            elif cls & 3:  # with a result: 1 early, 2 on time, 3 late
                out[key] = (num + (n if cls & 3 < 3 else 0), den + n)
    return out


def on_time_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    return _counts(user, years, online=False)


def online_share(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    return _counts(user, years, online=True)


DERIVED = (
    DerivedIndicator("dossier_on_time_rate", gettext_lazy("Tỷ lệ hồ sơ giải quyết đúng hạn"), "dieuhanh.dossiers.indicators.on_time_rate"),
    DerivedIndicator("dossier_online_share", gettext_lazy("Tỷ lệ hồ sơ nộp trực tuyến"), "dieuhanh.dossiers.indicators.online_share"),
)
