"""The one-stop slip and the apology as formal documents (dossiers/papers.py): from the dossier's
data, the slip on one A4 page with a QR code whose link opens the dossier's public lookup, the
apology only for a dossier that has one, each only for those who may see the dossier."""

from __future__ import annotations

import io
import subprocess
from urllib.parse import urlsplit

from django.urls import reverse
from docx import Document as read_docx

from dieuhanh.core import calendar, lookup
from dieuhanh.core.papers import docx, pdf
from dieuhanh.dossiers.papers import APOLOGY, RECEIPT, apology, lookup_link, qr_png, receipt
from dieuhanh.dossiers.services import do_apologise
from dieuhanh.testing import login


def _text(doc) -> str:
    lines = [p.text for p in doc.paragraphs]
    lines += [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(lines)


def test_the_slip_says_what_was_received_and_when_it_is_due(client, world):
    d = world.dossier(applicant_address="Tổ dân phố 3, phường Chu Văn An", note="Tờ khai đăng ký khai sinh\n"
                      "- Giấy chứng sinh (bản chính)")
    paper = receipt(d, world.onestop_a)
    doc = read_docx(io.BytesIO(docx.render(paper)))
    text = _text(doc)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and f"Mã hồ sơ: {d.code}" in text
    assert "Ông/bà: Nguyễn Thị Hồ Sơ" in text and "Địa chỉ: Tổ dân phố 3, phường Chu Văn An" in text
    assert "- Tờ khai đăng ký khai sinh" in text and "- Giấy chứng sinh (bản chính)" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc." in text
    assert f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {d.due_on:%d/%m/%Y}." in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert not any("Số:" in p.text for p in doc.tables[0].cell(1, 0).paragraphs)  # a slip has no number line
    # the QR code is the picture of the dossier's lookup link, and that link opens the dossier
    link = lookup_link(d)
    pictures = [part for part in doc.part.package.parts if part.content_type == "image/png"]
    assert [p.blob for p in pictures] == [qr_png(link)]
    assert lookup.grouped(d.lookup_code) in text and link in text
    public = urlsplit(link)
    response = client.get(f"{public.path}?{public.query}")  # a citizen, not signed in
    assert response.status_code == 200 and d.code in response.content.decode()
    assert "Đăng ký khai sinh" in response.content.decode()


def test_the_slip_is_one_a4_page_in_pdf(world):
    d = world.dossier(note="\n".join(f"Giấy tờ số {i} theo quy định của thủ tục" for i in range(1, 7)),
                      applicant_address="Khu dân cư Văn Minh, phường Chu Văn An, thành phố Hải Phòng")
    data = pdf.convert(docx.render(receipt(d, None)))
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True, timeout=60).stdout.decode()  # noqa: S607
    assert "Pages:           1" in info


def test_the_apology_exists_once_issued_and_names_the_new_date(client, world):
    d = world.dossier(applicant_name="Trần Văn Chậm")
    url = reverse("paper_download", args=[APOLOGY.key, d.code, "docx"])
    login(client, world.onestop_a)
    assert client.get(url).status_code == 404  # no apology was issued
    new_due = calendar.add(d.due_on, 5, working=True)
    do_apologise(actor=world.onestop_a, dossier=d, reason="Cần xác minh thêm tại địa phương", new_due_on=new_due)
    d.refresh_from_db()
    response = client.get(url)
    assert response.status_code == 200
    text = _text(read_docx(io.BytesIO(response.content)))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Kính gửi: Ông/bà Trần Văn Chậm" in text
    assert f"ngày {d.due_on:%d/%m/%Y}" in text and f"ngày {new_due:%d/%m/%Y}." in text
    assert "Lý do: Cần xác minh thêm tại địa phương." in text
    assert apology(d, None).signatures[0].authority == ("TM. ỦY BAN NHÂN DÂN",)


def test_only_those_who_see_the_dossier_get_its_slip(client, world):
    d = world.dossier()
    url = reverse("paper_download", args=[RECEIPT.key, d.code, "docx"])
    for user, status in ((world.onestop_a, 200), (world.onestop_b, 404), (world.officer_b, 404), (world.outsider, 404)):
        login(client, user)
        assert client.get(url).status_code == status, user.username


def test_the_dossier_page_and_the_printed_slip_link_the_documents(client, world):
    d = world.dossier()
    login(client, world.onestop_a)
    for page in (reverse("dossier_detail", kwargs={"code": d.code}), reverse("dossier_slip", kwargs={"code": d.code})):
        html = client.get(page).content.decode()
        assert reverse("paper_download", args=[RECEIPT.key, d.code, "pdf"]) in html, page

