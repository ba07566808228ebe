"""Recruitment (config section ``recruitment``): vacancies filled through a pipeline of recruits.

Each day bosses try to hire into a share of each open compound's vacancies
(slowed, not stopped, by pressure at its site).  Who can be hired is finite:
brokers move only so many a day, fresh recruits come from the source
countries' stocks (:mod:`sim.mechanisms.labour`), re-trafficked people are
bought first at their resale price, and every recruit is paid for from the
owner's capital.  So recruitment can fail to fill vacancies.  Recruits travel
for a gamma-distributed delay and start work on arrival, or are sold on if
their compound closed meanwhile.  Recruits whose route crosses a closed
border never set off (:class:`~sim.mechanisms.border.Border`).
"""

from __future__ import annotations

import numpy as np

from sim.core import kernels
from sim.core.compounds import CLOSED, COMPOUND_STATUS, LAYING_LOW, OPERATING, REBUILDING
from sim.core.context import Context
from sim.core.workers import IN_TRANSIT, RETRAFFICKED, WORKING
from sim.mechanisms.border import Border
from sim.mechanisms.labour import Labour

RECRUITING = (OPERATING, LAYING_LOW, REBUILDING)
IS_RECRUITING = np.isin(np.arange(len(COMPOUND_STATUS)), RECRUITING)  # status -> bool lookup


class Recruitment:
    def __init__(self, ctx: Context, border: Border, labour: Labour) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.recruitment
        self.border = border
        self.labour = labour

    def _afford(self, dest: np.ndarray, price: float) -> np.ndarray:
        """Which recruits (by destination compound) their owners can pay for, in order; charges them."""
        if price <= 0 or dest.size == 0:
            return np.ones(dest.size, bool)
        world = self.ctx.world
        return kernels.afford(world.compounds.owner[dest], world.accounts.of(len(world.bosses)), price)

    def _set_off(self, dest: np.ndarray, nationality: np.ndarray | None, price: float) -> np.ndarray:
        """Which recruits set off: their route crosses no closed border and their owners pay ``price`` each (charged).

        ``nationality`` is needed only while a border is closed (None will do
        otherwise): most days none is, and the mask of blocked routes would
        be all false.
        """
        if not self.border.closed:
            return self._afford(dest, price)
        assert nationality is not None
        ok = ~self.border.blocks_recruits(dest, nationality)
        ok[ok] = self._afford(dest[ok], price)
        return ok

    def arrive(self, day: int) -> None:
        """Recruits due today start work, or are sold on if their compound closed meanwhile."""
        world = self.ctx.world
        pool = world.workers
        idx = pool.pop_arrivals(day)
        if idx.size == 0:
            return
        closed = world.compounds.status[pool.compound[idx]] == CLOSED
        if not closed.any():  # most days: everyone's compound still stands
            pool.move(idx, WORKING, day, "arrival", source=IN_TRANSIT)
            return
        pool.move(idx[~closed], WORKING, day, "arrival", source=IN_TRANSIT)
        pool.move(idx[closed], RETRAFFICKED, day, "arrival_closed", source=IN_TRANSIT)

    def recruit(self, day: int, pressure: np.ndarray) -> None:
        """Fill vacancies through a pipeline; pressure slows recruitment but does not stop it."""
        cfg, ctx = self.cfg, self.ctx
        rng = ctx.streams["recruitment"]
        world = ctx.world
        pool, c = world.workers, world.compounds
        n = c.n
        open_, places, share = kernels.vacancies(
            c.capacity[:n],
            pool.working_at[:n],
            pool.transit_to[:n],
            c.status[:n],
            IS_RECRUITING,
            c.site[:n],
            pressure,
            cfg.refill_rate,
            cfg.pressure_slowdown,
        )
        if open_.size == 0:
            return
        # only compounds with vacancies are drawn for: Binomial(0, p) takes no draw from the stream, so this is
        # the same sequence of numbers as drawing for every compound, at a fraction of the cost
        k = rng.binomial(places, share)
        dest = np.repeat(open_, k)
        if dest.size == 0:
            return
        if self.labour.cfg.enabled:  # scarce recruits go to random vacancies, not the lowest-numbered compounds
            dest = dest[kernels.choose(dest.size, min(dest.size, self.labour.capacity_left()), rng)]
            if dest.size == 0:
                return
        total = dest.size
        shape = 1.0 / cfg.delay_cv**2 if cfg.delay_cv > 0 else None
        delay = np.full(total, cfg.delay_mean) if shape is None else rng.gamma(shape, cfg.delay_mean / shape, total)
        due = day + np.maximum(np.ceil(delay), 1).astype(np.int32)
        reused = 0
        if cfg.retrafficked_first and pool.totals[RETRAFFICKED] > 0:  # the re-trafficked fill slots first
            pool_idx = pool.where(RETRAFFICKED)
            reused = min(pool_idx.size, total)
            chosen = pool_idx[kernels.choose(pool_idx.size, reused, rng)] if reused < pool_idx.size else pool_idx.copy()
            nationality = pool.nationality[chosen] if self.border.closed else None
            ok = self._set_off(dest[:reused], nationality, self.labour.cfg.resale_price_usd if self.labour.cfg.enabled else 0.0)
            go, to, when = chosen[ok], dest[:reused][ok], due[:reused][ok]
            self.labour.note_moved(go.size)
            pool.move(go, IN_TRANSIT, day, "re_recruited", compound=to, due=when, source=RETRAFFICKED)
            pool.schedule_arrivals(when, go)
        fresh = total - reused
        if fresh:
            nat = self.labour.take(fresh, rng)
            fresh = nat.size
            dest, due = dest[reused : reused + fresh], due[reused : reused + fresh]
            trafficked = rng.random(fresh) < ctx.config.repatriation.trafficked_share
            # recruits routed over a closed border never set off, nor those their owner cannot pay for
            ok = self._set_off(dest, nat, self.labour.cfg.recruit_cost_usd if self.labour.cfg.enabled else 0.0)
            if self.labour.cfg.enabled:
                self.labour.give_back(nat[~ok])
            when = due[ok]
            idx = pool.create(dest[ok], nat[ok], trafficked[ok], day, when)
            pool.schedule_arrivals(when, idx)
