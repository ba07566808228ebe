"""Compiled daily books of the compounds: revenue and profit, settling into the owners' capital, vacancies,
and which purchases owners can afford; each gives the same doubles as the numpy expression it replaced.
"""

from __future__ import annotations

import numpy as np

from sim.core.kernels.jit import compiled


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
