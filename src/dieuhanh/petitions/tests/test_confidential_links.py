"""The probe's cases: a denouncer traced through the repeat link, and mixed petitions left open
(Law on Denunciations 25/2018/QH14 Arts 8, 9, 47; decision 0005).

A person files a feedback at the desk, then a denunciation in the same words. The duplicate
check finds the repeat; that link names the denouncer (the feedback shows its author), so it is
kept encrypted on the denunciation and shown only to its handlers, with the identity. No other
page, list, filter, export, statistic, API response, audit view or public feed carries it."""

import datetime as dt
import importlib
import io
import json

import pytest
from openpyxl import load_workbook

from dieuhanh.core.models import AuditEvent
from dieuhanh.lib.text import fold
from dieuhanh.petitions import confidentiality, receiving, services
from dieuhanh.petitions.choices import Kind
from dieuhanh.petitions.models import Petition
from dieuhanh.testing import bearer

migration = importlib.import_module("dieuhanh.petitions.migrations.0004_sealed_links_and_protect")

NAME = "Hoàng Thị Thuỳ Dung"
SAID = {
    "field": "land", "subject": "Phản ánh việc lấn chiếm ngõ 12 làm quán",
    "content": "Ông Vũ Văn C, cán bộ địa chính, cho người nhà lấn chiếm ngõ 12 tổ dân phố 5 để dựng quán, "
            "thu tiền các hộ bán hàng và không lập biên bản xử lý vi phạm.",
    "respondent": "Ông Vũ Văn C, cán bộ địa chính",
    "identity": {"name": NAME, "address": "Số 9 ngõ 12, tổ dân phố 5", "phone": "0911222333"},
}
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def traced(world):
    """A desk feedback, then a denunciation by the same person in the same words, accepted and
    handled by officer A; officer A2, the leader, the office and the inspector are not handlers."""
    feedback = world.petition(kind=Kind.FEEDBACK, received_on=DAY, **SAID)
    denunciation = world.petition(kind=Kind.DENUNCIATION, received_on=DAY + dt.timedelta(days=3), **SAID)
    denunciation = services.do_accept(actor=world.reception_a, petition=denunciation, on=DAY + dt.timedelta(days=4),
                                      handlers=[world.officer_a])
    return feedback, denunciation


NON_HANDLERS = ("officer_a2", "leader", "office", "inspector", "reception_a", "admin")


def test_the_link_is_sealed_on_the_denunciation_not_kept_in_the_plain_column(world, traced):
    feedback, denunciation = traced
    assert denunciation.duplicate_of_id is None and denunciation.duplicate_score is None
    assert "Trùng" not in denunciation.flag_notes and feedback.number not in denunciation.flag_notes
    assert not Petition.objects.filter(duplicate_of__isnull=False).exists()
    # The duplicate check still found it: a handler sees it, as "repeats the earlier one".
    links = confidentiality.sealed_links_for(world.officer_a, denunciation)
    assert [(x.petition_id, x.number, x.relation) for x in links] == [(feedback.pk, feedback.number, "repeats")]
    assert links[0].score is not None and links[0].score >= 0.8
    for who in NON_HANDLERS:
        assert confidentiality.sealed_links_for(getattr(world, who), denunciation) == []
    assert denunciation.sealed_links_enc.startswith("gAAAAA") and "petition" not in denunciation.sealed_links_enc


@pytest.mark.parametrize("who", NON_HANDLERS)
def test_a_non_handler_finds_no_trace_of_the_link_anywhere(client, world, traced, who):
    feedback, denunciation = traced
    user = getattr(world, who)
    client.force_login(user)
    page = client.get(f"/don/{denunciation.pk}/").content.decode()
    assert f"/don/{feedback.pk}/" not in page and "Trùng nội dung" not in page and "Đơn trùng" not in page
    assert f"Đơn số {feedback.number}" not in page
    listed = client.get("/don/", {"flag": "duplicate"}).content.decode()
    assert f"/don/{denunciation.pk}/" not in listed
    book = load_workbook(io.BytesIO(client.get("/don/xuat/").content), read_only=True)
    rows = [[str(c or "") for c in row] for row in book.active.iter_rows(values_only=True)]
    flags = rows[0].index("Đánh dấu")
    assert all("Trùng" not in r[flags] for r in rows[1:])
    api = bearer(user)
    detail = api.get(f"/api/v1/petitions/{denunciation.pk}").json()
    assert detail["flags"]["duplicate_of"] is None and detail["flags"]["duplicate_score"] is None
    assert "Trùng" not in detail["flags"]["notes"]
    assert api.get("/api/v1/petitions", {"duplicate": "true"}).json()["count"] == 0
    stats = api.get("/api/v1/petitions/stats", {"year": 2026, "by": "kind"}).json()
    assert json.dumps(stats).count('"duplicates": 0') >= 1 and '"duplicates": 1' not in json.dumps(stats)


def test_the_feedback_shows_no_pointer_to_the_denunciation_either(client, world, traced):
    feedback, denunciation = traced
    for who in ("officer_a2", "leader", "officer_a"):
        client.force_login(getattr(world, who))
        page = client.get(f"/don/{feedback.pk}/").content.decode()
        assert f"/don/{denunciation.pk}/" not in page and "Trùng" not in page
        assert NAME in page  # an ordinary feedback shows its author to those in scope


def test_the_handler_sees_the_link_with_the_identity_in_one_logged_reveal(client, world, traced):
    feedback, denunciation = traced
    client.force_login(world.officer_a)
    before = client.get(f"/don/{denunciation.pk}/").content.decode()
    assert f"/don/{feedback.pk}/" not in before  # sealed until the reveal
    page = client.post(f"/don/{denunciation.pk}/danh-tinh/").content.decode()
    assert NAME in page and f"/don/{feedback.pk}/" in page and f"Đơn số {feedback.number}" in page
    body = bearer(world.officer_a).post(f"/api/v1/petitions/{denunciation.pk}/reveal").json()
    assert body["identity"]["name"] == NAME and body["logged"] is True
    assert [(x["petition"], x["relation"]) for x in body["links"]] == [(feedback.pk, "repeats")]
    assert AuditEvent.objects.filter(action="reveal", object_id=str(denunciation.pk)).count() == 2


def test_the_audit_log_never_carries_the_link(client, world, traced):
    _feedback, denunciation = traced
    dump = json.dumps(list(AuditEvent.objects.filter(object_type="petitions.petition").values("before", "after")))
    assert '"duplicate_of_id"' not in dump
    client.force_login(world.inspector)
    page = client.get("/nhat-ky/", {"object_type": "petitions.petition", "object_id": denunciation.pk}).content.decode()
    assert "duplicate_of" not in page


def test_a_feedback_after_a_denunciation_points_nowhere_and_the_handler_sees_it_as_repeated_by(world):
    denunciation = world.petition(kind=Kind.DENUNCIATION, received_on=DAY, **SAID)
    denunciation = services.do_accept(actor=world.reception_a, petition=denunciation, on=DAY + dt.timedelta(days=1),
                                      handlers=[world.officer_a])
    feedback = world.petition(kind=Kind.FEEDBACK, received_on=DAY + dt.timedelta(days=3), **SAID)
    assert feedback.duplicate_of_id is None and "Trùng" not in feedback.flag_notes
    denunciation.refresh_from_db()
    links = confidentiality.sealed_links_for(world.officer_a, denunciation)
    assert [(x.petition_id, x.relation) for x in links] == [(feedback.pk, "repeated_by")]


def test_classifying_a_repeat_as_a_denunciation_seals_the_link_it_had(world):
    first = world.petition(kind=Kind.FEEDBACK, received_on=DAY, **SAID)
    again = world.petition(kind=Kind.FEEDBACK, received_on=DAY + dt.timedelta(days=2), **SAID)
    later = world.petition(kind=Kind.FEEDBACK, received_on=DAY + dt.timedelta(days=5), **SAID)
    assert again.duplicate_of_id == first.pk and f"đơn số {first.number}" in again.flag_notes
    assert later.duplicate_of_id in (first.pk, again.pk)
    again = services.do_classify(actor=world.reception_a, petition=again, kind=Kind.DENUNCIATION)
    assert again.confidential and again.duplicate_of_id is None and "Trùng" not in again.flag_notes
    later.refresh_from_db()
    if later.duplicate_of_id is not None:  # it repeated the first: that link touches no secret
        assert later.duplicate_of_id == first.pk
    services.do_assign(actor=world.reception_a, petition=again, users=[world.officer_a])
    links = {x.petition_id: x.relation for x in confidentiality.sealed_links_for(world.officer_a, again)}
    assert links[first.pk] == "repeats"
    assert set(links) <= {first.pk, later.pk}
    classify = AuditEvent.objects.filter(action="classify", object_id=str(again.pk)).get()
    assert "duplicate_of_id" not in json.dumps([classify.before, classify.after])


# --- mixed petitions, and marking one confidential ------------------------------------------


def test_a_mixed_petition_is_confidential_from_receipt(client, world):
    p = world.petition(kind=Kind.MIXED, received_on=DAY, **SAID)
    assert p.confidential and fold(NAME) not in p.search_text
    assert confidentiality.identity_for(world.leader, p) is None
    client.force_login(world.leader)
    assert NAME not in client.get(f"/don/{p.pk}/").content.decode()
    assert NAME not in client.get("/don/").content.decode()
    assert f"/don/{p.pk}/" not in client.get("/don/", {"q": "Thuy Dung"}).content.decode()
    assert NAME not in str(load_workbook(io.BytesIO(client.get("/don/xuat/").content)).active["E2"].value)
    assert bearer(world.leader).get(f"/api/v1/petitions/{p.pk}").json()["petitioner"]["name"] == confidentiality.REDACTED


def test_classifying_a_complaint_as_mixed_makes_it_confidential(world):
    p = world.petition(received_on=DAY, **SAID)
    assert not p.confidential and fold(NAME) in p.search_text
    p = services.do_classify(actor=world.reception_a, petition=p, kind=Kind.MIXED)
    assert p.confidential and fold(NAME) not in p.search_text


def test_an_officer_marks_a_complaint_confidential_with_a_reason(client, world):
    p = world.petition(received_on=DAY, **SAID)
    client.force_login(world.reception_a)
    assert "Bảo mật danh tính người gửi" in client.get(f"/don/{p.pk}/").content.decode()
    refused = client.post(f"/don/{p.pk}/protect/", {"protect-reason": "  "})
    assert refused.status_code == 200 and "Ghi lý do bảo mật" in refused.content.decode()
    assert not Petition.objects.get(pk=p.pk).confidential
    done = client.post(f"/don/{p.pk}/protect/", {"protect-reason": "Người gửi lo bị trù dập"})
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.confidential and p.confidential_reason == "Người gửi lo bị trù dập"
    assert fold(NAME) not in p.search_text and confidentiality.identity_for(world.leader, p) is None
    assert p.steps.filter(action="protect", note="Người gửi lo bị trù dập").exists()
    event = AuditEvent.objects.get(action="protect", object_id=str(p.pk))
    assert event.before["confidential"] is False and event.after["confidential"] is True
    again = bearer(world.reception_a).post(f"/api/v1/petitions/{p.pk}/protect", {"reason": "x"},
                                           content_type="application/json")
    assert again.status_code == 409 and "state" in again.json()["errors"]


def test_protecting_through_the_api_and_who_may(world):
    p = world.petition(received_on=DAY, **SAID)
    other_ward = bearer(world.reception_b).post(f"/api/v1/petitions/{p.pk}/protect", {"reason": "x"},
                                                content_type="application/json")
    assert other_ward.status_code == 404
    no_reason = bearer(world.reception_a).post(f"/api/v1/petitions/{p.pk}/protect", {},
                                               content_type="application/json")
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    ok = bearer(world.reception_a).post(f"/api/v1/petitions/{p.pk}/protect", {"reason": "Sợ bị trả thù"},
                                        content_type="application/json")
    assert ok.status_code == 200 and ok.json()["confidential"] is True
    assert ok.json()["petitioner"]["name"] == confidentiality.REDACTED


def test_the_migration_seals_what_earlier_versions_left_open(world):
    """Records written before this change: a mixed petition not confidential, with its name in
    the search text, and a plain link from a denunciation to the feedback it repeats."""
    feedback = world.petition(kind=Kind.FEEDBACK, received_on=DAY, **SAID)
    mixed = world.petition(kind=Kind.FEEDBACK, received_on=DAY + dt.timedelta(days=2), **SAID)
    assert mixed.duplicate_of_id == feedback.pk
    Petition.objects.filter(pk=mixed.pk).update(kind=Kind.MIXED, confidential=False)
    assert fold(NAME) in Petition.objects.get(pk=mixed.pk).search_text
    from django.apps import apps

    migration.seal(apps, None)
    mixed.refresh_from_db()
    assert mixed.confidential and fold(NAME) not in mixed.search_text
    assert mixed.duplicate_of_id is None and "Trùng" not in mixed.flag_notes
    services.do_assign(actor=world.reception_a, petition=mixed, users=[world.officer_a])
    links = confidentiality.sealed_links_for(world.officer_a, mixed)
    assert [(x.petition_id, x.relation) for x in links] == [(feedback.pk, "repeats")]


# --- what an outside review of the first fix found ------------------------------------------


def test_protecting_one_complaint_of_a_first_and_second_time_pair_protects_both(client, world):
    D = dt.date
    first = world.petition(received_on=D(2026, 2, 27))
    services.do_accept(actor=world.reception_a, petition=first, on=D(2026, 3, 2), handlers=[world.officer_a])
    services.do_conclude(actor=world.officer_a, petition=first, on=D(2026, 3, 25), result="wrong",
                         conclusion="Giữ nguyên quyết định", decision_number="45/QĐ-UBND")
    first = services.do_send_decision(actor=world.officer_a, petition=first, on=D(2026, 3, 31))
    second = receiving.do_second_complaint(actor=world.office, previous=first, content="Không đồng ý với quyết định.",
                                          receiving_unit=world.city, received_on=D(2026, 4, 20))
    services.do_protect(actor=world.reception_a, petition=first, reason="Người khiếu nại lo bị trù dập")
    second.refresh_from_db()
    assert second.confidential and second.confidential_reason == "Người khiếu nại lo bị trù dập"
    assert fold("Nguyễn Văn Khiếu") not in second.search_text
    assert second.steps.filter(action="protect").exists()
    client.force_login(world.leader)
    for p in (first, second):
        assert "Nguyễn Văn Khiếu" not in client.get(f"/don/{p.pk}/").content.decode()
    # A second-time complaint of a protected complaint is protected from its receipt.
    third = receiving.do_second_complaint(actor=world.office, previous=first, content="Vẫn không đồng ý với quyết định.",
                                         receiving_unit=world.city, received_on=D(2026, 4, 21))
    assert third.confidential and third.confidential_reason == "Người khiếu nại lo bị trù dập"


def test_a_link_between_two_confidential_petitions_is_shown_only_to_who_handles_both(world):
    one = world.petition(kind=Kind.DENUNCIATION, received_on=DAY, **SAID)
    services.do_assign(actor=world.reception_a, petition=one, users=[world.officer_a])
    two = world.petition(kind=Kind.DENUNCIATION, received_on=DAY + dt.timedelta(days=2), **SAID)
    services.do_assign(actor=world.reception_a, petition=two, users=[world.officer_a2])
    assert confidentiality.sealed_links_for(world.officer_a2, two) == []
    assert confidentiality.sealed_links_for(world.officer_a, one) == []
    services.do_assign(actor=world.reception_a, petition=two, users=[world.officer_a])
    assert [x.petition_id for x in confidentiality.sealed_links_for(world.officer_a, two)] == [one.pk]
    one.refresh_from_db()
    assert [x.relation for x in confidentiality.sealed_links_for(world.officer_a, one)] == ["repeated_by"]


def test_a_hidden_match_takes_nothing_from_what_others_see(world):
    """A feedback sent to the city about a ward matter is flagged over-level, and one that
    repeats a visible feedback is flagged a repeat, whether or not a confidential petition in
    the same words also exists: otherwise a missing flag would betray the hidden match."""
    visible = world.petition(kind=Kind.FEEDBACK, received_on=DAY, **SAID)
    secret = world.petition(kind=Kind.DENUNCIATION, received_on=DAY + dt.timedelta(days=1), **SAID)
    again = world.petition(kind=Kind.FEEDBACK, received_on=DAY + dt.timedelta(days=2), **SAID)
    assert again.duplicate_of_id == visible.pk
    upward = world.petition(world.office, kind=Kind.FEEDBACK, receiving_unit=world.city,
                            received_on=DAY + dt.timedelta(days=3), **{**SAID, "identity": {"name": "Người Khác Hẳn"}})
    assert upward.is_over_level
    secret.refresh_from_db()
    services.do_assign(actor=world.reception_a, petition=secret, users=[world.officer_a])
    relations = {x.petition_id: x.relation for x in confidentiality.sealed_links_for(world.officer_a, secret)}
    assert relations.get(visible.pk) == "repeats" and relations.get(again.pk) == "repeated_by"


def test_making_a_petition_confidential_collects_the_links_sealed_on_others(world):
    feedback = world.petition(kind=Kind.FEEDBACK, received_on=DAY, **SAID)
    denunciation = world.petition(kind=Kind.DENUNCIATION, received_on=DAY + dt.timedelta(days=2), **SAID)
    assert feedback.sealed_links_enc == ""
    feedback = services.do_protect(actor=world.reception_a, petition=feedback, reason="Sợ bị trả thù")
    services.do_assign(actor=world.reception_a, petition=feedback, users=[world.officer_a])
    services.do_assign(actor=world.reception_a, petition=denunciation, users=[world.officer_a])
    assert [(x.petition_id, x.relation) for x in confidentiality.sealed_links_for(world.officer_a, feedback)] == [
        (denunciation.pk, "repeated_by")
    ]
