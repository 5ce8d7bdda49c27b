"""Deadline vectors worked out by hand from LEGAL.md and the 2026 civil-service calendar:
Tết off Sat 14/02 – Sun 22/02, Mon 27/04 (Hùng Kings), 30/04 – 01/05, Sat 22/08 worked,
Sat 29/08 – Wed 02/09 off. The day of receipt is not counted; a calendar-day period ending on a
day off ends on the next working day (Civil Code Arts 147–148)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dieuhanh.petitions import deadlines, services
from dieuhanh.petitions.choices import Complexity, Kind, State
from dieuhanh.petitions.models import Petition
from dieuhanh.petitions.tests.helpers import unsaved_petition as _p
from dieuhanh.testing import amend_rule

D = dt.date




def _due(p: Petition, step: str) -> dt.date | None:
    return next(d for d in deadlines.compute(p) if d.step == step).due_on


@pytest.mark.django_db
class TestRouting:
    def test_complaint_acceptance_crosses_tet(self):
        # Mon 9/2: Tue 10 … Fri 13 = 4 days; Tết 16–20/2 off; Mon 23 … Fri 27 = 9; Mon 2/3 = 10.
        assert _due(_p(), "routing") == D(2026, 3, 2)

    def test_complaint_acceptance_old_case_keeps_ten_days_after_the_law_changed(self):
        old = _p(received_on=D(2026, 6, 30))
        new = _p(received_on=D(2026, 7, 1))
        assert _due(old, "routing") == D(2026, 7, 14)  # 10 working days
        assert _due(new, "routing") == D(2026, 7, 10)  # 7 working days from 1/7/2026
        assert next(d for d in deadlines.compute(old) if d.step == "routing").rule.period == 10
        assert "136/2025/QH15" in next(d for d in deadlines.compute(new) if d.step == "routing").citation

    def test_denunciation_check_counts_the_worked_saturday(self):
        p = _p(kind=Kind.DENUNCIATION, received_on=D(2026, 8, 17))
        assert _due(p, "routing") == D(2026, 8, 25)  # Tue 18 … Fri 21, Sat 22 worked, Mon 24, Tue 25
        assert _due(_p(kind=Kind.DENUNCIATION, received_on=D(2026, 8, 17), multi_site=True), "routing") == D(2026, 8, 28)

    def test_denunciation_transfer_five_working_days(self):
        p = _p(kind=Kind.DENUNCIATION, received_on=D(2026, 8, 17), state=State.TRANSFERRED)
        assert _due(p, "routing") == D(2026, 8, 22)  # the worked Saturday is the fifth day
        assert next(d for d in deadlines.compute(p) if d.step == "routing").rule.code == "denunciation.transfer"

    def test_denunciation_check_across_national_day(self):
        # Wed 26/8: Thu 27, Fri 28; 29/8 – 2/9 off; Thu 3, Fri 4, Mon 7, Tue 8, Wed 9.
        assert _due(_p(kind=Kind.DENUNCIATION, received_on=D(2026, 8, 26)), "routing") == D(2026, 9, 9)

    def test_reception_reply_only_for_matters_raised_in_person(self):
        assert _due(_p(channel="desk"), "reply") == D(2026, 3, 2)
        assert not any(d.step == "reply" for d in deadlines.compute(_p(channel="post")))

    def test_petition_processing_rule_version_by_receipt_date(self):
        before = next(d for d in deadlines.compute(_p(kind=Kind.FEEDBACK, received_on=D(2021, 10, 14))) if d.step == "routing")
        after = next(d for d in deadlines.compute(_p(kind=Kind.FEEDBACK, received_on=D(2021, 10, 15))) if d.step == "routing")
        assert "07/2014" in before.citation and "05/2021" in after.citation


@pytest.mark.django_db
class TestResolution:
    @pytest.mark.parametrize(
        ("level", "complexity", "remote", "expected"),
        [
            (1, Complexity.NORMAL, False, D(2026, 2, 23)),  # 15/1 + 30 = Sat 14/2 in Tết → Mon 23/2
            (1, Complexity.COMPLEX, False, D(2026, 3, 2)),  # + 45 = Sun 1/3 → Mon 2/3
            (1, Complexity.NORMAL, True, D(2026, 3, 2)),  # remote: 45
            (1, Complexity.COMPLEX, True, D(2026, 3, 16)),  # remote and complex: 60
            (2, Complexity.NORMAL, False, D(2026, 3, 2)),  # second time: 45
            (2, Complexity.COMPLEX, False, D(2026, 3, 16)),  # 60
            (2, Complexity.NORMAL, True, D(2026, 3, 16)),  # 60
            (2, Complexity.COMPLEX, True, D(2026, 3, 26)),  # 70
        ],
    )
    def test_complaint_periods(self, level, complexity, remote, expected):
        p = _p(received_on=D(2026, 1, 12), accepted_on=D(2026, 1, 15), state=State.ACCEPTED, level=level,
               complexity=complexity, remote=remote)
        assert _due(p, "resolve") == expected

    def test_second_time_period_ending_on_labour_day(self):
        p = _p(received_on=D(2026, 2, 27), accepted_on=D(2026, 3, 2), state=State.ACCEPTED, level=2,
               complexity=Complexity.COMPLEX)
        assert _due(p, "resolve") == D(2026, 5, 4)  # 2/3 + 60 = Fri 1/5 (holiday) → Mon 4/5

    @pytest.mark.parametrize(("extensions", "expected"), [(0, D(2026, 5, 4)), (1, D(2026, 6, 1)), (2, D(2026, 6, 30))])
    def test_denunciation_resolution_and_extensions(self, extensions, expected):
        p = _p(kind=Kind.DENUNCIATION, received_on=D(2026, 3, 25), accepted_on=D(2026, 4, 1), state=State.ACCEPTED,
               extensions=extensions)
        assert _due(p, "resolve") == expected  # 1/4 + 30 = 1/5 → 4/5; + 60 = Sun 31/5 → 1/6; + 90 = 30/6

    def test_decision_sent_within_three_working_days(self):
        p = _p(received_on=D(2026, 3, 2), accepted_on=D(2026, 3, 3), concluded_on=D(2026, 4, 29), state=State.CONCLUDED)
        assert _due(p, "send") == D(2026, 5, 6)  # Thu 30/4, Fri 1/5 off: Mon 4, Tue 5, Wed 6

    def test_suspended_days_do_not_count(self):
        p = _p(received_on=D(2026, 2, 27), accepted_on=D(2026, 3, 2), state=State.VERIFYING, suspended_days=10)
        assert _due(p, "resolve") == D(2026, 4, 13)  # 2/3 + 40 = Sat 11/4 → Mon 13/4
        paused = _p(received_on=D(2026, 2, 27), accepted_on=D(2026, 3, 2), state=State.SUSPENDED)
        assert _due(paused, "resolve") is None


def test_workflow_keeps_stored_deadlines(world):
    p = world.petition(kind=Kind.DENUNCIATION, received_on=D(2026, 3, 25), respondent="Ông Trần Văn B, cán bộ địa chính")
    assert p.confidential and p.due_on == D(2026, 4, 3)  # 7 working days: 26, 27, 30, 31/3, 1, 2, 3/4
    p = services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 4, 1), handlers=[world.officer_a])
    assert p.resolve_due_on == D(2026, 5, 4)
    assert (p.due_on, p.due_rule) == (D(2026, 4, 8), "denunciation.notify")  # 5 working days: 2, 3, 6, 7, 8/4
    p = services.do_notify(actor=world.officer_a, petition=p, on=D(2026, 4, 3))
    assert (p.due_on, p.due_rule) == (D(2026, 5, 4), "denunciation.resolve")
    p = services.do_extend(actor=world.officer_a, petition=p, legal_basis="Luật Tố cáo, Điều 30", on=D(2026, 4, 20))
    assert p.resolve_due_on == D(2026, 6, 1) and p.complexity == Complexity.COMPLEX
    with pytest.raises(ValidationError) as e:
        services.do_extend(actor=world.officer_a, petition=p, legal_basis="Luật Tố cáo, Điều 30", on=D(2026, 5, 20))
    assert "tối đa 1 lần" in e.value.message_dict["extensions"][0]
    p = services.do_extend(actor=world.officer_a, petition=p, legal_basis="Luật Tố cáo, Điều 30", on=D(2026, 5, 20),
                           complexity=Complexity.VERY_COMPLEX)
    assert p.resolve_due_on == D(2026, 6, 30) and p.extensions == 2
    steps = list(p.steps.values_list("action", "due_on"))
    assert ("extend", D(2026, 6, 30)) in steps
    with pytest.raises(ValidationError) as e:
        services.do_extend(actor=world.officer_a, petition=p, legal_basis="Luật Tố cáo, Điều 30", on=D(2026, 6, 15))
    assert "tối đa 2 lần (Luật Tố cáo 25/2018/QH14, Điều 30)" in e.value.message_dict["extensions"][0]


def test_the_number_of_extensions_comes_from_the_rule_table(world):
    """Rules `denunciation.extensions_complex` and `_very_complex` of the receipt date: a later
    version that allows three extensions lets a very complex denunciation received under it be
    extended a third time, 30 days each; one received before keeps two."""
    amend_rule("denunciation.extensions_very_complex", 3, D(2026, 3, 1), citation="Luật Tố cáo sửa đổi 9/2026/QH15")
    amend_rule("denunciation.extensions_complex", 2, D(2026, 3, 1), citation="Luật Tố cáo sửa đổi 9/2026/QH15")

    def extend(p: Petition, on: dt.date, complexity: str | None = None) -> Petition:
        return services.do_extend(actor=world.officer_a, petition=p, legal_basis="Luật Tố cáo", on=on,
                                  complexity=complexity)

    p = world.petition(kind=Kind.DENUNCIATION, received_on=D(2026, 3, 25), respondent="Ông Trần Văn B")
    p = services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 4, 1), handlers=[world.officer_a])
    assert p.resolve_due_on == D(2026, 5, 4)
    p = extend(p, D(2026, 4, 20))
    p = extend(p, D(2026, 5, 20))  # complex: twice under the new version
    assert (p.extensions, p.complexity, p.resolve_due_on) == (2, Complexity.COMPLEX, D(2026, 6, 30))
    with pytest.raises(ValidationError) as e:
        extend(p, D(2026, 6, 15))
    assert "tối đa 2 lần (Luật Tố cáo sửa đổi 9/2026/QH15)" in e.value.message_dict["extensions"][0]
    p = extend(p, D(2026, 6, 15), Complexity.VERY_COMPLEX)  # the third
    assert (p.extensions, p.resolve_due_on) == (3, D(2026, 7, 30))  # 1/4 + 30 + 3 × 30 = 30/7
    with pytest.raises(ValidationError) as e:
        extend(p, D(2026, 7, 15))
    assert "tối đa 3 lần (Luật Tố cáo sửa đổi 9/2026/QH15)" in e.value.message_dict["extensions"][0]

    old = world.petition(kind=Kind.DENUNCIATION, received_on=D(2026, 2, 27), respondent="Ông Trần Văn C")
    old = services.do_accept(actor=world.reception_a, petition=old, on=D(2026, 3, 2), handlers=[world.officer_a])
    old = extend(old, D(2026, 3, 20))
    with pytest.raises(ValidationError) as e:
        extend(old, D(2026, 4, 20))
    assert "tối đa 1 lần (Luật Tố cáo 25/2018/QH14, Điều 30)" in e.value.message_dict["extensions"][0]
    old = extend(old, D(2026, 4, 20), Complexity.VERY_COMPLEX)
    with pytest.raises(ValidationError) as e:
        extend(old, D(2026, 5, 20), Complexity.VERY_COMPLEX)
    assert "tối đa 2 lần (Luật Tố cáo 25/2018/QH14, Điều 30)" in e.value.message_dict["extensions"][0]


def test_suspension_moves_the_deadline(world):
    p = world.petition(received_on=D(2026, 2, 27))
    p = services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 2), handlers=[world.officer_a])
    p = services.do_suspend(actor=world.officer_a, petition=p, on=D(2026, 3, 10), legal_basis="Luật Khiếu nại, Điều 30",
                            reason="Chờ kết quả giám định của cơ quan chuyên môn")
    assert p.state == State.SUSPENDED and p.due_on is None
    p = services.do_resume(actor=world.officer_a, petition=p, on=D(2026, 3, 20))
    assert p.suspended_days == 10 and p.resolve_due_on == D(2026, 4, 13)
