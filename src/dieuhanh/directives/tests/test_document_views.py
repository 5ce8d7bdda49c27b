"""The documents and meetings of the "5 rõ" core through Django's test client: a document from
its notation and its tree of implementing documents, the document list and export, a meeting
with its conclusion, and the task counts shown next to documents."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from dieuhanh.directives.models import Document, Meeting, Task
from dieuhanh.directives.services import do_create_document
from dieuhanh.directives.tests.helpers import task_post, xlsx_rows
from dieuhanh.testing import login

TODAY = timezone.localdate


def test_a_document_is_created_from_its_notation_and_shows_in_the_parents_tree(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:document_create"),
        {"notation": "Số 05-CTr/TU", "issuer": world.party_committee.pk, "issued_on": "2020-12-20",
         "title": "Chương trình hành động thực hiện Nghị quyết Đại hội XXIII", "parent": world.resolution.pk},
    )
    assert response.status_code == 302
    doc = Document.objects.get(number="05")
    assert (doc.system, doc.kind, doc.issuer_code, doc.parent) == ("party", "CTr", "TU", world.resolution)
    world.task(title="Xây dựng đề án đô thị thông minh", source_document=doc)
    plan = do_create_document(
        actor=world.office, system="party", kind="KH", number="07", issuer_code="TU", issuer=world.party_committee,
        issued_on=dt.date(2021, 3, 1), parent=doc, title="Kế hoạch thu hút đầu tư",
    )
    world.task(title="Xúc tiến đầu tư khu công nghiệp", source_document=plan)
    response = client.get(reverse("directives:document_detail", args=[world.resolution.pk]))
    html = response.content.decode()
    assert "Số 01-NQ/ĐH" in html and "05-CTr/TU" in html and "07-KH/TU" in html
    # Each node counts its own tasks and those of the documents implementing it (what its link lists).
    programme = response.context["tree"]["children"][0]
    assert (programme["tasks"], programme["children"][0]["tasks"]) == (2, 1)
    assert f"{reverse('directives:task_create')}?document={world.resolution.pk}" in html


def test_a_document_with_separate_fields_and_a_bad_notation(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:document_create"),
        {"system": "state", "kind": "KH", "number": "120", "issuer_code": "UBND", "issuer": world.ward_a_committee.pk,
         "issued_on": TODAY().isoformat(), "title": "Kế hoạch giải phóng mặt bằng"},
    )
    assert response.status_code == 302
    assert Document.objects.get(number="120").notation == "Số: 120/KH-UBND"
    response = client.post(
        reverse("directives:document_create"),
        {"notation": "mười lăm", "issuer": world.ward_a_committee.pk, "issued_on": TODAY().isoformat(), "title": "x"},
    )
    assert response.status_code == 200 and "Số, ký hiệu văn bản không hợp lệ" in response.content.decode()


def test_document_list_filters_and_search(client, world, decision):
    login(client, world.office)
    html = client.get(reverse("directives:document_list"), {"q": "dieu chinh tien do"}).content.decode()
    assert "15/QĐ-UBND" in html and "01-NQ/ĐH" not in html
    html = client.get(reverse("directives:document_list"), {"kind": "NQ"}).content.decode()
    assert "01-NQ/ĐH" in html and "15/QĐ-UBND" not in html


def test_a_document_outside_scope_is_a_404(client, world, decision):
    login(client, world.officer_b)
    assert client.get(reverse("directives:document_detail", args=[decision.pk])).status_code == 404


def test_a_meeting_is_recorded_with_a_new_conclusion_and_tasks_can_cite_it(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:meeting_create"),
        {"organisation": world.party_committee.pk, "title": "Hội nghị Ban Thường vụ Thành uỷ",
         "held_on": TODAY().isoformat(), "conclusion_notation": "125-TB/TU",
         "conclusion_issued_on": TODAY().isoformat(), "conclusion_title": "Thông báo kết luận hội nghị"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.conclusion.symbol == "125-TB/TU"
    html = client.get(reverse("directives:meeting_list")).content.decode()
    assert "Hội nghị Ban Thường vụ Thành uỷ" in html and "125-TB/TU" in html
    response = client.post(
        reverse("directives:task_create"),
        task_post(world, meeting=meeting.pk, source_document=meeting.conclusion.pk),
    )
    assert Task.objects.get().meeting == meeting


def test_a_meeting_with_a_bad_conclusion_saves_neither(client, world):
    login(client, world.office)
    response = client.post(
        reverse("directives:meeting_create"),
        {"organisation": world.party_committee.pk, "title": "Họp giao ban", "held_on": TODAY().isoformat(),
         "conclusion_notation": "126-TB/TU", "conclusion_issued_on": (TODAY() - dt.timedelta(days=1)).isoformat(),
         "conclusion_title": "Kết luận"},
    )
    assert response.status_code == 200
    assert "Thông báo kết luận không thể ban hành trước ngày họp." in response.content.decode()
    assert not Meeting.objects.exists() and not Document.objects.filter(number="126").exists()


def test_the_document_export_lists_the_visible_documents(client, world, decision):
    login(client, world.officer_b)
    _sheet, rows = xlsx_rows(client.get(reverse("directives:document_export")))
    assert rows[0][:4] == ("Số, ký hiệu", "Loại văn bản", "Cơ quan ban hành", "Ngày ban hành")
    # The city's resolution is visible from ward B; ward A's decision is not.
    assert [r[0] for r in rows[1:]] == ["01-NQ/ĐH"]


def test_task_counts_next_to_documents_count_only_visible_tasks(client, world, task_a, task_b):
    login(client, world.officer_a)
    response = client.get(reverse("directives:document_list"))
    assert [d.task_count for d in response.context["page"].object_list] == [1]
    _sheet, rows = xlsx_rows(client.get(reverse("directives:document_export")))
    assert rows[1][-1] == 1
    detail = client.get(reverse("directives:document_detail", args=[world.resolution.pk]))
    assert detail.context["task_total"] == 1 and detail.context["direct_total"] == 1
