"""The daily digest: one e-mail a morning to each person who keeps it, saying what in their scope
needs them ("Trong phạm vi của đồng chí: 3 nhiệm vụ quá hạn, …") with a link to each list, and,
for those who chose to receive notifications in the digest, the notifications not yet sent.

The figures come from the apps: each app that has something to say keeps a `digest.py` with
`figures(user, day) -> list[Figure]`, found by name the way `permissions.py` is (core.registry),
so neither core nor this module names an app. Each app counts through its own scoped querysets
and its list's filter, so a figure is exactly the rows its link shows to that person, and a
person reads nothing of a unit outside their scope. The notifications listed are checked again
against the objects' `visible_to` at sending time: a scope lost since they were made hides them.

`send_all(day)` is the periodic job (`PeriodicJob("notifications.digest", …)`); a person who
already has the day's digest (`DigestSent`) is skipped, so a repeated or resumed run sends
nobody a second one."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core.filters import ListFilter
from dieuhanh.core.platform import platform_apps
from dieuhanh.core.registry import app_module
from dieuhanh.notifications import services
from dieuhanh.notifications.choices import EmailMode
from dieuhanh.notifications.models import DigestSent, Notification

if TYPE_CHECKING:
    from dieuhanh.org.models import User

MAX_LISTED = 50  # notifications written out in one digest; the rest are counted


@dataclass(frozen=True)
class Figure:
    """One figure of the digest: `count` rows, `words` saying what they are with the number in
    them ("3 nhiệm vụ quá hạn"), and `url`, the list (a path of the site) showing exactly those."""

    count: int
    words: str
    url: str


def list_url(url_name: str, flt: ListFilter) -> str:
    """The address of a list filtered by `flt` (a figure's link)."""
    params = flt.as_params()
    return reverse(url_name) + ("?" + urlencode(params) if params else "")


@dataclass
class Digest:
    user: Any
    day: dt.date
    figures: list[Figure]
    notifications: list[Notification]
    more: int  # notifications not written out (beyond MAX_LISTED)

    @property
    def empty(self) -> bool:
        return not any(f.count for f in self.figures) and not self.notifications


def figures_for(user: User, day: dt.date) -> list[Figure]:
    """Every app's figures for `user` on `day`, in the settings' app order."""
    out: list[Figure] = []
    for config in platform_apps():
        module = app_module(config.name, "digest")
        if module is not None and module.__name__ != __name__:
            out += module.figures(user, day)
    return out


def _still_visible(user: User, rows: list[Notification]) -> list[Notification]:
    """Those of `rows` whose object `user` still sees (one query per kind of object)."""
    by_type: dict[str, list[Notification]] = defaultdict(list)
    kept = []
    for n in rows:
        if n.object_type and n.object_id is not None:
            by_type[n.object_type].append(n)
        else:
            kept.append(n)
    for object_type, items in by_type.items():
        try:
            model: Any = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue  # a kind of object no longer installed: nothing to link to
        qs = model._default_manager.all()
        if hasattr(qs, "visible_to"):
            qs = qs.visible_to(user)
        seen = set(qs.filter(pk__in=[n.object_id for n in items]).values_list("pk", flat=True))
        kept += [n for n in items if n.object_id in seen]
    return sorted(kept, key=lambda n: (n.created_at, n.pk), reverse=True)


def build(user: User, day: dt.date) -> Digest | None:
    """The digest `user` gets on `day`, or None when they get none: no address, or neither the
    digest nor notifications by digest chosen."""
    if not user.is_active or not user.email:
        return None
    pref = services.preference(user)
    if not pref.daily_digest and pref.email_mode != EmailMode.DIGEST:
        return None
    figures = figures_for(user, day) if pref.daily_digest else []
    notes: list[Notification] = []
    if pref.email_mode == EmailMode.DIGEST:
        pending = list(services.shown(user).filter(read_at__isnull=True, emailed_at__isnull=True))
        notes = _still_visible(user, pending)
    return Digest(user, day, figures, notes[:MAX_LISTED], max(len(notes) - MAX_LISTED, 0))


def message(digest: Digest) -> EmailMessage:
    site = settings.DIEUHANH_SITE_URL.rstrip("/")
    body = render_to_string("notifications/digest_email.txt", {
        "digest": digest, "site": site, "figures": [f for f in digest.figures if f.count],
        "name": digest.user.display_name, "centre": reverse("notifications:notification_list"),
    })
    subject = gettext("Điều Hành: tổng hợp ngày %(day)s") % {"day": digest.day.strftime("%d/%m/%Y")}
    return EmailMessage(subject=subject, body=body, to=[digest.user.email])


def send_all(day: dt.date | None = None) -> int:
    """Send the day's digest to everyone who gets one and has not had it; returns how many were
    sent. Each person's digest is claimed (`DigestSent`, unique per person and day) before it is
    sent, so two runs at once never both send it; a send that fails gives the claim back. The
    SMTP connection is opened once, when the first message is ready."""
    from dieuhanh.org.models import User

    day = day or timezone.localdate()
    done = set(DigestSent.objects.filter(day=day).values_list("user_id", flat=True))
    users = User.objects.filter(is_active=True).exclude(email="").select_related("person").order_by("pk")
    connection = get_connection()
    opened = False
    sent = 0
    try:
        for user in users:
            if user.pk in done:
                continue
            digest = build(user, day)
            if digest is None or digest.empty:
                continue
            try:
                with transaction.atomic():
                    claim = DigestSent.objects.create(user=user, day=day)
            except IntegrityError:
                continue  # another run has it
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([message(digest)])
            except BaseException:
                claim.delete()
                raise
            ids = [n.pk for n in digest.notifications]
            with transaction.atomic():
                DigestSent.objects.filter(pk=claim.pk).update(sent_at=timezone.now(), notifications=len(ids))
                Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
            sent += 1
    finally:
        if opened:
            connection.close()
    return sent
