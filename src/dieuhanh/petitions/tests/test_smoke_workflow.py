import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dieuhanh.petitions import services
from dieuhanh.petitions.choices import State


def test_complaint_through_its_workflow(world):
    p = world.petition(received_on=dt.date(2026, 3, 2))
    assert p.state == State.RECEIVED and p.due_on == dt.date(2026, 3, 16)
    p = services.do_accept(actor=world.reception_a, petition=p, on=dt.date(2026, 3, 5), handlers=[world.officer_a])
    assert p.resolve_due_on == dt.date(2026, 4, 6)  # 30 days from 5/3 → Sat 4/4 → Mon 6/4
    p = services.do_verify(actor=world.officer_a, petition=p, on=dt.date(2026, 3, 9))
    p = services.do_conclude(actor=world.officer_a, petition=p, on=dt.date(2026, 3, 30), result="partly_right",
                             conclusion="Đúng một phần", decision_number="45/QĐ-UBND")
    assert p.state == State.CONCLUDED and p.due_on == dt.date(2026, 4, 2)
    p = services.do_send_decision(actor=world.officer_a, petition=p, on=dt.date(2026, 4, 1))
    assert p.state == State.RESOLVED and p.due_on is None
    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.reception_a, petition=p)
    assert "state" in e.value.message_dict
