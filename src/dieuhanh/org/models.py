from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.lib.text import fold
from dieuhanh.org.choices import AssignmentKind, OrganisationKind, Role, SuccessionKind, UnitKind, UnitLevel

if TYPE_CHECKING:
    from dieuhanh.core.generations import Kept


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def valid_on(self, day: dt.date) -> AdminUnitQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def current(self) -> AdminUnitQuerySet:
        return self.filter(valid_to__isnull=True)


class AdminUnit(models.Model):
    """An administrative unit during a period of validity.

    Codes follow Decision 19/2025/QĐ-TTg (province 2 digits, commune 5 digits) and the earlier
    Decision 124/2004/QĐ-TTg. A code can be reused after a reform (phường Sao Đỏ 10549 until
    30/6/2025, phường Chu Văn An 10549 from 1/7/2025), so (code, valid_from) identifies a unit.
    """

    code = models.CharField(gettext_lazy("mã đơn vị"), max_length=16, db_index=True)
    name = models.CharField(gettext_lazy("tên"), max_length=200)
    short_name = models.CharField(gettext_lazy("tên ngắn"), max_length=150, blank=True)
    level = models.CharField(gettext_lazy("cấp"), max_length=16, choices=UnitLevel.choices)
    kind = models.CharField(gettext_lazy("loại"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    valid_from = models.DateField(gettext_lazy("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(gettext_lazy("hết hiệu lực"), null=True, blank=True, help_text=gettext_lazy("Ngày cuối cùng còn hiệu lực"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="adminunit_code_period")]
        verbose_name = gettext_lazy("đơn vị hành chính")
        verbose_name_plural = gettext_lazy("đơn vị hành chính")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_text = fold(f"{self.name} {self.code}")
        super().save(*args, **kwargs)

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def full_name(self) -> str:
        names = [self.name]
        unit = self.parent
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return ", ".join(names)


class UnitSuccession(models.Model):
    """`predecessor` was merged, split, renamed or partly transferred into `successor` on `date`.

    `share` is the fraction of the predecessor that went to this successor (1.0 for a merge or
    rename), used when a figure recorded under the predecessor rolls up under its successors."""

    predecessor = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessions")
    date = models.DateField(gettext_lazy("ngày hiệu lực"))
    kind = models.CharField(gettext_lazy("hình thức"), max_length=16, choices=SuccessionKind.choices)
    share = models.FloatField(gettext_lazy("tỷ lệ"), default=1.0)
    document = models.CharField(gettext_lazy("căn cứ"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unitsuccession_pair"),
        ]
        verbose_name = gettext_lazy("kế thừa đơn vị hành chính")
        verbose_name_plural = gettext_lazy("kế thừa đơn vị hành chính")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()} {self.date:%d/%m/%Y})"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def valid_on(self, day: dt.date) -> OrganisationQuerySet:
        """The bodies that existed on `day`: a reform ends a body and starts its heir, often under
        the same name (the residential area's board moved to the new ward), so a choice of bodies
        for today offers today's, each once."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Organisation(models.Model):
    """A party committee or cell, People's Council or Committee, department, mass organisation…
    belonging to an administrative unit."""

    name = models.CharField(gettext_lazy("tên"), max_length=300)
    short_name = models.CharField(gettext_lazy("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(gettext_lazy("loại"), max_length=32, choices=OrganisationKind.choices)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = gettext_lazy("cơ quan, tổ chức")
        verbose_name_plural = gettext_lazy("cơ quan, tổ chức")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_text = fold(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)


class Position(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(gettext_lazy("chức vụ"), max_length=200)
    is_head = models.BooleanField(gettext_lazy("người đứng đầu"), default=False)
    is_leadership = models.BooleanField(gettext_lazy("thuộc lãnh đạo"), default=False)

    class Meta:
        ordering = ["organisation", "-is_head", "title"]
        verbose_name = gettext_lazy("chức vụ")
        verbose_name_plural = gettext_lazy("chức vụ")

    def __str__(self) -> str:
        return f"{self.title}, {self.organisation}"


class Person(models.Model):
    full_name = models.CharField(gettext_lazy("họ và tên"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(gettext_lazy("năm sinh"), null=True, blank=True)
    phone = models.CharField(gettext_lazy("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(blank=True)
    home_unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=gettext_lazy("quê quán")
    )
    search_text = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = gettext_lazy("cán bộ")
        verbose_name_plural = gettext_lazy("cán bộ")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_text = fold(self.full_name)
        super().save(*args, **kwargs)

    def positions_on(self, day: dt.date) -> models.QuerySet[Assignment]:
        return self.assignments.active_on(day).select_related("position__organisation")


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active_on(self, day: dt.date) -> AssignmentQuerySet:
        return self.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


class Assignment(models.Model):
    """A person holding a position for a period: appointment, election, concurrent post
    (*kiêm nhiệm*), rotation (*luân chuyển*)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(gettext_lazy("hình thức"), max_length=16, choices=AssignmentKind.choices)
    start_date = models.DateField(gettext_lazy("từ ngày"))
    end_date = models.DateField(gettext_lazy("đến ngày"), null=True, blank=True)
    document = models.CharField(gettext_lazy("quyết định"), max_length=200, blank=True)
    rotated_from = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=gettext_lazy("luân chuyển từ")
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_dates_ordered",
            )
        ]
        verbose_name = gettext_lazy("phân công chức vụ")
        verbose_name_plural = gettext_lazy("phân công chức vụ")

    def __str__(self) -> str:
        return f"{self.person} — {self.position} ({self.get_kind_display()})"


class User(AbstractUser):
    """A login. Officials are linked to their `person` record; roles come from `grants`."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user", verbose_name=gettext_lazy("cán bộ")
    )

    class Meta:
        verbose_name = gettext_lazy("người dùng")
        verbose_name_plural = gettext_lazy("người dùng")

    @property
    def display_name(self) -> str:
        """The person's full name, else the account's name. The header shows it on every page:
        a person's name is kept by the process while the people's stamp stands
        (core.generations), not read on each page."""
        if self.person_id is None:
            return self.get_full_name() or self.username
        if "person" in self._state.fields_cache:  # read with the user (select_related) or already used
            return self.person.full_name if self.person else (self.get_full_name() or self.username)
        return _person_name(self.person_id) or self.get_full_name() or self.username


def _person_name(person_id: int) -> str:
    """A person's full name, kept by the process while the people's stamp stands."""
    from dieuhanh.core import generations

    global _names_kept
    if _names_kept is None:
        _names_kept = generations.Kept("people")
    return _names_kept.get(
        person_id, lambda: Person.objects.filter(pk=person_id).values_list("full_name", flat=True).first() or ""
    )


_names_kept: Kept[str] | None = None  # made at first use: core sits above org


class RoleGrant(models.Model):
    """A role held by a user over an administrative unit (and everything below it, including
    the units it succeeded). An administrator's grant may have no unit: the whole system."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(gettext_lazy("vai trò"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("phân quyền")
        verbose_name_plural = gettext_lazy("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit or gettext('toàn hệ thống')}"
