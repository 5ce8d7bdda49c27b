"""The working-day calendar page: the year's days off and worked Saturdays, a deadline
calculator for every officer, and — for administrators — adding or withdrawing an announced
day with the document that announced it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import holidays
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from dieuhanh.core import access, calendar
from dieuhanh.core.choices import CalendarExceptionKind
from dieuhanh.core.http import AnyUser, signed_in_user
from dieuhanh.core.models import CalendarException
from dieuhanh.lib.params import int_or_none, parse_int

# The calculator counts legal periods (days to a few months); ten years is far beyond any of them,
# and keeps the result a date Python can hold and the arrays of working days small.
MAX_CALCULATOR_DAYS = 3650
CALCULATOR_YEARS = (1900, 2100)


def _is_admin(user: AnyUser) -> bool:
    return access.holds(user, "core", "calendar")


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = min(max(int_or_none(request.GET.get("year"), max_value=9999) or today.year, 2000), 2100)
    cal = calendar.current()
    package: dict[dt.date, list[calendar.PackageDay]] = {}
    for p in calendar.package_days(year):
        if p.date.year == year:
            package.setdefault(p.date, []).append(p)
    announced = {row.date: row for row in CalendarException.objects.filter(date__year=year)}
    # The holidays' names in the reader's language: the `holidays` package has them in English.
    english = holidays.country_holidays("VN", years=year, language="en_US") if get_language() == "en" else {}
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() >= 5
        working = cal.is_working_day(day)
        row = announced.get(day)
        from_package = package.get(day, [])
        if weekend == working or row is not None or from_package:
            recorded = [p for p in from_package if p.basis is not None]
            days.append(
                {
                    "date": day,
                    "working": working,
                    "weekend": weekend,
                    "name": (row.name if row and row.name else english.get(day)
                             or "; ".join(gettext(p.name) if p.working else p.name for p in from_package)),
                    "document": row.document_number if row else "",
                    "source": "announced" if row else ("statutory" if recorded else "unrecorded"),
                    "bases": [p.basis for p in recorded],
                    # A weekday off by the package alone: the administrator may announce it worked.
                    "overridable": row is None and not weekend and not working,
                }
            )
        day += dt.timedelta(days=1)
    schedules = calendar.schedules()
    schedule = schedules.get(year)
    override = _parse_date(request.GET.get("override"))

    result = None
    errors: dict[str, str] = {}
    start = _parse_date(request.GET.get("from"))
    if "from" in request.GET:
        try:
            count = parse_int(request.GET.get("days", ""), "days", gettext("Số ngày"), min_value=0, max_value=MAX_CALCULATOR_DAYS)
        except ValidationError:
            errors["days"] = gettext("Số ngày phải là số nguyên không âm, tối đa %(max_calculator_days)s (chữ số 0–9).") % {"max_calculator_days": MAX_CALCULATOR_DAYS}
            count = 0
        if start is None:
            errors["from"] = gettext("Ngày bắt đầu không hợp lệ.")
        elif not CALCULATOR_YEARS[0] <= start.year <= CALCULATOR_YEARS[1]:
            errors["from"] = gettext("Ngày bắt đầu phải trong các năm %(calculator_years)s–%(calculator_years2)s.") % {"calculator_years": CALCULATOR_YEARS[0], "calculator_years2": CALCULATOR_YEARS[1]}
        if not errors and start is not None:
            working = request.GET.get("working") == "1"
            result = {"start": start, "days": count, "working": working, "due": cal.add(start, count, working=working)}
    return render(
        request,
        "core/calendar.html",
        {
            "title": gettext("Lịch ngày làm việc"),
            "year": year,
            "days": days,
            "result": result,
            "errors": errors,
            "query": request.GET,
            "is_admin": _is_admin(request.user),
            "kinds": CalendarExceptionKind.choices,
            "announced_rows": CalendarException.objects.filter(date__year=year),
            "schedule": schedule if schedule and schedule.confirmed else None,
            "confirmed_years": sorted((s for s in schedules.values() if s.confirmed), key=lambda s: s.year),
            "override": override if override and override.year == year else None,
            "working_day_kind": CalendarExceptionKind.WORKING_DAY.value,
        },
    )


def _change(request: HttpRequest, what: str, action: Callable[[dt.date], object], done: str) -> HttpResponse:
    """Run one administrator's change of the calendar; errors become messages, never a 500."""
    if not _is_admin(request.user):
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống được %(what)s.") % {"what": what})
    day = _parse_date(request.POST.get("date"))
    try:
        if day is None:
            raise ValidationError({"date": [gettext("Ngày không hợp lệ.")]})
        action(day)
    except ValidationError as exc:
        for field_errors in exc.message_dict.values():
            for msg in field_errors:
                messages.error(request, msg)
    else:
        messages.success(request, done.format(day=f"{day:%d/%m/%Y}"))
    return redirect(f"/lich/?year={day.year if day else timezone.localdate().year}")


@login_required
@require_POST
def calendar_add(request: HttpRequest) -> HttpResponse:
    return _change(
        request,
        gettext("công bố ngày nghỉ, ngày làm bù"),
        lambda day: calendar.do_add_calendar_exception(
            date=day,
            kind=request.POST.get("kind", ""),
            document_number=request.POST.get("document_number", ""),
            name=request.POST.get("name", ""),
            actor=signed_in_user(request),
        ),
        gettext("Đã ghi ngày {day} vào lịch."),
    )


@login_required
@require_POST
def calendar_remove(request: HttpRequest) -> HttpResponse:
    return _change(
        request,
        gettext("sửa lịch"),
        lambda day: calendar.do_remove_calendar_exception(date=day, actor=signed_in_user(request)),
        gettext("Đã bỏ ngày {day} khỏi danh sách công bố."),
    )
