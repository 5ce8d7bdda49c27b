"""Bench of the working-day calendar: `WorkCalendar.add_many` against a plain day-by-day loop.

    .venv/bin/python bench/bench_calendar.py            # 1,000,000 pairs
    .venv/bin/python bench/bench_calendar.py --n 10000  # the small CI run

No database: the calendar is built from the `holidays` package and the shipped schedule
(`core/data/calendar_exceptions.yaml`), exactly as `calendar.current()` builds it from the table.
Start dates are uniform over 2023–2027, periods uniform over 0–90 days (the span of the legal
periods). `add_many` is timed as the best of three runs; the loop once, on a sample, and
extrapolated. The loop's results must equal `add_many`'s, or the bench exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import numpy as np

from dieuhanh.core.calendar import WorkCalendar

FIRST, LAST = dt.date(2023, 1, 1), dt.date(2027, 12, 31)
MAX_DAYS = 90
REPEATS = 3  # add_many is timed as the best of this many runs


def day_by_day(worked: set[dt.date], start: dt.date, days: int, working: bool) -> dt.date:
    """The obvious loop over a Python set of working dates (Civil Code Arts 147–148)."""
    if days == 0:
        return start
    one = dt.timedelta(days=1)
    if working:
        d, counted = start, 0
        while counted < days:
            d += one
            if d in worked:
                counted += 1
        return d
    d = start + dt.timedelta(days=days)
    while d not in worked:
        d += one
    return d


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="number of (start, days) pairs")
    parser.add_argument("--sample", type=int, default=20_000, help="pairs timed with the day-by-day loop")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--small", action="store_true", help="10,000 pairs, 2,000 in the loop (CI)")
    args = parser.parse_args()
    if args.small:
        args.n, args.sample = 10_000, 2_000

    rng = np.random.default_rng(args.seed)
    lo = np.datetime64(FIRST.isoformat(), "D").astype(np.int64)
    hi = np.datetime64(LAST.isoformat(), "D").astype(np.int64)
    starts = rng.integers(lo, hi + 1, size=args.n).astype("datetime64[D]")
    days = rng.integers(0, MAX_DAYS + 1, size=args.n)

    t0 = time.perf_counter()
    cal = WorkCalendar.from_announced_schedule(years=(FIRST.year - 1, LAST.year + 2))
    build = time.perf_counter() - t0
    worked = {
        d
        for d in (FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 400))
        if cal.is_working_day(d)
    }

    sample = min(args.sample, args.n)
    print(f"Lịch ngày làm việc: {args.n:,} cặp (ngày bắt đầu 2023–2027, 0–{MAX_DAYS} ngày)")
    print(f"  dựng lịch {cal.years[0]}–{cal.years[1]} (holidays + lịch công bố): {build * 1000:8.1f} ms")
    ok = True
    for working, label in ((True, "ngày làm việc"), (False, "ngày (lịch)")):
        bulk = float("inf")
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            out = cal.add_many(starts, days, working=working)
            bulk = min(bulk, time.perf_counter() - t0)

        sample_starts = starts[:sample].astype(object)
        sample_days = days[:sample].tolist()
        t0 = time.perf_counter()
        looped = [day_by_day(worked, s, k, working) for s, k in zip(sample_starts, sample_days, strict=True)]
        loop = (time.perf_counter() - t0) * args.n / sample
        if looped != out[:sample].astype(object).tolist():
            print(f"  SAI: add_many khác vòng lặp từng ngày ({label})", file=sys.stderr)
            ok = False

        print(f"  {label}:")
        print(
            f"    add_many            {bulk:8.3f} s  ({bulk / args.n * 1e9:6.0f} ns/cặp, tốt nhất {REPEATS} lần)"
        )
        print(f"    vòng lặp từng ngày  {loop:8.3f} s  (đo {sample:,} cặp, suy ra {args.n:,})")
        print(f"    nhanh hơn           {loop / bulk:8.1f} ×")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
