"""The counterfactual arm (issue 10 item 7): the same replication without the intervention, and metrics against it.

Replication k of an intervention scenario is paired with replication k of the
same config whose scenario is empty (common random numbers); the ``*_cf``
columns compare the two.  A scenario compared with itself must give exactly
1, the paired arm must be exactly a baseline run, and a raid wave must cost
revenue against it.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sim import compose, run
from sim.analysis.counterfactual import CF_COLUMNS, counterfactual_metrics, empty_scenario, has_interventions
from sim.config.schema import ScenarioConf
from sim.model import ReplicationResult

SHORT = ["world=small", "horizon_days=560", "figure=false", "progress=false"]


def _scenario_with(name: str) -> ScenarioConf:
    """A scenario whose only intervention is one (dummy) entry in field ``name``."""
    scen = ScenarioConf(name="x")
    value = getattr(scen, name)
    filled = [object()] if isinstance(value, list) else {"one": object()}
    return dataclasses.replace(scen, **{name: filled})


LIST_FIELDS = [
    f.name for f in dataclasses.fields(ScenarioConf) if isinstance(getattr(ScenarioConf(name="x"), f.name), (list, dict))
]


def test_every_intervention_list_counts_and_is_emptied():
    """has_interventions checks every list/dict field of ScenarioConf, so kinds added later count without a code change."""
    assert {"campaigns", "cuts", "protector_removals", "boss_actions", "border_closures"} <= set(LIST_FIELDS)
    assert not has_interventions(ScenarioConf(name="baseline"))
    for name in LIST_FIELDS:
        scen = _scenario_with(name)
        assert has_interventions(scen), name
        empty = empty_scenario(scen)
        assert not has_interventions(empty), name
        assert empty.name == "counterfactual"


def test_a_new_kind_of_intervention_counts_too():
    """A subclass with a new list field (as the model engineer adds kinds) is covered generically."""
    Extended = dataclasses.make_dataclass(
        "Extended", [("new_measures", list, dataclasses.field(default_factory=list))], bases=(ScenarioConf,)
    )
    scen = Extended(name="x", new_measures=[1])
    assert has_interventions(scen)
    assert not has_interventions(empty_scenario(scen))


def test_baseline_runs_no_arm_and_crackdown_runs_one():
    base = run(compose([*SHORT, "scenario=baseline", "replications=1"]))
    assert base.counterfactual is None
    assert set(base.timeseries["arm"]) == {"scenario"}
    assert all(math.isnan(base.summaries[0][c]) for c in CF_COLUMNS)


@pytest.fixture(scope="module")
def crackdown():
    return run(compose([*SHORT, "scenario=crackdown_2025", "seed=4"]), replications=2, first_replication=3)


def test_the_arm_of_replication_k_is_a_baseline_run_of_replication_k(crackdown):
    """Same seed and index: the counterfactual arm is bit for bit the baseline scenario's replication."""
    base = run(compose([*SHORT, "scenario=baseline", "seed=4"]), replications=2, first_replication=3)
    assert crackdown.counterfactual is not None
    for cf, b in zip(crackdown.counterfactual, base.replications, strict=True):
        assert cf.replication == b.replication
        for name, values in b.series.items():
            np.testing.assert_array_equal(cf.series[name], values, err_msg=name)
        assert cf.events == b.events
        assert cf.compound_changes == b.compound_changes


def test_timeseries_has_the_arm_column_after_replication(crackdown):
    ts = crackdown.timeseries
    assert ts.dtype.names[:3] == ("replication", "arm", "day")
    arms = ts["arm"]
    half = arms.size // 2
    assert set(arms[:half]) == {"scenario"} and set(arms[half:]) == {"counterfactual"}  # the arm's rows follow
    np.testing.assert_array_equal(ts["replication"][:half], ts["replication"][half:])


def test_self_comparison_gives_exactly_one():
    """scenario=baseline with the arm forced: both arms are the same run, so every ratio is exactly 1."""
    study = run(compose([*SHORT, "scenario=baseline", "replications=2"]), counterfactual=True)
    assert study.counterfactual is not None
    for s in study.summaries:
        assert s["final_frac_cf"] == 1.0
        assert s["frac_cf_1y"] == 1.0
        assert s["host_final_frac_cf"] == 1.0
        assert s["recovery_days_cf"] == 0.0
        assert s["revenue_lost_days_cf"] == 0.0
        assert math.isnan(s["displacement_ratio"])  # nothing was lost anywhere
    st = study.stats["final_frac_cf"]
    assert st["mean"] == st["ci_low"] == st["ci_high"] == 1.0


def test_an_intervention_that_does_nothing_gives_exactly_one():
    """A border closed between two countries no route crosses (Laos-Vietnam; the small world's sites are in Cambodia
    and Myanmar) changes no draw and no flow: the arm runs, and the ratio is exactly 1."""
    study = run(
        compose(
            [
                *SHORT,
                "scenario=baseline",
                "replications=1",
                "scenario.border_closures=[{countries: [Laos, Vietnam], day: 10}]",
            ]
        )
    )
    assert study.counterfactual is not None  # an intervention, so the arm runs
    assert study.summaries[0]["final_frac_cf"] == 1.0


def test_counterfactual_false_runs_no_arm():
    study = run(compose([*SHORT, "scenario=crackdown_2025", "replications=1", "counterfactual=false"]))
    assert study.counterfactual is None
    assert set(study.timeseries["arm"]) == {"scenario"}
    for c in CF_COLUMNS:
        assert math.isnan(study.summaries[0][c]), c
        assert study.stats[c]["n"] == 0


def test_crackdown_costs_revenue_against_the_counterfactual():
    """The July 2025 wave on the small world: revenue lost against the arm (CI above 0), one year on not above it."""
    study = run(compose([*SHORT, "scenario=crackdown_2025", "replications=8", "seed=1"]))
    lost, one_year = study.stats["revenue_lost_days_cf"], study.stats["frac_cf_1y"]
    assert lost["ci_low"] > 0, lost
    assert one_year["mean"] < 1.0 and one_year["ci_low"] < 1.0, one_year
    assert study.stats["recovery_days_cf"]["mean"] > 0


def _fake(revenue: np.ndarray) -> ReplicationResult:
    """A replication with the given (days, sites) revenue and nothing else."""
    days, sites = revenue.shape
    series = {"revenue_usd": revenue.astype(float)}
    return ReplicationResult(
        replication=0,
        site_names=[f"s{i}" for i in range(sites)],
        series=series,
        status_counts=np.zeros((days, 1)),
        events=[],
        boss_names=[],
        ledger=[],
        compound_changes=[],
        initial_status=np.zeros(1),
        compound_log=[np.zeros(0)],
        nationalities=[],
        arrests_by_nationality=np.zeros(0),
        compounds_founded=0,
    )


def test_metric_definitions_on_made_up_series(small):
    """Hand-computed values: a 50% dip for 100 days at site 0, and displacement to site 1 over days 90-240."""
    config = small("scenario=baseline", "horizon_days=600")
    t0 = config.intervention_day
    days = config.horizon_days
    cf = np.full((days, 2), 100.0)
    scen = cf.copy()
    scen[t0 : t0 + 100, 0] = 50.0  # site 0 loses 50/day for 100 days
    scen[t0 + 90 : t0 + 240, 1] = 110.0  # site 1 gains 10/day over the displacement window
    got = counterfactual_metrics(_fake(scen), _fake(cf), config, host=np.array([0]))
    assert got["final_frac_cf"] == 1.0
    assert got["host_final_frac_cf"] == 1.0
    # lost: 50/day for 100 days at site 0 (site 1's gain only offsets it where the two overlap: days 90-99)
    assert got["revenue_lost_days_cf"] == pytest.approx((50 * 90 + 40 * 10) / 200.0)
    # displacement over [90, 240): site 0 lost 50 x 10 days, site 1 gained 10 x 150 days
    assert got["displacement_ratio"] == pytest.approx(1500 / 500)
    # the 7-day ratio falls to 0.75 (150 / 200); on day 102 the window holds 4 days at 160 and 3 at 210:
    # 1270 / 7 / 200 = 0.907 >= 0.9 (day 101: 1220 / 7 / 200 = 0.871)
    assert got["recovery_days_cf"] == 102.0
    assert got["frac_cf_1y"] == 1.0
