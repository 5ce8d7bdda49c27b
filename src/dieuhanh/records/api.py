"""The registers over API v1: the documents issued and received that the caller may see, and
their kept files (checked against their SHA-256 on every read). Numbering and entering go through
the pages, where the office works."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import BaseModel

from dieuhanh.core.api_pages import Page, PageQuery, filters_of, page_of
from dieuhanh.lib.params import DbId
from dieuhanh.records.filters import IncomingFilter, OutgoingFilter
from dieuhanh.records.models import IncomingDocument, OutgoingDocument

router = Router()


class OutgoingOut(BaseModel):
    id: int
    symbol: str
    notation: str
    system: str
    kind: str
    number: int
    period: str
    issued_on: dt.date
    subject: str
    issuer: str
    signer: str | None
    recipients: str
    urgency: str
    secrecy: str
    replaces: int | None
    replaced_by: int | None
    task_document: int | None
    file_name: str
    file_size: int
    sha256: str
    file_url: str


class IncomingOut(BaseModel):
    id: int
    arrival_number: int
    year: int
    received_on: dt.date
    receiver: str
    sender_name: str
    symbol: str
    kind: str
    issued_on: dt.date
    subject: str
    urgency: str
    secrecy: str
    handle_by: dt.date | None
    task_document: int | None
    file_name: str
    file_size: int
    sha256: str
    file_url: str | None


class OutgoingQuery(PageQuery):
    q: str | None = None
    issuer: DbId | None = None
    system: str | None = None
    kind: str | None = None
    year: int | None = None
    replaced: bool | None = None


class IncomingQuery(PageQuery):
    q: str | None = None
    receiver: DbId | None = None
    kind: str | None = None
    year: int | None = None
    urgency: str | None = None
    handling: str | None = None


def outgoing_out(d: OutgoingDocument) -> dict[str, Any]:
    replaced_by = getattr(d, "replaced_by", None)
    return {
        "id": d.pk, "symbol": d.symbol, "notation": d.notation, "system": d.system, "kind": d.kind, "number": d.number,
        "period": d.period, "issued_on": d.issued_on, "subject": d.subject, "issuer": d.issuer.name,
        "signer": d.signer.full_name if d.signer is not None else None, "recipients": d.recipients, "urgency": d.urgency, "secrecy": d.secrecy,
        "replaces": d.replaces_id, "replaced_by": replaced_by.pk if replaced_by is not None else None,
        "task_document": d.document_id, "file_name": d.file_name, "file_size": d.file_size, "sha256": d.sha256,
        "file_url": f"/api/v1/records/outgoing/{d.pk}/file",
    }


def incoming_out(d: IncomingDocument) -> dict[str, Any]:
    return {
        "id": d.pk, "arrival_number": d.arrival_number, "year": d.year, "received_on": d.received_on,
        "receiver": d.receiver.name, "sender_name": d.sender_name, "symbol": d.symbol, "kind": d.kind,
        "issued_on": d.issued_on, "subject": d.subject, "urgency": d.urgency, "secrecy": d.secrecy,
        "handle_by": d.handle_by,
        "task_document": d.document_id, "file_name": d.file_name, "file_size": d.file_size, "sha256": d.sha256,
        "file_url": f"/api/v1/records/incoming/{d.pk}/file" if d.file_path else None,
    }


def _filtered(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


@router.get("/outgoing", response=Page[OutgoingOut], summary="Sổ văn bản đi")
def list_outgoing(request: HttpRequest, query: Query[OutgoingQuery]) -> dict[str, Any]:
    flt = OutgoingFilter.from_params(_filtered(filters_of(query)))
    qs = flt.apply(OutgoingDocument.objects.visible_to(request.user)).select_related("issuer", "signer", "replaced_by")
    return page_of(qs.order_by("-issued_on", "-id"), query, outgoing_out)


def _outgoing(request: HttpRequest, document_id: int) -> OutgoingDocument:
    qs = OutgoingDocument.objects.visible_to(request.user).select_related("issuer", "signer", "replaced_by")
    found = qs.filter(pk=document_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/outgoing/{int:document_id}", response=OutgoingOut, summary="Một văn bản đi")
def get_outgoing(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return outgoing_out(_outgoing(request, document_id))


@router.get("/outgoing/{int:document_id}/file", summary="Tệp đã ban hành của một văn bản đi (409 nếu tệp đã bị thay đổi)")
def get_outgoing_file(request: HttpRequest, document_id: int) -> HttpResponse:
    from dieuhanh.records.views import _file_response

    d = _outgoing(request, document_id)
    return _file_response(d.file_name, d.file_path, d.sha256)


@router.get("/incoming", response=Page[IncomingOut], summary="Sổ văn bản đến")
def list_incoming(request: HttpRequest, query: Query[IncomingQuery]) -> dict[str, Any]:
    flt = IncomingFilter.from_params(_filtered(filters_of(query)))
    qs = flt.apply(IncomingDocument.objects.visible_to(request.user)).select_related("receiver")
    return page_of(qs.order_by("-received_on", "-arrival_number"), query, incoming_out)


def _incoming(request: HttpRequest, document_id: int) -> IncomingDocument:
    found = IncomingDocument.objects.visible_to(request.user).select_related("receiver").filter(pk=document_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/incoming/{int:document_id}", response=IncomingOut, summary="Một văn bản đến")
def get_incoming(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return incoming_out(_incoming(request, document_id))


@router.get("/incoming/{int:document_id}/file", summary="Tệp của một văn bản đến (409 nếu tệp đã bị thay đổi)")
def get_incoming_file(request: HttpRequest, document_id: int) -> HttpResponse:
    from dieuhanh.records.views import _file_response

    d = _incoming(request, document_id)
    if not d.file_path:
        raise Http404
    return _file_response(d.file_name, d.file_path, d.sha256)
