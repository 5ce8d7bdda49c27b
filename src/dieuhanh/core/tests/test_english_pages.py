"""The demo city in English, every page: the pages the URL configuration names without an
argument, each scoped model's own page, and the pages those link to (a few of each kind).

- A number that goes into a link, a form's action or value, an option or a data attribute is
  never localised: "unit=1,062" or "nam=2,026" is not the integer the target expects, and
  breaks filters, the year selector and links (decision 25).
- A page has one number format: an English page never shows "1.062" (the Vietnamese
  grouping) next to "1,062".
- Following the year selector and the unit filter keeps the choice.
- The interface text is English: few words with Vietnamese letters are left on a page once the
  data (names of units, people, documents, petitions) is set aside."""

from __future__ import annotations

import html
import re
from collections import Counter
from functools import cache
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.contrib.auth import get_user_model

from dieuhanh.core.tests.test_every_endpoint import STAFF
from dieuhanh.core.tests.test_every_object_page import PAGED
from dieuhanh.testing import signed_in

pytestmark = pytest.mark.django_db

ATTRIBUTE = re.compile(r'\s(href|action|value|data-[\w-]+)="([^"]*)"')
# Digits grouped by thousands with a comma ("1,062"), as English localisation would print them.
GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")
# Vietnamese number forms: a thousands dot (1.500.000: two groups, since "66.667" is an English
# decimal) and a decimal comma (91,2).
VIETNAMESE_FORMS = re.compile(r"(?<![\d.,/-])\d{1,3}(?:\.\d{3}){2,}(?![\d/-])|(?<![\d.,])\d+,\d{1,2}(?![\d])")
SKIP = ("/dang-xuat/", "/api/", "/static/", "/open311/")
PER_KIND = 2  # pages followed per kind of link (path with numbers blanked and query keys)


def _english(user: Any) -> Any:
    client = signed_in(user)
    client.cookies["django_language"] = "en"
    return client


def _kind(url: str) -> str:
    parts = urlparse(url)
    keys = ",".join(sorted(re.findall(r"(\w+)=", parts.query)))
    return re.sub(r"\d+", "N", re.sub(r"/[\w.-]*\d[\w.-]*-\d+/", "/CODE/", parts.path)) + "?" + keys


def _starts() -> list[str]:
    pages = [url for url, _name in STAFF if not url.startswith("/api/") and "999999" not in url
             and "khong" not in url and "H00-" not in url]
    for model in PAGED:
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(obj.get_absolute_url())
    return pages


@cache
def _walk() -> dict[str, str]:
    """Each page reached as the administrator, in English, with its HTML."""
    admin = get_user_model().objects.get(username="admin")
    client = _english(admin)
    queue, seen, pages = _starts(), set(), {}
    kinds: Counter[str] = Counter()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        text = response.content.decode()
        pages[url] = text
        for _attr, value in ATTRIBUTE.findall(text):
            link = html.unescape(value)
            if _attr != "href" or not link.startswith("/") or link.startswith(SKIP) or "xuat" in link:
                continue
            link = link.split("#")[0]
            kind = _kind(link)
            if link not in seen and kinds[kind] < PER_KIND:
                kinds[kind] += 1
                queue.append(link)
    return pages


def _text(page: str) -> str:
    """What a reader sees: the page without its scripts, styles and tags."""
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_walk_reaches_every_app(demo):
    prefixes = {url.split("/")[1] for url in _walk()}
    assert {"", "nhiem-vu", "van-ban", "don", "ho-so", "chi-tieu", "ioc", "nhat-ky"} <= prefixes
    assert len(_walk()) > 100


def test_no_number_in_a_link_or_a_value_is_localised(demo):
    found = [
        (url, f'{attr}="{value[:100]}"')
        for url, page in _walk().items()
        for attr, value in ATTRIBUTE.findall(page)
        if GROUPED.search(html.unescape(value))
    ]
    assert not found, found[:10]


# The figures the software formats: cells and tiles of numbers, the text of charts. (Text from
# data, a procedure's fee "8.000 đồng/bản" from the national catalogue, stays as written.)
FIGURE = re.compile(r'<(?:td|th|span|strong|div)\b[^>]*class="[^"]*\b(?:num|stat__count)\b[^"]*"[^>]*>(.*?)</'
                    r'|<(?:text|title)\b[^>]*>([^<]*)</', flags=re.S)


def _figures(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", a or b) for a, b in FIGURE.findall(page))


def test_an_english_page_groups_thousands_the_english_way(demo):
    figures = {url: _figures(page) for url, page in _walk().items()}
    found = [(url, m.group(0)) for url, text in figures.items() for m in VIETNAMESE_FORMS.finditer(text)]
    assert not found, found[:10]
    assert any(GROUPED.search(text) for text in figures.values())  # large figures are grouped


def _options(page: str, name: str) -> list[tuple[str, bool]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, flags=re.S)
    assert select, f"no <select name={name}>"
    return [(html.unescape(value), bool(chosen))
            for value, chosen in re.findall(r'<option value="([^"]*)"([^>]*\bselected)?', select.group(1))]


@pytest.mark.parametrize(("path", "name"), [("/ioc/", "nam"), ("/don/", "year"), ("/nhiem-vu/", "unit"),
                                            ("/ho-so/", "unit"), ("/ioc/", "don_vi")])
def test_following_a_selector_keeps_the_choice(demo, path, name):
    client = _english(get_user_model().objects.get(username="admin"))
    options = _options(client.get(path).content.decode(), name)
    # A choice not already made, with four digits or more: a unit's pk above 999, a past year.
    value = next((v for v, chosen in options if v.isdigit() and int(v) > 999 and not chosen), None)
    assert value, options[:5]
    response = client.get(f"{path}?{urlencode({name: value})}")
    assert response.status_code == 200
    assert (value, True) in _options(response.content.decode(), name)


# --- the interface in English -------------------------------------------------------------------------

VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)
# The pages of the apps this catalogue translates (petitions and dossiers have their own and their
# own tests), and the IOC, whose cards, units table and charts draw on every app's catalogue.
TRANSLATED = ("/nhiem-vu/", "/van-ban/", "/cuoc-hop/", "/chi-tieu/", "/nhat-ky/", "/lich/", "/ioc/")
OTHER_CATALOGUES = ("dieuhanh.petitions", "dieuhanh.dossiers")
MAX_SHARE = 0.03  # of the words of a page's own text (data set aside) that are Vietnamese
# Words the English interface keeps: the product's name, the legal term it glosses, currency.
KEPT = {"Điều", "Hành", "rõ", "đồng", "Số", "Tết"}  # Số: the first word of a document's number


SEPARATORS = re.compile(r"\s+[—·|:–]\s+|[:.;,]\s+|\s*[()«»“”]\s*")


STRIP = " ,.;:—–·|\n\t"


def _parts(text: str) -> list[str]:
    return [p.strip(STRIP) for p in SEPARATORS.split(text) if p.strip(STRIP)]


@cache
def _data() -> frozenset[str]:
    """Every text the database holds (names of units, people, documents, tasks...), whole and
    in the parts the separators cut it into: data is shown as written, in any language."""
    from django.apps import apps
    from django.db import models

    values: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if fields:
            for row in model._base_manager.values_list(*fields):
                for v in row:
                    if isinstance(v, str) and v.strip():
                        values.add(v.strip())
                        values.update(_parts(v))
    # The column names an import file must carry are Vietnamese in every language.
    from dieuhanh.indicators.importer import ACTUALS, TARGETS

    for column in (*ACTUALS, *TARGETS):
        values.update(_parts(str(column.header)))
    # The legal basis of each holiday and the documents that announced a year's schedule are cited
    # as written (core/data/holiday_basis.yaml), "nghỉ bù" (the substitute day off) with them.
    from dieuhanh.core import calendar

    table = calendar._basis_table()
    cited = [c.law for c in table.codes] + [c.observed for c in table.codes]
    cited += [h for c in table.codes for h in c.holidays.values()] + [b.citation for _n, _d, b in table.additions]
    cited += [s.documents for s in table.schedules.values()] + ["nghỉ bù"]
    for text in cited:
        values.add(text)
        values.update(_parts(text))
    # Derived indicators declared by petitions and dossiers are named in those apps' catalogues.
    from dieuhanh.indicators import derived

    values.update(str(d.label) for d in derived._REGISTRY.values() if d.counts.startswith(OTHER_CATALOGUES))
    return frozenset(values)


@cache
def _added_apps_text() -> tuple[list[str], list[str]]:
    """The IOC sections and menu entries of the apps an installation adds (DIEUHANH_EXTRA_APPS:
    the test suite's example app): they bring no English catalogue, so their text is set aside."""
    import os

    from django.utils.module_loading import import_string

    from dieuhanh.core.platform import platform_apps

    added = {n.strip() for n in os.environ.get("DIEUHANH_EXTRA_APPS", "").split(",") if n.strip()}
    apps = [a for a in platform_apps() if a.name in added]
    sections = [import_string(path).key for a in apps for path in a.ioc_sections]
    labels = [str(item.label) for a in apps for item in a.menu]
    return sections, labels


def _own_words(page: str) -> tuple[list[str], list[str]]:
    """The words of the page's own text and those of them with Vietnamese letters: each piece
    of text between tags, less the pieces (or their parts between separators) that are data, a
    truncated title ("…") included."""
    data = _data()
    body = re.sub(r"<(script|style|svg|select|datalist)\b.*?</\1>", " ", page, flags=re.S)
    sections, labels = _added_apps_text()
    for key in sections:
        body = re.sub(rf'<section[^>]*data-section="{re.escape(key)}".*?</section>', " ", body, flags=re.S)
    for label in labels:
        body = body.replace(label, " ")
    words: list[str] = []
    vietnamese: list[str] = []
    for piece in re.split(r"<[^>]+>", body):
        piece = html.unescape(piece).strip()
        if not piece or piece in data:
            continue
        for part in _parts(piece):
            if part in data or (part.endswith("…") and any(d.startswith(part[:-1]) for d in data)):
                continue
            if re.fullmatch(r"(Số:?\s*)?[\w.\-/]+", part) and any(ch.isdigit() for ch in part):
                continue  # a document's number or a code
            # Interface words before data in one phrase ("former Chủ tịch"): only those are counted.
            split = part.split()
            head = next((i for i in range(1, len(split)) if " ".join(split[i:]) in data), None)
            if head is not None:
                part = " ".join(split[:head])
            for word in re.findall(r"\w+", part):
                words.append(word)
                if VIETNAMESE.search(word) and word not in KEPT:
                    vietnamese.append(word)
    return words, vietnamese


def test_the_pages_of_the_project_catalogue_are_in_english(demo):
    pages = {url: page for url, page in _walk().items() if url.startswith(TRANSLATED)}
    assert len(pages) > 30
    worst = []
    for url, page in pages.items():
        words, vietnamese = _own_words(page)
        share = len(vietnamese) / max(len(words), 1)
        if share > MAX_SHARE:
            worst.append((round(share, 3), url, " ".join(sorted(set(vietnamese)))[:300]))
    assert not worst, sorted(worst, reverse=True)[:8]


def test_the_catalogue_is_complete():
    """No entry without an English text, none left fuzzy (a guess makemessages made from a
    similar text, which Django does not use): `makemessages -l en` after a change to the
    interface text, then translate what it added."""
    from pathlib import Path

    import dieuhanh

    catalogue = Path(dieuhanh.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = catalogue.read_text(encoding="utf-8").split("\n\n")[1:]  # after the header
    empty = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", flags=re.M)]
    fuzzy = [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, flags=re.M)]
    assert not empty, empty[:5]
    assert not fuzzy, fuzzy[:5]
    assert len(entries) > 500


def test_a_refused_form_speaks_english(client, world):
    """Validation messages (the "5 rõ" check of a task, a milestone after the deadline) are
    translated like the page around them."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from dieuhanh.directives.tests.helpers import task_post
    from dieuhanh.testing import login

    login(client, world.office)
    client.cookies["django_language"] = "en"
    late = (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    response = client.post(reverse("directives:task_create"),
                           task_post(world, accountable_person="", **{"milestones-0-due_date": late}))
    page = response.content.decode()
    assert "The accountable leader is missing (clear accountability)." in page
    assert "is later than the deadline" in page
    assert "Thiếu" not in page and "muộn hơn" not in page
