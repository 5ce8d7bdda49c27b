"""The shared reading of a list's filters (`core.filters.ListFilter`): each field's type says how
its text is read; bad values are refused naming the field (API) or dropped and reported (pages);
the filter writes itself back as a query string. Then the three lists that use it, and the
"due soon" wording that follows its setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import ClassVar

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from dieuhanh.core.filters import ListFilter
from dieuhanh.directives.filters import TaskFilter
from dieuhanh.dossiers.filters import DossierFilter
from dieuhanh.petitions.filters import PetitionFilter, timings
from dieuhanh.testing import signed_in


@dataclass
class Sample(ListFilter):
    unit: int | None = None
    year: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    colour: str | None = None
    urgent: bool = False
    closed: bool | None = None
    q: str | None = None

    LABELS: ClassVar[Mapping[str, str]] = {"unit": "Đơn vị", "year": "Năm", "since": "Từ ngày", "until": "Đến ngày",
                                           "colour": "Màu", "closed": "Đã đóng"}
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {"colour": ("red", "green")}
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}
    RANGES = (("since", "until"),)


def test_each_type_reads_its_text():
    flt = Sample.from_params(QueryDict(
        "unit=12&year=2026&since=01/02/2026&until=2026-03-31&colour=red&urgent=on&closed=false&q=+cầu+đường+"
    ))
    assert flt == Sample(unit=12, year=2026, since=dt.date(2026, 2, 1), until=dt.date(2026, 3, 31),
                         colour="red", urgent=True, closed=False, q="cầu đường")


def test_values_already_typed_pass_through():
    """The API hands over its schema's values: ints, dates and booleans, with None for absent."""
    flt = Sample.from_params({"unit": 5, "since": dt.date(2026, 1, 1), "closed": True, "q": None, "year": None})
    assert flt == Sample(unit=5, since=dt.date(2026, 1, 1), closed=True)


def test_absent_and_blank_values_leave_the_defaults():
    assert Sample.from_params({"unit": "", "colour": "  ", "closed": None}) == Sample()


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"unit": "١٢"}, "unit", "Đơn vị"),
    ({"unit": "0"}, "unit", "Đơn vị"),
    ({"year": "12026"}, "year", "Năm"),
    ({"since": "31/02/2026"}, "since", "Từ ngày"),
    ({"colour": "blue"}, "colour", "Màu"),
    ({"closed": "perhaps"}, "closed", "Đã đóng"),
    ({"since": "2026-03-02", "until": "2026-03-01"}, "until", "Đến ngày"),
])
def test_a_bad_value_is_refused_naming_its_field(params, field, words):
    with pytest.raises(ValidationError) as exc:
        Sample.from_params(params)
    assert list(exc.value.message_dict) == [field]
    assert words in exc.value.message_dict[field][0]


def test_a_page_drops_what_does_not_parse_and_keeps_the_rest():
    flt, problems = Sample.lenient({"unit": "abc", "colour": "green", "year": "2025"})
    assert flt == Sample(colour="green", year=2025)
    assert len(problems) == 1 and "Đơn vị" in problems[0]


def test_a_crossed_range_drops_both_ends():
    flt, problems = Sample.lenient({"since": "2026-03-02", "until": "2026-03-01", "q": "x"})
    assert flt == Sample(q="x")
    assert problems == ["«Đến ngày» phải sau hoặc bằng «Từ ngày»."]


def test_the_filter_writes_itself_back_as_a_query_string():
    flt = Sample(unit=3, since=dt.date(2026, 1, 5), urgent=True, closed=False, q="a b")
    params = flt.as_params()
    assert params == {"unit": "3", "since": "2026-01-05", "urgent": "true", "closed": "false", "q": "a b"}
    assert Sample.from_params(params) == flt


@pytest.mark.parametrize(("cls", "params"), [
    (TaskFilter, {"status": "overdue", "due_from": "01/01/2026", "due_to": "2026-12-31", "flagged": "1"}),
    (DossierFilter, {"status": "late_now", "channel": "online", "date_from": "1/1/2026"}),
    (PetitionFilter, {"state": "open", "timing": "due_soon", "year": "2026", "received_from": "02/01/2026",
                      "over_level": "true"}),
])
def test_every_list_reads_and_writes_its_filter_the_same_way(cls, params):
    flt = cls.from_params(params)
    assert cls.from_params(flt.as_params()) == flt
    with pytest.raises(ValidationError) as exc:
        cls.from_params({**params, "unit": "x"})
    assert "«Đơn vị»" in exc.value.message_dict["unit"][0]


@pytest.mark.parametrize("days", [3, 5])
def test_due_soon_says_the_working_days_of_its_setting(world, settings, days):
    settings.DIEUHANH_DUE_SOON_WORKING_DAYS = days
    assert timings()["due_soon"] == f"Sắp đến hạn ({days} ngày làm việc)"
    petitions = signed_in(world.office).get(reverse("petitions:petition_list")).content.decode()
    assert f"Sắp đến hạn ({days} ngày làm việc)" in petitions
    dossiers = signed_in(world.office).get(reverse("dossier_list")).content.decode()
    assert f"Đến hạn trong {days} ngày làm việc" in dossiers


def test_every_list_offers_todays_units_to_filter_by(world):
    """A task led by 2021's phường Sao Đỏ is found under today's phường Chu Văn An, whose filter
    takes in its past: the unit choice offers the heir, never the abolished ward."""
    from dieuhanh.directives.forms import TaskFilterForm
    from dieuhanh.directives.models import Task

    task = world.task()
    Task.objects.filter(pk=task.pk).update(lead_unit=world.ward_a_old)  # a task of 2021, before the reform
    offered = set(TaskFilterForm(user=world.office).fields["unit"].queryset)  # type: ignore[attr-defined]
    assert world.ward_a in offered and world.ward_a_old not in offered
    listed = signed_in(world.office).get(reverse("directives:task_list"), {"unit": world.ward_a.pk}).content.decode()
    assert task.code in listed


def test_the_api_refuses_what_the_page_drops(world):
    """One filter, two manners: the document list page drops an unknown kind and says so; the
    API answers 422 naming the field."""
    from dieuhanh.testing import bearer

    page = signed_in(world.office).get(reverse("directives:document_list"), {"kind": "ZZ"})
    assert page.status_code == 200 and "«Loại văn bản»" in page.content.decode()
    api = bearer(world.office).get("/api/v1/documents", {"kind": "ZZ"})
    assert api.status_code == 422 and "«Loại văn bản»" in api.json()["detail"]
    assert bearer(world.office).get("/api/v1/documents", {"kind": "NQ"}).json()["count"] == 1


@pytest.mark.parametrize("url", ["directives:task_list", "directives:document_list", "petitions:petition_list",
                                 "dossier_list"])
def test_every_filter_choice_starts_with_all(world, url):
    """A filter left empty reads «Tất cả» on every list, never Django's «---------»."""
    html = signed_in(world.office).get(reverse(url)).content.decode()
    assert "<select" in html and "---------" not in html
