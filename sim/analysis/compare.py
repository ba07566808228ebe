"""Paired scenario comparisons under common random numbers.

Two studies run at the same seed and replication indices share every random
draw where their scenarios do not differ, so the per-replication difference
of a metric removes most of the seed noise.  :func:`paired` reports, per
metric, the mean paired difference with its 95% CI and, for contrast, the
unpaired (Welch) CI of the difference of means, and how much narrower
pairing made it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from sim.analysis.metrics import SUMMARY_COLUMNS, mean_ci
from sim.analysis.results import StudyResult


def welch_ci(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Unpaired CI of mean(b) - mean(a) with Welch's degrees of freedom."""
    from scipy.special import stdtrit

    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        return math.nan, math.nan
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    diff = float(b.mean() - a.mean())
    if se == 0:
        return diff, diff
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stdtrit(df, 0.5 + level / 2)) * se
    return diff - half, diff + half


def paired(base: StudyResult, other: StudyResult, metrics: Iterable[str] = SUMMARY_COLUMNS) -> list[dict[str, float | str]]:
    """Per metric: ``other - base`` paired by replication, with paired and unpaired CIs."""
    if base.config.seed != other.config.seed:
        raise ValueError(f"paired comparison needs the same seed ({base.config.seed} vs {other.config.seed})")
    ids_a = [r.replication for r in base.replications]
    ids_b = [r.replication for r in other.replications]
    if ids_a != ids_b:
        raise ValueError("paired comparison needs the same replication indices in both studies")
    rows: list[dict[str, float | str]] = []
    for m in metrics:
        a = np.array([s[m] for s in base.summaries], float)
        b = np.array([s[m] for s in other.summaries], float)
        both = ~np.isnan(a) & ~np.isnan(b)
        mean, lo, hi, n = mean_ci(b[both] - a[both])
        ulo, uhi = welch_ci(a, b)
        width, uwidth = hi - lo, uhi - ulo
        rows.append(
            {
                "metric": m,
                "base": base.config.scenario.name,
                "other": other.config.scenario.name,
                "base_mean": float(np.nanmean(a)) if np.any(~np.isnan(a)) else math.nan,
                "other_mean": float(np.nanmean(b)) if np.any(~np.isnan(b)) else math.nan,
                "diff": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n_pairs": n,
                "unpaired_ci_low": ulo,
                "unpaired_ci_high": uhi,
                "width_ratio": width / uwidth if uwidth and not math.isnan(uwidth) and uwidth > 0 else math.nan,
            }
        )
    return rows


def format_table(rows: list[dict[str, float | str]]) -> str:
    lines = [f"{'metric':<22}{'diff':>11}  {'paired 95% CI':<26}{'unpaired 95% CI':<26}{'width':>6}"]
    for r in rows:
        lines.append(
            f"{r['metric']:<22}{r['diff']:>11.4g}  [{r['ci_low']:.4g}, {r['ci_high']:.4g}]".ljust(59)
            + f"[{r['unpaired_ci_low']:.4g}, {r['unpaired_ci_high']:.4g}]".ljust(26)
            + f"{r['width_ratio']:>6.2f}"
        )
    return "\n".join(lines)
