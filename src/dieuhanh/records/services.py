"""Every change to the registers: number and issue a document, replace one, enter a document
received, give its handling out, declare a committee's term. Each checks the actor's right in the
unit, validates with Vietnamese messages naming the field, writes and records one audit event,
in one transaction. Nothing here edits an issued or received document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core import access, audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.directives.choices import DocumentKind, DocumentSystem
from dieuhanh.directives.models import Document, document_symbol
from dieuhanh.org.models import Organisation, Person
from dieuhanh.records import numbering, storage
from dieuhanh.records.choices import Secrecy, Urgency, Verb
from dieuhanh.records.models import CommitteeTerm, IncomingDocument, OutgoingDocument

if TYPE_CHECKING:
    from dieuhanh.org.models import User

MAX_SUBJECT = 500


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _common(errors: dict[str, list[str]], *, system: str, kind: str, subject: str, urgency: str,
            secrecy: str = "") -> None:
    if system not in DocumentSystem.values:
        errors["system"] = [gettext("Hệ thống văn bản: chọn văn bản nhà nước hoặc văn bản của Đảng.")]
    if kind not in DocumentKind.values:
        errors["kind"] = [gettext("Loại văn bản: chọn một loại trong danh sách.")]
    if not subject.strip():
        errors["subject"] = [gettext("Trích yếu: chưa nhập nội dung.")]
    elif len(subject.strip()) > MAX_SUBJECT:
        errors["subject"] = [gettext("Trích yếu: dài quá %(n)s ký tự.") % {"n": MAX_SUBJECT}]
    if urgency not in Urgency.values:
        errors["urgency"] = [gettext("Mức độ khẩn: chọn một mức trong danh sách.")]
    if secrecy not in Secrecy.values:
        errors["secrecy"] = [gettext("Độ mật: chọn một mức trong danh sách.")]


def _file(errors: dict[str, list[str]], upload: tuple[str, bytes] | None, *, required: bool) -> None:
    if upload is None:
        if required:
            errors["file"] = [gettext("Tệp văn bản: chưa chọn tệp (bản đã ký, thường là PDF).")]
        return
    try:
        storage.check(*upload)
    except ValidationError as exc:
        errors.update(exc.message_dict)


@transaction.atomic
def do_issue(
    *,
    actor: User,
    issuer: Organisation | None,
    system: str,
    kind: str,
    issuer_code: str,
    subject: str,
    upload: tuple[str, bytes] | None,
    issued_on: dt.date | None = None,
    signer: Person | None = None,
    recipients: str = "",
    urgency: str = Urgency.NORMAL,
    replaces: OutgoingDocument | None = None,
    make: Callable[[str, dt.date], tuple[str, bytes]] | None = None,
    secrecy: str = "",
) -> OutgoingDocument:
    """Give the document its number in its series and keep its file: from now on the row and
    the file are what was issued. `replaces`: the issued document this one puts right (of the same
    issuer, not replaced yet). `make`: instead of an upload, a document the platform writes
    (core/papers) once its number ("05") and date are known: it returns (file name, bytes)."""
    today = timezone.localdate()
    issued_on = issued_on or today
    errors: dict[str, list[str]] = {}
    if issuer is None:
        errors["issuer"] = [gettext("Cơ quan ban hành: chưa chọn.")]
    if not issuer_code.strip():
        errors["issuer_code"] = [gettext("Ký hiệu cơ quan ban hành: chưa nhập (ví dụ UBND, TU).")]
    elif len(issuer_code.strip()) > 40 or any(c in issuer_code for c in "/ "):
        errors["issuer_code"] = [gettext("Ký hiệu cơ quan ban hành: viết liền, không có dấu «/» (ví dụ UBND, ĐU).")]
    if issued_on > today:
        errors["issued_on"] = [gettext("Ngày ban hành: không được sau hôm nay (%(today)s).") % {"today": _fmt(today)}]
    _common(errors, system=system, kind=kind, subject=subject, urgency=urgency, secrecy=secrecy)
    _file(errors, upload, required=make is None)
    if replaces is not None:
        if issuer is not None and replaces.issuer_id != issuer.pk:
            errors["replaces"] = [gettext("Văn bản được thay thế: phải của cùng cơ quan ban hành.")]
        elif OutgoingDocument.objects.filter(replaces=replaces).exists():
            errors["replaces"] = [gettext("Văn bản %(symbol)s đã được thay thế bởi một văn bản khác.") % {"symbol": replaces.symbol}]
        elif replaces.issued_on > issued_on:
            errors["replaces"] = [gettext("Văn bản được thay thế ban hành ngày %(day)s, sau ngày ban hành văn bản này.") % {"day": _fmt(replaces.issued_on)}]
    _raise(errors)
    assert issuer is not None
    access.require(actor, "records", "register", issuer.unit_id, gettext("cấp số văn bản của cơ quan này"))
    if replaces is not None and not OutgoingDocument.objects.visible_to(actor).filter(pk=replaces.pk).exists():
        raise PermissionDenied(gettext("Bạn không có quyền xem văn bản được thay thế."))
    rule = numbering.rule_for(system, issued_on)
    period, number = numbering.take("out", rule, issuer, kind, issued_on)
    if make is not None:
        upload = make(f"{number:02d}", issued_on)
    assert upload is not None
    path, digest = storage.keep(upload[0], upload[1], issued_on.year)
    code = issuer_code.strip()
    doc = OutgoingDocument(
        issuer=issuer, system=system, kind=kind, issuer_code=code, period=period, number=number,
        symbol=document_symbol(system, f"{number:02d}", kind, code), issued_on=issued_on,
        subject=subject.strip(), signer=signer, recipients=recipients.strip(), urgency=urgency, replaces=replaces,
        secrecy=secrecy,
        file_name=upload[0][:200], file_path=path, file_size=len(upload[1]), sha256=digest,
        registered_by=actor,
    )
    doc.save()
    after = audit.snapshot(doc)
    audit.record(actor=actor, action=Verb.ISSUE, obj=doc, after=after)
    return doc


@transaction.atomic
def do_receive(
    *,
    actor: User,
    receiver: Organisation | None,
    sender_name: str,
    system: str,
    kind: str,
    number: str,
    issuer_code: str,
    issued_on: dt.date | None,
    subject: str,
    upload: tuple[str, bytes] | None = None,
    sender: Organisation | None = None,
    received_on: dt.date | None = None,
    urgency: str = Urgency.NORMAL,
    handle_by: dt.date | None = None,
    secrecy: str = "",
) -> IncomingDocument:
    """Enter a document received: it takes the next arrival number of the receiving body's year."""
    today = timezone.localdate()
    received_on = received_on or today
    sender_name = (sender_name or "").strip() or (sender.name if sender is not None else "")
    errors: dict[str, list[str]] = {}
    if receiver is None:
        errors["receiver"] = [gettext("Cơ quan nhận: chưa chọn.")]
    if not sender_name:
        errors["sender_name"] = [gettext("Cơ quan, tổ chức gửi: chưa nhập hoặc chọn.")]
    if not (number or "").strip():
        errors["number"] = [gettext("Số: chưa nhập số của văn bản đến.")]
    if not (issuer_code or "").strip():
        errors["issuer_code"] = [gettext("Ký hiệu cơ quan ban hành: chưa nhập (ví dụ UBND, TU).")]
    if received_on > today:
        errors["received_on"] = [gettext("Ngày đến: không được sau hôm nay (%(today)s).") % {"today": _fmt(today)}]
    if issued_on is None:
        errors["issued_on"] = [gettext("Ngày văn bản: chưa nhập.")]
    elif issued_on > received_on:
        errors["issued_on"] = [gettext("Ngày văn bản %(day)s: sau ngày đến %(received)s.") % {"day": _fmt(issued_on), "received": _fmt(received_on)}]
    if handle_by is not None and handle_by < received_on:
        errors["handle_by"] = [gettext("Hạn xử lý %(day)s: trước ngày đến %(received)s.") % {"day": _fmt(handle_by), "received": _fmt(received_on)}]
    _common(errors, system=system, kind=kind, subject=subject, urgency=urgency, secrecy=secrecy)
    _file(errors, upload, required=False)
    _raise(errors)
    assert receiver is not None and issued_on is not None
    access.require(actor, "records", "register", receiver.unit_id, gettext("vào sổ văn bản đến của cơ quan này"))
    rule = numbering.rule_for("incoming", received_on)
    _period, arrival = numbering.take("in", rule, receiver, "", received_on)
    path, digest = storage.keep(upload[0], upload[1], received_on.year) if upload else ("", "")
    doc = IncomingDocument(
        receiver=receiver, year=received_on.year, arrival_number=arrival, received_on=received_on, sender=sender,
        sender_name=sender_name[:300], system=system, kind=kind, number=number.strip(), issuer_code=issuer_code.strip(),
        issued_on=issued_on, subject=subject.strip(), urgency=urgency, handle_by=handle_by, secrecy=secrecy,
        file_name=upload[0][:200] if upload else "", file_path=path, file_size=len(upload[1]) if upload else 0,
        sha256=digest, registered_by=actor,
    )
    doc.save()
    audit.record(actor=actor, action=Verb.RECEIVE, obj=doc, after=audit.snapshot(doc))
    return doc


@transaction.atomic
def do_assign_handling(*, actor: User, incoming: IncomingDocument) -> Document:
    """The directives' document under which the handling of `incoming` is given out as "5 rõ"
    tasks: made once, issued by the sender when the sender is in the registry (a ward reads the
    city's documents), otherwise by the receiving body, which then stands for it."""
    incoming = IncomingDocument.objects.select_for_update().get(pk=incoming.pk)
    access.require(actor, "records", "assign", incoming.unit_id, gettext("giao xử lý văn bản đến này"))
    if incoming.document_id is not None:
        return Document.objects.get(pk=incoming.document_id)
    return _link(actor, incoming, incoming.sender or incoming.receiver, incoming.number, None)


@transaction.atomic
def do_assign_outgoing(*, actor: User, outgoing: OutgoingDocument) -> Document:
    """The directives' document of an issued resolution, plan or conclusion, so that the tasks it
    gives are assigned under it with its number: made once, by the issuer."""
    outgoing = OutgoingDocument.objects.select_for_update().select_related("issuer").get(pk=outgoing.pk)
    access.require(actor, "directives", "assign", outgoing.unit_id, gettext("giao nhiệm vụ theo văn bản này"))
    if outgoing.document_id is not None:
        return Document.objects.get(pk=outgoing.document_id)
    return _link(actor, outgoing, outgoing.issuer, f"{outgoing.number:02d}", outgoing.signer)


def _public_title(entry: IncomingDocument | OutgoingDocument) -> str:
    """The subject the tasks' document shows: a secret document's is not read out of the register."""
    if entry.secrecy:
        return gettext("Văn bản %(level)s: trích yếu xem tại sổ văn bản của văn thư") % {"level": entry.get_secrecy_display().lower()}
    return entry.subject[:500]


def _link(actor: User, entry: IncomingDocument | OutgoingDocument, issuer: Organisation, number: str,
          signer: Person | None) -> Document:
    """The directives' document of a register's entry (the one with its issuer, type, number and
    date, made if there is none), linked to the entry; both changes audited."""
    doc = Document.objects.filter(issuer=issuer, kind=entry.kind, number=number, issued_on=entry.issued_on).first()
    if doc is None:
        doc = Document(
            system=entry.system, kind=entry.kind, number=number, issuer_code=entry.issuer_code, issuer=issuer,
            issued_on=entry.issued_on, title=_public_title(entry), signer=signer, created_by=actor,
        )
        doc.save()
        audit.record(actor=actor, action=AuditAction.CREATE, obj=doc, after=audit.snapshot(doc))
    entry.document = doc
    entry.save(update_fields=["document"])
    audit.record(actor=actor, action=Verb.ASSIGN, obj=entry, after={"document": doc.pk})
    return doc


@transaction.atomic
def do_add_term(*, actor: User, organisation: Organisation | None, name: str, starts_on: dt.date | None) -> CommitteeTerm:
    """Declare a party committee's term: its documents are numbered anew from its first day."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if organisation is None:
        errors["organisation"] = [gettext("Cấp uỷ: chưa chọn.")]
    if not name:
        errors["name"] = [gettext("Nhiệm kỳ: chưa nhập (ví dụ 2025 - 2030).")]
    elif len(name) > 20:
        errors["name"] = [gettext("Nhiệm kỳ: dài quá 20 ký tự.")]
    if starts_on is None:
        errors["starts_on"] = [gettext("Bắt đầu từ ngày: chưa nhập.")]
    _raise(errors)
    assert organisation is not None and starts_on is not None
    access.require(actor, "records", "register", organisation.unit_id, gettext("khai báo nhiệm kỳ của cấp uỷ này"))
    terms = CommitteeTerm.objects.filter(organisation=organisation)
    if terms.filter(name=name).exists():
        raise ValidationError({"name": [gettext("Nhiệm kỳ %(name)s của cấp uỷ này đã có.") % {"name": name}]})
    if terms.filter(starts_on=starts_on).exists():
        raise ValidationError({"starts_on": [gettext("Đã có nhiệm kỳ bắt đầu ngày %(day)s.") % {"day": _fmt(starts_on)}]})
    later = OutgoingDocument.objects.filter(issuer=organisation, system=DocumentSystem.PARTY, issued_on__gte=starts_on)
    if later.exists():
        raise ValidationError({"starts_on": [gettext("Đã có văn bản của cấp uỷ ban hành từ ngày %(day)s theo nhiệm kỳ trước; nhiệm kỳ mới phải bắt đầu sau văn bản cuối cùng.") % {"day": _fmt(starts_on)}]})
    term = CommitteeTerm.objects.create(organisation=organisation, name=name, starts_on=starts_on)
    audit.record(actor=actor, action=Verb.ADD_TERM, obj=term, after=audit.snapshot(term))
    return term
