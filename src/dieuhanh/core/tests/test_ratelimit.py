"""The client's address behind a trusted proxy, and the counters of the citizens' limits: kept in
the database, so separate connections (and processes: tests/test_rate_limits_across_workers.py)
count against one budget. Login lockout keys on the same address."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dieuhanh import settings as dieuhanh_settings
from dieuhanh.core import ratelimit
from dieuhanh.core.models import RateCounter
from dieuhanh.testing import PASSWORD

PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"
OTHER_CLIENT = "203.0.113.8"
STRANGER = "198.51.100.9"  # a peer that is no proxy of ours


def address(remote_addr: str | None, **headers: str) -> str | None:
    request = RequestFactory().get("/", headers=headers)
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr
    return ratelimit.client_address(request)


@pytest.fixture
def behind_proxy(settings):
    settings.DIEUHANH_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    settings.DIEUHANH_PROXY_HEADER = "X-Forwarded-For"
    return settings


# --- client_address ---------------------------------------------------------------------------------------------


def test_it_takes_the_peer_and_ignores_the_header_when_no_proxy_is_trusted(settings):
    settings.DIEUHANH_TRUSTED_PROXIES = []
    assert address(CLIENT) == CLIENT
    assert address(CLIENT, **{"X-Forwarded-For": OTHER_CLIENT}) == CLIENT


def test_it_never_believes_the_header_from_a_peer_that_is_no_trusted_proxy(behind_proxy):
    assert address(STRANGER, **{"X-Forwarded-For": f"{CLIENT}, {PROXY}"}) == STRANGER


def test_it_takes_the_right_most_address_that_is_no_trusted_proxy(behind_proxy):
    # The client wrote 192.0.2.1 itself; the proxies appended CLIENT, then 10.1.2.3.
    assert address(PROXY, **{"X-Forwarded-For": f"192.0.2.1, {CLIENT}, 10.1.2.3"}) == CLIENT
    assert address(PROXY, **{"X-Forwarded-For": CLIENT}) == CLIENT


def test_it_takes_the_proxy_when_the_header_is_missing_or_names_only_proxies(behind_proxy):
    assert address(PROXY) == PROXY
    assert address(PROXY, **{"X-Forwarded-For": ""}) == PROXY
    assert address(PROXY, **{"X-Forwarded-For": "10.1.0.9, 10.1.0.8"}) == "10.1.0.9"


def test_it_stops_at_a_hop_that_is_no_address(behind_proxy):
    # Nothing left of a garbled hop is believed: the last proxy reached stands for the client.
    assert address(PROXY, **{"X-Forwarded-For": f"{CLIENT}, unknown"}) == PROXY
    assert address(PROXY, **{"X-Forwarded-For": f"{CLIENT}, 10.1.0.9, 999.1.1.1"}) == PROXY
    assert address(PROXY, **{"X-Forwarded-For": f"{CLIENT}, 10.1.0.9:443"}) == PROXY
    assert address(PROXY, **{"X-Forwarded-For": f"not-an-ip, {CLIENT}"}) == CLIENT


def test_it_reads_the_configured_header(behind_proxy):
    behind_proxy.DIEUHANH_PROXY_HEADER = "X-Real-IP"
    assert address(PROXY, **{"X-Real-IP": CLIENT, "X-Forwarded-For": OTHER_CLIENT}) == CLIENT


def test_it_writes_one_address_one_way(behind_proxy):
    assert address(f"::ffff:{CLIENT}") == CLIENT
    assert address("2001:DB8:0::1") == "2001:db8::1"
    assert address(PROXY, **{"X-Forwarded-For": " 2001:db8:0:0::7 "}) == "2001:db8::7"


def test_it_has_no_address_for_a_missing_or_garbled_peer(behind_proxy):
    assert address(None) is None
    assert address("") is None
    assert address("localhost", **{"X-Forwarded-For": CLIENT}) is None


def test_a_proxy_list_with_a_typo_stops_the_start(monkeypatch):
    monkeypatch.setenv("DIEUHANH_TRUSTED_PROXIES", " 10.0.0.2 , 10.1.0.0/16,")
    assert dieuhanh_settings._trusted_proxies() == ["10.0.0.2", "10.1.0.0/16"]
    monkeypatch.setenv("DIEUHANH_TRUSTED_PROXIES", "10.0.0.2, 10.0.0.300")
    with pytest.raises(ImproperlyConfigured, match=r"10\.0\.0\.300"):
        dieuhanh_settings._trusted_proxies()


def test_a_kiosk_list_with_a_typo_stops_the_start(monkeypatch):
    monkeypatch.setenv("DIEUHANH_KIOSK_ADDRESSES", "192.0.2.10, 198.51.100.0/24")
    assert dieuhanh_settings._networks("DIEUHANH_KIOSK_ADDRESSES") == ["192.0.2.10", "198.51.100.0/24"]
    monkeypatch.setenv("DIEUHANH_KIOSK_ADDRESSES", "192.0.2.10, quầy-1")
    with pytest.raises(ImproperlyConfigured, match="DIEUHANH_KIOSK_ADDRESSES"):
        dieuhanh_settings._networks("DIEUHANH_KIOSK_ADDRESSES")
    monkeypatch.setenv("DIEUHANH_KIOSK_FILE_LIMIT", "0")
    with pytest.raises(ImproperlyConfigured, match="DIEUHANH_KIOSK_FILE_LIMIT"):
        dieuhanh_settings._positive_int("DIEUHANH_KIOSK_FILE_LIMIT", 100)


def test_a_kiosk_is_known_by_address_or_network(settings):
    settings.DIEUHANH_KIOSK_ADDRESSES = ["192.0.2.10", "2001:db8:5::/48"]
    assert ratelimit.is_kiosk("192.0.2.10") and ratelimit.is_kiosk("2001:db8:5:1::9")
    assert not ratelimit.is_kiosk("192.0.2.11") and not ratelimit.is_kiosk(None) and not ratelimit.is_kiosk("x")


# --- over_limit -------------------------------------------------------------------------------------------------


def hits(n: int, kind: str = "test:file", who: str | None = CLIENT, limit: int = 3) -> list[bool]:
    return [ratelimit.over_limit(kind, who, limit=limit, window=3600) for _ in range(n)]


def test_it_lets_the_limit_through_then_refuses(db):
    assert hits(5) == [False, False, False, True, True]
    assert RateCounter.objects.get(key=f"test:file:{CLIENT}").count == 5


def test_each_kind_and_address_has_its_own_budget(db):
    hits(3)
    assert hits(1, who=OTHER_CLIENT) == [False]
    assert hits(1, kind="test:lookup") == [False]
    assert hits(2, who=None) == [False, False]  # no address: one shared "unknown" budget
    assert hits(1) == [True]


def test_the_budget_comes_back_when_the_window_ends(db):
    hits(4)
    RateCounter.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert hits(4) == [False, False, False, True]


def test_counters_that_ran_out_are_dropped_when_a_new_address_comes(db):
    hits(1)
    RateCounter.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    hits(1, who=OTHER_CLIENT)
    assert list(RateCounter.objects.values_list("key", flat=True)) == [f"test:file:{OTHER_CLIENT}"]


def test_the_count_is_in_the_database_not_in_the_process(db):
    hits(3)
    cache.clear()
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert hits(1) == [True]


def in_thread(fn):
    """Run `fn` in another thread, on its own database connection."""
    out: list = []

    def run():
        try:
            out.append(fn())
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    return out[0]


def test_another_connection_counts_against_the_same_budget(transactional_db):
    assert hits(2) == [False, False]
    assert in_thread(lambda: hits(2)) == [False, True]
    assert hits(1) == [True]


@pytest.mark.postgres_only
@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="concurrent writers: the in-memory SQLite test database locks whole tables between connections",
)
def test_concurrent_attempts_never_pass_more_than_the_limit(transactional_db):
    # All start together on a key with no row yet: the insert race and the row lock both matter.
    start = threading.Barrier(12)
    results: list[bool] = []
    lock = threading.Lock()

    def attempt():
        try:
            start.wait(10)
            over = ratelimit.over_limit("test:race", CLIENT, limit=5, window=3600)
            with lock:
                results.append(over)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 5 + [True] * 7
    assert RateCounter.objects.get(key=f"test:race:{CLIENT}").count == 12


def test_a_reserved_filing_given_back_is_not_spent(db):
    filing = ratelimit.FilingLimit("test:file", limit=2, window=3600)
    assert filing.reserve(CLIENT) and filing.reserve(CLIENT)
    filing.release(CLIENT)
    assert filing.reserve(CLIENT)
    assert not filing.reserve(CLIENT) and not filing.reserve(CLIENT)
    # A refused reservation takes nothing: giving one back opens exactly one place.
    filing.release(CLIENT)
    assert filing.reserve(CLIENT) and not filing.reserve(CLIENT)


def test_failed_attempts_count_until_accepted(db):
    filing = ratelimit.FilingLimit("test:file", limit=1, window=3600, failed_factor=3)
    assert [filing.attempt(CLIENT) for _ in range(3)] == [True, True, True]
    filing.accepted(CLIENT)  # the third attempt went through
    assert filing.attempt(CLIENT)
    assert not filing.attempt(CLIENT)


# --- login lockout (django-axes) --------------------------------------------------------------------------------


def log_in(client, username, password, remote_addr, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_lockout_is_keyed_to_the_client_behind_the_trusted_proxy(client, world, behind_proxy):
    for _ in range(5):
        log_in(client, "phuong_a", "sai-mat-khau", PROXY, f"192.0.2.{_}, {CLIENT}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
    assert log_in(client, "phuong_a", PASSWORD, PROXY, CLIENT).status_code == 429
    # Another citizen behind the same proxy is not locked out of the same account.
    assert log_in(client, "phuong_a", PASSWORD, PROXY, OTHER_CLIENT).status_code == 302


def test_lockout_ignores_the_header_from_a_peer_that_is_no_trusted_proxy(client, world, behind_proxy):
    for i in range(5):
        log_in(client, "phuong_a", "sai-mat-khau", STRANGER, f"192.0.2.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}
    assert log_in(client, "phuong_a", PASSWORD, STRANGER, OTHER_CLIENT).status_code == 429
