"""The ABC-SMC engine of the calibration: the model as pyabc sees it, the distance, the sampler.

Why pyabc: sequential Monte Carlo ABC (Toni et al. 2009; Beaumont et al.
2009) with adaptive tolerances and population-based proposals is easy to get
subtly wrong (importance weights, kernel bandwidths); pyabc is the maintained
implementation a referee knows, and its samplers run the same study on two
local processes (``MulticoreEvalParallelSampler``) or a Dask cluster
(``DaskDistributedSampler``) without a change to the model.

Each particle runs the July 2025 wave once.  Its replication index is a hash
of the parameter values, so a particle's simulation is a deterministic
function of its parameters in any process: the streams stay ours
(``SeedSequence(seed, spawn_key=(replication, stream))``) even though pyabc
draws particles from numpy's global generator (seeded once by the driver).
One simulation per particle is the standard stochastic ABC: the tolerance
kernel absorbs the simulation noise, and the targets' allowed ranges are the
noise model of the observations (the distance is in units of each range's
half-width).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.analysis.pattern_spec import Pattern
from sim.analysis.patterns import CALIBRATION
from sim.config.checks import to_config
from sim.runs.study import run

__all__ = ["ProbitModel", "Target", "WaveModel", "alias", "distance", "replication_of", "targets", "to_theta"]


@dataclass(frozen=True)
class Target:
    """A calibration target: the registry pattern, and the centre and half-width of its allowed range."""

    pattern: Pattern
    centre: float
    scale: float


def targets(patterns: Sequence[Pattern] = CALIBRATION) -> dict[str, Target]:
    """The July 2025 wave's calibration targets: every calibration pattern read on the crackdown run."""
    return {
        p.name: Target(p, (p.lo + p.hi) / 2, (p.hi - p.lo) / 2)
        for p in patterns
        if p.role == "calibration" and p.scenario == "crackdown"
    }


def alias(key: str, keys: Sequence[str] = ()) -> str:
    """The pyabc name of a dotted config key: its last part, or its last two joined by ``__`` when another of
    ``keys`` ends in the same part (``june_2025__peak_raid_rate``); pyabc stores names as column labels."""
    last = key.rsplit(".", 1)[-1]
    if sum(1 for k in keys if k.rsplit(".", 1)[-1] == last) > 1:
        return "__".join(key.rsplit(".", 2)[-2:])
    return last


def replication_of(pars: Mapping[str, float], names: Sequence[str]) -> int:
    """A replication index from the parameter values: the same particle always gets the same streams."""
    text = ",".join(f"{float(pars[n]):.17g}" for n in names)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little") & 0x7FFFFFFF


def distance(x: Mapping[str, float], x0: Mapping[str, float], scales: Mapping[str, float]) -> float:
    """Root mean square of the targets' misfits in half-widths of their allowed ranges; inf if any is NaN.

    A distance of 1 means the summary sits, on average, at the edge of the
    ranges the sources allow.
    """
    total = 0.0
    for k, s in scales.items():
        d = (float(x[k]) - float(x0[k])) / s
        if not math.isfinite(d):
            return math.inf
        total += d * d
    return math.sqrt(total / len(scales))


def to_theta(z: float, lo: float, hi: float) -> float:
    """A parameter in its prior's box ``[lo, hi]`` from its probit-scale value ``z``: ``z ~ N(0, 1)`` gives a uniform result."""
    return lo + (hi - lo) * 0.5 * math.erfc(-z / math.sqrt(2.0))  # the normal CDF, accurate in both tails


class ProbitModel:
    """The model as pyabc samples it: every parameter on the probit scale of its uniform prior's box.

    Why: a uniform prior's box has edges, and a Gaussian proposal kernel near an
    edge (worse, a corner of a 10-dimensional box) puts most of its mass
    outside, so the few particles there get huge importance weights (a pilot
    run on the box: effective sample size 3 of 100 by the fourth generation).
    With ``z ~ N(0, 1)`` and ``theta = lo + (hi - lo) * Phi(z)``, theta is
    exactly uniform on ``[lo, hi]`` (the same prior), the proposals live on an
    unbounded space, and the prior's tails are Gaussian like the proposal
    kernels' (a logit scale, whose logistic prior has heavier tails than any
    Gaussian kernel, gave the far-tail particles huge weights in a pilot).
    """

    def __init__(self, model: WaveModel, bounds: Mapping[str, tuple[float, float]]) -> None:
        self.model = model
        self.bounds = dict(bounds)  # pyabc name -> (lo, hi)

    def theta(self, z: Mapping[str, float]) -> dict[str, float]:
        return {n: to_theta(float(z[n]), lo, hi) for n, (lo, hi) in self.bounds.items()}

    def __call__(self, z: Mapping[str, float]) -> dict[str, float]:
        return self.model(self.theta(z))


class WaveModel:
    """The model pyabc calls: parameters in, the calibration targets of one replication out.

    Holds the composed (not yet typed) base config, so a particle costs one
    validation (:func:`sim.config.checks.to_config`), not a Hydra composition.
    """

    def __init__(self, base: DictConfig, keys: Sequence[str], targets: Mapping[str, Target]) -> None:
        self.base = base
        self.keys = list(keys)
        self.names = [alias(k, self.keys) for k in self.keys]
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"calibrated keys need distinct last parts, got {self.names}")
        self.targets = dict(targets)

    def config(self, pars: Mapping[str, float]) -> Any:
        cfg = self.base.copy()
        for key, name in zip(self.keys, self.names, strict=True):
            OmegaConf.update(cfg, key, float(pars[name]))
        return to_config(cfg)

    def summary(self, pars: Mapping[str, float], replication: int) -> dict[str, float]:
        res = run(self.config(pars), replications=1, first_replication=replication, counterfactual=False)
        return {name: float(t.pattern.measure(res, t.pattern.window)[0]) for name, t in self.targets.items()}

    def __call__(self, pars: Mapping[str, float]) -> dict[str, float]:
        return self.summary(pars, replication_of(pars, self.names))
