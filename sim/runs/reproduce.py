"""The studies behind the figures in ``results/``: scenarios, phase and claim.

Each function takes a loaded :class:`~sim.runs.experiment.Study` (from
``configs/experiment/<name>.yaml``), runs it, and writes its figures and
tables into ``out``, every figure with a JSON sidecar naming the study and
its provenance (:func:`~sim.runs.provenance.write_sidecar`).  It returns
the paths it wrote.  ``python experiments/reproduce.py`` is the command
line over :data:`STUDIES`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim.analysis.compare import paired
from sim.analysis.metrics import SUMMARY_COLUMNS
from sim.config.compose import compose
from sim.runs import study_figures as figures
from sim.runs.atomic import write_csv
from sim.runs.experiment import Study, base_overrides, run_many
from sim.runs.provenance import write_sidecar

__all__ = ["STUDIES", "claim", "phase", "scenarios"]


def scenarios(study: Study, out: Path, jobs: int) -> list[Path]:
    """Figures 1, 2, 3 and 5 and their tables: every scenario of ``spec.scenarios`` at the study's seed."""
    names = list(study.spec["scenarios"])
    base = base_overrides(study)
    results = dict(zip(names, run_many([[*base, f"scenario={n}"] for n in names], jobs), strict=True))
    rows = []
    for n, res in results.items():
        row: dict[str, object] = {"scenario": n, "replications": len(res.replications)}
        for col in SUMMARY_COLUMNS:
            s = res.stats[col]
            row.update({col: s["mean"], f"{col}_ci_low": s["ci_low"], f"{col}_ci_high": s["ci_high"], f"{col}_n": s["n"]})
        rows.append(row)
    written = [write_csv(out / "scenarios.csv", rows)]
    record = study.record()
    for name, draw in (("fig1_revenue_by_scenario.png", figures.revenue_by_scenario), ("fig2_recovery.png", figures.recovery)):
        draw(results, out / name)
        write_sidecar(out / name, record)
        written.append(out / name)
    crack = results.get("crackdown_2025") or next(iter(results.values()))
    table = figures.displacement(crack, out / "fig3_displacement.png")
    write_sidecar(out / "fig3_displacement.png", record, scenario=crack.config.scenario.name)
    written += [out / "fig3_displacement.png", write_csv(out / "displacement.csv", table)]
    arrests = figures.arrests(crack, out / "fig5_arrests.png")
    write_sidecar(out / "fig5_arrests.png", record, scenario=crack.config.scenario.name)
    written += [out / "fig5_arrests.png", write_csv(out / "arrests.csv", arrests)]
    return written


def phase(study: Study, out: Path, jobs: int) -> list[Path]:
    """Figure 4: share of replications back to 90% of their counterfactual within ``spec.recovery_within_days``.

    Over a grid of raid rate x protection strength; a replication that
    never fell below 90% of its counterfactual counts as recovered at day 0.
    """
    spec = study.spec
    rates, scales = list(spec["raid_rates"]), list(spec["strength_scales"])
    points = [(r, s) for s in scales for r in rates]
    sets = [
        [*base_overrides(study), f"scenario.campaigns.july_2025.peak_raid_rate={r}", f"protection.strength_scale={s}"]
        for r, s in points
    ]
    results = run_many(sets, jobs)
    within = spec["recovery_within_days"]
    share = np.zeros((len(scales), len(rates)))
    rows = []
    for (r, s), res in zip(points, results, strict=True):
        rec = np.array([x["recovery_days_cf"] for x in res.summaries], float)
        frac = float(np.mean(~np.isnan(rec) & (rec <= within)))
        share[scales.index(s), rates.index(r)] = frac
        rows.append(
            {
                "peak_raid_rate": r,
                "strength_scale": s,
                "replications": len(rec),
                "recovered_share": frac,
                "raids": res.stats["raids"]["mean"],
                "raids_30d": res.stats["raids_30d"]["mean"],
                "final_frac_cf": res.stats["final_frac_cf"]["mean"],
                "final_frac_cf_ci_low": res.stats["final_frac_cf"]["ci_low"],
                "final_frac_cf_ci_high": res.stats["final_frac_cf"]["ci_high"],
                "frac_cf_1y": res.stats["frac_cf_1y"]["mean"],
                "final_frac": res.stats["final_frac"]["mean"],
                "warned_share": res.stats["warned_share"]["mean"],
            }
        )
    written = [write_csv(out / "phase.csv", rows)]
    default_rate = compose(base_overrides(study)).scenario.campaigns["july_2025"].peak_raid_rate
    figures.phase(rates, scales, share, within, default_rate, out / "fig4_phase.png")
    write_sidecar(out / "fig4_phase.png", study.record())
    return [*written, out / "fig4_phase.png"]


#: The targeted arm's raid spending must come within this share of the raid-only arm's budget.
BUDGET_TOLERANCE = 0.05
#: At most this many runs of the targeted arm to bring its spending within the tolerance.
BUDGET_ROUNDS = 4


def claim(study: Study, out: Path, jobs: int) -> list[Path]:
    """Figure 6: raid-only against targeted enforcement at an equal budget, paired by replication.

    The budget is what the raid-only wave spends (its mean raid count x the
    cost of a raid).  The targeted arm pays for its removals and cuts first;
    every campaign's peak rate is then scaled by one factor so that its raids
    spend the rest.  Raids do not scale in proportion with the rate (removing
    a national patron speeds a campaign up, 7.25), so the factor is corrected
    from the raids measured, run by run, until the spending is within
    :data:`BUDGET_TOLERANCE` of the budget (at most :data:`BUDGET_ROUNDS` runs).
    """
    spec = study.spec
    costs = spec["costs"]
    base = base_overrides(study)
    (raid_only,) = run_many([[*base, f"scenario={spec['raid_only']}"]], 1)
    target_cfg = compose([*base, f"scenario={spec['targeted']}"])
    extra = costs["protector_removal"] * len(target_cfg.scenario.protector_removals) + costs["site_cut"] * sum(
        len(c.sites) for c in target_cfg.scenario.cuts.values()
    )
    budget = raid_only.stats["raids"]["mean"] * costs["raid"]
    raid_budget = max(budget - extra, 0.0)
    factor = raid_budget / budget
    rounds = []
    for _ in range(BUDGET_ROUNDS):
        rates = {name: camp.peak_raid_rate * factor for name, camp in target_cfg.scenario.campaigns.items()}
        (targeted,) = run_many(
            [
                [
                    *base,
                    f"scenario={spec['targeted']}",
                    *(f"scenario.campaigns.{n}.peak_raid_rate={r:.6g}" for n, r in rates.items()),
                ]
            ],
            1,
        )
        spent_raids = targeted.stats["raids"]["mean"] * costs["raid"]
        rounds.append({"factor": factor, "raid_spending": spent_raids, "spent": spent_raids + extra})
        if abs(spent_raids + extra - budget) <= BUDGET_TOLERANCE * budget or spent_raids <= 0:
            break
        factor *= raid_budget / spent_raids
    rows = paired(raid_only, targeted, spec["metrics"])
    written = [write_csv(out / "claim.csv", rows)]
    figures.claim(rows, out / "fig6_claim.png")
    spent = targeted.stats["raids"]["mean"] * costs["raid"] + extra
    write_sidecar(
        out / "fig6_claim.png",
        study.record(),
        budget_raid_only=budget,
        budget_targeted=spent,
        targeted_raid_rates={n: float(f"{r:.6g}") for n, r in rates.items()},
        targeted_rate_factor=rounds[-1]["factor"],
        budget_rounds=rounds,
        non_raid_cost=extra,
    )
    return [*written, out / "fig6_claim.png"]


#: Study name (``configs/experiment/<name>.yaml``) -> the function that runs it and writes its files.
STUDIES: dict[str, Callable[[Study, Path, int], list[Path]]] = {"scenarios": scenarios, "phase": phase, "claim": claim}
