"""The results of a study: its replications, their summaries, statistics and tidy tables.

A :class:`StudyResult` is data only: :mod:`sim.runs.study` makes one,
:mod:`sim.runs.output` writes it, :mod:`sim.analysis.compare` pairs two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.analysis.metrics import SUMMARY_COLUMNS, mean_ci
from sim.config.schema import ScamsimConfig
from sim.core.recorder import SERIES
from sim.model import ReplicationResult


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
            for day, kind, site, comp, boss, count in r.events:  # Event records
                rows.append(
                    (
                        r.replication,
                        day,
                        kind.value,
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
