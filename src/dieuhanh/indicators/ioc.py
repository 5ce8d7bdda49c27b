"""The indicators' section of the IOC (`ioc.sections`): the tiles of the year's targets and derived
figures at the top of the screen, the map coloured by the indicator every ward has a figure for,
the Excel table of the tiles, and the year targets behind the pace of the days gone in the alerts
feed."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core.http import AnyUser
from dieuhanh.indicators import compute, overview
from dieuhanh.indicators.models import Indicator, Target
from dieuhanh.ioc.alerts import Alert, start_of
from dieuhanh.ioc.sections import IocContext, Metric, Section, Table
from dieuhanh.org.models import AdminUnit

TILES_SHOWN = 16  # one screen: the first tiles (the targets first); every indicator is on /chi-tieu/


def alerts(user: AnyUser, today: dt.date, limit: int) -> list[Alert]:
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
                text=gettext("Chỉ tiêu “%(name)s” mới đạt %(value)s kế hoạch năm khi đã qua %(value2)s thời gian") % {"name": tile['name'], "value": format(actual / target, ".0%"), "value2": format(gone / year_days, ".0%")},
                url=tile["url"],
            )
        )
    return result[:limit]


def section(user: AnyUser, ctx: IocContext) -> dict[str, Any]:
    period = ctx.period
    memo: dict[str, Any] = {}  # the derived indicators counted once for the tiles and the map
    summary = overview.summary(user, unit=period.unit, year=period.year, today=period.today, memo=memo)
    # The tiles the "met/total" line counts come first, so the card shows every one of them.
    tiles = sorted(summary.tiles or [], key=lambda t: not t.get("counted"))
    # The map: the indicator the summary proposes (one every ward has a figure for: a derived
    # one; the socio-economic targets are set for the city as a whole), else the first tile.
    code = summary.map_code or (tiles[0].get("code", "") if tiles else "")
    label = ""
    if code:
        ctx.put(dict(overview.by_unit(user, code, period.year, unit=period.unit, today=period.today, memo=memo)),
                "indicator")
        tile = next((t for t in tiles if t.get("code") == code), tiles[0] if tiles else {})
        label = f"{tile.get('name', code)} ({tile.get('measure', '')})"
    query = {"nam": period.year, **({"don_vi": summary.unit_id} if summary.unit_id else {})}
    return {
        "summary": summary,
        "all_tiles": tiles,
        "tiles": tiles[:TILES_SHOWN],
        "tiles_total": len(tiles),
        "tiles_url": reverse("indicator_list") + "?" + urlencode(query),
        "summary_url": summary.counted_url(reverse("indicator_list")),
        "map_label": label,
    }


def _tiles_table(result: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    tiles = result.get("all_tiles") or []
    rows = [
        [
            t.get("code"),
            t.get("name"),
            t.get("measure"),
            t.get("target"),
            t.get("target_original"),
            t.get("actual"),
            str(t.get("achievement") or ""),
            t.get("yoy_percent"),
        ]
        for t in tiles
    ]
    return (
        gettext("Chỉ tiêu"),
        [
            gettext("Mã"),
            gettext("Chỉ tiêu"),
            gettext("Đơn vị tính"),
            gettext("Kế hoạch"),
            gettext("Kế hoạch ban đầu"),
            gettext("Thực hiện"),
            gettext("Đánh giá"),
            gettext("So cùng kỳ (%)"),
        ],
        rows,
    )


SECTION = Section(
    "indicators", gettext_lazy("Chỉ tiêu kinh tế – xã hội"), 5, "indicators", section, "indicators/_ioc_tiles.html", wide=True,
    metrics=(Metric("indicator", gettext_lazy("Chỉ tiêu"), lambda f: f.get("indicator"), higher_is_better=True, in_table=False,
                    label_from="map_label"),),
    tables=(Table("tiles", "chi-tieu", "chi-tieu", _tiles_table),),
    alerts=alerts, alert_kinds={"target": gettext_lazy("Chỉ tiêu chậm tiến độ")},
)
