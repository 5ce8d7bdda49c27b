"""The indicators' part of the IOC alerts feed (`ioc.sections`): year targets that add up over the
year and are behind the pace of the days gone. (The indicator tiles and the map's indicator
colouring are still drawn by the IOC itself from `indicators.overview`.)"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from dieuhanh.indicators import compute, overview
from dieuhanh.indicators.models import Indicator, Target
from dieuhanh.ioc.alerts import Alert, start_of
from dieuhanh.ioc.sections import Section
from dieuhanh.org.models import AdminUnit


def alerts(user: Any, today: dt.date, limit: int) -> list[Alert]:
    """Year targets that add up over the year (sums, higher is better) whose figure so far is
    below the target's pro-rata share of the days gone. The crossing day is the day the share
    passed the figure."""
    # Entered year targets of the unit the overview shows (not the derived rates: no pace).
    year = today.year
    unit_id = overview.default_unit(user, year)
    if unit_id is None:
        return []
    targets = {
        t.indicator_id: float(t.value)
        for t in Target.objects.visible_to(user)
        .current()
        .filter(unit_id=unit_id, period_kind="year", year_from=year, year_to=year)
    }
    indicators = list(
        Indicator.objects.filter(
            pk__in=list(targets), active=True, kind="entered", aggregation="sum", direction="higher"
        )
    )
    if not indicators:
        return []
    table = compute.ActualTable(user, indicators, [year], unit_id=unit_id)
    unit_name = AdminUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
    tiles: list[dict[str, Any]] = [
        {
            "code": i.code,
            "name": i.name,
            "target": targets[i.id],
            "actual": table.value(i, unit_id, year),
            "url": overview.detail_url(i.code, year, unit_id),
        }
        for i in indicators
    ]
    tiles = [t for t in tiles if t["target"] and t["actual"] is not None]
    first = dt.date(today.year, 1, 1)
    year_days = (dt.date(today.year, 12, 31) - first).days + 1
    gone = (today - first).days + 1
    result = []
    for tile in tiles:
        target, actual = float(tile["target"]), float(tile["actual"])
        share = target * gone / year_days
        if actual >= share:
            continue
        # The share (target × day ÷ year_days) first exceeded the figure on this day of the year.
        crossed = first + dt.timedelta(days=max(0, math.floor(actual / target * year_days)))
        result.append(
            Alert(
                kind="target",
                severity="serious" if actual < share * 0.8 else "warning",
                when=start_of(min(crossed, today)),
                unit=unit_name,
                text=f"Chỉ tiêu “{tile['name']}” mới đạt {actual / target:.0%} kế hoạch năm "
                f"khi đã qua {gone / year_days:.0%} thời gian".replace(".", ","),
                url=tile["url"],
            )
        )
    return result[:limit]


SECTION = Section("indicators", "Chỉ tiêu", 5, "indicators", template="", alerts=alerts,
                  alert_kinds={"target": "Chỉ tiêu chậm tiến độ"})
