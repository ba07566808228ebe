"""Global sensitivity analysis (Sobol indices, SALib) of recovery to the uncertain parameters.

    python experiments/sensitivity.py                # N=128 base samples, 8 parameters, 2 replications per point, into results/
    python experiments/sensitivity.py --quick        # N=8, 1 replication (a smoke test), into outputs/sensitivity-quick/<date_time>/
    python experiments/sensitivity.py --n 64 --launcher slurm

The study (parameters and ranges, outputs, N, world, replications, horizon)
is ``configs/experiment/sensitivity.yaml``; the method is
:mod:`sim.runs.sensitivity`.  The design is run as a Hydra sweep over its
rows, so it can go to a cluster with ``--launcher slurm``; ``--sweep-dir``
reuses (resumes) a sweep.  Writes sensitivity.md, sensitivity.csv,
sensitivity.png and its sidecar sensitivity.json.  Quick output never goes
into ``results/`` unless asked for with ``--out results --overwrite-results``.
Needs SALib (``pip install ".[analysis]"``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.runs.experiment import ResultsProtectedError, load_study, output_folder
from sim.runs.sensitivity import sensitivity

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N=8, 1 replication per point (a smoke test)")
    parser.add_argument("--n", type=int, default=None, help="Sobol base samples, a power of 2 (default: the study's)")
    parser.add_argument("--world", default=None, help="world (default: the study's, small)")
    parser.add_argument("--replications", type=int, default=None, help="replications per point (default: the study's)")
    parser.add_argument("--horizon", type=int, default=None, help="horizon_days (default: the study's)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the design and the runs (default: the study's)")
    parser.add_argument("--launcher", default="joblib", help="basic, joblib, slurm, submitit_local, ray_local")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs of the joblib launcher")
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
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="sensitivity", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"sensitivity: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    given = {
        "study.spec.n": args.n,
        "world": args.world,
        "replications": args.replications,
        "horizon_days": args.horizon,
        "seed": args.seed,
    }
    study = load_study("sensitivity", args.quick, [f"{k}={v}" for k, v in given.items() if v is not None])
    sweep_dir = (args.sweep_dir or out / ".sensitivity_sweep").resolve()
    files = sensitivity(study, out, sweep_dir, args.launcher, args.jobs)
    print((out / "sensitivity.md").read_text())
    print(f"wrote {', '.join(str(f) for f in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
