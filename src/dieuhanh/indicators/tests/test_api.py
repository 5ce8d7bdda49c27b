"""API /api/v1/indicators: each persona reads only its units; bad input answers 422/404."""

from __future__ import annotations

import pytest
from django.test import Client

from dieuhanh.indicators.tests.helpers import actual, indicator, target
from dieuhanh.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    output = indicator(world, "CNXD")
    poor = indicator(world, "HONGHEO", measure="%", direction="lower", aggregation="last")
    target(world, output, world.city, 2021, 12600, deciding_document="NQ 01")
    target(world, output, world.city, 2021, 12800, deciding_document="NQ 05")
    target(world, poor, world.city, 2021, "1.5")
    actual(world, output, world.city, 2021, "13416.446")
    actual(world, poor, world.city, 2021, "1.6")
    actual(world, output, world.ward_a_old, 2021, 7000)
    actual(world, output, world.ward_b_old, 2021, 6416.446)


def test_the_summary_of_the_city(world, figures):
    body = bearer(world.office).get(f"/api/v1/indicators?year=2021&unit={world.city.pk}").json()
    assert (body["met"], body["total"], body["label"]) == (1, 2, "1/2 chỉ tiêu đạt và vượt")
    tiles = {t["code"]: t for t in body["tiles"]}
    assert (tiles["CNXD"]["target"], tiles["CNXD"]["target_original"], tiles["CNXD"]["achievement"]) == (
        12800, 12600, "exceeded"
    )
    assert tiles["HONGHEO"]["achievement"] == "not_met"  # 1.6% poor households is above the 1.5% ceiling


def test_a_ward_officer_reads_only_their_ward(world, figures):
    c = bearer(world.officer_a)
    assert c.get(f"/api/v1/indicators?year=2021&unit={world.city.pk}").status_code == 404
    body = c.get("/api/v1/indicators?year=2021").json()
    assert [(t["code"], t["actual"]) for t in body["tiles"]] == [("CNXD", 7000)]
    detail = c.get("/api/v1/indicators/CNXD?year=2021").json()
    assert detail["by_unit"] == [{"unit": world.ward_a_old.pk, "value": 7000}]
    assert detail["targets"] == []


def test_the_indicator_with_its_versions_and_wards(world, figures):
    body = bearer(world.office).get(f"/api/v1/indicators/cnxd?year=2021&unit={world.city.pk}").json()
    assert [(t["version"], t["value"], t["is_current"], t["deciding_document"]) for t in body["targets"]] == [
        (1, 12600, False, "NQ 01"), (2, 12800, True, "NQ 05")
    ]
    assert body["by_unit"] == [{"unit": world.ward_a_old.pk, "value": 7000}, {"unit": world.ward_b_old.pk,
                                                                             "value": 6416.446}]


def test_bad_input_and_strangers(world, figures):
    c = bearer(world.office)
    bad = c.get("/api/v1/indicators?year=1800")
    assert bad.status_code == 422 and "year" in bad.json()["errors"]
    assert c.get("/api/v1/indicators/KHONGCO").status_code == 404
    assert Client().get("/api/v1/indicators").status_code == 401
    assert bearer(world.outsider).get("/api/v1/indicators?year=2021").json()["tiles"] == []
