"""Power and Internet (config section ``infrastructure``): cuts and the substitutes bosses install.

Output at a site with its grid power cut falls to ``no_power_output`` unless
the compound has a generator; without Internet it falls to
``no_internet_output`` unless it has a satellite link.  Substitutes take money
and days to install and can themselves be blocked by a cut that targets them
(fuel for generators, satellite terminals).  Connectivity factors multiply.

A neighbour can cut only the power it supplies: a site loses grid power when
its own country cuts it, or when every country whose grid it can draw on
(its supplier and its alternates: Tachileik can draw on Laos when Thailand
cuts) has cut it.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.core.compounds import ACTIVE, CLOSED
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss


class Infrastructure:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.infrastructure
        self.installing: set[int] = set()  # compounds waiting for a generator or satellite link
        # cuts in force: (by, sites, power, internet, fuel, satellite)
        self.active: list[tuple[str, frozenset[int], bool, bool, bool, bool]] = []
        self.any_cut = False  # whether power or Internet is cut at any site now (most days: no)

    def _factor(self, site: int, has_generator: bool, has_satellite: bool) -> float:
        cfg = self.cfg
        s = self.ctx.world.sites[site]
        generator = cfg.substitutes and not s.fuel_blocked and has_generator
        satellite = cfg.substitutes and not s.satellite_blocked and has_satellite
        power = 1.0 if not s.power_cut or generator else cfg.no_power_output
        net = 1.0 if not s.internet_cut or satellite else cfg.no_internet_output
        return power * net

    def connectivity(self, site: int, compound: int) -> float:
        """Output multiplier of one compound given cuts and its substitutes."""
        c = self.ctx.world.compounds
        return self._factor(site, bool(c.generator[compound]), bool(c.satellite[compound]))

    def connectivity_all(self) -> np.ndarray:
        """Output multiplier of every compound (vectorized for the daily step)."""
        return self.connectivity_of(np.arange(self.ctx.world.compounds.n))

    def connectivity_of(self, comps: np.ndarray) -> np.ndarray:
        """Output multiplier of compounds ``comps``: :meth:`_factor` for each, at once."""
        c = self.ctx.world.compounds
        if not self.any_cut:
            return np.ones(comps.size)
        cfg = self.cfg
        flags = self._flags()[c.site[comps]]
        generator = cfg.substitutes & ~flags[:, 2] & c.generator[comps]
        satellite = cfg.substitutes & ~flags[:, 3] & c.satellite[comps]
        power = np.where(~flags[:, 0] | generator, 1.0, cfg.no_power_output)
        net = np.where(~flags[:, 1] | satellite, 1.0, cfg.no_internet_output)
        return power * net

    def _flags(self) -> np.ndarray:
        """Per site: (power cut, internet cut, fuel blocked, satellite blocked)."""
        return np.array([(s.power_cut, s.internet_cut, s.fuel_blocked, s.satellite_blocked) for s in self.ctx.world.sites], bool)

    def expected_connectivity(self, site: int) -> float:
        """What a boss expects at a site once he has installed whatever substitutes work there."""
        return self._factor(site, True, True)

    def install_substitutes(self, boss: Boss) -> None:
        """Order a generator and/or satellite link for each compound at a cut site."""
        cfg = self.cfg
        if not cfg.substitutes:
            return
        ctx = self.ctx
        if not self.any_cut:
            return  # nothing is cut: nothing to install
        c = ctx.world.compounds
        for comp in sorted(boss.compounds):
            if c.status[comp] not in ACTIVE:
                continue
            site = ctx.world.sites[int(c.site[comp])]
            if comp in self.installing:
                continue
            need_gen = bool(site.power_cut and not site.fuel_blocked and not c.generator[comp])
            need_sat = bool(site.internet_cut and not site.satellite_blocked and not c.satellite[comp])
            if not (need_gen or need_sat):
                continue
            cost = need_gen * cfg.generator_usd + need_sat * cfg.satellite_usd
            if (need_gen or need_sat) and boss.capital >= cost:
                boss.capital -= cost
                days = max(need_gen * cfg.generator_days, need_sat * cfg.satellite_days)
                self.installing.add(comp)
                ctx.env.process(self._install(comp, int(c.site[comp]), need_gen, need_sat, days))

    def _install(self, comp: int, site: int, gen: bool, sat: bool, days: float) -> Generator[simpy.Event, None, None]:
        ctx = self.ctx
        yield ctx.env.timeout(days)
        self.installing.discard(comp)
        c = ctx.world.compounds
        if c.status[comp] == CLOSED or c.site[comp] != site:  # closed or moved away: the order is lost
            return
        c.add_substitutes(comp, gen, sat)
        ctx.recorder.event(ctx.day, EventKind.SUBSTITUTE_INSTALLED, int(c.site[comp]), comp, int(c.owner[comp]))

    def cut(
        self, by: str, sites: list[int], power: bool, internet: bool, fuel: bool, satellite: bool, end: float | None
    ) -> Generator[simpy.Event, None, None]:
        """From now on country ``by`` cuts what it supplies at the named sites; restored at ``end``.

        The sites' flags are recomputed from every cut still in force, so the
        end of one cut never restores what another, still running, cuts.
        """
        ctx = self.ctx
        record = (by, frozenset(sites), power, internet, fuel, satellite)
        self.active.append(record)
        self._apply(sites)
        for i in sites:
            ctx.recorder.event(ctx.day, EventKind.CUT, site=i)
        for boss in ctx.world.bosses:
            if boss.free and any(int(ctx.world.compounds.site[c]) in sites for c in boss.compounds):
                boss.notify("cut", -1)
        if end is None:
            return
        yield ctx.env.timeout(end - ctx.env.now)
        self.active.remove(record)
        self._apply(sites)
        for i in sites:
            ctx.recorder.event(ctx.day, EventKind.RESTORED, site=i)

    def _apply(self, sites: list[int]) -> None:
        """Set each site's cut flags from the cuts in force there."""
        for i in sites:
            s = self.ctx.world.sites[i]
            here = [c for c in self.active if i in c[1]]
            s.power_cutters = {c[0] for c in here if c[2]}
            s.power_cut = s.country in s.power_cutters or (bool(s.power_cutters) and s.grid <= s.power_cutters)
            s.internet_cut = any(c[3] for c in here)
            s.fuel_blocked = any(c[4] for c in here)
            s.satellite_blocked = any(c[5] for c in here)
        self.any_cut = any(s.power_cut or s.internet_cut for s in self.ctx.world.sites)
