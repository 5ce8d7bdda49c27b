"""Queued jobs of notifications (core.queue)."""

from __future__ import annotations

from dieuhanh.core.queue import task


@task()
def deliver_email(notification_ids: list[int]) -> int:
    """Send by e-mail those of the notifications whose recipients chose "immediate" and have an
    address; mark them sent. A reminder grouped into a summary is never sent alone: the summary
    is (one message). Returns how many were sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection
    from django.utils import timezone

    from dieuhanh.notifications.choices import EmailMode
    from dieuhanh.notifications.models import Notification

    rows = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True, bundle__isnull=True)
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


@task()
def send_citizen_message(message_id: int) -> str:
    """Send one logged message to a citizen (notifications.citizens). Claimed by raising its
    attempt count, so two workers never both send it; a failure is recorded and the message
    queued again, after attempts × DIEUHANH_CITIZEN_RETRY_SECONDS, until
    DIEUHANH_CITIZEN_MAX_ATTEMPTS attempts were made; then it stays failed. Returns its state."""
    import datetime as dt

    from django.conf import settings
    from django.db.models import F
    from django.utils import timezone

    from dieuhanh.notifications import citizens
    from dieuhanh.notifications.choices import MessageState
    from dieuhanh.notifications.models import CitizenMessage

    m = CitizenMessage.objects.filter(pk=message_id).first()
    if m is None or m.state != MessageState.PENDING:
        return m.state if m is not None else "missing"
    claimed = CitizenMessage.objects.filter(pk=m.pk, state=MessageState.PENDING, attempts=m.attempts).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return "taken"
    m.refresh_from_db()
    address, reason = citizens.destination_of(m)
    now = timezone.now()
    if not address:
        CitizenMessage.objects.filter(pk=m.pk).update(state=MessageState.FAILED, failed_at=now, error=reason[:500])
        return MessageState.FAILED
    try:
        gateway_id = citizens.deliver(m, address)
    except Exception as exc:  # any failure of the gateway or the SMTP server is recorded, then retried
        error = f"{type(exc).__name__}: {exc}"[:500]
        last = m.attempts >= settings.DIEUHANH_CITIZEN_MAX_ATTEMPTS
        CitizenMessage.objects.filter(pk=m.pk).update(
            state=MessageState.FAILED if last else MessageState.PENDING, failed_at=now, error=error
        )
        if not last:
            wait = dt.timedelta(seconds=settings.DIEUHANH_CITIZEN_RETRY_SECONDS * m.attempts)
            send_citizen_message.using(run_after=now + wait).enqueue(m.pk)
        return MessageState.FAILED if last else MessageState.PENDING
    CitizenMessage.objects.filter(pk=m.pk).update(
        state=MessageState.SENT, sent_at=now, error="", gateway_id=str(gateway_id or "")[:120]
    )
    return MessageState.SENT
