"""The petition forms (core/papers), from the petition's record, with no retyping: the transfer
slip to the competent body and the guidance slip to the citizen (Circular 05/2021/TT-TTCP on the
handling of petitions), the notice of acceptance of a complaint (Law on Complaints Art. 27) or a
denunciation (Law on Denunciations Art. 29), and the decision on a complaint (Law on Complaints
Art. 31 for the first time, Art. 40 for the second; Decree 124/2020/NĐ-CP).

The petitioner is named only as `confidentiality.display_identity` allows the reader: a
denouncer's identity appears only for the petition's handlers (and each such document is logged
as a reveal); anyone else, and the command line, gets the redaction. A transfer slip of a
confidential petition never names the denouncer, whoever prints it (Law on Denunciations Art. 47).
The form numbers of the Circular's appendix are not printed: they were not checked against its
text."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.core import legal_rules
from dieuhanh.core.papers import issuers
from dieuhanh.core.papers.kinds import PaperKind
from dieuhanh.core.papers.paper import Heading, Paper, Text
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import Organisation
from dieuhanh.petitions import confidentiality
from dieuhanh.petitions.choices import Action, Kind, Result, State
from dieuhanh.petitions.models import Petition

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser


def _kind(key: str, label: Any, renders: str, build: str, **extra: Any) -> PaperKind:
    return PaperKind(key=key, label=label, renders=renders, find="dieuhanh.petitions.papers.find",
                     build=f"dieuhanh.petitions.papers.{build}", permission=("petitions", "view"),
                     example=f"dieuhanh.petitions.papers.example_{build}", **extra)


TRANSFER_SLIP = _kind("phieu-chuyen-don", gettext_lazy("Phiếu chuyển đơn"),
                      "Phiếu chuyển đơn đến cơ quan có thẩm quyền của một đơn đã chuyển (ID: số của đơn)", "transfer_slip")
GUIDANCE_SLIP = _kind("phieu-huong-dan", gettext_lazy("Phiếu hướng dẫn"),
                      "Phiếu hướng dẫn công dân gửi đơn đến cơ quan có thẩm quyền (ID: số của đơn)", "guidance_slip")
ACCEPTANCE_NOTICE = _kind("thong-bao-thu-ly", gettext_lazy("Thông báo thụ lý"),
                          "Thông báo thụ lý giải quyết khiếu nại hoặc thụ lý tố cáo của một đơn đã thụ lý (ID: số của đơn)",
                          "acceptance_notice", organisation="dieuhanh.petitions.papers.issuing_body")
COMPLAINT_DECISION = _kind("quyet-dinh-giai-quyet-khieu-nai", gettext_lazy("Quyết định giải quyết khiếu nại"),
                           "Quyết định giải quyết khiếu nại lần đầu hoặc lần hai của một đơn khiếu nại đã kết luận (ID: số của đơn)",
                           "complaint_decision", organisation="dieuhanh.petitions.papers.issuing_body")
KINDS_FOR_STATE = {
    TRANSFER_SLIP.key: (State.TRANSFERRED,),
    GUIDANCE_SLIP.key: (State.GUIDED,),
    ACCEPTANCE_NOTICE.key: (State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED, State.RESOLVED),
    COMPLAINT_DECISION.key: (State.CONCLUDED, State.RESOLVED),
}


def papers_of(petition: Petition) -> list[tuple[PaperKind, bool]]:
    """The forms a petition has in its state (its page shows their links), each with whether it
    may still be numbered in the outgoing register (a draft of a petition that is not confidential)."""
    out = []
    for kind in (TRANSFER_SLIP, GUIDANCE_SLIP, ACCEPTANCE_NOTICE, COMPLAINT_DECISION):
        if petition.state not in KINDS_FOR_STATE[kind.key]:
            continue
        if kind is ACCEPTANCE_NOTICE and petition.kind not in (Kind.COMPLAINT, Kind.DENUNCIATION):
            continue
        if kind is COMPLAINT_DECISION and petition.kind != Kind.COMPLAINT:
            continue
        numbered = bool(petition.decision_number) if kind is COMPLAINT_DECISION else (
            kind is ACCEPTANCE_NOTICE and petition.steps.filter(action=Action.ACCEPT).exclude(document_number="").exists())
        out.append((kind, bool(kind.organisation) and not numbered and not petition.confidential))
    return out


def _petitions(user: AnyUser | None) -> Any:
    qs = Petition.objects.all() if user is None else Petition.objects.visible_to(user)
    return qs.select_related("receiving_unit__parent", "unit", "handling_org__unit__parent", "handling_org__parent")


def find(ident: str, user: AnyUser | None) -> Petition | None:
    return _petitions(user).filter(pk=int(ident)).first() if ident.strip().isdigit() else None


def _example(user: AnyUser | None, key: str) -> str | None:
    kind = next(k for k in (TRANSFER_SLIP, GUIDANCE_SLIP, ACCEPTANCE_NOTICE, COMPLAINT_DECISION) if k.key == key)
    qs = _petitions(user).filter(state__in=KINDS_FOR_STATE[key]).order_by("-received_on", "-id")
    if kind is ACCEPTANCE_NOTICE:
        qs = qs.filter(kind__in=(Kind.COMPLAINT, Kind.DENUNCIATION))
    if kind is COMPLAINT_DECISION:
        qs = qs.filter(kind=Kind.COMPLAINT)
    found = qs.values_list("pk", flat=True).first()
    return None if found is None else str(found)


def example_transfer_slip(user: AnyUser | None) -> str | None:
    return _example(user, TRANSFER_SLIP.key)


def example_guidance_slip(user: AnyUser | None) -> str | None:
    return _example(user, GUIDANCE_SLIP.key)


def example_acceptance_notice(user: AnyUser | None) -> str | None:
    return _example(user, ACCEPTANCE_NOTICE.key)


def example_complaint_decision(user: AnyUser | None) -> str | None:
    return _example(user, COMPLAINT_DECISION.key)


def body_of(p: Petition) -> Organisation | None:
    """The body that answers for the petition: the one handling it, else the People's Committee of
    the unit that received it."""
    if p.handling_org is not None:
        return p.handling_org
    return (Organisation.objects.filter(unit=p.receiving_unit, kind=OrganisationKind.PEOPLES_COMMITTEE)
            .select_related("unit__parent", "parent").order_by("-valid_from").first())


def issuing_body(p: Petition) -> Organisation | None:
    """The body whose outgoing register may number and keep the document: none for a confidential
    petition, whose documents name the denouncer and must not sit in a register others read."""
    return None if p.confidential else body_of(p)


def _who(user: AnyUser | None, p: Petition, purpose: str) -> tuple[str, str, bool]:
    """(name, address, shown) of the petitioner for this reader. The command line (no user) is the
    operator: it prints the petitioner of an ordinary petition, never a denouncer."""
    if user is None and not p.confidential:
        identity: dict[str, Any] | None = confidentiality.decrypt_for_system(p)
    else:
        identity = confidentiality.identity_for(user, p, purpose=purpose)
    if identity is None:
        return str(confidentiality.REDACTED), "", False
    return identity.get("name") or "", identity.get("address") or "", True


def _step(p: Petition, action: str) -> Any:
    return p.steps.filter(action=action).order_by("-on", "-id").first()


def _frame(p: Petition, *, kind: str, title: str, subject: str, body: list[Any], number: str | None, day: dt.date | None,
           recipients: tuple[str, ...], salutation: tuple[str, ...] = (), numbered: bool = True) -> Paper:
    sign = issuers.signing(body_of(p), day or timezone.localdate(), unit=p.receiving_unit)
    return Paper(
        format=sign.format, issuer=sign.issuer, place=sign.place, kind=kind, kind_title=title, subject=subject,
        body=tuple(body), signatures=(sign.signature,), number=number or None, day=day, year=(day or timezone.localdate()).year,
        recipients=recipients, archive="VT, hồ sơ đơn", salutation=salutation, numbered=numbered,
        reference="" if numbered else f"don-{p.year}-{p.seq}", keywords=("đơn", p.receipt_code),
    )


def _received(p: Petition, name: str, address: str, shown: bool, org_name: str) -> str:
    kind = Kind(p.kind).label.lower()
    who = f"của ông/bà {name}" + (f", địa chỉ: {address}" if address else "") if shown else \
        "của công dân (danh tính người gửi được giữ bí mật theo quy định)"
    dated = f" ghi ngày {p.dated_on:%d/%m/%Y}" if p.dated_on else ""
    return f"Ngày {p.received_on:%d/%m/%Y}, {org_name} nhận được đơn {kind}{dated} {who}."


def transfer_slip(p: Petition, user: AnyUser | None) -> Paper:
    step = _step(p, Action.TRANSFER)
    day = step.on if step else p.routed_on
    org = body_of(p)
    org_name = org.name if org else p.receiving_unit.name
    if p.confidential:  # a transfer never carries a denouncer's name (Law on Denunciations Art. 47)
        name, address, shown = "", "", False
    else:
        name, address, shown = _who(user, p, "in phiếu chuyển đơn")
    body = [
        Text(_received(p, name, address, shown, org_name)),
        Text(f"Nội dung đơn: {p.subject}."),
        Text(f"Căn cứ Luật Tiếp công dân năm 2013 và Thông tư số 05/2021/TT-TTCP của Thanh tra Chính phủ quy định quy "
             f"trình xử lý đơn khiếu nại, đơn tố cáo, đơn kiến nghị, phản ánh, xét thấy nội dung đơn không thuộc thẩm "
             f"quyền giải quyết của {org_name}, {org_name} chuyển đơn đến {p.transferred_to} để xem xét, giải quyết "
             f"theo thẩm quyền."),
        Text("(Kèm theo đơn và các tài liệu có liên quan, nếu có.)", italic=True),
    ]
    recipients = ("Như trên", *(("Người gửi đơn (để biết)",) if shown else ()))
    return _frame(p, kind="PC", title="PHIẾU CHUYỂN ĐƠN", subject="", body=body,
                  number=step.document_number if step else None, day=day, recipients=recipients,
                  salutation=(p.transferred_to,))


def guidance_slip(p: Petition, user: AnyUser | None) -> Paper:
    step = _step(p, Action.GUIDE)
    day = step.on if step else p.routed_on
    org = body_of(p)
    org_name = org.name if org else p.receiving_unit.name
    name, address, shown = _who(user, p, "in phiếu hướng dẫn")
    body = [
        Text(_received(p, name, address, shown, org_name)),
        Text(f"Nội dung đơn: {p.subject}."),
        Text(f"Căn cứ Thông tư số 05/2021/TT-TTCP của Thanh tra Chính phủ, xét thấy nội dung đơn không thuộc thẩm quyền "
             f"giải quyết của {org_name}, {org_name} hướng dẫn ông/bà như sau:"),
        Text(step.note if step and step.note else "Gửi đơn đến cơ quan có thẩm quyền để được xem xét, giải quyết."),
    ]
    return _frame(p, kind="PHD", title="PHIẾU HƯỚNG DẪN", subject="", body=body,
                  number=step.document_number if step else None, day=day, recipients=("Như trên",),
                  salutation=(f"Ông/Bà {name}",))


def acceptance_notice(p: Petition, user: AnyUser | None) -> Paper:
    denunciation = p.kind == Kind.DENUNCIATION
    step = _step(p, Action.NOTIFY if denunciation else Action.ACCEPT) or _step(p, Action.ACCEPT)
    day = (p.notified_on if denunciation else None) or p.accepted_on
    org = body_of(p)
    org_name = org.name if org else p.receiving_unit.name
    name, address, shown = _who(user, p, "in thông báo thụ lý")
    body: list[Any] = [Text(_received(p, name, address, shown, org_name)), Text(f"Nội dung: {p.subject}.")]
    if denunciation:
        body.append(Text(f"Căn cứ Điều 29 Luật Tố cáo năm 2018, {org_name} thông báo: tố cáo đủ điều kiện thụ lý và đã được "
                         f"thụ lý giải quyết từ ngày {p.accepted_on:%d/%m/%Y}." if p.accepted_on else ""))
        subject = "Về việc thụ lý tố cáo"
    else:
        level = "lần hai" if p.level >= 2 else "lần đầu"
        body.append(Text(f"Căn cứ Điều 27 Luật Khiếu nại năm 2011 (lần đầu) và Điều 36 (lần hai), xét thấy khiếu nại đủ điều "
                         f"kiện thụ lý, {org_name} thông báo thụ lý giải quyết khiếu nại {level} từ ngày "
                         f"{p.accepted_on:%d/%m/%Y}." if p.accepted_on else ""))
        subject = "Về việc thụ lý giải quyết khiếu nại"
    if p.resolve_due_on:
        body.append(Text(f"Thời hạn giải quyết theo quy định: đến ngày {p.resolve_due_on:%d/%m/%Y}."))
    body.append(Text(f"{org_name} thông báo để ông/bà biết./."))
    return _frame(p, kind="TB", title="THÔNG BÁO", subject=subject, body=body,
                  number=step.document_number if step and step.document_number else None, day=day,
                  recipients=("Như trên", "Người bị khiếu nại" if not denunciation else "Người bị tố cáo"),
                  salutation=(f"Ông/Bà {name}",))


RESULT_WORDS = {
    Result.RIGHT: "Khiếu nại của ông/bà {name} là đúng.",
    Result.WRONG: "Khiếu nại của ông/bà {name} là sai.",
    Result.PARTLY_RIGHT: "Khiếu nại của ông/bà {name} là đúng một phần.",
}


def complaint_decision(p: Petition, user: AnyUser | None) -> Paper:
    """The decision on a complaint, with the parts Art. 31 (first time) and Art. 40 (second) of the
    Law on Complaints require: the complaint, the verification, the legal basis, the conclusion,
    what is decided, and the complainant's next remedy with its period (legal rule table)."""
    org = body_of(p)
    org_name = org.name if org else p.receiving_unit.name
    name, address, _shown = _who(user, p, "in quyết định giải quyết khiếu nại")
    second = p.level >= 2
    day = p.concluded_on
    verify = _step(p, Action.VERIFY)
    position = issuers.head_of(org, day or timezone.localdate())[0] if org else "Chủ tịch"
    authority = f"{position} {org_name}".upper()
    dated = f"ngày {p.dated_on:%d/%m/%Y}" if p.dated_on else f"nhận ngày {p.received_on:%d/%m/%Y}"
    body: list[Any] = [
        Heading(authority, center=True),
        Text("Căn cứ Luật Tổ chức chính quyền địa phương;", indent=True),
        Text("Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;"),
        Text("Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính phủ quy định chi tiết một số điều "
             "và biện pháp thi hành Luật Khiếu nại;"),
        Text(f"Xét đơn khiếu nại {dated} của ông/bà {name}" + (f", địa chỉ: {address}" if address else "") + ".", ),
        Heading("I. NỘI DUNG KHIẾU NẠI"),
        Text(p.content.strip() or p.subject),
    ]
    if p.respondent:
        body.append(Text(f"Người bị khiếu nại: {p.respondent}."))
    body += [Heading("II. KẾT QUẢ XÁC MINH"),
             Text(verify.note if verify and verify.note else "Kết quả xác minh nội dung khiếu nại như báo cáo xác minh kèm theo hồ sơ.")]
    body += [Heading("III. KẾT LUẬN"), Text(p.conclusion.strip())]
    if p.result in RESULT_WORDS:
        body.append(Text(RESULT_WORDS[Result(p.result)].format(name=name)))
    body.append(Text("QUYẾT ĐỊNH:", bold=True, align="center", indent=False))
    verdict = {Result.RIGHT: "Công nhận nội dung khiếu nại", Result.PARTLY_RIGHT: "Công nhận một phần nội dung khiếu nại",
               Result.WRONG: "Không công nhận nội dung khiếu nại"}.get(Result(p.result) if p.result else Result.WRONG,
                                                                        "Giải quyết khiếu nại")
    body.append(Text(f"Điều 1. {verdict} của ông/bà {name} như kết luận tại Mục III Quyết định này."))
    if second:
        body.append(Text("Điều 2. Đây là quyết định giải quyết khiếu nại lần hai. Nếu không đồng ý, người khiếu nại có quyền "
                         "khởi kiện vụ án hành chính tại Tòa án theo quy định của Luật Tố tụng hành chính."))
    else:
        code = "complaint.second.file_limit_remote" if p.remote else "complaint.second.file_limit"
        rule = legal_rules.rule_for(code, day or p.received_on)
        body.append(Text(f"Điều 2. Trong thời hạn {rule.value_text} kể từ ngày nhận được Quyết định này ({rule.citation}), nếu "
                         f"không đồng ý với quyết định giải quyết khiếu nại lần đầu, ông/bà {name} có quyền khiếu nại lần hai "
                         f"đến người có thẩm quyền hoặc khởi kiện vụ án hành chính tại Tòa án theo quy định của Luật Tố tụng "
                         f"hành chính."))
    body.append(Text(f"Điều 3. Văn phòng {org_name}, người khiếu nại, người bị khiếu nại và các cơ quan, đơn vị, cá nhân có "
                     f"liên quan chịu trách nhiệm thi hành Quyết định này./."))
    subject = f"Về việc giải quyết khiếu nại của ông/bà {name} ({'lần hai' if second else 'lần đầu'})"
    return _frame(p, kind="QĐ", title="QUYẾT ĐỊNH", subject=subject, body=body,
                  number=p.decision_number.split("/")[0].strip() if p.decision_number else None, day=day,
                  recipients=("Như Điều 3", "Người khiếu nại", "Thanh tra cấp trên"))
