"""Operations (config section ``operations``): attrition and the day's books.

Once a day every compound earns revenue from its working workers, scaled by
its equipment, its status (laying low earns less) and its connectivity;
bribes go to the owner's protectors, costs are paid and a share of profit is
retained as capital.  Workers also leave at a daily rate (escape, release,
sale).  Choosing ``Binomial(n, p)`` workers uniformly at random is exactly
equivalent to an independent ``Bernoulli(p)`` draw per worker, which keeps
the cost per day proportional to the number of changes.
"""

from __future__ import annotations

import numpy as np

from sim.core.compounds import LAYING_LOW, OPERATING, REBUILDING
from sim.core.context import Context
from sim.core.workers import FLED, WORKING
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.protection import Protection


class Operations:
    def __init__(self, ctx: Context, protection: Protection, infrastructure: Infrastructure) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.operations
        self.protection = protection
        self.infrastructure = infrastructure

    def attrition(self, day: int) -> None:
        """Workers leave compounds (escape, release, sale) at a daily rate."""
        pool = self.ctx.world.workers
        rng = self.ctx.streams["attrition"]
        k = int(rng.binomial(pool.totals[WORKING], self.cfg.attrition_rate))
        if k:
            pool.move(pool.sample(WORKING, k, rng), FLED, day, "attrition")

    def book(self, day: int, pressure: np.ndarray) -> None:
        """Revenue, costs and bribes of the day, and the day's row of the time series."""
        cfg, ctx = self.cfg, self.ctx
        world = ctx.world
        c, pool = world.compounds, world.workers
        n = c.n
        status = c.status[:n]
        working = pool.working_at[:n].astype(float)
        factor = np.select(
            [status == OPERATING, status == REBUILDING, status == LAYING_LOW], [1.0, 1.0, cfg.laying_low_output], 0.0
        )
        kit = np.divide(c.equipment[:n], working, out=np.ones(n), where=working > 0)
        revenue = cfg.revenue_per_worker_day * working * np.minimum(kit, 1.0) * factor * self.infrastructure.connectivity_all()
        bribes = cfg.bribe_share * revenue
        profit = revenue - bribes - cfg.cost_per_worker_day * working
        owner = c.owner[:n]
        n_bosses = len(world.bosses)
        boss_profit = np.bincount(owner, profit, minlength=n_bosses)
        boss_bribes = np.bincount(owner, bribes, minlength=n_bosses)
        for b in np.flatnonzero(boss_profit):
            boss = world.bosses[b]
            gain = boss_profit[b]
            boss.capital += cfg.profit_retained * gain if gain > 0 else gain
            if boss_bribes[b] > 0:
                self.protection.pay_bribes(boss, float(boss_bribes[b]), day)
        sites = c.site[:n]
        n_sites = len(world.sites)
        rec = ctx.recorder.series
        rec["revenue_usd"][day] = np.bincount(sites, revenue, minlength=n_sites)
        rec["workers"][day] = np.bincount(sites, working, minlength=n_sites)
        rec["compounds_active"][day] = np.bincount(sites[c.active_mask()], minlength=n_sites)
        rec["pressure"][day] = pressure
        rec["protection"][day] = self.protection.by_site()
        rec["power"][day] = [not s.power_cut for s in world.sites]
        rec["internet"][day] = [not s.internet_cut for s in world.sites]
        ctx.recorder.status_counts[day] = pool.totals
        ctx.recorder.compound_workers.append(pool.working_at[:n].copy())
