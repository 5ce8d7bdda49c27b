"""The registers: numbers by series (per issuer, kind and year; the party's per term), never given
twice; an issued file kept with its SHA-256 and never served changed; replacement; the incoming
register and its handling as "5 rõ" tasks; who sees and does what."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from dieuhanh.core.models import AuditEvent
from dieuhanh.directives.models import Document
from dieuhanh.records import services, storage
from dieuhanh.records.models import IncomingDocument, OutgoingDocument
from dieuhanh.testing import bearer, signed_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(tag: str = "") -> tuple[str, bytes]:
    return f"van-ban{tag}.pdf", PDF + tag.encode()


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def issue(world, *, day, kind="QĐ", issuer=None, system="state", code="UBND", actor=None, tag="", **kw):
    return services.do_issue(
        actor=actor or world.office, issuer=issuer or world.ward_a_committee, system=system, kind=kind,
        issuer_code=code, subject=f"Trích yếu {tag or kind}", upload=pdf(tag or f"{kind}{day}"), issued_on=day, **kw,
    )


def test_state_numbers_run_per_issuer_and_kind_and_start_again_on_1_january(world, data_dir):
    a1 = issue(world, day=dt.date(2025, 12, 30), tag="a1")
    a2 = issue(world, day=dt.date(2025, 12, 31), tag="a2")
    plan = issue(world, day=dt.date(2025, 12, 31), kind="KH", tag="k1")
    other = issue(world, day=dt.date(2025, 12, 31), issuer=world.ward_b_committee, tag="b1")
    new_year = issue(world, day=dt.date(2026, 1, 1), tag="a3")
    assert [a1.number, a2.number, plan.number, other.number, new_year.number] == [1, 2, 1, 1, 1]
    assert a2.symbol == "02/QĐ-UBND" and a2.notation == "Số: 02/QĐ-UBND"
    assert new_year.period == "2026" and a2.period == "2025"


def test_party_numbers_run_through_the_term_not_the_year(world, data_dir):
    committee = world.party_committee
    with pytest.raises(ValidationError) as no_term:
        issue(world, day=dt.date(2025, 5, 2), kind="NQ", issuer=committee, system="party", code="TU")
    assert "Chưa khai báo nhiệm kỳ của Thành uỷ Chí Linh" in no_term.value.message_dict["issuer"][0]
    services.do_add_term(actor=world.office, organisation=committee, name="2020 - 2025", starts_on=dt.date(2020, 10, 15))
    first = issue(world, day=dt.date(2024, 12, 31), kind="NQ", issuer=committee, system="party", code="TU", tag="n1")
    second = issue(world, day=dt.date(2025, 1, 2), kind="NQ", issuer=committee, system="party", code="TU", tag="n2")
    assert (first.number, second.number, second.symbol) == (1, 2, "02-NQ/TU")
    assert second.notation == "Số 02-NQ/TU"
    services.do_add_term(actor=world.office, organisation=committee, name="2025 - 2030", starts_on=dt.date(2025, 8, 20))
    third = issue(world, day=dt.date(2025, 9, 1), kind="NQ", issuer=committee, system="party", code="TU", tag="n3")
    assert (third.number, third.period) == (1, "2025 - 2030")


def test_a_term_cannot_start_before_documents_already_numbered_in_the_last(world, data_dir):
    committee = world.party_committee
    services.do_add_term(actor=world.office, organisation=committee, name="2020 - 2025", starts_on=dt.date(2020, 10, 15))
    issue(world, day=dt.date(2025, 9, 1), kind="NQ", issuer=committee, system="party", code="TU")
    with pytest.raises(ValidationError) as late:
        services.do_add_term(actor=world.office, organisation=committee, name="2025 - 2030", starts_on=dt.date(2025, 8, 20))
    assert "starts_on" in late.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_once_never_get_the_same_number(data_dir):
    from dieuhanh.testing import build_world

    world = build_world()
    day = dt.date(2026, 3, 2)
    results: list[object] = []

    def clerk(i: int) -> None:
        try:
            results.append(issue(world, day=day, tag=f"c{i}").number)
        except Exception as exc:  # the database may refuse a writer that waited too long: it must say so
            results.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = sorted(n for n in results if isinstance(n, int))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 1
    assert OutgoingDocument.objects.filter(issuer=world.ward_a_committee).count() == len(numbers)
    if connection.vendor == "postgresql":
        assert len(numbers) == 6


def test_the_issued_file_is_kept_with_its_hash_and_a_changed_file_is_not_served(world, data_dir):
    doc = issue(world, day=dt.date(2026, 3, 2), tag="x")
    _name, content = pdf("x")
    assert doc.sha256 == hashlib.sha256(content).hexdigest() and doc.file_size == len(content)
    client = signed_in(world.officer_a)
    got = client.get(reverse("records:outgoing_file", args=[doc.pk]))
    assert got.status_code == 200 and got.content == content and got["X-Content-SHA256"] == doc.sha256
    assert got["Content-Type"] == "application/pdf"
    path = data_dir / storage.FOLDER / doc.file_path
    path.chmod(0o640)
    path.write_bytes(content + b"changed")
    refused = client.get(reverse("records:outgoing_file", args=[doc.pk]))
    assert refused.status_code == 409 and "SHA-256" in refused.content.decode()
    assert bearer(world.officer_a).get(f"/api/v1/records/outgoing/{doc.pk}/file").status_code == 409


def test_a_document_is_replaced_by_a_new_one_that_says_so_and_only_once(world, data_dir):
    old = issue(world, day=dt.date(2026, 3, 2), tag="old")
    new = issue(world, day=dt.date(2026, 3, 5), tag="new", replaces=old)
    assert new.number == 2 and new.replaces == old
    old.refresh_from_db()
    assert old.replaced_by == new and old.sha256 == hashlib.sha256(pdf("old")[1]).hexdigest()
    with pytest.raises(ValidationError) as twice:
        issue(world, day=dt.date(2026, 3, 6), tag="again", replaces=old)
    assert "đã được thay thế" in twice.value.message_dict["replaces"][0]
    with pytest.raises(ValidationError) as other_issuer:
        issue(world, day=dt.date(2026, 3, 6), tag="b", issuer=world.ward_b_committee, replaces=new)
    assert "cùng cơ quan" in other_issuer.value.message_dict["replaces"][0]
    page = signed_in(world.office).get(reverse("records:outgoing_detail", args=[old.pk])).content.decode()
    assert "đã bị thay thế bởi" in page and new.symbol in page


def test_bad_input_names_the_field_and_takes_no_number(world, data_dir):
    with pytest.raises(ValidationError) as bad:
        services.do_issue(actor=world.office, issuer=world.ward_a_committee, system="state", kind="XX", issuer_code="UB/ND",
                          subject="", upload=("quyet-dinh.exe", b"MZ"), issued_on=dt.date(2026, 3, 2))
    errors = bad.value.message_dict
    assert set(errors) >= {"kind", "issuer_code", "subject", "file"}
    assert "Tệp quyet-dinh.exe không được nhận" in errors["file"][0]
    assert issue(world, day=dt.date(2026, 3, 2), tag="z").number == 1
    with pytest.raises(ValidationError) as fake:
        services.do_issue(actor=world.office, issuer=world.ward_a_committee, system="state", kind="QĐ", issuer_code="UBND",
                          subject="Giả", upload=("gia.pdf", b"<html>"), issued_on=dt.date(2026, 3, 2))
    assert "không phải tệp pdf" in fake.value.message_dict["file"][0]
    assert issue(world, day=dt.date(2026, 3, 3), tag="next").number == 2  # the refused ones took none


def test_the_form_issues_with_a_number_and_redirects_to_the_document(world, data_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(world.office)
    empty = client.post(reverse("records:outgoing_create"), {})
    assert empty.status_code == 200 and "Cơ quan ban hành: chưa chọn." in empty.content.decode()
    name, content = pdf("form")
    done = client.post(reverse("records:outgoing_create"), {
        "issuer": world.ward_a_committee.pk, "system": "state", "kind": "KH", "issuer_code": "UBND",
        "issued_on": "02/03/2026", "subject": "Kế hoạch chuyển đổi số", "urgency": "urgent",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    })
    doc = OutgoingDocument.objects.get()
    assert done.status_code == 302 and done["Location"] == doc.get_absolute_url()
    assert doc.symbol == "01/KH-UBND" and doc.urgency == "urgent"
    assert AuditEvent.objects.filter(action="issue_document", object_id=str(doc.pk)).count() == 1


def test_who_sees_and_who_numbers(world, data_dir):
    mine = issue(world, day=dt.date(2026, 3, 2), tag="a")
    theirs = issue(world, day=dt.date(2026, 3, 2), issuer=world.ward_b_committee, tag="b")
    officer_a = signed_in(world.officer_a)
    listed = officer_a.get(reverse("records:outgoing_list")).content.decode()
    assert mine.subject in listed and theirs.subject not in listed
    assert officer_a.get(reverse("records:outgoing_detail", args=[theirs.pk])).status_code == 404
    assert officer_a.get(reverse("records:outgoing_file", args=[theirs.pk])).status_code == 404
    assert officer_a.get(reverse("records:outgoing_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        issue(world, day=dt.date(2026, 3, 2), actor=world.officer_a, tag="c")
    assert signed_in(world.onestop_a).get(reverse("records:outgoing_list")).status_code == 403
    api = bearer(world.officer_a).get("/api/v1/records/outgoing").json()
    assert [row["id"] for row in api["results"]] == [mine.pk]
    assert bearer(world.officer_a).get(f"/api/v1/records/outgoing/{theirs.pk}").status_code == 404
    office = {row["id"] for row in bearer(world.office).get("/api/v1/records/outgoing").json()["results"]}
    assert office == {mine.pk, theirs.pk}


def test_incoming_numbers_run_through_the_year_and_handling_becomes_5_ro_tasks(world, data_dir):
    def receive(day, number, tag):
        return services.do_receive(
            actor=world.office, receiver=world.ward_a_committee, sender=world.province_department, sender_name="",
            system="state", kind="KH", number=number, issuer_code="SNNMT", issued_on=day - dt.timedelta(days=1),
            received_on=day, subject=f"Kế hoạch {tag}", upload=pdf(tag), handle_by=day + dt.timedelta(days=10),
        )

    first = receive(dt.date(2025, 12, 31), "120", "a")
    second = receive(dt.date(2026, 1, 2), "3", "b")
    third = receive(dt.date(2026, 1, 5), "9", "c")
    assert (first.arrival_number, second.arrival_number, third.arrival_number) == (1, 1, 2)
    assert first.sender_name == world.province_department.name and first.symbol == "120/KH-SNNMT"
    client = signed_in(world.office)
    answer = client.post(reverse("records:incoming_assign", args=[second.pk]))
    second.refresh_from_db()
    doc = Document.objects.get(pk=second.document_id)
    assert answer.status_code == 302 and answer["Location"] == f"{reverse('directives:task_create')}?document={doc.pk}"
    assert (doc.issuer, doc.symbol, doc.title) == (world.province_department, "3/KH-SNNMT", "Kế hoạch b")
    assert client.post(reverse("records:incoming_assign", args=[second.pk])).status_code == 302
    assert Document.objects.filter(issuer=world.province_department).count() == 1  # made once
    task = world.task(source_document=doc, lead_unit=world.ward_a, due_date=dt.date(2026, 2, 15),
                      assigned_on=dt.date(2026, 1, 3))
    page = client.get(reverse("records:incoming_detail", args=[second.pk])).content.decode()
    assert "1 nhiệm vụ đã giao" in page
    assert task.source_document_id == doc.pk
    waiting = client.get(reverse("records:incoming_list"), {"handling": "waiting"}).content.decode()
    assert "Kế hoạch a" in waiting and "Kế hoạch b" not in waiting
    assert signed_in(world.officer_a).post(reverse("records:incoming_assign", args=[third.pk])).status_code == 403
    assert IncomingDocument.objects.get(pk=third.pk).document_id is None


def test_the_registers_export_to_excel_the_rows_listed(world, data_dir):
    from io import BytesIO

    from openpyxl import load_workbook

    issue(world, day=dt.date(2026, 3, 2), tag="a")
    issue(world, day=dt.date(2026, 3, 3), kind="KH", tag="b")
    got = signed_in(world.office).get(reverse("records:outgoing_export"), {"kind": "KH"})
    sheet = load_workbook(BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số, ký hiệu" and [r[0] for r in rows[1:]] == ["01/KH-UBND"]
    assert rows[1][1] == dt.datetime(2026, 3, 3)


def test_an_issued_plan_gets_its_tasks_under_its_own_number(world, data_dir):
    plan = issue(world, day=dt.date(2026, 3, 2), kind="KH", tag="plan")
    client = signed_in(world.office)
    answer = client.post(reverse("records:outgoing_assign", args=[plan.pk]))
    plan.refresh_from_db()
    doc = Document.objects.get(pk=plan.document_id)
    assert answer.status_code == 302 and answer["Location"] == f"{reverse('directives:task_create')}?document={doc.pk}"
    assert (doc.symbol, doc.issuer, doc.issued_on) == ("01/KH-UBND", world.ward_a_committee, dt.date(2026, 3, 2))
    client.post(reverse("records:outgoing_assign", args=[plan.pk]))
    assert Document.objects.filter(issuer=world.ward_a_committee).count() == 1
    assert signed_in(world.officer_a).post(reverse("records:outgoing_assign", args=[plan.pk])).status_code == 403


def test_a_secret_document_is_read_only_by_the_office_and_leaders_of_its_unit(world, data_dir):
    secret = issue(world, day=dt.date(2026, 3, 2), kind="KH", tag="secret", secrecy="mat")
    plain = issue(world, day=dt.date(2026, 3, 3), kind="KH", tag="plain")
    officer = signed_in(world.officer_a)
    listed = officer.get(reverse("records:outgoing_list")).content.decode()
    assert plain.subject in listed and secret.subject not in listed
    for name in ("records:outgoing_detail", "records:outgoing_file"):
        assert officer.get(reverse(name, args=[secret.pk])).status_code == 404
    assert [r["id"] for r in bearer(world.officer_a).get("/api/v1/records/outgoing").json()["results"]] == [plain.pk]
    office = signed_in(world.office)
    page = office.get(reverse("records:outgoing_detail", args=[secret.pk])).content.decode()
    assert "Mật" in page and secret.subject in page
    assert office.get(reverse("records:outgoing_file", args=[secret.pk])).status_code == 200
    # tasks given under it hang from a document that does not read the secret subject out
    office.post(reverse("records:outgoing_assign", args=[secret.pk]))
    secret.refresh_from_db()
    title = Document.objects.get(pk=secret.document_id).title
    assert secret.subject not in title and "mật" in title
    with pytest.raises(ValidationError) as bad:
        issue(world, day=dt.date(2026, 3, 4), tag="bad", secrecy="rat_mat")
    assert "Độ mật" in bad.value.message_dict["secrecy"][0]
