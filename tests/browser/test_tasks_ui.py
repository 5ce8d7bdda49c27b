"""The "5 rõ" pages in a real browser (Debian's Chromium, headless, through the fixtures of
conftest.py): logging in through the form, giving a task that lacks its accountable leader and
then completing it, and a ward officer reporting progress. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, world):
    """The test world, committed (the live server answers from another thread)."""
    return world


def log_in(page, live_server, username, *, leader=False):
    """Open the site's address, log in, and end on the task dashboard: a leader starts on the
    IOC and goes there through "Tổng quan" in the menu."""
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if leader:
        expect(page).to_have_url(re.compile(r"/ioc/$"))
        expect(page.get_by_role("heading", name="Trung tâm điều hành")).to_be_visible()
        page.get_by_role("link", name="Tổng quan", exact=True).click()
    expect(page.get_by_role("heading", name="Tổng quan nhiệm vụ")).to_be_visible()


def test_the_office_logs_in_through_the_login_form(live_server, page, screenshot, people):
    page.goto(live_server.url + "/dang-nhap/")
    screenshot("login")
    log_in(page, live_server, "vanphong_t")
    expect(page.locator(".topbar__user")).to_have_text("vanphong_t")
    screenshot("dashboard")


def test_giving_a_task_without_its_accountable_leader_is_refused_then_accepted(
    live_server, page, screenshot, people
):
    today = timezone.localdate()
    log_in(page, live_server, "vanphong_t")
    page.get_by_role("link", name="Giao nhiệm vụ").first.click()
    expect(page.get_by_role("heading", name="Giao nhiệm vụ")).to_be_visible()

    page.get_by_label("Văn bản giao").select_option(label=str(people.resolution))
    page.get_by_label("Tên nhiệm vụ").fill("Giải phóng mặt bằng dự án đường vành đai phía Bắc")
    page.get_by_label("Nội dung chi tiết").fill("Kiểm đếm, lập phương án bồi thường, hỗ trợ, tái định cư cho 126 hộ")
    # Choosing the lead unit reloads "người chủ trì" (its staff first) through htmx.
    with page.expect_response(lambda r: "/nhiem-vu/giao/can-bo/" in r.url):
        page.get_by_label("Đơn vị chủ trì").select_option(label="Phường Chu Văn An")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Người chủ trì").select_option(label="Lê Thị An")
    page.get_by_label("Thời hạn hoàn thành").fill(f"{today + dt.timedelta(days=60):%d/%m/%Y}")
    page.locator("[name='milestones-0-title']").fill("Hoàn thành kiểm đếm")
    page.locator("[name='milestones-0-due_date']").fill(f"{today + dt.timedelta(days=20):%d/%m/%Y}")
    page.get_by_role("button", name="+ Thêm mốc").click()
    page.locator("[name='milestones-3-title']").fill("Phê duyệt phương án bồi thường")
    page.locator("[name='milestones-3-due_date']").fill(f"{today + dt.timedelta(days=40):%d/%m/%Y}")
    page.get_by_label("Kinh phí (đồng)").fill("12.500.000.000")
    page.get_by_label("Nhân lực (người)").fill("8")
    page.get_by_label("Kết quả cần đạt").fill("Bàn giao 100% mặt bằng sạch cho chủ đầu tư")
    page.get_by_role("button", name="Giao nhiệm vụ").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Nhiệm vụ chưa đủ 5 rõ: thiếu rõ trách nhiệm")
    expect(page.locator(".field--error")).to_contain_text("Thiếu lãnh đạo chịu trách nhiệm (rõ trách nhiệm).")
    # What was typed is still there.
    expect(page.get_by_label("Tên nhiệm vụ")).to_have_value("Giải phóng mặt bằng dự án đường vành đai phía Bắc")
    expect(page.locator("[name='milestones-3-title']")).to_have_value("Phê duyệt phương án bồi thường")
    screenshot("missing-accountable-leader")

    page.get_by_label("Lãnh đạo chịu trách nhiệm").select_option(label="Trần Văn Lãnh")
    page.get_by_role("button", name="Giao nhiệm vụ").click()

    expect(page).to_have_url(re.compile(r"/nhiem-vu/\d+/$"))
    expect(page.locator(".toast")).to_contain_text("Đã giao nhiệm vụ NV")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giải phóng mặt bằng dự án đường vành đai phía Bắc")
    five = page.locator(".five")
    expect(five).to_contain_text("Trần Văn Lãnh")
    expect(five).to_contain_text("12.500.000.000 đồng")
    expect(five).to_contain_text("Phê duyệt phương án bồi thường")
    expect(five).to_contain_text(f"Thời hạn: {today + dt.timedelta(days=60):%d/%m/%Y}")
    screenshot("task-detail")


def test_a_ward_officer_reports_progress_and_sees_the_bar_move(live_server, page, screenshot, people):
    task = people.task()
    log_in(page, live_server, "phuong_a")
    page.goto(f"{live_server.url}/nhiem-vu/{task.pk}/")
    bar = page.locator(".progress-strip [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    # A ward officer may report, but not adjust, close or cancel.
    expect(page.get_by_text("Điều chỉnh nhiệm vụ")).to_have_count(0)

    page.get_by_label("Kỳ báo cáo").select_option(label="Báo cáo tuần")
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Kết quả thực hiện trong kỳ").fill("Đã kiểm đếm 76/126 hộ, niêm yết công khai phương án")
    page.get_by_label("Khó khăn, vướng mắc").fill("5 hộ chưa đồng ý đơn giá bồi thường đất nông nghiệp")
    page.get_by_label("Đề xuất, kiến nghị").fill("Đề nghị thành phố tổ chức đối thoại với các hộ")
    page.get_by_label("Vượt thẩm quyền, cần lãnh đạo cho ý kiến").check()
    page.get_by_role("button", name="Gửi báo cáo").click()

    expect(page.locator(".toast")).to_contain_text("Đã gửi báo cáo tiến độ.")
    expect(bar).to_have_attribute("aria-valuenow", "60")
    expect(bar).to_contain_text("60%")
    width = page.locator(".progress-strip .progress__bar").evaluate("el => el.style.width")
    assert width == "60%"
    expect(page.locator(".timeline")).to_contain_text("Đã kiểm đếm 76/126 hộ")
    expect(page.locator(".timeline")).to_contain_text("Vượt thẩm quyền")
    screenshot("progress-reported")


def test_the_dashboard_and_the_list_show_statuses_in_colour(live_server, page, screenshot, people):
    """Tasks in every status, then the office's dashboard and the filtered list (screenshots)."""
    from dieuhanh.directives.models import Task
    from dieuhanh.directives.services import do_cancel_task, do_close_task, do_report_progress

    today = timezone.localdate()
    titles = [
        ("Kiểm đếm, bồi thường giải phóng mặt bằng khu dân cư Sao Đỏ", people.ward_a, 40, 20),
        ("Chỉnh trang vỉa hè, chiếu sáng đường Nguyễn Trãi", people.ward_a, 5, 70),
        ("Rà soát hộ nghèo, cận nghèo cuối năm", people.ward_b, -3, 45),
        ("Hoàn thiện hồ sơ đề nghị công nhận phường đạt chuẩn văn minh đô thị", people.ward_b, 25, 90),
        ("Tổ chức đối thoại với các hộ chưa đồng ý phương án bồi thường", people.ward_a, -12, 30),
        ("Số hoá hồ sơ thủ tục hành chính tại bộ phận một cửa", people.ward_b, 60, 10),
    ]
    tasks = []
    for title, unit, due_in, percent in titles:
        person = people.officer_a_person if unit == people.ward_a else people.officer_b_person
        task = people.task(title=title, lead_unit=unit, lead_person=person, assigned_on=today - dt.timedelta(days=60),
                           due_date=today + dt.timedelta(days=max(due_in, 1)))
        if due_in < 0:
            Task.objects.filter(pk=task.pk).update(due_date=today + dt.timedelta(days=due_in))
        do_report_progress(actor=people.office, task=task, period="monthly", percent=percent, content="Đang triển khai")
        tasks.append(task)
    do_report_progress(
        actor=people.officer_a, task=tasks[4], period="urgent", percent=35, content="Còn 5 hộ chưa đồng ý",
        proposals="Đề nghị Thường trực Thành uỷ chủ trì đối thoại", beyond_authority=True,
    )
    done = people.task(title="Lập danh sách cử tri bầu trưởng thôn", assigned_on=today - dt.timedelta(days=30),
                       due_date=today - dt.timedelta(days=5))
    do_close_task(actor=people.office, task=done, completed_on=today - dt.timedelta(days=6),
                  result_summary="Đã niêm yết danh sách", evaluation="good")
    late = people.task(title="Báo cáo sơ kết giữa nhiệm kỳ", assigned_on=today - dt.timedelta(days=40),
                       due_date=today - dt.timedelta(days=1))
    Task.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=10))
    late.refresh_from_db()
    do_close_task(actor=people.office, task=late, completed_on=today - dt.timedelta(days=2),
                  result_summary="Đã báo cáo", evaluation="fulfilled")
    dropped = people.task(title="Xây dựng bãi đỗ xe tạm khu trung tâm", lead_unit=people.ward_b,
                          lead_person=people.officer_b_person)
    do_cancel_task(actor=people.office, task=dropped, reason="Dừng theo quy hoạch mới",
                   deciding_document=people.resolution)

    log_in(page, live_server, "bithu_t", leader=True)
    expect(page.locator("section.stats .stat--overdue .stat__count")).to_have_text("2")
    expect(page.locator(".card--attention")).to_contain_text("Đề nghị Thường trực Thành uỷ chủ trì đối thoại")
    screenshot("dashboard-leader")

    page.locator("section.stats .stat--overdue").click()
    expect(page.locator(".results-head__count")).to_have_text("2 nhiệm vụ")
    page.get_by_role("link", name="Xoá bộ lọc").click()
    # The list opens on the six open tasks, the two overdue first; «Tất cả» shows the finished too.
    expect(page.locator(".results-head__count")).to_have_text("6 nhiệm vụ")
    expect(page.get_by_label("Trạng thái")).to_have_value("open")
    expect(page.locator("tbody tr").first).to_contain_text("Tổ chức đối thoại với các hộ")
    page.get_by_label("Trạng thái").select_option(label="Tất cả")
    expect(page.locator(".results-head__count")).to_have_text("9 nhiệm vụ")
    page.get_by_label("Tìm kiếm").fill("doi thoai")
    expect(page.locator(".results-head__count")).to_have_text("1 nhiệm vụ")
    expect(page).to_have_url(re.compile(r"q=doi(\+|%20)thoai"))
    page.get_by_label("Tìm kiếm").fill("")
    expect(page.locator(".results-head__count")).to_have_text("9 nhiệm vụ")
    screenshot("task-list")


def test_a_documents_tree_and_a_tasks_history_read_well(live_server, page, screenshot, people):
    """Congress resolution → action programme → plan, an adjusted and closed task (screenshots),
    then the same task page in English."""
    from dieuhanh.directives.services import (
        do_adjust_task,
        do_close_task,
        do_create_document,
        do_report_progress,
    )

    today = timezone.localdate()
    programme = do_create_document(
        actor=people.office, system="party", kind="CTr", number="05", issuer_code="TU", issuer=people.party_committee,
        issued_on=dt.date(2020, 12, 20), parent=people.resolution,
        title="Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ XXIII",
    )
    plan = do_create_document(
        actor=people.office, system="state", kind="KH", number="120", issuer_code="UBND",
        issuer=people.ward_a_committee, issued_on=today - dt.timedelta(days=50), parent=programme,
        title="Kế hoạch phát triển đô thị phường Chu Văn An giai đoạn 2025–2030",
    )
    decision = do_create_document(
        actor=people.office, system="state", kind="QĐ", number="15", issuer_code="UBND",
        issuer=people.ward_a_committee, issued_on=today - dt.timedelta(days=5), title="Điều chỉnh tiến độ dự án",
    )
    task = people.task(
        title="Hoàn thành giải phóng mặt bằng tuyến đường vành đai", source_document=plan,
        assigned_on=today - dt.timedelta(days=40), due_date=today + dt.timedelta(days=10), budget_vnd=13_416_400_000,
    )
    do_report_progress(actor=people.officer_a, task=task, period="monthly", percent=40, content="Đã kiểm đếm 50 hộ",
                       reported_on=today - dt.timedelta(days=20))
    do_adjust_task(actor=people.office, task=task, field="due_date", new_value=today + dt.timedelta(days=30),
                   deciding_document=decision, reason="Bổ sung 12 hộ do điều chỉnh ranh giới")
    task.refresh_from_db()
    do_report_progress(actor=people.officer_a, task=task, period="weekly", percent=100, content="Đã bàn giao mặt bằng")
    do_close_task(actor=people.office, task=task, completed_on=today, result_summary="Bàn giao 100% mặt bằng",
                  evaluation="excellent", evaluation_note="Về đích trước hạn điều chỉnh")

    log_in(page, live_server, "vanphong_t")
    page.goto(f"{live_server.url}/van-ban/{people.resolution.pk}/")
    tree = page.locator("#cay-van-ban")
    expect(tree).to_contain_text("05-CTr/TU")
    expect(tree).to_contain_text("120/KH-UBND")
    expect(page.get_by_role("heading", level=1)).to_have_text("Số 01-NQ/ĐH")
    screenshot("document-tree")

    page.goto(f"{live_server.url}/nhiem-vu/{task.pk}/")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(f"{today + dt.timedelta(days=10):%d/%m/%Y} → {today + dt.timedelta(days=30):%d/%m/%Y}")
    expect(timeline).to_contain_text("Số: 15/QĐ-UBND")
    expect(timeline).to_contain_text("Hoàn thành xuất sắc")
    expect(page.locator(".five")).to_contain_text("13.416.400.000 đồng")
    expect(page.locator(".five")).to_contain_text("13,4 tỷ đồng")
    screenshot("task-history")

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Tasks")).to_be_visible()
    expect(page.locator(".task-meta .badge")).to_have_text("Done on time")
    expect(timeline).to_contain_text("Excellent")
    screenshot("task-history-en")
