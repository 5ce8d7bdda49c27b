"""The demo city's indicators: the 2021 summary of Chí Linh reads "10/12 chỉ tiêu đạt và vượt"
with the articles' actuals, party members admitted 196 against 190, the term targets keep both
the congress's and the mid-term review's versions, the derived petition resolution rate of 2021
equals the register's, a ward officer sees none of the city's figures, and a second run adds
nothing.

The demo is loaded once for this module inside a transaction rolled back at the end."""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.demo.loader import load_demo
from dieuhanh.indicators import overview
from dieuhanh.indicators.models import Actual, Indicator, Target
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, User
from dieuhanh.petitions import stats
from dieuhanh.petitions.models import Petition


def city() -> AdminUnit:
    return AdminUnit.objects.get(code="290", level=UnitLevel.DISTRICT)


def test_chi_linh_2021_met_10_of_12(demo, db):
    office = User.objects.get(username="vanphong")
    s = overview.summary(office, unit=city(), year=2021)
    assert (s.met, s.total) == (10, 12)
    assert s.label == "10/12 chỉ tiêu đạt và vượt"
    tiles = {t["code"]: t for t in s.tiles}
    assert tiles["CN_XD"]["actual"] == pytest.approx(13416.446)
    assert tiles["CN_XD"]["yoy_percent"] == pytest.approx(22.4)
    assert tiles["NONG_NGHIEP"]["actual"] == pytest.approx(2556.619)
    assert tiles["THU_NS"]["ratio"] == pytest.approx(1.9892, abs=1e-4)  # 967.3 bn = 198.92% of the estimate
    assert tiles["BAN_LE"]["achievement"] == "not_met"
    assert tiles["HO_NGHEO"]["achievement"] == "exceeded"  # lower is better
    assert (tiles["KET_NAP_DANG"]["target"], tiles["KET_NAP_DANG"]["actual"]) == (190, 196)
    # The leader's default view is the city in 2021 as well.
    assert overview.summary(User.objects.get(username="bithu"), year=2021).label == "10/12 chỉ tiêu đạt và vượt"


def test_term_targets_keep_the_congress_and_the_mid_term_versions(demo, db):
    versions = Target.objects.filter(indicator__code="TANG_TRUONG", unit=city(), period_kind="term").order_by("version")
    assert [(t.version, float(t.value), t.is_current, t.decided_on) for t in versions] == [
        (1, 11.0, False, dt.date(2020, 10, 15)),
        (2, 10.5, True, dt.date(2023, 5, 16)),
    ]
    assert "sơ kết giữa nhiệm kỳ" in versions[1].deciding_document
    growth = list(Actual.objects.filter(indicator__code="TANG_TRUONG", year__in=(2020, 2021, 2022))
                  .values_list("value", flat=True))
    assert sum(float(v) for v in growth) / 3 == pytest.approx(10.4)  # 2020–2022 average, article 002


def test_the_derived_resolution_rate_equals_the_register(demo, db):
    office = User.objects.get(username="vanphong")
    tile = next(t for t in overview.summary(office, unit=city(), year=2021).tiles if t["code"] == "DON_GIAI_QUYET")
    chi_linh = [city(), *AdminUnit.objects.filter(parent=city(), level=UnitLevel.COMMUNE)]
    total = stats.totals(Petition.objects.filter(received_on__year=2021, unit__in=chi_linh))
    assert tile["actual"] == pytest.approx(total.resolution_rate * 100)
    assert round(tile["actual"]) == 91


def test_a_ward_officer_sees_none_of_the_citys_figures(demo, db):
    officer = User.objects.get(username="phuong_saodo")
    s = overview.summary(officer, unit=city(), year=2021)
    assert s.tiles == [] and s.total == 0


def test_a_second_run_adds_nothing(demo, db):
    before = (Indicator.objects.count(), Target.objects.count(), Actual.objects.count())
    load_demo()
    assert (Indicator.objects.count(), Target.objects.count(), Actual.objects.count()) == before


def test_the_indicator_page_of_the_demo_opens_on_2021(demo, db):
    from django.test import Client

    c = Client()
    c.force_login(User.objects.get(username="bithu"))
    html = c.get("/chi-tieu/").content.decode()
    assert "Chỉ tiêu kinh tế - xã hội năm 2021" in html and "10/12 chỉ tiêu đạt và vượt" in html
    assert "13.416,446" in html and "+22,4%" in html
    detail = c.get("/chi-tieu/TANG_TRUONG/").content.decode()
    assert "Nhiệm kỳ 2020–2025" in detail and "Đã được điều chỉnh" in detail and "10,4" in detail


def test_the_map_of_2021_and_todays_wards(demo, db):
    from django.utils import timezone

    office = User.objects.get(username="vanphong")
    rates = overview.by_unit(office, "DON_GIAI_QUYET", 2021, unit=city())
    wards_2021 = set(AdminUnit.objects.filter(parent=city(), level=UnitLevel.COMMUNE).values_list("id", flat=True))
    assert rates and set(rates) <= wards_2021 and all(0 <= v <= 100 for v in rates.values())
    officer = User.objects.get(username="phuong_saodo")
    today = timezone.localdate()
    mine = overview.summary(officer, year=today.year)
    online = next(t for t in mine.tiles if t["code"] == "HS_TRUC_TUYEN")
    assert online["actual"] is not None and 0 < online["actual"] < 100
    assert set(overview.by_unit(officer, "HS_TRUC_TUYEN", today.year)) == {mine.unit_id}
