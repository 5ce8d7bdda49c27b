"""Audit verbs are declared by the app that writes them, not listed in a `core` migration: a new
app's verbs appear in the log, its page and its filter with no edit outside the app (decision
0009); an undeclared verb is a bug caught when the event is written."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from dieuhanh.core import audit
from dieuhanh.core.models import AuditEvent


@pytest.fixture
def verbs(monkeypatch):
    """The registry as the apps left it, restored after the test."""
    monkeypatch.setattr(audit, "_VERBS", dict(audit._VERBS))


def _record(action: str, object_type: str = "kiemtra.cuockiemtra") -> AuditEvent:
    with transaction.atomic():
        return audit.record(actor=None, action=action, object_type=object_type, object_id=7,
                            object_repr="Cuộc kiểm tra số 7", after={"trạng thái": "đã kết luận"})


def test_it_refuses_a_verb_nobody_declared(db, verbs):
    with pytest.raises(ValueError, match="register_verbs"):
        _record("ket_luan")
    assert not AuditEvent.objects.filter(action="ket_luan").exists()


def test_a_verb_declared_at_start_up_is_written_shown_and_offered_without_a_migration(client, world, verbs):
    audit.register_verbs([("ket_luan", "Kết luận kiểm tra")], object_type="kiemtra.cuockiemtra")
    event = _record("ket_luan")
    assert audit.verify_chain().ok  # the chain still holds
    client.force_login(world.inspector)
    page = client.get(reverse("audit_log"), {"action": "ket_luan"}).content.decode()
    assert "Kết luận kiểm tra" in page and "Cuộc kiểm tra số 7" in page and "1 sự kiện" in page
    assert '<option value="ket_luan"' in client.get(reverse("audit_log")).content.decode()
    assert event.action == "ket_luan"


def test_one_word_keeps_each_apps_meaning(db):
    assert audit.verb_label("receive", "petitions.petition") == "Tiếp nhận"
    assert audit.verb_label("receive", "dossiers.dossier") == "Tiếp nhận hồ sơ"
    assert audit.verb_label("create", "petitions.petition") == "Tạo"  # the shared verbs serve every type
    assert audit.verb_label("retired_verb", "petitions.petition") == "retired_verb"  # an old event still reads
    assert [v for v, _ in audit.verb_choices()].count("receive") == 1


def test_a_verb_longer_than_the_column_is_refused_when_declared(verbs):
    with pytest.raises(ValueError):
        audit.register_verbs([("x" * 21, "Quá dài")])
