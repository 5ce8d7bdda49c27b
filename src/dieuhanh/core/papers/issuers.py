"""The issuing body of a document as its header names it, from the organisation: the body above
it and its own name (Decree 30/2020, Appendix I: a commune's People's Committee has no body
above it in the header and sets its name on two lines; Hướng dẫn 36-HD/VPTW: a party committee
names the Party organisation above it, "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG"), its abbreviation in the
number, and the place of the date line (the unit's short name: "Chí Linh")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dieuhanh.core.papers.paper import Issuer, Signature
from dieuhanh.org.choices import OrganisationKind

# A collective body's name, set on the first of two lines when the organisation's name starts
# with it or its abbreviation ("UBND phường Chí Linh" → "ỦY BAN NHÂN DÂN" / "PHƯỜNG CHÍ LINH"),
# and in the signing line of its head ("TM. ỦY BAN NHÂN DÂN", Decree 30/2020 Art. 13).
COLLECTIVE = {
    OrganisationKind.PEOPLES_COMMITTEE: ("Ủy ban nhân dân", ("uỷ ban nhân dân", "ủy ban nhân dân", "ubnd")),
    OrganisationKind.PEOPLES_COUNCIL: ("Hội đồng nhân dân", ("hội đồng nhân dân", "hđnd")),
}
PARTY_KINDS = frozenset({OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PARTY_OFFICE, OrganisationKind.PARTY_BOARD,
                         OrganisationKind.INSPECTION_COMMISSION, OrganisationKind.PARTY_CELL})


def is_party(organisation: Any) -> bool:
    return organisation.kind in PARTY_KINDS


def issuer(organisation: Any) -> Issuer:
    name: str = organisation.name
    lowered = name.lower()
    full, prefixes = COLLECTIVE.get(organisation.kind, ("", ()))
    for prefix in prefixes:
        if lowered.startswith(prefix + " "):
            name = f"{full}\n{name[len(prefix) + 1:]}"
            break
    parent = ""
    if organisation.parent_id:
        parent = organisation.parent.name
    elif organisation.kind == OrganisationKind.PARTY_COMMITTEE and organisation.unit.parent_id:
        parent = f"Đảng bộ {organisation.unit.parent.name}"
    code = organisation.short_name or "".join(word[0] for word in organisation.name.split()[:4]).upper()
    return Issuer(name=name, code=code, parent=parent)


def place(organisation: Any) -> str:
    """The place of the date line: the unit's short name ("Chí Linh"), or its name."""
    unit = organisation.unit
    return unit.short_name or unit.name


def signing_lines(organisation: Any, position: str) -> tuple[str, ...]:
    """The lines above the signer's position: a collective body's head signs for it ("TM. ỦY BAN
    NHÂN DÂN"), a deputy for the head ("KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH"); a party committee's
    secretaries sign for its standing board ("T/M BAN THƯỜNG VỤ"), a deputy head of a party body
    for its head ("K/T TRƯỞNG BAN") (Decree 30/2020 Art. 13; Hướng dẫn 36-HD/VPTW)."""
    deputy = position.strip().lower().startswith("phó ")
    head = position.strip()[4:] if deputy else position.strip()
    if is_party(organisation):
        if organisation.kind == OrganisationKind.PARTY_COMMITTEE:
            return ("T/M BAN THƯỜNG VỤ",)
        if organisation.kind == OrganisationKind.PARTY_CELL:
            return ("T/M CHI BỘ",)
        return (f"K/T {head.upper()}",) if deputy else ()
    lines: list[str] = []
    full, _prefixes = COLLECTIVE.get(organisation.kind, ("", ()))
    if full:
        lines.append(f"TM. {full.upper()}")
    if deputy:
        lines.append(f"KT. {head.upper()}")
    return tuple(lines)


def head_of(organisation: Any, day: Any) -> tuple[str, str]:
    """(the title of the head's position, the name of whoever holds it on `day`) of an
    organisation: the signer of what the body issues. ("Chủ tịch", "") when no one is recorded."""
    from dieuhanh.org.models import Assignment

    held = (Assignment.objects.active_on(day).filter(position__organisation=organisation, position__is_head=True)
            .select_related("person", "position").order_by("-start_date").first())
    if held is None:
        return ("Bí thư" if is_party(organisation) else "Chủ tịch"), ""
    return held.position.title, held.person.full_name


@dataclass(frozen=True)
class Signing:
    """What a document takes from the body that issues and signs it: its header, the place of the
    date line, its format (party or state), and the head's signature with the signing lines."""

    issuer: Issuer
    place: str
    party: bool
    signature: Signature

    @property
    def format(self) -> str:
        return "party" if self.party else "state"


def signing(organisation: Any, day: Any, *, unit: Any = None) -> Signing:
    """The body's header and its head's signature on `day`. No body (a unit whose People's
    Committee is not in the registry): the unit's People's Committee by name, its chair unnamed."""
    if organisation is None:
        name = unit.name if unit is not None else ""
        return Signing(Issuer(name=f"ỦY BAN NHÂN DÂN\n{name}".upper(), code="UBND"), name, False,
                       Signature(position="CHỦ TỊCH", authority=("TM. ỦY BAN NHÂN DÂN",)))
    position, name = head_of(organisation, day)
    return Signing(issuer(organisation), place(organisation), is_party(organisation),
                   Signature(position=position.upper(), name=name, authority=signing_lines(organisation, position.upper())))
