"""Global sensitivity analysis (Sobol indices, SALib) of the July 2025 wave's effect, with the seed as a factor.

    python experiments/sensitivity.py --jobs 2       # N=256, 14 parameters + the seed, Cambodia world, into results/
    python experiments/sensitivity.py --quick        # world=small, N=2 (a smoke test), into outputs/sensitivity-quick/<date_time>/
    python experiments/sensitivity.py --measure 4    # run 4 rows only and print the measured cost per row and the projections
    python experiments/sensitivity.py --launcher submitit_slurm   # or slurm (configs/hydra/launcher/slurm.yaml), ray, joblib, basic

The study (parameters and ranges, the seed factor, outputs and their NaN
rules, N, world, horizon) is ``configs/experiment/sensitivity.yaml``; the
method is :mod:`sim.runs.sensitivity`.  The design is run as a Hydra sweep
over its rows, so it can go to a cluster with another launcher;
``--sweep-dir`` resumes a sweep: rows already done are not run again.
Writes sensitivity.md, sensitivity.csv, sensitivity.png and
sensitivity.json (the figure's sidecar, with the study's numbers).  Quick
output never goes into ``results/`` unless asked for with ``--out results
--overwrite-results``; ``--measure`` writes only into its sweep directory.
Needs SALib (``pip install ".[analysis]"``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from sim.runs.experiment import ResultsProtectedError, load_study, output_folder
from sim.runs.sensitivity import SweepMismatchError, sensitivity

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="world=small, N=2 (a smoke test, under a CPU-minute)")
    parser.add_argument("--n", type=int, default=None, help="Sobol base samples, a power of 2 (default: the study's)")
    parser.add_argument("--world", default=None, help="world (default: the study's, cambodia; small with --quick)")
    parser.add_argument("--horizon", type=int, default=None, help="horizon_days (default: the study's)")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed of the Sobol scrambling and the bootstrap (default: the study's)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OVERRIDE",
        help="a Hydra override of the study, repeatable (e.g. --set study.spec.bootstrap=500)",
    )
    parser.add_argument(
        "--measure",
        type=int,
        default=None,
        metavar="ROWS",
        help="run only ROWS missing design rows, analyse nothing, print the measured cost (into the sweep dir only)",
    )
    parser.add_argument(
        "--launcher",
        default="chunks",
        help="chunks (default: --jobs basic multiruns side by side, each over a share of the rows), basic, joblib, "
        "submitit_slurm, slurm (the repository's preset), submitit_local, ray, ray_local",
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs of the chunks and joblib launchers")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: results/, or outputs/sensitivity-quick/<date_time>/ with --quick)",
    )
    parser.add_argument(
        "--overwrite-results", action="store_true", help="with --quick, allow --out results/: replace the reference results"
    )
    parser.add_argument(
        "--sweep-dir", type=Path, default=None, help="reuse (resume) a sweep directory (default: <out>/.sensitivity_sweep)"
    )
    args = parser.parse_args(argv)
    if args.measure is not None:
        return _measure(args)
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="sensitivity", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"sensitivity: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    study = load_study("sensitivity", args.quick, _overrides(args))
    sweep_dir = (args.sweep_dir or out / ".sensitivity_sweep").resolve()
    try:
        info = sensitivity(study, out, sweep_dir, args.launcher, args.jobs)
    except SweepMismatchError as err:
        print(f"sensitivity: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:  # a job failed: the done rows stay, a rerun into the same sweep runs the rest
        print(f"sensitivity: {' '.join(str(err).split())[:2000]}; rerun with --sweep-dir {sweep_dir} to resume", file=sys.stderr)
        return 1
    print((out / "sensitivity.md").read_text())
    print(f"sweep: {info['rows']} rows, {info['ran']} run now, {info['skipped']} already done ({sweep_dir})")
    print(f"wrote {', '.join(str(f) for f in info['files'])}")
    return 0


def _overrides(args: argparse.Namespace) -> list[str]:
    given = {"study.spec.n": args.n, "world": args.world, "horizon_days": args.horizon, "seed": args.seed}
    return [*(f"{k}={v}" for k, v in given.items() if v is not None), *args.set]


def _measure(args: argparse.Namespace) -> int:
    """Run a few rows of the design (resumable: a later full run with this --sweep-dir reuses them) and print the cost."""
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
    sweep_dir = (args.sweep_dir or ROOT / "outputs" / "sensitivity-measure" / stamp).resolve()
    study = load_study("sensitivity", args.quick, _overrides(args))
    info = sensitivity(study, None, sweep_dir, args.launcher, args.jobs, max_rows=args.measure)
    print(json.dumps(info["compute"], indent=2))
    print(f"measured {info['ran']} rows in {sweep_dir} ({info['skipped']} were already done)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
