"""API v1 for formal documents: the kinds the apps make, and one document as .docx or PDF."""

from __future__ import annotations

from typing import Literal

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


@router.get("/{kind}/{ident}", summary="Một văn bản theo thể thức, dạng .docx hoặc PDF",
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
