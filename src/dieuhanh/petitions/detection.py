"""Automatic flags: repeated petitions (đơn trùng), petitions sent over the competent level
(vượt cấp) and petitions running past their legal deadlines (kéo dài). Nobody ticks these by
hand; `flag_new` runs when a petition is received and `sweep` re-evaluates open ones daily.

A repeated petition is the same person raising the same matter again (Circular 05/2021/TT-TTCP):
sent again when unanswered, sent to several bodies, told at a reception day, completed with new
evidence. So the score of two petitions combines two similarities, with every weight below:

- wording: cosine of TF-IDF vectors of the folded (diacritic-free) syllables of subject, content
  and respondent, with common administrative abbreviations spelt out (UBND, TDP, KCN, QĐ...).
  Rare words (a parcel number, a company's name, a street) weigh most; words every petition uses
  ("đề nghị", "phường") weigh least. Word frequencies come from the petitions being compared plus
  the shipped reference set (`data/dedup_eval.yaml`), so a ward with three petitions still knows
  which words are common;
- petitioner's name: fuzzy match of the given name (most weight: surnames and middle names are
  shared by millions), the surname and the middle-name initials, after folding and dropping
  honorifics. "Nguyễn Văn Hùng", "Nguyen Van Hung", "Nguyễn Văn Hưng" and "Nguyễn V. Hùng" match;
  "Nguyễn Văn Hải" does not.

The score is the mean of the two; when either petition has no name (anonymous), the wording
alone. A pair is a repeat when the score reaches `THRESHOLD`. On the reference set (260
hand-written petitions, 98 repeated pairs among 2,470 same-ward pairs) `evaluate()` gives the
figures `dieuhanh petitions dedup-eval` prints. Candidates are earlier petitions about the same
place (the matter's unit, the units it succeeded and those it became) within `WINDOW_DAYS`.
`bulk.find_duplicates` computes the same scores for many petitions at once."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rapidfuzz import fuzz

from dieuhanh.lib.text import fold
from dieuhanh.org.choices import UnitLevel
from dieuhanh.petitions.choices import OPEN_STATES, Kind, State

WINDOW_DAYS = 730
LEVEL_RANK: dict[str, int] = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.VILLAGE: 3}

# --- The repeated-petition model: every weight in one place --------------------------------------

THRESHOLD = 0.65  # score from which a pair is a repeat
NAME_WEIGHT = 0.5  # share of the name in the score; the wording has the rest
NAME_PART_WEIGHTS = (0.6, 0.3, 0.1)  # given name, surname, middle-name initials
# Administrative abbreviations spelt out before comparing (folded keys). Ambiguous ones are left
# out on purpose: "CA" (công an / cá), "TB" (thông báo / trạm bơm), "DT" (diện tích / điện thoại).
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "ubkt": "uy ban kiem tra",
    "mttq": "mat tran to quoc", "tdp": "to dan pho", "kdc": "khu dan cu", "nvh": "nha van hoa",
    "tp": "thanh pho", "p": "phuong", "qd": "quyet dinh", "xphc": "xu phat hanh chinh",
    "kn": "khieu nai", "gcn": "giay chung nhan", "qsdd": "quyen su dung dat",
    "gcnqsdd": "giay chung nhan quyen su dung dat", "dgqsdd": "dau gia quyen su dung dat",
    "gpmb": "giai phong mat bang", "hdbt": "hoi dong boi thuong", "ptqd": "phat trien quy dat",
    "kcn": "khu cong nghiep", "ccn": "cum cong nghiep", "kdt": "khu do thi", "cdt": "chu dau tu",
    "qlda": "quan ly du an", "cty": "cong ty", "tnhh": "trach nhiem huu han", "cp": "co phan",
    "htx": "hop tac xa", "dvnn": "dich vu nong nghiep", "ql": "quoc lo", "tl": "tinh lo",
    "dv": "dang vien", "thcs": "trung hoc co so", "thpt": "trung hoc pho thong",
    "bhxh": "bao hiem xa hoi", "bhyt": "bao hiem y te", "tnmt": "tai nguyen moi truong",
    "ldtbxh": "lao dong thuong binh xa hoi", "tr": "trieu", "ko": "khong",
}
HONORIFICS = {"ong", "ba", "cu", "anh", "chi", "em", "co", "chu", "bac"}  # dropped before a full name

_TOKEN = re.compile(r"[a-z]+|\d+")
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}\b)")  # 1.500.000 → 1500000; 1,5 stays two numbers
REFERENCE_FILE = Path(__file__).parent / "data" / "dedup_eval.yaml"


def matter_text(subject: str, content: str, respondent: str = "") -> str:
    """The wording compared: subject, content and respondent (`tokens` folds it)."""
    return f"{subject} {content} {respondent}"


_MARKS = re.compile("[\u0300-\u036f]+")  # the combining marks of Vietnamese, after NFD
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
# One byte table lowers ASCII letters and turns every other character but digits, "." and "," into a space.
_ASCII_WORDS = bytes(
    c + 32 if 65 <= c <= 90 else c if chr(c).isalnum() or chr(c) in ".," else 32 for c in range(256)
)
_EXPANSIONS = {k: v.split() for k, v in ABBREVIATIONS.items()}


def tokens(text: str) -> list[str]:
    """Folded syllables and numbers of `text`, abbreviations spelt out: "UBND P. Sao Đỏ, 1.500.000
    đ" → uy ban nhan dan phuong sao do 1500000 d. Folds as `fold()` does (diacritics dropped,
    đ → d) but with string methods that run in C: this runs for every petition compared."""
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")))
        text = _NOT_ASCII.sub(" ", text)
    out: list[str] = []
    for word in text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split():
        if not (word.isalpha() or word.isdigit()):
            word = word.strip(".,")  # "dat." at the end of a sentence
        if word.isalpha() or word.isdigit():
            parts = [word]
        else:  # "1.500.000", "1,5", "ql18", "m2"
            parts = [t for part in _THOUSANDS.sub("", word).replace(",", ".").split(".") for t in _TOKEN.findall(part)]
        for t in parts:
            expansion = _EXPANSIONS.get(t)
            if expansion is None:
                out.append(t)
            else:
                out.extend(expansion)
    return out


# --- Names ---------------------------------------------------------------------------------------


def name_parts(name: str) -> tuple[str, str, str]:
    """(surname, middle-name initials, given name), folded; honorifics dropped while a full name
    remains ("Ông Kiều Văn Nhật" → kieu, v, nhat; "Lê V. Tứ" → le, v, tu). ("", "", "") for none."""
    words = re.findall(r"[a-z]+", fold(name))
    while len(words) > 2 and words[0] in HONORIFICS:
        words = words[1:]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], "".join(w[0] for w in words[1:-1]), words[-1]


def name_similarity(a: str, b: str) -> float | None:
    """Similarity in [0, 1] of two petitioners' names, None when either is missing."""
    pa, pb = name_parts(a), name_parts(b)
    if not pa[2] or not pb[2]:
        return None
    given, surname, middle = NAME_PART_WEIGHTS
    return (given * fuzz.ratio(pa[2], pb[2]) + surname * fuzz.ratio(pa[0], pb[0])
            + middle * fuzz.ratio(pa[1], pb[1])) / 100


def combine(wording: float, name: float | None) -> float:
    """The score of a pair from its wording and name similarities."""
    if name is None:
        return wording
    return NAME_WEIGHT * name + (1 - NAME_WEIGHT) * wording


# --- Wording -------------------------------------------------------------------------------------


@functools.cache
def _reference_counts() -> tuple[Counter[str], int]:
    records = load_eval_set(REFERENCE_FILE)
    df: Counter[str] = Counter()
    for r in records:
        df.update(set(tokens(matter_text(r["subject"], r["content"], r.get("respondent", "")))))
    return df, len(records)


class TextModel:
    """Document frequencies of syllables, and the TF-IDF vectors they give: sublinear term
    frequency (1 + ln tf), smoothed idf (ln((1 + N) / (1 + df)) + 1), unit length."""

    def __init__(self, df: Counter[str], n_docs: int) -> None:
        self.df, self.n_docs = df, n_docs
        self._idf: dict[str, float] = {}

    @classmethod
    def fit(cls, texts: Iterable[str], *, reference: bool = True) -> TextModel:
        return cls.fit_tokens((tokens(t) for t in texts), reference=reference)

    @classmethod
    def fit_tokens(cls, token_lists: Iterable[Sequence[str]], *, reference: bool = True) -> TextModel:
        df: Counter[str] = Counter()
        n = 0
        if reference:
            ref_df, ref_n = _reference_counts()
            df.update(ref_df)
            n += ref_n
        for toks in token_lists:
            df.update(set(toks))
            n += 1
        return cls(df, n)

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            value = self._idf[term] = math.log((1 + self.n_docs) / (1 + self.df.get(term, 0))) + 1
        return value

    def vector(self, text: str) -> dict[str, float]:
        return self.vector_of_tokens(tokens(text))

    def vector_of_tokens(self, toks: Sequence[str]) -> dict[str, float]:
        tf = Counter(toks)
        v = {t: (1 + math.log(c)) * self.idf(t) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def similarity(self, a: str, b: str) -> float:
        return cosine(self.vector(a), self.vector(b))


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


@functools.cache
def reference_model() -> TextModel:
    return TextModel.fit(())


# --- Scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    pk: Any
    text: str  # matter_text(subject, content, respondent)
    name: str  # petitioner's name ("" when anonymous)
    unit: Any = None
    received_on: dt.date | None = None


def score(a_text: str, a_name: str, b_text: str, b_name: str, *, model: TextModel | None = None) -> float:
    """Similarity in [0, 1] of two petitions (see the module docstring)."""
    model = model or reference_model()
    return combine(model.similarity(a_text, b_text), name_similarity(a_name, b_name))


def best_match(
    text: str, name: str, candidates: Sequence[Candidate], *, model: TextModel | None = None
) -> tuple[Any, float]:
    """The candidate most like the petition, if its score reaches `THRESHOLD`, and that score."""
    model = model or TextModel.fit([text, *(c.text for c in candidates)])
    vector = model.vector(text)
    best, best_score = None, 0.0
    for c in candidates:
        s = combine(cosine(vector, model.vector(c.text)), name_similarity(name, c.name))
        if s > best_score:
            best, best_score = c.pk, s
    return (best, best_score) if best_score >= THRESHOLD else (None, best_score)


def _candidates(p: Any) -> list[Candidate]:
    from dieuhanh.org import scope
    from dieuhanh.petitions.confidentiality import decrypt_for_system
    from dieuhanh.petitions.models import Petition

    units = {p.unit_id} | scope.heirs(p.unit_id) | set(scope.unit_graph().predecessors.get(p.unit_id, []))
    since = p.received_on - dt.timedelta(days=WINDOW_DAYS)
    rows = (
        Petition.objects.filter(unit_id__in=units, received_on__gte=since, received_on__lte=p.received_on)
        .exclude(pk=p.pk)
        .only("pk", "subject", "content", "respondent", "identity_enc", "is_anonymous", "unit_id", "received_on")
    )
    out = []
    for r in rows:
        name = "" if r.is_anonymous else decrypt_for_system(r).get("name", "")
        out.append(Candidate(r.pk, matter_text(r.subject, r.content, r.respondent), name, r.unit_id, r.received_on))
    return out


def is_over_level(p: Any, receiving_level: str, matter_level: str, earlier_at_competent_level: bool) -> bool:
    """A first-time complaint, recommendation or feedback sent to a body above the unit where
    the matter arises, before that unit has dealt with it, is sent over the competent level."""
    if p.level != 1 or p.kind not in (Kind.COMPLAINT, Kind.RECOMMENDATION, Kind.FEEDBACK):
        return False
    if LEVEL_RANK.get(receiving_level, 9) >= LEVEL_RANK.get(matter_level, 9):
        return False
    return not earlier_at_competent_level


def flag_new(p: Any, identity: dict[str, Any], *, not_repeat_of: int | None = None) -> None:
    """Set `duplicate_of`, `duplicate_score`, `is_over_level` and `flag_notes` on a petition
    just received and saved (the caller saves it again). A repeat link that touches a
    confidential petition is sealed on that petition instead (`confidentiality.seal_link`).
    `not_repeat_of` is a petition this one follows by law (a second-time complaint's first one),
    never counted as a repeat.

    An ordinary petition is matched twice, against ordinary and against confidential petitions
    (one text model over both, so the scores are the ones a single pass gives): a hidden match
    must change nothing that others see — neither take the place of a visible repeat nor clear
    the over-level flag — or its absence would show that one exists."""
    from dieuhanh.petitions import confidentiality
    from dieuhanh.petitions.models import Petition

    name = "" if p.is_anonymous else identity.get("name", "")
    text = matter_text(p.subject, p.content, p.respondent)
    candidates = [c for c in _candidates(p) if c.pk != not_repeat_of]
    model = TextModel.fit([text, *(c.text for c in candidates)])
    secret = set(
        Petition.objects.filter(pk__in=[c.pk for c in candidates], confidential=True).values_list("pk", flat=True)
    )
    if p.confidential:
        plain, (hidden, hidden_score) = (None, 0.0), best_match(text, name, candidates, model=model)
    else:
        plain = best_match(text, name, [c for c in candidates if c.pk not in secret], model=model)
        hidden, hidden_score = best_match(text, name, [c for c in candidates if c.pk in secret], model=model)
    notes = []
    p.duplicate_of_id, p.duplicate_score = None, None
    match, s = plain
    if match:
        # Locked, and read again: a petition made confidential meanwhile is sealed, not linked.
        original = Petition.objects.select_for_update().only("receipt_code", "year", "seq", "confidential").get(
            pk=match
        )
        if original.confidential:
            hidden, hidden_score, match = match, s, None
        else:
            p.duplicate_of_id, p.duplicate_score = match, round(s, 3)
            notes.append(confidentiality.duplicate_note(original.number, s))
    if hidden:
        other = Petition.objects.select_for_update().only("pk", "confidential", "sealed_links_enc").get(pk=hidden)
        confidentiality.seal_link(p, other, round(hidden_score, 3))
    earlier_local = match is not None and Petition.objects.filter(pk=match, receiving_unit_id=p.unit_id).exists()
    p.is_over_level = is_over_level(p, p.receiving_unit.level, p.unit.level, earlier_local)
    if p.is_over_level:
        notes.append(f"Gửi {p.receiving_unit.name} khi {p.unit.name} chưa giải quyết.")
    p.flag_notes = " ".join(notes)[:500]


# --- Evaluation on the reference set -------------------------------------------------------------


def load_eval_set(path: Path = REFERENCE_FILE) -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 20× faster
    records: list[dict[str, Any]] = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []  # noqa: S506
    return records


def candidates_from_records(records: Sequence[Mapping[str, Any]]) -> list[Candidate]:
    """Evaluation records (id, unit, petitioner, subject, content, respondent, received_on)."""
    return [
        Candidate(r["id"], matter_text(r["subject"], r["content"], r.get("respondent", "")),
                  r.get("petitioner") or "", r["unit"], r["received_on"])
        for r in records
    ]


def within_window(a: dt.date | None, b: dt.date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= WINDOW_DAYS


def eval_pairs(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, bool, float]]:
    """Every pair of same-unit records within `WINDOW_DAYS`: (id, id, is a repeat, score). The
    truth: two records are repeats when they share a `same_as` group."""
    root: dict[str, str] = {}
    for r in records:
        root[r["id"]] = r.get("same_as") or r["id"]

    def group(i: str) -> str:
        while root[i] != i:
            i = root[i]
        return i

    cands = candidates_from_records(records)
    model = TextModel.fit(c.text for c in cands)
    vectors = {c.pk: model.vector(c.text) for c in cands}
    out = []
    by_unit = sorted(cands, key=lambda c: str(c.unit))
    for _, block in itertools.groupby(by_unit, key=lambda c: str(c.unit)):
        for a, b in itertools.combinations(list(block), 2):
            if not within_window(a.received_on, b.received_on):
                continue
            s = combine(cosine(vectors[a.pk], vectors[b.pk]), name_similarity(a.name, b.name))
            out.append((a.pk, b.pk, group(a.pk) == group(b.pk), s))
    return out


def evaluate(
    records: Sequence[Mapping[str, Any]], *, threshold: float = THRESHOLD
) -> tuple[float, float, float, int, int, int]:
    """(precision, recall, F1, true positives, false positives, false negatives) of the pairwise
    prediction "score ≥ threshold" among same-unit pairs of `records`."""
    tp = fp = fn = 0
    for _, _, truth, s in eval_pairs(records):
        predicted = s >= threshold
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, fp, fn


# --- Prolonged petitions -------------------------------------------------------------------------


def is_prolonged(p: Any, today: dt.date) -> bool:
    """Running past its legal deadline: open after its resolution deadline, or still waiting
    for acceptance after the routing deadline."""
    if p.state not in OPEN_STATES or p.state == State.SUSPENDED:
        return False
    if p.resolve_due_on is not None and p.concluded_on is None:
        return p.resolve_due_on < today
    return p.accepted_on is None and p.routed_on is None and p.due_on is not None and p.due_on < today


@dataclass
class SweepResult:
    checked: int = 0  # petitions read
    open: int = 0  # open petitions
    overdue: int = 0  # open, next deadline passed (the lists' "quá hạn")
    prolonged: int = 0  # flagged prolonged after the sweep
    flagged: int = 0  # newly flagged prolonged
    cleared: int = 0  # flag removed
    stale: int = 0  # open petitions whose stored deadlines differ from today's rules and calendar

    @property
    def changed(self) -> int:
        return self.flagged + self.cleared


def run_sweep(today: dt.date | None = None, *, progress: Callable[[int, int], None] | None = None,
              chunk_size: int = 5000) -> SweepResult:
    """Re-evaluate `is_prolonged` on every petition, a chunk of ids at a time: one UPDATE sets the
    flag where `models.prolonged_q` holds and it is not set yet, one clears it where it no longer
    holds. Counts the open and overdue petitions, and those whose stored deadlines differ from the
    ones the rule table and calendar give today (`bulk.compute_due_dates`), for example after an
    administrator announced a day off. `progress(done, total)` is called after each chunk."""
    from django.db import transaction
    from django.utils import timezone

    from dieuhanh.core import calendar
    from dieuhanh.petitions import bulk
    from dieuhanh.petitions.models import Petition, prolonged_q

    today = today or timezone.localdate()
    result = SweepResult()
    pks = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
    rules, cal = bulk.RuleTable.from_db(), calendar.current()
    stored = ("due_on", "due_rule", "resolve_due_on")
    for start in range(0, len(pks), chunk_size):
        ids = pks[start:start + chunk_size]
        chunk = Petition.objects.filter(pk__gte=ids[0], pk__lte=ids[-1])
        with transaction.atomic():
            result.flagged += chunk.filter(prolonged_q(today), is_prolonged=False).update(is_prolonged=True)
            result.cleared += chunk.exclude(prolonged_q(today)).filter(is_prolonged=True).update(is_prolonged=False)
        rows = list(chunk.filter(state__in=OPEN_STATES).values(*bulk.DEADLINE_FIELDS, *stored))
        if rows:
            now = bulk.compute_due_dates(rows, today=today, rules=rules, cal=cal)
            for i, r in enumerate(rows):
                due_on, resolve_due_on = now.due_on[i], now.resolve_due_on[i]
                result.stale += (
                    (None if np.isnat(due_on) else due_on.astype(dt.date)) != r["due_on"]
                    or now.due_rule[i] != r["due_rule"]
                    or (None if np.isnat(resolve_due_on) else resolve_due_on.astype(dt.date)) != r["resolve_due_on"]
                )
                result.overdue += r["due_on"] is not None and r["due_on"] < today
        result.open += len(rows)
        result.checked += len(ids)
        if progress is not None:
            progress(result.checked, len(pks))
    result.prolonged = Petition.objects.filter(is_prolonged=True).count()
    return result


def sweep(today: dt.date | None = None) -> int:
    """Re-evaluate `is_prolonged` on every petition; returns how many changed."""
    return run_sweep(today).changed
