"""Power and Internet: a neighbour's cuts and the substitutes bosses install.

Output at a site with its grid power cut falls to ``no_power_output`` unless
the compound has a generator; without Internet it falls to
``no_internet_output`` unless it has a satellite link.  Substitutes take money
and days to install and can themselves be blocked by a cut that targets them
(fuel and satellite terminals).  Connectivity factors multiply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.world import ACTIVE, CLOSED, Boss

if TYPE_CHECKING:
    from sim.model import Model


def _factor(model: Model, site: int, has_generator: bool, has_satellite: bool) -> float:
    cfg = model.config.infrastructure
    s = model.world.sites[site]
    usable = cfg.substitutes and not s.substitutes_blocked
    power = 1.0 if not s.power_cut or (usable and has_generator) else cfg.no_power_output
    net = 1.0 if not s.internet_cut or (usable and has_satellite) else cfg.no_internet_output
    return power * net


def connectivity(model: Model, site: int, compound: int) -> float:
    """Output multiplier of one compound given cuts and its substitutes."""
    c = model.world.compounds
    return _factor(model, site, bool(c.generator[compound]), bool(c.satellite[compound]))


def connectivity_all(model: Model) -> np.ndarray:
    """Output multiplier of every compound (vectorized for the daily step)."""
    c = model.world.compounds
    n = c.n
    out = np.ones(n)
    for s in model.world.sites:
        if s.power_cut or s.internet_cut:
            at = np.flatnonzero(c.site[:n] == s.index)
            out[at] = [_factor(model, s.index, bool(c.generator[i]), bool(c.satellite[i])) for i in at]
    return out


def expected_connectivity(model: Model, site: int) -> float:
    """What a boss expects at a site once he has installed whatever substitutes work there."""
    return _factor(model, site, True, True)


def install_substitutes(model: Model, boss: Boss) -> None:
    """Order a generator and/or satellite link for each compound at a cut site."""
    cfg = model.config.infrastructure
    if not cfg.substitutes:
        return
    c = model.world.compounds
    for comp in sorted(boss.compounds):
        if c.status[comp] not in ACTIVE:
            continue
        site = model.world.sites[int(c.site[comp])]
        if site.substitutes_blocked or comp in model.installing:
            continue
        need_gen = site.power_cut and not c.generator[comp]
        need_sat = site.internet_cut and not c.satellite[comp]
        cost = need_gen * cfg.generator_usd + need_sat * cfg.satellite_usd
        if (need_gen or need_sat) and boss.capital >= cost:
            boss.capital -= cost
            days = max(need_gen * cfg.generator_days, need_sat * cfg.satellite_days)
            model.installing.add(comp)
            model.env.process(_install(model, comp, int(c.site[comp]), need_gen, need_sat, days))


def _install(model: Model, comp: int, site: int, gen: bool, sat: bool, days: float):
    yield model.env.timeout(days)
    model.installing.discard(comp)
    c = model.world.compounds
    if c.status[comp] == CLOSED or c.site[comp] != site:  # closed or moved away: the order is lost
        return
    c.generator[comp] |= gen
    c.satellite[comp] |= sat
    model.recorder.event(model.day, "substitute_installed", int(c.site[comp]), comp, int(c.owner[comp]))


def cut_process(model: Model, sites: list[int], power: bool, internet: bool, substitutes: bool, end: float | None):
    """From now on the named sites lose grid power and/or Internet; restored at ``end``."""
    for i in sites:
        s = model.world.sites[i]
        s.power_cut |= power
        s.internet_cut |= internet
        s.substitutes_blocked |= substitutes
        model.recorder.event(model.day, "cut", site=i)
    for boss in model.world.bosses:
        if boss.free and any(int(model.world.compounds.site[c]) in sites for c in boss.compounds):
            model.alert(boss, "cut", -1)
    if end is None:
        return
    yield model.env.timeout(end - model.env.now)
    for i in sites:
        s = model.world.sites[i]
        if power:
            s.power_cut = False
        if internet:
            s.internet_cut = False
        if substitutes:
            s.substitutes_blocked = False
        model.recorder.event(model.day, "restored", site=i)


def border_process(model: Model, a: str, b: str, end: float | None):
    """Close the border between two countries: no relocation or recruitment across it."""
    pair = frozenset((a, b))
    model.closed_borders.add(pair)
    model.recorder.event(model.day, "border_closed")
    if end is None:
        return
    yield model.env.timeout(end - model.env.now)
    model.closed_borders.discard(pair)
    model.recorder.event(model.day, "border_opened")
