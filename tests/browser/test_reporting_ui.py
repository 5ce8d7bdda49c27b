"""A committee member on a phone: from the dashboard's panel to the form, sends this week's report
with a proposal beyond their authority, and reads it back waiting for the leader; nothing on the
way is wider than the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_sends_a_weekly_report_from_a_phone(live_server, page, screenshot, transactional_db, world):
    from dieuhanh.org.choices import AssignmentKind
    from dieuhanh.org.models import Assignment, Person, Position, User
    from dieuhanh.reporting.services import do_assign_follow

    post = Position.objects.create(organisation=world.party_committee, title="Thành uỷ viên", is_leadership=True)
    person = Person.objects.create(full_name="Nguyễn Văn Uỷ")
    Assignment.objects.create(person=person, position=post, kind=AssignmentKind.ELECTED, start_date=dt.date(2025, 1, 1))
    member = User.objects.create_user(username="capuy_b", password=PASSWORD, person=person)
    do_assign_follow(actor=world.office, member=person, committee=world.party_committee, area=world.ward_a,
                     field="economy", start_date=dt.date(2026, 1, 5))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(member.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    panel = page.locator(".member-panel")
    expect(panel).to_contain_text("Báo cáo định kỳ của đồng chí")
    assert _fits(page)
    panel.get_by_role("link", name="Gửi báo cáo").click()
    expect(page.get_by_role("heading", name="Báo cáo định kỳ của đồng chí")).to_be_visible()
    page.get_by_label("Kỳ báo cáo").select_option(index=0)  # this week
    page.get_by_label("Tình hình").fill("Dự sinh hoạt chi bộ khu dân cư; tình hình ổn định.")
    page.get_by_label("Kiến nghị vượt thẩm quyền").fill("Đề nghị bố trí kinh phí sửa nhà văn hoá.")
    assert _fits(page)
    screenshot("form")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".toast, .alert").first).to_contain_text(re.compile("Đã gửi báo cáo tuần"))
    expect(page.get_by_text("Kiến nghị đang chờ lãnh đạo cho ý kiến.")).to_be_visible()
    assert _fits(page)
    screenshot("sent")
