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

from sim.core import kernels
from sim.core.events import LedgerEntry

IN_TRANSIT, WORKING, FLED, ARRESTED, DETAINED, REPATRIATED, RETRAFFICKED = range(7)
STATUS_NAMES = ("in_transit", "working", "fled", "arrested", "detained", "repatriated", "retrafficked")
N_STATUS = len(STATUS_NAMES)
CREATED = -1  # the "from" status of a newly recruited worker in the ledger
# statuses with an exact index of their rows: the small ones (working is not: a linear scan of its rows
# or rejection over all rows is cheaper than keeping and gathering through an index of most of them)
TRACKED = (FLED, ARRESTED, DETAINED, RETRAFFICKED)
NO_CHANGE = np.zeros(0, np.int32)  # move(): keep each row's compound ...
NO_CHANGE_DAY = np.zeros(0, np.int32)  # ... or due day
NO_COUNTER = np.zeros(0, np.int64)  # a status without per-compound counts
NO_INDEX = np.zeros(0, np.int64)  # a status without an index of its rows


class WorkerPool:
    """Struct-of-arrays store of every worker who ever entered the model."""

    def __init__(self, capacity: int, n_compounds: int) -> None:
        capacity = max(int(capacity), 16)
        self.n = 0
        self.status = np.zeros(capacity, np.int8)
        self.compound = np.zeros(capacity, np.int32)  # rows >= n are unused
        self.nationality = np.zeros(capacity, np.int16)
        self.trafficked = np.zeros(capacity, np.bool_)
        self.since = np.zeros(capacity, np.int32)  # day of the last status change
        self.due = np.zeros(capacity, np.int32)  # arrival day, or end of processing
        self.totals = np.zeros(N_STATUS, np.int64)
        self.working_at = np.zeros(n_compounds, np.int64)
        self.transit_to = np.zeros(n_compounds, np.int64)
        self.ledger: list[LedgerEntry] = []
        self._pending_rows = np.zeros(1024, np.int64)  # the arrival pipeline: rows in transit ...
        self._pending_due = np.zeros(1024, np.int32)  # ... and the day each is due ...
        self._pending_n = 0  # ... in the first _pending_n slots
        # an exact index of the rows in each small status, so finding the few fled or detained workers does
        # not scan every row ever created: members[s][:count[s]] are its rows, pos[row] a row's place there
        # (a row is in one status at a time, so one pos array serves them all); removal swaps in the last
        self._members: dict[int, np.ndarray] = {s: np.zeros(1024, np.int64) for s in TRACKED}
        # count[s] for a tracked status, -1 for the others: an array, so the move kernel updates it in place
        self._count = np.full(N_STATUS, -1, np.int64)
        self._count[list(TRACKED)] = 0
        self._pos = np.zeros(capacity, np.int64)  # meaningful only for rows in a tracked status

    # ------------------------------------------------------------------ growth
    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        if need <= self.status.size:
            return
        size = max(need, 2 * self.status.size)
        for name in ("status", "compound", "nationality", "trafficked", "since", "due", "_pos"):
            old = getattr(self, name)
            new = np.zeros(size, old.dtype)  # zeros are allocated lazily: rows not yet used cost no memory
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
        start, end = self.n, self.n + k
        self.n = end
        # new rows are a contiguous block: slice writes, not the fancy-indexed ones an index array would need
        self.status[start:end] = status
        self.compound[start:end] = compound
        self.nationality[start:end] = nationality
        self.trafficked[start:end] = trafficked
        self.since[start:end] = day
        self.due[start:end] = due
        self.totals[status] += k
        self._count_compounds(status, compound, +1)
        idx = np.arange(start, end)
        if status in self._members:
            self._join(status, idx)
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
        if source is not None and source != new_status:  # the usual case: one compiled pass over the rows
            self._move_from(source, np.asarray(idx, np.int64), new_status, day, reason, compound, due)
            return
        old = self.status[idx]
        old_comp = self.compound[idx]
        counts = np.bincount(old, minlength=N_STATUS)
        for s in np.flatnonzero(counts).tolist():
            self.ledger.append(LedgerEntry(day, s, new_status, int(counts[s]), reason))
            sel = old == s
            self._count_compounds(s, old_comp[sel], -1)
            if s in self._members:
                self._leave(s, idx[sel])
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
        if new_status in self._members:
            self._join(new_status, np.asarray(idx))

    def _move_from(
        self,
        source: int,
        rows: np.ndarray,
        new_status: int,
        day: int,
        reason: str,
        compound: np.ndarray | int | None,
        due: np.ndarray | None,
    ) -> None:
        """:meth:`move` of rows all in ``source``: one compiled call does the counts, the indexes and the rows.

        A flow moves a few hundred rows at a time, so the Python around the
        kernel is a good part of a move's cost: the kernel also updates the
        status totals and index counts, which are arrays for that reason.
        """
        src_index = self._members.get(source, NO_INDEX)
        if rows.base is src_index:  # a view of the index it is about to change (where()'s result)
            rows = rows.copy()
        self.ledger.append(LedgerEntry(day, source, new_status, rows.size, reason))
        kernels.move_rows(
            rows,
            source,
            new_status,
            day,
            NO_CHANGE if compound is None else np.atleast_1d(np.asarray(compound, np.int32)),
            NO_CHANGE_DAY if due is None else np.asarray(due, np.int32),
            self.status,
            self.since,
            self.compound,
            self.due,
            self._counter(source),
            self._counter(new_status),
            src_index,
            self._room(new_status, rows.size) if new_status in self._members else NO_INDEX,
            self._count,
            self.totals,
            self._pos,
        )

    def _counter(self, status: int) -> np.ndarray:
        """The per-compound counter a status keeps (working, in transit), or an empty array."""
        return self.working_at if status == WORKING else self.transit_to if status == IN_TRANSIT else NO_COUNTER

    def _room(self, status: int, k: int) -> np.ndarray:
        """The index of ``status``, grown to take ``k`` more rows."""
        members, end = self._members[status], self._count[status] + k
        if end > members.size:
            members = self._members[status] = np.concatenate([members, np.zeros(max(end, members.size), np.int64)])
        return members

    def _join(self, status: int, idx: np.ndarray) -> None:
        count = self._count[status]
        end = count + idx.size
        members = self._room(status, idx.size)
        members[count:end] = idx
        self._pos[idx] = np.arange(count, end)
        self._count[status] = end

    def _leave(self, status: int, idx: np.ndarray) -> None:
        self._count[status] = kernels.swap_remove(self._members[status], self._count[status], self._pos, idx)

    def _count_compounds(self, status: int, compounds: np.ndarray, sign: int) -> None:
        if status == WORKING:
            target = self.working_at
        elif status == IN_TRANSIT:
            target = self.transit_to
        else:
            return
        kernels.tally(target, np.asarray(compounds, np.int32), sign)

    # ------------------------------------------------------------------ arrivals
    def schedule_arrivals(self, due: np.ndarray, idx: np.ndarray) -> None:
        """Put rows ``idx`` in transit on the pipeline, each to arrive on its due day (a later day than today)."""
        k = due.size
        if k == 0:
            return
        end = self._pending_n + k
        if end > self._pending_rows.size:  # grow by doubling: scheduling is then two slice writes
            size = max(2 * self._pending_rows.size, end)
            rows, days = np.zeros(size, np.int64), np.zeros(size, np.int32)
            rows[: self._pending_n], days[: self._pending_n] = (
                self._pending_rows[: self._pending_n],
                self._pending_due[: self._pending_n],
            )
            self._pending_rows, self._pending_due = rows, days
        self._pending_rows[self._pending_n : end] = idx
        self._pending_due[self._pending_n : end] = due
        self._pending_n = end

    def pop_arrivals(self, day: int) -> np.ndarray:
        """Rows due today that are still in transit (taken off the pipeline), in the order they were scheduled.

        The pipeline is two flat arrays (rows, due days) in scheduling order:
        one compiled pass a day finds today's arrivals and drops them and the
        days gone by (:func:`sim.core.kernels.pop_due`), instead of a sort and
        a list per due day at every scheduling.
        """
        rows, self._pending_n = kernels.pop_due(
            self._pending_rows, self._pending_due, self._pending_n, day, self.status, IN_TRANSIT
        )
        return rows

    # ------------------------------------------------------------------ queries
    def where(self, status: int) -> np.ndarray:
        """Row indices of workers in ``status``: ascending for the large statuses; for the small (tracked) ones
        in the index's order (deterministic, not sorted), as a read-only view valid until the next change."""
        if status not in self._members:
            return np.flatnonzero(self.status[: self.n] == status)
        rows = self._members[status][: self._count[status]]
        rows.flags.writeable = False
        return rows

    def sample(self, status: int, k: int, rng: np.random.Generator) -> np.ndarray:
        """``k`` distinct rows drawn uniformly from the workers in ``status``, in draw order.

        A tracked status draws positions in its index (a partial
        Fisher-Yates shuffle: ``k`` uniforms, no rejection); any other by
        rejection over all rows (:func:`sim.core.kernels.sample_status`).
        """
        have = int(self.totals[status])
        if k > have:
            raise ValueError(f"cannot sample {k} of {have} workers")
        if k == 0:
            return np.empty(0, np.int64)
        if status in self._members or 4 * k > have or have < 0.05 * self.n:  # indexed, a large share, or rare
            rows = self.where(status)
            return rows[kernels.choose(rows.size, k, rng)]
        return kernels.sample_status(self.status, self.n, status, k, have, rng)

    def at_compound(self, compound: int, status: int = WORKING) -> np.ndarray:
        """Rows of the workers of one compound in ``status`` (one pass over the status's index, or over all rows)."""
        if status in self._members:
            rows = self.where(status)
            return rows[self.compound[rows] == compound]
        return kernels.marked_rows(self.compound[: self.n] == compound, self.status, status)

    def recount(self) -> np.ndarray:
        """Status counts recounted from the arrays (for audits and tests)."""
        return np.bincount(self.status[: self.n], minlength=N_STATUS)

    def audit(self) -> None:
        """Raise if the incremental counters disagree with the arrays."""
        n = self.n
        if not np.array_equal(self.recount(), self.totals):
            raise AssertionError(f"status totals drifted: {self.totals} vs {self.recount()}")
        for status in TRACKED:
            if not np.array_equal(np.sort(self.where(status)), np.flatnonzero(self.status[:n] == status)):
                raise AssertionError(f"the index of {STATUS_NAMES[status]} rows drifted")
        for status, counter in ((WORKING, self.working_at), (IN_TRANSIT, self.transit_to)):
            sel = self.status[:n] == status
            real = np.bincount(self.compound[:n][sel], minlength=counter.size)
            if not np.array_equal(real, counter):
                raise AssertionError(f"per-compound {STATUS_NAMES[status]} counts drifted")
