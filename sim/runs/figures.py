"""Figures of a study (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.analysis.results import StudyResult
from sim.mechanisms.raids import intensity


def revenue_by_site(study: StudyResult, path: Path) -> None:
    """Mean daily revenue by site (7-day mean), total with its 95% band (and the counterfactual arm's), intervention marked."""
    from sim.analysis.stats import band, rolling7

    cfg = study.config
    t0 = cfg.intervention_day
    per_site = np.stack([r.series["revenue_usd"] for r in study.replications])  # reps, days, sites
    days = np.arange(per_site.shape[1]) - t0
    fig, (ax_total, ax_sites) = plt.subplots(2, 1, figsize=(10, 8), sharex=True)
    total = np.stack([rolling7(x) for x in per_site.sum(axis=2)]) / 1e6
    n = total.shape[0]
    mean, lo, hi = band(total)  # the same interval as summary.json: Student t, clipped at 0
    ax_total.plot(days, mean, color="black", label="network total (mean)")
    ax_total.fill_between(days, lo, hi, color="grey", alpha=0.3, label="95% CI of the mean (Student t)")
    if study.counterfactual:
        cf = np.stack([rolling7(r.revenue) for r in study.counterfactual]) / 1e6
        cf_mean, cf_lo, cf_hi = band(cf)
        ax_total.plot(days, cf_mean, color="tab:blue", linestyle=":", label="counterfactual: no intervention (mean)")
        ax_total.fill_between(days, cf_lo, cf_hi, color="tab:blue", alpha=0.15)
    ax_total.set_ylabel("revenue, USD million/day")
    ax_total.set_title(f"{cfg.scenario.name} on world={cfg.world.name}: {n} replications, seed {cfg.seed}")
    for s, name in enumerate(study.site_names):
        ax_sites.plot(days, np.mean([rolling7(x) for x in per_site[:, :, s]], axis=0) / 1e6, label=name)
    ax_sites.set_ylabel("revenue by site, USD million/day")
    ax_sites.set_xlabel(f"days since the intervention (day {t0} of the run)")
    for ax in (ax_total, ax_sites):
        ax.axvline(0, color="red", linestyle="--", linewidth=1, label="intervention")
        for camp in cfg.scenario.campaigns.values():
            level = np.array([intensity(camp, float(t0 + camp.day), float(t0 + d)) for d in days])
            active = days[level > 0.5]
            if active.size:
                ax.axvspan(active[0], active[-1], color="red", alpha=0.08, label="raids above half peak")
        ax.legend(fontsize=7, loc="upper left", ncol=2)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
