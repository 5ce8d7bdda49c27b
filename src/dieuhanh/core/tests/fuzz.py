"""Schemathesis over the whole API, in process: the schema is read from /api/openapi.json of the
WSGI application and every request goes to that application (no server, no network), in the
caller's database transaction, so what the fuzzed writes create is rolled back with it.

For each operation and each persona (a bearer token), Hypothesis draws `max_examples` requests
that follow the schema (positive) and as many that break it (negative: wrong types, values out of
bounds, missing fields, bodies that are not JSON…), with a fixed seed (`derandomize`), so a run
draws the same requests every time. Drawn ids seldom name a stored record, so an operation on one
record (`/petitions/{petition_id}/assign`) is also sent `max_examples` drawn requests about a
record that exists (`known_records`: the first of the persona's list), which reach the forms and
services behind it. Each answer goes through Schemathesis's checks:

- `not_a_server_error`: no 5xx;
- `status_code_conformance`: the status is one the operation documents;
- `content_type_conformance`: the answer is of a documented media type;
- `response_schema_conformance`: its body matches the documented schema for that status.

Failures are collected, not raised one by one, so one run lists all of them (each once per
operation, persona and kind), with the request as a curl command."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@dataclass
class FuzzReport:
    operations: int = 0
    personas: int = 0
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (operation, persona, kind) → example
    seconds: float = 0.0

    def summary(self) -> str:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return (
            f"Schemathesis: {self.cases} requests to {self.operations} operations as {self.personas} personas "
            f"in {self.seconds:.0f} s ({statuses}); failures: {len(self.failures)}"
        )

    def details(self) -> str:
        return "\n\n".join(f"{op} as {who}: {kind}\n{example}" for (op, who, kind), example in self.failures.items())


@contextmanager
def wsgi_app_in_test() -> Iterator[Any]:
    """The project's WSGI application, for requests inside the test's transaction.

    Django closes a connection at the start and end of each request when it is not in autocommit
    mode, as inside a test's transaction; on PostgreSQL that would end the transaction (SQLite's
    in-memory database ignores the close). Django's own test client switches this off around
    each of its requests (and back on after it); the WSGI application run by Schemathesis has it
    switched off here, for as long as the block lasts, so no Django test client may be used
    inside the block."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema(app: Any, token: str) -> Any:
    """The API's schema as the application serves it (to a signed-in caller)."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, headers={"Authorization": f"Bearer {token}"})


def known_records(app: Any, token: str, operations: list[Any]) -> dict[tuple[str, str], Any]:
    """For each path parameter of the operations (`/api/v1/petitions/{petition_id}/…`), a value
    naming a record the token's user sees: the first row of the list at the path's first segment
    (`/api/v1/petitions`), asked of `app`: its `id` for a `…_id`, else the field of that name.
    (Through the WSGI application, as the fuzzing is: Django's test client would switch the
    closing of connections back on, see `wsgi_app_in_test`.)"""
    from werkzeug.test import Client

    client = Client(app)
    found: dict[tuple[str, str], Any] = {}
    for operation in operations:
        segment = operation.path.split("/")[3]
        for name in re.findall(r"\{(\w+)\}", operation.path):
            if (segment, name) in found:
                continue
            response = client.get(f"/api/v1/{segment}", headers={"Authorization": f"Bearer {token}"})
            body = response.get_json() if response.status_code == 200 else None
            rows = body.get("results") if isinstance(body, dict) else body
            key = "id" if name.endswith("_id") else name
            if isinstance(rows, list) and rows and isinstance(rows[0], dict) and key in rows[0]:
                found[(segment, name)] = rows[0][key]
    return found


def operations_of(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def run(schema: Any, personas: dict[str, str], max_examples: int, known: dict[tuple[str, str], Any]) -> FuzzReport:
    """Fuzz every operation of `schema` as each persona (name → bearer token); `known`: stored
    records for the path parameters (`known_records`)."""
    report = FuzzReport(personas=len(personas))
    started = time.perf_counter()
    operations = operations_of(schema)
    report.operations = len(operations)
    for operation in operations:
        segment = operation.path.split("/")[3]
        names = re.findall(r"\{(\w+)\}", operation.path)
        record = {name: known[(segment, name)] for name in names if (segment, name) in known}
        for who, token in personas.items():
            for mode in MODES:
                _fuzz_one(operation, who, token, mode, max_examples, report)()
            if names and len(record) == len(names):
                _fuzz_one(operation, who, token, MODES[0], max_examples, report, record)()
    report.seconds = time.perf_counter() - started
    return report


def _fuzz_one(
    operation: Any, who: str, token: str, mode: Any, max_examples: int, report: FuzzReport,
    path_parameters: dict[str, Any] | None = None,
) -> Callable[[], None]:
    @settings(
        max_examples=max_examples,
        derandomize=True,  # the same requests on every run: CI does not depend on luck
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # failures are collected, so nothing to shrink
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def one(case: Any) -> None:
        report.cases += 1
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as exc:
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                key = (operation.label, who, f"{failure.code} {failure.title}")
                report.failures.setdefault(
                    key, f"{failure.message[:600]}\n{case.as_curl_command(headers={'Authorization': '…'})[:600]}"
                )

    return one  # type: ignore[no-any-return]
