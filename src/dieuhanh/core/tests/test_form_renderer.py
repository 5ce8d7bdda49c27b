"""The site's form renderer writes a <select> in Python (core/forms.py FormRenderer): the HTML is
Django's own, character for character, and it costs a fraction of the templates."""

from __future__ import annotations

import time
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


def test_a_select_with_an_option_template_of_its_own_still_uses_it() -> None:
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=Custom)
    form = forms.Form(renderer=FormRenderer())
    form.fields["f"] = field
    ours = str(form["f"])
    form.renderer = DjangoTemplates()
    assert ours == str(form["f"]) and "<input" in ours  # its option template, not ours


def test_a_long_select_costs_a_fraction_of_the_templates() -> None:
    class Long(forms.Form):
        f = forms.ChoiceField(choices=[(str(i), f"Đơn vị số {i}") for i in range(300)])

    def cost(renderer: DjangoTemplates) -> float:
        form = Long({"f": "7"}, renderer=renderer)
        str(form["f"])
        start = time.process_time()
        for _ in range(20):
            str(form["f"])
        return time.process_time() - start

    assert cost(FormRenderer()) * 3 < cost(DjangoTemplates())
