"""A study: N replications of one config, and their results as tidy records.

This is the Python API for notebooks and tests, and what the CLI calls::

    from sim import compose, run
    result = run(compose(["world=small", "scenario=baseline", "replications=5"]))
    result.summary["final_frac"], result.stats["final_frac"]

Nothing here touches the file system; :mod:`sim.output` writes files.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from omegaconf import DictConfig

from sim.metrics import SUMMARY_COLUMNS, mean_ci, summarise
from sim.model import ReplicationResult, run_replication
from sim.paths import config_dir
from sim.recorder import SERIES
from sim.schema import ScamsimConfig, register_configs
from sim.validate import to_config


def compose_dictconfig(overrides: Sequence[str] = ()) -> DictConfig:
    """Hydra's compose API over the packaged configs, without a run directory.

    Composition errors (unknown option, wrong type, unknown key) become a
    one-line :class:`ConfigError` like every other bad value.
    """
    from sim.hydra_errors import translate

    register_configs()
    with initialize_config_dir(str(config_dir()), version_base="1.3", job_name="scamsim"):
        try:
            return hydra_compose("config", overrides=list(overrides))
        except Exception as err:
            translated = translate(err, list(overrides))
            if translated is None:
                raise
            raise translated from err


def compose(overrides: Sequence[str] = ()) -> ScamsimConfig:
    """Build a validated, typed config from Hydra overrides, e.g. ``["world=small"]``."""
    return to_config(compose_dictconfig(overrides))


@dataclass
class StudyResult:
    config: ScamsimConfig
    replications: list[ReplicationResult]
    summaries: list[dict[str, float]]
    wall_time: float
    stats: dict[str, dict[str, float]] = field(init=False)

    def __post_init__(self) -> None:
        self.stats = {}
        for col in SUMMARY_COLUMNS:
            mean, lo, hi, n = mean_ci(np.array([s[col] for s in self.summaries], float))
            self.stats[col] = {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}

    @property
    def site_names(self) -> list[str]:
        return self.replications[0].site_names

    @property
    def timeseries(self) -> np.ndarray:
        """Structured array: one row per replication, day and site."""
        reps = self.replications
        n_days, n_sites = reps[0].series["revenue_usd"].shape
        dtype = [("replication", "i4"), ("day", "i4"), ("site", "U32")] + [(s, "f8") for s in SERIES]
        out = np.zeros(len(reps) * n_days * n_sites, dtype)
        out["day"] = np.tile(np.repeat(np.arange(n_days), n_sites), len(reps))
        out["site"] = np.tile(np.array(self.site_names), len(reps) * n_days)
        out["replication"] = np.repeat([r.replication for r in reps], n_days * n_sites)
        for s in SERIES:
            out[s] = np.concatenate([r.series[s].ravel() for r in reps])
        return out

    @property
    def events(self) -> np.ndarray:
        """Structured array: every logged event of every replication."""
        dtype = [
            ("replication", "i4"),
            ("day", "i4"),
            ("event", "U24"),
            ("site", "U32"),
            ("compound", "i4"),
            ("boss", "U48"),
            ("count", "i8"),
        ]
        rows = []
        for r in self.replications:
            for day, kind, site, comp, boss, count in r.events:
                rows.append(
                    (
                        r.replication,
                        day,
                        kind,
                        r.site_names[site] if site >= 0 else "",
                        comp,
                        r.boss_names[boss] if boss >= 0 else "",
                        count,
                    )
                )
        return np.array(rows, dtype)

    @property
    def summary(self) -> np.ndarray:
        """Structured array: one row per replication with every summary column."""
        dtype = [("replication", "i4")] + [(c, "f8") for c in SUMMARY_COLUMNS]
        return np.array(
            [(r.replication, *(s[c] for c in SUMMARY_COLUMNS)) for r, s in zip(self.replications, self.summaries, strict=True)],
            dtype,
        )

    def revenue(self) -> np.ndarray:
        """Total daily revenue, shape (replications, days)."""
        return np.stack([r.revenue for r in self.replications])


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
