"""One replication: the SimPy environment, the world, and the mechanisms wired together.

The model holds only the shared :class:`~sim.core.context.Context`
(config, environment, world, streams, recorder) and the mechanisms, each of
which owns its own state.  Processes: the daily step, one per boss, one per
protector, one per enforcement campaign and one per scheduled intervention;
raid recoveries, relocations, substitute installs and successions are
spawned as short-lived processes.  Workers are never processes: see
:mod:`sim.core.workers`.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.config.schema import ScamsimConfig
from sim.core.context import Context
from sim.core.events import CompoundChange, Event, LedgerEntry
from sim.core.recorder import Recorder
from sim.core.streams import Streams
from sim.core.world import World, build_world
from sim.mechanisms.border import Border
from sim.mechanisms.bosses import Bosses
from sim.mechanisms.closures import Closures
from sim.mechanisms.decisions import Decisions
from sim.mechanisms.finance import Finance
from sim.mechanisms.graph import Graph
from sim.mechanisms.growth import Growth
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.labour import Labour
from sim.mechanisms.network import Network
from sim.mechanisms.operations import Operations
from sim.mechanisms.protection import Protection
from sim.mechanisms.raids import Raids
from sim.mechanisms.recruitment import Recruitment
from sim.mechanisms.repatriation import Repatriation
from sim.mechanisms.scenario import Scenario
from sim.mechanisms.space import Space
from sim.mechanisms.victims import Victims


@dataclass
class ReplicationResult:
    """Everything one replication produced, as arrays and typed records."""

    replication: int
    site_names: list[str]
    series: dict[str, np.ndarray]  # name -> (days, sites)
    status_counts: np.ndarray  # (days, statuses)
    events: list[Event]
    boss_names: list[str]
    ledger: list[LedgerEntry]
    compound_changes: list[CompoundChange]
    initial_status: np.ndarray
    compound_log: list[np.ndarray]  # per day, working workers of each compound founded so far
    nationalities: list[str]
    arrests_by_nationality: np.ndarray  # workers arrested in raids, per nationality
    compounds_founded: int
    network: list[tuple[int, list[tuple[str, str, str, float]], dict]] = field(default_factory=list)  # (day, edges, measures)

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
        self.replication = replication
        self.audit = audit
        streams = Streams(config.seed, replication)
        world = build_world(config, streams["init"])
        self.ctx = ctx = Context(config, simpy.Environment(), world, streams, Recorder(config.horizon_days, len(world.sites)))
        self.initial_status = world.workers.totals.copy()
        # the wiring: each mechanism gets the context and the mechanisms it uses, nothing more
        self.border = Border(ctx)
        self.infrastructure = Infrastructure(ctx)
        self.protection = Protection(ctx)
        self.network = Network(ctx, self.protection)
        self.graph = Graph(ctx, self.network)
        self.labour = Labour(ctx)
        self.victims = Victims(ctx)
        self.finance = Finance(ctx)
        self.space = Space(ctx)
        self.decisions = Decisions(ctx, self.protection, self.infrastructure, self.border, self.space)
        self.growth = Growth(ctx, self.decisions, self.border, self.space, self.victims, self.labour)
        self.bosses = Bosses(ctx, self.decisions, self.growth, self.protection, self.infrastructure, self.finance, self.network)
        self.raids = Raids(ctx, self.protection, self.bosses, self.labour, self.network)
        self.closures = Closures(ctx, self.decisions, self.protection, self.space)
        self.recruitment = Recruitment(ctx, self.border, self.labour)
        self.repatriation = Repatriation(ctx)
        self.operations = Operations(ctx, self.protection, self.infrastructure, self.finance, self.victims)
        self.scenario = Scenario(
            ctx,
            self.raids,
            self.infrastructure,
            self.protection,
            self.bosses,
            self.border,
            self.labour,
            self.victims,
            self.finance,
            self.network,
            self.graph,
            self.closures,
            self.repatriation,
        )

    @property
    def config(self) -> ScamsimConfig:
        return self.ctx.config

    @property
    def world(self) -> World:
        return self.ctx.world

    @property
    def day(self) -> int:
        return self.ctx.day

    def daily_step(self, day: int) -> None:
        """Every worker-level flow of one day, after that day's scheduled interventions."""
        cfg = self.ctx.config
        pressure = self.raids.site_pressure(day + 0.5)
        if self.closures.orders:
            pressure = np.minimum(pressure + self.closures.pressure(day + 0.5), 1.0)
        for site, p in zip(self.ctx.world.sites, pressure.tolist(), strict=True):  # Python floats, converted at once
            site.pressure = p
        self.decisions.observe(pressure)
        self.labour.step()
        self.recruitment.arrive(day)
        if cfg.recruitment.enabled:
            self.recruitment.recruit(day, pressure)
        if cfg.operations.attrition:
            self.operations.attrition(day)
        if cfg.repatriation.enabled:
            self.repatriation.step(day)
        self.operations.book(day, pressure)

    def _daily(self) -> Generator[simpy.Event, None, None]:
        env = self.ctx.env
        for day in range(self.ctx.horizon):
            yield env.timeout(day + 0.5 - env.now)
            self.daily_step(day)
            if self.audit:
                self.ctx.world.workers.audit()

    def start(self) -> None:
        """Start every process (bosses, protectors, the scenario, the daily step); :meth:`run` calls it.

        Tests that watch a replication part way call ``start()`` and then
        ``ctx.env.run(until=day)`` themselves.
        """
        ctx = self.ctx
        world = ctx.world
        for boss in world.bosses:
            self.bosses.start(boss)
        for protector in world.protectors:
            ctx.env.process(self.protection.protector_process(protector))
        self.scenario.schedule()
        ctx.env.process(self._daily())
        if ctx.config.network.snapshot_days:
            ctx.env.process(self.graph.snapshot_process())

    def run(self) -> ReplicationResult:
        ctx = self.ctx
        world = ctx.world
        self.start()
        ctx.env.run(until=ctx.horizon)
        rec = ctx.recorder
        return ReplicationResult(
            replication=self.replication,
            site_names=[s.name for s in world.sites],
            series=rec.series,
            status_counts=rec.status_counts,
            events=rec.events,
            boss_names=[b.name for b in world.bosses],
            ledger=world.workers.ledger,
            compound_changes=world.compounds.changes,
            initial_status=self.initial_status,
            compound_log=rec.compound_workers,
            nationalities=world.nationalities,
            arrests_by_nationality=self.raids.arrests_by_nationality,
            compounds_founded=world.compounds.n - ctx.initial_compounds,
            network=self.graph.snapshots,
        )


def run_replication(config: ScamsimConfig, replication: int, audit: bool = False) -> ReplicationResult:
    return Model(config, replication, audit).run()
