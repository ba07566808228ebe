"""Low-level workers as rows of numpy arrays, never as SimPy processes.

A worker is a row: status, compound, nationality, whether trafficked, and
two day stamps.  All changes go through :meth:`WorkerPool.create` and
:meth:`WorkerPool.move`, which keep per-status and per-compound counts up to
date and write every change to a ledger.  That single path is what makes the
conservation invariant checkable: status counts can be rebuilt from the
ledger alone, and in audit mode they are also recounted from the arrays.
"""

from __future__ import annotations

import numpy as np

IN_TRANSIT, WORKING, FLED, ARRESTED, DETAINED, REPATRIATED, RETRAFFICKED = range(7)
STATUS_NAMES = ("in_transit", "working", "fled", "arrested", "detained", "repatriated", "retrafficked")
N_STATUS = len(STATUS_NAMES)
CREATED = -1  # the "from" status of a newly recruited worker in the ledger


class WorkerPool:
    """Struct-of-arrays store of every worker who ever entered the model."""

    def __init__(self, capacity: int, n_compounds: int) -> None:
        capacity = max(int(capacity), 16)
        self.n = 0
        self.status = np.zeros(capacity, np.int8)
        self.compound = np.full(capacity, -1, np.int32)
        self.nationality = np.zeros(capacity, np.int16)
        self.trafficked = np.zeros(capacity, np.bool_)
        self.since = np.zeros(capacity, np.int32)  # day of the last status change
        self.due = np.zeros(capacity, np.int32)  # arrival day, or end of processing
        self.totals = np.zeros(N_STATUS, np.int64)
        self.working_at = np.zeros(n_compounds, np.int64)
        self.transit_to = np.zeros(n_compounds, np.int64)
        self.ledger: list[tuple[int, int, int, int, str]] = []  # day, from, to, count, reason

    # ------------------------------------------------------------------ growth
    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        if need <= self.status.size:
            return
        size = max(need, 2 * self.status.size)
        for name in ("status", "compound", "nationality", "trafficked", "since", "due"):
            old = getattr(self, name)
            new = np.zeros(size, old.dtype) if name != "compound" else np.full(size, -1, old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def add_compounds(self, n_compounds: int) -> None:
        """Widen the per-compound counters when compounds are founded."""
        grow = n_compounds - self.working_at.size
        if grow > 0:
            self.working_at = np.concatenate([self.working_at, np.zeros(grow, np.int64)])
            self.transit_to = np.concatenate([self.transit_to, np.zeros(grow, np.int64)])

    # ------------------------------------------------------------------ changes
    def create(
        self,
        compound: np.ndarray,
        nationality: np.ndarray,
        trafficked: np.ndarray,
        day: int,
        due: np.ndarray,
        status: int = IN_TRANSIT,
        reason: str = "recruited",
    ) -> np.ndarray:
        """Add new workers; returns their row indices."""
        k = len(compound)
        if k == 0:
            return np.empty(0, np.int64)
        self._reserve(k)
        idx = np.arange(self.n, self.n + k)
        self.n += k
        self.status[idx] = status
        self.compound[idx] = compound
        self.nationality[idx] = nationality
        self.trafficked[idx] = trafficked
        self.since[idx] = day
        self.due[idx] = due
        self.totals[status] += k
        self._count_compounds(status, compound, +1)
        self.ledger.append((day, CREATED, status, k, reason))
        return idx

    def move(self, idx: np.ndarray, new_status: int, day: int, reason: str, compound: np.ndarray | int | None = None) -> None:
        """Move workers ``idx`` to ``new_status`` (optionally to another compound)."""
        if len(idx) == 0:
            return
        old = self.status[idx]
        old_comp = self.compound[idx]
        counts = np.bincount(old, minlength=N_STATUS)
        for s in np.flatnonzero(counts):
            self.ledger.append((day, int(s), new_status, int(counts[s]), reason))
            sel = old == s
            self._count_compounds(int(s), old_comp[sel], -1)
        self.totals -= counts
        self.totals[new_status] += len(idx)
        self.status[idx] = new_status
        self.since[idx] = day
        if compound is not None:
            self.compound[idx] = compound
        self._count_compounds(new_status, self.compound[idx], +1)

    def _count_compounds(self, status: int, compounds: np.ndarray, sign: int) -> None:
        if status == WORKING:
            target = self.working_at
        elif status == IN_TRANSIT:
            target = self.transit_to
        else:
            return
        target += sign * np.bincount(compounds, minlength=target.size)

    # ------------------------------------------------------------------ queries
    def where(self, status: int) -> np.ndarray:
        """Row indices of workers in ``status`` (a vectorized scan)."""
        return np.flatnonzero(self.status[: self.n] == status)

    def at_compound(self, compound: int, status: int = WORKING) -> np.ndarray:
        n = self.n
        return np.flatnonzero((self.compound[:n] == compound) & (self.status[:n] == status))

    def recount(self) -> np.ndarray:
        """Status counts recounted from the arrays (for audits and tests)."""
        return np.bincount(self.status[: self.n], minlength=N_STATUS)

    def audit(self) -> None:
        """Raise if the incremental counters disagree with the arrays."""
        n = self.n
        if not np.array_equal(self.recount(), self.totals):
            raise AssertionError(f"status totals drifted: {self.totals} vs {self.recount()}")
        for status, counter in ((WORKING, self.working_at), (IN_TRANSIT, self.transit_to)):
            sel = self.status[:n] == status
            real = np.bincount(self.compound[:n][sel], minlength=counter.size)
            if not np.array_equal(real, counter):
                raise AssertionError(f"per-compound {STATUS_NAMES[status]} counts drifted")
