"""Form parts every app's web pages share: dates typed dd/mm/yyyy, whole numbers, choices from a
TextChoices, a three-way yes/no, text areas, and `apply_errors`, which puts a service's
ValidationError back on the fields it names.

Forms only parse typed input and limit each choice to what the user may see; the rules and their
Vietnamese messages naming the field live in each app's services. That is why most fields are
`required=False`: an empty field reaches the service, which says what is missing and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.html import escape
from dieuhanh.lib.params import INT32_MAX, IdsChoiceMixin, IntField

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from dieuhanh.org.models import AdminUnit, Person

DATE_FORMAT = "%d/%m/%Y"
LOCAL_DATE_FORMATS = (DATE_FORMAT, "%d-%m-%Y", "%d.%m.%Y")
DATE_INPUT_FORMATS = [*LOCAL_DATE_FORMATS, "%Y-%m-%d"]


def translated_choices(choices: Any, blank: str | None = None) -> list[tuple[str, Any]]:
    """A TextChoices' (value, label) pairs with the label translated at render time."""
    pairs: list[tuple[str, Any]] = [(value, _(label)) for value, label in choices.choices]
    return ([("", blank)] if blank is not None else []) + pairs


def choices(enum: Any, blank: StrOrPromise | None = None, only: Any = None) -> list[tuple[str, StrOrPromise]]:
    """A TextChoices' (value, label) pairs, optionally after a blank choice and limited to `only`.
    The labels stay lazy: a form declared at import shows them in the language of each request."""
    pairs = [(v, label) for v, label in enum.choices if only is None or v in only]
    return ([("", blank)] if blank is not None else []) + pairs


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's own copy of its choice field `name`, whose choices are set per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's own copy of its model choice field `name`, whose queryset is limited per user."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy. Not the browser's date picker: that one follows the
    browser's language, and an English-language browser shows mm/dd/yyyy, where 01/12 and
    12/01 are easily confused on a deadline. ISO dates (yyyy-mm-dd) are accepted too."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "date"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DATE_FORMAT)


class FilterForm(forms.Form):
    """A list's filter bar, drawn by core/_filter_bar.html (rendering only: the list's own filter
    parses and applies the values). `rows`: the fields' names, row by row (all in one row when
    empty); `grow`: those that take the row's spare width. Labels have no colon."""

    rows: tuple[tuple[str, ...], ...] = ()
    grow: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # not as a keyword argument: it could collide with *args
        from dieuhanh.core.options import DrawnSelect

        # A choice of rows draws its options once and reuses them (core/options.py).
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and type(field.widget) is forms.Select:
                widget = DrawnSelect(attrs=field.widget.attrs)
                widget.is_required = field.widget.is_required
                widget.choices = field.widget.choices
                field.widget = widget

    def layout(self) -> list[list[tuple[forms.BoundField, bool]]]:
        """The rows of (field, grows) of the fields the form has."""
        rows = self.rows or (tuple(self.fields),)
        return [[(self[name], name in self.grow) for name in row if name in self.fields] for row in rows]


def name_length_limits(form: forms.BaseForm) -> None:
    """Give every text field with a maximum length a message naming the field and the limit:
    "Địa điểm cụ thể dài quá 300 ký tự (hiện 480 ký tự)." (call once the labels are final)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = (
                gettext("%(label)s dài quá %(max_length)s ký tự (hiện %%(show_value)d ký tự).") % {"label": field.label, "max_length": field.max_length}
            )


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    """A date typed dd/mm/yyyy (or ISO), with a Vietnamese message when it does not parse."""
    kwargs.setdefault("error_messages", {"invalid": gettext("%(label)s: nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.") % {"label": label}})
    return forms.DateField(label=label, required=False, input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **kwargs)


def int_field(label: StrOrPromise, **kwargs: Any) -> forms.IntegerField:
    """A whole number; the counts typed in forms are 32-bit columns on PostgreSQL."""
    kwargs.setdefault("max_value", INT32_MAX)
    return IntField(label=label, required=False, error_messages={"invalid": gettext("%(label)s phải là số nguyên.") % {"label": label}}, **kwargs)


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class YesNoSelect(forms.NullBooleanSelect):
    """Not known yet / yes / no. Reads what a browser sends ("", "true", "false"), the older
    "yes"/"no", and JSON booleans from the API."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", gettext("Chưa xác định")), ("true", gettext("Có")), ("false", gettext("Không"))]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool | None:
        value = data.get(name)
        if isinstance(value, str) and value.lower() in ("yes", "no"):
            return value.lower() == "yes"
        return super().value_from_datadict(data, files, name)


def yes_no(label: StrOrPromise, **kwargs: Any) -> forms.NullBooleanField:
    """A fact that may be not known yet: None leaves it as it is."""
    return forms.NullBooleanField(label=label, required=False, widget=YesNoSelect(), **kwargs)


def apply_errors(form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None) -> list[str]:
    """Put a service's errors on the form fields they name; return those that belong to no
    field of this form (shown above it)."""
    field_map = field_map or {}
    loose: list[str] = []
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return loose
    for key, messages in exc.message_dict.items():
        name = field_map.get(key, key)
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
        else:
            loose.extend(messages)
    return loose


# --- people: a name with the posts held today --------------------------------------------------

POSTS = "posts_today"  # the attribute `with_posts` gives each person: today's assignments


def with_posts(qs: QuerySet[Any]) -> QuerySet[Any]:
    """People (or accounts, through their `person`) with their posts, fetched in two queries
    however long the list: what `person_label` shows."""
    from django.db.models import F, Prefetch

    from dieuhanh.org.models import Assignment, Person

    through = "assignments" if qs.model is Person else "person__assignments"
    posts = Prefetch(
        through, to_attr=POSTS,
        queryset=Assignment.objects.select_related("position__organisation").order_by(
            F("end_date").desc(nulls_first=True), "-position__is_head", "-position__is_leadership", "id"
        ),
    )
    if qs.model is Person:
        return qs.prefetch_related(posts)
    return qs.select_related("person").prefetch_related(posts)


def person_label(person: Person) -> str:
    """«Full name — post, body»: the posts held today (two at most, the head's first), else the
    last one held, as «nguyên …» (former), so two namesakes, or a head and a deputy, are told
    apart. A person fetched without `with_posts` is asked for their posts."""
    from django.utils import timezone

    today = timezone.localdate()
    held = getattr(person, POSTS, None)
    if held is None:
        held = getattr(with_posts(type(person).objects.filter(pk=person.pk)).get(), POSTS)
    current = [a for a in held if a.start_date <= today and (a.end_date is None or a.end_date >= today)]
    past = [a for a in held if a.end_date is not None and a.end_date < today]
    if current:
        posts = [f"{a.position.title}, {a.position.organisation.name}" for a in current[:2]]
    elif past:
        last = past[0]
        posts = [gettext("nguyên %(post)s, %(organisation)s") % {
            "post": last.position.title, "organisation": last.position.organisation.name}]
    else:
        return person.full_name
    return f"{person.full_name} — {'; '.join(posts)}"


def account_label(user: Any) -> str:
    """An account as a person with their posts, or its login name when it is nobody's."""
    person = getattr(user, "person", None)
    return person_label(person) if person is not None else user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one person (a lead officer, an accountable leader, a signer) shown with the
    posts they hold today, so two namesakes and a deputy and a head are told apart."""

    @property
    def label_models(self) -> tuple[type[Any], ...]:
        """What a label reads besides the person (core/options.py): their posts."""
        from dieuhanh.org.models import Assignment, Organisation, Position

        return (Assignment, Position, Organisation)

    def _set_queryset(self, queryset: Any) -> None:
        forms.ModelChoiceField._set_queryset(self, None if queryset is None else with_posts(queryset))  # type: ignore[attr-defined]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class HandlerChoiceField(IdsChoiceMixin, forms.ModelMultipleChoiceField):
    """The handler picker of every case type: accounts shown by name and post. Its queryset is
    the case type's `handler_candidates(case)` (those who may handle the case, nobody else)."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "choice-list"})  # a name and post wrap

    def label_from_instance(self, obj: Any) -> str:
        return account_label(obj)


# --- bodies -----------------------------------------------------------------------------------


def bodies_today(*keep: int | None) -> QuerySet[Any]:
    """Today's bodies (`Organisation.objects.valid_on`), by name, and the bodies `keep` names
    (a case's current choice, kept when its body has since ended)."""
    from django.db.models import Q
    from django.utils import timezone

    from dieuhanh.org.models import Organisation

    ids = [pk for pk in keep if pk]
    return (
        Organisation.objects.filter(Q(pk__in=Organisation.objects.valid_on(timezone.localdate())) | Q(pk__in=ids))
        .select_related("unit").order_by("name", "id")
    )


class BodyChoiceField(forms.ModelChoiceField):
    """A choice of body: its name, with its unit when the name does not say it («Văn phòng
    HĐND và UBND (Phường Chu Văn An)»), and the day it ended for a body that no longer exists
    (a document of 2021 was issued by 2021's bodies)."""

    @property
    def label_models(self) -> tuple[type[Any], ...]:
        """What a label reads besides the body (core/options.py): its unit."""
        from dieuhanh.org.models import AdminUnit

        return (AdminUnit,)

    def label_from_instance(self, obj: Any) -> str:
        unit = obj.unit.name
        label = obj.name if unit.lower() in obj.name.lower() else f"{obj.name} ({unit})"
        if obj.valid_to is not None:
            label += f" — {_('đến')} {obj.valid_to:%d/%m/%Y}"
        return label


# --- list filters ----------------------------------------------------------------------------------


def search_field(placeholder: StrOrPromise) -> forms.CharField:
    """The words box of a list's filters (matched without diacritics by the list's filter)."""
    return forms.CharField(label=_("Tìm kiếm"), required=False,
                           widget=forms.SearchInput(attrs={"placeholder": placeholder}))


def units_today(unit_ids: Iterable[int]) -> QuerySet[AdminUnit]:
    """The units a list can be filtered by, given the units its rows belong to: today's heirs of
    those units (2021's phường Sao Đỏ is offered as today's phường Chu Văn An, whose filter
    takes in its past); a unit with no heir today, such as a former district, is offered itself."""
    from dieuhanh.org import scope
    from dieuhanh.org.models import AdminUnit

    graph = scope.unit_graph()
    ids: set[int] = set()
    for unit_id in unit_ids:
        ids |= scope.heirs(unit_id, graph) or {unit_id}
    return AdminUnit.objects.filter(id__in=ids).order_by("name")


class FormRenderer(DjangoTemplates):
    """Django's form renderer, except that a <select>, an <input> box and a field's <label> are
    written in Python rather than through Django's templates (settings.FORM_RENDERER). The output
    is the same, character for character; it costs a fraction: a list's filter bar with a few
    hundred options (units, leaders, documents) took ~15 ms of a ~70-ms page, its dozen boxes and
    labels another ~2 ms (docs/decisions/0035, 0038). A select whose options use another template
    than Django's goes through the templates as before."""

    SELECT = "django/forms/widgets/select.html"
    OPTION = "django/forms/widgets/select_option.html"
    # Django's templates that are django/forms/widgets/input.html and nothing else, and the label.
    INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in (
        "input", "text", "search", "number", "email", "url", "tel", "password", "hidden", "date", "datetime", "time",
        "checkbox",
    ))
    LABEL = "django/forms/label.html"

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if template_name == self.SELECT:
            widget = context["widget"]
            groups = widget["optgroups"]
            if all(option["template_name"] == self.OPTION for _, options, _ in groups for option in options):
                return _select_html(widget["name"], widget["attrs"], groups)
        elif template_name in self.INPUTS:
            return _input_html(context["widget"])
        elif template_name == self.LABEL:
            return _label_html(context)
        return super().render(template_name, context, request)


def _attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html in Python: ` name="value"`, a bare name for True,
    nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    )


def _input_html(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/input.html in Python (a text, search, number, date… box, a checkbox)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(str(value))}"'
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
        f'{_attrs_html(widget["attrs"])}>'
    )


def _label_html(context: dict[str, Any]) -> SafeString:
    """django/forms/label.html in Python: the field's label, in a <label> when the field has an id."""
    label = escape(context["label"])
    if not context["use_tag"]:
        return mark_safe(label)  # noqa: S308 - escaped
    tag = escape(context["tag"])
    return mark_safe(f"<{tag}{_attrs_html(context['attrs'] or {})}>{label}</{tag}>")  # noqa: S308 - escaped


def _select_html(name: str, attrs: dict[str, Any], groups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """django/forms/widgets/select.html and select_option.html in Python."""
    parts = [f'<select name="{escape(name)}"{_attrs_html(attrs)}>']
    for group_name, options, _index in groups:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{escape(str(option["value"]))}"{_attrs_html(option["attrs"])}>'
                         f'{escape(option["label"])}</option>\n')  # the template's own last newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
