"""What a replication leaves behind: a daily time series and a typed event log.

The recorder preallocates one row per day and site, so recording is a few
array writes per day, and keeps events as :class:`~sim.core.events.Event`
records until the run ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.core.events import PEOPLE_COUNTS, Event, EventKind
from sim.core.workers import N_STATUS

SERIES = ("compounds_active", "workers", "revenue_usd", "pressure", "protection", "power", "internet")


@dataclass
class Recorder:
    n_days: int
    n_sites: int
    series: dict[str, np.ndarray] = field(init=False)
    status_counts: np.ndarray = field(init=False)
    events: list[Event] = field(default_factory=list)
    compound_workers: list[np.ndarray] = field(default_factory=list)  # per day: working workers per compound

    def __post_init__(self) -> None:
        self.series = {name: np.zeros((self.n_days, self.n_sites)) for name in SERIES}
        self.status_counts = np.zeros((self.n_days, N_STATUS), np.int64)

    def event(self, day: int, kind: EventKind, site: int = -1, compound: int = -1, boss: int = -1, count: int = 1) -> None:
        """Log one event; ``-1`` means "not applicable".  Only :class:`EventKind` values are accepted."""
        if not isinstance(kind, EventKind):
            raise TypeError(f"event kind must be an EventKind, not {kind!r}")
        self.events.append(Event(day, kind, site, compound, boss, count))

    def count(self, kind: EventKind) -> int:
        """People for kinds that count people (arrests, re-trafficking), else number of events."""
        if kind in PEOPLE_COUNTS:
            return sum(e.amount for e in self.events if e.kind is kind)
        return sum(1 for e in self.events if e.kind is kind)
