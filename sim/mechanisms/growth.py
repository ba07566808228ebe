"""Growth (config section ``growth``): bosses found new compounds where expected profit covers the cost.

When calm and offered the chance (``expand_prob`` per review), a boss values
a new compound of ``new_compound_workers`` places at each reachable, calm
site: expected daily profit per place (today's revenue per worker, which the
victim market lowers as the network grows, times connectivity, net of
bribes, wages and upkeep, discounted by the site's hazard) over
``space.amortise_days``, less the space (a vacant building's fit-out, or
construction that costs more on a crowded site), the equipment and the
recruits.  He builds at the best site only if that value is positive and he
can pay while keeping a reserve to re-equip his largest compound after a
raid; the compound opens when the space is ready.  Nothing else caps the
number of compounds.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.core.compounds import OPERATING
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss
from sim.mechanisms.border import Border
from sim.mechanisms.decisions import Decisions
from sim.mechanisms.labour import Labour
from sim.mechanisms.space import Space
from sim.mechanisms.victims import Victims

CALM_PRESSURE = 0.2  # a site under more pressure than this is not considered for a new compound
HOME_BIAS = 0.05  # relative value handicap of sites away from the boss's home site


class Growth:
    def __init__(
        self, ctx: Context, decisions: Decisions, border: Border, space: Space, victims: Victims, labour: Labour
    ) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.growth
        self.decisions = decisions
        self.border = border
        self.space = space
        self.victims = victims
        self.labour = labour
        self.projects = 0  # compounds being built or fitted out

    def values(self, boss: Boss, sites: list[int], places: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(net value, upfront cost, needs construction) of a new compound at each of ``sites``, as arrays.

        Net value: the amortised daily profit of ``places`` workers there
        (revenue scaled by the site's attractiveness, connectivity and the
        victim pool, discounted by the hazard of unshielded pressure and
        remembered raids) minus the space, equipment and recruits it needs up
        front.  All sites at once: a boss values every calm site when he
        considers expanding, and a dozen Python calls per site were most of a
        review's cost.
        """
        ctx = self.ctx
        cfg = ctx.config
        ops = cfg.operations
        world = ctx.world
        at = np.array(sites)
        pressure = np.array([world.sites[s].pressure for s in sites])
        horizon = ctx.day - cfg.decisions.risk_memory_days
        recent = [s for day, s in boss.raids if day >= horizon]
        remembered = np.bincount(np.array(recent, np.int64), minlength=len(world.sites))[at]
        hazard = pressure * (1.0 - self.decisions.protection.of_sites(boss, sites)) + cfg.decisions.risk_weight * remembered
        infrastructure = self.decisions.infrastructure
        connectivity = (
            np.array([infrastructure.expected_connectivity(s) for s in sites]) if infrastructure.any_cut else np.ones(len(sites))
        )  # nothing cut anywhere: 1 at every site
        revenue = ops.revenue_per_worker_day * self.victims.yield_factor() * connectivity
        attractiveness = np.array([world.sites[s].attractiveness for s in sites])
        revenue *= attractiveness * (1.0 - ops.bribe_share) / (1.0 + hazard)
        daily = places * (revenue - ops.cost_per_worker_day) - cfg.finance.upkeep_usd_per_day
        space_usd, construction = self.space.costs(at, places)
        recruits = places * cfg.labour.recruit_cost_usd if cfg.labour.enabled else 0.0
        upfront = space_usd + places * cfg.decisions.equipment_usd_per_worker + self.cfg.expand_cost_usd
        return daily * cfg.space.amortise_days - upfront - recruits, upfront, construction

    def reserve(self, boss: Boss) -> float:
        """What a boss keeps in hand before investing: enough to re-equip his largest compound after a raid."""
        c = self.ctx.world.compounds
        largest = max((float(c.capacity[comp]) for comp in boss.compounds), default=0.0)
        return largest * self.ctx.config.decisions.equipment_usd_per_worker

    def expand(self, boss: Boss) -> None:
        """Maybe start a new compound at the site of best expected value."""
        cfg, ctx = self.cfg, self.ctx
        if not cfg.enabled or boss.status != "active":
            return
        if ctx.day - boss.last_raid_day < cfg.calm_days:
            return
        rng = ctx.streams["growth"]
        if rng.random() >= cfg.expand_prob:
            return
        places = cfg.new_compound_workers
        if self.labour.cfg.enabled and float(self.labour.stock.sum()) < places:
            return  # nobody to staff it
        world = ctx.world
        home = boss.home_site
        options = [s.index for s in world.sites if s.pressure < CALM_PRESSURE and self.border.reachable(home, s.index)]
        if not options:
            return
        nets, upfronts, constructions = self.values(boss, options, places)
        best = int(np.argmax(nets * np.where(np.array(options) == home, 1.0, 1.0 - HOME_BIAS)))
        net, upfront, construction = float(nets[best]), float(upfronts[best]), bool(constructions[best])
        if net <= 0 or boss.capital - upfront < self.reserve(boss):
            return
        site = options[best]
        boss.capital -= upfront
        self.space.claim(site, construction, project=True)
        self.projects += 1
        if construction:
            ctx.recorder.event(ctx.day, EventKind.CONSTRUCTION_STARTED, site, -1, boss.index)
        ctx.env.process(self._found(boss, site, places, self.space.days(construction, ctx.streams["space"])))

    def _found(self, boss: Boss, site: int, places: float, days: float) -> Generator[simpy.Event, None, None]:
        ctx = self.ctx
        yield ctx.env.timeout(days)
        self.space.finish(site)
        self.projects -= 1
        if not boss.free:  # the boss was arrested or gone: the building stands empty
            return
        c = ctx.world.compounds
        comp = c.add(
            site,
            boss.index,
            capacity=places,
            equipment=places,
            managers=int(np.ceil(places / ctx.config.world.workers_per_manager)),
            day=ctx.day,
            status=OPERATING,
        )
        boss.compounds.add(comp)
        ctx.recorder.event(ctx.day, EventKind.COMPOUND_FOUNDED, site, comp, boss.index)
