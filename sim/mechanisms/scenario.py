"""Scenario scheduling (config section ``scenario``): each intervention started at its day.

Scenario days are offsets from ``intervention_day`` (day 0 is the directive
of 16 July 2025 in ``crackdown_2025``), so the warm-up can change without
editing scenario files.  Campaigns, cuts, protector removals, boss actions
and border closures are handed to the mechanism that owns them.
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
from sim.mechanisms.finance import Finance
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.labour import Labour
from sim.mechanisms.protection import Protection
from sim.mechanisms.raids import Raids
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
            self._at(t0 + cut.day, partial(self.infrastructure.cut, sites, cut.power, cut.internet, cut.substitutes, end))
        names = {p.name: p for p in world.protectors}
        for rem in scen.protector_removals:
            self._at(t0 + rem.day, partial(self.protection.remove, names[rem.protector]))
        for act in scen.boss_actions:
            boss = world.boss_by_name(act.boss)
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
