"""Scenario discovery (issue 12 item 5): the design, PRIM's boxes, the sweep's resume, and the levers' off state.

The quick run is shrunk to 6 points on the small world (the study's quick
mode has 24) to keep the file fast; PRIM is checked on synthetic data with a
planted box, where the right answer is known.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from sim.runs.discovery_design import Variable, config_rows, frame, sample, variables
from sim.runs.discovery_prim import choose, find_boxes, lever_shares
from sim.runs.experiment import load_study

POINTS = 6


@pytest.fixture(scope="module")
def quick(tmp_path_factory, run_experiment):
    out = tmp_path_factory.mktemp("discovery")
    run_experiment("discover.py", "--quick", "--points", str(POINTS), "--out", str(out))
    return out


def test_quick_run_writes_the_files_with_coverage_and_density_in_range(quick):
    for name in ("discovery.md", "discovery.json", "discovery.csv", "discovery.png"):
        assert (quick / name).is_file(), name
    data = json.loads((quick / "discovery.json").read_text())
    with (quick / "discovery.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert data["points"] == len(rows) == POINTS and data["rows_run"] == POINTS
    assert data["meet"] == sum(r["meets"] == "True" for r in rows)
    assert data["meet"] == sum(float(r["frac_cf_1y"]) <= data["threshold"] for r in rows)
    assert data["same_window_as_final_frac_cf"]  # horizon 545: frac_cf_1y and final_frac_cf are one window
    for box in data["boxes"]:
        assert 0.0 <= box["coverage"] <= 1.0 and 0.0 <= box["density"] <= 1.0 and 0.0 < box["mass"] <= 1.0
    assert data["wall_seconds_per_point"] > 0 and data["job_seconds_mean"] > 0
    assert data["study"]["name"] == "discovery" and data["git_commit"]  # the sidecar's provenance
    assert f"of {POINTS} points" in (quick / "discovery.md").read_text()
    # each point has its own seed, and the design's columns are config keys the sweep applied
    assert len({r["seed"] for r in rows}) == POINTS


def test_resume_runs_only_the_missing_rows(quick, run_experiment):
    sweep = quick / ".discovery_sweep"
    before = {i: (sweep / str(i) / "summary.csv").stat().st_mtime_ns for i in range(POINTS)}
    (sweep / "2" / "status.json").unlink()  # row 2 as if interrupted
    out = quick / "again"
    run_experiment("discover.py", "--quick", "--points", str(POINTS), "--out", str(out), "--sweep-dir", str(sweep))
    data = json.loads((out / "discovery.json").read_text())
    assert data["rows_run"] == 1
    after = {i: (sweep / str(i) / "summary.csv").stat().st_mtime_ns for i in range(POINTS)}
    assert [i for i in range(POINTS) if after[i] != before[i]] == [2]
    first = json.loads((quick / "discovery.json").read_text())
    assert data["meet"] == first["meet"] and data["boxes"] == first["boxes"]  # row 2 rerun gives the same numbers


def _planted(n: int = 400, noise: float = 0.03) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(1)
    x = pd.DataFrame(
        {
            "a": rng.random(n),
            "b": rng.random(n),
            "c": rng.random(n),
            "flag": rng.random(n) < 0.5,
            "k": rng.integers(0, 7, n),
            "cat": pd.Series(rng.choice(["p", "q", "r"], n), dtype="category"),
        }
    )
    hit = ((x["a"] > 0.6) & x["flag"]).to_numpy() ^ (rng.random(n) < noise)
    return x, hit


def test_prim_finds_a_planted_box():
    x, hit = _planted()
    res = find_boxes(x, hit)
    assert res["boxes"], res["stopped"]
    box = res["boxes"][0]
    dims = {d["name"]: d for d in box["restricted"]}
    assert set(dims) == {"a", "flag"}  # not b, c, k or cat: those carry no signal
    assert 0.55 <= dims["a"]["lower"] <= 0.65 and dims["a"]["upper"] == dims["a"]["max"]
    assert dims["flag"]["values"] == [True]
    assert box["coverage"] > 0.8 and box["density"] > 0.9
    assert all(d["qp_lower"] is not None and d["qp_lower"] < 0.05 for d in box["restricted"])


def test_prim_makes_up_no_box_when_nothing_or_everything_meets():
    x, _ = _planted()
    none = find_boxes(x, np.zeros(len(x), bool))
    every = find_boxes(x, np.ones(len(x), bool))
    assert none["boxes"] == [] and "nothing to find" in none["stopped"] and none["cases"] == 0
    assert every["boxes"] == [] and every["cases"] == len(x)


def test_prim_reports_no_box_on_noise():
    x, _ = _planted()
    noise = np.random.default_rng(5).random(len(x)) < 0.5  # no input carries any signal
    res = find_boxes(x, noise)
    assert res["boxes"] == [] and res["cases"] == int(noise.sum())
    assert "no significant box" in res["stopped"] or "no further box" in res["stopped"]


def test_the_reported_box_is_the_densest_that_covers_enough():
    traj = pd.DataFrame(
        {
            "coverage": [1.0, 0.8, 0.6, 0.3],
            "density": [0.2, 0.5, 0.7, 0.9],
            "mass": [1.0, 0.3, 0.17, 0.07],
            "res_dim": [0, 1, 2, 3],
            "k": [50, 40, 30, 15],
        }
    )
    assert choose(traj, remaining=50, coverage_min=0.5, density_min=0.5) == 2  # 0.9 is denser but covers 0.3
    assert choose(traj, remaining=50, coverage_min=0.5, density_min=0.8) is None
    assert choose(traj, remaining=30, coverage_min=0.5, density_min=0.5) == 3  # 15 of the 30 left


def test_lever_coordinates_give_the_off_share_and_every_whole_value():
    count = Variable("n", ("scenario.targeting.count",), 1, 6, integer=True, off=0, off_share=0.5, lever=True)
    raids = Variable("r", ("x",), 0.5, 6.0, off=0.0, off_share=0.5, also={"y": {"when_off": 0.0, "when_on": 1.0}}, lever=True)
    u, seeds = sample([count, raids], 600, seed=7)
    values = np.array([count.value(v) for v in u[:, 0]])
    assert (values == 0).mean() == pytest.approx(0.5, abs=0.01)  # LHS strata: off at half the points
    assert set(values[values > 0]) == {1, 2, 3, 4, 5, 6}
    rows = config_rows([count, raids], u, seeds)
    assert all((r["x"] == "0.0") == (r["y"] == "0.0") for r in rows)  # no raids, no pressure
    assert len(set(seeds)) == 600
    again, same_seeds = sample([count, raids], 600, seed=7)
    assert np.array_equal(u, again) and np.array_equal(seeds, same_seeds)
    x = frame([count, raids], u)
    shares = lever_shares(x, (x["n"] > 3).to_numpy(), [count, raids])
    off = next(r for r in shares if r["lever"] == "n" and r["state"] == "off")
    assert off["meet"] == 0 and off["points"] == 300


def test_the_study_refuses_a_lever_without_a_valid_off_share_or_need():
    spec = load_study("discovery", quick=True).spec
    bad = {**spec, "levers": {**spec["levers"], "raid_rate": {**spec["levers"]["raid_rate"], "off_share": 1.0}}}
    with pytest.raises(ValueError, match="off_share"):
        variables(bad)
    bad = {
        **spec,
        "levers": {**spec["levers"], "cut_substitutes_blocked": {**spec["levers"]["cut_substitutes_blocked"], "needs": "cutt"}},
    }
    with pytest.raises(ValueError, match="cutt"):
        variables(bad)


def _all_off(spec: dict) -> list[str]:
    """The overrides that switch every lever of the study off, from the study's own off values."""
    out = []
    for var in variables(spec):
        if not var.lever or not var.switchable:
            continue
        off = var.off if var.off is not None else False
        out += [f"{k}={str(off).lower()}" for k in var.keys]
        out += [f"{k}={v['when_off']}" for k, v in var.also.items()]
    return out


def test_every_lever_off_is_the_no_intervention_run(small):
    from sim.runs.study import run

    study = load_study("discovery", quick=True)
    off = _all_off(study.spec)
    base = ["scenario=discovery_levers", "+posterior=july_2025", "horizon_days=545", "replications=2"]
    # every lever but the cut is an exact no-op: the arms are the same run
    exact = run(small(*base, *off, "~scenario.cuts.thai_grid")).summaries
    assert [s["frac_cf_1y"] for s in exact] == [1.0, 1.0]
    # a cut that cuts nothing still makes the Poipet bosses review at day 0: close to, not exactly, the arm
    with_cut = run(small(*base, *off)).summaries
    assert all(abs(s["frac_cf_1y"] - 1.0) < 0.02 for s in with_cut)
    # and switching one lever on is not a no-op
    on = run(small(*base, *off, "~scenario.cuts.thai_grid", "scenario.victim_measures.awareness.pool_cut=0.3")).summaries
    assert all(s["frac_cf_1y"] < 0.95 for s in on)
