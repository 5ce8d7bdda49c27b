"""Queued jobs of notifications (core.queue)."""

from __future__ import annotations

from dieuhanh.core.queue import task


@task()
def deliver_email(notification_ids: list[int]) -> int:
    """Send by e-mail those of the notifications whose recipients chose "immediate" and have an
    address; mark them sent. Returns how many were sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection
    from django.utils import timezone

    from dieuhanh.notifications.choices import EmailMode
    from dieuhanh.notifications.models import Notification

    rows = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient", "recipient__notification_preference")
    )
    messages, sent = [], []
    for n in rows:
        pref = getattr(n.recipient, "notification_preference", None)
        if pref is None or pref.email_mode != EmailMode.IMMEDIATE or not n.recipient.email:
            continue
        body = n.body + (f"\n\n{settings.DIEUHANH_SITE_URL.rstrip('/')}{n.url}" if n.url else "")
        messages.append(EmailMessage(subject=n.title, body=body, to=[n.recipient.email]))
        sent.append(n.pk)
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(sent)
