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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from dieuhanh.core import generations
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
    # A job only for those who asked for each notification by e-mail at once (and have an
    # address): the others read it in the app or in their digest.
    from dieuhanh.notifications.choices import EmailMode

    channels = email_channels({n.recipient_id for n in created if n.pk})
    ids = [n.pk for n in created if n.pk and channels.get(n.recipient_id) == EmailMode.IMMEDIATE]
    if ids:
        from dieuhanh.notifications import tasks

        transaction.on_commit(lambda: tasks.deliver_email.enqueue(ids))
    return created


def inbox(user: User) -> models.QuerySet[Notification]:
    """The notifications of `user`, and no one else's: every read and every mark goes through
    it, so another person's notification is unknown (404), never refused (403)."""
    return Notification.objects.filter(recipient_id=user.pk)


def shown(user: User) -> models.QuerySet[Notification]:
    """What `user` is shown and counted (the centre, the badge, the API list, e-mail): their
    notifications without those grouped into a summary, which stand in the summary."""
    return inbox(user).filter(bundle__isnull=True)


def newest_unread_first(rows: models.QuerySet[Notification]) -> models.QuerySet[Notification]:
    """The order of the centre and the API: unread first, then newest first."""
    unread = models.ExpressionWrapper(models.Q(read_at__isnull=True), output_field=models.BooleanField())
    return rows.alias(unread=unread).order_by("-unread", "-created_at", "-id")


def unread_count(user: User) -> int:
    """The header's badge on every page: counted again only when the notifications' stamp moved
    (core.generations: a notification written or read, by any process), else kept per user."""
    return _unread_kept.get(user.pk, lambda: shown(user).filter(read_at__isnull=True).count())


_unread_kept = generations.Kept[int]("notifications")  # user id -> unread


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark as read the unread notifications of `user` (those of `ids`, or all), a summary with
    the reminders it holds. A read mark is no change of any record: not audited (decision 0027).
    Returns how many of those shown were marked (a summary counts once)."""
    unread = inbox(user).filter(read_at__isnull=True)
    now = timezone.now()
    if ids is not None:
        ids = list(ids)
        unread.filter(bundle_id__in=ids).update(read_at=now)
        return unread.filter(pk__in=ids).update(read_at=now)
    unread.filter(bundle__isnull=False).update(read_at=now)
    return unread.update(read_at=now)


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


# --- many at once: the reminder sweep -----------------------------------------------------------

CHUNK = 5000


@dataclass(frozen=True)
class Item:
    """One notification to add: to `recipient_id`, about the object (`object_type`, `object_id`),
    under `rule`, once per `key` (required: a sweep always keys what it sends)."""

    recipient_id: int
    rule: str
    title: str
    key: str
    object_type: str = ""
    object_id: int | None = None
    url: str = ""
    body: str = ""
    unit_id: int | None = None
    action: str = "view"
    code: str = ""  # how a summary names the object ("NV-2026-0012"); not stored
    bundle_key: str = ""  # grouped into the summary of this key (notify_many's answer)
    bundled: int = 0  # a summary: how many it holds


@dataclass(frozen=True)
class Bundle:
    """How one rule's notifications are grouped (reminders.py, decision 0028): a person who would
    get more than `above` of them from one call gets one summary instead, titled `title(count)`,
    linking to `url` (the list of those objects), its body naming the first `NAMED` by code."""

    above: int
    title: Callable[[int], str]
    url: str = ""


NAMED = 5  # objects a summary names by code


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def email_channels(user_ids: Iterable[int]) -> dict[int, str]:
    """How each of the users gets their notifications by e-mail: EmailMode.IMMEDIATE or
    EmailMode.DIGEST (the default, for those who chose nothing), or "" (no message: they turned
    e-mail off or have no address)."""
    from dieuhanh.notifications.choices import EmailMode
    from dieuhanh.notifications.models import Preference
    from dieuhanh.org.models import User

    ids = sorted(set(user_ids))
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        with_address = set(User.objects.filter(pk__in=chunk).exclude(email="").values_list("pk", flat=True))
        modes = dict(Preference.objects.filter(user_id__in=chunk).values_list("user_id", "email_mode"))
        for uid in chunk:
            mode = modes.get(uid, EmailMode.DIGEST)
            out[uid] = str(mode) if uid in with_address and mode != EmailMode.OFF else ""
    return out


def visible_items(items: Sequence[Item]) -> list[Item]:
    """Those of `items` whose recipient is active and sees the object: for each recipient and
    kind of object, one `visible_to(recipient, action)` query over the ids (in chunks), not one
    per notification."""
    from django.apps import apps

    from dieuhanh.org import scope
    from dieuhanh.org.models import User

    recipient_ids = sorted({i.recipient_id for i in items})
    users: dict[int, User] = {}
    for chunk in _chunks(recipient_ids):
        batch = list(User.objects.filter(pk__in=chunk, is_active=True))
        scope.prefetch_grants(batch)
        users.update((u.pk, u) for u in batch)
    wanted: dict[tuple[str, str, int], set[int]] = {}
    for i in items:
        if i.object_type and i.object_id is not None and i.recipient_id in users:
            wanted.setdefault((i.object_type, i.action, i.recipient_id), set()).add(i.object_id)
    seen: dict[tuple[str, str, int], set[int]] = {}
    for (object_type, action, uid), ids in wanted.items():
        manager: Any = apps.get_model(object_type)._default_manager
        if not hasattr(manager.all(), "visible_to"):
            seen[object_type, action, uid] = ids
            continue
        allowed: set[int] = set()
        for chunk in _chunks(sorted(ids)):
            allowed.update(manager.all().visible_to(users[uid], action).filter(pk__in=chunk).values_list("pk", flat=True))
        seen[object_type, action, uid] = allowed
    return [
        i for i in items
        if i.recipient_id in users
        and (not i.object_type or i.object_id is None or i.object_id in seen[i.object_type, i.action, i.recipient_id])
    ]


def withheld_items(items: Sequence[Item]) -> list[Item]:
    """`items` with what their objects withhold from notifications (`withheld_from_notifications`:
    a petitioner's identity) taken out of the titles and bodies, as `notify` does: each object
    read once, its words asked once, for all the items about it."""
    from dataclasses import replace

    from django.apps import apps

    wanted: dict[str, set[int]] = {}
    for i in items:
        if i.object_type and i.object_id is not None:
            wanted.setdefault(i.object_type, set()).add(i.object_id)
    words: dict[tuple[str, int], list[str]] = {}
    for object_type, ids in wanted.items():
        model = apps.get_model(object_type)
        if not hasattr(model, "withheld_from_notifications"):
            continue
        for chunk in _chunks(sorted(ids)):
            for obj in model._default_manager.filter(pk__in=chunk):
                words[object_type, obj.pk] = obj.withheld_from_notifications()
    if not words:
        return list(items)
    out = []
    for i in items:
        found = words.get((i.object_type, i.object_id)) if i.object_id is not None else None
        out.append(replace(i, title=withhold(i.title, found), body=withhold(i.body, found)) if found else i)
    return out


ITEM_COLUMNS = ("recipient_id", "rule", "title", "body", "url", "object_type", "object_id", "unit_id", "key",
                "bundle_id", "bundled")


def summary_body(codes: Sequence[str], count: int) -> str:
    """A summary's body: the first objects by code, and how many more."""
    from django.utils.translation import gettext

    from dieuhanh.core.templatetags.dieuhanh import group_digits

    named = [c for c in codes if c][:NAMED]
    if not named:
        return ""
    if count > len(named):
        return gettext("Gồm %(codes)s và %(more)s mục khác.") % {
            "codes": ", ".join(named), "more": group_digits(count - len(named))}
    return gettext("Gồm %(codes)s.") % {"codes": ", ".join(named)}


def bundled(items: Sequence[Item], bundles: Mapping[str, Bundle]) -> list[Item]:
    """`items`, with those of a rule in `bundles` that one person would get more than its `above`
    of marked with the key of their summary (`bundle_key`), and that summary added (an item of
    no object, `bundled` = how many it holds). The summary's key is made of its items' keys, so
    two runs at once that group the same reminders write one summary."""
    import hashlib
    from dataclasses import replace

    groups: dict[tuple[int, str], list[Item]] = {}
    for i in items:
        if i.rule in bundles:
            groups.setdefault((i.recipient_id, i.rule), []).append(i)
    keys: dict[tuple[int, str], str] = {}
    out: list[Item] = []
    for (uid, rule), group in groups.items():
        if len(group) <= bundles[rule].above:
            continue
        group.sort(key=lambda i: (i.code, i.key))
        digest = hashlib.sha1("\n".join(i.key for i in group).encode(), usedforsecurity=False).hexdigest()[:24]
        keys[uid, rule] = key = f"{rule}:bundle:{digest}"
        b = bundles[rule]
        out.append(Item(uid, rule, b.title(len(group)), key, url=b.url, body=summary_body([i.code for i in group], len(group)),
                        bundled=len(group)))
    out += [replace(i, bundle_key=keys[i.recipient_id, i.rule]) if (i.recipient_id, i.rule) in keys else i for i in items]
    return out


def _insert(items: Sequence[Item], bundle_ids: Mapping[tuple[int, str], int] | None = None) -> None:
    """Write the notifications of `items` with one multi-row statement per chunk, skipping any
    (recipient, key) already there (a run beside this one). Tens of thousands at a time: the
    ORM's `bulk_create` spends most of a sweep building model instances and compiling each
    field, so this writes the rows itself — every other column gets its model default."""
    from django.db import connection

    now = timezone.now()
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key and not f.generated]
    names = [f.attname for f in fields]
    fixed = {
        f.attname: f.get_db_prep_save(now if f.attname == "created_at" else f.get_default() if f.has_default() else None,
                                      connection)
        for f in fields if f.attname not in ITEM_COLUMNS
    }
    table, quote = Notification._meta.db_table, connection.ops.quote_name
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608 - names from the model
           f"VALUES ({', '.join(['%s'] * len(names))}) ON CONFLICT DO NOTHING")
    rows = []
    for i in items:
        own = {"recipient_id": i.recipient_id, "rule": i.rule, "title": i.title[:300], "body": i.body,
               "url": i.url[:500], "object_type": i.object_type, "object_id": i.object_id, "unit_id": i.unit_id,
               "key": i.key[:160], "bundled": i.bundled,
               "bundle_id": (bundle_ids or {}).get((i.recipient_id, i.bundle_key[:160])) if i.bundle_key else None}
        rows.append(tuple(own[n] if n in own else fixed[n] for n in names))
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)


def notify_many(items: Iterable[Item], *, write: bool = True, bundles: Mapping[str, Bundle] | None = None) -> list[Item]:
    """Add the notifications of `items` in bulk, each at most once per recipient and key: those
    already there, and those whose recipient is inactive or may not see the object, are left out;
    what the object withholds (a petitioner's identity) is taken out of the words, as in `notify`.
    A rule in `bundles` is grouped (`bundled`): a person with more than its number of them gets
    one summary, the items written too (their keys) but pointing to it.
    Returns the items added (with `write=False`, those that would be, and nothing is written),
    the grouped ones with their `bundle_key`, and the summaries (`bundled` > 0).
    Recipients who chose "immediate" get their e-mail through the queue after the commit: a
    summary, never the items in it."""
    unique: dict[tuple[int, str], Item] = {}
    for i in items:
        if not i.key:
            raise ValueError("notify_many: every item needs a key")
        unique.setdefault((i.recipient_id, i.key[:160]), i)
    keys = sorted({k for _, k in unique})
    for chunk in _chunks(keys):
        for pair in Notification.objects.filter(key__in=chunk).values_list("recipient_id", "key"):
            unique.pop(pair, None)
    fresh = withheld_items(visible_items(list(unique.values())))
    if bundles:
        fresh = bundled(fresh, bundles)
    if not write or not fresh:
        return fresh
    with transaction.atomic():
        summaries = [i for i in fresh if i.bundled]
        _insert(summaries)
        bundle_ids: dict[tuple[int, str], int] = {}
        for chunk in _chunks(summaries):
            found = Notification.objects.filter(
                recipient_id__in={i.recipient_id for i in chunk}, key__in={i.key[:160] for i in chunk}
            ).values_list("pk", "recipient_id", "key")
            bundle_ids.update(((uid, key), pk) for pk, uid, key in found)
        _insert([i for i in fresh if not i.bundled], bundle_ids)
        channels = email_channels({i.recipient_id for i in fresh})
        from dieuhanh.notifications.choices import EmailMode

        immediate = [i for i in fresh if not i.bundle_key and channels.get(i.recipient_id) == EmailMode.IMMEDIATE]
        ids: list[int] = []
        for chunk in _chunks(immediate):
            pairs = {(i.recipient_id, i.key[:160]) for i in chunk}
            found = Notification.objects.filter(
                recipient_id__in={p[0] for p in pairs}, key__in={p[1] for p in pairs}, emailed_at__isnull=True
            ).values_list("pk", "recipient_id", "key")
            ids.extend(pk for pk, uid, key in found if (uid, key) in pairs)
        if ids:
            from dieuhanh.notifications import tasks

            transaction.on_commit(lambda: tasks.deliver_email.enqueue(ids))
    return fresh
