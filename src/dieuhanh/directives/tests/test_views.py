"""The task pages of the "5 rõ" core, driven through Django's test client with the personas of
`dieuhanh.testing`: who may open which page, that nothing outside a user's scope can be read or
changed through any URL, and the task list (filters, search, sorting, paging, export). Giving a
task and its actions: test_task_views.py; documents and meetings: test_document_views.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dieuhanh.directives.models import Meeting, Task
from dieuhanh.directives.services import do_report_progress
from dieuhanh.directives.tests.helpers import task_state, xlsx_rows
from dieuhanh.testing import login

TODAY = timezone.localdate


# --- pages open for the right people -----------------------------------------------------------


def test_it_shows_every_page_to_the_office(client, world, task_a, decision):
    login(client, world.office)
    meeting = Meeting.objects.create(organisation=world.party_committee, title="Họp Ban Thường vụ", held_on=TODAY())
    pages = [
        reverse("directives:task_list"),
        reverse("directives:task_detail", args=[task_a.pk]),
        reverse("directives:task_create"),
        reverse("directives:task_create") + f"?document={world.resolution.pk}&meeting={meeting.pk}",
        reverse("directives:task_create") + f"?parent={task_a.pk}",
        reverse("directives:document_list"),
        reverse("directives:document_detail", args=[world.resolution.pk]),
        reverse("directives:document_create"),
        reverse("directives:meeting_list"),
        reverse("directives:meeting_create"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Điều Hành" in response.content.decode(), url


def test_a_ward_officer_sees_their_task_and_the_report_form_but_not_the_office_actions(client, world, task_a):
    login(client, world.officer_a)
    html = client.get(reverse("directives:task_detail", args=[task_a.pk])).content.decode()
    assert task_a.title in html
    assert reverse("directives:task_report", args=[task_a.pk]) in html
    assert reverse("directives:task_adjust", args=[task_a.pk]) not in html
    assert reverse("directives:task_close", args=[task_a.pk]) not in html
    assert reverse("directives:task_cancel", args=[task_a.pk]) not in html


@pytest.mark.parametrize(
    "name",
    ["task_list", "task_create", "task_export", "document_list", "document_create", "document_export",
     "meeting_list", "meeting_create"],
)
def test_it_sends_anonymous_visitors_to_the_login_page(client, world, name):
    url = reverse(f"directives:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]


def test_it_sends_anonymous_visitors_to_the_login_page_from_a_task(client, world, task_a):
    response = client.get(reverse("directives:task_detail", args=[task_a.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("directives:task_report", args=[task_a.pk]), {"percent": 50})
    assert response.status_code == 302
    assert task_a.reports.count() == 0


def test_people_without_an_assigning_role_get_the_vietnamese_403(client, world):
    login(client, world.officer_a)
    for name in ("task_create", "document_create", "meeting_create"):
        response = client.get(reverse(f"directives:{name}"))
        assert response.status_code == 403
        assert "Bạn không có quyền" in response.content.decode()


# --- scope: outside it is a 404 everywhere -------------------------------------------------------


def test_an_officer_of_ward_b_gets_404_on_every_url_of_a_ward_a_task_and_changes_nothing(
    client, world, task_a, decision
):
    report = do_report_progress(
        actor=world.officer_a, task=task_a, period="weekly", percent=20, content="Đã kiểm đếm",
        proposals="Xin ý kiến về giá bồi thường", beyond_authority=True,
    )
    before = task_state(task_a)
    login(client, world.officer_b)
    assert client.get(reverse("directives:task_detail", args=[task_a.pk])).status_code == 404
    posts = {
        "task_report": {"period": "weekly", "percent": 90, "content": "Xong"},
        "task_adjust": {
            "field": "due_date", "new_date": (TODAY() + dt.timedelta(days=90)).isoformat(),
            "deciding_document": decision.pk, "reason": "x",
        },
        "task_close": {"completed_on": TODAY().isoformat(), "result_summary": "Xong", "evaluation": "good"},
        "task_cancel": {"reason": "Không cần nữa", "deciding_document": decision.pk},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"directives:{name}", args=[task_a.pk]), data)
        assert response.status_code == 404, name
        assert "Không tìm thấy trang" in response.content.decode()
    ack = client.post(reverse("directives:task_acknowledge", args=[task_a.pk, report.pk]), {"response": "Đồng ý"})
    assert ack.status_code == 404
    sub = client.get(reverse("directives:task_create") + f"?parent={task_a.pk}")
    assert sub.status_code == 404
    assert task_state(task_a) == before
    report.refresh_from_db()
    assert report.acknowledged_at is None


def test_a_visible_task_whose_action_is_not_allowed_gets_403_and_changes_nothing(client, world, task_a, decision):
    before = task_state(task_a)
    login(client, world.officer_a)
    response = client.post(
        reverse("directives:task_adjust", args=[task_a.pk]),
        {"field": "due_date", "new_date": (TODAY() + dt.timedelta(days=90)).isoformat(),
         "deciding_document": decision.pk, "reason": "Tự gia hạn"},
    )
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()
    assert task_state(task_a) == before


def test_an_officer_of_ward_a_does_not_see_ward_b_tasks_in_the_list_or_the_export(client, world, task_a, task_b):
    login(client, world.officer_a)
    html = client.get(reverse("directives:task_list")).content.decode()
    assert task_a.code in html and task_b.code not in html
    _sheet, rows = xlsx_rows(client.get(reverse("directives:task_export")))
    assert [r[0] for r in rows[1:]] == [task_a.code]
    # Asking for ward B by id changes nothing: the filter narrows what is visible, never widens it.
    html = client.get(reverse("directives:task_list") + f"?unit={world.ward_b.pk}").content.decode()
    assert task_b.code not in html


# --- the list: filters, search, sorting, export ------------------------------------------------------


def test_search_ignores_diacritics(client, world, task_a, task_b):
    login(client, world.office)
    html = client.get(reverse("directives:task_list"), {"q": "giai phong mat bang"}).content.decode()
    assert task_a.code in html and task_b.code not in html
    html = client.get(reverse("directives:task_list"), {"q": "CHI LINH"}).content.decode()
    assert task_b.code in html and task_a.code not in html


def test_it_filters_by_status_unit_leader_and_due_period(client, world, task_a, task_b):
    Task.objects.filter(pk=task_b.pk).update(
        assigned_on=TODAY() - dt.timedelta(days=30), due_date=TODAY() - dt.timedelta(days=2)
    )
    login(client, world.office)
    url = reverse("directives:task_list")
    html = client.get(url, {"status": "overdue"}).content.decode()
    assert task_b.code in html and task_a.code not in html
    html = client.get(url, {"unit": world.ward_a.pk}).content.decode()
    assert task_a.code in html and task_b.code not in html
    html = client.get(url, {"leader": world.leader_person.pk}).content.decode()
    assert task_a.code in html and task_b.code in html
    html = client.get(url, {"due_from": TODAY().isoformat()}).content.decode()
    assert task_a.code in html and task_b.code not in html


def test_the_flagged_filter_lists_tasks_waiting_for_the_leader(client, world, task_a, task_b):
    do_report_progress(
        actor=world.officer_b, task=task_b, period="urgent", percent=10, content="Vướng",
        proposals="Đề nghị thành phố hỗ trợ", beyond_authority=True,
    )
    login(client, world.leader)
    html = client.get(reverse("directives:task_list"), {"flagged": "1"}).content.decode()
    assert task_b.code in html and task_a.code not in html


def test_bad_filter_parameters_give_a_message_not_an_error(client, world, task_a):
    login(client, world.office)
    response = client.get(
        reverse("directives:task_list"),
        {"due_from": "31/02/2025", "unit": "abc", "status": "lost", "sort": "nonsense", "page": "zzz"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bộ lọc không hợp lệ" in html and "due_from" in html
    assert task_a.code in html
    assert client.get(reverse("directives:task_export"), {"due_to": "hôm qua"}).status_code == 200
    assert client.get(reverse("directives:document_list"), {"issued_from": "x"}).status_code == 200


def test_it_sorts_by_due_date_both_ways(client, world):
    early = world.task(title="Việc sớm", due_date=TODAY() + dt.timedelta(days=3))
    late = world.task(title="Việc muộn", due_date=TODAY() + dt.timedelta(days=60))
    login(client, world.office)
    html = client.get(reverse("directives:task_list"), {"sort": "due"}).content.decode()
    assert html.index(early.code) < html.index(late.code)
    html = client.get(reverse("directives:task_list"), {"sort": "-due"}).content.decode()
    assert html.index(late.code) < html.index(early.code)


def test_it_pages_the_list_by_fifty(client, world):
    for i in range(51):
        world.task(title=f"Nhiệm vụ số {i}")
    login(client, world.office)
    first = client.get(reverse("directives:task_list"))
    assert len(first.context["page"].object_list) == 50
    assert "51 nhiệm vụ" in first.content.decode() and "Trang 1/2" in first.content.decode()
    second = client.get(reverse("directives:task_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 1 and "Trang 2/2" in second.content.decode()


def test_htmx_filtering_returns_only_the_results(client, world, task_a):
    login(client, world.office)
    response = client.get(
        reverse("directives:task_list"), {"q": "giai phong"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results"
    )
    html = response.content.decode()
    assert task_a.code in html and "<html" not in html


def test_the_export_is_a_real_xlsx_of_the_same_filtered_list(client, world, task_a, task_b):
    Task.objects.filter(pk=task_a.pk).update(budget_vnd=Decimal("1500000000"))
    other = world.task(title="Xây dựng nhà văn hoá khu dân cư")
    login(client, world.office)
    sheet, rows = xlsx_rows(client.get(reverse("directives:task_export"), {"q": "giai phong mat bang"}))
    assert rows[0] == (
        "Mã", "Nhiệm vụ", "Văn bản giao", "Đơn vị chủ trì", "Người chủ trì", "Lãnh đạo chịu trách nhiệm",
        "Ngày giao", "Thời hạn", "Tiến độ (%)", "Trạng thái", "Kết quả cần đạt", "Kinh phí (đồng)",
        "Chế độ báo cáo", "Báo cáo gần nhất",
    )
    assert [r[0] for r in rows[1:]] == [task_a.code]
    _code, title, doc, unit, person, leader, assigned, due, progress, status, result, budget, cadence, last = rows[1]
    assert (cadence, last) == ("Hằng tháng", None)
    assert (title, doc, unit, person, leader, result) == (
        task_a.title, "01-NQ/ĐH", "Phường Chu Văn An", "Lê Thị An", "Trần Văn Lãnh", task_a.expected_result
    )
    assert assigned.date() == task_a.assigned_on and due.date() == task_a.due_date
    assert sheet["H2"].number_format == "dd/mm/yyyy"
    assert (progress, status, budget) == (0, "Đang thực hiện", 1500000000)
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    # Unfiltered: every visible task, in the list's order (due date).
    _sheet, rows = xlsx_rows(client.get(reverse("directives:task_export")))
    assert {r[0] for r in rows[1:]} == {task_a.code, task_b.code, other.code}


def test_list_and_detail_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    task = world.task()
    for i in range(40):
        sub = world.task(title=f"Việc {i}", parent=task, due_date=task.due_date)
        do_report_progress(actor=world.officer_a, task=sub, period="weekly", percent=i, content="x")
        do_report_progress(actor=world.officer_a, task=task, period="weekly", percent=i, content=f"Báo cáo {i}")
    login(client, world.office)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("directives:task_list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("directives:task_detail", args=[task.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("directives:task_export")).status_code == 200


def test_the_list_and_the_pages_draw_each_tasks_progress_in_its_status_colour(client, world):
    today = timezone.localdate()
    late = world.task(title="Việc <b>quá hạn</b> & gấp", assigned_on=today - dt.timedelta(days=40), due_date=today - dt.timedelta(days=3))
    do_report_progress(actor=world.officer_a, task=late, period="weekly", percent=35, content="Đã làm 35%")
    sub = world.task(title="Việc con", parent=late, assigned_on=late.assigned_on, due_date=late.due_date)
    world.task(title="Việc còn hạn", due_date=today + dt.timedelta(days=60))
    login(client, world.office)
    bar = (
        '<div class="progress progress--{}" role="progressbar" aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100"'
        ' aria-label="{}%">\n  <span class="progress__track"><span class="progress__bar" style="width: {}%"></span></span>\n'
        '  <span class="progress__text">{}%</span>\n</div>'
    )
    listed = client.get(reverse("directives:task_list")).content.decode()
    assert bar.format("overdue", *[35] * 4) in listed and bar.format("on_track", *[0] * 4) in listed
    assert f'<a href="/nhiem-vu/{late.pk}/">Việc &lt;b&gt;quá hạn&lt;/b&gt; &amp; gấp</a>' in listed  # written as text
    page = client.get(reverse("directives:task_detail", args=[late.pk])).content.decode()
    assert bar.format("overdue", *[35] * 4) in page and bar.format("overdue", *[0] * 4) in page  # the task, its sub-task
    document = client.get(reverse("directives:document_detail", args=[late.source_document_id])).content.decode()
    assert bar.format("overdue", *[35] * 4) in document and sub.code in document
