"""Compound decisions (config section ``decisions``): after a raid, under cuts, and where to go.

After a raid a boss waits out the seal, then closes the compound (not enough
capital to re-equip), relocates it to the site with the best score, or lays
low and resumes in place.  The site score is
``attractiveness * connectivity / (1 + hazard) - amortised move cost``, where
hazard is current pressure left unshielded plus the raids he remembers there.
Seized equipment is re-bought after the usual delay.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.core.compounds import CLOSED, LAYING_LOW, OPERATING, REBUILDING, RELOCATING, SEALED
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.workers import FLED
from sim.core.world import Boss
from sim.mechanisms.border import Border
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.protection import Protection

AMORTISE_DAYS = 180.0  # a move must pay for itself within about six months of output

Process = Generator[simpy.Event, None, None]


class Decisions:
    def __init__(self, ctx: Context, protection: Protection, infrastructure: Infrastructure, border: Border) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.decisions
        self.protection = protection
        self.infrastructure = infrastructure
        self.border = border
        self.reequipping: set[int] = set()  # compounds waiting for replacement equipment

    # ------------------------------------------------------------------ scores and costs
    def remembered_raids(self, boss: Boss, site: int) -> int:
        horizon = self.ctx.day - self.cfg.risk_memory_days
        return sum(1 for day, s in boss.raids if s == site and day >= horizon)

    def site_score(self, boss: Boss, site: int, from_site: int, compound: int) -> float:
        cfg, ctx = self.cfg, self.ctx
        s = ctx.world.sites[site]
        hazard = s.pressure * (1.0 - self.protection.of(boss, site)) + cfg.risk_weight * self.remembered_raids(boss, site)
        gross = s.attractiveness * self.infrastructure.expected_connectivity(site) / (1.0 + hazard)
        if site == from_site:
            return gross
        cap = max(float(ctx.world.compounds.capacity[compound]), 1.0)
        daily_value = cap * ctx.config.operations.revenue_per_worker_day * AMORTISE_DAYS
        return gross - self.move_cost(from_site, site) / daily_value

    def move_cost(self, a: int, b: int) -> float:
        cfg = self.cfg
        sites = self.ctx.world.sites
        border = cfg.border_crossing_usd if sites[a].country != sites[b].country else 0.0
        return cfg.relocation_fixed_usd + cfg.relocation_usd_per_km * float(self.ctx.world.distance_km[a, b]) + border

    def best_site(self, boss: Boss, compound: int) -> int:
        """The site a move would go to, or -1 to stay: it must beat staying by the margin and be affordable."""
        world = self.ctx.world
        c = world.compounds
        here = int(c.site[compound])
        stay = self.site_score(boss, here, here, compound)
        best, best_score = -1, stay * (1.0 + self.cfg.relocate_margin)
        for s in world.sites:
            if s.index == here or not self.border.reachable(here, s.index) or c.count_at(s.index) >= s.room:
                continue
            score = self.site_score(boss, s.index, here, compound)
            if score > best_score:
                best, best_score = s.index, score
        if best >= 0 and boss.capital < self.move_cost(here, best) + self.equipment_cost(compound):
            return -1
        return best

    def equipment_cost(self, compound: int) -> float:
        c = self.ctx.world.compounds
        missing = max(float(c.capacity[compound] - c.equipment[compound]), 0.0)
        return missing * self.cfg.equipment_usd_per_worker

    # ------------------------------------------------------------------ periodic decisions
    def reequip_all(self, boss: Boss) -> None:
        """Order replacement equipment for operating compounds short of it (equipment is easily replaced)."""
        ctx = self.ctx
        c = ctx.world.compounds
        for comp in sorted(boss.compounds):
            if c.status[comp] == OPERATING and c.equipment[comp] < c.capacity[comp] and comp not in self.reequipping:
                cost = self.equipment_cost(comp)
                if boss.capital >= cost:
                    boss.capital -= cost
                    self.reequipping.add(comp)
                    ctx.env.process(self._reequip(comp))

    def move_from_cut_sites(self, boss: Boss) -> None:
        """Operating compounds whose connectivity is cut move if a better site is affordable."""
        if not self.cfg.relocation:
            return
        c = self.ctx.world.compounds
        for comp in sorted(boss.compounds):
            if c.status[comp] == OPERATING and self.infrastructure.connectivity(int(c.site[comp]), comp) < 1.0:
                target = self.best_site(boss, comp)
                if target >= 0:
                    self.ctx.env.process(self.relocate(boss, comp, target))

    # ------------------------------------------------------------------ lifecycle processes
    def recover(self, boss: Boss, compound: int) -> Process:
        """After a raid: wait out the seal, then close, relocate, or lay low and resume."""
        cfg, ctx = self.cfg, self.ctx
        rng = ctx.streams["decisions"]
        c = ctx.world.compounds
        yield ctx.env.timeout(rng.exponential(ctx.config.raids.seal_days_mean))
        if not boss.free or c.status[compound] != SEALED:
            return
        if boss.capital < self.equipment_cost(compound):
            self.close(compound, "capital")
            return
        target = self.best_site(boss, compound) if cfg.relocation else -1
        if target >= 0:
            yield ctx.env.process(self.relocate(boss, compound, target))
            return
        site = int(c.site[compound])
        c.transition(compound, LAYING_LOW, ctx.day, "lay_low")
        ctx.recorder.event(ctx.day, EventKind.LAY_LOW, site, compound, boss.index)
        # lay low longer while pressure at the site stays high
        yield ctx.env.timeout(rng.exponential(cfg.lay_low_days_mean) * (0.5 + ctx.world.sites[site].pressure))
        if boss.free and c.status[compound] == LAYING_LOW:
            yield ctx.env.process(self.rebuild(boss, compound))

    def relocate(self, boss: Boss, compound: int, target: int) -> Process:
        ctx = self.ctx
        c = ctx.world.compounds
        here = int(c.site[compound])
        boss.capital -= self.move_cost(here, target)
        c.transition(compound, RELOCATING, ctx.day, "relocation")
        c.move_site(compound, target)
        ctx.recorder.event(ctx.day, EventKind.RELOCATION, target, compound, boss.index)
        yield ctx.env.timeout(ctx.streams["decisions"].exponential(self.cfg.relocation_days_mean))
        if boss.free and c.status[compound] == RELOCATING:
            yield ctx.env.process(self.rebuild(boss, compound))

    def rebuild(self, boss: Boss, compound: int) -> Process:
        """Re-buy equipment up to capacity, then operate again."""
        ctx = self.ctx
        c = ctx.world.compounds
        boss.capital -= self.equipment_cost(compound)
        c.transition(compound, REBUILDING, ctx.day, "rebuild")
        yield ctx.env.timeout(ctx.streams["decisions"].exponential(self.cfg.equipment_days_mean))
        if c.status[compound] != REBUILDING:
            return
        c.set_equipment(compound, float(c.capacity[compound]))
        needed = int(np.ceil(c.capacity[compound] / ctx.config.world.workers_per_manager))
        c.set_managers(compound, max(int(c.managers[compound]), needed))
        c.transition(compound, OPERATING, ctx.day, "resume")
        ctx.recorder.event(ctx.day, EventKind.RESUME, int(c.site[compound]), compound, boss.index)

    def _reequip(self, compound: int) -> Process:
        """Replacement computers and phones arrive after the usual delay; output resumes in full."""
        ctx = self.ctx
        yield ctx.env.timeout(ctx.streams["decisions"].exponential(self.cfg.equipment_days_mean))
        self.reequipping.discard(compound)
        c = ctx.world.compounds
        if c.status[compound] != CLOSED:
            c.set_equipment(compound, max(float(c.equipment[compound]), float(c.capacity[compound])))

    def close(self, compound: int, why: str) -> None:
        """Close for good: the workers still held are released (they flee)."""
        ctx = self.ctx
        world = ctx.world
        c = world.compounds
        owner = int(c.owner[compound])
        c.transition(compound, CLOSED, ctx.day, f"closure_{why}")
        held = world.workers.at_compound(compound)
        world.workers.move(held, FLED, ctx.day, f"closure_{why}")
        world.bosses[owner].compounds.discard(compound)
        ctx.recorder.event(ctx.day, EventKind.COMPOUND_CLOSED, int(c.site[compound]), compound, owner, int(held.size))
