"""Scenario scheduling (config section ``scenario``): each intervention started at its day.

Scenario days are offsets from ``intervention_day`` (day 0 is the directive
of 16 July 2025 in ``crackdown_2025``), so the warm-up can change without
editing scenario files.  Campaigns, cuts, protector removals, boss actions,
border closures, source and victim measures, closure orders, handovers and
network targeting are handed to the mechanism that owns them.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from functools import partial

import simpy

from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss
from sim.mechanisms.border import Border
from sim.mechanisms.bosses import Bosses
from sim.mechanisms.closures import Closures
from sim.mechanisms.finance import Finance
from sim.mechanisms.graph import Graph
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.labour import Labour
from sim.mechanisms.network import Network
from sim.mechanisms.protection import Protection
from sim.mechanisms.raids import Raids
from sim.mechanisms.repatriation import Repatriation
from sim.mechanisms.victims import Victims

Process = Generator[simpy.Event, None, None]


class Scenario:
    def __init__(
        self,
        ctx: Context,
        raids: Raids,
        infrastructure: Infrastructure,
        protection: Protection,
        bosses: Bosses,
        border: Border,
        labour: Labour,
        victims: Victims,
        finance: Finance,
        network: Network,
        graph: Graph,
        closures: Closures,
        repatriation: Repatriation,
    ) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.scenario
        self.raids = raids
        self.infrastructure = infrastructure
        self.protection = protection
        self.bosses = bosses
        self.border = border
        self.labour = labour
        self.victims = victims
        self.finance = finance
        self.network = network
        self.graph = graph
        self.closures = closures
        self.repatriation = repatriation

    def schedule(self) -> None:
        """Start every intervention of the scenario at its absolute day."""
        ctx, scen = self.ctx, self.cfg
        t0 = ctx.config.intervention_day
        world = ctx.world
        for camp in scen.campaigns.values():
            self.raids.start_campaign(camp, float(t0 + camp.day))
        for cut in scen.cuts.values():
            sites = [world.site_index[s] for s in cut.sites]
            end = None if cut.end_day is None else float(t0 + cut.end_day)
            fuel, satellite = cut.fuel or cut.substitutes, cut.satellite or cut.substitutes
            start = partial(self.infrastructure.cut, cut.by, sites, cut.power, cut.internet, fuel, satellite, end)
            self._at(t0 + cut.day, start)
        names = {p.name: p for p in world.protectors}
        for rem in scen.protector_removals:
            self._at(t0 + rem.day, partial(self.network.remove_protector, names[rem.protector]))
        for act in scen.boss_actions:
            for boss in self.action_bosses(act.boss, act.syndicate):
                self._at(t0 + act.day, partial(self.boss_action, boss, act.action))
        if ctx.config.border.enabled:
            for closure in scen.border_closures:
                end = None if closure.end_day is None else float(t0 + closure.end_day)
                a, b = closure.countries
                self._at(t0 + closure.day, partial(self.border.closure, a, b, end))
        for sm in scen.source_measures.values():
            end = None if sm.end_day is None else float(t0 + sm.end_day)
            self._at(t0 + sm.day, partial(self.labour.measure, list(sm.nationalities), sm.inflow_cut, end))
        for vm in scen.victim_measures.values():
            end = None if vm.end_day is None else float(t0 + vm.end_day)
            self._at(t0 + vm.day, partial(self.victims.measure, vm.pool_cut, end))
        for order in scen.closure_orders.values():
            begins, deadline = float(t0 + order.day), float(t0 + order.deadline_day)
            self._at(t0 + order.day, partial(self.closures.order, order, begins, deadline))
        for ho in scen.handovers.values():
            end = None if ho.end_day is None else float(t0 + ho.end_day)
            sites = [world.site_index[s] for s in ho.sites]
            self._at(t0 + ho.day, partial(self.repatriation.handover, sites, ho.per_day, end))
        tg = scen.targeting
        if tg.strategy != "none" and tg.count > 0:
            self._at(t0 + tg.day, self.targeted_removals)

    def action_bosses(self, boss: str, syndicate: str) -> list[Boss]:
        """The bosses a boss action hits: the named boss, or every member of a syndicate, its chairman first."""
        world = self.ctx.world
        if boss:
            return [world.boss_by_name(boss)]
        syn = self.ctx.config.world.syndicates[syndicate]
        chairman = syn.chairman or syn.members[0]
        return [world.boss_by_name(b) for b in [chairman, *(m for m in syn.members if m != chairman)]]

    def targeted_removals(self) -> Process:
        """Network targeting: remove the nodes the strategy picks now, bosses by arrest, protectors from office."""
        ctx = self.ctx
        tg = self.cfg.targeting
        picked = self.graph.targets(tg.strategy, tg.count, tg.nodes, ctx.streams["targeting"], tg.country)
        for node in picked:
            if isinstance(node, Boss):
                ctx.recorder.event(ctx.day, EventKind.TARGET_REMOVED, site=node.home_site, boss=node.index)
                if node.free:
                    self.bosses.arrest(node)
            else:
                site = min(node.sites) if node.sites else -1
                ctx.recorder.event(ctx.day, EventKind.TARGET_REMOVED, site=site)
                yield ctx.env.process(self.network.remove_protector(node))

    def _at(self, day: float, start: Callable[[], Process | None]) -> None:
        env = self.ctx.env

        def waiter() -> Process:
            yield env.timeout(day - env.now)
            proc = start()  # a generator becomes a process; a plain call has already acted
            if proc is not None:
                yield env.process(proc)

        env.process(waiter())

    def boss_action(self, boss: Boss, action: str) -> None:
        """Indictment (may leak: the boss flees), sanctions (capital frozen), or arrest."""
        ctx = self.ctx
        rng = ctx.streams["bosses"]
        rec = ctx.recorder
        if action == "sanction":
            boss.capital *= 1.0 - ctx.config.bosses.sanction_freeze_share
            self.finance.sanction(boss)
            rec.event(ctx.day, EventKind.BOSS_SANCTIONED, site=boss.home_site, boss=boss.index)
            return
        if boss.status != "active":  # abroad, arrested or gone: the order finds nobody
            return
        if action == "arrest":
            self.bosses.arrest(boss)
            return
        rec.event(ctx.day, EventKind.BOSS_INDICTED, site=boss.home_site, boss=boss.index)
        raids, prot_cfg = ctx.config.raids, ctx.config.protection
        prot = self.protection.of(boss, boss.home_site)
        warned = raids.warnings and rng.random() < raids.warning_base + (raids.warning_max - raids.warning_base) * prot
        if warned and rng.random() < ctx.config.bosses.flee_prob_warned:
            boss.status = "abroad"
            rec.event(ctx.day, EventKind.BOSS_FLED_ABROAD, site=boss.home_site, boss=boss.index)
        elif rng.random() < 1.0 - prot_cfg.shield_max * prot:
            self.bosses.arrest(boss)
