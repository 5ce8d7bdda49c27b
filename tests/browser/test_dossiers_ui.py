"""One-stop dossiers in a real browser (Debian's Chromium, headless): a ward's one-stop officer
receives a dossier, views the receipt and appointment slip, sends the dossier to a province
body, records the result and returns it; an officer imports a one-stop export from the web,
watches the progress bar finish and downloads the error file. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, world, settings, tmp_path):
    """The test world, committed (the live server answers from another thread); uploads and
    error files in a temporary directory."""
    settings.DATA_DIR = tmp_path
    world.procedure()
    world.procedure(code="1.004227", name="Đăng ký kết hôn", field="Hộ tịch")
    world.procedure(code="2.000488", name="Cấp giấy phép xây dựng", field="Xây dựng", processing_days=15)
    return world


def log_in(page, live_server, username, next_url="/ho-so/"):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_a_one_stop_officer_receives_forwards_and_returns_a_dossier(live_server, page, screenshot, people):
    log_in(page, live_server, "motcua_a")
    expect(page.get_by_role("heading", name="Sổ theo dõi hồ sơ một cửa")).to_be_visible()
    page.get_by_role("link", name="Tiếp nhận hồ sơ").click()

    # The procedure picker narrows as the officer types, without diacritics.
    page.get_by_label("Tìm thủ tục").fill("dang ky ket hon")
    expect(page.locator("#id_procedure option")).to_have_count(2)  # the prompt and the one match
    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    page.get_by_label("Thủ tục hành chính").select_option(label="1.001193 — Đăng ký khai sinh")
    page.get_by_label("Họ và tên người nộp hồ sơ").fill("Nguyễn Thị Hồng")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ").fill("Tổ dân phố 5, phường Chu Văn An")
    page.get_by_label("Thành phần hồ sơ đã nhận").fill("Tờ khai đăng ký khai sinh; Giấy chứng sinh (bản chính)")
    screenshot("tiep-nhan")
    page.locator("main").get_by_role("button", name="Tiếp nhận hồ sơ").click()

    expect(page.locator(".toast")).to_contain_text("Đã tiếp nhận hồ sơ 10549-")
    code = page.locator("[data-dossier-code]").inner_text().strip()
    assert re.fullmatch(r"10549-\d{6}-\d{4}", code)
    expect(page.locator(".d-head")).to_contain_text("Mới tiếp nhận")
    detail_url = page.url

    # The receipt and appointment slip, as printed (A4, print media).
    page.get_by_role("link", name="In giấy tiếp nhận, hẹn trả").click()
    slip = page.locator("#slip")
    expect(slip).to_contain_text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    expect(slip).to_contain_text(code)
    expect(slip).to_contain_text("Nguyễn Thị Hồng")
    expect(slip).to_contain_text("Giấy chứng sinh (bản chính)")
    expect(slip).to_contain_text("motcua_a")
    expect(page.get_by_role("button", name="In giấy tiếp nhận")).to_be_visible()
    screenshot("giay-tiep-nhan")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="In giấy tiếp nhận")).to_be_hidden()
    screenshot("giay-tiep-nhan-ban-in")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Quay lại hồ sơ").click()
    expect(page).to_have_url(detail_url)

    # Inter-level transfer to a province body: refused without a body, then sent.
    panel = page.locator("#panel-chuyen")
    panel.locator("summary").click()
    panel.get_by_role("button", name="Chuyển hồ sơ").click()
    expect(page.locator("#panel-chuyen .field--error").first).to_contain_text("Chọn cơ quan nhận hồ sơ.")
    panel = page.locator("#panel-chuyen")
    panel.get_by_label("Cơ quan xử lý").select_option(label="Sở Nông nghiệp và Môi trường (Thành phố Hải Phòng)")
    panel.get_by_label("Số ngày làm việc giao cho cơ quan").fill("2")
    panel.get_by_role("button", name="Chuyển hồ sơ").click()
    expect(page.locator(".toast")).to_contain_text("Đã chuyển hồ sơ đến Sở Nông nghiệp và Môi trường")
    expect(page.locator(".steps-table")).to_contain_text("Liên thông")
    expect(page.locator(".d-head")).to_contain_text("Đang xử lý")

    # The result, then the return at the desk.
    panel = page.locator("#panel-co-ket-qua")
    panel.locator("summary").click()
    panel.get_by_label("Kết quả (số giấy tờ, ghi chú)").fill("Giấy khai sinh số 125/2026")
    panel.get_by_role("button", name="Ghi có kết quả").click()
    expect(page.locator(".d-head")).to_contain_text("Đã có kết quả, chờ trả")
    panel = page.locator("#panel-tra-ket-qua")
    panel.locator("summary").click()
    panel.get_by_label("Hình thức trả kết quả").select_option(label="Tại Bộ phận Một cửa")
    panel.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator(".toast")).to_contain_text("Đã trả kết quả cho công dân.")
    head = page.locator(".d-head")
    expect(head).to_contain_text("Đã trả kết quả")
    expect(head.locator("[data-timeliness]")).to_have_text(re.compile("Trước hạn|Đúng hạn"))
    expect(page.locator(".history")).to_contain_text("Trả kết quả")
    screenshot("da-tra-ket-qua")

    # The register lists it, found without diacritics.
    page.goto(f"{live_server.url}/ho-so/")
    page.get_by_label("Tìm kiếm").fill("nguyen thi hong")
    expect(page.locator("#dossier-results")).to_contain_text(code)
    expect(page.locator("#dossier-results")).to_contain_text("Đã trả kết quả")
    screenshot("so-theo-doi")


HEADER = ("Mã hồ sơ,Mã thủ tục,Tên thủ tục,Đơn vị tiếp nhận (mã),Kênh tiếp nhận,Ngày tiếp nhận,Ngày hẹn trả,"
          "Ngày có kết quả,Ngày trả kết quả,Trạng thái")


def test_an_officer_imports_an_export_and_downloads_its_errors(live_server, queue_worker, page, screenshot, people,
                                                               tmp_path):
    good = [
        f"000.00.26.H26-2603{day:02d}-{i:04d},1.001193,Đăng ký khai sinh,10549,Trực tiếp,{day:02d}/03/2026,"
        f"{day + 7:02d}/03/2026,{day + 5:02d}/03/2026,{day + 5:02d}/03/2026,Đã trả kết quả"
        for i, day in enumerate(range(2, 20), start=1)
    ]
    bad = [
        "000.00.26.H26-260305-9001,9.999999,Không có,10549,Trực tiếp,05/03/2026,,,,Đang xử lý",
        "000.00.26.H26-260305-9002,1.001193,Đăng ký khai sinh,10549,Trực tiếp,30/02/2026,,,,Đang xử lý",
        "000.00.26.H26-260305-9003,1.001193,Đăng ký khai sinh,99999,Trực tiếp,05/03/2026,,,,Đang xử lý",
    ]
    rows = good[:10] + bad + good[10:]  # bad rows are spreadsheet rows 12, 13 and 14
    export = tmp_path / "xuat-mot-cua-thang-3.csv"
    export.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")

    log_in(page, live_server, "motcua_a", next_url="/ho-so/nhap/")
    expect(page.get_by_role("heading", name="Nhập hồ sơ từ tệp")).to_be_visible()
    page.get_by_label("Tệp xuất từ hệ thống một cửa (.xlsx hoặc .csv)").set_input_files(str(export))
    screenshot("chon-tep")
    page.get_by_role("button", name="Tải lên và nhập").click()

    expect(page.get_by_role("heading", name="Nhập «xuat-mot-cua-thang-3.csv»")).to_be_visible()
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-state", "done", timeout=30_000)
    expect(progress.locator("[data-percent]")).to_have_text("100%")
    expect(progress.locator("[data-count=created] .stat__count")).to_have_text("18")
    expect(progress.locator("[data-count=bad] .stat__count")).to_have_text("3")
    expect(progress.locator("[data-rows]")).to_contain_text("21")
    screenshot("nhap-xong")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Tải tệp lỗi")).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    errors = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert errors[0].startswith("Dòng,")
    by_row = {line.split(",")[0]: line for line in errors[1:]}
    assert set(by_row) == {"12", "13", "14"}
    assert "9.999999" in by_row["12"] and "thủ tục" in by_row["12"].lower()
    assert "30/02/2026" in by_row["13"]
    assert "99999" in by_row["14"] and "đơn vị" in by_row["14"].lower()

    # The register now lists the imported dossiers.
    page.get_by_role("link", name="Xem hồ sơ đã nhập").click()
    expect(page.locator(".results-head__count")).to_have_text("18 hồ sơ")
    screenshot("ho-so-da-nhap")


def test_the_applicant_follows_the_dossier_on_a_phone_by_the_slips_lookup_code(live_server, page, screenshot,
                                                                             people):
    d = people.dossier(applicant_name="Nguyễn Thị Hồng", applicant_phone="0912345678")
    log_in(page, live_server, "motcua_a", next_url=f"/ho-so/{d.code}/phieu/")
    printed = page.locator("[data-slip-lookup]").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", printed)
    expect(page.locator("[data-slip-lookup-url]")).to_contain_text("/tra-cuu/")

    # The applicant, without an account, on a 390-px phone, types it in lower case with a space.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tra-cuu/")
    page.get_by_label("Mã tra cứu").fill(printed.lower().replace("-", " "))
    page.get_by_role("button", name="Tra cứu").click()
    found = page.locator("[data-public-dossier]")
    expect(found).to_contain_text(d.code)
    expect(found).to_contain_text("Đăng ký khai sinh")
    expect(found).to_contain_text("Mới tiếp nhận")
    expect(found).to_contain_text("Trong hạn")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Thị Hồng")
    expect(page.locator("main")).not_to_contain_text("0912345678")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the phone
    screenshot("tra-cuu-ho-so-390")
