"""A bulk import killed mid-load (SIGKILL, as a power cut would) leaves the dossier indexes and the
tally's triggers aside. Meanwhile the statistics still equal the dossiers counted directly (the
tally is read from the table while its triggers are aside); the job reads as interrupted at once,
since its process on this machine has stopped, and `dieuhanh import resume` runs it without
waiting; and the next start of a server process (`dieuhanh worker`) builds the indexes and the
triggers again before it does anything else. The import runs as the real command in a subprocess
on a SQLite file database of its own; the other processes are real commands too."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from dieuhanh.dossiers.choices import JobState
from dieuhanh.dossiers.tests.test_import_kill import BATCH, SETUP, _cli, _env, _read, _write_file

TRIGGERS = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dossier_tally%'"
INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dossiers_dossier' ORDER BY name"

# Run in another process on the killed import's database: what the IOC and the derived indicators
# read (tally.sums, tally.counts, the state the job page shows), and the dossiers counted directly.
STATS = """
import datetime as dt, json, django
django.setup()
from django.db import connection
from dieuhanh.dossiers import jobs, tally
from dieuhanh.dossiers.models import ImportJob
first, last = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
with connection.cursor() as cur:
    cur.execute("SELECT unit_id, stats_class & 3, COUNT(*) FROM dossiers_dossier GROUP BY 1, 2")
    direct = sorted(list(r) for r in cur.fetchall())
by_unit = sorted([u, c, n] for u, c, n in tally.sums(first, last, by="unit_id", mask=3))
counted = {}
for _m, u, c, n in tally.counts(first, last):
    counted[(u, c & 3)] = counted.get((u, c & 3), 0) + n
job = ImportJob.objects.get()
print(json.dumps({"installed": tally.installed(), "direct": direct, "sums": by_unit,
                  "counts": sorted([u, c, n] for (u, c), n in counted.items()), "seen": jobs.state_of(job)}))
"""


def _kill_mid_load(env: dict[str, str], db, source) -> None:
    proc = subprocess.Popen(_cli("import", "dossiers", str(source), "--batch", str(BATCH)), env=env,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            rows = _read(db, "SELECT processed_rows FROM dossiers_importjob ORDER BY id DESC LIMIT 1")
        except sqlite3.OperationalError:  # busy, or the job not created yet
            rows = []
        if rows and rows[0][0] >= 3 * BATCH:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        _, err = proc.communicate()
        pytest.fail(f"the import ended before it could be killed: {err.decode()[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_a_killed_bulk_import_keeps_statistics_right_and_is_put_right_at_the_next_start(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "db.sqlite3"
    subprocess.run(_cli("migrate"), env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, timeout=120)  # noqa: S603
    indexes_before = _read(db, INDEXES)
    source = tmp_path / "ho-so.csv"
    expected = _write_file(source)
    _kill_mid_load(env, db, source)

    # Left aside by the killed load: its secondary indexes and the tally's triggers.
    (job_id, state, deferred), = _read(db, "SELECT id, state, deferred_indexes FROM dossiers_importjob")
    assert state == JobState.RUNNING and json.loads(deferred)
    assert _read(db, TRIGGERS) == [(0,)] and len(_read(db, INDEXES)) < len(indexes_before)
    (stored,), = _read(db, "SELECT COUNT(*) FROM dossiers_dossier")
    assert stored > 0

    # Meanwhile: the statistics equal the dossiers counted directly; the job reads as interrupted
    # at once (its heartbeat is seconds old, but its process is gone).
    seen = subprocess.run([sys.executable, "-c", STATS], env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert seen.returncode == 0, seen.stderr[-3000:]
    stats = json.loads(seen.stdout)
    assert stats["installed"] is False
    assert stats["sums"] == stats["counts"] == stats["direct"] and sum(n for *_, n in stats["direct"]) == stored
    assert stats["seen"] == JobState.INTERRUPTED

    # The next server process to start (here a worker with nothing queued) puts them back first.
    started = subprocess.run(_cli("worker", "--once"), env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert started.returncode == 0, started.stderr[-3000:]
    assert _read(db, INDEXES) == indexes_before
    assert _read(db, TRIGGERS) == [(3,)]
    assert _read(db, "SELECT SUM(n) FROM dossiers_dossiertally") == [(stored,)]
    assert _read(db, "SELECT state, deferred_indexes FROM dossiers_importjob") == [(JobState.INTERRUPTED, "[]")]
    assert "Traceback" not in started.stderr

    # And the operator resumes it at once, without --force: it completes, nothing twice.
    resumed = subprocess.run(_cli("import", "resume", str(job_id), "--batch", "5000"), env=env,  # noqa: S603
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-2000:]
    assert _read(db, "SELECT COUNT(*), COUNT(DISTINCT code) FROM dossiers_dossier") == [(expected, expected)]
    assert _read(db, "SELECT state FROM dossiers_importjob") == [(JobState.DONE,)]
    assert _read(db, "SELECT SUM(n) FROM dossiers_dossiertally") == [(expected,)]
    assert _read(db, INDEXES) == indexes_before
