"""Things read once per page rather than once per use: the stamps of slowly changing data
(core.generations: the unit tree, the announced calendar days, role grants, enrolments).

They are checked against the database each time they are used, so that a change made in another
process shows at once; a list page used them several times each (the rows' scope, the deadlines
of each row, the filter's units), identical queries each. Within one reading request
(GET, HEAD, OPTIONS), the first answer is kept for the rest of the request (`begin` and `end`,
called by core.logs.RequestIdMiddleware, the first middleware, rather than by a middleware of
their own: each level of middleware deepens the stack every template renders on):

    requestmemo.memo(key, compute) -> compute() once per request (every time outside one)
    requestmemo.forget(key)        -> the next use reads again

What it keeps is read again at the next request, so nothing is older than the page being drawn.
A request that writes (POST and the like) keeps nothing: it may change units or the calendar and
then read them. A save or delete of the data behind a key forgets it at once (the keys' owners
connect their models' signals), for the rare reading request that writes.

The memo lives in a context variable: each thread (gunicorn's threads, the test client) and each
request has its own."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("dieuhanh_request_memo", default=None)

READING = frozenset({"GET", "HEAD", "OPTIONS"})


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, kept for the rest of the current reading request (not kept outside one)."""
    store = _memo.get()
    if store is None:
        return compute()
    if key in store:
        return store[key]  # type: ignore[no-any-return]
    value = compute()
    store[key] = value
    return value


def forget(key: Hashable) -> None:
    """The next `memo(key, …)` of this request reads again."""
    store = _memo.get()
    if store is not None:
        store.pop(key, None)


@contextmanager
def kept() -> Iterator[None]:
    """Keep what `memo` reads until the block ends (a reading request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def begin(method: str | None) -> Token[dict[Hashable, Any] | None]:
    """A request starts (core.logs.RequestIdMiddleware, first of the middleware): a reading one
    keeps what `memo` reads, a writing one nothing. Pass what it returns to `end`."""
    return _memo.set({} if method in READING else None)


def end(token: Token[dict[Hashable, Any] | None]) -> None:
    """The request ends: nothing it read is kept any longer."""
    _memo.reset(token)
