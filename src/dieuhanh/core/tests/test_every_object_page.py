"""Every scoped model's own page (`get_absolute_url`), found from the models rather than a
hand-kept list, on the demo city: the officer whose units it belongs to opens it (200), an
officer who reads the same app but in other units does not even learn it exists (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from dieuhanh.core import access
from dieuhanh.core.access import ScopedQuerySet
from dieuhanh.testing import signed_in

PAGED = sorted(
    (m for m in apps.get_models()
     if isinstance(m._default_manager.all(), ScopedQuerySet) and hasattr(m, "get_absolute_url")),
    key=lambda m: m._meta.label,
)


def test_the_paged_models_are_found():
    assert {"petitions.Petition", "dossiers.Dossier", "directives.Task", "directives.Document"} <= {
        m._meta.label for m in PAGED
    }


def _pair(model: Any) -> tuple[Any, Any, Any]:
    """An object, a user who sees it, and a user who reads the app elsewhere but not it."""
    manager = model._default_manager
    app = manager.all()._app()
    users = [u for u in get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("pk")
             if access.holds(u, app, "view")]
    for obj in manager.order_by("pk")[:300]:
        sees = [u for u in users if manager.visible_to(u).filter(pk=obj.pk).exists()]
        blind = [u for u in users if u not in sees]
        if sees and blind:
            return obj, sees[0], blind[0]
    raise AssertionError(f"the demo has no {model._meta.label} seen by one officer and not by another")


@pytest.mark.parametrize("model", PAGED, ids=[m._meta.label for m in PAGED])
def test_an_object_page_opens_in_scope_and_is_unknown_outside(demo, db, model):
    obj, seer, blind = _pair(model)
    url = obj.get_absolute_url()
    assert signed_in(seer).get(url).status_code == 200
    assert signed_in(blind).get(url).status_code == 404
