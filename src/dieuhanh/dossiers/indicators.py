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
    """(on-time counts, online counts) from the dossier tally (dossiers/tally.py): the dossiers
    received in the years by the units in the user's scope, by receiving unit, summed in SQL over
    each year's months (some hundreds of rows for a province, not one per month and class), without
    reading a dossier. Both indicators come from the same sums, made once for a `memo`."""
    key = f"dossiers:{','.join(map(str, sorted(set(years))))}"
    if key in memo:
        found: tuple[Counts, Counts] = memo[key]
        return found
    units = access.units(user, "dossiers", "view")
    on_time: Counts = {}
    online: Counts = {}
    for year in sorted(set(years)):
        for unit_id, cls, n in tally.sums(dt.date(year, 1, 1), dt.date(year, 12, 31), units, mask=3 | ONLINE_BIT):
            num, den = online.get((unit_id, year), (0, 0))
            online[(unit_id, year)] = (num + (n if cls & ONLINE_BIT else 0), den + n)
            if cls & 3:  # with a result: 1 early, 2 on time, 3 late
                num, den = on_time.get((unit_id, year), (0, 0))
                on_time[(unit_id, year)] = (num + (n if cls & 3 < 3 else 0), den + n)
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
