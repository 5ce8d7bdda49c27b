"""API v1 for indicators: /api/v1/indicators.

- GET /api/v1/indicators?year=&unit=: the summary of a unit and year — the "n/m chỉ tiêu đạt và
  vượt" line and one tile per indicator (target, original target if adjusted, actual,
  achievement, ratio, year-on-year change), as `overview.summary` gives them;
- GET /api/v1/indicators/{code}?year=&unit=: the indicator's definition, its targets (every
  version, with the deciding document) for the unit, and its figures by ward/commune for the year.

Everything is read through `visible_to(request.user)` and the unit scope: a unit the caller may
not see answers 404; a year out of range answers 422 naming `year`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from dieuhanh.core import access
from dieuhanh.indicators import overview, services
from dieuhanh.indicators.models import Indicator, Target
from dieuhanh.lib.params import DbId

indicators_router = Router()


class SummaryQuery(Schema):
    year: int | None = None
    unit: DbId | None = None


class TileOut(Schema):
    code: str
    name: str
    measure: str
    group: str
    direction: str
    derived: bool
    target: float | None
    target_original: float | None
    actual: float | None
    achievement: str | None
    ratio: float | None
    yoy_percent: float | None
    url: str


class SummaryOut(Schema):
    year: int
    unit: int | None
    unit_name: str
    met: int
    total: int
    label: str
    tiles: list[TileOut]


class TargetOut(Schema):
    period_kind: str
    year_from: int
    year_to: int
    version: int
    value: float
    is_current: bool
    deciding_document: str
    decided_on: dt.date | None
    note: str


class UnitFigureOut(Schema):
    unit: int
    value: float


class IndicatorOut(Schema):
    code: str
    name: str
    measure: str
    direction: str
    aggregation: str
    weight_code: str
    kind: str
    derived_source: str
    group: str
    year: int
    unit: int | None
    targets: list[TargetOut]
    by_unit: list[UnitFigureOut]


def _checked(request: HttpRequest, query: SummaryQuery) -> tuple[int, int | None]:
    today = timezone.localdate()
    year = query.year or today.year
    if not services.FIRST_YEAR <= year <= today.year + 10:
        raise ValidationError({"year": [f"Năm không hợp lệ: {year} (từ {services.FIRST_YEAR} đến {today.year + 10})."]})
    if query.unit is not None and not access.may(request.user, "indicators", "view", query.unit):
        raise Http404
    return year, query.unit


@indicators_router.get("", response=SummaryOut, summary="Chỉ tiêu của một đơn vị trong năm: kế hoạch, thực hiện, đánh giá")
def indicator_summary(request: HttpRequest, query: Query[SummaryQuery]) -> dict[str, Any]:
    year, unit = _checked(request, query)
    s = overview.summary(request.user, unit=unit, year=year)
    return {"year": s.year, "unit": s.unit_id, "unit_name": s.unit_name, "met": s.met, "total": s.total,
            "label": s.label, "tiles": s.tiles}


@indicators_router.get("/{code}", response=IndicatorOut, summary="Một chỉ tiêu: định nghĩa, các lần giao, số liệu theo xã, phường")
def indicator_detail(request: HttpRequest, code: str, query: Query[SummaryQuery]) -> dict[str, Any]:
    year, unit = _checked(request, query)
    ind = Indicator.objects.filter(code=code.upper()).first()
    if ind is None:
        raise Http404
    unit = unit if unit is not None else overview.default_unit(request.user, year)
    targets = (
        Target.objects.visible_to(request.user).filter(indicator=ind, unit_id=unit)
        .order_by("period_kind", "year_from", "year_to", "version")
        if unit is not None else Target.objects.none()
    )
    figures = overview.by_unit(request.user, ind.code, year, unit=unit)
    return {
        "code": ind.code, "name": ind.name, "measure": ind.measure, "direction": ind.direction,
        "aggregation": ind.aggregation, "weight_code": ind.weight_code, "kind": ind.kind,
        "derived_source": ind.derived_source, "group": ind.group, "year": year, "unit": unit,
        "targets": [{**{f: getattr(t, f) for f in ("period_kind", "year_from", "year_to", "version", "is_current",
                                                  "deciding_document", "decided_on", "note")},
                     "value": float(t.value)} for t in targets],
        "by_unit": [{"unit": u, "value": v} for u, v in sorted(figures.items())],
    }
