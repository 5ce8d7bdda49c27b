"""The header's unread count in a real browser: a notification made while the page is open
appears in the count without a reload (htmx polls the fragment), in figures and in words for a
screen reader; marking it read in the centre clears the count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_the_count_follows_a_new_notification_and_its_read_mark(live_server, page, screenshot, transactional_db, world, settings):
    from dieuhanh.notifications.models import Notification
    from dieuhanh.notifications.services import notify

    settings.DIEUHANH_NOTIFICATION_POLL_SECONDS = 1
    task = world.task()
    Notification.objects.filter(rule="task.assigned").delete()  # its own notice of assignment (reminders)
    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(world.officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    count = page.locator("#unread-count")
    expect(count).to_have_text(re.compile("không có thông báo chưa đọc"))
    expect(page.locator(".bell__pill")).to_have_count(0)
    url = page.url

    notify([world.officer_a], rule="task.assigned", title="Nhiệm vụ mới: giải phóng mặt bằng", obj=task,
           url=task.get_absolute_url())
    expect(page.locator(".bell__pill")).to_have_text("1")
    expect(count).to_contain_text("1 thông báo chưa đọc")
    assert page.url == url  # no reload, no navigation
    screenshot("count")

    page.get_by_role("link", name=re.compile("^Thông báo")).click()
    expect(page.get_by_role("heading", name="Thông báo")).to_be_visible()
    page.get_by_role("button", name=re.compile("Đánh dấu đã đọc")).click()
    expect(page.locator(".bell__pill")).to_have_count(0)
    expect(count).to_have_text(re.compile("không có thông báo chưa đọc"))
    screenshot("read")
