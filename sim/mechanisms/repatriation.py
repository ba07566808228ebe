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
        # the detention queue, longest-waiting first (by day detained, then row): only this module
        # moves people into or out of detention, so it keeps the order instead of sorting the pool daily
        self.queue = np.zeros(0, np.int64)

    def step(self, day: int) -> None:
        """One day of reporting, processing, detention, repatriation and re-trafficking."""
        cfg, ctx = self.cfg, self.ctx
        rng = ctx.streams["repatriation"]
        pool = ctx.world.workers
        rec = ctx.recorder
        detained_today = [np.zeros(0, np.int64)]
        if pool.totals[FLED]:
            fled = pool.where(FLED)
            p = [cfg.fled_report_prob_daily, cfg.fled_retraffic_prob_daily, cfg.fled_home_prob_daily]
            n_report, n_sold, n_home, _ = rng.multinomial(fled.size, [*p, max(1.0 - sum(p), 0.0)])
            # who: a uniform draw without replacement of as many as change today (cheaper than a draw per person)
            chosen = fled[np.sort(rng.choice(fled.size, n_report + n_sold + n_home, replace=False))]
            order = rng.permutation(chosen.size)
            report, sold, home = np.split(chosen[order], [n_report, n_report + n_sold])
            pool.move(np.sort(report), DETAINED, day, "fled_reported", source=FLED)
            detained_today.append(report)
            pool.move(np.sort(sold), RETRAFFICKED, day, "fled_retrafficked", source=FLED)
            pool.move(np.sort(home), REPATRIATED, day, "fled_went_home", source=FLED)
            if n_sold:
                rec.event(day, EventKind.RETRAFFICKED, count=int(n_sold))
        if pool.totals[ARRESTED]:
            arrested = pool.where(ARRESTED)
            processed = arrested[pool.due[arrested] <= day]
            pool.move(processed, DETAINED, day, "processed", source=ARRESTED)
            detained_today.append(processed)
        # today's detainees join the back of the queue, in row order
        queue = np.concatenate([self.queue, np.sort(np.concatenate(detained_today)).astype(np.int64)])
        if queue.size:
            n_sold = int(rng.binomial(queue.size, cfg.retraffic_prob_daily))
            gone = np.zeros(queue.size, bool)
            gone[rng.choice(queue.size, n_sold, replace=False)] = True
            pool.move(np.sort(queue[gone]), RETRAFFICKED, day, "detained_retrafficked", source=DETAINED)
            if n_sold:
                rec.event(day, EventKind.RETRAFFICKED, count=n_sold)
            queue = queue[~gone]
        waiting, self.queue = queue[: cfg.daily_capacity], queue[cfg.daily_capacity :]  # the longest-waiting go first
        pool.move(np.sort(waiting), REPATRIATED, day, "repatriated", source=DETAINED)
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
                pool.move(here, ARRESTED, day, "handover", due=due, source=WORKING)
                for site in np.unique(c.site[pool.compound[here]]).tolist():
                    n = int(np.count_nonzero(c.site[pool.compound[here]] == site))
                    ctx.recorder.event(day, EventKind.HANDOVER, site=int(site), count=n)
            yield ctx.env.timeout(1.0)
