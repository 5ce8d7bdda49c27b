"""Two-factor sign-in (core/twofactor.py, docs/decisions/0032), through the real forms: who must
use it, the enrolment with a code computed from the device's own key, recovery codes used once,
the gate before enrolment, the demo city's password-only sign-in; and the throttles of password
spraying across accounts, of wrong codes and of wrong API tokens."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.core import platform, twofactor
from dieuhanh.core.models import AuditEvent
from dieuhanh.core.tests.test_production_settings import _setting
from dieuhanh.org.choices import Role
from dieuhanh.testing import PASSWORD, bearer, one_time_code, signed_in

pytestmark = pytest.mark.django_db

ENROL = "/tai-khoan/xac-thuc-hai-buoc/"
CODE = "/dang-nhap/ma-xac-thuc/"


def _code(device: TOTPDevice, drift: int = 0) -> str:
    """The code the authenticator app shows, computed from the device's key (RFC 6238)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):0{device.digits}d}"


def _password(client: Client, username: str, next_url: str = ""):
    url = "/dang-nhap/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


def _events(user, action: str) -> int:
    return AuditEvent.objects.filter(object_type="org.user", object_id=str(user.pk), action=action).count()


def test_who_must_use_two_factors_is_declared_by_the_apps(world):
    assert platform.two_factor_roles() >= {Role.LEADER, Role.ADMIN, Role.RECEPTION, Role.UNIT_OFFICER, Role.INSPECTOR}
    for user in (world.leader, world.admin, world.officer_a, world.reception_a, world.inspector):
        assert twofactor.required(user), user.username
    for user in (world.office, world.onestop_a, world.outsider):
        assert not twofactor.required(user), user.username


def test_enrolment_then_sign_in_with_a_code_and_with_a_recovery_code_once(world):
    leader = world.leader
    client = Client()
    response = _password(client, leader.username)
    assert response["Location"] == f"{ENROL}?next=/ioc/"
    # Nothing else opens before the enrolment: a page, the IOC, an API call on the session.
    for url in ("/", "/ioc/", "/nhiem-vu/"):
        assert client.get(url)["Location"] == f"{ENROL}?next={url}"
    api = client.get("/api/v1/tasks")
    assert api.status_code == 401 and "hai bước" in api.json()["detail"]

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert 'href="/nhiem-vu/"' not in html  # no menu of pages it cannot open yet
    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    secret = twofactor.secret_groups(device)
    assert secret in html
    assert client.get(ENROL).content.decode().count(secret) == 1  # the same key on a reload

    wrong = client.post(ENROL, {"code": "000000" if _code(device) != "000000" else "111111", "next": "/ioc/"})
    assert wrong.status_code == 200 and "không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert "Đợi 1 giây" in wrong.content.decode()  # django-otp locks the device a moment after a wrong code
    time.sleep(1.1)

    done = client.post(ENROL, {"code": _code(device), "next": "/ioc/"})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    stored = set(StaticToken.objects.filter(device__user=leader).values_list("token", flat=True))
    assert len(shown) == 10 and set(shown) == stored
    assert 'href="/ioc/"' in done.content.decode()
    assert _events(leader, "otp_enrol") == 1
    assert client.get("/ioc/").status_code == 200  # this session is verified by the enrolment's code
    assert 'href="/nhiem-vu/"' in client.get("/ioc/").content.decode()
    assert "<li><code>" not in client.get(ENROL).content.decode()  # shown once only

    # The next sign-in asks for a code; a wrong one is refused and audited.
    client.logout()
    assert _password(client, leader.username)["Location"] == f"{CODE}?next=/ioc/"
    assert client.get("/ioc/")["Location"] == f"{CODE}?next=/ioc/"
    refused = client.post(f"{CODE}?next=/ioc/", {"code": "12345"})
    assert "không đúng" in refused.content.decode() and _events(leader, "otp_failed") == 1
    time.sleep(1.1)
    # The authenticator's next code (the one just used for the enrolment is spent) lets in.
    device.refresh_from_db()
    assert client.post(f"{CODE}?next=/ioc/", {"code": _code(device, drift=1)})["Location"] == "/ioc/"
    assert client.get("/ioc/").status_code == 200

    # A recovery code, typed with spaces and in capitals, works once.
    recovery = shown[0]
    for attempt in range(2):
        client.logout()
        _password(client, leader.username)
        typed = " ".join(recovery.upper()[i:i + 4] for i in range(0, len(recovery), 4))
        response = client.post(CODE, {"code": typed})
        if attempt == 0:
            assert response["Location"] == "/ioc/"
            assert _events(leader, "otp_recovery") == 1
        else:
            assert response.status_code == 200 and "không đúng" in response.content.decode()
            assert client.get("/")["Location"].startswith(CODE)
    assert StaticToken.objects.filter(device__user=leader).count() == 9


def test_a_user_who_need_not_is_unaffected_and_may_enrol(world):
    client = Client()
    assert _password(client, world.office.username)["Location"] == "/"
    assert client.get("/nhiem-vu/").status_code == 200
    page = client.get(ENROL)
    assert page.status_code == 200 and "<svg" in page.content.decode()  # enrolling is open to all
    assert client.get("/nhiem-vu/").status_code == 200  # and not forced


def test_wrong_codes_are_throttled_per_account(world, settings):
    settings.DIEUHANH_OTP_FAILURES = 3
    one_time_code(world.leader)
    right = one_time_code(world.leader)
    client = Client()
    _password(client, world.leader.username)
    for i in range(3):  # the third wrong code uses up the budget: its answer says so
        assert client.post(CODE, {"code": "00000000"}).status_code == (200 if i < 2 else 429)
    refused = client.post(CODE, {"code": right})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "quá nhiều lần" in refused.content.decode()
    assert StaticToken.objects.filter(token=right).exists()  # not even tried


def test_new_recovery_codes_replace_the_old_and_removal_sends_back_to_enrolment(world):
    old = one_time_code(world.leader)
    client = signed_in(world.leader)
    assert client.get(ENROL).status_code == 200
    page = client.post("/tai-khoan/xac-thuc-hai-buoc/ma-khoi-phuc/")
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())
    assert len(new) == 10 and old not in new
    assert not StaticToken.objects.filter(token=old).exists()
    assert _events(world.leader, "otp_codes") == 1
    # Removing the authenticator: a leader must enrol again before anything else.
    client.post("/tai-khoan/xac-thuc-hai-buoc/go-bo/")
    assert _events(world.leader, "otp_remove") == 1
    assert not TOTPDevice.objects.filter(user=world.leader).exists()
    assert client.get("/nhiem-vu/")["Location"] == f"{ENROL}?next=/nhiem-vu/"


def test_an_administrator_resets_a_lost_phone_from_the_command_line(world):
    one_time_code(world.officer_a)
    runner = CliRunner()
    refused = runner.invoke(app, ["two-factor", "reset", world.officer_a.username, "--by", world.office.username])
    assert refused.exit_code == 1 and TOTPDevice.objects.filter(user=world.officer_a).exists()
    result = runner.invoke(app, ["two-factor", "reset", world.officer_a.username, "--by", world.admin.username])
    assert result.exit_code == 0, result.output
    assert not TOTPDevice.objects.filter(user=world.officer_a).exists()
    event = AuditEvent.objects.get(action="otp_reset", object_id=str(world.officer_a.pk))
    assert event.actor == world.admin and event.channel == "cli"
    client = Client()
    assert _password(client, world.officer_a.username)["Location"] == f"{ENROL}?next=/"


def test_an_administrator_resets_a_lost_phone_on_a_page(world):
    one_time_code(world.officer_a)
    assert signed_in(world.office).get("/tai-khoan/xac-thuc-hai-buoc/dat-lai/").status_code == 403
    admin = signed_in(world.admin)
    unknown = admin.post("/tai-khoan/xac-thuc-hai-buoc/dat-lai/", {"username": "khong_co"})
    assert unknown.status_code == 200 and "không có người dùng «khong_co»" in unknown.content.decode()
    mine = admin.post("/tai-khoan/xac-thuc-hai-buoc/dat-lai/", {"username": world.admin.username})
    assert "tự gỡ của mình" in mine.content.decode()
    done = admin.post("/tai-khoan/xac-thuc-hai-buoc/dat-lai/", {"username": world.officer_a.username}, follow=True)
    assert "Đã gỡ 2 thiết bị xác thực của phuong_a" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=world.officer_a).exists()
    assert AuditEvent.objects.get(action="otp_reset", object_id=str(world.officer_a.pk)).actor == world.admin


def test_the_demo_signs_in_with_the_password_alone_and_says_so(world, settings, tmp_path):
    assert _setting(tmp_path, "DIEUHANH_TWO_FACTOR_REQUIRED") == "True"
    assert _setting(tmp_path, "DIEUHANH_TWO_FACTOR_REQUIRED", DIEUHANH_DEMO="1") == "False"
    settings.DEMO_MODE, settings.DIEUHANH_TWO_FACTOR_REQUIRED = True, False  # what DIEUHANH_DEMO=1 sets
    page = Client().get("/dang-nhap/").content.decode()
    assert "chỉ bằng mật khẩu" in page and "phải đăng nhập hai bước" in page
    client = Client()
    assert _password(client, world.leader.username)["Location"] == "/ioc/"
    assert client.get("/ioc/").status_code == 200
    settings.DEMO_MODE, settings.DIEUHANH_TWO_FACTOR_REQUIRED = False, True
    assert "chỉ bằng mật khẩu" not in Client().get("/dang-nhap/").content.decode()


def test_password_spraying_from_one_address_is_refused_while_others_sign_in(world, settings):
    settings.DIEUHANH_LOGIN_ADDRESS_FAILURES = 5
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(10):
        response = sprayer.post("/dang-nhap/", {"username": f"nguoi_{i}", "password": "mat-khau-doan"})
        assert response.status_code == (200 if i < 5 else 429), i
    assert "quá nhiều lần đăng nhập sai" in response.content.decode() and int(response["Retry-After"]) > 0
    # Refused even with a right password, from that address only.
    assert _password(sprayer, world.office.username).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert _password(other, world.office.username)["Location"] == "/"


def test_wrong_api_tokens_from_one_address_get_429(world, settings):
    settings.DIEUHANH_API_TOKEN_FAILURES = 3
    for i in range(3):
        wrong = Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/tasks", HTTP_AUTHORIZATION=f"Bearer dh_sai{i}")
        assert wrong.status_code == 401
    good = bearer(world.office)
    refused = good.get("/api/v1/tasks", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Content-Type"].startswith("application/json") and "thử lại" in refused.json()["detail"]
    assert good.get("/api/v1/tasks", REMOTE_ADDR="198.51.100.7").status_code == 200
