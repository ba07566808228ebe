"""What :mod:`sim.runs.gather` adds to a sweep's tables: design-row parameters and the jobs' time series.

- A design sweep (``design.file=... design.row=range(0,N)``) varies the keys
  of the design file's columns, not the ``design.row`` override alone:
  :func:`design_params` gives each job the row's keys and values, so the
  gathered tables have one column per design parameter.
- :func:`gather_timeseries` stacks every complete job's time series (CSV or
  Parquet) with the job and its parameters in front, into
  ``timeseries_gathered.csv`` (or ``.parquet`` when the jobs wrote Parquet)
  at the sweep root.  It is off by default (time series are large): ask for
  it with ``output.gather_timeseries=true`` on the sweep or
  ``python -m sim.runs.gather --timeseries <sweep_dir>``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.runs.atomic import atomic_write
from sim.runs.tables import parquet_available, read_table, table_path

__all__ = ["design_params", "gather_timeseries", "summary_rows"]


def summary_rows(job: Path) -> list[dict[str, Any]] | None:
    """The job's summary table as rows of dicts (from summary.csv or summary.parquet), or None if it has none."""
    path = job / "summary.csv"
    if path.is_file():
        with path.open() as fh:
            return list(csv.DictReader(fh))
    if table_path(job, "summary", "parquet").is_file():
        frame = read_table(job, "summary")
        return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return None


def design_params(job: Path) -> dict[str, str]:
    """The design row a job ran (its keys and values, as in the design file), or {} for a job without a design."""
    config_file = job / ".hydra" / "config.yaml"
    if not config_file.is_file():
        return {}
    try:
        design = OmegaConf.select(OmegaConf.load(config_file), "design")
    except Exception:  # an unreadable record: no design columns, the job's status says the rest
        return {}
    if design is None or not design.get("file") or int(design.get("row", -1)) < 0:
        return {}
    path = Path(str(design.file))
    if not path.is_file():
        return {}
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = int(design.row)
    return {str(k): str(v) for k, v in rows[row].items()} if row < len(rows) else {}


def gather_timeseries(sweep_dir: Path, jobs: list[tuple[Path, dict[str, str], str]], keys: list[str]) -> Path | None:
    """Write ``timeseries_gathered.<csv|parquet>``: every complete job's time series, job and parameters first.

    ``jobs`` are (job directory, its parameters, its status); returns the path,
    or None when no complete job has a time series.
    """
    import pandas as pd

    frames = []
    parquet = False
    for job, params, state in jobs:
        if state != "complete":
            continue
        try:
            frame = read_table(job, "timeseries")
        except FileNotFoundError:
            continue
        parquet |= table_path(job, "timeseries", "parquet").is_file()
        front = {"job": job.name, **{k: params.get(k, "") for k in keys}}
        frames.append(frame.assign(**front)[[*front, *frame.columns]])
    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True)
    if parquet and parquet_available():
        path = sweep_dir / "timeseries_gathered.parquet"
        buf = io.BytesIO()
        table.astype({k: str for k in ["job", *keys]}).to_parquet(buf, index=False)
        return atomic_write(path, buf.getvalue())
    path = sweep_dir / "timeseries_gathered.csv"
    return atomic_write(path, table.to_csv(index=False, lineterminator="\n"))
