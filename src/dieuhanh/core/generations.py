"""Generations: a stamp per kind of slowly changing data, moved by the database itself.

A process keeps what it works out from data that seldom changes (the unit tree, the announced
calendar days, a user's role grants, whether a user has an authenticator, a person's name) and must see a change
made by any process, a command, the admin or SQL, at once. Each page used to ask each table
whether it had changed (a count and a maximum over the unit tables, the calendar's rows, the
user's grants and devices): four queries a page, two of them scanning a table.

Instead, triggers on those tables write a new random stamp into `core_generation` on every
insert, update or delete (each row on SQLite, each statement on PostgreSQL), in the writer's own
transaction. A reading request reads every stamp in one query (`stamp`, kept by core.requestmemo
for the request), and whoever keeps something keeps it with the stamp it was read under; a
different stamp means read again. The stamp is random rather than a counter: a rolled-back
change (a test's transaction, a failed import) takes the table back to an older stamp, and a
counter would then hand out a number already used for data that never committed.

The triggers are written after every migrate (`install`, on post_migrate: a migration that
rebuilds a table on SQLite drops its triggers), as the dossier tally's are. A stamp row that is
missing (a flushed table) reads as None: nothing is kept under it, everything is read each time.

    stamp("units") -> int | None    the stamp now (one query a reading request, for all names)
    watch(name, *tables, columns=()) another app's tables (in its AppConfig.ready)
    Kept("grants").get(key, compute) what the process keeps per key under a stamp
    KeptForScope(name, app).get(user, compute)  the same per user and what they see of the app
    WATCHED                         name -> the tables whose rows move it
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db import connections

TABLE = "core_generation"

# name -> tables. Another app adds its own with `watch` (in its AppConfig.ready).
WATCHED: dict[str, tuple[str, ...]] = {
    "units": ("org_adminunit", "org_unitsuccession"),
    "calendar": ("core_calendarexception",),
    "grants": ("org_rolegrant",),
    "second-factor": ("otp_totp_totpdevice",),
    "people": ("org_person",),
}

# (name, table) -> the columns whose update moves the stamp; a table not here moves it on any update
COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {}

_tables: frozenset[str] | None = None  # every watched table, worked out again after `watch`

MEMO = "core.generations"  # its key in core.requestmemo


_NAME = re.compile(r"[a-z][a-z0-9-]*")
_TABLE = re.compile(r"[a-z_][a-z0-9_]*")


def watch(name: str, *tables: str, columns: tuple[str, ...] = ()) -> None:
    """Let `stamp(name)` move with every change to `tables` (from the next migrate on): every
    insert and delete, and every update, or with `columns` only an update of one of them (a
    task's progress report leaves the stamp of who leads it alone). All are written into the
    triggers' SQL: a name is lower-case letters, digits and hyphens, a table or column an
    identifier."""
    if not _NAME.fullmatch(name) or not all(_TABLE.fullmatch(t) for t in (*tables, *columns)):
        raise ValueError(f"not a generation's name, a table or a column: {name!r} {tables!r} {columns!r}")
    global _tables
    WATCHED[name] = tuple(dict.fromkeys((*WATCHED.get(name, ()), *tables)))
    for table in tables:
        if columns:
            COLUMNS[name, table] = columns
        else:
            COLUMNS.pop((name, table), None)
    _tables = None


def stamp(name: str, using: str = "default") -> int | None:
    """The current stamp of `name` on database `using`; None when it has no row (nothing may be
    kept under it)."""
    from dieuhanh.core import requestmemo

    return requestmemo.memo((MEMO, using), lambda: _read(using)).get(name)


V = TypeVar("V")


class Kept(Generic[V]):
    """Values a process keeps per key (a user, a person) while the stamp `name` stands:

        NAMES = generations.Kept[str]("people")
        NAMES.get(person_id, lambda: read_the_name(person_id))

    `compute()` runs when the stamp moved since the value was kept, and every time when the
    stamp has no row. At most `limit` keys are kept (then all are dropped and kept again)."""

    def __init__(self, name: str, limit: int = 20_000) -> None:
        self.name = name
        self.limit = limit
        self._values: dict[Hashable, tuple[int, V]] = {}

    def get(self, key: Hashable, compute: Callable[[], V], using: str = "default") -> V:
        now = stamp(self.name, using)
        kept = self._values.get(key)
        if now is not None and kept is not None and kept[0] == now:
            return kept[1]
        value = compute()
        if now is not None:
            if len(self._values) >= self.limit:
                self._values.clear()
            self._values[key] = (now, value)
        return value


class KeptForScope(Generic[V]):
    """Values a process keeps per user, for what the user sees of an app, while the stamps of
    `name` and of `also` stand: what a user's filter bar offers, worked out from the rows they
    may see. The key is the user (and the person they are), today's date and the units where
    they hold `action` of `app` as it stands today (so a grant given, ended or reaching its end
    date is a new key), and the stamps of `also`. Nothing is kept while one of the stamps has no row.

        OPTIONS = generations.KeptForScope[Options]("task-assignment", "directives", also=("units",))
        OPTIONS.get(user, lambda: work_out(user))"""

    def __init__(self, name: str, app: str, action: str = "view", also: tuple[str, ...] = (),
                 limit: int = 20_000) -> None:
        self.kept = Kept[V](name, limit)
        self.app, self.action, self.also = app, action, also

    def get(self, user: Any, compute: Callable[[], V], using: str = "default") -> V:
        from django.utils import timezone

        from dieuhanh.core import access

        others = tuple(stamp(name, using) for name in self.also)
        if None in others:
            return compute()
        held = access.units(user, self.app, self.action)
        key = (user.pk, getattr(user, "person_id", None), timezone.localdate(),
               None if held is None else frozenset(held), others)
        return self.kept.get(key, compute, using)


def forget(**kwargs: Any) -> None:
    """A watched row was saved or deleted in this request: its next `stamp` reads again."""
    from dieuhanh.core import requestmemo

    for using in connections:
        requestmemo.forget((MEMO, using))


def _read(using: str) -> dict[str, int]:
    with connections[using].cursor() as cur:
        cur.execute(f"SELECT name, stamp FROM {TABLE}")  # noqa: S608 - a constant
        return dict(cur.fetchall())


def _trigger_names(vendor: str, name: str, table: str) -> list[str]:
    """The triggers' names: `generation_<name>_<table>_<op>`, or, longer than PostgreSQL's 63
    characters, `generation_<a digest of name and table>_<op>`."""
    ops = ("change",) if vendor == "postgresql" else ("insert", "update", "delete")
    base = f"generation_{name.replace('-', '_')}_{table}"
    if len(base) > 63 - len("_insert"):
        base = "generation_" + hashlib.sha256(f"{name}:{table}".encode()).hexdigest()[:16]
    return [f"{base}_{op}" for op in ops]


def install(using: str = "default") -> None:
    """(Re)write the triggers of every watched table present, and a row for every name."""
    connection = connections[using]
    vendor = connection.vendor
    with connection.cursor() as cur:
        tables = set(connection.introspection.table_names(cur))
        if TABLE not in tables:
            return
        if vendor == "postgresql":
            cur.execute(
                "CREATE OR REPLACE FUNCTION dieuhanh_generation_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # noqa: S608 - constants
                f" INSERT INTO {TABLE} (name, stamp) VALUES (TG_ARGV[0], floor(random() * 9e15)::bigint)"
                " ON CONFLICT (name) DO UPDATE SET stamp = EXCLUDED.stamp; RETURN NULL; END $$"
            )
        for name, watched in WATCHED.items():
            cur.execute(f"INSERT INTO {TABLE} (name, stamp) VALUES (%s, 1) ON CONFLICT (name) DO NOTHING", [name])  # noqa: S608
            for table in watched:
                if table not in tables:
                    continue
                for trigger in _trigger_names(vendor, name, table):
                    cur.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if vendor == "postgresql" else ""))
                update = f"UPDATE OF {', '.join(COLUMNS[name, table])}" if (name, table) in COLUMNS else "UPDATE"
                if vendor == "postgresql":
                    cur.execute(
                        f"CREATE TRIGGER {_trigger_names(vendor, name, table)[0]} AFTER INSERT OR {update} OR DELETE OR TRUNCATE"
                        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION dieuhanh_generation_move('{name}')"
                    )
                else:
                    for trigger, op in zip(_trigger_names(vendor, name, table), ("INSERT", update, "DELETE"), strict=True):
                        cur.execute(
                            f"CREATE TRIGGER {trigger} AFTER {op} ON {table} BEGIN"  # noqa: S608 - names checked by `watch`
                            f" INSERT INTO {TABLE} (name, stamp) VALUES ('{name}', random())"
                            " ON CONFLICT (name) DO UPDATE SET stamp = excluded.stamp; END"
                        )


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """After every migrate of a database the routers let migrate (never a read replica)."""
    from django.db import router

    from dieuhanh.core.models import Generation

    if router.allow_migrate_model(using, Generation):
        install(using)


def forget_if_watched(sender: Any, **kwargs: Any) -> None:
    """post_save and post_delete of any model: `forget` when its table is watched."""
    if sender._meta.db_table in _watched_tables():
        forget()


def _watched_tables() -> frozenset[str]:
    global _tables
    if _tables is None:
        _tables = frozenset(table for watched in WATCHED.values() for table in watched)
    return _tables
