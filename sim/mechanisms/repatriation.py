"""Repatriation (config section ``repatriation``): fled and arrested workers on their way home, or sold on.

Fled workers report to the authorities, are re-trafficked, or make their own
way home; the arrested are processed, then detained until a limited daily
repatriation capacity sends the longest-waiting home, while some detainees
are re-trafficked.

Handovers (scenario section ``handovers``) feed the same queue: the
authorities, or an armed group that controls a site, round up working
people there and hand them over, at most ``per_day`` a day (Myawaddy 2025:
handovers planned at 500 a day; Kokang 2023: 31,000 handed to China).
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.workers import ARRESTED, DETAINED, FLED, REPATRIATED, RETRAFFICKED, WORKING


class Repatriation:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.repatriation

    def step(self, day: int) -> None:
        """One day of reporting, processing, detention, repatriation and re-trafficking."""
        cfg, ctx = self.cfg, self.ctx
        rng = ctx.streams["repatriation"]
        pool = ctx.world.workers
        rec = ctx.recorder
        if pool.totals[FLED]:
            fled = pool.where(FLED)
            u = rng.random(fled.size)
            p_report, p_sold = cfg.fled_report_prob_daily, cfg.fled_retraffic_prob_daily
            report = u < p_report
            sold = ~report & (u < p_report + p_sold)
            home = ~report & ~sold & (u < p_report + p_sold + cfg.fled_home_prob_daily)
            pool.move(fled[report], DETAINED, day, "fled_reported")
            pool.move(fled[sold], RETRAFFICKED, day, "fled_retrafficked")
            pool.move(fled[home], REPATRIATED, day, "fled_went_home")
            if sold.any():
                rec.event(day, EventKind.RETRAFFICKED, count=int(sold.sum()))
        if pool.totals[ARRESTED]:
            arrested = pool.where(ARRESTED)
            pool.move(arrested[pool.due[arrested] <= day], DETAINED, day, "processed")
        if pool.totals[DETAINED]:
            detained = pool.where(DETAINED)
            sold = rng.random(detained.size) < cfg.retraffic_prob_daily
            pool.move(detained[sold], RETRAFFICKED, day, "detained_retrafficked")
            if sold.any():
                rec.event(day, EventKind.RETRAFFICKED, count=int(sold.sum()))
            waiting = detained[~sold]
            if waiting.size > cfg.daily_capacity:  # the longest-waiting go first
                waiting = waiting[np.argpartition(pool.since[waiting], cfg.daily_capacity)[: cfg.daily_capacity]]
            pool.move(waiting, REPATRIATED, day, "repatriated")
            if waiting.size:
                rec.event(day, EventKind.REPATRIATED, count=int(waiting.size))

    def handover(self, sites: list[int], per_day: int, end: float | None) -> Generator[simpy.Event, None, None]:
        """Every day until ``end``: up to ``per_day`` people working at ``sites`` are rounded up into custody."""
        ctx = self.ctx
        rng = ctx.streams["handover"]
        world = ctx.world
        at = np.zeros(len(world.sites), bool)
        at[sites] = True
        stop = ctx.horizon if end is None else min(end, ctx.horizon)
        while ctx.env.now < stop:
            pool, c = world.workers, world.compounds
            comps = np.flatnonzero(at[c.site[: c.n]])
            if comps.size and pool.working_at[comps].sum() > 0:
                idx = pool.where(WORKING)
                here = idx[at[c.site[pool.compound[idx]]]]
                if here.size > per_day:
                    here = np.sort(rng.choice(here, size=per_day, replace=False))
                day = ctx.day
                due = day + np.ceil(rng.exponential(self.cfg.processing_days, here.size)).astype(np.int32)
                pool.move(here, ARRESTED, day, "handover", due=due)
                for site in np.unique(c.site[pool.compound[here]]).tolist():
                    n = int(np.count_nonzero(c.site[pool.compound[here]] == site))
                    ctx.recorder.event(day, EventKind.HANDOVER, site=int(site), count=n)
            yield ctx.env.timeout(1.0)
