"""Sobol indices and the checks that say whether they converged.

Why these checks: a referee reads a Sobol table only if the ranking it shows
would survive more samples.  Three checks, each computable from the one
design already run:

* the N/2 prefix: indices from the first half of the base samples (a
  prefix of the same Sobol sequence) beside the full ones;
* a bootstrap over the N base samples (each resampled with its A_B rows and
  B row), recomputing S_T: how often the ranking and the top three survive;
* no total index above 1 + its confidence interval (S_T > 1 is impossible
  for a variance share, so one beyond its interval means the estimator has
  not converged or the output is too heavy-tailed for N).

The indices are SALib's; the bootstrap uses SALib's total-order estimator
(Jansen; Saltelli et al. 2010) on the same A, AB, B blocks SALib separates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["analyse", "blocks", "bootstrap_ranking", "max_total_check", "prefix_check", "top_set"]


def analyse(problem: dict[str, Any], y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """S1, S1_conf, ST, ST_conf from SALib (NaN when the output does not vary: no variance to share out)."""
    from SALib.analyze import sobol

    d = problem["num_vars"]
    if not np.all(np.isfinite(y)) or float(np.std(y)) == 0.0:
        nan = np.full(d, math.nan)
        return {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
    res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    return {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def blocks(y: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The A (N,), AB (N, d) and B (N,) outputs of a ``calc_second_order=False`` design (SALib's row order)."""
    step = d + 2
    if y.size % step:
        raise ValueError(f"{y.size} outputs are not N x (inputs + 2) = N x {step}")
    table = y.reshape(-1, step)
    return table[:, 0], table[:, 1 : d + 1], table[:, d + 1]


def _total(a: np.ndarray, ab: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SALib's total-order estimator (Jansen; Saltelli et al. 2010) for all inputs at once; NaN without variance."""
    var = float(np.var(np.r_[a, b]))
    if var <= np.finfo(float).eps:
        return np.full(ab.shape[1], math.nan)
    return 0.5 * np.mean((a[:, None] - ab) ** 2, axis=0) / var


def top_set(st: np.ndarray, k: int = 3) -> frozenset[int]:
    """Indices of the ``k`` largest total indices."""
    return frozenset(int(i) for i in np.argsort(-st, kind="stable")[:k])


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan
    return float(spearmanr(a, b).statistic)


def bootstrap_ranking(y: np.ndarray, d: int, resamples: int, seed: int, k: int = 3) -> dict[str, Any]:
    """Resample the N base samples (with their A_B and B rows), recompute S_T, compare with the full ranking.

    Returns the median and 5% quantile of the Spearman correlation between
    each resample's S_T and the full design's, and the share of resamples
    whose top-``k`` set equals the full design's.
    """
    a, ab, b = blocks(np.asarray(y, dtype=float), d)
    n = a.size
    full = _total(a, ab, b)
    rng = np.random.default_rng(seed)
    rho, same = [], 0
    top = top_set(full, k)
    for _ in range(resamples):
        idx = rng.integers(0, n, size=n)
        st = _total(a[idx], ab[idx], b[idx])
        rho.append(_spearman(st, full))
        same += top_set(st, k) == top
    r = np.array(rho)
    ok = r[np.isfinite(r)]
    return {
        "resamples": resamples,
        "spearman_median": float(np.median(ok)) if ok.size else None,
        "spearman_q05": float(np.quantile(ok, 0.05)) if ok.size else None,
        f"top{k}_same_share": same / resamples if resamples else None,
        f"top{k}": sorted(top),
    }


def prefix_check(full: np.ndarray, half: np.ndarray, k: int = 3) -> dict[str, Any]:
    """The N/2-prefix indices against the full ones: largest change, rank correlation, same top ``k``."""
    if not (np.all(np.isfinite(full)) and np.all(np.isfinite(half))):
        return {"max_abs_change": None, "spearman": None, f"top{k}_same": None}
    return {
        "max_abs_change": float(np.max(np.abs(full - half))),
        "spearman": _spearman(full, half),
        f"top{k}_same": top_set(full, k) == top_set(half, k),
    }


def max_total_check(st: np.ndarray, conf: np.ndarray, names: list[str]) -> dict[str, Any]:
    """Whether every S_T is at most 1 + its confidence half-width, and the largest S_T."""
    if not np.all(np.isfinite(st)):
        return {"ok": None, "max_ST": None, "argmax": None}
    j = int(np.argmax(st))
    return {"ok": bool(np.all(st <= 1.0 + np.nan_to_num(conf))), "max_ST": float(st[j]), "argmax": names[j]}
