"""Who may do what, and where: permissions by app, action and unit.

Each app declares, in its own `permissions.py` (imported by its AppConfig), which roles hold each
of its actions — `view`, `add`, `change`, `act`, `export`, `reveal`, or a word of its own
(`route`, `apologise`, `import`). A role held over a unit holds the action over that unit and
the units below it and succeeded by it (`org.scope`); an administrator without a unit holds it
everywhere. Nothing else opens a row: holding some role in a ward no longer opens every app's
rows there (the ward's one-stop officer reads no denunciation, and tomorrow no discipline file).

Rows are read through `ScopedQuerySet.visible_to(user, action="view")`, which every scoped model
uses: the model says which of its rows belong to a set of units (`in_units`), the registry says
which units the user holds the action in. Lists, details, API answers, exports, statistics and
the IOC all start there."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Expression, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.org import scope
from dieuhanh.org.choices import Role
from dieuhanh.org.models import AdminUnit, User

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase
    from django_stubs_ext import StrOrPromise

    from dieuhanh.core.http import AnyUser

ALL = scope.ALL
STAFF = tuple(Role.values)  # every role: what a page open to any officer asks for

_DECLARED: dict[str, dict[str, tuple[str, ...]]] = {}
_CONFIDENTIAL: set[tuple[str, str]] = set()


def declare(app: str, permissions: Mapping[str, Iterable[str]], confidential: Iterable[str] = ()) -> None:
    """Declare `app`'s actions and the roles that hold each. Called once per app, at start.
    `confidential` names the actions (the app's `permissions.CONFIDENTIAL`) that only the roles
    declared hold, over the units they are granted over: a system administrator, who otherwise
    holds everything everywhere, holds none of them (inspection and discipline files are read by
    those the party's rules name, not by whoever runs the server)."""
    table: dict[str, tuple[str, ...]] = {}
    for action, roles in permissions.items():
        roles = tuple(roles)
        unknown = set(roles) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(f"{app}.{action}: unknown roles {sorted(unknown)}")
        if not roles:
            raise ImproperlyConfigured(f"{app}.{action}: no role holds it")
        table[action] = roles
    if "view" not in table:
        raise ImproperlyConfigured(f"{app}: the permissions must say who may view")
    unknown_actions = set(confidential) - set(table)
    if unknown_actions:
        raise ImproperlyConfigured(f"{app}: confidential actions {sorted(unknown_actions)} are not declared")
    _DECLARED[app] = table
    _CONFIDENTIAL.difference_update({k for k in _CONFIDENTIAL if k[0] == app})
    _CONFIDENTIAL.update((app, action) for action in confidential)


def is_confidential(app: str, action: str = "view") -> bool:
    """Whether only the declared roles, granted over units, hold `action` of `app` (`declare`)."""
    return (app, action) in _CONFIDENTIAL


def declared() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every app's permissions (for the documentation page and the generic tests)."""
    return {app: dict(table) for app, table in _DECLARED.items()}


def roles(app: str, action: str = "view") -> tuple[str, ...]:
    """The roles that hold `action` of `app`."""
    try:
        return _DECLARED[app][action]
    except KeyError:
        raise ImproperlyConfigured(f"Permission {app}.{action} is not declared") from None


def units(user: AnyUser | None, app: str, action: str = "view") -> set[int] | None:
    """The units over which `user` holds `action` of `app` (None: every unit)."""
    if user is None or not user.is_authenticated:
        return set()
    return scope.unit_scope(user, *roles(app, action), all_seeing=(app, action) not in _CONFIDENTIAL)


def may(user: AnyUser | None, app: str, action: str, unit_id: int | None) -> bool:
    """Whether `user` holds `action` of `app` over the unit `unit_id` (None: over every unit,
    which only an all-seeing grant gives)."""
    held = units(user, app, action)
    if held is ALL:
        return True
    return unit_id is not None and unit_id in held


def granted_over(user: AnyUser | None, app: str, action: str, unit_id: int | None) -> bool:
    """Whether `user` holds `action` of `app` over `unit_id` through a role granted over a unit
    (that unit, one above it or one it succeeded). Unlike `may`, an all-seeing grant counts for
    nothing: a system administrator may do everything but is nobody's officer — the people a
    case can be given to are those whose unit it is."""
    if user is None or not user.is_authenticated or unit_id is None:
        return False
    wanted = roles(app, action)
    named = {g.unit_id for g in scope._active_grants(user) if g.role in wanted and g.unit_id is not None}  # type: ignore[arg-type]
    return bool(named) and unit_id in scope.expand_units(named)


def holders(
    app: str, action: str, unit_ids: Iterable[int], *, only_roles: Iterable[str] = (), nearest: bool = False,
    today: Any = None,
) -> dict[int, set[int]]:
    """For each of `unit_ids`, the active users who hold `action` of `app` over it through a role
    granted over a unit (`granted_over`: that unit, one above it or one it succeeded), limited to
    `only_roles` when given; an all-seeing administrator is nobody's officer and is not listed.
    With `nearest`, only the unit's own officers — a grant on the unit or on a unit it succeeded —
    or, when it has none, those of the nearest level above that has some (its parent and its
    predecessors' parents, then theirs): the ward's one-stop desk, not also the province's.
    The reverse of `units`, for many units at once (reminders, the reporting cycle): one query
    for the grants, each user's units expanded once."""
    today = today or timezone.localdate()
    wanted = set(roles(app, action))
    if only_roles:
        wanted &= set(only_roles)
    targets = set(unit_ids)
    out: dict[int, set[int]] = {u: set() for u in targets}
    if not wanted or not targets:
        return out
    from dieuhanh.org.models import RoleGrant

    named: dict[int, set[int]] = {}
    grants = RoleGrant.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today), Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        role__in=wanted, unit__isnull=False, user__is_active=True,
    ).values_list("user_id", "unit_id")
    for user_id, unit_id in grants:
        named.setdefault(user_id, set()).add(unit_id)
    graph = scope.unit_graph()
    if nearest:
        by_unit: dict[int, set[int]] = {}
        for user_id, roots_of_user in named.items():
            for uid in roots_of_user:
                by_unit.setdefault(uid, set()).add(user_id)

        def own(level: set[int]) -> set[int]:
            """The units and every unit they succeeded."""
            found: set[int] = set()
            stack = list(level)
            while stack:
                uid = stack.pop()
                if uid not in found:
                    found.add(uid)
                    stack.extend(graph.predecessors.get(uid, ()))
            return found

        for unit_id in targets:
            level, seen = own({unit_id}), set[int]()
            while level - seen:
                seen |= level
                users = set().union(*(by_unit.get(u, set()) for u in level))
                if users:
                    out[unit_id] = users
                    break
                level = own({graph.parents[u] for u in level if u in graph.parents})
        return out
    expanded: dict[frozenset[int], set[int]] = {}
    for user_id, roots in named.items():
        key = frozenset(roots)
        if key not in expanded:
            expanded[key] = scope.expand_units(key, graph) & targets
        for unit_id in expanded[key]:
            out[unit_id].add(user_id)
    return out


def holds(user: AnyUser | None, app: str, action: str = "view") -> bool:
    """Whether `user` holds `action` of `app` over some unit (for menus and pages that list)."""
    held = units(user, app, action)
    return held is ALL or bool(held)


def require(user: AnyUser | None, app: str, action: str, unit_id: int | None, what: str) -> None:
    if not may(user, app, action, unit_id):
        raise PermissionDenied(gettext("Bạn không có quyền %(what)s.") % {"what": what})


def require_any(user: AnyUser | None, app: str, action: str, message: str) -> None:
    if not holds(user, app, action):
        raise PermissionDenied(message)


View = Callable[..., "HttpResponseBase"]


def requires(app: str, action: str, message: StrOrPromise) -> Callable[[View], View]:
    """The access check of a page for those who hold `action` of `app` over some unit: an
    anonymous visitor goes to the login page, a user without the permission gets the 403 page
    with `message`. The view keeps what it requires (`view.permission`, through every wrapper),
    and the generic endpoint tests hold every such page to it for every persona."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not holds(request.user, app, action):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        checked.permission = (app, action)  # type: ignore[attr-defined]
        return login_required(checked)

    return decorate


def offered_units(user: AnyUser | None, app: str, action: str = "view") -> set[int] | None:
    """The units a form offers `user` for `action` of `app`: those over which they hold it; for
    an all-seeing user, the units this installation serves (`scope.served_units`), not the
    country's three thousand communes, where many share a name (None: every unit, on an
    installation where no role names a unit yet)."""
    held = units(user, app, action)
    return scope.served_units() if held is ALL else held


def unit_choices(user: AnyUser | None, app: str, action: str) -> QuerySet[AdminUnit]:
    """Today's units offered to `user` for `action` of `app` (`offered_units`: a form's choice
    of unit)."""
    qs = AdminUnit.objects.valid_on(timezone.localdate()).order_by("name")
    held = offered_units(user, app, action)
    return qs if held is ALL else qs.filter(id__in=among(held))


class UnitIds(Expression):
    """A set of unit ids as the right side of `__in` (`among`): the placeholder list is written
    once for the set, not once per query. A city office holds a hundred units; Django prepared and
    wrote each id of the list again for every query that read the user's rows (six on the petition
    register), about a millisecond a query. The SQL is the same `IN (%s, …)` with the ids as
    parameters. Immutable, and shared between the queries and threads that use the same set."""

    def __init__(self, ids: frozenset[int]) -> None:
        super().__init__(output_field=models.IntegerField())
        self.ids = tuple(sorted(ids))
        self.sql = "(" + ", ".join(["%s"] * len(self.ids)) + ")"

    def resolve_expression(self, *args: Any, **kwargs: Any) -> UnitIds:
        return self  # nothing to resolve, and nothing in it changes

    def relabeled_clone(self, change_map: Any) -> UnitIds:
        return self

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> tuple[str, tuple[int, ...]]:
        return self.sql, self.ids

    def __repr__(self) -> str:
        return f"UnitIds({len(self.ids)} units)"


@functools.lru_cache(maxsize=512)
def _unit_ids(ids: frozenset[int]) -> UnitIds:
    return UnitIds(ids)


def among(unit_ids: Iterable[int]) -> UnitIds | list[int]:
    """What a model's `in_units` compares its unit column with: `Q(unit_id__in=among(ids))`
    (`UnitIds`; the same set seen again, in this request or a later one, reuses its SQL). An
    empty set stays an empty list, which matches no row."""
    ids = unit_ids if isinstance(unit_ids, frozenset) else frozenset(unit_ids)
    return _unit_ids(ids) if ids else []


M = TypeVar("M", bound=models.Model)
Q_ = TypeVar("Q_", bound="ScopedQuerySet[Any]")


class ScopedQuerySet(models.QuerySet[M]):
    """The queryset of a model whose rows belong to units. Subclasses say which rows belong to a
    set of units (`in_units`); `visible_to` adds who holds the action there. `scope_app` is the
    app whose permissions apply (default: the model's app)."""

    scope_app: ClassVar[str] = ""

    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        """The rows of `unit_ids` (compare the unit columns with `among(unit_ids)`)."""
        raise NotImplementedError

    def _app(self) -> str:
        return self.scope_app or self.model._meta.app_label

    def visible_to(self: Q_, user: AnyUser | None, action: str = "view") -> Q_:
        """The rows over whose units `user` holds `action` of the model's app."""
        if user is None or not user.is_authenticated:
            return self.none()
        held = units(user, self._app(), action)
        if held is ALL:
            return self.all()
        if not held and not self.open_without_units():
            return self.none()
        return self.filter(self.in_units(frozenset(held), user))

    def open_without_units(self) -> bool:
        """Whether a user holding the action nowhere may still see some rows (a petition's
        assigned handler): then `in_units` is asked with an empty set."""
        return False


__all__ = [
    "ALL", "STAFF", "ScopedQuerySet", "UnitIds", "among", "declare", "declared", "granted_over", "holders", "holds", "is_confidential", "may", "offered_units", "require", "require_any", "requires", "roles", "unit_choices", "units",
]
