"""A denouncer's identity: encrypted at rest, shown only to the denunciation's handlers, every
reveal logged, and absent from search text and audit events (Law on Denunciations Arts 8, 9, 47).
The list, export, API and audit-view paths are tested with their pages and endpoints."""

import datetime as dt
import json

from django.db import connection

from dieuhanh.core.models import AuditEvent
from dieuhanh.lib.text import fold
from dieuhanh.petitions import confidentiality, services
from dieuhanh.petitions.choices import Kind
from dieuhanh.petitions.models import Attachment, Petition

NAME = "Đỗ Thị Tố Giác"
PHONE = "0987654321"


def _denunciation(world):
    p = world.petition(
        kind=Kind.DENUNCIATION, field="corruption", subject="Tố cáo cán bộ địa chính nhận tiền",
        content="Tôi tố cáo cán bộ địa chính phường nhận tiền để hợp thức hoá đất lấn chiếm.",
        respondent="Ông Trần Văn B, cán bộ địa chính", received_on=dt.date(2026, 11, 2),
        identity={"name": NAME, "address": "Số 7 phố Sao Đỏ", "phone": PHONE, "id_number": "030190001234"},
        attachments=[("don-to-cao-ban-viet-tay.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 chu ky Do Thi To Giac")],
    )
    return services.do_accept(actor=world.reception_a, petition=p, on=dt.date(2026, 11, 5), handlers=[world.officer_a])


def test_identity_is_encrypted_at_rest(world):
    p = _denunciation(world)
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM petitions_petition WHERE id = %s", [p.pk])
        row = " ".join(str(v) for v in cur.fetchone())
        cur.execute("SELECT name_enc, data_enc FROM petitions_attachment WHERE petition_id = %s", [p.pk])
        name_enc, data_enc = cur.fetchone()
    for secret in (NAME, fold(NAME), PHONE, "030190001234"):
        assert secret not in row
    assert "ban-viet-tay" not in name_enc and b"Do Thi To Giac" not in bytes(data_enc)
    a = Attachment.objects.get(petition=p)
    assert services.attachment_bytes(a).endswith(b"Do Thi To Giac")


def test_only_handlers_see_the_denouncer_and_each_reveal_is_logged(world):
    p = _denunciation(world)
    for other in (world.officer_a2, world.leader, world.office, world.reception_a, world.admin):
        assert confidentiality.identity_for(other, p) is None
        assert confidentiality.display_identity(other, p)["name"] == confidentiality.REDACTED
    assert not AuditEvent.objects.filter(action="reveal").exists()
    shown = confidentiality.identity_for(world.officer_a, p, purpose="xác minh")
    assert shown["name"] == NAME and shown["phone"] == PHONE
    reveal = AuditEvent.objects.get(action="reveal")
    assert reveal.actor == world.officer_a and reveal.object_id == str(p.pk) and reveal.after == {"mục đích": "xác minh"}
    assert confidentiality.public_name(p) == confidentiality.REDACTED


def test_ordinary_complaint_shows_its_petitioner_to_those_in_scope(world):
    p = world.petition()
    assert confidentiality.identity_for(world.leader, p)["name"] == "Nguyễn Văn Khiếu"
    assert confidentiality.public_name(p) == "Nguyễn Văn Khiếu"
    assert not AuditEvent.objects.filter(action="reveal").exists()
    assert fold("Nguyễn Văn Khiếu") in p.search_text


def test_search_text_and_audit_never_hold_the_identity(world):
    p = _denunciation(world)
    assert fold(NAME) not in p.search_text and PHONE not in p.search_text
    assert not Petition.objects.filter(search_text__contains=fold("Tố Giác")).exists()
    confidentiality.identity_for(world.officer_a, p)
    dump = json.dumps(list(AuditEvent.objects.values("before", "after", "object_repr")), ensure_ascii=False)
    for secret in (NAME, fold(NAME), PHONE, "Số 7 phố Sao Đỏ", "030190001234"):
        assert secret not in dump


def test_reclassifying_as_denunciation_makes_it_confidential_for_good(world):
    p = world.petition(kind=Kind.RECOMMENDATION, subject="Kiến nghị", content="Kiến nghị và tố cáo việc cán bộ thu tiền sai quy định.")
    assert not p.confidential and fold("Nguyễn Văn Khiếu") in p.search_text
    p = services.do_classify(actor=world.reception_a, petition=p, kind=Kind.DENUNCIATION)
    assert p.confidential and fold("Nguyễn Văn Khiếu") not in p.search_text
    p = services.do_classify(actor=world.reception_a, petition=p, kind=Kind.COMPLAINT)
    assert p.confidential


def test_visibility_by_ward(world):
    a = world.petition()
    b = world.petition(actor=world.reception_b, unit=world.ward_b, content="Khiếu nại việc cấp phép xây dựng sai.")
    assert set(Petition.objects.visible_to(world.officer_a)) == {a}
    assert set(Petition.objects.visible_to(world.officer_b)) == {b}
    assert set(Petition.objects.visible_to(world.office)) == {a, b}
    assert not Petition.objects.visible_to(world.outsider).exists()
