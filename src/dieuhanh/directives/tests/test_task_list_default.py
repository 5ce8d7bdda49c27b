"""The task list opens on what needs attention: the open tasks, overdue first, then due soon,
then the others by due date — not on 2021's finished tasks — and the user can still see all."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.directives.models import Task
from dieuhanh.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world):
    today = timezone.localdate()

    def task(title, due, **dates):
        t = world.task(title=title)
        Task.objects.filter(pk=t.pk).update(due_date=due, **dates)
        return t

    return {
        "done_2021": task("Hoàn thành năm 2021", dt.date(2021, 3, 1), assigned_on=dt.date(2021, 1, 5),
                          completed_on=dt.date(2021, 2, 20)),
        "cancelled": task("Đã huỷ", dt.date(2021, 4, 1), assigned_on=dt.date(2021, 1, 5), cancelled_on=dt.date(2021, 2, 1)),
        "later": task("Còn xa hạn", today + dt.timedelta(days=90)),
        "overdue": task("Quá hạn từ lâu", today - dt.timedelta(days=40), assigned_on=today - dt.timedelta(days=100)),
        "soon": task("Sắp đến hạn", today + dt.timedelta(days=1)),
        "overdue_recent": task("Quá hạn mới", today - dt.timedelta(days=2), assigned_on=today - dt.timedelta(days=100)),
    }


def _codes(html: str) -> list[str]:
    return re.findall(r'<a class="code" href="/nhiem-vu/\d+/">([^<]+)</a>', html)


def test_the_list_opens_on_open_tasks_overdue_and_due_soon_first(world, tasks):
    html = signed_in(world.office).get("/nhiem-vu/").content.decode()
    expected = [tasks[k].code for k in ("overdue", "overdue_recent", "soon", "later")]
    assert _codes(html) == expected
    assert re.search(r'<option value="open" selected>', html)  # the filter says what is shown


def test_choosing_all_shows_every_task_and_a_link_naming_a_filter_is_not_narrowed(world, tasks):
    client = signed_in(world.office)
    everything = _codes(client.get("/nhiem-vu/", {"q": "", "status": ""}).content.decode())
    assert set(everything) == {t.code for t in tasks.values()}
    assert everything[-2:] == [tasks["done_2021"].code, tasks["cancelled"].code]  # finished ones last
    by_document = _codes(client.get("/nhiem-vu/", {"document": world.resolution.pk}).content.decode())
    assert tasks["done_2021"].code in by_document
    by_due = _codes(client.get("/nhiem-vu/", {"sort": "due", "status": ""}).content.decode())
    assert by_due[0] == tasks["done_2021"].code


def test_the_export_of_the_opened_list_holds_its_rows_and_the_api_is_unchanged(world, tasks):
    from dieuhanh.testing import bearer

    client = signed_in(world.office)
    xlsx = client.get("/nhiem-vu/xuat-excel/")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {tasks[k].code for k in ("overdue", "overdue_recent", "soon", "later")}
    api = bearer(world.office).get("/api/v1/tasks").json()
    assert api["count"] == len(tasks)


def test_every_status_in_attention_order_and_the_rank_written_once(world, tasks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    late = world.task(title="Hoàn thành quá hạn")
    Task.objects.filter(pk=late.pk).update(due_date=dt.date(2021, 3, 1), assigned_on=dt.date(2021, 1, 5),
                                           completed_on=dt.date(2021, 3, 9))
    client = signed_in(world.office)
    with CaptureQueriesContext(connection) as queries:
        codes = _codes(client.get("/nhiem-vu/", {"status": ""}).content.decode())
    order = [tasks[k].code for k in ("overdue", "overdue_recent", "soon", "later", "done_2021")]
    assert [c for c in codes if c in order] == order
    assert codes[-2:] == [late.code, tasks["cancelled"].code]  # done late, then cancelled, last
    rows = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "directives_task"."id"'))
    # the status in the rows and the rank in the order, once each: not a copy of the status per rank
    assert rows.count("'cancelled'") == 1 and rows.count("THEN 5") == 1
