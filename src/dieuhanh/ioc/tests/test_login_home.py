"""Where a login lands (a leader on the IOC, everyone else on the dashboard, ?next= first), posted
through the real login form with its CSRF token; and the IOC tiles telling achievement as a
percent of the plan (actual ÷ target × 100) and the change on the year with its sign, in % for a
figure and in points for a rate; and the alerts feed's polling interval."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from dieuhanh.indicators.tests.helpers import actual, indicator, target
from dieuhanh.testing import PASSWORD, one_time_code

pytestmark = pytest.mark.django_db


def _form(client: Client, url: str, **fields: str) -> dict[str, str]:
    """The form of the page at `url`, filled: its CSRF token and hidden fields, then `fields`."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    for name in fields:
        assert f'name="{name}"' in html
    return {**hidden, **fields}


def _log_in(username: str, next_url: str = "") -> tuple[Client, str]:
    """Through the real forms: the password, then the code (every user here has an
    authenticator: the leader and the ward officer must, the office may)."""
    from django.contrib.auth import get_user_model

    client = Client(enforce_csrf_checks=True)
    code = one_time_code(get_user_model().objects.get(username=username))
    url = "/dang-nhap/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, _form(client, url, username=username, password=PASSWORD))
    assert response.status_code == 302, response.content.decode()[:500]
    step = response["Location"]
    assert step.startswith("/dang-nhap/ma-xac-thuc/"), step
    response = client.post(step, _form(client, step, code=code))
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response["Location"]


def test_a_leader_logging_in_lands_on_the_ioc_and_others_on_the_dashboard(world):
    client, where = _log_in("bithu_t")
    assert where == "/ioc/"
    assert client.get(where).status_code == 200
    assert _log_in("phuong_a")[1] == "/"
    assert _log_in("vanphong_t")[1] == "/"
    assert _log_in("bithu_t", next_url="/nhiem-vu/")[1] == "/nhiem-vu/"  # an explicit next wins
    # opening the site's address first sends to the login with ?next=/: no page in particular
    assert Client().get("/")["Location"] == "/dang-nhap/?next=/"
    assert _log_in("bithu_t", next_url="/")[1] == "/ioc/"
    assert _log_in("phuong_a", next_url="/")[1] == "/"


def test_a_wrong_password_stays_on_the_login_page(world):
    response = Client().post("/dang-nhap/", {"username": "bithu_t", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "/ioc/" not in response.get("Location", "")


@pytest.fixture
def figures(world):
    """The city in 2021: CNXD 219 against a target of 200 (109,5 % of the plan), 200 in 2020
    (+9,5 %); HO_NGHEO 1,3 % against 1,5 % (86,7 %), 1,8 % in 2020 (−0,5 points); THUNS's target
    raised from 400 to 486,28 by a later decision, 967,3 collected."""
    cnxd = indicator(world, "CNXD", name="Giá trị sản xuất công nghiệp, xây dựng")
    target(world, cnxd, world.city, 2021, 200)
    actual(world, cnxd, world.city, 2020, 200)
    actual(world, cnxd, world.city, 2021, 219)
    poor = indicator(world, "HO_NGHEO", name="Tỷ lệ hộ nghèo", measure="%", direction="lower")
    target(world, poor, world.city, 2021, "1.5")
    actual(world, poor, world.city, 2020, "1.8")
    actual(world, poor, world.city, 2021, "1.3")
    budget = indicator(world, "THUNS", name="Tổng thu ngân sách")
    target(world, budget, world.city, 2021, 400)
    target(world, budget, world.city, 2021, "486.28", deciding_document="Nghị quyết HĐND điều chỉnh dự toán")
    actual(world, budget, world.city, 2021, "967.3")
    return world


def _tile(html: str, name: str) -> list[str]:
    found = re.search(r'<span class="ioc-tile__name">(?:<span[^>]*>●</span> )?' + re.escape(name) + "</span>", html)
    assert found is not None, name
    start = found.start()
    return re.sub(r"<[^>]+>", "", html[start:html.index("</a>", start)]).replace("●", "").split()


def test_a_tile_tells_achievement_in_percent_of_the_plan(client, figures):
    client.force_login(figures.leader)
    html = client.get(f"/ioc/?nam=2021&don_vi={figures.city.pk}").content.decode()
    assert " ".join(_tile(html, "Giá trị sản xuất công nghiệp, xây dựng")) == (
        "Giá trị sản xuất công nghiệp, xây dựng 219 tỷ đồng KH 200 109,5% kế hoạch · +9,5% so cùng kỳ"
    )
    assert " ".join(_tile(html, "Tỷ lệ hộ nghèo")) == (
        "Tỷ lệ hộ nghèo 1,3 % KH 1,5 86,7% kế hoạch · -0,5 điểm % so cùng kỳ"
    )
    assert " ".join(_tile(html, "Tổng thu ngân sách")) == (
        "Tổng thu ngân sách 967,3 tỷ đồng KH 486,28 (ban đầu 400) 198,9% kế hoạch"
    )
    assert "1,1%" not in html and "1,0%" not in html  # no ratio shown as if it were a percent


def test_figures_rates_to_one_decimal_changes_signed_counts_in_the_house_format(client, figures):
    from dieuhanh.ioc.templatetags.ioc_ui import figure, plan_percent, signed

    assert figure(53.19148, "%") == "53,2" and figure(13416.446, "tỷ đồng") == "13.416,446" and figure(None) == "—"
    assert plan_percent(1.1) == "110" and plan_percent(0.86) == "86" and plan_percent(1.98918) == "198,9"
    assert signed(22.4) == "+22,4" and signed(-7.876) == "-7,9" and signed(0.01) == "0"
    client.force_login(figures.leader)
    for _ in range(3):
        figures.petition()
    html = client.get("/ioc/").content.decode()
    received = re.search(r'data-figure="petitions-received"[^>]*><span class="ioc-big">([^<]*)<', html).group(1)
    assert received == "3"


def test_the_alerts_feed_polls_every_30_s_unless_the_page_asks_otherwise(client, world):
    client.force_login(world.leader)

    def poll(url: str) -> str:
        found = re.search(r'data-poll-seconds="(\d+)"', client.get(url).content.decode())
        assert found is not None
        return found.group(1)

    assert poll("/ioc/") == "30"
    assert poll("/ioc/?poll=3") == "3"
    assert poll("/ioc/?poll=0") == "2"  # never below 2 s
    assert poll("/ioc/?poll=abc") == "30"
    with override_settings(IOC_ALERTS_POLL_SECONDS=120):
        assert poll("/ioc/") == "120"
    html = client.get("/ioc/").content.decode()
    assert 'hx-trigger="load, every 30s"' in html and "&amp;since=" in html
