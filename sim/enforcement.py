"""Enforcement: campaigns that raise and ease pressure, and the raids they make.

A raid on a well-protected compound may leave it operating (Amnesty 2025:
more than two thirds of compounds were never investigated or kept operating
after raids); otherwise it is sealed.  A campaign's intensity rises linearly over ``ramp_days``, holds, then decays
with a half-life: the "pressure eases" of the article.  Raids arrive as a
Poisson process thinned by that intensity, so raid times come from their own
stream and stay common across scenarios.  A raid may be deflected by
protectors, leak in advance (more likely with more protection), and then
arrests fall on the workers still present, up to the raid's capacity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.protection import compound_protection
from sim.schema import CampaignConf
from sim.workers import ARRESTED, FLED
from sim.world import IS_ACTIVE, SEALED

if TYPE_CHECKING:
    from sim.model import Model

MIN_INTENSITY = 1e-3  # below this a decayed campaign is over


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


def campaign_sites(model: Model, camp: CampaignConf) -> np.ndarray:
    world = model.world
    if camp.sites:
        return np.array([world.site_index[s] for s in camp.sites])
    return np.array([s.index for s in world.sites if s.country == camp.country])


def campaign_process(model: Model, camp: CampaignConf, start: float):
    """Raids of one campaign: thinning of a Poisson process at the peak rate."""
    rng = model.streams["raid_timing"]
    sites = campaign_sites(model, camp)
    # the rate is fixed at the directive from the compounds the world starts with,
    # so raid times do not depend on the scenario's state (common random numbers)
    c = model.world.compounds
    standing = np.count_nonzero(np.isin(c.site[: model.initial_compounds], sites))
    peak = camp.peak_raid_rate * standing / 100.0
    if peak <= 0:
        return
    t = start
    while True:
        t += rng.exponential(1.0 / peak)
        if t >= model.horizon:
            return
        level = intensity(camp, start, t)
        if t > start + camp.ramp_days + camp.hold_days and level < MIN_INTENSITY:
            return
        accept = rng.random() < level
        yield model.env.timeout(t - model.env.now)
        if accept:
            target = choose_target(model, camp, sites)
            if target >= 0:
                raid(model, target)


def choose_target(model: Model, camp: CampaignConf, sites: np.ndarray) -> int:
    """Pick a standing compound at the campaign's sites by its targeting rule."""
    c = model.world.compounds
    n = c.n
    at_sites = np.zeros(len(model.world.sites), bool)
    at_sites[sites] = True
    mask = IS_ACTIVE[c.status[:n]] & at_sites[c.site[:n]]
    candidates = np.flatnonzero(mask)
    if candidates.size == 0:
        return -1
    rng = model.streams["raid_targets"]
    if camp.targeting == "largest":
        size = model.world.workers.working_at[candidates]
        return int(candidates[np.argmax(size)])
    if camp.targeting == "least_protected":
        prot = np.array([compound_protection(model, int(i)) for i in candidates])
        lowest = candidates[prot <= prot.min() + 1e-12]
        return int(rng.choice(lowest))
    return int(rng.choice(candidates))


def raid(model: Model, compound: int) -> None:
    """One raid on ``compound``: deflection, warning, flight, arrests, seizure, sealing."""
    cfg = model.config.raids
    world, rec, day = model.world, model.recorder, model.day
    rng = model.streams["raid_outcome"]
    c = world.compounds
    site, owner = int(c.site[compound]), int(c.owner[compound])
    boss = world.bosses[owner]
    prot = compound_protection(model, compound)
    if rng.random() < cfg.deflect_max * prot:
        rec.event(day, "raid_deflected", site, compound, owner)
        return
    warned = cfg.warnings and rng.random() < cfg.warning_base + (cfg.warning_max - cfg.warning_base) * prot
    present = world.workers.at_compound(compound)
    rec.event(day, "raid", site, compound, owner, int(present.size))  # count: workers there when it leaked or struck
    u = rng.random(present.size)
    if warned:  # the boss moves most workers out beforehand; some run away
        rec.event(day, "warning", site, compound, owner)
        evacuated = u < cfg.evacuate_share_warned
        fled = ~evacuated & (u < cfg.evacuate_share_warned + cfg.flee_share_warned)
        if evacuated.any():
            rec.event(day, "workers_evacuated", site, compound, owner, int(evacuated.sum()))
    else:
        evacuated = np.zeros(present.size, bool)
        fled = u < cfg.flee_share_unwarned
    world.workers.move(present[fled], FLED, day, "raid_flight")
    if fled.any():
        rec.event(day, "workers_fled", site, compound, owner, int(fled.sum()))
    remaining = present[~fled & ~evacuated]
    p_arrest = cfg.arrest_prob_present * (1.0 - cfg.soften_max * prot)
    caught = remaining[rng.random(remaining.size) < p_arrest]
    capacity = rng.poisson(cfg.arrest_capacity_mean)
    if caught.size > capacity:
        caught = rng.choice(caught, size=capacity, replace=False)
    due = day + np.ceil(rng.exponential(model.config.repatriation.processing_days, caught.size)).astype(np.int32)
    world.workers.move(caught, ARRESTED, day, "raid_arrest")
    world.workers.due[caught] = due
    if caught.size:
        rec.event(day, "arrest_workers", site, compound, owner, int(caught.size))
        model.arrests_by_nationality += np.bincount(world.workers.nationality[caught], minlength=len(world.nationalities))
    if not warned:
        _arrest_managers(model, compound, prot, rng)
        present = boss.status == "active" and rng.random() < cfg.boss_present_prob
        if present and rng.random() < cfg.boss_arrest_prob * (1.0 - model.config.protection.shield_max * prot):
            model.arrest_boss(boss, site, compound)
    seized = c.equipment[compound] * cfg.equipment_seized_share
    c.equipment[compound] -= seized
    if seized > 0:
        rec.event(day, "equipment_seized", site, compound, owner, round(seized))
    c.last_raid[compound] = day
    boss.raids.append((day, site))
    boss.last_raid_day = day
    if rng.random() < cfg.keep_operating_max * prot:  # protected compounds are not sealed
        rec.event(day, "kept_operating", site, compound, owner)
        return
    c.status[compound] = SEALED
    model.alert(boss, "raid", compound)


def _arrest_managers(model: Model, compound: int, prot: float, rng: np.random.Generator) -> None:
    cfg = model.config
    c = model.world.compounds
    n = int(rng.binomial(int(c.managers[compound]), cfg.raids.manager_arrest_prob))
    if n == 0:
        return
    c.managers[compound] -= n
    site, owner = int(c.site[compound]), int(c.owner[compound])
    model.recorder.event(model.day, "arrest_managers", site, compound, owner, n)
    released = int(rng.binomial(n, cfg.protection.manager_release_max * prot)) if cfg.protection.enabled else 0
    if released:
        model.env.process(_release_managers(model, compound, released, rng.exponential(14.0)))


def _release_managers(model: Model, compound: int, n: int, delay: float):
    yield model.env.timeout(delay)
    c = model.world.compounds
    c.managers[compound] += n
    model.recorder.event(model.day, "manager_released", int(c.site[compound]), compound, int(c.owner[compound]), n)


def site_pressure(model: Model, t: float) -> np.ndarray:
    """Enforcement pressure per site at time ``t``: base level plus campaigns, at most 1."""
    pressure = np.array([s.base_pressure for s in model.world.sites])
    for camp, start, sites in model.campaigns:
        level = intensity(camp, start, t)
        if level > 0:
            pressure[sites] += camp.site_pressure * level
    return np.minimum(pressure, 1.0)
