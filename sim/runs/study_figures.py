"""The figures of the reproduction studies (``results/fig1`` ... ``fig6``): one function per figure.

Each function draws one figure from study results and writes it atomically;
those that also make a table return its rows.  Called by
:mod:`sim.runs.reproduce`; the observed figures drawn beside the model's
come from :mod:`sim.analysis.observed`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.analysis.metrics import mean_ci, rolling7
from sim.analysis.observed import AP_NATIONALITIES, AP_TOTAL, CAMPAIGN_ARRESTS, MIN_NATIONALITIES, SENIOR_SHARE
from sim.analysis.results import StudyResult
from sim.analysis.stats import t_quantile
from sim.runs.atomic import atomic_savefig


def _save(fig: plt.Figure, path: Path) -> None:
    fig.tight_layout()
    atomic_savefig(fig, path, dpi=110)
    plt.close(fig)


def _band(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over replications and the half-width of its 95% CI: Student t, as in summary.json (not 1.96)."""
    mean = x.mean(axis=0)
    n = x.shape[0]
    half = t_quantile(n) * x.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(mean)
    return mean, half


def _relative_to_cf(rev: np.ndarray, res: StudyResult) -> np.ndarray:
    """7-day revenue ``rev`` of each replication over its paired no-intervention arm's (same seed), shape (reps, days)."""
    cf = np.stack([rolling7(r) for r in res.revenue("counterfactual")])
    return np.divide(rev, cf, out=np.ones_like(rev), where=cf > 0)


def revenue_by_scenario(results: dict[str, StudyResult], path: Path) -> None:
    """Figure 1: network revenue against the paired counterfactual (left) and against its pre-wave level (right).

    The left panel is the effect: each replication divided by the same
    replication with no intervention.  The right panel is the old view: the
    network's own growth shows in the baseline and would count as recovery.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5.5), sharex=True)
    for name, res in results.items():
        t0 = res.config.intervention_day
        rev = np.stack([rolling7(r) for r in res.revenue()])
        days = np.arange(rev.shape[1]) - t0
        pre = rev / rev[:, t0 - 30 : t0].mean(axis=1, keepdims=True)
        mean, half = _band(pre)
        (line,) = ax2.plot(days, mean, label=name)
        ax2.fill_between(days, mean - half, mean + half, alpha=0.2, color=line.get_color())
        if res.counterfactual:
            mean, half = _band(_relative_to_cf(rev, res))
            ax1.plot(days, mean, label=name, color=line.get_color())
            ax1.fill_between(days, mean - half, mean + half, alpha=0.2, color=line.get_color())
    for ax in (ax1, ax2):
        ax.axvline(0, color="black", linestyle="--", linewidth=1)
        ax.axhline(0.9, color="grey", linestyle=":", linewidth=1, label="recovery threshold (90%)")
        ax.set_xlabel("days since the intervention")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, ncol=2)
    ax1.axhline(1.0, color="black", linewidth=0.8)
    any_res = next(iter(results.values()))
    ax1.set_title(
        f"Effect: revenue / paired no-intervention arm (world={any_res.config.world.name}, "
        f"{len(any_res.replications)} replications)"
    )
    ax1.set_ylabel("revenue / counterfactual (7-day means)")
    ax2.set_title("Revenue / pre-intervention level (counts the network's own growth)")
    ax2.set_ylabel("revenue / last 30 days before day 0 (7-day mean)")
    _save(fig, path)


def recovery(results: dict[str, StudyResult], path: Path) -> None:
    """Figure 2: recovery time against the counterfactual (never-recovered shown as a count) and level one year on."""
    names = [n for n, r in results.items() if r.counterfactual]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    rec = [np.array([s["recovery_days_cf"] for s in results[n].summaries], float) for n in names]
    final = [np.array([s["final_frac_cf"] for s in results[n].summaries], float) for n in names]
    for i, r in enumerate(rec):
        ok = r[~np.isnan(r)]
        jitter = np.linspace(-0.15, 0.15, ok.size) if ok.size > 1 else np.zeros(ok.size)
        ax1.scatter(np.full(ok.size, i) + jitter, ok, s=12, alpha=0.7)
        never = int(np.isnan(r).sum())
        if never:
            ax1.annotate(f"{never} never", (i, 0), ha="center", va="bottom", fontsize=8, color="red")
    ax1.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax1.set_ylabel("days from the intervention until back to 90% of the counterfactual")
    ax1.set_title("Recovery time by replication (recovery_days_cf)")
    ax2.boxplot(final, tick_labels=names)
    ax2.axhline(1.0, color="grey", linestyle=":")
    ax2.axhline(0.8, color="red", linestyle=":", label="lasting effect (20% below)")
    ax2.tick_params(axis="x", rotation=30)
    ax2.set_ylabel("revenue / counterfactual, last 30 days (final_frac_cf)")
    ax2.set_title("Level at the end against the counterfactual")
    ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    _save(fig, path)


def displacement(res: StudyResult, path: Path) -> list[dict]:
    """Figure 3: revenue by site minus the paired counterfactual's, in three windows, mean and paired 95% CI."""
    t0 = res.config.intervention_day
    per_site = np.stack([r.series["revenue_usd"] for r in res.replications])  # reps, days, sites
    per_cf = np.stack([r.series["revenue_usd"] for r in res.counterfactual or res.replications])
    windows = {
        "during (days 0-60)": (t0, t0 + 60),
        "after (days 90-240)": (t0 + 90, t0 + 240),
        "end (last 90 days)": (per_site.shape[1] - 90, per_site.shape[1]),
    }
    sites = res.site_names
    countries = [res.config.world.sites[s].country for s in sites]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(windows)
    rows = []
    for w, (label, (a, b)) in enumerate(windows.items()):
        level = per_site[:, a:b, :].mean(axis=1) / 1e6  # reps, sites
        level_cf = per_cf[:, a:b, :].mean(axis=1) / 1e6
        mean, half = _band(level - level_cf)
        ax.bar(np.arange(len(sites)) + w * width, mean, width, yerr=half, label=label, capsize=2)
        for s, site in enumerate(sites):
            rows.append(
                {
                    "window": label,
                    "site": site,
                    "country": countries[s],
                    "revenue_musd_day": float(level[:, s].mean()),
                    "counterfactual_musd_day": float(level_cf[:, s].mean()),
                    "difference_musd_day": mean[s],
                    "ci_half_width": half[s],
                }
            )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(np.arange(len(sites)) + width, [f"{s}\n({c})" for s, c in zip(sites, countries, strict=True)], fontsize=8)
    ax.set_ylabel("revenue minus counterfactual, USD million/day (paired 95% CI)")
    ax.set_title(
        f"Where the revenue went: {res.config.scenario.name} against no intervention, {len(res.replications)} replications"
    )
    ax.legend()
    ax.grid(alpha=0.3, axis="y")
    _save(fig, path)
    return rows


def arrests(res: StudyResult, path: Path) -> list[dict]:
    """Figure 5: who is arrested, against the July 2025 figures."""
    summ = res.summary
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    ranks = ["arrests_workers", "arrests_managers", "arrests_bosses"]
    stats = [mean_ci(summ[r]) for r in ranks]
    ax1.bar(["workers", "managers", "bosses"], [s[0] for s in stats], yerr=[(s[2] - s[1]) / 2 for s in stats], capsize=4)
    ax1.axhline(CAMPAIGN_ARRESTS, color="red", linestyle="--", label="observed: > 3,000 arrests (CNA)")
    low = mean_ci(summ["low_level_share"])
    ax1.set_yscale("symlog", linthresh=10)
    ax1.set_title(f"Arrests by rank: low-level share {low[0]:.3f} (observed senior share ~{SENIOR_SHARE:.1%})")
    ax1.legend(fontsize=8)
    names = res.replications[0].nationalities
    counts = np.stack([r.arrests_by_nationality for r in res.replications]).astype(float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    shown = list(AP_NATIONALITIES)
    idx = [names.index(n) for n in shown]
    model = [*shares[:, idx].mean(axis=0), 1 - shares[:, idx].sum(axis=1).mean()]
    observed = [*(AP_NATIONALITIES[n] / AP_TOTAL for n in shown), 1 - sum(AP_NATIONALITIES.values()) / AP_TOTAL]
    x = np.arange(len(shown) + 1)
    ax2.bar(x - 0.2, model, 0.4, label=f"model ({len(res.replications)} replications)")
    ax2.bar(x + 0.2, observed, 0.4, label="observed, first 3 weeks (AP, n=2,137)")
    ax2.set_xticks(x, [*shown, "other"], rotation=30, ha="right")
    nat = mean_ci(summ["nationalities_arrested"])
    ax2.set_title(f"Nationalities of arrested workers: {nat[0]:.1f} (observed >= {MIN_NATIONALITIES})")
    ax2.set_ylabel("share of arrested workers")
    ax2.legend(fontsize=8)
    _save(fig, path)
    rows = [
        {"quantity": r, "model_mean": s[0], "ci_low": s[1], "ci_high": s[2], "observed": ""}
        for r, s in zip(ranks, stats, strict=True)
    ]
    rows.append(
        {"quantity": "low_level_share", "model_mean": low[0], "ci_low": low[1], "ci_high": low[2], "observed": 1 - SENIOR_SHARE}
    )
    rows.append(
        {
            "quantity": "nationalities_arrested",
            "model_mean": nat[0],
            "ci_low": nat[1],
            "ci_high": nat[2],
            "observed": f">= {MIN_NATIONALITIES}",
        }
    )
    for n, m, o in zip([*shown, "other"], model, observed, strict=True):
        rows.append({"quantity": f"share_{n.replace(' ', '_')}", "model_mean": m, "ci_low": "", "ci_high": "", "observed": o})
    return rows


def phase(rates: list[float], scales: list[float], share: np.ndarray, within: int, default_rate: float, path: Path) -> None:
    """Figure 4: share of replications recovering (against the counterfactual) within a year over raid rate x protection."""
    fig, ax = plt.subplots(figsize=(8, 5.5))
    im = ax.imshow(share, origin="lower", cmap="RdYlGn_r", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(rates)), [f"{r:g}" for r in rates])
    ax.set_yticks(range(len(scales)), [f"{s:g}" for s in scales])
    for i in range(len(scales)):
        for j in range(len(rates)):
            ax.text(j, i, f"{share[i, j]:.2f}", ha="center", va="center", fontsize=8)
    ax.set_xlabel(f"peak raid rate (raids/day per 100 compounds; July 2025 default = {default_rate:g})")
    ax.set_ylabel("protection strength scale (0 = none, 1 = calibrated)")
    ax.set_title(f"Share of replications back to 90% of the counterfactual within {within} days")
    fig.colorbar(im, ax=ax, label="share recovered")
    _save(fig, path)


def claim(rows: list[dict], path: Path) -> None:
    """Figure 6: paired differences (targeted - raid-only) with paired and unpaired 95% CIs."""
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(rows) + 1.5))
    y = np.arange(len(rows))
    for i, r in enumerate(rows):
        scale = max(abs(r["base_mean"]), 1e-12) if r["base_mean"] == r["base_mean"] else 1.0
        ax.plot([r["unpaired_ci_low"] / scale, r["unpaired_ci_high"] / scale], [i + 0.15] * 2, color="lightgrey", linewidth=4)
        ax.plot([r["ci_low"] / scale, r["ci_high"] / scale], [i] * 2, color="black", linewidth=2)
        ax.plot(r["diff"] / scale, i, "o", color="black")
    ax.axvline(0, color="red", linestyle="--")
    ax.set_yticks(y, [r["metric"] for r in rows])
    ax.set_xlabel("difference relative to the raid-only mean (black: paired 95% CI; grey: unpaired)")
    ax.set_title(f"{rows[0]['other']} minus {rows[0]['base']} at equal enforcement budget")
    ax.grid(alpha=0.3, axis="x")
    _save(fig, path)
