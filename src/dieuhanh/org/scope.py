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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from dieuhanh.org.choices import Role
from dieuhanh.org.models import AdminUnit, RoleGrant, UnitSuccession, User

if TYPE_CHECKING:
    from dieuhanh.core.generations import Kept

ALL = None  # unit_scope() returns None for "every unit"
_CACHE_ATTR = "_dieuhanh_scope_cache"


def _all_grants(user: User) -> list[RoleGrant]:
    """Every grant of the user, kept by the process until the grants table changes
    (core.generations), so a page does not read them again."""
    from dieuhanh.core import generations

    global _grants_kept
    if _grants_kept is None:
        _grants_kept = generations.Kept("grants")
    return _grants_kept.get(user.pk, lambda: list(RoleGrant.objects.filter(user=user)), using=connection.alias)


_grants_kept: Kept[list[RoleGrant]] | None = None  # made at first use: core sits above org


def _active_grants(user: User) -> list[RoleGrant]:
    today = timezone.localdate()
    cached = getattr(user, "_dieuhanh_grants", None)
    if cached is None:
        cached = [
            g
            for g in _all_grants(user)
            if (g.valid_from is None or g.valid_from <= today) and (g.valid_to is None or today <= g.valid_to)
        ]
        user._dieuhanh_grants = cached  # type: ignore[attr-defined]
    return cached


def prefetch_grants(users: Iterable[User]) -> None:
    """Read the active grants of many users in one query (what `_active_grants` reads for each
    one), for code that checks many people's sight at once (the reminder sweep)."""
    today = timezone.localdate()
    pending = {u.pk: u for u in users if getattr(u, "_dieuhanh_grants", None) is None}
    found: dict[int, list[RoleGrant]] = {pk: [] for pk in pending}
    for g in RoleGrant.objects.filter(user_id__in=list(pending)):
        if (g.valid_from is None or g.valid_from <= today) and (g.valid_to is None or today <= g.valid_to):
            found[g.user_id].append(g)
    for pk, user in pending.items():
        user._dieuhanh_grants = found[pk]  # type: ignore[attr-defined]


def roles(user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    found = {g.role for g in _active_grants(user)}  # type: ignore[arg-type]
    if user.is_superuser:
        found.add(Role.ADMIN)
    return found


def has_role(user: User | AnonymousUser, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


@dataclass
class _UnitGraph:
    children: dict[int, list[int]] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    predecessors: dict[int, list[int]] = field(default_factory=dict)
    successors_of_ended: dict[int, list[int]] = field(default_factory=dict)
    successors: dict[int, list[int]] = field(default_factory=dict)
    ended: set[int] = field(default_factory=set)
    # What `expand_units` found for each set of roots on this graph: a new graph (a unit or a
    # succession changed) starts empty. Bounded by `_IDS_KEPT`.
    expansions: dict[tuple[frozenset[int], bool], frozenset[int]] = field(default_factory=dict)
    kept_ids: int = 0


_graph_cache: dict[str, Any] = {"key": None, "graph": None}
WHOLE = 0.999


def unit_graph() -> _UnitGraph:
    """The unit tree and successions, loaded once per process and reloaded when they change (in
    any process: their tables' stamp, core.generations)."""
    from dieuhanh.core import generations

    stamp = generations.stamp("units", connection.alias)
    key = (connection.alias, stamp)
    if stamp is not None and _graph_cache["key"] == key:
        return _graph_cache["graph"]
    graph = _UnitGraph()
    ended: set[int] = set()
    for uid, parent_id, valid_to in AdminUnit.objects.values_list("id", "parent_id", "valid_to").iterator(chunk_size=5000):
        if parent_id is not None:
            graph.children.setdefault(parent_id, []).append(uid)
            graph.parents[uid] = parent_id
        if valid_to is not None:
            ended.add(uid)
    for pred, succ, share in UnitSuccession.objects.values_list("predecessor_id", "successor_id", "share"):
        graph.predecessors.setdefault(succ, []).append(pred)
        graph.successors.setdefault(pred, []).append(succ)
        # Follow an abolished unit only into successors that took it whole: a ward split three
        # ways does not hand its city's office the whole of a neighbouring town's new ward.
        if pred in ended and share >= WHOLE:
            graph.successors_of_ended.setdefault(pred, []).append(succ)
    graph.ended = ended
    _graph_cache.update(key=key, graph=graph)
    return graph


def expand_units(
    root_ids: Iterable[int], graph: _UnitGraph | None = None, *, successors: bool = True
) -> set[int]:
    """The units covered by grants on `root_ids` (see the module docstring). Pass `graph` (from
    `unit_graph()`) to walk many roots without loading or checking the graph each time.
    `successors=False` leaves out what an abolished unit passed into (a figure of 2021's ward is
    made of that ward and the units before it, never of the ward that later absorbed it).
    Each set of roots is walked once per graph (kept on it: a change to the units or
    successions loads a new graph, and the walk is done again)."""
    graph = graph or unit_graph()
    roots = frozenset(root_ids)
    found = graph.expansions.get((roots, successors))
    if found is None:
        found = frozenset(_walk(roots, graph, successors))
        if graph.kept_ids + len(found) <= _IDS_KEPT:
            graph.expansions[roots, successors] = found
            graph.kept_ids += len(found)
    return set(found)


# At most this many unit ids kept in walks per graph (some 20 MB): a city's officers and the
# filters' units fit many times over; past it, a new set of roots is walked each time.
_IDS_KEPT = 500_000


def _walk(root_ids: frozenset[int], graph: _UnitGraph, successors: bool) -> set[int]:
    result: set[int] = set()
    # Each entry carries whether successors may be followed from it: not once we have walked
    # back to a predecessor, or a split predecessor would lead to its siblings.
    stack: list[tuple[int, bool]] = [(uid, True) for uid in root_ids]
    forward_seen: set[int] = set()
    while stack:
        uid, forward = stack.pop()
        if uid in result and (not forward or uid in forward_seen):
            continue
        result.add(uid)
        if forward:
            forward_seen.add(uid)
        stack.extend((child, forward) for child in graph.children.get(uid, ()))
        stack.extend((pred, False) for pred in graph.predecessors.get(uid, ()))
        if forward and successors:
            stack.extend((succ, True) for succ in graph.successors_of_ended.get(uid, ()))
    return result


def heirs(unit_id: int, graph: _UnitGraph | None = None) -> set[int]:
    """Today's units whose scope covers `unit_id`: the unit itself if it still exists, or the
    units it passed into (through every succession, whole or in part), for a figure recorded
    under an abolished unit to roll up under today's. Empty if it has no heir (a district).
    Callers looping over many units pass the `unit_graph()` they loaded once."""
    graph = graph or unit_graph()
    result: set[int] = set()
    seen: set[int] = set()
    stack = [unit_id]
    while stack:
        uid = stack.pop()
        if uid in seen:
            continue
        seen.add(uid)
        if uid not in graph.ended:
            result.add(uid)
        else:
            stack.extend(graph.successors.get(uid, ()))
    return result


def unit_scope(user: User | AnonymousUser, *only_roles: str, all_seeing: bool = True) -> set[int] | None:
    """Unit ids the user may see (None = all units), optionally through some roles only. Without
    `all_seeing`, a superuser or an administrator's grant over no unit counts for nothing: only
    the units the roles are granted over (a confidential app's files, `core.access`)."""
    if not user.is_authenticated:
        return set()
    key = (*sorted(only_roles), "") if not all_seeing else tuple(sorted(only_roles))
    # Keyed by the roles asked for, and by each set of granted units expanded once.
    cache: dict[tuple[str, ...] | frozenset[int], set[int] | None] = getattr(user, _CACHE_ATTR, None) or {}
    if key in cache:
        return cache[key]
    grants = [g for g in _active_grants(user) if not only_roles or g.role in only_roles]  # type: ignore[arg-type]
    if all_seeing and (user.is_superuser or any(g.role == Role.ADMIN and g.unit_id is None for g in grants)):
        scope: set[int] | None = ALL
    else:
        # Several permissions' roles often select the same grants: expand each set of units once.
        named = frozenset(g.unit_id for g in grants if g.unit_id is not None)
        expanded = cache.get(named) if named else set()
        if expanded is None:
            expanded = expand_units(named)
            cache[named] = expanded
        scope = expanded
    cache[key] = scope
    setattr(user, _CACHE_ATTR, cache)
    return scope


def served_units() -> set[int] | None:
    """The units this installation serves: those covered by some account's role over a unit
    (`expand_units`). None when no role names a unit (a fresh installation): every unit."""
    granted = set(RoleGrant.objects.exclude(unit=None).values_list("unit_id", flat=True))
    return expand_units(granted) if granted else ALL


def root_units(user: User | AnonymousUser) -> set[int] | None:
    """The units the user's active grants name (what `unit_scope` expands); None for an
    all-seeing user."""
    if not user.is_authenticated:
        return set()
    if unit_scope(user) is ALL:
        return ALL
    return {g.unit_id for g in _active_grants(user) if g.unit_id is not None}  # type: ignore[arg-type]


def ancestors(unit_ids: Iterable[int]) -> set[int]:
    """All units above the given ones (a ward officer reads the city's resolutions)."""
    parents = unit_graph().parents
    result: set[int] = set()
    for uid in unit_ids:
        while uid in parents and parents[uid] not in result:
            uid = parents[uid]
            result.add(uid)
    return result


def can_see_unit(user: User | AnonymousUser, unit_id: int) -> bool:
    scope = unit_scope(user)
    return scope is ALL or unit_id in scope


def forget(user: User) -> None:
    """Drop cached grants (after a grant changes within one request or test)."""
    for attr in (_CACHE_ATTR, "_dieuhanh_grants"):
        if hasattr(user, attr):
            delattr(user, attr)
