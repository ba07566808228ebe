"""The command line of a Hydra multirun over rows of a design CSV: one home for what the design studies share.

Sobol (:mod:`sim.runs.sensitivity`) and scenario discovery
(:mod:`sim.runs.discovery`) both run a design as ``python -m sim -m ...
design.file=X design.row=<rows>``, each job's folder named by its design row
(``hydra.sweep.subdir=${design.row}``) so that running a subset of the rows
puts each where a later rerun (resume) finds it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["row_selection", "sweep_command"]


def row_selection(rows: Sequence[int]) -> str:
    """The ``design.row`` sweep of these rows: ``range(a,b)`` when contiguous, else a comma list."""
    if not rows:
        raise ValueError("no rows to sweep")
    rows = sorted(rows)
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"range({rows[0]},{rows[-1] + 1})"
    return ",".join(str(r) for r in rows)


def sweep_command(
    overrides: Sequence[str], design_csv: Path, rows: Sequence[int], sweep_dir: Path, launcher: str, jobs: int
) -> list[str]:
    """``python -m sim -m`` over ``rows`` of ``design_csv`` into ``sweep_dir/<row>/`` with a Hydra launcher."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        *overrides,
        f"design.file={design_csv}",
        f"design.row={row_selection(rows)}",
        f"hydra.sweep.dir={sweep_dir}",
        "hydra.sweep.subdir=${design.row}",
    ]
    if launcher == "joblib":
        cmd += ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={jobs}"]
    elif launcher != "basic":
        cmd += [f"hydra/launcher={launcher}"]
    return cmd
