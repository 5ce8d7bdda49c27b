"""Background work on Django's tasks API with the database backend (docs/decisions/0026).

A function becomes a job with `@task()` (re-exported here) and is queued with
`my_task.enqueue(...)`, inside the transaction that made its data or in `transaction.on_commit`:
the queue is a table of the same database, so a worker sees the job only once that data is
committed. `dieuhanh worker` processes (core/worker.py) take the jobs; `drain()` runs the
ready ones here and now through the same loop (the command `dieuhanh reminders`, the tests, a
single-process set-up).

Two things django_tasks_db leaves to its user are done here, and each worker does them on every
turn of its loop:

- `recover()`: a worker killed in the middle of a job (SIGKILL, power cut) leaves that job
  RUNNING for ever. Every worker writes a heartbeat (`WorkerBeat`); a job RUNNING under a
  worker whose heartbeat is older than `DIEUHANH_WORKER_STALE_SECONDS`, or whose process on this
  machine no longer runs (then at once, without waiting for the heartbeat), is put back to READY,
  and the next worker runs it again from the start. Delivery is therefore at least once: a job
  must be idempotent (an import finds the rows it already wrote by their natural key).
- `schedule()`: the periodic jobs the apps declare (`PlatformApp.periodic`). For each job whose
  latest period is due, a worker inserts `ScheduledRun(job_key, period_start)` and queues the
  job in the same transaction; the unique constraint lets one insert win, so the job is queued
  once per period however many workers tick at once. Only the latest due period is queued: a
  server stopped for three days runs a daily job once when it starts, not three times."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import socket
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, OperationalError, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from dieuhanh.core.platform import PeriodicJob, platform_apps

__all__ = [
    "EVERY", "WorkerLost", "drain", "due_period", "live_workers", "pending", "periodic_jobs", "process_gone",
    "queue_period", "recover", "run_periodic", "schedule", "supersede", "task", "task_state", "this_process",
]

log = logging.getLogger("dieuhanh.queue")

EVERY = ("hour", "day", "week", "month")


class WorkerLost(Exception):
    """The exception recorded on a job whose workers vanished too many times while running it."""


def pending() -> int:
    """How many jobs wait in the queue."""
    return DBTaskResult.objects.ready().count()


def drain(*, max_tasks: int | None = None, queues: tuple[str, ...] = ("*",)) -> int:
    """Run the jobs that are ready, in this process, until none is left (or `max_tasks` ran).
    Returns how many ran.

    Inside a transaction (a test, a command's own transaction) the jobs are taken one by one
    and run by the library's `run_task`: its loop checks the connection between jobs and would
    close it there, the transaction with it."""
    worker = Worker(
        queue_names=list(queues), interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=max_tasks, worker_id="drain", excluded_queue_names=[],
    )
    if not transaction.get_connection(router.db_for_write(DBTaskResult)).in_atomic_block:
        worker.run()
        return worker._run_tasks
    ready = DBTaskResult.objects.ready().filter(backend_name="default")
    if "*" not in queues:
        ready = ready.filter(queue_name__in=queues)
    while max_tasks is None or worker._run_tasks < max_tasks:
        with transaction.atomic():
            job = ready.get_locked()
            if job is None:
                break
            job.claim(worker.worker_id)
        worker.run_task(job)
    return worker._run_tasks


# --- periodic jobs ---------------------------------------------------------------------------------


def periodic_jobs() -> list[PeriodicJob]:
    """Every app's periodic jobs, checked: a known `every`, an "HH:MM" `at`, keys unique."""
    jobs: dict[str, PeriodicJob] = {}
    for app in platform_apps():
        for job in app.periodic:
            if job.every not in EVERY:
                raise ImproperlyConfigured(f"periodic job {job.key!r}: every={job.every!r} is not one of {EVERY}")
            _at(job)
            if job.key in jobs:
                raise ImproperlyConfigured(f"periodic job {job.key!r} is declared twice")
            jobs[job.key] = job
    return list(jobs.values())


def _at(job: PeriodicJob) -> dt.timedelta:
    try:
        hours, minutes = (int(p) for p in job.at.split(":"))
        if not (0 <= hours < 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(f"periodic job {job.key!r}: at={job.at!r} is not a time HH:MM") from None
    return dt.timedelta(hours=hours, minutes=minutes)


def _start_of(every: str, local: dt.datetime) -> dt.datetime:
    if every == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if every == "week":
        return day - dt.timedelta(days=day.weekday())
    if every == "month":
        return day.replace(day=1)
    return day


def _before(every: str, start: dt.datetime) -> dt.datetime:
    if every == "hour":
        return start - dt.timedelta(hours=1)
    if every == "week":
        return start - dt.timedelta(days=7)
    if every == "month":
        return (start - dt.timedelta(days=1)).replace(day=1)
    return start - dt.timedelta(days=1)


def due_period(job: PeriodicJob, now: dt.datetime | None = None) -> dt.datetime:
    """The start (aware, in settings.TIME_ZONE) of the latest period of `job` that is due at
    `now`: the current one once its `at` has passed (an hourly job: from the hour), the one
    before until then."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = (now or timezone.now()).astimezone(zone).replace(tzinfo=None)
    start = _start_of(job.every, local)
    offset = dt.timedelta(0) if job.every == "hour" else _at(job)
    if local < start + offset:
        start = _before(job.every, start)
    return start.replace(tzinfo=zone)


def _jsonable(value: Any) -> Any:
    """A job's return value as JSON (the queue stores it): dataclasses as dicts, dates as text."""

    def default(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return dataclasses.asdict(obj)
        if isinstance(obj, (dt.date, dt.datetime)):
            return obj.isoformat()
        return str(obj)

    return json.loads(json.dumps(value, default=default))


@task()
def run_periodic(key: str, function: str, day: str) -> Any:
    """The queued run of periodic job `key`: calls `function` (dotted path) with the first day
    of the period."""
    log.info("periodic job %s for %s", key, day)
    return _jsonable(import_string(function)(dt.date.fromisoformat(day)))


def schedule(now: dt.datetime | None = None, *, worker_id: str = "", jobs: Iterable[PeriodicJob] | None = None) -> list[str]:
    """Queue every periodic job whose latest due period has not been queued yet; returns the keys
    this call queued (the others were queued before, or by another worker just now)."""
    now = now or timezone.now()
    due = {job.key: (job, due_period(job, now)) for job in (periodic_jobs() if jobs is None else jobs)}
    if not due:
        return []
    match = Q()
    for key, (_, start) in due.items():
        match |= Q(job_key=key, period_start=start)
    from dieuhanh.core.models import ScheduledRun

    done = set(ScheduledRun.objects.filter(match).values_list("job_key", flat=True))
    return [key for key, (job, start) in due.items() if key not in done and queue_period(job, start, worker_id)]


def queue_period(job: PeriodicJob, start: dt.datetime, worker_id: str = "") -> bool:
    """Record the period `start` of `job` and queue its run, in one transaction; False when that
    period was already recorded (by another worker: the unique constraint refused the row)."""
    from dieuhanh.core.models import ScheduledRun

    try:
        with exclusive_transaction(router.db_for_write(ScheduledRun)):
            result = run_periodic.enqueue(job.key, job.function, start.date().isoformat())
            ScheduledRun.objects.create(job_key=job.key, period_start=start, task_id=str(result.id),
                                        worker_id=worker_id)
    except IntegrityError:
        log.info("periodic job %s for the period from %s: already queued by another worker", job.key,
                 start.isoformat())
        return False
    except OperationalError as exc:  # SQLite busy past its timeout: the next turn tries again
        if is_locked_database_exception(exc):
            return False
        raise
    log.info("queued periodic job %s for the period from %s", job.key, start.isoformat())
    return True


# --- recovery of jobs left by dead workers -----------------------------------------------------------


def this_process() -> str:
    """"host:pid" of this process, as a job records who runs it (see `process_gone`)."""
    return f"{socket.gethostname()[:255]}:{os.getpid()}"


def _process_alive_here(host: str, pid: int) -> bool:
    """Whether `pid` is a running process of this machine (when `host` is this machine)."""
    if host != socket.gethostname()[:255] or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def _dead_here(host: str, pid: int) -> bool:
    """Whether `pid` was a process of this machine that no longer runs: known at once, without
    waiting for its heartbeat to go stale. (A process of another machine cannot be seen from
    here: only its heartbeat tells.)"""
    return host == socket.gethostname()[:255] and pid > 0 and not _process_alive_here(host, pid)


def process_gone(runner: str) -> bool:
    """Whether the process `runner` ("host:pid", `this_process()`) is known to have stopped."""
    host, _, pid = runner.rpartition(":")
    return bool(host) and pid.isdigit() and _dead_here(host, int(pid))


def _silent_workers(limit: dt.datetime, *, report: bool = False) -> set[str]:
    """The workers that are gone: those whose process on this machine no longer runs (at once,
    whatever their last heartbeat), and those whose heartbeat is older than `limit`, but for those
    whose process still runs on this machine: a worker whose heartbeat thread could not write
    (SQLite locked for a minute by an index rebuild) is silent, not gone, and its job must not run
    twice at once."""
    from dieuhanh.core.models import WorkerBeat

    silent = set()
    for worker_id, host, pid, beat in WorkerBeat.objects.values_list("worker_id", "host", "pid", "beat_at"):
        if _dead_here(host, pid):
            silent.add(worker_id)
        elif beat >= limit:
            continue
        elif _process_alive_here(host, pid):
            (log.warning if report else log.debug)("worker %s has not written its heartbeat since before %s, but its process %s still "
                        "runs here: not taken for stopped", worker_id, limit.isoformat(), pid)
        else:
            silent.add(worker_id)
    return silent


def recover(now: dt.datetime | None = None, *, stale_seconds: float | None = None) -> list[str]:
    """Put back to READY every job RUNNING under a worker that is gone (`_silent_workers`: its
    process on this machine has stopped, or its heartbeat is stale and its process is not seen
    running on this machine) (or mark the job failed when workers vanished
    under it DIEUHANH_WORKER_MAX_ATTEMPTS times), and forget those workers. Jobs of a worker that
    has no heartbeat row (`drain()`, django_tasks_db's own `db_worker`) are not touched. Returns
    the ids of the jobs recovered."""
    from dieuhanh.core.models import WorkerBeat

    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.DIEUHANH_WORKER_STALE_SECONDS if stale_seconds is None
                               else stale_seconds)
    if not _silent_workers(limit):  # the usual turn: one read of the few heartbeat rows
        return []
    recovered: list[str] = []
    try:
        with exclusive_transaction(router.db_for_write(DBTaskResult)):
            gone = _silent_workers(limit, report=True)
            if not gone:
                return []
            running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
            for job in running.only("id", "task_path", "worker_ids", "status"):
                owner = job.worker_ids[-1] if job.worker_ids else ""
                if owner not in gone:
                    continue
                if len(job.worker_ids) >= settings.DIEUHANH_WORKER_MAX_ATTEMPTS:
                    job.status = TaskResultStatus.FAILED
                    job.finished_at = now
                    job.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                    job.traceback = (f"{WorkerLost.__qualname__}: the workers {', '.join(job.worker_ids)} stopped "
                                     f"while running this job; not queued again.")
                    job.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                    log.error("job %s (%s): worker %s stopped; %d workers lost under it, marked failed",
                              job.id, job.task_path, owner, len(job.worker_ids))
                else:
                    job.status = TaskResultStatus.READY
                    job.started_at = None
                    job.save(update_fields=["status", "started_at"])
                    log.warning("job %s (%s): worker %s stopped beating; queued again", job.id, job.task_path, owner)
                recovered.append(str(job.id))
            left = {ids[-1] for ids in DBTaskResult.objects.running().values_list("worker_ids", flat=True) if ids}
            WorkerBeat.objects.filter(worker_id__in=gone - left).delete()
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return []
        raise
    return recovered


def live_workers(now: dt.datetime | None = None) -> set[str]:
    """The ids of the workers that run: a fresh heartbeat, or a process still running on this
    machine (see `recover`)."""
    from dieuhanh.core.models import WorkerBeat

    limit = (now or timezone.now()) - dt.timedelta(seconds=settings.DIEUHANH_WORKER_STALE_SECONDS)
    return set(WorkerBeat.objects.values_list("worker_id", flat=True)) - _silent_workers(limit)


def task_state(task_id: str, now: dt.datetime | None = None) -> str:
    """Where the queued job `task_id` stands: "ready" (waiting for a worker), "running" (under a
    worker whose heartbeat is fresh), "lost" (RUNNING under a worker that stopped: recovery will
    queue it again), "finished" (successful or failed) or "missing"."""
    try:
        row = DBTaskResult.objects.filter(pk=task_id).values_list("status", "worker_ids").first()
    except ValidationError:  # not a job id
        row = None
    if row is None:
        return "missing"
    status, worker_ids = row
    if status == TaskResultStatus.READY:
        return "ready"
    if status == TaskResultStatus.RUNNING:
        return "running" if worker_ids and worker_ids[-1] in live_workers(now) else "lost"
    return "finished"


def supersede(task_id: str, reason: str) -> bool:
    """Mark the queued job `task_id` failed if it has not finished (READY, or RUNNING under a
    worker that stopped), so that no worker runs it: its work has been queued again otherwise.
    Returns whether it was set aside."""
    try:
        return bool(DBTaskResult.objects.filter(
            pk=task_id, status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        ).update(status=TaskResultStatus.FAILED, finished_at=timezone.now(),
                 exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                 traceback=f"Superseded: {reason}."))
    except ValidationError:
        return False
