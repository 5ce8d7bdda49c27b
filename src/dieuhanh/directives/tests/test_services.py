import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dieuhanh.core.models import AuditEvent
from dieuhanh.directives.choices import TaskStatus
from dieuhanh.directives.models import Adjustment, Task
from dieuhanh.directives.services import (
    MilestoneInput,
    do_acknowledge_report,
    do_adjust_task,
    do_close_task,
    do_create_document,
    do_report_progress,
    parse_notation,
)

TODAY = timezone.localdate


def test_it_creates_a_task_with_all_five_clarities_and_audits_it(world):
    before = AuditEvent.objects.count()
    task = world.task(
        milestones=[MilestoneInput("Kiểm đếm xong", TODAY() + dt.timedelta(days=10))],
        budget_vnd=Decimal("1500000000"),
        staff_count=6,
    )
    assert task.code == f"NV{TODAY().year}-{task.pk:06d}"
    assert task.milestones.count() == 1
    assert task.original_due_date == task.due_date
    event = AuditEvent.objects.latest("seq")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "create" and event.object_id == str(task.pk) and event.actor == world.office
    assert event.after["budget_vnd"] == "1500000000"


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("title", "rõ việc"),
        ("lead_unit", "rõ người"),
        ("lead_person", "rõ người"),
        ("due_date", "rõ thời gian"),
        ("expected_result", "rõ kết quả"),
        ("accountable_person", "rõ trách nhiệm"),
    ],
)
def test_it_names_the_missing_clarity_and_saves_nothing(world, field, words):
    count, events = Task.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        world.task(**{field: None})
    assert words in " ".join(exc.value.message_dict[field])
    assert Task.objects.count() == count and AuditEvent.objects.count() == events


def test_it_rejects_a_deadline_before_assignment_and_a_milestone_after_the_deadline(world):
    with pytest.raises(ValidationError) as exc:
        world.task(due_date=TODAY() - dt.timedelta(days=1))
    assert "không được trước ngày giao" in exc.value.message_dict["due_date"][0]
    with pytest.raises(ValidationError) as exc:
        world.task(
            due_date=TODAY() + dt.timedelta(days=5),
            milestones=[MilestoneInput("Muộn", TODAY() + dt.timedelta(days=9))],
        )
    assert "muộn hơn thời hạn" in exc.value.message_dict["milestones"][0]


def test_it_refuses_a_lead_unit_that_no_longer_exists(world):
    with pytest.raises(ValidationError) as exc:
        world.task(lead_unit=world.ward_a_old)
    assert "hết hiệu lực" in exc.value.message_dict["lead_unit"][0]


def test_ward_officers_cannot_assign_city_tasks_and_office_can(world):
    with pytest.raises(PermissionDenied):
        world.task(actor=world.officer_a)
    with pytest.raises(PermissionDenied):
        world.task(actor=world.outsider)
    assert world.task(actor=world.office).pk


def test_a_ward_officer_splits_their_task_but_not_into_another_ward(world):
    parent = world.task()
    sub = world.task(actor=world.officer_a, parent=parent, due_date=parent.due_date, title="Kiểm đếm tài sản")
    assert sub.parent == parent
    with pytest.raises(PermissionDenied):
        world.task(actor=world.officer_a, parent=parent, lead_unit=world.ward_b, due_date=parent.due_date)
    with pytest.raises(ValidationError):
        world.task(actor=world.officer_a, parent=parent, due_date=parent.due_date + dt.timedelta(days=1))


def test_status_is_derived_from_dates_in_python_and_sql(world):
    today = TODAY()
    task = world.task(assigned_on=today - dt.timedelta(days=40), due_date=today + dt.timedelta(days=30))
    cases = [
        (today + dt.timedelta(days=30), None, TaskStatus.ON_TRACK),
        (today + dt.timedelta(days=3), None, TaskStatus.DUE_SOON),
        (today - dt.timedelta(days=1), None, TaskStatus.OVERDUE),
        (today - dt.timedelta(days=1), today - dt.timedelta(days=2), TaskStatus.DONE_ON_TIME),
        (today - dt.timedelta(days=5), today - dt.timedelta(days=2), TaskStatus.DONE_LATE),
    ]
    for due, done, expected in cases:
        Task.objects.filter(pk=task.pk).update(due_date=due, completed_on=done)
        task.refresh_from_db()
        assert task.compute_status(today) == expected
        assert Task.objects.with_status(today).get(pk=task.pk).status == expected


def test_progress_report_updates_progress_and_flags_beyond_authority(world):
    task = world.task()
    report = do_report_progress(
        actor=world.officer_a, task=task, period="weekly", percent=40, content="Đã kiểm đếm 40% số hộ",
        obstacles="3 hộ chưa đồng ý giá bồi thường", proposals="Đề nghị thành phố tổ chức đối thoại",
        beyond_authority=True,
    )
    task.refresh_from_db()
    assert task.progress_percent == 40 and task.last_reported_on == TODAY()
    assert report.beyond_authority and report.acknowledged_at is None
    with pytest.raises(PermissionDenied):
        do_acknowledge_report(actor=world.officer_a, report=report, response="Đồng ý")
    do_acknowledge_report(actor=world.leader, report=report, response="Giao Văn phòng bố trí đối thoại")
    report.refresh_from_db()
    assert report.acknowledged_by == world.leader


def test_progress_report_rejects_bad_input_and_other_wards(world):
    task = world.task()
    with pytest.raises(ValidationError) as exc:
        do_report_progress(actor=world.officer_a, task=task, period="weekly", percent=140, content="")
    assert set(exc.value.message_dict) == {"percent", "content"}
    with pytest.raises(PermissionDenied):
        do_report_progress(actor=world.officer_b, task=task, period="weekly", percent=10, content="x")
    with pytest.raises(ValidationError) as exc:
        do_report_progress(actor=world.officer_a, task=task, period="weekly", percent=10, content="x", beyond_authority=True)
    assert "vượt thẩm quyền" in exc.value.message_dict["proposals"][0]


def test_adjusting_a_deadline_keeps_history_with_the_deciding_document(world):
    task = world.task()
    decision = do_create_document(
        actor=world.office, system="state", kind="QĐ", number="15", issuer_code="UBND",
        issuer=world.ward_a_committee, issued_on=TODAY(), title="Điều chỉnh tiến độ",
    )
    new_due = task.due_date + dt.timedelta(days=60)
    old_due = task.due_date
    adj = do_adjust_task(
        actor=world.office, task=task, field="due_date", new_value=new_due, deciding_document=decision,
        reason="Vướng giải phóng mặt bằng",
    )
    task.refresh_from_db()
    assert task.due_date == new_due and task.original_due_date == old_due and task.version == 2
    assert adj.old_value == old_due.strftime("%d/%m/%Y") and adj.deciding_document == decision
    with pytest.raises(ValidationError) as exc:
        do_adjust_task(actor=world.office, task=task, field="due_date", new_value=new_due, deciding_document=None, reason="")
    assert {"deciding_document", "reason"} <= set(exc.value.message_dict)
    assert Adjustment.objects.filter(task=task).count() == 1


def test_closing_requires_result_evaluation_and_closed_subtasks(world):
    task = world.task()
    sub = world.task(parent=task, due_date=task.due_date)
    with pytest.raises(ValidationError) as exc:
        do_close_task(actor=world.office, task=task, completed_on=TODAY(), result_summary="xong", evaluation="good")
    assert "nhiệm vụ con" in exc.value.message_dict["task"][0]
    do_close_task(actor=world.office, task=sub, completed_on=TODAY(), result_summary="Xong", evaluation="good")
    do_close_task(actor=world.office, task=task, completed_on=TODAY(), result_summary="Đã bàn giao", evaluation="excellent")
    task.refresh_from_db()
    assert task.compute_status() == TaskStatus.DONE_ON_TIME and task.progress_percent == 100
    with pytest.raises(ValidationError):
        do_report_progress(actor=world.officer_a, task=task, period="weekly", percent=100, content="x")


def test_visible_to_scopes_tasks_by_unit_and_succession(world):
    a = world.task(title="Việc phường A")
    b = world.task(title="Việc phường B", lead_unit=world.ward_b, lead_person=world.officer_b_person)
    assert set(Task.objects.visible_to(world.officer_a)) == {a}
    assert set(Task.objects.visible_to(world.officer_b)) == {b}
    assert set(Task.objects.visible_to(world.leader)) == {a, b}
    assert set(Task.objects.visible_to(world.office)) == {a, b}
    assert set(Task.objects.visible_to(world.admin)) == {a, b}
    assert not Task.objects.visible_to(world.outsider).exists()
    b.coordinating_units.add(world.ward_a)
    assert set(Task.objects.visible_to(world.officer_a)) == {a, b}


def test_notation_is_parsed_and_rendered_in_both_forms(world):
    state = parse_notation("Số: 15/QĐ-UBND")
    assert (state.system, state.number, state.kind, state.issuer_code) == ("state", "15", "QĐ", "UBND")
    party = parse_notation("Số 12-NQ/TU")
    assert (party.system, party.number, party.kind, party.issuer_code) == ("party", "12", "NQ", "TU")
    assert world.resolution.notation == "Số 01-NQ/ĐH"
    with pytest.raises(ValidationError):
        parse_notation("mười lăm")


def test_cancelling_records_its_date_and_deciding_document(world):
    from dieuhanh.directives.services import do_cancel_task

    task = world.task(assigned_on=dt.date(2023, 1, 10), due_date=dt.date(2025, 12, 31))
    review = do_create_document(
        actor=world.office, system="party", kind="KL", number="75", issuer_code="TU", issuer=world.party_committee,
        issued_on=dt.date(2023, 5, 16), title="Kết luận sơ kết giữa nhiệm kỳ",
    )
    with pytest.raises(ValidationError) as exc:
        do_cancel_task(actor=world.office, task=task, reason="Không còn phù hợp", deciding_document=review,
                       cancelled_on=dt.date(2023, 5, 1))
    assert "trước ngày ban hành" in exc.value.message_dict["cancelled_on"][0]
    do_cancel_task(actor=world.office, task=task, reason="Không còn phù hợp", deciding_document=review,
                   cancelled_on=dt.date(2023, 5, 16))
    task.refresh_from_db()
    assert (task.cancelled_on, task.cancel_document, task.compute_status()) == (dt.date(2023, 5, 16), review, TaskStatus.CANCELLED)


def test_meetings_are_scoped_and_cannot_cite_an_invisible_conclusion(world):
    from dieuhanh.directives.models import Meeting
    from dieuhanh.directives.services import do_create_meeting

    ward_b_doc = do_create_document(
        actor=world.office, system="state", kind="TB", number="3", issuer_code="UBND", issuer=world.ward_b_committee,
        issued_on=TODAY(), title="Thông báo kết luận của phường B",
    )
    ward_b_meeting = do_create_meeting(
        actor=world.office, organisation=world.ward_b_committee, title="Giao ban phường B", held_on=TODAY(),
        conclusion=ward_b_doc,
    )
    assert set(Meeting.objects.visible_to(world.officer_b)) == {ward_b_meeting}
    assert not Meeting.objects.visible_to(world.officer_a).exists()
    assert set(Meeting.objects.visible_to(world.leader)) == {ward_b_meeting}
    world.officer_a.grants.create(role="office", unit=world.ward_a)
    from dieuhanh.org import scope

    scope.forget(world.officer_a)
    with pytest.raises(PermissionDenied):
        do_create_meeting(actor=world.officer_a, organisation=world.ward_a_committee, title="Giao ban phường A",
                          held_on=TODAY(), conclusion=ward_b_doc)
