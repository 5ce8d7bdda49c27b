"""State changes of the indicators app: define an indicator, set or adjust a target (a new
version when the value changes, with the deciding document), enter an actual. Each runs in one
transaction and writes its audit event; views, the API, the importer and the demo call them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core import access, audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.core.http import AnyUser
from dieuhanh.indicators import derived
from dieuhanh.indicators.choices import Aggregation, Direction, Group, Kind, PeriodKind
from dieuhanh.indicators.models import Actual, Indicator, Target
from dieuhanh.org.models import AdminUnit, User

FIRST_YEAR = 2000
MAX_VALUE = Decimal("1e15")


def may_edit(user: AnyUser | None, unit_id: int | None = None) -> bool:
    """Whether `user` may enter figures and set targets (`permissions.PERMISSIONS["edit"]`),
    over `unit_id` when given."""
    if unit_id is None:
        return access.holds(user, "indicators", "edit")
    return access.may(user, "indicators", "edit", unit_id)


def parse_value(raw: Any, field: str, label: str) -> Decimal:
    """A number as typed or read from a sheet: 13416.446, "13416,446" or "13.416,446"."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        text = str(raw or "").strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            raise ValidationError({field: [gettext("Chưa nhập %(label)s.") % {"label": label}]})
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".")
        elif "," in text:
            text = text.replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError({field: [gettext("%(capitalize)s phải là một số (nhận được “%(raw)s”).") % {"capitalize": label.capitalize(), "raw": raw}]}) from None
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise ValidationError({field: [gettext("%(capitalize)s không hợp lệ.") % {"capitalize": label.capitalize()}]})
    return value


def _check_year(year: Any, field: str, label: str) -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ValidationError({field: [gettext("%(capitalize)s phải là một năm (ví dụ 2021).") % {"capitalize": label.capitalize()}]}) from None
    last = timezone.localdate().year + 10
    if not FIRST_YEAR <= y <= last:
        raise ValidationError({field: [gettext("%(capitalize)s phải trong khoảng %(first_year)s–%(last)s.") % {"capitalize": label.capitalize(), "first_year": FIRST_YEAR, "last": last}]})
    return y


@transaction.atomic
def do_save_indicator(
    *,
    actor: User,
    code: str,
    name: str,
    measure: str,
    direction: str = Direction.HIGHER,
    aggregation: str = Aggregation.SUM,
    weight_code: str = "",
    kind: str = Kind.ENTERED,
    derived_source: str = "",
    group: str = Group.SOCIO_ECONOMIC,
    order: int = 0,
    active: bool = True,
    description: str = "",
) -> Indicator:
    """Create the indicator `code`, or update its definition."""
    if not may_edit(actor):
        raise PermissionDenied(gettext("Bạn không có quyền khai báo chỉ tiêu."))
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().upper()
    if not code:
        errors["code"] = [gettext("Chưa nhập mã chỉ tiêu.")]
    if not (name or "").strip():
        errors["name"] = [gettext("Chưa nhập tên chỉ tiêu.")]
    if not (measure or "").strip():
        errors["measure"] = [gettext("Chưa nhập đơn vị tính.")]
    if direction not in Direction.values:
        errors["direction"] = [gettext("Chiều đánh giá không hợp lệ.")]
    if aggregation not in Aggregation.values:
        errors["aggregation"] = [gettext("Cách tổng hợp không hợp lệ.")]
    elif aggregation == Aggregation.WEIGHTED:
        if not weight_code:
            errors["weight_code"] = [gettext("Bình quân gia quyền cần mã chỉ tiêu làm quyền số.")]
        elif weight_code.upper() == code:
            errors["weight_code"] = [gettext("Chỉ tiêu quyền số phải khác chỉ tiêu đang khai báo.")]
        elif not Indicator.objects.filter(code=weight_code.upper()).exists():
            errors["weight_code"] = [gettext("Không có chỉ tiêu quyền số mã “%(weight_code)s”.") % {"weight_code": weight_code}]
    if kind == Kind.DERIVED:
        if derived_source not in derived.sources():
            errors["derived_source"] = [gettext("Chỉ tiêu tính tự động phải chọn nguồn tính.")]
    elif kind == Kind.ENTERED:
        derived_source = ""
    else:
        errors["kind"] = [gettext("Loại chỉ tiêu không hợp lệ.")]
    if group not in Group.values:
        errors["group"] = [gettext("Nhóm chỉ tiêu không hợp lệ.")]
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": name.strip(), "measure": measure.strip(), "direction": direction, "aggregation": aggregation,
        "weight_code": (weight_code or "").upper() if aggregation == Aggregation.WEIGHTED else "", "kind": kind,
        "derived_source": derived_source, "group": group, "order": order, "active": active,
        "description": description,
    }
    existing = Indicator.objects.select_for_update().filter(code=code).first()
    if existing is None:
        ind = Indicator.objects.create(code=code, **fields)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=ind, after=audit.snapshot(ind))
        return ind
    before = audit.snapshot(existing)
    for k, v in fields.items():
        setattr(existing, k, v)
    existing.save()
    after = audit.snapshot(existing)
    if after != before:
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=existing, before=before, after=after)
    return existing


def _period(period_kind: str, year_from: Any, year_to: Any) -> tuple[int, int]:
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": [gettext("Kỳ chỉ tiêu phải là năm hoặc nhiệm kỳ.")]})
    y1 = _check_year(year_from, "year_from", gettext("năm") if period_kind == PeriodKind.YEAR else gettext("năm đầu nhiệm kỳ"))
    if period_kind == PeriodKind.YEAR:
        if year_to not in (None, "") and int(year_to) != y1:
            raise ValidationError({"year_to": [gettext("Chỉ tiêu năm có năm đầu và năm cuối trùng nhau.")]})
        return y1, y1
    y2 = _check_year(year_to, "year_to", gettext("năm cuối nhiệm kỳ"))
    if y2 <= y1:
        raise ValidationError({"year_to": [gettext("Năm cuối nhiệm kỳ phải sau năm đầu nhiệm kỳ.")]})
    return y1, y2


@transaction.atomic
def do_set_target(
    *,
    actor: User,
    indicator: Indicator,
    unit: AdminUnit,
    value: Any,
    year_from: Any,
    year_to: Any = None,
    period_kind: str = PeriodKind.YEAR,
    deciding_document: str = "",
    decided_on: dt.date | None = None,
    note: str = "",
) -> Target:
    """Set the target of `indicator` for `unit` over a year or a term. The first target is
    version 1; a later call with a different value adjusts it: version n+1 becomes current and
    the earlier versions stay as decided. An adjustment must name its deciding document. The same
    value again changes nothing (the document and note of the current version are kept)."""
    access.require(actor, "indicators", "edit", unit.pk, gettext("giao chỉ tiêu cho đơn vị này"))
    y1, y2 = _period(period_kind, year_from, year_to)
    amount = parse_value(value, "value", gettext("giá trị chỉ tiêu"))
    deciding_document = (deciding_document or "").strip()
    if decided_on is not None and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": [gettext("Ngày quyết định không được sau ngày hôm nay.")]})
    key = {"indicator": indicator, "unit": unit, "period_kind": period_kind, "year_from": y1, "year_to": y2}
    current = Target.objects.select_for_update().filter(is_current=True, **key).first()
    if current is not None and current.value == amount:
        return current
    if current is not None and not deciding_document:
        raise ValidationError(
            {"deciding_document": [gettext("Điều chỉnh chỉ tiêu phải ghi văn bản quyết định điều chỉnh.")]}
        )
    version = 1
    before = None
    if current is not None:
        before = audit.snapshot(current)
        version = current.version + 1
        current.is_current = False
        current.save(update_fields=["is_current"])
    target = Target.objects.create(
        value=amount, version=version, is_current=True, deciding_document=deciding_document, decided_on=decided_on,
        note=note or "", created_by=actor if getattr(actor, "is_authenticated", False) else None, **key,
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE if current is None else AuditAction.ADJUST, obj=target,
        before=before, after=audit.snapshot(target),
    )
    return target


@transaction.atomic
def do_enter_actual(
    *,
    actor: User,
    indicator: Indicator,
    unit: AdminUnit,
    year: Any,
    value: Any,
    source: str = "",
    growth_percent: Any = None,
    note: str = "",
) -> Actual:
    """Enter (or correct) the actual value of `indicator` for `unit` in `year`. Derived
    indicators are counted by the system and refuse typed values."""
    access.require(actor, "indicators", "edit", unit.pk, gettext("nhập số liệu cho đơn vị này"))
    if indicator.kind == Kind.DERIVED:
        raise ValidationError(
            {"indicator": [gettext("Chỉ tiêu “%(name)s” được tính tự động từ dữ liệu hệ thống, không nhập tay.") % {"name": indicator.name}]}
        )
    y = _check_year(year, "year", gettext("năm"))
    if y > timezone.localdate().year:
        raise ValidationError({"year": [gettext("Không nhập số liệu thực hiện cho năm chưa đến.")]})
    amount = parse_value(value, "value", gettext("giá trị thực hiện"))
    growth = None
    if growth_percent not in (None, ""):
        growth = parse_value(growth_percent, "growth_percent", gettext("tỷ lệ tăng so với năm trước"))
    fields = {
        "value": amount, "growth_percent": growth, "source": (source or "").strip()[:300], "note": note or "",
        "entered_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    existing = Actual.objects.select_for_update().filter(indicator=indicator, unit=unit, year=y).first()
    if existing is None:
        actual = Actual.objects.create(indicator=indicator, unit=unit, year=y, **fields)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=actual, after=audit.snapshot(actual))
        return actual
    before = audit.snapshot(existing)
    if existing.value == amount and existing.growth_percent == growth and existing.source == fields["source"]:
        return existing
    for k, v in fields.items():
        setattr(existing, k, v)
    existing.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=existing, before=before, after=audit.snapshot(existing))
    return existing


def unit_for(code: str, year: int) -> AdminUnit | None:
    """The unit with `code` that existed in `year` (codes were reused across the 2025 reform:
    the year's last day decides, then its first)."""
    units = list(AdminUnit.objects.filter(code=str(code).strip()))
    for day in (dt.date(year, 12, 31), dt.date(year, 1, 1)):
        found = [u for u in units if u.is_valid_on(day)]
        if found:
            return found[0]
    return units[0] if len(units) == 1 else None
