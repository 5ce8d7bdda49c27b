"""Citizens hear back: the messages of each step through the queue, to a real SMTP server and the
file SMS backend; the HTTP SMS adapter against a real gateway on loopback; no contact, once per
event, a denouncer's contact kept from others."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dieuhanh.core import queue
from dieuhanh.dossiers import services as dossier_services
from dieuhanh.notifications import citizens, sms
from dieuhanh.notifications.choices import MessageState
from dieuhanh.notifications.models import CitizenMessage
from dieuhanh.petitions import services
from dieuhanh.testing import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

IDENTITY = {"name": "Nguyễn Văn Khiếu", "address": "Tổ 3", "phone": "0912 345 678", "email": "khieu@example.vn"}


@pytest.fixture
def sms_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DIEUHANH_SMS_BACKEND = "file"
    settings.DIEUHANH_SMS_DIR = tmp_path / "sms"
    settings.DIEUHANH_SITE_URL = "https://dieuhanh.bacninh.gov.vn"
    return tmp_path / "sms"


def texts(directory: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt"))] if directory.exists() else []


def test_a_petition_s_receipt_acceptance_and_result_reach_the_petitioner(world: Any, smtp_server: Any,
                                                                         sms_dir: Path) -> None:
    p = world.petition(identity=IDENTITY)
    assert queue.drain() == 2
    code = f"{p.receipt_code[:5]}-{p.receipt_code[5:]}"
    link = f"https://dieuhanh.bacninh.gov.vn/tra-cuu/?code={p.receipt_code}"
    [mail] = smtp_server.to("khieu@example.vn")
    assert mail["Subject"] == f"Đơn số {p.number}: đã tiếp nhận"
    assert code in mail.get_content() and link in mail.get_content()
    [text] = texts(sms_dir)
    assert text.startswith("To: 0912345678\n\n")
    body = text.split("\n\n", 1)[1].strip()
    assert code in body and link in body and body.isascii() and len(body) <= 160
    assert "Khieu" not in body and "Nguyen" not in body  # no name, only what the lookup page shows

    today = timezone.localdate()
    services.do_accept(actor=world.reception_a, petition=p, on=today, handlers=[world.officer_a])
    services.do_conclude(actor=world.officer_a, petition=p, result="right", conclusion="Khiếu nại đúng.", on=today)
    assert queue.drain() == 4
    subjects = [m["Subject"].strip() for m in smtp_server.to("khieu@example.vn")]
    assert subjects[1:] == [f"Đơn số {p.number}: đã thụ lý", f"Đơn số {p.number}: đã có kết quả giải quyết"]
    bodies = texts(sms_dir)
    assert len(bodies) == 3 and "thu ly" in bodies[1] and "ket qua" in bodies[2]
    assert all(len(b.split("\n\n", 1)[1].strip()) <= 160 for b in bodies)
    log = CitizenMessage.objects.filter(case_id=p.pk)
    assert log.count() == 6 and set(log.values_list("state", flat=True)) == {MessageState.SENT}
    assert set(log.filter(channel="sms").values_list("destination", flat=True)) == {"091****678"}
    assert set(log.filter(channel="email").values_list("destination", flat=True)) == {"k***@example.vn"}


def test_a_transfer_is_told(world: Any, smtp_server: Any, sms_dir: Path) -> None:
    p = world.petition(identity=IDENTITY)
    services.do_transfer(actor=world.reception_a, petition=p, to="UBND thành phố")
    queue.drain()
    assert [m["Subject"].strip() for m in smtp_server.to("khieu@example.vn")][-1] == \
        f"Đơn số {p.number}: đã chuyển cơ quan có thẩm quyền"
    assert "chuyen den co quan co tham quyen" in texts(sms_dir)[-1]


def test_no_contact_sends_nothing(world: Any, smtp_server: Any, sms_dir: Path) -> None:
    p = world.petition(identity=IDENTITY, no_contact=True)
    services.do_accept(actor=world.reception_a, petition=p, on=timezone.localdate())
    d = world.dossier(applicant_email="hoso@example.vn", no_contact=True)
    dossier_services.do_record_result(actor=world.onestop_a, dossier=d)
    assert queue.drain() == 0
    assert smtp_server.messages == [] and texts(sms_dir) == []
    assert not CitizenMessage.objects.exists()


def test_each_event_is_told_once(world: Any, smtp_server: Any, sms_dir: Path) -> None:
    p = world.petition(identity=IDENTITY)
    step = p.steps.get()
    # The same step reported again (a retried request, a second worker): nothing more is sent.
    assert citizens.petition_step(p, step.action, step.on) == []
    queue.drain()
    assert citizens.petition_step(p, step.action, step.on) == []
    assert queue.drain() == 0
    assert len(smtp_server.messages) == 1 and len(texts(sms_dir)) == 1


def test_a_dossier_s_receipt_result_and_apology(world: Any, smtp_server: Any, sms_dir: Path) -> None:
    d = world.dossier(applicant_email="hoso@example.vn")
    queue.drain()
    d.refresh_from_db()
    due = d.due_on
    new_due = due + dt.timedelta(days=7)
    while new_due.weekday() >= 5:
        new_due += dt.timedelta(days=1)
    dossier_services.do_apologise(actor=world.onestop_a, dossier=d, reason="Chờ xác minh", new_due_on=new_due)
    dossier_services.do_record_result(actor=world.onestop_a, dossier=d)
    queue.drain()
    subjects = [m["Subject"].strip() for m in smtp_server.to("hoso@example.vn")]
    assert subjects == [f"Hồ sơ {d.code}: đã tiếp nhận", f"Hồ sơ {d.code}: xin lỗi và hẹn lại ngày trả kết quả",
                        f"Hồ sơ {d.code}: đã có kết quả"]
    bodies = [t.split("\n\n", 1)[1].strip() for t in texts(sms_dir)]
    assert len(bodies) == 3
    assert f"hen tra {due:%d/%m/%Y}" in bodies[0] and f"hen lai {new_due:%d/%m/%Y}" in bodies[1]
    assert all(len(b) <= 160 and b.isascii() and d.lookup_code[:5] in b for b in bodies)
    assert "Chờ xác minh" not in smtp_server.messages[1].get_content()  # the reason stays at the desk


def test_contact_data_is_checked_with_messages_naming_the_field(world: Any) -> None:
    with pytest.raises(ValidationError) as e:
        world.petition(identity={**IDENTITY, "phone": "12345", "email": "khong-phai-thu"})
    assert "Điện thoại «12345»" in e.value.message_dict["phone"][0]
    with pytest.raises(ValidationError) as e:
        world.dossier(applicant_email="x@", applicant_phone="abc")
    assert "Thư điện tử người nộp «x@»" in e.value.message_dict["applicant_email"][0]
    assert "Số điện thoại người nộp" in e.value.message_dict["applicant_phone"][0]


def test_a_denouncer_s_contact_is_kept_from_others(world: Any, smtp_server: Any, sms_dir: Path) -> None:
    p = world.petition(kind="denunciation", identity=IDENTITY, subject="Tố cáo cán bộ địa chính")
    services.do_accept(actor=world.reception_a, petition=p, on=timezone.localdate(), handlers=[world.officer_a])
    queue.drain()
    # The denouncer hears back, and no one else does.
    assert {m["To"] for m in smtp_server.messages} == {"khieu@example.vn"}
    assert {t.splitlines()[0] for t in texts(sms_dir)} == {"To: 0912345678"}
    # The log keeps no clear address, and the case page shows even the masked one only to handlers.
    assert not CitizenMessage.objects.filter(destination__contains="khieu").exists()
    page = signed_in(world.leader).get(p.get_absolute_url()).content.decode()
    assert "data-citizen-panel" in page and "091****678" not in page and "khieu" not in page
    handler_page = signed_in(world.officer_a).get(p.get_absolute_url()).content.decode()
    assert "091****678" in handler_page


# --- the HTTP gateway -------------------------------------------------------------------------------


class Gateway:
    """A tiny SMS gateway on loopback: answers each POST with the next status of `statuses`
    (200 when none is left) and keeps what it received."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                gateway.received.append({"auth": self.headers.get("Authorization"),
                                         "body": json.loads(self.rfile.read(length))})
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                answer = json.dumps({"id": f"m{len(gateway.received)}"} if status < 300 else {"error": "busy"})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    g = Gateway()
    settings.DIEUHANH_SMS_BACKEND = "http"
    settings.DIEUHANH_SMS_URL = g.url
    settings.DIEUHANH_SMS_TOKEN = "bi-mat"
    settings.DIEUHANH_CITIZEN_RETRY_SECONDS = 0
    yield g
    g.close()


def test_the_http_adapter_posts_json_with_the_token(gateway: Gateway) -> None:
    assert sms.backend().send("0912345678", "Da tiep nhan don") == "m1"  # type: ignore[union-attr]
    assert gateway.received == [{"auth": "Bearer bi-mat",
                                 "body": {"to": "0912345678", "text": "Da tiep nhan don", "sender": ""}}]
    gateway.statuses = [503]
    with pytest.raises(sms.SmsError, match="503"):
        sms.backend().send("0912345678", "x")  # type: ignore[union-attr]


def test_a_refused_connection_is_an_error(settings: Any) -> None:
    g = Gateway()
    url = g.url
    g.close()  # nothing listens there any more
    with pytest.raises(sms.SmsError, match="Không gửi được"):
        sms.HttpBackend(url=url, token="", timeout=2).send("0912345678", "x")


def test_a_failed_message_is_recorded_and_retried_a_bounded_number_of_times(world: Any, gateway: Gateway,
                                                                            settings: Any) -> None:
    gateway.statuses = [500]  # the first try fails, the retry goes through
    p = world.petition(identity={**IDENTITY, "email": ""})
    queue.drain()
    m = CitizenMessage.objects.get(case_id=p.pk, channel="sms")
    assert m.state == MessageState.SENT and m.attempts == 2 and m.gateway_id == "m2" and m.error == ""
    assert m.failed_at is not None  # the failure stays on record
    assert len(gateway.received) == 2

    settings.DIEUHANH_CITIZEN_MAX_ATTEMPTS = 3
    gateway.statuses = [500] * 10
    services.do_accept(actor=world.reception_a, petition=p, on=timezone.localdate())
    queue.drain()
    m = CitizenMessage.objects.get(case_id=p.pk, event="accepted")
    assert m.state == MessageState.FAILED and m.attempts == 3 and "500" in m.error
    assert len(gateway.received) == 2 + 3


def test_phone_numbers_and_sms_length(settings: Any) -> None:
    assert citizens.phone_digits("+84 912.345.678") == "0912345678"
    assert citizens.phone_digits("84912345678") == "0912345678"
    assert citizens.phone_digits("(0222) 3812 345") == "02223812345"  # a landline: valid, but no SMS
    assert citizens.mobile_number("(0222) 3812 345") == ""
    assert citizens.phone_digits("12345") == citizens.phone_digits("gọi tôi") == ""
    assert citizens.gsm_length("a^b") == 4 and citizens.gsm_length("Đơn") is None
    variants = ["Don so 12/2026 da duoc chuyen den co quan co tham quyen ngay 07/12/2026. Ma tra cuu AAAAA-BBBBB. Xem:",
                "Don 12/2026 da chuyen. Ma tra cuu AAAAA-BBBBB."]
    settings.DIEUHANH_SITE_URL = "https://dieuhanh.example.gov.vn"
    text = citizens.sms_text(variants, "AAAAABBBBB")
    assert text.startswith("Don so 12/2026") and text.endswith("/tra-cuu/?code=AAAAABBBBB") and len(text) <= 160
    settings.DIEUHANH_SITE_URL = "https://cong-thong-tin-dieu-hanh.ubnd-tinh-rat-dai.example.gov.vn"
    assert citizens.sms_text(variants, "AAAAABBBBB").startswith("Don 12/2026 da chuyen")
    settings.DIEUHANH_SITE_URL = "https://" + "x" * 200 + ".vn"
    assert citizens.sms_text(variants, "AAAAABBBBB") == "Don 12/2026 da chuyen. Ma tra cuu AAAAA-BBBBB."
