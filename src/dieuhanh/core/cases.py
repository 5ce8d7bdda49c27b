"""The case workflow every app shares (the "case" primitive of the design): a record that moves
through states under a law — a petition, a one-stop dossier, and the inspections, discipline
files and incidents to come.

A case type is declared once, in its app's `cases.py`: its states, and for each action the
states it starts from, the state it leads to, the permission it needs, the form that types its
input, the service that takes it and the deadlines it recomputes. From that one declaration:

- the app's `do_*` service checks the action with `CaseType.check` (inside its transaction,
  on the locked row): `PermissionDenied` for a user without the permission, `StateConflict`
  for an action not open in the current state or already used up (an apology allowed once);
- `CaseType.allowed_actions` lists what a user may do now (buttons, the API's `actions`);
- `core.case_views` gives one action view and one set of action panels for the web page;
- `core.case_api` gives one API route per action, `POST /api/v1/<cases>/{id}/<action>`, whose
  body is typed from the same form, answering 422 bad input, 409 not in this state, 403 a role
  that may not, 404 a case outside the caller's scope.

The service stays the one place that changes the case: it validates, writes, records its
history step and audit event in one transaction. The form only parses typed input."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from dieuhanh.core import access

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dieuhanh.core.http import AnyUser


class StateConflict(ValidationError):
    """The action is not open in the case's current state, or was already used up: HTTP 409 on
    the API and on the web page. Still a ValidationError, so a service's caller that catches
    ValidationError sees it as refused input."""


class ActionInput(forms.Form):
    """The typed input of one action. Web panels and API bodies are both this form: its field
    names are the API's JSON keys and, where the service names a field in an error, the same
    key. `kwargs()` turns the cleaned data into the service's keyword arguments."""

    def __init__(self, *args: Any, case: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.case = case
        self.user = user

    def kwargs(self) -> dict[str, Any]:
        """The cleaned data, a blank text as "" (the services strip and judge it)."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None and isinstance(self.fields[name], forms.CharField):
                value = ""
            out[name] = value
        return out


@dataclass(frozen=True)
class CaseAction:
    """One action of a case type.

    `sources`: the states it may start from (empty: any state). `target`: the state it leads to
    (None: the state stays). `permission`: a permission of the case type (its `roles` say who
    holds it). `guard(case, day)` returns why the action, taken on `day`, is not open although
    the state allows it (an apology made once or after the due date, a dossier without an open
    step), or None. `form` and `service`
    are dotted paths, resolved on first use (services import the declaration, the declaration
    does not import them). `case_arg` is the keyword the service takes the case by.
    `recomputes` names the deadlines the action moves (shown in the API documentation)."""

    name: str
    label: StrOrPromise
    sources: tuple[str, ...] = ()
    target: str | None = None
    permission: str = "act"
    form: str = ""
    service: str = ""
    title: StrOrPromise = ""
    button: StrOrPromise = ""
    danger: bool = False
    success: StrOrPromise = ""
    slug: str = ""
    guard: Callable[[Any, dt.date], StrOrPromise | None] | None = None
    recomputes: tuple[str, ...] = ()
    case_arg: str = ""
    error_keys: dict[str, str] = field(default_factory=dict)

    @property
    def url_slug(self) -> str:
        return self.slug or self.name

    @functools.cached_property
    def form_class(self) -> type[ActionInput]:
        cls = import_string(self.form) if self.form else ActionInput
        if not (isinstance(cls, type) and issubclass(cls, ActionInput)):
            raise ImproperlyConfigured(f"{self.form} is not an ActionInput form")
        return cls

    @functools.cached_property
    def service_function(self) -> Callable[..., Any]:
        fn: Callable[..., Any] = import_string(self.service)
        return fn


class CaseType:
    """A case type: subclass it in the app's `cases.py` and register one instance
    (`register(...)`). Each action names a permission of `app` (`core.access`): a role that holds
    it over one of the case's units (`units_of`) may take the action; `may` can widen it (the
    officers assigned to a petition)."""

    name: ClassVar[str]  # registry key and API path: "petitions" → /api/v1/petitions/{id}/<action>
    noun: ClassVar[StrOrPromise]  # "đơn", "hồ sơ": used in messages
    url_name: ClassVar[str] = ""  # web action routes are named "<url_name>_<slug>" (default: `name`)
    url_key: ClassVar[str] = "pk"  # the URL keyword (and attribute) that holds the case's key
    url_namespace: ClassVar[str] = ""  # the app's URL namespace, if its urls.py sets app_name
    model: ClassVar[type[Model]]
    state_field: ClassVar[str] = "state"
    states: ClassVar[Any]  # the TextChoices of the states
    case_arg: ClassVar[str]  # the keyword the services take the case by
    app: ClassVar[str]  # the app whose permissions (`core.access`) the actions name
    holders: ClassVar[dict[str, StrOrPromise]] = {}  # permission → who holds it, in words, for the 403 message
    # The permission a user needs to be given the case to handle (the handler pickers and the
    # services' check of the people picked); empty: the case type has no handlers.
    handler_permission: ClassVar[str] = ""
    actions: ClassVar[tuple[CaseAction, ...]]

    def __init__(self) -> None:
        self.by_name = {a.name: a for a in self.actions}
        self.by_slug = {a.url_slug: a for a in self.actions}
        if len(self.by_name) != len(self.actions) or len(self.by_slug) != len(self.actions):
            raise ImproperlyConfigured(f"{type(self).__name__}: two actions share a name or a slug")
        for a in self.actions:
            unknown = set(a.sources) - set(self.states.values) | ({a.target} - set(self.states.values) - {None})
            if unknown:
                raise ImproperlyConfigured(f"{type(self).__name__}.{a.name}: unknown states {sorted(map(str, unknown))}")

    # --- to override ---------------------------------------------------------------------------

    def units_of(self, case: Any) -> Iterable[int | None]:
        """The units over which a role counts for this case."""
        raise NotImplementedError

    def may(self, user: AnyUser | None, case: Any, permission: str) -> bool:
        """Whether `user` holds `permission` over `case`."""
        return any(access.may(user, self.app, permission, unit_id) for unit_id in self.units_of(case))

    def may_be_handler(self, user: AnyUser | None, case: Any) -> bool:
        """Whether `user` may be given `case` to handle: an active account holding
        `handler_permission` over one of the case's units through a role granted over a unit —
        not a system administrator's all-seeing grant, and no role without the permission (the
        read-only inspector)."""
        if not self.handler_permission or user is None or not user.is_authenticated or not user.is_active:
            return False
        return any(access.granted_over(user, self.app, self.handler_permission, u) for u in self.units_of(case))

    def handler_candidates(self, case: Any) -> QuerySet[Any]:
        """The accounts a handler picker offers for `case` (`may_be_handler`), by name."""
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from dieuhanh.core.forms import with_posts

        users = get_user_model().objects
        if not self.handler_permission:
            return users.none()
        today = timezone.localdate()
        granted = users.filter(
            is_active=True, grants__role__in=access.roles(self.app, self.handler_permission),
            grants__unit__isnull=False,
        ).filter(Q(grants__valid_from__isnull=True) | Q(grants__valid_from__lte=today)).filter(
            Q(grants__valid_to__isnull=True) | Q(grants__valid_to__gte=today)
        ).distinct()
        ids = [u.pk for u in granted if self.may_be_handler(u, case)]
        return with_posts(users.filter(pk__in=ids)).order_by("person__full_name", "username")

    # --- derived from the declaration ------------------------------------------------------------

    def state_of(self, case: Any) -> str:
        return str(getattr(case, self.state_field))

    def state_label(self, case: Any) -> str:
        return str(self.states(self.state_of(case)).label)

    def action(self, name: str) -> CaseAction:
        return self.by_name[name]

    def closed_reason(self, case: Any, action: CaseAction, on: dt.date | None = None) -> str | None:
        """Why `action`, taken on `on` (today by default), is not open on `case` (its state, or
        its guard), or None."""
        if action.sources and self.state_of(case) not in action.sources:
            return gettext("Không thể «%(label)s» %(noun)s đang ở trạng thái «%(state_label)s».") % {"label": gettext(str(action.label)), "noun": gettext(str(self.noun)), "state_label": gettext(str(self.state_label(case)))}
        if action.guard is not None:
            why = action.guard(case, on or timezone.localdate())
            return None if why is None else str(why)
        return None

    def allowed_actions(self, user: AnyUser | None, case: Any) -> list[str]:
        """The actions `user` may take on `case` now, in declaration order."""
        return [
            a.name for a in self.actions
            if self.closed_reason(case, a) is None and self.may(user, case, a.permission)
        ]

    def refusal(
        self, user: AnyUser | None, case: Any, action: CaseAction, on: dt.date | None = None
    ) -> PermissionDenied | StateConflict | None:
        """What stops `user` taking `action` on `case` now: the role first (403), then the state
        (409), or None."""
        if not self.may(user, case, action.permission):
            who = self.holders.get(action.permission)
            if who:
                return PermissionDenied(gettext("Chỉ %(who)s mới được «%(label)s» %(noun)s này.") % {"who": who, "label": gettext(str(action.label)), "noun": gettext(str(self.noun))})
            return PermissionDenied(gettext("Bạn không có quyền «%(label)s» %(noun)s này.") % {"label": gettext(str(action.label)), "noun": gettext(str(self.noun))})
        reason = self.closed_reason(case, action, on)
        if reason is not None:
            return StateConflict({self.state_field: [reason]})
        return None

    def check(self, actor: AnyUser | None, case: Any, name: str, on: dt.date | None = None) -> CaseAction:
        """Raise unless `actor` may take action `name` on `case` on the day `on` (today by
        default). Services call it on the locked row, inside their transaction."""
        action = self.by_name[name]
        refusal = self.refusal(actor, case, action, on)
        if refusal is not None:
            raise refusal
        return action

    def run(self, action: CaseAction, *, actor: AnyUser, case: Any, **kwargs: Any) -> Any:
        """Take `action` through its service."""
        return action.service_function(actor=actor, **{action.case_arg or self.case_arg: case}, **kwargs)


_REGISTRY: dict[str, CaseType] = {}


def register(case_type: CaseType) -> CaseType:
    """Add a case type to the registry (from its app's `cases.py`, imported by its AppConfig)."""
    existing = _REGISTRY.get(case_type.name)
    if existing is not None and type(existing) is not type(case_type):
        raise ImproperlyConfigured(f"Two case types are named {case_type.name!r}")
    _REGISTRY[case_type.name] = case_type
    return case_type


def case_types() -> list[CaseType]:
    return list(_REGISTRY.values())


def case_type(name: str) -> CaseType:
    return _REGISTRY[name]
