"""The header's links are written once per menu and language (core/platform.py `nav_links`): a page
shows the links of the user's menu as it is now, in the page's language, the current one marked."""

from __future__ import annotations

import re

from django.urls import reverse

from dieuhanh.org.models import Role, RoleGrant
from dieuhanh.testing import in_english, signed_in


def _nav(html: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return [(href, label, bool(current)) for href, current, label
            in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1))]


def test_a_role_granted_shows_its_entry_on_the_next_page(world, settings):
    settings.DIEUHANH_TWO_FACTOR_REQUIRED = False  # the menu, not the enrolment step the role asks for
    client = signed_in(world.outsider)
    petitions = reverse("petitions:petition_list")
    before = _nav(client.get(reverse("home")).content.decode())
    assert petitions not in [href for href, _, _ in before]

    RoleGrant.objects.create(user=world.outsider, role=Role.RECEPTION, unit=world.ward_a)
    after = _nav(client.get(reverse("home")).content.decode())
    assert (petitions, "Tiếp dân, đơn thư", False) in after


def test_the_current_page_is_marked_and_only_it(world):
    client = signed_in(world.office)
    petitions = reverse("petitions:petition_list")
    on_home = _nav(client.get(reverse("home")).content.decode())
    on_petitions = _nav(client.get(petitions).content.decode())
    assert [href for href, _, current in on_home if current] == [reverse("home")]
    assert [href for href, _, current in on_petitions if current] == [petitions]
    assert [(h, label) for h, label, _ in on_home] == [(h, label) for h, label, _ in on_petitions]


def test_the_links_follow_the_language(world):
    client = signed_in(world.office)
    vietnamese = _nav(client.get(reverse("home")).content.decode())
    english = _nav(in_english(client).get(reverse("home")).content.decode())
    assert [href for href, _, _ in vietnamese] == [href for href, _, _ in english]
    assert ("Tiếp dân, đơn thư" in [label for _, label, _ in vietnamese]
            and "Tiếp dân, đơn thư" not in [label for _, label, _ in english])


def test_a_label_is_escaped():
    from dieuhanh.core.platform import nav_links

    html = nav_links([{"url": "home", "label": "<b>&", "current": True}])
    assert html == '<a href="/" aria-current="page">&lt;b&gt;&amp;</a>'
