"""Low-level workers as rows of numpy arrays, never as SimPy processes.

A worker is a row: status, compound, nationality, whether trafficked, and
two day stamps.  All changes go through :meth:`WorkerPool.create` and
:meth:`WorkerPool.move`, which keep per-status and per-compound counts up to
date and write every change to a ledger.  That single path is what makes the
conservation invariant checkable: status counts can be rebuilt from the
ledger alone, and in audit mode they are also recounted from the arrays.

The pool also owns the arrival pipeline: recruits in transit are scheduled
by their due day and collected on that day
(:meth:`WorkerPool.schedule_arrivals`, :meth:`WorkerPool.pop_arrivals`).
"""

from __future__ import annotations

import numpy as np

from sim.core.events import LedgerEntry

IN_TRANSIT, WORKING, FLED, ARRESTED, DETAINED, REPATRIATED, RETRAFFICKED = range(7)
STATUS_NAMES = ("in_transit", "working", "fled", "arrested", "detained", "repatriated", "retrafficked")
N_STATUS = len(STATUS_NAMES)
CREATED = -1  # the "from" status of a newly recruited worker in the ledger
TRACKED = (FLED, ARRESTED, DETAINED, RETRAFFICKED)  # small statuses with an index


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
        self.ledger: list[LedgerEntry] = []
        self._pending_rows = np.zeros(0, np.int64)  # the arrival pipeline: rows in transit ...
        self._pending_due = np.zeros(0, np.int32)  # ... and the day each is due
        # rows that may be in a small status: appended on entry, filtered lazily on query,
        # so finding the few fled or detained workers does not scan every row ever created
        self._maybe: dict[int, list[np.ndarray]] = {s: [] for s in TRACKED}
        self._clean: set[int] = set()  # statuses whose single part is sorted and distinct

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
        """Widen the per-compound counters to ``n_compounds`` (called by the compound table as it grows)."""
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
        if status in self._maybe:
            self._maybe[status].append(idx)
            self._clean.discard(status)
        self.ledger.append(LedgerEntry(day, CREATED, status, k, reason))
        return idx

    def move(
        self,
        idx: np.ndarray,
        new_status: int,
        day: int,
        reason: str,
        compound: np.ndarray | int | None = None,
        due: np.ndarray | None = None,
        source: int | None = None,
    ) -> None:
        """Move workers ``idx`` to ``new_status``, optionally to another compound and with a new due day.

        ``source``: the status every one of them is in, when the caller knows
        it (most flows move people out of one status); it saves recounting
        their statuses.  A wrong ``source`` shows up in :meth:`audit`, which
        recounts the arrays.
        """
        k = len(idx)
        if k == 0:
            return
        if source is not None:
            self.ledger.append(LedgerEntry(day, source, new_status, k, reason))
            if source in (WORKING, IN_TRANSIT):
                self._count_compounds(source, self.compound[idx], -1)
            self.totals[source] -= k
        else:
            old = self.status[idx]
            old_comp = self.compound[idx]
            counts = np.bincount(old, minlength=N_STATUS)
            for s in np.flatnonzero(counts):
                self.ledger.append(LedgerEntry(day, int(s), new_status, int(counts[s]), reason))
                sel = old == s
                self._count_compounds(int(s), old_comp[sel], -1)
            self.totals -= counts
        self.totals[new_status] += k
        self.status[idx] = new_status
        self.since[idx] = day
        if compound is not None:
            self.compound[idx] = compound
        if due is not None:
            self.due[idx] = due
        if new_status in (WORKING, IN_TRANSIT):
            self._count_compounds(new_status, self.compound[idx], +1)
        if new_status in self._maybe:
            self._maybe[new_status].append(np.asarray(idx))
            self._clean.discard(new_status)

    def _count_compounds(self, status: int, compounds: np.ndarray, sign: int) -> None:
        if status == WORKING:
            target = self.working_at
        elif status == IN_TRANSIT:
            target = self.transit_to
        else:
            return
        target += sign * np.bincount(compounds, minlength=target.size)

    # ------------------------------------------------------------------ arrivals
    def schedule_arrivals(self, due: np.ndarray, idx: np.ndarray) -> None:
        """Put rows ``idx`` in transit on the pipeline, each to arrive on its due day (a later day than today)."""
        if due.size == 0:
            return
        self._pending_rows = np.concatenate([self._pending_rows, idx.astype(np.int64, copy=False)])
        self._pending_due = np.concatenate([self._pending_due, due.astype(np.int32, copy=False)])

    def pop_arrivals(self, day: int) -> np.ndarray:
        """Rows due today that are still in transit (taken off the pipeline), in the order they were scheduled.

        The pipeline is two flat arrays (rows, due days) in scheduling order:
        one comparison a day finds today's arrivals, instead of a sort and a
        list per due day at every scheduling.
        """
        hit = self._pending_due == day
        if not hit.any():
            return np.empty(0, np.int64)
        idx = self._pending_rows[hit]
        keep = ~hit
        self._pending_rows, self._pending_due = self._pending_rows[keep], self._pending_due[keep]
        return idx[self.status[idx] == IN_TRANSIT]

    # ------------------------------------------------------------------ queries
    def where(self, status: int) -> np.ndarray:
        """Row indices of workers in ``status``, sorted ascending."""
        if status not in self._maybe:
            return np.flatnonzero(self.status[: self.n] == status)
        parts = self._maybe[status]
        if not parts:
            return np.empty(0, np.int64)
        if len(parts) == 1 and status in self._clean:  # sorted and distinct since the last query
            rows = parts[0]
            rows = rows[self.status[rows] == status]
        else:
            rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
            rows = np.sort(rows[self.status[rows] == status], kind="stable")  # runs of sorted rows: fast
            if rows.size:
                rows = rows[np.concatenate(([True], rows[1:] != rows[:-1]))]  # drop re-entries
        self._maybe[status] = [rows]
        self._clean.add(status)
        return rows

    def sample(self, status: int, k: int, rng: np.random.Generator) -> np.ndarray:
        """``k`` distinct rows drawn uniformly from the workers in ``status``.

        Rejection sampling over all rows: rows are drawn uniformly, those in
        another status are discarded, and the first ``k`` distinct survivors
        are kept, which is a uniform sample without replacement, at a cost
        proportional to ``k`` rather than to the number of rows.
        """
        have = int(self.totals[status])
        if k > have:
            raise ValueError(f"cannot sample {k} of {have} workers")
        if k == 0:
            return np.empty(0, np.int64)
        if 4 * k > have:  # a large share: a scan is cheaper than rejection
            return rng.choice(self.where(status), size=k, replace=False)
        share = have / self.n
        chosen = np.empty(0, np.int64)
        while chosen.size < k:
            draw = rng.integers(0, self.n, size=int((k - chosen.size) / share * 1.5) + 16)
            draw = np.concatenate([chosen, draw[self.status[draw] == status]])
            _, first = np.unique(draw, return_index=True)
            chosen = draw[np.sort(first)]
        return chosen[:k]

    def at_compound(self, compound: int, status: int = WORKING) -> np.ndarray:
        """Rows of the workers of one compound in ``status``, ascending (one pass over the compound column)."""
        rows = np.flatnonzero(self.compound[: self.n] == compound)
        return rows[self.status[rows] == status]

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
