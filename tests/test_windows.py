"""Observation windows (issue 10 item 8) and what happened to raided compounds (item 9).

The window counts are what observers reported 21, 30 and 180 days after the
July 2025 directive; the raid outcomes count each raided compound once, by
what followed its first raid that struck, and their shares sum to 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import compose, run
from sim.analysis.windows import OUTCOMES, observation_start, raid_outcomes, window_counts
from sim.core.compounds import CLOSED, LAYING_LOW, OPERATING, REBUILDING, RELOCATING, SEALED
from sim.core.events import CompoundChange, Event, EventKind
from sim.model import ReplicationResult

K = EventKind
SHARES = [f"raided_{k}" for k in OUTCOMES]


def _result(events: list[Event], changes: list[CompoundChange] | None = None) -> ReplicationResult:
    return ReplicationResult(
        replication=0,
        site_names=["a"],
        series={"revenue_usd": np.zeros((10, 1))},
        status_counts=np.zeros((10, 1)),
        events=events,
        boss_names=["b"],
        ledger=[],
        compound_changes=changes or [],
        initial_status=np.zeros(1),
        compound_log=[np.zeros(0)],
        nationalities=[],
        arrests_by_nationality=np.zeros(0),
        compounds_founded=0,
    )


def ev(day: int, kind: EventKind, compound: int = -1, amount: int = 1) -> Event:
    return Event(day, kind, 0, compound, 0, amount)


def test_windows_count_from_the_earliest_campaign_start(small):
    config = small("scenario=crackdown_2025", "scenario.campaigns.june_2025.day=5", "scenario.campaigns.july_2025.day=8")
    start = observation_start(config)
    assert start == config.intervention_day + 5  # the earlier of the two campaigns
    events = [
        ev(start - 1, K.RAID, 0),  # before the window
        ev(start - 1, K.ARREST_WORKERS, 0, 100),
        ev(start, K.RAID, 1),
        ev(start, K.ARREST_WORKERS, 1, 10),
        ev(start, K.ARREST_MANAGERS, 1, 2),
        ev(start, K.ARREST_BOSS, 1),
        ev(start + 20, K.RAID, 1),  # same compound again: 2 raids, 1 site
        ev(start + 20, K.RAID_DEFLECTED, 2),  # a deflected raid is not a raid
        ev(start + 21, K.RAID, 3),  # first day outside the 21-day window
        ev(start + 21, K.ARREST_WORKERS, 3, 5),
        ev(start + 29, K.ARREST_WORKERS, 3, 7),
        ev(start + 30, K.RAID, 4),  # outside 30 days
        ev(start + 30, K.ARREST_WORKERS, 4, 1000),
        ev(start + 179, K.ARREST_WORKERS, 4, 3),
        ev(start + 180, K.ARREST_WORKERS, 4, 50),  # outside 180 days
        ev(start, K.RETRAFFICKED, -1, 9),  # people counts that are not arrests
    ]
    changes = [
        CompoundChange(start, 1, OPERATING, SEALED, "raid"),
        CompoundChange(start + 40, 1, SEALED, LAYING_LOW, "lay_low"),
        CompoundChange(start + 100, 1, OPERATING, SEALED, "raid"),  # sealed twice: one compound
        CompoundChange(start + 100, 5, OPERATING, SEALED, "raid"),
        CompoundChange(start + 180, 6, OPERATING, SEALED, "raid"),  # outside
        CompoundChange(start - 1, 0, OPERATING, SEALED, "raid"),  # before
        CompoundChange(start + 5, 7, OPERATING, LAYING_LOW, "boss_arrested"),  # not a sealing
    ]
    got = window_counts(_result(events, changes), config)
    assert got["raids_21d"] == 2 and got["raided_sites_21d"] == 1
    assert got["arrests_21d"] == 10 + 2 + 1
    assert got["raids_30d"] == 3
    assert got["arrests_30d"] == 13 + 5 + 7
    assert got["arrests_180d"] == 25 + 1000 + 3
    assert got["sealed_180d"] == 2


def test_a_scenario_without_campaigns_counts_from_the_intervention_day(small):
    config = small("scenario=baseline")
    assert observation_start(config) == config.intervention_day
    got = window_counts(_result([]), config)
    assert all(v == 0 for v in got.values())


def test_each_raided_compound_is_counted_once_by_what_followed_its_first_raid():
    events = [
        ev(10, K.RAID, 0),
        ev(10, K.KEPT_OPERATING, 0),  # 0: kept operating (a later raid that seals it does not count)
        ev(30, K.RAID, 0),
        ev(10, K.RAID, 1),  # 1: sealed, laid low, resumed in place
        ev(11, K.RAID, 2),  # 2: sealed, relocated (and resumed elsewhere: still relocated)
        ev(12, K.RAID, 3),  # 3: sealed, split into cells
        ev(13, K.RAID, 4),  # 4: sealed, closed for lack of capital
        ev(14, K.RAID, 5),  # 5: sealed and still sealed at the end
        ev(15, K.RAID_DEFLECTED, 6),  # 6: never struck: not counted
        ev(16, K.RAID, 7),  # 7: sealed, laid low, rebuilding at the end: not back, counted closed
        ev(17, K.RAID, 8),  # 8: the boss arrested in the raid, the compound lies low first, then sealed, resumed
    ]
    changes = [
        CompoundChange(30, 0, OPERATING, SEALED, "raid"),
        CompoundChange(10, 1, OPERATING, SEALED, "raid"),
        CompoundChange(40, 1, SEALED, LAYING_LOW, "lay_low"),
        CompoundChange(70, 1, LAYING_LOW, REBUILDING, "rebuild"),
        CompoundChange(77, 1, REBUILDING, OPERATING, "resume"),
        CompoundChange(11, 2, OPERATING, SEALED, "raid"),
        CompoundChange(41, 2, SEALED, RELOCATING, "relocation"),
        CompoundChange(60, 2, RELOCATING, REBUILDING, "rebuild"),
        CompoundChange(67, 2, REBUILDING, OPERATING, "resume"),
        CompoundChange(12, 3, OPERATING, SEALED, "raid"),
        CompoundChange(42, 3, SEALED, CLOSED, "split"),
        CompoundChange(13, 4, OPERATING, SEALED, "raid"),
        CompoundChange(43, 4, SEALED, CLOSED, "closure_capital"),
        CompoundChange(14, 5, OPERATING, SEALED, "raid"),
        CompoundChange(16, 7, OPERATING, SEALED, "raid"),
        CompoundChange(46, 7, SEALED, LAYING_LOW, "lay_low"),
        CompoundChange(80, 7, LAYING_LOW, REBUILDING, "rebuild"),
        CompoundChange(17, 8, OPERATING, LAYING_LOW, "boss_arrested"),
        CompoundChange(17, 8, LAYING_LOW, SEALED, "raid"),
        CompoundChange(90, 8, SEALED, REBUILDING, "rebuild"),
        CompoundChange(97, 8, REBUILDING, OPERATING, "resume"),
    ]
    got = raid_outcomes(_result(events, changes))
    n = 8  # compounds 0-5, 7, 8
    assert got == {
        "raided_kept_operating": 1 / n,
        "raided_resumed": 2 / n,
        "raided_relocated": 1 / n,
        "raided_split": 1 / n,
        "raided_closed": 3 / n,
    }
    assert math.isclose(sum(got.values()), 1.0)


def test_no_raids_gives_nan_shares():
    got = raid_outcomes(_result([ev(3, K.RAID_DEFLECTED, 0)]))
    assert all(math.isnan(v) for v in got.values())


@pytest.fixture(scope="module")
def wave():
    return run(compose(["world=small", "scenario=sustained_pressure", "replications=3", "horizon_days=560", "seed=2"]))


def test_outcome_shares_sum_to_one_in_real_runs(wave):
    for s in wave.summaries:
        total = sum(s[c] for c in SHARES)
        assert total == pytest.approx(1.0, abs=1e-12), s
        assert all(0.0 <= s[c] <= 1.0 for c in SHARES)
    assert wave.stats["raided_kept_operating"]["mean"] > 0  # protected compounds keep operating
    assert wave.stats["raided_resumed"]["mean"] + wave.stats["raided_relocated"]["mean"] > 0


def test_window_counts_agree_with_the_event_log(wave):
    start = observation_start(wave.config)
    for r, s in zip(wave.replications, wave.summaries, strict=True):
        raids = [e for e in r.events if e.kind is K.RAID]
        assert s["raids_21d"] <= s["raids_30d"] <= s["raids"]
        assert s["raids_30d"] == sum(1 for e in raids if start <= e.day < start + 30)
        assert s["raided_sites_21d"] <= s["raids_21d"]
        assert s["arrests_21d"] <= s["arrests_30d"] <= s["arrests_180d"]
        assert s["arrests_180d"] <= s["arrests_workers"] + s["arrests_managers"] + s["arrests_bosses"]
        sealings = [ch for ch in r.compound_changes if ch.reason == "raid"]
        assert s["sealed_180d"] == len({ch.compound for ch in sealings if start <= ch.day < start + 180})
        assert s["sealed_180d"] <= len({e.compound for e in raids})
