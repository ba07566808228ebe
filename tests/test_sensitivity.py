"""The Sobol study: the seed as a factor, the convergence checks, resuming a sweep, and the quick run's files.

Most tests work on synthetic outputs (no simulation), where the right
answer is known: a seed factor must recover the noise share of a model
whose noise is set by its seed, and a bootstrap must call a clear ranking
stable and a ranking of pure noise unstable.  One test runs the script's
quick mode on a reduced design (2 parameters and the seed, 10 rows) and
resumes it.
"""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest

from sim.runs.experiment import load_study
from sim.runs.sensitivity import SweepMismatchError, done_rows, outputs_by_row, prepare, row_selection
from sim.runs.sobol_checks import analyse, bootstrap_ranking, max_total_check, prefix_check
from sim.runs.sobol_design import SeedFactor, make_design, problem

pytest.importorskip("SALib")

PARAMS = {"a": [0.0, 1.0], "b": [0.0, 1.0]}


def test_seed_factor_maps_the_unit_interval_onto_distinct_positive_seeds():
    f = SeedFactor()
    assert f.seed(0.0) == 1
    assert f.seed(1.0) == 2**31  # the closed end is clipped into range
    assert f.seed(0.5) == 2**30 + 1
    seeds = [f.seed(u) for u in np.linspace(0, 1, 1000, endpoint=False)]
    assert len(set(seeds)) == 1000 and seeds == sorted(seeds)


def test_every_base_sample_has_its_own_seed_shared_by_its_cross_rows():
    design = make_design(PARAMS, 8, 1, SeedFactor(), tied={"c": "a", "absent": "b"}, present={"c"})
    d = 3  # a, b and the seed
    seeds = np.array([r["seed"] for r in design.rows]).reshape(8, d + 2)
    # A and the A_B rows of the parameters share A's seed; the A_B row of the seed and B carry B's
    assert np.all(seeds[:, 0:d] == seeds[:, [0]]) and np.all(seeds[:, d] == seeds[:, d + 1])
    assert len(set(seeds.ravel())) == 2 * 8
    assert all(r["c"] == r["a"] for r in design.rows) and "absent" not in design.rows[0]
    assert design.inputs == ["a", "b", "seed"]


def _noisy_model(design, noise_sd: float) -> np.ndarray:
    """y = a + noise drawn from the row's own seed: var(a) = 1/12, var(noise) = noise_sd**2."""
    return np.array([r["a"] + noise_sd * np.random.default_rng(r["seed"]).normal() for r in design.rows])


def test_the_seed_total_index_is_the_share_of_variance_that_is_seed_noise():
    design = make_design(PARAMS, 1024, 2, SeedFactor())
    y = _noisy_model(design, np.sqrt(1 / 12))  # half the variance is noise
    st = dict(zip(design.inputs, analyse(problem(PARAMS, SeedFactor()), y, 3)["ST"], strict=True))
    assert st["seed"] == pytest.approx(0.5, abs=0.08)
    assert st["a"] == pytest.approx(0.5, abs=0.08)
    assert abs(st["b"]) < 0.03  # b does nothing


def test_bootstrap_calls_a_clear_ranking_stable_and_pure_noise_unstable():
    params = {k: [0.0, 1.0] for k in "abcde"}
    design = make_design(params, 128, 4, SeedFactor())
    x = design.x
    clear = 8 * x[:, 0] + 4 * x[:, 1] + 2 * x[:, 2] + 0.5 * x[:, 3]
    d = len(design.inputs)
    stable = bootstrap_ranking(clear, d, 100, 5)
    assert stable["spearman_median"] > 0.9 and stable["top3_same_share"] > 0.9
    assert stable["top3"] == [0, 1, 2]
    noise = np.random.default_rng(6).normal(size=len(x))
    unstable = bootstrap_ranking(noise, d, 100, 5)
    assert unstable["top3_same_share"] < 0.5 and unstable["spearman_q05"] < 0.5


def test_prefix_and_max_total_checks():
    assert prefix_check(np.array([0.6, 0.3, 0.1, 0.0]), np.array([0.55, 0.35, 0.05, 0.0]))["top3_same"]
    moved = prefix_check(np.array([0.6, 0.3, 0.1, 0.0]), np.array([0.0, 0.3, 0.1, 0.6]))
    assert not moved["top3_same"] and moved["max_abs_change"] == pytest.approx(0.6)
    assert max_total_check(np.array([1.05, 0.2]), np.array([0.1, 0.1]), ["x", "y"]) == {"ok": True, "max_ST": 1.05, "argmax": "x"}
    assert not max_total_check(np.array([0.2, 1.3]), np.array([0.1, 0.2]), ["x", "y"])["ok"]


def test_row_selection_sweeps_exactly_the_given_rows():
    assert row_selection([3, 4, 5]) == "range(3,6)"
    assert row_selection([7, 2, 9]) == "2,7,9"


def _job(root, name, row, status="complete", cells=None):
    job = root / name
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(f"- +experiment=sensitivity\n- design.row={row}\n")
    (job / "status.json").write_text(json.dumps({"status": status, "wall_time_s": 1.0}))
    if cells is not None:
        with (job / "summary.csv").open("w", newline="") as fh:
            w = csv.DictWriter(fh, list(cells))
            w.writeheader()
            w.writerow(cells)


def test_done_rows_are_complete_jobs_in_the_folder_of_their_row(tmp_path):
    _job(tmp_path, "0", 0)
    _job(tmp_path, "1", 1, status="failed")
    _job(tmp_path, "2", 5)  # a folder that does not hold its row's job
    _job(tmp_path, "3", 3)
    assert done_rows(tmp_path) == {0, 3}


def test_nan_rules_censor_fill_or_refuse(tmp_path):
    _job(tmp_path, "0", 0, cells={"recovery_days_cf": "", "displacement_ratio": "", "final_frac_cf": "0.9"})
    _job(tmp_path, "1", 1, cells={"recovery_days_cf": "40", "displacement_ratio": "0.5", "final_frac_cf": ""})
    rules = {"recovery_days_cf": "censor", "displacement_ratio": 0.0}
    y, report = outputs_by_row(tmp_path, 2, rules, censor=365.0)
    assert y["recovery_days_cf"].tolist() == [365.0, 40.0] and y["displacement_ratio"].tolist() == [0.0, 0.5]
    assert report["recovery_days_cf"]["replaced"] == 1
    with pytest.raises(ValueError, match="final_frac_cf is NaN in design rows \\[1\\]"):
        outputs_by_row(tmp_path, 2, {"final_frac_cf": None}, censor=365.0)


SMALL_DESIGN = [
    "--quick",
    "--set",
    "~study.spec.params",
    "--set",
    "+study.spec.params={raids:{seal_days_mean:[10.0,90.0]},labour:{supply_scale:[0.5,2.0]}}",
    "--set",
    "study.spec.bootstrap=20",
]


def test_quick_run_writes_the_study_json_and_resumes_only_missing_rows(tmp_path, run_experiment):
    out, sweep = tmp_path / "out", tmp_path / "sweep"
    args = [*SMALL_DESIGN, "--out", str(out), "--sweep-dir", str(sweep)]
    first = run_experiment("sensitivity.py", *args)
    assert "10 rows, 10 run now, 0 already done" in first.stdout
    data = json.loads((out / "sensitivity.json").read_text())
    for key in ("world", "N", "seeding", "convergence", "indices", "max_total_index_check", "wall_seconds", "points"):
        assert key in data, key
    assert data["world"] == "small" and data["N"] == 2 and data["points"] == 10 and data["launcher"] == "chunks"
    assert data["figure"] == "sensitivity.png" and "git_commit" in data  # still the figure's provenance sidecar
    assert data["compute"]["seconds_per_row"] > 0 and set(data["compute"]["machines"]) == {"laptop", "workstation", "cluster"}
    outputs = {"final_frac_cf", "recovery_days_cf", "displacement_ratio"}
    assert set(data["indices"]) == outputs and set(data["seeding"]["S_T_seed"]) == outputs
    assert all(set(v) == {"raids.seal_days_mean", "labour.supply_scale", "seed"} for v in data["indices"].values())
    for conv in data["convergence"].values():
        assert {"spearman_median", "spearman_q05", "top3_same_share"} <= set(conv["bootstrap"])
        assert {"max_abs_change", "spearman", "top3_same"} <= set(conv["half_sample"])
    with (sweep / "design.csv").open() as fh:
        seeds = [int(r["seed"]) for r in csv.DictReader(fh)]
    assert len(set(seeds)) == 4 and data["seeding"]["distinct_seeds"] == 4  # 2N seeds over 10 rows
    assert "| final_frac_cf | `seed` |" in (out / "sensitivity.md").read_text()

    stamps = {i: os.stat(sweep / str(i) / "status.json").st_mtime_ns for i in range(10)}
    again = run_experiment("sensitivity.py", *args)
    assert "10 rows, 0 run now, 10 already done" in again.stdout
    for i in (3, 7):
        for f in (sweep / str(i)).rglob("*"):
            if f.is_file():
                f.unlink()
    resumed = run_experiment("sensitivity.py", *args)
    assert "10 rows, 2 run now, 8 already done" in resumed.stdout
    assert all(os.stat(sweep / str(i) / "status.json").st_mtime_ns == stamps[i] for i in stamps if i not in (3, 7))
    assert (sweep / "3" / "status.json").is_file() and json.loads((out / "sensitivity.json").read_text())["indices"]

    other = run_experiment("sensitivity.py", *args, "--n", "4", expect=2)  # another design into the same sweep
    assert "another design or config" in other.stderr


def test_a_sweep_folder_that_did_not_record_its_design_is_not_resumed(tmp_path):
    overrides = [a for a in SMALL_DESIGN[1:] if a != "--set"]
    study = load_study("sensitivity", True, overrides)
    (tmp_path / "0").mkdir()  # a job of some earlier sweep: its results must not count as this design's row 0
    with pytest.raises(SweepMismatchError, match=r"no sweep\.json"):
        prepare(study, tmp_path)
    design, csv_path = prepare(study, tmp_path / "fresh")
    assert len(design.rows) == 10 and csv_path.is_file() and (tmp_path / "fresh" / "sweep.json").is_file()
