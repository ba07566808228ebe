"""Design rows: one row of a sampling-design CSV applied to a composed config as overrides.

Why here and not in a sweeper: a design (Sobol, Latin hypercube) is a table
of parameter points; sweeping ``design.row=range(0,N)`` turns it into an
ordinary Hydra multirun that any launcher (local, joblib, SLURM, Ray) can run.
"""

from __future__ import annotations

import csv
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim.config.errors import ConfigError


def apply_design(cfg: DictConfig) -> DictConfig:
    """Return a copy of ``cfg`` with row ``design.row`` of ``design.file`` applied as overrides."""
    design = cfg.get("design")
    if design is None or not design.file:
        return cfg
    path = Path(design.file)
    if not path.is_file():
        raise ConfigError("design.file", design.file, "an existing CSV file (absolute path, or relative to where you run)")
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    if not 0 <= design.row < len(rows):
        raise ConfigError("design.row", design.row, f"a row index in 0..{len(rows) - 1} of {design.file}")
    out = cfg.copy()
    for key, value in rows[design.row].items():
        if OmegaConf.select(out, key, default=None) is None:
            raise ConfigError(f"design column {key}", value, "a key of the config (see python -m sim --cfg job)")
        try:
            OmegaConf.update(out, key, float(value) if isinstance(OmegaConf.select(out, key), float) else value)
        except Exception as err:  # OmegaConf's own type check, e.g. "abc" for a float
            raise ConfigError(key, value, f"a value of the key's type ({err.__class__.__name__})") from err
    return out
