"""Compiled changes to the worker table: status moves, per-compound counts, status indexes, the arrival pipeline.

Each touches only the rows that change; the rows are scattered over arrays
of every worker ever created, so the kernels are written around cache misses
(loads first, writes after) where that is cheaper.
"""

from __future__ import annotations

import numpy as np

from sim.core.kernels.jit import compiled


@compiled
def move_rows(
    idx: np.ndarray,
    src: int,
    dst: int,
    day: int,
    new_compound: np.ndarray,
    new_due: np.ndarray,
    status: np.ndarray,
    since: np.ndarray,
    compound: np.ndarray,
    due: np.ndarray,
    src_counter: np.ndarray,
    dst_counter: np.ndarray,
    src_members: np.ndarray,
    dst_members: np.ndarray,
    count: np.ndarray,
    totals: np.ndarray,
    pos: np.ndarray,
) -> None:
    """Every row of ``idx`` (all in status ``src``) to status ``dst``, in a few passes over the rows.

    Per row: leave the source's per-compound counter (``src_counter``, empty
    if it has none) and its index (``count[src] < 0``: none), take the new
    status, day stamp, compound (``new_compound``: one per row, one for all,
    or empty to keep) and due day (likewise), and join the destination's
    counter and index.  The status totals and the two indexes' counts
    (``count``) are updated in place: fewer Python steps around each call.

    Why passes, not one loop doing all of a row: the rows are scattered over
    arrays of every worker ever created (a million and more in the regional
    world), so each row costs cache misses in four arrays.  A pass that only
    reads (the old compounds) lets the processor have many misses in flight
    at once; mixed with the writes and the index's dependent steps it had a
    few.  The passes do the same updates in the same order per array (the
    index removals, which depend on each other, stay in row order), so the
    result is the one-loop result; the move costs about half as much.
    """
    k = idx.size
    totals[src] -= k
    totals[dst] += k
    if src_counter.size:  # the old compounds, gathered first (loads only), then counted out
        old = np.empty(k, np.int32)
        for i in range(k):
            old[i] = compound[idx[i]]
        for i in range(k):
            src_counter[old[i]] -= 1
    src_count = count[src]
    if src_count >= 0:  # swap-remove from the source's index, in row order (each step reads the last one's result)
        for i in range(k):
            r = idx[i]
            p = pos[r]
            src_count -= 1
            last = src_members[src_count]
            src_members[p] = last
            pos[last] = p
        count[src] = src_count
    one_compound = new_compound.size == 1
    for i in range(k):
        r = idx[i]
        status[r] = dst
        since[r] = day
        if new_compound.size:
            compound[r] = new_compound[0] if one_compound else new_compound[i]
        if new_due.size:
            due[r] = new_due[i]
    if dst_counter.size:  # the rows were just written: their compounds are in cache
        for i in range(k):
            dst_counter[compound[idx[i]]] += 1
    dst_count = count[dst]
    if dst_count >= 0:
        for i in range(k):
            r = idx[i]
            dst_members[dst_count] = r
            pos[r] = dst_count
            dst_count += 1
        count[dst] = dst_count


@compiled
def tally(counter: np.ndarray, keys: np.ndarray, step: int) -> None:
    """``counter[key] += step`` for every key of ``keys``, repeats included.

    What ``counter += step * np.bincount(keys, minlength=counter.size)`` does,
    without the bincount's full-length temporary: the per-compound counts
    change by a few hundred rows a call, the counter has a row per compound.
    """
    for key in keys:
        counter[key] += step


@compiled
def pop_due(rows: np.ndarray, due: np.ndarray, n: int, day: int, status: np.ndarray, want: int) -> tuple[np.ndarray, int]:
    """Take the entries due on ``day`` off the pipeline ``rows[:n]``, ``due[:n]``: the rows still in ``want``, in order.

    One pass: an entry due today is taken (its row returned if still in
    ``want``), one due later is kept (moved up, order unchanged) and one
    due earlier dropped (nothing ever matches it again).  Returns the rows
    and the pipeline's new length.  Compacting as it scans keeps the
    pipeline to the entries still to come, and numpy's version was a
    comparison, a mask, a gather and a second mask and gather.
    """
    out = np.empty(n, np.int64)
    got = 0
    kept = 0
    for i in range(n):
        d = due[i]
        if d == day:
            r = rows[i]
            if status[r] == want:
                out[got] = r
                got += 1
        elif d > day:
            rows[kept] = rows[i]
            due[kept] = d
            kept += 1
    return out[:got].copy(), kept


@compiled
def swap_remove(members: np.ndarray, count: int, pos: np.ndarray, idx: np.ndarray) -> int:
    """Remove rows ``idx`` from the index ``members[:count]`` (positions in ``pos``); returns the new count.

    Each removed row's place is filled by the last member, so a removal costs
    one swap, not a pass over the index.
    """
    for r in idx:
        p = pos[r]
        count -= 1
        last = members[count]
        members[p] = last
        pos[last] = p
    return count


@compiled
def marked_rows(mask: np.ndarray, status: np.ndarray, want: int) -> np.ndarray:
    """The rows ``r`` with ``mask[r]`` true and ``status[r] == want``, ascending.

    ``np.flatnonzero(mask)`` followed by a status filter, for a mask over
    every row ever created with a few thousand true: numpy's nonzero walks
    the mask byte by byte, this skips it eight bytes (one word) at a time,
    and a compound's rows are found in about half the time.
    """
    size = mask.size
    full = size - size % 8
    words = mask[:full].view(np.uint64)
    marked = 0
    for w in range(words.size):  # count first: an output as long as the mask would cost more than the scan
        if words[w] != 0:
            marked += 1
    out = np.empty(8 * marked + size - full, np.int64)
    got = 0
    for w in range(words.size):
        if words[w] != 0:
            for r in range(8 * w, 8 * w + 8):
                if mask[r] and status[r] == want:
                    out[got] = r
                    got += 1
    for r in range(full, size):
        if mask[r] and status[r] == want:
            out[got] = r
            got += 1
    return out[:got].copy()
