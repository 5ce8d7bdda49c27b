from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from dieuhanh.core import audit
from dieuhanh.core.http import AnyUser
from dieuhanh.core.tests.exampleapp.cases import INSPECTIONS
from dieuhanh.core.tests.exampleapp.models import Inspection, State


def do_close(*, actor: AnyUser, inspection: Inspection, conclusion: str) -> Inspection:
    with transaction.atomic():
        i = Inspection.objects.select_for_update().get(pk=inspection.pk)
        INSPECTIONS.check(actor, i, "close")
        if not conclusion.strip():
            raise ValidationError({"conclusion": ["Ghi nội dung kết luận kiểm tra."]})
        before = audit.snapshot(i, ["state", "conclusion"])
        i.state, i.conclusion = State.CLOSED, conclusion.strip()
        i.save()
        audit.record(actor=actor, action="close_inspection", obj=i, before=before,
                     after=audit.snapshot(i, ["state", "conclusion"]))
        return i
