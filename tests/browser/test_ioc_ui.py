"""The IOC overview in a real browser (Debian's Chromium, headless), on a 1920×1080 wall display
and a 1366×768 laptop: it loads without console errors, the map and charts are drawn, and an
overdue count opens the list of those tasks. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser

# the task list filtered to overdue tasks (and to the unit shown on the overview, when there is one)
OVERDUE_LIST = re.compile(r"/nhiem-vu/\?status=overdue&year=\d{4}(&unit=\d+)?$")
# the page's height and width beyond the window (a positive overflow scrolls)
OVERFLOW = "[document.documentElement.scrollHeight - innerHeight, document.documentElement.scrollWidth - innerWidth]"


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
    expect(page).to_have_url(OVERDUE_LIST)
    for title in ("Nạo vét kênh", "Cải tạo chợ Sao Đỏ", "Lát vỉa hè"):
        expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).not_to_contain_text("Giải phóng mặt bằng tuyến đường")
    screenshot("nhiem-vu-qua-han")


@pytest.mark.parametrize("path", ["/ioc/", "/nhiem-vu/"])
def test_on_a_phone_nothing_overflows_and_every_menu_entry_is_in_reach(live_server, page, screenshot, people, path):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "bithu_t")
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate(OVERFLOW)[1] <= 0  # no sideways scrolling
    entries = page.locator(".mainnav a")
    assert entries.count() >= 3
    for i in range(entries.count()):
        box = entries.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, entries.nth(i).inner_text()
    screenshot(f"dien-thoai-{path.strip('/').replace('/', '-')}", full_page=False)
    entries.last.click()  # the last entry, the first to fall off a scrolling menu, opens
    expect(page).not_to_have_url(f"{live_server.url}{path}")


def test_an_officer_sees_ward_a_only(live_server, page, screenshot, people):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "phuong_a")
    page.goto(f"{live_server.url}/ioc/")
    expect(page.locator(".ioc-status--overdue .ioc-big")).to_have_text("2")
    expect(page.locator(".ioc-tasks")).not_to_contain_text("Nạo vét kênh")
    screenshot("phuong-a")



# --- the demo city. pytest-django empties the database after every live-server test, so the
# demo (about a minute to load) is loaded once, by one test that walks every step ---

DEMO_PASSWORD = "dieuhanh-demo"


@pytest.fixture
def demo(transactional_db):
    """Chí Linh's demo data, committed so the live server sees it (tests hash passwords with MD5)."""
    from dieuhanh.demo.loader import load_demo

    return load_demo()


def demo_log_in(page, live_server):
    """Through the login page itself, with no ?next=: where the login lands is part of the test."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("bithu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("button.btn--primary").click()


def _late_task(title):
    """A task of the city's wards that crossed its deadline yesterday, assigned by the office."""
    from dieuhanh.directives.models import Task
    from dieuhanh.directives.services import do_create_task
    from dieuhanh.org.models import User

    today = timezone.localdate()
    leader = User.objects.get(username="bithu")
    model = Task.objects.visible_to(leader).open().filter(due_date__gte=today).order_by("id").first()
    return do_create_task(
        actor=User.objects.get(username="vanphong"), title=title, source_document=model.source_document,
        lead_unit=model.lead_unit, lead_person=model.lead_person, due_date=today - dt.timedelta(days=1),
        expected_result="Báo cáo kết quả", accountable_person=model.accountable_person,
        assigned_on=today - dt.timedelta(days=20),
    )


def test_the_demo_leader_reads_chi_linh_2021_follows_the_overdue_and_sees_a_new_alert(
    live_server, page, screenshot, demo
):
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        demo_log_in(page, live_server)
        expect(page).to_have_url(re.compile(r"/ioc/$"))  # a leader lands on the IOC

        page.goto(f"{live_server.url}/ioc/?nam=2021")
        expect(page.locator("[data-ioc-summary]")).to_have_text("10/12 chỉ tiêu đạt và vượt")
        expect(page.locator("[data-ioc-summary]")).to_be_visible()
        expect(page.locator("[data-figure=petitions-received] .ioc-big")).to_have_text("317")
        expect(page.locator("[data-figure=petitions-resolved] .ioc-big")).to_have_text("91%")
        industry = page.locator(".ioc-tile", has_text="Giá trị sản xuất công nghiệp, xây dựng")
        expect(industry.locator(".ioc-tile__actual")).to_contain_text("13.416,446")
        expect(industry.locator(".ioc-tile__ratio")).to_have_text("109,1% kế hoạch · +22,4% so cùng kỳ")
        expect(page.locator(".ioc-map svg")).to_have_count(1)
        assert page.locator(".ioc-map svg g.units path").count() >= 5  # a shape per ward of 2021
        assert page.locator(".ioc-map svg g.labels text").count() >= 5  # named
        below, beside = page.evaluate(OVERFLOW)
        # one screen on the wall; a laptop scrolls a little (a fifth of its height at most)
        assert beside <= 0 and below <= (0 if height == 1080 else height // 5), (width, below)
        expect(page.locator(".ioc-charts svg")).to_have_count(2)
        assert page.locator(".ioc-charts svg rect").count() >= 12  # a bar per month
        assert page.locator(".ioc-charts svg path").count() >= 2  # received and late
        screenshot(f"chi-linh-2021-{width}x{height}", full_page=False)

    # the alerts feed, fetched every 2 s here, shows a task that fell overdue after the page loaded
    page.goto(f"{live_server.url}/ioc/?poll=2")
    alerts = page.locator("[data-ioc-alerts]")
    expect(alerts).to_have_attribute("data-poll-seconds", "2")
    expect(alerts.locator(".ioc-alerts__list")).to_be_visible()  # the first fetch, on load
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    _late_task("Báo cáo rà soát cảnh báo mới")
    expect(alerts).to_contain_text("Báo cáo rà soát cảnh báo mới", timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True
    screenshot("canh-bao-moi", full_page=False)

    # the overdue count opens exactly the tasks it counts
    page.reload()
    shown = page.locator(".ioc-status--overdue .ioc-big").inner_text()
    assert int(shown) >= 1
    page.locator(".ioc-status--overdue a").click()
    expect(page).to_have_url(OVERDUE_LIST)
    expect(page.locator(".results-head__count")).to_have_text(f"{shown} nhiệm vụ")
    expect(page.locator("main")).to_contain_text("Báo cáo rà soát cảnh báo mới")
    screenshot("nhiem-vu-qua-han-demo")
