"""Regenerate every figure and table in ``results/`` from the study configs.

    python experiments/reproduce.py                  # full: Cambodia world, 10-30 replications, into results/
    python experiments/reproduce.py --quick          # small world, few replications, into outputs/reproduce-quick/<date_time>/
    python experiments/reproduce.py --only claim --out /tmp/results

Each study is a Hydra experiment config, ``configs/experiment/<study>.yaml``
(``python -m sim +experiment=scenarios --cfg job`` prints one); each figure
is written with a JSON sidecar recording the study, its overrides, seed,
replications, git commit and package versions, so any figure can be traced
to how it was made.  Runs are spread over the machine's cores with joblib; a
replication's numbers do not depend on which process ran it.

``results/`` holds the committed reference results of the full runs.  Quick
output never goes there unless asked for with ``--out results
--overwrite-results``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sim.runs.experiment import ResultsProtectedError, load_study, output_folder
from sim.runs.reproduce import STUDIES

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small world, few replications (minutes -> seconds)")
    parser.add_argument("--only", choices=sorted(STUDIES), action="append", help="run only these studies")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: results/, or outputs/reproduce-quick/<date_time>/ with --quick)",
    )
    parser.add_argument(
        "--overwrite-results", action="store_true", help="with --quick, allow --out results/: replace the reference results"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes")
    args = parser.parse_args(argv)
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name="reproduce", overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"reproduce: {err}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    for name in args.only or list(STUDIES):
        start = time.perf_counter()
        study = load_study(name, args.quick)
        files = STUDIES[name](study, out, args.jobs)
        print(
            f"{name}: {len(files)} files in {time.perf_counter() - start:.1f} s: {', '.join(f.name for f in files)}", flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
