"""Pages of the notification centre. Every view reads through `services.inbox(request.user)`: a
notification of someone else is not found (404), whatever its number.

Reading is not audited (decision 0027): a read mark changes no record of the administration,
only what the person has seen, as an e-mail client's would."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from dieuhanh.core.filters import ListFilter
from dieuhanh.notifications import services
from dieuhanh.notifications.forms import PreferenceForm

PAGE_SIZE = 25


@dataclass
class NotificationFilter(ListFilter):
    """The centre's one filter: every notification, or the unread ones only."""

    unread: bool = False

    LABELS: ClassVar[Mapping[str, str]] = {"unread": gettext_noop("Chỉ thông báo chưa đọc")}
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {}


def local_url(url: str) -> str | None:
    """`url` when it is an address of this site (a path), else None: a notification's link and a
    form's `next` never send anyone elsewhere."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else None


def poll_seconds() -> int:
    return int(settings.DIEUHANH_NOTIFICATION_POLL_SECONDS)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    flt, problems = NotificationFilter.lenient(request.GET)
    rows = services.shown(request.user)  # type: ignore[arg-type]  # login_required: a User
    if flt.unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(services.newest_unread_first(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {
        "title": gettext("Thông báo"),
        "page": page,
        "filter": flt,
        "problems": problems,
        "unread": services.unread_count(request.user),  # type: ignore[arg-type]
        "here": request.get_full_path(),
    })


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Open a notification: it is marked read (a summary with the reminders it holds), then the
    browser goes to its object (whose own page checks again who may see it) or, for a summary,
    to the list of those objects; one without a link, or whose link is not of this site,
    leads back to the centre."""
    n = get_object_or_404(services.inbox(request.user), pk=pk)  # type: ignore[arg-type]
    services.mark_read(request.user, [n.pk])  # type: ignore[arg-type]
    return HttpResponseRedirect(local_url(n.url) or reverse("notifications:notification_list"))


def _back(request: HttpRequest) -> HttpResponseBase:
    return HttpResponseRedirect(local_url(request.POST.get("next", "")) or reverse("notifications:notification_list"))


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponseBase:
    n = get_object_or_404(services.inbox(request.user), pk=pk)  # type: ignore[arg-type]
    services.mark_read(request.user, [n.pk])  # type: ignore[arg-type]
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponseBase:
    marked = services.mark_read(request.user)  # type: ignore[arg-type]
    if marked:
        messages.success(request, gettext("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": marked})
    return _back(request)


@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The header's count, for htmx to poll. A session that has ended stops the polling (htmx's
    status 286) rather than drawing the login page into the header; a plain visit goes to the
    login page like every other."""
    if not request.user.is_authenticated:
        if getattr(request, "htmx", False):
            return HttpResponse(status=286)
        return login_required(lambda r: HttpResponse())(request)  # type: ignore[return-value]
    return render(request, "notifications/_unread_count.html", {"unread": services.unread_count(request.user)})  # type: ignore[arg-type]


@login_required
def preferences(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    pref = services.preference(user)  # type: ignore[arg-type]
    initial = {"email": user.email, "email_mode": pref.email_mode, "daily_digest": pref.daily_digest}  # type: ignore[union-attr]
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_preferences(actor=user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, gettext("Đã lưu cách nhận thông báo."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "title": gettext("Cách nhận thông báo"),
        "form": form,
        "person_email": getattr(getattr(user, "person", None), "email", ""),
    })
