"""Sending a notification: `notify(recipients, rule=..., title=..., obj=...)`.

The one rule every sender relies on: a notification never carries what its recipient may not
see. When it is about an object, each recipient must see that object through its model's
`visible_to(user, action)` (the same check as the object's page); the others are dropped, not
told. Titles and bodies name a case by its code and subject, never a petitioner or a denouncer;
an object whose model says what must be withheld (`withheld_from_notifications()`: a petition's
identity) has those words taken out of the title and body whatever the sender wrote.

Delivery: in the app at once (the notification row); by e-mail to those who chose "immediate",
through a queued job after the transaction commits (`tasks.deliver_email`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from dieuhanh.notifications.models import Notification, Preference

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


WITHHELD_MIN = 3  # shorter words of an identity (initials) are not searched for in a text


def withhold(text: str, words: Sequence[str]) -> str:
    """`text` with each of `words` (in any case) replaced by a mark."""
    import re

    from django.utils.translation import gettext

    for word in sorted({w.strip() for w in words if len(w.strip()) >= WITHHELD_MIN}, key=len, reverse=True):
        text = re.sub(re.escape(word), gettext("[đã ẩn]"), text, flags=re.IGNORECASE)
    return text


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
    # What the object says no notification may carry (a petitioner's identity) is taken out of
    # the words, whoever wrote them.
    withheld = getattr(obj, "withheld_from_notifications", None)
    if withheld is not None:
        words = withheld()
        title, body = withhold(title, words), withhold(body, words)
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


def inbox(user: User) -> models.QuerySet[Notification]:
    """The notifications of `user`, and no one else's: every read and every mark goes through
    it, so another person's notification is unknown (404), never refused (403)."""
    return Notification.objects.filter(recipient_id=user.pk)


def newest_unread_first(rows: models.QuerySet[Notification]) -> models.QuerySet[Notification]:
    """The order of the centre and the API: unread first, then newest first."""
    unread = models.ExpressionWrapper(models.Q(read_at__isnull=True), output_field=models.BooleanField())
    return rows.alias(unread=unread).order_by("-unread", "-created_at", "-id")


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark as read the unread notifications of `user` (those of `ids`, or all). A read mark is
    no change of any record: not audited (decision 0027). Returns how many were marked."""
    unread = inbox(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def preference(user: User) -> Preference:
    """The user's choice of channel (the defaults, unsaved, when they never chose)."""
    found = Preference.objects.filter(user_id=user.pk).first()
    return found if found is not None else Preference(user=user)


@transaction.atomic
def do_set_preferences(*, actor: User, email: str, email_mode: str, daily_digest: bool) -> Preference:
    """Save how `actor` is reached: the address of their login and the channel. Validated with
    messages that name the field; one audit event, in one transaction."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils.translation import gettext

    from dieuhanh.core import audit
    from dieuhanh.notifications.choices import Action, EmailMode

    errors: dict[str, list[str]] = {}
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [gettext("Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@phuong.gov.vn).")]
        if len(email) > 254:
            errors["email"] = [gettext("Địa chỉ thư điện tử dài quá 254 ký tự.")]
    if email_mode not in EmailMode.values:
        errors["email_mode"] = [gettext("Nhận thư điện tử: chọn một trong các cách đã nêu.")]
    elif not email and not errors and (email_mode != EmailMode.OFF or daily_digest):
        errors["email"] = [gettext(
            "Cần địa chỉ thư điện tử để nhận thư; nếu không muốn nhận thư, chọn «Không gửi thư» và bỏ thư tổng hợp."
        )]
    if errors:
        raise ValidationError(errors)
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.select_for_update().get(pk=actor.pk)
    pref = Preference.objects.select_for_update().filter(user=user).first() or Preference(user=user)
    before = {"email": user.email, "email_mode": pref.email_mode, "daily_digest": pref.daily_digest}
    user.email = email
    user.save(update_fields=["email"])
    pref.email_mode, pref.daily_digest = email_mode, daily_digest
    pref.save()
    after = {"email": email, "email_mode": email_mode, "daily_digest": daily_digest}
    if before != after:
        audit.record(actor=actor, action=Action.PREFERENCES, obj=pref, before=before, after=after)
    actor.email = email
    return pref
