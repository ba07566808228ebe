"""The victim market (config section ``victims``): a renewable pool of reachable victims.

Scam effort depletes the pool and the pool renews, so total scam capacity
meets diminishing returns: revenue per worker-day is proportional to the
share of the pool still reachable.  With effort ``E`` (effective worker-days
per day) and ``E_half = saturation * pool_scale * W0`` (``W0`` the world's
initial workforce) the pool follows

    dV/dt = (K - V - (E / E_half) V) / renewal_days,

whose equilibrium is ``V = K / (1 + E / E_half)``; ``K`` is 1 unless
victim-side measures (awareness, bank and platform controls) shrink it.
Revenue per worker is scaled so that it equals
``operations.revenue_per_worker_day`` at the initial equilibrium of the
calibrated pool (``pool_scale = 1``).  One pool serves every site, so sites
and countries compete for the same victims: displacement can be partial.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import simpy

from sim.core.context import Context


class Victims:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = cfg = ctx.config.victims
        workforce = float(ctx.world.workers.working_at.sum())
        self.half = max(cfg.saturation * cfg.pool_scale * workforce, 1.0)  # E_half
        self.capacity = 1.0  # K
        self.cuts: list[float] = []  # pool shares protected by active victim-side measures
        self.pool = self.capacity / (1.0 + workforce / self.half)  # start at the equilibrium
        self.scale = 1.0 + 1.0 / cfg.saturation  # revenue multiplier on an untouched pool

    def yield_factor(self) -> float:
        """Revenue per effective worker-day relative to the calibrated value (1 at the calibrated start)."""
        if not self.cfg.enabled:
            return 1.0
        return self.pool * self.scale

    def step(self, effort: float) -> None:
        """Advance the pool one day under ``effort`` effective worker-days (exact for constant effort)."""
        if not self.cfg.enabled:
            return
        load = effort / self.half
        equilibrium = self.capacity / (1.0 + load)
        rate = (1.0 + load) / self.cfg.renewal_days
        self.pool = equilibrium + (self.pool - equilibrium) * math.exp(-rate)

    def _recompute_capacity(self) -> None:
        capacity = 1.0
        for cut in self.cuts:
            capacity *= 1.0 - cut
        self.capacity = capacity

    def measure(self, pool_cut: float, end: float | None) -> Generator[simpy.Event, None, None]:
        """Victim-side measures from now: the reachable pool shrinks by ``pool_cut`` until ``end``."""
        env = self.ctx.env
        self.cuts.append(pool_cut)
        self._recompute_capacity()
        if end is None:
            return
        yield env.timeout(end - env.now)
        self.cuts.remove(pool_cut)
        self._recompute_capacity()
