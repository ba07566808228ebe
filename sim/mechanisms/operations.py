"""Operations (config section ``operations``): attrition and the day's books.

Once a day every compound earns revenue from its working workers, scaled by
its equipment, its status (laying low earns less, a dispersed cell less than
a compound), its connectivity and the share of the victim pool still
reachable (:mod:`sim.mechanisms.victims`); bribes go to the owner's
protectors, wages and upkeep are paid, and the profit is settled into
capital by :mod:`sim.mechanisms.finance`.  Workers also leave at a daily rate (escape, release,
sale).  Choosing ``Binomial(n, p)`` workers uniformly at random is exactly
equivalent to an independent ``Bernoulli(p)`` draw per worker, which keeps
the cost per day proportional to the number of changes.
"""

from __future__ import annotations

import numpy as np

from sim.core import kernels
from sim.core.compounds import CLOSED, COMPOUND_STATUS, IS_ACTIVE, LAYING_LOW, OPERATING, REBUILDING
from sim.core.context import Context
from sim.core.workers import FLED, WORKING
from sim.mechanisms.finance import Finance
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.protection import Protection
from sim.mechanisms.victims import Victims


class Operations:
    def __init__(
        self, ctx: Context, protection: Protection, infrastructure: Infrastructure, finance: Finance, victims: Victims
    ) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.operations
        self.protection = protection
        self.infrastructure = infrastructure
        self.finance = finance
        self.victims = victims
        # output of a compound by status, as a lookup table: operating and rebuilding work fully, laying low less
        self.output = np.zeros(len(COMPOUND_STATUS))
        self.output[[OPERATING, REBUILDING]] = 1.0
        self.output[LAYING_LOW] = self.cfg.laying_low_output

    def attrition(self, day: int) -> None:
        """Workers leave compounds (escape, release, sale) at a daily rate."""
        pool = self.ctx.world.workers
        rng = self.ctx.streams["attrition"]
        k = int(rng.binomial(pool.totals[WORKING], self.cfg.attrition_rate))
        if k:
            pool.move(pool.sample(WORKING, k, rng), FLED, day, "attrition", source=WORKING)

    def book(self, day: int, pressure: np.ndarray) -> None:
        """Revenue, costs and bribes of the day, and the day's row of the time series."""
        cfg, ctx = self.cfg, self.ctx
        world = ctx.world
        c, pool = world.compounds, world.workers
        n = c.n
        status = c.status[:n]
        owner, sites = c.owner[:n], c.site[:n]
        working, effort, revenue, bribes, profit = kernels.books(
            status,
            c.cell[:n],
            c.equipment[:n],
            pool.working_at[:n],
            self.infrastructure.connectivity_all(),
            self.output,
            ctx.config.decisions.cell_output,
            cfg.revenue_per_worker_day * self.victims.yield_factor(),
            cfg.bribe_share,
            cfg.cost_per_worker_day,
            ctx.config.finance.upkeep_usd_per_day,
            CLOSED,
        )
        self.finance.settle(profit, owner, status)
        self.protection.pay_bribes(kernels.weighted_counts(owner, bribes, len(world.bosses)), day)
        self.victims.step(float(effort.sum()))
        n_sites = len(world.sites)
        rec = ctx.recorder.series
        rec["revenue_usd"][day] = kernels.weighted_counts(sites, revenue, n_sites)
        rec["workers"][day] = kernels.weighted_counts(sites, working, n_sites)
        active = IS_ACTIVE[status]
        rec["compounds_active"][day] = np.bincount(sites[active], minlength=n_sites)
        rec["pressure"][day] = pressure
        rec["protection"][day] = self.protection.by_site(active)
        if self.infrastructure.any_cut:
            rec["power"][day] = [not s.power_cut for s in world.sites]
            rec["internet"][day] = [not s.internet_cut for s in world.sites]
        else:  # most days nothing is cut anywhere
            rec["power"][day] = rec["internet"][day] = 1.0
        ctx.recorder.status_counts[day] = pool.totals
        ctx.recorder.compound_workers.append(pool.working_at[:n].copy())
