import pytest
from django.db import connection, transaction

from dieuhanh.core import audit
from dieuhanh.core.models import AuditEvent


def test_every_change_is_chained_and_verifies(world):
    world.task()
    report = audit.verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count() >= 2


def test_editing_a_row_by_hand_is_detected_and_named(world):
    world.task()
    world.task(title="Nhiệm vụ thứ hai")
    target = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEvent._meta.db_table} SET object_repr = %s WHERE id = %s", ["sửa tay", target.id])
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == target.seq and "sửa" in report.reason


def test_deleting_a_row_by_hand_is_detected(world):
    world.task()
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [last.id])
    assert not audit.verify_chain().ok


def test_events_cannot_be_edited_or_deleted_through_the_orm(world):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_a_failed_change_leaves_no_audit_event(world):
    count = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.task()
        raise RuntimeError("rollback")
    assert AuditEvent.objects.count() == count


def test_record_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="create", object_type="x", object_id=1, object_repr="x")
