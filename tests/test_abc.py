"""The ABC-SMC engine's parts: targets from the registry, the distance, the particle's streams."""

from __future__ import annotations

import math

import pytest

from sim.analysis.patterns import CALIBRATION, VALIDATION
from sim.config.compose import compose_dictconfig
from sim.runs.abc import WaveModel, alias, distance, replication_of, targets
from sim.runs.calibration import weighted_quantile, weighted_sd


def test_targets_are_the_calibration_patterns_of_the_wave_and_no_validation_pattern():
    tg = targets()
    wave = {p.name for p in CALIBRATION if p.scenario == "crackdown"}
    assert set(tg) == wave and len(tg) == 7
    assert not set(tg) & {p.name for p in VALIDATION}
    t = tg["locations_first_three_weeks"]
    assert (t.centre, t.scale) == (43.0, 6.0)  # the middle and half-width of the registry's 37..49


def test_distance_is_rms_in_half_widths():
    scales = {"a": 2.0, "b": 10.0}
    assert distance({"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 0.0}, scales) == 0.0
    assert distance({"a": 3.0, "b": 10.0}, {"a": 1.0, "b": 0.0}, scales) == pytest.approx(1.0)  # both at the edge
    assert distance({"a": 5.0, "b": 0.0}, {"a": 1.0, "b": 0.0}, scales) == pytest.approx(math.sqrt(4 / 2))
    assert distance({"a": math.nan, "b": 0.0}, {"a": 1.0, "b": 0.0}, scales) == math.inf


def test_a_particle_always_gets_the_same_replication_and_others_differ():
    names = ["x", "y"]
    a = replication_of({"x": 0.1, "y": 2.0}, names)
    assert a == replication_of({"y": 2.0, "x": 0.1}, names)
    assert a != replication_of({"x": 0.1000001, "y": 2.0}, names)
    assert 0 <= a < 2**31
    assert alias("scenario.campaigns.july_2025.peak_raid_rate") == "peak_raid_rate"


def test_the_wave_model_sets_the_particle_and_is_deterministic():
    base = compose_dictconfig(["world=small", "scenario=crackdown_2025", "horizon_days=340", "counterfactual=false"])
    keys = ["raids.arrest_prob_present", "scenario.campaigns.july_2025.peak_raid_rate"]
    model = WaveModel(base, keys, targets())
    cfg = model.config({"arrest_prob_present": 0.55, "peak_raid_rate": 9.0})
    assert cfg.raids.arrest_prob_present == 0.55 and cfg.scenario.campaigns["july_2025"].peak_raid_rate == 9.0
    p = {"arrest_prob_present": 0.55, "peak_raid_rate": 9.0}
    assert model(p) == model(p)
    low = model.summary({"arrest_prob_present": 0.55, "peak_raid_rate": 1.0}, 3)
    high = model.summary({"arrest_prob_present": 0.55, "peak_raid_rate": 9.0}, 3)
    assert high["raids_july_2025"] > low["raids_july_2025"]  # the particle reaches the model
    with pytest.raises(ValueError, match="distinct"):
        WaveModel(base, ["raids.deflect_max", "other.deflect_max"], targets())


def test_weighted_summaries():
    import numpy as np

    x = np.array([0.0, 1.0, 2.0, 10.0])
    w = np.array([0.25, 0.25, 0.5, 0.0])
    assert weighted_quantile(x, w, 0.5) == 1.0
    assert weighted_sd(x, w) == pytest.approx(math.sqrt(0.25 * 1.25**2 + 0.25 * 0.25**2 + 0.5 * 0.75**2))
