"""The import pages: upload a one-stop export (or, for administrators, a procedures catalogue),
watch the background job's progress bar, see its bad rows (row, column, reason) on the page and
download its error file, run an interrupted job again (not a file that was refused as
unreadable: the same file would be refused again), and see past jobs.

The upload is handed to `jobs.submit`, which keeps the file and queues the job for a worker
(`dieuhanh worker`; `dieuhanh serve` runs one) that runs `importer.import_file`; the job page
polls a fragment (htmx, every second) that reads the job row's counters. An upload over `forms.MAX_UPLOAD_MB` is refused while it arrives: the oversized file is
read and dropped, never written to disk, and the page says why."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from dieuhanh.core import access, tabular
from dieuhanh.core.http import AnyUser, signed_in_user
from dieuhanh.dossiers import forms as dossier_forms
from dieuhanh.dossiers import jobs
from dieuhanh.dossiers.choices import JobKind, JobState
from dieuhanh.dossiers.forms import ImportForm
from dieuhanh.dossiers.models import ImportJob

PAST_JOBS = 50
BAD_LINES_SHOWN = 200  # problems of bad rows listed on a job's page; the error file has them all


def _kinds(user: AnyUser) -> list[str]:
    """The kinds of file the user may import: dossiers (one-stop officers, office, administrators)
    and the procedures catalogue (administrators)."""
    kinds: list[str] = []
    if access.holds(user, "dossiers", "import"):
        kinds.append(JobKind.DOSSIERS)
    if access.may(user, "dossiers", "catalogue", None):
        kinds.append(JobKind.PROCEDURES)
    return kinds


class SizeLimitHandler(FileUploadHandler):
    """First in the chain: when the request announces more than the limit, every file in it is
    skipped (read and dropped, never written to a temporary file)."""

    too_big = False

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: Any = None) -> None:
        limit = dossier_forms.MAX_UPLOAD_MB * 1024 * 1024
        self.too_big = content_length > limit + 64 * 1024  # the form's other fields and boundaries
        if self.request is not None:
            self.request.upload_too_big = self.too_big  # type: ignore[attr-defined]  # read back by _import_page

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.too_big:
            raise SkipFile()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _progress(job: ImportJob, *, bad_lines_shown: int = 0) -> dict[str, Any]:
    """What the progress bar shows: state as users should see it, percentage, rows per second;
    and, once the job has stopped, the first `bad_lines_shown` problems of its bad rows."""
    state = jobs.state_of(job)
    now = timezone.now()
    end = job.finished_at or (job.heartbeat_at if state != JobState.RUNNING else now) or now
    seconds = (end - job.started_at).total_seconds() if job.started_at else 0.0
    total = job.total_rows
    percent = None
    if total:
        percent = min(100, int(job.processed_rows * 100 / total))
    elif state == JobState.DONE:
        percent = 100
    errors = jobs.errors_file(job) if job.bad_rows > 0 else None
    has_errors = errors is not None
    bad_lines: list[tabular.BadRowLine] = []
    bad_more = False
    if errors is not None and bad_lines_shown and state not in jobs.ACTIVE_STATES:
        bad_lines, bad_more = tabular.read_bad_rows(errors, bad_lines_shown)
    return {
        "job": job,
        "state": state,
        "active": state in jobs.ACTIVE_STATES,
        "resumable": state in jobs.RESUMABLE_STATES,
        "percent": percent,
        "rate": job.processed_rows / seconds if seconds > 0.5 and job.processed_rows else None,
        "seconds": seconds,
        "has_errors": has_errors,
        "bad_lines": bad_lines,
        "bad_more": bad_more,
    }


@login_required
@csrf_exempt
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload form and past jobs. The size limit handler must be installed before the body is
    read, which CSRF checking does; so CSRF is checked in `_import_page` instead."""
    if request.method == "POST":
        request.upload_handlers.insert(0, SizeLimitHandler(request))
    return _import_page(request)


@csrf_protect
def _import_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    kinds = _kinds(user)
    if not kinds:
        raise PermissionDenied(_("Chỉ cán bộ Bộ phận Một cửa, văn phòng hoặc quản trị hệ thống mới được nhập hồ sơ."))
    wanted = request.GET.get("kind")
    initial = {"kind": wanted if wanted in kinds else kinds[0]}
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, kinds=kinds,
                      initial=initial)
    status = 200
    if posted:
        if getattr(request, "upload_too_big", False):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", _("Tệp vượt giới hạn %(MAX_UPLOAD_MB)s MB của trang nhập. Chia tệp thành nhiều phần, hoặc nhập bằng lệnh «dieuhanh import dossiers» trên máy chủ.") % {"MAX_UPLOAD_MB": dossier_forms.MAX_UPLOAD_MB})
            status = 413
        elif form.is_valid():
            d = form.cleaned_data
            try:
                job = jobs.submit(d["file"], kind=d["kind"], actor=user, mapping=d["mapping"] or None)
            except PermissionDenied as exc:
                form.add_error("kind", str(exc) or _("Bạn không có quyền nhập loại dữ liệu này."))
                status = 403
            else:
                messages.success(request, _("Đã nhận tệp «%(original_name)s»; đang nhập.") % {"original_name": job.original_name})
                return redirect("dossier_import_job", pk=job.pk)
        else:
            status = 400
    jobs.refresh_stale()  # jobs of a server that stopped are shown (and recorded) as interrupted
    past = [_progress(j) for j in ImportJob.objects.visible_to(user).select_related("created_by")[:PAST_JOBS]]
    return render(request, "dossiers/import_page.html", {
        "title": _("Nhập hồ sơ từ tệp"), "form": form, "past": past, "kinds": kinds,
        "max_mb": dossier_forms.MAX_UPLOAD_MB,
    }, status=status)


def _visible_job(request: HttpRequest, pk: int) -> ImportJob:
    if not _kinds(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Bộ phận Một cửa, văn phòng hoặc quản trị hệ thống mới được nhập hồ sơ."))
    return get_object_or_404(ImportJob.objects.visible_to(request.user).select_related("created_by"), pk=pk)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    context = {"title": _("Lượt nhập #%(number)s") % {"number": job.pk}, **_progress(job, bad_lines_shown=BAD_LINES_SHOWN)}
    return render(request, "dossiers/import_job.html", context)


@login_required
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page polls every second while the job runs."""
    job = _visible_job(request, pk)
    return render(request, "dossiers/_import_progress.html", _progress(job, bad_lines_shown=BAD_LINES_SHOWN))


@login_required
def import_job_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _visible_job(request, pk)
    path = jobs.errors_file(job)
    if path is None:
        raise Http404(_("Lượt nhập này không có dòng lỗi."))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"loi-nhap-{job.pk}{path.suffix or '.csv'}",
                            content_type="text/csv; charset=utf-8" if path.suffix == ".csv" else None)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_job_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    try:
        jobs.resume(job, actor=signed_in_user(request))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đang chạy lại lượt nhập; các dòng đã nhập không bị nhân đôi."))
    return redirect("dossier_import_job", pk=job.pk)


urlpatterns: list[URLPattern] = [
    path("ho-so/nhap/", import_page, name="dossier_import"),
    path("ho-so/nhap/<int:pk>/", import_job, name="dossier_import_job"),
    path("ho-so/nhap/<int:pk>/tien-do/", import_job_progress, name="dossier_import_progress"),
    path("ho-so/nhap/<int:pk>/loi/", import_job_errors, name="dossier_import_errors"),
    path("ho-so/nhap/<int:pk>/chay-lai/", import_job_resume, name="dossier_import_resume"),
]
