"""The registers of the demo city: the committees' terms, the documents the wards' party
committees and People's Committees issued since the reform (each number taken from its series,
each file a real .docx written by the document engine with that number), the old city's party
documents of its last months, and what the wards received from the province, some of it given
out as "5 rõ" tasks."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dieuhanh.core.papers import docx, issuers
from dieuhanh.core.papers.kinds import file_name
from dieuhanh.core.papers.paper import Paper, Text
from dieuhanh.demo.people import REFORM, Cast
from dieuhanh.directives.choices import DocumentKind, DocumentSystem
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, Assignment, Organisation
from dieuhanh.records import services
from dieuhanh.records.choices import Secrecy, Urgency
from dieuhanh.records.models import OutgoingDocument

PROVINCE_CODE = "31"  # Thành phố Hải Phòng since 1/7/2025


@cache
def texts() -> dict[str, Any]:
    return yaml.safe_load(resources.files("dieuhanh.records").joinpath("data", "demo.yaml").read_text(encoding="utf-8"))


def _subject(template: str, day: dt.date) -> str:
    return template.format(year=day.year, month=day.month, quarter=(day.month - 1) // 3 + 1)


def _maker(org: Organisation, kind: str, subject: str, recipients: tuple[str, ...]) -> Any:
    party = issuers.is_party(org)

    def make(number: str, day: dt.date) -> tuple[str, bytes]:
        sign = issuers.signing(org, day)
        paper = Paper(
            format=sign.format, issuer=sign.issuer, place=sign.place, kind=kind,
            kind_title=str(DocumentKind(kind).label).upper() if kind != "CV" else "", subject=subject,
            body=(Text(f"{org.name} {subject[:1].lower()}{subject[1:]}."),
                  Text("Các cơ quan, đơn vị căn cứ nội dung trên tổ chức thực hiện, báo cáo kết quả theo quy định./.")),
            signatures=(sign.signature,),
            number=number, day=day, recipients=recipients, archive="VT" if not party else "Văn phòng",
        )
        return file_name(paper, "van-ban", "docx"), docx.render(paper)

    return make


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    if OutgoingDocument.objects.exists():
        return None
    data = texts()
    office = cast.users["vanphong"]
    counts: Counter[str] = Counter()
    province = AdminUnit.objects.get(code=PROVINCE_CODE, level=UnitLevel.PROVINCE, valid_to__isnull=True)
    senders = []
    for spec in data["province_bodies"]:
        org = Organisation.objects.filter(unit=province, name=spec["name"]).first() or Organisation.objects.create(
            name=spec["name"], short_name=spec["short"], kind=spec["kind"], unit=province, valid_from=province.valid_from)
        senders.append((org, spec["system"]))
    # Terms: the old city committee's last, and the wards' first after the reform.
    city_term, ward_term = data["city_term"], data["ward_term"]
    services.do_add_term(actor=office, organisation=cast.orgs["tu"], name=city_term["name"], starts_on=city_term["starts_on"])
    counts["terms"] += 1
    wards = sorted(cast.new_wards)
    for code in wards:
        services.do_add_term(actor=office, organisation=cast.orgs[f"w{code}.du"], name=ward_term["name"],
                             starts_on=ward_term["starts_on"])
        counts["terms"] += 1
    # What each body issued: a document every two or three weeks, by kind, in date order.
    bodies: list[tuple[Organisation, str, str, dt.date, dt.date]] = [
        (cast.orgs["tu"], "party", "TU", REFORM - dt.timedelta(days=150), REFORM - dt.timedelta(days=1))
    ]
    for code in wards:
        bodies.append((cast.orgs[f"w{code}.du"], "party", "ĐU", REFORM, today))
        bodies.append((cast.orgs[f"w{code}.ubnd"], "state", "UBND", REFORM, today))
    issued: list[tuple[float, Organisation, str, str, dt.date]] = []
    for org, system, _code, start, end in bodies:
        day = start + dt.timedelta(days=rng.randint(2, 9))
        while day <= end:
            issued.append((rng.random(), org, system, _code, day))
            day += dt.timedelta(days=rng.randint(10, 24))
    issued.sort(key=lambda row: (row[4], row[0]))
    total = len(issued)
    for i, (_r, org, system, code, day) in enumerate(issued):
        spec = rng.choice(data["party_outgoing"] if system == "party" else data["state_outgoing"])
        subject = _subject(spec["subject"], day)
        recipients = ("Như trên", "Các chi bộ trực thuộc" if system == "party" else "Các ban, ngành, đoàn thể")
        urgency = Urgency.URGENT if rng.random() < 0.08 else Urgency.NORMAL
        head = (Assignment.objects.active_on(day).filter(position__organisation=org, position__is_head=True)
                .select_related("person").order_by("-start_date").first())
        doc = services.do_issue(
            signer=head.person if head else None, secrecy=Secrecy.SECRET if rng.random() < 0.04 else Secrecy.NONE,
            actor=office, issuer=org, system=DocumentSystem(system), kind=spec["kind"], issuer_code=code, subject=subject,
            upload=None, issued_on=day, recipients="\n".join(recipients), urgency=urgency,
            make=_maker(org, spec["kind"], subject, recipients),
        )
        counts["outgoing"] += 1
        if rng.random() < 0.03 and day < today - dt.timedelta(days=20):
            fix = day + dt.timedelta(days=rng.randint(1, 5))
            services.do_issue(actor=office, issuer=org, system=doc.system, signer=doc.signer, kind=doc.kind, issuer_code=code,
                              subject=doc.subject, upload=None, issued_on=fix, recipients=doc.recipients, replaces=doc,
                              make=_maker(org, doc.kind, doc.subject, recipients))
            counts["outgoing"] += 1
        if progress is not None:
            progress("Văn bản đi", i + 1, total)
    # What the wards received from the province: about one document a week each.
    for code in wards:
        receiver = cast.orgs[f"w{code}.ubnd"]
        day = REFORM + dt.timedelta(days=rng.randint(1, 6))
        number = rng.randint(40, 90)
        while day <= today:
            spec = rng.choice(data["incoming"])
            sender, system = senders[spec["from"]]
            sent = day - dt.timedelta(days=rng.randint(1, 3))
            number += rng.randint(3, 15)
            urgent = rng.random() < 0.1
            received = services.do_receive(
                actor=office, receiver=receiver, sender=sender, sender_name="", system=system, kind=spec["kind"],
                number=str(number), issuer_code=sender.short_name, issued_on=sent, received_on=day,
                subject=_subject(spec["subject"], sent), urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
                handle_by=day + dt.timedelta(days=10) if spec["kind"] in ("CV", "KH") else None,
            )
            counts["incoming"] += 1
            if spec["kind"] in ("NQ", "CT", "KH") and day < today - dt.timedelta(days=30) and rng.random() < 0.5:
                services.do_assign_handling(actor=office, incoming=received)
                counts["assigned"] += 1
            day += dt.timedelta(days=rng.randint(4, 10))
    return dict(counts)
