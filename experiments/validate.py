"""Run the pattern-oriented validation and the mechanism knockouts; write validation.md.

    python experiments/validate.py                  # Cambodia world, 20 replications, into results/
    python experiments/validate.py --replications 10  # fewer replications (the report says how many)
    python experiments/validate.py --quick          # small world, 3 replications, into outputs/validate-quick/<date_time>/
    python experiments/validate.py --quick --out /tmp/validation
    python experiments/validate.py --report-only    # rewrite validation.md from validation_data.json, no run

The study is ``configs/experiment/validation.yaml`` (scenarios and
knockouts); the patterns, their roles and ranges are
:mod:`sim.analysis.patterns`, the discrimination rule
:mod:`sim.analysis.discrimination`, the run :mod:`sim.runs.validation` and
the report :mod:`sim.runs.validation_report`.  The small world is not
calibrated to the July 2025 counts, so in quick mode the calibration targets
(raids, arrests) are expected to fail.  Quick output never goes into ``results/`` unless asked
for with ``--out results --overwrite-results``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.runs.experiment import ResultsProtectedError, load_study, output_folder
from sim.runs.validation import rerender, validate

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small world, few replications (a smoke test)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: results/, or outputs/validate-quick/<date_time>/ with --quick)",
    )
    parser.add_argument(
        "--overwrite-results", action="store_true", help="with --quick, allow --out results/: replace the reference results"
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    parser.add_argument("--replications", type=int, default=None, help="replications per scenario and arm (default: the study's)")
    parser.add_argument(
        "--report-only", action="store_true", help="recompute the discrimination and rewrite the report from the data file"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        folder = args.out or ROOT / "results"
        print(f"wrote {', '.join(str(f) for f in rerender(folder))}")
        return 0
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="validate", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"validate: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    extra = [f"replications={args.replications}"] if args.replications else []
    study = load_study("validation", args.quick, overrides=extra)
    files = validate(study, out, args.jobs, say=lambda line: print(line, flush=True))
    print(f"wrote {', '.join(str(f) for f in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
