"""Inspection, supervision and discipline: the legal periods with vectors worked from the rules,
the forms of discipline by subject, the case from decision to the end of its remedial work, and
who may read the files (confidential: the commission and the standing board, the subject for their
own case; not the office, a ward's officer, the one-stop desk or the system administrator)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from dieuhanh.core import legal_rules
from dieuhanh.core.cases import StateConflict
from dieuhanh.core.models import AuditEvent
from dieuhanh.inspection import rules, services, stats
from dieuhanh.inspection.choices import Body, Field, Form, Kind, Outcome, State, SubjectType, Verdict
from dieuhanh.inspection.models import Discipline, Inspection
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import Organisation
from dieuhanh.testing import bearer, signed_in

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(("start", "months", "end"), [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),  # no 31 February: the month's last day (Civil Code Art 148)
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a year from a 29 February
    (D(2020, 3, 15), 60, D(2025, 3, 15)),
    (D(2025, 12, 15), 1, D(2026, 1, 15)),
])
def test_a_period_of_months_ends_on_the_corresponding_day(start, months, end):
    assert legal_rules.add_months(start, months) == end


@pytest.mark.parametrize(("form", "violated", "decided", "last", "expired"), [
    (Form.REPRIMAND, D(2020, 3, 15), D(2025, 3, 15), D(2025, 3, 15), False),  # 5 years: the last day still counts
    (Form.REPRIMAND, D(2020, 3, 15), D(2025, 3, 16), D(2025, 3, 15), True),
    (Form.WARNING, D(2016, 1, 10), D(2026, 1, 10), D(2026, 1, 10), False),  # 10 years
    (Form.REMOVAL, D(2016, 1, 10), D(2026, 1, 11), D(2026, 1, 10), True),
    (Form.EXPULSION, D(1990, 1, 1), D(2026, 1, 1), None, False),  # no limitation for expulsion
])
def test_limitation_periods(form, violated, decided, last, expired):
    lim = rules.limitation(form, violated, decided)
    assert lim.last_day == last
    assert lim.expired_on(decided) is expired
    if last is not None:
        assert lim.rule is not None and "69-QĐ/TW" in lim.rule.citation


@pytest.mark.parametrize(("received", "due", "citation"), [
    (D(2026, 3, 2), D(2026, 4, 1), "296-QĐ/TW"),  # 30 days (Quy định 296-QĐ/TW Art 25)
    (D(2025, 1, 31), D(2025, 2, 28), "Điều lệ Đảng"),  # one month (the Statute, Art 39), before 296
])
def test_the_appeal_period(received, due, citation):
    day, rule = rules.appeal_due(received)
    assert day == due and citation in rule.citation


@pytest.mark.parametrize(("subject", "allowed"), [
    (SubjectType.ORGANISATION, {Form.REPRIMAND, Form.WARNING, Form.DISSOLUTION}),
    (SubjectType.MEMBER, {Form.REPRIMAND, Form.WARNING, Form.REMOVAL, Form.EXPULSION}),
    (SubjectType.PROBATIONARY, {Form.REPRIMAND, Form.WARNING}),
])
def test_the_forms_of_discipline_by_subject(subject, allowed):
    assert set(rules.forms_for(subject)) == allowed
    for form in set(Form) - allowed:
        assert rules.form_refusal(subject, form)


def _commission(world):
    return Organisation.objects.create(name="Uỷ ban Kiểm tra Thành uỷ Chí Linh", short_name="UBKTTU",
                                       kind=OrganisationKind.INSPECTION_COMMISSION, unit=world.city,
                                       parent=world.party_committee)


def _decide(world, **overrides):
    values = {
        "actor": world.leader, "organisation": world.party_committee, "body": Body.STANDING, "kind": Kind.THEMATIC,
        "field": Field.LAND, "content": "việc quản lý đất đai", "subject_type": SubjectType.MEMBER,
        "subject_person": world.officer_a_person, "decided_on": D(2026, 10, 1), "starts_on": D(2026, 10, 2),
        "ends_on": D(2026, 10, 25), "team_lead": world.leader_person, "team": [world.officer_b_person],
        "decision_number": "12-QĐ/TU",
    }
    values.update(overrides)
    return services.do_decide_inspection(**values)


def test_the_schedule_must_end_within_the_kinds_period(world):
    with pytest.raises(ValidationError) as err:
        _decide(world, ends_on=D(2026, 11, 5))  # 35 days: over the 30 of a thematic inspection
    assert "30 ngày" in err.value.message_dict["ends_on"][0]
    i = _decide(world, kind=Kind.SIGNS, ends_on=D(2026, 11, 5))  # 45 days on signs of violation
    # 45 days from 1/10 end on Sunday 15/11, so on the next working day (Civil Code Art 148 khoản 5);
    # the decision is announced within 5 working days (Thursday 8/10)
    assert i.due_on == D(2026, 11, 16) and i.announce_due == D(2026, 10, 8)


def test_an_inspection_from_decision_to_close(world):
    i = _decide(world)
    with pytest.raises(StateConflict):
        services.do_conclude(actor=world.leader, inspection=i, on=D(2026, 10, 20), verdict=Verdict.NO_FAULT,
                             conclusion="x")
    services.do_announce(actor=world.inspector, inspection=i, on=D(2026, 10, 3))
    services.do_self_report(actor=world.inspector, inspection=i, on=D(2026, 10, 8), text="Báo cáo tự kiểm tra.")
    finding = services.do_add_finding(actor=world.inspector, inspection=i, text="Chậm cập nhật hồ sơ đất đai.",
                                      breach=True)
    services.do_verify(actor=world.inspector, inspection=i, on=D(2026, 10, 12), text="Đã xác minh.")
    services.do_draft(actor=world.inspector, inspection=i, on=D(2026, 10, 15), text="Dự thảo.")
    with pytest.raises(ValidationError) as err:  # a conclusion the inspector may not take
        services.do_conclude(actor=world.inspector, inspection=i, on=D(2026, 10, 20), verdict="", conclusion="")
    assert set(err.value.message_dict) == {"verdict", "conclusion"}
    services.do_conclude(actor=world.leader, inspection=i, on=D(2026, 10, 20), verdict=Verdict.DISCIPLINE,
                         conclusion="Có vi phạm đến mức phải xem xét kỷ luật.")
    with pytest.raises(ValidationError) as err:
        services.do_notify(actor=world.leader, inspection=i, on=D(2026, 10, 22), notice_number="số 5")
    assert "12-TB/UBKTĐU" in err.value.message_dict["notice_number"][0]
    i = services.do_notify(actor=world.leader, inspection=i, on=D(2026, 10, 22), notice_number="05-TB/TU")
    assert i.notice_document is not None and i.notice_document.number == "05"
    assert world.officer_a_person.full_name not in i.notice_document.title  # the tasks' document names no one
    task = services.do_remedial_task(actor=world.leader, case=i, finding=finding, lead_unit=world.ward_a,
                                     lead_person=world.officer_a_person, due_date=D(2027, 1, 31),
                                     expected_result="Cập nhật xong hồ sơ.", accountable_person=world.leader_person)
    assert task.source_document_id == i.notice_document_id
    with pytest.raises(StateConflict) as conflict:  # its remedial task is still open
        services.do_close(actor=world.leader, inspection=i, on=D(2026, 11, 1))
    assert "1 nhiệm vụ khắc phục" in str(conflict.value)
    from dieuhanh.directives.services import do_close_task

    do_close_task(actor=world.leader, task=task, completed_on=task.assigned_on, result_summary="Xong.",
                  evaluation="fulfilled")
    i = services.do_close(actor=world.leader, inspection=Inspection.objects.get(pk=i.pk), on=task.assigned_on)
    assert i.state == State.CLOSED
    # the audit log, which administrators read, carries states and dates, never the subject's name
    events = AuditEvent.objects.filter(object_type="inspection.inspection", object_id=str(i.pk))
    assert events.count() >= 9
    assert not any(world.officer_a_person.full_name in str(e.after) + e.object_repr for e in events)


def test_discipline_its_limitation_and_its_appeal(world):
    commission = _commission(world)
    with pytest.raises(ValidationError) as err:
        services.do_propose_discipline(actor=world.leader, organisation=commission, subject_type=SubjectType.PROBATIONARY,
                                       subject_person=world.officer_a_person, violation="Vi phạm.",
                                       violated_on=D(2026, 1, 5), proposed_form=Form.REMOVAL, on=D(2026, 9, 1))
    assert "đảng viên dự bị" in err.value.message_dict["proposed_form"][0]
    with pytest.raises(ValidationError) as err:  # a reprimand-level violation of 2020: five years have passed
        services.do_propose_discipline(actor=world.leader, organisation=commission, subject_type=SubjectType.MEMBER,
                                       subject_person=world.officer_a_person, violation="Vi phạm.",
                                       violated_on=D(2020, 3, 15), proposed_form=Form.REPRIMAND, on=D(2026, 9, 1))
    assert "hết thời hiệu" in err.value.message_dict["proposed_form"][0]
    assert "15/03/2025" in err.value.message_dict["proposed_form"][0]
    d = services.do_propose_discipline(actor=world.leader, organisation=commission, subject_type=SubjectType.MEMBER,
                                       subject_person=world.officer_a_person, violation="Vi phạm.",
                                       violated_on=D(2018, 3, 15), proposed_form=Form.WARNING, on=D(2026, 9, 1))
    d = services.do_decide_discipline(actor=world.leader, discipline=d, on=D(2026, 9, 10), form=Form.WARNING,
                                      decision_number="03-QĐ/UBKTTU")
    d = services.do_deliver(actor=world.leader, discipline=d, on=D(2026, 9, 12))
    assert d.appeal_due == D(2026, 10, 12)
    late = services.do_lodge_appeal(actor=world.leader, discipline=d, on=D(2026, 10, 13),
                                    organisation=world.party_committee, grounds="Xin xem xét lại.")
    assert late.late
    with pytest.raises(StateConflict):
        services.do_accept_appeal(actor=world.leader, appeal=late, on=D(2026, 10, 14))
    services.do_refuse_appeal(actor=world.leader, appeal=late, on=D(2026, 10, 14), reason="Quá thời hạn khiếu nại.")
    a = services.do_lodge_appeal(actor=world.leader, discipline=Discipline.objects.get(pk=d.pk), on=D(2026, 10, 1),
                                 organisation=world.party_committee, grounds="Xin xem xét lại.")
    services.do_accept_appeal(actor=world.leader, appeal=a, on=D(2026, 10, 2))
    with pytest.raises(ValidationError) as err:
        services.do_resolve_appeal(actor=world.leader, appeal=a, on=D(2026, 10, 20), outcome=Outcome.CHANGED,
                                   new_form=Form.DISSOLUTION, reason="Giảm.")
    assert "new_form" in err.value.message_dict
    services.do_resolve_appeal(actor=world.leader, appeal=a, on=D(2026, 10, 20), outcome=Outcome.CHANGED,
                               new_form=Form.REPRIMAND, reason="Đã khắc phục hậu quả.")
    d.refresh_from_db()
    assert d.form == Form.WARNING and d.current_form == Form.REPRIMAND
    f = stats.figures(world.leader)
    row = next(r for r in f.rows if r.year_from == 2026)
    assert row.members_disciplined == 1 and row.forms == {Form.REPRIMAND: 1}


def test_only_the_commission_the_board_and_the_subject_read_the_files(world):
    i = _decide(world)
    detail = f"/kiem-tra/{i.pk}/"
    readers = {"inspector": world.inspector, "leader": world.leader}
    others = {"office": world.office, "officer_b": world.officer_b, "onestop_a": world.onestop_a,
              "reception_a": world.reception_a, "admin": world.admin, "outsider": world.outsider}
    for name, user in readers.items():
        assert Inspection.objects.visible_to(user).filter(pk=i.pk).exists(), name
        assert signed_in(user).get(detail).status_code == 200, name
        assert signed_in(user).get("/kiem-tra/ho-so/").status_code == 200, name
        assert bearer(user).get("/api/v1/party-inspections").json()["count"] == 1, name
    for name, user in others.items():
        assert not Inspection.objects.visible_to(user).exists(), name
        assert signed_in(user).get(detail).status_code == 404, name
        assert signed_in(user).get("/kiem-tra/ho-so/").status_code in (302, 403), name
        assert signed_in(user).get("/kiem-tra/xuat-excel/").status_code in (302, 403), name
        assert bearer(user).get(f"/api/v1/party-inspections/{i.pk}").status_code in (401, 404), name
        page = signed_in(user).get(f"/giay-to/quyet-dinh-kiem-tra/{i.pk}.docx")
        assert page.status_code in (302, 403, 404), name
    # the subject opens their own case, without the team's working, and no list
    subject = world.officer_a
    services.do_announce(actor=world.inspector, inspection=i, on=D(2026, 10, 3))
    services.do_self_report(actor=world.inspector, inspection=i, on=D(2026, 10, 8), text="Báo cáo tự kiểm tra.")
    services.do_verify(actor=world.inspector, inspection=i, on=D(2026, 10, 12), text="GHI CHÚ NỘI BỘ CỦA ĐOÀN")
    page = signed_in(subject).get(detail)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Báo cáo tự kiểm tra." in body and "GHI CHÚ NỘI BỘ CỦA ĐOÀN" not in body
    assert "GHI CHÚ NỘI BỘ CỦA ĐOÀN" in signed_in(world.inspector).get(detail).content.decode()
    assert signed_in(subject).get("/kiem-tra/ho-so/").status_code == 403
    assert signed_in(subject).post(f"/kiem-tra/{i.pk}/du-thao/", {"du-thao-text": "x"}).status_code == 403
    # the figures, counts only, for the office and the administrator too
    for user in (world.office, world.admin):
        response = signed_in(user).get("/kiem-tra/so-lieu/")
        assert response.status_code == 200
        assert world.officer_a_person.full_name not in response.content.decode()
        assert response.context["f"].total("committee_members") == 1
    assert signed_in(world.onestop_a).get("/kiem-tra/so-lieu/").status_code == 403
    # each entry form draws each of its fields once
    for url in ("/kiem-tra/quyet-dinh/", "/kiem-tra/ky-luat/de-nghi/", "/kiem-tra/kiem-diem/goi-y/",
                "/kiem-tra/chuong-trinh/moi/"):
        page = signed_in(world.leader).get(url)
        names = re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', page.content.decode())
        fields = [n for n in names if n != "csrfmiddlewaretoken"]
        assert page.status_code == 200 and fields and len(fields) == len(set(fields)), (url, fields)


def test_reminders_reach_the_commission_never_the_office_and_name_no_subject(world):
    from dieuhanh.notifications import reminders
    from dieuhanh.notifications.models import Notification

    # due 31/10 (a Saturday: 2/11); its team's leader is a ward officer, who may not read the case
    i = _decide(world, decided_on=D(2026, 10, 1), ends_on=D(2026, 10, 25), team_lead=world.officer_b_person, team=[])
    reminders.run(D(2026, 10, 28))  # three working days before
    sent = Notification.objects.filter(object_type="inspection.inspection", object_id=i.pk)
    assert set(sent.values_list("recipient__username", flat=True)) == {world.inspector.username}
    assert all(world.officer_a_person.full_name not in n.title and "12-QĐ/TU" in n.title for n in sent)
    reminders.run(D(2026, 11, 10))  # overdue, then the standing board too from the second week
    reminders.run(D(2026, 11, 17))
    overdue = Notification.objects.filter(object_type="inspection.inspection", object_id=i.pk,
                                          rule__startswith="inspection.overdue")
    assert {world.inspector.username, world.leader.username} <= set(overdue.values_list("recipient__username", flat=True))
    assert not Notification.objects.filter(object_type="inspection.inspection",
                                           recipient__in=[world.office, world.officer_b, world.admin]).exists()


def test_the_demo_personas_read_what_their_role_allows(demo, db):
    """Across the demo's personas: the commission (`kiemtra`) and the party secretary (`bithu`) read
    every file of the city; the office, the wards' officers, the reception and one-stop desks and
    the administrator read none, in no list, case, export, API, document or IOC section; the ward
    officer who is the subject of a supervision reads that one case."""
    from dieuhanh.ioc import data as ioc_data
    from dieuhanh.org.models import User

    case = Inspection.objects.filter(kind=Kind.THEMATIC).order_by("pk").first()
    own = Inspection.objects.get(subject_person__user__username="phuong_saodo")
    total = Inspection.objects.count()
    for username in ("kiemtra", "bithu", "vanphong", "phuong_saodo", "phuong_phalai", "tiepdan", "motcua", "admin"):
        user = User.objects.get(username=username)
        board = username in ("kiemtra", "bithu")
        web, api = signed_in(user), bearer(user)
        assert web.get("/kiem-tra/ho-so/").status_code == (200 if board else 403), username
        assert web.get("/kiem-tra/ky-luat/xuat-excel/").status_code == (200 if board else 403), username
        assert web.get(f"/kiem-tra/{case.pk}/").status_code == (200 if board else 404), username
        assert web.get(f"/giay-to/quyet-dinh-kiem-tra/{case.pk}.docx").status_code == (200 if board else 404), username
        listed = api.get("/api/v1/party-inspections?page_size=1").json()["count"]
        assert listed == (total if board else 1 if username == "phuong_saodo" else 0), username
        assert ("inspection" in ioc_data.overview(user).sections) is board, username
    subject = signed_in(User.objects.get(username="phuong_saodo"))
    assert subject.get(f"/kiem-tra/{own.pk}/").status_code == 200
    assert bearer(User.objects.get(username="phuong_saodo")).get(
        f"/api/v1/party-inspections/{own.pk}").json()["subject"] == own.subject_name
    # the figures, without names, for the office and the administrator; the administrator's units
    # take in TP Hải Dương, whose 2015–2020 totals the demo carries
    figures = signed_in(User.objects.get(username="admin")).get("/kiem-tra/so-lieu/").context["f"]
    labels = {r.label: r for r in figures.rows}
    hai_duong = next(r for label, r in labels.items() if label.startswith("2015–2020"))
    assert (hai_duong.inspections, hai_duong.supervisions, hai_duong.members_disciplined) == (8 + 1626, 5 + 1279, 68)
    chi_linh = next(r for label, r in labels.items() if label.startswith("2021–2023"))
    assert (chi_linh.committee_orgs, chi_linh.committee_members, chi_linh.commission_orgs) == (285, 256, 135)
    assert (chi_linh.orgs_signs, chi_linh.members_signs, chi_linh.orgs_disciplined, chi_linh.members_disciplined) == (
        4, 12, 2, 139)
    assert signed_in(User.objects.get(username="vanphong")).get("/kiem-tra/so-lieu/").status_code == 200


def test_the_documents_figures_api_and_derived_indicators(world):
    import io

    from docx import Document as read_docx

    from dieuhanh.indicators import derived

    commission = _commission(world)
    d = services.do_propose_discipline(actor=world.leader, organisation=commission, subject_type=SubjectType.MEMBER,
                                       subject_person=world.officer_a_person, violation="Vi phạm quy định về đất đai.",
                                       violated_on=D(2025, 3, 1), proposed_form=Form.WARNING, on=D(2026, 9, 1))
    services.do_decide_discipline(actor=world.leader, discipline=d, on=D(2026, 9, 10), form=Form.WARNING,
                                  decision_number="03-QĐ/UBKTTU")
    response = signed_in(world.inspector).get(f"/giay-to/quyet-dinh-ky-luat/{d.pk}.docx")
    assert response.status_code == 200
    doc = read_docx(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số 03-QĐ/UBKTTU" in text
    assert "Thi hành kỷ luật bằng hình thức cảnh cáo đối với đảng viên Lê Thị An" in text
    assert "30 ngày" in text and "296-QĐ/TW" in text  # the appeal period, from the rule table
    assert signed_in(world.office).get(f"/giay-to/quyet-dinh-ky-luat/{d.pk}.docx").status_code == 404
    # the figures over the API: counts for the office, no names anywhere
    _decide(world)
    answer = bearer(world.office).get("/api/v1/inspection-figures")
    assert answer.status_code == 200
    body = answer.json()
    year = next(p for p in body["periods"] if p["year_from"] == 2026)
    assert year["committee_members"] == 1 and year["members_disciplined"] == 1 and body["by_form"]["warning"] == 1
    assert "Lê Thị An" not in answer.content.decode()
    assert bearer(world.onestop_a).get("/api/v1/inspection-figures").status_code == 403
    # the derived indicators, by unit and year
    counts = derived.sources()["inspections_decided"].function(world.office, [2026], D(2026, 12, 1), {})
    assert counts == {(world.city.pk, 2026): (1, 0)}
    disciplined = derived.sources()["members_disciplined"].function(world.office, [2026], D(2026, 12, 1), {})
    assert disciplined == {(world.city.pk, 2026): (1, 0)}
