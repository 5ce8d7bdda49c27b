"""Who is asking, and how often: the client's address behind a trusted reverse proxy, and the
counters that limit what an anonymous address may do (filing petitions, looking them up, Open311
reports). Login lockout (django-axes) takes its address from `client_address` too.

The counters are rows in the database, not entries in a process's memory: every gunicorn worker,
and every app server on the same database, counts against the same budget (docs/decisions/0008)."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from typing import TypeAlias

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from dieuhanh.core.models import RateCounter

Address: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> Address | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d; count it as a.b.c.d.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, or None when there is none.

    REMOTE_ADDR, unless it is one of DIEUHANH_TRUSTED_PROXIES: then the right-most address in the
    DIEUHANH_PROXY_HEADER (X-Forwarded-For) that is not itself a trusted proxy. Each proxy appends
    the address it saw, so everything left of that entry was written by the client and is never
    believed; neither is the header when the peer is not a trusted proxy. A hop that is not an
    address stops the walk at the last proxy reached. Also AXES_CLIENT_IP_CALLABLE."""
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    trusted = _networks(tuple(settings.DIEUHANH_TRUSTED_PROXIES))
    if peer is None or not any(peer in net for net in trusted):
        return str(peer) if peer else None
    header = "HTTP_" + settings.DIEUHANH_PROXY_HEADER.upper().replace("-", "_")
    client = peer
    for entry in reversed(request.META.get(header, "").split(",")):
        hop = _address(entry)
        if hop is None:
            break
        client = hop
        if not any(hop in net for net in trusted):
            break
    return str(client)


def over_limit(kind: str, address: str | None, *, limit: int, window: int) -> bool:
    """Count one attempt of `kind` from `address`; True once it is more than `limit` within the
    `window` (seconds) that began with the first attempt counted.

    Atomic across processes: on SQLite the transaction takes the database's write lock at BEGIN
    (transaction_mode IMMEDIATE), on PostgreSQL `select_for_update` locks the counter's row, so
    two workers never read the same count. An outer transaction that rolls back takes the count
    with it: call this outside one, as the views do."""
    key = f"{kind}:{address or 'unknown'}"[:100]
    now = timezone.now()
    expires = now + dt.timedelta(seconds=window)
    with transaction.atomic():
        counter = RateCounter.objects.select_for_update().filter(key=key).first()
        if counter is None:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, expires_at=expires)
            except IntegrityError:  # another worker created it since: count on its row
                counter = RateCounter.objects.select_for_update().get(key=key)
            else:
                # A new key is rare (a new address): the moment to drop the counters that ran out.
                RateCounter.objects.filter(expires_at__lte=now).delete()
                return limit < 1
        if counter.expires_at <= now:
            counter.count, counter.expires_at = 1, expires
        else:
            counter.count += 1
        counter.save(update_fields=["count", "expires_at"])
        return counter.count > limit
