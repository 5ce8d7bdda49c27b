"""The site's form renderer writes a <select> in Python (core/forms.py FormRenderer): the HTML is
Django's own, character for character, and it costs a fraction of the templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from dieuhanh.core.forms import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Tất cả"), ("a", "Ánh <b> & \"quoted\""), (3, "Ba")], required=False)
    grouped = forms.ChoiceField(choices=[
        ("Phường", [("p1", "Sao Đỏ"), ("p2", "Phả Lại")]),
        ("Xã", [("x1", "Lê Lợi")]),
        ("z", "Khác"),
    ])
    many = forms.MultipleChoiceField(choices=[(str(i), f"Mục {i}") for i in range(5)], required=False)
    attrs = forms.ChoiceField(choices=[("1", mark_safe("<i>an toàn</i>"))], widget=forms.Select(
        attrs={"class": "wide", "data-x": 'a"b', "disabled": True, "hidden": False}))
    lazy = forms.TypedChoiceField(choices=[(None, "Không"), (True, "Có")], coerce=bool, required=False)


def html(renderer: DjangoTemplates, data: Any) -> list[str]:
    form = Sample(data, renderer=renderer)
    return [str(form[name]) for name in form.fields]


def test_a_select_is_drawn_exactly_as_django_draws_it() -> None:
    for data in (None, {"plain": "a", "grouped": "p2", "many": ["1", "3"], "attrs": "1", "lazy": "True"},
                 {"plain": "<nope>", "grouped": "x1"}):
        assert html(FormRenderer(), data) == html(DjangoTemplates(), data)


class Boxes(forms.Form):
    text = forms.CharField(label="Tên <đơn> & \"vị\"", required=False, max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": 'a"b <c>', "autofocus": True, "x": False}))
    search = forms.CharField(label=mark_safe("<b>Tìm</b>"), required=False, widget=forms.SearchInput)
    number = forms.IntegerField(label="Năm", required=False, min_value=1, max_value=9999)
    day = forms.DateField(label="Ngày", required=False, widget=forms.DateInput(format="%d/%m/%Y"))
    check = forms.BooleanField(label="Có kiến nghị?", required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(label="Thư", required=True)
    secret = forms.CharField(label="", required=False, widget=forms.PasswordInput(render_value=True))


def boxes(renderer: DjangoTemplates, data: Any, **kwargs: Any) -> list[str]:
    form = Boxes(data, renderer=renderer, **kwargs)
    return [str(form[name]) + form[name].label_tag() + form[name].label_tag(attrs={"class": "x<y"}, tag="legend")
            for name in form.fields]


def test_a_box_and_its_label_are_drawn_exactly_as_django_draws_them() -> None:
    import datetime as dt

    for data, kwargs in ((None, {}), (None, {"auto_id": False}), (None, {"initial": {"day": dt.date(2026, 3, 5), "check": True}}),
                         ({"text": '<script>"x"</script>', "search": "Sao Đỏ & Phả Lại", "number": "2025", "day": "05/03/2026",
                           "check": "on", "hidden": "1", "email": "sai", "secret": "mật <khẩu>"}, {"label_suffix": ":"})):
        assert boxes(FormRenderer(), data, **kwargs) == boxes(DjangoTemplates(), data, **kwargs)


def test_a_select_with_an_option_template_of_its_own_still_uses_it() -> None:
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=Custom)
    form = forms.Form(renderer=FormRenderer())
    form.fields["f"] = field
    ours = str(form["f"])
    form.renderer = DjangoTemplates()
    assert ours == str(form["f"]) and "<input" in ours  # its option template, not ours


def test_a_long_select_renders_no_template_per_option() -> None:
    """What makes the filter bars cheap, counted rather than timed: Django's renderer runs a template
    for every option of a 300-unit list, ours runs none for them (what that saves per page shows in bench/bench_load.py)."""
    from django.test.signals import template_rendered

    class Long(forms.Form):
        f = forms.ChoiceField(choices=[(str(i), f"Đơn vị số {i}") for i in range(300)])

    def templates(renderer: DjangoTemplates) -> tuple[int, str]:
        names: list[str] = []

        def seen(sender: Any, template: Any, **kwargs: Any) -> None:
            names.append(template.name)

        template_rendered.connect(seen)
        try:
            out = str(Long({"f": "7"}, renderer=renderer)["f"])
        finally:
            template_rendered.disconnect(seen)
        return len(names), out

    ours, ours_html = templates(FormRenderer())
    theirs, theirs_html = templates(DjangoTemplates())
    assert ours_html == theirs_html and 'value="7" selected' in ours_html
    assert theirs >= 300 and ours == 0
