"""The notification service: visibility, once per key, e-mail through the queue and real SMTP."""

from __future__ import annotations

from typing import Any

import pytest

from dieuhanh.core import queue
from dieuhanh.notifications.choices import EmailMode
from dieuhanh.notifications.models import Notification, Preference
from dieuhanh.notifications.services import notify, unread_count

pytestmark = pytest.mark.django_db


def _task(world: Any, unit: Any) -> Any:
    task = world.task(lead_unit=unit)
    Notification.objects.filter(rule="task.assigned").delete()  # its own notice of assignment (reminders)
    return task


def test_a_notification_reaches_only_those_who_see_the_object(world: Any) -> None:
    task = _task(world, world.ward_a)
    sent = notify([world.officer_a, world.officer_b, world.leader], rule="task.assigned", title="Nhiệm vụ mới",
                  obj=task, url=task.get_absolute_url())
    assert {n.recipient_id for n in sent} == {world.officer_a.pk, world.leader.pk}
    assert unread_count(world.officer_b) == 0
    assert unread_count(world.officer_a) == 1


def test_a_key_makes_it_once_per_recipient(world: Any) -> None:
    task = _task(world, world.ward_a)
    for _ in range(3):
        notify([world.officer_a], rule="task.overdue", title="Quá hạn", obj=task, key=f"task.overdue:{task.pk}:w1")
    assert Notification.objects.filter(recipient=world.officer_a, rule="task.overdue").count() == 1


def test_immediate_email_goes_through_the_queue_to_a_real_smtp_server(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.officer_a.email = "canbo.a@phuong-a.example"
    world.officer_a.save()
    Preference.objects.create(user=world.officer_a, email_mode=EmailMode.IMMEDIATE)
    world.leader.email = "lanhdao@example"
    world.leader.save()  # the leader keeps the default (digest): no message now
    task = _task(world, world.ward_a)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.officer_a, world.leader], rule="task.assigned", title="Nhiệm vụ mới: kiểm tra", obj=task,
               url=task.get_absolute_url())
    assert queue.drain() == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Nhiệm vụ mới: kiểm tra"]
    assert smtp_server.messages[0]["To"] == "canbo.a@phuong-a.example"
    assert task.get_absolute_url() in smtp_server.messages[0].get_content()
    assert Notification.objects.get(recipient=world.officer_a).emailed_at is not None
    assert Notification.objects.get(recipient=world.leader).emailed_at is None


def test_no_mail_job_is_queued_for_those_who_read_in_the_app_or_the_digest(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.officer_a.email = "canbo.a@phuong-a.example"
    world.officer_a.save()  # the default: the digest
    task = _task(world, world.ward_a)
    before = queue.pending()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.officer_a, world.leader], rule="task.note", title="Ghi chú", obj=task)
    assert queue.pending() == before
    Preference.objects.create(user=world.officer_a, email_mode=EmailMode.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.officer_a, world.leader], rule="task.note", title="Ghi chú 2", obj=task)
    assert queue.pending() == before + 1
