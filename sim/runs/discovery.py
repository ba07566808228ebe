"""Scenario discovery: where the network stays at least 20% below its counterfactual a year later.

As ``configs/experiment/discovery.yaml`` sets it up (issue 12, item 5): a
Latin hypercube over the uncertain parameters and the policy levers
(:mod:`sim.runs.discovery_design`) is written to ``design.csv`` in the sweep
directory, one row per point, every column a config key, the point's own
``seed`` first; it is run as a Hydra multirun over its rows (``python -m sim
-m +experiment=discovery design.file=... design.row=...``), one job per
point holding the study's replications, each paired with its no-intervention
arm.  Job directories are named by design row, so a rerun into the same
sweep directory runs only the rows that are missing: a row is done when its
job holds complete results of exactly the config that row gives now (the
config hash the CLI itself checks), so a changed design, study or overlay
reruns what it changed and nothing else.  The replication mean of the
outcome per point, thresholded, goes to PRIM (:mod:`sim.runs.discovery_prim`);
:mod:`sim.runs.discovery_report` writes the figure and the markdown.
"""

from __future__ import annotations

import math
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.design import apply_design
from sim.runs.atomic import write_csv
from sim.runs.design_sweep import sweep_command
from sim.runs.discovery_design import SEED_KEY, Variable, config_rows, frame, sample, variables
from sim.runs.discovery_prim import find_boxes, lever_shares
from sim.runs.experiment import Study, base_overrides
from sim.runs.gather_series import summary_rows
from sim.runs.output import read_status
from sim.runs.provenance import config_hash, write_sidecar

SCRIPT = "experiments/discover.py"
#: The counterfactual column measured over the same window as frac_cf_1y when the run ends a year after the intervention.
SAME_WINDOW = "final_frac_cf"

__all__ = ["SCRIPT", "discovery", "missing_rows", "outcomes", "run_rows", "write_design"]


def write_design(study: Study, sweep_dir: Path) -> tuple[Path, list[Variable], np.ndarray, np.ndarray]:
    """Draw the study's design and write ``<sweep_dir>/design.csv``; the path, variables, LHS coordinates and seeds."""
    vars_ = variables(study.spec)
    u, seeds = sample(vars_, int(study.spec["points"]), study.config.seed)
    rows = config_rows(vars_, u, seeds)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    return write_csv(sweep_dir / "design.csv", rows), vars_, u, seeds


def _job_overrides(study: Study, design_csv: Path) -> list[str]:
    return [*base_overrides(study), f"design.file={design_csv}"]


def missing_rows(study: Study, design_csv: Path, n: int, sweep_dir: Path) -> list[int]:
    """Design rows whose job directory does not hold complete results of the config that row gives now."""
    from sim.config.compose import compose_dictconfig

    base = compose_dictconfig([*_job_overrides(study, design_csv), "design.row=0"])
    missing = []
    for i in range(n):
        status = read_status(sweep_dir / str(i))
        if status is None or status.get("status") != "complete":
            missing.append(i)
            continue
        cfg = base.copy()
        cfg.design.row = i
        if status.get("config_hash") != config_hash(apply_design(cfg)):
            missing.append(i)
    return missing


def run_rows(study: Study, design_csv: Path, rows: list[int], sweep_dir: Path, launcher: str = "joblib", jobs: int = 2) -> float:
    """Run design ``rows`` as a Hydra multirun into ``sweep_dir/<row>``; the wall seconds it took.

    The command is :func:`sim.runs.design_sweep.sweep_command`'s, shared
    with the Sobol study: each job's directory is named by its design row, so
    that running a subset of the rows puts each where a later rerun finds it.
    """
    if not rows:
        return 0.0
    cmd = sweep_command(base_overrides(study), design_csv, rows, sweep_dir, launcher, jobs)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    # 3: some job of the sweep directory did not complete (perhaps a stale one); outcomes() checks the rows
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"sweep failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.perf_counter() - start


def _value(text: Any) -> float:
    return float(text) if text not in (None, "") else math.nan


def outcomes(sweep_dir: Path, n: int, outcome: str) -> dict[str, np.ndarray]:
    """Per design row: the replication mean of ``outcome``, its replications, the job's seconds, and whether
    ``outcome`` equals :data:`SAME_WINDOW` in every replication."""
    means, counts, seconds, same = [], [], [], []
    failed = []
    for i in range(n):
        job = sweep_dir / str(i)
        status = read_status(job) or {}
        reps = summary_rows(job) if status.get("status") == "complete" else None
        if not reps:
            failed.append(f"row {i}: {status.get('status', 'not run')} {status.get('error', '')}".strip())
            continue
        values = np.array([_value(r[outcome]) for r in reps])
        means.append(float(np.nanmean(values)) if np.isfinite(values).any() else math.nan)
        counts.append(int(np.isfinite(values).sum()))
        seconds.append(float(status.get("wall_time_s", math.nan)))
        same.append(all(_value(r[outcome]) == _value(r.get(SAME_WINDOW)) for r in reps))
    if failed:
        raise RuntimeError(f"{len(failed)} of {n} design rows have no complete results: " + "; ".join(failed[:5]))
    return {"mean": np.array(means), "replications": np.array(counts), "seconds": np.array(seconds), "same": np.array(same)}


def discovery(study: Study, out: Path, sweep_dir: Path, launcher: str = "joblib", jobs: int = 2) -> list[Path]:
    """Run (or resume) the study's sweep in ``sweep_dir`` and write discovery.md/.json/.csv/.png into ``out``."""
    from sim.runs.discovery_report import figure, markdown

    cfg, spec = study.config, study.spec
    if cfg.horizon_days < cfg.intervention_day + 365:
        raise ValueError(f"horizon_days={cfg.horizon_days}: the outcome a year later needs >= intervention_day + 365")
    design_csv, vars_, u, seeds = write_design(study, sweep_dir)
    n = len(seeds)
    todo = missing_rows(study, design_csv, n, sweep_dir)
    wall = run_rows(study, design_csv, todo, sweep_dir, launcher, jobs)
    res = outcomes(sweep_dir, n, str(spec["outcome"]))
    x = frame(vars_, u)
    threshold = float(spec["threshold"])
    valid = np.isfinite(res["mean"])
    hit = valid & (res["mean"] <= threshold)
    settings = {k: spec["prim"][k] for k in ("peel_alpha", "paste_alpha", "mass_min", "density_min", "coverage_min", "qp_max")}
    prim = find_boxes(x[valid].reset_index(drop=True), hit[valid], max_boxes=int(spec["prim"]["max_boxes"]), **settings)
    shares = lever_shares(x[valid].reset_index(drop=True), hit[valid], [v for v in vars_ if v.lever])
    table = [
        {
            "point": i,
            SEED_KEY: int(seeds[i]),
            **x.iloc[i].to_dict(),
            spec["outcome"]: res["mean"][i],
            "replications": int(res["replications"][i]),
            "meets": bool(hit[i]),
        }
        for i in range(n)
    ]
    summary = {
        "points": n,
        "valid_points": int(valid.sum()),
        "meet": int(hit.sum()),
        "outcome": spec["outcome"],
        "threshold": threshold,
        "outcome_quantiles": {q: float(np.nanquantile(res["mean"], q)) for q in (0.0, 0.1, 0.5, 0.9, 1.0)},
        "same_window_as_final_frac_cf": bool(res["same"].all()),
        "prim_settings": {**settings, "max_boxes": int(spec["prim"]["max_boxes"])},
        "boxes": prim["boxes"],
        "stopped": prim["stopped"],
        "trajectories": prim["trajectories"],
        "lever_shares": shares,
        "launcher": launcher,
        "jobs": jobs,
        "rows_run": len(todo),
        "wall_seconds": wall,
        "wall_seconds_per_point": wall / len(todo) if todo else None,
        "job_seconds_mean": float(np.nanmean(res["seconds"])),
        "sweep_dir": str(sweep_dir),
    }
    written = [write_csv(out / "discovery.csv", table)]
    written.append(figure(summary, res["mean"], out / "discovery.png", study))
    written.append(markdown(summary, study, vars_, out / "discovery.md"))
    # the figure's sidecar is discovery.json: the study, provenance and every number of discovery.md
    written.append(write_sidecar(out / "discovery.png", study.record(), **summary))
    return written
