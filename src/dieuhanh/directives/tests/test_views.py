"""The web pages of the "5 rõ" core, driven through Django's test client with the personas of
`dieuhanh.testing`: what each persona sees, what each action changes, and that nothing outside a
user's scope can be read or changed through any URL."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.core.models import AuditEvent
from dieuhanh.directives.models import Adjustment, Document, Meeting, Task
from dieuhanh.directives.services import do_create_document, do_report_progress
from dieuhanh.testing import login

TODAY = timezone.localdate


@pytest.fixture
def task_a(world):
    return world.task()


@pytest.fixture
def task_b(world):
    return world.task(
        title="Chỉnh trang đô thị phường Chí Linh", lead_unit=world.ward_b, lead_person=world.officer_b_person
    )


@pytest.fixture
def decision(world):
    return do_create_document(
        actor=world.office, system="state", kind="QĐ", number="15", issuer_code="UBND",
        issuer=world.ward_a_committee, issued_on=TODAY(), title="Điều chỉnh tiến độ giải phóng mặt bằng",
    )


def task_state(task):
    task.refresh_from_db()
    return (
        task.progress_percent, task.due_date, task.version, task.completed_on, task.cancelled_on,
        task.reports.count(), AuditEvent.objects.count(),
    )


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
    second = client.get(reverse("directives:task_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 1


def test_htmx_filtering_returns_only_the_results(client, world, task_a):
    login(client, world.office)
    response = client.get(
        reverse("directives:task_list"), {"q": "giai phong"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results"
    )
    html = response.content.decode()
    assert task_a.code in html and "<html" not in html


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert f"{TODAY():%d-%m-%Y}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_is_a_real_xlsx_of_the_same_filtered_list(client, world, task_a, task_b):
    Task.objects.filter(pk=task_a.pk).update(budget_vnd=Decimal("1500000000"))
    other = world.task(title="Xây dựng nhà văn hoá khu dân cư")
    login(client, world.office)
    sheet, rows = xlsx_rows(client.get(reverse("directives:task_export"), {"q": "giai phong mat bang"}))
    assert rows[0] == (
        "Mã", "Nhiệm vụ", "Văn bản giao", "Đơn vị chủ trì", "Người chủ trì", "Lãnh đạo chịu trách nhiệm",
        "Ngày giao", "Thời hạn", "Tiến độ (%)", "Trạng thái", "Kết quả cần đạt", "Kinh phí (đồng)",
    )
    assert [r[0] for r in rows[1:]] == [task_a.code]
    _code, title, doc, unit, person, leader, assigned, due, progress, status, result, budget = rows[1]
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


def test_the_document_export_lists_the_visible_documents(client, world, decision):
    login(client, world.officer_b)
    _sheet, rows = xlsx_rows(client.get(reverse("directives:document_export")))
    assert rows[0][:4] == ("Số, ký hiệu", "Loại văn bản", "Cơ quan ban hành", "Ngày ban hành")
    # The city's resolution is visible from ward B; ward A's decision is not.
    assert [r[0] for r in rows[1:]] == ["01-NQ/ĐH"]


# --- giving a task ---------------------------------------------------------------------------------


def task_post(world, **overrides):
    data = {
        "title": "Lập quy hoạch chi tiết khu trung tâm phường",
        "content": "Lập, trình duyệt quy hoạch chi tiết tỷ lệ 1/500",
        "source_document": world.resolution.pk,
        "lead_unit": world.ward_a.pk,
        "lead_person": world.officer_a_person.pk,
        "coordinating_units": [world.ward_b.pk],
        "assigned_on": TODAY().isoformat(),
        "due_date": (TODAY() + dt.timedelta(days=90)).isoformat(),
        "budget_vnd": "1.500.000.000",
        "staff_count": "5",
        "resource_note": "Thuê tư vấn lập quy hoạch",
        "expected_result": "Quy hoạch được phê duyệt",
        "accountable_person": world.leader_person.pk,
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "30",
        "milestones-0-title": "Trình hồ sơ nhiệm vụ quy hoạch",
        "milestones-0-due_date": (TODAY() + dt.timedelta(days=30)).isoformat(),
        "milestones-1-title": "",
        "milestones-1-due_date": "",
        "milestones-2-title": "",
        "milestones-2-due_date": "",
    }
    data.update(overrides)
    return data


def test_a_task_missing_its_leader_names_the_missing_clarity_keeps_the_input_and_saves_nothing(client, world):
    login(client, world.office)
    tasks, events = Task.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("directives:task_create"), task_post(world, accountable_person=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhiệm vụ chưa đủ 5 rõ: thiếu rõ trách nhiệm" in html
    assert "Thiếu lãnh đạo chịu trách nhiệm (rõ trách nhiệm)." in html
    assert 'value="Lập quy hoạch chi tiết khu trung tâm phường"' in html
    assert 'value="Trình hồ sơ nhiệm vụ quy hoạch"' in html
    assert Task.objects.count() == tasks and AuditEvent.objects.count() == events


def test_several_missing_clarities_are_all_named(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:task_create"), task_post(world, title="", lead_person="", expected_result="")
    )
    html = response.content.decode()
    assert "Nhiệm vụ chưa đủ 5 rõ: thiếu rõ việc, rõ người, rõ kết quả" in html
    assert "Thiếu người chủ trì thực hiện (rõ người)." in html


def test_milestone_and_budget_errors_are_shown_next_to_them(client, world):
    login(client, world.office)
    late = (TODAY() + dt.timedelta(days=200)).isoformat()
    response = client.post(
        reverse("directives:task_create"),
        task_post(world, **{"milestones-0-due_date": late, "budget_vnd": "mười tỷ"}),
    )
    assert "Kinh phí phải là số tiền" in response.content.decode()
    response = client.post(reverse("directives:task_create"), task_post(world, **{"milestones-0-due_date": late}))
    assert "muộn hơn thời hạn hoàn thành" in response.content.decode()
    assert Task.objects.count() == 0


def test_a_valid_task_is_created_with_its_milestone_and_audited(client, world):
    login(client, world.office)
    events = AuditEvent.objects.count()
    response = client.post(reverse("directives:task_create"), task_post(world))
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("directives:task_detail", args=[task.pk])
    assert task.budget_vnd == Decimal("1500000000") and task.staff_count == 5
    assert list(task.coordinating_units.all()) == [world.ward_b]
    assert [m.title for m in task.milestones.all()] == ["Trình hồ sơ nhiệm vụ quy hoạch"]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.object_id, event.actor) == ("create", str(task.pk), world.office)
    html = client.get(response["Location"]).content.decode()
    assert f"Đã giao nhiệm vụ {task.code}." in html
    assert "1.500.000.000 đồng" in html and "1,5 tỷ đồng" in html


def test_a_ward_officer_splits_their_task_into_a_subtask(client, world, task_a):
    login(client, world.officer_a)
    data = task_post(world, parent=task_a.pk, due_date=task_a.due_date.isoformat(), coordinating_units=[])
    response = client.post(reverse("directives:task_create"), data)
    sub = Task.objects.get(parent=task_a)
    assert response.status_code == 302 and sub.lead_unit == world.ward_a
    html = client.get(reverse("directives:task_detail", args=[task_a.pk])).content.decode()
    assert sub.code in html


def test_the_lead_unit_choices_are_the_valid_units_in_scope(client, world):
    login(client, world.office)
    form = client.get(reverse("directives:task_create")).context["form"]
    assert set(form.fields["lead_unit"].queryset) == {world.ward_a, world.ward_b}
    response = client.post(reverse("directives:task_create"), task_post(world, lead_unit=world.ward_a_old.pk))
    assert response.status_code == 200 and Task.objects.count() == 0


# --- actions on a task ---------------------------------------------------------------------------------


def test_a_ward_officer_reports_progress(client, world, task_a):
    login(client, world.officer_a)
    response = client.post(
        reverse("directives:task_report", args=[task_a.pk]),
        {"period": "weekly", "percent": "45", "content": "Đã kiểm đếm 45% số hộ", "reported_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.progress_percent == 45 and task_a.last_reported_on == TODAY()
    html = client.get(reverse("directives:task_detail", args=[task_a.pk])).content.decode()
    assert "Đã gửi báo cáo tiến độ." in html and "Đã kiểm đếm 45% số hộ" in html and 'aria-valuenow="45"' in html


def test_a_bad_report_shows_the_service_messages_and_changes_nothing(client, world, task_a):
    before = task_state(task_a)
    login(client, world.officer_a)
    response = client.post(
        reverse("directives:task_report", args=[task_a.pk]),
        {"period": "weekly", "percent": "140", "content": "", "beyond_authority": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tiến độ phải từ 0 đến 100%." in html
    assert "Thiếu nội dung kết quả thực hiện trong kỳ." in html
    assert task_state(task_a) == before


def test_the_leader_acknowledges_a_report_beyond_the_units_authority(client, world, task_a):
    report = do_report_progress(
        actor=world.officer_a, task=task_a, period="urgent", percent=30, content="3 hộ chưa đồng ý",
        proposals="Đề nghị thành phố tổ chức đối thoại", beyond_authority=True,
    )
    login(client, world.leader)
    home = client.get(reverse("home")).content.decode()
    assert "Cần lãnh đạo cho ý kiến" in home and "Đề nghị thành phố tổ chức đối thoại" in home
    url = reverse("directives:task_acknowledge", args=[task_a.pk, report.pk])
    empty = client.post(url, {"response": ""})
    assert empty.status_code == 200 and "Thiếu ý kiến chỉ đạo." in empty.content.decode()
    response = client.post(url, {"response": "Giao Văn phòng bố trí đối thoại trong tuần"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.acknowledged_by == world.leader and report.leader_response.startswith("Giao Văn phòng")
    assert "Đề nghị thành phố tổ chức đối thoại" not in client.get(reverse("home")).content.decode()


def test_the_office_adjusts_a_deadline_by_a_deciding_document(client, world, task_a, decision):
    login(client, world.office)
    old_due = task_a.due_date
    new_due = old_due + dt.timedelta(days=45)
    response = client.post(
        reverse("directives:task_adjust", args=[task_a.pk]),
        {"field": "due_date", "new_date": new_due.isoformat(), "new_text": "bỏ qua",
         "deciding_document": decision.pk, "reason": "Vướng giải phóng mặt bằng"},
    )
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.due_date == new_due and task_a.version == 2
    adj = Adjustment.objects.get(task=task_a)
    assert adj.deciding_document == decision and adj.old_value == old_due.strftime("%d/%m/%Y")
    html = client.get(reverse("directives:task_detail", args=[task_a.pk])).content.decode()
    assert f"{old_due:%d/%m/%Y}</span> → <span class=\"change__new\">{new_due:%d/%m/%Y}" in html
    assert "Số: 15/QĐ-UBND" in html and "Vướng giải phóng mặt bằng" in html


def test_an_adjustment_without_document_or_reason_is_refused_with_messages(client, world, task_a):
    before = task_state(task_a)
    login(client, world.office)
    response = client.post(
        reverse("directives:task_adjust", args=[task_a.pk]),
        {"field": "expected_result", "new_text": "Bàn giao 80% mặt bằng"},
    )
    html = response.content.decode()
    assert "Thiếu văn bản quyết định điều chỉnh." in html and "Thiếu lý do điều chỉnh." in html
    assert task_state(task_a) == before


def test_the_office_closes_a_task_with_an_evaluation(client, world, task_a):
    login(client, world.office)
    response = client.post(
        reverse("directives:task_close", args=[task_a.pk]),
        {"completed_on": TODAY().isoformat(), "result_summary": "Đã bàn giao mặt bằng", "evaluation": "excellent"},
    )
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.completed_on == TODAY() and task_a.evaluation == "excellent" and task_a.progress_percent == 100
    html = client.get(reverse("directives:task_detail", args=[task_a.pk])).content.decode()
    assert "Hoàn thành đúng hạn" in html and "Hoàn thành xuất sắc" in html
    assert reverse("directives:task_report", args=[task_a.pk]) not in html


def test_the_office_cancels_a_task(client, world, task_a, decision):
    login(client, world.office)
    response = client.post(
        reverse("directives:task_cancel", args=[task_a.pk]),
        {"reason": "Dự án dừng triển khai", "deciding_document": decision.pk},
    )
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.cancelled_on == TODAY() and task_a.cancel_document == decision
    html = client.get(reverse("directives:task_detail", args=[task_a.pk])).content.decode()
    assert "Đã huỷ" in html and "Số: 15/QĐ-UBND" in html and "Dự án dừng triển khai" in html


def test_a_cancellation_date_before_the_task_or_its_document_is_refused(client, world, task_a, decision):
    before = task_state(task_a)
    login(client, world.office)
    response = client.post(
        reverse("directives:task_cancel", args=[task_a.pk]),
        {"reason": "Dừng", "deciding_document": decision.pk,
         "cancelled_on": f"{decision.issued_on - dt.timedelta(days=1):%d/%m/%Y}"},
    )
    assert response.status_code == 200
    assert "Ngày huỷ không được trước" in response.content.decode()
    assert task_state(task_a) == before


def test_the_timeline_is_chronological(client, world):
    task = world.task(assigned_on=TODAY() - dt.timedelta(days=20))
    do_report_progress(
        actor=world.officer_a, task=task, period="weekly", percent=30, content="Báo cáo thứ hai",
        reported_on=TODAY() - dt.timedelta(days=3),
    )
    do_report_progress(
        actor=world.officer_a, task=task, period="weekly", percent=10, content="Báo cáo thứ nhất",
        reported_on=TODAY() - dt.timedelta(days=10),
    )
    login(client, world.office)
    html = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert html.index("Báo cáo thứ nhất") < html.index("Báo cáo thứ hai")


def test_get_on_an_action_url_is_not_allowed(client, world, task_a):
    login(client, world.office)
    assert client.get(reverse("directives:task_report", args=[task_a.pk])).status_code == 405


# --- documents and meetings -------------------------------------------------------------------------


def test_a_document_is_created_from_its_notation_and_shows_in_the_parents_tree(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:document_create"),
        {"notation": "Số 05-CTr/TU", "issuer": world.party_committee.pk, "issued_on": "2020-12-20",
         "title": "Chương trình hành động thực hiện Nghị quyết Đại hội XXIII", "parent": world.resolution.pk},
    )
    assert response.status_code == 302
    doc = Document.objects.get(number="05")
    assert (doc.system, doc.kind, doc.issuer_code, doc.parent) == ("party", "CTr", "TU", world.resolution)
    world.task(title="Xây dựng đề án đô thị thông minh", source_document=doc)
    plan = do_create_document(
        actor=world.office, system="party", kind="KH", number="07", issuer_code="TU", issuer=world.party_committee,
        issued_on=dt.date(2021, 3, 1), parent=doc, title="Kế hoạch thu hút đầu tư",
    )
    world.task(title="Xúc tiến đầu tư khu công nghiệp", source_document=plan)
    response = client.get(reverse("directives:document_detail", args=[world.resolution.pk]))
    html = response.content.decode()
    assert "Số 01-NQ/ĐH" in html and "05-CTr/TU" in html and "07-KH/TU" in html
    # Each node counts its own tasks and those of the documents implementing it (what its link lists).
    programme = response.context["tree"]["children"][0]
    assert (programme["tasks"], programme["children"][0]["tasks"]) == (2, 1)
    assert f"{reverse('directives:task_create')}?document={world.resolution.pk}" in html


def test_a_document_with_separate_fields_and_a_bad_notation(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:document_create"),
        {"system": "state", "kind": "KH", "number": "120", "issuer_code": "UBND", "issuer": world.ward_a_committee.pk,
         "issued_on": TODAY().isoformat(), "title": "Kế hoạch giải phóng mặt bằng"},
    )
    assert response.status_code == 302
    assert Document.objects.get(number="120").notation == "Số: 120/KH-UBND"
    response = client.post(
        reverse("directives:document_create"),
        {"notation": "mười lăm", "issuer": world.ward_a_committee.pk, "issued_on": TODAY().isoformat(), "title": "x"},
    )
    assert response.status_code == 200 and "Số, ký hiệu văn bản không hợp lệ" in response.content.decode()


def test_document_list_filters_and_search(client, world, decision):
    login(client, world.office)
    html = client.get(reverse("directives:document_list"), {"q": "dieu chinh tien do"}).content.decode()
    assert "15/QĐ-UBND" in html and "01-NQ/ĐH" not in html
    html = client.get(reverse("directives:document_list"), {"kind": "NQ"}).content.decode()
    assert "01-NQ/ĐH" in html and "15/QĐ-UBND" not in html


def test_a_document_outside_scope_is_a_404(client, world, decision):
    login(client, world.officer_b)
    assert client.get(reverse("directives:document_detail", args=[decision.pk])).status_code == 404


def test_a_meeting_is_recorded_with_a_new_conclusion_and_tasks_can_cite_it(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:meeting_create"),
        {"organisation": world.party_committee.pk, "title": "Hội nghị Ban Thường vụ Thành uỷ",
         "held_on": TODAY().isoformat(), "conclusion_notation": "125-TB/TU",
         "conclusion_issued_on": TODAY().isoformat(), "conclusion_title": "Thông báo kết luận hội nghị"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.conclusion.symbol == "125-TB/TU"
    html = client.get(reverse("directives:meeting_list")).content.decode()
    assert "Hội nghị Ban Thường vụ Thành uỷ" in html and "125-TB/TU" in html
    response = client.post(
        reverse("directives:task_create"),
        task_post(world, meeting=meeting.pk, source_document=meeting.conclusion.pk),
    )
    assert Task.objects.get().meeting == meeting


def test_a_meeting_with_a_bad_conclusion_saves_neither(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:meeting_create"),
        {"organisation": world.party_committee.pk, "title": "Họp giao ban", "held_on": TODAY().isoformat(),
         "conclusion_notation": "126-TB/TU", "conclusion_issued_on": (TODAY() - dt.timedelta(days=1)).isoformat(),
         "conclusion_title": "Kết luận"},
    )
    assert response.status_code == 200
    assert "Thông báo kết luận không thể ban hành trước ngày họp." in response.content.decode()
    assert not Meeting.objects.exists() and not Document.objects.filter(number="126").exists()



def test_dates_are_typed_and_shown_as_dd_mm_yyyy(client, world, task_b):
    login(client, world.office)
    due = TODAY() + dt.timedelta(days=40)
    data = task_post(world, assigned_on=f"{TODAY():%d/%m/%Y}", due_date=f"{due:%d/%m/%Y}")
    data["milestones-0-due_date"] = f"{TODAY() + dt.timedelta(days=10):%d/%m/%Y}"
    assert client.post(reverse("directives:task_create"), data).status_code == 302
    task = Task.objects.get(title=data["title"])
    assert task.due_date == due
    form_html = client.get(reverse("directives:task_create")).content.decode()
    assert f'value="{TODAY():%d/%m/%Y}"' in form_html and 'placeholder="dd/mm/yyyy"' in form_html
    # The list filter accepts the same form and passes ISO dates to the shared TaskFilter.
    html = client.get(reverse("directives:task_list"), {"due_from": f"{due:%d/%m/%Y}"}).content.decode()
    assert task.code in html and task_b.code not in html and "Bộ lọc không hợp lệ" not in html


def test_task_counts_next_to_documents_count_only_visible_tasks(client, world, task_a, task_b):
    login(client, world.officer_a)
    response = client.get(reverse("directives:document_list"))
    assert [d.task_count for d in response.context["page"].object_list] == [1]
    _sheet, rows = xlsx_rows(client.get(reverse("directives:document_export")))
    assert rows[1][-1] == 1
    detail = client.get(reverse("directives:document_detail", args=[world.resolution.pk]))
    assert detail.context["task_total"] == 1 and detail.context["direct_total"] == 1


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


def test_choosing_the_lead_unit_lists_its_staff_first(client, world):
    from dieuhanh.org.models import Assignment, Person, Position

    chair = Position.objects.create(organisation=world.ward_a_committee, title="Chủ tịch UBND phường", is_head=True)
    Assignment.objects.create(person=world.officer_a_person, position=chair, kind="elected", start_date=dt.date(2025, 7, 1))
    Person.objects.create(full_name="Đỗ Thị Ánh")
    login(client, world.office)
    url = reverse("directives:person_options")
    html = client.get(url, {"lead_unit": world.ward_a.pk, "lead_person": world.leader_person.pk}).content.decode()
    assert html.index("Cán bộ của đơn vị chủ trì") < html.index("Lê Thị An") < html.index("Cán bộ khác")
    assert html.index("Cán bộ khác") < html.index("Đỗ Thị Ánh")
    assert f'value="{world.leader_person.pk}" selected' in html
    # A unit without staff (or outside the user's scope) gives the plain list of everyone.
    login(client, world.officer_b)
    html = client.get(url, {"lead_unit": world.ward_a.pk}).content.decode()
    assert "Cán bộ của đơn vị chủ trì" not in html and "Lê Thị An" in html
    form_html = login(client, world.office).get(reverse("directives:task_create")).content.decode()
    assert f'hx-get="{url}"' in form_html


def test_an_adjustment_sits_in_the_timeline_at_its_deciding_documents_date(client, world):
    from dieuhanh.directives.services import do_adjust_task

    task = world.task(assigned_on=TODAY() - dt.timedelta(days=30))
    review = do_create_document(
        actor=world.office, system="party", kind="KL", number="75", issuer_code="TU", issuer=world.party_committee,
        issued_on=TODAY() - dt.timedelta(days=10), title="Kết luận sơ kết giữa nhiệm kỳ",
    )
    do_report_progress(actor=world.officer_a, task=task, period="weekly", percent=50, content="Báo cáo sau sơ kết",
                       reported_on=TODAY() - dt.timedelta(days=5))
    do_adjust_task(actor=world.office, task=task, field="expected_result", new_value="Bàn giao 80% mặt bằng",
                   deciding_document=review, reason="Sơ kết giữa nhiệm kỳ")
    login(client, world.office)
    html = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert html.index("Sơ kết giữa nhiệm kỳ") < html.index("Báo cáo sau sơ kết")
