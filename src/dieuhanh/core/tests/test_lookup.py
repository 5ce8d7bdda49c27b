"""The lookup code as typed: one normalisation for petitions and dossiers alike."""

from __future__ import annotations

import pytest

from dieuhanh.core import lookup


@pytest.mark.parametrize("typed", ["7KQ2M9XHTA", "7kq2m9xhta", " 7KQ2M 9XHTA ", "7KQ2M-9XHTA", "7kq2m–9xhta",
                                   "7KQ2M.9XHTA", "7KQ2M\u00a09XHTA", "7KQ2M/9XHTA", "7KQ2M_9XHTA", "\t7KQ-2M9-XHTA\n"])
def test_separators_and_case_are_forgiven(typed):
    assert lookup.normalise_code(typed) == "7KQ2M9XHTA"


def test_nothing_typed_is_nothing():
    assert lookup.normalise_code(None) == lookup.normalise_code("  - ") == ""


def test_a_code_prints_in_two_groups():
    assert lookup.grouped("7KQ2M9XHTA") == "7KQ2M-9XHTA"
    assert lookup.normalise_code(lookup.grouped("7KQ2M9XHTA")) == "7KQ2M9XHTA"
