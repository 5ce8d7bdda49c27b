"""A reading request reads the stamps of the unit tree and the announced calendar days once
(core/requestmemo.py, core/generations.py) and the data behind them only when a stamp moved, and
still sees every change: one made during the request through the models, and one made outside
it (another process) at the next request."""

import datetime as dt

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from dieuhanh.core import calendar, requestmemo
from dieuhanh.core.choices import CalendarExceptionKind
from dieuhanh.core.logs import RequestIdMiddleware
from dieuhanh.core.models import CalendarException
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit
from dieuhanh.testing import signed_in

STAMP = "FROM core_generation"
UNITS = 'FROM "org_adminunit"'
DAYS = 'FROM "core_calendarexception"'
# A Saturday no calendar announces: a day off unless declared worked.
SATURDAY = dt.date(2031, 3, 8)


def _count(queries, needle):
    return sum(needle in q["sql"] for q in queries)


def test_a_list_page_reads_the_unit_stamp_and_the_calendar_once(world):
    world.task()
    client = signed_in(world.office)
    client.get("/nhiem-vu/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/nhiem-vu/").status_code == 200
    assert _count(queries.captured_queries, STAMP) == 1
    # nothing changed since the first page: the tree and the days are the process's
    assert _count(queries.captured_queries, DAYS) == 0
    assert not any(q["sql"].startswith('SELECT "org_adminunit"."id", "org_adminunit"."parent_id"')
                   for q in queries.captured_queries)


def test_outside_a_request_each_use_reads_the_stamps(world):
    calendar.current()
    scope.unit_graph()
    with CaptureQueriesContext(connection) as queries:
        calendar.current()
        calendar.current()
        scope.unit_graph()
        scope.unit_graph()
    assert _count(queries.captured_queries, STAMP) == 4
    assert _count(queries.captured_queries, DAYS) == 0 and _count(queries.captured_queries, UNITS) == 0


def _insert_day_as_another_process(day, kind):
    # bulk_create sends no signal: what a change made by another process looks like to this one.
    CalendarException.objects.bulk_create([CalendarException(date=day, kind=kind, document_number="01/TB-TEST")])


def test_a_day_announced_elsewhere_shows_at_the_next_request(world):
    with requestmemo.kept():
        assert not calendar.is_working_day(SATURDAY)
        _insert_day_as_another_process(SATURDAY, CalendarExceptionKind.WORKING_DAY)
        assert not calendar.is_working_day(SATURDAY)  # the request keeps what it read
    with requestmemo.kept():
        assert calendar.is_working_day(SATURDAY)  # the next request reads it


def test_a_day_saved_during_the_request_shows_at_once(world):
    with requestmemo.kept():
        assert not calendar.is_working_day(SATURDAY)
        CalendarException.objects.create(date=SATURDAY, kind=CalendarExceptionKind.WORKING_DAY)
        assert calendar.is_working_day(SATURDAY)
        CalendarException.objects.filter(date=SATURDAY).delete()
        assert not calendar.is_working_day(SATURDAY)


def test_a_unit_saved_during_the_request_is_in_the_tree_at_once(world):
    with requestmemo.kept():
        scope.unit_graph()
        hamlet = AdminUnit.objects.create(
            code="99999", name="Phường Mới", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=world.province
        )
        assert hamlet.pk in scope.unit_graph().children[world.province.pk]
        assert hamlet.pk in scope.expand_units([world.province.pk])


def test_only_a_reading_request_keeps_what_it_read():
    seen = {}

    def view(request):
        seen[request.method] = requestmemo._memo.get()
        return HttpResponse()

    middleware = RequestIdMiddleware(view)  # the first middleware starts and ends the memo
    factory = RequestFactory()
    middleware(factory.get("/"))
    middleware(factory.post("/"))
    assert seen["GET"] == {} and seen["POST"] is None
    assert requestmemo._memo.get() is None  # nothing is kept after the request
