"""An import queued from the web page runs in a real `dieuhanh worker` process; the worker is
killed (SIGKILL) once a few batches are committed, which leaves the queued job and the import
RUNNING; a second worker finds the first one's heartbeat stale, queues the job again and runs the
same file to the end — every row of the file once, no code twice. On the database the test
shares with the workers (SQLite file, or the PostgreSQL test database)."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from dieuhanh.dossiers.choices import JobState
from dieuhanh.dossiers.tests.helpers import write_export

pytestmark = [pytest.mark.workers, pytest.mark.django_db(transaction=True)]

ROWS = 12_000
BATCH = 500
BAD_EVERY = 997  # an unknown procedure now and then: bad rows are counted across the kill too
TASKS = DBTaskResult._meta.db_table

SETUP = """
import datetime as dt, sys, django
django.setup()
from dieuhanh.dossiers import jobs
from dieuhanh.dossiers.models import Procedure
from dieuhanh.org.models import AdminUnit
reform = dt.date(2025, 7, 1)
AdminUnit.objects.create(code="10549", name="Phường Chu Văn An", level="commune", kind="ward", valid_from=reform)
AdminUnit.objects.create(code="10546", name="Phường Chí Linh", level="commune", kind="ward", valid_from=reform)
for code, days in (("1.001193", 5), ("1.004227", 1), ("2.001263", 3)):
    Procedure.objects.create(code=code, name="Thủ tục " + code, field="Hộ tịch", level="commune", processing_days=days)
from django.contrib.auth import get_user_model
admin = get_user_model().objects.create_superuser("quantri", "quantri@example.org", "Mat-khau-thu-nghiem-1")
job = jobs.submit(sys.argv[1], actor=admin)  # queued, as the web page does
print(job.pk, job.task_id)
"""


def _write_file(path: Path) -> int:
    return write_export(path, rows=ROWS, bad_every=BAD_EVERY, first_day=dt.date(2025, 7, 1), days=200)


def _wait(what, timeout: float, why) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            pytest.fail(why())
        time.sleep(0.02)


def test_a_worker_killed_mid_import_leaves_it_to_the_next_worker(shared_database, tmp_path):
    db = shared_database
    env = {**db.env, "DIEUHANH_IMPORT_BATCH_ROWS": str(BATCH), "DIEUHANH_WORKER_STALE_SECONDS": "3"}
    source = tmp_path / "ho-so.csv"
    expected = _write_file(source)
    made = subprocess.run([sys.executable, "-c", SETUP, str(source)], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120)
    assert made.returncode == 0, made.stderr[-3000:]
    job_id, task_id = made.stdout.split()
    job_id = int(job_id)

    def job() -> tuple:
        return db.query("SELECT state, processed_rows, created_rows, unchanged_rows, bad_rows, task_id "
                        "FROM dossiers_importjob WHERE id = %s", (job_id,))[0]

    def task() -> tuple:
        status, worker_ids = db.query(f"SELECT status, worker_ids FROM {TASKS} WHERE id = %s",
                                      (task_id.replace("-", "") if db.vendor == "sqlite" else task_id,))[0]
        return status, worker_ids if isinstance(worker_ids, list) else json.loads(worker_ids)

    assert job()[0] == JobState.QUEUED and job()[5] == task_id and task()[0] == "READY"
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = subprocess.Popen(db.cli("worker", "--interval", "0.2"), env=env,  # noqa: S603
                             stdout=logs[0].open("w"), stderr=subprocess.STDOUT)
    try:
        _wait(lambda: job()[1] >= 3 * BATCH or job()[0] not in (JobState.QUEUED, JobState.RUNNING)
              or first.poll() is not None, 120, logs[0].read_text)
        assert first.poll() is None and job()[0] == JobState.RUNNING, \
            f"the import ended before it could be killed: {job()} {logs[0].read_text()[-2000:]}"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL

    # What the killed worker left: the import and its queued job RUNNING, whole batches written.
    state, done, created, _, bad, _ = job()
    (stored,), = db.query("SELECT COUNT(*) FROM dossiers_dossier")
    assert state == JobState.RUNNING and 0 < done < ROWS and done % BATCH == 0
    assert stored == created == done - bad
    status, (killed_worker,) = task()
    assert status == "RUNNING"
    assert db.query("SELECT worker_id FROM core_workerbeat") == [(killed_worker,)]

    second = subprocess.Popen(db.cli("worker", "--interval", "0.2"), env=env,  # noqa: S603
                              stdout=logs[1].open("w"), stderr=subprocess.STDOUT)
    try:
        _wait(lambda: task()[0] not in ("READY", "RUNNING"), 240, logs[1].read_text)
        output = logs[1].read_text()
        # the same queued job, run again by the second worker after the first one's heartbeat went stale
        status, worker_ids = task()
        assert status == "SUCCESSFUL" and worker_ids[0] == killed_worker and len(worker_ids) == 2, output
        assert f"worker {killed_worker} stopped beating; queued again" in output
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    count, distinct = db.query("SELECT COUNT(*), COUNT(DISTINCT code) FROM dossiers_dossier")[0]
    assert count == distinct == expected
    state, done, created, unchanged, bad, _ = job()
    assert (state, done, created, unchanged, bad) == (JobState.DONE, ROWS, expected - stored, stored, ROWS - expected)
    assert db.query("SELECT COUNT(*) FROM core_workerbeat") == [(0,)]
    # whoever uploaded it is told once, with the counts of the run that completed it
    (title, body), = db.query("SELECT title, body FROM notifications_notification WHERE rule = 'import.finished'")
    assert title == "Đã nhập xong tệp «ho-so.csv»"
    assert f"thêm mới {expected - stored:,}".replace(",", ".") in body
