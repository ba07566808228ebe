"""Global sensitivity analysis (Sobol indices, SALib) of recovery to the uncertain parameters.

    python experiments/sensitivity.py            # N=128 base samples, 8 parameters, 2 replications per point
    python experiments/sensitivity.py --quick    # N=8, 1 replication (smoke test)

The Saltelli/Sobol design is written to a CSV whose columns are config keys
and run as an ordinary Hydra sweep over its rows
(``design.file=... design.row=range(0,M)``), so the same study can go to a
cluster with ``--launcher slurm``.  Each point carries replications, and
the indices are computed on the replication means; the share of output
variance that is seed noise is reported beside them.  Convergence: the
indices from the first half of the design (N/2, a prefix of the same Sobol
sequence) are compared with the full one.  Writes results/sensitivity.md,
sensitivity.csv and sensitivity.png.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from reproduce import sidecar, write_table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PARAMS = {  # uncertain parameters and their plausible ranges
    "raids.warning_max": (0.6, 1.0),
    "raids.evacuate_share_warned": (0.5, 0.9),
    "raids.keep_operating_max": (0.2, 0.9),
    "raids.seal_days_mean": (10.0, 90.0),
    "recruitment.refill_rate": (0.01, 0.1),
    "decisions.lay_low_days_mean": (10.0, 90.0),
    "decisions.relocate_margin": (0.0, 0.6),
    "protection.strength_scale": (0.25, 3.0),
}
OUTPUTS = ("recovery_days", "final_frac", "revenue_lost_days")


def design(n: int, seed: int) -> np.ndarray:
    from SALib.sample import sobol

    return sobol.sample(problem(), n, calc_second_order=False, seed=seed)


def problem() -> dict:
    return {"num_vars": len(PARAMS), "names": list(PARAMS), "bounds": [list(b) for b in PARAMS.values()]}


def run_sweep(design_csv: Path, rows: int, sweep_dir: Path, args: argparse.Namespace) -> None:
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"world={args.world}",
        "scenario=crackdown_2025",
        f"replications={args.replications}",
        f"horizon_days={args.horizon}",
        f"seed={args.seed}",
        "figure=false",
        "progress=false",
        f"design.file={design_csv}",
        f"design.row=range(0,{rows})",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    if args.launcher == "joblib":
        cmd += ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={args.jobs}"]
    elif args.launcher != "basic":
        cmd += [f"hydra/launcher={args.launcher}"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({proc.returncode}): {proc.stderr[-2000:]}")


def outputs_by_row(sweep_dir: Path, rows: int, horizon_after: float) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Replication means per design row, and the seed-noise share of each output's variance."""
    per_row: dict[int, list[dict[str, str]]] = {}
    with (sweep_dir / "gathered.csv").open() as fh:
        for r in csv.DictReader(fh):
            per_row.setdefault(int(r["design.row"]), []).append(r)
    means, noise = {}, {}
    for out in OUTPUTS:
        values = []
        for i in range(rows):
            # never recovering is censored at the end of the run: a long recovery, not a missing one
            v = [float(r[out]) if r[out] != "" else horizon_after for r in per_row[i]]
            values.append(v)
        arr = np.array(values)
        means[out] = arr.mean(axis=1)
        within = arr.var(axis=1, ddof=1).mean() / arr.shape[1] if arr.shape[1] > 1 else np.nan
        total = means[out].var(ddof=1)
        noise[out] = float(within / total) if total > 0 else np.nan
    return means, noise


def analyse(y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    from SALib.analyze import sobol

    res = sobol.analyze(problem(), y, calc_second_order=False, seed=seed)
    return {k: np.asarray(res[k]) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, default=None, help="Sobol base samples (power of 2)")
    parser.add_argument("--world", default="small")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--horizon", type=int, default=720)
    parser.add_argument("--seed", type=int, default=20250716)
    parser.add_argument("--launcher", default="joblib", help="basic, joblib, slurm, submitit_local, ray_local")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    parser.add_argument("--sweep-dir", type=Path, default=None, help="reuse (resume) a sweep directory")
    args = parser.parse_args(argv)
    n = args.n or (8 if args.quick else 128)
    args.replications = args.replications or (1 if args.quick else 2)
    args.out.mkdir(parents=True, exist_ok=True)
    x = design(n, args.seed)
    sweep_dir = (args.sweep_dir or args.out / ".sensitivity_sweep").resolve()
    sweep_dir.mkdir(parents=True, exist_ok=True)
    design_csv = sweep_dir / "design.csv"
    write_table(design_csv, [dict(zip(PARAMS, row, strict=True)) for row in x])
    run_sweep(design_csv, len(x), sweep_dir, args)
    horizon_after = float(args.horizon - 180)
    y, noise = outputs_by_row(sweep_dir, len(x), horizon_after)
    rows, half = [], len(x) // 2
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(5 * len(OUTPUTS), 4.5), sharey=True)
    for ax, out in zip(axes, OUTPUTS, strict=True):
        full = analyse(y[out], args.seed)
        first = analyse(y[out][:half], args.seed)
        for j, name in enumerate(PARAMS):
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "S1": full["S1"][j],
                    "S1_conf": full["S1_conf"][j],
                    "ST": full["ST"][j],
                    "ST_conf": full["ST_conf"][j],
                    "ST_half_sample": first["ST"][j],
                    "seed_noise_share": noise[out],
                }
            )
        pos = np.arange(len(PARAMS))
        ax.barh(pos + 0.2, full["ST"], 0.4, xerr=full["ST_conf"], label=f"total (N={n})")
        ax.barh(pos - 0.2, full["S1"], 0.4, xerr=full["S1_conf"], label="first order")
        ax.plot(first["ST"], pos + 0.2, "k|", markersize=12, label=f"total, N={n // 2}")
        ax.set_yticks(pos, [p.split(".")[-1] for p in PARAMS])
        ax.set_title(f"{out} (seed noise {noise[out]:.0%} of variance)", fontsize=10)
        ax.axvline(0, color="grey", linewidth=0.5)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Sobol indices, crackdown_2025 on world={args.world}, {args.replications} replications per point")
    fig.tight_layout()
    fig.savefig(args.out / "sensitivity.png", dpi=100)
    plt.close(fig)
    write_table(args.out / "sensitivity.csv", rows)
    lines = [
        "# Global sensitivity analysis (Sobol)",
        "",
        f"Generated by `python experiments/sensitivity.py{' --quick' if args.quick else ''}`: Saltelli/Sobol design with N={n} "
        f"base samples over {len(PARAMS)} parameters ({len(x)} points), {args.replications} replications per point, "
        f"scenario crackdown_2025 on world={args.world}, horizon {args.horizon} days, seed {args.seed}; run as a Hydra sweep "
        f"(launcher: {args.launcher}). Indices on replication means; recovery never reached is censored at {horizon_after:g} days. "
        f"Convergence: ST from the first N/2 base samples beside the full design.",
        "",
        "| output | parameter | range | S1 [95% conf] | ST [95% conf] | ST at N/2 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = PARAMS[r["parameter"]]
        lines.append(
            f"| {r['output']} | `{r['parameter']}` | {lo:g}-{hi:g} | {r['S1']:.2f} ± {r['S1_conf']:.2f} | "
            f"{r['ST']:.2f} ± {r['ST_conf']:.2f} | {r['ST_half_sample']:.2f} |"
        )
    lines += ["", "Seed noise (within-point variance of the replication mean over the variance across points): "]
    lines += [f"- {out}: {noise[out]:.1%}" for out in OUTPUTS]
    (args.out / "sensitivity.md").write_text("\n".join(lines) + "\n")
    sidecar(args.out / "sensitivity.png", {"n": n, "params": PARAMS, "world": args.world, "replications": args.replications, "seed": args.seed, "mode": "quick" if args.quick else "full"})
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
