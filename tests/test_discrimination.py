"""The discrimination check counts only validation patterns that could fail, and says where they fail.

Synthetic tables (no model run): a pattern discriminates when it fails with a
measurement on the no-intervention arm or a knockout; unmeasurable arms show
nothing; calibration targets, inputs and the claim are never counted.
"""

from __future__ import annotations

import math

import pytest

from sim.analysis.discrimination import DEFAULTS, NO_INTERVENTION, clear_failure, count, discrimination
from sim.analysis.patterns import by_name

VALID = by_name("displacement_abroad")  # validation, allowed 0.01..0.5
CALIB = by_name("raids_july_2025")  # calibration
INPUT = by_name("nationalities")  # input
CLAIM = by_name("activity_returns")  # claim


def r(mean: float, lo: float | None = None, hi: float | None = None, ok: bool = True, n: int = 3, never: int = 0) -> dict:
    lo = mean if lo is None else lo
    hi = mean if hi is None else hi
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n, "never": never, "pass": ok}


NAN = r(math.nan, math.nan, math.nan, ok=False, n=0)


def table(**arms: dict) -> dict:
    return {DEFAULTS: arms.pop(DEFAULTS), **arms}


def test_a_validation_pattern_failing_under_a_knockout_is_counted():
    t = table(defaults={VALID.name: r(0.2)}, no_relocation={VALID.name: r(0.0, ok=False)}, no_growth={VALID.name: r(0.2)})
    d = discrimination(t, [VALID])[VALID.name]
    assert d["fails_on"] == ["no_relocation"] and d["clear"] == ["no_relocation"]
    assert d["discriminates"] and d["counted"] and d["passes_defaults"]


def test_failing_on_the_no_intervention_arm_discriminates():
    t = table(defaults={VALID.name: r(0.2)}, **{NO_INTERVENTION: {VALID.name: r(0.7, ok=False)}})
    assert discrimination(t, [VALID])[VALID.name]["fails_on"] == [NO_INTERVENTION]


def test_a_pattern_that_passes_everywhere_discriminates_nothing():
    t = table(defaults={VALID.name: r(0.2)}, no_warnings={VALID.name: r(0.3)}, **{NO_INTERVENTION: {VALID.name: r(0.1)}})
    d = discrimination(t, [VALID])[VALID.name]
    assert not d["discriminates"] and not d["counted"] and d["fails_on"] == []


def test_nothing_to_measure_is_not_discrimination():
    # no raid on the no-intervention run: the pattern fails for want of a value, which shows nothing
    t = table(defaults={VALID.name: r(0.2)}, **{NO_INTERVENTION: {VALID.name: NAN}})
    d = discrimination(t, [VALID])[VALID.name]
    assert d["not_measured"] == [NO_INTERVENTION] and not d["discriminates"] and not d["counted"]


def test_a_duration_that_never_ended_is_a_clear_measured_failure():
    p = by_name("labour_refilled_within_weeks")
    t = table(defaults={p.name: r(6.0)}, no_recruitment={p.name: r(math.nan, ok=False, n=0, never=3)})
    d = discrimination(t, [p])[p.name]
    assert d["fails_on"] == ["no_recruitment"] and d["clear"] == ["no_recruitment"] and d["counted"]


@pytest.mark.parametrize("p", [CALIB, INPUT, CLAIM], ids=lambda p: p.role)
def test_calibration_targets_inputs_and_the_claim_are_never_counted(p):
    t = table(defaults={p.name: r(1.0)}, no_warnings={p.name: r(-1e9, ok=False)}, no_growth={p.name: r(1e9, ok=False)})
    d = discrimination(t, [p])[p.name]
    assert d["discriminates"] and not d["counted"]
    assert count({p.name: d})["counted"] == 0


def test_marginal_failures_are_told_apart_from_clear_ones():
    t = table(
        defaults={VALID.name: r(0.2)},
        no_warnings={VALID.name: r(0.55, 0.45, 0.65, ok=False)},  # CI reaches into 0.01..0.5
        no_growth={VALID.name: r(0.8, 0.7, 0.9, ok=False)},
    )
    d = discrimination(t, [VALID])[VALID.name]
    assert d["marginal"] == ["no_warnings"] and d["clear"] == ["no_growth"]
    assert clear_failure(VALID, r(0.6, math.nan, math.nan, ok=False))  # one replication: the mean decides


def test_a_pattern_the_defaults_fail_is_reported_as_such():
    t = table(defaults={VALID.name: r(0.9, ok=False)}, no_relocation={VALID.name: r(0.0, ok=False)})
    d = discrimination(t, [VALID])[VALID.name]
    assert d["counted"] and not d["passes_defaults"]
    c = count({VALID.name: d})
    assert (c["counted"], c["counted_passing"]) == (1, 0)


def test_a_pattern_missing_from_an_arm_is_not_applicable_there():
    p = by_name("growth_between_crackdowns")  # measured without intervention: no no_intervention cell
    t = table(defaults={p.name: r(0.3)}, **{NO_INTERVENTION: {}})
    assert discrimination(t, [p])[p.name]["fails_on"] == []


def test_count_summarises_roles():
    pats = [VALID, by_name("bosses_escape"), CALIB, INPUT]
    t = table(
        defaults={p.name: r(0.0) for p in pats},
        no_relocation={
            VALID.name: r(0.9, ok=False),
            by_name("bosses_escape").name: r(0.0),
            CALIB.name: r(0, ok=False),
            INPUT.name: r(0, ok=False),
        },
    )
    c = count(discrimination(t, pats))
    assert c == {"validation": 2, "counted": 1, "counted_passing": 1, "not_discriminating": 1, "not_counted_roles": 2}


def test_a_table_without_the_defaults_is_refused():
    with pytest.raises(ValueError, match="defaults"):
        discrimination({"no_growth": {}}, [VALID])
