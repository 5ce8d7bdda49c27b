"""Whole numbers typed by a caller — an id, a year, a page — in a query string, a filter or a form.

Two traps turn such a number into a server error instead of a message naming the field:

- `str.isdigit()` is true for '²', '١٢' and '５', and `int()` then either fails ('²' raises
  ValueError after isdigit said yes) or quietly reads another script's digits ('５' is 5, '١٢' is
  12). Only the ASCII digits 0–9 are accepted here, as pydantic already does for the API's typed
  parameters: a number written otherwise is refused with the field's message, never guessed at,
  so the web pages, the filters and the API read the same query string the same way.
- The databases hold 64-bit signed integers. A larger Python int bound to a query (`id IN (…)`,
  an OFFSET) raises OverflowError on SQLite and "bigint out of range" on PostgreSQL. Ids therefore
  run from 1 to DB_INT_MAX, and a page number stops at MAX_PAGE so that its offset always fits.

`parse_int` is the one parser of raw text (filters, web pages); `int_or_none` is its lenient form
for pages that ignore a bad hint (a preselected choice). `DbId` and `PageNumber` are the same
bounds as pydantic types for the API's query schemas (a value out of bounds answers 422 naming
the parameter). `IntField` and `IdsChoiceMixin` are the form fields."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from pydantic import Field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DB_INT_MAX = 2**63 - 1  # a BigAutoField id, a BigIntegerField; SQLite's INTEGER
INT32_MAX = 2**31 - 1  # an IntegerField or PositiveIntegerField column on PostgreSQL
# Page × page size (at most 500 in the API) stays far below DB_INT_MAX: no OFFSET overflows.
MAX_PAGE = 1_000_000

_ASCII_INT = re.compile(r"[0-9]+")

DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]


def parse_int(raw: Any, field: str, label: str, *, min_value: int = 1, max_value: int = DB_INT_MAX) -> int:
    """`raw` (text, or an int already parsed) as an int within [min_value, max_value]; otherwise
    a ValidationError {field: [message naming label]}."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value, text = raw, str(raw)
    else:
        text = str(raw).strip()
        if not _ASCII_INT.fullmatch(text):
            raise ValidationError({field: [
                f"Giá trị không hợp lệ cho «{label}»: {text!r} — chỉ nhận số nguyên viết bằng các chữ số 0–9."
            ]})
        # Far too many digits is out of range whatever they are; int() of thousands of digits
        # would even raise ValueError (Python's limit on integer string conversion).
        digits = text.lstrip("0") or "0"
        value = int(digits) if len(digits) <= len(str(max_value)) else max_value + 1
    if not min_value <= value <= max_value:
        raise ValidationError({field: [
            f"Giá trị không hợp lệ cho «{label}»: {text[:30]}{'…' if len(text) > 30 else ''} "
            f"— phải từ {min_value} đến {max_value}."
        ]})
    return value


def int_or_none(raw: Any, *, min_value: int = 1, max_value: int = DB_INT_MAX) -> int | None:
    """`parse_int` for a hint a page may ignore: None when absent or not a valid number."""
    if raw is None or raw == "":
        return None
    try:
        return parse_int(raw, "value", "value", min_value=min_value, max_value=max_value)
    except ValidationError:
        return None


class IntField(forms.IntegerField):
    """A form's whole number: ASCII digits only, and bounded (by default to what a 64-bit column
    holds), with messages naming the field. Django's IntegerField reads '５' as 5 and lets any
    size through to the database."""

    def __init__(self, *, label: StrOrPromise, min_value: int | None = None, max_value: int | None = DB_INT_MAX,
                 **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": f"{label} phải là số nguyên (chữ số 0–9)."})
        super().__init__(label=label, min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(formats.sanitize_separators(value) if self.localize else value).strip()
        text = self.re_decimal.sub("", text)  # "12.0" is 12, as Django's IntegerField reads it
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text.removeprefix("+"))
        if not _ASCII_INT.fullmatch(digits):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        digits = digits.lstrip("0") or "0"
        if len(digits) > len(str(DB_INT_MAX)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(sign + digits)


class IdsChoiceMixin:
    """For a ModelMultipleChoiceField: each submitted id is checked first (ASCII digits, at most
    DB_INT_MAX), because Django's own check lets a huge id reach `pk__in`, where SQLite raises
    OverflowError. Only for models with an integer primary key."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple | set | frozenset) else ():
            if int_or_none(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],  # type: ignore[attr-defined]
                    code="invalid_pk_value", params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]
