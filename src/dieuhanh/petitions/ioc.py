"""The petitions' section of the IOC (`ioc.sections`): the year's petitions received, accepted
and resolved, those overdue and due soon, the overdue count of each unit on the map, the
monthly receipts, and the petitions past their legal deadline in the alerts feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Count, ExpressionWrapper, F, IntegerField, Q
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core.http import AnyUser
from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.ioc.alerts import Alert, past_deadline
from dieuhanh.ioc.data import link, percent
from dieuhanh.ioc.sections import Figure, IocContext, Metric, Section, Table, Trend
from dieuhanh.petitions.choices import OPEN_STATES
from dieuhanh.petitions.models import Petition, prolonged_deadlines_q, prolonged_q


def compute(user: AnyUser, ctx: IocContext) -> dict[str, Any]:
    """Two grouped queries: the year's petitions by month (received, accepted, resolved, open),
    and the open ones by unit that are overdue or due within three working days."""
    period = ctx.period
    today = period.today
    # The petitions about the units in view (as the petition statistics count them), a part of
    # what `visible_to` lets the user read.
    units = ctx.units("petitions")
    visible = Petition.objects.all() if units is None else Petition.objects.filter(unit_id__in=units)
    of_year = visible.filter(year=period.year)
    open_now = Q(state__in=OPEN_STATES)
    # The month as the text of the date's characters 6–7: plain SQL on both databases, where
    # extracting it as a date part calls back into Python for every row on SQLite.
    monthly = (
        of_year.order_by()
        .annotate(m=Substr(Cast("received_on", CharField()), 6, 2))
        .values_list("m")
        .annotate(
            received=Count("id"),
            accepted=Count("id", filter=Q(accepted_on__isnull=False)),
            resolved=Count("id", filter=Q(concluded_on__isnull=False)),
            open=Count("id", filter=open_now),
        )
    )
    received_by_month = [0] * 12
    received = accepted = resolved = open_count = 0
    for m, n_received, n_accepted, n_resolved, n_open in monthly:
        received_by_month[int(m) - 1] += n_received
        received += n_received
        accepted += n_accepted
        resolved += n_resolved
        open_count += n_open
    soon = ctx.due_soon_until
    # Through the (state, due date) index over every unit, those out of view dropped here.
    timing = (
        (Petition.objects.all() if period.current else Petition.objects.filter(year=period.year))
        .filter(open_now, due_on__lte=soon)
        .order_by()
        .annotate(u=ExpressionWrapper(F("unit_id") + 0, output_field=IntegerField()))
        .values_list("u")
        .annotate(overdue=Count("id", filter=Q(due_on__lt=today)), due_soon=Count("id", filter=Q(due_on__gte=today)))
    )
    overdue = due_soon = 0
    counts: dict[int, int] = {}
    for uid, n_overdue, n_due_soon in timing:
        if units is not None and uid not in units:
            continue
        overdue += n_overdue
        due_soon += n_due_soon
        if n_overdue:
            counts[uid] = counts.get(uid, 0) + n_overdue
    ctx.add(counts, "petitions_overdue")
    year_param = None if period.current else period.year
    unit_param = ctx.link_unit
    result = {
        "received": received,
        "received_url": link("petitions:petition_list", year=period.year, unit=unit_param),
        "accepted": accepted,
        "resolved": resolved,
        "resolution_percent": percent(resolved, accepted),
        "resolved_url": link("petitions:petition_list", year=period.year, resolved="1", unit=unit_param),
        "open": open_count,
        "open_url": link("petitions:petition_list", year=period.year, state="open", unit=unit_param),
        "overdue": overdue,
        "overdue_url": link("petitions:petition_list", timing="overdue", year=year_param, unit=unit_param),
        "due_soon": due_soon,
        "due_soon_url": link("petitions:petition_list", timing="due_soon", year=year_param, unit=unit_param),
        "_monthly_received": received_by_month,
    }
    rate = result["resolution_percent"]
    result["figures"] = [
        Figure("petitions-received", _("đơn tiếp nhận năm %(year)s") % {"year": period.year}, received, str(result["received_url"])),
        Figure("petitions-resolved", _("giải quyết (%(resolved)s/%(accepted)s đơn thụ lý)") % {"resolved": resolved, "accepted": accepted}, rate,
               str(result["resolved_url"]), display="—" if rate is None else f"{group_digits(rate)}%", count=resolved),
        Figure("petitions-overdue", _("đơn quá hạn"), overdue, str(result["overdue_url"]), "bad"),
        Figure("petitions-due-soon", _("đơn sắp đến hạn"), due_soon, str(result["due_soon_url"]), "warn"),
    ]
    return result


def alerts(user: AnyUser, today: dt.date, limit: int) -> list[Alert]:
    """The `limit` petitions most recently past their legal deadline (`prolonged_q`): those past
    their resolution deadline, read backwards along its index, and those past their routing
    deadline, along the index of the petitions not yet accepted nor routed — each query stopped at
    `limit` rows, where one query ordering by either deadline would sort every prolonged petition
    first."""
    past_resolution, past_routing = prolonged_deadlines_q(today)
    visible = (
        Petition.objects.visible_to(user)
        .select_related("unit")
        .only("id", "year", "seq", "subject", "unit__name", "due_on", "resolve_due_on", "concluded_on")
    )
    found = list(
        visible.filter(prolonged_q(today), past_resolution).annotate(deadline=F("resolve_due_on"))
        .order_by("-resolve_due_on", "-id")[:limit]
    )
    found += (
        visible.filter(prolonged_q(today), past_routing).exclude(past_resolution).annotate(deadline=F("due_on"))
        .order_by("-due_on", "-id")[:limit]
    )
    rows = sorted(found, key=lambda p: (p.deadline, p.pk), reverse=True)[:limit]  # type: ignore[attr-defined]
    return [
        past_deadline(
            "petition", petition.deadline, today, petition.unit.name,  # type: ignore[attr-defined]  # annotated
            _("Đơn số %(number)s “%(subject)s” quá hạn") % {"number": petition.number, "subject": petition.subject},
            reverse("petitions:petition_detail", args=[petition.pk]),
        )
        for petition in rows
    ]


def _table(result: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    rate = result["resolution_percent"]
    rows: list[list[Any]] = [
        [_("Đơn tiếp nhận trong năm"), result["received"]],
        [_("Đơn đã giải quyết"), result["resolved"]],
        [_("Tỉ lệ giải quyết (%)"), None if rate is None else round(rate, 1)],
        [_("Đơn quá hạn"), result["overdue"]],
        [_("Đơn sắp đến hạn"), result["due_soon"]],
    ]
    return _("Đơn thư"), [_("Chỉ số"), _("Giá trị")], rows


SECTION = Section(
    "petitions", gettext_lazy("Đơn thư"), 20, "petitions", compute,
    metrics=(Metric("petitions_overdue", gettext_lazy("Đơn quá hạn"), lambda f: f.get("petitions_overdue", 0)),),
    trends=(Trend("petitions_received", gettext_lazy("Đơn tiếp nhận"), "_monthly_received", "petitions",
                  gettext_lazy("Đơn tiếp nhận theo tháng"), gettext_lazy("đơn"), bars=True),),
    tables=(Table("figures", "don-thu", "don-thu", _table),),
    alerts=alerts, alert_kinds={"petition": gettext_lazy("Đơn quá hạn giải quyết")},
    list_label=gettext_lazy("Đơn thư"), list_url="petitions:petition_list",
)
