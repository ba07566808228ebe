"""What a replication leaves behind: a daily time series and an event log.

The recorder preallocates one row per day and site, so recording is a few
array writes per day, and keeps events as tuples until the run ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.workers import N_STATUS

SERIES = ("compounds_active", "workers", "revenue_usd", "pressure", "protection", "power", "internet")

#: Every event type the model writes to ``events.csv``.
EVENT_TYPES = (
    "raid",
    "raid_deflected",
    "warning",
    "workers_evacuated",
    "workers_fled",
    "arrest_workers",
    "arrest_managers",
    "manager_released",
    "arrest_boss",
    "equipment_seized",
    "kept_operating",
    "lay_low",
    "resume",
    "relocation",
    "compound_founded",
    "compound_closed",
    "boss_exit",
    "boss_fled_abroad",
    "boss_indicted",
    "boss_sanctioned",
    "boss_successor",
    "cut",
    "restored",
    "substitute_installed",
    "protector_removed",
    "protector_successor",
    "protection_bought",
    "protection_dropped",
    "border_closed",
    "border_opened",
    "repatriated",
    "retrafficked",
)


@dataclass
class Recorder:
    n_days: int
    n_sites: int
    series: dict[str, np.ndarray] = field(init=False)
    status_counts: np.ndarray = field(init=False)
    events: list[tuple[int, str, int, int, int, int]] = field(default_factory=list)
    compound_workers: list[np.ndarray] = field(default_factory=list)  # per day: working workers per compound

    def __post_init__(self) -> None:
        self.series = {name: np.zeros((self.n_days, self.n_sites)) for name in SERIES}
        self.status_counts = np.zeros((self.n_days, N_STATUS), np.int64)

    def event(self, day: int, kind: str, site: int = -1, compound: int = -1, boss: int = -1, count: int = 1) -> None:
        """Log one event; ``-1`` means "not applicable"."""
        self.events.append((day, kind, site, compound, boss, count))

    def count(self, kind: str) -> int:
        return sum(e[5] for e in self.events if e[1] == kind)
