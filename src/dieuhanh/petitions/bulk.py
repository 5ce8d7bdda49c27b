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
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from dieuhanh.core.calendar import WorkCalendar
from dieuhanh.core.choices import DayKind
from dieuhanh.core.legal_rules import Rule, RuleNotFound, require_period
from dieuhanh.petitions import detection
from dieuhanh.petitions.choices import OPEN_STATES, Channel, Complexity, Kind, State

# The fields `compute_due_dates` reads (a `.values(*DEADLINE_FIELDS)` row, or any object with them).
DEADLINE_FIELDS = (
    "kind", "level", "complexity", "remote", "multi_site", "channel", "state", "received_on", "routed_on",
    "accepted_on", "extensions", "suspended_days", "concluded_on", "decision_sent_on", "outside_competence",
    "notified_on",
)
STEPS = ("routing", "reply", "resolve", "notify", "send")  # the order of deadlines.compute()
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
            raise RuleNotFound(f"Không có quy tắc {code!r}")
        for rule in self._rules[code]:
            require_period(rule)
        starts, ends, periods, working = self._arrays[code]
        idx = np.searchsorted(starts, days, side="right") - 1
        bad = (idx < 0) | (days > ends[np.clip(idx, 0, None)])
        if bad.any():
            day = days[bad][0].astype(dt.date)
            raise RuleNotFound(f"Không có quy tắc {code!r} có hiệu lực ngày {day:%d/%m/%Y}")
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


_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT_INT = np.datetime64("NaT", "D").astype(np.int64)
# Every rule code a petition's deadlines use; rows carry indices into this tuple (−1: no such step).
RULE_CODES = (
    "complaint.accept", "complaint.second.accept", "denunciation.check", "denunciation.check_multi",
    "petition.process", "denunciation.transfer", "reception.reply",
    *(f"complaint.{stage}.{suffix}" for stage in ("first", "second")
      for suffix in ("resolve", "complex", "remote", "remote_complex")),
    "denunciation.resolve", "recommendation.resolve", "denunciation.notify", "complaint.decision_send",
    "complaint.second.decision_send",
)
_CODE = {code: i for i, code in enumerate(RULE_CODES)}
_CODE_NAMES = np.array([*RULE_CODES, ""], dtype=object)  # index −1 reads ""
_KIND = {v: i for i, v in enumerate(Kind.values)}
_STATE = {v: i for i, v in enumerate(State.values)}
_CHANNEL = {v: i for i, v in enumerate(Channel.values)}
_COMPLEXITY = {v: i for i, v in enumerate(Complexity.values)}


class _Columns:
    """The rows as one numpy array per field: choices as small integers, dates as
    datetime64[D] with NaT for None."""

    kind: np.ndarray
    state: np.ndarray
    channel: np.ndarray
    complexity: np.ndarray
    level: np.ndarray
    extensions: np.ndarray
    suspended_days: np.ndarray
    remote: np.ndarray
    multi_site: np.ndarray
    outside_competence: np.ndarray
    received_on: np.ndarray
    routed_on: np.ndarray
    accepted_on: np.ndarray
    concluded_on: np.ndarray
    decision_sent_on: np.ndarray
    notified_on: np.ndarray

    def __init__(self, rows: Sequence[Any]) -> None:
        get = itemgetter(*DEADLINE_FIELDS) if rows and isinstance(rows[0], Mapping) else attrgetter(*DEADLINE_FIELDS)
        values = list(zip(*map(get, rows), strict=True)) if rows else [() for _ in DEADLINE_FIELDS]
        cols = dict(zip(DEADLINE_FIELDS, values, strict=True))
        n = len(rows)
        for f, choices in (("kind", _KIND), ("state", _STATE), ("channel", _CHANNEL), ("complexity", _COMPLEXITY)):
            unknown = set(cols[f]) - set(choices)
            if unknown:
                raise ValueError(f"{f}: giá trị không hợp lệ {sorted(map(str, unknown))}")
            setattr(self, f, np.fromiter(map(choices.__getitem__, cols[f]), dtype=np.int8, count=n))
        for f in ("level", "extensions", "suspended_days"):
            setattr(self, f, np.fromiter(cols[f], dtype=np.int64, count=n))
        for f in ("remote", "multi_site", "outside_competence"):
            setattr(self, f, np.fromiter(cols[f], dtype=bool, count=n))
        for f in ("received_on", "routed_on", "accepted_on", "concluded_on", "decision_sent_on", "notified_on"):
            days = np.fromiter((_NAT_INT if d is None else d.toordinal() - _EPOCH for d in cols[f]), dtype=np.int64,
                               count=n)
            setattr(self, f, days.astype("datetime64[D]"))


def _count(
    table: RuleTable, cal: WorkCalendar, codes: np.ndarray, law_day: np.ndarray, start: np.ndarray,
    extra: np.ndarray,
) -> np.ndarray:
    """`deadlines._add` for every row with a rule: the version of `RULE_CODES[codes]` in force on
    `law_day`, counted from `start`, plus `extra` calendar days. NaT where `codes` is −1."""
    n = len(codes)
    applies = codes >= 0
    period = np.zeros(n, dtype=np.int64)
    working = np.zeros(n, dtype=bool)
    for code in np.flatnonzero(np.bincount(codes[applies], minlength=len(RULE_CODES))):
        sel = codes == code
        period[sel], working[sel] = table.versions(RULE_CODES[code], law_day[sel])
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
    none = np.full(n, -1, dtype=np.int64)
    is_complaint, is_denunciation = c.kind == _KIND[Kind.COMPLAINT], c.kind == _KIND[Kind.DENUNCIATION]
    accepted = ~np.isnat(c.accepted_on)

    # deadlines.transfers_denunciation: outside the body's competence, or transferred already.
    transfer = is_denunciation & (c.outside_competence | (c.state == _STATE[State.TRANSFERRED]))
    codes = {
        "routing": np.where(
            is_complaint, np.where(c.level > 1, _CODE["complaint.second.accept"], _CODE["complaint.accept"]),
            np.where(is_denunciation, np.where(
                transfer, _CODE["denunciation.transfer"],
                np.where(c.multi_site, _CODE["denunciation.check_multi"], _CODE["denunciation.check"])),
                _CODE["petition.process"])),
        "reply": np.where((c.channel == _CHANNEL[Channel.DESK]) | (c.channel == _CHANNEL[Channel.SESSION]),
                          _CODE["reception.reply"], none),
        # deadlines.resolve_rule_code: first/second × normal/complex × near/remote, in RULE_CODES order.
        "resolve": np.where(~accepted, none, np.where(
            is_complaint,
            _CODE["complaint.first.resolve"] + 4 * (c.level > 1) + (c.complexity != _COMPLEXITY[Complexity.NORMAL])
            + 2 * c.remote,
            np.where(is_denunciation, _CODE["denunciation.resolve"], _CODE["recommendation.resolve"]))),
        "notify": np.where(accepted & is_denunciation, _CODE["denunciation.notify"], none),
        "send": np.where(is_complaint & ~np.isnat(c.concluded_on), np.where(
            c.level > 1, _CODE["complaint.second.decision_send"], _CODE["complaint.decision_send"]), none),
    }
    due = {step: _count(table, cal, codes[step], law, c.received_on, zero) for step in ("routing", "reply")}
    met = {"routing": c.routed_on, "reply": c.routed_on, "resolve": c.concluded_on, "notify": c.notified_on,
           "send": c.decision_sent_on}
    extra = c.suspended_days.copy()
    extended = accepted & is_denunciation & (c.extensions > 0)
    if extended.any():
        period, _ = table.versions("denunciation.extension", law[extended])
        extra[extended] += period * c.extensions[extended]
    resolve = _count(table, cal, codes["resolve"], law, c.accepted_on, extra)
    paused = (c.state == _STATE[State.SUSPENDED]) & np.isnat(c.concluded_on)
    due["resolve"] = np.where(paused, NAT, resolve)
    due["notify"] = _count(table, cal, codes["notify"], law, c.accepted_on, zero)
    due["send"] = _count(table, cal, codes["send"], law, c.concluded_on, zero)

    # deadlines.summary: the first of the earliest unmet deadlines, in step order.
    never = np.iinfo(np.int64).max
    stacked = np.stack([
        np.where((codes[s] >= 0) & np.isnat(met[s]) & ~np.isnat(due[s]), due[s].astype(np.int64), never) for s in STEPS
    ])
    first = stacked.argmin(axis=0)
    rows_idx = np.arange(n)
    open_ = np.isin(c.state, [_STATE[s] for s in OPEN_STATES])  # refresh clears the next deadline of closed ones
    keep = (stacked.min(axis=0) != never) & open_
    due_on = np.where(keep, stacked[first, rows_idx], _NAT_INT).astype("datetime64[D]")
    due_rule = _CODE_NAMES[np.where(keep, np.stack([codes[s] for s in STEPS])[first, rows_idx], -1)]
    resolve_due_on = due["resolve"]

    today64 = np.datetime64(today, "D")
    overdue = open_ & ~np.isnat(due_on) & (due_on < today64)
    running = open_ & (c.state != _STATE[State.SUSPENDED])
    past_resolution = ~np.isnat(resolve_due_on) & np.isnat(c.concluded_on) & (resolve_due_on < today64)
    past_routing = ~accepted & np.isnat(c.routed_on) & ~np.isnat(due_on) & (due_on < today64)
    return DueDates(
        due=due, due_rule_by_step={s: _CODE_NAMES[codes[s]] for s in STEPS}, due_on=due_on, due_rule=due_rule,
        resolve_due_on=resolve_due_on, overdue=overdue, prolonged=running & (past_resolution | past_routing),
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
        self.named = np.array([bool(p[2]) for p in parts], dtype=bool)
        self.parts = []
        w_given, w_surname, w_middle = detection.NAME_PART_WEIGHTS
        for k, weight in ((2, w_given), (0, w_surname), (1, w_middle)):
            uniq, inv = np.unique(np.array([p[k] for p in parts], dtype=object), return_inverse=True)
            workers = -1 if len(uniq) > 300 else 1  # threads cost more than they save on a few names
            sims = process.cdist(list(uniq), list(uniq), scorer=fuzz.ratio, dtype=np.float64, workers=workers)
            self.parts.append((weight, inv, sims))

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Members a[i] against b[i], summed in the order `detection.name_similarity` sums."""
        total = 0.0
        for weight, inv, sims in self.parts:
            total = total + weight * sims[inv[a], inv[b]]
        return np.asarray(total) / 100


class _Vectors:
    """The TF-IDF vectors of every candidate, as `TextModel.vector_of_tokens` makes them, in CSR
    form: `terms[bounds[i]:bounds[i + 1]]` and `weights[...]` are candidate i's. Tokens become
    integer ids as they are read, so the texts' words are never all held at once."""

    def __init__(self, texts: Iterable[str], model: detection.TextModel | None) -> None:
        vocab: dict[str, int] = {}
        ids: list[np.ndarray] = []
        for text in texts:
            toks = detection.tokens(text)
            ids.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in toks), dtype=np.int64, count=len(toks)))
        n, size = len(ids), max(len(vocab), 1)
        docs = np.repeat(np.arange(n, dtype=np.int64), [len(i) for i in ids])
        keys, counts = np.unique(docs * size + np.concatenate(ids or [np.zeros(0, np.int64)]), return_counts=True)
        del ids, docs
        doc, term = keys // size, keys % size  # sorted by document, then term
        words = list(vocab)
        if model is None:  # TextModel.fit_tokens over the same texts
            df = np.bincount(term, minlength=len(words))
            ref_df, ref_n = detection._reference_counts()
            model = detection.TextModel(Counter(ref_df) + Counter(dict(zip(words, df.tolist(), strict=True))),
                                        ref_n + n)
        self.model = model
        idf = np.array([model.idf(w) for w in words], dtype=np.float64)
        weights = (1 + np.log(counts)) * idf[term] if len(words) else np.zeros(0)
        norms = np.sqrt(np.bincount(doc, weights=weights * weights, minlength=n))
        norms[norms == 0] = 1.0
        self.terms, self.weights = term, weights / norms[doc]
        self.bounds = np.searchsorted(doc, np.arange(n + 1))

    def block(self, members: np.ndarray) -> np.ndarray:
        """The members' vectors as a dense matrix over the terms found in two of them or more:
        the others cannot add to any dot product within the block."""
        spans = [np.arange(self.bounds[i], self.bounds[i + 1]) for i in members]
        at = np.concatenate(spans) if spans else np.zeros(0, np.int64)
        rows = np.repeat(np.arange(len(members)), [len(sp) for sp in spans])
        terms = self.terms[at]
        uniq, counts = np.unique(terms, return_counts=True)
        shared = uniq[counts >= 2]
        x = np.zeros((len(members), len(shared)))
        if len(shared):
            cols = np.searchsorted(shared, terms)
            hit = shared[np.clip(cols, 0, len(shared) - 1)] == terms
            x[rows[hit], cols[hit]] = self.weights[at[hit]]
        return x


def score_pairs(
    candidates: Sequence[detection.Candidate], *, threshold: float | None = detection.THRESHOLD,
    window_days: int = detection.WINDOW_DAYS, model: detection.TextModel | None = None,
    cells_per_chunk: int = 2_000_000,
) -> PairScores:
    """Every same-unit pair within `window_days` whose score reaches `threshold` (every pair when
    `threshold` is None). Earlier means received earlier, then earlier in `candidates`. Without
    `model`, word frequencies come from the candidates and the reference set, as in
    `TextModel.fit`.

    With a threshold, names are compared only where the wording alone could still reach it: a
    name adds at most `NAME_WEIGHT`, so a named pair needs a wording similarity of at least
    (threshold − NAME_WEIGHT) / (1 − NAME_WEIGHT), an anonymous one the threshold itself."""
    vectors = _Vectors((c.text for c in candidates), model)
    parts = [detection.name_parts(c.name) for c in candidates]
    dated = np.array([c.received_on is not None for c in candidates], dtype=bool)
    days = np.array([c.received_on or dt.date.min for c in candidates], dtype="datetime64[D]").astype(np.int64)
    wn = detection.NAME_WEIGHT
    floor = None if threshold is None else min(threshold, (threshold - wn) / (1 - wn)) - 1e-9

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
        x = vectors.block(idx)
        names = _BlockNames([parts[i] for i in idx])
        b_days, b_dated = days[idx], dated[idx]
        step = max(1, cells_per_chunk // n)
        for lo in range(0, n - 1, step):
            hi = min(n - 1, lo + step)
            wording = x[lo:hi] @ x.T
            keep = np.arange(n)[None, :] > np.arange(lo, hi)[:, None]  # each pair once, earlier first
            keep &= (np.abs(b_days[None, :] - b_days[lo:hi, None]) <= window_days) | ~(
                b_dated[None, :] & b_dated[lo:hi, None])
            compared += int(keep.sum())
            if floor is not None:
                keep &= wording >= floor
            r, k = np.nonzero(keep)
            w = wording[r, k]
            both = names.named[lo + r] & names.named[k]
            s = np.where(both, wn * names.pairs(lo + r, k) + (1 - wn) * w, w)
            if threshold is not None:
                ok = s >= threshold
                r, k, s = r[ok], k[ok], s[ok]
            found.append((idx[lo + r], idx[k], s))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return PairScores(empty, empty, np.zeros(0), compared)
    earlier, later, score = (np.concatenate(col) for col in zip(*found, strict=True))
    return PairScores(earlier, later, score, compared)


def find_duplicates(
    candidates: Sequence[detection.Candidate], *, threshold: float = detection.THRESHOLD,
    window_days: int = detection.WINDOW_DAYS, model: detection.TextModel | None = None,
) -> list[Duplicate]:
    """For every candidate that repeats an earlier one, the earlier candidate it is most like
    (as `detection.best_match` picks it), in the order of `candidates`."""
    return best_matches(candidates, score_pairs(candidates, threshold=threshold, window_days=window_days, model=model))


def best_matches(candidates: Sequence[detection.Candidate], pairs: PairScores) -> list[Duplicate]:
    """The best earlier match of each later candidate among `pairs` (ties: the earlier one)."""
    best: dict[int, tuple[float, int]] = {}
    for a, b, s in zip(pairs.earlier.tolist(), pairs.later.tolist(), pairs.score.tolist(), strict=True):
        if b not in best or s > best[b][0]:
            best[b] = (s, a)
    return [Duplicate(candidates[b].pk, candidates[a].pk, s) for b, (s, a) in sorted(best.items())]
