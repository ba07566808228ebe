"""Bosses: SimPy processes that decide how their compounds respond to pressure.

A boss sleeps until alerted (a raid, a cut, a lost protector) or until his
periodic review.  After a raid he waits out the seal, then either exits (not
enough capital to re-equip), relocates to the site with the best score, or
lays low and resumes in place.  Between crackdowns he buys protection,
installs substitutes for cut infrastructure and expands.  The site score is
``attractiveness * connectivity / (1 + hazard) - amortised move cost``, where
hazard is current pressure left unshielded plus the raids he remembers there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.infrastructure import connectivity, expected_connectivity, install_substitutes
from sim.protection import buy_protection, protection_of
from sim.workers import FLED
from sim.world import ACTIVE, CLOSED, LAYING_LOW, OPERATING, REBUILDING, RELOCATING, SEALED, Boss

if TYPE_CHECKING:
    from sim.model import Model

AMORTISE_DAYS = 180.0  # a move must pay for itself within about six months of output


def boss_process(model: Model, boss: Boss):
    cfg = model.config.decisions
    rng = model.streams["decisions"]
    yield model.env.timeout(rng.uniform(0.0, cfg.review_days))  # desynchronise reviews
    while boss.free:
        boss.alert = model.env.event()
        yield boss.alert | model.env.timeout(cfg.review_days)
        if not boss.free:
            return
        pending, boss.pending = boss.pending, []
        for what, compound in pending:
            if what == "raid":
                model.env.process(recover(model, boss, compound))
        review(model, boss)


def review(model: Model, boss: Boss) -> None:
    """Periodic decisions: protection, substitutes, moving away from bad sites, growth."""
    buy_protection(model, boss)
    install_substitutes(model, boss)
    c = model.world.compounds
    for comp in sorted(boss.compounds):  # seized equipment is easily replaced (facts.md)
        if c.status[comp] == OPERATING and c.equipment[comp] < c.capacity[comp] and comp not in model.reequipping:
            cost = equipment_cost(model, comp)
            if boss.capital >= cost:
                boss.capital -= cost
                model.reequipping.add(comp)
                model.env.process(reequip(model, comp))
    if model.config.decisions.relocation:
        for comp in sorted(boss.compounds):
            if c.status[comp] == OPERATING and connectivity(model, int(c.site[comp]), comp) < 1.0:
                target = best_site(model, boss, comp)
                if target >= 0:
                    model.env.process(relocate(model, boss, comp, target))
    if not boss.compounds and boss.status in ("active", "abroad"):
        boss.status = "exited"
        model.recorder.event(model.day, "boss_exit", site=boss.home_site, boss=boss.index)
        return
    expand(model, boss)


def remembered_raids(model: Model, boss: Boss, site: int) -> int:
    horizon = model.day - model.config.decisions.risk_memory_days
    return sum(1 for day, s in boss.raids if s == site and day >= horizon)


def site_score(model: Model, boss: Boss, site: int, from_site: int, compound: int) -> float:
    cfg = model.config.decisions
    s = model.world.sites[site]
    hazard = s.pressure * (1.0 - protection_of(model, boss, site)) + cfg.risk_weight * remembered_raids(model, boss, site)
    gross = s.attractiveness * expected_connectivity(model, site) / (1.0 + hazard)
    if site == from_site:
        return gross
    cap = max(float(model.world.compounds.capacity[compound]), 1.0)
    daily_value = cap * model.config.operations.revenue_per_worker_day * AMORTISE_DAYS
    return gross - move_cost(model, from_site, site) / daily_value


def move_cost(model: Model, a: int, b: int) -> float:
    cfg = model.config.decisions
    sites = model.world.sites
    border = cfg.border_crossing_usd if sites[a].country != sites[b].country else 0.0
    return cfg.relocation_fixed_usd + cfg.relocation_usd_per_km * float(model.world.distance_km[a, b]) + border


def reachable(model: Model, a: int, b: int) -> bool:
    sites = model.world.sites
    return model.border_open(sites[a].country, sites[b].country)


def best_site(model: Model, boss: Boss, compound: int) -> int:
    """The site a move would go to, or -1 to stay: it must beat staying by the margin and be affordable."""
    c = model.world.compounds
    here = int(c.site[compound])
    stay = site_score(model, boss, here, here, compound)
    best, best_score = -1, stay * (1.0 + model.config.decisions.relocate_margin)
    for s in model.world.sites:
        if s.index == here or not reachable(model, here, s.index) or c.count_at(s.index) >= s.room:
            continue
        score = site_score(model, boss, s.index, here, compound)
        if score > best_score:
            best, best_score = s.index, score
    if best >= 0 and boss.capital < move_cost(model, here, best) + equipment_cost(model, compound):
        return -1
    return best


def equipment_cost(model: Model, compound: int) -> float:
    c = model.world.compounds
    missing = max(float(c.capacity[compound] - c.equipment[compound]), 0.0)
    return missing * model.config.decisions.equipment_usd_per_worker


def recover(model: Model, boss: Boss, compound: int):
    """After a raid: wait out the seal, then exit, relocate, or lay low and resume."""
    cfg = model.config.decisions
    rng = model.streams["decisions"]
    c = model.world.compounds
    yield model.env.timeout(rng.exponential(model.config.raids.seal_days_mean))
    if not boss.free or c.status[compound] != SEALED:
        return
    if boss.capital < equipment_cost(model, compound):
        close_compound(model, compound, "capital")
        return
    target = best_site(model, boss, compound) if cfg.relocation else -1
    if target >= 0:
        yield model.env.process(relocate(model, boss, compound, target))
        return
    site = int(c.site[compound])
    c.status[compound] = LAYING_LOW
    model.recorder.event(model.day, "lay_low", site, compound, boss.index)
    # lay low longer while pressure at the site stays high
    yield model.env.timeout(rng.exponential(cfg.lay_low_days_mean) * (0.5 + model.world.sites[site].pressure))
    if boss.free and c.status[compound] == LAYING_LOW:
        yield model.env.process(rebuild(model, boss, compound))


def relocate(model: Model, boss: Boss, compound: int, target: int):
    cfg = model.config.decisions
    c = model.world.compounds
    here = int(c.site[compound])
    boss.capital -= move_cost(model, here, target)
    c.status[compound] = RELOCATING
    c.site[compound] = target
    c.generator[compound] = c.satellite[compound] = False
    model.recorder.event(model.day, "relocation", target, compound, boss.index)
    yield model.env.timeout(model.streams["decisions"].exponential(cfg.relocation_days_mean))
    if boss.free and c.status[compound] == RELOCATING:
        yield model.env.process(rebuild(model, boss, compound))


def rebuild(model: Model, boss: Boss, compound: int):
    """Re-buy equipment up to capacity, then operate again."""
    c = model.world.compounds
    cost = equipment_cost(model, compound)
    boss.capital -= cost
    c.status[compound] = REBUILDING
    yield model.env.timeout(model.streams["decisions"].exponential(model.config.decisions.equipment_days_mean))
    if c.status[compound] != REBUILDING:
        return
    c.equipment[compound] = c.capacity[compound]
    needed = int(np.ceil(c.capacity[compound] / model.config.world.workers_per_manager))
    c.managers[compound] = max(int(c.managers[compound]), needed)
    c.status[compound] = OPERATING
    model.recorder.event(model.day, "resume", int(c.site[compound]), compound, boss.index)


def reequip(model: Model, compound: int):
    """Replacement computers and phones arrive after the usual delay; output resumes in full."""
    yield model.env.timeout(model.streams["decisions"].exponential(model.config.decisions.equipment_days_mean))
    model.reequipping.discard(compound)
    c = model.world.compounds
    if c.status[compound] != CLOSED:
        c.equipment[compound] = max(c.equipment[compound], c.capacity[compound])


def close_compound(model: Model, compound: int, why: str) -> None:
    """Close for good: the workers still held are released (they flee)."""
    c = model.world.compounds
    owner = int(c.owner[compound])
    c.status[compound] = CLOSED
    held = model.world.workers.at_compound(compound)
    model.world.workers.move(held, FLED, model.day, f"closure_{why}")
    model.world.bosses[owner].compounds.discard(compound)
    model.recorder.event(model.day, "compound_closed", int(c.site[compound]), compound, owner, int(held.size))


def expand(model: Model, boss: Boss) -> None:
    """Found a new compound when calm, rich and there is room."""
    cfg = model.config.growth
    if not cfg.enabled or boss.status != "active":
        return
    if model.day - boss.last_raid_day < cfg.calm_days:
        return
    rng = model.streams["growth"]
    kit = cfg.new_compound_workers * model.config.decisions.equipment_usd_per_worker
    if boss.capital < cfg.expand_cost_usd + kit or rng.random() >= cfg.expand_prob:
        return
    c = model.world.compounds
    home = boss.home_site
    options = [s for s in model.world.sites if c.count_at(s.index) < s.room and reachable(model, home, s.index)]
    options = [s for s in options if s.pressure < 0.2]
    if not options:
        return
    scores = [site_score(model, boss, s.index, s.index, -1) - (0.0 if s.index == home else 0.05) for s in options]
    site = options[int(np.argmax(scores))].index
    boss.capital -= cfg.expand_cost_usd + kit
    comp = c.add(
        site,
        boss.index,
        capacity=cfg.new_compound_workers,
        equipment=cfg.new_compound_workers,
        managers=int(np.ceil(cfg.new_compound_workers / model.config.world.workers_per_manager)),
        day=model.day,
        status=OPERATING,
    )
    model.world.workers.add_compounds(c.site.size)
    boss.compounds.add(comp)
    model.recorder.event(model.day, "compound_founded", site, comp, boss.index)


def take_over(model: Model, boss: Boss):
    """An arrested boss's compounds lie low, then pass to a successor or close."""
    cfg = model.config.bosses
    rng = model.streams["bosses"]
    c = model.world.compounds
    comps = sorted(boss.compounds)
    for comp in comps:
        if c.status[comp] in ACTIVE:
            c.status[comp] = LAYING_LOW
    inherit = rng.random() < cfg.successor_prob
    yield model.env.timeout(rng.exponential(cfg.successor_days_mean))
    if not inherit:
        for comp in comps:
            if c.status[comp] != CLOSED:
                close_compound(model, comp, "boss_arrested")
        return
    world = model.world
    heir = Boss(len(world.bosses), f"{boss.name}-successor", boss.home_site, boss.capital * 0.5)
    world.bosses.append(heir)
    for p in sorted(boss.protectors):
        prot = world.protectors[p]
        if prot.active:
            heir.protectors.add(p)
            prot.clients.add(heir.index)
            model.protection_version += 1
    for comp in comps:
        if c.status[comp] == CLOSED:
            continue
        c.owner[comp] = heir.index
        heir.compounds.add(comp)
    boss.compounds.clear()
    model.recorder.event(model.day, "boss_successor", site=boss.home_site, boss=heir.index)
    model.start_boss(heir)
    for comp in sorted(heir.compounds):
        if c.status[comp] in (LAYING_LOW, RELOCATING):
            model.env.process(rebuild(model, heir, comp))
        elif c.status[comp] == SEALED:
            model.env.process(recover(model, heir, comp))
