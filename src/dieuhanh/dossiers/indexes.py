"""The dossier table's secondary indexes, set aside while a large load fills the table and built
again once it is done.

Why: each row written into the dossier table also goes into seven secondary indexes (statistics
by unit, procedure and class, the list's order, the late-now lookup, two foreign keys). Filled
row by row, in an order that suits none of them, they cost SQLite about two thirds of a
million-row first load; built afresh from the finished table (one sort per index) they cost a
fraction of that (bench/bench_dossier_import.py measures both). So an import that will add many
rows compared with what the table holds — the first load of a province's year, not the daily
file — drops them after its first batch and builds them again at the end.

Safety:
- the unique index on the dossier code (the natural key the upsert needs) and the primary key are
  never touched;
- the dossier tally's triggers (tally.py) are set aside with them and recorded the same way;
  installing them again recounts the tally from the table;
- the definitions are read from the database itself (`sqlite_master`, `pg_indexes`: exactly what
  the migrations made) and written to the job row in the same transaction that drops them, so
  nothing is lost if the process dies: `restore_orphans()` — run when a server process starts
  (`dieuhanh serve`, `dieuhanh worker`, runserver: `jobs.on_start`), before every import, when
  stale jobs are recorded as interrupted, and by `dieuhanh import resume` — builds again the
  indexes of every job that is no longer running (its process on this machine has stopped, or
  its heartbeat is stale), and a large load that finds the indexes already aside
  builds them all again at its end (`restore_all()`);
- while they are set aside, pages that filter the dossier table read it without those indexes
  (slower statistics for the minute of a large load); the data stays correct throughout, and the
  statistics read from the tally count from the dossier table itself while the triggers are
  aside (tally.py), so they stay right too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dieuhanh.dossiers.models import Dossier, ImportJob

TABLE = Dossier._meta.db_table


def bulk_rows() -> int:
    """Projected new rows from which an import sets the indexes aside (and at least as many as the
    table already holds)."""
    return int(getattr(settings, "DIEUHANH_IMPORT_BULK_ROWS", 100_000))


def worth_it(projected_new: float, existing: int) -> bool:
    return projected_new >= bulk_rows() and projected_new >= existing


def secondary() -> list[list[str]]:
    """[name, definition] of the table's indexes other than the primary key and unique ones."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                "AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                [TABLE],
            )
        elif connection.vendor == "postgresql":
            cur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = %s AND t.relkind = 'r' "
                "AND pg_table_is_visible(t.oid) AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname",
                [TABLE],
            )
        else:  # pragma: no cover - the two databases the product supports
            return []
        return [[name, sql] for name, sql in cur.fetchall()]


def present() -> set[str]:
    return {name for name, _ in secondary()}


def set_aside(job: ImportJob) -> list[str]:
    """Drop the secondary indexes, recording their definitions on `job` in the same transaction.
    Returns the names dropped (none when another job already set them aside)."""
    from dieuhanh.dossiers import tally

    qn = connection.ops.quote_name
    with transaction.atomic():
        found = secondary()
        if not found:
            return []
        if tally.installed():  # the tally's triggers too: recounted once when they come back
            found.append([tally.TRIGGERS, ""])
        ImportJob.objects.filter(pk=job.pk).update(deferred_indexes=found)
        with connection.cursor() as cur:
            _checks_now(cur)
            for name, _ in found:
                if name == tally.TRIGGERS:
                    tally.uninstall()
                else:
                    cur.execute(f"DROP INDEX {qn(name)}")
    job.deferred_indexes = found
    return [name for name, _ in found]


def _checks_now(cur: Any) -> None:
    """PostgreSQL refuses index DDL on a table with deferred foreign-key checks still pending in
    the transaction: run them now (they would run at commit anyway)."""
    if connection.vendor == "postgresql":
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def restore(job: ImportJob) -> list[str]:
    """Build again the indexes `job` set aside (those not already there) and clear its record,
    in one transaction. Returns the names built."""
    with transaction.atomic():
        row = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("deferred_indexes", flat=True).first()
        built: list[str] = []
        if row:
            from dieuhanh.dossiers import tally

            have = present()
            with connection.cursor() as cur:
                _checks_now(cur)
                for name, sql in row:
                    if name == tally.TRIGGERS:
                        if not tally.installed():
                            tally.install()  # and recount the tally from the loaded table
                            built.append(name)
                    elif name not in have:
                        cur.execute(sql)
                        built.append(name)
            ImportJob.objects.filter(pk=job.pk).update(deferred_indexes=[])
    if built:  # a large load has just filled the table: PostgreSQL's planner must see its rows
        from dieuhanh.lib.db import refresh_planner_statistics

        refresh_planner_statistics(TABLE)
    job.deferred_indexes = []
    return built


def restore_orphans(now: dt.datetime | None = None) -> list[str]:
    """Build again the indexes set aside by jobs that are no longer running (killed, failed,
    interrupted): a live job restores its own at its end."""
    from dieuhanh.dossiers.choices import JobState
    from dieuhanh.dossiers.jobs import state_of

    now = now or timezone.now()
    built: list[str] = []
    for job in ImportJob.objects.exclude(deferred_indexes=[]).only("pk", "state", "heartbeat_at", "started_at",
                                                                       "created_at", "deferred_indexes", "task_id",
                                                                       "runner"):
        if state_of(job, now) in (JobState.RUNNING, JobState.QUEUED):
            continue
        built += restore(job)
    return built


def restore_tally() -> bool:
    """Install the tally's triggers again (recounting the tally) when they are missing and no
    running job holds them aside: a load killed before it recorded them, or any other loss.
    Returns whether they were installed."""
    from dieuhanh.dossiers import tally
    from dieuhanh.dossiers.choices import JobState
    from dieuhanh.dossiers.jobs import state_of

    if tally.installed():
        return False
    now = timezone.now()
    for job in ImportJob.objects.exclude(deferred_indexes=[]):
        if any(name == tally.TRIGGERS for name, _ in job.deferred_indexes) and state_of(job, now) in (
                JobState.RUNNING, JobState.QUEUED):
            return False  # the load puts them back at its end
    with transaction.atomic():
        tally.install()
    return True


def restore_all() -> list[str]:
    """Build again every index any job set aside, running or not: what a large load does at its
    end when it found the indexes already aside (a killed run moments ago, whose heartbeat still
    looks alive; or another load in progress, which then finishes with the indexes in place —
    slower, never wrong)."""
    built: list[str] = []
    for job in ImportJob.objects.exclude(deferred_indexes=[]).only("pk", "deferred_indexes"):
        built += restore(job)
    return built


def note(job: Any, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(message=message, heartbeat_at=timezone.now())
