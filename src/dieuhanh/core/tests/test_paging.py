"""A list's page (core/paging.py): a first page that is not full counts its rows without a
COUNT query; any other page, and a full first page, count as Django's paginator does."""

from __future__ import annotations

from dieuhanh.core.paging import page_of
from dieuhanh.directives.models import Task


def _titles(page):
    return [t.title for t in page.object_list]


def test_a_short_first_page_is_the_whole_list_in_one_query(world, django_assert_num_queries):
    world.task(title="Một")
    world.task(title="Hai")
    with django_assert_num_queries(1):
        page = page_of(Task.objects.order_by("title"), None, 3)
        assert _titles(page) == ["Hai", "Một"]
        assert (page.paginator.count, page.paginator.num_pages, page.number, page.has_next()) == (2, 1, 1, False)
    with django_assert_num_queries(1):
        empty = page_of(Task.objects.filter(title="Không có").order_by("title"), "1", 3)
        assert (list(empty.object_list), empty.paginator.count, empty.number) == ([], 0, 1)


def test_a_full_first_page_and_the_others_count_the_list(world, django_assert_num_queries):
    for title in ("A", "B", "C"):
        world.task(title=title)
    rows = Task.objects.order_by("title")
    with django_assert_num_queries(2):
        first = page_of(rows, "", 2)
        assert _titles(first) == ["A", "B"] and first.paginator.count == 3 and first.has_next()
    assert _titles(page_of(rows, "2", 2)) == ["C"]
    assert page_of(rows, "9", 2).number == 2  # past the end: the last page
    assert page_of(rows, "abc", 2).number == 1
