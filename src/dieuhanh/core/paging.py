"""A list's page of rows (Django's `Paginator`), without the COUNT query when the first page is
not full: then its rows are the whole list and say how many there are. A ward officer's lists
mostly fit on one page, and the count cost a second compile and run of the list's query."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator


def page_of(rows: Any, number: Any, per_page: int) -> Page:
    """The page `number` (the `page` parameter as given; a bad one gives the first or the last
    page, as `Paginator.get_page` does) of the ordered queryset `rows`."""
    paginator = Paginator(rows, per_page)
    if number not in (None, "", "1", 1):
        return paginator.get_page(number)
    first = list(rows[:per_page])
    if len(first) < per_page:
        paginator.count = len(first)  # type: ignore[misc]  # a cached_property: the count is known
    return Page(first, 1, paginator)
