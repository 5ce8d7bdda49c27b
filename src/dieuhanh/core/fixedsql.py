"""One row read by a fixed statement, for what every request asks (the session, an API token, a
rate counter): Django's ORM builds and compiles such a query on each request, which costs more
than the database takes to run it (docs/decisions/0048).

    read_row(Session, "session_data", "session_key = %s AND expire_date > %s", [key, timezone.now()])

The statement runs on the database the routers read `model` from; a datetime among `params` is
adapted as Django adapts it for the model's columns (naive UTC on SQLite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections, router
from django.db.models import Model


def read_row(model: type[Model], select: str, where: str, params: list[Any]) -> tuple[Any, ...] | None:
    """`SELECT <select> FROM <model's table> WHERE <where>` with `params`: its first row, or None.
    `select` and `where` are the caller's own constant text, never a value."""
    connection = connections[router.db_for_read(model)]
    adapt = connection.ops.adapt_datetimefield_value
    values = [adapt(p) if isinstance(p, dt.datetime) else p for p in params]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {select} FROM {table} WHERE {where}", values)  # noqa: S608 - constants and the model's table
        row = cur.fetchone()
    return None if row is None else tuple(row)
