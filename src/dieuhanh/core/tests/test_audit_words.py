"""The audit log in words (field names, choice labels, units, bodies and people by name), filtered
by day, and exported as .xlsx to those who may read it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dieuhanh.core.models import AuditEvent
from dieuhanh.petitions import services
from dieuhanh.testing import in_english

pytestmark = pytest.mark.django_db
DENOUNCER = "Hoàng Thị Bí Mật"


@pytest.fixture
def classified(world):
    p = world.petition(kind="denunciation", subject="Tố cáo cán bộ nhận tiền",
                       identity={"name": DENOUNCER, "address": "Khu dân cư số 5", "phone": "0988000111"})
    services.do_classify(actor=world.reception_a, petition=p, kind="complaint", handling_org=world.ward_a_committee)
    return p


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("audit_log"), params).content.decode()


def test_changes_read_in_words_not_attribute_names_and_ids(client, world, classified):
    page = _page(client, world.inspector, object_type="petitions.petition", object_id=classified.pk)
    # The classification: the field's name, the choice's label, the body by name.
    assert "Cơ quan giải quyết:</span>" in page and "UBND phường Chu Văn An" in page
    assert "Phân loại theo nội dung:</span>" in page and "Tố cáo</span> →" in page
    # The receipt: the units by name, dates as people write them.
    assert "Phường Chu Văn An" in page and f"{classified.received_on:%d/%m/%Y}" in page
    for stored in ("handling_org_id", "receiving_unit_id", "unit_id", ">denunciation<", ">complaint<", "received_on:"):
        assert stored not in page, stored
    assert DENOUNCER not in page and "0988000111" not in page


def test_a_task_reads_its_coordinating_units_and_people_by_name(client, world):
    world.task(coordinating_units=[world.ward_b])
    page = _page(client, world.admin, object_type="directives.task")
    assert "Đơn vị phối hợp:</span>" in page and "Phường Chí Linh" in page
    assert "Lãnh đạo chịu trách nhiệm" in page and "Trần Văn Lãnh" in page
    assert "accountable_person_id" not in page and "coordinating_units" not in page


def test_a_declared_key_reads_in_the_language_of_the_reader(client, world):
    world.task(coordinating_units=[world.ward_b])
    page = _page(in_english(client), world.admin, object_type="directives.task")
    assert "Coordinating units:</span>" in page and "Đơn vị phối hợp" not in page


def test_the_actor_reads_by_name_and_is_found_by_name(client, world, classified):
    world.task(actor=world.leader)
    page = _page(client, world.admin, actor="trần văn lãnh")
    assert "Trần Văn Lãnh (bithu_t)" in page
    assert f"{AuditEvent.objects.filter(actor=world.leader).count()} sự kiện" in page


def test_it_filters_by_day(client, world, classified):
    old = AuditEvent.objects.filter(object_id=str(classified.pk)).order_by("seq").first()
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2021, 3, 5, 23, 30, tzinfo=dt.UTC))  # 6/3 in Vietnam
    total = AuditEvent.objects.count()
    assert "1 sự kiện" in _page(client, world.admin, date_from="06/03/2021", date_to="06/03/2021")
    assert "0 sự kiện" in _page(client, world.admin, date_from="05/03/2021", date_to="05/03/2021")
    assert f"{total - 1} sự kiện" in _page(client, world.admin, date_from="2021-03-07")
    assert f"{total} sự kiện" in _page(client, world.admin, date_to="31/12/2099")


def test_a_bad_or_crossed_day_is_reported_not_an_error(client, world, classified):
    client.force_login(world.admin)
    for params in ({"date_from": "32/13/2021"}, {"date_from": "2026-05-01", "date_to": "2026-04-01"}):
        response = client.get(reverse("audit_log"), params)
        assert response.status_code == 200
        assert f"{AuditEvent.objects.count()} sự kiện" in response.content.decode()
    assert "«Đến ngày» phải sau hoặc bằng «Từ ngày»" in response.content.decode()


def test_only_those_who_read_the_log_may_export_it(client, world, classified):
    url = reverse("audit_export")
    assert client.get(url).status_code == 302  # to the login page
    for user in (world.office, world.leader, world.officer_a, world.reception_a, world.onestop_a, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
    for user in (world.admin, world.inspector):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_export_holds_the_filtered_events_in_the_words_of_the_page(client, world, classified):
    world.task()
    client.force_login(world.inspector)
    response = client.get(reverse("audit_export"), {"object_type": "petitions.petition"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Số", "Thời điểm", "Người thực hiện")
    events = AuditEvent.objects.filter(object_type="petitions.petition").order_by("-seq")
    assert [r[0] for r in rows[1:]] == [e.seq for e in events]
    text = "\n".join(str(cell) for row in rows for cell in row if cell is not None)
    assert "Cơ quan giải quyết: — → UBND phường Chu Văn An" in text or "Cơ quan giải quyết: UBND phường Chu Văn An" in text
    assert "handling_org_id" not in text and DENOUNCER not in text and "0988000111" not in text
    assert "Nhiệm vụ" not in {r[5] for r in rows[1:]}  # the task's event is filtered out
