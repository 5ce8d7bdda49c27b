"""The IOC's figures kept a few seconds (core.figurecache): what the cache serves equals what is
counted without it, a user's own change shows on their next request (on any process), users
share an entry only when they may read the same units, and an entry expires after FIGURES_TTL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dieuhanh.core import figurecache, logs, requestmemo
from dieuhanh.directives.models import Task
from dieuhanh.ioc import data as ioc_data
from dieuhanh.org.choices import Role
from dieuhanh.org.models import RoleGrant, User

pytestmark = pytest.mark.django_db


def _late(world, unit, days):
    today = timezone.localdate()
    return world.task(lead_unit=unit, lead_person=world.officer_a_person, assigned_on=today - dt.timedelta(days=60),
                      due_date=today - dt.timedelta(days=days))


def _figures(data):
    return (data.sections, data.trends, [(r["unit"].pk, {k: v for k, v in r.items() if k not in ("unit", "cells")})
                                          for r in data.units])


def _queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, len(ctx.captured_queries)


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(figurecache, "clock", moved)
    return moved


def test_a_cached_overview_equals_the_one_counted_without_the_cache(world):
    _late(world, world.ward_a, 3)
    _late(world, world.ward_b, 5)
    world.petition()
    world.dossier()
    first, counted = _queries(lambda: ioc_data.overview(world.leader))
    again, served = _queries(lambda: ioc_data.overview(world.leader))
    figurecache.clear()
    fresh = ioc_data.overview(world.leader)
    assert _figures(again) == _figures(first) == _figures(fresh)
    assert again.tasks["overdue_count"] == 2
    assert served < counted  # read from the cache, not counted again


def test_a_ward_officer_never_gets_a_province_leaders_figures(world):
    _late(world, world.ward_a, 3)
    _late(world, world.ward_b, 5)
    leader = ioc_data.overview(world.leader)
    officer = ioc_data.overview(world.officer_a)
    assert leader.tasks["overdue_count"] == 2
    assert officer.tasks["overdue_count"] == 1  # ward A's only, though the leader's are cached
    assert {r["unit"].pk for r in officer.units} == {world.ward_a.pk}
    assert figurecache.scope_key(world.officer_a) != figurecache.scope_key(world.leader)
    # Another leader of the same city may read the same units: the same scope, the same figures
    # (the overview counts the units' cases, never the person's: shared by the scope).
    deputy = User.objects.create_user(username="phobithu_t", password="x")
    RoleGrant.objects.create(user=deputy, role=Role.LEADER, unit=world.city)
    assert figurecache.scope_key(deputy) == figurecache.scope_key(world.leader)
    assert _figures(ioc_data.overview(deputy)) == _figures(leader)


def test_an_entry_shared_by_a_scope_serves_only_users_of_that_scope(world):
    deputy = User.objects.create_user(username="phobithu_t", password="x")
    RoleGrant.objects.create(user=deputy, role=Role.LEADER, unit=world.city)
    counted = []

    def count(who):
        counted.append(who)
        return who

    assert figurecache.cached("test", world.leader, (), lambda: count("leader"), shared=True) == "leader"
    assert figurecache.cached("test", deputy, (), lambda: count("deputy"), shared=True) == "leader"  # same units
    assert figurecache.cached("test", world.officer_a, (), lambda: count("officer"), shared=True) == "officer"
    assert figurecache.cached("test", deputy, (), lambda: count("own")) == "own"  # not shared: per user
    assert counted == ["leader", "officer", "own"]


def test_a_change_saved_in_this_process_shows_at_once(world):
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 0
    _late(world, world.ward_a, 3)
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 1


def test_the_users_own_change_shows_on_their_next_request_on_any_process(
    world, clock, django_capture_on_commit_callbacks
):
    """The change is saved by another process (this one's version is put back as it was): the
    leader who made it sees it at once; another leader, within the TTL, not yet."""
    deputy = User.objects.create_user(username="phobithu_t", password="x")
    RoleGrant.objects.create(user=deputy, role=Role.LEADER, unit=world.city)
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 0
    assert ioc_data.overview(deputy).tasks["overdue_count"] == 0
    version = figurecache._version
    token = logs._context.set({"user_id": world.leader.pk})  # within the leader's request
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _late(world, world.ward_a, 3)
    finally:
        logs._context.reset(token)
    figurecache._version = version  # another process: it did not see the save
    clock.now += 1
    assert ioc_data.overview(deputy).tasks["overdue_count"] == 0  # others: within FIGURES_TTL
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 1  # one's own: at once


def test_figures_expire_after_the_ttl(world, clock, settings):
    settings.FIGURES_TTL = 10
    task = _late(world, world.ward_a, 3)
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 1
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() + dt.timedelta(days=5))  # no signal
    clock.now += 9
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 1  # up to 10 s old
    clock.now += 2
    assert ioc_data.overview(world.leader).tasks["overdue_count"] == 0


def test_a_request_saving_many_rows_stamps_its_user_once(world, clock, django_capture_on_commit_callbacks):
    from django.core.cache import caches

    token = logs._context.set({"user_id": world.leader.pk})
    try:
        with CaptureQueriesContext(connection) as one, django_capture_on_commit_callbacks(execute=True):
            _late(world, world.ward_a, 3)
        with CaptureQueriesContext(connection) as five, django_capture_on_commit_callbacks(execute=True):
            for days in range(4, 9):
                clock.now += 0.001
                _late(world, world.ward_a, days)
    finally:
        logs._context.reset(token)
    stamps = [q for q in one.captured_queries + five.captured_queries if "dieuhanh_cache" in q["sql"]]
    writes_one = [q for q in one.captured_queries if "dieuhanh_cache" in q["sql"]]
    assert writes_one and len(stamps) == 2 * len(writes_one)  # one stamp per transaction, not per row
    assert caches[figurecache.SHARED].get(f"figures-own-change:{world.leader.pk}") == clock.now


def test_users_of_the_same_scope_share_one_count_of_the_overview(world):
    """Two leaders of the same city read the units' figures: the second is served what the
    first counted, without counting again (decision 0041); a ward officer still gets their own."""
    _late(world, world.ward_a, 3)
    deputy = User.objects.create_user(username="phobithu_t", password="x")
    RoleGrant.objects.create(user=deputy, role=Role.LEADER, unit=world.city)
    leader, counted = _queries(lambda: ioc_data.overview(world.leader))
    with requestmemo.kept():  # as in a page: the stamps read once
        served, reads = _queries(lambda: ioc_data.overview(deputy))
    assert served is leader  # the very overview counted for the leader
    assert reads <= 3 < counted  # the stamps (core.generations), their grants, the stamp of their own last change
    officer = ioc_data.overview(world.officer_a)
    assert officer is not leader and officer.tasks["overdue_count"] == 1


def test_a_personal_task_elsewhere_does_not_change_a_leaders_figures(world):
    """The overview's figures, the derived indicators' too, count the units' cases, never also
    those the user personally leads elsewhere: two users of the same units read the same."""
    from dieuhanh.indicators import compute

    year = timezone.localdate().year
    mine = world.task(lead_unit=world.ward_b, lead_person=world.officer_a_person,
                      assigned_on=timezone.localdate() - dt.timedelta(days=60),
                      due_date=timezone.localdate() - dt.timedelta(days=3))
    assert Task.objects.visible_to(world.officer_a).filter(pk=mine.pk).exists()  # they may open it
    assert compute.derived("tasks_overdue", world.officer_a, None, year) == 0  # not ward A's figure
    assert compute.derived("tasks_overdue", world.leader, None, year) == 1  # the city's
    colleague = User.objects.create_user(username="congchuc_a2", password="x")
    for grant in RoleGrant.objects.filter(user=world.officer_a):
        RoleGrant.objects.create(user=colleague, role=grant.role, unit=grant.unit)
    assert figurecache.scope_key(colleague) == figurecache.scope_key(world.officer_a)
    assert _figures(ioc_data.overview(colleague)) == _figures(ioc_data.overview(world.officer_a))


def test_the_rendered_cards_follow_their_figures(client, world, clock, settings):
    """The overview's cards, map and charts are rendered once per entry and kept with it: a
    change saved shows on the next page at once, one the signals cannot see when the entry
    expires — never later (a copy kept beside the entry would outlive it)."""
    from dieuhanh.testing import login

    settings.FIGURES_TTL = 10
    login(client, world.leader)

    def overdue_shown() -> str:
        page = client.get("/ioc/").content.decode()
        return page.split('data-status="overdue" data-count="', 1)[1].split('"', 1)[0]

    task = _late(world, world.ward_a, 3)
    assert overdue_shown() == "1"
    _late(world, world.ward_b, 5)  # saved: this process's entries are stale at once
    assert overdue_shown() == "2"
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() + dt.timedelta(days=5))  # no signal
    clock.now += 9
    assert overdue_shown() == "2"  # up to 10 s old
    clock.now += 2
    assert overdue_shown() == "1"


def test_the_figures_cache_keeps_the_object_it_was_given():
    from django.core.cache import caches

    store = caches[figurecache.ALIAS]
    value = {"counted": [1, 2, 3], "count": lambda: 0}  # not even picklable
    store.set("k", value, timeout=60)
    assert store.get("k") is value  # no unpickled copy: a hit costs nothing
    assert store.add("k", {}, timeout=60) is False and store.has_key("k")
    store.set("gone", value, timeout=-1)
    assert store.get("gone") is None
    store.delete("k")
    assert store.get("k", "none") == "none"


def test_the_figures_cache_drops_what_expired_then_what_was_read_least_recently():
    store = figurecache.ObjectCache("figures-test", {"OPTIONS": {"MAX_ENTRIES": 3}})
    store.clear()
    for i in range(3):
        store.set(f"old{i}", i, timeout=-1)  # expired at once
    store.set("new", "n", timeout=60)
    assert len(store._entries) == 1  # the expired ones went first, not a live one
    store.set("a", "a", timeout=60)
    store.set("b", "b", timeout=60)
    assert store.get("new") == "n"  # read: now the most recent
    store.set("c", "c", timeout=60)
    assert store.get("a") is None and store.get("new") == "n" and store.get("c") == "c"
