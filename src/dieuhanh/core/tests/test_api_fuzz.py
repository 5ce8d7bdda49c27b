"""The API holds up under fuzzing (core/tests/fuzz.py): Schemathesis sends every operation
requests drawn from the published schema, and ones that break it, as two personas of the demo
city (a ward officer, whose scope is one ward, and the party secretary, who sees the whole city),
and every answer is a documented status, of a documented type, with a body that matches the
schema — never a server error. The writes it sends are rolled back with the test."""

from __future__ import annotations

import pytest

from dieuhanh.core.tests import fuzz
from dieuhanh.core.tokens import do_create_token
from dieuhanh.org.models import User

PERSONAS = ("phuong_saodo", "bithu")
MAX_EXAMPLES = 4  # per operation, persona and kind (positive, negative)


@pytest.mark.django_db
def test_fuzzing_the_api_finds_nothing(demo, capsys):
    tokens = {}
    for username in PERSONAS:
        user = User.objects.get(username=username)
        tokens[username], _ = do_create_token(user=user, actor=user)
    with fuzz.wsgi_app_in_test() as app:
        schema = fuzz.load_schema(app, tokens[PERSONAS[0]])
        # Records the ward officer sees (and so does the secretary, who sees the whole city).
        known = fuzz.known_records(app, tokens[PERSONAS[0]], fuzz.operations_of(schema))
        assert {("petitions", "petition_id"), ("dossiers", "code"), ("tasks", "task_id")} <= set(known)
        report = fuzz.run(schema, tokens, MAX_EXAMPLES, known)
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.operations > 50 and report.cases > report.operations * len(PERSONAS) * 2
    assert not report.failures, report.summary() + "\n\n" + report.details()
