import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dieuhanh.core.models import AuditEvent
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import Organisation
from dieuhanh.petitions import receiving, services
from dieuhanh.petitions.choices import Kind, State
from dieuhanh.petitions.models import Petition, PetitionStep
from dieuhanh.testing import amend_rule

D = dt.date


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_petition_without_content_is_refused_and_nothing_saved(world):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as e:
        world.petition(content="  ", subject="")
    assert "Thiếu nội dung đơn" in _errors(e)["content"][0]
    assert not Petition.objects.exists() and AuditEvent.objects.count() == before


def test_impossible_dates(world):
    with pytest.raises(ValidationError) as e:
        world.petition(received_on=D(2026, 3, 2), dated_on=D(2026, 3, 5))
    assert "sau ngày nhận đơn" in _errors(e)["dated_on"][0]
    p = world.petition(received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 2, 27))
    assert "trước ngày nhận đơn (02/03/2026)" in _errors(e)["accepted_on"][0]
    with pytest.raises(ValidationError) as e:
        services.do_guide(actor=world.reception_a, petition=p, note="Hướng dẫn", on=D(2030, 1, 1))
    assert "sau ngày hôm nay" in _errors(e)["routed_on"][0]
    p.refresh_from_db()
    assert p.state == State.RECEIVED and p.steps.count() == 1


def test_transition_not_allowed_from_the_current_state(world):
    p = world.petition(received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError) as e:
        services.do_conclude(actor=world.leader, petition=p, result="right", conclusion="Đúng")
    assert _errors(e)["state"] == ["Không thể «kết luận, ra quyết định» đơn đang ở trạng thái «Đã tiếp nhận, chờ xử lý»."]
    services.do_archive(actor=world.reception_a, petition=p, reason="already_guided", on=D(2026, 3, 3))
    with pytest.raises(ValidationError):
        services.do_accept(actor=world.reception_a, petition=p)


def test_wrong_result_for_kind(world):
    p = world.petition(received_on=D(2026, 3, 2))
    services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 3), handlers=[world.officer_a])
    with pytest.raises(ValidationError) as e:
        services.do_conclude(actor=world.officer_a, petition=p, result="true", conclusion="x", on=D(2026, 3, 10))
    assert "khiếu nại đúng" in _errors(e)["result"][0]


def test_roles(world):
    with pytest.raises(PermissionDenied):
        world.petition(actor=world.officer_a)  # a ward officer does not receive petitions
    with pytest.raises(PermissionDenied):
        world.petition(actor=world.reception_b)  # ward B's desk cannot register for ward A
    p = world.petition(received_on=D(2026, 3, 2))
    services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 3), handlers=[world.officer_a])
    with pytest.raises(PermissionDenied):
        services.do_verify(actor=world.officer_a2, petition=p)  # not a handler, not a leader
    with pytest.raises(PermissionDenied):
        services.do_verify(actor=world.officer_b, petition=p)
    services.do_verify(actor=world.leader, petition=p, on=D(2026, 3, 4))


def test_transfer_only_once(world):
    p = world.petition(channel="transferred", transferred_from="Thanh tra tỉnh", received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError) as e:
        services.do_transfer(actor=world.reception_a, petition=p, to="UBND thành phố")
    assert "chỉ được chuyển một lần (Thông tư 05/2021/TT-TTCP)" in _errors(e)["transferred_to"][0]
    services.do_guide(actor=world.reception_a, petition=p, note="Hướng dẫn gửi Toà án nhân dân khu vực", on=D(2026, 3, 4))
    assert Petition.objects.get(pk=p.pk).state == State.GUIDED


def test_the_number_of_transfers_comes_from_the_rule_table(world):
    """Rule `petition.transfer_times` of the receipt date: once, until a later version allows two;
    a petition received before that version keeps the old limit."""
    amend_rule("petition.transfer_times", 2, D(2026, 3, 1), citation="Thông tư 9/2026/TT-TTCP")
    old = world.petition(channel="transferred", transferred_from="Thanh tra tỉnh", received_on=D(2026, 2, 27))
    with pytest.raises(ValidationError) as e:
        services.do_transfer(actor=world.reception_a, petition=old, to="UBND thành phố", on=D(2026, 3, 2))
    assert "chỉ được chuyển một lần (Thông tư 05/2021/TT-TTCP)" in _errors(e)["transferred_to"][0]
    new = world.petition(channel="transferred", transferred_from="Thanh tra tỉnh", received_on=D(2026, 3, 2))
    new = services.do_transfer(actor=world.reception_a, petition=new, to="UBND thành phố", on=D(2026, 3, 3))
    assert new.state == State.TRANSFERRED and new.transferred_to == "UBND thành phố"


def test_a_group_petition_has_as_many_signers_as_the_rule_table_says(world):
    """Rule `petition.group_signers`: five or more signers (Circular 05/2021), until a later
    version says ten; each petition is read by its receipt date."""
    assert world.petition(signer_count=5, received_on=D(2026, 3, 2)).is_group
    assert not world.petition(signer_count=4, received_on=D(2026, 3, 2)).is_group
    amend_rule("petition.group_signers", 10, D(2026, 3, 1))
    assert not world.petition(signer_count=7, received_on=D(2026, 3, 2)).is_group
    assert world.petition(signer_count=10, received_on=D(2026, 3, 2)).is_group
    assert world.petition(signer_count=7, received_on=D(2026, 2, 27)).is_group



def test_denunciation_rules(world):
    anon = world.petition(kind=Kind.DENUNCIATION, is_anonymous=True, identity={}, received_on=D(2026, 3, 2),
                          content="Tố cáo nặc danh về việc xây dựng trái phép của cán bộ phường.")
    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.reception_a, petition=anon, on=D(2026, 3, 3))
    assert "Điều 25" in _errors(e)["is_anonymous"][0]
    member = world.petition(kind=Kind.DENUNCIATION, against_party_member=True, received_on=D(2026, 3, 2),
                            content="Tố cáo đảng viên chi bộ khu dân cư số 4 vi phạm quy định.")
    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.reception_a, petition=member, on=D(2026, 3, 3))
    assert "tổ chức đảng" in _errors(e)["handling_org"][0]
    ubkt = Organisation.objects.create(name="Uỷ ban Kiểm tra Đảng uỷ phường", short_name="UBKT",
                                       kind=OrganisationKind.PARTY_COMMITTEE, unit=world.ward_a)
    services.do_classify(actor=world.reception_a, petition=member, handling_org=ubkt, on=D(2026, 3, 2))
    assert services.do_accept(actor=world.reception_a, petition=member, on=D(2026, 3, 3)).state == State.ACCEPTED


def test_second_time_complaint(world):
    first = world.petition(received_on=D(2026, 2, 27))
    services.do_accept(actor=world.reception_a, petition=first, on=D(2026, 3, 2), handlers=[world.officer_a])
    services.do_conclude(actor=world.officer_a, petition=first, on=D(2026, 3, 25), result="wrong",
                         conclusion="Giữ nguyên quyết định", decision_number="45/QĐ-UBND")
    first = services.do_send_decision(actor=world.officer_a, petition=first, on=D(2026, 3, 31))
    assert receiving.second_complaint_limit(first) == D(2026, 5, 4)  # 31/3 + 30 = Thu 30/4 (holiday) → Mon 4/5
    second = receiving.do_second_complaint(actor=world.office, previous=first, content="Không đồng ý với quyết định 45/QĐ-UBND.",
                                          receiving_unit=world.city, received_on=D(2026, 5, 4))
    assert second.level == 2 and second.previous == first and second.eligible is None
    assert second.due_rule == "complaint.second.accept" and second.unit == world.ward_a
    assert second.duplicate_of is None and not second.is_over_level  # the same matter, filed upwards by law
    late = receiving.do_second_complaint(actor=world.office, previous=first, content="Khiếu nại lần hai gửi muộn.",
                                        receiving_unit=world.city, received_on=D(2026, 5, 5))
    assert late.time_barred and late.file_limit_on == D(2026, 5, 4)
    with pytest.raises(ValidationError) as e:
        services.do_accept(actor=world.office, petition=late, on=D(2026, 5, 6))
    assert "Điều 33" in _errors(e)["late_excuse"][0]


def test_every_step_is_recorded_and_audited(world):
    p = world.petition(received_on=D(2026, 3, 2))
    services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 3), handlers=[world.officer_a])
    services.do_verify(actor=world.officer_a, petition=p, on=D(2026, 3, 4))
    actions = list(PetitionStep.objects.filter(petition=p).values_list("action", "to_state"))
    assert actions == [("receive", "received"), ("accept", "accepted"), ("verify", "verifying")]
    audited = list(AuditEvent.objects.filter(object_type="petitions.petition", object_id=str(p.pk)).values_list("action", flat=True))
    assert audited == ["receive", "accept", "verify"]


def test_dialogue_matter_becomes_a_task(world):
    from dieuhanh.petitions.models import ReceptionSession

    session = receiving.do_create_session(
        actor=world.reception_a, kind="dialogue", unit=world.ward_a, held_on=D(2026, 3, 2), place="Nhà văn hoá khu 3",
        host=world.leader_person, citizens_count=40, matters="Đường ngõ 5 ngập úng mỗi khi mưa",
    )
    assert ReceptionSession.objects.visible_to(world.officer_a).filter(pk=session.pk).exists()
    assert not ReceptionSession.objects.visible_to(world.officer_b).exists()
    p = world.petition(kind=Kind.RECOMMENDATION, channel="session", session=session, received_on=D(2026, 3, 2),
                       subject="Ngập úng ngõ 5", content="Đề nghị cải tạo rãnh thoát nước ngõ 5 khu 3 bị ngập khi mưa.")
    services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 3))
    task = services.do_task_from_petition(
        actor=world.office, petition=p, source_document=world.resolution, lead_unit=world.ward_a,
        lead_person=world.officer_a_person, due_date=D(2026, 12, 31), expected_result="Rãnh thoát nước được cải tạo",
        accountable_person=world.leader_person,
    )
    assert Petition.objects.get(pk=p.pk).task == task and "Ngập úng ngõ 5" in task.title
