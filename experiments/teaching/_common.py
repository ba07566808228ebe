"""Shared helpers of the teaching scripts: find a run or sweep, read its CSV files.

The scripts only read what ``python -m sim`` wrote; they never write into a
run or sweep directory's results.  They import ``sim``, so the package must
be installed (``python -m pip install -e .`` from the clone, as the README says).
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the clone: commands run from here


def latest(path: str | Path, marker: str) -> Path:
    """``path`` itself if it holds ``marker``, else its newest subfolder (at any depth) that does.

    Run folders are named by date and time, so "newest" is the last name in
    sorted order; ``outputs/teaching/01_single_raid`` finds the latest run of
    exercise 1.
    """
    path = Path(path)
    if (path / marker).is_file():
        return path
    if not path.is_dir():
        sys.exit(f"teaching: {path} does not exist (run the exercise's python -m sim command first)")
    found = sorted(p.parent for p in path.rglob(marker))
    if not found:
        sys.exit(f"teaching: no {marker} under {path}: has the run finished?")
    return max(found, key=lambda p: (p.stat().st_mtime, str(p)))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def num(text: str | None) -> float:
    """A CSV cell as a number; empty means "not defined" (NaN)."""
    return math.nan if text in (None, "") else float(text)


def fmt(x: float, digits: int = 3) -> str:
    return "-" if isinstance(x, float) and math.isnan(x) else f"{x:.{digits}g}"


def ci(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    """``mean [lo, hi]``; a single value when the interval is undefined."""
    if math.isnan(lo):
        return fmt(mean, digits)
    return f"{fmt(mean, digits)} [{fmt(lo, digits)}, {fmt(hi, digits)}]"
