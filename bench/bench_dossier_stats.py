"""Benchmark: `GET /api/v1/dossiers/stats` for one year over 1,000,000 dossiers in SQLite.

Target (issue "One-stop dossiers"): under 300 ms. Builds a fresh SQLite database in a temporary
directory (DIEUHANH_DATA_DIR, migrate): the test world's units and personas, 100 wards of today
that replaced 150 wards abolished on 1/7/2025 (so half the year rolls up to successor units),
200 procedures in 12 fields, and N dossiers received through that year — early, on time, late,
refused, withdrawn, still open (some late now), online, by post, with apologies. The dossiers
go in with a raw `executemany`: this bench measures the statistics, not the import.

Then, logged in as the administrator (the whole province), it times the full HTTP path through
Django's test Client — session authentication, scope, the shared DossierFilter, the grouped
queries, the roll-up, serialisation — as the median of several requests, with the process's CPU
time beside the wall time (other work on a shared machine stretches the wall time, not the CPU
time), and the number of SQL queries per request. Two schemas:
1. baseline: the statistics class of each dossier (`stats.class_case`) computed in the query;
2. as migrated: the class stored in the generated column `Dossier.stats_class`, counted from
   the indexes that lead on the group key (after ANALYZE).
Both must give the same figures, or the bench exits 1.

    .venv/bin/python bench/bench_dossier_stats.py            # 1,000,000 dossiers
    .venv/bin/python bench/bench_dossier_stats.py --small    # 20,000 dossiers (CI)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import _django  # bench/_django.py: Django on a database of the benchmark's own

YEAR = 2025
REFORM = dt.date(2025, 7, 1)
TARGET_MS = 300.0
GROUPS = ("unit", "unit_then", "procedure", "field", "channel", "month")
def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=7, help="requests per grouping (median)")
    parser.add_argument("--small", action="store_true", help="small size for CI")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    if args.small:
        args.dossiers, args.requests = 20_000, 3

    tmp = Path(tempfile.mkdtemp(prefix="dieuhanh-bench-"))
    _django.start(tmp)
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dieuhanh.core import calendar
    from dieuhanh.dossiers import stats
    from dieuhanh.dossiers.models import Procedure
    from dieuhanh.org.choices import SuccessionKind, UnitKind, UnitLevel
    from dieuhanh.org.models import AdminUnit, UnitSuccession
    from dieuhanh.testing import build_world, verify_session

    t0 = time.perf_counter()
    world = build_world()
    rng = random.Random(766)
    with transaction.atomic():
        new = [world.ward_a, world.ward_b] + [
            AdminUnit.objects.create(code=f"8{i:04d}", name=f"Phường Mới {i}", level=UnitLevel.COMMUNE,
                                     kind=UnitKind.WARD, parent=world.province, valid_from=REFORM)
            for i in range(98)
        ]
        old = [world.ward_a_old, world.ward_b_old]
        for i in range(148):
            unit = AdminUnit.objects.create(code=f"7{i:04d}", name=f"Xã Cũ {i}", level=UnitLevel.COMMUNE,
                                            kind=UnitKind.COMMUNE, parent=world.city,
                                            valid_to=REFORM - dt.timedelta(days=1))
            UnitSuccession.objects.create(predecessor=unit, successor=new[2 + i % 98], date=REFORM,
                                          kind=SuccessionKind.MERGE)
            old.append(unit)
        fields = [f"Lĩnh vực {i}" for i in range(12)]
        procs = [
            Procedure.objects.create(code=f"1.{i:06d}", name=f"Thủ tục thử số {i}", field=fields[i % 12],
                                     level="commune", processing_days=rng.choice((1, 3, 5, 7, 10, 15, 20)),
                                     online_type=rng.choice(("full", "partial", "none")))
            for i in range(200)
        ]
    cal = calendar.current()
    working = [d for d in (dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)) if cal.is_working_day(d)]
    due_of = {(d, p.processing_days): cal.add(d, p.processing_days, working=True) for d in working for p in procs}
    old_ids, new_ids = [u.pk for u in old], [u.pk for u in new]
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    sql = _django.DOSSIER_INSERT
    one_day = dt.timedelta(days=1)

    def row(i: int) -> tuple[object, ...]:
        received = rng.choice(working)
        proc = rng.choice(procs)
        due = due_of[received, proc.processing_days]
        channel = rng.choices(("desk", "online", "post"), (50, 40, 10))[0]
        r = rng.random()
        status, result, timeliness, returned, method, apology, new_due, asked = "processing", None, "", None, "", None, None, None
        if r < 0.93:
            k = rng.random()
            result = due - one_day * rng.randint(1, 5) if k < 0.6 else due if k < 0.9 else due + one_day * rng.randint(1, 10)
            result = max(result, received)
            timeliness = "early" if result < due else "on_time" if result == due else "late"
            status = "refused" if rng.random() < 0.03 else rng.choice(("done", "returned", "returned"))
            if status == "returned":
                returned = result + one_day * rng.randint(0, 3)
                method = rng.choices(("desk", "post", "online"), (70, 10, 20))[0]
        elif r < 0.96:
            status = "withdrawn"
        else:  # still open at the end of the year's data: late now, some waiting for documents
            status = rng.choice(("received", "processing", "processing", "supplement"))
            asked = received + one_day if status == "supplement" else None
        if (timeliness == "late" or status in ("received", "processing")) and rng.random() < 0.4:
            apology, new_due = due - one_day, due + one_day * 7
        return (
            f"B{i:08d}", proc.pk, rng.choice(old_ids if received < REFORM else new_ids), channel, status, "import",
            "Nguyễn Văn Thử", "", "", received, None, due, True, asked, "", None, apology, "", new_due, result,
            returned, method, timeliness, "Bộ phận Một cửa", "", "", now, now,
        )

    with transaction.atomic(), connection.cursor() as cur:
        batch: list[tuple[object, ...]] = []
        for i in range(args.dossiers):
            batch.append(row(i))
            if len(batch) == 20_000:
                cur.executemany(sql, batch)
                batch.clear()
        cur.executemany(sql, batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"setup: {args.dossiers:,} dossiers received in {YEAR} at {len(old)} wards (to 30/6) and the {len(new)} "
          f"wards of today that succeeded them, {len(procs)} procedures in {len(fields)} fields: "
          f"{time.perf_counter() - t0:.1f} s")

    client = Client()
    client.force_login(world.admin)
    verify_session(client, world.admin)  # an administrator signs in with two factors
    params = {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31"}

    def timed(by: str, runs: int) -> tuple[float, float, dict[str, object], int]:
        client.get("/api/v1/dossiers/stats", {**params, "by": by})  # warm the page cache
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get("/api/v1/dossiers/stats", {**params, "by": by})
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, response.content
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/dossiers/stats", {**params, "by": by}).json()
        return statistics.median(walls), statistics.median(cpus), body, len(queries.captured_queries)

    def report(by: str, wall: float, cpu: float, body: dict[str, object], queries: int) -> None:
        totals = body["totals"]
        print(f"  by={by:<9} median {wall:7.1f} ms wall {cpu:7.1f} ms CPU   rows {len(body['rows']):4d}   "
              f"queries {queries}   received {totals['received']:,}   on time {totals['on_time_rate']:.4f}   "
              f"late now {totals['late_now']:,}")

    print(f"GET /api/v1/dossiers/stats?date_from={YEAR}-01-01&date_to={YEAR}-12-31, baseline: "
          "the class computed in the query (ten conditional counts per row):")
    before = {}
    stored = stats.stored_class
    stats.stored_class = lambda: False  # type: ignore[assignment]
    for by in ("unit", "month"):
        wall, cpu, body, queries = timed(by, max(1, args.requests // 2))
        before[by] = body
        report(by, wall, cpu, body, queries)
    base_wall, base_cpu = timed("unit", max(1, args.requests // 2))[:2]
    stats.stored_class = stored  # type: ignore[assignment]
    print("as migrated: counts per stored class (`Dossier.stats_class`, a generated column) from its indexes:")
    medians = {}
    ok = True
    for by in GROUPS:
        wall, cpu, body, queries = timed(by, args.requests)
        medians[by] = (wall, cpu)
        report(by, wall, cpu, body, queries)
        if by in before and body["rows"] != before[by]["rows"]:
            print(f"  MISMATCH: by={by} differs from the figures computed in the query")
            ok = False
    wall, cpu = medians["unit"]
    verdict = "OK" if cpu < TARGET_MS else "OVER TARGET"
    print(f"by=unit: median {wall:.1f} ms wall, {cpu:.1f} ms CPU, target {TARGET_MS:.0f} ms: {verdict}; "
          f"{base_wall / wall:.1f}x the baseline's {base_wall:.0f} ms wall ({base_cpu / max(cpu, 0.001):.1f}x CPU)")
    connection.close()
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
