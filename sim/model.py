"""One replication: the SimPy environment, the world, and the processes wired together.

Processes (each a SimPy process): the daily operations step, one per boss,
one per protector, one per enforcement campaign, and one per scheduled
intervention (cuts, protector removals, boss actions, border closures); raid
recoveries, relocations, substitute installs and successions are spawned as
short-lived processes.  Workers are never processes: see :mod:`sim.workers`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import simpy

from sim.bosses import boss_process, take_over
from sim.operations import daily_step
from sim.protection import protector_process
from sim.recorder import Recorder
from sim.scenario import schedule
from sim.schema import CampaignConf, ScamsimConfig
from sim.streams import Streams
from sim.world import Boss, World, build_world


@dataclass
class ReplicationResult:
    """Everything one replication produced, as arrays and tuples."""

    replication: int
    site_names: list[str]
    series: dict[str, np.ndarray]  # name -> (days, sites)
    status_counts: np.ndarray  # (days, statuses)
    events: list[tuple[int, str, int, int, int, int]]  # day, event, site, compound, boss, count
    boss_names: list[str]
    ledger: list[tuple[int, int, int, int, str]]
    initial_status: np.ndarray
    compound_log: list[np.ndarray]  # per day, working workers of each compound founded so far
    nationalities: list[str]
    arrests_by_nationality: np.ndarray  # workers arrested in raids, per nationality
    compounds_founded: int

    @property
    def compound_workers(self) -> np.ndarray:
        """Working workers per compound and day, shape (days, compounds); 0 before founding."""
        out = np.zeros((len(self.compound_log), len(self.compound_log[-1])), np.int64)
        for day, row in enumerate(self.compound_log):
            out[day, : row.size] = row
        return out

    @property
    def nationalities_arrested(self) -> int:
        return int(np.count_nonzero(self.arrests_by_nationality))

    @property
    def revenue(self) -> np.ndarray:
        """Total daily revenue over all sites."""
        return self.series["revenue_usd"].sum(axis=1)


class Model:
    """Builds and runs one replication of a validated config."""

    def __init__(self, config: ScamsimConfig, replication: int, audit: bool = False) -> None:
        self.config = config
        self.replication = replication
        self.audit = audit
        self.horizon = config.horizon_days
        self.streams = Streams(config.seed, replication)
        self.env = simpy.Environment()
        self.world: World = build_world(config, self.streams["init"])
        self.recorder = Recorder(self.horizon, len(self.world.sites))
        self.arrivals: defaultdict[int, list[np.ndarray]] = defaultdict(list)
        self.closed_borders: set[frozenset[str]] = set()
        self.installing: set[int] = set()  # compounds waiting for a generator or satellite link
        self.reequipping: set[int] = set()  # compounds waiting for replacement equipment
        self.arrests_by_nationality = np.zeros(len(self.world.nationalities), np.int64)
        self.campaigns: list[tuple[CampaignConf, float, np.ndarray]] = []
        self.protection_version = 0  # bumped whenever a protector or a boss's links change
        self.protection_cache: tuple[tuple[int, int, int], np.ndarray] | None = None
        self.initial_status = self.world.workers.totals.copy()
        self.initial_compounds = self.world.compounds.n

    @property
    def day(self) -> int:
        return int(self.env.now)

    def alert(self, boss: Boss, what: str, compound: int) -> None:
        """Wake a boss's process with something to decide about."""
        boss.pending.append((what, compound))
        if boss.alert is not None and not boss.alert.triggered:
            boss.alert.succeed()

    def border_open(self, a: str, b: str) -> bool:
        return a == b or not self.config.border.enabled or frozenset((a, b)) not in self.closed_borders

    def start_boss(self, boss: Boss) -> None:
        self.env.process(boss_process(self, boss))

    def arrest_boss(self, boss: Boss, site: int = -1, compound: int = -1) -> None:
        """Arrest a boss; his compounds pass to a successor or close (see bosses.take_over)."""
        boss.status = "arrested"
        self.recorder.event(self.day, "arrest_boss", site if site >= 0 else boss.home_site, compound, boss.index)
        self.env.process(take_over(self, boss))

    def _daily(self):
        for day in range(self.horizon):
            yield self.env.timeout(day + 0.5 - self.env.now)
            daily_step(self, day)
            if self.audit:
                self.world.workers.audit()

    def run(self) -> ReplicationResult:
        for boss in self.world.bosses:
            self.start_boss(boss)
        for protector in self.world.protectors:
            self.env.process(protector_process(self, protector))
        schedule(self)
        self.env.process(self._daily())
        self.env.run(until=self.horizon)
        rec = self.recorder
        return ReplicationResult(
            replication=self.replication,
            site_names=[s.name for s in self.world.sites],
            series=rec.series,
            status_counts=rec.status_counts,
            events=rec.events,
            boss_names=[b.name for b in self.world.bosses],
            ledger=self.world.workers.ledger,
            initial_status=self.initial_status,
            compound_log=rec.compound_workers,
            nationalities=self.world.nationalities,
            arrests_by_nationality=self.arrests_by_nationality,
            compounds_founded=self.world.compounds.n - self.initial_compounds,
        )


def run_replication(config: ScamsimConfig, replication: int, audit: bool = False) -> ReplicationResult:
    return Model(config, replication, audit).run()
