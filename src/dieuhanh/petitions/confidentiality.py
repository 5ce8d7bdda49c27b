"""Who may see who wrote a petition (Law on Denunciations Arts 8, 9, 47; LEGAL.md).

A confidential petition (every denunciation, and any petition with a denunciation in it) shows
its petitioner's identity only to the users assigned to handle it, and each time it is shown the
audit log records who saw it and when. Everyone else — other officers, leaders, exports,
reports, search, the audit view, the API — gets `REDACTED`. A petition that is not confidential
shows its petitioner to whoever may see the petition (no reveal is logged).

The same holds for the link between a confidential petition and any other petition (the repeat
that the duplicate check finds): a feedback signed by a person, then a denunciation in the same
words, would name the denouncer through the feedback. Such links are kept encrypted on the
confidential petition (`sealed_links_enc`), never in `duplicate_of`, so no page, list, filter,
export, statistic, API response or audit snapshot sees them; a handler sees them beside the
identity, in the same logged reveal.

This module is the only reader of `Petition.identity_enc` and `Petition.sealed_links_enc`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from dieuhanh.core import audit
from dieuhanh.core.http import AnyUser
from dieuhanh.petitions import crypto
from dieuhanh.petitions.choices import CONFIDENTIAL_KINDS, Action

REDACTED = gettext_lazy("[Đã ẩn để bảo mật người tố cáo]")
IDENTITY_KEYS = ("name", "address", "phone", "email", "id_number", "co_signers")
IDENTITY_LABELS = {
    "name": gettext_lazy("Họ và tên"),
    "address": gettext_lazy("Địa chỉ"),
    "phone": gettext_lazy("Điện thoại"),
    "email": gettext_lazy("Thư điện tử"),
    "id_number": gettext_lazy("Số định danh cá nhân"),
    "co_signers": gettext_lazy("Những người cùng ký"),
}


def is_handler(user: AnyUser | None, petition: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return petition.assignments.filter(user_id=user.pk).exists()


def may_see_identity(user: AnyUser | None, petition: Any) -> bool:
    """Whether `user` may see the petitioner of `petition`. Callers have already checked that
    the user may see the petition itself (`visible_to`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if petition.confidential:
        return is_handler(user, petition)
    return True


def redacted() -> dict[str, str]:
    return dict.fromkeys(IDENTITY_KEYS, str(REDACTED))


def withheld_words(petition: Any) -> list[str]:
    """What a notification about `petition` must never carry (notifications.services.notify
    removes it from titles and bodies): every text of the petitioner's identity — name,
    address, phone, e-mail, ID number, co-signers — for a confidential petition or not."""
    found: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            found.extend(part.strip() for part in value.splitlines() if part.strip())
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    identity = crypto.decrypt_json(petition.identity_enc) if petition.identity_enc else {}
    for key in IDENTITY_KEYS:
        collect(identity.get(key))
    return found


def decrypt_for_system(petition: Any) -> dict[str, Any]:
    """The identity for the software's own use (duplicate detection), never for display."""
    return crypto.decrypt_json(petition.identity_enc)


def identity_for(
    user: AnyUser | None, petition: Any, *, purpose: str = "xem chi tiết đơn"
) -> dict[str, Any] | None:
    """The petitioner's identity if `user` may see it, else None. Showing a confidential
    petition's identity is logged in the audit chain, in its own transaction."""
    if not may_see_identity(user, petition):
        return None
    identity = crypto.decrypt_json(petition.identity_enc)
    if petition.confidential:
        with transaction.atomic():
            audit.record(actor=user, action=Action.REVEAL, obj=petition, after={"mục đích": purpose})
    return identity


def display_identity(
    user: AnyUser | None, petition: Any, *, purpose: str = "xem chi tiết đơn"
) -> dict[str, Any]:
    """The identity to print for `user`: the real one, or every field redacted."""
    identity = identity_for(user, petition, purpose=purpose)
    return identity if identity is not None else redacted()


def public_name(petition: Any) -> str:
    """The petitioner's name where a list or export shows it to anyone in scope: the name for an
    ordinary petition, `REDACTED` for a confidential one."""
    if petition.confidential:
        return str(REDACTED)
    return crypto.decrypt_json(petition.identity_enc).get("name", "")


# --- confidentiality of a kind, and the repeat links of a confidential petition --------------------

REPEATS, REPEATED_BY = "repeats", "repeated_by"
RELATION_LABELS = {
    REPEATS: gettext_lazy("Trùng nội dung với đơn nhận trước"),
    REPEATED_BY: gettext_lazy("Đơn nhận sau trùng nội dung với đơn này"),
}
# The sentence the duplicate check writes into `flag_notes` for a plain (not sealed) link.
DUPLICATE_NOTE_RE = re.compile(r"Trùng nội dung với đơn số \S+ \(độ giống [^)]*\)\.\s*")


def contains_denunciation(kind: str) -> bool:
    """Whether a petition of this kind is confidential from the moment it is classified so."""
    return kind in CONFIDENTIAL_KINDS


def duplicate_note(number: str, score: float) -> str:
    return f"Trùng nội dung với đơn số {number} (độ giống {score:.0%})."


def strip_duplicate_note(notes: str) -> str:
    return DUPLICATE_NOTE_RE.sub("", notes).strip()


def _sealed(p: Any) -> list[dict[str, Any]]:
    return list(crypto.decrypt_json(p.sealed_links_enc).get("links", [])) if p.sealed_links_enc else []


def _store_sealed(p: Any, links: list[dict[str, Any]]) -> None:
    p.sealed_links_enc = crypto.encrypt_json({"links": links}) if links else ""


def _add_sealed(p: Any, other_id: int, relation: str, score: float | None) -> None:
    links = [x for x in _sealed(p) if x.get("petition") != other_id]
    links.append({"petition": other_id, "relation": relation, "score": score})
    _store_sealed(p, links)


def seal_link(p: Any, other: Any, score: float | None) -> None:
    """Record that `p` (just received) repeats `other`, where one of them is confidential: on
    each confidential end, encrypted; never in `duplicate_of`. The caller saves `p`; `other` is
    saved here (locked, so two receipts at once do not lose a link)."""
    from dieuhanh.petitions.models import Petition

    if p.confidential:
        _add_sealed(p, other.pk, REPEATS, score)
    if other.confidential:
        locked = Petition.objects.select_for_update().only("pk", "sealed_links_enc").get(pk=other.pk)
        _add_sealed(locked, p.pk, REPEATED_BY, score)
        Petition.objects.filter(pk=other.pk).update(sealed_links_enc=locked.sealed_links_enc)


def seal_links(p: Any) -> None:
    """`p` has just become confidential: move its plain repeat links — to the petition it repeats,
    and from the petitions that repeat it — into sealed links, and take the sentence naming the
    other petition out of both flag notes. The caller saves `p`. No audit event carries the
    moved link: it would say which petition it was."""
    from dieuhanh.petitions.models import Petition

    if p.duplicate_of_id is not None:
        other = Petition.objects.only("pk", "confidential").get(pk=p.duplicate_of_id)
        score = p.duplicate_score
        p.duplicate_of_id, p.duplicate_score = None, None
        p.flag_notes = strip_duplicate_note(p.flag_notes)
        seal_link(p, other, score)
    for later in Petition.objects.select_for_update().filter(duplicate_of_id=p.pk).only(
        "pk", "duplicate_score", "flag_notes"
    ):
        _add_sealed(p, later.pk, REPEATED_BY, later.duplicate_score)
        Petition.objects.filter(pk=later.pk).update(
            duplicate_of=None, duplicate_score=None, flag_notes=strip_duplicate_note(later.flag_notes)
        )
    # Links already sealed on other confidential petitions, which point at `p`, are now `p`'s
    # too (they are found only by opening them: a sealed link has no column to query).
    reverse = {REPEATS: REPEATED_BY, REPEATED_BY: REPEATS}
    for other in Petition.objects.filter(confidential=True).exclude(sealed_links_enc="").exclude(pk=p.pk).only(
        "pk", "sealed_links_enc"
    ):
        for link in _sealed(other):
            if link.get("petition") == p.pk:
                _add_sealed(p, other.pk, reverse.get(link.get("relation", ""), REPEATED_BY), link.get("score"))


@dataclass(frozen=True)
class SealedLink:
    petition_id: int
    number: str
    relation: str
    score: float | None

    @property
    def relation_label(self) -> str:
        return str(RELATION_LABELS.get(self.relation, self.relation))


def sealed_links_for(user: AnyUser | None, p: Any) -> list[SealedLink]:
    """The sealed repeat links of a confidential petition, for one of its handlers (the caller
    logs the look with the identity's reveal); nothing for anyone else."""
    from dieuhanh.petitions.models import Petition, PetitionHandler

    if not p.confidential or not is_handler(user, p):
        return []
    assert user is not None and user.is_authenticated  # a handler is a signed-in user
    links = _sealed(p)
    others = {
        pk: (f"{seq}/{year}", confidential)
        for pk, seq, year, confidential in Petition.objects.filter(pk__in=[x["petition"] for x in links]).values_list(
            "pk", "seq", "year", "confidential"
        )
    }
    # A link between two confidential petitions says that the same person wrote both: shown
    # only to who handles both.
    handles = set(
        PetitionHandler.objects.filter(user_id=user.pk, petition_id__in=list(others)).values_list("petition_id", flat=True)
    )
    return [
        SealedLink(x["petition"], others[x["petition"]][0], x["relation"], x.get("score"))
        for x in links
        if x["petition"] in others and (not others[x["petition"]][1] or x["petition"] in handles)
    ]
