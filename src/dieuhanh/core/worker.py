"""The `dieuhanh worker` process, and how `dieuhanh serve` keeps one beside the web server
(docs/decisions/0026).

`QueueWorker` is django_tasks_db's worker loop with three additions: a thread that writes the
worker's heartbeat (`WorkerBeat`) every few seconds; before each turn of the loop, the recovery
of jobs left by dead workers and the scheduler's tick (core/queue.py); and the removal of its
heartbeat when it stops. A turn runs up to TASKS_PER_TURN jobs through the library's own loop,
then the worker looks after the queue again.

SIGTERM or SIGINT stops it gracefully: the job under way is finished first (a second signal
stops it at once; the job is then marked failed by the library's loop). The first signal only
sets a flag and wakes the loop's wait: it never raises in the middle of a database call, which
could leave the connection unusable and the heartbeat row behind. A worker killed outright
leaves its job RUNNING and its heartbeat still; the next worker's recovery queues the job again."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from dieuhanh.core import queue

log = logging.getLogger("dieuhanh.queue")

TASKS_PER_TURN = 20
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"[:64]


def beat_every() -> float:
    """Seconds between two heartbeats: a sixth of the time after which a worker counts as gone
    (so a few missed beats, a busy database, do not make it look dead), at most 5 s."""
    return max(0.2, min(5.0, settings.DIEUHANH_WORKER_STALE_SECONDS / 6))


class QueueWorker(Worker):
    """A `dieuhanh worker`: see the module's docstring. With `once`, it looks after the queue,
    runs the jobs that are ready and returns."""

    def __init__(self, *, queues: Sequence[str] = ("*",), interval: float = 1.0, once: bool = False,
                 worker_id: str | None = None, startup_delay: bool = True) -> None:
        super().__init__(
            queue_names=list(queues), interval=interval, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id=worker_id or new_worker_id(), excluded_queue_names=[],
        )
        self.once = once
        self.first_delay = startup_delay and not once and interval > 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._beat: threading.Thread | None = None

    def shutdown(self, signum: int, frame: Any) -> None:
        """The first SIGTERM/SIGINT: stop after the job under way, at the next turn. The library's
        own handler exits at once (`sys.exit`) when no job runs, wherever the main thread happens
        to be: in a query of the recovery, the scheduler or the heartbeat's removal."""
        if not self.running:
            super().shutdown(signum, frame)  # the second signal: at once
            return
        log.warning("worker %s: %s received, stopping after the current step", self.worker_id,
                    signal.strsignal(signum))
        self.running = False
        self._wake.set()

    # -- heartbeat --------------------------------------------------------------------------------

    def _write_beat(self) -> None:
        from dieuhanh.core.models import WorkerBeat

        now = timezone.now()
        if not WorkerBeat.objects.filter(worker_id=self.worker_id).update(beat_at=now):
            # first beat, or the row was removed by a worker that took this one for dead
            WorkerBeat.objects.update_or_create(worker_id=self.worker_id, defaults={
                "host": socket.gethostname()[:255], "pid": os.getpid(), "queues": ",".join(self.queue_names)[:255],
                "started_at": now, "beat_at": now,
            })

    def _beat_main(self) -> None:
        try:
            while not self._stop.wait(beat_every()):
                try:
                    self._write_beat()
                except Exception:  # a busy or lost database: the next beat tries again
                    log.warning("worker %s: heartbeat not written", self.worker_id, exc_info=True)
        finally:
            connection.close()

    def _unregister(self) -> None:
        from dieuhanh.core.models import WorkerBeat

        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=10)
        try:
            running = DBTaskResult.objects.running().values_list("worker_ids", flat=True)
            if any(ids and ids[-1] == self.worker_id for ids in running):
                # stopped between taking a job and starting it: the next worker takes it over now
                WorkerBeat.objects.filter(worker_id=self.worker_id).update(beat_at=EPOCH)
            else:
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # stopping anyway; the row goes stale and is removed by the others
            log.warning("worker %s: heartbeat row not removed", self.worker_id, exc_info=True)

    # -- the loop ---------------------------------------------------------------------------------

    def look_after(self) -> None:
        """One turn's care of the queue: recover the jobs of dead workers, queue the periodic
        jobs that are due. An error here (a database that went away) is logged and tried again
        next turn; the jobs keep running meanwhile."""
        try:
            for job_id in queue.recover():
                log.warning("worker %s: job %s of a stopped worker queued again", self.worker_id, job_id)
            queue.schedule(worker_id=self.worker_id)
        except Exception:
            log.exception("worker %s: looking after the queue failed; trying again next turn", self.worker_id)

    def anything_ready(self) -> bool:
        """Is a job of this worker's queues ready? A plain read: the library's loop takes its
        exclusive transaction (on SQLite, the write lock every web request then waits for) only
        when there is something to take, not on every idle poll."""
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            ready = ready.filter(queue_name__in=self.queue_names)
        return ready.exists()

    def run(self) -> None:
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)  # not "Starting worker" every turn
        log.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        self._write_beat()
        self._beat = threading.Thread(target=self._beat_main, name=f"beat-{self.worker_id}", daemon=True)
        self._beat.start()
        try:
            self.look_after()
            if self.first_delay:
                self._wake.wait(random.random())  # workers started together do not all poll at once
            while self.running:
                before = self._run_tasks
                self.max_tasks = before + TASKS_PER_TURN
                locked = False
                try:
                    if self.anything_ready():
                        super().run()
                except OperationalError as exc:
                    # The library retries a locked database inside its transaction, not when the
                    # transaction cannot even begin (SQLite's BEGIN EXCLUSIVE under a writer): the
                    # next turn tries again, as it would after any lock.
                    if not is_locked_database_exception(exc):
                        raise
                    log.info("worker %s: database locked, trying again next turn", self.worker_id)
                    locked = True
                ran = self._run_tasks - before
                if self.once and ran < TASKS_PER_TURN and not locked:
                    break
                if not ran and self.running:
                    self._wake.wait(self.interval)
                if self.running:
                    self.look_after()
        finally:
            self._unregister()
            log.info("worker %s stopped after %d jobs", self.worker_id, self._run_tasks)


def run_worker(*, queues: Sequence[str], interval: float, once: bool) -> int:
    """The `dieuhanh worker` command: runs until SIGTERM/SIGINT (or, with `once`, until the
    queue is empty); returns how many jobs it ran."""
    for name in ("dieuhanh.queue", "django_tasks", "django.tasks"):
        logging.getLogger(name).setLevel(logging.INFO)
    # The library's loop checks the connection before and after each job, and with
    # CONN_MAX_AGE=0 that means a new connection per job. A worker keeps its own: it is one
    # long-lived client, and a broken connection is still replaced.
    for conn in connections.all():
        if conn.settings_dict.get("CONN_MAX_AGE") == 0:
            conn.settings_dict["CONN_MAX_AGE"] = None
    from dieuhanh.core.platform import run_start_hooks

    run_start_hooks("worker")  # what a killed process left to put right (dossiers: a bulk import's indexes)
    worker = QueueWorker(queues=queues, interval=interval, once=once)
    worker.configure_signals()
    try:
        worker.run()
    finally:
        worker.reset_signals()
    return worker._run_tasks


# --- `dieuhanh serve`: the web server and its worker ------------------------------------------------


def serve_with_worker(web: list[str], worker: list[str], *, queue_workers: int = 1,
                      stop_timeout: float = 30.0) -> int:
    """Run the web server command `web` and `queue_workers` worker commands as child processes
    until the web server exits or this process gets SIGTERM/SIGINT; then stop them all (SIGTERM,
    SIGKILL after `stop_timeout` s: a worker killed in a long job leaves it to the next one). A
    worker that exits on its own is reported and started again (after a pause that grows while
    it keeps dying at once). Returns the web server's exit code."""
    stopping = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stopping.set()

    def start(command: list[str]) -> subprocess.Popen[bytes]:
        # A process group of its own: Ctrl+C in the terminal reaches this process only, which
        # then stops each child once (a worker's second signal would cut its job short).
        return subprocess.Popen(command, process_group=0)  # noqa: S603 - our own interpreter and arguments

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    web_proc = start(web)
    workers: list[dict[str, Any]] = [
        {"proc": start(worker), "started": time.monotonic(), "pause": 1.0, "restart_at": None}
        for _ in range(queue_workers)
    ]
    code = 0
    try:
        while not stopping.is_set():
            rc = web_proc.poll()
            if rc is not None:
                print(f"Máy chủ web đã dừng (mã {rc}); dừng tiến trình chạy nền.", file=sys.stderr, flush=True)
                code = rc
                break
            now = time.monotonic()
            for w in workers:
                proc = w["proc"]
                if w["restart_at"] is not None:
                    if now >= w["restart_at"]:
                        w.update(proc=start(worker), started=now, restart_at=None)
                        print(f"Đã khởi động lại tiến trình chạy nền (pid {w['proc'].pid}).", file=sys.stderr,
                              flush=True)
                    continue
                wrc = proc.poll()
                if wrc is None:
                    continue
                # dying at once again and again: wait longer each time, up to a minute
                w["pause"] = min(w["pause"] * 2, 60.0) if now - w["started"] < 30 else 1.0
                w["restart_at"] = now + w["pause"]
                print(f"CẢNH BÁO: tiến trình chạy nền (pid {proc.pid}) đã dừng với mã {wrc}; khởi động lại sau "
                      f"{w['pause']:.0f} giây.", file=sys.stderr, flush=True)
            stopping.wait(0.5)
    finally:
        procs = [web_proc, *(w["proc"] for w in workers if w["restart_at"] is None)]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + stop_timeout
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code
