"""Property-based: any valid parameter set on the small world runs, conserves workers, and stays in range."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import sim

SMALL_PROTECTORS = ("sihanoukville_police", "poipet_senator", "bavet_police", "national_elite", "kayin_border_guard")
# scenarios that define the july_2025 campaign, so its peak rate can be overridden
SCENARIOS = ("crackdown_2025", "sustained_pressure", "protection_targeting", "boss_targeting", "combined")
WORKING = 1  # sim.workers.WORKING; the status_counts column of working people
CREATED = -1  # the ledger's "from" status of a newly created worker


def unit(step: int = 1000) -> st.SearchStrategy[float]:
    """A number in [0, 1] on a grid, so the override string round-trips exactly."""
    return st.integers(0, step).map(lambda i: i / step)


@st.composite
def overrides(draw) -> list[str]:
    warning_max = draw(unit())
    warning_base = draw(st.integers(0, 1000).map(lambda i: i / 1000 * warning_max))
    evacuate = draw(unit())
    flee_warned = draw(unit().map(lambda x: x * (1 - evacuate)))
    report = draw(unit())
    retraffic = draw(unit().map(lambda x: x * (1 - report)))
    home = draw(unit().map(lambda x: x * (1 - report - retraffic)))
    # validate.py adds them in this order, without tolerance
    assume(report + retraffic + home <= 1.0)
    assume(evacuate + flee_warned <= 1.0)
    protector = draw(st.sampled_from(SMALL_PROTECTORS))
    ov = [
        "world=small",
        f"scenario={draw(st.sampled_from(SCENARIOS))}",
        "horizon_days=400",
        "intervention_day=180",
        f"seed={draw(st.integers(0, 2**32 - 1))}",
        f"raids.warning_max={warning_max!r}",
        f"raids.warning_base={warning_base!r}",
        f"raids.evacuate_share_warned={evacuate!r}",
        f"raids.flee_share_warned={flee_warned!r}",
        f"raids.flee_share_unwarned={draw(unit())!r}",
        f"raids.arrest_prob_present={draw(unit())!r}",
        f"recruitment.refill_rate={draw(unit())!r}",
        f"operations.attrition_rate={draw(st.one_of(unit(100_000).map(lambda x: x / 10), unit()))!r}",
        f"repatriation.fled_report_prob_daily={report!r}",
        f"repatriation.fled_retraffic_prob_daily={retraffic!r}",
        f"repatriation.fled_home_prob_daily={home!r}",
        f"repatriation.retraffic_prob_daily={draw(unit())!r}",
        f"repatriation.daily_capacity={draw(st.integers(0, 500))}",
        f"world.protectors.{protector}.strength={draw(unit())!r}",
        f"decisions.relocation={str(draw(st.booleans())).lower()}",
        f"growth.enabled={str(draw(st.booleans())).lower()}",
        f"scenario.campaigns.july_2025.peak_raid_rate={draw(st.integers(0, 200).map(lambda i: i / 10))!r}",
    ]
    return ov


def in_unit(x: float) -> bool:
    return math.isnan(x) or 0.0 <= x <= 1.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ov=overrides())
def test_random_valid_parameters_run_conserve_and_stay_in_range(ov):
    cfg = sim.compose(ov)  # a valid draw must pass validation
    study = sim.run(cfg, replications=1, audit=True)  # audit raises if the status counters drift
    rep = study.replications[0]
    days, n_sites = cfg.horizon_days, len(cfg.world.sites)

    # conservation: every worker ever created is in exactly one status, every day
    counts = rep.status_counts
    assert counts.shape[0] == days
    assert (counts >= 0).all()
    created = np.zeros(days, np.int64)
    for day, frm, _to, k, _why in rep.ledger:
        if frm == CREATED:
            created[day] += k
    np.testing.assert_array_equal(counts.sum(axis=1), np.cumsum(created))
    assert counts[0].sum() >= sum(s.workers for s in cfg.world.sites.values())
    # the per-site workers series and the status totals are two counts of the same people
    np.testing.assert_array_equal(rep.series["workers"].sum(axis=1), counts[:, WORKING])

    # series in range
    series = rep.series
    for name in ("revenue_usd", "workers", "compounds_active", "pressure", "protection", "power", "internet"):
        assert series[name].shape == (days, n_sites), name
        assert np.isfinite(series[name]).all(), name
    assert (series["revenue_usd"] >= 0).all()
    assert (series["workers"] >= 0).all()
    assert (series["compounds_active"] >= 0).all()
    for name in ("pressure", "protection"):
        assert ((series[name] >= 0) & (series[name] <= 1)).all(), name
    for name in ("power", "internet"):
        assert np.isin(series[name], (0.0, 1.0)).all(), name

    # summary in range
    s = study.summaries[0]
    assert in_unit(s["low_level_share"])
    assert in_unit(s["warned_share"])
    assert s["baseline_revenue"] >= 0
    if s["baseline_revenue"] > 0:
        assert s["trough_frac"] >= 0
        assert s["final_frac"] >= 0
    else:
        assert math.isnan(s["trough_frac"])
    if s["raids"] == 0:
        assert math.isnan(s["warned_share"])
    arrests = s["arrests_workers"] + s["arrests_managers"] + s["arrests_bosses"]
    assert math.isnan(s["low_level_share"]) == (arrests == 0)
    for key in (
        "raids",
        "arrests_workers",
        "arrests_managers",
        "arrests_bosses",
        "relocations",
        "compounds_closed",
        "workers_final",
    ):
        assert s[key] >= 0, key
    assert s["workers_final"] == counts[-1, WORKING]
