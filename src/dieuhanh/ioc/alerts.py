"""The IOC's alerts feed: work and cases that have just crossed a deadline, newest first.

Each app's IOC section brings its alerts (`Section.alerts`, in its `ioc.py`): an alert is not
stored but read from the state of the tasks and cases each time (a task is overdue from the day
after its due date; a dossier is late from the day after its appointment date; a petition runs
past its legal deadline; a target falls behind the pace of the days gone), so the feed can never
disagree with the lists it links to and needs no sweep.

    alerts(user, *, since=None, today=None, limit=50) -> list[Alert]

Each kind is one query, limited to `limit` rows, whatever the number of cases; everything is
scoped by `visible_to(user)`. The overview includes `/ioc/canh-bao/` with htmx every 30 s;
`?since=<iso datetime>` marks the alerts that appeared after that moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from dieuhanh.core import replicas
from dieuhanh.core.http import AnyUser
from dieuhanh.ioc import sections

ONE_DAY = dt.timedelta(days=1)
SERIOUS_AFTER_DAYS = 30  # a month past its deadline: shown as serious


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
        """The label its section gives the kind (`Section.alert_kinds`)."""
        for section in sections.sections():
            if self.kind in section.alert_kinds:
                return str(section.alert_kinds[self.kind])
        return self.kind


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _severity(crossed: dt.date, today: dt.date) -> str:
    return "serious" if (today - crossed).days >= SERIOUS_AFTER_DAYS else "warning"


def _days(n: int) -> str:
    return gettext("%(n)s ngày") % {"n": n}


def past_deadline(
    kind: str, deadline: dt.date, today: dt.date, unit: str, text: str, url: str, deadline_label: str | None = None
) -> Alert:
    """A case or task past `deadline`: crossed the day after it; the days late and the deadline
    (called `deadline_label`, "hạn" by default) are added to `text`."""
    crossed = deadline + ONE_DAY
    label = deadline_label or gettext("hạn")
    return Alert(
        kind=kind,
        severity=_severity(crossed, today),
        when=start_of(crossed),
        unit=unit,
        text=f"{text} {_days((today - deadline).days)}, {label} {deadline:%d/%m/%Y}",
        url=url,
    )


def alerts(
    user: AnyUser, *, since: dt.datetime | None = None, today: dt.date | None = None, limit: int = 50
) -> list[Alert]:
    """The `limit` most recent alerts `user` may see, newest first; those crossed after
    `since` are marked `is_new`."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found = [a for section in sections.visible(user) if section.alerts for a in section.alerts(user, today, limit)]
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
@replicas.reads_statistics
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
