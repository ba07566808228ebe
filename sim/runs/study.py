"""A study: N replications of one config, run in this process.

This is the Python API for notebooks and tests, and what the CLI calls::

    from sim import compose, run
    result = run(compose(["world=small", "scenario=baseline", "replications=5"]))
    result.summary["final_frac"], result.stats["final_frac"]

Nothing here touches the file system; :mod:`sim.runs.output` writes files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from sim.analysis.counterfactual import counterfactual_config, has_interventions
from sim.analysis.metrics import mean_ci, summarise
from sim.analysis.results import StudyResult
from sim.config.schema import ScamsimConfig
from sim.model import ReplicationResult, run_replication
from sim.runs.draws import draw_table, replication_config
from sim.runs.progress import Progress

__all__ = ["StudyResult", "half_width", "run", "runs_counterfactual"]


def runs_counterfactual(config: ScamsimConfig) -> bool:
    """Whether each replication also runs the paired no-intervention arm (``counterfactual`` and any intervention)."""
    return bool(config.counterfactual) and has_interventions(config.scenario)


@dataclass
class _Runs:
    config: ScamsimConfig
    cf_config: ScamsimConfig | None
    audit: bool
    progress: Progress
    results: list[ReplicationResult] = field(default_factory=list)
    cf: list[ReplicationResult] = field(default_factory=list)
    summaries: list[dict[str, float]] = field(default_factory=list)

    def batch(self, indices: range) -> None:
        for k in indices:
            config = replication_config(self.config, k)  # itself unless uncertainty.draws: then replication k's draw
            cf_config = (
                None if self.cf_config is None else (self.cf_config if config is self.config else counterfactual_config(config))
            )
            result = run_replication(config, k, audit=self.audit)
            cf = run_replication(cf_config, k, audit=self.audit) if cf_config is not None else None
            self.results.append(result)
            if cf is not None:
                self.cf.append(cf)
            self.summaries.append(summarise(result, config, cf))
            self.progress.step()
            if self.config.replications != "auto":
                self.progress.maybe_line()


def run(
    config: ScamsimConfig,
    replications: int | None = None,
    first_replication: int = 0,
    progress: bool = False,
    audit: bool = False,
    counterfactual: bool | None = None,
) -> StudyResult:
    """Run replications ``first_replication ..`` of a validated config.

    Each replication draws from its own streams (seed, replication, stream), so
    replication k is the same whether run alone, in a batch or in another
    process.  With ``replications="auto"`` batches are added until the 95% CI
    half-width of ``precision.metric`` is within ``precision.half_width``.
    When the scenario has any intervention and ``config.counterfactual`` is
    true, each replication k is paired with replication k of the same config
    without interventions (:func:`sim.analysis.counterfactual.counterfactual_config`).
    ``counterfactual=True`` forces the arm (even for a scenario without
    interventions, a self-comparison), ``False`` turns it off, ``None`` follows
    the config.  ``progress`` reports on stderr: a bar on a terminal, else a
    line per batch.
    """
    n = config.replications if replications is None else replications
    if config.uncertainty.draws:
        draw_table(config.uncertainty.draws)  # a bad draws file is refused before any replication runs
    start = time.perf_counter()
    with_cf = runs_counterfactual(config) if counterfactual is None else counterfactual
    cf_config = counterfactual_config(config) if with_cf else None
    label = f"{config.scenario.name}/{config.world.name}"
    total = config.precision.max_replications if n == "auto" else int(n)
    runs = _Runs(config, cf_config, audit, Progress(label, total, enabled=progress))
    try:
        if n == "auto":
            _run_until_precise(runs, first_replication)
        else:
            runs.batch(range(first_replication, first_replication + int(n)))
    finally:
        runs.progress.close()
    return StudyResult(
        config, runs.results, runs.summaries, time.perf_counter() - start, counterfactual=runs.cf if cf_config else None
    )


def half_width(values: np.ndarray) -> float:
    _mean, lo, hi, n = mean_ci(values)
    return (hi - lo) / 2 if n > 1 else float("inf")


def _run_until_precise(runs: _Runs, first: int) -> None:
    prec = runs.config.precision
    runs.batch(range(first, first + prec.min_replications))
    while True:
        values = np.array([s[prec.metric] for s in runs.summaries], float)
        target = prec.half_width * (abs(np.nanmean(values)) if prec.relative else 1.0)
        width = half_width(values)
        runs.progress.precision(prec.metric, width, target)
        runs.progress.batch_done()
        if width <= target or len(runs.results) >= prec.max_replications:
            break
        k = first + len(runs.results)
        runs.batch(range(k, min(k + prec.batch, first + prec.max_replications)))
