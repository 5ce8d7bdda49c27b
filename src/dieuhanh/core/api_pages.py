"""One pagination for every API list: `?page=` (from 1; after the last page an empty list) and
`?page_size=` (1 to 200, 50 by default), answered as `{count, page, page_size, results}`.

A list's query schema derives from `PageQuery`; its answer is `Page[ItemOut]`; the endpoint returns
`page_of(queryset, query, serialise)` (or `page_of_rows` with a serialiser of the whole page).

A list that many clients read all day (the task list: the load benchmark's mix) returns
`answer(page_of_rows(...))`: the page written as JSON by orjson as it stands, rather than
validated again by django-ninja against its schema and written by the standard library's
encoder, which cost most of the request (decision 48). Its serialiser must then build exactly
the documented answer; `assert_answers_its_schema` in its tests checks that it does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
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


_ENCODER = DjangoJSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    """What orjson hands back: a date as its ISO form, a datetime, a Decimal, a lazy text… as
    django-ninja's encoder (Django's) writes them, so that an answer reads the same either way."""
    if type(value) is dt.date:
        return value.isoformat()
    return _ENCODER.default(value)


def answer(payload: Any, status: int = 200) -> HttpResponse:
    """`payload`, built in the shape of the endpoint's documented answer, as the endpoint's JSON
    (the content type django-ninja gives), without validating it again."""
    return HttpResponse(orjson.dumps(payload, default=_default, option=_OPTIONS), status=status,
                        content_type="application/json; charset=utf-8")


def assert_answers_its_schema(content: bytes, schema: type[BaseModel]) -> Any:
    """For tests of an endpoint that returns `answer(...)`: its JSON is exactly what the schema
    makes of it (no field missing, none more, none of another type), and what django-ninja's own
    path would have written. Returns the parsed answer."""
    import json

    from ninja.responses import NinjaJSONEncoder

    parsed = json.loads(content)
    validated = schema.model_validate(parsed).model_dump(by_alias=True)
    assert parsed == json.loads(json.dumps(validated, cls=NinjaJSONEncoder)), "the answer is not its schema's"
    return parsed
