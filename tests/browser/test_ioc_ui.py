"""The IOC overview in a real browser (Debian's Chromium, headless), on a 1920×1080 wall display
and a 1366×768 laptop: it loads without console errors, the map and charts are drawn, and an
overdue count opens the list of those tasks. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dieuhanh.core.testing import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, world):
    """The test world, committed, with two overdue tasks in ward A and one in ward B."""
    today = timezone.localdate()
    for unit, person, days, title in (
        (world.ward_a, world.officer_a_person, 5, "Cải tạo chợ Sao Đỏ"),
        (world.ward_a, world.officer_a_person, 2, "Lát vỉa hè"),
        (world.ward_b, world.officer_b_person, 9, "Nạo vét kênh"),
    ):
        world.task(title=title, lead_unit=unit, lead_person=person, assigned_on=today - dt.timedelta(days=60),
                   due_date=today - dt.timedelta(days=days))
    world.task()
    world.petition()
    world.dossier()
    return world


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)], ids=["wall", "laptop"])
def test_the_overview_draws_and_an_overdue_count_opens_its_tasks(live_server, page, screenshot, people, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, live_server, "bithu_t")
    expect(page).to_have_url(re.compile(r"/ioc/$"))  # a leader lands on the IOC
    expect(page.get_by_role("heading", name="Trung tâm điều hành", exact=True)).to_be_visible()
    expect(page.locator(".ioc-map svg")).to_have_count(1)
    expect(page.locator(".ioc-charts svg")).to_have_count(2)
    expect(page.locator(".ioc-status--overdue .ioc-big")).to_have_text("3")
    expect(page.locator(".ioc-tasks table")).to_contain_text("Nạo vét kênh")
    screenshot(f"tong-quan-{size[0]}x{size[1]}", full_page=False)

    page.locator(".ioc-status--overdue a").click()
    expect(page).to_have_url(re.compile(r"/nhiem-vu/\?status=overdue$"))
    for title in ("Nạo vét kênh", "Cải tạo chợ Sao Đỏ", "Lát vỉa hè"):
        expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).not_to_contain_text("Giải phóng mặt bằng tuyến đường")
    screenshot("nhiem-vu-qua-han")


def test_an_officer_sees_ward_a_only(live_server, page, screenshot, people):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "phuong_a")
    page.goto(f"{live_server.url}/ioc/")
    expect(page.locator(".ioc-status--overdue .ioc-big")).to_have_text("2")
    expect(page.locator(".ioc-tasks")).not_to_contain_text("Nạo vét kênh")
    screenshot("phuong-a")
