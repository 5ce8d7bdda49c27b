"""Every kind of formal document the apps declare (`PlatformApp.papers`), found from the apps
rather than a hand-kept list, on the demo city: it renders as a .docx laid out on A4 for an
officer who may see its object, and an officer who holds the same permission in other units
does not learn the object exists (404); the command line lists it with a working example."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document as read_docx
from docx.shared import Mm
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.core import access
from dieuhanh.core.papers import kinds
from dieuhanh.testing import signed_in

KINDS = sorted(kinds.all_kinds())


def test_the_kinds_are_found():
    assert {"thong-bao-ket-luan", "giay-tiep-nhan-ho-so", "phieu-xin-loi", "bao-cao-nhiem-vu", "bao-cao-chi-tieu-kt-xh"} <= set(KINDS)


@pytest.mark.parametrize("key", KINDS)
def test_every_kind_renders_for_who_sees_its_object_and_no_one_else(demo, db, key):
    kind = kinds.kind(key)
    users = [u for u in get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("pk")
             if access.holds(u, *kind.permission)]
    pair = None
    for user in users:
        ident = kind.an_example(user)
        if ident is None:
            continue
        blind = [u for u in users if kind.lookup(ident, u) is None]
        if blind:
            pair = (ident, user, blind[0])
            break
    assert pair is not None, f"the demo city has no {key} one officer sees and another does not"
    ident, sees, blind = pair
    url = reverse("paper_download", args=[key, ident, "docx"])
    response = signed_in(sees).get(url)
    assert response.status_code == 200, (sees.username, url)
    doc = read_docx(io.BytesIO(response.content))
    section = doc.sections[0]
    assert round(section.page_width / Mm(1)) == 210 and round(section.page_height / Mm(1)) == 297
    assert doc.tables and doc.tables[0].cell(0, 1).paragraphs[0].text  # the header's national title
    assert signed_in(blind).get(url).status_code == 404, (blind.username, url)


def test_the_command_line_lists_every_kind_with_an_example_that_renders(demo, db, tmp_path):
    listed = CliRunner().invoke(app, ["document", "--list"])
    assert listed.exit_code == 0
    lines = {line.split("\t")[0]: line for line in listed.output.splitlines()}
    assert set(lines) == set(KINDS)
    for key, line in lines.items():
        command = line.rsplit("ví dụ: dieuhanh ", 1)[1].split()
        made = CliRunner().invoke(app, [*command, "-o", str(tmp_path / f"{key}.docx")])
        assert made.exit_code == 0, made.output
        assert read_docx(str(tmp_path / f"{key}.docx")).paragraphs
