"""Compound decisions (config section ``decisions``): after a raid, under cuts or pressure, and where to go.

After a raid a boss waits out the seal, then splits the operation into
small cells under high unshielded pressure, relocates it to the site with
the best score, or lays low and resumes in place once he can pay to re-equip
(a compound that cannot be re-equipped keeps losing money and winds down,
see :mod:`sim.mechanisms.finance`).  Operating compounds also move away from cut sites and
from sites under sustained pressure.  The site score is
``attractiveness * connectivity / (1 + hazard) - amortised move cost``, where
hazard is current pressure left unshielded plus the raids he remembers there
and the move cost includes the space at the destination
(:mod:`sim.mechanisms.space`).  A move takes days that grow with distance;
the workers are driven over in batches and some escape on the way.
Seized equipment is re-bought after the usual delay.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.core.compounds import CLOSED, LAYING_LOW, OPERATING, REBUILDING, RELOCATING, SEALED
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.workers import FLED, IN_TRANSIT, WORKING
from sim.core.world import Boss
from sim.mechanisms.border import Border
from sim.mechanisms.infrastructure import Infrastructure
from sim.mechanisms.protection import Protection
from sim.mechanisms.space import Space

AMORTISE_DAYS = 180.0  # a move must pay for itself within about six months of output

Process = Generator[simpy.Event, None, None]


class Decisions:
    def __init__(
        self, ctx: Context, protection: Protection, infrastructure: Infrastructure, border: Border, space: Space
    ) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.decisions
        self.protection = protection
        self.infrastructure = infrastructure
        self.border = border
        self.space = space
        self.reequipping: set[int] = set()  # compounds waiting for replacement equipment
        self.pressure_days = np.zeros(len(ctx.world.sites), np.int64)  # consecutive days of high pressure
        self.pressed_any = False  # whether any site's count has reached pressure_move_days (kept by observe)

    def observe(self, pressure: np.ndarray) -> None:
        """Count, per site, the consecutive days pressure has been above the moving threshold."""
        high = pressure > self.cfg.pressure_move_threshold
        self.pressure_days = np.where(high, self.pressure_days + 1, 0)
        self.pressed_any = bool((self.pressure_days >= self.cfg.pressure_move_days).any())  # one check a day, not a review

    def unshielded(self, boss: Boss, site: int) -> float:
        return self.ctx.world.sites[site].pressure * (1.0 - self.protection.of(boss, site))

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
        return gross - (self.move_cost(from_site, site) + self.space.cost(site, cap)[0]) / daily_value

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
        stay = 0.0 if world.sites[here].closing else self.site_score(boss, here, here, compound)  # ordered shut
        best, best_score = -1, stay * (1.0 + self.cfg.relocate_margin)
        for s in world.sites:
            if s.index == here or s.closing or not self.border.reachable(here, s.index):
                continue
            score = self.site_score(boss, s.index, here, compound)
            if score > best_score:
                best, best_score = s.index, score
        space_usd = self.space.cost(best, float(c.capacity[compound]))[0] if best >= 0 else 0.0
        if best >= 0 and boss.capital < self.move_cost(here, best) + space_usd + self.equipment_cost(compound):
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

    def move_away(self, boss: Boss) -> None:
        """Operating compounds at cut sites, at sites under a closure order, or under sustained unshielded pressure,
        move if a better site is affordable."""
        cfg = self.cfg
        if not cfg.relocation:
            return
        world = self.ctx.world
        c = world.compounds
        cut_any = self.infrastructure.any_cut
        if not (cut_any or self.pressed_any or any(s.closing for s in world.sites)):  # the flags' scan last: it costs most
            return  # no site is cut, closing or under sustained pressure: nobody has a reason to move
        for comp in sorted(boss.compounds):
            if c.status[comp] != OPERATING:
                continue
            site = int(c.site[comp])
            cut = (cut_any and self.infrastructure.connectivity(site, comp) < 1.0) or world.sites[site].closing
            pressed = (
                self.pressure_days[site] >= cfg.pressure_move_days and self.unshielded(boss, site) > cfg.pressure_move_threshold
            )
            if cut or pressed:
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
        site = int(c.site[compound])
        pressed = cfg.split and self.unshielded(boss, site) > cfg.split_threshold
        if pressed and rng.random() < cfg.split_prob and self.split(boss, compound):
            return
        target = self.best_site(boss, compound) if cfg.relocation else -1
        if target >= 0:
            yield ctx.env.process(self.relocate(boss, compound, target))
            return
        c.transition(compound, LAYING_LOW, ctx.day, "lay_low")
        ctx.recorder.event(ctx.day, EventKind.LAY_LOW, site, compound, boss.index)
        # lay low longer while pressure at the site stays high
        yield ctx.env.timeout(rng.exponential(cfg.lay_low_days_mean) * (0.5 + ctx.world.sites[site].pressure))
        while boss.free and c.status[compound] == LAYING_LOW:
            if boss.capital >= self.equipment_cost(compound):
                yield ctx.env.process(self.rebuild(boss, compound))
                return
            yield ctx.env.timeout(cfg.review_days)  # cannot pay to re-equip yet: wait (losing money)

    def _transport(self, held: np.ndarray, compound: int, km: float, rng: np.random.Generator) -> float:
        """Drive ``held`` workers (all working: the rows of :meth:`WorkerPool.at_compound`) to ``compound`` in daily
        batches; some escape.  Returns the trip's days."""
        cfg, ctx = self.cfg, self.ctx
        pool, day = ctx.world.workers, ctx.day
        escape = rng.random(held.size) < cfg.escape_share_moving
        pool.move(held[escape], FLED, day, "escape_in_transit", source=WORKING)
        if escape.any():
            ctx.recorder.event(
                day, EventKind.WORKERS_ESCAPED, int(ctx.world.compounds.site[compound]), compound, -1, int(escape.sum())
            )
        go = held[~escape]
        trip = float(rng.exponential(cfg.relocation_days_mean)) + km / cfg.move_km_per_day
        due = (day + np.maximum(np.ceil(trip + np.arange(go.size) // cfg.transport_batch), 1)).astype(np.int32)
        pool.move(go, IN_TRANSIT, day, "moved", compound=compound, due=due, source=WORKING)
        pool.schedule_arrivals(due, go)
        return trip

    def relocate(self, boss: Boss, compound: int, target: int) -> Process:
        ctx = self.ctx
        c = ctx.world.compounds
        rng = ctx.streams["relocation"]
        here = int(c.site[compound])
        space_usd, construction = self.space.cost(target, float(c.capacity[compound]))
        boss.capital -= self.move_cost(here, target) + space_usd
        c.transition(compound, RELOCATING, ctx.day, "relocation")
        c.move_site(compound, target)
        self.space.claim(target, construction)
        ctx.recorder.event(ctx.day, EventKind.RELOCATION, target, compound, boss.index)
        if construction:
            ctx.recorder.event(ctx.day, EventKind.CONSTRUCTION_STARTED, target, compound, boss.index)
        held = ctx.world.workers.at_compound(compound)
        trip = self._transport(held, compound, float(ctx.world.distance_km[here, target]), rng)
        yield ctx.env.timeout(max(trip, self.space.days(construction, ctx.streams["space"])))
        if boss.free and c.status[compound] == RELOCATING:
            yield ctx.env.process(self.rebuild(boss, compound))

    def split(self, boss: Boss, compound: int) -> bool:
        """Disperse a sealed compound into cells of 20-50 workers at the best-scoring reachable sites.

        Workers beyond the cells' places are let go (they flee).  Returns False
        (nothing done) when the boss cannot pay for the cells' equipment.
        """
        cfg, ctx = self.cfg, self.ctx
        world, day = ctx.world, ctx.day
        c, pool = world.compounds, world.workers
        rng = ctx.streams["relocation"]
        held = pool.at_compound(compound)
        mean_size = (cfg.cell_size_min + cfg.cell_size_max) / 2.0
        n_cells = int(min(cfg.max_cells, max(1, np.ceil(held.size / mean_size))))
        sizes = rng.integers(cfg.cell_size_min, cfg.cell_size_max + 1, size=n_cells)
        cost = float(sizes.sum()) * cfg.equipment_usd_per_worker
        if boss.capital < cost:
            return False
        boss.capital -= cost
        here = int(c.site[compound])
        options = [s.index for s in world.sites if self.border.reachable(here, s.index)]
        scores = np.array([max(self.site_score(boss, s, s, compound), 0.0) + 1e-9 for s in options])
        sites = rng.choice(options, size=n_cells, p=scores / scores.sum())
        c.transition(compound, CLOSED, day, "split")
        boss.compounds.discard(compound)
        ctx.recorder.event(day, EventKind.SPLIT, here, compound, boss.index, n_cells)
        start = 0
        for size, site in zip(sizes.tolist(), sites.tolist(), strict=True):
            cell = c.add(int(site), boss.index, float(size), float(size), 1, day, OPERATING, cell=True)
            boss.compounds.add(cell)
            part = held[start : start + size]
            start += size
            if part.size:
                self._transport(part, cell, float(world.distance_km[here, int(site)]), rng)
        if start < held.size:
            pool.move(held[start:], FLED, day, "split_released", source=WORKING)
        return True

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
        world.workers.move(held, FLED, ctx.day, f"closure_{why}", source=WORKING)
        world.bosses[owner].compounds.discard(compound)
        ctx.recorder.event(ctx.day, EventKind.COMPOUND_CLOSED, int(c.site[compound]), compound, owner, int(held.size))
