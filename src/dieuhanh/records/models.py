"""The registers of the office (văn thư): documents sent (sổ văn bản đi) and received (sổ văn bản
đến), after Decree 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW.

An issued document is a row and a file that never change: its number comes from its series
(`Series`, records/numbering.py), its file is kept under its SHA-256 (records/storage.py) and no
service edits it. A mistake is put right by a new document that replaces it (`replaces`), which
the register shows on both. A received document keeps its arrival number, file and hash the same
way; its handling is given out as "5 rõ" tasks under the directives' document it becomes."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from dieuhanh.core.access import ScopedQuerySet, among
from dieuhanh.directives.choices import DocumentKind, DocumentSystem
from dieuhanh.lib.text import fold
from dieuhanh.org.models import AdminUnit, Organisation, Person
from dieuhanh.records.choices import Secrecy, Urgency


class CommitteeTerm(models.Model):
    """A party committee's term (nhiệm kỳ): its documents are numbered per kind within it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("cấp uỷ")
    )
    name = models.CharField(gettext_lazy("nhiệm kỳ"), max_length=20, help_text=gettext_lazy("Ví dụ 2025 - 2030"))
    starts_on = models.DateField(gettext_lazy("bắt đầu từ ngày"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "starts_on"], name="committee_term_start_unique"),
            models.UniqueConstraint(fields=["organisation", "name"], name="committee_term_name_unique"),
        ]
        verbose_name = gettext_lazy("nhiệm kỳ cấp uỷ")
        verbose_name_plural = gettext_lazy("nhiệm kỳ cấp uỷ")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name}"


class Series(models.Model):
    """One run of numbers (an issuer's kind in a year or a term; an office's arrivals in a year)
    and the last number it gave. A new number locks this row: two clerks never get the same one."""

    register = models.CharField(max_length=8)  # "out" or "in"
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, blank=True)
    period = models.CharField(max_length=20)  # "2026", or the term's name
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "organisation", "kind", "period"], name="records_series_unique")
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.organisation_id} {self.kind} {self.period}: {self.last}"


class StoredFile(models.Model):
    """What is kept of a file: its name as given, where it lies under DATA_DIR/records, its size
    and SHA-256, and the document's secrecy mark. Abstract: both registers have one per row."""

    secrecy = models.CharField(gettext_lazy("độ mật"), max_length=10, choices=Secrecy.choices, default="", blank=True)

    file_name = models.CharField(gettext_lazy("tệp"), max_length=200, blank=True, editable=False)
    file_path = models.CharField(max_length=300, blank=True, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    sha256 = models.CharField(gettext_lazy("mã băm SHA-256"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


def _readable(unit_ids: AbstractSet[int], user: Any) -> Q:
    """The rows of the units, those marked secret only where the user holds `secret`."""
    from dieuhanh.core import access

    secret_units = access.units(user, "records", "secret")
    if secret_units is access.ALL:
        return Q(unit_id__in=among(unit_ids))
    return Q(unit_id__in=among(unit_ids)) & (Q(secrecy="") | Q(unit_id__in=among(unit_ids & secret_units)))


class OutgoingQuerySet(ScopedQuerySet["OutgoingDocument"]):
    def in_units(self, unit_ids: AbstractSet[int], user: Any) -> Q:
        return _readable(unit_ids, user)


class OutgoingDocument(StoredFile):
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("cơ quan ban hành")
    )
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    system = models.CharField(gettext_lazy("hệ thống văn bản"), max_length=8, choices=DocumentSystem.choices)
    kind = models.CharField(gettext_lazy("loại văn bản"), max_length=4, choices=DocumentKind.choices)
    issuer_code = models.CharField(gettext_lazy("ký hiệu cơ quan ban hành"), max_length=40)
    period = models.CharField(gettext_lazy("năm hoặc nhiệm kỳ"), max_length=20, editable=False)
    number = models.PositiveIntegerField(gettext_lazy("số"), editable=False)
    symbol = models.CharField(gettext_lazy("số, ký hiệu"), max_length=60, editable=False)
    issued_on = models.DateField(gettext_lazy("ngày ban hành"))
    subject = models.CharField(gettext_lazy("trích yếu"), max_length=500)
    signer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("người ký")
    )
    recipients = models.TextField(gettext_lazy("nơi nhận"), blank=True)
    urgency = models.CharField(gettext_lazy("mức độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        verbose_name=gettext_lazy("thay thế văn bản"),
    )
    document = models.ForeignKey(
        "directives.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    search_text = models.CharField(max_length=700, editable=False)

    objects = OutgoingQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "kind", "period", "number"], name="outgoing_number_unique")
        ]
        verbose_name = gettext_lazy("văn bản đi")
        verbose_name_plural = gettext_lazy("văn bản đi")

    def __str__(self) -> str:
        return f"{self.notation} — {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.unit_id = self.issuer.unit_id
        self.search_text = fold(f"{self.symbol} {self.subject} {self.recipients}")[:700]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("records:outgoing_detail", args=[self.pk])

    @property
    def notation(self) -> str:
        return f"Số {self.symbol}" if self.system == DocumentSystem.PARTY else f"Số: {self.symbol}"


class IncomingQuerySet(ScopedQuerySet["IncomingDocument"]):
    def in_units(self, unit_ids: AbstractSet[int], user: Any) -> Q:
        return _readable(unit_ids, user)


class IncomingDocument(StoredFile):
    receiver = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("cơ quan nhận")
    )
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    arrival_number = models.PositiveIntegerField(gettext_lazy("số đến"), editable=False)
    received_on = models.DateField(gettext_lazy("ngày đến"))
    sender = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=gettext_lazy("cơ quan gửi (trong danh mục)"),
    )
    sender_name = models.CharField(gettext_lazy("cơ quan, tổ chức gửi"), max_length=300)
    system = models.CharField(gettext_lazy("hệ thống văn bản"), max_length=8, choices=DocumentSystem.choices)
    kind = models.CharField(gettext_lazy("loại văn bản"), max_length=4, choices=DocumentKind.choices)
    number = models.CharField(gettext_lazy("số"), max_length=20)
    issuer_code = models.CharField(gettext_lazy("ký hiệu cơ quan ban hành"), max_length=40)
    issued_on = models.DateField(gettext_lazy("ngày văn bản"))
    subject = models.CharField(gettext_lazy("trích yếu"), max_length=500)
    urgency = models.CharField(gettext_lazy("mức độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    handle_by = models.DateField(gettext_lazy("hạn xử lý"), null=True, blank=True)
    document = models.ForeignKey(
        "directives.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    search_text = models.CharField(max_length=900, editable=False)

    objects = IncomingQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-arrival_number"]
        constraints = [
            models.UniqueConstraint(fields=["receiver", "year", "arrival_number"], name="incoming_number_unique")
        ]
        verbose_name = gettext_lazy("văn bản đến")
        verbose_name_plural = gettext_lazy("văn bản đến")

    def __str__(self) -> str:
        return f"{self.arrival_number}/{self.year} — {self.symbol}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.unit_id = self.receiver.unit_id
        self.search_text = fold(f"{self.symbol} {self.sender_name} {self.subject}")[:900]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("records:incoming_detail", args=[self.pk])

    @property
    def symbol(self) -> str:
        from dieuhanh.directives.models import document_symbol

        return document_symbol(self.system, self.number, self.kind, self.issuer_code)
