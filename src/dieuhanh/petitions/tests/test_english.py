"""English mode of the petition pages (decision 0004: Vietnamese is the source language, English
a translation in the app's own catalogue, locale/en). Each page — the staff's register, a
petition and its actions, the reception sessions, the statistics, and the citizen's filing form,
receipt and lookup, the Open311 errors — is rendered in English, and what is still written with
Vietnamese letters, once the stored data (names, contents, citations) is set aside, must be a
small remainder. The catalogue itself has every entry translated and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dieuhanh.petitions import services
from dieuhanh.petitions.views import find_public
from dieuhanh.testing import in_english, login, stored_text, vietnamese_words

APP = Path(__file__).resolve().parents[1]
PROJECT_PO = APP.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
SHARE = 0.03  # at most 3 in 100 words of interface text may still be Vietnamese


def english_page(client, url, status=200, **params):
    response = in_english(client).get(url, params)
    assert response.status_code == status, url
    assert response.headers["Content-Language"] == "en"
    share, words = vietnamese_words(response.content.decode(), stored_text())
    assert share < SHARE, f"{url}: {share:.1%} Vietnamese words: {' '.join(words)}"
    return response


@pytest.fixture
def petitions(world):
    complaint = world.petition(subject="Complaint about a land recovery decision",
                               content="I complain about land recovery decision 12/QD-UBND: the area was not compensated.",
                               identity={"name": "Nguyen Van Khieu", "address": "Residential group 3", "phone": "0912345678"})
    services.do_classify(actor=world.reception_a, petition=complaint, kind="complaint", field="land",
                         eligible=True, complexity="normal")
    complaint = services.do_assign(actor=world.reception_a, petition=complaint, users=[world.officer_a])
    complaint = services.do_accept(actor=world.reception_a, petition=complaint)
    denunciation = world.petition(kind="denunciation", field="corruption", subject="Cadastral officer took money",
                                  content="The cadastral officer of the ward took money to legalise encroached land.",
                                  identity={"name": "Hidden Denouncer", "address": "Block 5", "phone": "0988000111"})
    return complaint, denunciation


def test_the_staff_pages_are_in_english(client, world, petitions):
    complaint, denunciation = petitions
    login(client, world.reception_a)
    english_page(client, reverse("petitions:petition_list"))
    english_page(client, reverse("petitions:petition_create"))
    page = english_page(client, reverse("petitions:petition_detail", args=[complaint.pk])).content.decode()
    assert "Accepted for handling" in page and "Petition details" in page
    received = english_page(client, reverse("petitions:petition_detail", args=[denunciation.pk])).content.decode()
    assert "Classify the petition" in received and "Transfer the petition to the competent body" in received
    english_page(client, reverse("petitions:session_list"))
    english_page(client, reverse("petitions:session_create"))
    english_page(client, reverse("petitions:petition_stats"))


def test_a_refused_action_answers_in_english(client, world, petitions):
    complaint, denunciation = petitions
    login(client, world.reception_a)
    invalid = in_english(client).post(f"/don/{denunciation.pk}/transfer/", {"transferred_to": ""})
    page = invalid.content.decode()
    assert "The competent body receiving the transferred petition is missing." in page
    share, words = vietnamese_words(page, stored_text())
    assert share < SHARE, " ".join(words)
    forbidden = in_english(client).post(f"/don/{complaint.pk}/verify/", {})
    assert forbidden.status_code == 403


def test_the_citizen_pages_are_in_english(client, world, petitions):
    complaint, _denunciation = petitions
    english_page(client, reverse("petitions:public_file"))
    # The lookup page is core's; the petition's part of it is this app's fragment.
    assert in_english(client).get(reverse("public_lookup"), {"code": complaint.receipt_code}).status_code == 200
    with translation.override("en"):
        found = find_public(complaint.receipt_code)
        assert found is not None
        part = render_to_string(found.template, found.context)
    share, words = vietnamese_words(part, stored_text())
    assert share < SHARE and "Accepted for handling" in part and "Steps taken" in part, " ".join(words)


def test_a_bad_filing_is_explained_in_english(client, world):
    response = in_english(client).post(reverse("petitions:public_file"), {"kind": "complaint", "content": "short"})
    page = response.content.decode()
    assert "could not be sent" in page
    share, words = vietnamese_words(page, stored_text())
    assert share < SHARE, " ".join(words)


def test_open311_errors_and_services_are_in_english(client, world):
    response = in_english(client).get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert response.status_code == 400
    assert "is not in ISO 8601 format" in response.json()[0]["description"]
    xml = in_english(client).get("/open311/v2/requests.xml", {"start_date": "yesterday"})
    assert xml.status_code == 400 and "is not in ISO 8601 format" in xml.content.decode()
    services = in_english(client).get("/open311/v2/services.xml").content.decode()
    assert "Damaged roads, potholes, street lights" in services and "<group>Urban infrastructure</group>" in services


def _catalogue(path):
    """(context, msgid, msgstr, fuzzy) of each entry of a .po file: context None when it has none;
    msgid (singular, plural) and msgstr (one form per number) are tuples when it has plural forms."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                plural = "msgid_plural" in entry
                msgid = (entry["msgid"], entry["msgid_plural"]) if plural else entry["msgid"]
                forms = tuple(entry[k] for k in sorted(k for k in entry if k.startswith("msgstr[")))
                entries.append((entry.get("msgctxt"), msgid, forms if plural else entry.get("msgstr", ""),
                                entry.get("fuzzy", False)))
            entry, key = {}, None
        elif line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif m := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line):
            key = m.group(1)
            entry[key] = _unquote(m.group(2))
        elif line.startswith('"') and key:
            entry[key] += _unquote(line[1:-1])
    return entries


def _compiled(mo, context, msgid):
    if isinstance(msgid, tuple):
        return tuple(mo.npgettext(context, *msgid, n) if context else mo.ngettext(*msgid, n) for n in (1, 2))
    return mo.pgettext(context, msgid) if context else mo.gettext(msgid)


def _unquote(text):
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


@pytest.mark.parametrize(("app", "least"), [("petitions", 300), ("dossiers", 300), ("reporting", 100)])
def test_the_app_catalogue_is_complete_and_compiled(app, least):
    po = APP.parent / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = _catalogue(po)
    assert len(entries) > least
    assert [m for _c, m, s, fuzzy in entries if not s or not all(s) or fuzzy] == []
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert {(c, m): _compiled(compiled, c, m) for c, m, _s, _f in entries} == {(c, m): s for c, m, s, _f in entries}
    # a msgid the project catalogue also translates (Django reads it first) reads the same in both
    project = {m: s for c, m, s, fuzzy in _catalogue(PROJECT_PO) if c is None and isinstance(m, str) and s and not fuzzy}
    assert {m: s for c, m, s, _f in entries if c is None and m in project and project[m] != s} == {}
