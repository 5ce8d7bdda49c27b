"""English mode of the one-stop pages (decision 0004): the register, a dossier with its steps
and actions, the receipt and appointment slip, the procedure catalogue, the import pages and the
statistics are rendered in English, and what is still written with Vietnamese letters, once the
stored data (names, procedures, notes, import messages) is set aside, must be a small remainder.
The app's catalogue is checked with the petitions' one (petitions/tests/test_english.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dieuhanh.dossiers import columns, jobs, public, score766, services
from dieuhanh.dossiers.models import ImportJob
from dieuhanh.testing import in_english, login, stored_text, vietnamese_words

SHARE = 0.03  # at most 3 in 100 words of interface text may still be Vietnamese


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def file_vocabulary():
    """The headers of the import files: Vietnamese in every language, since the one-stop
    systems' exports are (the page names them so that a file can be made to match)."""
    return sorted({name for cols in columns.COLUMNS.values() for c in cols for name in (c.header, *c.aliases)},
                  key=len, reverse=True)


def english_page(client, url, status=200, **params):
    response = in_english(client).get(url, params)
    assert response.status_code == status, url
    share, words = vietnamese_words(response.content.decode(), [*stored_text(), *file_vocabulary()])
    assert share < SHARE, f"{url}: {share:.1%} Vietnamese words: {' '.join(words)}"
    return response.content.decode()


def test_the_register_and_a_dossier_are_in_english(client, world):
    d = world.dossier()
    services.do_forward(actor=world.onestop_a, dossier=d, body=world.ward_a_committee)
    login(client, world.onestop_a)
    english_page(client, reverse("dossier_list"))
    english_page(client, reverse("dossier_create"))
    page = english_page(client, reverse("dossier_detail", kwargs={"code": d.code}))
    assert "Being processed" in page and "Handling steps" in page and "Record step done" in page
    slip = english_page(client, reverse("dossier_slip", kwargs={"code": d.code}))
    assert "Receipt of dossier and appointment slip for the result" in slip and "data-slip-due" in slip
    # The lookup page is core's; the dossier's part of it is this app's fragment.
    d.refresh_from_db()
    with translation.override("en"):
        found = public.find(d.lookup_code)
        assert found is not None
        part = render_to_string(found.template, found.context)
    share, words = vietnamese_words(part, [*stored_text(), *file_vocabulary()])
    assert share < SHARE and "The dossier is being resolved." in part, " ".join(words)


def test_a_refused_action_is_explained_in_english(client, world):
    d = world.dossier()
    login(client, world.onestop_a)
    response = in_english(client).post(f"{reverse('dossier_detail', kwargs={'code': d.code})}yeu-cau-bo-sung/",
                                       {"note": ""})
    page = response.content.decode()
    assert "State clearly the documents and information to supplement." in page
    share, words = vietnamese_words(page, stored_text())
    assert share < SHARE, " ".join(words)


def test_the_catalogue_and_import_pages_are_in_english(client, world):
    proc = world.procedure()
    login(client, world.admin)
    english_page(client, reverse("procedure_list"))
    english_page(client, reverse("procedure_create"))
    english_page(client, reverse("procedure_edit", kwargs={"code": proc.code}))
    english_page(client, reverse("dossier_import"))
    upload = SimpleUploadedFile("export.csv", b"\xef\xbb\xbfM\xc3\xa3 h\xe1\xbb\x93 s\xc6\xa1\nHS-1\n", "text/csv")
    response = in_english(client).post(reverse("dossier_import"), {"file": upload, "kind": "dossiers"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    jobs.run(job.pk)
    english_page(client, reverse("dossier_import_job", kwargs={"pk": job.pk}))


def test_the_statistics_are_in_english(client, world):
    world.dossier()
    login(client, world.leader)
    page = english_page(client, reverse("dossier_stats"))
    assert "Statistics of administrative procedure dossiers" in page
    english_page(client, reverse("dossier_late_now"))
    index = english_page(client, reverse("dossier_score766"))
    assert "Rate of dossiers processed early or on time" in index


def test_the_index_766_text_of_the_yaml_is_translated():
    """The names, notes and citations of data/score766.yaml are shown translated: each is listed
    in data_text.py (so it reaches the catalogue) and has its English there."""
    shown = []
    for idx in (score766.load(), score766.load_satisfaction()):
        shown += [idx.decision, idx.name, idx.citation, idx.note]
        for c in idx.criteria:
            shown += [c.name, c.citation, c.note]
    with translation.override("en"):
        assert [text for text in shown if translation.gettext(text) == text] == []
