"""The meeting's conclusion notice (directives/papers.py) from the meeting's own data, served to
those who may see the meeting only, as .docx from its page, the API and the command line."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document as read_docx
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.directives.papers import CONCLUSION_NOTICE, conclusion_notice, find_meeting
from dieuhanh.directives.services import do_create_document, do_create_meeting
from dieuhanh.testing import bearer, login

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def meeting(world):
    conclusion = do_create_document(
        actor=world.office, system="state", kind="TB", number="7", issuer_code="UBND", issuer=world.ward_a_committee,
        issued_on=dt.date(2026, 2, 5), title="Thông báo kết luận của Chủ tịch UBND phường tại cuộc họp giao ban tháng 01",
        signer=world.officer_a_person,
    )
    held = do_create_meeting(actor=world.office, organisation=world.ward_a_committee, title="Cuộc họp giao ban tháng 01",
                             held_on=dt.date(2026, 2, 3), chair=world.officer_a_person, conclusion=conclusion,
                             summary="Tình hình kinh tế - xã hội tháng 01 ổn định.")
    world.task(meeting=held, source_document=conclusion, title="Rà soát hồ sơ đất đai tồn đọng",
               budget_vnd=Decimal(450_000_000), staff_count=6, coordinating_units=[world.ward_b])
    world.task(meeting=held, source_document=conclusion, title="Số hoá hồ sơ hộ tịch",
               expected_result="100% sổ hộ tịch được số hoá")
    return held


def test_the_notice_is_built_from_the_meeting_and_its_tasks(world, meeting):
    paper = conclusion_notice(find_meeting(str(meeting.pk), None), None)
    assert paper.format == "state" and paper.kind == "TB" and paper.number == "7" and paper.day == dt.date(2026, 2, 5)
    assert paper.issuer.name == "Ủy ban nhân dân\nphường Chu Văn An" and paper.issuer.code == "UBND"
    assert paper.subject == "Kết luận của Chủ tịch UBND phường tại cuộc họp giao ban tháng 01"  # not "Thông báo" twice
    assert paper.signatures[0].authority == ("TM. ỦY BAN NHÂN DÂN",) and paper.signatures[0].name == "Lê Thị An"
    table = next(block for block in paper.body if hasattr(block, "rows"))
    assert table.headers[1:3] == ("Nhiệm vụ (rõ việc)", "Chủ trì, phối hợp (rõ người)")
    first, second = table.rows
    assert first[1] == "Rà soát hồ sơ đất đai tồn đọng"
    assert "Phường Chu Văn An (đồng chí Lê Thị An)" in first[2] and "Phối hợp: Phường Chí Linh" in first[2]
    assert first[4] == "450 triệu đồng\n6 người"
    assert second[5] == "100% sổ hộ tịch được số hoá" and second[6] == "Trần Văn Lãnh"
    assert "Phường Chu Văn An" in paper.recipients


def test_the_office_and_the_ward_download_it_another_ward_does_not(client, world, meeting):
    url = reverse("paper_download", args=[CONCLUSION_NOTICE.key, meeting.pk, "docx"])
    assert client.get(url).status_code == 302  # signed out: to the login page
    login(client, world.officer_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="thong-bao-ket-luan-7-TB-UBND.docx"'
    doc = read_docx(io.BytesIO(response.content))
    assert doc.tables[0].cell(1, 0).paragraphs[0].text == "Số: 07/TB-UBND"
    assert doc.tables[1].rows[1].cells[1].text == "Rà soát hồ sơ đất đai tồn đọng"
    for other in (world.officer_b, world.outsider):
        login(client, other)
        assert client.get(url).status_code == 404
    login(client, world.office)
    assert client.get(url).status_code == 200
    for bad in (reverse("paper_download", args=["khong-co", meeting.pk, "docx"]),
                reverse("paper_download", args=[CONCLUSION_NOTICE.key, meeting.pk, "odt"]),
                reverse("paper_download", args=[CONCLUSION_NOTICE.key, "abc", "docx"]),
                reverse("paper_download", args=[CONCLUSION_NOTICE.key, 999999, "docx"])):
        assert client.get(bad).status_code == 404, bad


def test_the_meeting_list_links_the_notice(client, world, meeting):
    login(client, world.officer_a)
    page = client.get(reverse("directives:meeting_list")).content.decode()
    assert reverse("paper_download", args=[CONCLUSION_NOTICE.key, meeting.pk, "docx"]) in page
    assert reverse("paper_download", args=[CONCLUSION_NOTICE.key, meeting.pk, "pdf"]) in page


def test_the_api_lists_the_kinds_and_serves_the_file(world, meeting):
    api = bearer(world.officer_a)
    kinds = api.get("/api/v1/papers").json()
    assert {"key": "thong-bao-ket-luan", "label": "Thông báo kết luận cuộc họp", "renders": CONCLUSION_NOTICE.renders,
            "formats": ["docx", "pdf"]} in kinds
    response = api.get(f"/api/v1/papers/thong-bao-ket-luan/{meeting.pk}?format=docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX and response.content[:2] == b"PK"
    refused = bearer(world.officer_b).get(f"/api/v1/papers/thong-bao-ket-luan/{meeting.pk}")
    assert refused.status_code == 404 and refused.json()["detail"]
    assert api.get(f"/api/v1/papers/thong-bao-ket-luan/{meeting.pk}?format=odt").status_code == 422


def test_the_command_line_lists_and_renders(world, meeting, tmp_path):
    runner = CliRunner()
    listed = runner.invoke(app, ["document", "--list"])
    assert listed.exit_code == 0
    assert any(line.startswith(f"thong-bao-ket-luan\t{CONCLUSION_NOTICE.renders}; ví dụ: dieuhanh document thong-bao-ket-luan ")
               for line in listed.output.splitlines())
    target = tmp_path / "tb.docx"
    made = runner.invoke(app, ["document", "thong-bao-ket-luan", str(meeting.pk), "--format", "docx", "-o", str(target)])
    assert made.exit_code == 0, made.output
    assert read_docx(str(target)).tables[0].cell(1, 0).paragraphs[0].text == "Số: 07/TB-UBND"
    for args, said in ((["document", "khong-co", "1"], "Không có loại văn bản «khong-co»"),
                       (["document", "thong-bao-ket-luan", "999999"], "Không tìm thấy"),
                       (["document", "thong-bao-ket-luan", str(meeting.pk), "--format", "odt"], "chọn docx hoặc pdf"),
                       (["document"], "Cần loại văn bản và ID")):
        refused = runner.invoke(app, args)
        assert refused.exit_code == 2 and said in refused.output, (args, refused.output)


def test_without_libreoffice_the_pdf_is_refused_in_words_and_the_docx_offered(client, world, meeting, monkeypatch,
                                                                               tmp_path):
    monkeypatch.setenv("DIEUHANH_SOFFICE", str(tmp_path / "no-office"))
    login(client, world.officer_a)
    response = client.get(reverse("paper_download", args=[CONCLUSION_NOTICE.key, meeting.pk, "pdf"]))
    page = response.content.decode()
    assert response.status_code == 503 and "chưa cài LibreOffice" in page
    assert reverse("paper_download", args=[CONCLUSION_NOTICE.key, meeting.pk, "docx"]) in page
    api = bearer(world.officer_a).get(f"/api/v1/papers/thong-bao-ket-luan/{meeting.pk}?format=pdf")
    assert api.status_code == 503 and "chưa cài LibreOffice" in api.json()["detail"] and api["Retry-After"] == "60"


def test_the_command_line_on_a_database_without_its_tables_says_what_to_run(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DIEUHANH_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "dieuhanh.settings"}
    done = subprocess.run([sys.executable, "-c", "from dieuhanh.cli import app; app()", "document", "--list"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "dieuhanh migrate" in done.stderr and "Traceback" not in done.stderr
