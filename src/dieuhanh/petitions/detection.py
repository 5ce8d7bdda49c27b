"""Automatic flags: repeated petitions (đơn trùng), petitions sent over the competent level
(vượt cấp) and petitions running past their legal deadlines (kéo dài). Nobody ticks these by
hand; `flag_new` runs when a petition is received and `sweep` re-evaluates open ones daily.

Repeated petitions are matched on the folded (diacritic-free) wording and petitioner name with
`rapidfuzz`, so "Nguyễn Văn Hùng" and "Nguyen Van Hung", or a paraphrase of the same
complaint, still match. Candidates are earlier petitions about the same place (the matter's
unit and the units it became) within `WINDOW_DAYS`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from dieuhanh.core.text import fold
from dieuhanh.org.choices import UnitLevel
from dieuhanh.petitions import crypto
from dieuhanh.petitions.choices import OPEN_STATES, Kind, State

WINDOW_DAYS = 730
THRESHOLD = 0.72
LEVEL_RANK = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.VILLAGE: 3}


@dataclass(frozen=True)
class Candidate:
    pk: int
    text: str  # folded subject + content + respondent
    name: str  # folded petitioner name ("" when anonymous)


def matter_text(subject: str, content: str, respondent: str = "") -> str:
    return fold(f"{subject} {content} {respondent}")


def score(a_text: str, a_name: str, b_text: str, b_name: str) -> float:
    """Similarity in [0, 1] of two petitions: wording weighs most, the petitioner's name
    confirms (a different name lowers the score; a missing name neither helps nor hurts)."""
    wording = max(fuzz.token_set_ratio(a_text, b_text), fuzz.token_sort_ratio(a_text, b_text)) / 100
    if a_name and b_name:
        name = fuzz.WRatio(a_name, b_name) / 100
        return 0.6 * wording + 0.4 * name
    return wording * 0.9


def best_match(text: str, name: str, candidates: list[Candidate]) -> tuple[int | None, float]:
    best, best_score = None, 0.0
    for c in candidates:
        s = score(text, name, c.text, c.name)
        if s > best_score:
            best, best_score = c.pk, s
    return (best, best_score) if best_score >= THRESHOLD else (None, best_score)


def _candidates(p: Any) -> list[Candidate]:
    from dieuhanh.org import scope
    from dieuhanh.petitions.models import Petition

    units = {p.unit_id} | scope.heirs(p.unit_id) | set(scope.unit_graph().predecessors.get(p.unit_id, []))
    since = p.received_on - dt.timedelta(days=WINDOW_DAYS)
    rows = (
        Petition.objects.filter(unit_id__in=units, received_on__gte=since, received_on__lte=p.received_on)
        .exclude(pk=p.pk)
        .only("pk", "subject", "content", "respondent", "identity_enc", "is_anonymous")
    )
    out = []
    for r in rows:
        name = "" if r.is_anonymous else fold(crypto.decrypt_json(r.identity_enc).get("name", ""))
        out.append(Candidate(r.pk, matter_text(r.subject, r.content, r.respondent), name))
    return out


def is_over_level(p: Any, receiving_level: str, matter_level: str, earlier_at_competent_level: bool) -> bool:
    """A first-time complaint, recommendation or feedback sent to a body above the unit where
    the matter arises, before that unit has dealt with it, is sent over the competent level."""
    if p.level != 1 or p.kind not in (Kind.COMPLAINT, Kind.RECOMMENDATION, Kind.FEEDBACK):
        return False
    if LEVEL_RANK.get(receiving_level, 9) >= LEVEL_RANK.get(matter_level, 9):
        return False
    return not earlier_at_competent_level


def flag_new(p: Any, identity: dict[str, Any]) -> None:
    """Set `duplicate_of`, `duplicate_score`, `is_over_level` and `flag_notes` on a petition
    just received (the caller saves)."""
    from dieuhanh.petitions.models import Petition

    name = "" if p.is_anonymous else fold(identity.get("name", ""))
    match, s = best_match(matter_text(p.subject, p.content, p.respondent), name, _candidates(p))
    notes = []
    p.duplicate_of_id, p.duplicate_score = match, round(s, 3) if match else None
    if match:
        original = Petition.objects.only("receipt_code", "year", "seq").get(pk=match)
        notes.append(f"Trùng nội dung với đơn số {original.number} (độ giống {s:.0%}).")
    earlier_local = match is not None and Petition.objects.filter(pk=match, receiving_unit_id=p.unit_id).exists()
    p.is_over_level = is_over_level(p, p.receiving_unit.level, p.unit.level, earlier_local)
    if p.is_over_level:
        notes.append(f"Gửi {p.receiving_unit.name} khi {p.unit.name} chưa giải quyết.")
    p.flag_notes = " ".join(notes)[:500]


def is_prolonged(p: Any, today: dt.date) -> bool:
    """Running past its legal deadline: open after its resolution deadline, or still waiting
    for acceptance after the routing deadline."""
    if p.state not in OPEN_STATES or p.state == State.SUSPENDED:
        return False
    if p.resolve_due_on is not None and p.concluded_on is None:
        return p.resolve_due_on < today
    return p.accepted_on is None and p.due_on is not None and p.due_on < today


def sweep(today: dt.date | None = None) -> int:
    """Re-evaluate `is_prolonged` on every petition; returns how many changed."""
    from django.db import transaction
    from django.utils import timezone

    from dieuhanh.petitions.models import Petition

    today = today or timezone.localdate()
    changed = 0
    with transaction.atomic():
        for p in Petition.objects.only("pk", "state", "resolve_due_on", "concluded_on", "accepted_on", "due_on",
                                       "is_prolonged").iterator(chunk_size=2000):
            flag = is_prolonged(p, today)
            if flag != p.is_prolonged:
                Petition.objects.filter(pk=p.pk).update(is_prolonged=flag)
                changed += 1
    return changed
