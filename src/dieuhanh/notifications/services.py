"""Sending a notification: `notify(recipients, rule=..., title=..., obj=...)`.

The one rule every sender relies on: a notification never carries what its recipient may not
see. When it is about an object, each recipient must see that object through its model's
`visible_to(user, action)` (the same check as the object's page); the others are dropped, not
told. Titles and bodies name a case by its code and subject, never a petitioner or a denouncer.

Delivery: in the app at once (the notification row); by e-mail to those who chose "immediate",
through a queued job after the transaction commits (`tasks.deliver_email`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from dieuhanh.notifications.models import Notification

if TYPE_CHECKING:
    from dieuhanh.org.models import AdminUnit, User


def object_ref(obj: models.Model | None) -> tuple[str, int | None]:
    if obj is None:
        return "", None
    return obj._meta.label_lower, int(obj.pk)


def may_see(users: Sequence[User], obj: models.Model | None, action: str = "view") -> list[User]:
    """Those of `users` who see `obj` (all of them when there is no object or its model is not
    scoped by unit)."""
    if obj is None:
        return list(users)
    manager: Any = type(obj)._default_manager
    if not hasattr(manager.all(), "visible_to"):
        return list(users)
    return [u for u in users if manager.all().visible_to(u, action).filter(pk=obj.pk).exists()]


def notify(
    recipients: Iterable[User],
    *,
    rule: str,
    title: str,
    body: str = "",
    url: str = "",
    obj: models.Model | None = None,
    unit: AdminUnit | None = None,
    key: str = "",
    action: str = "view",
) -> list[Notification]:
    """Notify each of `recipients` (once each; inactive users and those who may not see `obj`
    are left out). With a `key`, a recipient who already has a notification of that key gets
    none again. Returns the notifications created."""
    seen: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    allowed = may_see(list(seen.values()), obj, action)
    if not allowed:
        return []
    object_type, object_id = object_ref(obj)
    if key:
        have = set(Notification.objects.filter(key=key, recipient__in=allowed).values_list("recipient_id", flat=True))
        allowed = [u for u in allowed if u.pk not in have]
    rows = [
        Notification(
            recipient=u, rule=rule, title=title[:300], body=body, url=url[:500], object_type=object_type,
            object_id=object_id, unit=unit, key=key[:160],
        )
        for u in allowed
    ]
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if key:  # with ignore_conflicts the rows carry no primary key: read back what was added
        created = list(Notification.objects.filter(key=key, recipient__in=allowed))
    ids = [n.pk for n in created if n.pk]
    if ids:
        from dieuhanh.notifications import tasks

        transaction.on_commit(lambda: tasks.deliver_email.enqueue(ids))
    return created


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
