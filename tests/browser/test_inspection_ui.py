"""The inspection commission in a browser: from the list to a case, records that the decision was
announced and the subject's report through the case's panels, then a finding that is a breach;
the page says so at once; the list and the case fit a phone's width (the tables scroll inside their
card); the one-stop desk opening the case's address learns nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _sign_in(page, url, user):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.allow_console_errors("404 (Not Found)")  # the one-stop desk's last page, on purpose
def test_the_commission_carries_an_inspection_forward(live_server, page, screenshot, transactional_db, world):
    from dieuhanh.inspection import services
    from dieuhanh.inspection.choices import Body, Field, Kind, SubjectType

    today = dt.date.today()
    i = services.do_decide_inspection(
        actor=world.leader, organisation=world.party_committee, body=Body.STANDING, kind=Kind.THEMATIC,
        field=Field.LAND, content="việc quản lý đất đai", subject_type=SubjectType.MEMBER,
        subject_person=world.officer_a_person, decided_on=today - dt.timedelta(days=3), starts_on=today,
        ends_on=today + dt.timedelta(days=20), team_lead=world.leader_person, decision_number="12-QĐ/TU")
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server.url, world.inspector)
    page.goto(live_server.url + "/kiem-tra/ho-so/")
    page.get_by_role("link", name="Kiểm tra chuyên đề").first.click()
    expect(page.get_by_role("heading", name="Kiểm tra chuyên đề")).to_be_visible()
    page.locator("#panel-announce summary").click()
    page.locator("#panel-announce").get_by_role("button", name="Ghi đã công bố").click()
    expect(page.locator(".toast, .alert").first).to_contain_text("Đã ghi việc công bố quyết định.")
    page.locator("#panel-bao-cao summary").click()
    page.locator("#panel-bao-cao").get_by_label("Nội dung").fill("Đối tượng báo cáo tự kiểm tra theo đề cương.")
    page.locator("#panel-bao-cao").get_by_role("button", name="Ghi báo cáo").click()
    expect(page.get_by_text("Đối tượng báo cáo tự kiểm tra theo đề cương.")).to_be_visible()
    page.locator("#panel-noi-dung summary").click()
    page.locator("#panel-noi-dung").get_by_role("button", name="Ghi nội dung").click()  # empty: refused, named
    expect(page.locator("#panel-noi-dung")).to_contain_text(re.compile("Nội dung: ghi hạn chế"))
    page.locator("#panel-noi-dung").get_by_label("Nội dung").fill("Chậm cập nhật hồ sơ đất đai.")
    page.locator("#panel-noi-dung").get_by_label("Là vi phạm").check()
    page.locator("#panel-noi-dung").get_by_role("button", name="Ghi nội dung").click()
    expect(page.locator(".findings")).to_contain_text("Chậm cập nhật hồ sơ đất đai. vi phạm")
    screenshot("case")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.goto(live_server.url + "/kiem-tra/ho-so/")
    assert _fits(page)
    screenshot("list-phone")
    page.context.clear_cookies()
    _sign_in(page, live_server.url, world.onestop_a)
    response = page.goto(live_server.url + f"/kiem-tra/{i.pk}/")
    assert response is not None and response.status == 404
