"""The user's units are worked out once and reused (org.scope.expand_units keeps each walk on
the unit graph; core.access.among writes a set's SQL once), and a change to the units still shows:
at once when made during the request, at the next request when made by another process."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from dieuhanh.core import access, requestmemo
from dieuhanh.org import scope
from dieuhanh.org.choices import SuccessionKind, UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit, UnitSuccession
from dieuhanh.petitions.models import Petition

REFORM = dt.date(2025, 7, 1)


def _ward(world, code, **fields):
    return AdminUnit(code=code, name=f"Phường {code}", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, **fields)


def test_a_walk_is_kept_and_given_as_a_copy(world):
    first = scope.expand_units({world.city.pk})
    assert (frozenset({world.city.pk}), True) in scope.unit_graph().expansions
    first.add(-1)  # the caller's copy: what is kept does not change
    assert scope.expand_units({world.city.pk}) == first - {-1}
    assert {world.ward_a.pk, world.ward_b.pk} <= first


def test_a_unit_added_during_the_request_is_covered_at_once(world):
    with requestmemo.kept():
        before = scope.expand_units({world.city.pk})
        ward = _ward(world, "99901", parent=world.city)
        ward.save()
        after = scope.expand_units({world.city.pk})
    assert ward.pk not in before
    assert after == before | {ward.pk}


def test_a_unit_added_by_another_process_is_covered_at_the_next_request(world):
    with requestmemo.kept():
        before = scope.expand_units({world.city.pk})
        # bulk_create sends no signal: a change made by another process.
        (ward,) = AdminUnit.objects.bulk_create([_ward(world, "99902", parent=world.city)])
        assert scope.expand_units({world.city.pk}) == before  # this request keeps what it read
    with requestmemo.kept():
        assert ward.pk in scope.expand_units({world.city.pk})


def test_a_succession_recorded_by_another_process_is_followed_at_the_next_request(world):
    # A ward of the city abolished and taken whole by a ward of another district: the city's
    # office follows the old ward into its heir once the succession is recorded.
    (elsewhere, gone) = AdminUnit.objects.bulk_create([
        _ward(world, "99903", parent=world.province),
        _ward(world, "99904", parent=world.city, valid_to=REFORM - dt.timedelta(days=1)),
    ])
    with requestmemo.kept():
        assert elsewhere.pk not in scope.expand_units({world.city.pk})
    UnitSuccession.objects.bulk_create([
        UnitSuccession(predecessor=gone, successor=elsewhere, date=REFORM, kind=SuccessionKind.MERGE, share=1)
    ])
    with requestmemo.kept():
        assert elsewhere.pk in scope.expand_units({world.city.pk})


def test_a_set_of_units_is_written_once_and_matches_what_the_plain_list_matches(world):
    ids = scope.unit_scope(world.office)
    assert ids
    assert access.among(ids) is access.among(frozenset(ids)) is access.among(sorted(ids))
    assert access.among(set()) == []
    world.petition()
    world.petition(unit=world.ward_b, actor=world.reception_b)
    plain = set(Petition.objects.filter(Q(unit_id__in=set(ids)) | Q(receiving_unit_id__in=set(ids))))
    assert set(Petition.objects.visible_to(world.office)) == plain and len(plain) == 2
    assert not Petition.objects.filter(unit_id__in=access.among([])).exists()
    with CaptureQueriesContext(connection) as queries:
        list(Petition.objects.visible_to(world.office))
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert all(str(uid) in sql for uid in ids)  # the same ids, as parameters of the query


def test_a_ward_sees_its_own_rows_through_combined_and_nested_queries(world):
    mine = world.petition()
    theirs = world.petition(unit=world.ward_b, actor=world.reception_b)
    a, b = world.reception_a, world.reception_b
    assert set(Petition.objects.visible_to(a)) == {mine}
    assert set(Petition.objects.visible_to(a) | Petition.objects.visible_to(b)) == {mine, theirs}
    assert set(Petition.objects.visible_to(a) & Petition.objects.visible_to(b)) == set()
    assert set(Petition.objects.filter(pk__in=Petition.objects.visible_to(b).values("pk"))) == {theirs}
    assert set(Petition.objects.exclude(pk__in=Petition.objects.visible_to(a))) == {theirs}


def test_past_its_budget_the_graph_keeps_no_more_walks_and_still_answers(world, monkeypatch):
    monkeypatch.setattr(scope, "_IDS_KEPT", 0)
    graph = scope.unit_graph()
    graph.expansions.clear()
    graph.kept_ids = 0
    assert {world.ward_a.pk, world.ward_b.pk} <= scope.expand_units({world.city.pk}, graph)
    assert graph.expansions == {}
