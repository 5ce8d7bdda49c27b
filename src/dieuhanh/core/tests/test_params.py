import pytest
from django import forms
from django.core.exceptions import ValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from dieuhanh.lib.params import (
    DB_INT_MAX,
    MAX_PAGE,
    DbId,
    IdsChoiceMixin,
    IntField,
    PageNumber,
    int_or_none,
    parse_int,
)
from dieuhanh.org.models import AdminUnit

HUGE = "99999999999999999999999"
# '²' passes str.isdigit() yet int() refuses it; '５' and '١٢' are read by int() as 5 and 12.
OTHER_DIGITS = ["²", "١٢", "５", "٣"]


@pytest.mark.parametrize("raw", ["1", "42", " 7 ", "007", str(DB_INT_MAX), 42])
def test_it_reads_ascii_digits_within_the_database_range(raw):
    assert parse_int(raw, "unit", "Đơn vị") == int(str(raw).strip())


@pytest.mark.parametrize("raw", [*OTHER_DIGITS, "abc", "1.5", "-1", "+1", "", "1 2", "0x10", "5_000"])
def test_it_refuses_anything_but_ascii_digits_naming_the_field(raw):
    with pytest.raises(ValidationError) as exc:
        parse_int(raw, "unit", "Đơn vị")
    assert list(exc.value.message_dict) == ["unit"]
    assert "«Đơn vị»" in exc.value.message_dict["unit"][0]
    assert "0–9" in exc.value.message_dict["unit"][0]


@pytest.mark.parametrize("raw", [HUGE, str(DB_INT_MAX + 1), "0", "9" * 5000, 0, DB_INT_MAX + 1])
def test_it_refuses_numbers_the_database_cannot_hold(raw):
    with pytest.raises(ValidationError) as exc:
        parse_int(raw, "unit", "Đơn vị")
    message = exc.value.message_dict["unit"][0]
    assert "«Đơn vị»" in message and f"từ 1 đến {DB_INT_MAX}" in message
    assert len(message) < 200  # five thousand digits are not echoed back


def test_it_applies_the_callers_bounds():
    assert parse_int("2026", "year", "Năm", min_value=1900, max_value=9999) == 2026
    with pytest.raises(ValidationError, match="từ 1900 đến 9999"):
        parse_int("10000", "year", "Năm", min_value=1900, max_value=9999)


@pytest.mark.parametrize("raw", [None, "", *OTHER_DIGITS, HUGE, "0", "-3", "x"])
def test_int_or_none_ignores_what_parse_int_refuses(raw):
    assert int_or_none(raw) is None


def test_int_or_none_reads_a_valid_number():
    assert int_or_none("12") == 12
    assert int_or_none("0", min_value=0) == 0


def test_the_api_types_hold_the_same_bounds():
    db_id, page = TypeAdapter(DbId), TypeAdapter(PageNumber)
    assert db_id.validate_python("12") == 12
    assert page.validate_python(str(MAX_PAGE)) == MAX_PAGE
    for raw in [*OTHER_DIGITS, HUGE, "0", str(DB_INT_MAX + 1)]:
        with pytest.raises(PydanticError):
            db_id.validate_python(raw)
    for raw in [str(MAX_PAGE + 1), "0", "５"]:
        with pytest.raises(PydanticError):
            page.validate_python(raw)


class CountForm(forms.Form):
    count = IntField(label="Số người", required=False, min_value=0, max_value=1000)
    amount = IntField(label="Số tiền", required=False)


@pytest.mark.parametrize("raw", [*OTHER_DIGITS, HUGE + "0" * 30, "1.5", "abc"])
def test_the_form_field_refuses_other_digits_and_oversize_numbers(raw):
    form = CountForm({"count": "1", "amount": raw})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Số tiền phải là số nguyên (chữ số 0–9)."]


def test_the_form_field_is_bounded_by_default_to_a_64_bit_column():
    form = CountForm({"amount": str(DB_INT_MAX + 1)})
    assert not form.is_valid() and "amount" in form.errors
    form = CountForm({"count": "1001", "amount": str(DB_INT_MAX)})
    assert not form.is_valid() and list(form.errors) == ["count"]


def test_the_form_field_reads_what_django_reads():
    form = CountForm({"count": " 12 ", "amount": "-5"})
    assert form.is_valid()
    assert form.cleaned_data == {"count": 12, "amount": -5}
    assert CountForm({"count": "12.0"}).is_valid()


class UnitsForm(forms.Form):
    units = type("UnitsField", (IdsChoiceMixin, forms.ModelMultipleChoiceField), {})(AdminUnit.objects.all())


@pytest.mark.parametrize("raw", [HUGE, str(DB_INT_MAX + 1), "²", "５"])
def test_a_multiple_choice_of_ids_refuses_a_huge_id_instead_of_overflowing(world, raw):
    form = UnitsForm({"units": [str(world.ward_a.pk), raw]})
    assert not form.is_valid()
    assert "units" in form.errors


def test_a_multiple_choice_of_ids_still_selects(world):
    form = UnitsForm({"units": [str(world.ward_a.pk), str(world.ward_b.pk)]})
    assert form.is_valid()
    assert set(form.cleaned_data["units"]) == {world.ward_a, world.ward_b}
