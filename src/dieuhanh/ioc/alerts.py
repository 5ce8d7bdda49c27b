"""The IOC's alerts feed: work and cases that have just crossed a deadline, newest first.

An alert is not stored: it is read from the state of the tasks and cases each time (a task is
overdue from the day after its due date, `Task.with_status`; a dossier is late from the day
after its appointment date, `late_now_q`; a petition runs past its legal deadline,
`prolonged_q`), so the feed can never disagree with the lists it links to and needs no sweep.
A target falls behind its pace when the year's figure so far is below the target's share of
the days gone (only for targets that add up over the year).

    alerts(user, *, since=None, today=None, limit=50) -> list[Alert]

Each kind is one query, limited to `limit` rows, whatever the number of cases; everything is
scoped by `visible_to(user)`. The overview includes `/ioc/canh-bao/` with htmx every 30 s;
`?since=<iso datetime>` marks the alerts that appeared after that moment.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, DateField, F, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from dieuhanh.directives.models import Task
from dieuhanh.dossiers.models import Dossier, late_now_q
from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions.models import Petition, prolonged_q

ONE_DAY = dt.timedelta(days=1)
SERIOUS_AFTER_DAYS = 30  # a month past its deadline: shown as serious


class Kind:
    TASK = "task"
    PETITION = "petition"
    DOSSIER = "dossier"
    TARGET = "target"


KIND_LABELS = {
    Kind.TASK: "Nhiệm vụ quá hạn",
    Kind.PETITION: "Đơn quá hạn giải quyết",
    Kind.DOSSIER: "Hồ sơ trễ hạn",
    Kind.TARGET: "Chỉ tiêu chậm tiến độ",
}


@dataclass
class Alert:
    kind: str
    severity: str  # "serious" | "warning"
    when: dt.datetime  # the moment the deadline was crossed (start of that day, local time)
    unit: str
    text: str
    url: str
    is_new: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _severity(crossed: dt.date, today: dt.date) -> str:
    return "serious" if (today - crossed).days >= SERIOUS_AFTER_DAYS else "warning"


def _days(n: int) -> str:
    return f"{n} ngày"


def _past_deadline(
    kind: str, deadline: dt.date, today: dt.date, unit: str, text: str, url: str, deadline_label: str = "hạn"
) -> Alert:
    """A case or task past `deadline`: crossed the day after it; the days late and the deadline
    are added to `text`."""
    crossed = deadline + ONE_DAY
    return Alert(
        kind=kind,
        severity=_severity(crossed, today),
        when=_start_of(crossed),
        unit=unit,
        text=f"{text} {_days((today - deadline).days)}, {deadline_label} {deadline:%d/%m/%Y}",
        url=url,
    )


def task_alerts(user: Any, today: dt.date, limit: int) -> list[Alert]:
    rows = (
        Task.objects.visible_to(user)
        # The rows `with_status(today)` marks OVERDUE, written so the due-date index serves them.
        .open()
        .filter(due_date__lt=today)
        .select_related("lead_unit", "lead_person")
        .order_by("-due_date", "-id")[:limit]
    )
    return [
        _past_deadline(
            Kind.TASK, task.due_date, today, task.lead_unit.name,
            f"Nhiệm vụ “{task.title}” ({task.lead_person.full_name} chủ trì) quá hạn",
            reverse("directives:task_detail", args=[task.pk]),
        )
        for task in rows
    ]


def petition_alerts(user: Any, today: dt.date, limit: int) -> list[Alert]:
    past_resolution = Q(resolve_due_on__isnull=False, concluded_on__isnull=True, resolve_due_on__lt=today)
    rows = (
        Petition.objects.visible_to(user)
        .filter(prolonged_q(today))
        .annotate(
            deadline=Case(
                When(past_resolution, then=F("resolve_due_on")), default=F("due_on"), output_field=DateField()
            )
        )
        .select_related("unit")
        .only("id", "year", "seq", "subject", "unit__name", "due_on", "resolve_due_on", "concluded_on")
        .order_by("-deadline", "-id")[:limit]
    )
    return [
        _past_deadline(
            Kind.PETITION, petition.deadline, today, petition.unit.name,  # type: ignore[attr-defined]  # annotated
            f"Đơn số {petition.number} “{petition.subject}” quá hạn",
            reverse("petitions:petition_detail", args=[petition.pk]),
        )
        for petition in rows
    ]


def dossier_alerts(user: Any, today: dt.date, limit: int) -> list[Alert]:
    rows = (
        Dossier.objects.visible_to(user)
        .filter(late_now_q(today))
        .select_related("unit", "procedure")
        .only("id", "code", "due_on", "unit__name", "procedure__name")
        .order_by("-due_on", "-id")[:limit]
    )
    return [
        _past_deadline(
            Kind.DOSSIER, dossier.due_on, today, dossier.unit.name,
            f"Hồ sơ {dossier.code} ({dossier.procedure.name}) trễ hẹn",
            reverse("dossier_detail", kwargs={"code": dossier.code}),
            deadline_label="hẹn trả",
        )
        for dossier in rows
    ]


def target_alerts(user: Any, today: dt.date, limit: int) -> list[Alert]:
    """Year targets that add up over the year (sums, higher is better) whose figure so far is
    below the target's pro-rata share of the days gone. The crossing day is the day the share
    passed the figure. Skipped when the indicators overview is not installed."""
    try:
        overview = importlib.import_module("dieuhanh.indicators.overview")
        compute = importlib.import_module("dieuhanh.indicators.compute")
        from dieuhanh.indicators.models import Indicator, Target
    except ImportError:
        return []
    # Entered year targets of the unit the overview shows (not the derived rates: no pace).
    year = today.year
    unit_id = overview.default_unit(user, year)
    if unit_id is None:
        return []
    targets = {
        t.indicator_id: float(t.value)
        for t in Target.objects.visible_to(user)
        .current()
        .filter(unit_id=unit_id, period_kind="year", year_from=year, year_to=year)
    }
    indicators = list(
        Indicator.objects.filter(
            pk__in=list(targets), active=True, kind="entered", aggregation="sum", direction="higher"
        )
    )
    if not indicators:
        return []
    table = compute.ActualTable(user, indicators, [year], unit_id=unit_id)
    unit_name = AdminUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
    tiles = [
        {
            "code": i.code,
            "name": i.name,
            "target": targets[i.id],
            "actual": table.value(i, unit_id, year),
            "url": overview.detail_url(i.code, year, unit_id),
        }
        for i in indicators
    ]
    tiles = [t for t in tiles if t["target"] and t["actual"] is not None]
    first = dt.date(today.year, 1, 1)
    year_days = (dt.date(today.year, 12, 31) - first).days + 1
    gone = (today - first).days + 1
    result = []
    for tile in tiles:
        target, actual = float(tile["target"]), float(tile["actual"])
        share = target * gone / year_days
        if actual >= share:
            continue
        # The share (target × day ÷ year_days) first exceeded the figure on this day of the year.
        crossed = first + dt.timedelta(days=max(0, math.floor(actual / target * year_days)))
        result.append(
            Alert(
                kind=Kind.TARGET,
                severity="serious" if actual < share * 0.8 else "warning",
                when=_start_of(min(crossed, today)),
                unit=unit_name,
                text=f"Chỉ tiêu “{tile['name']}” mới đạt {actual / target:.0%} kế hoạch năm "
                f"khi đã qua {gone / year_days:.0%} thời gian".replace(".", ","),
                url=tile["url"],
            )
        )
    return result[:limit]


def alerts(
    user: Any, *, since: dt.datetime | None = None, today: dt.date | None = None, limit: int = 50
) -> list[Alert]:
    """The `limit` most recent alerts `user` may see, newest first; those crossed after
    `since` are marked `is_new`."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found = [
        *task_alerts(user, today, limit),
        *petition_alerts(user, today, limit),
        *dossier_alerts(user, today, limit),
        *target_alerts(user, today, limit),
    ]
    found.sort(key=lambda a: (a.when, a.severity == "serious"), reverse=True)
    found = found[:limit]
    if since is not None:
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        for alert in found:
            alert.is_new = alert.when > since
    return found


def _parse_since(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace(" ", "+"))
        if moment is None:
            day = parse_date(value)
            moment = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:
        return None
    return moment


@login_required
def alerts_fragment(request: HttpRequest) -> HttpResponse:
    """The feed as an htmx fragment (also readable on its own)."""
    since = _parse_since(request.GET.get("since", ""))
    items = alerts(request.user, since=since)
    return render(
        request,
        "ioc/_alerts.html",
        {
            "alerts": items,
            "since": since,
            "now": timezone.localtime(),
            "new_count": sum(a.is_new for a in items),
        },
    )


urlpatterns: list[URLPattern] = [path("ioc/canh-bao/", alerts_fragment, name="ioc_alerts")]
