"""The Sobol design of the sensitivity study, with the seed as one of its factors.

Why the seed is a factor: a stochastic model's output varies with the seed
as well as with the parameters.  Running every design point at the same seed
hides that variance inside the parameters' indices; repeating each point
with a few seeds estimates it only roughly.  Adding the seed to the SALib
problem as one more input ``u`` in ``[0, 1)`` and running each row once, at
the integer seed derived from its ``u``, makes the seed's total index
``S_T(seed)`` the share of output variance that is seed noise (with its
interactions), on the same footing as every parameter's.

The design rows are config keys (``sim.config.design``): the parameters'
dotted keys, ``seed``, and *tied* columns that copy another column's value
(one factor moving several keys), written only where the world has the key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig, OmegaConf

from sim.config.checks import to_config
from sim.config.compose import compose_dictconfig
from sim.config.design import apply_design
from sim.runs.atomic import write_csv

__all__ = ["SeedFactor", "SobolDesign", "check_rows", "make_design", "problem"]


@dataclass(frozen=True)
class SeedFactor:
    """The seed input: ``u`` in ``bounds`` -> ``min(floor(u * scale), scale - 1) + offset``."""

    name: str = "seed"
    bounds: tuple[float, float] = (0.0, 1.0)
    scale: int = 2**31
    offset: int = 1

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | None) -> SeedFactor:
        spec = dict(spec or {})
        lo, hi = spec.get("bounds", (0.0, 1.0))
        return cls(
            str(spec.get("name", "seed")), (float(lo), float(hi)), int(spec.get("scale", 2**31)), int(spec.get("offset", 1))
        )

    def seed(self, u: float) -> int:
        """The integer run seed of one design value (``u`` rescaled to [0, 1) first)."""
        lo, hi = self.bounds
        unit = (u - lo) / (hi - lo)
        return min(math.floor(unit * self.scale), self.scale - 1) + self.offset

    def describe(self) -> str:
        return (
            f"the seed is input `{self.name}` of the SALib problem, bounds [{self.bounds[0]:g}, {self.bounds[1]:g}); "
            f"row seed = min(floor(u * {self.scale}), {self.scale - 1}) + {self.offset}, one replication per row"
        )


def problem(params: Mapping[str, list[float]], seed: SeedFactor | None = None) -> dict[str, Any]:
    """SALib's problem definition of ``{dotted key: [low, high]}``, the seed factor last when given."""
    names = list(params)
    bounds = [[float(b[0]), float(b[1])] for b in params.values()]
    if seed is not None:
        names.append(seed.name)
        bounds.append(list(seed.bounds))
    return {"num_vars": len(names), "names": names, "bounds": bounds}


@dataclass(frozen=True)
class SobolDesign:
    """The SALib sample (one row per run, inputs in problem order) and the config-key rows made from it."""

    inputs: list[str]  # SALib input names: parameters, then the seed factor
    x: np.ndarray  # (rows, inputs): the sample
    rows: list[dict[str, Any]]  # config keys -> values, the design CSV's rows
    n: int  # base samples

    def write(self, path: Path) -> Path:
        return write_csv(path, self.rows, list(self.rows[0]))


def make_design(
    params: Mapping[str, list[float]],
    n: int,
    sample_seed: int,
    seed: SeedFactor,
    tied: Mapping[str, str] | None = None,
    present: set[str] | None = None,
) -> SobolDesign:
    """Saltelli/Sobol sample (``calc_second_order=False``) over the parameters and the seed factor, as config rows.

    ``tied`` maps a column to the column whose value it copies; a tied column
    is written only when it is in ``present`` (the keys the composed world has)
    or when ``present`` is None.
    """
    from SALib.sample import sobol

    prob = problem(params, seed)
    x = sobol.sample(prob, n, calc_second_order=False, seed=sample_seed)
    keys = list(params)
    copies = {k: src for k, src in (tied or {}).items() if present is None or k in present}
    for k, src in copies.items():
        if src not in keys:
            raise ValueError(f"study.spec.tied: {k} copies {src}, which is not a parameter of the design")
    rows = []
    for r in x:
        row: dict[str, Any] = {k: float(v) for k, v in zip(keys, r[:-1], strict=True)}
        row |= {k: row[src] for k, src in copies.items()}
        row[seed.name] = seed.seed(float(r[-1]))
        rows.append(row)
    return SobolDesign(prob["names"], x, rows, n)


def corner_rows(params: Mapping[str, list[float]], seed: SeedFactor, tied: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every parameter at its low bound, then every one at its high bound (seed at its extremes): the rows validation refuses first."""
    out = []
    for side, u in ((0, seed.bounds[0]), (1, seed.bounds[1])):
        row: dict[str, Any] = {k: float(b[side]) for k, b in params.items()}
        row |= {k: row[src] for k, src in tied.items()}
        row[seed.name] = seed.seed(u)
        out.append(row)
    return out


def check_rows(base: DictConfig, rows: list[dict[str, Any]], folder: Path) -> int:
    """Apply each row to the composed base config and validate it as a run would; raise the first ConfigError.

    Cheap (one composition, then OmegaConf updates): the study runs it on the
    corner rows and the first rows of its design before it sweeps, so a range
    outside what the config accepts stops the study in seconds, not after
    thousands of failed jobs.
    """
    path = write_csv(folder / "design_check.csv", rows, list(rows[0]))
    for i in range(len(rows)):
        cfg = base.copy()
        OmegaConf.update(cfg, "design.file", str(path))
        OmegaConf.update(cfg, "design.row", i)
        to_config(apply_design(cfg), design=False)
    return len(rows)


def present_keys(overrides: list[str], keys: list[str]) -> tuple[DictConfig, set[str]]:
    """The composed base config and which of ``keys`` it has (a tied column is only written where it does)."""
    base = compose_dictconfig(overrides)
    return base, {k for k in keys if OmegaConf.select(base, k, default=None) is not None}
