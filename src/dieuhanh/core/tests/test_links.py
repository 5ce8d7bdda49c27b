"""The remembered `reverse` answers what `reverse` answers, for each name, argument and script
prefix."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix

from dieuhanh.core import links


def test_it_answers_what_reverse_answers():
    assert links.url("dossier_list") == reverse("dossier_list")
    assert links.url("ioc_unit", "10549") == reverse("ioc_unit", args=["10549"])
    assert links.url("ioc_unit", "10546") == reverse("ioc_unit", args=["10546"]) != links.url("ioc_unit", "10549")
    assert links.url("indicator_detail", code="CT01") == reverse("indicator_detail", kwargs={"code": "CT01"})


def test_a_site_under_a_prefix_gets_its_own_links():
    plain = links.url("dossier_list")
    try:
        set_script_prefix("/dieuhanh/")
        assert links.url("dossier_list") == "/dieuhanh" + plain == reverse("dossier_list")
    finally:
        set_script_prefix("/")
    assert links.url("dossier_list") == plain
