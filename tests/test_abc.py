"""The ABC-SMC engine's parts: targets from the registry, the distance, the particle's streams."""

from __future__ import annotations

import math

import pytest

from sim.analysis.patterns import CALIBRATION, VALIDATION
from sim.config.compose import compose_dictconfig
from sim.runs.abc import ProbitModel, WaveModel, alias, distance, replication_of, targets, to_theta
from sim.runs.calibration import weighted_quantile, weighted_sd


def test_targets_are_the_calibration_patterns_of_the_wave_and_no_validation_pattern():
    tg = targets()
    wave = {p.name for p in CALIBRATION if p.scenario == "crackdown"}
    assert set(tg) == wave and len(tg) == 9
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


def test_aliases_are_distinct_when_last_parts_collide():
    keys = ["scenario.campaigns.june_2025.peak_raid_rate", "scenario.campaigns.july_2025.peak_raid_rate", "raids.deflect_max"]
    assert [alias(k, keys) for k in keys] == ["june_2025__peak_raid_rate", "july_2025__peak_raid_rate", "deflect_max"]


def test_the_probit_scale_keeps_the_uniform_prior_and_maps_into_the_box():
    import numpy as np

    z = np.random.default_rng(1).standard_normal(20_000)
    theta = np.array([to_theta(v, 2.0, 6.0) for v in z])
    assert theta.min() > 2.0 and theta.max() < 6.0
    assert np.histogram(theta, bins=4, range=(2.0, 6.0))[0] / theta.size == pytest.approx([0.25] * 4, abs=0.01)
    assert to_theta(0.0, 2.0, 6.0) == 4.0 and to_theta(-40.0, 2.0, 6.0) == 2.0 and to_theta(40.0, 2.0, 6.0) == 6.0
    seen = []
    probit = ProbitModel(seen.append, {"a": (2.0, 6.0), "b": (0.0, 1.0)})  # type: ignore[arg-type]
    probit({"a": 0.0, "b": 0.0})
    assert seen == [{"a": 4.0, "b": 0.5}]


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
        WaveModel(base, ["scenario.campaigns.a.x.rate", "scenario.campaigns.b.x.rate"], targets())  # same last two parts


def test_weighted_summaries():
    import numpy as np

    x = np.array([0.0, 1.0, 2.0, 10.0])
    w = np.array([0.25, 0.25, 0.5, 0.0])
    assert weighted_quantile(x, w, 0.5) == 1.0
    assert weighted_sd(x, w) == pytest.approx(math.sqrt(0.25 * 1.25**2 + 0.25 * 0.25**2 + 0.5 * 0.75**2))


def test_the_overlays_put_world_keys_in_the_posterior_and_campaign_keys_in_the_scenario(tmp_path):
    import yaml

    from sim.runs.calibration_overlays import write_campaign_overlay, write_world_overlay

    medians = {
        "raids.deflect_max": 0.25,
        "network.tie_warning_prob": 0.4,
        "scenario.campaigns.june_2025.peak_raid_rate": 2.0,
        "scenario.campaigns.july_2025.peak_raid_rate": 4.5,
        "scenario.campaigns.july_2025.hold_days": 12.0,
    }
    record = {"method": "ABC-SMC", "generations": 4, "particles": 1000}
    world = yaml.safe_load(write_world_overlay(tmp_path / "w.yaml", "x", medians, record).read_text())
    assert world == {"raids": {"deflect_max": 0.25}, "network": {"tie_warning_prob": 0.4}}
    assert (tmp_path / "w.yaml").read_text().startswith("# @package _global_")
    camp = yaml.safe_load(write_campaign_overlay(tmp_path / "c.yaml", "crackdown_2025", medians, record).read_text())
    assert camp == {"campaigns": {"june_2025": {"peak_raid_rate": 2.0}, "july_2025": {"peak_raid_rate": 4.5, "hold_days": 12.0}}}


def test_the_wave_scenario_takes_its_campaign_values_from_the_calibrated_file():
    import yaml

    from sim.config.compose import compose
    from sim.config.paths import config_dir

    calibrated = yaml.safe_load((config_dir() / "calibrated" / "crackdown_2025.yaml").read_text())["campaigns"]
    for scenario in ("crackdown_2025", "protection_targeting", "network_targeting"):  # and the scenarios built on it
        camps = compose([f"scenario={scenario}"]).scenario.campaigns
        for name, fields in calibrated.items():
            for field, value in fields.items():
                assert getattr(camps[name], field) == pytest.approx(value), (scenario, name, field)
