"""The writing of checked dossier rows: one transaction per batch that reads the stored values of
its codes, writes only the new and changed rows with `INSERT ... ON CONFLICT (code) DO UPDATE`
(never over a dossier received on Điều Hành), appends a status event for each status change and
updates the job's counters. And the settings of a bulk load: on SQLite a larger page cache and
the foreign keys checked once per batch (`_bulk_session`); fewer runs of Python's cycle
collector (`_fewer_collections`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import operator
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers.choices import EventKind, Source
from dieuhanh.dossiers.importer.files import _Errors
from dieuhanh.dossiers.models import Dossier, DossierEvent, ImportJob, Procedure
from dieuhanh.org.models import AdminUnit

BULK_CACHE_KIB = 128 * 1024  # SQLite page cache of the importing connection
MULTI_ROW = 1_000  # rows per INSERT statement on PostgreSQL (27 parameters each, under its 65,535)
GC_EVERY = 1_000_000  # allocations between two runs of the cycle collector during an import

# The columns written, in this order. Those compared with the stored row to decide whether a
# dossier changed are the slice COMPARED (everything the export carries, and what follows from it).
WRITE_COLUMNS = (
    "code",
    "procedure_id", "unit_id", "channel", "status", "applicant_name", "received_on", "received_at", "due_on",
    "due_computed", "apology_on", "new_due_on", "result_on", "returned_on", "return_method", "timeliness",
    "current_body", "current_step",
    "source", "search", "import_job_id", "updated_at",
    "applicant_phone", "applicant_address", "supplement_note", "apology_reason", "created_at",
)
COMPARED = slice(1, 18)
_STATUS_AT = WRITE_COLUMNS.index("status")
_DATE_COLUMNS = {"received_on", "due_on", "apology_on", "new_due_on", "result_on", "returned_on", "received_at"}
_UPDATED_ON_CHANGE = WRITE_COLUMNS[1:22]  # not the fields only a native dossier has, not created_at

_first = operator.itemgetter(0)


class BatchWriter:
    """The writing of one import's batches; the import (`_DossierImport`) sets the attributes
    below and calls `_sql` once."""

    job: ImportJob
    layout: cols.Layout
    errors: _Errors
    counts: dict[str, int]
    sqlite: bool
    _adapt_datetime: Callable[[Any], Any]

    def _sql(self) -> None:
        q = connection.ops.quote_name
        table = q(Dossier._meta.db_table)
        names = ", ".join(q(c) for c in WRITE_COLUMNS)
        marks = ", ".join(["%s"] * len(WRITE_COLUMNS))
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in _UPDATED_ON_CHANGE)
        # Table and column names come from the models, values go through parameters.
        self.upsert_sql = (
            f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({q('code')}) DO UPDATE SET {sets} "  # noqa: S608
            f"WHERE {table}.{q('source')} = '{Source.IMPORT}'"
        )
        fetched = []
        for c in WRITE_COLUMNS[COMPARED]:
            # SQLite: read dates as the stored text, compared with the adapted values we write;
            # PostgreSQL returns date/datetime objects, compared with the same objects.
            fetched.append(f"CAST({q(c)} AS TEXT)" if self.sqlite and c in _DATE_COLUMNS else q(c))
        self.select_sql = (
            f"SELECT {q('code')}, {q('id')}, {q('source')}, {', '.join(fetched)} FROM {table} WHERE {q('code')} IN "  # noqa: S608
        )
        event_cols = ("dossier_id", "at", "kind", "from_status", "to_status", "job_id", "note")
        self.event_sql = (
            f"INSERT INTO {q(DossierEvent._meta.db_table)} ({', '.join(q(c) for c in event_cols)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(event_cols))})"
        )
        self.max_id_sql = f"SELECT MAX({q('id')}) FROM {table}"  # noqa: S608
        limit = connection.features.max_query_params or 10_000
        self.chunk = max(100, min(limit - 10, 5_000))
        self._multi_sql: dict[int, str] = {}
        self.ids_sql: dict[type[Model], str] = {
            model: f"SELECT {q('id')} FROM {q(model._meta.db_table)} WHERE {q('id')} IN "  # noqa: S608
            for model in (Procedure, AdminUnit)
        }

    def stored(self, codes: list[str]) -> dict[str, tuple[Any, ...]]:
        """code → (id, source, compared values...) of the dossiers already stored."""
        out: dict[str, tuple[Any, ...]] = {}
        codes = sorted(codes)  # probes the code index in order
        with connection.cursor() as cur:
            for i in range(0, len(codes), self.chunk):
                part = codes[i:i + self.chunk]
                cur.execute(self.select_sql + "(" + ", ".join(["%s"] * len(part)) + ")", part)
                for row in cur.fetchall():
                    out[row[0]] = row[1:]
        return out

    def _upsert(self, cur: Any, rows: list[tuple[Any, ...]]) -> None:
        """SQLite: one prepared statement stepped per row (`executemany`, in process). Statements
        of a thousand rows were tried: a quarter faster on 300,000 rows, but slower and 50 MB
        bigger at a million. PostgreSQL: statements of MULTI_ROW rows, so that a batch is a few
        round trips to the server rather than one per row."""
        if self.sqlite:
            cur.executemany(self.upsert_sql, rows)
            return
        for i in range(0, len(rows), MULTI_ROW):
            part = rows[i:i + MULTI_ROW]
            sql = self._multi_sql.get(len(part))
            if sql is None:
                head, tail = self.upsert_sql.split(" VALUES ", 1)
                one, conflict = tail.split(" ON CONFLICT ", 1)
                sql = self._multi_sql[len(part)] = f"{head} VALUES {', '.join([one] * len(part))} ON CONFLICT {conflict}"
            cur.execute(sql, [v for row in part for v in row])

    def _missing_ids(self, model: type[Model], ids: set[int]) -> set[int]:
        with connection.cursor() as cur:
            part = sorted(ids)
            cur.execute(self.ids_sql[model] + "(" + ", ".join(["%s"] * len(part)) + ")", part)
            return ids - {r[0] for r in cur.fetchall()}


    def write(self, good: list[tuple[int, tuple[Any, ...]]], bad: int, now: dt.datetime) -> None:
        """Write one parsed batch: the new and changed dossiers, their status events and the
        job's counters, in one transaction."""
        codes = [row[0] for _, row in good]
        processed = len(good) + bad
        write: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        created = updated = unchanged = 0
        job_id = self.job.pk
        now_db = self._adapt_datetime(now)
        note = self.job.original_name[:500]
        import_event = EventKind.IMPORT.value
        with transaction.atomic():
            if not self.foreign_keys_checked:
                # Foreign keys are checked once per batch for the distinct ids, in the batch's
                # transaction, instead of once per row by SQLite (see _bulk_session).
                for model, at in ((Procedure, 1), (AdminUnit, 2)):
                    gone = self._missing_ids(model, {row[at] for _, row in good})
                    if gone:
                        raise RuntimeError(f"{model._meta.verbose_name} (id {sorted(gone)}) vừa bị xoá trong khi nhập; "
                                           "chạy lại lượt nhập.")
            stored = self._stored_unless_first_load(codes)
            for rownum, row in good:
                old = stored.get(row[0])
                if old is None:
                    created += 1
                    write.append(row)
                    continue
                if old[1] != Source.IMPORT:
                    bad += 1
                    self.errors.add(rownum, row[0], [
                        (self.layout.header["code"], row[0], "Hồ sơ tiếp nhận trên Điều Hành, không ghi đè.")
                    ])
                    continue
                if tuple(old[2:]) == tuple(row[COMPARED]):
                    unchanged += 1
                    continue
                updated += 1
                write.append(row)
                before = old[_STATUS_AT + 1]
                if before != row[_STATUS_AT]:
                    events.append((old[0], now_db, import_event, before, row[_STATUS_AT], job_id, note))
            with connection.cursor() as cur:
                if write:
                    # In code order: the unique index on the code is then filled page by page.
                    write.sort(key=_first)
                    self._upsert(cur, write)
                if events:
                    cur.executemany(self.event_sql, events)
                if self.first_load_max_id is not None:
                    self.first_load_max_id = self._max_id(cur)
            c = self.counts
            c["processed"] += processed
            c["created"] += created
            c["updated"] += updated
            c["unchanged"] += unchanged
            c["bad"] += bad
            self.errors.flush()
            alive = ImportJob.objects.filter(pk=job_id).update(
                processed_rows=c["processed"], created_rows=c["created"], updated_rows=c["updated"],
                unchanged_rows=c["unchanged"], bad_rows=c["bad"], errors_path=self.errors.written,
                heartbeat_at=timezone.now(),
            )
            if not alive:
                raise RuntimeError("Lượt nhập vừa bị xoá trong khi chạy.")

    # False while SQLite's own foreign-key checks are off for the import (see _bulk_session).
    foreign_keys_checked = True
    # A first load (the table was empty when the job started): the largest dossier id after this
    # job's last batch. While it has not moved when the next batch begins, nobody else has added a
    # dossier, so none of the batch's codes can be stored yet (the file's own repeats are caught
    # by _SeenCodes): the lookup of stored values is skipped. None otherwise, or once it moved.
    first_load_max_id: int | None = None

    def _max_id(self, cur: Any) -> int:
        cur.execute(self.max_id_sql)
        return int(cur.fetchone()[0] or 0)

    def _stored_unless_first_load(self, codes: list[str]) -> dict[str, tuple[Any, ...]]:
        if self.first_load_max_id is not None:
            with connection.cursor() as cur:
                if self._max_id(cur) == self.first_load_max_id:
                    return {}
            self.first_load_max_id = None
        return self.stored(codes)



@contextlib.contextmanager
def _bulk_session(run: BatchWriter) -> Iterator[None]:
    """SQLite only, outside any transaction: for the duration of the import, a larger page
    cache for this connection (the code index and the dossier indexes stay in memory) and the
    foreign keys checked once per batch for its distinct procedure and unit ids (and the job) in
    the batch's own transaction — which holds SQLite's write lock, so nothing can delete them
    before it commits — instead of by SQLite once per row and per key. Together about a third
    of the write time. Both settings are restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA foreign_keys")
        foreign_keys = int(cur.fetchone()[0])
        cur.execute("PRAGMA cache_size")
        cache = int(cur.fetchone()[0])
    _bulk_pragmas(run)
    try:
        yield
    finally:
        run.foreign_keys_checked = True
        if connection.connection is not None:
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA foreign_keys = {foreign_keys}")
                cur.execute(f"PRAGMA cache_size = {cache}")


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs every 700 new containers by default; an import makes
    hundreds of thousands of rows that live for a batch, and the collector would scan them (and
    everything else alive) thousands of times for nothing: the rows hold no cycles. While the
    import runs the youngest generation is collected every GC_EVERY allocations instead (the
    setting is per process: other threads of a web process are affected for that time)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_EVERY), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _bulk_pragmas(run: BatchWriter) -> None:
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys = OFF")
            cur.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        run.foreign_keys_checked = False
