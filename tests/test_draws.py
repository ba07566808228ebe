"""Posterior draws per replication: deterministic, weighted, shared by both arms, refused when bad."""

from __future__ import annotations

import numpy as np
import pytest

from sim import compose, run
from sim.analysis.counterfactual import intervention_start
from sim.config.errors import ConfigError
from sim.runs.draws import draw_index, draw_table, replication_config

BASE = ["world=small", "scenario=crackdown_2025", "horizon_days=340"]


@pytest.fixture
def draws(tmp_path):
    path = tmp_path / "draws.csv"
    path.write_text(
        "raids.arrest_prob_present,scenario.campaigns.july_2025.peak_raid_rate,operations.revenue_per_worker_day,weight\n"
        "0.1,2.0,300,0.25\n0.6,9.0,400,0.75\n"
    )
    return str(path)


def test_each_replication_runs_its_own_draw_chosen_by_weight(draws):
    cfg = compose([*BASE, f"uncertainty.draws={draws}"])
    table = draw_table(draws)
    picks = np.array([draw_index(cfg, k, table) for k in range(400)])
    assert 0.68 < picks.mean() < 0.82  # weight 0.75 on row 1
    assert [draw_index(cfg, k, table) for k in range(20)] == [draw_index(cfg, k, table) for k in range(20)]
    configured = compose(BASE).scenario.campaigns["july_2025"].peak_raid_rate
    assert configured not in (2.0, 9.0)
    for k in range(6):
        rc = replication_config(cfg, k)
        assert rc.raids.arrest_prob_present == (0.6 if picks[k] else 0.1)
        assert rc.scenario.campaigns["july_2025"].peak_raid_rate == configured  # keys=world leaves the scenario alone
    assert replication_config(compose(BASE), 3) == compose(BASE)  # no draws: the config itself


def test_the_draw_reaches_both_arms_and_changes_the_outcome(draws):
    cfg = compose([*BASE, f"uncertainty.draws={draws}", "uncertainty.keys=all", "replications=6"])
    table = draw_table(draws)
    res = run(cfg)
    rows = [draw_index(cfg, k, table) for k in range(6)]
    raids = [s["raids_30d"] for s in res.summaries]
    low = [r for r, i in zip(raids, rows, strict=True) if i == 0]
    high = [r for r, i in zip(raids, rows, strict=True) if i == 1]
    assert low and high and max(low) < min(high)  # peak rate 2 against 9
    # each replication is the same alone as in the batch
    again = run(cfg, replications=1, first_replication=4).summaries[0]
    assert again == res.summaries[4]
    assert res.counterfactual is not None and len(res.counterfactual) == 6
    # the paired no-intervention arm runs the same draw: revenue per worker-day 300 or 400 in both arms
    t0 = intervention_start(cfg)  # the June 2025 campaign: the arms part 19 days before the directive
    assert t0 == cfg.intervention_day - 19
    for k, i in enumerate(rows):
        ratio = res.counterfactual[k].revenue[:t0].sum() / res.replications[k].revenue[:t0].sum()
        assert ratio == pytest.approx(1.0), (k, i)  # identical warm-up: same draw, same streams
    warm = [res.counterfactual[k].revenue[t0 - 30 : t0].mean() for k in range(6)]
    assert min(w for w, i in zip(warm, rows, strict=True) if i == 1) > max(w for w, i in zip(warm, rows, strict=True) if i == 0)


def test_bad_draws_are_refused_before_the_run(tmp_path):
    with pytest.raises(ConfigError, match=r"uncertainty\.draws"):
        compose([*BASE, f"uncertainty.draws={tmp_path / 'missing.csv'}"])
    with pytest.raises(ConfigError, match=r"uncertainty\.keys"):
        compose([*BASE, "uncertainty.keys=some"])
    bad = tmp_path / "bad.csv"
    bad.write_text("raids.arrest_prob_present,weight\n0.3,-1\n")
    with pytest.raises(ConfigError, match="weights"):
        run(compose([*BASE, f"uncertainty.draws={bad}"]), replications=1)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("raids.no_such_key\n0.3\n")
    with pytest.raises(ConfigError, match="no_such_key"):
        run(compose([*BASE, f"uncertainty.draws={unknown}"]), replications=1)
    outside = tmp_path / "outside.csv"
    outside.write_text("raids.arrest_prob_present\n1.5\n")
    with pytest.raises(ConfigError, match="arrest_prob_present"):
        run(compose([*BASE, f"uncertainty.draws={outside}"]), replications=1)
