"""Compiled inner loops of the worker flows (numba), each doing in one call what took a dozen numpy calls.

Why compiled loops: a replication's cost was per numpy call, not per worker
(about a hundred small calls a simulated day), and where it did grow with
the population it was through whole-array passes (uniqueness by sorting,
masks over a detention queue of tens of thousands) to change a few hundred
rows.  These kernels touch only the rows that change.

Randomness stays in the named streams: the uniforms a kernel needs are
drawn in Python from the stream's ``numpy.random.Generator`` and passed in,
so the stream advances as the numpy code it replaced did and a replication
is reproducible in any process.  numba is imported and each
kernel compiled (or loaded from numba's on-disk cache) at its first call,
not at ``import sim``: the CLI's help and config checks do not pay for it.

The kernels live by concept -- :mod:`~sim.core.kernels.sampling` (rows drawn
without replacement), :mod:`~sim.core.kernels.rows` (the worker table's
moves, counts and indexes) and :mod:`~sim.core.kernels.money` (the daily
books) -- and are all reachable here as ``kernels.<name>``, which is how the
model calls them.
"""

from __future__ import annotations

from sim.core.kernels.jit import compiled
from sim.core.kernels.money import afford, books, settle, vacancies, weighted_counts
from sim.core.kernels.rows import marked_rows, move_rows, pop_due, swap_remove, tally
from sim.core.kernels.sampling import choose, queue_front, queue_sample, sample_status

__all__ = [
    "afford",
    "books",
    "choose",
    "compiled",
    "marked_rows",
    "move_rows",
    "pop_due",
    "queue_front",
    "queue_sample",
    "sample_status",
    "settle",
    "swap_remove",
    "tally",
    "vacancies",
    "weighted_counts",
]
