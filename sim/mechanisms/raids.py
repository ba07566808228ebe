"""Raids (config section ``raids``): the campaigns that raise and ease pressure, and the raids they make.

A raid on a well-protected compound may leave it operating (Amnesty 2025:
more than two thirds of compounds were never investigated or kept operating
after raids); otherwise it is sealed.  A campaign's intensity rises linearly over ``ramp_days``, holds, then decays
with a half-life: the "pressure eases" of the article.  Raids arrive as a
Poisson process thinned by that intensity, so raid times come from their own
stream and stay common across scenarios.  A raid may be deflected by
protectors, leak in advance (more likely with more protection, and at least
``network.tie_warning_level`` when a syndicate partner was raided lately),
and then arrests fall on the workers still present, up to the raid's
capacity.  An active national patron slows a campaign in his country
(:meth:`sim.mechanisms.network.Network.campaign_factor`).
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.config.schema import CampaignConf
from sim.core.compounds import IS_ACTIVE, SEALED
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.workers import ARRESTED, FLED, WORKING
from sim.mechanisms.bosses import Bosses
from sim.mechanisms.labour import Labour
from sim.mechanisms.network import Network
from sim.mechanisms.protection import Protection

MIN_INTENSITY = 1e-3  # below this a decayed campaign is over
MANAGER_RELEASE_DAYS = 14.0  # mean delay before bribed managers are released
CELL_VISIBILITY = 0.25  # assumed: chance of a cell being found relative to a compound

Process = Generator[simpy.Event, None, None]


def intensity(camp: CampaignConf, start: float, t: float) -> float:
    """Campaign intensity in [0, 1] at time ``t`` for a campaign starting at ``start``."""
    x = t - start
    if x < 0:
        return 0.0
    if x < camp.ramp_days:
        return x / camp.ramp_days
    x -= camp.ramp_days
    if x < camp.hold_days:
        return 1.0
    x -= camp.hold_days
    return 0.5 ** (x / camp.decay_half_life) if camp.decay_half_life > 0 else 0.0


class Raids:
    def __init__(self, ctx: Context, protection: Protection, bosses: Bosses, labour: Labour, network: Network) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.raids
        self.protection = protection
        self.network = network
        self.bosses = bosses
        self.labour = labour
        self.campaigns: list[tuple[CampaignConf, float, np.ndarray]] = []  # (campaign, start time, its sites)
        self.arrests_by_nationality = np.zeros(len(ctx.world.nationalities), np.int64)
        self._base_pressure = np.array([s.base_pressure for s in ctx.world.sites])  # fixed when the world is built

    # ------------------------------------------------------------------ campaigns
    def campaign_sites(self, camp: CampaignConf) -> np.ndarray:
        world = self.ctx.world
        if camp.sites:
            return np.array([world.site_index[s] for s in camp.sites])
        return np.array([s.index for s in world.sites if s.country == camp.country])

    def start_campaign(self, camp: CampaignConf, start: float) -> None:
        """Register the campaign's pressure and start its raids."""
        self.campaigns.append((camp, start, self.campaign_sites(camp)))
        self.ctx.env.process(self._campaign(camp, start))

    def _campaign(self, camp: CampaignConf, start: float) -> Process:
        """Raids of one campaign: thinning of a Poisson process at the peak rate."""
        ctx = self.ctx
        rng = ctx.streams["raid_timing"]
        sites = self.campaign_sites(camp)
        # the rate is fixed at the directive from the compounds the world starts with,
        # so raid times do not depend on the scenario's state (common random numbers)
        c = ctx.world.compounds
        standing = np.count_nonzero(np.isin(c.site[: ctx.initial_compounds], sites))
        # the configured rate is the one seen with the world's national patrons in office; without them
        # raids come faster, so the thinning envelope is the rate with no patron slowing it down
        initial = self.network.campaign_factor(sites, initial=True)
        peak = camp.peak_raid_rate * standing / 100.0 / initial
        if peak <= 0:
            return
        t = start
        while True:
            t += rng.exponential(1.0 / peak)
            if t >= ctx.horizon:
                return
            level = intensity(camp, start, t)
            if t > start + camp.ramp_days + camp.hold_days and level < MIN_INTENSITY:
                return
            accept = rng.random() < level * self.network.campaign_factor(sites)  # an active national patron slows it
            yield ctx.env.timeout(t - ctx.env.now)
            if accept:
                target = self.choose_target(camp, sites)
                if target >= 0:
                    self.raid(target)

    def site_pressure(self, t: float) -> np.ndarray:
        """Enforcement pressure per site at time ``t``: base level plus campaigns, at most 1."""
        pressure = self._base_pressure.copy()
        for camp, start, sites in self.campaigns:
            level = intensity(camp, start, t)
            if level > 0:
                pressure[sites] += camp.site_pressure * level * self.network.relative_campaign_factor(sites)
        return np.minimum(pressure, 1.0)

    def choose_target(self, camp: CampaignConf, sites: np.ndarray) -> int:
        """Pick a standing compound at the campaign's sites by its targeting rule."""
        world = self.ctx.world
        c = world.compounds
        n = c.n
        at_sites = np.zeros(len(world.sites), bool)
        at_sites[sites] = True
        mask = IS_ACTIVE[c.status[:n]] & at_sites[c.site[:n]]
        candidates = np.flatnonzero(mask)
        if candidates.size == 0:
            return -1
        rng = self.ctx.streams["raid_targets"]
        if camp.targeting == "largest":
            size = world.workers.working_at[candidates]
            return int(candidates[np.argmax(size)])
        if camp.targeting == "least_protected":
            prot = np.array([self.protection.of_compound(int(i)) for i in candidates])
            lowest = candidates[prot <= prot.min() + 1e-12]
            return int(rng.choice(lowest))
        cells = c.cell[candidates]
        bias = self.cfg.size_bias
        if cells.any() or bias > 0:  # small cells in apartments are harder to find than compounds, small compounds too
            weight = np.where(cells, CELL_VISIBILITY, 1.0)
            if bias > 0:  # the large compounds are the known ones: found in proportion to workers^bias (one at least)
                weight = weight * np.maximum(world.workers.working_at[candidates], 1).astype(float) ** bias
            return int(rng.choice(candidates, p=weight / weight.sum()))
        return int(rng.choice(candidates))

    # ------------------------------------------------------------------ one raid
    def raid(self, compound: int) -> None:
        """One raid on ``compound``: deflection, warning, flight, arrests, seizure, sealing."""
        cfg, ctx = self.cfg, self.ctx
        world, rec, day = ctx.world, ctx.recorder, ctx.day
        rng = ctx.streams["raid_outcome"]
        c = world.compounds
        pool = world.workers
        site, owner = int(c.site[compound]), int(c.owner[compound])
        boss = world.bosses[owner]
        prot = self.protection.of_compound(compound)
        if rng.random() < cfg.deflect_max * prot:
            rec.event(day, EventKind.RAID_DEFLECTED, site, compound, owner)
            return
        p_warn = max(cfg.warning_base + (cfg.warning_max - cfg.warning_base) * prot, self.network.warning_floor(boss))
        warned = cfg.warnings and rng.random() < p_warn
        present = pool.at_compound(compound)
        rec.event(day, EventKind.RAID, site, compound, owner, int(present.size))  # workers there when it leaked or struck
        u = rng.random(present.size)
        if warned:  # the boss moves most workers out beforehand; some run away
            rec.event(day, EventKind.WARNING, site, compound, owner)
            evacuated = u < cfg.evacuate_share_warned
            fled = ~evacuated & (u < cfg.evacuate_share_warned + cfg.flee_share_warned)
            if evacuated.any():
                rec.event(day, EventKind.WORKERS_EVACUATED, site, compound, owner, int(evacuated.sum()))
        else:
            evacuated = np.zeros(present.size, bool)
            fled = u < cfg.flee_share_unwarned
        pool.move(present[fled], FLED, day, "raid_flight", source=WORKING)
        if fled.any():
            rec.event(day, EventKind.WORKERS_FLED, site, compound, owner, int(fled.sum()))
        remaining = present[~fled & ~evacuated]
        p_arrest = cfg.arrest_prob_present * (1.0 - cfg.soften_max * prot)
        caught = remaining[rng.random(remaining.size) < p_arrest]
        capacity = rng.poisson(cfg.arrest_capacity_mean)
        if caught.size > capacity:
            caught = rng.choice(caught, size=capacity, replace=False)
        due = day + np.ceil(rng.exponential(ctx.config.repatriation.processing_days, caught.size)).astype(np.int32)
        pool.move(caught, ARRESTED, day, "raid_arrest", due=due, source=WORKING)
        if caught.size:
            rec.event(day, EventKind.ARREST_WORKERS, site, compound, owner, int(caught.size))
            arrested = np.bincount(pool.nationality[caught], minlength=len(world.nationalities))
            self.arrests_by_nationality += arrested
            self.labour.note_arrests(arrested)
        if not warned:
            self._arrest_managers(compound, prot, rng)
            present_boss = boss.status == "active" and rng.random() < cfg.boss_present_prob
            if present_boss and rng.random() < cfg.boss_arrest_prob * (1.0 - ctx.config.protection.shield_max * prot):
                self.bosses.arrest(boss, site, compound)
        seized = c.equipment[compound] * cfg.equipment_seized_share
        c.set_equipment(compound, c.equipment[compound] - seized)
        if seized > 0:
            rec.event(day, EventKind.EQUIPMENT_SEIZED, site, compound, owner, round(seized))
        c.mark_raided(compound, day)
        self.network.pass_warning(boss)  # word travels along the syndicate's ties
        boss.raids.append((day, site))
        boss.last_raid_day = day
        if rng.random() < cfg.keep_operating_max * prot:  # protected compounds are not sealed
            rec.event(day, EventKind.KEPT_OPERATING, site, compound, owner)
            return
        c.transition(compound, SEALED, day, "raid")
        boss.notify("raid", compound)

    def _arrest_managers(self, compound: int, prot: float, rng: np.random.Generator) -> None:
        ctx = self.ctx
        cfg = ctx.config
        c = ctx.world.compounds
        n = int(rng.binomial(int(c.managers[compound]), cfg.raids.manager_arrest_prob))
        if n == 0:
            return
        c.add_managers(compound, -n)
        site, owner = int(c.site[compound]), int(c.owner[compound])
        ctx.recorder.event(ctx.day, EventKind.ARREST_MANAGERS, site, compound, owner, n)
        released = int(rng.binomial(n, cfg.protection.manager_release_max * prot)) if cfg.protection.enabled else 0
        if released:
            ctx.env.process(self._release_managers(compound, released, rng.exponential(MANAGER_RELEASE_DAYS)))

    def _release_managers(self, compound: int, n: int, delay: float) -> Process:
        ctx = self.ctx
        yield ctx.env.timeout(delay)
        c = ctx.world.compounds
        c.add_managers(compound, n)
        ctx.recorder.event(ctx.day, EventKind.MANAGER_RELEASED, int(c.site[compound]), compound, int(c.owner[compound]), n)
