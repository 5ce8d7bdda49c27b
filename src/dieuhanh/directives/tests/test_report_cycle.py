"""The reporting cycle of tasks (directives/cycle.py, data/report_cycle.yaml): periods and their
report days on the working-day calendar, which tasks miss their report, the flag to their unit
once per period, the task's page, the list, the office's page, the export and the API."""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.core.models import AuditEvent
from dieuhanh.directives import cycle
from dieuhanh.directives.models import Task
from dieuhanh.directives.services import do_close_task, do_report_progress
from dieuhanh.directives.tests.helpers import task_post, xlsx_rows
from dieuhanh.notifications.models import Notification
from dieuhanh.testing import bearer, post_json, signed_in

D = dt.date
WEEKLY, MONTHLY = "weekly", "monthly"

# --- periods on the calendar ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "day", "start", "end", "due", "code"),
    [
        # An ordinary week: due on its Friday.
        (WEEKLY, D(2026, 3, 11), D(2026, 3, 9), D(2026, 3, 15), D(2026, 3, 13), "2026-W11"),
        # Hùng Kings' day given on Monday 27/4, then 30/4 and 1/5: only Tuesday and Wednesday work.
        (WEEKLY, D(2026, 4, 30), D(2026, 4, 27), D(2026, 5, 3), D(2026, 4, 29), "2026-W18"),
        # National Day 2026 (31/8–2/9 off): the week is due on Friday 4/9.
        (WEEKLY, D(2026, 9, 1), D(2026, 8, 31), D(2026, 9, 6), D(2026, 9, 4), "2026-W36"),
        # Tết 2026: no working day from 16 to 22/2, so that week owes no report.
        (WEEKLY, D(2026, 2, 18), D(2026, 2, 16), D(2026, 2, 22), None, "2026-W08"),
        # April 2026 ends on a holiday (30/4): due on the 29th.
        (MONTHLY, D(2026, 4, 2), D(2026, 4, 1), D(2026, 4, 30), D(2026, 4, 29), "2026-04"),
        # August 2026 ends on Monday 31/8, a day off: due on Friday 28/8.
        (MONTHLY, D(2026, 8, 31), D(2026, 8, 1), D(2026, 8, 31), D(2026, 8, 28), "2026-08"),
        # A week across two years takes its ISO week number; 1 and 2/1/2026 were given off.
        (WEEKLY, D(2026, 1, 1), D(2025, 12, 29), D(2026, 1, 4), D(2025, 12, 31), "2026-W01"),
    ],
)
def test_it_places_a_day_in_its_period_and_the_report_day_on_the_calendar(db, cadence, day, start, end, due, code):
    period = cycle.period_of(cadence, day)
    assert (period.start, period.end, period.due, period.code) == (start, end, due, code)
    assert cycle.from_code(code) == period


def test_it_flags_the_latest_period_whose_day_has_passed_skipping_a_week_without_work(db):
    # Monday 23/2/2026: this week is not due yet, Tết week owed nothing, so the week of 9/2.
    assert cycle.last_due(WEEKLY, D(2026, 2, 23)).start == D(2026, 2, 9)
    # Thursday 30/4/2026, the day after the week's report day: this week.
    assert cycle.last_due(WEEKLY, D(2026, 4, 30)).start == D(2026, 4, 27)
    assert cycle.last_due(MONTHLY, D(2026, 5, 4)).code == "2026-04"


@pytest.mark.parametrize("code", ["", "2026", "2026-13", "2026-W60", "abc-W1", "2026-W"])
def test_it_reads_no_period_from_a_bad_code(db, code):
    assert cycle.from_code(code) is None


def test_the_rules_come_from_the_data_file():
    assert cycle.counted_kinds(WEEKLY) == ("weekly", "monthly")
    assert cycle.counted_kinds(MONTHLY) == ("monthly",)


# --- which tasks miss their report -------------------------------------------------------------

ASSIGNED = D(2026, 3, 2)
IN_WEEK = D(2026, 4, 28)  # Tuesday of the week of 27/4/2026, due 29/4


def _task(world, title, cadence=WEEKLY, **kw):
    fields = {"assigned_on": ASSIGNED, "due_date": D(2026, 12, 31), "report_cadence": cadence}
    fields.update(kw)
    return world.task(title=title, **fields)


def _report(world, task, period, on=IN_WEEK):
    return do_report_progress(
        actor=world.officer_a, task=task, period=period, percent=40, content="Đã kiểm đếm 40% diện tích", reported_on=on
    )


@pytest.fixture
def week_tasks(world):
    tasks = {
        "sent": _task(world, "Báo cáo tuần đủ"),
        "silent": _task(world, "Chưa báo cáo tuần"),
        "urgent_only": _task(world, "Chỉ có báo cáo đột xuất"),
        "monthly_report": _task(world, "Có báo cáo tháng trong tuần"),
        "new": _task(world, "Giao trong tuần", assigned_on=IN_WEEK),
        "closed": _task(world, "Đã hoàn thành"),
        "no_cadence": _task(world, "Không báo cáo định kỳ", cadence="none"),
        "monthly_silent": _task(world, "Báo cáo tháng chưa gửi", cadence=MONTHLY),
        "ward_b": _task(world, "Phường B chưa báo cáo", lead_unit=world.ward_b, lead_person=world.officer_b_person),
    }
    _report(world, tasks["sent"], "weekly")
    _report(world, tasks["urgent_only"], "urgent")
    _report(world, tasks["monthly_report"], "monthly")
    do_close_task(actor=world.office, task=tasks["closed"], completed_on=D(2026, 4, 20), result_summary="Xong",
                  evaluation="good")
    return tasks


def test_it_finds_the_tasks_that_owe_this_periods_report_and_have_not_sent_it(world, week_tasks):
    missing = set(cycle.missing(Task.objects.all(), D(2026, 4, 29)).values_list("title", flat=True))
    assert missing == {
        "Chưa báo cáo tuần", "Chỉ có báo cáo đột xuất", "Báo cáo tháng chưa gửi", "Phường B chưa báo cáo",
    }


def test_a_task_completed_after_the_period_still_owed_it(world, week_tasks):
    task = week_tasks["silent"]
    do_close_task(actor=world.office, task=task, completed_on=D(2026, 5, 6), result_summary="Xong", evaluation="good")
    assert cycle.missing(Task.objects.filter(pk=task.pk), D(2026, 4, 29)).exists()
    assert not cycle.missing(Task.objects.filter(pk=task.pk), D(2026, 5, 20)).exists()


@pytest.mark.parametrize("day", [D(2026, 4, 29), D(2026, 4, 30), D(2026, 5, 6), D(2026, 5, 20), D(2026, 2, 18), IN_WEEK])
def test_a_pages_rows_read_the_same_missing_reports_as_the_query(world, week_tasks, day):
    # The list's badges (`missing_among`, from the loaded rows) and the filter (`missing`, in SQL)
    # say the same, across weeks, months, Tết's week without work, and a task completed, then
    # another cancelled, after the week.
    from dieuhanh.directives.services import do_cancel_task

    do_close_task(actor=world.office, task=week_tasks["silent"], completed_on=D(2026, 5, 6), result_summary="Xong",
                  evaluation="good")
    late_cancel = _task(world, "Huỷ sau kỳ", cadence=MONTHLY)
    do_cancel_task(actor=world.office, task=late_cancel, reason="Không còn cần", deciding_document=world.resolution,
                   cancelled_on=D(2026, 5, 4))
    expected = set(cycle.missing(Task.objects.all(), day).values_list("pk", flat=True))
    assert cycle.missing_among(list(Task.objects.all()), day) == expected
    assert expected or day == D(2026, 2, 18)  # the days asked about do owe something


def test_the_unit_is_told_once_per_task_and_period(world, week_tasks):
    added = cycle.flag_missing_reports(D(2026, 4, 30))
    rows = Notification.objects.filter(rule="report.missing")
    task = week_tasks["silent"]
    mine = rows.filter(key=f"report.missing:{task.pk}:2026-W18")
    # Ward A's officers (the lead person is one of them): not the city's office, not ward B.
    assert set(mine.values_list("recipient__username", flat=True)) == {"phuong_a", "phuong_a2"}
    assert set(rows.filter(object_id=week_tasks["ward_b"].pk).values_list("recipient__username", flat=True)) == {"phuong_b"}
    assert not rows.filter(object_id__in=[week_tasks[k].pk for k in ("sent", "new", "closed", "no_cadence")]).exists()
    assert "29/04/2026" in mine.first().body
    assert cycle.flag_missing_reports(D(2026, 4, 30)) == 0
    assert cycle.flag_missing_reports(D(2026, 5, 2)) == 0  # the same week, the next day
    assert added == rows.count()
    # April's monthly report was due on 29/4 too: the monthly task is flagged for April, once.
    assert rows.filter(key=f"report.missing:{week_tasks['monthly_silent'].pk}:2026-04").count() == 2


def test_the_flag_waits_for_the_report_day(world, week_tasks):
    # Wednesday 29/4 is the week's report day itself: the week before is the one flagged, and
    # these tasks did not owe it yet (March's tasks owed it, but they were not there: assigned 2/3).
    cycle.flag_missing_reports(D(2026, 4, 29))
    assert not Notification.objects.filter(key__endswith=":2026-W18").exists()


# --- pages ----------------------------------------------------------------------------------------


def test_the_form_gives_a_task_its_cadence_and_the_page_changes_it(world):
    client = signed_in(world.office)
    response = client.post("/nhiem-vu/giao/", task_post(world, report_cadence="weekly"))
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.report_cadence == "weekly"
    page = client.get(f"/nhiem-vu/{task.pk}/")
    assert 'data-report-state="free"' in page.content.decode()  # given this week: it reports from the next
    events = AuditEvent.objects.count()
    response = client.post(f"/nhiem-vu/{task.pk}/che-do-bao-cao/", {"report_cadence": "monthly"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.report_cadence == "monthly" and AuditEvent.objects.count() == events + 1
    bad = client.post(f"/nhiem-vu/{task.pk}/che-do-bao-cao/", {"report_cadence": "daily"})
    assert bad.status_code == 200 and "Chế độ báo cáo định kỳ phải là một trong" in bad.content.decode()
    assert signed_in(world.officer_a).post(f"/nhiem-vu/{task.pk}/che-do-bao-cao/", {"report_cadence": "none"}).status_code == 403


def test_the_task_page_and_list_show_a_missing_report(world):
    task = world.task(assigned_on=dt.date.today() - dt.timedelta(days=70), report_cadence="monthly")
    client = signed_in(world.officer_a)
    assert 'data-report-state="missing"' in client.get(f"/nhiem-vu/{task.pk}/").content.decode() or (
        'data-report-state="late"' in client.get(f"/nhiem-vu/{task.pk}/").content.decode()
    )
    listed = client.get("/nhiem-vu/?missing_report=1").content.decode()
    assert task.code in listed and "data-missing-report" in listed
    _report(world, task, "monthly", on=dt.date.today())
    assert 'data-report-state="sent"' in client.get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert task.code not in client.get("/nhiem-vu/?missing_report=1").content.decode()


def test_the_lists_badges_are_the_rows_that_miss_their_report_in_few_queries(world, django_assert_max_num_queries):
    # Tasks given 70 days ago owe this month's report (or last week's): the list marks those that
    # have not sent it, and reading which ones costs the same few queries for 3 rows as for 30.
    long_ago = dt.date.today() - dt.timedelta(days=70)
    client = signed_in(world.office)

    def tasks(n, start):
        made = [world.task(title=f"Việc {start + i}", assigned_on=long_ago, report_cadence=(WEEKLY, MONTHLY)[i % 2])
                for i in range(n)]
        for task in made[::3]:
            _report(world, task, "monthly", on=dt.date.today())
        return made

    def listed():
        with django_assert_max_num_queries(40) as queries:
            page = client.get("/nhiem-vu/").content.decode()
        return page, len(queries.captured_queries)

    made = tasks(3, 0)
    listed()  # the filter bar's labels are read once, then kept (core/options.py)
    _page, few = listed()
    made += tasks(27, 3)
    listed()  # reads again what the new tasks moved (their notifications: the unread count)
    page, many = listed()
    assert many == few
    rows = {row.split('class="code"')[1].split(">")[1].split("<")[0]: row for row in page.split("<tr>")[1:] if 'class="code"' in row}
    marked = {code for code, row in rows.items() if "data-missing-report" in row}
    reported = {made[i].code for i in range(0, 30, 3)}
    assert marked == {t.code for t in made} - reported
    assert marked == set(cycle.missing(Task.objects.all()).values_list("code", flat=True))


def test_the_office_sees_who_has_not_reported_by_unit_and_exports_it(world, week_tasks):
    client = signed_in(world.office)
    page = client.get("/nhiem-vu/chua-bao-cao/?ngay=29/04/2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert week_tasks["silent"].code in html and week_tasks["ward_b"].code in html
    assert week_tasks["sent"].code not in html
    section = page.context["sections"][0]
    assert section["period"].code == "2026-W18"
    assert {r["unit"].name: (r["owed"], r["missing"]) for r in section["rows"]} == {
        "Phường Chu Văn An": (4, 2), "Phường Chí Linh": (1, 1),
    }
    _sheet, rows = xlsx_rows(client.get("/nhiem-vu/xuat-excel/?missing_report=1&cadence=weekly&report_on=2026-04-29"))
    assert "Chế độ báo cáo" in rows[0]
    assert {r[1] for r in rows[1:]} == {"Chưa báo cáo tuần", "Chỉ có báo cáo đột xuất", "Phường B chưa báo cáo"}
    assert client.get("/nhiem-vu/chua-bao-cao/?ngay=hôm-qua").status_code == 200  # a bad day: today's periods
    assert signed_in(world.officer_a).get("/nhiem-vu/chua-bao-cao/").status_code == 403
    assert 'href="/nhiem-vu/chua-bao-cao/"' in client.get("/nhiem-vu/").content.decode()
    assert 'href="/nhiem-vu/chua-bao-cao/"' not in signed_in(world.officer_a).get("/nhiem-vu/").content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_the_api_sets_reads_and_filters_the_cadence(world, week_tasks):
    from dieuhanh.directives.tests.test_api import task_body

    api = bearer(world.office)
    created = post_json(api, "/api/v1/tasks", task_body(world, report_cadence="weekly"))
    assert created.status_code == 201 and created.json()["report_cadence"] == "weekly"
    default = post_json(api, "/api/v1/tasks", task_body(world))
    assert default.json()["report_cadence"] == "monthly"
    assert post_json(api, "/api/v1/tasks", task_body(world, report_cadence="daily")).status_code == 422
    tid = created.json()["id"]
    patched = api.patch(f"/api/v1/tasks/{tid}", {"report_cadence": "none"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["report_cadence"] == "none"
    assert bearer(world.officer_a).patch(
        f"/api/v1/tasks/{tid}", {"report_cadence": "weekly"}, content_type="application/json"
    ).status_code == 403
    assert bearer(world.officer_b).patch(
        f"/api/v1/tasks/{tid}", {"report_cadence": "weekly"}, content_type="application/json"
    ).status_code == 404
    detail = api.get(f"/api/v1/tasks/{week_tasks['silent'].pk}").json()
    assert detail["current_report"]["period"] == cycle.period_of(WEEKLY, dt.date.today()).code
    assert api.get(f"/api/v1/tasks/{tid}").json()["current_report"] is None
    listed = api.get("/api/v1/tasks?missing_report=true&report_on=2026-04-29&cadence=weekly&page_size=100").json()
    assert {t["title"] for t in listed["results"]} == {"Chưa báo cáo tuần", "Chỉ có báo cáo đột xuất", "Phường B chưa báo cáo"}
    assert api.get("/api/v1/tasks?cadence=daily").status_code == 422
