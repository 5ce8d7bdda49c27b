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


@login_required
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A batch's progress (the page reloads itself every 2 s while it is being made) and its .zip."""
    from dieuhanh.core.papers.batch import of_user

    batch = of_user(request.user, batch_id)
    if batch is None:
        raise Http404
    return render(request, "core/paper_batch.html", {
        "title": gettext("Lô văn bản số %(id)s") % {"id": batch.pk}, "batch": batch,
        "kind": kinds.all_kinds().get(batch.kind), "waiting": batch.state in ("queued", "running"),
    })


@login_required
def batch_file(request: HttpRequest, batch_id: int) -> HttpResponse:
    from pathlib import Path

    from dieuhanh.core.papers.batch import of_user

    batch = of_user(request.user, batch_id)
    if batch is None or batch.state != "done" or not Path(batch.file_path).is_file():
        raise Http404
    response = HttpResponse(Path(batch.file_path).read_bytes(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{Path(batch.file_path).name}"'
    response["X-Content-SHA256"] = batch.sha256
    return response


@login_required
def batch_create(request: HttpRequest, kind: str) -> HttpResponse:
    """POST `ids` (repeated) and `format`: queue a batch and show its page; a refusal goes back
    to the list with the reason."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    from dieuhanh.core.papers.batch import request as request_batch

    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    try:
        batch = request_batch(request.user, kind, request.POST.getlist("ids"), request.POST.get("format", "pdf"))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    return redirect("paper_batch", batch_id=batch.pk)
