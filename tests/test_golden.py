"""Pinned reference outputs: the SHA-256 of every output CSV for each golden case.

These fail on any change to the random draws, the order of events or the
arithmetic, which the behavioural tests (directions, conservation,
determinism) cannot see.  When a change of behaviour is intended, regenerate
with ``python tests/golden/regen.py`` and state the reason in the commit.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.modules.pop("cases", None)
GOLDEN = Path(__file__).with_name("golden")

from importlib.util import module_from_spec, spec_from_file_location  # noqa: E402

_spec = spec_from_file_location("golden_cases", GOLDEN / "cases.py")
assert _spec is not None and _spec.loader is not None
cases = module_from_spec(_spec)
_spec.loader.exec_module(cases)

REFERENCE = cases.load_reference()


def test_reference_covers_every_case():
    assert sorted(REFERENCE) == sorted(cases.CASES)


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_outputs_match_reference(name):
    got = cases.outputs(cases.CASES[name])
    want = REFERENCE[name]
    assert got["replications"] == want["replications"]
    for key, value in want["means"].items():
        assert math.isclose(got["means"][key], value, rel_tol=0, abs_tol=0) or (
            math.isnan(value) and math.isnan(got["means"][key])
        ), (key, got["means"][key], value)
    assert got["sha256"] == want["sha256"], f"{name}: outputs changed (regenerate only for an intended change)"
