"""Two-factor sign-in in a real browser, with the requirement on (marker `two_factor`): a leader
signs in with the password, is sent to the enrolment, types the code computed from the key the
page shows, keeps the recovery codes, then signs in again with the password and a code. The
pages at a wall screen, a laptop and a phone."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.two_factor]

SIZES = {"wall": (1920, 1080), "laptop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def people(transactional_db, world):
    """The test world, committed (the live server answers from another thread)."""
    return world


def _password(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main button[type=submit]").click()


def _code(secret: str, drift: int = 0) -> str:
    """What the authenticator app shows for the key typed from the page (base32, in groups)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=drift):06d}"


def test_a_leader_enrols_then_signs_in_with_a_code(live_server, page, screenshot, people):
    _password(page, live_server, "bithu_t")
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-buoc/\?next=/ioc/$"))
    expect(page.locator(".twofactor__qr svg")).to_be_visible()
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"enrol-{name}")
        box = page.locator(".twofactor__qr").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    # Nothing else opens before the enrolment.
    page.goto(f"{live_server.url}/nhiem-vu/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-buoc/\?next=/nhiem-vu/$"))
    secret = page.locator(".twofactor__secret").inner_text()
    page.get_by_label("Mã xác thực (6 chữ số)").fill(_code(secret))
    page.get_by_role("button", name="Xác nhận và đăng ký").click()
    codes = page.locator(".twofactor__list code")
    expect(codes).to_have_count(10)
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"codes-{name}")
    page.get_by_role("link", name="Đã lưu mã, tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/nhiem-vu/$"))

    # Next time: the password, then the code; a wrong one is refused first.
    _password(page, live_server, "bithu_t")
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/\?next=/ioc/$"))
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"code-step-{name}")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_label("Mã xác thực hoặc mã khôi phục").fill("000000" if _code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".alert--error")).to_contain_text("không đúng")
    page.wait_for_timeout(1100)  # django-otp locks the device a second after a wrong code
    page.get_by_label("Mã xác thực hoặc mã khôi phục").fill(_code(secret, 1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/ioc/$"))
    expect(page.get_by_role("heading", name="Trung tâm điều hành")).to_be_visible()
