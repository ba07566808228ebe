"""Worker conservation: every worker is always in exactly one status, and the ledger explains every count.

Workers change status only through ``WorkerPool.create`` and ``WorkerPool.move``,
which append ``(day, from, to, count, reason)`` to an append-only ledger.  Most
changes happen in the daily step at ``day + 0.5`` (the row of ``status_counts``
for ``day`` is taken at its end), but raids and compound closures happen at
fractional times and are stamped with ``int(now)``: a raid at ``d + 0.7`` is
logged with day ``d`` yet happens *after* row ``d`` was recorded.  The day stamp
alone therefore cannot place them; the ledger's order can, because it is
appended in simulation-time order.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.core.workers import CREATED, N_STATUS, WORKING, WorkerPool
from sim.model import Model

#: Reasons of ledger entries written outside the daily step, at fractional times.
OFF_STEP_PREFIXES = ("raid_", "closure_", "moved", "escape_in_transit", "split_")


def off_step(reason: str) -> bool:
    return reason.startswith(OFF_STEP_PREFIXES)


def apply(counts: np.ndarray, entry: tuple[int, int, int, int, str]) -> None:
    _day, src, dst, n, _reason = entry
    if src != CREATED:
        counts[src] -= n
    counts[dst] += n


@pytest.fixture(scope="module", params=["crackdown_2025", "combined"])
def run_model(request, small):
    """One replication of a scenario with raids (and, in ``combined``, compound closures), via Model directly."""
    model = Model(small(f"scenario={request.param}"), 0)
    result = model.run()
    return model, result


def test_initial_status_is_the_initial_ledger_entries(run_model, small):
    """``initial_status`` holds exactly the workers ``build_world`` created, and the ledger starts with them."""
    _model, result = run_model
    cfg = small()
    initial = [e for e in result.ledger if e[4] == "initial"]
    assert result.ledger[: len(initial)] == initial, "initial workers must be the first ledger entries"
    assert all(day == 0 and src == CREATED and dst == WORKING for day, src, dst, _n, _r in initial)
    assert len(initial) == sum(s.compounds for s in cfg.world.sites.values())
    expected = np.zeros(N_STATUS, np.int64)
    for e in initial:
        apply(expected, e)
    np.testing.assert_array_equal(result.initial_status, expected)
    assert result.initial_status.sum() == sum(s.workers for s in cfg.world.sites.values())


def test_replaying_the_ledger_never_goes_negative_and_ends_at_the_arrays(run_model):
    """Replayed in order, no status ever loses more workers than it holds, and the end state is the arrays' recount."""
    model, result = run_model
    counts = np.zeros(N_STATUS, np.int64)
    for i, entry in enumerate(result.ledger):
        apply(counts, entry)
        assert (counts >= 0).all(), f"ledger entry {i} {entry} drives a status negative: {counts}"
        assert entry[3] > 0 and entry[1] != entry[2], f"ledger entry {i} {entry} is not a change"
    pool = model.world.workers
    np.testing.assert_array_equal(counts, pool.recount())
    np.testing.assert_array_equal(counts, pool.totals)
    assert sum(e[3] for e in result.ledger if e[1] == CREATED) == pool.n


def test_status_rows_sum_to_workers_created_so_far(run_model):
    """(a) Nobody vanishes or is counted twice: each day's row sums to the workers created up to that day.

    Creations happen only in ``build_world`` (day 0) and the daily step, so
    "created with day <= d" is exact for row d; the first assertion guards that premise.
    """
    _model, result = run_model
    created = [e for e in result.ledger if e[1] == CREATED]
    assert {e[4] for e in created} == {"initial", "recruited"}
    n_days = result.status_counts.shape[0]
    per_day = np.bincount([e[0] for e in created], weights=[e[3] for e in created], minlength=n_days)
    np.testing.assert_array_equal(result.status_counts.sum(axis=1), np.cumsum(per_day).astype(np.int64))
    assert (result.status_counts >= 0).all()


def test_status_counts_rebuilt_from_ledger_alone(run_model):
    """(b) Replaying the ledger reproduces ``status_counts`` exactly, day by day.

    Row d is the replay up to the last daily-step entry of day d: entries of day d
    before it are the daily step itself and raids in [d, d + 0.5); entries of day d
    after it are raids and closures in (d + 0.5, d + 1), which belong to row d + 1.
    This needs at least one daily-step entry per day (attrition alone makes ~12 a day).
    """
    _model, result = run_model
    ledger = result.ledger
    n_days = result.status_counts.shape[0]
    days = [e[0] for e in ledger]
    assert days == sorted(days), "the ledger must be in time order"
    step_end = {e[0]: i for i, e in enumerate(ledger) if e[4] != "initial" and not off_step(e[4])}
    assert sorted(step_end) == list(range(n_days)), "a day without daily-step entries cannot be placed exactly"

    counts = np.zeros(N_STATUS, np.int64)
    rebuilt = np.full((n_days, N_STATUS), -1, np.int64)
    after_step = 0  # off-step entries that a day-stamp comparison would wrongly put in their day's row
    for i, entry in enumerate(ledger):
        apply(counts, entry)
        if step_end.get(entry[0]) == i:
            rebuilt[entry[0]] = counts
        elif off_step(entry[4]) and i > step_end[entry[0]]:
            after_step += 1
    np.testing.assert_array_equal(rebuilt, result.status_counts)
    assert after_step > 0, "the run should exercise raids after the daily step, the case the ordering rule is for"


def test_working_status_matches_the_workers_series(run_model):
    """The per-site ``workers`` series (per-compound counters) and the status totals count the same working people."""
    _model, result = run_model
    np.testing.assert_array_equal(result.series["workers"].sum(axis=1), result.status_counts[:, WORKING])


@pytest.mark.parametrize("scenario", ["crackdown_2025", "combined", "baseline"])
def test_audit_mode_passes_every_day(scenario, small, monkeypatch):
    """(c) In audit mode the arrays are recounted against the incremental counters after every daily step."""
    calls = []
    original = WorkerPool.audit

    def counting_audit(self):
        calls.append(1)
        original(self)

    monkeypatch.setattr(WorkerPool, "audit", counting_audit)
    cfg = small(f"scenario={scenario}", "counterfactual=false")
    sim.run(cfg, replications=3, audit=True)
    assert len(calls) == 3 * cfg.horizon_days


def test_audit_detects_drift(small):
    """The audit is not vacuous: a corrupted total or per-compound counter raises."""
    model = Model(small(), 0)
    pool = model.world.workers
    pool.audit()
    pool.totals[WORKING] += 1
    with pytest.raises(AssertionError, match="status totals drifted"):
        pool.audit()
    pool.totals[WORKING] -= 1
    pool.working_at[0] -= 1
    pool.working_at[1] += 1
    with pytest.raises(AssertionError, match="per-compound working counts drifted"):
        pool.audit()
