"""The episodes study (experiments/episodes.py): the record it reads, its comparison rules, its probe, and one quick run."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.core.events import EventKind
from sim.model import run_replication

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def episodes():
    """``experiments/episodes.py``, imported the way the scripts import each other (their folder on the path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(ROOT / "experiments"))
        import episodes

        yield episodes


# --------------------------------------------------------------------------- the record


def test_record_parses_and_every_outcome_is_computed_or_listed_as_not_comparable(episodes):
    record = episodes.load_record(ROOT / "docs" / "episodes_record.yaml")
    eps = record["episodes"]
    assert set(eps) == {"kokang_2023", "gtsez_2024", "pogo_ban_2024", "myawaddy_2025", "kk_park_2025", "prince_group_2025"}
    outcomes = [o for ep in eps.values() for o in ep["outcomes"]]
    assert len(outcomes) == 41
    assert len({o["id"] for o in outcomes}) == 41  # ids are unique: scopes are keyed by them
    for o in outcomes:
        reason = episodes.not_comparable_reason(o)
        assert o["metric"] in episodes.METRICS or reason, o["id"]
        assert reason is None or o["value"] == "unknown" or o["id"] in episodes.NOT_COMPARABLE_OUTCOMES, o["id"]
        if o["metric"] in episodes.METRICS and o["metric"] not in ("destination", "site_frac_cf", "frac_cf_1y"):
            assert hasattr(episodes.Arm, o["metric"]), o["metric"]  # a one-arm metric has its reader
        lo, hi = o["window"]
        assert lo <= hi <= 729
        if o["compare"] == "direction":
            assert o["value"] in (*episodes.DIRECTIONS, "unknown") or isinstance(o["value"], list), o["id"]
        else:
            episodes.acceptance(o["compare"], o["value"], o["certainty"])  # a numeric rule has a numeric value
    assert sum(episodes.not_comparable_reason(o) is not None for o in outcomes) == 3  # the three "unknown" values


def test_the_study_config_names_only_sites_and_outcomes_that_exist(episodes):
    study = sim.compose(["+experiment=episodes"]).study
    spec = study.spec
    record = episodes.load_record(ROOT / spec["record"])
    ids = {o["id"] for ep in record["episodes"].values() for o in ep["outcomes"]}
    sites = set(sim.compose(["world=regional"]).world.sites)
    assert set(spec["scope"]) <= ids
    assert all(set(v) <= sites for v in spec["scope"].values())
    assert set(spec["windows"]) == set(spec["episodes"]) == set(record["episodes"])
    assert set(spec["background"]) <= set(spec["episodes"])


# --------------------------------------------------------------------------- comparison rules (hand-made values)


def ci(mean, lo=None, hi=None, n=10):
    return {"mean": mean, "ci_low": mean if lo is None else lo, "ci_high": mean if hi is None else hi, "n": n}


def test_point_rule_needs_the_ci_to_meet_the_value_with_the_certainty_tolerance(episodes):
    tol = {"reported": 0.0, "uncertain": 0.5}
    assert episodes.compare("point", 100, ci(95, 90, 101), "reported", tol) == episodes.CONSISTENT
    assert episodes.compare("point", 100, ci(95, 90, 99), "reported", tol) == episodes.MISS
    assert episodes.compare("point", 100, ci(60, 55, 65), "uncertain", tol) == episodes.CONSISTENT  # meets [50, 150]
    assert episodes.compare("point", 100, ci(40, 30, 49), "uncertain", tol) == episodes.MISS
    assert episodes.compare("point", 100, ci(100, math.nan, math.nan, 1), "reported", tol) == episodes.CONSISTENT  # one rep
    assert episodes.compare("point", 100, ci(math.nan), "reported", tol) == episodes.NOT_COMPARABLE


def test_bound_and_range_rules(episodes):
    assert episodes.compare("lower_bound", 771, ci(500, 400, 800)) == episodes.CONSISTENT  # can reach 771
    assert episodes.compare("lower_bound", 771, ci(0, 0, 0)) == episodes.MISS
    assert episodes.compare("lower_bound", [1525, 1667], ci(1550, 1530, 1570)) == episodes.CONSISTENT  # the low figure
    assert episodes.compare("upper_bound", 4666, ci(23000, 22000, 24000)) == episodes.MISS
    assert episodes.compare("upper_bound", 4666, ci(0)) == episodes.CONSISTENT
    assert episodes.compare("upper_bound", [10, 20], ci(15, 12, 18)) == episodes.CONSISTENT  # the high figure
    assert episodes.compare("range", [0.5, 0.6], ci(1.0, 1.0, 1.0)) == episodes.MISS
    assert episodes.compare("range", [0.5, 0.6], ci(0.7, 0.55, 0.85)) == episodes.CONSISTENT  # overlaps
    assert episodes.compare("range", [0.5, 0.6], ci(0.4, 0.3, 0.49)) == episodes.MISS
    with pytest.raises(ValueError):
        episodes.acceptance("direction", "up")
    assert episodes.reference_value("range", [8000, 11254]) == 8000
    assert episodes.reference_value("upper_bound", [1, 3]) == 3


def test_direction_rules_read_signs_thresholds_and_sites(episodes):
    up = {"id": "x", "metric": "fled", "value": "up"}
    reps = [{"value": v + 10.0, "reference": v} for v in (1.0, 5.0, 2.0, 8.0)]
    got = episodes.model_direction(up, reps, 0.1)
    assert got["direction"] == "up" and got["difference"]["mean"] == pytest.approx(10.0)
    assert episodes.direction_verdict("up", got["direction"]) == episodes.CONSISTENT
    flat = [{"value": v, "reference": v + s} for v, s in ((1.0, 1.0), (2.0, -1.0), (3.0, 0.5))]
    assert episodes.model_direction(up, flat, 0.1)["direction"] == "no change"
    grow = {"id": "g", "metric": "site_frac_cf", "value": "up"}  # site_frac_cf "up": end minus start of the window
    assert episodes.model_direction(grow, [{"value": 0.0, "start": 0.0, "end": 0.0}] * 3, 0.1)["direction"] == "no change"
    assert (
        episodes.model_direction(grow, [{"value": 1.0, "start": 5.0, "end": 9.0 + k} for k in range(3)], 0.1)["direction"] == "up"
    )
    yes = {"id": "y", "metric": "site_frac_cf", "value": "yes"}
    assert episodes.model_direction(yes, [{"value": 0.0}] * 3, 0.1)["direction"] == "no"
    assert episodes.model_direction(yes, [{"value": 0.5}, {"value": 0.7}], 0.1)["direction"] == "yes"
    assert episodes.direction_verdict("yes", "no") == episodes.MISS
    where = {"id": "d", "metric": "destination", "value": ["a", "b"]}
    reps = [{"gains": {"a": 1.0, "b": 5.0, "c": 3.0}}, {"gains": {"a": 2.0, "b": 4.0, "c": 6.0}}]
    got = episodes.model_direction(where, reps, 0.1)
    assert got["direction"] == "b" and [s for s, _ in got["top"]] == ["b", "c", "a"]  # mean gains 4.5, 4.5 -> stable order
    assert episodes.direction_verdict(["a", "b"], "c") == episodes.MISS
    assert episodes.direction_verdict("up", "n/a") == episodes.NOT_COMPARABLE


def test_reference_scenario_keeps_only_the_named_background(episodes):
    config = sim.compose(["world=regional", "scenario=prince_group_2025"])
    ref = episodes.reference_scenario(config.scenario, {"campaigns": ["july_2025"], "border_closures": [0]})
    assert list(ref.campaigns) == ["july_2025"] and ref.campaigns["july_2025"] == config.scenario.campaigns["july_2025"]
    assert ref.border_closures == config.scenario.border_closures[:1]
    assert not ref.boss_actions and not ref.cuts and not ref.handovers
    with pytest.raises(ValueError):
        episodes.reference_scenario(config.scenario, {"campaigns": ["no_such_campaign"]})
    assert min(episodes.intervention_days(config.scenario)) == -90


# --------------------------------------------------------------------------- the probe changes nothing


def test_probed_run_equals_a_plain_run_and_logs_each_move_with_its_origin(episodes):
    config = sim.compose(["world=small", "scenario=crackdown_2025", "intervention_day=60", "horizon_days=300"])
    probe = episodes.probe_run(config, 0, [100])
    plain = run_replication(config, 0)
    assert probe.result.events == plain.events
    assert np.array_equal(probe.result.revenue, plain.revenue)
    assert np.array_equal(probe.result.status_counts, plain.status_counts)
    relocations = {(e.day, e.compound, e.site) for e in plain.events if e.kind is EventKind.RELOCATION}
    logged = {(d, c, to) for d, kind, c, _frm, to in probe.moves if kind == "relocation"}
    assert relocations and logged == relocations
    assert all(frm != to for _d, kind, _c, frm, to in probe.moves if kind == "relocation")
    assert set(probe.fled_at) == {100} and sum(probe.fled_at[100]) > 0


# --------------------------------------------------------------------------- one episode end to end


def test_one_episode_one_replication_short_horizon_writes_every_file(tmp_path, run_experiment):
    start = time.perf_counter()
    run_experiment(
        "episodes.py", "--quick", "--episodes", "gtsez_2024", "--replications", "1", "--after", "100", "--out", str(tmp_path)
    )
    assert time.perf_counter() - start < 90
    names = ("episodes.md", "episodes.csv", "episodes.json", "episodes.png")
    assert all((tmp_path / n).is_file() for n in names)
    data = json.loads((tmp_path / "episodes.json").read_text())
    assert data["meta"]["git_commit"] and data["meta"]["version"] and data["meta"]["study"]["mode"] == "quick"
    ep = data["episodes"]["gtsez_2024"]
    assert ep["run_control"] == {"intervention_day": 180, "horizon_days": 280}
    assert ep["arms"] == ["scenario", "reference"]
    rows = {r["id"]: r for r in ep["summary"]["outcomes"]}
    assert len(rows) == 5 and all(r["verdict"] in ("consistent", "miss", "not comparable") for r in rows.values())
    assert rows["where_they_went"]["verdict"] == "not comparable"  # beyond the 100 days run and "unknown" on the record
    assert rows["raid_12_aug"]["verdict"] != "not comparable"
    assert all(r.get("points_to") for r in rows.values() if r["verdict"] == "miss")
    md = (tmp_path / "episodes.md").read_text()
    assert "raid_12_aug" in md
    (tmp_path / "episodes.md").unlink()
    run_experiment("episodes.py", "--render", "--out", str(tmp_path))
    assert (tmp_path / "episodes.md").read_text() == md  # rendered from the JSON alone


def test_quick_output_is_refused_in_results(run_experiment):
    proc = run_experiment("episodes.py", "--quick", "--out", str(ROOT / "results"), expect=2)
    assert "refusing" in proc.stderr
