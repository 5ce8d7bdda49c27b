"""A figure lands under the same units on every page that counts by unit: the dashboard's units
table, the petition and dossier statistics and the IOC's units table all place it with
`org.rollup.UnitRollup`."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dieuhanh.dossiers import stats as dossier_stats
from dieuhanh.dossiers.models import Dossier
from dieuhanh.ioc import data as ioc_data
from dieuhanh.org.choices import UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions import stats as petition_stats
from dieuhanh.petitions.models import Petition

REFORM = dt.date(2025, 7, 1)
DAY = dt.date(2025, 5, 6)  # before the reform: recorded under the units of then


def test_a_figure_lands_under_the_same_units_on_every_page(world):
    van_duc = world.split_ward()
    old_village = AdminUnit.objects.create(
        code="10549-91",
        name="Khu dân cư Tiền Định",
        level=UnitLevel.VILLAGE,
        kind=UnitKind.RESIDENTIAL_AREA,
        parent=world.ward_a_old,
        valid_to=REFORM - dt.timedelta(days=1),
    )  # no successor of its own
    for i, unit in enumerate((van_duc, world.city, old_village, world.province_old)):
        world.task(
            actor=world.admin,
            title=f"Việc năm 2025 số {i}",
            lead_unit=unit,
            assigned_on=DAY,
            due_date=DAY + dt.timedelta(days=30),
        )
        world.petition(
            actor=world.admin,
            unit=unit,
            received_on=DAY,
            subject=f"Khiếu nại số {i}",
            content=f"Khiếu nại số {i} về việc thu hồi đất chưa bồi thường đúng diện tích.",
        )
        Dossier.objects.create(
            code=f"VD{i}",
            procedure=world.procedure(),
            unit=unit,
            channel="desk",
            status="returned",
            source="import",
            received_on=DAY,
            due_on=DAY + dt.timedelta(days=7),
            result_on=DAY + dt.timedelta(days=3),
            timeliness="early",
            applicant_name="Người nộp thử",
        )

    # The split ward counts under each heir, the village under its ward's heir; the former city and
    # province, with no commune-level heir, keep a row of their own.
    client = Client()
    client.force_login(world.admin)
    dashboard = {row["unit"].pk: row["total"] for row in client.get("/").context["unit_rows"]}
    assert dashboard == {world.ward_a.pk: 2, world.ward_b.pk: 1, world.city.pk: 1, world.province_old.pk: 1}
    petitions = {row.key: row.received for row in petition_stats.table(Petition.objects.all(), by="unit")}
    assert petitions == dashboard
    dossiers = {row.key: row.received for row in dossier_stats.table(Dossier.objects.all(), by="unit").rows}
    assert dossiers == dashboard

    # The IOC's units table lists the wards standing at the end of 2025, and no city or province row.
    overview = ioc_data.overview(world.admin, year=2025)
    received = {
        row["unit"].pk: row["dossiers_received"] for row in overview.units if row["dossiers_received"]
    }
    assert received == {world.ward_a.pk: 2, world.ward_b.pk: 1}
    # Seen before the reform's day, 2025 shows the wards of then.
    early = ioc_data.overview(world.admin, year=2025, today=dt.date(2025, 6, 15))
    received = {row["unit"].pk: row["dossiers_received"] for row in early.units if row["dossiers_received"]}
    assert received == {van_duc.pk: 1, world.ward_a_old.pk: 1}
