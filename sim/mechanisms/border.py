"""Border closures (config section ``border``): which country pairs are closed, and what that blocks.

A closed border stops relocation between the two countries and recruits
whose entry route crosses it (a nationality's ``entry_via`` country into the
destination's country).  All border logic lives here; other mechanisms ask.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.core.context import Context
from sim.core.events import EventKind


class Border:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.enabled = ctx.config.border.enabled
        self.closed: set[frozenset[str]] = set()
        self._table: tuple[frozenset[frozenset[str]], np.ndarray] | None = None

    def is_open(self, a: str, b: str) -> bool:
        """Whether people and compounds can cross between countries ``a`` and ``b``."""
        return a == b or not self.enabled or not self.closed or frozenset((a, b)) not in self.closed

    def reachable(self, site_a: int, site_b: int) -> bool:
        sites = self.ctx.world.sites
        return self.is_open(sites[site_a].country, sites[site_b].country)

    def blocks_recruits(self, dest: np.ndarray, nationality: np.ndarray) -> np.ndarray:
        """Recruits (destination compound, nationality) whose route crosses a closed border."""
        if not self.closed:
            return np.zeros(dest.size, bool)
        world = self.ctx.world
        return self._blocked_table()[nationality, world.compounds.site[dest]]

    def _blocked_table(self) -> np.ndarray:
        """(nationality, site) -> whether that nationality's entry route into the site's country is closed;
        rebuilt only when the set of closed borders changes."""
        key = frozenset(self.closed)
        if self._table is None or self._table[0] != key:
            world = self.ctx.world
            table = np.zeros((len(world.nationalities), len(world.sites)), bool)
            for i, entry in enumerate(world.nationality_entry):
                if entry:
                    for site in world.sites:
                        table[i, site.index] = not self.is_open(entry, site.country)
            self._table = (key, table)
        return self._table[1]

    def closure(self, a: str, b: str, end: float | None) -> Generator[simpy.Event, None, None]:
        """Close the border between two countries from now; reopen it at ``end``."""
        ctx = self.ctx
        pair = frozenset((a, b))
        self.closed.add(pair)
        ctx.recorder.event(ctx.day, EventKind.BORDER_CLOSED)
        if end is None:
            return
        yield ctx.env.timeout(end - ctx.env.now)
        self.closed.discard(pair)
        ctx.recorder.event(ctx.day, EventKind.BORDER_OPENED)
