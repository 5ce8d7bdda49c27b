"""Many documents of one kind at once (a day's receipt slips, a meeting series' notices): asked
for with `request`, made on the task queue by `make`, delivered as one .zip.

A PDF costs a start of LibreOffice (about a second); a batch converts all its documents in one
start per `CHUNK` documents (bench/bench_papers.py measures both), in a worker, not in the web
request. The batch remembers who asked: the objects are looked up again, as that user, when the
job runs (a right withdrawn in between is honoured; an object they may no longer see is listed
as skipped), and only that user may read the batch and its file."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dieuhanh.core import access, queue
from dieuhanh.core.models import PaperBatch
from dieuhanh.core.papers import docx, kinds, pdf

MAX_DOCUMENTS = 500  # per batch
CHUNK = 50  # documents per start of LibreOffice


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "papers"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def request(user: Any, key: str, idents: list[str], fmt: str) -> PaperBatch:
    """Queue a batch of documents of kind `key` for `idents` as `fmt`. ValidationError (keyed by
    field, in Vietnamese) for a bad kind, format or list; PermissionDenied for a user who may not
    have this kind at all."""
    errors: dict[str, list[str]] = {}
    try:
        chosen = kinds.kind(key)
    except kinds.UnknownKind:
        raise ValidationError({"kind": [f"Không có loại văn bản «{key}»."]}) from None
    if not access.holds(user, *chosen.permission):
        raise PermissionDenied("Bạn không có quyền tạo loại văn bản này.")
    if fmt not in kinds.FORMATS:
        errors["format"] = [f"Định dạng «{fmt}» không có: chọn docx hoặc pdf."]
    wanted = list(dict.fromkeys(str(i).strip() for i in idents if str(i).strip()))
    if not wanted:
        errors["ids"] = ["Danh sách đối tượng trống."]
    elif len(wanted) > MAX_DOCUMENTS:
        errors["ids"] = [f"Mỗi lô nhiều nhất {MAX_DOCUMENTS} văn bản (đã gửi {len(wanted)})."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = PaperBatch.objects.create(kind=key, idents=wanted, file_format=fmt, requested_by=user)
        make.enqueue(batch.pk)
    return batch


@queue.task()
def make(batch_id: int) -> dict[str, Any]:
    """Make the documents of batch `batch_id` and their .zip. The queue may deliver a job twice:
    a batch already done is left as it is, one half made is made again from the start."""
    batch = PaperBatch.objects.select_related("requested_by").filter(pk=batch_id).first()
    if batch is None or batch.state == PaperBatch.State.DONE:
        return {"batch": batch_id, "skipped": True}
    PaperBatch.objects.filter(pk=batch_id).update(state=PaperBatch.State.RUNNING)
    chosen = kinds.kind(batch.kind)
    user = batch.requested_by
    names: list[str] = []
    files: list[bytes] = []
    skipped: list[str] = []
    try:
        for ident in batch.idents:
            obj = chosen.lookup(ident, user)
            if obj is None:
                skipped.append(ident)
                continue
            paper = chosen.paper(obj, user)
            names.append(kinds.file_name(paper, batch.kind, batch.file_format))
            files.append(docx.render(paper))
        if batch.file_format == "pdf":
            files = [made for i in range(0, len(files), CHUNK) for made in pdf.convert_many(files[i:i + CHUNK])]
    except pdf.PdfError as exc:
        PaperBatch.objects.filter(pk=batch_id).update(state=PaperBatch.State.FAILED, message=str(exc),
                                                      finished_at=timezone.now())
        return {"batch": batch_id, "failed": str(exc)}
    out = io.BytesIO()
    seen: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in zip(names, files, strict=True):
            count = seen[name] = seen.get(name, 0) + 1
            stem, _, ext = name.rpartition(".")
            archive.writestr(name if count == 1 else f"{stem}-{count}.{ext}", data)
    path = folder() / f"lo-{batch_id}-{batch.kind}.zip"
    path.write_bytes(out.getvalue())
    path.chmod(0o600)
    PaperBatch.objects.filter(pk=batch_id).update(
        state=PaperBatch.State.DONE, made=len(files), skipped=skipped, file_path=str(path),
        sha256=hashlib.sha256(out.getvalue()).hexdigest(), finished_at=timezone.now(),
        message=f"Đã tạo {len(files)} văn bản" + (f"; bỏ qua {len(skipped)} đối tượng không tìm thấy hoặc "
                                                 "không có quyền xem." if skipped else "."),
    )
    return {"batch": batch_id, "made": len(files), "skipped": len(skipped)}


def of_user(user: Any, batch_id: int) -> PaperBatch | None:
    """The batch, if `user` asked for it."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PaperBatch.objects.filter(pk=batch_id, requested_by=user).first()


KEEP_DAYS = 7  # a batch's .zip is kept this many days after it is made, then removed with its row


def expire(day: Any) -> dict[str, int]:
    """The periodic job "core.paper_batches" (daily): batches finished more than `KEEP_DAYS` days
    ago are removed, their .zip with them (a batch is a download, not a record: the documents are
    made again from the data at any time)."""
    import datetime as dt

    cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    old = list(PaperBatch.objects.filter(finished_at__lt=cutoff).values_list("pk", "file_path"))
    for _pk, path in old:
        if path:
            Path(path).unlink(missing_ok=True)
    PaperBatch.objects.filter(pk__in=[pk for pk, _path in old]).delete()
    return {"removed": len(old)}
