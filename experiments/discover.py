"""Where the claim breaks: scenario discovery (Latin hypercube + PRIM) over uncertain parameters and policy levers.

    python experiments/discover.py                 # 600 points on world=cambodia, 2 replications each, into results/
    python experiments/discover.py --quick         # 24 points on world=small, 1 replication (a smoke test), into outputs/
    python experiments/discover.py --points 100 --launcher slurm

The study (parameters and levers with their ranges, outcome, threshold,
PRIM settings, world, replications, horizon) is
``configs/experiment/discovery.yaml``; the method is
:mod:`sim.runs.discovery`.  The design is run as a Hydra sweep over its
rows, so it can go to a cluster with ``--launcher slurm``; ``--sweep-dir``
reuses a sweep and runs only its missing rows (default: ``<out>/.discovery_sweep``,
or the git-ignored ``outputs/discovery_sweep`` when writing into ``results/``:
a Cambodia point leaves ~2 MB of run files).  Writes discovery.md,
discovery.json (the figure's sidecar: boxes, counts, settings, seconds),
discovery.csv and discovery.png.  Quick output never goes into ``results/``
unless asked for with ``--out results --overwrite-results``.  Needs
ema-workbench and scipy (``pip install ".[analysis]"``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.runs.discovery import discovery
from sim.runs.experiment import ResultsProtectedError, load_study, output_folder

ROOT = Path(__file__).resolve().parents[1]


def default_sweep_dir(out: Path) -> Path:
    """``<out>/.discovery_sweep``, but never inside results/: ~2 MB per Cambodia point belongs in the git-ignored outputs/."""
    results = (ROOT / "results").resolve()
    inside = out.resolve() == results or results in out.resolve().parents
    return ROOT / "outputs" / "discovery_sweep" if inside else out / ".discovery_sweep"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="24 points on world=small, 1 replication (a smoke test)")
    parser.add_argument("--points", type=int, default=None, help="Latin-hypercube points (default: the study's)")
    parser.add_argument("--launcher", default="joblib", help="basic, joblib, slurm, submitit_local, ray_local")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs of the joblib launcher")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: results/, or outputs/discovery-quick/<date_time>/ with --quick)",
    )
    parser.add_argument(
        "--overwrite-results", action="store_true", help="with --quick, allow --out results/: replace the reference results"
    )
    parser.add_argument(
        "--sweep-dir",
        type=Path,
        default=None,
        help="reuse (resume) a sweep directory (default: <out>/.discovery_sweep, or outputs/discovery_sweep for results/)",
    )
    args = parser.parse_args(argv)
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="discovery", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"discover: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    given = [f"study.spec.points={args.points}"] if args.points is not None else []
    study = load_study("discovery", args.quick, given)
    sweep_dir = (args.sweep_dir or default_sweep_dir(out)).resolve()
    files = discovery(study, out, sweep_dir, args.launcher, args.jobs)
    print((out / "discovery.md").read_text())
    print(f"wrote {', '.join(str(f) for f in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
