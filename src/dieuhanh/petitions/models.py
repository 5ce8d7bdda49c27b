"""Citizen reception sessions and petitions (the "case" primitive of DESIGN.md).

A petition's identity fields (who wrote it, where they live, how to reach them, their ID
number, co-signers) are never stored in clear: `identity_enc` holds them encrypted, and only
`confidentiality.identity_for(user, petition)` opens them, after checking that the user may see
them and logging the reveal when the petition is confidential (a denunciation). Nothing else —
search text, audit snapshots, exports, API schemas — reads that column.

State changes go through `services.do_*`; the deadlines come from `deadlines.compute()`, which
reads the legal rule table and the working-day calendar. `due_on` and `resolve_due_on` are the
stored results, so lists and sweeps can filter on them in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import legal_rules
from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.core.choices import DayKind
from dieuhanh.lib.text import fold
from dieuhanh.org.models import AdminUnit, Organisation, Person, User
from dieuhanh.petitions.choices import (
    OPEN_STATES,
    Action,
    Channel,
    Complexity,
    Field,
    Ineligibility,
    Kind,
    Result,
    SessionKind,
    State,
)


class ReceptionSessionQuerySet(ScopedQuerySet["ReceptionSession"]):
    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        return Q(unit_id__in=among(unit_ids))


class ReceptionSession(models.Model):
    """A citizen reception day of a leader, an ad-hoc reception, or a direct dialogue between the
    secretary or chairman and residents (Law 42/2013/QH13)."""

    kind = models.CharField(_("hình thức"), max_length=12, choices=SessionKind.choices)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    held_on = models.DateField(_("ngày tiếp"))
    host = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người chủ trì")
    )
    host_title = models.CharField(_("chức vụ người chủ trì"), max_length=200, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300)
    attendees = models.TextField(_("thành phần tham dự"), blank=True)
    citizens_count = models.PositiveIntegerField(_("số lượt công dân"), default=0)
    matters = models.TextField(_("nội dung công dân nêu"), blank=True)
    answers = models.TextField(_("ý kiến trả lời, chỉ đạo tại buổi tiếp"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReceptionSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("buổi tiếp công dân")
        verbose_name_plural = _("buổi tiếp công dân")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y} — {self.place}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("petitions:session_detail", args=[self.pk])


def prolonged_q(today: dt.date) -> Q:
    """Running past its legal deadline (kéo dài): open and not suspended, after its resolution
    deadline without a conclusion, or after its routing deadline without a decision. The same
    rule as `detection.is_prolonged`, in SQL, so statistics never depend on a sweep having run."""
    running = Q(state__in=OPEN_STATES) & ~Q(state=State.SUSPENDED)
    past_resolution, past_routing = prolonged_deadlines_q(today)
    return running & (past_resolution | past_routing)


def prolonged_deadlines_q(today: dt.date) -> tuple[Q, Q]:
    """The two ways `prolonged_q` is past a deadline: its resolution deadline (without a
    conclusion), its routing deadline (without a decision)."""
    past_resolution = Q(resolve_due_on__isnull=False, concluded_on__isnull=True, resolve_due_on__lt=today)
    past_routing = Q(accepted_on__isnull=True, routed_on__isnull=True, due_on__lt=today)
    return past_resolution, past_routing


def time_barred_q() -> Q:
    """A complaint received after its filing limit (Law on Complaints Art 9, Art 33) with no
    objective obstacle recorded: to be refused (Art 11). The rule of `Petition.time_barred`."""
    return Q(kind=Kind.COMPLAINT, file_limit_on__isnull=False, file_limit_on__lt=models.F("received_on"),
             late_excuse="")


class PetitionQuerySet(ScopedQuerySet["Petition"]):
    def open_without_units(self) -> bool:
        return True  # an assigned handler sees the petition whatever the unit

    def in_units(self, unit_ids: AbstractSet[int], user: User) -> Q:
        """Petitions whose matter arises in, or which were received by, one of the units, and
        those the user is assigned to handle. An officer of ward A never sees ward B's
        petitions."""
        handled = PetitionHandler.objects.filter(petition_id=OuterRef("pk"), user_id=user.pk)
        condition: Q = Q(unit_id__in=among(unit_ids)) | Q(receiving_unit_id__in=among(unit_ids)) | Exists(handled)  # type: ignore[assignment]
        return condition

    def open(self) -> PetitionQuerySet:
        return self.filter(state__in=OPEN_STATES)

    @staticmethod
    def timing_rule(today: dt.date) -> list[tuple[str, Q]]:
        """The deadline status as (value, condition), the first condition that holds giving the
        value (`none` when none does): overdue / due_soon / on_track for open petitions (by the
        next deadline), on_time / late for resolved ones (by the resolution deadline).
        `with_timing` annotates it, `timing_counts` counts it; `Petition.timing` is its twin."""
        from dieuhanh.core import calendar

        soon = calendar.due_soon_until(today)
        return [
            ("overdue", Q(state__in=OPEN_STATES, due_on__lt=today)),
            ("due_soon", Q(state__in=OPEN_STATES, due_on__lte=soon)),
            ("on_track", Q(state__in=OPEN_STATES)),
            ("on_time", Q(concluded_on__isnull=False, resolve_due_on__isnull=False,
                          concluded_on__lte=models.F("resolve_due_on"))),
            ("late", Q(concluded_on__isnull=False, resolve_due_on__isnull=False)),
        ]

    def with_timing(self, today: dt.date | None = None) -> PetitionQuerySet:
        """`timing`: the petition's deadline status (`timing_rule`), `none` when it has none."""
        from django.utils import timezone

        today = today or timezone.localdate()
        # The annotation shadows Petition.timing() on the rows of this list (the same answer,
        # computed in SQL); the stubs' plugin reads that as a redefinition.
        return self.annotate(  # type: ignore[no-redef]
            timing=Case(
                *(When(condition, then=Value(value)) for value, condition in self.timing_rule(today)),
                default=Value("none"),
                output_field=models.CharField(),
            )
        )

    @classmethod
    def timing_counts(cls, values: Iterable[str], today: dt.date) -> dict[str, Count]:
        """For an `aggregate`: how many rows have each of `values` as their timing, each
        condition of `timing_rule` counted where no earlier one holds (what the `Case` of
        `with_timing` does), so a page's counts need no `GROUP BY` over the `Case`."""
        wanted = set(values)
        counts: dict[str, Count] = {}
        earlier = Q()
        for value, condition in cls.timing_rule(today):
            if value in wanted:
                counts[value] = Count("pk", filter=condition & ~earlier if earlier else condition)
            earlier |= condition
        return counts


class Petition(models.Model):
    """A petition (đơn): complaint, denunciation, recommendation, feedback, or several of these.
    One row per petition received by a body; a transferred petition is closed here and, when the
    receiving body uses Điều Hành, opens again there with `transferred_from`."""

    receipt_code = models.CharField(_("mã tra cứu"), max_length=12, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    seq = models.PositiveIntegerField(_("số thứ tự trong sổ"), editable=False)
    channel = models.CharField(_("nguồn đơn"), max_length=12, choices=Channel.choices)
    session = models.ForeignKey(
        ReceptionSession, null=True, blank=True, on_delete=models.PROTECT, related_name="petitions",
        verbose_name=_("buổi tiếp"),
    )
    received_on = models.DateField(_("ngày nhận"))
    dated_on = models.DateField(_("ngày ghi trên đơn"), null=True, blank=True)
    kind = models.CharField(_("phân loại theo nội dung"), max_length=16, choices=Kind.choices)
    field = models.CharField(_("lĩnh vực"), max_length=16, choices=Field.choices, default=Field.OTHER)
    subject = models.CharField(_("tóm tắt nội dung"), max_length=300)
    content = models.TextField(_("nội dung đơn"))
    respondent = models.CharField(
        _("người, cơ quan hoặc quyết định bị khiếu nại, tố cáo"), max_length=300, blank=True
    )
    against_party_member = models.BooleanField(_("tố cáo đảng viên"), default=False)
    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi phát sinh vụ việc")
    )
    receiving_unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị tiếp nhận")
    )
    handling_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("cơ quan giải quyết"),
    )
    place = models.CharField(_("địa điểm vụ việc"), max_length=300, blank=True)
    lat = models.FloatField(_("vĩ độ"), null=True, blank=True)
    lon = models.FloatField(_("kinh độ"), null=True, blank=True)
    signer_count = models.PositiveIntegerField(_("số người ký đơn"), default=1)
    is_anonymous = models.BooleanField(_("nặc danh, mạo danh"), default=False)
    # The petitioner asked not to be contacted by e-mail or text message (notifications.citizens).
    no_contact = models.BooleanField(_("không nhận tin báo"), default=False)
    confidential = models.BooleanField(
        _("bảo mật danh tính người gửi"), default=False, editable=False,
        help_text=_("Bật cho đơn có nội dung tố cáo (Luật Tố cáo Điều 8, 9, 47) hoặc khi cán bộ đánh dấu bảo mật; "
                    "không bao giờ tắt lại."),
    )
    confidential_reason = models.CharField(_("lý do bảo mật"), max_length=300, blank=True, editable=False)
    identity_enc = models.TextField(editable=False, blank=True)
    # The repeat links between this confidential petition and others, encrypted like the identity
    # (a link to a feedback that names its author names the denouncer): [{"petition": id,
    # "relation": "repeats" | "repeated_by", "score": s}]. Only `confidentiality` reads it; such
    # a link is never kept in `duplicate_of`.
    sealed_links_enc = models.TextField(editable=False, blank=True)
    eligible = models.BooleanField(_("đủ điều kiện xử lý"), null=True, blank=True)
    ineligibility = models.CharField(_("lý do không đủ điều kiện"), max_length=20, choices=Ineligibility.choices, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.RECEIVED)
    level = models.PositiveSmallIntegerField(_("lần giải quyết"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="later", verbose_name=_("đơn lần trước")
    )
    transferred_from = models.CharField(_("cơ quan chuyển đơn đến"), max_length=300, blank=True)
    complexity = models.CharField(_("mức độ phức tạp"), max_length=12, choices=Complexity.choices, default=Complexity.NORMAL)
    remote = models.BooleanField(_("vùng sâu, vùng xa, đi lại khó khăn"), default=False)
    multi_site = models.BooleanField(_("phải kiểm tra, xác minh ở nhiều địa điểm"), default=False)
    outside_competence = models.BooleanField(
        _("không thuộc thẩm quyền giải quyết"), default=False,
        help_text=_("Tố cáo không thuộc thẩm quyền phải chuyển trong 5 ngày làm việc kể từ ngày nhận (Luật Tố cáo, Điều 24)."),
    )
    decision_known_on = models.DateField(
        _("ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại"), null=True, blank=True,
        help_text=_("Khiếu nại lần đầu: thời hiệu 90 ngày tính từ ngày này (Luật Khiếu nại, Điều 9). Khiếu nại lần "
        "hai: ngày người khiếu nại nhận được quyết định giải quyết lần đầu (Điều 33)."),
    )
    late_excuse = models.CharField(
        _("lý do trở ngại khách quan (không tính vào thời hiệu)"), max_length=300, blank=True,
        help_text=_("Ốm đau, thiên tai, địch họa, đi công tác, học tập ở nơi xa... (Luật Khiếu nại, Điều 9)."),
    )
    file_limit_on = models.DateField(_("hạn thời hiệu khiếu nại"), null=True, blank=True, editable=False)
    routed_on = models.DateField(_("ngày xử lý đơn"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    transferred_to = models.CharField(_("chuyển đến cơ quan"), max_length=300, blank=True)
    extensions = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    suspended_on = models.DateField(_("ngày tạm đình chỉ"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(_("số ngày tạm đình chỉ"), default=0)
    concluded_on = models.DateField(_("ngày kết luận, quyết định"), null=True, blank=True)
    result = models.CharField(_("kết quả giải quyết"), max_length=16, choices=Result.choices, blank=True)
    conclusion = models.TextField(_("nội dung kết luận, quyết định"), blank=True)
    decision_number = models.CharField(_("số quyết định, kết luận"), max_length=60, blank=True)
    decision_sent_on = models.DateField(_("ngày gửi quyết định"), null=True, blank=True)
    notified_on = models.DateField(_("ngày thông báo thụ lý tố cáo"), null=True, blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    due_on = models.DateField(_("hạn gần nhất"), null=True, blank=True, db_index=True)
    due_rule = models.CharField(_("quy tắc của hạn gần nhất"), max_length=60, blank=True)
    resolve_due_on = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    # The earlier petition this one repeats, when neither is confidential; a link that touches a
    # confidential petition lives encrypted in that petition's `sealed_links_enc` instead.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats", verbose_name=_("trùng với đơn")
    )
    duplicate_score = models.FloatField(null=True, blank=True, editable=False)
    is_over_level = models.BooleanField(_("vượt cấp"), default=False)
    is_prolonged = models.BooleanField(_("kéo dài"), default=False)
    flag_notes = models.CharField(_("căn cứ đánh dấu"), max_length=500, blank=True)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PetitionHandler", through_fields=("petition", "user"),
        related_name="handled_petitions", blank=True,
    )
    task = models.ForeignKey(
        "directives.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="petitions",
        verbose_name=_("nhiệm vụ giao từ đơn"),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PetitionQuerySet.as_manager()

    # Fields audit snapshots may contain (never `identity_enc`).
    AUDIT_FIELDS = [
        "state", "kind", "field", "subject", "unit", "receiving_unit", "handling_org", "channel", "received_on",
        "eligible", "ineligibility", "level", "complexity", "remote", "multi_site", "routed_on", "accepted_on",
        "transferred_to", "extensions", "suspended_on", "suspended_days", "concluded_on", "result",
        "decision_number", "decision_sent_on", "closed_on", "due_on", "due_rule", "resolve_due_on",
        "confidential", "confidential_reason", "is_over_level", "is_prolonged", "task", "outside_competence",
        "decision_known_on", "late_excuse", "file_limit_on", "notified_on", "no_contact",
    ]

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["receiving_unit", "year", "seq"], name="petition_register_number"),
        ]
        indexes = [
            # The register's order: a page of the list reads the petitions newest first and stops
            # at the page's end, instead of sorting every petition the user may see.
            models.Index(fields=["received_on", "id"], name="petition_register_order"),
            # Open petitions by deadline, with the unit to count them by (the IOC's overdue
            # and due-soon figures read the index alone).
            models.Index(fields=["state", "due_on", "unit"], name="petition_state_due_unit"),
            # The IOC's alerts: the petitions most recently past their resolution deadline, and
            # those not yet accepted nor routed past their routing deadline, read backwards from today.
            models.Index(fields=["resolve_due_on"], name="petition_resolve_due"),
            models.Index(fields=["accepted_on", "routed_on", "due_on"], name="petition_unrouted_due"),
            models.Index(fields=["unit", "received_on"]),
            models.Index(fields=["receiving_unit", "received_on"]),
            # The year's register counted by unit and month without reading the petitions (the
            # IOC): the columns that say accepted, resolved and open.
            models.Index(
                fields=["year", "unit", "received_on", "state", "accepted_on", "concluded_on"], name="petition_year_cover"
            ),
        ]
        verbose_name = _("đơn")
        verbose_name_plural = _("đơn")

    def __str__(self) -> str:
        return _("Đơn số %(number)s: %(subject)s") % {"number": self.number, "subject": self.subject}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("petitions:petition_detail", args=[self.pk])

    @property
    def number(self) -> str:
        """Register number (số vào sổ): sequence within the receiving unit's year."""
        return f"{self.seq}/{self.year}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_group(self) -> bool:
        """A "many people" petition: at least as many signers as rule `petition.group_signers`
        says on its receipt date (five, Circular 05/2021/TT-TTCP)."""
        least, _ = legal_rules.value("petition.group_signers", self.received_on, unit=DayKind.PERSONS)
        return self.signer_count >= least

    def refresh_search_text(self, identity: dict[str, Any] | None = None) -> None:
        """The folded search text. The petitioner's name goes in only when the petition is not
        confidential, so searching a denouncer's name finds nothing for anyone."""
        parts = [self.number, self.receipt_code, self.subject, self.content, self.respondent, self.place]
        if identity and not self.confidential:
            parts += [identity.get("name", ""), identity.get("address", "")]
        self.search_text = fold(" ".join(p for p in parts if p))

    def withheld_from_notifications(self) -> list[str]:
        """The petitioner's identity, which no notification about this petition may carry
        (notifications.services.notify)."""
        from dieuhanh.petitions.confidentiality import withheld_words

        return withheld_words(self)

    @property
    def time_barred(self) -> bool:
        """Received after the filing limit with no objective obstacle recorded (`time_barred_q`)."""
        return (self.kind == Kind.COMPLAINT and self.file_limit_on is not None
                and self.file_limit_on < self.received_on and not self.late_excuse)

    @property
    def prolonged(self) -> bool:
        """Running past its legal deadline today (the rule of `prolonged_q`)."""
        from django.utils import timezone

        from dieuhanh.petitions.detection import is_prolonged

        return is_prolonged(self, timezone.localdate())

    def timing(self, today: dt.date | None = None) -> str:
        from django.utils import timezone

        from dieuhanh.core import calendar

        today = today or timezone.localdate()
        if self.state in OPEN_STATES:
            if self.due_on is None:
                return "on_track"
            if self.due_on < today:
                return "overdue"
            return "due_soon" if self.due_on <= calendar.due_soon_until(today) else "on_track"
        if self.concluded_on and self.resolve_due_on:
            return "on_time" if self.concluded_on <= self.resolve_due_on else "late"
        return "none"


class PetitionHandler(models.Model):
    """Who is assigned to handle a petition. For a denunciation, only these users see the
    denouncer's identity."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="petition_handler_once")]

    def __str__(self) -> str:
        return f"{self.user} — {self.petition_id}"


class PetitionStep(models.Model):
    """One step of a petition's history, with the deadline it set and its legal basis."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20, choices=Action.choices)
    on = models.DateField(_("ngày"))
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    from_state = models.CharField(max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=State.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    due_on = models.DateField(_("hạn mới"), null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("bước xử lý đơn")
        verbose_name_plural = _("bước xử lý đơn")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.on:%d/%m/%Y}"


class Attachment(models.Model):
    """A file sent with a petition. Its name and bytes are encrypted at rest; for a confidential
    petition they are served only to its handlers (a scan of a signed denunciation shows the
    denouncer's handwriting). What a file may be is `uploads`'."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    name_enc = models.TextField(editable=False)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data_enc = models.BinaryField(editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return _("Tệp #%(number)s (%(size)s byte)") % {"number": self.pk, "size": self.size}
