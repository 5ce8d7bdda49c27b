"""Citizen reception and petitions in a real browser (Debian's Chromium, headless): a citizen
files a complaint online and gets a receipt code, looks it up, the reception officer accepts it
and assigns a handler, the handler concludes and sends the decision, and the citizen sees the
result. Screenshots (including the statistics page, `thong-ke`) go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, world):
    """The test world, committed (the live server answers from another thread)."""
    return world


def log_in(page, live_server, username, next_url="/don/"):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def look_up(page, live_server, code):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tra-cuu/")
    page.get_by_label("Mã tra cứu").fill(code)
    page.get_by_role("button", name="Tra cứu").click()


def test_a_citizen_files_a_complaint_and_follows_it_to_the_decision(live_server, page, screenshot, people):
    # The citizen, without an account.
    page.goto(f"{live_server.url}/gui-don/")
    expect(page.get_by_role("heading", name="Gửi đơn, phản ánh trực tuyến")).to_be_visible()
    page.get_by_label("Loại đơn").select_option(label="Khiếu nại")
    page.get_by_label("Lĩnh vực").select_option(label="Đất đai")
    page.get_by_label("Phường, xã nơi xảy ra sự việc").select_option(label="Phường Chu Văn An")
    page.get_by_label("Địa điểm cụ thể").fill("Thửa đất số 112, tờ bản đồ 7, khu dân cư Tân Tiến")
    page.get_by_label("Nội dung", exact=True).fill(
        "Tôi khiếu nại việc UBND phường đo đạc thiếu 35 m² đất ở khi lập phương án bồi thường dự án đường "
        "vành đai. Đề nghị đo đạc lại và bồi thường đủ diện tích."
    )
    page.get_by_label("Họ và tên").fill("Đinh Văn Công")
    page.get_by_label("Điện thoại").fill("0904123456")
    page.get_by_label("Địa chỉ liên hệ").fill("Số 8 ngõ 12, khu dân cư Tân Tiến")
    screenshot("gui-don")
    page.get_by_role("button", name="Gửi đơn").click()

    expect(page.get_by_role("heading", name="Đã nhận đơn của ông/bà")).to_be_visible()
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{10}", code)
    screenshot("ma-tra-cuu")

    look_up(page, live_server, code.lower())
    expect(page.get_by_role("heading", name=re.compile(r"Đơn số \d+\/\d{4}"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Đã tiếp nhận, chờ xử lý")
    expect(page.locator("main")).not_to_contain_text("Đinh Văn Công")
    expect(page.locator("main")).not_to_contain_text("0904123456")

    # The reception officer accepts it and assigns the ward officer.
    log_in(page, live_server, "tiepdan_a")
    row = page.get_by_role("row").filter(has_text="khiếu nại việc UBND phường đo đạc thiếu")
    expect(row).to_contain_text("Đinh Văn Công")
    row.get_by_role("link").first.click()
    expect(page.locator("#nguoi-gui")).to_contain_text("Đinh Văn Công")
    panel = page.locator("#panel-accept")
    panel.locator("summary").click()
    panel.get_by_label("Lê Thị An").check()  # the handler picker: a name (and post) to tick
    panel.get_by_label("Số thông báo thụ lý").fill("12/TB-UBND")
    panel.get_by_role("button", name="Thụ lý").click()
    expect(page.locator(".toast")).to_contain_text("Đã thụ lý đơn")
    expect(page.locator(".p-head")).to_contain_text("Đã thụ lý")
    detail_url = page.url

    # The handler concludes and sends the decision.
    log_in(page, live_server, "phuong_a", next_url=detail_url.removeprefix(live_server.url))
    panel = page.locator("#panel-conclude")
    panel.locator("summary").click()
    panel.get_by_role("button", name="Ghi kết luận").click()  # nothing chosen yet: refused, nothing saved
    expect(page.locator("#panel-conclude .field--error").first).to_contain_text("Kết quả phải là")
    panel = page.locator("#panel-conclude")
    panel.get_by_label("Kết quả giải quyết").select_option(label="Khiếu nại đúng một phần")
    panel.get_by_label("Nội dung kết luận, quyết định").fill(
        "Đo đạc lại cho thấy thiếu 21 m²; bồi thường bổ sung theo đơn giá đất ở năm hiện hành."
    )
    panel.get_by_label("Số quyết định, kết luận").fill("45/QĐ-UBND")
    panel.get_by_role("button", name="Ghi kết luận").click()
    expect(page.locator(".toast")).to_contain_text("Đã ghi kết luận")
    panel = page.locator("#panel-send_decision")
    panel.locator("summary").click()
    panel.get_by_role("button", name="Ghi đã gửi").click()
    expect(page.locator(".p-head")).to_contain_text("Đã giải quyết xong")
    expect(page.locator(".result-box")).to_contain_text("Khiếu nại đúng một phần")
    screenshot("don-da-giai-quyet")

    # The citizen sees the result, still without personal data.
    look_up(page, live_server, code)
    main = page.locator("main")
    expect(main).to_contain_text("Đã giải quyết xong")
    expect(main).to_contain_text("Khiếu nại đúng một phần")
    expect(main).to_contain_text("45/QĐ-UBND")
    expect(main).not_to_contain_text("Đinh Văn Công")
    screenshot("tra-cuu")


def test_statistics_page(live_server, page, screenshot, people):
    import datetime as dt

    from dieuhanh.petitions import services

    world = people
    for i, (kind, field) in enumerate([("complaint", "land"), ("feedback", "infrastructure"),
                                       ("recommendation", "environment"), ("complaint", "construction")]):
        received = dt.date(2021, 3, 1) + dt.timedelta(weeks=i)
        p = world.petition(kind=kind, field=field, received_on=received, unit=world.ward_a_old,
                           subject=f"Đơn năm 2021 số {i}", content=f"Nội dung riêng của đơn năm 2021, thứ tự {i}.",
                           identity={"name": f"Công dân {i}"})
        services.do_accept(actor=world.reception_a, petition=p, on=received + dt.timedelta(days=2))
        if i < 3:
            services.do_conclude(actor=world.leader, petition=p, result="answered" if kind != "complaint" else "right",
                                 conclusion="Đã giải quyết", on=received + dt.timedelta(days=20))
    world.petition(actor=world.reception_b, unit=world.ward_b_old, received_on=dt.date(2021, 5, 4),
                   subject="Đơn Phả Lại 2021", content="Kiến nghị sửa đường liên thôn bị hỏng.",
                   kind="recommendation", field="infrastructure", identity={"name": "Công dân Phả Lại"})
    log_in(page, live_server, "bithu_t", next_url="/don/thong-ke/")
    page.get_by_label("Năm", exact=True).select_option("2021")
    expect(page.get_by_role("heading", name="Thống kê tiếp nhận, giải quyết đơn năm 2021")).to_be_visible()
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("tfoot").first).to_contain_text("5")
    screenshot("thong-ke")
