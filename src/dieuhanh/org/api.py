"""API v1 for administrative units: the units the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from dieuhanh.lib.params import DbId, PageNumber
from dieuhanh.lib.text import fold
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit

units_router = Router()


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    kind: str
    parent: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    latitude: float | None
    longitude: float | None
    successors: list[int]


class UnitQuery(Schema):
    level: UnitLevel | None = None
    parent: DbId | None = None
    on: dt.date | None = Field(None, description="Chỉ các đơn vị có hiệu lực vào ngày này")
    current: bool = Field(False, description="Chỉ các đơn vị đang có hiệu lực")
    q: str | None = None
    page: PageNumber = Field(1, description="Trang; sau trang cuối: danh sách rỗng")
    page_size: int = Field(100, ge=1, le=500)


class UnitPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[UnitOut]


@units_router.get("", response=UnitPage, summary="Đơn vị hành chính trong phạm vi của người dùng")
def list_units(request: HttpRequest, query: Query[UnitQuery]) -> dict[str, Any]:
    units = scope.unit_scope(request.user)
    qs = AdminUnit.objects.all() if units is scope.ALL else AdminUnit.objects.filter(id__in=units)
    if query.level:
        qs = qs.filter(level=query.level)
    if query.parent is not None:
        qs = qs.filter(parent_id=query.parent)
    if query.on:
        qs = qs.valid_on(query.on)
    if query.current:
        qs = qs.filter(valid_to__isnull=True)
    for word in fold(query.q).split():
        qs = qs.filter(Q(search_text__contains=word))
    qs = qs.order_by("code", "valid_from")
    start = (query.page - 1) * query.page_size
    page = list(qs[start : start + query.page_size].prefetch_related("successions"))
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [
            {
                "id": u.pk,
                "code": u.code,
                "name": u.name,
                "level": u.level,
                "kind": u.kind,
                "parent": u.parent_id,
                "valid_from": u.valid_from,
                "valid_to": u.valid_to,
                "latitude": u.latitude,
                "longitude": u.longitude,
                "successors": [s.successor_id for s in u.successions.all()],
            }
            for u in page
        ],
    }
