"""The IOC overview and unit pages: figures equal to those counted by hand from the test world,
scoped to the user (an officer of ward A sees ward A only), exports that open in openpyxl, the demo
city's 2021 petition figures (317 received, 91% resolved), and
a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.core import figurecache
from dieuhanh.ioc import data as ioc_data
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, User
from dieuhanh.testing import login

pytestmark = pytest.mark.django_db


def _late_task(world, unit, person, days, title="Nhiệm vụ quá hạn"):
    today = timezone.localdate()
    return world.task(title=title, lead_unit=unit, lead_person=person, assigned_on=today - dt.timedelta(days=60),
                      due_date=today - dt.timedelta(days=days))


@pytest.fixture
def busy(world):
    """Ward A: two overdue tasks (5 and 2 days late) and one on track, two petitions, one dossier.
    Ward B: one overdue task (9 days late), one petition, two dossiers."""
    _late_task(world, world.ward_a, world.officer_a_person, 5, "Cải tạo chợ Sao Đỏ")
    _late_task(world, world.ward_a, world.officer_a_person, 2, "Lát vỉa hè")
    world.task()
    _late_task(world, world.ward_b, world.officer_b_person, 9, "Nạo vét kênh")
    world.petition()
    world.petition(subject="Phản ánh tiếng ồn", kind="feedback")
    world.petition(actor=world.reception_b, unit=world.ward_b)
    world.dossier()
    world.dossier(actor=world.onestop_b, unit=world.ward_b)
    world.dossier(actor=world.onestop_b, unit=world.ward_b)
    return world


def test_it_shows_the_leader_every_ward_with_hand_counted_figures(client, busy):
    response = login(client, busy.leader).get("/ioc/")
    assert response.status_code == 200
    data = response.context["data"]
    cards = {c["value"]: c["count"] for c in data.tasks["cards"]}
    assert cards["overdue"] == 3 and cards["on_track"] == 1 and data.tasks["total"] == 4
    named = [(r["title"], r["unit"].name, r["days_late"], r["leader"].full_name) for r in data.tasks["overdue"]]
    assert named == [
        ("Nạo vét kênh", "Phường Chí Linh", 9, "Trần Văn Lãnh"),
        ("Cải tạo chợ Sao Đỏ", "Phường Chu Văn An", 5, "Trần Văn Lãnh"),
        ("Lát vỉa hè", "Phường Chu Văn An", 2, "Trần Văn Lãnh"),
    ]
    assert data.petitions["received"] == 3
    assert data.dossiers["received"] == 3 and data.dossiers["late_now"] == 0
    by_unit = {r["unit"].name: (r["tasks_overdue"], r["dossiers_received"]) for r in data.units}
    assert by_unit == {"Phường Chu Văn An": (2, 1), "Phường Chí Linh": (1, 2)}
    # the link narrows the list to the leader's city: the list behind the count is those three
    city = busy.leader.grants.get().unit_id
    assert data.tasks["overdue_url"] == f"/nhiem-vu/?status=overdue&year={timezone.localdate().year}&unit={city}"
    body = response.content.decode()
    assert f'href="/nhiem-vu/?status=overdue&amp;year={timezone.localdate().year}&amp;unit={city}"' in body
    listed = client.get(data.tasks["overdue_url"]).context["page"].paginator.count
    assert listed == data.tasks["overdue_count"] == 3
    for key in ("received_url", "late_now_url"):
        assert client.get(data.dossiers[key]).status_code == 200
    assert client.get(data.petitions["received_url"]).context["page"].paginator.count == 3
    assert "Nạo vét kênh" in body and "9 ngày" in body


def test_an_officer_of_ward_a_sees_ward_a_only(client, busy):
    response = login(client, busy.officer_a).get("/ioc/")
    data = response.context["data"]
    assert data.tasks["overdue_count"] == 2
    assert {r["unit"].name for r in data.tasks["overdue"]} == {"Phường Chu Văn An"}
    assert data.petitions["received"] == 2
    assert data.dossiers["received"] == 1
    assert [r["unit"].name for r in data.units] == ["Phường Chu Văn An"]
    assert "Nạo vét kênh" not in response.content.decode()


def test_an_officer_cannot_choose_another_ward(client, busy):
    response = login(client, busy.officer_a).get(f"/ioc/?don_vi={busy.ward_b.pk}")
    assert response.status_code == 200
    assert any("Đơn vị" in p for p in response.context["problems"])
    assert response.context["data"].tasks["overdue_count"] == 2
    # Ward B's code is also abolished phường Phả Lại's, equally out of ward A's scope.
    assert client.get(f"/ioc/don-vi/{busy.ward_b.code}/").status_code == 404


def test_choosing_a_unit_narrows_the_figures_and_links(client, busy):
    response = login(client, busy.leader).get(f"/ioc/?don_vi={busy.ward_b.pk}")
    data = response.context["data"]
    assert data.tasks["overdue_count"] == 1
    assert data.tasks["overdue_url"] == f"/nhiem-vu/?status=overdue&year={timezone.localdate().year}&unit={busy.ward_b.pk}"
    assert data.dossiers["received"] == 2


def test_a_past_year_counts_that_years_cases(client, busy):
    response = login(client, busy.leader).get("/ioc/?nam=2021")
    data = response.context["data"]
    assert data.petitions["received"] == 0 and data.dossiers["received"] == 0
    assert data.period.as_of == dt.date(2021, 12, 31)


def test_bad_year_is_named_and_ignored(client, busy):
    response = login(client, busy.leader).get("/ioc/?nam=abc")
    assert response.status_code == 200
    assert any("Năm" in p for p in response.context["problems"])
    assert response.context["period"].year == timezone.localdate().year


def test_an_outsider_is_refused_and_a_visitor_sent_to_log_in(client, busy):
    assert login(client, busy.outsider).get("/ioc/").status_code == 403
    client.logout()
    response = client.get("/ioc/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_unit_page_shows_its_tasks_and_figures(client, busy):
    response = login(client, busy.leader).get(f"/ioc/don-vi/{busy.ward_a.code}/")
    assert response.status_code == 200
    assert response.context["unit"] == busy.ward_a
    assert response.context["data"].tasks["overdue_count"] == 2
    assert len(response.context["unit_cards"][0]["data"]["open_tasks"]) == 3
    # 2021: the same code is phường Sao Đỏ.
    response = client.get(f"/ioc/don-vi/{busy.ward_a.code}/?nam=2021")
    assert response.context["unit"] == busy.ward_a_old
    assert client.get("/ioc/don-vi/99999/").status_code == 404


def test_each_table_exports_to_excel(client, busy):
    c = login(client, busy.leader)
    response = c.get("/ioc/?xuat=nhiem-vu-qua-han")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Nhiệm vụ" and [r[0] for r in rows[1:]] == ["Nạo vét kênh", "Cải tạo chợ Sao Đỏ", "Lát vỉa hè"]
    assert [r[5] for r in rows[1:]] == [9, 5, 2]
    units = list(load_workbook(io.BytesIO(c.get("/ioc/?xuat=don-vi").content)).active.iter_rows(values_only=True))
    assert sorted((r[1], r[2]) for r in units[1:]) == sorted([("Phường Chí Linh", 1), ("Phường Chu Văn An", 2)])
    for table in ("nhiem-vu", "xu-huong", "don-thu", "ho-so", "chi-tieu"):
        assert load_workbook(io.BytesIO(c.get(f"/ioc/?xuat={table}").content)).active.max_row >= 1
    assert c.get("/ioc/?xuat=khong-co").status_code == 404


def test_a_leader_lands_on_the_ioc_after_logging_in(client, world):
    """After both steps of signing in (the password, then a code: both must use two factors)."""
    from dieuhanh.testing import PASSWORD, one_time_code

    for user, landing in ((world.leader, "/ioc/"), (world.officer_a, "/")):
        code = one_time_code(user)
        response = client.post("/dang-nhap/", {"username": user.username, "password": PASSWORD})
        assert response["Location"] == f"/dang-nhap/ma-xac-thuc/?next={landing}"
        assert client.post(response["Location"], {"code": code})["Location"] == landing
        client.logout()


def _count_queries(user):
    figurecache.clear()  # the figures counted, not read from the cache
    with CaptureQueriesContext(connection) as ctx:
        ioc_data.overview(user)
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    _late_task(world, world.ward_a, world.officer_a_person, 3)
    world.petition()
    world.dossier()
    ioc_data.overview(world.leader)  # warm the unit graph and calendar caches
    few = _count_queries(world.leader)
    for i in range(6):
        _late_task(world, world.ward_b if i % 2 else world.ward_a, world.officer_b_person, 3 + i)
        world.petition(actor=world.reception_b, unit=world.ward_b)
        world.dossier(actor=world.onestop_b, unit=world.ward_b)
    many = _count_queries(world.leader)
    assert many == few, (few, many)
    figurecache.clear()
    with django_assert_max_num_queries(25):
        ioc_data.overview(world.leader)


MAX_PAGE_QUERIES = 28  # GET /ioc/ whole: session, user, the second sign-in step's device, grants, the overview
# (the dossier tally read with its triggers' check in the same statement), unit choices
MAX_CACHED_PAGE_QUERIES = 9  # the same with the figures and their rendered cards and unit choices from the
# cache (core.figurecache): session, user, device, grants, the unit tree's check, the user's last change


def test_the_overview_page_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.leader)
    _late_task(world, world.ward_a, world.officer_a_person, 3)
    world.petition()
    world.dossier()
    client.get("/ioc/")  # warm the caches a running server keeps
    with CaptureQueriesContext(connection) as few:
        assert client.get("/ioc/").status_code == 200
    for i in range(5):
        _late_task(world, world.ward_b, world.officer_b_person, 4 + i)
        world.petition(actor=world.reception_b, unit=world.ward_b)
        world.dossier(actor=world.onestop_b, unit=world.ward_b)
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get("/ioc/")
    assert response.context["data"].tasks["overdue_count"] == 6
    with CaptureQueriesContext(connection) as many:
        client.get("/ioc/")
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(MAX_CACHED_PAGE_QUERIES):  # counted once, read again
        assert client.get("/ioc/").context["data"].tasks["overdue_count"] == 6


def test_the_overview_shows_one_screen_of_tiles_and_links_to_all(client, world):
    from dieuhanh.indicators.ioc import TILES_SHOWN
    from dieuhanh.indicators.tests.helpers import actual, indicator

    year = timezone.localdate().year
    for i in range(TILES_SHOWN + 4):
        actual(world, indicator(world, f"CT{i:02d}", order=i), world.city, year, 100 + i)
    response = login(client, world.leader).get("/ioc/")
    card = next(c["data"] for c in response.context["cards"] if c["key"] == "indicators")
    tiles = card["tiles"]
    assert len(tiles) == TILES_SHOWN and card["tiles_total"] == TILES_SHOWN + 4
    assert [t["code"] for t in tiles] == [f"CT{i:02d}" for i in range(TILES_SHOWN)]
    body = response.content.decode()
    assert f"Xem tất cả {TILES_SHOWN + 4} chỉ tiêu" in body
    assert client.get(card["tiles_url"]).status_code == 200


# --- the demo city (these run after every other test of the run: see testing.py) ---


def test_the_2021_view_of_chi_linh_shows_the_articles_petition_figures(demo, db):
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("ioc_admin", password="x")
    city = AdminUnit.objects.get(code="290", level=UnitLevel.DISTRICT)
    data = ioc_data.overview(admin, unit=city, year=2021)
    assert data.petitions["received"] == 317
    assert round(data.petitions["resolution_percent"]) == 91
    assert {r["unit"].valid_to for r in data.units} == {city.valid_to}  # 2021's wards, not today's
    today = ioc_data.overview(admin, unit=city)
    assert today.units and all(r["unit"].valid_to is None for r in today.units)


def test_todays_view_of_the_demo_leader_has_derived_tiles_that_agree_with_the_panels(demo, db):
    """The city secretary's IOC today: the city was abolished in 2025, so the tiles cover the
    wards that succeeded it, and each derived figure equals the panel beside it."""
    leader = User.objects.get(username="bithu")
    data = ioc_data.overview(leader)
    tiles = {t["code"]: t for t in data.indicators["summary"].tiles}
    assert data.tasks["overdue_count"] > 0
    assert tiles["NV_QUA_HAN"]["actual"] == data.tasks["overdue_count"]
    assert tiles["NV_DUNG_HAN"]["actual"] == pytest.approx(data.tasks["on_time_percent"])
    assert tiles["DON_GIAI_QUYET"]["actual"] is not None
    assert tiles["HS_DUNG_HAN"]["actual"] is not None and tiles["HS_TRUC_TUYEN"]["actual"] is not None



@pytest.mark.parametrize(("query", "rotate"), [("", "20"), ("&xoay=45", "45"), ("&xoay=1", "5"), ("&xoay=0", None),
                                               ("&xoay=abc", "20")])
def test_the_wall_mode_hides_the_menu_and_rotates_the_cards(client, world, query, rotate):
    login(client, world.leader)
    body = client.get(f"/ioc/?nam=2026&man-hinh=tuong{query}").content.decode()
    assert 'class="ioc-page ioc-overview ioc-wall"' in body
    found = re.search(r'data-ioc-rotate="(\d+)"', body)
    assert (found.group(1) if found else None) == rotate
    assert 'href="?nam=2026" data-ioc-wall' in body  # the way out keeps the year
    plain = client.get("/ioc/?nam=2026").content.decode()
    assert "ioc-wall" not in plain.split("<body", 1)[1].split(">", 1)[0]
    assert "data-ioc-rotate" not in plain and 'href="?nam=2026&amp;man-hinh=tuong" data-ioc-wall' in plain
