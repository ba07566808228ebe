"""Design rows: one row of a sampling-design CSV applied to a composed config as overrides.

Why here and not in a sweeper: a design (Sobol, Latin hypercube) is a table
of parameter points; sweeping ``design.row=range(0,N)`` turns it into an
ordinary Hydra multirun that any launcher (local, joblib, SLURM, Ray) can run.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from omegaconf import AnyNode, DictConfig, ListConfig, OmegaConf

from sim.config.errors import ConfigError


def apply_design(cfg: DictConfig) -> DictConfig:
    """Return a copy of ``cfg`` with row ``design.row`` of ``design.file`` applied as overrides."""
    design = cfg.get("design")
    if design is None:
        return cfg
    if not design.file:
        if design.row != -1:  # a row of no design would silently run the plain config
            raise ConfigError("design.row", design.row, "needs design.file=<a design CSV> (or leave design.row at -1)")
        return cfg
    header, rows = read_design(design.file)
    if not 0 <= design.row < len(rows):
        raise ConfigError("design.row", design.row, f"a row index in 0..{len(rows) - 1} of {design.file}")
    row = rows[design.row]
    if len(row) != len(header):
        raise ConfigError(
            "design.file",
            design.file,
            f"row {design.row} has {len(row)} cells for {len(header)} columns; every row needs one per column",
        )
    out = cfg.copy()
    for key, value in zip(header, row, strict=True):
        if key.split(".")[0] == "design":
            raise ConfigError(f"design column {key}", value, "a model or run key; a design cannot set design.*")
        current = OmegaConf.select(out, key, default=_ABSENT, throw_on_missing=False)
        if current is _ABSENT or isinstance(current, (DictConfig, ListConfig)):
            raise ConfigError(f"design column {key}", value, "a key of the config (see python -m sim --cfg job)")
        try:
            OmegaConf.update(out, key, _cell(value, current, _untyped(out, key)))
        except Exception as err:  # OmegaConf's own type check, e.g. "abc" for a float
            raise ConfigError(key, value, f"a value of the key's type ({err.__class__.__name__})") from err
    return out


def read_design(file: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a design CSV, refusing what is not one: binary, unreadable, duplicated columns."""
    path = Path(file)
    if not path.is_file():
        raise ConfigError("design.file", file, "an existing CSV file (absolute path, or relative to where you run)")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise ConfigError("design.file", file, f"a readable file ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise ConfigError("design.file", file, "a UTF-8 text CSV; this file is binary or in another encoding") from None
    if "\0" in text:
        raise ConfigError("design.file", file, "a UTF-8 text CSV; this file holds NUL bytes (binary)")
    try:
        table = [r for r in csv.reader(io.StringIO(text)) if r]
    except csv.Error as err:
        raise ConfigError("design.file", file, f"a well-formed CSV ({err})") from None
    if not table:
        raise ConfigError("design.file", file, "a CSV with a header of config keys and at least one row; this one is empty")
    header = [name.strip() for name in table[0]]
    if "" in header:
        raise ConfigError("design.file", file, f"every header cell a config key; column {header.index('') + 1} is empty")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ConfigError("design.file", file, f"each column once; {', '.join(repeated)} appears more than once in the header")
    return header, table[1:]


class _Absent:
    pass


_ABSENT = _Absent()
_INTEGER = re.compile(r"[+-]?\d+")


def _untyped(cfg: DictConfig, key: str) -> bool:
    parent, _, leaf = key.rpartition(".")
    node = OmegaConf.select(cfg, parent) if parent else cfg
    return isinstance(node, DictConfig) and isinstance(node._get_node(leaf), AnyNode)


def _cell(text: str, current: Any, untyped: bool) -> Any:
    """A design cell as a value of the key's type (the CSV has text only).

    Floats are parsed as floats.  Whole numbers become ints for int keys and
    for untyped ones (``replications``: a count or ``"auto"``), which would
    otherwise keep the text of the number; anything else stays text for
    OmegaConf to convert or refuse.
    """
    text = text.strip()
    if isinstance(current, float):
        return float(text)
    if (untyped or (isinstance(current, int) and not isinstance(current, bool))) and _INTEGER.fullmatch(text):
        return int(text)
    return text
