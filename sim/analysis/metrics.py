"""Summary metrics of a replication and confidence intervals over replications.

Revenue is the network's total daily revenue over all sites, so money that
moves abroad still counts: "recovery" means the network's, not Cambodia's.
Daily revenue is smoothed with a trailing 7-day mean before the trough and
recovery are read, so one unlucky day does not make a trough.
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.counterfactual import CF_COLUMNS, counterfactual_metrics, intervention_start, pre_wave
from sim.analysis.stats import column_ci, mean_ci, rolling7
from sim.analysis.windows import raid_outcomes, window_counts
from sim.config.columns import SUMMARY_COLUMNS
from sim.config.schema import ScamsimConfig
from sim.core.events import PEOPLE_COUNTS, EventKind
from sim.model import ReplicationResult

__all__ = ["HEADLINE", "SUMMARY_COLUMNS", "column_ci", "host_sites", "mean_ci", "rolling7", "summarise"]

#: The metrics the terminal table shows: first the effect against the counterfactual arm, then the rest.
HEADLINE = (
    *CF_COLUMNS,
    "raids",
    "raids_30d",
    "arrests_workers",
    "arrests_30d",
    "low_level_share",
    "nationalities_arrested",
    "trough_frac",
    "recovery_days",
    "final_frac",
    "host_final_frac",
    "relocations",
    "compounds_closed",
)

RECOVERY_LEVEL = 0.9


def summarise(result: ReplicationResult, config: ScamsimConfig, cf: ReplicationResult | None = None) -> dict[str, float]:
    """One summary row; ``recovery_days`` is NaN when revenue never recovers.

    ``cf`` is the paired counterfactual arm (same seed and replication, no
    intervention); without it the ``*_cf`` columns and ``displacement_ratio``
    are NaN.
    """
    t0 = config.intervention_day
    start = intervention_start(config)  # the pre-wave level is read before the first action, not the directive
    revenue = result.revenue
    baseline = pre_wave(revenue, start)
    smooth = rolling7(revenue)
    after = smooth[t0:]
    trough = int(np.argmin(after))
    scale = baseline if baseline > 0 else math.nan
    recovered = np.flatnonzero(after[trough:] >= RECOVERY_LEVEL * baseline)
    if after.min() >= RECOVERY_LEVEL * baseline:
        recovery = 0.0
    elif recovered.size:
        recovery = float(trough + recovered[0])
    else:
        recovery = math.nan
    host = host_sites(result, config)
    host_rev = result.series["revenue_usd"][:, host].sum(axis=1)
    host_base = pre_wave(host_rev, start)
    counts = _event_counts(result)
    arrests = counts[EventKind.ARREST_WORKERS] + counts[EventKind.ARREST_MANAGERS] + counts[EventKind.ARREST_BOSS]
    raids = counts[EventKind.RAID]
    return {
        "baseline_revenue": baseline,
        "trough_frac": float(after[trough] / scale),
        "trough_day": float(trough),
        "recovery_days": recovery,
        "final_frac": float(revenue[-30:].mean() / scale),
        "revenue_lost_days": float(np.sum(np.maximum(baseline - revenue[start:], 0.0)) / scale),
        "host_final_frac": float(host_rev[-30:].mean() / host_base) if host_base > 0 else math.nan,
        "raids": raids,
        "raids_deflected": counts[EventKind.RAID_DEFLECTED],
        "warned_share": counts[EventKind.WARNING] / raids if raids else math.nan,
        "arrests_workers": counts[EventKind.ARREST_WORKERS],
        "arrests_managers": counts[EventKind.ARREST_MANAGERS],
        "arrests_bosses": counts[EventKind.ARREST_BOSS],
        "low_level_share": counts[EventKind.ARREST_WORKERS] / arrests if arrests else math.nan,
        "nationalities_arrested": result.nationalities_arrested,
        "relocations": counts[EventKind.RELOCATION],
        "relocations_abroad": _relocations_abroad(result, config),
        "compounds_closed": counts[EventKind.COMPOUND_CLOSED],
        "compounds_founded": result.compounds_founded,
        "workers_final": float(result.series["workers"][-1].sum()),
        "repatriated": _ledger_total(result, "repatriated"),
        "went_home": _ledger_total(result, "fled_went_home"),
        "retrafficked": counts[EventKind.RETRAFFICKED],
        **counterfactual_metrics(result, cf, config, host),
        **window_counts(result, config),
        **raid_outcomes(result),
    }


def _event_counts(result: ReplicationResult) -> dict[EventKind, int]:
    """Per kind: people for arrests and re-trafficking, else the number of events."""
    out = dict.fromkeys(EventKind, 0)
    for e in result.events:
        out[e.kind] += e.amount if e.kind in PEOPLE_COUNTS else 1
    return out


def _ledger_total(result: ReplicationResult, reason: str) -> int:
    return sum(entry.workers for entry in result.ledger if entry.reason == reason)


def host_sites(result: ReplicationResult, config: ScamsimConfig) -> np.ndarray:
    """Sites in the countries the scenario's campaigns target (all sites if none)."""
    countries = {camp.country for camp in config.scenario.campaigns.values()} or {"Cambodia"}
    mask = np.array([config.world.sites[s].country in countries for s in result.site_names])
    return np.flatnonzero(mask) if mask.any() else np.arange(len(result.site_names))


def _relocations_abroad(result: ReplicationResult, config: ScamsimConfig) -> int:
    host = set(host_sites(result, config).tolist())
    return sum(1 for e in result.events if e.kind is EventKind.RELOCATION and e.site not in host)
