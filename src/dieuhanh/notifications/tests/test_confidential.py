"""A notification never carries what its recipient may not see: a denunciation reaches no
one-stop officer (who reads no petition), and no notification about a petition carries its
petitioner's identity, whatever words the sender used (Law on Denunciations 2018, Art. 47: the
denouncer's name, address and other information are kept confidential)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dieuhanh.notifications import digest
from dieuhanh.notifications.models import Notification
from dieuhanh.notifications.services import notify

pytestmark = pytest.mark.django_db

DENOUNCER = "Hoàng Thị Tố Giác"
PHONE = "0977123456"
ADDRESS = "Số 9 ngõ 4, tổ dân phố Đồng Tâm"


@pytest.fixture
def denunciation(world: Any) -> Any:
    return world.petition(
        kind="denunciation", field="corruption", subject="Tố cáo cán bộ địa chính nhận tiền",
        content="Tôi tố cáo cán bộ địa chính phường nhận tiền của hộ dân để hợp thức hoá đất lấn chiếm.",
        identity={"name": DENOUNCER, "address": ADDRESS, "phone": PHONE},
    )


def test_a_denunciation_notification_never_reaches_a_one_stop_officer(world: Any, denunciation: Any) -> None:
    assert denunciation.confidential
    sent = notify([world.onestop_a, world.onestop_b, world.reception_a, world.reception_b, world.leader],
                  rule="petition.received", title=f"Đơn mới: {denunciation.number}", obj=denunciation,
                  url=denunciation.get_absolute_url())
    assert {n.recipient_id for n in sent} == {world.reception_a.pk, world.leader.pk}
    assert not Notification.objects.filter(recipient__in=[world.onestop_a, world.onestop_b]).exists()


def test_no_notification_carries_the_denouncers_identity(world: Any, denunciation: Any, smtp_server: Any) -> None:
    """A careless sender writes the name, the phone and the address into the words: what is
    stored, listed, served by the API and e-mailed carries none of them."""
    from dieuhanh.testing import bearer, signed_in

    careless = f"Đơn của bà {DENOUNCER.upper()} (ĐT {PHONE}, {ADDRESS}) cần xác minh."
    notify([world.reception_a], rule="petition.received", title=f"{DENOUNCER} tố cáo", body=careless,
           obj=denunciation, url=denunciation.get_absolute_url())
    n = Notification.objects.get(recipient=world.reception_a)
    assert "[đã ẩn]" in n.title and "cần xác minh" in n.body
    world.reception_a.email = "tiepdan.a@example.vn"
    world.reception_a.save()
    digest.send_all()
    (mail,) = smtp_server.to("tiepdan.a@example.vn")
    outputs = [
        n.title, n.body, mail.get_content(),
        signed_in(world.reception_a).get("/thong-bao/").content.decode(),
        json.dumps(bearer(world.reception_a).get("/api/v1/notifications").json(), ensure_ascii=False),
    ]
    for text in outputs:
        for secret in (DENOUNCER, DENOUNCER.upper(), PHONE, ADDRESS):
            assert secret not in text
