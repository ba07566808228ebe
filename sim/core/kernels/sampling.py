"""Compiled sampling of rows without replacement: who leaves, who is taken from a queue.

Uniforms are drawn in Python from the named stream and passed in (passing
the generator into compiled code costs more than the draws), so a stream
advances exactly as the numpy code it replaced did.
"""

from __future__ import annotations

import numpy as np

from sim.core.kernels.jit import compiled


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
