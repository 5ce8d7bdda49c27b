"""Bench of the petitions bulk paths (`petitions/bulk.py`) on synthetic petitions, in memory.

    .venv/bin/python bench/bench_petitions.py            # 100,000 petitions
    .venv/bin/python bench/bench_petitions.py --small    # 5,000 petitions (CI)

(a) Deadlines: `compute_due_dates` (every step's due date, the next deadline and its rule, the
    resolution deadline, overdue and prolonged flags) for all petitions, best of three runs,
    against the one-by-one path — `deadlines.compute`, `deadlines.refresh` and
    `detection.is_prolonged` per petition — timed on a sample and extrapolated. Both read the
    same rule versions (`core/data/legal_rules.yaml`) and the same calendar snapshot (the
    `holidays` package and the shipped schedule); in the application the one-by-one path also
    queries the calendar table on each count, so the ratio printed here is a lower bound. The two
    must agree on the sample, or the bench exits 1.
(b) Repeated petitions: `find_duplicates` over all petitions, blocked by unit (every same-unit pair
    within two years is scored), against the pairwise loop of `detection.best_match` (vectors made
    once, then `cosine` and `name_similarity` per pair) timed on a sample of pairs. About 8% of the
    petitions repeat an earlier one of their ward, rewritten the ways people do (no diacritics,
    sentences reordered, a sentence added, a misspelt name); how many of those are found is
    printed too, as a sanity check of the synthetic data, not as an accuracy figure.

Petitions: 120 wards, received 2022–2026 (so across Tết and the 1/7/2026 change of
complaint.accept), every kind, state, complexity and channel. Peak memory is the process's
maximum resident set size after each part (`resource.getrusage`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import re
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django.conf import settings as django_settings

if not django_settings.configured:  # no database: only the deadlines' labels (gettext) read settings
    django_settings.configure(USE_I18N=False)

from dieuhanh.core import calendar
from dieuhanh.core.calendar import WorkCalendar
from dieuhanh.core.legal_rules import Rule, load_file
from dieuhanh.lib.text import fold
from dieuhanh.petitions import bulk, deadlines, detection
from dieuhanh.petitions.choices import Channel, Complexity, Kind, State

FIRST, LAST = dt.date(2022, 1, 1), dt.date(2026, 10, 31)
TODAY = dt.date(2026, 11, 2)
UNITS = 120
REPEAT_SHARE = 0.08
REPEATS = 3  # compute_due_dates is timed as the best of this many runs
KINDS, STATES, COMPLEXITIES, CHANNELS = Kind.values, State.values, Complexity.values, Channel.values
IN_HAND = (State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED, State.RESOLVED, State.TERMINATED)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lý", "Đinh", "Lương", "Đào", "Mạc", "Cao", "Tạ"]
MIDDLES = ["Văn", "Thị", "Đức", "Quang", "Minh", "Thị Thu", "Văn Hữu", "Ngọc", "Xuân", "Đình", "Hồng", "Kim"]
GIVENS = ["Hùng", "Hải", "Lan", "Mai", "Toàn", "Hoa", "Thắng", "Lâm", "Ánh", "Hằng", "Đông", "Sen", "Chiến", "Khôi", "Loan", "Tuấn", "Huệ", "Lực", "Nga", "Cường", "Phúc", "Bích", "Thịnh", "Tươi", "Đức", "Hào", "Sơn", "Oanh", "Đạt", "Yến", "Hậu", "Nam", "Thảo", "Quyên", "Thông", "Định", "Khoa", "Bình", "Tài", "Tâm", "Hạnh", "Mạnh", "Xuân", "Phong", "Thắm", "Tuyên", "Phú", "Ly", "Nhật", "Trường", "Kiên", "Trang", "Quyền", "Lĩnh", "Tứ", "Hiền", "Vân", "Thọ", "Bảy", "Quý", "Mơ", "Đào", "Lụa", "Nhàn"]
ADDED = ["Đến nay đã hơn một tháng chưa được trả lời.", "Tôi gửi kèm ảnh chụp hiện trường.",
         "Nhiều hộ xung quanh cũng bức xúc.", "Đề nghị trả lời bằng văn bản."]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def ascii_only(text: str) -> str:
    return fold(text).capitalize()


# --- Synthetic petitions -------------------------------------------------------------------------


def deadline_fields(rng: random.Random) -> SimpleNamespace:
    received = FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days + 1))
    kind = rng.choice(KINDS)
    state = rng.choice(STATES)
    p = SimpleNamespace(
        kind=kind, level=rng.choice((1, 1, 2)) if kind == Kind.COMPLAINT else 1,
        complexity=rng.choice(COMPLEXITIES), remote=rng.random() < 0.2, multi_site=rng.random() < 0.2,
        channel=rng.choice(CHANNELS), state=state, received_on=received, routed_on=None, accepted_on=None,
        extensions=0, suspended_days=0, concluded_on=None, decision_sent_on=None,
        outside_competence=kind == Kind.DENUNCIATION and state not in IN_HAND and rng.random() < 0.3, notified_on=None,
    )
    if state in (State.TRANSFERRED, State.GUIDED, State.FILED):
        p.routed_on = received + dt.timedelta(days=rng.randrange(0, 15))
    if state in IN_HAND:
        p.accepted_on = p.routed_on = received + dt.timedelta(days=rng.randrange(0, 15))
        p.suspended_days = rng.randrange(1, 40) if rng.random() < 0.2 else 0
        p.extensions = rng.choice((0, 1, 2)) if kind == Kind.DENUNCIATION else 0
        if kind == Kind.DENUNCIATION and rng.random() < 0.8:  # the notice of acceptance sent, or still due
            p.notified_on = p.accepted_on + dt.timedelta(days=rng.randrange(0, 8))
        if state in (State.CONCLUDED, State.RESOLVED):
            p.concluded_on = p.accepted_on + dt.timedelta(days=rng.randrange(5, 80))
        if state == State.RESOLVED:
            p.decision_sent_on = p.concluded_on + dt.timedelta(days=rng.randrange(0, 6))
    return p


def sentence_bank() -> tuple[list[str], list[str], list[str]]:
    """Subjects, sentences and respondents of the hand-written reference set, to mix."""
    records = detection.load_eval_set()
    sentences = [x.strip().rstrip(".") + "." for r in records for x in r["content"].split(". ") if len(x) > 20]
    return [r["subject"] for r in records], sentences, [r["respondent"] for r in records]


def renumber(rng: random.Random, text: str) -> str:
    return re.sub(r"\d+", lambda m: str(rng.randrange(1, 10 ** len(m.group())) if len(m.group()) < 4 else m.group()), text)


def petition_text(rng: random.Random, bank: tuple[list[str], list[str], list[str]]) -> tuple[str, str, str]:
    """A petition mixed from the reference set: a subject, two to four sentences of other
    petitions, numbers changed."""
    subjects, sentences, respondents = bank
    content = " ".join(rng.choice(sentences) for _ in range(rng.randrange(2, 5)))
    return renumber(rng, rng.choice(subjects)), renumber(rng, content), rng.choice(respondents)


def rewrite(rng: random.Random, c: detection.Candidate, subject: str, content: str, respondent: str,
            received_on: dt.date) -> tuple[detection.Candidate, str]:
    """A repeat of `c`, rewritten one or two of the ways people do."""
    name = c.name
    sentences = content.split(". ")
    how = rng.sample(["ascii", "reorder", "added", "typo"], k=rng.choice((1, 2)))
    if "reorder" in how:
        rng.shuffle(sentences)
    if "added" in how:
        sentences.append(rng.choice(ADDED))
    content = ". ".join(sentences)
    if "ascii" in how:
        subject, content, name = ascii_only(subject), ascii_only(content), ascii_only(name).title()
    if "typo" in how and len(name) > 4:
        i = rng.randrange(len(name) - 1)
        name = name[:i] + name[i + 1] + name[i] + name[i + 2:]
    text = detection.matter_text(subject, content, respondent)
    return detection.Candidate(None, text, name, c.unit, received_on), "+".join(how)


def make_petitions(n: int, seed: int) -> tuple[list[SimpleNamespace], list[detection.Candidate], dict[int, int]]:
    rng = random.Random(seed)
    bank = sentence_bank()
    rows = [deadline_fields(rng) for _ in range(n)]
    rows.sort(key=lambda r: r.received_on)
    cands: list[detection.Candidate] = []
    sources: list[tuple[str, str, str]] = []
    by_unit: dict[int, list[int]] = {}
    truth: dict[int, int] = {}  # repeat index → original index
    for i, r in enumerate(rows):
        unit = rng.randrange(UNITS)
        earlier = [j for j in by_unit.get(unit, [])[-40:] if (r.received_on - rows[j].received_on).days <= 300]
        if earlier and rng.random() < REPEAT_SHARE:
            j = rng.choice(earlier)
            j = truth.get(j, j)
            c, _ = rewrite(rng, cands[j], *sources[j], r.received_on)
            cands.append(detection.Candidate(i, c.text, c.name, unit, r.received_on))
            sources.append(sources[j])
            truth[i] = j
        else:
            subject, content, respondent = petition_text(rng, bank)
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}" if rng.random() > 0.03 else ""
            cands.append(detection.Candidate(i, detection.matter_text(subject, content, respondent), name, unit,
                                             r.received_on))
            sources.append((subject, content, respondent))
        by_unit.setdefault(unit, []).append(i)
    return rows, cands, truth


# --- (a) Deadlines -------------------------------------------------------------------------------


def one_by_one(p: SimpleNamespace, lookup: Any) -> tuple[Any, ...]:
    computed = deadlines.compute(p, rules=lookup)
    found = {d.step: d.due_on for d in computed}
    p.due_on, p.due_rule, p.resolve_due_on = deadlines.summary(computed)
    if p.state not in (State.RECEIVED, State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED):
        p.due_on, p.due_rule = None, ""
    return found.get("routing"), p.due_on, p.due_rule, p.resolve_due_on, detection.is_prolonged(p, TODAY)


def bench_deadlines(rows: list[SimpleNamespace], sample: int, rules: list[Rule], cal: WorkCalendar) -> bool:
    table = bulk.RuleTable(rules)
    versions: dict[str, list[Rule]] = {}
    for r in sorted(rules, key=lambda r: r.effective_from):
        versions.setdefault(r.code, []).append(r)

    def lookup(code: str, day: dt.date) -> Rule:
        return next(r for r in reversed(versions[code]) if r.applies_on(day))

    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        got = bulk.compute_due_dates(rows, today=TODAY, rules=table, cal=cal)
        best = min(best, time.perf_counter() - t0)
    calendar.current = lambda: cal  # the one-by-one path counts on the same snapshot, without the table
    picked = random.Random(7).sample(range(len(rows)), min(sample, len(rows)))
    t0 = time.perf_counter()
    looped = [one_by_one(SimpleNamespace(**vars(rows[i])), lookup) for i in picked]
    loop = (time.perf_counter() - t0) * len(rows) / len(picked)

    def as_date(v: Any) -> dt.date | None:
        return None if v != v else v.astype(dt.date)  # NaT is the only value unequal to itself

    ok = all(
        loop_row == (as_date(got.due["routing"][i]), as_date(got.due_on[i]), got.due_rule[i],
                     as_date(got.resolve_due_on[i]), bool(got.prolonged[i]))
        for i, loop_row in zip(picked, looped, strict=True)
    )
    n = len(rows)
    print(f"(a) Hạn xử lý, giải quyết, cờ quá hạn và kéo dài: {n:,} đơn")
    print(f"    compute_due_dates   {best:8.3f} s  ({n / best:12,.0f} đơn/s, tốt nhất {REPEATS} lần)")
    print(f"    từng đơn một        {loop:8.3f} s  ({n / loop:12,.0f} đơn/s, đo {len(picked):,} đơn, suy ra {n:,})")
    print(f"    nhanh hơn           {loop / best:8.1f} ×")
    print(f"    quá hạn {int(got.overdue.sum()):,}, kéo dài {int(got.prolonged.sum()):,}; "
          f"bộ nhớ đỉnh của tiến trình {peak_mb():,.0f} MB")
    if not ok:
        print("    SAI: compute_due_dates khác deadlines.compute trên mẫu", file=sys.stderr)
    return ok


# --- (b) Repeated petitions ----------------------------------------------------------------------


def bench_duplicates(cands: list[detection.Candidate], truth: dict[int, int], sample_pairs: int) -> bool:
    n = len(cands)
    t0 = time.perf_counter()
    pairs = bulk.score_pairs(cands)  # what find_duplicates does, keeping the count of pairs compared
    found = bulk.best_matches(cands, pairs)
    total = time.perf_counter() - t0
    model = detection.TextModel.fit(c.text for c in cands)

    # The pairwise path on one ward's pairs: a vector per petition, then a score per pair.
    block = [c for c in cands if c.unit == cands[0].unit]
    t0 = time.perf_counter()
    vectors = [model.vector(c.text) for c in block]
    per_doc = (time.perf_counter() - t0) / len(block)
    t0 = time.perf_counter()
    scored = 0
    for i, j in itertools.combinations(range(len(block)), 2):
        if scored == sample_pairs:
            break
        if detection.within_window(block[i].received_on, block[j].received_on):
            detection.combine(detection.cosine(vectors[i], vectors[j]),
                              detection.name_similarity(block[i].name, block[j].name))
            scored += 1
    per_pair = (time.perf_counter() - t0) / max(scored, 1)
    loop = per_doc * n + per_pair * pairs.compared

    def root(i: int) -> int:
        return truth.get(i, i)

    right = sum(root(d.duplicate_of) == root(d.pk) for d in found)
    recall = sum(root(d.duplicate_of) == root(d.pk) and d.pk in truth for d in found) / max(len(truth), 1)
    print(f"(b) Đơn trùng, khối theo phường: {n:,} đơn, {UNITS} phường, {pairs.compared:,} cặp cùng phường trong 2 năm")
    print(f"    find_duplicates     {total:8.3f} s  ({n / total:12,.0f} đơn/s, {pairs.compared / total:14,.0f} cặp/s)")
    print(f"    từng cặp một        {loop:8.3f} s  ({1 / per_pair:12,.0f} cặp/s, đo {scored:,} cặp, suy ra)")
    print(f"    nhanh hơn           {loop / total:8.1f} ×")
    print(f"    {len(found):,} đơn trùng tìm thấy; đơn lặp lại được cài {len(truth):,}: tìm đúng {recall:.1%}, "
          f"đúng trong số tìm thấy {right / max(len(found), 1):.1%}; bộ nhớ đỉnh {peak_mb():,.0f} MB")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="number of petitions")
    parser.add_argument("--sample", type=int, default=5_000, help="petitions timed one by one")
    parser.add_argument("--pairs", type=int, default=50_000, help="pairs timed one by one")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--small", action="store_true", help="5,000 petitions, 1,000 one by one (CI)")
    args = parser.parse_args()
    if args.small:
        args.n, args.sample, args.pairs = 5_000, 1_000, 10_000

    t0 = time.perf_counter()
    rows, cands, truth = make_petitions(args.n, args.seed)
    rules = load_file()
    cal = WorkCalendar.from_announced_schedule(years=(FIRST.year - 1, TODAY.year + 2))
    print(f"Đơn tổng hợp: {args.n:,} đơn, {len(truth):,} đơn lặp lại; tạo dữ liệu {time.perf_counter() - t0:.1f} s, "
          f"bộ nhớ đỉnh {peak_mb():,.0f} MB")
    ok = bench_deadlines(rows, args.sample, rules, cal)
    ok &= bench_duplicates(cands, truth, args.pairs)
    print(f"Tổng thời gian {time.perf_counter() - t0:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
