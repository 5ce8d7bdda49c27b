"""One pagination for every API list: `?page=` (from 1; after the last page an empty list) and
`?page_size=` (1 to 200, 50 by default), answered as `{count, page, page_size, results}`.

A list's query schema derives from `PageQuery`; its answer is `Page[ItemOut]`; the endpoint returns
`page_of(queryset, query, serialise)` (or `page_of_rows` with a serialiser of the whole page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import BaseModel, Field

from dieuhanh.lib.params import PageNumber

MAX_PAGE_SIZE = 200
T = TypeVar("T")


class PageQuery(Schema):
    page: PageNumber = Field(1, description="Trang; sau trang cuối: danh sách rỗng")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"Số dòng một trang (1–{MAX_PAGE_SIZE})")


class Page(BaseModel, Generic[T]):
    count: int
    page: int
    page_size: int
    results: list[T]


def filters_of(query: PageQuery) -> dict[str, Any]:
    """The query's filter values (the page and its size left out)."""
    return query.model_dump(exclude={"page", "page_size"})


def page_of(qs: Any, query: PageQuery, serialise: Callable[[Any], Any]) -> dict[str, Any]:
    return page_of_rows(qs, query, lambda rows: [serialise(row) for row in rows])


def page_of_rows(qs: Any, query: PageQuery, serialise_rows: Callable[[Any], list[Any]]) -> dict[str, Any]:
    """`page_of` for a serialiser that takes the page's slice of `qs` whole (and reads what the
    rows need in one query each, not one a row)."""
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": serialise_rows(qs[start : start + query.page_size]),
    }
