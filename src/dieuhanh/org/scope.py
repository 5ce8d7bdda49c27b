"""Who may see what: the one place that turns a user's role grants into a set of units.

A grant on a unit covers the unit, everything below it, and every unit it succeeded (so the
officer of phường Chu Văn An sees what was recorded under phường Sao Đỏ before 1/7/2025). A
grant on a unit that no longer exists also covers its successors (the committee office of the
former TP Chí Linh follows its wards into the wards that replaced them). Every list, detail,
API response and export starts from `visible_to(user)` on a model's queryset, which calls
`unit_scope(user)` here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dieuhanh.org.choices import Role
from dieuhanh.org.models import AdminUnit, RoleGrant, UnitSuccession, User

ALL = None  # unit_scope() returns None for "every unit"
_CACHE_ATTR = "_dieuhanh_scope_cache"


def _active_grants(user: User) -> list[RoleGrant]:
    today = timezone.localdate()
    cached = getattr(user, "_dieuhanh_grants", None)
    if cached is None:
        cached = [
            g
            for g in RoleGrant.objects.filter(user=user)
            if (g.valid_from is None or g.valid_from <= today) and (g.valid_to is None or today <= g.valid_to)
        ]
        user._dieuhanh_grants = cached  # type: ignore[attr-defined]
    return cached


def roles(user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    found = {g.role for g in _active_grants(user)}  # type: ignore[arg-type]
    if user.is_superuser:
        found.add(Role.ADMIN)
    return found


def has_role(user: User | AnonymousUser, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def expand_units(root_ids: Iterable[int]) -> set[int]:
    """The units covered by grants on `root_ids` (see the module docstring)."""
    result: set[int] = set()
    # Each frontier entry carries whether successors may be followed from it: not once we
    # have walked back to a predecessor, or a split predecessor would lead to its siblings.
    frontier: dict[int, bool] = dict.fromkeys(root_ids, True)
    while frontier:
        new_ids = {uid: fwd for uid, fwd in frontier.items() if uid not in result}
        result.update(new_ids)
        if not new_ids:
            break
        nxt: dict[int, bool] = {}
        for child_id, parent_id in AdminUnit.objects.filter(parent_id__in=new_ids).values_list("id", "parent_id"):
            nxt[child_id] = nxt.get(child_id, False) or new_ids[parent_id]
        for pred_id in UnitSuccession.objects.filter(successor_id__in=new_ids).values_list(
            "predecessor_id", flat=True
        ):
            nxt.setdefault(pred_id, False)
        forward_ids = [uid for uid, fwd in new_ids.items() if fwd]
        if forward_ids:
            for succ_id in UnitSuccession.objects.filter(
                predecessor_id__in=forward_ids, predecessor__valid_to__isnull=False
            ).values_list("successor_id", flat=True):
                nxt[succ_id] = True
        frontier = {uid: fwd for uid, fwd in nxt.items() if uid not in result}
    return result


def unit_scope(user: User | AnonymousUser, *only_roles: str) -> set[int] | None:
    """Unit ids the user may see (None = all units), optionally through some roles only."""
    if not user.is_authenticated:
        return set()
    key = tuple(sorted(only_roles))
    cache: dict[tuple[str, ...], set[int] | None] = getattr(user, _CACHE_ATTR, None) or {}
    if key in cache:
        return cache[key]
    grants = [g for g in _active_grants(user) if not only_roles or g.role in only_roles]  # type: ignore[arg-type]
    if user.is_superuser or any(g.role == Role.ADMIN and g.unit_id is None for g in grants):
        scope: set[int] | None = ALL
    else:
        scope = expand_units(g.unit_id for g in grants if g.unit_id is not None)
    cache[key] = scope
    setattr(user, _CACHE_ATTR, cache)
    return scope


def ancestors(unit_ids: Iterable[int]) -> set[int]:
    """All units above the given ones (a ward officer reads the city's resolutions)."""
    result: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        parents = set(
            AdminUnit.objects.filter(id__in=frontier, parent_id__isnull=False).values_list("parent_id", flat=True)
        )
        frontier = parents - result
        result |= parents
    return result


def can_see_unit(user: User | AnonymousUser, unit_id: int) -> bool:
    scope = unit_scope(user)
    return scope is ALL or unit_id in scope


def forget(user: User) -> None:
    """Drop cached grants (after a grant changes within one request or test)."""
    for attr in (_CACHE_ATTR, "_dieuhanh_grants"):
        if hasattr(user, attr):
            delattr(user, attr)
