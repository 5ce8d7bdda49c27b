"""core/html.py writes the same HTML as Django's format_html, escaping included."""

from __future__ import annotations

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from dieuhanh.core import html

VALUES = [
    "<script>alert('x')</script>", 'a "quoted" & <b>', "Nguyễn Thị Hồng", "", mark_safe("<b>giữ nguyên</b>"),
    5, 0, 3.5, None, gettext_lazy("Quá hạn"), gettext_lazy("<i>lazy</i>"), django_html.format_html("<a>{}</a>", "<"),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_is_djangos_conditional_escape(value):
    assert html.escape(value) == str(django_html.conditional_escape(value))


def test_format_html_and_rows_write_what_django_writes():
    template = '<tr><td title="{}">{}</td><td>{}</td></tr>'
    rows = [VALUES[i:i + 3] for i in range(0, len(VALUES) - 2)]
    ours = html.format_rows(template, rows)
    assert isinstance(ours, SafeString)
    assert ours == django_html.format_html_join("", template, rows)
    assert "<script>" not in ours and "&lt;script&gt;" in ours and "<b>giữ nguyên</b>" in ours
    assert html.format_html(template, *VALUES[:3]) == django_html.format_html(template, *VALUES[:3])
    assert html.format_rows(template, []) == ""
