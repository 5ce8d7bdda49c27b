"""The notification pages in English (decision 0004: Vietnamese is the source, English the app's
own catalogue, locale/en): the centre, the preferences and their messages, the header's count."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dieuhanh.notifications.models import Notification
from dieuhanh.notifications.services import notify
from dieuhanh.testing import in_english, signed_in, stored_text, vietnamese_words

pytestmark = pytest.mark.django_db
CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def english(client: Any, url: str, method: str = "get", **data: Any) -> str:
    response = getattr(in_english(client), method)(url, data)
    assert response.status_code == 200, url
    html = response.content.decode()
    share, words = vietnamese_words(html, stored_text())
    assert share < 0.03, f"{url}: {share:.1%} Vietnamese words: {' '.join(words)}"
    return html


def test_the_centre_and_the_preferences_are_in_english(world: Any) -> None:
    task = world.task()
    Notification.objects.filter(rule="task.assigned").delete()  # its own notice of assignment (reminders)
    for title in ("Nhiệm vụ mới được giao", "Nhiệm vụ sắp đến hạn"):
        notify([world.officer_a], rule="task.assigned", title=title, obj=task, url=task.get_absolute_url())
    client = signed_in(world.officer_a)
    page = english(client, "/thong-bao/")
    assert "2 unread notifications" in page and "Mark all as read" in page
    assert "Unread" in english(client, "/thong-bao/", unread="1")
    assert "A digest every morning" in english(client, "/thong-bao/cai-dat/")
    refused = english(client, "/thong-bao/cai-dat/", "post", email="", email_mode="immediate")
    assert "An e-mail address is needed" in refused
    assert "2 unread notifications" in in_english(client).get("/thong-bao/dem/").content.decode()


def test_the_catalogue_is_complete() -> None:
    entries = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]
    assert not [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", flags=re.M)]
    assert not [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, flags=re.M)]
