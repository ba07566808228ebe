"""The results of a study: its replications, their summaries, statistics and tidy tables.

A :class:`StudyResult` is data only: :mod:`sim.runs.study` makes one,
:mod:`sim.runs.output` writes it, :mod:`sim.analysis.compare` pairs two.
``counterfactual`` holds the paired no-intervention arm of each replication
(same seed and index) when the study ran one; its rows follow the scenario
arm's in :attr:`StudyResult.timeseries` (column ``arm``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analysis.counterfactual import COUNTERFACTUAL
from sim.analysis.metrics import SUMMARY_COLUMNS
from sim.analysis.stats import CI_METHOD, column_ci, replication_warning
from sim.config.schema import ScamsimConfig
from sim.core.recorder import SERIES
from sim.model import ReplicationResult

#: The columns of ``network.csv`` after replication, arm and day (:meth:`sim.mechanisms.network.Network.measures`).
NETWORK_MEASURES = ("nodes", "edges", "components", "largest_component_share", "global_efficiency", "mean_protection")


@dataclass
class StudyResult:
    config: ScamsimConfig
    replications: list[ReplicationResult]
    summaries: list[dict[str, float]]
    wall_time: float
    counterfactual: list[ReplicationResult] | None = None  # the paired no-intervention arm, or None
    stats: dict[str, dict[str, float]] = field(init=False)

    #: how :attr:`stats` intervals are made: Student t, clipped to each column's possible range
    ci_method = CI_METHOD

    def __post_init__(self) -> None:
        self.stats = {}
        for col in SUMMARY_COLUMNS:
            mean, lo, hi, n = column_ci(np.array([s[col] for s in self.summaries], float), col)
            self.stats[col] = {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}

    @property
    def warnings(self) -> list[str]:
        """What a reader of these statistics should be told (too few replications, ...)."""
        note = replication_warning(len(self.replications))
        return [note] if note else []

    @property
    def site_names(self) -> list[str]:
        return self.replications[0].site_names

    @property
    def timeseries(self) -> np.ndarray:
        """Structured array: one row per arm, replication, day and site; the counterfactual arm's rows last."""
        reps = self.replications + (self.counterfactual or [])
        arms = ["scenario"] * len(self.replications) + [COUNTERFACTUAL] * len(self.counterfactual or [])
        n_days, n_sites = reps[0].series["revenue_usd"].shape
        dtype = [("replication", "i4"), ("arm", "U14"), ("day", "i4"), ("site", "U32")] + [(s, "f8") for s in SERIES]
        out = np.zeros(len(reps) * n_days * n_sites, dtype)
        out["day"] = np.tile(np.repeat(np.arange(n_days), n_sites), len(reps))
        out["site"] = np.tile(np.array(self.site_names), len(reps) * n_days)
        out["replication"] = np.repeat([r.replication for r in reps], n_days * n_sites)
        out["arm"] = np.repeat(arms, n_days * n_sites)
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

    def _arms(self) -> list[tuple[str, ReplicationResult]]:
        return [("scenario", r) for r in self.replications] + [(COUNTERFACTUAL, r) for r in self.counterfactual or []]

    @property
    def network(self) -> np.ndarray:
        """Structured array: the network's measures at each snapshot day, per arm and replication."""
        dtype = [("replication", "i4"), ("arm", "U14"), ("day", "i4")] + [
            (m, "i8" if m in ("nodes", "edges", "components") else "f8") for m in NETWORK_MEASURES
        ]
        rows = [
            (r.replication, arm, day, *(m[k] for k in NETWORK_MEASURES)) for arm, r in self._arms() for day, _, m in r.network
        ]
        return np.array(rows, dtype)

    @property
    def network_edges(self) -> np.ndarray:
        """Structured array: the network's edge list at each snapshot day, per arm and replication."""
        dtype = [
            ("replication", "i4"),
            ("arm", "U14"),
            ("day", "i4"),
            ("source", "U64"),
            ("target", "U64"),
            ("kind", "U12"),
            ("weight", "f8"),
        ]
        rows = [(r.replication, arm, day, *edge) for arm, r in self._arms() for day, edges, _ in r.network for edge in edges]
        return np.array(rows, dtype)

    def revenue(self, arm: str = "scenario") -> np.ndarray:
        """Total daily revenue, shape (replications, days), of the scenario arm or the ``counterfactual`` arm."""
        if arm == COUNTERFACTUAL:
            if not self.counterfactual:
                raise ValueError("this study ran no counterfactual arm")
            return np.stack([r.revenue for r in self.counterfactual])
        return np.stack([r.revenue for r in self.replications])

    def to_pandas(self) -> dict[str, Any]:
        """The output tables as pandas DataFrames: ``timeseries``, ``events``, ``summary`` and ``stats``.

        The same columns as the CSV files; ``stats`` has one row per summary
        column (mean, ci_low, ci_high, n).  Needs pandas.
        """
        import pandas as pd

        tables: dict[str, Any] = {name: pd.DataFrame(getattr(self, name)) for name in ("timeseries", "events", "summary")}
        tables["stats"] = pd.DataFrame.from_dict(self.stats, orient="index").rename_axis("metric").reset_index()
        return tables
