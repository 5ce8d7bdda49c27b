import datetime as dt
import random
from types import SimpleNamespace

import numpy as np
import pytest

from dieuhanh.core.calendar import WorkCalendar
from dieuhanh.core.legal_rules import RuleNotFound, load_file
from dieuhanh.petitions import bulk, deadlines, detection
from dieuhanh.petitions.choices import OPEN_STATES, Channel, Complexity, Kind, State

TODAY = dt.date(2026, 7, 20)
IN_HAND = (State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED, State.RESOLVED, State.TERMINATED)
# Receipt dates: the ten working days before and after Tết 2026 (14–22/2), both sides of the
# 1/7/2026 change of complaint.accept (10 → 7 working days), and ordinary days of 2024–2025.
WINDOWS = ((dt.date(2026, 1, 26), dt.date(2026, 3, 6)), (dt.date(2026, 6, 15), dt.date(2026, 7, 15)),
           (dt.date(2024, 1, 1), dt.date(2025, 12, 31)))


def _petition(rng: random.Random) -> SimpleNamespace:
    lo, hi = rng.choice(WINDOWS)
    received = lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))
    kind = rng.choice(Kind.values)
    state = rng.choice(State.values)
    p = SimpleNamespace(
        kind=kind, level=rng.choice((1, 1, 2)) if kind == Kind.COMPLAINT else 1,
        complexity=rng.choice(Complexity.values), remote=rng.random() < 0.3, multi_site=rng.random() < 0.3,
        channel=rng.choice(Channel.values), state=state, received_on=received, routed_on=None, accepted_on=None,
        extensions=0, suspended_days=0, concluded_on=None, decision_sent_on=None,
        outside_competence=kind == Kind.DENUNCIATION and rng.random() < 0.6, notified_on=None,
    )
    if state in (State.TRANSFERRED, State.GUIDED, State.FILED):
        p.routed_on = received + dt.timedelta(days=rng.randrange(0, 20))
    if state in IN_HAND:
        p.accepted_on = p.routed_on = received + dt.timedelta(days=rng.randrange(0, 20))
        if rng.random() < 0.4:
            p.suspended_days = rng.randrange(1, 40)
        if kind == Kind.DENUNCIATION:
            p.extensions = rng.choice((0, 1, 2))
            if rng.random() < 0.5:
                p.notified_on = p.accepted_on + dt.timedelta(days=rng.randrange(0, 10))
        if state in (State.CONCLUDED, State.RESOLVED) or (state == State.TERMINATED and rng.random() < 0.3):
            p.concluded_on = p.accepted_on + dt.timedelta(days=rng.randrange(5, 90))
        if state == State.RESOLVED:
            p.decision_sent_on = p.concluded_on + dt.timedelta(days=rng.randrange(0, 8))
    return p


def _sample(n: int = 400) -> list[SimpleNamespace]:
    rng = random.Random(2026)
    return [_petition(rng) for _ in range(n)]


def _date(value: np.datetime64) -> dt.date | None:
    return None if np.isnat(value) else value.astype(dt.date)


def test_due_dates_equal_deadlines_compute_for_a_varied_sample(db):
    sample = _sample()
    assert {p.kind for p in sample} == set(Kind.values) and {p.state for p in sample} == set(State.values)
    assert {p.complexity for p in sample} == set(Complexity.values) and {p.channel for p in sample} == set(Channel.values)
    assert any(p.level == 2 and p.accepted_on for p in sample) and any(p.remote and p.accepted_on for p in sample)
    assert any(p.extensions == 2 for p in sample) and any(p.suspended_days and p.accepted_on for p in sample)
    assert any(p.outside_competence and p.state == State.RECEIVED for p in sample)
    assert any(p.notified_on for p in sample) and any(p.level == 2 and p.concluded_on for p in sample)
    complaints = [p.received_on for p in sample if p.kind == Kind.COMPLAINT]
    assert min(complaints) < dt.date(2026, 7, 1) <= max(complaints)

    got = bulk.compute_due_dates(sample, today=TODAY)
    assert len(got) == len(sample)
    for i, p in enumerate(sample):
        expected = {d.step: d for d in deadlines.compute(p)}
        for step in bulk.STEPS:
            d = expected.get(step)
            assert _date(got.due[step][i]) == (d.due_on if d else None), (i, step, p)
            assert got.due_rule_by_step[step][i] == (d.rule.code if d else ""), (i, step, p)
        deadlines.refresh(p)
        assert (_date(got.due_on[i]), got.due_rule[i], _date(got.resolve_due_on[i])) == (
            p.due_on, p.due_rule, p.resolve_due_on), (i, p)
        assert got.overdue[i] == (p.state in OPEN_STATES and p.due_on is not None and p.due_on < TODAY), (i, p)
        assert got.prolonged[i] == detection.is_prolonged(p, TODAY), (i, p)
    assert got.overdue.any() and got.prolonged.any() and not got.prolonged.all()


def test_the_rule_in_force_on_the_receipt_date_applies(db):
    def complaint(received: dt.date) -> dict:
        fields = dict.fromkeys(bulk.DEADLINE_FIELDS)
        fields.update(kind=Kind.COMPLAINT, level=1, complexity=Complexity.NORMAL, remote=False, multi_site=False,
                      channel=Channel.POST, state=State.RECEIVED, received_on=received, extensions=0,
                      suspended_days=0)
        return fields

    got = bulk.compute_due_dates([complaint(dt.date(2026, 6, 30)), complaint(dt.date(2026, 7, 1)),
                                  complaint(dt.date(2026, 2, 10))], today=TODAY)
    # 10 working days from Tue 30/6, 7 from Wed 1/7; from 10/2 the nine days of Tết 2026 do not count.
    assert [_date(d) for d in got.due_on] == [dt.date(2026, 7, 14), dt.date(2026, 7, 10), dt.date(2026, 3, 3)]
    assert list(got.due_rule) == ["complaint.accept"] * 3


def test_the_rule_file_and_a_calendar_without_database_give_the_same_dates(db):
    sample = _sample(200)
    from_db = bulk.compute_due_dates(sample, today=TODAY)
    offline = bulk.compute_due_dates(sample, today=TODAY, rules=load_file(),
                                     cal=WorkCalendar.from_announced_schedule())
    for field in ("due_on", "resolve_due_on"):  # as integers: NaT never equals NaT
        assert np.array_equal(getattr(from_db, field).astype(np.int64), getattr(offline, field).astype(np.int64))
    assert np.array_equal(from_db.due_rule, offline.due_rule)


def test_a_date_before_any_rule_version_is_refused_like_compute(db):
    p = _sample(1)[0]
    p.kind, p.received_on, p.state = Kind.DENUNCIATION, dt.date(2018, 6, 1), State.RECEIVED
    with pytest.raises(RuleNotFound):
        deadlines.compute(p)
    with pytest.raises(RuleNotFound, match=r"denunciation\.check"):
        bulk.compute_due_dates([p], today=TODAY)


def test_no_rows_no_work(db):
    assert len(bulk.compute_due_dates([], today=TODAY)) == 0
    assert len(bulk.score_pairs([])) == 0 and bulk.find_duplicates([]) == []


# --- Repeated petitions ----------------------------------------------------------------------------

RECORDS = detection.load_eval_set()
CANDIDATES = detection.candidates_from_records(RECORDS)


def test_bulk_scores_equal_the_pairwise_scores_of_the_evaluation():
    pairwise = {(a, b): s for a, b, _, s in detection.eval_pairs(RECORDS)}
    every = bulk.score_pairs(CANDIDATES, threshold=None)
    assert every.compared == len(every) == len(pairwise)
    for a, b, s in zip(every.earlier, every.later, every.score, strict=True):
        key = (CANDIDATES[a].pk, CANDIDATES[b].pk)
        assert s == pytest.approx(pairwise.get(key, pairwise.get(key[::-1])), abs=1e-12)
        assert (CANDIDATES[a].received_on, a) <= (CANDIDATES[b].received_on, b)
    found = bulk.score_pairs(CANDIDATES)
    assert {(CANDIDATES[a].pk, CANDIDATES[b].pk) for a, b in zip(found.earlier, found.later, strict=True)} == {
        k for k, s in pairwise.items() if s >= detection.THRESHOLD
    }
    assert found.compared == every.compared


def test_small_chunks_give_the_same_pairs():
    a = bulk.score_pairs(CANDIDATES)
    b = bulk.score_pairs(CANDIDATES, cells_per_chunk=7)
    assert np.array_equal(np.sort(a.earlier * 10_000 + a.later), np.sort(b.earlier * 10_000 + b.later))


def test_find_duplicates_picks_what_best_match_picks():
    model = detection.TextModel.fit(c.text for c in CANDIDATES)
    found = {d.pk: d for d in bulk.find_duplicates(CANDIDATES, model=model)}
    order = sorted(range(len(CANDIDATES)), key=lambda i: (CANDIDATES[i].received_on, i))
    for pos, i in enumerate(order):
        c = CANDIDATES[i]
        earlier = [CANDIDATES[j] for j in order[:pos] if CANDIDATES[j].unit == c.unit]
        match, s = detection.best_match(c.text, c.name, earlier, model=model)
        if match is None:
            assert c.pk not in found
        else:
            assert (found[c.pk].duplicate_of, found[c.pk].score) == (match, pytest.approx(s, abs=1e-12))
    repeats = {r["id"] for r in RECORDS if r.get("same_as")}
    assert len(found) >= 0.9 * len(repeats) and len(set(found) - repeats) <= 0.1 * len(found)


def test_units_are_blocks_and_the_window_applies():
    a = detection.Candidate(1, CANDIDATES[0].text, "Nguyễn Văn Hùng", "x", dt.date(2024, 1, 2))
    same_elsewhere = detection.Candidate(2, CANDIDATES[0].text, "Nguyễn Văn Hùng", "y", dt.date(2024, 1, 3))
    too_late = detection.Candidate(3, CANDIDATES[0].text, "Nguyễn Văn Hùng", "x", dt.date(2026, 1, 3))
    in_time = detection.Candidate(4, CANDIDATES[0].text, "Nguyễn Văn Hùng", "x", dt.date(2025, 12, 30))
    assert [(d.pk, d.duplicate_of) for d in bulk.find_duplicates([a, same_elsewhere, too_late, in_time])] == [
        (3, 4), (4, 1)]


def test_an_unknown_choice_is_named(db):
    p = _sample(1)[0]
    p.kind = "gossip"
    with pytest.raises(ValueError, match="kind"):
        bulk.compute_due_dates([p], today=TODAY)
