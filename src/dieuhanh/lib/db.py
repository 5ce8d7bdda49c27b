"""Database housekeeping shared by the loaders."""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics(*tables: str) -> bool:
    """Have PostgreSQL measure the tables again (`ANALYZE`; every table when none is named) after
    a bulk load, so that its planner sees thousands of rows where it last saw none.

    Why: autovacuum analyses a table only some time after it has grown, and until then the planner
    estimates one row for a freshly filled table: it joins the task list to its documents, units
    and people by nested loops over whole tables, and a page that takes milliseconds takes minutes.
    SQLite's planner keeps no such statistics unless asked, so nothing is done there. Returns
    whether the statistics were refreshed."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables) if tables else "ANALYZE")
    return True
