"""API v1 for formal documents: the kinds the apps make, and one document as .docx or PDF."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from dieuhanh.core import access
from dieuhanh.core.papers import kinds
from dieuhanh.core.papers.pdf import PdfError

router = Router()


class PaperKindOut(Schema):
    key: str
    label: str
    renders: str
    formats: list[str]


class PaperQuery(Schema):
    format: Literal["docx", "pdf"] = "docx"


@router.get("", response=list[PaperKindOut], summary="Các loại văn bản tạo được từ dữ liệu")
def list_kinds(request: HttpRequest) -> list[PaperKindOut]:
    return [PaperKindOut(key=k.key, label=str(k.label), renders=k.renders, formats=list(kinds.FORMATS))
            for k in kinds.all_kinds().values() if access.holds(request.user, *k.permission)]  # type: ignore[arg-type]


class BatchIn(Schema):
    ids: list[str]
    format: Literal["docx", "pdf"] = "pdf"


class BatchOut(Schema):
    id: int
    kind: str
    format: str
    state: str
    made: int
    skipped: list[str]
    message: str
    sha256: str
    page: str
    file: str | None


def _batch_out(batch: Any) -> BatchOut:
    from django.urls import reverse

    return BatchOut(id=batch.pk, kind=batch.kind, format=batch.file_format, state=batch.state, made=batch.made,
                    skipped=list(batch.skipped), message=batch.message, sha256=batch.sha256,
                    page=reverse("paper_batch", args=[batch.pk]),
                    file=f"/api/v1/papers/batches/{batch.pk}/file" if batch.state == "done" else None)


@router.get("/batches/{int:batch_id}", response=BatchOut, summary="Một lô văn bản: trạng thái và tệp")
def get_batch(request: HttpRequest, batch_id: int) -> BatchOut:
    from django.http import Http404

    from dieuhanh.core.papers.batch import of_user

    batch = of_user(request.user, batch_id)
    if batch is None:
        raise Http404
    return _batch_out(batch)


@router.get("/batches/{int:batch_id}/file", summary="Tệp .zip của một lô văn bản đã xong",
            openapi_extra={"responses": {200: {"description": "Tệp .zip", "content": {
                "application/zip": {"schema": {"type": "string", "format": "binary"}}}}}})
def get_batch_file(request: HttpRequest, batch_id: int) -> HttpResponse:
    from dieuhanh.core.papers.views import batch_file

    return batch_file(request, batch_id)


@router.post("/{kind}/batches", response={202: BatchOut}, summary="Tạo nhiều văn bản một loại (chạy nền)",
             description="Xếp vào hàng đợi việc tạo văn bản loại `kind` cho các đối tượng `ids` (nhiều nhất 500), "
                         "dạng PDF (mặc định) hoặc .docx; trả 202 với lô văn bản để theo dõi. Chỉ người yêu cầu xem "
                         "được lô và tệp của nó.")
def post_batch(request: HttpRequest, kind: str, body: BatchIn) -> tuple[int, BatchOut]:
    from dieuhanh.core.papers.batch import request as request_batch

    return 202, _batch_out(request_batch(request.user, kind, body.ids, body.format))


@router.get("/{kind}/{path:ident}", summary="Một văn bản theo thể thức, dạng .docx hoặc PDF",
            description="Tệp .docx (mặc định) hoặc PDF của văn bản loại `kind` tạo từ đối tượng `ident` (số của đối "
                        "tượng, hoặc mã hồ sơ). 404 khi không có loại, đối tượng hoặc không có quyền xem; 503 khi máy chủ "
                        "không tạo được PDF (chưa cài LibreOffice).",
            openapi_extra={"responses": {200: {"description": "Tệp văn bản", "content": {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def get_paper(request: HttpRequest, kind: str, ident: str, query: Query[PaperQuery]) -> HttpResponse:
    from dieuhanh.api import error_response
    from dieuhanh.core.papers.views import attachment, paper_file

    try:
        name, data = paper_file(request.user, kind, ident, query.format)
    except PdfError as exc:
        response = error_response(request, 503, str(exc))
        response["Retry-After"] = "60"
        return response
    return attachment(name, data, query.format)
