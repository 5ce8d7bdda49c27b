"""The page parts the apps share (core/templates/core): the fields of an entry form, its error
summary, a list's filter bar, the {% wrap %} tag around a card's table, a case's history and the
figures of a statistics table. Rendered here on their own, without an app."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.test import RequestFactory

from dieuhanh.core.case_views import HistoryEntry
from dieuhanh.core.figures import StatColumn
from dieuhanh.core.forms import FilterForm


class EntryForm(forms.Form):
    name = forms.CharField(label="Họ và tên")
    note = forms.CharField(label="Ghi chú", required=False, help_text="Không bắt buộc.")
    agreed = forms.BooleanField(label="Đồng ý", required=False)


class ListFilter(FilterForm):
    rows = (("q", "unit"), ("flagged", "missing"))
    grow = ("q",)

    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.SearchInput())
    unit = forms.ChoiceField(label="Đơn vị", required=False, choices=[("", "Tất cả")])
    flagged = forms.BooleanField(label="Có kiến nghị", required=False)


def render(source: str, **context: object) -> str:
    return Template("{% load dieuhanh %}" + source).render(Context(context))


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_the_fields_come_in_the_order_named_and_the_wide_ones_take_the_row():
    html = squeeze(render_to_string("core/_fields.html", {"form": EntryForm(), "names": "note name", "wide": "note"}))
    assert html.index('for="id_note"') < html.index('for="id_name"')
    assert '<div class="field field--wide"><label for="id_note">Ghi chú</label>' in html
    assert '<div class="field"><label for="id_name">Họ và tên</label>' in html
    assert '<p class="help">Không bắt buộc.</p>' in html
    assert "Đồng ý" not in html


def test_a_field_not_in_the_form_is_an_error_not_a_silent_gap():
    with pytest.raises(KeyError):
        render_to_string("core/_fields.html", {"form": EntryForm(), "names": "name nickname"})


def test_a_fieldset_numbers_its_legend_and_says_its_help():
    html = squeeze(render_to_string("core/_fieldset.html", {
        "form": EntryForm(), "names": "name agreed", "no": 2, "legend": "Người gửi", "help": "Được mã hoá.",
    }))
    assert '<legend><span class="clarity__no">2</span> Người gửi</legend><p class="help">Được mã hoá.</p>' in html
    assert '<label class="check"><input type="checkbox" name="agreed" id="id_agreed"> Đồng ý</label>' in html


def test_the_error_summary_names_each_field_then_the_services_messages():
    form = EntryForm({"name": ""})
    html = squeeze(render_to_string("core/_error_summary.html", {
        "form": form, "loose_errors": ["Đơn vị không còn hiệu lực."], "title": "Chưa lưu được:",
    }))
    assert 'id="error-summary"' in html
    assert "<li><strong>Họ và tên:</strong> Trường này là bắt buộc.</li><li>Đơn vị không còn hiệu lực.</li>" in html


def test_the_brief_error_summary_leaves_the_fields_to_say_their_own():
    html = squeeze(render_to_string("core/_error_summary.html", {
        "form": EntryForm({"name": ""}), "loose_errors": ["Số ký hiệu đã có."], "title": "Chưa lưu được.", "brief": True,
    }))
    assert "<li>" not in html and "Trường này là bắt buộc" not in html
    assert '<p class="summary__title">Chưa lưu được.</p><p>Số ký hiệu đã có.</p>' in html


def test_no_error_summary_for_a_form_without_errors():
    assert render_to_string("core/_error_summary.html", {"form": EntryForm(), "title": "x"}).strip() == ""


def test_a_filter_form_lays_out_its_rows_without_colons_and_skips_what_it_lacks():
    form = ListFilter()
    rows = [[(field.name, grow) for field, grow in row] for row in form.layout()]
    assert rows == [[("q", True), ("unit", False)], [("flagged", False)]]
    assert form["q"].label_tag() == '<label for="id_q">Tìm kiếm</label>'


def test_the_filter_bar_refreshes_the_results_with_htmx_only_when_given_a_target():
    request = RequestFactory().get("/ds/")
    base = {"form": ListFilter(), "action": "/ds/", "request": request}
    plain = squeeze(render_to_string("core/_filter_bar.html", base))
    assert "hx-get" not in plain
    assert '<div class="field field--grow"><label for="id_q">Tìm kiếm</label>' in plain
    assert '<div class="field field--check"><label class="check">' in plain
    assert '<button type="submit" class="btn btn--primary">Lọc</button><a class="btn btn--ghost" href="/ds/">Xoá bộ lọc</a>' in plain
    live = squeeze(render_to_string("core/_filter_bar.html", {**base, "target": "kq", "keep_sort": True, "sort": "-due"}))
    assert 'hx-target="#kq"' in live and "input delay:500ms" in live
    assert '<input type="hidden" name="sort" value="-due">' in live


def test_wrap_renders_its_template_around_the_body_with_the_values_given():
    html = squeeze(render(
        '{% wrap "core/_card_table.html" title="Theo năm" classes="ind-table" %}<tbody><tr><td>{{ n }}</td></tr></tbody>{% endwrap %}',
        n="<b>",
    ))
    assert html.startswith('<section class="card"><h2 class="card__title">Theo năm</h2>')
    assert '<table class="table table--compact ind-table"><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>' in html


@pytest.mark.parametrize("source", ['{% wrap %}{% endwrap %}', '{% wrap "core/_card_table.html" "x" %}{% endwrap %}'])
def test_wrap_names_its_mistakes(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)


def test_the_history_says_when_what_who_and_the_details():
    entries = [
        HistoryEntry(when=dt.datetime(2026, 3, 5, 14, 30), what="Tiếp nhận", who="motcua", change="→ Đang xử lý"),
        HistoryEntry(when=dt.date(2026, 3, 6), what="Thụ lý", who="Lê An", note="Dòng 1\nDòng 2",
                     details=[("Văn bản", "12/TB-UBND")], last="Hạn tiếp theo: 06/05/2026"),
    ]
    html = squeeze(render_to_string("core/_history.html", {"history": entries}))
    assert '<span class="history__when">14:30 05/03/2026</span>' in html
    assert '<strong>Tiếp nhận</strong><span class="muted small">→ Đang xử lý</span><span class="muted small">— motcua</span>' in html
    assert '<span class="history__when">06/03/2026</span>' in html and "<div>Dòng 1<br>Dòng 2</div>" in html
    assert '<span class="label">Văn bản:</span> 12/TB-UBND' in html and "Hạn tiếp theo: 06/05/2026" in html
    assert "Chưa có sự kiện nào." in render_to_string("core/_history.html", {"history": []})


def test_a_statistics_table_formats_each_column_and_marks_alerts_only_on_rows():
    columns = (StatColumn("Tiếp nhận", "received"), StatColumn("Tỷ lệ", "rate", percent=True),
               StatColumn("Trực tuyến", "online", share="share"), StatColumn("Quá hạn", "late", alert=True))
    row = SimpleNamespace(key=1, label="Phường A", received=1234, rate=0.9123, online=10, share=0.5, late=2)
    total = SimpleNamespace(received=1234, rate=None, online=10, share=0.5, late=2)
    html = squeeze(render_to_string("core/_stat_table.html", {
        "rows": [row], "total": total, "columns": columns, "head": "Đơn vị",
    }))
    assert '<th>Đơn vị</th><th class="num">Tiếp nhận</th>' in html
    assert ('<th scope="row">Phường A</th><td class="num">1.234</td><td class="num">91,2%</td>'
            '<td class="num">10 <span class="muted">(50%)</span></td><td class="num late">2</td>') in html
    assert '<th scope="row">Tổng cộng</th><td class="num">1.234</td><td class="num">—</td>' in html
    assert '<td class="num">2</td></tr></tfoot>' in html
    empty = squeeze(render_to_string("core/_stat_table.html", {
        "rows": [], "columns": columns, "empty": "Không có hồ sơ nào.",
    }))
    assert '<td colspan="5" class="empty">Không có hồ sơ nào.</td>' in empty and "tfoot" not in empty
