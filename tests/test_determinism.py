"""Reproducibility and common random numbers.

Every stochastic process draws from its own stream, derived from
``(seed, replication, stream id)``.  So a result depends only on the config and
the replication index: not on the process, on ``PYTHONHASHSEED``, on the batch
a replication runs in, or on what other scenarios changed later in the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.core.recorder import SERIES
from sim.runs.output import write_outputs

ROOT = Path(__file__).resolve().parents[1]
CSV_FILES = ("timeseries.csv", "events.csv", "summary.csv")


def assert_records_equal(a: np.ndarray, b: np.ndarray) -> None:
    """Structured arrays equal field by field (NaN equal to NaN)."""
    assert a.dtype == b.dtype and a.shape == b.shape
    for name in a.dtype.names:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def assert_replications_equal(a, b) -> None:
    assert a.replication == b.replication
    for name in SERIES:
        np.testing.assert_array_equal(a.series[name], b.series[name], err_msg=name)
    np.testing.assert_array_equal(a.status_counts, b.status_counts)
    assert a.events == b.events
    assert a.ledger == b.ledger


def test_same_config_and_seed_give_identical_results(small):
    """Two runs of one config in one process agree on every output array."""
    cfg = small("scenario=combined")
    a, b = sim.run(cfg, replications=2), sim.run(cfg, replications=2)
    assert_records_equal(a.timeseries, b.timeseries)
    assert_records_equal(a.events, b.events)
    assert_records_equal(a.summary, b.summary)
    for ra, rb in zip(a.replications, b.replications, strict=True):
        assert_replications_equal(ra, rb)


def test_replication_alone_equals_replication_in_batch(small):
    """Replication k run alone (``first_replication=k``) is the k-th replication of a batch."""
    cfg = small("scenario=crackdown_2025")
    batch = sim.run(cfg, replications=3)
    alone = sim.run(cfg, replications=1, first_replication=2)
    assert_replications_equal(alone.replications[0], batch.replications[2])
    assert_records_equal(alone.summary, batch.summary[2:])
    assert_records_equal(alone.events, batch.events[batch.events["replication"] == 2])


def test_replications_and_seeds_differ(small):
    """Different replications, and the same replication under a different seed, are different runs."""
    a = sim.run(small("scenario=crackdown_2025", "seed=1"), replications=2)
    b = sim.run(small("scenario=crackdown_2025", "seed=2"), replications=2)
    for x, y in [(a.replications[0], a.replications[1]), (a.replications[0], b.replications[0])]:
        assert not np.array_equal(x.series["revenue_usd"], y.series["revenue_usd"])
        assert x.events != y.events
        assert x.ledger != y.ledger
    assert not np.array_equal(a.summary["arrests_workers"], b.summary["arrests_workers"])


def _cli(run_dir: Path, hash_seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    args = ["world=small", "replications=2", "figure=false", f"hydra.run.dir={run_dir}"]
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_identical_across_processes_and_launchers(tmp_path, small):
    """The CLI in two processes with different hash seeds writes byte-identical CSVs, equal to an in-process run's."""
    _cli(tmp_path / "a", "0")
    _cli(tmp_path / "b", "4242")
    write_outputs(sim.run(small(), replications=2), tmp_path / "c", figure=False)
    for name in CSV_FILES:
        a = (tmp_path / "a" / name).read_bytes()
        assert a.count(b"\n") > 1, f"{name} has no rows"
        assert a == (tmp_path / "b" / name).read_bytes(), name
        assert a == (tmp_path / "c" / name).read_bytes(), name


@pytest.fixture(scope="module")
def baseline(small):
    return sim.run(small("scenario=baseline"), replications=2)


def first_divergence(a, b) -> int:
    """First day on which two replications differ in any series, event or ledger entry."""
    days = [a.status_counts.shape[0]]
    for name in SERIES:
        differs = np.flatnonzero((a.series[name] != b.series[name]).any(axis=1))
        days += differs[:1].tolist()
    for la, lb in [(a.events, b.events), (a.ledger, b.ledger)]:
        for x, y in zip(la, lb, strict=False):
            if x != y:
                days.append(min(x[0], y[0]))
                break
        else:
            if len(la) != len(lb):
                days.append(max(la, lb, key=len)[min(len(la), len(lb))][0])
    return min(days)


@pytest.mark.parametrize(
    ("scenario", "first_day"),
    [
        ("crackdown_2025", 161),  # the wave's first campaign (27 June 2025) at day -19, pressure at once; raids follow
        ("sustained_pressure", 161),  # built on the wave: its first campaign too
        ("infrastructure_cut", 180),  # the cut at day 0
        ("protection_targeting", 161),  # the wave it is built on starts at day -19, before the removals at day -10
        ("boss_targeting", 161),  # likewise, before poipet-boss-1 is indicted at day -10
        ("combined", 161),
    ],
)
def test_common_random_numbers_before_the_intervention(baseline, small, scenario, first_day):
    """At one seed a scenario replays the baseline exactly until its first intervention, and no longer.

    Intervention days are offsets from ``intervention_day`` = 180; the earliest
    change in each scenario sets where the runs may first differ.
    """
    other = sim.run(small(f"scenario={scenario}"), replications=2)
    for a, b in zip(baseline.replications, other.replications, strict=True):
        assert first_divergence(a, b) == first_day
