"""Posterior draws per replication: the config replication k runs under parameter uncertainty.

Why per replication: an interval over replications that each run their own
posterior draw carries both seed noise and parameter uncertainty, and the
same study at the posterior medians carries seed noise only, so the two
side by side say which part of an interval is which.  The draw is picked by
weight from the replication's own stream (``posterior``), so it is the same
in any process and launcher, and both arms of a replication share it
(common random numbers extend to the parameters).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from sim.config.checks import to_config
from sim.config.errors import ConfigError
from sim.config.schema import ScamsimConfig
from sim.core.streams import STREAM_IDS

__all__ = ["DrawTable", "draw_index", "draw_table", "replication_config"]

WEIGHT = "weight"


class DrawTable:
    """The parameter sets of a draws CSV: config-key columns, rows and normalised weights."""

    def __init__(self, keys: list[str], values: np.ndarray, weights: np.ndarray) -> None:
        self.keys = keys
        self.values = values
        self.weights = weights


@functools.cache
def _read(path: str, mtime: float) -> DrawTable:
    with Path(path).open(newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) < 2:
        raise ConfigError("uncertainty.draws", path, "a CSV with a header of config keys and at least one row")
    header = rows[0]
    try:
        table = np.array([[float(c) for c in r] for r in rows[1:]], float)
    except ValueError as err:
        raise ConfigError("uncertainty.draws", path, f"numbers in every cell ({err})") from err
    if table.shape[1] != len(header) or not np.isfinite(table).all():
        raise ConfigError("uncertainty.draws", path, "one finite number per column in every row")
    if WEIGHT in header:
        j = header.index(WEIGHT)
        w = table[:, j]
        keys = [k for i, k in enumerate(header) if i != j]
        values = np.delete(table, j, axis=1)
    else:
        w, keys, values = np.ones(len(table)), header, table
    if (w < 0).any() or w.sum() <= 0:
        raise ConfigError("uncertainty.draws", path, "non-negative weights that sum to more than 0")
    return DrawTable(keys, values, w / w.sum())


def draw_table(path: str) -> DrawTable:
    """The draws CSV at ``path`` (read once per process and file version)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError("uncertainty.draws", path, "an existing CSV of parameter sets")
    return _read(str(p), p.stat().st_mtime)


def draw_index(config: ScamsimConfig, replication: int, table: DrawTable) -> int:
    """The row replication ``replication`` runs: drawn by weight from its own ``posterior`` stream."""
    ss = np.random.SeedSequence(config.seed, spawn_key=(replication, STREAM_IDS["posterior"]))
    return int(np.random.Generator(np.random.PCG64(ss)).choice(len(table.weights), p=table.weights))


def replication_config(config: ScamsimConfig, replication: int) -> ScamsimConfig:
    """``config`` with replication ``replication``'s posterior draw applied and validated (itself without ``uncertainty.draws``)."""
    u = config.uncertainty
    if not u.draws:
        return config
    table = draw_table(u.draws)
    row = table.values[draw_index(config, replication, table)]
    cfg = OmegaConf.structured(config)
    for key, value in zip(table.keys, row, strict=True):
        if u.keys == "world" and key.startswith("scenario."):
            continue
        if OmegaConf.select(cfg, key, default=None) is None:
            raise ConfigError(f"uncertainty.draws column {key}", u.draws, "a key of the config (see python -m sim --cfg job)")
        OmegaConf.update(cfg, key, float(value))
    return to_config(cfg, design=False)
