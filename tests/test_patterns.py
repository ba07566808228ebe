"""The pattern registry declares, for every pattern, what makes it evidence or not.

Each pattern must have a role (validation, calibration, input or claim),
sources that exist in docs/sources.md, a time window and a two-sided range;
the July 2025 wave's calibration targets and the model's inputs must not be
validation patterns.  These tests run no model.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.pattern_spec import COUNTED_ROLE, MAX_LEAD_DAYS, ROLES, SCENARIOS, Pattern
from sim.analysis.patterns import PATTERNS, by_name

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = set(re.findall(r'<a id="([^"]+)"></a>', (ROOT / "docs" / "sources.md").read_text()))
#: The July 2025 wave's figures that set the model (issue 12): never validation.
WAVE_TARGETS = (
    "raids_july_2025",
    "arrests_july_2025",
    "detained_first_three_weeks",
    "locations_first_three_weeks",
    "detained_to_22_july",
    "locations_to_22_july",
    "sealed_six_months",
    "arrests_seven_months",
    "low_level_arrests",
)


def _pattern(**changes: object) -> Pattern:
    base = by_name("displacement_abroad")
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize("p", PATTERNS, ids=[p.name for p in PATTERNS])
def test_every_pattern_declares_role_sources_window_and_two_sided_range(p):
    assert p.role in ROLES, f"{p.name}: role missing or unknown"
    assert p.scenario in SCENARIOS
    assert p.sources and all(s.removeprefix("#") in ANCHORS for s in p.sources), f"{p.name}: {p.sources} not in docs/sources.md"
    a, b = p.window
    assert -MAX_LEAD_DAYS <= a < b
    assert math.isfinite(p.lo) and math.isfinite(p.hi) and p.lo < p.hi
    assert p.basis and p.citation and p.window_note and p.observed
    if p.role != COUNTED_ROLE:
        assert p.why, f"{p.name}: a {p.role} pattern must say why it is not evidence"


def test_names_are_unique():
    names = [p.name for p in PATTERNS]
    assert len(names) == len(set(names))


def test_a_pattern_without_a_role_cannot_be_made():
    fields = {f.name: getattr(by_name("displacement_abroad"), f.name) for f in dataclasses.fields(Pattern)}
    del fields["role"]
    with pytest.raises(TypeError):
        Pattern(**fields)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="role"):
        _pattern(role="")
    with pytest.raises(ValueError, match="role"):
        _pattern(role="validated")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lo": -math.inf}, "two-sided"),
        ({"hi": math.inf}, "two-sided"),
        ({"lo": 0.5, "hi": 0.5}, "two-sided"),
        ({"window": (30, 30)}, "window"),
        ({"window": (-61, 30)}, "window"),  # more than MAX_LEAD_DAYS before day 0
        ({"sources": ()}, "anchors"),
        ({"sources": ("CNA Aug 2025",)}, "anchors"),
        ({"scenario": "somewhere"}, "scenario"),
        ({"role": "calibration", "why": ""}, "why"),
        ({"basis": ""}, "basis"),
    ],
)
def test_incomplete_declarations_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        _pattern(**changes)


def test_calibration_targets_of_the_wave_are_not_validation():
    for name in WAVE_TARGETS:
        assert by_name(name).role == "calibration", name


def test_inputs_and_the_claim_are_not_validation():
    assert by_name("nationalities").role == "input"
    assert by_name("chinese_vietnamese_share").role == "input"
    assert by_name("activity_returns").role == "claim"
    assert not any(p.counted for p in PATTERNS if p.role != COUNTED_ROLE)


def test_windows_fit_the_run():
    import sim

    cfg = sim.compose(["world=small"])
    for p in PATTERNS:
        assert cfg.intervention_day + p.window[0] >= 30, p.name  # room for a 30-day level before it
        assert cfg.intervention_day + p.window[1] <= cfg.horizon_days, p.name


def test_the_july_counts_start_with_the_campaign_not_the_directive():
    # AP's 2,137 at 43 locations are "since June 27", 19 days before the directive (day 0), and so are the
    # later totals: their windows start where the scenario's first campaign starts
    import sim

    first = min(c.day for c in sim.compose(["scenario=crackdown_2025"]).scenario.campaigns.values())
    assert first == -19
    for name in WAVE_TARGETS:
        assert by_name(name).window[0] == first, name


def test_unknown_name_lists_the_registry():
    with pytest.raises(KeyError, match="displacement_abroad"):
        by_name("nope")


def test_measures_take_the_window():
    # a measure given the pattern's window: the values method passes it on
    seen = []
    p = _pattern(measure=lambda res, window: seen.append(window) or np.zeros(1))
    p.values(None)  # type: ignore[arg-type]
    assert seen == [p.window]
