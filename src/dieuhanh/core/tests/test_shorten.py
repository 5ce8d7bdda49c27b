"""Titles are shortened between words, in one place (`lib.text.shorten`, the `shorten` filter),
with the whole title beside them."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from dieuhanh.core.charts import row_label
from dieuhanh.lib.text import shorten


@pytest.mark.parametrize(("text", "chars", "expected"), [
    ("Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND", 30, "Khiếu nại quyết định thu hồi…"),
    ("Khiếu nại quyết định thu hồi đất", 32, "Khiếu nại quyết định thu hồi đất"),  # fits: untouched
    ("Một hai ba", 8, "Một hai…"),  # the cut falls on a space
    ("Một hai ba", 7, "Một…"),  # the cut falls inside «hai»: the whole word goes
    ("Nâng cấp, mở rộng đường", 12, "Nâng cấp…"),  # no dangling comma
    ("Supercalifragilistic", 6, "Super…"),  # one word longer than the room: cut, having no space
    ("  hai   dấu   cách  ", 20, "hai dấu cách"),
    (None, 5, ""),
])
def test_shorten_cuts_between_words(text, chars, expected):
    out = shorten(text, chars)
    assert out == expected
    assert len(out) <= chars


def test_every_cut_ends_a_word_of_the_text():
    text = "Triển khai thực hiện Nghị quyết Đại hội đại biểu Đảng bộ phường lần thứ I, nhiệm kỳ 2025–2030"
    words = text.split()
    for chars in range(5, len(text)):
        kept = shorten(text, chars).removesuffix("…").split()
        assert kept[:-1] == words[:len(kept) - 1]
        assert kept[-1] == words[len(kept) - 1].rstrip(",") or (len(kept) == 1 and words[0].startswith(kept[0]))


def test_the_filter_and_the_charts_cut_between_words():
    html = Template("{% load dieuhanh %}{{ t|shorten:20 }}").render(Context({"t": "Giải phóng mặt bằng dự án đường"}))
    assert html == "Giải phóng mặt bằng…"
    assert ">Uỷ ban nhân dân phường Chu Văn…<" in str(row_label("Uỷ ban nhân dân phường Chu Văn An mới", 0, 0))


@pytest.mark.django_db
def test_the_petition_list_cuts_a_long_subject_between_words_and_keeps_it_whole_on_hover(world):
    from dieuhanh.testing import signed_in

    subject = "Kiến nghị " + "giải quyết dứt điểm tình trạng ngập úng kéo dài " * 4
    world.petition(subject=subject.strip())
    html = signed_in(world.reception_a).get("/don/").content.decode()
    whole = " ".join(subject.split())
    assert f'title="{whole}"' in html
    short = shorten(whole, 140)
    assert f">{short}</a>" in html
    assert short.endswith(" trạng…")  # «tình trạng» whole, where 140 characters fall inside the next word
