"""Benchmark: one reminder sweep (notifications/reminders.py) at province scale on SQLite.

Target (issue 15, item 6): under 10 s for one sweep over the data of bench_ioc_overview.py —
100 communes, 1,000,000 dossiers, 50,000 petitions, 50,000 tasks (its generator, imported) —
with a bounded number of queries, and the fan-out (notifications per rule) counted.

To the generator's province it adds the people a reminder reaches: for each commune a unit
officer, a one-stop officer and a reception officer, and an account for each of the 200 lead
persons of the tasks (the province's chairman, accountable for every task, has one already).
Then, on the last working day up to today, it times:
- the first sweep (everything overdue is told at once: the fan-out of a first day);
- the same day's sweep again (finds the same objects, adds nothing: the keys are sent);
- a dry run of the next working day.
Each line gives the wall time (and this process's CPU time: on a shared machine the wall time
also holds the waits for the CPU and the disk), the SQL queries and the notifications added; the first sweep's
table gives the objects found and the notifications per rule (one per object and person), how
many of them were grouped into how many summaries (bundling: more than a rule's `bundle_above`
to one person make one summary), and the messages by channel (a summary is one).

    .venv/bin/python bench/bench_reminders.py           # province scale
    .venv/bin/python bench/bench_reminders.py --small   # seconds, for CI
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _django  # bench/_django.py: Django on a database of the benchmark's own
import bench_ioc_overview  # its province generator, reused as it is

TARGET_S = 10.0
# Queries of one sweep: a few per rule, per recipient and kind of object (the visibility check),
# and per 5,000 keys or rows written — not per object.
MAX_QUERIES = 2_000
SHOW_SQL = False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--petitions", type=int, default=50_000)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--small", action="store_true", help="a few seconds, for CI")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--db", type=Path, help="measure a database kept by --keep again (its notifications removed)")
    parser.add_argument("--sql", action="store_true", help="print the most frequent queries of each run")
    args = parser.parse_args()
    global SHOW_SQL
    SHOW_SQL = args.sql
    if args.small:
        args.communes, args.dossiers, args.petitions, args.tasks = 10, 5_000, 500, 500
    args.indicators, args.years = 0, 1  # the generator's indicators play no part in reminders

    reuse = args.db is not None and args.db.exists()
    tmp = args.db.parent if reuse else Path(tempfile.mkdtemp(prefix="dieuhanh-bench-reminders-"))
    _django.start(tmp, args.db if reuse else None)
    from django.db import connection

    t0 = time.perf_counter()
    if reuse:
        from dieuhanh.notifications.models import Notification

        Notification.objects.all().delete()
        print("reused the kept database, its notifications removed")
    else:
        bench_ioc_overview.generate(args)
        officers = add_people()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"setup: {args.dossiers:,} dossiers, {args.petitions:,} petitions, {args.tasks:,} tasks, "
              f"{officers:,} accounts: {time.perf_counter() - t0:.1f} s")
    ok = measure()
    connection.close()
    if args.keep or reuse:
        print(f"database kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def add_people() -> int:
    """The officers of each commune, and accounts for the tasks' lead persons."""
    from django.db import transaction

    from dieuhanh.org.choices import Role, UnitLevel
    from dieuhanh.org.models import AdminUnit, Person, RoleGrant, User

    communes = list(AdminUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True))
    with transaction.atomic():
        users, grants = [], []
        for unit in communes:
            for role in (Role.UNIT_OFFICER, Role.ONE_STOP, Role.RECEPTION):
                users.append(User(username=f"{role}_{unit.code}", password="!"))
        users = User.objects.bulk_create(users)
        i = 0
        for unit in communes:
            for role in (Role.UNIT_OFFICER, Role.ONE_STOP, Role.RECEPTION):
                grants.append(RoleGrant(user=users[i], role=role, unit=unit))
                i += 1
        RoleGrant.objects.bulk_create(grants)
        people = Person.objects.filter(full_name__startswith="Cán bộ Thử", user__isnull=True)
        leads = User.objects.bulk_create(User(username=f"canbo_{p.pk}", password="!", person=p) for p in people)
    return len(users) + len(leads)


def _run(label: str, day: dt.date, dry_run: bool = False) -> tuple[Any, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dieuhanh.notifications import reminders

    with CaptureQueriesContext(connection) as queries:
        t, cpu = time.perf_counter(), time.process_time()
        result = reminders.run(day, dry_run=dry_run)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    if SHOW_SQL:
        for sql, n in Counter(q["sql"][:100] for q in queries.captured_queries).most_common(6):
            print(f"    {n:5d} × {sql}")
    print(f"{label:<36} {seconds:7.2f} s (CPU {cpu:6.2f} s)  {len(queries):5d} queries  "
          f"{result.total:8,} notifications {'(would add)' if dry_run else 'added'}")
    return result, seconds, len(queries)


def measure() -> bool:
    from django.utils import timezone

    from dieuhanh.core import calendar
    from dieuhanh.notifications import reminders
    from dieuhanh.notifications.models import Notification

    cal = calendar.current()
    day = timezone.localdate()
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    print(f"sweep of {day:%a %d/%m/%Y}")
    first, seconds, queries = _run("first sweep (all overdue told)", day)
    again, _, queries_again = _run("same day again (adds nothing)", day)
    _run("dry run of the next working day", cal.next_working_day(day), dry_run=True)

    print(f"\n{'rule':<36} {'objects':>9} {'in app':>9} {'grouped':>9} {'summaries':>9} {'immediate':>10} {'digest':>8}")
    for code, counts in first.sent.items():
        found = first.found.get(code)
        print(f"{reminders.label(code)[:36]:<36} {'' if found is None else f'{found:,}':>9} "
              f"{counts['in_app']:>9,} {counts['bundled']:>9,} {counts['summaries']:>9,} "
              f"{counts['immediate']:>10,} {counts['digest']:>8,}")
    grouped = sum(c["bundled"] for c in first.sent.values())
    summaries = sum(c["summaries"] for c in first.sent.values())
    print(f"{'total':<36} {sum(first.found.values()):>9,} {first.total:>9,} {grouped:>9,} {summaries:>9,}")
    recipients = Notification.objects.filter(key__contains=":").values("recipient").distinct().count()
    shown = Notification.objects.filter(bundle__isnull=True).count()
    print(f"recipients: {recipients:,}; notifications per recipient: {first.total / max(recipients, 1):,.1f}; "
          f"shown (summaries and those not grouped): {shown:,}, {shown / max(recipients, 1):,.1f} per recipient")

    ok = True
    if seconds > TARGET_S:
        print(f"FAIL: the sweep took {seconds:.1f} s (target {TARGET_S:.0f} s)")
        ok = False
    if max(queries, queries_again) > MAX_QUERIES:
        print(f"FAIL: {max(queries, queries_again)} queries (bound {MAX_QUERIES})")
        ok = False
    if again.total != 0:
        print(f"FAIL: the second sweep of the day added {again.total} notifications")
        ok = False
    if ok:
        print(f"OK: {seconds:.2f} s ≤ {TARGET_S:.0f} s, {max(queries, queries_again)} queries ≤ {MAX_QUERIES}, "
              "nothing added twice")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
