"""Named random streams: one numpy Generator per stochastic process.

Each stream is derived from ``SeedSequence(seed, spawn_key=(replication,
stream_id))``.  Because the ids are fixed and each process draws only from
its own stream, two scenarios run at the same seed and replication see the
same recruitment, attrition, raid-timing and decision draws wherever they do
not differ (common random numbers), and a run gives the same numbers in any
process or launcher.
"""

from __future__ import annotations

import numpy as np

#: Stable ids: append new streams at the end, never renumber.
STREAM_IDS: dict[str, int] = {
    "init": 0,
    "recruitment": 1,
    "attrition": 2,
    "raid_timing": 3,
    "raid_targets": 4,
    "raid_outcome": 5,
    "decisions": 6,
    "growth": 7,
    "protection": 8,
    "repatriation": 9,
    "bosses": 10,
    "infrastructure": 11,
    "labour": 12,
    "space": 13,
    "relocation": 14,
    "network": 15,
    "orders": 16,
    "handover": 17,
    "targeting": 18,
    "posterior": 19,  # which posterior draw a replication runs (sim.runs.draws); never read by the model
}


class Streams:
    """The random streams of one replication, created on first use."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._generators.get(name)
        if gen is None:
            ss = np.random.SeedSequence(self.seed, spawn_key=(self.replication, STREAM_IDS[name]))
            gen = self._generators[name] = np.random.Generator(np.random.PCG64(ss))
        return gen
