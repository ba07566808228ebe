"""Bosses (config section ``bosses``): SimPy processes that decide for their compounds, and succession.

A boss sleeps until alerted (a raid, a cut) or until his periodic review.
Alerts about raids start the compound's recovery
(:meth:`sim.mechanisms.decisions.Decisions.recover`); reviews close
compounds that have lost money too long, close everything and exit when the
boss is bankrupt (after syndicate partners have lent what they will), buy
protection, install substitutes, re-equip, move away from cut or pressured
sites, exit when nothing is left, and expand.  An arrested boss's compounds
lie low and pass to a successor (a syndicate partner, or a newcomer) or
close; in a network that cannot adapt (``network.adaptation=false``) they
close.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.core.compounds import ACTIVE, CLOSED, LAYING_LOW, OPERATING, REBUILDING, RELOCATING, SEALED
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss
from sim.mechanisms.decisions import Decisions
from sim.mechanisms.finance import Finance
from sim.mechanisms.growth import Growth
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.network import Network
from sim.mechanisms.protection import Protection

Process = Generator[simpy.Event, None, None]


class Bosses:
    def __init__(
        self,
        ctx: Context,
        decisions: Decisions,
        growth: Growth,
        protection: Protection,
        infrastructure: Infrastructure,
        finance: Finance,
        network: Network,
    ) -> None:
        self.ctx = ctx
        self.network = network
        self.cfg = ctx.config.bosses
        self.decisions = decisions
        self.growth = growth
        self.protection = protection
        self.infrastructure = infrastructure
        self.finance = finance

    def start(self, boss: Boss) -> None:
        self.ctx.env.process(self._process(boss))

    def _process(self, boss: Boss) -> Process:
        ctx = self.ctx
        review_days = ctx.config.decisions.review_days
        rng = ctx.streams["decisions"]
        yield ctx.env.timeout(rng.uniform(0.0, review_days))  # desynchronise reviews
        while boss.free:
            yield self._sleep(boss, review_days)
            if not boss.free:
                return
            pending, boss.pending = boss.pending, []
            for what, compound in pending:
                if what == "raid":
                    ctx.env.process(self.decisions.recover(boss, compound))
            self.review(boss)

    def _sleep(self, boss: Boss, days: float) -> simpy.Event:
        """An event that fires when the boss is alerted (:meth:`Boss.notify`) or after ``days``, whichever comes first.

        What ``alert | timeout`` did, without SimPy's condition machinery
        (most of a review's event cost): either event, once processed, rings
        the wake-up event, which is then scheduled as the condition was, so
        every event keeps its place in the queue.
        """
        env = self.ctx.env
        wake = env.event()

        def ring(_: simpy.Event) -> None:
            if not wake.triggered:
                wake.succeed()

        boss.alert = env.event()
        boss.alert.callbacks.append(ring)
        env.timeout(days).callbacks.append(ring)
        return wake

    def review(self, boss: Boss) -> None:
        """Periodic decisions: money first, then protection, substitutes, equipment, moving away, growth."""
        c = self.ctx.world.compounds
        self.network.bail_out(boss)  # syndicate partners lend to a member in debt
        if self.finance.bankrupt(boss):  # cannot pay wages, rent or bribes: everything closes
            for comp in sorted(boss.compounds):
                self.decisions.close(comp, "bankrupt")
            self.ctx.recorder.event(self.ctx.day, EventKind.BOSS_BANKRUPT, site=boss.home_site, boss=boss.index)
        if self.finance.any_losing():  # income has not covered costs for too long: wind down
            for comp in sorted(boss.compounds & self.finance.losing_compounds()):  # closing one changes no other
                if c.status[comp] in (OPERATING, LAYING_LOW, REBUILDING, SEALED):
                    self.decisions.close(comp, "losses")
        here = self.protection.sites_of(boss)  # leaving protectors changes no compound, so it holds for buying too
        self.protection.leave_elsewhere(boss, here)
        self.protection.buy(boss, here)
        self.infrastructure.install_substitutes(boss)
        self.decisions.reequip_all(boss)
        self.decisions.move_away(boss)
        if not boss.compounds and boss.status in ("active", "abroad"):
            boss.status = "exited"
            self.ctx.recorder.event(self.ctx.day, EventKind.BOSS_EXIT, site=boss.home_site, boss=boss.index)
            return
        self.growth.expand(boss)

    def arrest(self, boss: Boss, site: int = -1, compound: int = -1) -> None:
        """Arrest a boss; his compounds pass to a successor or close (:meth:`take_over`)."""
        ctx = self.ctx
        boss.status = "arrested"
        ctx.recorder.event(ctx.day, EventKind.ARREST_BOSS, site if site >= 0 else boss.home_site, compound, boss.index)
        ctx.env.process(self.take_over(boss))

    def take_over(self, boss: Boss) -> Process:
        """An arrested boss's compounds lie low, then pass to a successor or close."""
        cfg, ctx = self.cfg, self.ctx
        rng = ctx.streams["bosses"]
        world = ctx.world
        c = world.compounds
        comps = sorted(boss.compounds)
        for comp in comps:
            if c.status[comp] in ACTIVE:
                c.transition(comp, LAYING_LOW, ctx.day, "boss_arrested")
        inherit = rng.random() < cfg.successor_prob and self.network.adapts
        yield ctx.env.timeout(rng.exponential(cfg.successor_days_mean))
        if not inherit:
            for comp in comps:
                if c.status[comp] != CLOSED:
                    self.decisions.close(comp, "boss_arrested")
            return
        partner = self.network.heir(boss, ctx.streams["network"])  # a syndicate partner, or a newcomer
        if partner is not None:
            heir = partner
            heir.capital += boss.capital * 0.5
        else:
            heir = Boss(len(world.bosses), f"{boss.name}-successor", boss.home_site, boss.capital * 0.5, world.accounts)
            world.bosses.append(heir)
            self.network.join(heir, boss)
            self.protection.inherit(heir, boss)
        taken = [comp for comp in comps if c.status[comp] != CLOSED]
        for comp in taken:
            c.set_owner(comp, heir.index)
            heir.compounds.add(comp)
        boss.compounds.clear()
        ctx.recorder.event(ctx.day, EventKind.BOSS_SUCCESSOR, site=boss.home_site, boss=heir.index)
        if partner is None:
            self.start(heir)
        else:
            self.protection.buy(heir)  # a partner's protection may not cover the sites he takes over
        for comp in taken:
            if c.status[comp] in (LAYING_LOW, RELOCATING):
                ctx.env.process(self.decisions.rebuild(heir, comp))
            elif c.status[comp] == SEALED:
                ctx.env.process(self.decisions.recover(heir, comp))
