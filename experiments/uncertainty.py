"""Seed noise against parameter uncertainty in every scenario effect (the calibrated point against posterior draws).

    python experiments/uncertainty.py            # Cambodia world, 40 replications per scenario and arm, into results/
    python experiments/uncertainty.py --quick    # small world, 6 replications, 2 scenarios, into outputs/uncertainty-quick/<date_time>/

The study is ``configs/experiment/uncertainty.yaml``; the method is
:mod:`sim.runs.uncertainty`.  Needs ``results/calibration_posterior.csv``
(``python experiments/calibrate.py``).  Writes uncertainty.md, uncertainty.csv
and uncertainty.json.  Quick output never goes into ``results/`` unless asked
for with ``--out results --overwrite-results``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.runs.experiment import ResultsProtectedError, load_study, output_folder
from sim.runs.uncertainty import uncertainty

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small world, 6 replications, 2 scenarios (a smoke test)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: results/, or outputs/... with --quick)")
    parser.add_argument("--overwrite-results", action="store_true", help="with --quick, allow --out results/")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    parser.add_argument(
        "--draws", default=None, help="a posterior draws CSV (default: the study's, results/calibration_posterior.csv)"
    )
    args = parser.parse_args(argv)
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="uncertainty", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"uncertainty: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    study = load_study(
        "uncertainty", args.quick, [] if args.draws is None else [f"study.spec.draws={Path(args.draws).resolve()}"]
    )
    files = uncertainty(study, out, args.jobs, ROOT)
    print((out / "uncertainty.md").read_text())
    print(f"wrote {', '.join(str(f) for f in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
