"""Deadlines and repeated petitions for many petitions at once: the daily sweep, statistics over
years of petitions, importers and the benchmark.

`compute_due_dates(rows)` gives, for every row, what `deadlines.compute()` and `deadlines.refresh()`
give for one petition — the due date of each step, the next due date with its rule, the
resolution due date — plus the overdue and prolonged flags. It reads the legal rule table once,
picks the version in force on each receipt date by binary search, and counts every period with
`WorkCalendar.add_many`, a few calls for all rows together instead of one per step per petition.

`find_duplicates(candidates)` scores the pairs `detection.score()` would score (same unit,
within `detection.WINDOW_DAYS`) with the same model, a block of one unit at a time: the wording
similarities of a block are one matrix product of its TF-IDF vectors, the name similarities are
`rapidfuzz.process.cdist` over the block's distinct given names, surnames and initials."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from dieuhanh.core.calendar import WorkCalendar
from dieuhanh.core.choices import DayKind
from dieuhanh.core.legal_rules import Rule, RuleNotFound
from dieuhanh.petitions import detection
from dieuhanh.petitions.choices import OPEN_STATES, Channel, Complexity, Kind, State

# The fields `compute_due_dates` reads (a `.values(*DEADLINE_FIELDS)` row, or any object with them).
DEADLINE_FIELDS = (
    "kind", "level", "complexity", "remote", "multi_site", "channel", "state", "received_on", "routed_on",
    "accepted_on", "extensions", "suspended_days", "concluded_on", "decision_sent_on",
)
STEPS = ("routing", "transfer", "reply", "resolve", "send")  # the order of deadlines.compute()
NAT = np.datetime64("NaT", "D")


class RuleTable:
    """Every version of every rule, read once; `versions(code, days)` finds, for an array of
    dates, the version in force on each (the one `legal_rules.rule_for` would return)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_code: dict[str, list[Rule]] = defaultdict(list)
        for r in rules:
            by_code[r.code].append(r)
        self._rules = {code: sorted(vs, key=lambda r: r.effective_from) for code, vs in by_code.items()}
        self._arrays = {
            code: (
                np.array([r.effective_from for r in vs], dtype="datetime64[D]"),
                np.array([r.effective_to or dt.date.max for r in vs], dtype="datetime64[D]"),
                np.array([r.period for r in vs], dtype=np.int64),
                np.array([r.day_kind == DayKind.WORKING for r in vs], dtype=bool),
            )
            for code, vs in self._rules.items()
        }

    @classmethod
    def from_db(cls) -> RuleTable:
        from dieuhanh.core.models import LegalRule

        return cls(
            Rule(code=r.code, name=r.name, period=r.period, day_kind=DayKind(r.day_kind),
                 effective_from=r.effective_from, effective_to=r.effective_to, citation=r.citation, note=r.note)
            for r in LegalRule.objects.all()
        )

    def versions(self, code: str, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(period, counts working days) of the version of `code` in force on each of `days`."""
        if code not in self._arrays:
            raise RuleNotFound(f"Không có quy tắc thời hạn {code!r}")
        starts, ends, periods, working = self._arrays[code]
        idx = np.searchsorted(starts, days, side="right") - 1
        bad = (idx < 0) | (days > ends[np.clip(idx, 0, None)])
        if bad.any():
            day = days[bad][0].astype(dt.date)
            raise RuleNotFound(f"Không có quy tắc thời hạn {code!r} có hiệu lực ngày {day:%d/%m/%Y}")
        return periods[idx], working[idx]


@dataclass
class DueDates:
    """Per row, aligned with the input. Dates are datetime64[D], NaT for none."""

    due: dict[str, np.ndarray]  # step → due date of that step (NaT: no such step, or paused)
    due_rule_by_step: dict[str, np.ndarray]  # step → rule code ("" when no such step)
    due_on: np.ndarray  # next unmet deadline, as `Petition.due_on` after `deadlines.refresh`
    due_rule: np.ndarray  # its rule code, as `Petition.due_rule`
    resolve_due_on: np.ndarray  # as `Petition.resolve_due_on`
    overdue: np.ndarray  # open and past `due_on` (`Petition.timing() == "overdue"`)
    prolonged: np.ndarray  # `detection.is_prolonged` on the computed dates

    def __len__(self) -> int:
        return len(self.due_on)


class _Columns:
    def __init__(self, rows: Sequence[Any]) -> None:
        def get(r: Any, f: str) -> Any:
            return r[f] if isinstance(r, Mapping) else getattr(r, f)

        def col(f: str, dtype: Any) -> np.ndarray:
            return np.array([get(r, f) for r in rows], dtype=dtype)

        self.kind = col("kind", object)
        self.level = col("level", np.int64)
        self.complexity = col("complexity", object)
        self.remote = col("remote", bool)
        self.multi_site = col("multi_site", bool)
        self.channel = col("channel", object)
        self.state = col("state", object)
        self.extensions = col("extensions", np.int64)
        self.suspended_days = col("suspended_days", np.int64)
        for f in ("received_on", "routed_on", "accepted_on", "concluded_on", "decision_sent_on"):
            setattr(self, f, col(f, "datetime64[D]"))


def _isin(values: np.ndarray, choices: Iterable[str]) -> np.ndarray:
    out = np.zeros(len(values), dtype=bool)
    for c in choices:
        out |= values == str(c)
    return out


def _count(
    table: RuleTable, cal: WorkCalendar, codes: np.ndarray, applies: np.ndarray, law_day: np.ndarray,
    start: np.ndarray, extra: np.ndarray,
) -> np.ndarray:
    """`deadlines._add` for every row where `applies`: the rule of `codes` in force on `law_day`,
    counted from `start`, plus `extra` calendar days. NaT elsewhere."""
    n = len(codes)
    period = np.zeros(n, dtype=np.int64)
    working = np.zeros(n, dtype=bool)
    for code in np.unique(codes[applies]):
        sel = applies & (codes == code)
        period[sel], working[sel] = table.versions(str(code), law_day[sel])
    due = np.full(n, NAT, dtype="datetime64[D]")
    w = applies & working
    if w.any():
        # A period in working days, then the extra calendar days (suspension, extensions).
        first = cal.add_many(start[w], period[w], working=True)
        due[w] = cal.add_many(first, extra[w], working=False)
    c = applies & ~working
    if c.any():
        due[c] = cal.add_many(start[c], period[c] + extra[c], working=False)
    return due


def _resolve_codes(c: _Columns) -> np.ndarray:
    """`deadlines.resolve_rule_code` for every row."""
    complex_ = c.complexity != str(Complexity.NORMAL)
    suffix = np.where(complex_, np.where(c.remote, "remote_complex", "complex"), np.where(c.remote, "remote", "resolve"))
    stage = np.where(c.level <= 1, "complaint.first.", "complaint.second.")
    complaint = np.char.add(stage.astype(str), suffix.astype(str)).astype(object)
    return np.where(c.kind == str(Kind.COMPLAINT), complaint,
                    np.where(c.kind == str(Kind.DENUNCIATION), "denunciation.resolve", "recommendation.resolve"))


def compute_due_dates(
    rows: Sequence[Any], *, today: dt.date | None = None, rules: RuleTable | Iterable[Rule] | None = None,
    cal: WorkCalendar | None = None,
) -> DueDates:
    """The deadlines of every row (mappings or objects with `DEADLINE_FIELDS`), as
    `deadlines.compute()`, `deadlines.summary()` and `deadlines.refresh()` give them one by one.
    `rules` defaults to the LegalRule table (read once), `cal` to `calendar.current()`."""
    from dieuhanh.core import calendar

    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    table = rules if isinstance(rules, RuleTable) else RuleTable.from_db() if rules is None else RuleTable(rules)
    cal = cal or calendar.current()
    c = _Columns(rows)
    n = len(rows)
    law = c.received_on  # the rule version is the one in force on the receipt date
    zero = np.zeros(n, dtype=np.int64)
    everyone = np.ones(n, dtype=bool)
    is_complaint, is_denunciation = c.kind == str(Kind.COMPLAINT), c.kind == str(Kind.DENUNCIATION)

    codes: dict[str, np.ndarray] = {}
    applies: dict[str, np.ndarray] = {}
    due: dict[str, np.ndarray] = {}
    met: dict[str, np.ndarray] = {}

    codes["routing"] = np.where(
        is_complaint, "complaint.accept",
        np.where(is_denunciation, np.where(c.multi_site, "denunciation.check_multi", "denunciation.check"),
                 "petition.process"),
    ).astype(object)
    applies["routing"] = everyone
    due["routing"] = _count(table, cal, codes["routing"], everyone, law, c.received_on, zero)
    met["routing"] = c.routed_on

    applies["transfer"] = is_denunciation & (c.state == str(State.TRANSFERRED))
    codes["transfer"] = np.full(n, "denunciation.transfer", dtype=object)
    due["transfer"] = _count(table, cal, codes["transfer"], applies["transfer"], law, c.received_on, zero)
    met["transfer"] = c.routed_on

    applies["reply"] = _isin(c.channel, (Channel.DESK, Channel.SESSION))
    codes["reply"] = np.full(n, "reception.reply", dtype=object)
    due["reply"] = _count(table, cal, codes["reply"], applies["reply"], law, c.received_on, zero)
    met["reply"] = c.routed_on

    accepted = ~np.isnat(c.accepted_on)
    extra = c.suspended_days.copy()
    extended = accepted & is_denunciation & (c.extensions > 0)
    if extended.any():
        period, _ = table.versions("denunciation.extension", law[extended])
        extra[extended] += period * c.extensions[extended]
    applies["resolve"] = accepted
    codes["resolve"] = _resolve_codes(c)
    resolve = _count(table, cal, codes["resolve"], accepted, law, c.accepted_on, extra)
    paused = (c.state == str(State.SUSPENDED)) & np.isnat(c.concluded_on)
    due["resolve"] = np.where(paused, NAT, resolve)
    met["resolve"] = c.concluded_on

    applies["send"] = is_complaint & ~np.isnat(c.concluded_on)
    codes["send"] = np.full(n, "complaint.decision_send", dtype=object)
    due["send"] = _count(table, cal, codes["send"], applies["send"], law, c.concluded_on, zero)
    met["send"] = c.decision_sent_on

    # deadlines.summary: the first of the earliest unmet deadlines, in step order.
    never = np.iinfo(np.int64).max
    stacked = np.stack([
        np.where(applies[s] & np.isnat(met[s]) & ~np.isnat(due[s]), due[s].astype(np.int64), never) for s in STEPS
    ])
    first = stacked.argmin(axis=0)
    has_next = stacked.min(axis=0) != never
    rows_idx = np.arange(n)
    step_codes = np.stack([np.where(applies[s], codes[s], "") for s in STEPS])
    open_ = _isin(c.state, OPEN_STATES)  # deadlines.refresh clears the next deadline of closed petitions
    keep = has_next & open_
    due_on = np.where(keep, stacked[first, rows_idx], 0).astype("datetime64[D]")
    due_on[~keep] = NAT
    due_rule = np.where(keep, step_codes[first, rows_idx], "").astype(object)
    resolve_due_on = due["resolve"]

    today64 = np.datetime64(today, "D")
    overdue = open_ & ~np.isnat(due_on) & (due_on < today64)
    running = open_ & (c.state != str(State.SUSPENDED))
    past_resolution = ~np.isnat(resolve_due_on) & np.isnat(c.concluded_on) & (resolve_due_on < today64)
    past_routing = ~accepted & np.isnat(c.routed_on) & ~np.isnat(due_on) & (due_on < today64)
    return DueDates(
        due=due, due_rule_by_step={s: np.where(applies[s], codes[s], "").astype(object) for s in STEPS},
        due_on=due_on, due_rule=due_rule, resolve_due_on=resolve_due_on, overdue=overdue,
        prolonged=running & (past_resolution | past_routing),
    )


# --- Repeated petitions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    pk: Any  # the later petition
    duplicate_of: Any  # the earlier one it repeats
    score: float


@dataclass(frozen=True)
class PairScores:
    """Index pairs (earlier, later) into the candidates, with their scores."""

    earlier: np.ndarray
    later: np.ndarray
    score: np.ndarray
    compared: int  # pairs scored (same unit, within the window)

    def __len__(self) -> int:
        return len(self.score)


class _BlockNames:
    """`detection.name_similarity` within one block, through its distinct name parts only."""

    def __init__(self, parts: list[tuple[str, str, str]]) -> None:
        self.named = np.array([bool(p[2]) for p in parts])
        self.parts = []
        w_given, w_surname, w_middle = detection.NAME_PART_WEIGHTS
        for k, weight in ((2, w_given), (0, w_surname), (1, w_middle)):
            uniq, inv = np.unique(np.array([p[k] for p in parts], dtype=object), return_inverse=True)
            sims = process.cdist(list(uniq), list(uniq), scorer=fuzz.ratio, dtype=np.float64, workers=-1)
            self.parts.append((weight, inv, sims))

    def matrix(self, lo: int, hi: int) -> np.ndarray:
        total = 0.0
        for weight, inv, sims in self.parts:
            total = total + weight * sims[np.ix_(inv[lo:hi], inv)]
        return np.asarray(total) / 100


def _tfidf_block(doc_terms: list[np.ndarray], doc_weights: list[np.ndarray]) -> np.ndarray:
    """The block's TF-IDF vectors as a dense matrix over the terms found in two documents of the
    block or more: the others cannot add to any dot product within it."""
    terms = np.concatenate(doc_terms)
    weights = np.concatenate(doc_weights)
    rows = np.repeat(np.arange(len(doc_terms)), [len(t) for t in doc_terms])
    uniq, counts = np.unique(terms, return_counts=True)
    shared = uniq[counts >= 2]
    x = np.zeros((len(doc_terms), len(shared)))
    if len(shared):
        cols = np.searchsorted(shared, terms)
        hit = shared[np.clip(cols, 0, len(shared) - 1)] == terms
        x[rows[hit], cols[hit]] = weights[hit]
    return x


def score_pairs(
    candidates: Sequence[detection.Candidate], *, threshold: float | None = detection.THRESHOLD,
    window_days: int = detection.WINDOW_DAYS, model: detection.TextModel | None = None,
    cells_per_chunk: int = 2_000_000,
) -> PairScores:
    """Every same-unit pair within `window_days` whose score reaches `threshold` (every pair when
    `threshold` is None). Earlier means received earlier, then earlier in `candidates`."""
    token_lists = [detection.tokens(c.text) for c in candidates]
    model = model or detection.TextModel.fit_tokens(token_lists)
    vocab: dict[str, int] = {}
    doc_terms: list[np.ndarray] = []
    doc_weights: list[np.ndarray] = []
    for toks in token_lists:
        v = model.vector_of_tokens(toks)
        doc_terms.append(np.array([vocab.setdefault(t, len(vocab)) for t in v], dtype=np.int64))
        doc_weights.append(np.fromiter(v.values(), dtype=np.float64, count=len(v)))
    parts = [detection.name_parts(c.name) for c in candidates]
    dated = np.array([c.received_on is not None for c in candidates], dtype=bool)
    days = np.array([c.received_on or dt.date.min for c in candidates], dtype="datetime64[D]").astype(np.int64)

    blocks: dict[Any, list[int]] = defaultdict(list)
    for i, c in enumerate(candidates):
        blocks[c.unit].append(i)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    compared = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        idx = np.array(sorted(members, key=lambda i: (days[i], i)), dtype=np.int64)
        n = len(idx)
        x = _tfidf_block([doc_terms[i] for i in idx], [doc_weights[i] for i in idx])
        names = _BlockNames([parts[i] for i in idx])
        b_days, b_dated = days[idx], dated[idx]
        step = max(1, cells_per_chunk // n)
        for lo in range(0, n - 1, step):
            hi = min(n - 1, lo + step)
            wording = x[lo:hi] @ x.T
            both = names.named[lo:hi, None] & names.named[None, :]
            s = np.where(both, detection.NAME_WEIGHT * names.matrix(lo, hi)
                         + (1 - detection.NAME_WEIGHT) * wording, wording)
            keep = np.arange(n)[None, :] > np.arange(lo, hi)[:, None]  # each pair once, earlier first
            keep &= (np.abs(b_days[None, :] - b_days[lo:hi, None]) <= window_days) | ~(
                b_dated[None, :] & b_dated[lo:hi, None])
            compared += int(keep.sum())
            if threshold is not None:
                keep &= s >= threshold
            r, k = np.nonzero(keep)
            found.append((idx[lo + r], idx[k], s[r, k]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return PairScores(empty, empty, np.zeros(0), compared)
    return PairScores(*(np.concatenate(col) for col in zip(*found, strict=True)), compared=compared)


def find_duplicates(
    candidates: Sequence[detection.Candidate], *, threshold: float = detection.THRESHOLD,
    window_days: int = detection.WINDOW_DAYS, model: detection.TextModel | None = None,
) -> list[Duplicate]:
    """For every candidate that repeats an earlier one, the earlier candidate it is most like
    (as `detection.best_match` picks it), in the order of `candidates`."""
    pairs = score_pairs(candidates, threshold=threshold, window_days=window_days, model=model)
    best: dict[int, tuple[float, int]] = {}
    for a, b, s in zip(pairs.earlier.tolist(), pairs.later.tolist(), pairs.score.tolist(), strict=True):
        if b not in best or s > best[b][0]:
            best[b] = (s, a)
    return [Duplicate(candidates[b].pk, candidates[a].pk, s) for b, (s, a) in sorted(best.items())]
