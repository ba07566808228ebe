"""The numbers behind the views, as plain arrays and rows (no plotting, so they are tested without a browser).

Every band is :func:`sim.analysis.stats.band` over the 7-day trailing mean,
the same interval ``revenue_by_site.png`` and ``summary.json`` use; every
headline is :attr:`StudyResult.stats` formatted by the CLI's own
:func:`sim.runs.output.fmt_number`, so a number on the page reads exactly as
in the terminal table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.analysis.compare import paired
from sim.analysis.counterfactual import CF_COLUMNS
from sim.analysis.metrics import HEADLINE
from sim.analysis.results import StudyResult
from sim.analysis.stats import band, rolling7
from sim.core.compounds import COMPOUND_STATUS
from sim.mechanisms.raids import intensity
from sim.runs.output import fmt_number

#: The headline number of the page: revenue at the end against the no-intervention arm.
HEADLINE_METRIC = "final_frac_cf"
#: Shown beside it when a study runs no counterfactual arm (a scenario without interventions).
HEADLINE_FALLBACK = "final_frac"

LABELS = {
    "final_frac_cf": "revenue at the end / no-intervention arm",
    "frac_cf_1y": "revenue one year on / no-intervention arm",
    "recovery_days_cf": "days to recover to 90% of the no-intervention arm",
    "revenue_lost_days_cf": "revenue lost against the no-intervention arm (days of revenue)",
    "host_final_frac_cf": "host country's revenue at the end / no-intervention arm",
    "displacement_ratio": "revenue gained elsewhere / revenue lost (days 90-240)",
    "raids": "raids",
    "raids_30d": "raids in the first 30 days",
    "arrests_workers": "workers arrested",
    "arrests_30d": "people arrested in the first 30 days",
    "low_level_share": "workers' share of those arrested",
    "nationalities_arrested": "nationalities among arrested workers",
    "trough_frac": "lowest revenue / before the intervention",
    "recovery_days": "days to recover to 90% of the level before",
    "final_frac": "revenue at the end / before the intervention",
    "relocations": "compound relocations",
    "compounds_closed": "compounds closed",
    "arrests_managers": "managers arrested",
    "arrests_bosses": "bosses arrested",
}


def headline_metric(study: StudyResult) -> str:
    return HEADLINE_METRIC if study.counterfactual is not None else HEADLINE_FALLBACK


@dataclass(frozen=True)
class Stat:
    """One metric as the page shows it: the CLI's number format, and the exact mean for the tests."""

    metric: str
    label: str
    mean: float
    ci_low: float
    ci_high: float
    n: int
    text: str  # "0.9637" or "n/a"
    ci_text: str  # "[0.9246, 1.003]" or ""


def stat(study: StudyResult, metric: str) -> Stat:
    s = study.stats[metric]
    ci = "" if math.isnan(s["ci_low"]) else f"[{fmt_number(s['ci_low'])}, {fmt_number(s['ci_high'])}]"
    if s["n"] == 0:
        text = "never" if metric.startswith("recovery_days") and (metric not in CF_COLUMNS or study.counterfactual) else "n/a"
    else:
        text = fmt_number(s["mean"])
    return Stat(metric, LABELS.get(metric, metric), s["mean"], s["ci_low"], s["ci_high"], int(s["n"]), text, ci)


def headline_stats(study: StudyResult) -> list[Stat]:
    """The metrics of the CLI's terminal table, in its order."""
    return [stat(study, m) for m in HEADLINE]


def days_axis(study: StudyResult) -> np.ndarray:
    """Days counted from the intervention (negative during the warm-up)."""
    n_days = study.replications[0].series["revenue_usd"].shape[0]
    return np.arange(n_days) - study.config.intervention_day


def revenue_band(study: StudyResult, arm: str = "scenario") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Network revenue (USD million/day, 7-day mean): mean and 95% band over replications."""
    runs = np.stack([rolling7(x) for x in study.revenue(arm)]) / 1e6
    return band(runs)


def revenue_by_site(study: StudyResult) -> dict[str, np.ndarray]:
    """Mean revenue of each site (USD million/day, 7-day mean), scenario arm."""
    per_site = np.stack([r.series["revenue_usd"] for r in study.replications])  # reps, days, sites
    return {name: np.mean([rolling7(x) for x in per_site[:, :, s]], axis=0) / 1e6 for s, name in enumerate(study.site_names)}


def raid_windows(study: StudyResult) -> list[tuple[float, float]]:
    """Per campaign, the days (from the intervention) when raids run above half their peak."""
    cfg = study.config
    t0 = cfg.intervention_day
    days = days_axis(study)
    out = []
    for camp in cfg.scenario.campaigns.values():
        level = np.array([intensity(camp, float(t0 + camp.day), float(t0 + d)) for d in days])
        active = days[level > 0.5]
        if active.size:
            out.append((float(active[0]), float(active[-1])))
    return out


def arrests_by_rank(study: StudyResult) -> dict[str, float]:
    """Mean people arrested per replication: workers, managers, bosses."""
    return {rank: float(study.stats[f"arrests_{rank}"]["mean"]) for rank in ("workers", "managers", "bosses")}


def arrests_by_nationality(study: StudyResult, top: int = 12) -> list[tuple[str, float]]:
    """Mean workers arrested per replication by nationality, most first (the rest summed as "others")."""
    reps = study.replications
    total = np.mean([r.arrests_by_nationality for r in reps], axis=0)
    order = np.argsort(-total, kind="stable")
    names = reps[0].nationalities
    rows = [(names[i], float(total[i])) for i in order[:top] if total[i] > 0]
    rest = float(total[order[top:]].sum())
    if rest > 0:
        rows.append(("others", rest))
    return rows


def events_rows(study: StudyResult) -> dict[str, np.ndarray]:
    """The event log of every replication (``events.csv``'s columns) with the day counted from the intervention."""
    ev = study.events
    t0 = study.config.intervention_day
    return {
        "replication": ev["replication"],
        "day": ev["day"] - t0,
        "event": ev["event"],
        "site": ev["site"],
        "compound": ev["compound"],
        "boss": ev["boss"],
        "count": ev["count"],
    }


PAIRED_METRICS = (
    "final_frac_cf",
    "frac_cf_1y",
    "revenue_lost_days_cf",
    "final_frac",
    "raids",
    "arrests_workers",
    "arrests_managers",
    "arrests_bosses",
    "relocations",
    "relocations_abroad",
    "compounds_closed",
    "went_home",
)


def paired_rows(a: StudyResult, b: StudyResult, metrics: tuple[str, ...] = PAIRED_METRICS) -> list[dict[str, str | float]]:
    """Policy B minus policy A, paired by replication (:func:`sim.analysis.compare.paired`), ready to tabulate."""
    out: list[dict[str, str | float]] = []
    for row in paired(a, b, [m for m in metrics if m in a.stats]):
        lo, hi = float(row["ci_low"]), float(row["ci_high"])
        if math.isnan(lo):
            verdict = "too few replications"
        elif lo > 0:
            verdict = "B higher"
        elif hi < 0:
            verdict = "B lower"
        else:
            verdict = "no clear difference"
        out.append(
            {
                "metric": str(row["metric"]),
                "A": fmt_number(float(row["base_mean"])),
                "B": fmt_number(float(row["other_mean"])),
                "B - A": fmt_number(float(row["diff"])),
                "95% CI (paired)": _interval(lo, hi),
                "95% CI (unpaired)": _interval(float(row["unpaired_ci_low"]), float(row["unpaired_ci_high"])),
                "reading": verdict,
            }
        )
    return out


def _interval(lo: float, hi: float) -> str:
    return "" if math.isnan(lo) else f"[{fmt_number(lo)}, {fmt_number(hi)}]"


def status_name(code: int) -> str:
    return COMPOUND_STATUS[code] if 0 <= code < len(COMPOUND_STATUS) else "not founded"
