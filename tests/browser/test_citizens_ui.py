"""The citizen rates their dossier on a phone, from the lookup page, once (notifications.ratings);
the one-stop officer sees the rating on the dossier's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dieuhanh.dossiers import services
from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_the_applicant_rates_the_dossier_once_on_a_phone(live_server, page, screenshot, transactional_db, world,
                                                        settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.DIEUHANH_SMS_DIR = tmp_path / "sms"
    d = world.dossier(applicant_name="Nguyễn Thị Hồng", applicant_phone="0912345678")
    d = services.do_record_result(actor=world.onestop_a, dossier=d)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tra-cuu/?code={d.lookup_code}")
    rating = page.locator("[data-rating]")
    expect(rating).to_contain_text("Đánh giá mức độ hài lòng")
    rating.get_by_label("Hài lòng", exact=True).check()
    rating.get_by_label("Góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("danh-gia-390")
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status").first).to_contain_text("Cảm ơn ông/bà đã đánh giá")
    expect(page.locator("[data-rating]")).to_contain_text("Ông/bà đã đánh giá «Hài lòng»")
    expect(page.locator("[data-rating] form")).to_have_count(0)

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/dang-nhap/?next=/ho-so/{d.code}/")
    page.get_by_label("Tên đăng nhập").fill("motcua_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(f"/ho-so/{d.code}/") + "$"))
    panel = page.locator("[data-citizen-panel]")
    expect(panel).to_contain_text("Mức độ hài lòng: Hài lòng")
    expect(panel).to_contain_text("Cán bộ hướng dẫn tận tình.")
    screenshot("ho-so-danh-gia")
