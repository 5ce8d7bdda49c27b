"""Who signed in, read cheaply on every request.

Every page and poll of a signed-in officer reads the session row and the user row. Django reads
both through the ORM: building and compiling the two queries, then building a model, cost more
than running them (the load benchmark, bench/bench_load.py). Here:

- `SessionStore` (SESSION_ENGINE) reads the session's data by a fixed SQL statement, the same
  row and the same expiry test as Django's database sessions; writing is Django's.
- `UserBackend` (AUTHENTICATION_BACKENDS) keeps, per process, the user rows it read, under the
  stamp `users` (core/generations.py), which the database moves on any insert, delete, or update
  of a column but the time of the last sign-in, from any process, command or SQL. A password
  changed, an account closed or its person changed is read again on the next request; each
  request gets its own copy of the row. An API token's user is read the same way
  (core/tokens.py). Django still checks the session's password hash against
  that row on every request (`django.contrib.auth.get_user`)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.utils import timezone

from dieuhanh.core import fixedsql, generations


def watch_users() -> None:
    """The stamp `users` moves with every insert and delete of a user, and every update of a
    column but `last_login` (a sign-in writes it alone: it does not change who the user is, and
    moving the stamp then would read every user again at each sign-in). Called in core's ready."""
    model = get_user_model()
    columns = tuple(f.column for f in model._meta.concrete_fields if f.name != "last_login" and f.column)
    generations.watch("users", model._meta.db_table, columns=columns)


class SessionStore(db.SessionStore):
    """Django's database sessions, their row read by one fixed statement."""

    def load(self) -> dict[str, Any]:
        key = self.session_key
        if not key:
            self._session_key = None
            return {}
        row = fixedsql.read_row(self.model, "session_data", "session_key = %s AND expire_date > %s",
                                [key, timezone.now()])
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key is not kept
            return {}
        return self.decode(row[0])  # type: ignore[no-any-return]


_kept: generations.Kept[Any] | None = None


def _users() -> generations.Kept[Any]:
    global _kept
    if _kept is None:
        _kept = generations.Kept("users", limit=5_000)
    return _kept


def user_by_id(user_id: Any) -> Any:
    """The user `user_id` (a number, or its text as a session keeps it), read once per process
    while the `users` stamp stands: a copy of its own for the caller (what a request caches on its
    user stays there), or None when there is no such user. Closed accounts are returned: the
    caller decides (`is_active`)."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except ValidationError:  # a session's id that is no id: nobody
        return None

    def read() -> Any:
        return model._default_manager.filter(pk=pk).first()

    kept = _users().get(pk, read)
    return None if kept is None else copy.copy(kept)


class UserBackend(ModelBackend):
    """Django's model backend (passwords, `is_active`), whose `get_user` reads a user's row once
    per process while the `users` stamp stands (`user_by_id`)."""

    def get_user(self, user_id: Any) -> Any:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
