"""Room on the interpreter's frame stack for a whole request (docs/decisions/0043).

CPython 3.11 keeps the frames of Python functions on a per-thread stack made of 16 KiB chunks,
each obtained from the system (`mmap`) when a call does not fit in the current one and given
back (`munmap`) as soon as the frame at the start of a chunk returns. A loop that calls a
function whose frame falls across a chunk's end (a template rendering a row, at whatever depth
the middleware, the view and the includes put it) then asks the system for a fresh chunk on
every call: about 15 µs each (the call itself costs 40 ns), 60 times for a petition list, and
one more middleware layer moved the boundary to where it cost 190 times.

`run(fn, arg)` calls `fn(arg)` from a frame with enough local variables (never used) that the
interpreter gives it a 128 KiB chunk of its own: the frames of everything `fn` calls, about
60 KiB of them, fit in the room left in that chunk, so no chunk is taken and given back inside
the request. One chunk is taken per request instead. The outermost middleware
(core/logs.py `RequestIdMiddleware`) runs the request through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# 8,300 pointers (66 KiB) in the frame: more than half of 128 KiB, the smallest chunk size
# (16 KiB doubled) that holds it, so the frame starts a chunk of 128 KiB and leaves ~62 KiB free.
LOCALS = 8300

_names = " = ".join(f"_{i}" for i in range(LOCALS))
_source = f"def run(fn, arg):\n    if fn is None:\n        {_names} = None\n    return fn(arg)\n"
_namespace: dict[str, Any] = {}
exec(compile(_source, __file__ + ":run", "exec"), _namespace)  # noqa: S102 - our own text above
_run: Callable[[Callable[[Any], Any], Any], Any] = _namespace["run"]
del _names, _source, _namespace


def run(fn: Callable[[T], R], arg: T) -> R:
    """`fn(arg)`, its callees' frames in one chunk kept until it returns (see the module's docstring)."""
    return _run(fn, arg)  # type: ignore[no-any-return]
