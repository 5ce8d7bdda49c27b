"""The base of a list's one filter definition, shared by its web page, its .xlsx export, its
statistics and API v1, so that the same query string means the same rows everywhere.

A list declares its filter once, as a dataclass deriving from `ListFilter`: one field per
parameter, typed, with a Vietnamese label. The field's type says how its text is read:

- `int | None`: an id or a year, ASCII digits only, within the database's range (`MAX` narrows
  it, e.g. a year to 9999);
- `dt.date | None`: YYYY-MM-DD or a date as people type it (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy);
- `bool`: a switch (`1`, `true`, `on`, `yes`);
- `bool | None`: a yes/no question left open when absent (`true`/`false`, `1`/`0`);
- `str | None`: free text, or one of `CHOICES[name]` when the list names the allowed values.

`RANGES` names pairs of date fields (from, to) that must not cross. `DEFAULTS` is what the web
list opens on when its address names none of its filters (`opening`): the task list opens on the
open tasks, not on every task since 2021; the API and links that name a filter are not affected. `from_params` refuses bad
input with a ValidationError that names each field; `lenient` is what a web page uses: it drops
what does not parse, reports it and keeps the other filters. `as_params` writes the filter back
as query-string values (links, exports, "clear one filter")."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Collection, Mapping
from dataclasses import fields
from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext

from dieuhanh.core.forms import DATE_INPUT_FORMATS
from dieuhanh.lib.params import DB_INT_MAX, parse_int

TRUE = ("1", "true", "on", "yes", "có")
FALSE = ("0", "false", "off", "no", "không")


_hints_of: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A filter class's field types, worked out once (typing.get_type_hints evaluates every
    annotation's text again on each call: a third of a millisecond a list page)."""
    hints = _hints_of.get(cls)
    if hints is None:
        hints = _hints_of[cls] = typing.get_type_hints(cls)
    return hints


class ListFilter:
    """Mixin of a list's filter dataclass (see the module docstring)."""

    LABELS: ClassVar[Mapping[str, str | Promise]] = {}
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {}
    MAX: ClassVar[Mapping[str, int]] = {}
    RANGES: ClassVar[tuple[tuple[str, str], ...]] = ()
    DEFAULTS: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def opening(cls, params: Mapping[str, Any]) -> Mapping[str, Any]:
        """The parameters a web list applies: `params`, with `DEFAULTS` added when `params`
        name none of the filter's fields (the list opened from the menu). Once the user filters
        — even choosing «Tất cả», an empty value — their choice stands."""
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]  # subclasses are dataclasses
        if not cls.DEFAULTS or any(key in names for key in params):
            return params
        opened = params.copy()  # type: ignore[attr-defined]  # a QueryDict's copy is mutable
        opened.update(cls.DEFAULTS)
        return opened

    @classmethod
    def label(cls, name: str) -> str:
        """The field's label in the reader's language (LABELS are marked with gettext_noop)."""
        return gettext(str(cls.LABELS.get(name, name)))

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        """Build from a QueryDict, a dict of text or of values already typed (the API's query
        schema); raise a ValidationError {field: [message naming its label]} for each value
        that does not parse."""
        values, errors = cls._read(params)
        if errors:
            raise ValidationError(errors)
        return cls(**values)

    @classmethod
    def lenient(cls, params: Mapping[str, Any]) -> tuple[Self, list[str]]:
        """The filter with every bad value dropped, and the messages saying what was dropped (a
        crossed range drops both its ends): a web list shows its rows and the messages, never
        an error page."""
        values, errors = cls._read(params)
        for start, end in cls.RANGES:
            if end in errors and start in values:
                del values[start]
        return cls(**values), [message for messages in errors.values() for message in messages]

    @classmethod
    def _read(cls, params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        hints = _hints(cls)
        for f in fields(cls):  # type: ignore[arg-type]  # subclasses are dataclasses
            raw = params.get(f.name)
            if isinstance(raw, str):
                raw = raw.strip()
            if raw is None or raw == "":
                continue
            try:
                values[f.name] = cls._convert(f.name, hints[f.name], raw)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        for start, end in cls.RANGES:
            if start in values and end in values and values[start] > values[end]:
                del values[end]
                errors[end] = [gettext("«%(label)s» phải sau hoặc bằng «%(label2)s».") % {"label": cls.label(end), "label2": cls.label(start)}]
        return values, errors

    @classmethod
    def _convert(cls, name: str, kind: Any, raw: Any) -> Any:
        label = cls.label(name)

        def bad() -> ValidationError:
            return ValidationError({name: [gettext("Giá trị không hợp lệ cho bộ lọc «%(label)s»: %(str)s.") % {"label": label, "str": repr(str(raw)[:60])}]})

        if kind == int | None:
            return parse_int(raw, name, label, max_value=cls.MAX.get(name, DB_INT_MAX))
        if kind == dt.date | None:
            day = parse_date(raw)
            if day is None:
                raise bad()
            return day
        if kind is bool or kind == bool | None:
            if isinstance(raw, bool):
                return raw
            text = str(raw).lower()
            if text in TRUE:
                return True
            if kind is bool or text in FALSE:
                return False
            raise bad()
        text = str(raw)
        allowed = cls.CHOICES.get(name)
        if allowed is not None and text not in allowed:
            raise bad()
        return text

    def as_params(self) -> dict[str, str]:
        """The filters set, as query-string values."""
        out: dict[str, str] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or value == "" or (value is False and f.default is False):
                continue
            if isinstance(value, bool):
                out[f.name] = "true" if value else "false"
            elif isinstance(value, dt.date):
                out[f.name] = value.isoformat()
            else:
                out[f.name] = str(value)
        return out


def parse_date(raw: Any) -> dt.date | None:
    """A date given as a date, as YYYY-MM-DD or as people type it (dd/mm/yyyy, …); None if not."""
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
