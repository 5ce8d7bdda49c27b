"""Fixtures of the directives' page tests: two tasks in two wards and a ward A decision."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dieuhanh.directives.services import do_create_document

TODAY = timezone.localdate


@pytest.fixture
def task_a(world):
    return world.task()


@pytest.fixture
def task_b(world):
    return world.task(
        title="Chỉnh trang đô thị phường Chí Linh", lead_unit=world.ward_b, lead_person=world.officer_b_person
    )


@pytest.fixture
def decision(world):
    return do_create_document(
        actor=world.office, system="state", kind="QĐ", number="15", issuer_code="UBND",
        issuer=world.ward_a_committee, issued_on=TODAY(), title="Điều chỉnh tiến độ giải phóng mặt bằng",
    )
