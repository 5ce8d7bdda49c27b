"""The dossier import proper: `_DossierImport` (one job's lookups, parsing and writing), and how
its batches are read and checked by a second process while this one writes them."""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection

from dieuhanh.core.tabular import ImportRefused
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers import indexes
from dieuhanh.dossiers.choices import JobKind
from dieuhanh.dossiers.importer.files import _batches, _Errors, _Source
from dieuhanh.dossiers.importer.lookups import Lookups
from dieuhanh.dossiers.importer.parse import RowParser
from dieuhanh.dossiers.importer.values import _SeenCodes
from dieuhanh.dossiers.importer.write import GC_EVERY, BatchWriter, _bulk_session, _fewer_collections
from dieuhanh.dossiers.models import Dossier, ImportJob

if TYPE_CHECKING:
    from dieuhanh.org.models import User


class _DossierImport(RowParser, BatchWriter):
    """One dossier import: the lookups (`Lookups`, built once), the parsing of a batch
    (`RowParser`) and its writing (`BatchWriter`)."""

    def __init__(self, job: ImportJob, layout: cols.Layout, actor: User | None, errors: _Errors) -> None:
        self.job = job
        self.layout = layout
        self.errors = errors
        Lookups.__init__(self, actor)
        self.seen = _SeenCodes()
        self.width = max(layout.index.values()) + 1
        self.counts = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "bad": 0}
        self._sql()

    def batch(self, rows: list[tuple[int, list[Any]]]) -> None:
        """Parse and check one batch of rows, then write it (one transaction)."""
        self.write(*self.parse(rows))


def _import_dossiers(source: _Source, job: ImportJob, actor: User | None, errors: _Errors, progress: Any,
                     batch_size: int) -> dict[str, int]:
    """Batches are read and checked by a second process (`parse_worker`) while this one writes
    them: parsing and writing are both Python-heavy, and two threads of one process would take
    turns on the interpreter lock instead of using the two cores. Inside a transaction (tests),
    on an in-memory database (which another process cannot open) or for a file of one batch,
    everything is done here, one batch after the other."""
    run = _DossierImport(job, source.layout, actor, errors)

    def report() -> None:
        if progress:
            progress(run.counts["processed"], source.estimate)

    if (connection.in_atomic_block or (source.estimate or 0) <= batch_size
            or (connection.vendor == "sqlite" and connection.is_in_memory_db())):  # type: ignore[attr-defined]  # SQLite's own method
        with _bulk_session(run):
            for batch in _batches(source, batch_size):
                run.batch(batch)
                report()
        return run.counts
    existing = Dossier.objects.count()
    if not existing:
        run.first_load_max_id = 0
    deferred = False  # this run set the indexes aside, or found them aside: it builds them again
    spec = {
        "path": str(source.path), "mapping": source.mapping, "job": job.pk, "batch_size": batch_size,
        "actor": getattr(actor, "pk", None), "db_name": str(connection.settings_dict["NAME"]),
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE", "dieuhanh.settings"), "data_dir": str(settings.DATA_DIR),
    }
    with _fewer_collections(), _bulk_session(run):
        try:
            for number, (good, bad, now, problems) in enumerate(_parsed_elsewhere(spec)):
                for problem in problems:
                    errors.add(*problem)
                if number == 1 and _set_indexes_aside(run, source, existing):
                    # decided on the first batch's share of new rows: a re-import adds none
                    indexes.set_aside(job)
                    deferred = True
                run.write(good, bad, now)
                report()
            if deferred:
                indexes.note(job, "Đã ghi xong các dòng; đang dựng lại chỉ mục của bảng hồ sơ.")
                indexes.restore_all()
                deferred = False
            else:
                indexes.restore_orphans()
        finally:
            if deferred:  # an error: the indexes are built again before the job is marked failed
                indexes.restore_all()
    return run.counts


class _Collected:
    """The error file as the parsing process sees it: the problems it finds travel with their
    batch, and this process writes them to the job's error file."""

    written = ""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, list[tuple[str, Any, str]]]] = []

    def add(self, rownum: int, code: str, problems: list[tuple[str, Any, str]]) -> None:
        self.items.append((rownum, code, problems))

    def take(self) -> list[tuple[int, str, list[tuple[str, Any, str]]]]:
        items, self.items = self.items, []
        return items

    def flush(self) -> None:
        return None


def _parsed_elsewhere(spec: dict[str, Any]) -> Iterator[tuple[Any, int, dt.datetime, list[Any]]]:
    """Start the parsing process (`python -m dieuhanh.dossiers.parse_worker`, a fresh
    interpreter: a web process has other threads, whose locks a fork would copy) and yield its
    batches as they come through its standard output. The pipe's small buffer keeps it at most a
    batch ahead of the writer."""
    import pickle
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "dieuhanh.dossiers.parse_worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        pickle.dump(spec, proc.stdin)
        proc.stdin.close()
        while True:
            try:
                item = pickle.load(proc.stdout)  # noqa: S301 - our own child process
            except EOFError:
                raise RuntimeError(f"tiến trình đọc tệp dừng bất ngờ (mã {proc.wait()}).") from None
            if item[0] == "done":
                return
            if item[0] == "refused":
                raise ImportRefused(item[1])
            if item[0] == "error":
                raise RuntimeError(item[1])
            yield item[1:]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.wait()


def parse_worker(spec: dict[str, Any], out: Any) -> None:
    """The parsing process (Django set up by `parse_worker.py`): reads the file, checks each
    batch (`_DossierImport.parse`, with its lookups built here too) and sends the good rows, the
    count of bad ones and their problems. If the importing process is killed, the next send
    fails on the closed pipe and this one ends too."""
    import pickle

    def send(item: tuple[Any, ...]) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        from django.contrib.auth import get_user_model

        job = ImportJob.objects.get(pk=spec["job"])
        actor = get_user_model().objects.get(pk=spec["actor"]) if spec["actor"] else None
        source = _Source(Path(spec["path"]), JobKind.DOSSIERS, spec["mapping"])
        collected = _Collected()
        run = _DossierImport(job, source.layout, actor, collected)  # type: ignore[arg-type]  # _Collected stands in for _Errors
        connection.close()  # everything the checks need is in memory now
        gc.set_threshold(GC_EVERY, *gc.get_threshold()[1:])
        for batch in _batches(source, spec["batch_size"]):
            good, bad, now = run.parse(batch)
            send(("batch", good, bad, now, collected.take()))
        source.close()
        send(("done",))
    except ImportRefused as exc:
        send(("refused", str(exc)))
    except Exception as exc:
        send(("error", f"{type(exc).__name__}: {exc}"))


def _set_indexes_aside(run: _DossierImport, source: _Source, existing: int) -> bool:
    """After the first batch: set the dossier indexes aside when the file, at the first batch's
    share of new rows, will add at least `indexes.bulk_rows()` rows and at least as many as the
    table held (see indexes.py)."""
    c = run.counts
    if not source.estimate or not c["processed"]:
        return False
    projected = c["created"] / c["processed"] * source.estimate
    return indexes.worth_it(projected, existing)
