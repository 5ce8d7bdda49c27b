"""A citizen follows a one-stop dossier on the public lookup page (core.lookup) with the lookup
code printed on the slip: the status, the appointment date and whether it is late, the bodies
and the steps in plain words, and nothing personal (no applicant, no officer, no note). The
dossier's own code (unit, date, number) can be guessed, so it finds nothing; look-ups count
against the same budget per address as petitions'."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from dieuhanh.core import lookup
from dieuhanh.dossiers import services
from dieuhanh.dossiers.choices import Source
from dieuhanh.dossiers.models import Dossier
from dieuhanh.testing import login

pytestmark = pytest.mark.django_db

SUPPLEMENT_NOTE = "Thiếu bản sao giấy đăng ký kết hôn của ông Lê Văn Cha"


def look_up(client, code, **extra):
    return client.get(reverse("public_lookup"), {"code": code}, **extra)


@pytest.fixture
def dossier(world):
    return world.dossier(applicant_name="Nguyễn Thị Hồ Sơ", applicant_phone="0987654321",
                         applicant_address="Tổ dân phố 3, phường Chu Văn An")


def test_the_slip_gives_the_lookup_code_that_finds_the_dossier(client, world, dossier):
    login(client, world.onestop_a)
    slip = client.get(reverse("dossier_slip", kwargs={"code": dossier.code})).content.decode()
    printed = lookup.grouped(dossier.lookup_code)
    assert len(dossier.lookup_code) == 10 and printed in slip and "/tra-cuu/" in slip
    client.logout()
    response = look_up(client, printed)
    page = response.content.decode()
    assert response.status_code == 200 and "data-public-dossier" in page
    assert dossier.code in page and "Đăng ký khai sinh" in page and "Mới tiếp nhận" in page
    assert f"{dossier.due_on:%d/%m/%Y}" in page and "Trong hạn" in page
    assert "Bộ phận Một cửa tiếp nhận hồ sơ" in page


@pytest.mark.parametrize("typed", ["{c}", "{lower}", " {a} {b} ", "{a}-{b}", "{a}–{b}", "{lower_a}.{b}"])
def test_a_code_typed_loosely_is_found(client, dossier, typed):
    c = dossier.lookup_code
    text = typed.format(c=c, lower=c.lower(), a=c[:5], b=c[5:], lower_a=c[:5].lower())
    assert look_up(client, text).status_code == 200, text


def test_the_dossier_code_itself_finds_nothing(client, dossier):
    # The code on the register is unit-date-number: anyone could walk through it.
    for guess in (dossier.code, dossier.code.replace("-", "")):
        response = look_up(client, guess)
        assert response.status_code == 404 and "Không tìm thấy đơn, hồ sơ có mã này" in response.content.decode()


def test_nothing_personal_or_internal_is_shown(client, world, dossier):
    services.do_forward(actor=world.onestop_a, dossier=dossier, body=world.province_department, days=3,
                        note="Ghi chú nội bộ: hồ sơ của người quen")
    services.do_request_supplement(actor=world.onestop_a, dossier=dossier, note=SUPPLEMENT_NOTE)
    page = look_up(client, dossier.lookup_code).content.decode()
    assert "Chờ bổ sung hồ sơ" in page and "Cơ quan yêu cầu bổ sung hồ sơ" in page
    assert world.province_department.name in page  # the body handling it, not a person
    for private in ("Nguyễn Thị Hồ Sơ", "0987654321", "Tổ dân phố 3", SUPPLEMENT_NOTE, "Lê Văn Cha",
                    "Ghi chú nội bộ", "motcua_a", world.onestop_a.display_name):
        assert private not in page, private


def test_a_late_dossier_says_so(client, world):
    late = world.dossier(received_at=timezone.localtime() - dt.timedelta(days=30))
    assert late.due_on < timezone.localdate()
    page = look_up(client, late.lookup_code).content.decode()
    days = (timezone.localdate() - late.due_on).days
    assert f"Quá hẹn {days} ngày" in page


def test_dossier_look_ups_share_the_budget_of_the_page(client, world, dossier):
    petition = world.petition()
    for i in range(lookup.LOOKUP_LIMIT):
        code = dossier.lookup_code if i % 2 else petition.receipt_code
        assert look_up(client, code).status_code == 200
    response = look_up(client, dossier.lookup_code)
    assert response.status_code == 429 and "tra cứu quá nhiều lần" in response.content.decode()
    assert look_up(client, dossier.lookup_code, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_an_over_long_code_is_named_not_a_crash(client):
    response = look_up(client, "X" * 60)
    assert response.status_code == 400 and "Mã tra cứu dài quá" in response.content.decode()


def test_codes_are_unique_across_petitions_and_dossiers(world, dossier):
    petition = world.petition()
    assert lookup.find(petition.receipt_code).title == f"Đơn số {petition.number}"
    assert lookup.find(dossier.lookup_code).title == f"Hồ sơ {dossier.code}"


def test_the_migration_gives_dossiers_received_here_a_code(world, dossier):
    imported = world.dossier(code="H56.99-260101-0001")
    Dossier.objects.filter(pk=imported.pk).update(source=Source.IMPORT, lookup_code=None)
    Dossier.objects.filter(pk=dossier.pk).update(lookup_code=None)
    migration = importlib.import_module("dieuhanh.dossiers.migrations.0006_dossier_lookup_code")
    migration.fill(apps, None)
    dossier.refresh_from_db()
    imported.refresh_from_db()
    assert dossier.lookup_code and all(c in lookup.ALPHABET for c in dossier.lookup_code)
    assert imported.lookup_code is None  # its slip and lookup are the province system's
