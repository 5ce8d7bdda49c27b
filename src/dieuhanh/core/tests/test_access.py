"""Permissions by app, action and unit (`core.access`): each app declares who holds each of its
actions; every scoped model reads its rows through `visible_to(user, action)`; a role in a ward
opens only the apps that role may read."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from dieuhanh.core import access
from dieuhanh.core.access import ScopedQuerySet
from dieuhanh.dossiers.models import Dossier
from dieuhanh.ioc import data as ioc_data
from dieuhanh.org.choices import Role
from dieuhanh.petitions.models import Petition
from dieuhanh.testing import bearer, signed_in

SCOPED = sorted(
    (m for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)),
    key=lambda m: m._meta.label,
)


def test_the_scoped_models_are_found():
    labels = {m._meta.label for m in SCOPED}
    assert {"petitions.Petition", "dossiers.Dossier", "directives.Task", "directives.Document",
            "indicators.Actual", "indicators.Target", "petitions.ReceptionSession"} <= labels


@pytest.mark.parametrize("model", SCOPED, ids=[m._meta.label for m in SCOPED])
def test_every_scoped_model_is_read_by_a_declared_permission(world, model):
    from django.contrib.auth.models import AnonymousUser

    qs = model._default_manager.all()
    app = qs._app()
    assert "view" in access.declared()[app], f"{app} declares no view permission"
    world.petition()
    world.dossier()
    world.task()
    total = model._default_manager.count()
    assert model._default_manager.visible_to(AnonymousUser()).count() == 0
    assert model._default_manager.visible_to(world.outsider).count() == 0
    assert model._default_manager.visible_to(world.admin).count() == total


def test_a_role_in_a_ward_opens_only_the_apps_it_may_read(world):
    petition = world.petition()  # ward A
    dossier = world.dossier()  # ward A
    onestop = world.onestop_a
    # The one-stop desk reads the ward's dossiers, not its complaints and denunciations.
    assert Dossier.objects.visible_to(onestop).filter(pk=dossier.pk).exists()
    assert not Petition.objects.visible_to(onestop).filter(pk=petition.pk).exists()
    assert Petition.objects.visible_to(world.reception_a).filter(pk=petition.pk).exists()
    browser = signed_in(onestop)
    assert browser.get("/don/").status_code == 403
    assert browser.get(f"/don/{petition.pk}/").status_code == 404
    assert bearer(onestop).get("/api/v1/petitions").json()["count"] == 0
    assert bearer(world.reception_a).get("/api/v1/petitions").json()["count"] == 1
    # The IOC counts what each app lets the user read.
    assert "petitions" not in ioc_data.overview(onestop).sections  # no petitions card, no petition figure
    assert ioc_data.overview(world.reception_a).petitions["received"] == 1
    assert ioc_data.overview(onestop).dossiers["received"] == 1


def test_visible_to_by_action(world):
    dossier = world.dossier()
    assert Dossier.objects.visible_to(world.officer_a).filter(pk=dossier.pk).exists()
    assert not Dossier.objects.visible_to(world.officer_a, "handle").exists()
    assert Dossier.objects.visible_to(world.onestop_a, "handle").filter(pk=dossier.pk).exists()
    assert not Dossier.objects.visible_to(world.onestop_b, "handle").exists()
    assert access.may(world.onestop_a, "dossiers", "receive", world.ward_a.pk)
    assert not access.may(world.onestop_a, "dossiers", "receive", world.ward_b.pk)
    assert not access.may(world.onestop_a, "dossiers", "catalogue", None)
    assert access.may(world.admin, "dossiers", "catalogue", None)


def test_declarations_are_checked():
    with pytest.raises(ImproperlyConfigured):
        access.declare("thu_nghiem", {"view": ("no_such_role",)})
    with pytest.raises(ImproperlyConfigured):
        access.declare("thu_nghiem", {"add": (Role.OFFICE,)})  # no view
    with pytest.raises(ImproperlyConfigured):
        access.roles("petitions", "no_such_action")
    assert "thu_nghiem" not in access.declared()
