"""The compound table: every compound ever founded, as parallel arrays with one write path.

Compounds are a struct of arrays because the daily operations step reads all
of them at once; their lifecycle is still driven by SimPy processes (see
:mod:`sim.mechanisms.decisions`).  Mechanisms read the arrays freely but
change them only through the methods below, and every status change goes
through :meth:`CompoundTable.transition`, which writes it to :attr:`changes`
(as :meth:`sim.core.workers.WorkerPool.move` writes the workers' ledger).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.core.events import CompoundChange

OPERATING, LAYING_LOW, SEALED, RELOCATING, REBUILDING, CLOSED = range(6)
COMPOUND_STATUS = ("operating", "laying_low", "sealed", "relocating", "rebuilding", "closed")
ACTIVE = (OPERATING, LAYING_LOW, REBUILDING)  # compounds that stand and can be raided
IS_ACTIVE = np.isin(np.arange(len(COMPOUND_STATUS)), ACTIVE)  # status -> bool, a lookup faster than np.isin
NEVER = -(10**6)  # the "last raid" of a compound never raided


class CompoundTable:
    """All compounds, founded or closed, as parallel arrays."""

    def __init__(self, capacity: int, on_resize: Callable[[int], None] | None = None) -> None:
        size = max(capacity, 4)
        self.n = 0
        self.site = np.zeros(size, np.int32)
        self.owner = np.zeros(size, np.int32)
        self.status = np.zeros(size, np.int8)
        self.capacity = np.zeros(size, np.float64)
        self.equipment = np.zeros(size, np.float64)
        self.managers = np.zeros(size, np.int32)
        self.generator = np.zeros(size, np.bool_)
        self.satellite = np.zeros(size, np.bool_)
        self.founded = np.zeros(size, np.int32)
        self.last_raid = np.zeros(size, np.int32)
        self.cell = np.zeros(size, np.bool_)  # a small dispersed cell (split from a compound), not a building
        self.changes: list[CompoundChange] = []
        self.on_resize = on_resize  # told the new array size, so per-compound counters elsewhere can widen
        self.version = 0  # bumped by every write that changes where compounds stand, whether they do, or whose they are
        self._standing: tuple[int, int, np.ndarray] | None = None  # (version, sites, counts) cache of count_at

    @property
    def size(self) -> int:
        """Allocated rows (>= ``n``)."""
        return int(self.site.size)

    def _grow(self) -> None:
        size = 2 * self.size
        for name in (
            "site",
            "owner",
            "status",
            "capacity",
            "equipment",
            "managers",
            "generator",
            "satellite",
            "founded",
            "last_raid",
            "cell",
        ):
            setattr(self, name, _widen(getattr(self, name), size, self.n))

    # ------------------------------------------------------------------ the write path
    def add(
        self, site: int, owner: int, capacity: float, equipment: float, managers: int, day: int, status: int, cell: bool = False
    ) -> int:
        """Found a compound (or a cell); returns its index."""
        if self.n == self.size:
            self._grow()
        i = self.n
        self.n += 1
        self.site[i], self.owner[i], self.status[i] = site, owner, status
        self.capacity[i], self.equipment[i], self.managers[i] = capacity, equipment, managers
        self.generator[i] = self.satellite[i] = False
        self.founded[i], self.last_raid[i] = day, NEVER
        self.cell[i] = cell
        self.version += 1
        if self.on_resize is not None:
            self.on_resize(self.size)
        return i

    def transition(self, i: int, status: int, day: int, reason: str) -> None:
        """The one place a compound's status changes; the change is logged."""
        self.changes.append(CompoundChange(day, i, int(self.status[i]), status, reason))
        self.status[i] = status
        self.version += 1

    def move_site(self, i: int, site: int) -> None:
        """Relocate to ``site``: substitutes installed at the old site stay behind."""
        self.site[i] = site
        self.generator[i] = self.satellite[i] = False
        self.version += 1

    def set_owner(self, i: int, owner: int) -> None:
        self.owner[i] = owner
        self.version += 1

    def set_equipment(self, i: int, value: float) -> None:
        self.equipment[i] = value

    def add_managers(self, i: int, n: int) -> None:
        self.managers[i] += n

    def set_managers(self, i: int, n: int) -> None:
        self.managers[i] = n

    def add_substitutes(self, i: int, generator: bool, satellite: bool) -> None:
        self.generator[i] |= generator
        self.satellite[i] |= satellite

    def mark_raided(self, i: int, day: int) -> None:
        self.last_raid[i] = day

    # ------------------------------------------------------------------ queries
    def active_mask(self) -> np.ndarray:
        return IS_ACTIVE[self.status[: self.n]]

    def count_at(self, site: int) -> int:
        """Compounds standing at a site (anything but closed, cells excepted): the buildings in use.

        Counted for every site at once and cached until a compound is added,
        changes status or moves: bosses ask for every site at each review.
        """
        return int(self.count_all(site + 1)[site])

    def count_all(self, size: int) -> np.ndarray:
        """:meth:`count_at` of sites ``0 .. size - 1`` (at least) at once: the cached counts, read-only."""
        if self._standing is None or self._standing[0] != self.version or self._standing[1] < size:
            n = self.n
            standing = (self.status[:n] != CLOSED) & ~self.cell[:n]
            counts = np.bincount(self.site[:n][standing], minlength=max(size, int(self.site[:n].max(initial=0)) + 1))
            counts.flags.writeable = False
            self._standing = (self.version, counts.size, counts)
        return self._standing[2]


def _widen(old: np.ndarray, size: int, n: int) -> np.ndarray:
    new = np.zeros(size, old.dtype)
    new[:n] = old[:n]
    return new
