"""Calibrate the uncertain raid parameters to the July 2025 wave by ABC-SMC (pyabc).

    python experiments/calibrate.py                  # 1,000 particles per generation on the Cambodia world, into results/
    python experiments/calibrate.py --quick          # 30 particles, 2 generations, small world (a smoke test)
    python experiments/calibrate.py --scheduler tcp://host:8786   # the same study on a Dask cluster

The study (priors, targets, draws, accepted share) is
``configs/experiment/calibration.yaml``; the method is
:mod:`sim.runs.calibration`.  Writes calibration.md,
calibration_posterior.csv, calibration_generations.csv, calibration_fit.json,
calibration.png and its sidecar calibration.json, and (unless --no-overlay)
the calibrated overlay configs/posterior/july_2025.yaml.
Quick output never goes into ``results/`` unless asked for with
``--out results --overwrite-results``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.runs.calibration import calibrate
from sim.runs.experiment import ResultsProtectedError, load_study, output_folder

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small world, 30 particles, 2 generations (a smoke test)")
    parser.add_argument("--particles", type=int, default=None, help="particles per generation (default: the study's)")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler address: run the particles on that cluster")
    parser.add_argument("--no-overlay", action="store_true", help="do not write configs/posterior/<overlay>.yaml")
    parser.add_argument(
        "--analyse-only", action="store_true", help="analyse the ABC-SMC history in <out>/calibration.db without sampling"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the draws and the runs (default: the study's)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: results/, or outputs/calibrate-quick/<date_time>/ with --quick)",
    )
    parser.add_argument(
        "--overwrite-results", action="store_true", help="with --quick, allow --out results/: replace the reference results"
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    args = parser.parse_args(argv)
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="calibrate", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"calibrate: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    study = load_study("calibration", args.quick, [] if args.seed is None else [f"seed={args.seed}"])
    overlay = not args.no_overlay and not args.quick  # a smoke test never replaces the calibrated world
    files = calibrate(
        study,
        out,
        args.jobs,
        particles=args.particles,
        scheduler=args.scheduler,
        write_overlay=overlay,
        analyse_only=args.analyse_only,
    )
    print((out / "calibration.md").read_text())
    print(f"wrote {', '.join(str(f) for f in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
