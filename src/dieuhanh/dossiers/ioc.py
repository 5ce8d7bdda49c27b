"""The one-stop dossiers' section of the IOC (`ioc.sections`): the year's dossiers received from
the tally, the share on time, those late now and due soon, each unit's figures on the map, the
monthly receipts and late results, and the dossiers past their appointment in the alerts feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core.http import AnyUser
from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.dossiers import tally
from dieuhanh.dossiers.choices import OPEN_STATUSES
from dieuhanh.dossiers.models import Dossier, late_now_q
from dieuhanh.dossiers.stats import ONLINE_BIT, OPEN_CLASSES
from dieuhanh.ioc.alerts import Alert, past_deadline
from dieuhanh.ioc.data import link, percent
from dieuhanh.ioc.sections import Figure, IocContext, Metric, Section, Table, Trend


def compute(user: AnyUser, ctx: IocContext) -> dict[str, Any]:
    """Dossiers received by the units in view: the year's figures by unit and month from the
    tally (dossiers/tally.py, a few thousand rows whatever the number of dossiers), the "now"
    figures (late now, due soon) from the open dossiers through their indexes."""
    period = ctx.period
    today = period.today
    units = ctx.units("dossiers")
    received = in_time = classed = online = 0
    monthly_received, monthly_late = [0] * 12, [0] * 12
    by_unit: dict[int, list[int]] = {}  # unit -> [received, in time, classed]
    # class & 3: 1 early, 2 on time, 3 late, 0 no result yet; & ONLINE_BIT: received online
    for uid, cls, n in tally.sums(period.first, period.last, units, by="unit_id", mask=3 | ONLINE_BIT):
        timeliness = cls & 3
        received += n
        figures = by_unit.setdefault(uid, [0, 0, 0])
        figures[0] += n
        if timeliness:
            classed += n
            figures[2] += n
            if timeliness < 3:
                in_time += n
                figures[1] += n
        if cls & ONLINE_BIT:
            online += n
    for month, timeliness, n in tally.sums(period.first, period.last, units, by="month", mask=3):
        monthly_received[month.month - 1] += n
        if timeliness == 3:
            monthly_late[month.month - 1] += n
    mine = Dossier.objects.all() if units is None else Dossier.objects.filter(unit_id__in=units)
    if not period.current:
        mine = mine.filter(received_on__gte=period.first, received_on__lte=period.last)
    soon = ctx.due_soon_until
    late_by_unit: dict[int, int] = {}
    due_soon = 0
    for uid, n_late, n_soon in (
        mine.filter(stats_class__in=OPEN_CLASSES, due_on__lte=soon)
        .order_by()
        .values_list("unit_id")
        .annotate(late=Count("id", filter=Q(due_on__lt=today)), soon=Count("id", filter=Q(due_on__gte=today)))
    ):
        due_soon += n_soon
        if n_late:
            late_by_unit[uid] = n_late
    for i, key in enumerate(("dossiers_received", "dossiers_in_time", "dossiers_classed")):
        ctx.add({uid: figures[i] for uid, figures in by_unit.items()}, key)
    ctx.add(late_by_unit, "dossiers_late_now")
    unit_param = ctx.link_unit
    dates = {"date_from": period.first.isoformat(), "date_to": period.last.isoformat()}
    now_dates = {} if period.current else dates
    result = {
        "received": received,
        "received_url": link("dossier_list", unit=unit_param, **dates),
        "on_time_percent": percent(in_time, classed),
        "online_percent": percent(online, received),
        "late_now": sum(late_by_unit.values()),
        "late_now_url": link("dossier_list", status="late_now", unit=unit_param, **now_dates),
        "due_soon": due_soon,
        "due_soon_url": link("dossier_list", status="due_soon", unit=unit_param, **now_dates),
        "in_time_url": link("dossier_list", timeliness="in_time", unit=unit_param, **dates),
        "stats_url": link("dossier_stats", unit=unit_param, **dates),
        "_monthly_received": monthly_received,
        "_monthly_late": monthly_late,
    }
    rate = result["on_time_percent"]
    result["figures"] = [
        Figure("dossiers-received", _("hồ sơ tiếp nhận"), received, str(result["received_url"])),
        Figure("dossiers-on-time", _("hồ sơ đúng hạn (%(in_time)s/%(classed)s có kết quả)") % {"in_time": group_digits(in_time), "classed": group_digits(classed)},
               rate, str(result["in_time_url"]), display="—" if rate is None else f"{group_digits(rate, 1)}%",
               count=in_time),
        Figure("dossiers-late", _("hồ sơ đang trễ hạn"), result["late_now"], str(result["late_now_url"]), "bad"),
        Figure("dossiers-due-soon", _("hồ sơ sắp đến hạn"), due_soon, str(result["due_soon_url"]), "warn"),
    ]
    return result


def alerts(user: AnyUser, today: dt.date, limit: int) -> list[Alert]:
    """The `limit` dossiers most recently past their appointment: one query per open status, each
    read backwards along the (status, due date) index and stopped at `limit` rows — one query
    over every open status would sort all the late ones first (tens of thousands in a province)."""
    visible = Dossier.objects.visible_to(user).filter(late_now_q(today))
    found = [
        dossier
        for status in OPEN_STATUSES
        for dossier in visible.filter(status=status)
        .select_related("unit", "procedure")
        .only("id", "code", "due_on", "unit__name", "procedure__name")
        .order_by("-due_on", "-id")[:limit]
    ]
    rows = sorted(found, key=lambda d: (d.due_on, d.pk), reverse=True)[:limit]
    return [
        past_deadline(
            "dossier", dossier.due_on, today, dossier.unit.name,
            _("Hồ sơ %(code)s (%(name)s) trễ hẹn") % {"code": dossier.code, "name": dossier.procedure.name},
            reverse("dossier_detail", kwargs={"code": dossier.code}),
            deadline_label=_("hẹn trả"),
        )
        for dossier in rows
    ]


def _table(result: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    rate = result["on_time_percent"]
    rows: list[list[Any]] = [
        [_("Hồ sơ tiếp nhận trong năm"), result["received"]],
        [_("Tỉ lệ hồ sơ đúng hạn (%)"), None if rate is None else round(rate, 1)],
        [_("Hồ sơ đang trễ hạn"), result["late_now"]],
        [_("Hồ sơ sắp đến hạn"), result["due_soon"]],
    ]
    return _("Hồ sơ một cửa"), [_("Chỉ số"), _("Giá trị")], rows


SECTION = Section(
    "dossiers", gettext_lazy("Hồ sơ một cửa"), 30, "dossiers", compute,
    metrics=(
        Metric("dossiers_received", gettext_lazy("Hồ sơ tiếp nhận"), lambda f: f.get("dossiers_received", 0), on_map=False),
        Metric("dossiers_late", gettext_lazy("Hồ sơ trễ hạn"), lambda f: f.get("dossiers_late_now", 0)),
        Metric("dossiers_on_time", gettext_lazy("Tỉ lệ hồ sơ đúng hạn (%)"),
               lambda f: percent(f.get("dossiers_in_time", 0), f.get("dossiers_classed", 0)),
               higher_is_better=True, percent=True),
    ),
    trends=(
        Trend("dossiers_received", gettext_lazy("Hồ sơ tiếp nhận"), "_monthly_received", "dossiers", gettext_lazy("Hồ sơ một cửa theo tháng"),
              gettext_lazy("hồ sơ")),
        Trend("dossiers_late", gettext_lazy("Hồ sơ trễ hạn"), "_monthly_late", "dossiers", gettext_lazy("Hồ sơ một cửa theo tháng"), gettext_lazy("hồ sơ")),
    ),
    tables=(Table("figures", "ho-so", "ho-so-mot-cua", _table),),
    alerts=alerts, alert_kinds={"dossier": gettext_lazy("Hồ sơ trễ hạn")},
    list_label=gettext_lazy("Hồ sơ một cửa"), list_url="dossier_list",
)
