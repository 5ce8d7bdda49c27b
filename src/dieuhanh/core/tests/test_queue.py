"""The queue (core/queue.py, core/worker.py): periods of periodic jobs in local time, each period
queued once (and only the latest when periods were missed), jobs of a stopped worker queued
again, and — with real processes on a database they share with the test — two workers racing on
the same periods, and `dieuhanh serve` keeping a worker beside gunicorn."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import threading
import time
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dieuhanh.core import queue
from dieuhanh.core.models import ScheduledRun, WorkerBeat
from dieuhanh.core.platform import PeriodicJob
from dieuhanh.testing import EXAMPLE_APP

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TASKS = DBTaskResult._meta.db_table


def example_jobs() -> dict[str, PeriodicJob]:
    """The example app's periodic jobs (one for each kind of period), by their function's name."""
    return {j.function.rsplit(".", 1)[1]: j for j in queue.periodic_jobs() if j.function.startswith(EXAMPLE_APP)}


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=HCM)


def test_the_due_period_is_the_latest_whose_time_has_come():
    hourly = PeriodicJob("h", "x.y", "hour", "07:30")  # an hourly job is due from the hour
    daily = PeriodicJob("d", "x.y", "day", "01:00")
    weekly = PeriodicJob("w", "x.y", "week", "07:00")
    monthly = PeriodicJob("m", "x.y", "month", "08:00")
    wed = local(2026, 3, 18, 0, 30)  # a Wednesday, 00:30 in Hà Nội (17:30 UTC the day before)
    assert queue.due_period(hourly, wed) == local(2026, 3, 18, 0, 0)
    assert queue.due_period(daily, wed) == local(2026, 3, 17)  # today's is due from 01:00
    assert queue.due_period(daily, wed.replace(hour=1)) == local(2026, 3, 18)
    assert queue.due_period(weekly, wed) == local(2026, 3, 16)  # the week from Monday
    assert queue.due_period(weekly, local(2026, 3, 16, 6, 59)) == local(2026, 3, 9)
    assert queue.due_period(monthly, local(2026, 3, 1, 7, 59)) == local(2026, 2, 1)
    assert queue.due_period(monthly, local(2026, 1, 1, 7, 59)) == local(2025, 12, 1)
    assert queue.due_period(monthly, local(2026, 3, 31, 23, 0)) == local(2026, 3, 1)
    # the same instant given in UTC
    assert queue.due_period(daily, wed.astimezone(dt.UTC)) == local(2026, 3, 17)


@pytest.mark.django_db
def test_each_period_is_queued_once_and_run_with_its_first_day(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    keys = {job.key for job in queue.periodic_jobs()}
    example = example_jobs()
    assert set(example) == {"hourly", "daily", "weekly", "monthly"}
    assert {"petitions.sweep", "dossiers.import_stale"} <= keys
    now = local(2026, 3, 18, 10, 15)
    assert set(queue.schedule(now, worker_id="a")) == keys
    assert queue.schedule(now + dt.timedelta(minutes=20), worker_id="b") == []  # same periods: nothing
    assert ScheduledRun.objects.count() == len(keys) == queue.pending()
    # Without the look first, the unique row refuses a second insert, and nothing is queued.
    assert queue.queue_period(example["daily"], local(2026, 3, 18)) is False
    assert queue.pending() == len(keys)

    assert queue.drain() == len(keys)
    lines = sorted((tmp_path / "periodic-example.log").read_text().split("\n")[:-1])
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "daily 2026-03-18", "hourly 2026-03-18", "monthly 2026-03-01", "weekly 2026-03-16"]
    sweep = DBTaskResult.objects.get(pk=ScheduledRun.objects.get(job_key="petitions.sweep").task_id)
    assert sweep.status == "SUCCESSFUL" and sweep.return_value["checked"] == 0  # its result, as JSON

    # The next hour brings the runs of the jobs whose period changed: the hourly ones.
    later = local(2026, 3, 18, 11, 0)
    changed = {j.key for j in queue.periodic_jobs() if queue.due_period(j, later) != queue.due_period(j, now)}
    assert {example["hourly"].key, "dossiers.import_stale"} <= changed
    assert not changed & ({example[name].key for name in ("daily", "weekly", "monthly")} | {"petitions.sweep"})
    assert set(queue.schedule(later)) == changed


@pytest.mark.django_db
def test_a_missed_period_runs_once_not_once_per_period_missed():
    weekly = example_jobs()["weekly"]
    ScheduledRun.objects.create(job_key=weekly.key, period_start=local(2026, 2, 2))
    # No worker ran for five weeks: one run, for the week under way.
    assert queue.schedule(local(2026, 3, 12, 9, 0), jobs=[weekly]) == [weekly.key]
    assert queue.schedule(local(2026, 3, 13, 9, 0), jobs=[weekly]) == []
    assert list(ScheduledRun.objects.order_by("period_start").values_list("period_start", flat=True)) == [
        local(2026, 2, 2), local(2026, 3, 9)]
    (job,) = DBTaskResult.objects.all()
    assert job.args_kwargs["args"] == [weekly.key, weekly.function, "2026-03-09"]


@pytest.mark.django_db
def test_a_job_left_running_by_a_stopped_worker_is_queued_again(settings):
    now = timezone.now()
    old = now - dt.timedelta(seconds=settings.DIEUHANH_WORKER_STALE_SECONDS + 5)
    WorkerBeat.objects.create(worker_id="stopped", host="a", pid=1, started_at=old, beat_at=old)
    WorkerBeat.objects.create(worker_id="alive", host="b", pid=2, started_at=old, beat_at=now)
    # silent (its heartbeat could not be written: a database locked for a minute) but its process
    # runs on this machine: not taken for stopped, its job not run twice at once
    WorkerBeat.objects.create(worker_id="silent", host=socket.gethostname(), pid=os.getpid(), started_at=old,
                              beat_at=old)

    def running(*worker_ids: str) -> DBTaskResult:
        task = DBTaskResult.objects.get(pk=queue.run_periodic.enqueue("k", f"{EXAMPLE_APP}.jobs.daily",
                                                                      "2026-03-18").id)
        for worker_id in worker_ids:
            task.claim(worker_id)
        return task

    left = running("stopped")
    busy = running("alive")
    elsewhere = running("drain")  # a worker without heartbeat (drain, db_worker): not judged
    held = running("silent")
    doomed = running(*["stopped"] * settings.DIEUHANH_WORKER_MAX_ATTEMPTS)
    assert queue.task_state(str(left.id)) == "lost" and queue.task_state(str(busy.id)) == "running"
    assert queue.task_state(str(held.id)) == "running"

    assert set(queue.recover()) == {str(left.id), str(doomed.id)}
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses == {left.id: "READY", busy.id: "RUNNING", elsewhere.id: "RUNNING", held.id: "RUNNING",
                        doomed.id: "FAILED"}
    assert DBTaskResult.objects.get(pk=doomed.id).exception_class_path == "dieuhanh.core.queue.WorkerLost"
    # the stopped one is forgotten
    assert set(WorkerBeat.objects.values_list("worker_id", flat=True)) == {"alive", "silent"}
    assert queue.recover() == []

    assert queue.drain() == 1  # the next worker runs it again, and its history shows both
    left.refresh_from_db()
    assert left.status == "SUCCESSFUL" and left.worker_ids == ["stopped", "drain"]


@pytest.mark.django_db(transaction=True)
def test_the_first_stop_signal_ends_the_turn_without_raising_where_the_worker_stands(settings):
    """SIGTERM while the worker is between jobs (in a query of the recovery, the scheduler or the
    heartbeat's removal) must not raise there: the stop is taken at the next turn, and the worker
    removes its heartbeat row. A second signal stops it at once."""
    from dieuhanh.core.worker import QueueWorker

    worker = QueueWorker(interval=30, startup_delay=False)
    calls = []

    def look_after() -> None:  # the signal arrives while the worker looks after the queue
        calls.append(WorkerBeat.objects.filter(worker_id=worker.worker_id).count())
        worker.shutdown(signal.SIGTERM, None)
        calls.append("after the signal")

    worker.look_after = look_after  # type: ignore[method-assign]
    started = time.monotonic()
    worker.run()  # returns at once: the interval's wait is woken by the signal
    assert time.monotonic() - started < 10
    assert calls == [1, "after the signal"]
    assert not WorkerBeat.objects.filter(worker_id=worker.worker_id).exists()
    with pytest.raises(SystemExit):
        worker.shutdown(signal.SIGTERM, None)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_finds_the_database_locked_tries_again(caplog):
    """Another connection writing when the worker begins its exclusive transaction (SQLite):
    the worker logs it and tries again next turn, and runs the job once the lock is gone; it
    does not die of it."""
    from django.db import connection, connections

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL waits for the row lock instead of refusing the transaction")
    from dieuhanh.core.worker import QueueWorker

    job = queue.run_periodic.enqueue("k", f"{EXAMPLE_APP}.jobs.daily", "2026-03-18")
    worker = QueueWorker(interval=0.05, once=True, startup_delay=False)
    holding, release = threading.Event(), threading.Event()

    def hold_a_write_transaction() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute(f"UPDATE {TASKS} SET priority = priority")
                holding.set()
                release.wait(10)
                cursor.execute("COMMIT")
        finally:
            connections["default"].close()

    locker = threading.Thread(target=hold_a_write_transaction)
    looked_after = []

    def look_after() -> None:  # the first turn starts with another connection writing
        if not looked_after:
            locker.start()
            assert holding.wait(10)
            threading.Timer(0.5, release.set).start()
        looked_after.append(1)

    worker.look_after = look_after  # type: ignore[method-assign]
    with caplog.at_level("INFO", logger="dieuhanh.queue"):
        worker.run()
    locker.join(10)
    assert "database locked, trying again" in caplog.text
    assert worker._run_tasks == 1 and len(looked_after) > 1
    assert DBTaskResult.objects.get(pk=job.id).status == "SUCCESSFUL"


# --- real processes ------------------------------------------------------------------------------


def _wait(what, timeout: float, why) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            pytest.fail(why())
        time.sleep(0.1)


def _stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_two_workers_queue_each_period_once(shared_database, tmp_path):
    """Both workers look for the due periods as they start. On PostgreSQL the test makes them
    collide for sure: it holds a lock that lets them read but not insert the period rows until
    both have looked (and found nothing), so both insert every period and the unique constraint
    alone decides. On SQLite the writers are serialised by the database's lock: they race on
    who looks first."""
    from django.db import connection, transaction

    db = shared_database
    keys = sorted(job.key for job in queue.periodic_jobs())
    logs = [(tmp_path / f"worker-{i}.log").open("w") for i in range(2)]

    def output() -> str:
        return "\n".join((tmp_path / f"worker-{i}.log").read_text()[-3000:] for i in range(2))

    def start() -> list[subprocess.Popen]:
        return [subprocess.Popen(db.cli("worker", "--interval", "0.2"), env=db.env, stdout=log,  # noqa: S603
                                 stderr=subprocess.STDOUT) for log in logs]

    def started() -> bool:
        return len(db.query("SELECT worker_id FROM core_workerbeat")) == 2

    workers: list[subprocess.Popen] = []
    try:
        if db.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE core_scheduledrun IN SHARE MODE")  # reads pass, inserts wait
                workers = start()
                _wait(started, 60, output)

                def both_wait_to_insert() -> bool:  # both have looked, found nothing due yet, and wait
                    cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE relation = 'core_scheduledrun'::regclass"
                                   " AND NOT granted")
                    return cursor.fetchone()[0] >= 2

                _wait(both_wait_to_insert, 60, output)
        else:
            workers = start()
            _wait(started, 60, output)
        done = f"SELECT COUNT(*) FROM {TASKS} WHERE status = 'SUCCESSFUL'"
        _wait(lambda: db.query(done)[0][0] >= len(keys), 60, output)
        time.sleep(1)  # a few more turns of both loops: nothing more is queued
        runs = db.query("SELECT job_key FROM core_scheduledrun ORDER BY job_key")
        assert [key for (key,) in runs] == keys
        tasks = db.query(f"SELECT status FROM {TASKS}")
        assert tasks == [("SUCCESSFUL",)] * len(keys)
        lines = (Path(db.env["DIEUHANH_DATA_DIR"]) / "periodic-example.log").read_text().splitlines()
        assert sorted(line.split()[0] for line in lines) == ["daily", "hourly", "monthly", "weekly"]
        if db.vendor == "postgresql":  # the collision did happen, and the constraint settled it
            # in the whole logs: the lines of the tasks run afterwards can push it out of output()'s tails
            whole = "\n".join((tmp_path / f"worker-{i}.log").read_text() for i in range(2))
            assert "already queued by another worker" in whole, output()
    finally:
        codes = [_stop(w) for w in workers]
        for log in logs:
            log.close()
    assert codes == [0, 0]  # SIGTERM: a graceful stop
    assert db.query("SELECT COUNT(*) FROM core_workerbeat") == [(0,)]  # each removed its heartbeat


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs its own SQLite server; once is enough")
def test_serve_keeps_a_worker_beside_the_web_server(shared_database, tmp_path):
    db = shared_database
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    serve = subprocess.Popen(db.cli("serve", "--port", str(port), "--workers", "1"), env=db.env,  # noqa: S603
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        def beats() -> list[int]:
            return [pid for (pid,) in db.query("SELECT pid FROM core_workerbeat")]

        _wait(lambda: len(beats()) == 1, 60, log_path.read_text)
        (first,) = beats()
        assert first in _children(serve.pid)  # a child of serve, beside gunicorn's master
        assert len(_children(serve.pid)) == 2
        os.kill(first, signal.SIGKILL)  # the worker dies: serve says so and starts another
        _wait(lambda: any(pid != first and pid in _children(serve.pid) for pid in beats()), 60, log_path.read_text)
        assert "tiến trình chạy nền" in log_path.read_text()
        children = _children(serve.pid)
    finally:
        code = _stop(serve)
        log.close()
    assert code == 0
    for pid in children:  # stopping serve stopped them all
        assert not Path(f"/proc/{pid}").exists()
