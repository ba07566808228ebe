"""The uncertainty study: the arms it runs and how it splits variance into seed and parameter parts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.runs.experiment import load_study
from sim.runs.uncertainty import arm_overrides, variance_split


def test_only_the_draws_arm_runs_posterior_draws_and_campaign_keys_only_on_the_calibrated_wave(tmp_path):
    study = load_study("uncertainty", quick=True)
    draws = tmp_path / "d.csv"
    med = arm_overrides(study, "crackdown_2025", "point", draws)
    assert not any(o.startswith("uncertainty.") for o in med)
    assert f"uncertainty.draws={draws}" in arm_overrides(study, "crackdown_2025", "draws", draws)
    assert "uncertainty.keys=all" in arm_overrides(study, "crackdown_2025", "draws", draws)
    assert "uncertainty.keys=world" in arm_overrides(study, "sustained_pressure", "draws", draws)
    assert study.config.raids == load_study("scenarios").config.raids  # both studies run the calibrated world


def test_variance_split_finds_a_parameter_part_only_when_there_is_one():
    rng = np.random.default_rng(1)
    seed = rng.normal(0, 1, 2000)
    same = rng.normal(0, 1, 2000)
    wider = rng.normal(0, 2, 2000)  # var 4 = 1 seed + 3 parameters
    s = variance_split(seed, wider)
    assert s["parameter_share"] == pytest.approx(0.75, abs=0.05) and s["p_value"] < 1e-6
    n = variance_split(seed, same)
    assert abs(n["parameter_share"]) < 0.12 and n["p_value"] > 0.01
    assert np.isnan(variance_split(np.array([1.0, np.nan]), wider)["parameter_share"])


@pytest.mark.slow
def test_quick_study_writes_both_arms(tmp_path, run_experiment):
    from pathlib import Path

    post = tmp_path / "post.csv"
    post.write_text("raids.arrest_prob_present,raids.warning_base,weight\n0.15,0.5,0.5\n0.55,0.1,0.5\n")
    out = tmp_path / "out"
    run_experiment("uncertainty.py", "--quick", "--draws", str(post), "--out", str(out))
    data = json.loads((out / "uncertainty.json").read_text())
    for metrics in data["results"].values():
        for e in metrics.values():
            assert set(e) >= {"point", "draws", "parameter_share", "p_value"}
    assert Path(out / "uncertainty.md").read_text().count("| crackdown_2025 |") == 4
