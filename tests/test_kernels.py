"""The compiled kernels of the worker flows (sim/core/kernels/): each does what its docstring says.

Sampling kernels are checked for what makes them correct samplers (distinct,
eligible, uniform: a chi-square test over many draws), the bookkeeping ones
against a plain reimplementation, and every kernel against its own
uncompiled Python function on the same inputs (compiling changes nothing).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from sim.core import kernels
from sim.core.kernels import sampling

WANT = 3


def test_choose_is_uniform_over_ordered_samples():
    rng = np.random.default_rng(1)
    pairs = list(itertools.permutations(range(5), 2))
    counts = dict.fromkeys(pairs, 0)
    for _ in range(6000):
        a, b = kernels.choose(5, 2, rng)
        counts[(int(a), int(b))] += 1
    assert stats.chisquare(list(counts.values())).pvalue > 1e-3
    for m, k in ((10, 10), (1000, 3), (7, 0)):
        got = kernels.choose(m, k, rng)
        assert got.size == k and np.unique(got).size == k and (got >= 0).all() and (got < m).all()


def test_sample_status_takes_distinct_eligible_rows_uniformly_and_restores_the_marks():
    rng = np.random.default_rng(2)
    status = np.array([WANT, 0, WANT, WANT, 1, WANT, 0, WANT] * 3, np.int8)
    before = status.copy()
    eligible = np.flatnonzero(status == WANT)
    counts = np.zeros(status.size, int)
    for _ in range(3000):
        rows = kernels.sample_status(status, status.size, WANT, 4, eligible.size, rng)
        assert np.unique(rows).size == 4 and (before[rows] == WANT).all()
        counts[rows] += 1
    assert np.array_equal(status, before)
    assert counts[status != WANT].sum() == 0
    assert stats.chisquare(counts[eligible]).pvalue > 1e-3


def test_swap_remove_keeps_an_exact_index():
    rng = np.random.default_rng(3)
    members = rng.permutation(50).astype(np.int64)
    pos = np.zeros(50, np.int64)
    pos[members] = np.arange(50)
    count = 50
    left = set(range(50))
    for _ in range(6):
        gone = rng.choice(sorted(left), size=5, replace=False).astype(np.int64)
        count = kernels.swap_remove(members, count, pos, gone)
        left -= set(gone.tolist())
        assert sorted(members[:count].tolist()) == sorted(left)
        assert np.array_equal(pos[members[:count]], np.arange(count))


def _afford_by_rank(owner: np.ndarray, capital: np.ndarray, price: float) -> tuple[np.ndarray, np.ndarray]:
    """The rule, written as the numpy ranking the kernel replaced: each owner's first floor(capital / price)."""
    order = np.argsort(owner, kind="stable")
    sorted_owner = owner[order]
    rank = np.empty(owner.size, np.int64)
    rank[order] = np.arange(owner.size) - np.searchsorted(sorted_owner, sorted_owner, side="left")
    ok = rank < np.maximum(np.floor(capital / price), 0)[owner]
    return ok, capital - price * np.bincount(owner[ok], minlength=capital.size)


@pytest.mark.parametrize("seed", range(5))
def test_afford_pays_for_each_owners_first_purchases_only(seed):
    rng = np.random.default_rng(seed)
    owner = rng.integers(0, 6, 40)
    capital = rng.uniform(-500.0, 1200.0, 6)  # allowed 0-4 purchases each, fewer than the ~7 each wants
    want_ok, want_capital = _afford_by_rank(owner, capital.copy(), 250.0)
    got_capital = capital.copy()
    ok = kernels.afford(owner, got_capital, 250.0)
    assert np.array_equal(ok, want_ok)
    np.testing.assert_allclose(got_capital, want_capital)


def _queue():
    """A queue of 8 entries over rows 0..7: rows 2 and 5 left (stale); row 6 left and came back later (new entry)."""
    rows = np.array([0, 1, 2, 3, 4, 5, 6, 7, 6], np.int64)
    entered = np.array([1, 1, 1, 2, 2, 2, 2, 3, 5], np.int32)
    status = np.full(8, WANT, np.int8)
    status[[2, 5]] = 0
    since = np.array([1, 1, 4, 2, 2, 4, 5, 3], np.int32)  # row 6 re-entered on day 5
    return rows, entered, status, since


def test_queue_front_takes_the_first_live_entries_in_order():
    rows, entered, status, since = _queue()
    taken, head = kernels.queue_front(rows, entered, 0, rows.size, status, since, WANT, 4)
    assert taken.tolist() == [0, 1, 3, 4]
    assert head == 5
    taken, head = kernels.queue_front(rows, entered, head, rows.size, status, since, WANT, 10)
    assert taken.tolist() == [7, 6]  # row 6's stale entry at position 6 is skipped; its live one is last
    assert head == rows.size


def test_queue_sample_draws_live_entries_only_and_uniformly():
    rows, entered, status, since = _queue()
    rng = np.random.default_rng(4)
    counts = np.zeros(8, int)
    for _ in range(3000):
        got = kernels.queue_sample(rows, entered, 0, rows.size, status, since, WANT, 2, 6, rng)
        assert np.unique(got).size == 2
        counts[got] += 1
    assert counts[[2, 5]].sum() == 0
    live = [0, 1, 3, 4, 6, 7]
    assert stats.chisquare(counts[live]).pvalue > 1e-3
    assert (status[[0, 1, 3, 4, 6, 7]] == WANT).all()


def test_compiled_kernels_compute_what_their_python_does():
    status = np.array([WANT, 0, WANT, WANT, 1, WANT] * 50, np.int8)
    u = np.random.default_rng(5).random(400)
    out_c, out_p = np.zeros(10, np.int64), np.zeros(10, np.int64)
    s1, s2 = status.copy(), status.copy()
    assert sampling._accept_rows(s1, s1.size, WANT, u, out_c, 0) == sampling._accept_rows.python(s2, s2.size, WANT, u, out_p, 0)
    assert np.array_equal(out_c, out_p)
    assert np.array_equal(sampling._fisher_yates(30, u[:7]), sampling._fisher_yates.python(30, u[:7]))


def test_sparse_shuffle_is_the_dense_one():
    """The open-addressing partial shuffle gives exactly the dense Fisher-Yates answer from the same uniforms."""
    rng = np.random.default_rng(7)
    for m, k in ((1, 1), (10, 1), (100, 12), (50_000, 600), (345_000, 5_000), (9, 9), (1_000, 0)):
        for _ in range(3):
            u = rng.random(k)
            assert np.array_equal(sampling._sparse_fisher_yates(m, u), sampling._fisher_yates(m, u)), (m, k)
            assert np.array_equal(sampling._sparse_fisher_yates.python(m, u[:50]), sampling._fisher_yates(m, u[:50]))


def test_tally_is_the_bincount_it_replaced():
    rng = np.random.default_rng(8)
    for size, k in ((1, 0), (5, 40), (400, 1_300)):
        keys = rng.integers(0, size, k).astype(np.int32)
        for step in (1, -1):
            counter = rng.integers(0, 1_000, size)
            want = counter + step * np.bincount(keys, minlength=size)
            kernels.tally(counter, keys, step)
            assert np.array_equal(counter, want)
            again = counter.copy()
            kernels.tally.python(again, keys, -step)
            kernels.tally(again, keys, step)
            assert np.array_equal(again, counter)


def test_pop_due_is_the_numpy_selection_it_replaced():
    """Today's rows still in the status, in pipeline order; the entries still to come kept in order; the past dropped."""
    rng = np.random.default_rng(9)
    status = rng.integers(0, 3, 500).astype(np.int8)
    for n in (0, 1, 50, 300):
        for day in range(7):
            rows = rng.integers(0, 500, 400)
            due = rng.integers(0, 7, 400).astype(np.int32)
            picked = rows[:n][due[:n] == day]
            want = picked[status[picked] == 1]
            later = due[:n] > day
            want_rows, want_due = rows[:n][later], due[:n][later]
            for fn in (kernels.pop_due, kernels.pop_due.python):
                r, d = rows.copy(), due.copy()
                got, kept = fn(r, d, n, day, status, 1)
                assert got.dtype == np.int64 and np.array_equal(got, want)
                assert np.array_equal(r[:kept], want_rows) and np.array_equal(d[:kept], want_due)


def _books_by_numpy(
    status, cell, equipment, working_at, connectivity, output, cell_output, per_effort, share, cost, upkeep, closed
):
    """The daily books as the numpy expression the kernel replaced (sim.mechanisms.operations, before it)."""
    working = working_at.astype(float)
    factor = np.where(cell, output[status] * cell_output, output[status])
    kit = np.divide(equipment, working, out=np.ones(status.size), where=working > 0)
    effort = working * np.minimum(kit, 1.0) * factor * connectivity
    revenue = per_effort * effort
    bribes = share * revenue
    standing = status != closed
    upkeep_each = np.where(standing & ~cell, upkeep, 0.0)
    profit = np.where(standing, revenue - bribes - cost * working - upkeep_each, 0.0)
    return working, effort, revenue, bribes, profit


@pytest.mark.parametrize("seed", range(4))
def test_books_are_the_numpy_books_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    n = 300
    status = rng.integers(0, 6, n).astype(np.int8)
    cell = rng.random(n) < 0.2
    working_at = rng.integers(0, 400, n) * (rng.random(n) < 0.9)
    equipment = rng.uniform(0.0, 500.0, n)
    connectivity = np.where(rng.random(n) < 0.3, rng.uniform(0.1, 1.0, n), 1.0)
    output = rng.uniform(0.0, 1.0, 6)
    args = (status, cell, equipment, working_at, connectivity, output, 0.37, 41.3 * 0.93, 0.17, 11.9, 523.0, 5)
    want = _books_by_numpy(*args)
    for got in (kernels.books(*args), kernels.books.python(*args)):
        for g, w in zip(got, want, strict=True):
            assert g.tobytes() == w.tobytes()


def test_weighted_counts_is_bincount_to_the_last_bit():
    rng = np.random.default_rng(10)
    for n, size in ((0, 4), (1, 1), (500, 15), (2_000, 354)):
        keys = rng.integers(0, size, n).astype(np.int32)
        weights = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 6, n)
        for minlength in (0, size, size + 3):
            want = np.bincount(keys, weights, minlength=minlength)
            assert kernels.weighted_counts(keys, weights, minlength).tobytes() == want.tobytes()
            assert kernels.weighted_counts.python(keys, weights, minlength).tobytes() == want.tobytes()


def _settle_by_numpy(profit, owner, status, counts_loss, loss_days, tolerance, capital, retained, keep):
    """Finance.settle's arithmetic as the numpy it was (sim.mechanisms.finance, before the kernel)."""
    n = profit.size
    days = loss_days[:n]
    loss_days[:n] = np.where(counts_loss[status], np.where(profit < 0, days + 1, 0), days)
    gain = np.bincount(owner, profit, minlength=capital.size)
    capital += np.where(gain > 0, retained * gain * keep, gain)
    return bool((loss_days > tolerance).any()), bool((capital < 0).any())


@pytest.mark.parametrize("seed", range(4))
def test_settle_is_the_numpy_settlement_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    n, n_bosses = 200, 40
    profit = rng.standard_normal(n) * 5_000.0 * (rng.random(n) < 0.8)
    owner = rng.integers(0, n_bosses, n).astype(np.int32)
    status = rng.integers(0, 6, n).astype(np.int8)
    counts_loss = np.isin(np.arange(6), (0, 1, 4))
    loss_days = rng.integers(0, 40, n + 7).astype(np.int32)  # longer than the compounds: the table grows ahead
    capital = rng.uniform(-1e4, 1e6, n_bosses)
    keep = rng.uniform(0.5, 1.0, n_bosses)
    for tolerance in (10, 45):
        days_np, capital_np = loss_days.copy(), capital.copy()
        want = _settle_by_numpy(profit, owner, status, counts_loss, days_np, tolerance, capital_np, 0.6, keep)
        for fn in (kernels.settle, kernels.settle.python):
            days, cap = loss_days.copy(), capital.copy()
            assert tuple(fn(profit, owner, status, counts_loss, days, tolerance, cap, 0.6, keep)) == want
            assert np.array_equal(days, days_np) and cap.tobytes() == capital_np.tobytes()


def test_move_rows_does_what_the_numpy_move_does():
    """WorkerPool.move with a known source (the compiled pass) against its numpy path (no source given):
    the same rows, counters, totals, and the same indexes in the same order."""
    from sim.core.workers import FLED, IN_TRANSIT, N_STATUS, TRACKED, WORKING, WorkerPool

    rng = np.random.default_rng(11)
    pools = [WorkerPool(3_000, 30), WorkerPool(3_000, 30)]
    compounds = rng.integers(0, 30, 2_000).astype(np.int32)
    for pool in pools:
        pool.create(compounds, np.zeros(2_000, np.int16), np.zeros(2_000, bool), 0, np.zeros(2_000, np.int32), status=WORKING)
    for day in range(1, 60):
        source = int(rng.choice([WORKING, FLED, IN_TRANSIT, *TRACKED]))
        have = pools[0].where(source) if source in TRACKED else np.flatnonzero(pools[0].status[: pools[0].n] == source)
        if have.size == 0:
            continue
        rows = rng.permutation(have)[: rng.integers(1, min(have.size, 80) + 1)].astype(np.int64)
        new_status = int(rng.choice([s for s in range(N_STATUS) if s != source]))
        compound = rng.integers(0, 30, rows.size).astype(np.int32) if rng.random() < 0.4 else None
        due = rng.integers(day, day + 30, rows.size).astype(np.int32) if rng.random() < 0.4 else None
        pools[0].move(rows.copy(), new_status, day, "x", compound=compound, due=due, source=source)
        pools[1].move(rows.copy(), new_status, day, "x", compound=compound, due=due)
        a, b = pools
        for name in ("status", "since", "compound", "due", "totals", "working_at", "transit_to"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
        for s in TRACKED:
            assert np.array_equal(a.where(s), b.where(s))
            assert np.array_equal(a._pos[a.where(s)], np.arange(a.where(s).size))
        assert a.ledger == b.ledger
        a.audit()


@pytest.mark.parametrize("seed", range(4))
def test_vacancies_are_the_numpy_vacancies_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    n, n_sites = 400, 15
    capacity = rng.integers(50, 3_000, n).astype(float)
    working_at = (capacity * rng.uniform(0.0, 1.2, n)).astype(np.int64)
    transit_to = rng.integers(0, 200, n)
    status = rng.integers(0, 6, n).astype(np.int8)
    recruiting = np.isin(np.arange(6), (0, 1, 4))
    site = rng.integers(0, n_sites, n).astype(np.int32)
    pressure = np.where(rng.random(n_sites) < 0.3, 1.0, rng.uniform(0.0, 1.0, n_sites))
    for refill, slowdown in ((0.04, 0.5), (0.9, 1.7), (1.4, -2.0)):  # rates inside, below and above [0, 1]
        room = capacity - working_at - transit_to  # the numpy it replaced (sim.mechanisms.recruitment, before)
        open_ = np.flatnonzero(recruiting[status] & (room > 0)).astype(np.int32)
        share = np.clip(refill * (1.0 - slowdown * pressure[site[open_]]), 0.0, 1.0)
        args = (capacity, working_at, transit_to, status, recruiting, site, pressure, refill, slowdown)
        for got in (kernels.vacancies(*args), kernels.vacancies.python(*args)):
            assert np.array_equal(got[0], open_) and got[0].dtype == np.int32
            assert np.array_equal(got[1], room[open_].astype(np.int64))
            assert got[2].tobytes() == share.tobytes()


def test_marked_rows_is_flatnonzero_and_a_status_filter():
    rng = np.random.default_rng(12)
    for n in (0, 1, 7, 8, 9, 64, 1_003, 50_000):
        status = rng.integers(0, 4, n).astype(np.int8)
        for share in (0.0, 0.002, 0.3, 1.0):
            mask = rng.random(n) < share
            want = np.flatnonzero(mask)
            want = want[status[want] == 2]
            for fn in (kernels.marked_rows, kernels.marked_rows.python):
                got = fn(mask, status, 2)
                assert got.dtype == np.int64 and np.array_equal(got, want)
