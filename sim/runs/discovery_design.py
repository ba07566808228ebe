"""The scenario-discovery design: uncertain parameters and policy levers as one Latin hypercube.

Each study variable is one LHS coordinate in [0, 1).  An uncertain
parameter spreads it uniformly over its range.  A policy lever may also
switch off: the lowest ``off_share`` of its coordinate gives the ``off``
value, so a known share of the points run without the lever (the LHS
strata stay intact), and the rest spreads over its "on" range.  A lever
can set several config keys at once (the cut's power and Internet) and
other keys by whether it is on (a campaign without raids adds no pressure
either).  The design CSV holds config keys only, so the sweep runs it like
any other design (:mod:`sim.config.design`); the PRIM inputs are the
variables themselves, one column each (:func:`frame`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.runs.experiment import flatten

__all__ = ["SEED_KEY", "Variable", "cell_text", "config_rows", "frame", "sample", "variables"]

#: The design column holding each point's own seed: points are independent, replications are inside a job.
SEED_KEY = "seed"


@dataclass(frozen=True)
class Variable:
    """One coordinate of the design: an uncertain parameter or a policy lever."""

    name: str  # the PRIM column: the dotted key of a parameter, the lever's name
    keys: tuple[str, ...]  # the config keys it sets (all to the same value)
    low: float = 0.0
    high: float = 1.0
    values: tuple[Any, ...] = ()  # a choice in equal shares instead of a range
    integer: bool = False
    off: Any = None  # the value that switches the lever off (None: it has no off)
    off_share: float = 0.0
    also: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # {key: {"when_off": v, "when_on": v}}
    needs: str = ""  # another lever this one acts through (the on/off table looks only where that one is on)
    lever: bool = False

    def value(self, u: float) -> Any:
        """The variable's value at LHS coordinate ``u`` in [0, 1)."""
        if self.off is not None and u < self.off_share:
            return self.off
        v = (u - self.off_share) / (1.0 - self.off_share) if self.off is not None else u
        if self.values:
            return self.values[min(int(v * len(self.values)), len(self.values) - 1)]
        if self.integer:
            span = int(self.high) - int(self.low)
            return int(self.low) + min(int(v * (span + 1)), span)
        return float(self.low + v * (self.high - self.low))

    @property
    def switchable(self) -> bool:
        """Whether the lever has an off state (an off value, or a true/false choice)."""
        return self.off is not None or set(self.values) == {False, True}

    def is_on(self, value: Any) -> bool:
        if self.off is not None:
            return bool(value != self.off)
        return bool(value)


def variables(spec: Mapping[str, Any]) -> list[Variable]:
    """The study's variables: ``spec.params`` (nested ``{key: [low, high]}``) then ``spec.levers``."""
    out = [Variable(key, (key,), float(lo), float(hi)) for key, (lo, hi) in flatten(spec["params"]).items()]
    for name, lev in spec["levers"].items():
        lo, hi = lev.get("range", [0.0, 1.0])
        out.append(
            Variable(
                name,
                tuple(lev["keys"]),
                float(lo),
                float(hi),
                tuple(lev.get("values", ())),
                bool(lev.get("integer", False)),
                lev.get("off_value"),
                float(lev.get("off_share", 0.0)),
                {k: dict(v) for k, v in lev.get("also", {}).items()},
                str(lev.get("needs", "")),
                lever=True,
            )
        )
    names = {v.name for v in out}
    for v in out:
        if v.needs and v.needs not in names:
            raise ValueError(f"lever {v.name} needs {v.needs!r}, which is not a lever of the study")
        if v.off is not None and not 0.0 < v.off_share < 1.0:
            raise ValueError(f"lever {v.name}: off_share must lie in (0, 1), not {v.off_share}")
    return out


def sample(vars_: list[Variable], points: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The LHS coordinates (points x variables) and one seed per point, both drawn from the study's seed."""
    from scipy.stats import qmc

    lhs_seq, seed_seq = np.random.SeedSequence(seed).spawn(2)
    u = qmc.LatinHypercube(d=len(vars_), rng=np.random.default_rng(lhs_seq)).random(points)
    seeds = np.random.default_rng(seed_seq).integers(0, 2**31 - 1, size=points)
    return u, seeds


def cell_text(value: Any) -> str:
    """A design cell: booleans as YAML's true/false, numbers exactly (repr round-trips a float)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def config_rows(vars_: list[Variable], u: np.ndarray, seeds: np.ndarray) -> list[dict[str, str]]:
    """The design CSV's rows: config key -> cell text, the seed first."""
    rows = []
    for coords, seed in zip(u, seeds, strict=True):
        row = {SEED_KEY: str(int(seed))}
        for var, x in zip(vars_, coords, strict=True):
            value = var.value(float(x))
            for key in var.keys:
                row[key] = cell_text(value)
            for key, by_state in var.also.items():
                row[key] = cell_text(by_state["when_on" if var.is_on(value) else "when_off"])
        rows.append(row)
    return rows


def frame(vars_: list[Variable], u: np.ndarray) -> Any:
    """The PRIM inputs: a pandas DataFrame with one typed column per variable (float, int, bool or category)."""
    import pandas as pd

    data: dict[str, Any] = {}
    for j, var in enumerate(vars_):
        column = [var.value(float(x)) for x in u[:, j]]
        if var.values and all(isinstance(v, bool) for v in var.values):
            data[var.name] = pd.Series(column, dtype=bool)
        elif var.values:
            data[var.name] = pd.Series(column, dtype=pd.CategoricalDtype([str(v) for v in var.values]))
        else:
            data[var.name] = pd.Series(column, dtype=int if var.integer else float)
    return pd.DataFrame(data)
