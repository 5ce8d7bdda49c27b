"""The indicator pages in a real browser, on the demo city's indicators: the list of 2021 shows
each target with its achievement (10 of the 12 socio-economic targets met or exceeded), and an
indicator's page shows its term target as the congress set it and as the mid-term review of
16/5/2023 adjusted it, and its figures ward by ward."""

from __future__ import annotations

import random
import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "dieuhanh-demo"


@pytest.fixture
def city(transactional_db):
    """The part of the demo these pages read: units, people and accounts, indicators (the tasks,
    petitions and dossiers are left out: a minute of loading none of these figures needs).
    The office then enters two wards' budget revenue of 2021: Sao Đỏ 120,5 and Phả Lại 80."""
    from dieuhanh.demo.loader import DEMO_PASSWORD as PASSWORD
    from dieuhanh.demo.loader import PERSONAS, SEED
    from dieuhanh.demo.people import CastBuilder, ensure_users
    from dieuhanh.indicators import services
    from dieuhanh.indicators.demo import IndicatorLoader
    from dieuhanh.indicators.models import Indicator
    from dieuhanh.org.loaders import load_current_units, load_legacy_units

    assert PASSWORD == DEMO_PASSWORD
    load_current_units(None)
    load_legacy_units(["30"], None)
    with transaction.atomic():
        cast = CastBuilder(random.Random(SEED), None).build()
        ensure_users(cast, PERSONAS, PASSWORD)
        IndicatorLoader(cast).run()
    budget = Indicator.objects.get(code="THU_NS")
    for code, value in (("10549", "120.5"), ("10546", 80)):
        services.do_enter_actual(actor=cast.users["vanphong"], indicator=budget,
                                 unit=services.unit_for(code, 2021), year=2021, value=value)
    return cast


def log_in(page, live_server):
    page.goto(f"{live_server.url}/dang-nhap/?next=/chi-tieu/%3Fnam%3D2021")
    page.get_by_label("Tên đăng nhập").fill("bithu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("button.btn--primary").click()


def test_the_list_shows_2021_achievement_and_a_page_the_adjusted_term_and_the_wards(
    live_server, page, screenshot, city
):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server)
    expect(page).to_have_url(re.compile(r"/chi-tieu/\?nam=2021$"))
    main = page.locator("main")
    expect(main).to_contain_text("10/12 chỉ tiêu đạt và vượt")
    row = main.locator("tr", has_text="Giá trị sản xuất công nghiệp, xây dựng")
    expect(row.locator("td")).to_have_text(["tỷ đồng", "12.300", "13.416,446", "109,1%", "+22,4%", "Vượt"])
    row = main.locator("tr", has_text="Số doanh nghiệp thành lập mới")
    expect(row.locator("td")).to_have_text(["doanh nghiệp", "200", "172", "86%", "", re.compile("Không đạt")])
    screenshot("danh-sach-2021")

    main.get_by_role("link", name="Tổng thu ngân sách nhà nước trên địa bàn").first.click()
    expect(page).to_have_url(re.compile(r"/chi-tieu/THU_NS/\?nam=2021"))
    terms = main.locator("section", has_text="Chỉ tiêu giao và các lần điều chỉnh")
    original = terms.locator("tr", has_text="Đã được điều chỉnh")
    adjusted = terms.locator("tr", has_text="Nhiệm kỳ 2020–2025").filter(has_text="Đang áp dụng")
    expect(original).to_contain_text("4.500")
    expect(original).to_contain_text("15/10/2020")
    expect(adjusted).to_contain_text("5.500")
    expect(adjusted).to_contain_text("16/05/2023")
    expect(adjusted).to_contain_text("sơ kết giữa nhiệm kỳ")
    wards = main.locator("section", has_text="Theo xã, phường năm 2021")
    expect(wards.locator("tr", has_text="Sao Đỏ")).to_contain_text("120,5")
    expect(wards.locator("tr", has_text="Phả Lại")).to_contain_text("80")
    screenshot("thu-ngan-sach-2021")
