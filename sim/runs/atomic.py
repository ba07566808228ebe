"""Atomic writes and the package's one tidy-CSV writer.

Every file scamsim writes goes through :func:`atomic_write`: the bytes go to
a hidden temporary file beside the target (``.<name>.<pid>.tmp``), which is
then renamed over it.  A reader, or a process killed half-way, sees the old
file or the new one, never a mix; a failed write removes its temporary file.

:func:`write_csv` writes tables the same way, from a numpy structured array
(one row per record) or from a list of dicts (one row per dict).  Missing
values (NaN, None) are empty cells; floats are written with ``str`` (the
shortest text that reads back to the same number) unless the caller fixes a
format, as the run output contract does (``float_format=".10g"``, pinned by
the golden tests).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

Rows = np.ndarray | Sequence[Mapping[str, Any]]

__all__ = ["atomic_savefig", "atomic_write", "cell", "csv_text", "write_csv", "write_json"]


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` through a temporary file and a rename."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data.encode() if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | Path, obj: Any, **dumps: Any) -> Path:
    """``obj`` as indented JSON (``dumps`` go to :func:`json.dumps`), written atomically."""
    return atomic_write(path, json.dumps(obj, indent=2, **dumps))


def atomic_savefig(fig: Any, path: str | Path, **savefig: Any) -> Path:
    """Save a matplotlib figure atomically (the format follows the target's suffix)."""
    path = Path(path)
    buf = io.BytesIO()
    fig.savefig(buf, format=path.suffix.lstrip(".") or "png", **savefig)
    return atomic_write(path, buf.getvalue())


def cell(value: Any, float_format: str | None = None) -> str:
    """One CSV cell: NaN and None are empty, floats use ``float_format`` if given, else ``str``."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return format(float(value), float_format) if float_format else str(value)
    return str(value)


def csv_text(rows: Rows, columns: Sequence[str] | None = None, float_format: str | None = None) -> str:
    """A table as CSV text with a header row.

    ``rows`` is a structured array (columns: its field names) or a list of
    dicts (columns: ``columns`` if given, else the first row's keys; keys a
    row lacks are empty cells, keys not in ``columns`` are left out).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if isinstance(rows, np.ndarray):
        names = rows.dtype.names
        if names is None:
            raise TypeError("csv_text needs a structured array (named fields)")
        writer.writerow(names)
        writer.writerows([cell(v, float_format) for v in rec] for rec in rows.tolist())
        return buf.getvalue()
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    writer.writerow(cols)
    writer.writerows([cell(row.get(c), float_format) for c in cols] for row in rows)
    return buf.getvalue()


def write_csv(path: str | Path, rows: Rows, columns: Sequence[str] | None = None, float_format: str | None = None) -> Path:
    """:func:`csv_text` written atomically to ``path``."""
    return atomic_write(path, csv_text(rows, columns, float_format))
