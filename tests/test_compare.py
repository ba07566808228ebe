"""Common random numbers and paired comparisons.

Scenarios compared at the same seed share their random draws wherever they
do not differ; the paired difference of a metric should then be exactly zero
for a scenario against itself and have a narrower CI than an unpaired one.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import compose, run
from sim.analysis.compare import paired, welch_ci
from sim.analysis.counterfactual import intervention_start

BASE = ["world=small", "horizon_days=540", "progress=false", "counterfactual=false"]  # pairing across runs, not arms


@pytest.fixture(scope="module")
def crackdown():
    return run(compose([*BASE, "scenario=crackdown_2025", "replications=12"]))


@pytest.fixture(scope="module")
def baseline():
    return run(compose([*BASE, "scenario=baseline", "replications=12"]))


def test_a_scenario_against_itself_differs_by_exactly_zero(crackdown):
    """Rerunning at the same seed reproduces every draw: all paired differences are 0 with a zero-width CI."""
    again = run(compose([*BASE, "scenario=crackdown_2025", "replications=12"]))
    for row in paired(crackdown, again):
        if row["n_pairs"]:
            assert row["diff"] == 0.0, row["metric"]
            assert row["ci_low"] == row["ci_high"] == 0.0, row["metric"]


def test_pairing_narrows_the_confidence_interval(baseline, crackdown):
    """Baseline vs crackdown: where both arms share draws (worker flows), the paired CI is much narrower than Welch's.

    Revenue two years on decorrelates between arms (growth fills the room at
    different times), so pairing gains little there; that is reported by the
    width ratio, not asserted.
    """
    rows = {r["metric"]: r for r in paired(baseline, crackdown, ["went_home", "retrafficked"])}
    for metric in ("went_home", "retrafficked"):
        assert rows[metric]["width_ratio"] < 0.6, rows[metric]
    # the warm-up is shared: revenue is identical in both runs until the first campaign starts, and only then parts
    start = intervention_start(crackdown.config)
    assert start == crackdown.config.intervention_day - 19  # the June 2025 campaign, 19 days before the directive
    for a, b in zip(baseline.replications, crackdown.replications, strict=True):
        assert np.array_equal(a.revenue[:start], b.revenue[:start])
    assert any(
        not np.array_equal(a.revenue[start:], b.revenue[start:])
        for a, b in zip(baseline.replications, crackdown.replications, strict=True)
    )


def test_crackdown_lowers_revenue_in_the_host_country(baseline, crackdown):
    """The raid wave costs revenue in Cambodia relative to no intervention (paired CI below zero)."""
    (row,) = paired(baseline, crackdown, ["revenue_lost_days"])
    assert row["ci_low"] > 0, row


def test_paired_comparison_refuses_different_seeds(crackdown):
    other = run(compose([*BASE, "scenario=crackdown_2025", "replications=2", "seed=99"]))
    with pytest.raises(ValueError, match="same seed"):
        paired(crackdown, other)


def test_welch_ci_matches_a_textbook_case():
    """Welch's interval for two samples with known moments (checked against scipy.stats)."""
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 15), rng.normal(0.5, 2, 9)
    lo, hi = welch_ci(a, b)
    res = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert lo == pytest.approx(res.low) and hi == pytest.approx(res.high)


def test_auto_replications_stop_at_the_precision_target():
    """replications=auto adds batches until the CI half-width of the metric is within the target."""
    cfg = compose([*BASE, "scenario=baseline", "replications=auto", "precision.metric=final_frac", "precision.half_width=0.03"])
    result = run(cfg)
    s = result.stats["final_frac"]
    n = len(result.replications)
    assert (s["ci_high"] - s["ci_low"]) / 2 <= 0.03 or n == cfg.precision.max_replications
    assert n >= cfg.precision.min_replications
    # one batch fewer would not have met it (otherwise the loop would have stopped there)
    if n > cfg.precision.min_replications:
        fewer = run(cfg, replications=n - cfg.precision.batch)
        f = fewer.stats["final_frac"]
        assert (f["ci_high"] - f["ci_low"]) / 2 > 0.03
