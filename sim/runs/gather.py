"""Gather a sweep's jobs into two tidy tables, complete or not.

``gathered.csv`` has one row per job and replication, with the job's swept
parameters as columns, its status and error, and every summary metric;
``points.csv`` has one row per job (parameter point) with the mean and 95% CI
of each metric.  Jobs that failed or were interrupted appear with their
status and no metrics, so a partial sweep still gathers.  Run at the end of
every multirun by :class:`GatherCallback`, or by hand on any sweep directory::

    python -m sim.runs.gather multirun/2026-11-28_10-00-00-000000
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.analysis.metrics import SUMMARY_COLUMNS, column_ci
from sim.runs.atomic import write_csv, write_json
from sim.runs.gather_series import design_params, gather_timeseries, summary_rows


def _job_dirs(sweep_dir: Path) -> list[Path]:
    jobs = [p for p in sweep_dir.iterdir() if (p / ".hydra" / "overrides.yaml").is_file()]
    return sorted(jobs, key=lambda p: (not p.name.isdigit(), int(p.name) if p.name.isdigit() else 0, p.name))


def _overrides(job: Path) -> dict[str, str]:
    params = {}
    for item in OmegaConf.load(job / ".hydra" / "overrides.yaml"):
        key, _, value = str(item).partition("=")
        params[key.lstrip("+~")] = value
    return params


def _status(job: Path) -> dict[str, Any]:
    try:
        return json.loads((job / "status.json").read_text())
    except (OSError, ValueError):
        return {"status": "incomplete", "error": "no status.json: the job did not finish"}


def gather(sweep_dir: str | Path, timeseries: bool = False) -> dict[str, Any]:
    """Write ``gathered.csv``, ``points.csv`` and ``gather.json`` at the sweep root.

    Parameter columns are the jobs' overrides and, for design sweeps, the keys
    of the design row each job ran.  With ``timeseries`` the jobs' time series
    are stacked into ``timeseries_gathered.csv`` too (:mod:`sim.runs.gather_series`).
    """
    sweep_dir = Path(sweep_dir)
    jobs = _job_dirs(sweep_dir)
    params = [{**_overrides(j), **design_params(j)} for j in jobs]
    keys = sorted({k for p in params for k in p})
    rows: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    counts = {"complete": 0, "failed": 0, "incomplete": 0}
    for job, par in zip(jobs, params, strict=True):
        status = _status(job)
        state = status.get("status", "incomplete")
        counts[state if state in counts else "incomplete"] += 1
        base = {"job": job.name, **{k: par.get(k, "") for k in keys}, "status": state, "error": status.get("error", "")}
        point = dict(base)
        reps = summary_rows(job) if state == "complete" else None
        if reps is not None:
            for rep in reps:
                rows.append({**base, **rep})
            point["n_replications"] = len(reps)
            for col in SUMMARY_COLUMNS:
                values = np.array([float(r[col]) if r.get(col) not in (None, "") else math.nan for r in reps])
                mean, lo, hi, n = column_ci(values, col)
                point.update({col: mean, f"{col}_ci_low": lo, f"{col}_ci_high": hi, f"{col}_n": n})
        else:
            rows.append(dict(base))
            point["n_replications"] = 0
        points.append(point)
    head = ["job", *keys, "status", "error"]
    write_csv(sweep_dir / "gathered.csv", rows, [*head, "replication", *SUMMARY_COLUMNS])
    stat_cols = [f"{c}{s}" for c in SUMMARY_COLUMNS for s in ("", "_ci_low", "_ci_high", "_n")]
    write_csv(sweep_dir / "points.csv", points, [*head, "n_replications", *stat_cols])
    report = {"sweep_dir": str(sweep_dir), "jobs": len(jobs), **counts, "parameters": keys}
    if timeseries:
        states = [_status(j).get("status", "incomplete") for j in jobs]
        path = gather_timeseries(sweep_dir, list(zip(jobs, params, states, strict=True)), keys)
        report["timeseries"] = path.name if path is not None else None
    write_json(sweep_dir / "gather.json", report)
    return report


def describe(report: dict[str, Any]) -> str:
    return (
        f"gathered {report['jobs']} jobs in {report['sweep_dir']}: {report['complete']} complete, "
        f"{report['failed']} failed, {report['incomplete']} incomplete -> gathered.csv, points.csv"
    )


class GatherCallback(Callback):
    """Hydra callback: gather the sweep when a multirun ends; exit 3 if any job failed."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        output = config.get("output")
        report = gather(config.hydra.sweep.dir, timeseries=bool(output is not None and output.get("gather_timeseries", False)))
        print(describe(report))
        if report["failed"] or report["incomplete"]:
            print(f"scamsim: {report['failed'] + report['incomplete']} job(s) did not complete", file=sys.stderr)
            sys.exit(3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.runs.gather", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="a Hydra multirun directory (complete or partial)")
    parser.add_argument("--timeseries", action="store_true", help="also stack the jobs' time series into timeseries_gathered.csv")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"scamsim: {args.sweep_dir} is not a directory", file=sys.stderr)
        return 2
    report = gather(args.sweep_dir, timeseries=args.timeseries)
    print(describe(report))
    return 0 if not (report["failed"] or report["incomplete"]) else 3


if __name__ == "__main__":
    sys.exit(main())
