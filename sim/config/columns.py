"""Names of the summary columns: the output contract that configs may refer to.

They live in the configuration layer because a config names them
(``precision.metric``) and must be checked before a run; :mod:`sim.analysis.metrics`
computes them.
"""

#: Columns of ``summary.csv`` after ``replication``, in order.
SUMMARY_COLUMNS = (
    "baseline_revenue",
    "trough_frac",
    "trough_day",
    "recovery_days",
    "final_frac",
    "revenue_lost_days",
    "host_final_frac",
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
)
