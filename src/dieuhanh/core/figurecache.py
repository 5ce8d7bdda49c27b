"""The figures cache: counts that many people read, computed once per scope and period and kept a
few seconds, instead of once per request.

A leader's IOC counts a province's tasks, petitions, dossiers and targets: some tens of grouped
queries over a year of cases, some hundreds of milliseconds. Forty people opening it in the same
minute (and the operations room's wall reloading it) would count the same figures forty times.

    figurecache.cached(what, user, params, compute) -> value

returns `compute()`, kept under a key made of
- `what` (the page or block, e.g. "ioc-overview"),
- the user's scope (`scope_key`): for every app, the units the user may read (or "every unit"),
  and the units their grants name — so two users share an entry only when they may read exactly
  the same units: a ward officer never gets a province leader's figures — and the user
  themselves unless the figures count by units alone (`shared=True`): `visible_to` also opens
  rows by who the user is (a task's lead person, a petition's handler), anywhere,
- `params` (the period, the chosen unit, today's date) and the language of the page,
- the version of the watched data in this process.

How fresh (decision 0036):
- figures may be up to `FIGURES_TTL` seconds old (10 by default): others' changes show within
  that;
- a change saved in this process (any save or delete of a watched app's model, `watch()`) bumps
  the version once committed, so every entry computed before it is passed over at once;
- the user's own changes show at once on every process and server: once committed, a change made
  in a request stamps its user in the shared `default` cache (a database table), and an entry
  computed before that stamp is not served to them. Reading the stamp is one small query.
Changes the signals cannot see (`QuerySet.update()`, raw SQL, another process's saves, the
dossier importer) show when the entry expires.

The entries live in the `figures` cache (settings.CACHES): a memory cache per process — each
gunicorn worker keeps its own copy for a few seconds, which costs a recount per worker per TTL
and no I/O on a hit; a shared cache (the database table) would cost a read and a pickle of the
figures on every hit for little gain at this TTL. That cache is an `ObjectCache`: it keeps the
value itself, not a pickled copy, so a hit hands back the very object counted (no unpickling of
a province's figures on every request), shared by every request of the process: read it, never
change it. What a page makes from the figures (its rows, its rendered cards) may be kept beside
them in a dict the value holds for that purpose: it lives and dies with the entry (decision 0041).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

T = TypeVar("T")

ALIAS = "figures"  # the cache of the entries (per process)
SHARED = "default"  # where a user's last change is stamped (shared by every process)
_version = 0  # bumped on every committed change of a watched app in this process
_watched: set[str] = set()


class ObjectCache(BaseCache):
    """A memory cache of this process that keeps each value as it is: `get` returns the very
    object `set` was given, not an unpickled copy (Django's LocMemCache pickles both ways). For
    values never changed once stored; any value may be kept, picklable or not. Expired entries are
    dropped as new ones come (at most once a second), so what stays in memory is what was counted
    within the last seconds; past MAX_ENTRIES the least recently read go first."""

    _stores: ClassVar[dict[str, tuple[OrderedDict[str, tuple[float | None, Any]], threading.Lock, list[float]]]] = {}

    def __init__(self, name: str, params: dict[str, Any]):
        super().__init__(params)
        self._entries, self._lock, self._purged = self._stores.setdefault(
            name, (OrderedDict(), threading.Lock(), [0.0]))

    def _live(self, key: str, now: float) -> tuple[float | None, Any] | None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] is not None and entry[0] <= now:
            del self._entries[key]
            return None
        return entry

    def _put(self, key: str, value: Any, timeout: Any) -> None:
        now = time.time()
        if key not in self._entries and (now - self._purged[0] >= 1 or len(self._entries) >= self._max_entries):
            self._purged[0] = now
            for old in [k for k, (expires, _v) in self._entries.items() if expires is not None and expires <= now]:
                del self._entries[old]
            while len(self._entries) >= self._max_entries:
                self._entries.popitem(last=False)
        self._entries[key] = (self.get_backend_timeout(timeout), value)
        self._entries.move_to_end(key)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._live(key, time.time()) is not None:
                return False
            self._put(key, value, timeout)
            return True

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key, time.time())
            if entry is None:
                return default
            self._entries.move_to_end(key)
            return entry[1]

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._put(key, value, timeout)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key, time.time())
            if entry is None:
                return False
            self._entries[key] = (self.get_backend_timeout(timeout), entry[1])
            return True

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._entries.pop(key, None) is not None

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key, time.time()) is not None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def ttl() -> float:
    return float(getattr(settings, "FIGURES_TTL", 10))


def clock() -> float:
    """Seconds (wall time: the stamps are compared across processes). Tests move it."""
    return time.time()


def scope_key(user: Any) -> str:
    """What decides which rows `user` may read, as a short text: for every declared app, the
    units over which the user holds its `view` ("*": every unit), and the units their grants name
    (the IOC's lists link to them). Equal keys: equal figures."""
    from dieuhanh.core import access
    from dieuhanh.org import scope

    if user is None or not user.is_authenticated:
        return "anonymous"
    parts = []
    for app in sorted(access.declared()):
        held = access.units(user, app, "view")
        parts.append(f"{app}=" + ("*" if held is access.ALL else ",".join(map(str, sorted(held or ())))))
    roots = scope.root_units(user)
    parts.append("roots=" + ("*" if roots is access.ALL else ",".join(map(str, sorted(roots or ())))))
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:32]


def _own_key(user_id: int) -> str:
    return f"figures-own-change:{user_id}"


def own_change(user: Any) -> float:
    """When `user` last changed a watched thing (0: not within the TTL)."""
    if user is None or not user.is_authenticated:
        return 0.0
    return float(caches[SHARED].get(_own_key(user.pk), 0.0))


def cached(what: str, user: Any, params: Iterable[Any], compute: Callable[[], T], *, shared: bool = False) -> T:
    """`compute()` for `user`'s scope and `params`, at most `ttl()` seconds old, never older than
    the user's own last change nor a change committed in this process.

    `shared`: the entry serves every user of the same scope (the IOC overview, decision 0041). Only
    for figures counted from the units alone: `visible_to` also opens rows by who the user is
    (the tasks they lead or answer for, the petitions they handle, anywhere), so figures read
    through it are kept per user (the default)."""
    who = "" if shared else f"user={getattr(user, 'pk', None)}"
    raw = f"{what}|{scope_key(user)}|{who}|{translation.get_language()}|{'|'.join(map(str, params))}"
    key = "figures:" + hashlib.sha256(raw.encode()).hexdigest()
    store = caches[ALIAS]
    now = clock()
    entry = store.get(key)
    if entry is not None:
        version, computed_at, value = entry
        if version == _version and now - computed_at < ttl() and computed_at > own_change(user):
            return value  # type: ignore[no-any-return]
    version = _version
    value = compute()
    store.set(key, (version, now, value), timeout=max(1, int(ttl()) + 1))
    return value


_stamped: dict[int, float] = {}  # the last stamp this process wrote for each user


def changed(user_id: int | None = None, made_at: float | None = None) -> None:
    """Something watched changed (call once committed): entries computed before are stale here,
    and, if `user_id` made the change, for that user everywhere. A change `made_at` a moment a
    stamp already written follows needs none (a request saving a thousand rows writes one)."""
    global _version
    _version += 1
    if user_id is None or (made_at is not None and _stamped.get(user_id, -1.0) >= made_at):
        return
    now = clock()
    caches[SHARED].set(_own_key(user_id), now, timeout=max(1, int(ttl()) + 1))
    _stamped[user_id] = now


def _on_change(sender: Any, **kwargs: Any) -> None:
    if sender._meta.app_label not in _watched or kwargs.get("raw"):
        return
    from dieuhanh.core import logs

    user_id = logs.current().get("user_id")
    # Now (this process, while the transaction runs: an entry counted meanwhile is passed over
    # again below) and once committed (the stamp of the user's own change, read everywhere).
    changed()
    made_at = clock()
    transaction.on_commit(lambda: changed(user_id, made_at), robust=True)


def watch(app_labels: Iterable[str]) -> None:
    """Count a save or delete of any model of these apps as a change of the figures."""
    _watched.update(app_labels)
    post_save.connect(_on_change, dispatch_uid="dieuhanh.figures.save")
    post_delete.connect(_on_change, dispatch_uid="dieuhanh.figures.delete")


def clear() -> None:
    """Forget every entry of this process (tests)."""
    global _version
    _version += 1
    _stamped.clear()
    caches[ALIAS].clear()
