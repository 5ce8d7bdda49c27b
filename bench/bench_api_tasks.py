"""Benchmark: `GET /api/v1/tasks` (first page, filtered by unit) over 50,000 tasks in SQLite.

Target (issue "Foundation"): median under 50 ms, with a bounded query count. Builds a fresh
SQLite database in a temporary directory: the test world's units and personas, 60 more wards,
and N tasks spread over them (inserted with bulk_create: this measures reads, not writes).

    .venv/bin/python bench/bench_api_tasks.py            # 50,000 tasks, 60 requests
    .venv/bin/python bench/bench_api_tasks.py --small    # 2,000 tasks, 15 requests (CI)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

import _django  # bench/_django.py: Django on a database of the benchmark's own


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--small", action="store_true", help="small size for CI")
    args = parser.parse_args()
    if args.small:
        args.tasks, args.requests = 2_000, 15

    tmp = Path(tempfile.mkdtemp(prefix="dieuhanh-bench-"))
    _django.start(tmp)
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dieuhanh.core.tokens import do_create_token
    from dieuhanh.directives.models import Task
    from dieuhanh.org.choices import UnitKind, UnitLevel
    from dieuhanh.org.models import AdminUnit
    from dieuhanh.testing import build_world

    world = build_world()
    rng = random.Random(50_000)
    with transaction.atomic():
        wards = [world.ward_a, world.ward_b] + [
            AdminUnit.objects.create(
                code=f"9{i:04d}", name=f"Phường Thử {i}", level=UnitLevel.COMMUNE, kind=UnitKind.WARD,
                parent=world.province, valid_from=dt.date(2025, 7, 1),
            )
            for i in range(60)
        ]
        today = dt.date.today()
        t0 = time.perf_counter()
        batch = []
        for i in range(args.tasks):
            assigned = today - dt.timedelta(days=rng.randint(0, 900))
            due = assigned + dt.timedelta(days=rng.randint(10, 400))
            batch.append(
                Task(
                    code=f"NV-B{i:07d}", title=f"Nhiệm vụ thử số {i} về chỉnh trang đô thị", source_document=world.resolution,
                    lead_unit=rng.choice(wards), lead_person=world.officer_a_person, accountable_person=world.leader_person,
                    assigned_on=assigned, due_date=due, original_due_date=due, expected_result="Hoàn thành theo kế hoạch",
                    completed_on=(due - dt.timedelta(days=rng.randint(-20, 20))) if rng.random() < 0.4 else None,
                    search_text=f"nhiem vu thu so {i} ve chinh trang do thi",
                )
            )
            if len(batch) == 5000:
                Task.objects.bulk_create(batch)
                batch.clear()
        Task.objects.bulk_create(batch)
    connection.cursor().execute("ANALYZE")
    print(f"setup: {args.tasks:,} tasks in {time.perf_counter() - t0:.1f} s")

    token, _ = do_create_token(user=world.leader, actor=world.leader)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    unit = world.ward_a.pk
    for _ in range(3):  # warm caches
        client.get("/api/v1/tasks", {"unit": unit})
    timings = []
    for i in range(args.requests):
        params = {"unit": unit} if i % 2 == 0 else {"unit": unit, "status": "overdue"}
        start = time.perf_counter()
        response = client.get("/api/v1/tasks", params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    # Baseline in the same run: the same count and page straight from the ORM, without HTTP,
    # authentication, scope or serialisation.
    from dieuhanh.directives.filters import TaskFilter

    base = []
    for _ in range(args.requests):
        start = time.perf_counter()
        qs = TaskFilter(unit=unit).apply(Task.objects.select_related("lead_unit", "lead_person")).order_by("due_date", "id")
        qs.count()
        list(qs[:50])
        base.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/tasks", {"unit": unit}).json()
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"GET /api/v1/tasks?unit=… over {args.tasks:,} tasks: {body['count']:,} match, page of {len(body['results'])}")
    print(f"  median {median:.1f} ms   p95 {p95:.1f} ms   min {timings[0]:.1f} ms   ({args.requests} requests)")
    print(f"  queries per request: {len(queries.captured_queries)}")
    base_median = statistics.median(base)
    print(f"  baseline (same count and page from the ORM alone): median {base_median:.1f} ms → API/ORM {median / base_median:.1f}×")
    print(f"  target: median < 50 ms → {'met' if median < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
