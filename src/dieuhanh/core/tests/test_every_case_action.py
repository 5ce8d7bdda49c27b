"""Every action of every registered case type (`core.cases`), on the demo city, through the API
and the web page: the actions come from the registry, not from a hand-kept list, so a new app's
case type is held to the same answers the day it is registered.

For each action, on a case where it is open:
- a user who may see the case but whose roles do not allow the action: 403, nothing written;
- a user who cannot see the case: 404;
- a user who may take it, with an empty body: never a 500 (the form's keys reach the service),
  either 422 with `errors` keyed by field and nothing written, or done with one audit event;
- on a case whose state the action does not start from: 409 naming the state, nothing written.
The web action view answers the same (403, 409, a page with the errors or a redirect)."""

from __future__ import annotations

from typing import Any

import pytest

from dieuhanh.core.case_views import action_url
from dieuhanh.core.cases import CaseAction, CaseType, case_type, case_types
from dieuhanh.core.models import AuditEvent
from dieuhanh.testing import bearer, post_json, signed_in

ACTIONS = [(ct.name, a.name) for ct in case_types() for a in ct.actions]


def _users() -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(is_active=True).order_by("pk"))


def _sees(ct: CaseType, user: Any, case: Any) -> bool:
    return bool(ct.model.objects.visible_to(user).filter(pk=case.pk).exists())  # type: ignore[attr-defined]


def _open_case(ct: CaseType, a: CaseAction, users: list[Any]) -> tuple[Any, Any]:
    """A case on which `a` is open and a user who may take it."""
    qs = ct.model.objects.all()  # type: ignore[attr-defined]
    if a.sources:
        qs = qs.filter(**{f"{ct.state_field}__in": a.sources})
    for case in qs.order_by("pk")[:200]:
        if ct.closed_reason(case, a) is None:
            for user in users:
                if ct.may(user, case, a.permission):
                    return case, user
    raise AssertionError(f"the demo has no {ct.name} case on which «{a.name}» is open")


def _key(ct: CaseType, case: Any) -> Any:
    return getattr(case, ct.url_key)


def _api(ct: CaseType, case: Any, a: CaseAction) -> str:
    return f"/api/v1/{ct.name}/{_key(ct, case)}/{a.name}"


def _web(ct: CaseType, case: Any, a: CaseAction) -> str:
    return action_url(ct, case, a)


def _state(ct: CaseType, case: Any) -> Any:
    case.refresh_from_db()
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return ct.state_of(case), AuditEvent.objects.count(), last


@pytest.mark.parametrize(("name", "action"), ACTIONS, ids=[f"{n}.{a}" for n, a in ACTIONS])
def test_an_action_answers_by_role_scope_and_state(demo, db, name, action):
    ct = case_type(name)
    a = ct.action(action)
    users = _users()
    case, allowed = _open_case(ct, a, users)
    refused = next((u for u in users if _sees(ct, u, case) and not ct.may(u, case, a.permission)), None)
    stranger = next(u for u in users if not _sees(ct, u, case))
    # Sessions and tokens first: signing in and making a token are audited too.
    api = {u.pk: bearer(u) for u in filter(None, (allowed, refused, stranger))}
    web = {u.pk: signed_in(u) for u in filter(None, (allowed, refused, stranger))}
    before = _state(ct, case)

    if refused is not None:
        response = post_json(api[refused.pk], _api(ct, case, a))
        assert response.status_code == 403, response.content
        assert web[refused.pk].post(_web(ct, case, a)).status_code == 403
        assert _state(ct, case) == before

    assert post_json(api[stranger.pk], _api(ct, case, a)).status_code == 404
    assert web[stranger.pk].post(_web(ct, case, a)).status_code == 404

    response = post_json(api[allowed.pk], _api(ct, case, a))
    assert response.status_code in (200, 201, 422), response.content
    if response.status_code != 422:
        assert AuditEvent.objects.filter(pk__gt=before[2]).count() == 1
        return
    assert response.json()["errors"] and _state(ct, case) == before
    page = web[allowed.pk].post(_web(ct, case, a))  # the same refusal on the page, its panel open
    assert page.status_code == 200, page.status_code
    assert f'id="panel-{a.url_slug}" open' in page.content.decode()
    assert _state(ct, case) == before


@pytest.mark.parametrize(("name", "action"), [x for x in ACTIONS if case_type(x[0]).action(x[1]).sources],
                         ids=[f"{n}.{a}" for n, a in ACTIONS if case_type(n).action(a).sources])
def test_an_action_from_another_state_is_a_conflict(demo, db, name, action):
    ct = case_type(name)
    a = ct.action(action)
    users = _users()
    qs = ct.model.objects.exclude(**{f"{ct.state_field}__in": a.sources})  # type: ignore[attr-defined]
    for case in qs.order_by("pk")[:200]:
        allowed = next((u for u in users if ct.may(u, case, a.permission)), None)
        if allowed is not None:
            break
    else:
        raise AssertionError(f"the demo has no {ct.name} case outside the states of «{a.name}»")
    api, web = bearer(allowed), signed_in(allowed)
    before = _state(ct, case)
    response = post_json(api, _api(ct, case, a))
    assert response.status_code == 409, response.content
    assert ct.state_field in response.json()["errors"]
    assert web.post(_web(ct, case, a)).status_code == 409
    assert _state(ct, case) == before
