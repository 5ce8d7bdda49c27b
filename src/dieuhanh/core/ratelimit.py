"""Who is asking, and how often: the client's address behind a trusted reverse proxy, and the
counters that limit what an anonymous address may do (filing petitions, looking them up, Open311
reports). Login lockout (django-axes) takes its address from `client_address` too.

A filing spends the budget only when it is accepted, failed attempts have their own larger
budget, and known kiosks a larger one still (`FilingLimit`).

The counters are rows in the database, not entries in a process's memory: every gunicorn worker,
and every app server on the same database, counts against the same budget (docs/decisions/0008)."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from dataclasses import dataclass
from typing import TypeAlias

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from dieuhanh.core import fixedsql
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


def uncount(kind: str, address: str | None) -> None:
    """Give back one attempt counted by `over_limit` (one that turned out not to be spent: a
    filing refused, or never made because the budget was spent). Atomic like `over_limit`."""
    key = f"{kind}:{address or 'unknown'}"[:100]
    with transaction.atomic():
        counter = RateCounter.objects.select_for_update().filter(key=key, expires_at__gt=timezone.now()).first()
        if counter is not None and counter.count > 0:
            counter.count -= 1
            counter.save(update_fields=["count"])


def is_kiosk(address: str | None) -> bool:
    """Whether `address` is one of DIEUHANH_KIOSK_ADDRESSES (a public kiosk, a shared office)."""
    ip = _address(address or "")
    return ip is not None and any(ip in net for net in _networks(tuple(settings.DIEUHANH_KIOSK_ADDRESSES)))


@dataclass(frozen=True)
class FilingLimit:
    """How many filings one address may make in `window` seconds (docs/decisions/0008).

    Only accepted filings spend the budget of `limit`: `reserve` takes a place atomically before
    the filing is written and `release` gives it back when the filing is refused, so a citizen
    who retypes a form after a validation error is not locked out. Failed attempts (an invalid
    form, the honeypot, a refused filing) have their own budget, `failed_factor` times larger,
    which still stops a robot hammering the form: `attempt` counts every attempt as failed, up
    front and atomically, and `accepted` takes the count back once the filing is in. An address
    of DIEUHANH_KIOSK_ADDRESSES (a ward's kiosk, an office behind one address) has
    DIEUHANH_KIOSK_FILE_LIMIT instead of `limit`.

    A view calls `attempt` first (False: refuse), then `reserve` once the input is valid (False:
    refuse), then either `release` (the filing was refused) or `accepted` (it is in)."""

    kind: str
    limit: int
    window: int
    failed_factor: int = 4

    def limit_for(self, address: str | None) -> int:
        return max(self.limit, settings.DIEUHANH_KIOSK_FILE_LIMIT) if is_kiosk(address) else self.limit

    def failed_limit_for(self, address: str | None) -> int:
        return self.limit_for(address) * self.failed_factor

    def attempt(self, address: str | None) -> bool:
        """Count this attempt as failed until `accepted`; False once failed attempts are over their budget."""
        return not over_limit(f"{self.kind}:failed", address, limit=self.failed_limit_for(address),
                              window=self.window)

    def reserve(self, address: str | None) -> bool:
        """Take one filing from the budget; False (and nothing taken) when it is spent."""
        if over_limit(self.kind, address, limit=self.limit_for(address), window=self.window):
            uncount(self.kind, address)
            return False
        return True

    def release(self, address: str | None) -> None:
        """Give back the filing `reserve` took: the filing was refused."""
        uncount(self.kind, address)

    def accepted(self, address: str | None) -> None:
        """The filing is in: it was no failed attempt."""
        uncount(f"{self.kind}:failed", address)


def held_back(kind: str, address: str | None, *, limit: int) -> int:
    """The seconds until `address` may try `kind` again: 0 while fewer than `limit` attempts are
    counted in the current window, else what is left of it. Counts nothing (the failures are
    counted by `over_limit` once they happen), so a refused attempt does not lengthen the wait."""
    key = f"{kind}:{address or 'unknown'}"[:100]
    # Asked before every API call and sign-in: the count by one fixed statement, the row only
    # when the limit is reached.
    row = fixedsql.read_row(RateCounter, '"count"', "key = %s AND expires_at > %s", [key, timezone.now()])
    if row is None or row[0] < limit:
        return 0
    counter = RateCounter.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    if counter is None:
        return 0
    return max(1, int((counter.expires_at - timezone.now()).total_seconds() + 0.999))
