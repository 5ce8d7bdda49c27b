"""`unit_scope(user)` over the real registry: grants on units that no longer exist follow their
wards into the 2025 wards, and grants on 2025 wards reach back to their predecessors only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from dieuhanh.org.choices import Role
from dieuhanh.org.loaders import REFORM_DATE, load_current_units, load_legacy_units
from dieuhanh.org.models import AdminUnit, RoleGrant, User
from dieuhanh.org.scope import ALL, unit_scope

pytestmark = pytest.mark.django_db

Key = tuple[str, dt.date | None]

CHI_LINH_OLD_WARDS = {
    "10546", "10549", "10552", "10555", "10558", "10561", "10564", "10567", "10570", "10573",
    "10576", "10579", "10582", "10585", "10588", "10591", "10594", "10600", "10603",
}  # fmt: skip
CHI_LINH_NEW_WARDS = {"10549", "10546", "10570", "10552", "10573", "10603"}
BAC_AN_PHU = "10678"  # received part of Văn Đức; its other predecessors were TX Kinh Môn's
KINH_MON_INTO_BAC_AN_PHU = {"10678", "10681", "10684"}  # Bạch Đằng, Thất Hùng, Lê Ninh


@pytest.fixture(scope="module")
def registry(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The 2025 units and Hải Dương's legacy units, loaded once for the module inside a
    transaction rolled back at its end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_current_units()
        load_legacy_units(["30"])
        with django_db_blocker.block():
            yield
        transaction.set_rollback(True)


def unit(code: str, valid_from: dt.date | None) -> AdminUnit:
    return AdminUnit.objects.get(code=code, valid_from=valid_from)


def user_with(*grants: dict[str, Any], username: str = "can-bo") -> User:
    user = User.objects.create_user(username=username, password=None)
    for grant in grants:
        RoleGrant.objects.create(user=user, **grant)
    return user


def keys(scope: set[int] | None) -> set[Key]:
    assert scope is not None
    return set(AdminUnit.objects.filter(id__in=scope).values_list("code", "valid_from"))


def old(*codes: str) -> set[Key]:
    return {(code, None) for code in codes}


def new(*codes: str) -> set[Key]:
    return {(code, REFORM_DATE) for code in codes}


def test_a_grant_on_former_chi_linh_follows_its_wards_into_hai_phong(registry: None) -> None:
    office = user_with({"role": Role.OFFICE, "unit": unit("290", None)})
    scope = keys(unit_scope(office))
    assert old("290") | old(*CHI_LINH_OLD_WARDS) <= scope
    assert new(*CHI_LINH_NEW_WARDS) <= scope
    # Văn Đức was divided three ways; its third heir, Bắc An Phụ, was formed mostly from TX Kinh
    # Môn, so the city's office does not follow it there (nor back into Kinh Môn's history).
    chi_linh = old("290") | old(*CHI_LINH_OLD_WARDS) | new(*CHI_LINH_NEW_WARDS)
    assert scope == chi_linh
    assert not scope & (new(BAC_AN_PHU) | old(*KINH_MON_INTO_BAC_AN_PHU))
    assert ("31", REFORM_DATE) not in scope
    assert ("30", None) not in scope


def test_a_grant_on_chu_van_an_reaches_its_predecessors_only(registry: None) -> None:
    officer = user_with({"role": Role.UNIT_OFFICER, "unit": unit("10549", REFORM_DATE)})
    scope = keys(unit_scope(officer))
    # Sao Đỏ, Văn An, Chí Minh, Thái Học whole; Cộng Hòa and Văn Đức in part.
    assert scope == new("10549") | old("10549", "10579", "10582", "10588", "10570", "10585")
    assert ("10546", None) not in scope  # Phả Lại went to phường Chí Linh
    assert not scope & new("10570", "10573", BAC_AN_PHU)  # the other heirs of Cộng Hòa, Văn Đức


def test_a_grant_on_hai_phong_covers_what_was_recorded_under_hai_duong(registry: None) -> None:
    leader = user_with({"role": Role.LEADER, "unit": unit("31", REFORM_DATE)})
    scope = keys(unit_scope(leader))
    assert {("30", None), ("290", None), ("10549", None), ("10549", REFORM_DATE)} <= scope
    assert ("01", REFORM_DATE) not in scope


def test_an_admin_grant_without_a_unit_covers_all(registry: None) -> None:
    admin = user_with({"role": Role.ADMIN, "unit": None})
    assert unit_scope(admin) is ALL


def test_an_admin_grant_on_a_unit_covers_that_unit_only(registry: None) -> None:
    admin = user_with({"role": Role.ADMIN, "unit": unit("10603", REFORM_DATE)})
    assert keys(unit_scope(admin)) == new("10603") | old("10594", "10600", "10603")


def test_a_superuser_sees_all(registry: None) -> None:
    root = User.objects.create_superuser(username="root", password=None)
    assert unit_scope(root) is ALL


def test_an_anonymous_user_sees_nothing(registry: None) -> None:
    assert unit_scope(AnonymousUser()) == set()


def test_a_grant_outside_its_dates_is_ignored(registry: None) -> None:
    today = timezone.localdate()
    ward = unit("10549", REFORM_DATE)
    expired = user_with({"role": Role.UNIT_OFFICER, "unit": ward, "valid_to": today - dt.timedelta(days=1)})
    future = user_with(
        {"role": Role.UNIT_OFFICER, "unit": ward, "valid_from": today + dt.timedelta(days=1)},
        username="sap-toi",
    )
    expired_admin = user_with(
        {"role": Role.ADMIN, "unit": None, "valid_to": today - dt.timedelta(days=1)}, username="qtv-cu"
    )
    assert unit_scope(expired) == set()
    assert unit_scope(future) == set()
    assert unit_scope(expired_admin) == set()
    current = user_with({"role": Role.UNIT_OFFICER, "unit": ward, "valid_from": today}, username="dang-lam")
    assert ward.pk in unit_scope(current)  # type: ignore[operator]
