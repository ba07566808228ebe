"""The protection network: who shields which boss at which site, and its changes.

Protection of a compound is ``1 - prod(1 - strength)`` over the active
protectors its owner pays who cover its site: two half-strength officials
give 0.75.  It raises the chance a raid leaks, lets raids be deflected or
softened, shields the boss from arrest and buys managers' release.
Protectors drop bosses who stop paying; removed protectors leave a seat that
a successor fills after a delay, and bosses buy in again over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.world import Boss, Protector

if TYPE_CHECKING:
    from sim.model import Model


def protection_of(model: Model, boss: Boss, site: int) -> float:
    """Protection a boss enjoys at a site, in [0, 1]."""
    if not model.config.protection.enabled:
        return 0.0
    unprotected = 1.0
    for p in boss.protectors:
        prot = model.world.protectors[p]
        if prot.active and site in prot.sites:
            unprotected *= 1.0 - prot.strength
    return 1.0 - unprotected


def compound_protection(model: Model, compound: int) -> float:
    c = model.world.compounds
    return protection_of(model, model.world.bosses[c.owner[compound]], int(c.site[compound]))


def protection_matrix(model: Model) -> np.ndarray:
    """Protection of every boss at every site, shape (bosses, sites), in one product."""
    world = model.world
    n_b, n_s = len(world.bosses), len(world.sites)
    key = (model.protection_version, n_b, len(world.protectors))
    if model.protection_cache is not None and model.protection_cache[0] == key:
        return model.protection_cache[1]
    if not model.config.protection.enabled or not world.protectors:
        return np.zeros((n_b, n_s))
    covers = np.zeros((len(world.protectors), n_s))
    for p in world.protectors:
        if p.active:
            covers[p.index, list(p.sites)] = np.log(max(1.0 - p.strength, 1e-300))
    links = np.zeros((n_b, len(world.protectors)))
    for b in world.bosses:
        links[b.index, list(b.protectors)] = 1.0
    matrix = 1.0 - np.exp(links @ covers)
    model.protection_cache = (key, matrix)
    return matrix


def site_protection(model: Model) -> np.ndarray:
    """Mean protection of the standing compounds at each site (0 where none)."""
    c = model.world.compounds
    active = np.flatnonzero(c.active_mask())
    prot = protection_matrix(model)[c.owner[active], c.site[active]]
    n_s = len(model.world.sites)
    totals = np.bincount(c.site[active], prot, minlength=n_s)
    counts = np.bincount(c.site[active], minlength=n_s)
    return np.divide(totals, counts, out=np.zeros(n_s), where=counts > 0)


def pay_bribes(model: Model, boss: Boss, amount: float, day: int) -> None:
    """Share a boss's bribe among his active protectors, by strength."""
    active = [model.world.protectors[p] for p in boss.protectors if model.world.protectors[p].active]
    total = sum(p.strength for p in active)
    if amount <= 0 or total <= 0:
        return
    for p in active:
        p.income_usd += amount * p.strength / total
        p.last_paid[boss.index] = day


def link(model: Model, boss: Boss, protector: Protector) -> None:
    boss.protectors.add(protector.index)
    protector.clients.add(boss.index)
    protector.last_paid[boss.index] = model.day
    model.protection_version += 1


def unlink(model: Model, boss: Boss, protector: Protector) -> None:
    boss.protectors.discard(protector.index)
    protector.clients.discard(boss.index)
    model.protection_version += 1


def protector_process(model: Model, protector: Protector):
    """A protector reviews its clients monthly and drops those who stopped paying."""
    cfg = model.config.protection
    while protector.active:
        yield model.env.timeout(30.0)
        if not (cfg.enabled and cfg.drop_unpaid) or not protector.active:
            continue
        for b in sorted(protector.clients):
            if model.day - protector.last_paid.get(b, model.day) > cfg.unpaid_days:
                unlink(model, model.world.bosses[b], protector)
                site = next(iter(sorted(protector.sites)), -1)
                model.recorder.event(model.day, "protection_dropped", site=site, boss=b)


def remove_protector(model: Model, protector: Protector):
    """Targeting: the protector is removed; a successor may take the seat later."""
    protector.active = False
    model.protection_version += 1
    for b in sorted(protector.clients):
        model.world.bosses[b].protectors.discard(protector.index)
    protector.clients.clear()
    for s in sorted(protector.sites):
        model.recorder.event(model.day, "protector_removed", site=s)
    cfg = model.config.protection
    if not cfg.replacement:
        return
    yield model.env.timeout(model.streams["protection"].exponential(cfg.replacement_days_mean))
    world = model.world
    successor = Protector(
        len(world.protectors), f"{protector.name}-successor", protector.rank, protector.sites, protector.strength
    )
    world.protectors.append(successor)
    for s in sorted(successor.sites):
        model.recorder.event(model.day, "protector_successor", site=s)
    model.env.process(protector_process(model, successor))


def buy_protection(model: Model, boss: Boss) -> None:
    """A boss buys in with one active protector at each of his sites that has none of his."""
    cfg = model.config.protection
    if not (cfg.enabled and cfg.buy_in):
        return
    world = model.world
    sites = sorted({int(world.compounds.site[c]) for c in boss.compounds})
    for s in sites:
        if protection_of(model, boss, s) > 0:
            continue
        offers = [p for p in world.protectors if p.active and s in p.sites and p.index not in boss.protectors]
        if not offers or boss.capital < cfg.buy_in_usd:
            continue
        best = max(offers, key=lambda p: (p.strength, -p.index))
        boss.capital -= cfg.buy_in_usd
        link(model, boss, best)
        model.recorder.event(model.day, "protection_bought", site=s, boss=boss.index)
