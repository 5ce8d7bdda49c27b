"""The audit log page (/nhat-ky/) and its export (/nhat-ky/xuat-excel/): administrators and
inspectors read every change, newest first, filtered by action, kind of object, object, actor and
day, each change in words (`core.audit_words`), and take the filtered log away as .xlsx (the
project's one writer, `core.xlsx`, decision 0010).

Audit events never carry a petitioner's identity (services snapshot `Petition.AUDIT_FIELDS`, and
a reveal records who looked, when and why — not what they saw), so this page shows the events
as stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from dieuhanh.core import access, audit
from dieuhanh.core.audit_words import CHANNELS, EventReader, actor_label, in_words, type_label
from dieuhanh.core.filters import ListFilter
from dieuhanh.core.forms import FilterForm, choice_field, date_field
from dieuhanh.core.models import AuditEvent
from dieuhanh.core.xlsx import Sheet, write_xlsx, xlsx_response
from dieuhanh.lib.text import fold

PAGE_SIZE = 50
FOLD_AFTER = 5  # changes listed before "xem thêm"


def _object_types() -> list[tuple[str, str]]:
    """The kinds of object the log holds events of, for the filter."""
    found = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, type_label(t)) for t in found), key=lambda item: item[1])


DENIED = gettext_lazy("Chỉ quản trị hệ thống và cán bộ kiểm tra, thanh tra được xem nhật ký thay đổi.")


@dataclass
class AuditFilter(ListFilter):
    """The log's one filter: the page and the export read the same parameters (decision 0016)."""

    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None  # a login, or words of the person's name
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    LABELS: ClassVar[Mapping[str, str]] = {
        "action": gettext_noop("Thao tác"), "object_type": gettext_noop("Đối tượng"), "object_id": gettext_noop("Mã đối tượng"),
        "actor": gettext_noop("Người thực hiện"), "date_from": gettext_noop("Từ ngày"), "date_to": gettext_noop("Đến ngày"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {}
    RANGES = (("date_from", "date_to"),)

    def apply(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.action:
            qs = qs.filter(action=self.action)
        if self.object_type:
            qs = qs.filter(object_type=self.object_type)
        if self.object_id:
            qs = qs.filter(object_id=self.object_id.strip())
        if self.actor:
            words = fold(self.actor).split()
            by_name = Q()
            for word in words:
                by_name &= Q(actor__person__search_text__contains=word)
            qs = qs.filter(Q(actor_name__iexact=self.actor.strip()) | (by_name if words else Q(pk__in=[])))
        # A day is the local calendar day: from its first moment to the next day's.
        if self.date_from:
            qs = qs.filter(at__gte=_start_of(self.date_from))
        if self.date_to:
            qs = qs.filter(at__lt=_start_of(self.date_to + dt.timedelta(days=1)))
        return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(FilterForm):
    """The log's filter bar (rendering only: `AuditFilter` reads the parameters)."""

    rows = (("action", "object_type", "object_id", "actor"), ("date_from", "date_to"))

    action = forms.ChoiceField(label=gettext_lazy("Thao tác"), required=False, widget=forms.Select(attrs={"id": "f-action"}))
    object_type = forms.ChoiceField(label=gettext_lazy("Đối tượng"), required=False, widget=forms.Select(attrs={"id": "f-type"}))
    object_id = forms.CharField(label=gettext_lazy("Mã đối tượng"), required=False,
                                widget=forms.TextInput(attrs={"id": "f-id", "inputmode": "numeric"}))
    actor = forms.CharField(label=gettext_lazy("Người thực hiện"), required=False,
                            widget=forms.TextInput(attrs={"id": "f-actor", "placeholder": gettext_lazy("tên đăng nhập hoặc họ tên")}))
    date_from = date_field(gettext_lazy("Từ ngày"))
    date_to = date_field(gettext_lazy("Đến ngày"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "action").choices = [("", gettext("Tất cả")), *audit.verb_choices()]
        choice_field(self, "object_type").choices = [("", gettext("Tất cả")), *_object_types()]


def _events(request: HttpRequest) -> tuple[QuerySet[AuditEvent], list[str]]:
    """The events the filter in the address selects, newest first, and what it dropped."""
    flt, problems = AuditFilter.lenient(request.GET)
    return flt.apply(AuditEvent.objects.select_related("actor__person")).order_by("-seq"), problems


@access.requires("core", "audit", DENIED)
def audit_log(request: HttpRequest) -> HttpResponse:
    events, problems = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    reader = EventReader(page.object_list)
    rows = []
    for e in page.object_list:
        changes = reader.changes(e)
        rows.append({"e": e, "label": audit.verb_label(e.action, e.object_type), "changes": changes,
                     "folded": FOLD_AFTER, "more": max(0, len(changes) - FOLD_AFTER),
                     "type_label": type_label(e.object_type), "actor": actor_label(e),
                     "channel": gettext(CHANNELS.get(e.channel, e.channel))})
    return render(request, "core/audit_log.html", {
        "title": gettext("Nhật ký thay đổi"),
        "page": page,
        "rows": rows,
        "problems": problems,
        "filter_form": AuditFilterForm(request.GET),
    })


EXPORT_HEADERS = (gettext_lazy("Số"), gettext_lazy("Thời điểm"), gettext_lazy("Người thực hiện"), gettext_lazy("Kênh"),
                  gettext_lazy("Thao tác"), gettext_lazy("Đối tượng"), gettext_lazy("Mã đối tượng"),
                  gettext_lazy("Tên đối tượng"), gettext_lazy("Thay đổi (trước → sau)"))
EXPORT_WIDTHS = (8, 18, 28, 12, 24, 20, 12, 40, 80)


def _export_rows(events: Iterable[AuditEvent]) -> Iterable[list[Any]]:
    for e, changes in in_words(events):
        lines = [f"{c.label}: {c.before} → {c.after}" if c.before is not None else f"{c.label}: {c.after}"
                 for c in changes]
        yield [e.seq, f"{timezone.localtime(e.at):%d/%m/%Y %H:%M:%S}", actor_label(e),
               CHANNELS.get(e.channel, e.channel), audit.verb_label(e.action, e.object_type),
               type_label(e.object_type), e.object_id, e.object_repr, "\n".join(lines)]


@access.requires("core", "audit", DENIED)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as .xlsx, every page, in the words of the page."""
    import io

    events, _problems = _events(request)
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet(title=gettext("Nhật ký thay đổi"), headers=EXPORT_HEADERS, widths=EXPORT_WIDTHS,
                              rows=_export_rows(events.iterator(chunk_size=1000)))])
    return xlsx_response(buffer.getvalue(), "nhat-ky-thay-doi")
