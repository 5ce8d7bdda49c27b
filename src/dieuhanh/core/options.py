"""A list's filter bar offers choices of rows (units, leaders, documents, bodies): the options
are drawn once and reused; each page reads only which rows it offers.

A `ModelChoiceField` of a `FilterForm` draws its <select> with `DrawnSelect`: on each page

1. the ids its queryset offers, in its order, are read (one query of ids, no rows built): the
   queryset is the list's own, limited to what the user may see, so which options a user gets
   is exact on every page: a ward officer's choices stay their own, a unit or a task added in
   any process is offered at the next page. A form that keeps the ids under the stamps of the
   tables they come from (core/generations.py) hands them over with `offer` instead, as exact:
   a stamp moves with every change to its tables, in any process;
2. the options' labels (a person's posts, a body's unit, a document's number and title) are
   drawn from the rows once and kept, per process, under those ids, the page's language and
   today's date (a person's posts are today's), in the `figures` cache (decision 0036), then
   reused: only the chosen option is marked per page.

Kept labels are as fresh as decision 0036 promises for figures:
- a save or delete, in this process, of a model a label is read from (the queryset's model,
  those its `select_related` follows, the field's `label_models`) passes over every label kept
  before it, at once and again once committed;
- the user's own changes show at once on every process (the stamp `figurecache.changed` writes
  for the apps it watches: tasks, documents, petitions, dossiers…);
- others' changes made in another process (a person renamed, a body's name) show within
  `FIGURES_TTL` seconds (10).

The <select> is written as Django writes it, character for character (core.forms.FormRenderer);
a field offering values other than primary keys (`to_field_name`), or a sliced or combined
(union…) queryset, is drawn by Django as before."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.core.cache import caches
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_versions: dict[type[Model], int] = {}  # per model whose rows labels are read from: its saves and deletes here


def _bump(sender: Any, **kwargs: Any) -> None:
    if sender not in _versions or kwargs.get("raw"):
        return
    _versions[sender] += 1

    def again() -> None:  # a label drawn while the transaction ran read the rows before it
        _versions[sender] = _versions.get(sender, 0) + 1

    transaction.on_commit(again, robust=True)


post_save.connect(_bump, dispatch_uid="dieuhanh.options.save")
post_delete.connect(_bump, dispatch_uid="dieuhanh.options.delete")


def label_models(field: forms.ModelChoiceField[Any]) -> tuple[type[Model], ...]:
    """The models `field`'s labels are read from: its queryset's, those its `select_related`
    follows, and the field's own `label_models` (what a label reads through a prefetch)."""
    qs = field.queryset
    assert qs is not None
    found: list[type[Model]] = [qs.model]

    def follow(model: type[Model], related: Any) -> None:
        if not isinstance(related, dict):
            return
        for name, deeper in related.items():
            target = model._meta.get_field(name).related_model
            if isinstance(target, type) and issubclass(target, Model):
                found.append(target)
                follow(target, deeper)

    follow(qs.model, qs.query.select_related)
    found.extend(getattr(field, "label_models", ()))
    return tuple(dict.fromkeys(found))


def _own_change() -> float:
    """When the request's user last changed something watched (`figurecache.changed`), read
    once per reading request (core.requestmemo)."""
    from dieuhanh.core import figurecache, logs, requestmemo

    user_id = logs.current().get("user_id")
    if not user_id:
        return 0.0
    key = figurecache._own_key(user_id)
    return requestmemo.memo(key, lambda: float(caches[figurecache.SHARED].get(key, 0.0)))


def _option_line(value: str, label: str, selected: bool = False) -> str:
    """One <option> as Django's select_option.html writes it (`value` and `label` escaped)."""
    return f'\n  <option value="{value}"{" selected" if selected else ""}>{label}</option>\n'


def drawn_options(field: forms.ModelChoiceField[Any]) -> list[tuple[str, str]]:
    """(value, escaped label) of the rows `field` offers, in its queryset's order, without the
    empty choice: the ids read now, the labels kept (see the module docstring)."""
    return [(value, label) for value, _escaped, label, _line in _drawn(field)]


def _drawn(field: forms.ModelChoiceField[Any]) -> list[tuple[str, str, str, str]]:
    """(value, escaped value, escaped label, the unselected <option> line) of the rows `field`
    offers: what `drawn_options` says, with each option written once, as it is kept."""
    from dieuhanh.core import figurecache

    qs: QuerySet[Any] = field.queryset  # type: ignore[assignment]
    models = label_models(field)
    for model in models:
        _versions.setdefault(model, 0)
    ids = getattr(field, "offered_ids", None)  # known to the form (`offer`), or read now
    if ids is None:
        ids = tuple(qs.prefetch_related(None).values_list("pk", flat=True))
    kind = f"{type(field).__module__}.{type(field).__qualname__}:{qs.model._meta.label}"
    versions = ",".join(f"{m._meta.label}={_versions[m]}" for m in models)
    raw = f"{kind}|{versions}|{translation.get_language()}|{timezone.localdate()}|{','.join(map(str, ids))}"
    key = "options-lines:" + hashlib.sha256(raw.encode()).hexdigest()
    store = caches[figurecache.ALIAS]
    now = figurecache.clock()
    entry = store.get(key)
    if entry is not None:
        computed_at, drawn = entry
        if now - computed_at < figurecache.ttl() and computed_at > _own_change():
            return drawn  # type: ignore[no-any-return]
    labels = {obj.pk: field.label_from_instance(obj) for obj in qs.filter(pk__in=ids)} if ids else {}
    drawn = []
    for pk in ids:
        if pk in labels:
            value, label = str(pk), str(conditional_escape(labels[pk]))
            escaped = str(conditional_escape(value))
            drawn.append((value, escaped, label, _option_line(escaped, label)))
    if len(drawn) == len(ids):  # not a row deleted between the two reads
        store.set(key, (now, drawn), timeout=max(1, int(figurecache.ttl()) + 1))
    return drawn


def offer(field: forms.ModelChoiceField[Any], queryset: QuerySet[Any], ids: tuple[int, ...]) -> None:
    """Give `field` its `queryset` and the ids it offers, in the queryset's order, when the form
    already knows them (kept under a generation's stamp, core/generations.py): the <select> is
    then drawn without reading them again. The queryset still checks a submitted choice."""
    field.queryset = queryset
    field.offered_ids = ids  # type: ignore[attr-defined]


class DrawnSelect(forms.Select):
    """A <select> of a model choice field whose options are drawn once and kept (the module
    docstring); any other choices are drawn by Django."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choices = self.choices
        field = getattr(choices, "field", None)
        if (not isinstance(choices, ModelChoiceIterator) or not isinstance(field, forms.ModelChoiceField)
                or field.to_field_name or field.queryset is None or field.queryset.query.is_sliced
                or field.queryset.query.combinator):
            return super().render(name, value, attrs, renderer)
        from dieuhanh.core.forms import _attrs_html

        chosen = self.format_value(value)
        options = _drawn(field)
        if field.empty_label is not None:
            label = str(conditional_escape(field.empty_label))
            options = [("", "", label, _option_line("", label)), *options]
        parts = [f'<select name="{conditional_escape(name)}"{_attrs_html(self.build_attrs(self.attrs, attrs))}>']
        parts.extend(line for _value, _escaped, _label, line in options)
        for index, (option, escaped, label, _line) in enumerate(options):
            if option in chosen:  # only the first chosen is marked, as Django's Select does
                parts[index + 1] = _option_line(escaped, label, selected=True)
                break
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
