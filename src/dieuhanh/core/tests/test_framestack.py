"""A request's frames stay in one chunk of the interpreter's frame stack (core/framestack.py).

The outcome is counted in the memory the process asks of the system: a chunk given back and taken
again is fresh memory, so a call across a chunk's end costs minor page faults every time."""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from dieuhanh.core import framestack
from dieuhanh.core.logs import RequestIdMiddleware

CALLS = 300


def _leaf(a: int = 1, b: int = 2, c: int = 3, d: int = 4) -> int:
    return a


def _at_depth(n: int, fn: Callable[[], int]) -> int:
    return fn() if n == 0 else _at_depth(n - 1, fn)


def _calls_faults() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(CALLS):
        _leaf()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _worst_depth(_: object = None) -> int:
    """The most page faults a loop of calls costs, over depths covering three 16 KiB chunks."""
    return max(_at_depth(depth, _calls_faults) for depth in range(0, 360))


@pytest.fixture
def deep_enough():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 2000))
    yield
    sys.setrecursionlimit(limit)


def test_calls_across_a_chunk_end_take_memory_each_time_without_it(deep_enough):
    """The fault the module works around, shown where it exists (a Python that keeps a spare chunk skips)."""
    worst = _worst_depth()
    if worst < CALLS:
        pytest.skip("this Python keeps its frame stack's chunks: nothing to work around")
    assert worst >= CALLS


def test_calls_under_run_take_no_memory_at_any_depth(deep_enough):
    assert framestack.run(_worst_depth, None) < CALLS // 10


def test_a_request_runs_under_it():
    """The outermost middleware runs the view below `framestack.run`."""
    seen: list[bool] = []

    def view_sees(request):
        seen.append(any(f.f_code.co_name == "run" and f.f_code.co_filename.endswith("framestack.py:run")
                        for f in _frames()))
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view_sees)
    middleware(RequestFactory().get("/"))
    assert seen == [True]


def _frames():
    frame = sys._getframe()
    while frame is not None:
        yield frame
        frame = frame.f_back

