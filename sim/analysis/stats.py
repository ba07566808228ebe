"""Statistics over replications and over days: trailing means and confidence intervals.

Two kinds of interval, one rule for each:

- :func:`mean_ci` is the plain Student-t interval of a mean (for differences
  and anything unbounded);
- :func:`column_ci` is the interval of a summary column: the same Student-t
  interval, clipped to the column's possible range
  (:data:`sim.config.columns.COLUMN_RANGES`: shares in [0, 1], counts and
  levels >= 0), so ``compounds_closed`` never gets a negative bound and
  ``low_level_share`` never one above 1.  ``summary.json`` records the method
  (:data:`CI_METHOD`); the figures draw the same interval (:func:`band`).

Fewer than :data:`MIN_RELIABLE_REPLICATIONS` replications give intervals that
are too unstable to read; :func:`replication_warning` says so.
"""

from __future__ import annotations

import math

import numpy as np

from sim.config.columns import COLUMN_RANGES

__all__ = [
    "CI_LEVEL",
    "CI_METHOD",
    "MIN_RELIABLE_REPLICATIONS",
    "band",
    "column_ci",
    "mean_ci",
    "replication_warning",
    "rolling7",
    "t_quantile",
]

CI_LEVEL = 0.95
#: How every interval of a summary column is made (recorded in ``summary.json``).
CI_METHOD = "student_t_clipped"
#: Below this many replications a warning goes to stderr and into ``summary.json``.
MIN_RELIABLE_REPLICATIONS = 5


def rolling7(x: np.ndarray) -> np.ndarray:
    """Trailing 7-day mean (shorter windows at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, float), 0, 0.0))
    idx = np.arange(1, len(x) + 1)
    lo = np.maximum(idx - 7, 0)
    return (c[idx] - c[lo]) / (idx - lo)


def t_quantile(n: int, level: float = CI_LEVEL) -> float:
    """The two-sided Student-t multiplier for a mean of ``n`` values (NaN below 2)."""
    if n < 2:
        return math.nan
    from scipy.special import stdtrit  # light import; scipy.stats costs ~1 s

    return float(stdtrit(n - 1, 0.5 + level / 2))


def mean_ci(values: np.ndarray, level: float = CI_LEVEL) -> tuple[float, float, float, int]:
    """Mean and Student-t confidence interval, ignoring NaNs; returns (mean, lo, hi, n)."""
    x = np.asarray(values, float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = t_quantile(n, level) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def column_ci(values: np.ndarray, column: str, level: float = CI_LEVEL) -> tuple[float, float, float, int]:
    """:func:`mean_ci`, clipped to the possible range of summary column ``column`` (unbounded if unknown)."""
    mean, lo, hi, n = mean_ci(values, level)
    low, high = COLUMN_RANGES.get(column, (-math.inf, math.inf))
    if n > 1:
        lo, hi = max(lo, low), min(hi, high)
    return mean, lo, hi, n


def band(
    runs: np.ndarray, level: float = CI_LEVEL, bounds: tuple[float, float] = (0.0, math.inf)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over axis 0 of ``runs`` (replications x points) with the same clipped Student-t interval.

    Returns (mean, lo, hi); with one replication the band has zero width.
    """
    x = np.asarray(runs, float)
    n = x.shape[0]
    mean = x.mean(axis=0)
    if n < 2:
        return mean, mean.copy(), mean.copy()
    half = t_quantile(n, level) * x.std(axis=0, ddof=1) / math.sqrt(n)
    return mean, np.maximum(mean - half, bounds[0]), np.minimum(mean + half, bounds[1])


def replication_warning(n: int) -> str | None:
    """The warning for a study of ``n`` replications, or None when there are enough."""
    if n >= MIN_RELIABLE_REPLICATIONS:
        return None
    return (
        f"only {n} replication{'s' if n != 1 else ''}: confidence intervals below "
        f"{MIN_RELIABLE_REPLICATIONS} replications are unreliable (or missing for 1)"
    )
