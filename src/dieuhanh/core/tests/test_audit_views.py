"""The audit log page: administrators and inspectors only; it lists what changed, who did it and
when — including each time a handler opened a denouncer's identity — and never the identity."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dieuhanh.core.models import AuditEvent
from dieuhanh.petitions import services
from dieuhanh.petitions.confidentiality import identity_for

DENOUNCER = "Hoàng Thị Bí Mật"


@pytest.fixture
def denunciation(world):
    p = world.petition(kind="denunciation", subject="Tố cáo cán bộ nhận tiền",
                       content="Tố cáo cán bộ địa chính phường nhận tiền để hợp thức hoá đất.",
                       identity={"name": DENOUNCER, "address": "Khu dân cư số 5", "phone": "0988000111"})
    p = services.do_assign(actor=world.reception_a, petition=p, users=[world.officer_a])
    services.do_accept(actor=world.reception_a, petition=p)
    return p


def test_it_opens_for_admin_and_inspector_only(client, world):
    url = reverse("audit_log")
    assert client.get(url).status_code == 302
    for user in (world.admin, world.inspector):
        client.force_login(user)
        assert client.get(url).status_code == 200
    for user in (world.office, world.leader, world.officer_a, world.reception_a, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_it_lists_a_petitions_events_and_reveals_without_the_denouncer(client, world, denunciation):
    identity_for(world.officer_a, denunciation, purpose="xác minh")
    client.force_login(world.officer_a)
    client.post(reverse("petitions:petition_identity", args=[denunciation.pk]))
    assert AuditEvent.objects.filter(action="reveal", object_id=str(denunciation.pk)).count() == 2
    client.force_login(world.inspector)
    page = client.get(reverse("audit_log"), {"object_type": "petitions.petition",
                                             "object_id": denunciation.pk}).content.decode()
    for label in ("Tiếp nhận", "Giao người xử lý", "Thụ lý", "Xem danh tính người tố cáo", "Đơn #"):
        assert label in page, label
    assert "phuong_a" in page and "xác minh" in page
    assert DENOUNCER not in page and "Khu dân cư số 5" not in page and "0988000111" not in page
    page = client.get(reverse("audit_log"), {"action": "reveal"}).content.decode()
    assert "2 sự kiện" in page and DENOUNCER not in page


def test_it_filters_by_actor(client, world, denunciation):
    client.force_login(world.admin)
    page = client.get(reverse("audit_log"), {"actor": "tiepdan_a"}).content.decode()
    assert "tiepdan_a" in page and "phuong_a</td>" not in page
    assert f"{AuditEvent.objects.filter(actor_name='tiepdan_a').count()} sự kiện" in page
