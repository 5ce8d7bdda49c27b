"""The pickers of people and bodies every app's forms share: a handler picker offers only those who
may handle the case, each by name and post; a leader picker shows posts; a body picker offers
today's bodies, each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dieuhanh.org.choices import AssignmentKind
from dieuhanh.org.models import Assignment, Position

pytestmark = pytest.mark.django_db


def _post(person, organisation, title, *, head=False, start=dt.date(2021, 1, 1), end=None):
    position = Position.objects.create(organisation=organisation, title=title, is_head=head, is_leadership=True)
    return Assignment.objects.create(person=person, position=position, kind=AssignmentKind.APPOINTED,
                                     start_date=start, end_date=end)


def _labels(field) -> dict[str, str]:
    return {str(value): label for value, label in field.choices if value != ""}


def test_petition_handler_picker_offers_only_officers_of_its_unit_by_name_and_post(world):
    from dieuhanh.petitions.action_forms import AcceptForm, AssignForm

    _post(world.officer_a_person, world.ward_a_committee, "Công chức Tư pháp - Hộ tịch")
    _post(world.officer_a_person, world.ward_a_committee, "Phó Chủ tịch", end=dt.date(2024, 12, 31))  # no longer
    _post(world.leader_person, world.party_committee, "Bí thư Thành uỷ", head=True)
    p = world.petition()
    for form_class in (AssignForm, AcceptForm):
        labels = _labels(form_class(case=p, user=world.reception_a).fields["handlers"])
        offered = {int(pk) for pk in labels}
        # The inspection commission handles a denunciation of a party member: it is offered too.
        assert {world.officer_a.pk, world.officer_a2.pk, world.reception_a.pk, world.leader.pk,
                world.inspector.pk} <= offered
        # Not the system administrator, not another ward's officer, not the office (which routes,
        # not handles), not the one-stop desk, not an account without a role.
        for nobody in (world.admin, world.officer_b, world.reception_b, world.office, world.onestop_a, world.outsider):
            assert nobody.pk not in offered
        assert labels[str(world.officer_a.pk)] == "Lê Thị An — Công chức Tư pháp - Hộ tịch, UBND phường Chu Văn An"
        assert labels[str(world.leader.pk)] == "Trần Văn Lãnh — Bí thư Thành uỷ, Thành uỷ Chí Linh"
        assert labels[str(world.officer_a2.pk)] == "phuong_a2"  # an account that is nobody's: its login


def test_petition_services_refuse_a_handler_the_picker_would_not_offer(world):
    from dieuhanh.petitions import services

    p = world.petition()
    for nobody in (world.admin, world.officer_b, world.onestop_a, world.office):
        with pytest.raises(ValidationError) as exc:
            services.do_assign(actor=world.reception_a, petition=p, users=[nobody])
        assert "handlers" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.do_accept(actor=world.reception_a, petition=p, handlers=[nobody])
        assert "handlers" in exc.value.message_dict
    services.do_assign(actor=world.reception_a, petition=p, users=[world.officer_a])
    assert list(p.assignments.values_list("user_id", flat=True)) == [world.officer_a.pk]


def test_leader_pickers_show_posts(world):
    from dieuhanh.directives.forms import TaskForm
    from dieuhanh.petitions.action_forms import MakeTaskForm

    _post(world.leader_person, world.party_committee, "Bí thư Thành uỷ", head=True)
    form = TaskForm(user=world.office)
    for name in ("accountable_person", "lead_person"):
        assert _labels(form.fields[name])[str(world.leader_person.pk)] == "Trần Văn Lãnh — Bí thư Thành uỷ, Thành uỷ Chí Linh"
    assert _labels(form.fields["accountable_person"])[str(world.officer_a_person.pk)] == "Lê Thị An"  # no post
    # A post held no longer: the last one, as people write it («nguyên …», former).
    _post(world.officer_b_person, world.ward_b_committee, "Phó Chủ tịch", start=dt.date(2016, 1, 1), end=dt.date(2020, 6, 30))
    _post(world.officer_b_person, world.ward_b_committee, "Chủ tịch", start=dt.date(2020, 7, 1), end=dt.date(2025, 6, 30))
    form = TaskForm(user=world.office)
    assert _labels(form.fields["accountable_person"])[str(world.officer_b_person.pk)] == (
        "Phạm Văn Bình — nguyên Chủ tịch, UBND phường Chí Linh"
    )
    p = world.petition()
    make_task = MakeTaskForm(case=p, user=world.reception_a)
    assert "Bí thư Thành uỷ" in _labels(make_task.fields["accountable_person"])[str(world.leader_person.pk)]


def test_lead_person_options_for_a_unit_show_posts(world):
    from django.urls import reverse

    from dieuhanh.testing import signed_in

    _post(world.officer_a_person, world.ward_a_committee, "Chủ tịch", head=True)
    html = signed_in(world.office).get(reverse("directives:person_options"), {"lead_unit": world.ward_a.pk}).content.decode()
    assert "Lê Thị An — Chủ tịch, UBND phường Chu Văn An" in html


def _boards(world):
    """A residential area's board before the reform (in 2021's ward) and the board that carried
    its name into today's ward."""
    from dieuhanh.org.choices import OrganisationKind
    from dieuhanh.org.models import Organisation

    name = "Ban công tác khu dân cư Tân Tiến"
    old = Organisation.objects.create(name=name, kind=OrganisationKind.VILLAGE_BOARD, unit=world.ward_a_old,
                                      valid_to=dt.date(2025, 6, 30))
    new = Organisation.objects.create(name=name, kind=OrganisationKind.VILLAGE_BOARD, unit=world.ward_a,
                                      valid_from=dt.date(2025, 7, 1))
    return old, new


def test_competent_body_pickers_offer_todays_bodies_each_once(world):
    from dieuhanh.petitions.action_forms import ClassifyForm, SecondComplaintForm

    old, new = _boards(world)
    p = world.petition()
    for form in (ClassifyForm(case=p, user=world.reception_a), SecondComplaintForm(case=p, user=world.reception_a)):
        labels = _labels(form.fields["handling_org"])
        assert str(new.pk) in labels and str(old.pk) not in labels
        assert len(set(labels.values())) == len(labels)


def test_a_petitions_ended_competent_body_stays_its_choice(world):
    from dieuhanh.petitions.action_forms import ClassifyForm

    old, _new = _boards(world)
    p = world.petition()
    p.handling_org = old
    p.save(update_fields=["handling_org"])
    labels = _labels(ClassifyForm(case=p, user=world.reception_a).fields["handling_org"])
    assert labels[str(old.pk)].endswith("— đến 30/06/2025")


def test_issuer_picker_tells_a_body_from_its_namesake_of_before_the_reform(world):
    from dieuhanh.directives.forms import DocumentForm, MeetingForm

    old, new = _boards(world)
    for form in (DocumentForm(user=world.office), MeetingForm(user=world.office)):
        field = form.fields["issuer" if "issuer" in form.fields else "organisation"]
        labels = _labels(field)
        assert labels[str(new.pk)] == "Ban công tác khu dân cư Tân Tiến (Phường Chu Văn An)"
        assert labels[str(old.pk)] == "Ban công tác khu dân cư Tân Tiến (Phường Sao Đỏ) — đến 30/06/2025"
        assert len(set(labels.values())) == len(labels)
        assert list(labels).index(str(new.pk)) < list(labels).index(str(old.pk))  # today's bodies first


def test_make_task_forms_offer_the_units_the_user_may_assign_to(world):
    """The administrator may assign anywhere, but is offered the units this installation serves,
    not every commune of the country (seven of them named «Xã Tân Tiến»)."""
    from dieuhanh.directives.forms import TaskForm
    from dieuhanh.org.choices import UnitKind, UnitLevel
    from dieuhanh.org.models import AdminUnit
    from dieuhanh.petitions.action_forms import MakeTaskForm

    elsewhere = AdminUnit.objects.create(code="99", name="Tỉnh Khác", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE)
    commune = AdminUnit.objects.create(code="99999", name="Xã Tân Tiến", level=UnitLevel.COMMUNE,
                                       kind=UnitKind.COMMUNE, parent=elsewhere)
    p = world.petition()
    for user in (world.admin, world.office, world.leader):
        for form in (TaskForm(user=user), MakeTaskForm(case=p, user=world.leader if user is world.leader else user)):
            offered = {int(pk) for pk in _labels(form.fields["lead_unit"])}
            assert world.ward_a.pk in offered and world.ward_b.pk in offered
            assert commune.pk not in offered and elsewhere.pk not in offered
            assert world.ward_a_old.pk not in offered  # a unit that no longer exists
    for nobody in (world.inspector, world.officer_a):
        assert not _labels(TaskForm(user=nobody).fields["lead_unit"])
    # Nor where a matter arises, or which units coordinate: the country's other Xã Tân Tiến is
    # not offered to the administrator beside this city's units.
    from dieuhanh.petitions.forms import ReceiveForm

    for offered in (TaskForm(user=world.admin).fields["coordinating_units"], ReceiveForm(user=world.admin).fields["unit"]):
        ids = {int(pk) for pk in _labels(offered)}
        assert world.ward_a.pk in ids and commune.pk not in ids
