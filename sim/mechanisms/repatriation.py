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

from sim.core import kernels
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.workers import ARRESTED, DETAINED, FLED, REPATRIATED, RETRAFFICKED, WORKING


class Repatriation:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.repatriation
        # the detention queue, longest-waiting first (by day detained, then row): only this module moves people
        # into or out of detention, so it keeps the order instead of sorting the pool daily.  It is a buffer of
        # (row, day entered) with a head: people re-trafficked from detention are left behind as stale entries
        # (their row is no longer detained since that day) and skipped, so a day costs what changes, not the queue
        self._rows = np.zeros(1024, np.int64)
        self._entered = np.zeros(1024, np.int32)
        self._head = self._tail = 0

    @property
    def queue(self) -> np.ndarray:
        """The rows waiting in detention, longest-waiting first."""
        return self._rows[self._head : self._tail][self._live_mask()]

    def _join(self, rows: np.ndarray, day: int) -> None:
        """Today's detainees join the back of the queue; a full buffer is compacted to its live entries (or grows)."""
        if self._tail + rows.size > self._rows.size:
            live = self._live_mask()  # one pass decides which entries survive, rows and days alike
            kept_rows, kept_days = self._rows[self._head : self._tail][live], self._entered[self._head : self._tail][live]
            size = max(2 * kept_rows.size + rows.size, 1024)
            self._rows, self._entered = np.zeros(size, np.int64), np.zeros(size, np.int32)
            self._rows[: kept_rows.size], self._entered[: kept_rows.size] = kept_rows, kept_days
            self._head, self._tail = 0, kept_rows.size
        self._rows[self._tail : self._tail + rows.size] = rows
        self._entered[self._tail : self._tail + rows.size] = day
        self._tail += rows.size

    def _live_mask(self) -> np.ndarray:
        """Which entries of ``[head, tail)`` are live: the row is still detained since the day it entered."""
        rows, entered = self._rows[self._head : self._tail], self._entered[self._head : self._tail]
        pool = self.ctx.world.workers
        return (pool.status[rows] == DETAINED) & (pool.since[rows] == entered)

    def step(self, day: int) -> None:
        """One day of reporting, processing, detention, repatriation and re-trafficking."""
        cfg, ctx = self.cfg, self.ctx
        rng = ctx.streams["repatriation"]
        pool = ctx.world.workers
        rec = ctx.recorder
        detained_today = []
        if pool.totals[FLED]:
            fled = pool.where(FLED)
            p = [cfg.fled_report_prob_daily, cfg.fled_retraffic_prob_daily, cfg.fled_home_prob_daily]
            n_report, n_sold, n_home, _ = rng.multinomial(fled.size, [*p, max(1.0 - sum(p), 0.0)])
            # who: a uniform draw without replacement of as many as change today, in random order
            chosen = fled[kernels.choose(fled.size, n_report + n_sold + n_home, rng)]
            report, sold, home = chosen[:n_report], chosen[n_report : n_report + n_sold], chosen[n_report + n_sold :]
            pool.move(report, DETAINED, day, "fled_reported", source=FLED)
            detained_today.append(report)
            pool.move(sold, RETRAFFICKED, day, "fled_retrafficked", source=FLED)
            pool.move(home, REPATRIATED, day, "fled_went_home", source=FLED)
            if n_sold:
                rec.event(day, EventKind.RETRAFFICKED, count=int(n_sold))
        if pool.totals[ARRESTED]:
            arrested = pool.where(ARRESTED)
            processed = arrested[pool.due[arrested] <= day]
            pool.move(processed, DETAINED, day, "processed", source=ARRESTED)
            detained_today.append(processed)
        if detained_today:  # today's detainees join the back of the queue, in row order
            self._join(np.sort(np.concatenate(detained_today)), day)
        waiting = int(pool.totals[DETAINED])  # every detained person has a live entry in the queue
        if waiting:
            n_sold = int(rng.binomial(waiting, cfg.retraffic_prob_daily))
            args = (self._rows, self._entered, self._head, self._tail, pool.status, pool.since, DETAINED)
            gone = kernels.queue_sample(*args, n_sold, waiting, rng)
            pool.move(gone, RETRAFFICKED, day, "detained_retrafficked", source=DETAINED)
            if n_sold:
                rec.event(day, EventKind.RETRAFFICKED, count=n_sold)
            home, self._head = kernels.queue_front(*args, cfg.daily_capacity)  # the longest-waiting go first
            pool.move(home, REPATRIATED, day, "repatriated", source=DETAINED)
            if home.size:
                rec.event(day, EventKind.REPATRIATED, count=int(home.size))

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
