"""Names of the summary columns: the output contract that configs may refer to.

They live in the configuration layer because a config names them
(``precision.metric``) and must be checked before a run; :mod:`sim.analysis.metrics`
computes them.
"""

#: The columns measured against the paired no-intervention arm (:mod:`sim.analysis.counterfactual`).
CF_COLUMNS = (
    "final_frac_cf",
    "frac_cf_1y",
    "recovery_days_cf",
    "revenue_lost_days_cf",
    "host_final_frac_cf",
    "displacement_ratio",
)

#: Columns of ``summary.csv`` after ``replication``, in order.
SUMMARY_COLUMNS = (
    "baseline_revenue",
    "trough_frac",
    "trough_day",
    "recovery_days",
    "final_frac",
    "revenue_lost_days",
    "host_final_frac",
    *CF_COLUMNS,
    "raids",
    "raids_deflected",
    "warned_share",
    "arrests_workers",
    "arrests_managers",
    "arrests_bosses",
    "low_level_share",
    "nationalities_arrested",
    "relocations",
    "relocations_abroad",
    "compounds_closed",
    "compounds_founded",
    "workers_final",
    "repatriated",
    "went_home",
    "retrafficked",
    "raids_21d",
    "arrests_21d",
    "raided_sites_21d",
    "raids_30d",
    "arrests_30d",
    "sealed_180d",
    "arrests_180d",
    "raided_kept_operating",
    "raided_resumed",
    "raided_relocated",
    "raided_split",
    "raided_closed",
)

INF = float("inf")
#: Shares: a number in [0, 1].
SHARES = frozenset(
    {
        "warned_share",
        "low_level_share",
        "raided_kept_operating",
        "raided_resumed",
        "raided_relocated",
        "raided_split",
        "raided_closed",
    }
)
#: Columns that may be negative (none today: revenue levels, ratios, days and counts are all >= 0).
SIGNED: frozenset[str] = frozenset()
#: The possible range of every summary column; confidence intervals are clipped to it.
COLUMN_RANGES: dict[str, tuple[float, float]] = {
    c: (0.0, 1.0) if c in SHARES else (-INF, INF) if c in SIGNED else (0.0, INF) for c in SUMMARY_COLUMNS
}
