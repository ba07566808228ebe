"""The labour market (config section ``labour``): finite recruit stocks by source country.

Each nationality has a stock of people who can be recruited (deceived by job
ads, or willing), fed by an inflow and emptied by recruitment and by people
moving on (``stock_days``).  Brokers can move only so many recruits a day.
Source countries respond: publicised arrests of their nationals cut their
inflow for a while (``publicity_people`` recent arrests halve it), and
scenario ``source_measures`` (warnings, border and exit checks) cut it too.
Recruitment can therefore fail to fill vacancies, and the nationality mix of
new recruits follows the stocks, not a fixed input.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import numpy as np
import simpy

from sim.core.context import Context


class Labour:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = cfg = ctx.config.labour
        world = ctx.world
        workforce = float(world.workers.working_at.sum())
        self.base_inflow = cfg.inflow_share_daily * cfg.supply_scale * workforce * world.nationality_p  # per day
        self.broker_capacity = cfg.broker_share_daily * workforce  # recruits moved per day
        self.stock = self.base_inflow * cfg.stock_days  # the equilibrium with no recruitment
        self.publicity = np.zeros(len(world.nationalities))  # recent arrests, decaying
        self.cuts: list[tuple[np.ndarray, float]] = []  # (nationality mask, inflow cut) of active measures
        self.moved_today = 0
        self._decay = math.exp(-math.log(2.0) / cfg.publicity_half_life)
        self.index = {name: i for i, name in enumerate(world.nationalities)}

    def inflow(self) -> np.ndarray:
        """Today's inflow per nationality, after publicity and source-country measures."""
        flow = self.base_inflow / (1.0 + self.publicity / self.cfg.publicity_people)
        for mask, cut in self.cuts:
            flow = np.where(mask, flow * (1.0 - cut), flow)
        return flow

    def step(self) -> None:
        """A new day: people move on, new ones become recruitable, brokers start afresh."""
        self.stock = self.stock * (1.0 - 1.0 / self.cfg.stock_days) + self.inflow()
        self.publicity *= self._decay
        self.moved_today = 0

    def capacity_left(self) -> int:
        """Recruits brokers can still move today (unlimited when the market is switched off)."""
        if not self.cfg.enabled:
            return 2**62
        return max(int(self.broker_capacity) - self.moved_today, 0)

    def take(self, k: int, rng: np.random.Generator) -> np.ndarray:
        """Draw up to ``k`` fresh recruits from the stocks; returns their nationalities."""
        if not self.cfg.enabled:
            world = self.ctx.world
            self.moved_today += k
            return rng.choice(len(world.nationalities), size=k, p=world.nationality_p).astype(np.int16)
        whole = np.floor(self.stock).astype(np.int64)
        k = min(k, int(whole.sum()), self.capacity_left())
        if k <= 0:
            return np.empty(0, np.int16)
        counts = rng.multivariate_hypergeometric(whole, k)
        self.stock -= counts
        self.moved_today += k
        nat = np.repeat(np.arange(whole.size, dtype=np.int16), counts)
        return rng.permutation(nat)

    def give_back(self, nationality: np.ndarray) -> None:
        """Recruits drawn but not sent (a closed border, an owner who cannot pay) return to the stocks."""
        if not self.cfg.enabled or nationality.size == 0:
            return
        self.stock += np.bincount(nationality, minlength=self.stock.size)
        self.moved_today -= int(nationality.size)

    def note_moved(self, k: int) -> None:
        """Re-trafficked people moved by brokers use their capacity too."""
        self.moved_today += k

    def note_arrests(self, by_nationality: np.ndarray) -> None:
        """Publicised arrests of a country's nationals make its people warier (less inflow)."""
        self.publicity += by_nationality

    def measure(self, nationalities: list[str], cut: float, end: float | None) -> Generator[simpy.Event, None, None]:
        """Source-country measures from now: the inflow of ``nationalities`` (all if empty) falls by ``cut``."""
        mask = np.ones(len(self.index), bool)
        if nationalities:
            mask = np.isin(np.arange(len(self.index)), [self.index[n] for n in nationalities])
        entry = (mask, cut)
        self.cuts.append(entry)
        if end is None:
            return
        env = self.ctx.env
        yield env.timeout(end - env.now)
        self.cuts = [c for c in self.cuts if c is not entry]
