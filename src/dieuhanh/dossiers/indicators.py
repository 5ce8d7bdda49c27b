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


def _counts(user: AnyUser, years: list[int], memo: dict[str, Any]) -> tuple[Counts, Counts]:
    """(on-time counts, online counts) from the dossier tally (dossiers/tally.py), in one read
    over the years: the dossiers received in the years by the units in the user's scope, counted
    by receiving unit, without reading a dossier. Kept in `memo` for the other indicator."""
    key = f"dossiers:{','.join(map(str, sorted(set(years))))}"
    if key in memo:
        found: tuple[Counts, Counts] = memo[key]
        return found
    units = access.units(user, "dossiers", "view")
    on_time: Counts = {}
    online: Counts = {}
    for month, unit_id, cls, n in tally.counts(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31), units):
        if month.year not in years:
            continue
        key_ = (unit_id, month.year)
        num, den = online.get(key_, (0, 0))
        online[key_] = (num + (n if cls & ONLINE_BIT else 0), den + n)
        if cls & 3:  # with a result: 1 early, 2 on time, 3 late
            num, den = on_time.get(key_, (0, 0))
            on_time[key_] = (num + (n if cls & 3 < 3 else 0), den + n)
    memo[key] = (on_time, online)
    return on_time, online


def on_time_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    return _counts(user, years, memo)[0]


def online_share(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    return _counts(user, years, memo)[1]


DERIVED = (
    DerivedIndicator("dossier_on_time_rate", gettext_lazy("Tỷ lệ hồ sơ giải quyết đúng hạn"), "dieuhanh.dossiers.indicators.on_time_rate"),
    DerivedIndicator("dossier_online_share", gettext_lazy("Tỷ lệ hồ sơ nộp trực tuyến"), "dieuhanh.dossiers.indicators.online_share"),
)
