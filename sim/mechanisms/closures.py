"""Closure orders (scenario section ``closure_orders``): every compound at some sites to close by a deadline.

A licence ban (the Philippines, 2024) or an SEZ closure order (Laos, 2024)
is not a raid: it announces a date.  From the order's day its sites are
under pressure and marked closing, so bosses with notice move out if a
better site is within reach (:meth:`sim.mechanisms.decisions.Decisions.move_away`).
At the deadline each compound still standing there closes unless its
protection shields it (chance ``protection.shield_max`` x protection): the
orders that are enforced meet the same protectors as raids do.  A closed
compound's workers are taken into custody (``detain_share``, into the
repatriation queue) or scatter; with ``demolish`` its building comes down.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.config.schema import ClosureOrderConf
from sim.core.compounds import CLOSED, RELOCATING
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.workers import ARRESTED, WORKING
from sim.mechanisms.decisions import Decisions
from sim.mechanisms.protection import Protection
from sim.mechanisms.space import Space

Process = Generator[simpy.Event, None, None]


class Closures:
    def __init__(self, ctx: Context, decisions: Decisions, protection: Protection, space: Space) -> None:
        self.ctx = ctx
        self.decisions = decisions
        self.protection = protection
        self.space = space
        self.orders: list[tuple[float, float, np.ndarray, float]] = []  # (start, deadline, sites, pressure)

    def sites_of(self, order: ClosureOrderConf) -> np.ndarray:
        world = self.ctx.world
        if order.sites:
            return np.array([world.site_index[s] for s in order.sites], np.int64)
        return np.array([s.index for s in world.sites if s.country == order.country], np.int64)

    def pressure(self, t: float) -> np.ndarray:
        """Pressure the orders add per site at time ``t`` (between each order's day and its deadline)."""
        out = np.zeros(len(self.ctx.world.sites))
        for start, deadline, sites, level in self.orders:
            if start <= t < deadline:
                out[sites] += level
        return out

    def order(self, order: ClosureOrderConf, start: float, deadline: float) -> Process:
        """Announce the order now; enforce it at the deadline."""
        ctx = self.ctx
        world = ctx.world
        sites = self.sites_of(order)
        self.orders.append((start, deadline, sites, order.site_pressure))
        for i in sites.tolist():
            world.sites[i].closing = True
            ctx.recorder.event(ctx.day, EventKind.CLOSURE_ORDER, site=i)
        at = set(sites.tolist())
        for boss in world.bosses:
            if boss.free and any(int(world.compounds.site[c]) in at for c in boss.compounds):
                boss.notify("order", -1)
        yield ctx.env.timeout(max(deadline - ctx.env.now, 0.0))
        self.enforce(order, sites)

    def enforce(self, order: ClosureOrderConf, sites: np.ndarray) -> None:
        """The deadline: close every unshielded compound still standing at the sites."""
        ctx = self.ctx
        world = ctx.world
        c = world.compounds
        pool = world.workers
        rng = ctx.streams["orders"]
        shield = ctx.config.protection.shield_max
        at = np.zeros(len(world.sites), bool)
        at[sites] = True
        n = c.n
        standing = np.flatnonzero(at[c.site[:n]] & (c.status[:n] != CLOSED) & (c.status[:n] != RELOCATING))
        for comp in standing.tolist():
            prot = self.protection.of_compound(comp)
            if rng.random() < shield * prot:
                continue
            site = int(c.site[comp])
            held = pool.at_compound(comp)
            taken = held[rng.random(held.size) < order.detain_share]
            due = ctx.day + np.ceil(rng.exponential(ctx.config.repatriation.processing_days, taken.size)).astype(np.int32)
            pool.move(taken, ARRESTED, ctx.day, "closure_order", due=due, source=WORKING)
            ctx.recorder.event(ctx.day, EventKind.ORDER_CLOSED, site, comp, int(c.owner[comp]), int(held.size))
            self.decisions.close(comp, "order")
            if order.demolish:
                self.space.demolish(site)
                ctx.recorder.event(ctx.day, EventKind.DEMOLISHED, site, comp)
        for i in sites.tolist():
            world.sites[i].closing = False
