"""Log-in (with the axes lockout), log-out, the language switch, the error pages and the
dashboard, through Django's test client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from dieuhanh.directives.models import Task
from dieuhanh.directives.services import do_report_progress
from dieuhanh.testing import PASSWORD, one_time_code

TODAY = timezone.localdate


def test_the_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng nhập hệ thống" in html and "Mật khẩu" in html


def test_every_page_needs_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_an_officer_logs_in_through_the_form_and_out_again(client, world):
    code = one_time_code(world.officer_a)  # a ward officer may be given a denunciation: two factors
    response = client.post(reverse("login"), {"username": "phuong_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/ma-xac-thuc/?next=/"
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "Lê Thị An" in home.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_is_refused_in_vietnamese(client, world):
    response = client.post(reverse("login"), {"username": "phuong_a", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "mật khẩu chính xác" in response.content.decode()  # Django's own Vietnamese message


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "phuong_a", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "phuong_a", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tài khoản tạm thời bị khoá" in html and "5 lần" in html and "30 phút" in html
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    ok = client.post(reverse("login"), {"username": "phuong_b", "password": PASSWORD})
    assert ok.status_code == 302


def test_the_language_switch_changes_the_interface_to_english(client, world):
    client.force_login(world.office)
    vi = client.get(reverse("home")).content.decode()
    assert "Tổng quan nhiệm vụ" in vi
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    en = client.get(reverse("home")).content.decode()
    assert "Task overview" in en and "Tổng quan nhiệm vụ" not in en
    assert "Overdue" in en  # status labels come from choices.py and are translated too
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tổng quan nhiệm vụ" in client.get(reverse("home")).content.decode()


def test_unknown_pages_get_the_vietnamese_404(client, world):
    client.force_login(world.office)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_the_500_page_renders_without_a_request(db):
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Hệ thống gặp sự cố" in html


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_counts_only_visible_tasks_by_status(client, world, django_assert_max_num_queries):
    today = TODAY()
    world.task(title="Việc A đúng tiến độ")
    overdue = world.task(title="Việc A quá hạn")
    Task.objects.filter(pk=overdue.pk).update(assigned_on=today - dt.timedelta(days=30), due_date=today - dt.timedelta(days=4))
    world.task(title="Việc A sắp đến hạn", due_date=today + dt.timedelta(days=2))
    for i in range(3):
        world.task(title=f"Việc B {i}", lead_unit=world.ward_b, lead_person=world.officer_b_person)

    client.force_login(world.officer_a)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("home"))
    cards = {c["value"]: c["count"] for c in response.context["status_cards"]}
    assert cards["on_track"] == 1 and cards["overdue"] == 1 and cards["due_soon"] == 1
    assert response.context["total"] == 3
    html = response.content.decode()
    assert "Việc A quá hạn" in html and "4 ngày" in html and "Trần Văn Lãnh" in html
    assert "Việc B" not in html
    assert f'{reverse("directives:task_list")}?status=overdue' in html
    assert [row["unit"] for row in response.context["unit_rows"]] == [world.ward_a]
    assert response.context["flagged"] is None  # a ward officer has no "cần lãnh đạo cho ý kiến" list

    client.force_login(world.office)
    response = client.get(reverse("home"))
    assert response.context["total"] == 6
    rows = {row["unit"]: row["total"] for row in response.context["unit_rows"]}
    assert rows == {world.ward_a: 3, world.ward_b: 3}


def test_the_dashboard_query_count_does_not_grow_with_tasks(client, world, django_assert_max_num_queries):
    for i in range(30):
        task = world.task(title=f"Việc {i}", lead_unit=world.ward_b if i % 2 else world.ward_a)
        Task.objects.filter(pk=task.pk).update(
            assigned_on=TODAY() - dt.timedelta(days=40), due_date=TODAY() - dt.timedelta(days=i + 1)
        )
        do_report_progress(
            actor=world.office, task=task, period="urgent", percent=5, content="Vướng",
            proposals="Xin ý kiến", beyond_authority=True,
        )
    client.force_login(world.leader)
    # 27: the tasks' "due soon" counts working days, which reads the calendar's exceptions once;
    # the session's second factor is one (django_otp's OTPMiddleware reads its device).
    with django_assert_max_num_queries(27):
        response = client.get(reverse("home"))
    assert response.context["overdue_count"] == 30
    assert len(response.context["flagged"]) == 15


def test_an_outsider_sees_an_empty_dashboard(client, world):
    world.task()
    client.force_login(world.outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.context["total"] == 0


# --- Vietnamese formatting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "value", "expected"),
    [
        ("{{ v|vn_date }}", dt.date(2021, 12, 25), "25/12/2021"),
        ("{{ v|vn_money }}", Decimal("1500000000"), "1.500.000.000 đồng"),
        ("{{ v|vn_money_short }}", Decimal("13416446000000"), "13.416,4 tỷ đồng"),
        ("{{ v|vn_money_short }}", Decimal("87000000"), "87 triệu đồng"),
        ("{{ v|vn_money_short }}", 500000, "500.000 đồng"),
        ("{{ v|vn_number:1 }}", Decimal("198.92"), "198,9"),
        ("{{ v|vn_number }}", 50000, "50.000"),
        ("{{ v|vn_number }}", -1234, "-1.234"),
        ("{{ v|vn_money }}", None, ""),
    ],
)
def test_vietnamese_number_and_date_formats(template, value, expected):
    rendered = Template("{% load dieuhanh %}" + template).render(Context({"v": value}))
    assert rendered == expected


def test_dashboard_unit_rows_roll_history_up_and_match_their_lists(world):
    from django.test import Client

    from dieuhanh.directives.filters import TaskFilter

    world.task(title="Việc năm 2021 của phường Sao Đỏ", lead_unit=world.ward_a_old,
               assigned_on=dt.date(2021, 3, 1), due_date=dt.date(2021, 12, 31))
    world.task(title="Việc hôm nay của phường Chu Văn An")
    world.task(title="Việc cấp thành phố năm 2022", lead_unit=world.city,
               assigned_on=dt.date(2022, 3, 1), due_date=dt.date(2022, 12, 31))
    client = Client()
    client.force_login(world.leader)
    rows = client.get("/").context["unit_rows"]
    by_name = {row["unit"].name: row for row in rows}
    assert set(by_name) == {"Phường Chu Văn An", "Thành phố Chí Linh"}
    assert by_name["Phường Chu Văn An"]["total"] == 2 and by_name["Phường Chu Văn An"]["param"] == "unit"
    assert by_name["Thành phố Chí Linh"]["total"] == 1 and by_name["Thành phố Chí Linh"]["param"] == "lead_unit"
    for row in rows:
        listed = TaskFilter.from_params({row["param"]: row["unit"].pk}).apply(Task.objects.visible_to(world.leader))
        assert listed.count() == row["total"]


def test_the_interface_is_vietnamese_whatever_the_browser_asks_until_english_is_chosen(world):
    from django.conf import settings
    from django.test import Client

    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    client.force_login(world.office)
    assert 'lang="vi"' in client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in client.get("/").content.decode()
