"""The audit log in words, for its page and its export: each change as its field's name
(`verbose_name`) and each value as people read it — a choice by its label, a unit, a body, a
person or an account by name, a date as dd/mm/yyyy, yes/no — instead of the stored snapshot's
attribute names and ids (`handling_org_id: 7`).

Events are read in batches (`EventReader`): the names their values refer to are fetched with
one query per model for the whole batch. A key that is no field of the model (a count an
import wrote, a note) takes the label its app declares with `label_keys`, else is shown as it
is stored. The stored events are never changed (the hash chain covers them)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dieuhanh.core import audit
from dieuhanh.core.models import AuditEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Snapshot keys that are no model field, by object type (an app label, lower case): their label,
# and the model (app_label.model) whose ids or snapshot the key holds, if any.
KEY_LABELS: dict[str, dict[str, tuple[StrOrPromise, str | None]]] = {}

CHANNELS = {"web": gettext_noop("Trang web"), "api": "API", "cli": gettext_noop("Dòng lệnh"), "job": gettext_noop("Tác vụ nền")}


def label_keys(object_type: str, labels: Mapping[str, StrOrPromise | tuple[StrOrPromise, str]]) -> None:
    """Declare the keys an app's services put in `object_type`'s snapshots beside the model's
    fields (called at start-up, like `audit.register_verbs`): each key's label, or (label, the
    model whose ids — or whose snapshot — it holds, as "app_label.model"). A label is Vietnamese
    marked with `gettext_lazy`: the page and the export show it in the reader's language."""
    table = KEY_LABELS.setdefault(object_type, {})
    for key, label in labels.items():
        table[key] = (label[0], label[1]) if isinstance(label, tuple) else (label, None)


def _capital(text: Any) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """A kind of object as its model names itself ("đơn" → "Đơn"); the stored word for a model
    no longer installed."""
    model = _model(object_type)
    return _capital(model._meta.verbose_name) if model is not None else object_type


@functools.cache
def _fields(object_type: str) -> dict[str, models.Field[Any, Any]]:
    model = _model(object_type)
    return {f.attname: f for f in model._meta.concrete_fields} if model is not None else {}  # type: ignore[misc]


def actor_label(event: AuditEvent) -> str:
    """Who did it: the person's name and the login («Lê Thị An (phuong_a)»), or the login."""
    user = event.actor
    person = getattr(user, "person", None) if user is not None else None
    if person is not None and person.full_name != event.actor_name:
        return f"{person.full_name} ({event.actor_name})"
    return event.actor_name or "—"


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: no value before (a creation)
    after: str


class EventReader:
    """Reads a batch of events into words (see the module docstring)."""

    def __init__(self, events: Iterable[AuditEvent]) -> None:
        self.events = list(events)
        self.wanted: dict[type[models.Model], set[Any]] = {}
        for e in self.events:
            for data in (e.before, e.after):
                self._collect(e.object_type, audit.shown(e.object_type, data))
        self.names: dict[type[models.Model], dict[str, str]] = {}
        for model, ids in self.wanted.items():
            qs = model._base_manager.filter(pk__in=[i for i in ids if isinstance(i, int) or str(i).isdigit()])
            if any(f.name == "person" for f in model._meta.concrete_fields):
                qs = qs.select_related("person")
            self.names[model] = {str(obj.pk): self._name(obj) for obj in qs}

    def _collect(self, object_type: str, data: Mapping[str, Any]) -> None:
        """Note the ids `data`'s values refer to (inside a nested snapshot too)."""
        for key, value in data.items():
            _label, field, model = _key(object_type, key)
            if model is None or value is None:
                continue
            if isinstance(value, dict) and field is None:
                self._collect(model._meta.label_lower, value)
            else:
                self.wanted.setdefault(model, set()).update(value if isinstance(value, list) else [value])

    @staticmethod
    def _name(obj: models.Model) -> str:
        display = getattr(obj, "display_name", None)  # an account: its person's name
        return str(display) if display else str(obj)

    def _names(self, model: type[models.Model], value: Any) -> str:
        names = self.names.get(model, {})
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get(str(v), f"#{v} ({_('đã xoá')})") for v in values)

    def value(self, object_type: str, key: str, value: Any) -> str:
        """One stored value of `key` in words."""
        if value is None or value == "" or value == []:
            return "—"
        _label, field, model = _key(object_type, key)
        if model is not None and field is None and isinstance(value, dict):  # a nested snapshot
            sub = model._meta.label_lower
            return "; ".join(f"{_key(sub, k)[0]}: {self.value(sub, k, v)}" for k, v in value.items()
                             if v not in (None, "", [], {}))
        if model is not None:
            return self._names(model, value)
        if isinstance(value, bool):
            return _("Có") if value else _("Không")
        if field is not None and field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            return labels.get(str(value), str(value))
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(str(value))
            if moment is not None:
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                return f"{moment:%d/%m/%Y %H:%M}"
        if isinstance(field, models.DateField) or (field is None and isinstance(value, str) and len(value) == 10):
            try:
                day = parse_date(str(value)) if not isinstance(value, dt.date) else value
            except ValueError:  # shaped like a date, but none
                day = None
            if day is not None:
                return f"{day:%d/%m/%Y}"
        if isinstance(value, list):
            return ", ".join(self.value(object_type, "", v) if isinstance(v, dict) else str(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{_key(object_type, k)[0]}: {self.value(object_type, k, v)}" for k, v in value.items())
        return str(value)

    def changes(self, event: AuditEvent) -> list[Change]:
        """The fields an event changed (before → after), or, with no "before" (a creation), the
        values it set."""
        before = audit.shown(event.object_type, event.before)
        after = audit.shown(event.object_type, event.after)
        rows = []
        for key in list(after) + [k for k in before if k not in after]:
            old, new = before.get(key), after.get(key)
            if before and old == new:
                continue
            if not before and new in (None, "", False, 0, []):
                continue
            rows.append(Change(
                _key(event.object_type, key)[0],
                self.value(event.object_type, key, old) if before else None,
                self.value(event.object_type, key, new),
            ))
        return rows


def _key(object_type: str, key: str) -> tuple[str, models.Field[Any, Any] | None, type[models.Model] | None]:
    """A snapshot key's label, its model field (None for a declared or unknown key) and the model
    its values refer to (a relation's, or the one `label_keys` names)."""
    field = _fields(object_type).get(key)
    if field is not None:
        related = field.related_model if field.is_relation else None
        return _capital(field.verbose_name), field, related if isinstance(related, type) else None
    label, model_name = KEY_LABELS.get(object_type, {}).get(key, (key, None))
    return _capital(label), None, _model(model_name) if model_name else None


def in_words(events: Iterable[AuditEvent], chunk: int = 1000) -> Iterable[tuple[AuditEvent, list[Change]]]:
    """Each event with its changes in words, read `chunk` events at a time (an export of the whole
    log keeps one batch of names in memory)."""
    batch: list[AuditEvent] = []
    for e in events:
        batch.append(e)
        if len(batch) >= chunk:
            reader = EventReader(batch)
            yield from ((b, reader.changes(b)) for b in batch)
            batch = []
    if batch:
        reader = EventReader(batch)
        yield from ((b, reader.changes(b)) for b in batch)
