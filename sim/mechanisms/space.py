"""Built space (config section ``space``): buildings instead of a fixed room cap.

A site's ``room`` is the number of compound buildings standing there at the
start.  A building left by a closed or departed compound stays (the
infrastructure survives) and can be fitted out again cheaply and quickly;
beyond the buildings there are, a boss must build, which takes months and
capital and costs more the more crowded the site is.  Nothing caps how many
compounds a site can hold: whether a boss builds is decided by expected
profit (:mod:`sim.mechanisms.growth`), and the victim market and the labour
market make further compounds less and less profitable.
"""

from __future__ import annotations

import numpy as np

from sim.core.context import Context


class Space:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.space
        self.buildings = np.array([s.room for s in ctx.world.sites], np.int64)
        self.reserved = np.zeros(len(ctx.world.sites), np.int64)  # buildings promised to moves and projects

    def standing(self, site: int) -> int:
        return self.ctx.world.compounds.count_at(site)

    def vacant(self, site: int) -> int:
        return int(self.buildings[site]) - self.standing(site) - int(self.reserved[site])

    def cost(self, site: int, places: float) -> tuple[float, bool]:
        """(USD, needs construction) to house ``places`` workers at ``site``."""
        cfg = self.cfg
        if self.vacant(site) > 0:
            return cfg.fitout_usd_per_place * places, False
        crowd = 1.0 + cfg.crowding * self.standing(site) / max(float(self.buildings[site]), 1.0)
        return cfg.build_usd_per_place * places * crowd, True

    def costs(self, sites: np.ndarray, places: float) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`cost` at each of ``sites`` at once (the same doubles): (USD, needs construction) per site."""
        cfg = self.cfg
        standing = self.ctx.world.compounds.count_all(int(sites.max()) + 1)[sites]
        construction = self.buildings[sites] - standing - self.reserved[sites] <= 0
        crowd = 1.0 + cfg.crowding * standing / np.maximum(self.buildings[sites].astype(float), 1.0)
        return np.where(construction, cfg.build_usd_per_place * places * crowd, cfg.fitout_usd_per_place * places), construction

    def days(self, construction: bool, rng: np.random.Generator) -> float:
        """Days until the space is usable: a fit-out, or a construction of random length (gamma, CV 0.5)."""
        cfg = self.cfg
        if not construction:
            return cfg.fitout_days
        return float(rng.gamma(4.0, cfg.build_days_mean / 4.0))

    def claim(self, site: int, construction: bool, project: bool = False) -> None:
        """Take a vacant building, or start a new one (which counts as built from now: its plot is taken).

        A ``project`` (a compound to be founded when the space is ready) also
        reserves the building until :meth:`finish` so nobody else takes it.
        """
        if construction:
            self.buildings[site] += 1
        if project:
            self.reserved[site] += 1

    def finish(self, site: int) -> None:
        """A project's compound is founded: the reservation becomes a standing compound."""
        self.reserved[site] -= 1

    def demolish(self, site: int) -> None:
        """A vacant building is pulled down (a closure order with demolition): the site has one fewer."""
        if self.vacant(site) > 0:
            self.buildings[site] -= 1
