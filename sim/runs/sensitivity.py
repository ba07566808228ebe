"""The sensitivity study: Sobol indices (SALib) of the wave's effect, with the seed as a factor of the design.

As ``configs/experiment/sensitivity.yaml`` sets it up: a Saltelli/Sobol
design over ``spec.params`` and the seed factor (``spec.n`` base samples,
:mod:`sim.runs.sobol_design`) is written to a CSV whose columns are config
keys and run as an ordinary Hydra sweep over its rows (``python -m sim -m
+experiment=sensitivity design.file=... design.row=...``), so the same
study can go to a cluster with another launcher.  Each row runs one
replication at its own seed; ``S_T(seed)`` is the seed-noise share of each
output's variance.  Convergence: the N/2 prefix, a bootstrap over the base
samples and the ``S_T <= 1 + conf`` check (:mod:`sim.runs.sobol_checks`).

Resumable: a sweep directory remembers its design and base config
(``sweep.json``); rerunning into it sweeps only the rows without complete
results (and refuses a different design or config, which would mix two
studies).  Writes ``sensitivity.md``, ``sensitivity.csv``, ``sensitivity.png``
and ``sensitivity.json`` (the figure's provenance sidecar carrying the
study's numbers, :mod:`sim.runs.sensitivity_report`).  Needs SALib
(``pip install ".[analysis]"``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import OmegaConf

from sim.runs.atomic import write_json
from sim.runs.design_sweep import row_selection, sweep_command
from sim.runs.experiment import Study, base_overrides, flatten
from sim.runs.gather_series import summary_rows
from sim.runs.provenance import config_hash
from sim.runs.sensitivity_report import SCRIPT, write_report
from sim.runs.sobol_design import SeedFactor, SobolDesign, check_rows, corner_rows, make_design, present_keys

#: Machines the compute estimate is projected to: name -> cores (one design row per core at a time).
MACHINES = {"laptop": 4, "workstation": 16, "cluster": 256}

__all__ = [
    "MACHINES",
    "SCRIPT",
    "SweepMismatchError",
    "compute_estimate",
    "done_rows",
    "outputs_by_row",
    "prepare",
    "row_selection",
    "run_sweep",
    "sensitivity",
]


class SweepMismatchError(ValueError):
    """The sweep directory holds another study's design or config: resuming into it would mix two studies."""


def prepare(study: Study, sweep_dir: Path) -> tuple[SobolDesign, Path]:
    """The study's design, written to ``sweep_dir/design.csv`` after its corner rows validate; refuses a foreign sweep."""
    spec = study.spec
    params = flatten(spec["params"])
    seed = SeedFactor.from_spec(spec.get("seed_factor"))
    tied = {str(k): str(v) for k, v in (spec.get("tied") or {}).items()}
    base, present = present_keys(base_overrides(study), list(tied))
    design = make_design(params, int(spec["n"]), study.config.seed, seed, tied, present)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    kept = {k: v for k, v in tied.items() if k in present}
    check_rows(base, [*corner_rows(params, seed, kept), *design.rows[:4]], sweep_dir)
    key = {
        "design_sha256": hashlib.sha256(json.dumps(design.rows, sort_keys=True).encode()).hexdigest(),
        "base_config_hash": config_hash(base),
        "rows": len(design.rows),
    }
    record = sweep_dir / "sweep.json"
    if record.is_file():
        old = json.loads(record.read_text())
        if any(old.get(k) != v for k, v in key.items()):
            raise SweepMismatchError(
                f"{sweep_dir} holds a sweep of another design or config ({record}); use a new --sweep-dir "
                "(or remove that one) to run this study"
            )
    elif any(p.name.isdigit() for p in sweep_dir.iterdir()):
        raise SweepMismatchError(
            f"{sweep_dir} holds jobs of a sweep that did not record its design (no sweep.json); use a new --sweep-dir"
        )
    else:
        write_json(record, key)
    return design, design.write(sweep_dir / "design.csv")


def done_rows(sweep_dir: Path) -> set[int]:
    """Design rows with complete results in ``sweep_dir`` (job folders named by their row)."""
    done = set()
    for job in sweep_dir.iterdir() if sweep_dir.is_dir() else ():
        if not job.name.isdigit():
            continue
        try:
            complete = json.loads((job / "status.json").read_text()).get("status") == "complete"
        except (OSError, ValueError):
            continue
        if complete and _job_row(job) == int(job.name):
            done.add(int(job.name))
    return done


def _job_row(job: Path) -> int | None:
    try:
        overrides = [str(o) for o in OmegaConf.load(job / ".hydra" / "overrides.yaml")]
    except Exception:  # an unreadable record: not a done row
        return None
    rows = [o.split("=", 1)[1] for o in overrides if o.startswith("design.row=")]
    return int(rows[0]) if rows and rows[0].isdigit() else None


def run_sweep(
    study: Study, design_csv: Path, rows: list[int], sweep_dir: Path, launcher: str = "joblib", jobs: int = 2
) -> dict[str, Any]:
    """Run these design rows as the jobs of one Hydra multirun (``python -m sim -m``) into ``sweep_dir/<row>/``.

    Each job's folder is named by its design row (``hydra.sweep.subdir``), so
    a sweep of only the missing rows writes beside the done ones.  Returns the
    invocation's timing; raises when a job failed (the done ones stay, and a
    rerun sweeps the rest).
    """

    def command(chunk: list[int], local: str) -> list[str]:
        return sweep_command(base_overrides(study), design_csv, chunk, sweep_dir, local, jobs)

    checkout = str(Path(__file__).resolve().parents[2])  # the child runs this checkout's sim package
    env = dict(os.environ, PYTHONPATH=checkout + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    if launcher == "chunks":
        # `jobs` multiruns side by side, each over a contiguous share of the rows with the basic launcher: Hydra's
        # sweeper composes every job's config in its parent before the first job starts (validate_batch_is_legal,
        # ~0.1-0.2 s a row), which one parent does serially for all rows; chunks share that work out, and the
        # basic launcher runs each chunk's jobs in one process (imports and compiled kernels loaded once)
        k = max(1, min(jobs, len(rows)))
        chunks = [c.tolist() for c in np.array_split(np.array(sorted(rows)), k) if len(c)]
        # each chunk's own gather would count the other chunks' running jobs as incomplete: gather once, at the end
        # each chunk's messages go to a file, not a pipe: a pipe nobody reads until the chunk ends fills up
        # (every job may print a warning) and the chunk then blocks on its next write for ever
        logs = [sweep_dir / f"chunk-{k}.log" for k in range(len(chunks))]
        procs = []
        for c, log in zip(chunks, logs, strict=True):
            with log.open("a") as err:
                procs.append(
                    subprocess.Popen(
                        [*command(c, "basic"), "~hydra.callbacks.gather"], stdout=subprocess.DEVNULL, stderr=err, env=env
                    )
                )
        errors = [(p.wait(), log.read_text(errors="replace")) for p, log in zip(procs, logs, strict=True)]
        bad = [(rc, err) for rc, err in errors if rc != 0]
        if bad:
            raise RuntimeError(f"sweep failed ({bad[0][0]}): {bad[0][1][-2000:]}")
        from sim.runs.gather import gather

        report = gather(sweep_dir)
        if report["failed"] or report["incomplete"]:
            raise RuntimeError(f"sweep failed: {report['failed'] + report['incomplete']} job(s) did not complete in {sweep_dir}")
    else:
        proc = subprocess.run(
            command(rows, launcher), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False, env=env
        )
        if proc.returncode != 0:
            raise RuntimeError(f"sweep failed ({proc.returncode}): {proc.stderr[-2000:]}")
    wall = time.perf_counter() - start
    workers = {"basic": 1, "joblib": jobs, "chunks": jobs}.get(launcher)  # local launchers: how many rows ran at once
    return {
        "rows_run": len(rows),
        "wall_seconds": wall,
        "steady_seconds": _steady_seconds(sweep_dir, rows),
        "launcher": launcher,
        "workers": None if workers is None else min(workers, len(rows)),
        "load": os.getloadavg()[0],
    }


def _steady_seconds(sweep_dir: Path, rows: list[int]) -> float | None:
    """From the first job's start (its ``.hydra`` record) to the last one's end (its ``status.json``).

    The sweep's wall time without Hydra's start-up and the gather at its end:
    what a long sweep pays per row.
    """
    starts, ends = [], []
    for r in rows:
        job = sweep_dir / str(r)
        with contextlib.suppress(OSError):
            starts.append((job / ".hydra" / "config.yaml").stat().st_mtime)
            ends.append((job / "status.json").stat().st_mtime)
    return max(ends) - min(starts) if starts and ends else None


def _log_timing(sweep_dir: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    path = sweep_dir / "timing.json"
    log = json.loads(path.read_text()) if path.is_file() else []
    log.append(entry)
    write_json(path, log)
    return log


def outputs_by_row(
    sweep_dir: Path, rows: int, rules: dict[str, Any], censor: float
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
    """Each output per design row, with its NaN rule applied; and what each rule replaced.

    ``rules[output]``: ``"censor"`` (NaN -> ``censor``, never recovered within
    the horizon), a number (NaN -> that number), or None (a NaN is an error).
    """
    table: dict[str, list[float]] = {o: [] for o in rules}
    for i in range(rows):
        reps = summary_rows(sweep_dir / str(i))
        if not reps:
            raise RuntimeError(f"design row {i} has no results in {sweep_dir}; rerun with the same --sweep-dir to finish it")
        for out in rules:
            cell = reps[0].get(out)
            table[out].append(float(cell) if cell not in (None, "") else math.nan)
    values, report = {}, {}
    for out, rule in rules.items():
        y = np.array(table[out])
        missing = np.flatnonzero(~np.isfinite(y))
        if missing.size and rule is None:
            raise ValueError(f"{out} is NaN in design rows {missing[:10].tolist()}...; give it a NaN rule in study.spec.outputs")
        fill = censor if rule == "censor" else (float(rule) if rule is not None else math.nan)
        y[missing] = fill
        values[out] = y
        report[out] = {"nan_rule": rule, "nan_value": None if rule is None else fill, "replaced": int(missing.size)}
    return values, report


def _row_seconds(sweep_dir: Path, rows: int) -> list[float]:
    """Each complete row's model wall time (``status.json``: both arms, without Hydra's start-up and the writing)."""
    out = []
    for i in range(rows):
        try:
            out.append(float(json.loads((sweep_dir / str(i) / "status.json").read_text())["wall_time_s"]))
        except (OSError, ValueError, KeyError):
            continue
    return out


def compute_estimate(rows: int, model_seconds: list[float], log: list[dict[str, Any]], row_bytes: list[int]) -> dict[str, Any]:
    """Measured seconds per design row and the wall time the full design needs on 4, 16 and 256 cores.

    The per-row cost projected is the local sweeps' own (``log``): from the
    first job's start to the last job's end, times the rows that ran at once,
    over the rows run; it includes each job's composition and the writing of
    its files, not Hydra's one-off start-up.  Without a local sweep it is the
    rows' model time.  A machine with c cores runs ceil(rows / c) rows one
    after another (no queueing, no start-up of the machine itself).
    """
    local = [e for e in log if e.get("workers") and e.get("rows_run") and e.get("steady_seconds") is not None]
    rows_run = sum(e["rows_run"] for e in local)
    steady = sum(e["steady_seconds"] * e["workers"] for e in local) / rows_run if rows_run else None
    gross = sum(e["wall_seconds"] * e["workers"] for e in local) / rows_run if rows_run else None
    model = float(np.median(model_seconds)) if model_seconds else None
    per_row = steady if steady is not None else model
    disk = float(np.mean(row_bytes)) if row_bytes else None
    return {
        "rows": rows,
        "seconds_per_row": per_row,
        "seconds_per_row_basis": "local sweeps: first job start to last job end x rows at once / rows run"
        if steady is not None
        else "model run (status.json)",
        "seconds_per_row_with_startup": gross,
        "model_seconds_per_row_median": model,
        "model_seconds_per_row_max": max(model_seconds) if model_seconds else None,
        "rows_measured": len(model_seconds),
        "rows_run_in_local_sweeps": rows_run,
        "load_average_during_sweeps": [round(e["load"], 2) for e in local],
        "cpu_count": os.cpu_count(),
        "disk_bytes_per_row": disk,
        "disk_gb_full_design": None if disk is None else disk * rows / 1e9,
        "machines": {
            name: {
                "cores": cores,
                "wall_hours": None if per_row is None else math.ceil(rows / cores) * per_row / 3600,
                "launcher": "joblib" if cores <= 16 else "submitit_slurm or ray (hydra/launcher=...)",
            }
            for name, cores in MACHINES.items()
        },
    }


def _row_bytes(sweep_dir: Path, rows: int) -> list[int]:
    """Bytes on disk of each complete row's folder (its tables), for the disk estimate."""
    out = []
    for i in range(rows):
        job = sweep_dir / str(i)
        if (job / "status.json").is_file():
            out.append(sum(p.stat().st_size for p in job.rglob("*") if p.is_file()))
    return out


def sensitivity(
    study: Study, out: Path | None, sweep_dir: Path, launcher: str = "joblib", jobs: int = 2, max_rows: int | None = None
) -> dict[str, Any]:
    """Run the study's sweep in ``sweep_dir`` (an existing one resumes) and write its files into ``out``.

    With ``max_rows`` only that many missing rows run and nothing is
    analysed (a measurement: the compute estimate, also in
    ``sweep_dir/compute.json``); ``out`` may then be None.
    """
    start = time.perf_counter()
    design, design_csv = prepare(study, sweep_dir)
    rows = len(design.rows)
    missing = sorted(set(range(rows)) - done_rows(sweep_dir))
    skipped = rows - len(missing)
    if max_rows is not None:
        missing = missing[:max_rows]
    log = json.loads((sweep_dir / "timing.json").read_text()) if (sweep_dir / "timing.json").is_file() else []
    uncovered = skipped - sum(int(e.get("rows_run", 0)) for e in log)
    if uncovered > 0 and not log:  # an invocation that was stopped before it could log itself: time it from its files
        done = sorted(done_rows(sweep_dir))
        seconds = _steady_seconds(sweep_dir, done)
        log = _log_timing(
            sweep_dir,
            {
                "rows_run": len(done),
                "wall_seconds": seconds,
                "steady_seconds": seconds,
                "launcher": None,
                "workers": None,
                "interrupted": True,
            },
        )
    earlier = sum(e["wall_seconds"] for e in log)  # sweeps of earlier invocations; this one's is timed from ``start``
    if missing:
        log = _log_timing(sweep_dir, run_sweep(study, design_csv, missing, sweep_dir, launcher, jobs))
    compute = compute_estimate(rows, _row_seconds(sweep_dir, rows), log, _row_bytes(sweep_dir, rows))
    write_json(sweep_dir / "compute.json", compute)
    run_info = {"rows": rows, "ran": len(missing), "skipped": skipped, "compute": compute, "sweep_dir": str(sweep_dir)}
    if max_rows is not None or out is None:
        return {**run_info, "files": [sweep_dir / "compute.json"]}
    cfg = study.config
    spec = study.spec
    rules = dict(spec["outputs"]) if isinstance(spec["outputs"], dict) else dict.fromkeys(spec["outputs"])
    y, nan_report = outputs_by_row(sweep_dir, rows, rules, float(cfg.horizon_days - cfg.intervention_day))
    files = write_report(study, design, y, nan_report, out, launcher, compute, earlier, start)
    return {**run_info, "files": files}
