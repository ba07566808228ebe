"""The counterfactual arm: the same replication with no intervention, and metrics measured against it.

A scenario's effect is the difference from what the network would have done
without it, not from its pre-wave level: the network grows, so recovery to
the pre-wave level counts the network's own growth as recovery.  Each
replication of an intervention scenario is therefore paired with a
replication of the same config and the same seed and replication index
(common random numbers) in which every intervention list is empty
(:func:`counterfactual_config`).  The warm-up is shared exactly; the arms
differ only through the intervention.

Windows are half-open day ranges counted from ``intervention_day`` (day 0):
"one year on" is days [335, 365), displacement is measured over [90, 240).
Revenue lost and the pre-wave scale are measured from the day the arms part
(:func:`intervention_start`), which comes before day 0 when an action does:
the July 2025 wave's first campaign starts 19 days before the directive, and
network removals are set 10 days before the wave.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from sim.analysis.stats import rolling7
from sim.config import columns
from sim.config.schema import ScamsimConfig, ScenarioConf, TargetingConf
from sim.model import ReplicationResult

__all__ = [
    "CF_COLUMNS",
    "COUNTERFACTUAL",
    "counterfactual_config",
    "counterfactual_metrics",
    "effect_class",
    "empty_scenario",
    "has_interventions",
    "intervention_start",
    "pre_wave",
]

#: The counterfactual arm's scenario name and its ``arm`` label in ``timeseries.csv``.
COUNTERFACTUAL = "counterfactual"
RECOVERY_LEVEL = 0.9
#: A lasting effect: the network at least 20% below where it would have been.
LASTING_LEVEL = 0.8
ONE_YEAR = (335, 365)
DISPLACEMENT = (90, 240)

CF_COLUMNS = columns.CF_COLUMNS


def _intervention_fields(scenario: ScenarioConf) -> list[str]:
    """Every list or dict field of the scenario: each is a kind of intervention, whatever it is called."""
    return [f.name for f in dataclasses.fields(scenario) if isinstance(getattr(scenario, f.name), (list, dict))]


def has_interventions(scenario: ScenarioConf) -> bool:
    """True when any intervention list of the scenario (campaigns, cuts, ... or any kind added later) is non-empty,
    or its network targeting removes anyone."""
    lists = any(len(getattr(scenario, name)) for name in _intervention_fields(scenario))
    return lists or (scenario.targeting.strategy != "none" and scenario.targeting.count > 0)


def intervention_start(config: ScamsimConfig) -> int:
    """The first day any intervention acts (``intervention_day`` if none acts before it): the arms part there.

    Every entry of every intervention list has a ``day`` counted from
    ``intervention_day``; network targeting has one too when it removes
    anyone.  A "pre-wave" level is read in the 30 days before this day, and
    losses are counted from it, so an action before the directive (the July
    2025 wave's June campaign) is neither in the baseline nor left out of
    the losses.  Never before day 0.
    """
    scenario = config.scenario
    days = [0]
    for name in _intervention_fields(scenario):
        entries = getattr(scenario, name)
        days += [e.day for e in (entries.values() if isinstance(entries, dict) else entries) if hasattr(e, "day")]
    if scenario.targeting.strategy != "none" and scenario.targeting.count > 0:
        days.append(scenario.targeting.day)
    return max(config.intervention_day + min(days), 0)


def pre_wave(series: np.ndarray, start: int) -> float:
    """The mean of a daily series over the 30 days before ``start`` (:func:`intervention_start`): the pre-wave level.

    Fewer days when ``start`` is under 30; NaN when it is day 0 (nothing before it).
    """
    return float(series[max(start - 30, 0) : start].mean()) if start > 0 else math.nan


def empty_scenario(scenario: ScenarioConf) -> ScenarioConf:
    """The scenario with every intervention list emptied and no targeting, named ``counterfactual``."""
    empty: dict[str, Any] = {name: type(getattr(scenario, name))() for name in _intervention_fields(scenario)}
    empty["targeting"] = TargetingConf()
    return dataclasses.replace(
        scenario, name=COUNTERFACTUAL, description=f"no intervention (counterfactual of {scenario.name})", **empty
    )


def counterfactual_config(config: ScamsimConfig) -> ScamsimConfig:
    """The same config with the empty scenario: same world, mechanisms, seed and horizon."""
    return dataclasses.replace(config, scenario=empty_scenario(config.scenario))


def effect_class(ci_low: float | None, ci_high: float | None) -> str:
    """``lasting`` if the CI of a ratio to the counterfactual lies wholly below :data:`LASTING_LEVEL`,
    ``recovers`` if wholly above :data:`RECOVERY_LEVEL`, ``partial`` otherwise (also when a bound is missing)."""
    if ci_high is not None and ci_high < LASTING_LEVEL:
        return "lasting"
    if ci_low is not None and ci_low > RECOVERY_LEVEL:
        return "recovers"
    return "partial"


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else math.nan


def counterfactual_metrics(
    result: ReplicationResult, cf: ReplicationResult | None, config: ScamsimConfig, host: np.ndarray
) -> dict[str, float]:
    """The summary columns measured against the paired counterfactual arm (NaN without one)."""
    if cf is None:
        return dict.fromkeys(CF_COLUMNS, math.nan)
    t0 = config.intervention_day
    rev, rev_cf = result.revenue, cf.revenue
    n = rev.size
    a, b = t0 + ONE_YEAR[0], t0 + ONE_YEAR[1]
    one_year = _ratio(rev[a:b].mean(), rev_cf[a:b].mean()) if b <= n else math.nan
    host_rev = result.series["revenue_usd"][:, host].sum(axis=1)
    host_cf = cf.series["revenue_usd"][:, host].sum(axis=1)
    start = intervention_start(config)
    scale = pre_wave(rev_cf, start)
    lost = float(np.sum(np.maximum(rev_cf[start:] - rev[start:], 0.0)))
    return {
        "final_frac_cf": _ratio(rev[-30:].mean(), rev_cf[-30:].mean()),
        "frac_cf_1y": one_year,
        "recovery_days_cf": _recovery(rolling7(rev)[t0:], rolling7(rev_cf)[t0:]),
        "revenue_lost_days_cf": lost / scale if scale > 0 else math.nan,
        "host_final_frac_cf": _ratio(host_rev[-30:].mean(), host_cf[-30:].mean()),
        "displacement_ratio": _displacement(result, cf, t0),
    }


def _recovery(smooth: np.ndarray, smooth_cf: np.ndarray) -> float:
    """First day after the trough of smooth / smooth_cf when it is back to 90%; 0 if it never fell below, NaN if never."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(smooth_cf > 0, smooth / np.where(smooth_cf > 0, smooth_cf, 1.0), np.where(smooth > 0, np.inf, 1.0))
    if ratio.size == 0:
        return math.nan
    if ratio.min() >= RECOVERY_LEVEL:
        return 0.0
    trough = int(np.argmin(ratio))
    back = np.flatnonzero(ratio[trough:] >= RECOVERY_LEVEL)
    return float(trough + back[0]) if back.size else math.nan


def _displacement(result: ReplicationResult, cf: ReplicationResult, t0: int) -> float:
    """Revenue gained at sites that gained over revenue lost at sites that lost, vs the counterfactual, days [90, 240)."""
    a, b = t0 + DISPLACEMENT[0], t0 + DISPLACEMENT[1]
    diff = result.series["revenue_usd"][a:b].sum(axis=0) - cf.series["revenue_usd"][a:b].sum(axis=0)
    lost = float(-diff[diff < 0].sum())
    return float(diff[diff > 0].sum()) / lost if lost > 0 else math.nan
