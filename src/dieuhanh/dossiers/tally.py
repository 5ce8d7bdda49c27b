"""The dossier tally: dossiers counted by (month received, receiving unit, statistics class).

The IOC overview and the derived indicators need, for a year, the dossiers received, those with a
result, early, on time or late, and those received online, by unit and by month. Counted from the
dossiers themselves that is a scan of every dossier of the year (a million in a province, seconds
on SQLite); read from the tally it is a few thousand small rows whatever the number of dossiers.

The tally is kept by the database, with row triggers on the dossier table (installed by migration
0004 with `install()`):
- insert: one more in the new row's (month, unit, class);
- delete: one less in the old row's;
- update that changes the month received, the unit or the class: one less in the old, one more in
  the new (other updates leave it alone, so a change of address costs nothing).
So every way a dossier is written keeps it right: the services, the importer, the admin,
`QuerySet.update()`, raw SQL. A large first load sets the triggers aside with the indexes
(indexes.py: the triggers would make each insert 1.6 times as slow) and installs them again at
its end, which recounts the whole tally in the same transaction. It is committed or rolled back
with the dossier that changed it. Counts that fall to 0 stay as rows of 0 (harmless; `rebuild()`
drops them).

`rebuild()` recounts the whole tally from the dossiers (a repair; a test checks the triggers and
the recount agree after every kind of change). `counts()` and `sums()` read it — or, while the
triggers are not installed (a large load under way, or killed and not yet repaired by the next
start of a server process: dossiers/jobs.on_start; a restore that lost them), count the same rows
from the dossiers, so the statistics are never read from a tally that stopped following the
table. Which of the two is read is decided inside the one statement that reads them (the
database's catalogue of triggers read there, each branch gated by it): no query of its own, and
a trigger dropped by another process a moment ago is seen at once.

What the tally cannot tell: anything that depends on today (late now, due soon: those stay
queries on the open dossiers, which are few and indexed) and ranges that are not whole months
(the statistics page with its day-to-day range counts from the dossiers' covering indexes)."""

# The SQL below is built only from this module's constant table and column names; values are
# always passed as parameters.
# ruff: noqa: S608
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, connections, transaction

from dieuhanh.core import replicas

DOSSIER = "dossiers_dossier"
TALLY = "dossiers_dossiertally"
KEY = "month, unit_id, stats_class"

_SQLITE_MONTH = "date({}.received_on, 'start of month')"
_PG_MONTH = "date_trunc('month', {}.received_on)::date"
_CHANGED = (
    "OLD.unit_id IS {op} NEW.unit_id OR OLD.received_on IS {op} NEW.received_on "
    "OR OLD.stats_class IS {op} NEW.stats_class"
)


def _sqlite_sql() -> list[str]:
    def plus(row: str) -> str:
        return (
            f"INSERT INTO {TALLY} ({KEY}, n) VALUES ({_SQLITE_MONTH.format(row)}, {row}.unit_id, {row}.stats_class, 1) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;"
        )

    def minus(row: str) -> str:
        return (
            f"UPDATE {TALLY} SET n = n - 1 WHERE month = {_SQLITE_MONTH.format(row)} "
            f"AND unit_id = {row}.unit_id AND stats_class = {row}.stats_class;"
        )

    return [
        f"CREATE TRIGGER dossier_tally_insert AFTER INSERT ON {DOSSIER} BEGIN {plus('NEW')} END",
        f"CREATE TRIGGER dossier_tally_delete AFTER DELETE ON {DOSSIER} BEGIN {minus('OLD')} END",
        f"CREATE TRIGGER dossier_tally_update AFTER UPDATE ON {DOSSIER} "
        f"WHEN {_CHANGED.format(op='NOT')} BEGIN {minus('OLD')} {plus('NEW')} END",
    ]


def _pg_sql() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION dossier_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE {TALLY} SET n = n - 1
     WHERE month = {_PG_MONTH.format('OLD')} AND unit_id = OLD.unit_id AND stats_class = OLD.stats_class;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO {TALLY} ({KEY}, n) VALUES ({_PG_MONTH.format('NEW')}, NEW.unit_id, NEW.stats_class, 1)
    ON CONFLICT ({KEY}) DO UPDATE SET n = {TALLY}.n + 1;
  END IF;
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER dossier_tally_insert_delete AFTER INSERT OR DELETE ON {DOSSIER} "
        "FOR EACH ROW EXECUTE FUNCTION dossier_tally()",
        f"CREATE TRIGGER dossier_tally_update AFTER UPDATE ON {DOSSIER} "
        f"FOR EACH ROW WHEN ({_CHANGED.format(op='DISTINCT FROM')}) EXECUTE FUNCTION dossier_tally()",
    ]


def _drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS dossier_tally_insert_delete ON {DOSSIER}",
            f"DROP TRIGGER IF EXISTS dossier_tally_update ON {DOSSIER}",
            "DROP FUNCTION IF EXISTS dossier_tally()",
        ]
    return [f"DROP TRIGGER IF EXISTS dossier_tally_{op}" for op in ("insert", "delete", "update")]


def _month_sql(vendor: str) -> str:
    return (_PG_MONTH if vendor == "postgresql" else _SQLITE_MONTH).format(DOSSIER)


def install(schema_editor: Any = None) -> None:
    """Create the triggers (and, on PostgreSQL, their function); then count what is there."""
    conn = schema_editor.connection if schema_editor is not None else connection
    if conn.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"dossier tally triggers for {conn.vendor}")
    with conn.cursor() as cur:
        for sql in _drop_sql(conn.vendor):
            cur.execute(sql)
        for sql in _pg_sql() if conn.vendor == "postgresql" else _sqlite_sql():
            cur.execute(sql)
    rebuild(conn)


TRIGGERS = "dossier_tally"  # how the triggers are named where a large load records them as set aside


def installed(conn: Any = None) -> bool:
    """Whether every one of the triggers is there (one missing, and the tally no longer follows)."""
    conn = conn or connection
    with conn.cursor() as cur:
        cur.execute(f"SELECT CASE WHEN {_installed_sql(conn.vendor)} THEN 1 ELSE 0 END", ())
        return bool(cur.fetchone()[0])


def uninstall(schema_editor: Any = None) -> None:
    conn = schema_editor.connection if schema_editor is not None else connection
    with conn.cursor() as cur:
        for sql in _drop_sql(conn.vendor):
            cur.execute(sql)


def rebuild(conn: Any = None) -> int:
    """Recount the tally from the dossiers, in one transaction; returns the number of rows."""
    conn = conn or connection
    with transaction.atomic(using=conn.alias), conn.cursor() as cur:
        if conn.vendor == "postgresql":  # no dossier may change while it is counted
            cur.execute(f"LOCK TABLE {DOSSIER} IN SHARE MODE")
        cur.execute(f"DELETE FROM {TALLY}")
        cur.execute(
            f"INSERT INTO {TALLY} ({KEY}, n) SELECT {_month_sql(conn.vendor)}, unit_id, stats_class, COUNT(*) "
            f"FROM {DOSSIER} GROUP BY 1, 2, 3"
        )
        return cur.rowcount


def recount(conn: Any = None) -> dict[tuple[dt.date, int, int], int]:
    """What the tally should hold, counted from the dossiers: {(month, unit, class): n}."""
    conn = conn or connection
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT {_month_sql(conn.vendor)}, unit_id, stats_class, COUNT(*) FROM {DOSSIER} GROUP BY 1, 2, 3"
        )
        return {(_day(m), u, c): n for m, u, c, n in cur.fetchall()}


def stored(conn: Any = None) -> dict[tuple[dt.date, int, int], int]:
    """What the tally holds (rows of 0 left out): {(month, unit, class): n}."""
    conn = conn or connection
    with conn.cursor() as cur:
        cur.execute(f"SELECT {KEY}, n FROM {TALLY} WHERE n <> 0")
        return {(_day(m), u, c): n for m, u, c, n in cur.fetchall()}


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _installed_sql(vendor: str) -> str:
    """`installed()` as an SQL condition, for a statement that reads the tally (a `%` doubled:
    the statement has parameters)."""
    if vendor == "postgresql":
        return "(SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'dossier_tally%%' AND NOT tgisinternal) >= 2"
    return "(SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dossier_tally%%') >= 3"


def _statement(
    first: dt.date, last: dt.date, units: list[int] | None, vendor: str, *, by: str = "", mask: int = 0xFF
) -> tuple[str, list[Any]]:
    """The one statement `counts` (`by` empty: the rows month, unit_id, stats_class, n) and `sums`
    (`by`: unit_id or month, then stats_class & mask, n) run, over the months from `first`'s to
    `last`'s and `units` (None: all; at most 900, listed once for both branches). It reads the
    tally while its triggers are installed, else — a large load set them aside, a killed one
    left them so until the next start, a restore lost them — counts the same rows from the
    dossiers of those months: slower, never stale. Each branch is gated by the check of the
    triggers, a one-row table joined first, so the database reads only the branch that answers
    (SQLite would test a plain condition on a subquery once for every dossier)."""
    installed = _installed_sql(vendor)
    start, end = first.replace(day=1), last.replace(day=1)
    after = (end + dt.timedelta(days=32)).replace(day=1)
    with_units, of_units = "", ""
    if units is not None:
        with_units = f"WITH wanted(unit_id) AS (VALUES {', '.join(['(%s)'] * len(units))}) "
        of_units = " AND unit_id IN (SELECT unit_id FROM wanted)"
    month = _month_sql(vendor)
    if by:
        tallied, counted, group, masks = (f"{by}, stats_class & %s, SUM(n)",
                                          f"{month if by == 'month' else by}, stats_class & %s, COUNT(*)",
                                          " GROUP BY 1, 2", [mask])
    else:
        tallied, counted, group, masks = ("month, unit_id, stats_class, n",
                                          f"{month} AS month, unit_id, stats_class, COUNT(*) AS n", "", [])
    sql = (
        f"{with_units}SELECT {tallied} FROM (SELECT 1 AS gate WHERE {installed}) AS tallied CROSS JOIN {TALLY} "
        f"WHERE month >= %s AND month <= %s AND n <> 0{of_units}{group} "
        f"UNION ALL SELECT {counted} FROM (SELECT 1 AS gate WHERE NOT {installed}) AS live CROSS JOIN {DOSSIER} "
        f"WHERE received_on >= %s AND received_on < %s{of_units}{group or ' GROUP BY 1, 2, 3'}"
    )
    return sql, [*(units or ()), *masks, start, end, *masks, start, after]


def counts(
    first: dt.date, last: dt.date, units: Iterable[int] | None = None, *, using: str | None = None
) -> list[tuple[dt.date, int, int, int]]:
    """(month, unit, class, n) for the months from `first`'s to `last`'s, of the units given
    (None: all). Plain tuples read from the cursor: a province's year is some thousands of rows.
    One query. `using` defaults to where the ORM reads here (a replica inside
    `reading_statistics()`)."""
    using = using or replicas.read_db()
    ids: list[int] | None = None
    if units is not None:
        ids = sorted(set(units))
        if not ids:
            return []
        if len(ids) > 900:  # more than SQLite takes in one statement: filter here
            wanted = set(ids)
            return [r for r in counts(first, last, using=using) if r[1] in wanted]
    sql, params = _statement(first, last, ids, connections[using].vendor)
    with connections[using].cursor() as cur:
        cur.execute(sql, params)
        return [(_day(m), u, c, n) for m, u, c, n in cur.fetchall()]


def sums(
    first: dt.date, last: dt.date, units: Iterable[int] | None = None, *, by: str = "unit_id", mask: int = 0xFF,
    using: str | None = None,
) -> list[tuple[Any, int, int]]:
    """(unit or month, class & mask, n) summed in SQL over the months from `first`'s to `last`'s:
    a hundred units give some hundreds of rows, not one per month and class. One query."""
    if by not in ("unit_id", "month"):
        raise ValueError(f"sums by {by!r}")
    using = using or replicas.read_db()
    ids: list[int] | None = None
    wanted: set[int] | None = None
    if units is not None:
        wanted = set(units)
        if not wanted:
            return []
        if len(wanted) <= 900:
            ids, wanted = sorted(wanted), None
        elif by == "month":  # more units than one statement takes: folded here from the rows
            folded: dict[tuple[dt.date, int], int] = {}
            for month, _unit, cls, n in counts(first, last, wanted, using=using):
                folded[month, cls & mask] = folded.get((month, cls & mask), 0) + n
            return [(m, c, n) for (m, c), n in folded.items()]
    sql, params = _statement(first, last, ids, connections[using].vendor, by=by, mask=mask)
    with connections[using].cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    if by == "month":
        return [(_day(k), c, n) for k, c, n in found]
    return [(k, c, n) for k, c, n in found if wanted is None or k in wanted]
