"""A study: N replications of one config, run in this process.

This is the Python API for notebooks and tests, and what the CLI calls::

    from sim import compose, run
    result = run(compose(["world=small", "scenario=baseline", "replications=5"]))
    result.summary["final_frac"], result.stats["final_frac"]

Nothing here touches the file system; :mod:`sim.runs.output` writes files.
"""

from __future__ import annotations

import time

import numpy as np

from sim.analysis.metrics import mean_ci, summarise
from sim.analysis.results import StudyResult
from sim.config.schema import ScamsimConfig
from sim.model import ReplicationResult, run_replication

__all__ = ["StudyResult", "half_width", "run"]


def run(
    config: ScamsimConfig,
    replications: int | None = None,
    first_replication: int = 0,
    progress: bool = False,
    audit: bool = False,
) -> StudyResult:
    """Run replications ``first_replication ..`` of a validated config.

    Each replication draws from its own streams (seed, replication, stream), so
    replication k is the same whether run alone, in a batch or in another
    process.  With ``replications="auto"`` batches are added until the 95% CI
    half-width of ``precision.metric`` is within ``precision.half_width``.
    """
    n = config.replications if replications is None else replications
    start = time.perf_counter()
    if n == "auto":
        results, summaries = _run_until_precise(config, first_replication, progress, audit)
    else:
        results, summaries = _run_batch(config, range(first_replication, first_replication + n), progress, audit)
    return StudyResult(config, results, summaries, time.perf_counter() - start)


def _run_batch(
    config: ScamsimConfig, indices: range, progress: bool, audit: bool
) -> tuple[list[ReplicationResult], list[dict[str, float]]]:
    it = indices
    if progress:
        from tqdm import tqdm

        it = tqdm(indices, desc=f"{config.scenario.name}/{config.world.name}", unit="rep", leave=False)
    results = [run_replication(config, k, audit=audit) for k in it]
    return results, [summarise(r, config) for r in results]


def half_width(values: np.ndarray) -> float:
    _mean, lo, hi, n = mean_ci(values)
    return (hi - lo) / 2 if n > 1 else float("inf")


def _run_until_precise(
    config: ScamsimConfig, first: int, progress: bool, audit: bool
) -> tuple[list[ReplicationResult], list[dict[str, float]]]:
    prec = config.precision
    results, summaries = _run_batch(config, range(first, first + prec.min_replications), progress, audit)
    while len(results) < prec.max_replications:
        values = np.array([s[prec.metric] for s in summaries], float)
        target = prec.half_width * (abs(np.nanmean(values)) if prec.relative else 1.0)
        if half_width(values) <= target:
            break
        k = first + len(results)
        more, more_s = _run_batch(config, range(k, min(k + prec.batch, first + prec.max_replications)), progress, audit)
        results += more
        summaries += more_s
    return results, summaries
