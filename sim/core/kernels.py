"""Compiled inner loops of the worker flows (numba), each doing in one call what took a dozen numpy calls.

Why compiled loops: a replication's cost was per numpy call, not per worker
(about a hundred small calls a simulated day), and where it did grow with
the population it was through whole-array passes (uniqueness by sorting,
masks over a detention queue of tens of thousands) to change a few hundred
rows.  These kernels touch only the rows that change.

Randomness stays in the named streams: a kernel receives the stream's
``numpy.random.Generator`` and numba draws from the same bit generator, so
the stream advances exactly as if the draws were made in Python and a
replication is reproducible in any process.  numba is imported and each
kernel compiled (or loaded from numba's on-disk cache) at its first call,
not at ``import sim``: the CLI's help and config checks do not pay for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


def compiled(fn: F) -> F:
    """``numba.njit(cache=True)`` applied at the first call (see the module docstring)."""
    jitted: Callable[..., Any] | None = None

    @functools.wraps(fn)
    def call(*args: Any) -> Any:
        nonlocal jitted
        if jitted is None:
            import numba

            jitted = numba.njit(cache=True, nogil=True)(fn)
        return jitted(*args)

    call.python = fn  # type: ignore[attr-defined]  # the uncompiled function, for tests that check a kernel's logic
    return call  # type: ignore[return-value]


def _draws(k: int, share: float) -> int:
    """Uniforms to draw for ``k`` acceptances at acceptance rate ``share``: enough nearly always, a second round otherwise."""
    return int(1.25 * k / max(share, 1e-9)) + 32


@compiled
def _accept_rows(status: np.ndarray, n: int, want: int, u: np.ndarray, out: np.ndarray, got: int) -> int:
    m = u.size
    rows = np.empty(m, np.int64)
    seen = np.empty(m, np.int8)
    for i in range(m):  # the drawn rows' statuses first, loads only, so their cache misses overlap (as in move_rows)
        r = min(int(u[i] * n), n - 1)
        rows[i] = r
        seen[i] = status[r]
    for i in range(m):  # then accept in draw order; a row taken earlier in this call now reads -1
        if got == out.size:
            break
        r = rows[i]
        if seen[i] == want and status[r] == want:
            status[r] = -1  # taken (restored by the caller)
            out[got] = r
            got += 1
    return got


def sample_status(status: np.ndarray, n: int, want: int, k: int, have: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` distinct rows of ``status[:n]`` equal to ``want`` (``have`` of them), uniformly without replacement, in draw order.

    Rejection: a row is drawn uniformly (``floor(u * n)`` from the stream's
    uniforms), kept if it is in ``want`` and not yet taken (taken rows are
    marked in ``status`` meanwhile).  Every subset of ``k`` is equally
    likely; the cost is about ``k / share`` draws, so callers use it only
    when ``want`` is a large share of the rows.  Uniforms come in blocks
    drawn in Python (passing the generator itself into compiled code costs
    more than the draws).
    """
    out = np.empty(k, np.int64)
    got = 0
    share = have / n
    while got < k:
        got = _accept_rows(status, n, want, rng.random(_draws(k - got, share)), out, got)
    status[out] = want
    return out


@compiled
def _fisher_yates(m: int, u: np.ndarray) -> np.ndarray:
    perm = np.arange(m)
    for i in range(u.size):
        j = min(i + int(u[i] * (m - i)), m - 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm[: u.size].copy()


@compiled
def _sparse_fisher_yates(m: int, u: np.ndarray) -> np.ndarray:
    """:func:`_fisher_yates` with the permuted array kept as a table of the places swapped so far:
    the same result from the same uniforms, at a cost in ``k`` rather than ``m``.

    The table is open addressing over two flat arrays (a place and what is
    there now), sized a power of two at least four times the ``2k`` places
    a shuffle of ``k`` can touch: numba's typed dict did the same at about
    ten times the cost per lookup.
    """
    k = u.size
    size = 16
    while size < 8 * k:
        size *= 2
    mask = size - 1
    keys = np.full(size, -1, np.int64)
    vals = np.empty(size, np.int64)
    out = np.empty(k, np.int64)
    for i in range(k):
        j = min(i + int(u[i] * (m - i)), m - 1)
        sj = (j * 0x9E3779B1) & mask  # find j's slot (or the empty one where it goes)
        while keys[sj] != -1 and keys[sj] != j:
            sj = (sj + 1) & mask
        at_j = vals[sj] if keys[sj] == j else j
        si = (i * 0x9E3779B1) & mask  # what is at i now moves to j
        while keys[si] != -1 and keys[si] != i:
            si = (si + 1) & mask
        at_i = vals[si] if keys[si] == i else i
        keys[sj] = j
        vals[sj] = at_i
        out[i] = at_j
    return out


def choose(m: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` distinct positions of ``range(m)``, uniformly, in random order (a partial Fisher-Yates shuffle, ``k`` uniforms)."""
    u = rng.random(k)
    return _fisher_yates(m, u) if 8 * k >= m else _sparse_fisher_yates(m, u)


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
def afford(owner: np.ndarray, capital: np.ndarray, price: float) -> np.ndarray:
    """Which purchases (in order, by owner) the owners can pay for at ``price`` each; charges ``capital``.

    Owner ``b`` pays for his first ``max(floor(capital[b] / price), 0)``
    purchases in the order given; the rest are refused.
    """
    allowed = np.maximum(np.floor(capital / price), 0.0)
    bought = np.zeros(capital.size, np.int64)
    ok = np.empty(owner.size, np.bool_)
    for i in range(owner.size):
        b = owner[i]
        ok[i] = bought[b] < allowed[b]
        if ok[i]:
            bought[b] += 1
    for b in range(capital.size):
        capital[b] -= price * bought[b]
    return ok


@compiled
def _accept_entries(
    rows: np.ndarray,
    entered: np.ndarray,
    head: int,
    tail: int,
    status: np.ndarray,
    since: np.ndarray,
    want: int,
    u: np.ndarray,
    out: np.ndarray,
    got: int,
) -> int:
    for x in u:
        if got == out.size:
            break
        p = min(head + int(x * (tail - head)), tail - 1)
        r = rows[p]
        if status[r] == want and since[r] == entered[p]:
            status[r] = -1  # taken (restored by the caller)
            out[got] = r
            got += 1
    return got


def queue_sample(
    rows: np.ndarray,
    entered: np.ndarray,
    head: int,
    tail: int,
    status: np.ndarray,
    since: np.ndarray,
    want: int,
    k: int,
    live: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``k`` distinct live entries of a queue segment ``[head, tail)`` holding ``live`` live ones, uniformly: their rows.

    An entry is live while its row is still in ``want`` since the day it
    entered (``since[row] == entered``); a row that left and came back has a
    newer entry further back.  Rejection over positions, so the cost is in
    the entries drawn, not the queue's length.
    """
    out = np.empty(k, np.int64)
    got = 0
    share = live / max(tail - head, 1)
    while got < k:
        got = _accept_entries(rows, entered, head, tail, status, since, want, rng.random(_draws(k - got, share)), out, got)
    status[out] = want
    return out


@compiled
def queue_front(
    rows: np.ndarray, entered: np.ndarray, head: int, tail: int, status: np.ndarray, since: np.ndarray, want: int, k: int
) -> tuple[np.ndarray, int]:
    """Up to ``k`` live entries from the front of ``[head, tail)`` (their rows) and the new head."""
    out = np.empty(k, np.int64)
    got = 0
    p = head
    while p < tail and got < k:
        r = rows[p]
        if status[r] == want and since[r] == entered[p]:
            out[got] = r
            got += 1
        p += 1
    return out[:got].copy(), p


@compiled
def books(
    status: np.ndarray,
    cell: np.ndarray,
    equipment: np.ndarray,
    working_at: np.ndarray,
    connectivity: np.ndarray,
    output: np.ndarray,
    cell_output: float,
    revenue_per_effort: float,
    bribe_share: float,
    cost_per_worker: float,
    upkeep_usd: float,
    closed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One day's books of compounds ``0 .. status.size - 1``: (working, effort, revenue, bribes, profit) per compound.

    The numpy expression it replaced, element by element and in the same
    order of operations (so the same doubles): ``kit = equipment / working``
    (1 with nobody working), ``effort = working * min(kit, 1) * factor *
    connectivity`` with ``factor = output[status]`` (times ``cell_output``
    for a cell), ``revenue = revenue_per_effort * effort``, ``bribes =
    bribe_share * revenue``, and for a standing compound ``profit = revenue -
    bribes - cost_per_worker * working - upkeep`` (no upkeep for a cell),
    0 for a closed one.  A dozen whole-array numpy calls a day were most of
    the books' cost.
    """
    n = status.size
    working = np.empty(n)
    effort = np.empty(n)
    revenue = np.empty(n)
    bribes = np.empty(n)
    profit = np.empty(n)
    for i in range(n):
        w = float(working_at[i])
        factor = output[status[i]]
        if cell[i]:
            factor = factor * cell_output
        kit = equipment[i] / w if w > 0 else 1.0
        e = w * (kit if kit < 1.0 else 1.0) * factor * connectivity[i]
        r = revenue_per_effort * e
        b = bribe_share * r
        working[i] = w
        effort[i] = e
        revenue[i] = r
        bribes[i] = b
        if status[i] != closed:
            profit[i] = r - b - cost_per_worker * w - (0.0 if cell[i] else upkeep_usd)
        else:
            profit[i] = 0.0
    return working, effort, revenue, bribes, profit


@compiled
def weighted_counts(keys: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``np.bincount(keys, weights, minlength=size)``: the sums accumulate in the same order, so the same doubles."""
    m = size
    for key in keys:
        if key + 1 > m:
            m = key + 1
    out = np.zeros(m)
    for i in range(keys.size):
        out[keys[i]] += weights[i]
    return out


@compiled
def settle(
    profit: np.ndarray,
    owner: np.ndarray,
    status: np.ndarray,
    counts_loss: np.ndarray,
    loss_days: np.ndarray,
    tolerance: float,
    capital: np.ndarray,
    retained: float,
    keep: np.ndarray,
) -> tuple[bool, bool]:
    """Book a day's profit per compound into its owner's capital and count losing days.

    For compound ``i < profit.size`` whose status counts losses
    (``counts_loss[status[i]]``): its count of losing days grows by one on a
    loss and restarts at 0 otherwise; others keep theirs.  Each owner's gain
    (the sum of his compounds' profits, in compound order as ``np.bincount``
    adds them) goes to ``capital``: ``retained * gain * keep`` if positive,
    whole if not.  Returns whether any count is past ``tolerance`` and
    whether any capital is negative.  The numpy version was a dozen
    whole-array calls a day.
    """
    for i in range(profit.size):
        if counts_loss[status[i]]:
            loss_days[i] = loss_days[i] + 1 if profit[i] < 0 else 0
    past = False
    for d in loss_days:
        if d > tolerance:
            past = True
            break
    gain = np.zeros(capital.size)
    for i in range(profit.size):
        gain[owner[i]] += profit[i]
    negative = False
    for b in range(capital.size):
        g = gain[b]
        capital[b] += retained * g * keep[b] if g > 0 else g
        negative = negative or capital[b] < 0
    return past, negative


@compiled
def vacancies(
    capacity: np.ndarray,
    working_at: np.ndarray,
    transit_to: np.ndarray,
    status: np.ndarray,
    recruiting: np.ndarray,
    site: np.ndarray,
    pressure: np.ndarray,
    refill_rate: float,
    slowdown: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The compounds hiring today, their vacancies and the share of them each tries to fill: (compounds, places, share).

    A compound hires when its status is one of ``recruiting`` (a lookup by
    status) and ``capacity - working - in transit`` is positive; it tries
    to fill ``refill_rate * (1 - slowdown * pressure at its site)`` of them,
    clipped to [0, 1], and its places are that room rounded down.  The same
    doubles as the numpy expression it replaced, in one pass instead of a
    dozen calls.
    """
    n = status.size
    open_ = np.empty(n, np.int32)
    places = np.empty(n, np.int64)
    share = np.empty(n)
    m = 0
    for i in range(n):
        room = capacity[i] - working_at[i] - transit_to[i]
        if recruiting[status[i]] and room > 0:
            rate = refill_rate * (1.0 - slowdown * pressure[site[i]])
            rate = rate if rate > 0.0 else 0.0  # np.clip's order: max(rate, 0), then min(., 1)
            open_[m] = i
            places[m] = int(room)
            share[m] = rate if rate < 1.0 else 1.0
            m += 1
    return open_[:m].copy(), places[:m].copy(), share[:m].copy()


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
