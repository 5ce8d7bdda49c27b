"""Every kind of formal document served the same way: `/giay-to/<kind>/<ident>.docx|.pdf` for a
signed-in user who may see the object (core/papers/kinds.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from dieuhanh.core import access
from dieuhanh.core.papers import kinds
from dieuhanh.core.papers.pdf import PdfError


def paper_file(user: object, key: str, ident: str, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the document of kind `key` made from object `ident`, as `user` may
    have it: Http404 for an unknown kind, format or object, or one the user may not see."""
    try:
        chosen = kinds.kind(key)
    except kinds.UnknownKind:
        raise Http404 from None
    if fmt not in kinds.FORMATS or not access.holds(user, *chosen.permission):  # type: ignore[arg-type]
        raise Http404
    obj = chosen.lookup(ident, user)  # type: ignore[arg-type]
    if obj is None:
        raise Http404
    paper = chosen.paper(obj, user)  # type: ignore[arg-type]
    return kinds.file_name(paper, key, fmt), kinds.render(paper, fmt)


def attachment(name: str, data: bytes, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=kinds.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def paper_download(request: HttpRequest, kind: str, ident: str, fmt: str) -> HttpResponse:
    try:
        name, data = paper_file(request.user, kind, ident, fmt)
    except PdfError as exc:
        return render(request, "core/paper_error.html",
                      {"title": gettext("Không tạo được tệp PDF"), "message": str(exc),
                       "docx": request.path.removesuffix(".pdf") + ".docx"}, status=503)
    return attachment(name, data, fmt)
