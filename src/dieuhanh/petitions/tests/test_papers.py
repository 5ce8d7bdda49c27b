"""The petition forms from the petition's record: the transfer slip never names a denouncer, the
guidance slip carries the guidance given, the acceptance notice and the complaint decision state
what the law asks (the second complaint's period from the legal rule table), and a confidential
petition's documents never go into the shared outgoing register."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from docx import Document as read_docx

from dieuhanh.petitions import services
from dieuhanh.petitions.papers import (
    ACCEPTANCE_NOTICE,
    COMPLAINT_DECISION,
    GUIDANCE_SLIP,
    TRANSFER_SLIP,
    papers_of,
)
from dieuhanh.testing import signed_in

D = dt.date


def _text(paper) -> str:
    parts = [paper.kind_title, paper.subject, *paper.salutation]
    parts += [b.text for b in paper.body if isinstance(getattr(b, "text", None), str)]
    return "\n".join(parts)


def test_a_transfer_slip_names_the_body_and_never_a_denouncer(world):
    complaint = world.petition(received_on=D(2026, 3, 2), subject="Đề nghị sửa đường")
    services.do_transfer(actor=world.reception_a, petition=complaint, to="Sở Giao thông vận tải", on=D(2026, 3, 4))
    complaint.refresh_from_db()
    assert [(k.key, issuable) for k, issuable in papers_of(complaint)] == [(TRANSFER_SLIP.key, False)]
    text = _text(TRANSFER_SLIP.paper(complaint, world.reception_a))
    assert "Sở Giao thông vận tải" in text and "Nguyễn Văn Khiếu" in text and "Đề nghị sửa đường" in text
    denunciation = world.petition(kind="denunciation", received_on=D(2026, 3, 2), subject="Tố cáo cán bộ địa chính",
                                  identity={"name": "Trần Thị Tố", "address": "Tổ 5"})
    services.do_transfer(actor=world.reception_a, petition=denunciation, to="Thanh tra thành phố", on=D(2026, 3, 4))
    denunciation.refresh_from_db()
    for reader in (world.reception_a, world.leader, None):
        text = _text(TRANSFER_SLIP.paper(denunciation, reader))
        assert "Trần Thị Tố" not in text and "Tổ 5" not in text and "giữ bí mật" in text


def test_a_guidance_slip_carries_the_guidance(world):
    p = world.petition(received_on=D(2026, 3, 2))
    services.do_guide(actor=world.reception_a, petition=p, on=D(2026, 3, 3),
                      note="Gửi đơn đến Toà án nhân dân khu vực để giải quyết tranh chấp đất đai.")
    p.refresh_from_db()
    paper = GUIDANCE_SLIP.paper(p, world.reception_a)
    assert "Toà án nhân dân khu vực" in _text(paper) and paper.salutation == ("Ông/Bà Nguyễn Văn Khiếu",)
    assert paper.day == D(2026, 3, 3)


def test_the_acceptance_notice_and_the_decision_of_a_complaint(world):
    p = world.petition(received_on=D(2026, 3, 2), dated_on=D(2026, 3, 1))
    services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 5), handlers=[world.officer_a])
    p.refresh_from_db()
    notice = _text(ACCEPTANCE_NOTICE.paper(p, world.reception_a))
    assert "Điều 27 Luật Khiếu nại" in notice and "05/03/2026" in notice
    assert f"đến ngày {p.resolve_due_on:%d/%m/%Y}" in notice
    services.do_verify(actor=world.officer_a, petition=p, on=D(2026, 3, 10), note="Đã đo đạc lại thửa đất.")
    services.do_conclude(actor=world.officer_a, petition=p, result="partly_right", on=D(2026, 3, 25),
                         conclusion="Diện tích bồi thường thiếu 12 m².", decision_number="27/QĐ-UBND")
    p.refresh_from_db()
    assert [(k.key, issuable) for k, issuable in papers_of(p)] == [(ACCEPTANCE_NOTICE.key, True), (COMPLAINT_DECISION.key, False)]
    paper = COMPLAINT_DECISION.paper(p, world.reception_a)
    text = _text(paper)
    assert paper.number == "27" and paper.kind == "QĐ" and paper.day == D(2026, 3, 25)
    assert "(lần đầu)" in paper.subject and "Đã đo đạc lại thửa đất." in text
    assert "Công nhận một phần nội dung khiếu nại của ông/bà Nguyễn Văn Khiếu" in text
    assert "Trong thời hạn 30 ngày kể từ ngày nhận được Quyết định này (Luật Khiếu nại 02/2011/QH13, Điều 33)" in text
    assert "Nghị định số 124/2020/NĐ-CP" in text
    client = signed_in(world.reception_a)
    page = client.get(reverse("petitions:petition_detail", args=[p.pk])).content.decode()
    assert f"/giay-to/quyet-dinh-giai-quyet-khieu-nai/{p.pk}.docx" in page
    got = client.get(f"/giay-to/quyet-dinh-giai-quyet-khieu-nai/{p.pk}.docx")
    body = "\n".join(x.text for x in read_docx(io.BytesIO(got.content)).paragraphs)
    assert "QUYẾT ĐỊNH" in body and "Nguyễn Văn Khiếu" in body
    assert signed_in(world.reception_b).get(f"/giay-to/quyet-dinh-giai-quyet-khieu-nai/{p.pk}.docx").status_code == 404


def test_a_denunciation_notice_names_the_denouncer_only_for_its_handlers_and_stays_out_of_the_register(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    p = world.petition(kind="denunciation", received_on=D(2026, 3, 2), subject="Tố cáo cán bộ địa chính",
                       identity={"name": "Trần Thị Tố", "address": "Tổ 5"})
    services.do_accept(actor=world.reception_a, petition=p, on=D(2026, 3, 5), handlers=[world.officer_a])
    p.refresh_from_db()
    assert "Trần Thị Tố" in _text(ACCEPTANCE_NOTICE.paper(p, world.officer_a))  # a handler, logged as a reveal
    for reader in (world.reception_a, world.leader, None):
        assert "Trần Thị Tố" not in _text(ACCEPTANCE_NOTICE.paper(p, reader))
    answer = signed_in(world.office).get(reverse("records:outgoing_from_paper"),
                                         {"kind": ACCEPTANCE_NOTICE.key, "ident": str(p.pk)})
    assert answer.status_code == 302 and answer["Location"] == reverse("records:outgoing_list")
    from dieuhanh.records.models import OutgoingDocument

    assert not OutgoingDocument.objects.exists()
