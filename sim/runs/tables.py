"""The run's tables on disk: CSV (the default) or Parquet (``output.format=parquet``).

Parquet keeps the same columns and types in a compressed, typed file, for
large sweeps whose time series would make CSV files of gigabytes; it needs
pyarrow, the ``[parquet]`` extra (``pip install "scamsim[parquet]"``).
Files are written atomically like every other output (a temporary file, then
a rename).  Reading goes through pandas: :func:`read_table` finds a table by
name whatever its format.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from sim.runs.atomic import atomic_write, csv_text

__all__ = ["FORMATS", "MissingParquetError", "parquet_available", "read_table", "table_path", "write_table"]

FORMATS = ("csv", "parquet")
#: Floats in the output contract's CSV files: 10 significant digits (the golden tests pin the bytes).
FLOAT_FORMAT = ".10g"
PARQUET_HINT = 'output.format=parquet needs pyarrow: pip install "scamsim[parquet]" (or pip install pyarrow)'


class MissingParquetError(RuntimeError):
    """Parquet was asked for but pyarrow is not installed."""


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise MissingParquetError(PARQUET_HINT) from err
    return pa, pq


def table_path(outdir: Path, name: str, fmt: str) -> Path:
    return Path(outdir) / f"{name}.{fmt}"


def write_table(outdir: Path, name: str, records: np.ndarray, fmt: str = "csv") -> Path:
    """Write structured array ``records`` as ``<outdir>/<name>.<fmt>``, atomically."""
    path = table_path(outdir, name, fmt)
    if fmt == "csv":
        return atomic_write(path, csv_text(records, float_format=FLOAT_FORMAT))
    if fmt != "parquet":
        raise ValueError(f"output format {fmt!r}: one of {', '.join(FORMATS)}")
    pa, pq = _pyarrow()
    names = records.dtype.names or ()
    table = pa.table({c: pa.array(records[c].tolist() if records.dtype[c].kind == "U" else records[c]) for c in names})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return atomic_write(path, buf.getvalue())


def read_table(outdir: Path, name: str) -> Any:
    """The table ``name`` of a run directory as a pandas DataFrame (CSV or Parquet, whichever is there)."""
    import pandas as pd

    outdir = Path(outdir)
    parquet, csv = table_path(outdir, name, "parquet"), table_path(outdir, name, "csv")
    if parquet.is_file():
        _pyarrow()
        return pd.read_parquet(parquet)
    if csv.is_file():
        return pd.read_csv(csv, keep_default_na=False, na_values=[""])
    raise FileNotFoundError(f"{outdir} has no {name}.csv or {name}.parquet")
