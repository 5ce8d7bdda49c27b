"""Benchmark: jobs per second through the queue's database backend (django_tasks_db, core/queue.py).

On a fresh SQLite database (and on PostgreSQL too when DATABASE_URL names one), it times:
1. enqueuing N no-op jobs, one transaction each (as web requests and services queue them);
2. running them with 1, then 2 `dieuhanh worker` processes: the workers are started first and
   wait on an empty queue; N jobs are committed at once, and the clock runs until the last one
   is marked successful. The figure includes everything a worker does per job: taking it under
   the queue's lock, running it, recording its result, and looking after the queue between turns
   (recovery of stopped workers' jobs, the scheduler's look at the periodic jobs).

    .venv/bin/python bench/bench_queue.py            # 2,000 jobs
    .venv/bin/python bench/bench_queue.py --small    # 200 jobs (CI)
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_queue.py   # SQLite, then PostgreSQL

On PostgreSQL the bench migrates the database it is given and removes the jobs it added.
Exit 1 if a job did not succeed or the workers did not finish within the time allowed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
TIMEOUT = 600


def measure(url: str, jobs: int, data_dir: Path) -> int:
    """In a process of its own: Django on `url`, migrate, then the three timings."""
    os.environ["DIEUHANH_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    import bench_queue  # this file as a module, so that the workers can import its job
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    call_command("migrate", verbosity=0)
    noop_task = bench_queue.noop
    path = "bench_queue.noop"
    mine = DBTaskResult.objects.filter(task_path=path)
    mine.delete()
    vendor = connection.vendor
    print(f"Hàng đợi trên {'SQLite' if vendor == 'sqlite' else 'PostgreSQL'}: {jobs:,} việc rỗng".replace(",", "."))

    t0 = time.perf_counter()
    for i in range(jobs):
        noop_task.enqueue(i)
    enqueue = time.perf_counter() - t0
    print(f"  xếp việc (mỗi việc một giao dịch): {jobs / enqueue:8.0f} việc/giây")
    mine.delete()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(BENCH)])}
    ok = True
    for n_workers in (1, 2):
        stack = contextlib.ExitStack()
        logs = [stack.enter_context((data_dir / f"worker-{n_workers}-{i}.log").open("wb")) for i in range(n_workers)]
        procs = [subprocess.Popen([sys.executable, "-m", "dieuhanh.cli", "worker", "--interval", "0.05"],
                                  env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
        try:
            from dieuhanh.core.models import WorkerBeat

            deadline = time.monotonic() + 120
            while WorkerBeat.objects.count() < n_workers:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    print(f"  các tiến trình chạy nền không khởi động được (xem {data_dir})", file=sys.stderr)
                    return 1
                time.sleep(0.05)
            time.sleep(1.5)  # past their first look after the queue and start-up pause
            with transaction.atomic():
                for i in range(jobs):
                    noop_task.enqueue(i)
            t0 = time.perf_counter()
            deadline = time.monotonic() + TIMEOUT
            while mine.exclude(status__in=("SUCCESSFUL", "FAILED")).exists():
                if time.monotonic() > deadline:
                    print(f"  {n_workers} tiến trình: chưa xong sau {TIMEOUT} giây", file=sys.stderr)
                    return 1
                time.sleep(0.02)
            seconds = time.perf_counter() - t0
            failed = mine.filter(status="FAILED").count()
            by_worker = sorted(len(set(ids)) for ids in mine.values_list("worker_ids", flat=True))
            ok &= failed == 0 and by_worker == [1] * jobs
            shares = {}
            for ids in mine.values_list("worker_ids", flat=True):
                shares[ids[0]] = shares.get(ids[0], 0) + 1
            print(f"  chạy bằng {n_workers} tiến trình: {jobs / seconds:8.0f} việc/giây "
                  f"({seconds:.2f} giây; mỗi tiến trình {', '.join(str(v) for v in sorted(shares.values()))} việc"
                  f"{'; LỖI ' + str(failed) if failed else ''})")
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
            stack.close()
            mine.delete()
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--small", action="store_true", help="200 jobs (CI)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one database, in a process of its own
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.jobs = 200
    if args.measure:
        return measure(args.measure, args.jobs, Path(args.data_dir))

    tmp = Path(tempfile.mkdtemp(prefix="dieuhanh-bench-queue-"))
    urls = [f"sqlite:///{tmp / 'bench.sqlite3'}"]
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://", "pgsql://")):
        urls.append(given)
    code = 0
    try:
        for url in urls:
            rc = subprocess.call([sys.executable, __file__, "--measure", url, "--jobs", str(args.jobs),
                                  "--data-dir", str(tmp / "var")])
            code = code or rc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "bench_queue":  # imported once Django is set up: by `measure` and by the workers
    from dieuhanh.core.queue import task

    @task()
    def noop(n: int) -> int:
        """The job: nothing but its round trip through the queue."""
        return n


if __name__ == "__main__":
    sys.exit(main())
