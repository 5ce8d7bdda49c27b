"""Statistics of one-stop dossiers: counts and rates worked out by hand, the roll-up of abolished
wards into today's, the late-now list with where each dossier is stuck, and the pages with their
permissions (a ward's one-stop officer sees only that ward)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dieuhanh.core import calendar
from dieuhanh.dossiers import services, stats
from dieuhanh.dossiers.filters import DossierFilter
from dieuhanh.dossiers.models import Dossier
from dieuhanh.testing import signed_in

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 3, 10)
Y2025 = {"date_from": "2025-01-01", "date_to": "2025-12-31"}


def make(world, code, *, unit=None, received=dt.date(2025, 9, 1), due=dt.date(2025, 9, 8), status="returned",
         result=None, timeliness="", channel="desk", return_method="", apology=None, procedure=None, **extra):
    """A dossier as the import writes it (source=import), with exactly the given facts."""
    return Dossier.objects.create(
        code=code, procedure=procedure or world.procedure(), unit=unit or world.ward_a, channel=channel,
        status=status, source="import", received_on=received, due_on=due, result_on=result, timeliness=timeliness,
        return_method=return_method, apology_on=apology, new_due_on=(due + dt.timedelta(days=7)) if apology else None,
        applicant_name="Người nộp thử", **extra,
    )


@pytest.fixture
def sample(world):
    """Ward A: six dossiers, one of each kind; ward B: one on time."""
    a = world.ward_a
    make(world, "A1", result=dt.date(2025, 9, 5), timeliness="early", channel="online")
    make(world, "A2", result=dt.date(2025, 9, 8), timeliness="on_time", channel="post")
    make(world, "A3", result=dt.date(2025, 9, 12), timeliness="late", return_method="post", apology=dt.date(2025, 9, 8))
    make(world, "A4", status="processing", due=dt.date(2026, 3, 2))  # late now on TODAY
    make(world, "A5", status="supplement", due=dt.date(2026, 3, 20))  # open, in time
    make(world, "A6", status="withdrawn")
    make(world, "B1", unit=world.ward_b, result=dt.date(2025, 9, 8), timeliness="on_time", channel="online")
    return a


def rows_by_key(result):
    return {r.key: r for r in result.rows}


# --- counts and rates -----------------------------------------------------------------------------


def test_counts_and_rates_per_unit_match_the_hand_count(world, sample):
    result = stats.table(Dossier.objects.all(), by="unit", today=TODAY)
    a = rows_by_key(result)[world.ward_a.pk]
    assert (a.received, a.finished, a.early, a.on_time, a.late) == (6, 3, 1, 1, 1)
    assert (a.open, a.late_now, a.online, a.postal, a.apologies) == (2, 1, 1, 2, 1)
    assert a.on_time_rate == pytest.approx(2 / 3)
    assert a.early_rate == pytest.approx(1 / 3)
    assert a.late_rate == pytest.approx(1 / 3)
    assert a.online_share == pytest.approx(1 / 6)
    assert a.postal_share == pytest.approx(2 / 6)
    b = rows_by_key(result)[world.ward_b.pk]
    assert (b.received, b.finished, b.on_time, b.online) == (1, 1, 1, 1)
    assert b.on_time_rate == 1.0
    total = result.total
    assert (total.received, total.finished, total.late_now, total.online) == (7, 4, 1, 2)
    assert total.on_time_rate == pytest.approx(3 / 4)
    assert [r.key for r in result.rows] == [world.ward_a.pk, world.ward_b.pk]  # most received first


def test_a_unit_with_no_result_yet_has_no_rate(world):
    make(world, "OPEN1", status="received", due=dt.date(2026, 4, 1))
    row = stats.table(Dossier.objects.all(), today=TODAY).rows[0]
    assert row.finished == 0
    assert row.on_time_rate is None and row.late_rate is None
    assert row.as_dict()["on_time_rate"] is None


def test_by_procedure_field_channel_and_month(world, sample):
    other = world.procedure(code="2.000001", name="Chứng thực bản sao", field="Chứng thực")
    make(world, "C1", procedure=other, received=dt.date(2025, 7, 15), result=dt.date(2025, 7, 16), timeliness="early")
    qs = Dossier.objects.all()
    by_proc = rows_by_key(stats.table(qs, by="procedure", today=TODAY))
    assert by_proc["1.001193"].received == 7 and by_proc["2.000001"].received == 1
    assert by_proc["2.000001"].label == "2.000001 — Chứng thực bản sao"
    by_field = rows_by_key(stats.table(qs, by="field", today=TODAY))
    assert by_field["Hộ tịch"].received == 7 and by_field["Chứng thực"].early == 1
    by_channel = rows_by_key(stats.table(qs, by="channel", today=TODAY))
    assert (by_channel["desk"].received, by_channel["online"].received, by_channel["post"].received) == (5, 2, 1)
    assert by_channel["online"].label == "Trực tuyến"
    months = stats.table(qs, by="month", today=TODAY)
    assert [(r.key, r.label, r.received) for r in months.rows] == [("2025-07", "07/2025", 1), ("2025-09", "09/2025", 7)]


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="Cách nhóm"):
        stats.table(Dossier.objects.none(), by="weekday")


def test_a_2024_dossier_of_the_old_ward_counts_under_todays_ward(world):
    make(world, "OLD1", unit=world.ward_a_old, received=dt.date(2024, 5, 6), due=dt.date(2024, 5, 13),
         result=dt.date(2024, 5, 10), timeliness="early")
    make(world, "NEW1", received=dt.date(2025, 9, 1), result=dt.date(2025, 9, 10), timeliness="late")
    qs = Dossier.objects.all()
    today_rows = rows_by_key(stats.table(qs, by="unit", today=TODAY))
    assert set(today_rows) == {world.ward_a.pk}
    assert (today_rows[world.ward_a.pk].received, today_rows[world.ward_a.pk].early) == (2, 1)
    assert today_rows[world.ward_a.pk].label == "Phường Chu Văn An"
    then = rows_by_key(stats.table(qs, by="unit_then", today=TODAY))
    assert set(then) == {world.ward_a.pk, world.ward_a_old.pk}
    assert then[world.ward_a_old.pk].label == "Phường Sao Đỏ (đến 30/06/2025)"
    # The shared filter's unit follows the same succession: ward A today includes Sao Đỏ's 2024 dossier.
    flt = DossierFilter.from_params({"unit": str(world.ward_a.pk), "date_from": "2024-01-01"})
    assert stats.table(flt.apply(qs), today=TODAY).total.received == 2


def test_the_query_count_does_not_grow_with_the_dossiers(world, sample):
    def count(by):
        with CaptureQueriesContext(connection) as ctx:
            stats.table(Dossier.objects.all(), by=by, today=TODAY)
        return len(ctx.captured_queries)

    before = {by: count(by) for by in stats.GROUPS}
    for i in range(30):
        make(world, f"X{i}", unit=world.ward_b if i % 2 else world.ward_a, status="processing",
             due=dt.date(2026, 1, 5), received=dt.date(2025, 12, 1 + i % 20))
    assert {by: count(by) for by in stats.GROUPS} == before
    assert before["channel"] <= 3


def test_the_class_counted_in_python_matches_the_columns(world, sample):
    """Every dossier's class decodes back to its own facts."""
    for d in Dossier.objects.annotate(cls=stats.class_case()):
        row = stats.Row(key=d.code, label="")
        stats.count_class(row, d.cls, 1)
        assert row.finished == (1 if d.timeliness else 0)
        assert row.open == (1 if d.is_open else 0)
        assert row.online == (1 if d.channel == "online" else 0)
        assert row.postal == (1 if "post" in (d.channel, d.return_method) else 0)
        assert row.apologies == (1 if d.apology_on else 0)


def test_a_stored_class_equals_the_computed_one(world, sample):
    """Once `Dossier` stores `stats_class` (a generated column), it must be the same class."""
    assert stats.stored_class()
    assert Dossier.objects.exists()
    assert not Dossier.objects.annotate(c=stats.class_case()).exclude(stats_class=F("c")).exists()


def test_the_stored_class_gives_the_same_tables(world, sample, monkeypatch):
    """The fast path (counts per stored class from an index) and the plain conditional counts
    give the same tables for every grouping."""
    make(world, "OLD1", unit=world.ward_a_old, received=dt.date(2024, 5, 6), due=dt.date(2024, 5, 13),
         result=dt.date(2024, 5, 10), timeliness="early", channel="post")
    qs = Dossier.objects.all()
    assert stats.stored_class()
    stored = {by: [r.as_dict() for r in stats.table(qs, by=by, today=TODAY).rows] for by in stats.GROUPS}
    with CaptureQueriesContext(connection) as ctx:
        stats.table(qs, by="channel", today=TODAY)
    assert len(ctx.captured_queries) == 2  # counts per class, and the late ones
    monkeypatch.setattr(stats, "stored_class", lambda: False)
    computed = {by: [r.as_dict() for r in stats.table(qs, by=by, today=TODAY).rows] for by in stats.GROUPS}
    assert stored == computed
    assert any(r["received"] for rows in stored.values() for r in rows)


def test_statistics_honour_visibility(world, sample):
    qs = Dossier.objects.visible_to(world.onestop_b)
    assert [r.key for r in stats.table(qs, today=TODAY).rows] == [world.ward_b.pk]
    assert stats.table(Dossier.objects.visible_to(world.outsider), today=TODAY).rows == []


# --- late now -----------------------------------------------------------------------------------------


def test_late_now_lists_where_each_dossier_is_stuck(world):
    # Received on Monday 8/9/2025 at 9:00: five working days, appointment Monday 15/9.
    d = world.dossier(received_at=dt.datetime(2025, 9, 8, 9, 0, tzinfo=VN))
    assert d.due_on == dt.date(2025, 9, 15)
    services.do_forward(actor=world.onestop_a, dossier=d, body=world.province_department, days=2,
                        task="Thẩm định hồ sơ đất đai", at=dt.datetime(2025, 9, 9, 10, 0, tzinfo=VN))
    make(world, "IMP-LATE", status="processing", received=dt.date(2025, 9, 1), due=dt.date(2025, 9, 5),
         current_body="Sở Xây dựng", current_step="Thẩm định thiết kế", apology=dt.date(2025, 9, 4))
    make(world, "IMP-OK", status="processing", received=dt.date(2025, 9, 1), due=dt.date(2025, 9, 30))
    today = dt.date(2025, 9, 19)  # Friday
    items = stats.late_now(Dossier.objects.visible_to(world.onestop_a), today)
    assert [i.code for i in items] == ["IMP-LATE", d.code]  # longest overdue first
    native = items[1]
    assert native.body == "Sở Nông nghiệp và Môi trường"
    assert native.step == "Thẩm định hồ sơ đất đai"
    assert native.days_late == 4  # 16, 17, 18, 19 September
    assert native.step_due_on == dt.date(2025, 9, 11)  # two working days from 9/9
    assert native.step_days_late == 6  # 12, 15, 16, 17, 18, 19 September
    imported = items[0]
    assert (imported.body, imported.step) == ("Sở Xây dựng", "Thẩm định thiết kế")
    assert imported.days_late == calendar.working_days_between(dt.date(2025, 9, 5), today) == 10
    assert imported.apology_on == dt.date(2025, 9, 4) and imported.step_due_on is None
    assert stats.late_now(Dossier.objects.visible_to(world.onestop_b), today) == []


def test_late_now_takes_three_queries_whatever_the_number(world):
    for i in range(12):
        make(world, f"L{i}", status="processing", received=dt.date(2025, 9, 1), due=dt.date(2025, 9, 5))
    with CaptureQueriesContext(connection) as ctx:
        items = stats.late_now(Dossier.objects.all(), TODAY)
    assert len(items) == 12
    assert len(ctx.captured_queries) <= 3


# --- pages ------------------------------------------------------------------------------------------


PAGES = ["/ho-so/thong-ke/", "/ho-so/thong-ke/xuat/", "/ho-so/tre-han/", "/ho-so/chi-so-766/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_for_office_leader_one_stop_and_admin(world, sample, url):
    for user in (world.office, world.leader, world.onestop_a, world.admin):
        assert signed_in(user).get(url, Y2025).status_code == 200, user
    for user in (world.officer_a, world.outsider, world.reception_a):
        assert signed_in(user).get(url, Y2025).status_code == 403, user
    response = Client().get(url)
    assert response.status_code == 302


def test_a_ward_one_stop_officer_sees_only_that_ward(world, sample):
    response = signed_in(world.onestop_a).get("/ho-so/thong-ke/", Y2025)
    assert [r.key for r in response.context["result"].rows] == [world.ward_a.pk]
    assert response.context["total"].received == 6
    assert "Phường Chí Linh" not in response.content.decode()
    leader = signed_in(world.leader).get("/ho-so/thong-ke/", Y2025)
    assert {r.key for r in leader.context["result"].rows} == {world.ward_a.pk, world.ward_b.pk}


def test_stats_page_draws_the_chart_and_the_table(world, sample):
    response = signed_in(world.office).get("/ho-so/thong-ke/", {**Y2025, "by": "channel"})
    html = response.content.decode()
    assert "<svg" in html and "Trực tuyến" in html
    assert "Theo kênh tiếp nhận" in html
    assert response.context["total"].received == 7


def test_a_bad_filter_is_named_and_dropped(world, sample):
    response = signed_in(world.office).get("/ho-so/thong-ke/", {**Y2025, "channel": "fax", "by": "weekday"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kênh tiếp nhận" in html and "fax" in html and "weekday" in html
    assert response.context["total"].received == 7


def test_the_export_is_the_table(world, sample):
    response = signed_in(world.office).get("/ho-so/thong-ke/xuat/", {**Y2025, "by": "unit"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("Đơn vị tiếp nhận (hiện nay)", "Tiếp nhận", "Đã có kết quả")
    assert rows[1][:6] == ("Phường Chu Văn An", 6, 3, 1, 1, 1)
    assert rows[-1][0] == "Tổng cộng" and rows[-1][1] == 7
    assert rows[1][7] == pytest.approx(2 / 3)


def test_late_page_links_each_dossier(world, sample):
    response = signed_in(world.onestop_a).get("/ho-so/tre-han/", {"date_from": "2025-01-01"})
    html = response.content.decode()
    assert response.context["count"] == 2  # A4 and A5, both past their dates by now
    assert [i.code for i in response.context["items"]] == ["A4", "A5"]
    assert 'href="/ho-so/A4/"' in html
    assert signed_in(world.onestop_b).get("/ho-so/tre-han/", {"date_from": "2025-01-01"}).context["count"] == 0


def test_score_page_shows_points_per_criterion(world, sample):
    response = signed_in(world.office).get("/ho-so/chi-so-766/", {**Y2025, "by": "unit"})
    html = response.content.decode()
    assert "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in html and "[U]" in html
    units = {u.key: u for u in response.context["result"].units}
    assert units[world.ward_b.pk].total == 20.0
