"""One replication run again with a daily snapshot of where compounds are and who protects whom.

The output contract records revenue and workers per site, each compound's
workers and the event log, but not each compound's site from day to day nor
the boss-protector links: the map and the protection network need both.
Rather than widen the model's outputs for a view, the explorer reruns one
replication with :meth:`sim.model.Model.daily_step` wrapped to copy that
state after every day.  The wrapper only reads; the run draws the same
numbers and logs the same events as the untraced one (the tests check it).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from sim.config.schema import ScamsimConfig
from sim.core.events import EventKind
from sim.model import Model, ReplicationResult


@dataclass(frozen=True)
class Move:
    """Workers' compound moved from one site to another (a relocation), or a sealed compound split into cells."""

    day: int
    kind: str  # relocation | split
    compound: int
    from_site: int
    to_site: int


@dataclass(frozen=True)
class Links:
    """The protection network on the days from ``day`` until the next change."""

    day: int
    pairs: frozenset[tuple[int, int]]  # (boss, protector)
    boss_status: tuple[str, ...]
    protector_active: tuple[bool, ...]


@dataclass
class Trace:
    """Day-by-day state of one replication: the sites, compounds and protection network."""

    result: ReplicationResult
    site_names: list[str]
    site_country: list[str]
    site_lat: np.ndarray
    site_lon: np.ndarray
    compound_site: np.ndarray  # (days, compounds): site index, -1 before the compound exists
    compound_status: np.ndarray  # (days, compounds): status code, -1 before the compound exists
    cell: np.ndarray  # (compounds,): a dispersed cell rather than a building
    boss_names: list[str]
    boss_home: list[int]
    protector_names: list[str]
    protector_sites: list[list[int]]
    protector_strength: list[float]
    intervention_day: int
    moves: list[Move] = field(default_factory=list)
    links: list[Links] = field(default_factory=list)

    @property
    def days(self) -> int:
        return int(self.compound_site.shape[0])

    def workers(self, day: int) -> np.ndarray:
        """Working workers of each compound on ``day`` (0 for compounds not yet founded)."""
        row = self.result.compound_log[day]
        out = np.zeros(self.compound_site.shape[1], np.int64)
        out[: row.size] = row
        return out

    def links_at(self, day: int) -> Links:
        """The protection network as it stood at the end of ``day``."""
        i = bisect.bisect_right([lk.day for lk in self.links], day) - 1
        return self.links[max(i, 0)]


def trace_replication(config: ScamsimConfig, replication: int = 0) -> Trace:
    """Run replication ``replication`` of ``config`` (the scenario arm) and keep its daily state."""
    model = Model(config, replication)
    world = model.world
    table = world.compounds
    sites: list[np.ndarray] = []
    statuses: list[np.ndarray] = []
    links: list[Links] = []
    step = model.daily_step

    def snapshot(day: int) -> None:
        step(day)
        sites.append(table.site[: table.n].astype(np.int32))
        statuses.append(table.status[: table.n].astype(np.int8))
        pairs = frozenset((b.index, p) for b in world.bosses for p in b.protectors)
        bosses = tuple(b.status for b in world.bosses)
        active = tuple(p.active for p in world.protectors)
        last = links[-1] if links else None
        if last is None or (last.pairs, last.boss_status, last.protector_active) != (pairs, bosses, active):
            links.append(Links(day, pairs, bosses, active))

    model.daily_step = snapshot  # type: ignore[method-assign]  # read-only wrapper, see the module docstring
    result = model.run()
    n = table.n
    site = np.full((len(sites), n), -1, np.int32)
    status = np.full((len(sites), n), -1, np.int8)
    for day, (s, st) in enumerate(zip(sites, statuses, strict=True)):
        site[day, : s.size] = s
        status[day, : st.size] = st
    return Trace(
        result=result,
        site_names=[s.name for s in world.sites],
        site_country=[s.country for s in world.sites],
        site_lat=np.array([s.lat for s in world.sites]),
        site_lon=np.array([s.lon for s in world.sites]),
        compound_site=site,
        compound_status=status,
        cell=table.cell[:n].copy(),
        boss_names=[b.name for b in world.bosses],
        boss_home=[b.home_site for b in world.bosses],
        protector_names=[p.name for p in world.protectors],
        protector_sites=[sorted(p.sites) for p in world.protectors],
        protector_strength=[float(p.strength) for p in world.protectors],
        intervention_day=config.intervention_day,
        moves=_moves(result, site, table.cell[:n]),
        links=links,
    )


def _moves(result: ReplicationResult, site: np.ndarray, cell: np.ndarray) -> list[Move]:
    """Relocations (from the event log, with the site the compound left) and splits (parent site to each cell).

    Only a split adds cells, right after logging its event, so the k-th
    block of cell indices belongs to the k-th split event.
    """
    moves: list[Move] = []
    n_days = site.shape[0]
    cells = iter(int(c) for c in np.flatnonzero(cell))
    for e in result.events:
        if e.kind is EventKind.RELOCATION and 0 < e.day < n_days:
            moves.append(Move(e.day, "relocation", e.compound, int(site[e.day - 1, e.compound]), e.site))
        elif e.kind is EventKind.SPLIT:
            for _ in range(e.amount):
                c = next(cells, None)
                if c is None:
                    break
                moves.append(Move(e.day, "split", c, e.site, int(site[-1, c])))
    moves.sort(key=lambda m: (m.day, m.compound))
    return moves
