"""An import killed mid-way leaves the database consistent, and running the file again completes
it without duplicates. The import runs as the real command (`dieuhanh import dossiers`) in a
subprocess on a SQLite file database of its own, and is killed with SIGKILL once some batches
have been committed; the database is then read directly."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from dieuhanh.dossiers import jobs
from dieuhanh.dossiers.choices import JobState
from dieuhanh.dossiers.models import ImportJob
from dieuhanh.dossiers.tests.helpers import write_export

ROWS = 60_000
BATCH = 500
BAD_EVERY = 997  # an unknown procedure now and then: bad rows are counted across the kill too

SETUP = """
import datetime as dt, django
django.setup()
from dieuhanh.dossiers.models import Procedure
from dieuhanh.org.models import AdminUnit
reform = dt.date(2025, 7, 1)
AdminUnit.objects.create(code="10549", name="Phường Sao Đỏ", level="commune", kind="ward",
                         valid_to=reform - dt.timedelta(days=1))
AdminUnit.objects.create(code="10549", name="Phường Chu Văn An", level="commune", kind="ward", valid_from=reform)
AdminUnit.objects.create(code="10546", name="Phường Chí Linh", level="commune", kind="ward", valid_from=reform)
for code, days in (("1.001193", 5), ("1.004227", 1), ("2.001263", 3)):
    Procedure.objects.create(code=code, name="Thủ tục " + code, field="Hộ tịch", level="commune", processing_days=days)
"""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIEUHANH_", "DATABASE_URL", "DJANGO_"))}
    # A large load as far as the importer is concerned: the dossier indexes are set aside after the
    # first batch, so the kill also leaves them to be built again by the next run.
    env.update(DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", DIEUHANH_DATA_DIR=str(tmp / "var"),
               DIEUHANH_IMPORT_BULK_ROWS="1000",
               DJANGO_SETTINGS_MODULE="dieuhanh.settings", PYTHONPATH=str(Path(__file__).resolve().parents[3]))
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "dieuhanh.cli", *args]


def _write_file(path: Path) -> int:
    return write_export(path, rows=ROWS, bad_every=BAD_EVERY, first_day=dt.date(2025, 6, 2), days=300)


def _read(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_killed_import_is_consistent_and_a_rerun_completes_it(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "db.sqlite3"
    subprocess.run(_cli("migrate"), env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, timeout=120)  # noqa: S603
    source = tmp_path / "ho-so.csv"
    expected = _write_file(source)
    index_sql = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dossiers_dossier' "
                 "ORDER BY name")
    indexes_before = _read(db, index_sql)
    assert len(indexes_before) >= 8

    proc = subprocess.Popen(_cli("import", "dossiers", str(source), "--batch", str(BATCH)), env=env,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    processed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            rows = _read(db, "SELECT processed_rows FROM dossiers_importjob ORDER BY id DESC LIMIT 1")
        except sqlite3.OperationalError:  # the table is busy or the job not created yet
            rows = []
        processed = rows[0][0] if rows else 0
        if processed >= 3 * BATCH:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.fail(f"the import ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # What the killed run left: whole batches, and counters that match them.
    (job_id, state, done, created, bad, beat), = _read(
        db, "SELECT id, state, processed_rows, created_rows, bad_rows, heartbeat_at FROM dossiers_importjob")
    stored, = _read(db, "SELECT COUNT(*) FROM dossiers_dossier")
    assert state == JobState.RUNNING and 0 < done < ROWS
    assert stored[0] == created == done - bad
    assert done % BATCH == 0  # batches are all or nothing
    # The indexes it had set aside are recorded on the job, definitions and all.
    (deferred,), = _read(db, "SELECT deferred_indexes FROM dossiers_importjob")
    deferred = json.loads(deferred)
    assert deferred and {name for name, _ in deferred} == {n for n, sql in indexes_before if sql} - {
        n for n, sql in indexes_before if sql and sql.startswith("CREATE UNIQUE")} | {"dossier_tally"}
    triggers = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dossier_tally%'"
    assert _read(db, triggers) == [(0,)]  # the tally's triggers are aside too
    assert not {name for name, _ in deferred} & {name for name, _ in _read(db, index_sql)}
    # Seen later by the web page, a running job whose heartbeat stopped is interrupted.
    killed = ImportJob(state=state, heartbeat_at=timezone.make_aware(dt.datetime.fromisoformat(beat), dt.UTC))
    assert jobs.state_of(killed, now=killed.heartbeat_at + jobs.STALE_AFTER + dt.timedelta(seconds=1)) == \
        JobState.INTERRUPTED

    # Run the same file again: it completes, nothing twice.
    rerun = subprocess.run(_cli("import", "dossiers", str(source), "--batch", "5000"), env=env,  # noqa: S603
                           capture_output=True, timeout=600, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    count, distinct = _read(db, "SELECT COUNT(*), COUNT(DISTINCT code) FROM dossiers_dossier")[0]
    assert count == distinct == expected
    second = _read(db, f"SELECT state, created_rows, unchanged_rows, updated_rows, bad_rows FROM dossiers_importjob "
                       f"WHERE id > {job_id}")
    assert second == [(JobState.DONE, expected - stored[0], stored[0], 0, ROWS - expected)]
    # nothing half-written: every row has its computed appointment and class
    half, = _read(db, "SELECT COUNT(*) FROM dossiers_dossier WHERE due_on IS NULL OR search = '' "
                      "OR (result_on IS NOT NULL AND timeliness = '') OR import_job_id IS NULL")
    assert half == (0,)
    assert _read(db, "SELECT COUNT(*) FROM dossiers_dossierevent") == [(0,)]
    assert _read(db, "PRAGMA foreign_key_check") == []
    # the indexes are all back, as the migrations made them, and no job holds any aside
    assert _read(db, index_sql) == indexes_before
    assert _read(db, "SELECT COUNT(*) FROM dossiers_importjob WHERE deferred_indexes != '[]'") == [(0,)]
    # and the tally's triggers, with the tally recounted: every dossier once
    assert _read(db, triggers) == [(3,)]
    assert _read(db, "SELECT SUM(n) FROM dossiers_dossiertally") == [(expected,)]
