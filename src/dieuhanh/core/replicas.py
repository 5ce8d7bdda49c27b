"""Read replicas for the pages that show statistics (docs/decisions/0037).

A province's leaders open the IOC every morning and the statistics pages through the day; their
figures may be a few seconds old. With `DIEUHANH_REPLICA_URL` set (one or more PostgreSQL
standbys, comma-separated; settings.py makes the aliases "replica", "replica_2", …) those reads
go to a standby and leave the primary to the writes. Nothing is routed by guessing from the
model: the same dossiers are read for editing. A view reading statistics says so, in one of two
ways, and every other read stays on the primary:

    @replicas.reads_statistics          # the whole view
    def overview(request): ...

    with replicas.reading_statistics():  # a block
        figures = compute(...)

Inside, the ORM's reads go to the replica chosen by `stats_db()` (the router below); raw SQL
that wants the same takes `connections[replicas.read_db()]`. `stats_db()` answers the primary
("default") when there is no replica, inside a transaction (what it reads may be what it is about
to change), in a request that writes or whose client wrote in the last
`DIEUHANH_READ_YOUR_WRITES_SECONDS` (a cookie set on every POST, PUT, PATCH or DELETE: a clerk
who saved a dossier sees it counted on the next page whichever app server answers), and when the
replica is unreachable or more than `DIEUHANH_REPLICA_MAX_LAG` seconds behind (logged; checked at
most every `HEALTH_SECONDS` per process). Some tables are always read on the primary, whatever
the block: sessions, accounts and their role grants, second-step devices, login lockouts, the
cache, the audit chain, tokens, rate counters and the queue's own tables — a revoked grant or a
new session must take effect at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

log = logging.getLogger("dieuhanh.replica")

COOKIE = "dieuhanh_primary"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEALTH_SECONDS = 5.0  # how long a replica's health, good or bad, is trusted in one process

# Tables read on the primary only (app labels, and "app.model" for single models).
PRIMARY_APPS = frozenset({
    "sessions", "django_cache", "auth", "contenttypes", "admin", "axes", "otp_totp", "otp_static",
    "otp_email", "core",
})
PRIMARY_MODELS = frozenset({"org.user", "org.rolegrant"})

F = TypeVar("F", bound=Callable[..., Any])

_reading: contextvars.ContextVar[str] = contextvars.ContextVar("dieuhanh_reading", default=DEFAULT_DB_ALIAS)
_request_writes: contextvars.ContextVar[bool] = contextvars.ContextVar("dieuhanh_request_writes", default=False)
_health: dict[str, tuple[float, bool]] = {}  # alias: (checked at, usable)

# The replica's delay behind the primary, in seconds: none when it has replayed all it received
# (an idle primary sends nothing, and the last replayed transaction grows old without any lag);
# otherwise the age of the last transaction it replayed. Not a standby (promoted, or the primary
# itself given as a replica): no lag.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def aliases() -> list[str]:
    """The configured replicas' database aliases, in the order of DIEUHANH_REPLICA_URL."""
    return list(getattr(settings, "DIEUHANH_REPLICAS", []))


def max_lag() -> float:
    return float(getattr(settings, "DIEUHANH_REPLICA_MAX_LAG", 30.0))


def _lag(alias: str) -> float:
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return 0.0
    with conn.cursor() as cur:
        cur.execute(LAG_SQL)
        return float(cur.fetchone()[0] or 0)


def usable(alias: str, *, fresh: bool = False) -> bool:
    """Whether the replica answers and is no more than the allowed lag behind (remembered for
    HEALTH_SECONDS unless `fresh`). A failure is logged once per change, and its connection closed
    so the next check reconnects."""
    now = time.monotonic()
    seen = _health.get(alias)
    if seen is not None and not fresh and now - seen[0] < HEALTH_SECONDS:
        return seen[1]
    try:
        lag = _lag(alias)
        ok, why = lag <= max_lag(), f"{lag:.1f} s behind the primary (DIEUHANH_REPLICA_MAX_LAG={max_lag():g})"
    except Exception as exc:  # any failure of the replica means: read the primary
        ok, why = False, f"unreachable: {type(exc).__name__}: {str(exc).strip()[:200]}"
        with contextlib.suppress(Exception):
            connections[alias].close()
    if not ok and (seen is None or seen[1]):
        log.warning("replica %s not used, statistics read on the primary: %s", alias, why)
    elif ok and seen is not None and not seen[1]:
        log.warning("replica %s usable again", alias)
    _health[alias] = (now, ok)
    return ok


def forget_health() -> None:
    """Check every replica again at its next use (tests; after a failover)."""
    _health.clear()


def stats_db() -> str:
    """The database a read of statistics goes to now: a usable replica, or the primary."""
    if _reading.get() != DEFAULT_DB_ALIAS:
        return _reading.get()
    replicas = aliases()
    if not replicas or _request_writes.get() or transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
        return DEFAULT_DB_ALIAS
    for alias in replicas:
        if usable(alias):
            return alias
    return DEFAULT_DB_ALIAS


def read_db() -> str:
    """The database the ORM reads from here: the replica inside `reading_statistics()`, else the
    primary. For raw SQL that reads statistics (`connections[read_db()].cursor()`)."""
    return _reading.get()


@contextlib.contextmanager
def reading_statistics() -> Iterator[str]:
    """Reads in the block go to `stats_db()` (yielded), but for the primary-only tables."""
    token = _reading.set(stats_db())
    try:
        yield _reading.get()
    finally:
        _reading.reset(token)


def reads_statistics(view: F) -> F:
    """A view whose reads may come from a replica (see the module's text)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reading_statistics():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _primary_only(model: Any) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_APPS or f"{meta.app_label}.{meta.model_name}" in PRIMARY_MODELS


class Router:
    """Writes and migrations on the primary; reads on the replica only inside
    `reading_statistics()` (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        alias = _reading.get()
        if alias == DEFAULT_DB_ALIAS or _primary_only(model):
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db in aliases() else None


class PrimaryAfterWriteMiddleware:
    """Read-your-writes: a request that writes, and its client's requests for
    DIEUHANH_READ_YOUR_WRITES_SECONDS after it, read statistics on the primary."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if not aliases():
            return self.get_response(request)
        writes = request.method in UNSAFE
        token = _request_writes.set(writes or COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _request_writes.reset(token)
        if writes:
            response.set_cookie(COOKIE, "1", max_age=int(getattr(settings, "DIEUHANH_READ_YOUR_WRITES_SECONDS", 10)),
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
