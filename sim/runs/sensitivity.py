"""The sensitivity study: Sobol indices (SALib) of recovery to the uncertain parameters.

As ``configs/experiment/sensitivity.yaml`` sets it up: the Saltelli/Sobol
design over ``spec.params`` (``spec.n`` base samples) is written to a CSV
whose columns are config keys and run as an ordinary Hydra sweep over its
rows (``python -m sim -m +experiment=sensitivity design.file=...
design.row=range(0,M)``), so the same study can go to a cluster with
another launcher.  Each point carries the study's replications, and the
indices are computed on the replication means; the share of output variance
that is seed noise is reported beside them.  Convergence: the indices from
the first half of the design (N/2, a prefix of the same Sobol sequence) are
compared with the full one.  Writes ``sensitivity.md``, ``sensitivity.csv``,
``sensitivity.png`` and its sidecar.  Needs SALib (``pip install ".[analysis]"``).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sim.runs.atomic import atomic_savefig, atomic_write, write_csv
from sim.runs.experiment import Study, base_overrides, flatten
from sim.runs.provenance import write_sidecar

SCRIPT = "experiments/sensitivity.py"

__all__ = ["SCRIPT", "analyse", "design", "outputs_by_row", "problem", "run_sweep", "sensitivity"]


def problem(params: dict[str, list[float]]) -> dict[str, Any]:
    """SALib's problem definition of ``{dotted key: [low, high]}``."""
    return {"num_vars": len(params), "names": list(params), "bounds": [list(b) for b in params.values()]}


def design(params: dict[str, list[float]], n: int, seed: int) -> np.ndarray:
    from SALib.sample import sobol

    return sobol.sample(problem(params), n, calc_second_order=False, seed=seed)


def run_sweep(study: Study, design_csv: Path, rows: int, sweep_dir: Path, launcher: str = "joblib", jobs: int = 2) -> None:
    """Run every design row as one job of a Hydra multirun (``python -m sim -m``) into ``sweep_dir``."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        *base_overrides(study),
        f"design.file={design_csv}",
        f"design.row=range(0,{rows})",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    if launcher == "joblib":
        cmd += ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={jobs}"]
    elif launcher != "basic":
        cmd += [f"hydra/launcher={launcher}"]
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"sweep failed ({proc.returncode}): {proc.stderr[-2000:]}")


def outputs_by_row(
    sweep_dir: Path, rows: int, outputs: list[str], horizon_after: float
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Replication means per design row, and the seed-noise share of each output's variance."""
    per_row: dict[int, list[dict[str, str]]] = {}
    with (sweep_dir / "gathered.csv").open() as fh:
        for r in csv.DictReader(fh):
            per_row.setdefault(int(r["design.row"]), []).append(r)
    means, noise = {}, {}
    for out in outputs:
        values = []
        for i in range(rows):
            # never recovering is censored at the end of the run: a long recovery, not a missing one
            values.append([float(r[out]) if r[out] != "" else horizon_after for r in per_row[i]])
        arr = np.array(values)
        means[out] = arr.mean(axis=1)
        within = arr.var(axis=1, ddof=1).mean() / arr.shape[1] if arr.shape[1] > 1 else np.nan
        total = means[out].var(ddof=1)
        noise[out] = float(within / total) if total > 0 else np.nan
    return means, noise


def analyse(params: dict[str, list[float]], y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    from SALib.analyze import sobol

    res = sobol.analyze(problem(params), y, calc_second_order=False, seed=seed)
    return {k: np.asarray(res[k]) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def sensitivity(study: Study, out: Path, sweep_dir: Path, launcher: str = "joblib", jobs: int = 2) -> list[Path]:
    """Run the study's sweep in ``sweep_dir`` (an existing one resumes) and write its files into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cfg = study.config
    params = flatten(study.spec["params"])
    outputs = list(study.spec["outputs"])
    n = int(study.spec["n"])
    x = design(params, n, cfg.seed)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    design_csv = write_csv(sweep_dir / "design.csv", [dict(zip(params, row, strict=True)) for row in x])
    run_sweep(study, design_csv, len(x), sweep_dir, launcher, jobs)
    horizon_after = float(cfg.horizon_days - cfg.intervention_day)  # never recovering is censored here
    y, noise = outputs_by_row(sweep_dir, len(x), outputs, horizon_after)
    rows, half = [], len(x) // 2
    fig, axes = plt.subplots(1, len(outputs), figsize=(5 * len(outputs), 4.5), sharey=True)
    for ax, name in zip(np.atleast_1d(axes), outputs, strict=True):
        full = analyse(params, y[name], cfg.seed)
        first = analyse(params, y[name][:half], cfg.seed)
        for j, key in enumerate(params):
            rows.append(
                {
                    "output": name,
                    "parameter": key,
                    "S1": full["S1"][j],
                    "S1_conf": full["S1_conf"][j],
                    "ST": full["ST"][j],
                    "ST_conf": full["ST_conf"][j],
                    "ST_half_sample": first["ST"][j],
                    "seed_noise_share": noise[name],
                }
            )
        pos = np.arange(len(params))
        ax.barh(pos + 0.2, full["ST"], 0.4, xerr=full["ST_conf"], label=f"total (N={n})")
        ax.barh(pos - 0.2, full["S1"], 0.4, xerr=full["S1_conf"], label="first order")
        ax.plot(first["ST"], pos + 0.2, "k|", markersize=12, label=f"total, N={n // 2}")
        ax.set_yticks(pos, [p.split(".")[-1] for p in params])
        ax.set_title(f"{name} (seed noise {noise[name]:.0%} of variance)", fontsize=10)
        ax.axvline(0, color="grey", linewidth=0.5)
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.suptitle(f"Sobol indices, {cfg.scenario.name} on world={cfg.world.name}, {cfg.replications} replications per point")
    fig.tight_layout()
    atomic_savefig(fig, out / "sensitivity.png", dpi=100)
    plt.close(fig)
    table = write_csv(out / "sensitivity.csv", rows)
    lines = [
        "# Global sensitivity analysis (Sobol)",
        "",
        f"Generated by `python {SCRIPT}{' --quick' if study.quick else ''}` (study `configs/experiment/{study.name}.yaml`): "
        f"Saltelli/Sobol design with N={n} base samples over {len(params)} parameters ({len(x)} points), "
        f"{cfg.replications} replications per point, scenario {cfg.scenario.name} on world={cfg.world.name}, horizon "
        f"{cfg.horizon_days} days, seed {cfg.seed}; run as a Hydra sweep (launcher: {launcher}). Indices on replication "
        f"means; recovery never reached is censored at {horizon_after:g} days. Convergence: ST from the first N/2 base "
        "samples beside the full design.",
        "",
        "| output | parameter | range | S1 [95% conf] | ST [95% conf] | ST at N/2 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = params[r["parameter"]]
        lines.append(
            f"| {r['output']} | `{r['parameter']}` | {lo:g}-{hi:g} | {r['S1']:.2f} ± {r['S1_conf']:.2f} | "
            f"{r['ST']:.2f} ± {r['ST_conf']:.2f} | {r['ST_half_sample']:.2f} |"
        )
    lines += ["", "Seed noise (within-point variance of the replication mean over the variance across points): "]
    lines += [f"- {name}: {noise[name]:.1%}" for name in outputs]
    md = atomic_write(out / "sensitivity.md", "\n".join(lines) + "\n")
    sidecar = write_sidecar(out / "sensitivity.png", study.record(), points=len(x), launcher=launcher)
    return [out / "sensitivity.png", table, md, sidecar]
