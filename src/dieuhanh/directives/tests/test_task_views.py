"""Giving a task (the "5 rõ" form, its milestones and sub-tasks) and the actions on a task
(progress reports, acknowledgement, adjustment, closing, cancelling) through Django's test
client: what each action changes, and that a refused one changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dieuhanh.core.models import AuditEvent
from dieuhanh.directives.models import Adjustment, Task
from dieuhanh.directives.services import do_create_document, do_report_progress
from dieuhanh.directives.tests.helpers import task_post, task_state
from dieuhanh.testing import login

TODAY = timezone.localdate


# --- giving a task ---------------------------------------------------------------------------------


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
