"""Network targeting strategies at an equal number of removals, with and without adaptation.

    python experiments/targeting.py             # Cambodia world, 20 replications per arm -> results/targeting.*
    python experiments/targeting.py --quick     # small world, 3 replications -> outputs/targeting-quick/<date_time>/
    python experiments/targeting.py --count 8   # another number of removals (default: the study's, 4)
    python experiments/targeting.py --render    # rewrite targeting.md, .csv and .png from targeting.json

The study is ``configs/experiment/targeting.yaml``.  For each adaptation
setting (``network.adaptation=true|false``) and replication k, the script
runs, at the same seed and replication index (common random numbers):

* each targeting strategy (``scenario=network_targeting``,
  ``scenario.targeting.strategy=random|degree|betweenness|money|rank``,
  ``scenario.targeting.count`` removals on day -29, ten days before the July 2025
  wave's first campaign starts on day -19);
* the wave alone (``scenario=crackdown_2025``);
* one no-intervention arm (:func:`sim.analysis.counterfactual.counterfactual_config`
  of the strategy arms' config), shared by every arm of that setting.

``final_frac_cf``, ``frac_cf_1y`` and ``revenue_lost_days_cf`` are measured
against the shared arm (:func:`sim.analysis.counterfactual.counterfactual_metrics`);
paired differences (each strategy minus ``random``, and minus the wave alone)
are taken replication by replication, with Student-t 95% CIs
(:func:`sim.analysis.metrics.mean_ci`).  The network measures of the
snapshots (:meth:`sim.mechanisms.network.Network.measures`) are reported as
ratios to the counterfactual arm's at the same day.  What was removed comes
from the ``target_removed`` events (bosses by name; protectors by name from
the replication's final state, the only way a protector leaves office in
these scenarios).

targeting.json holds every replication's values, the summary and the
provenance; targeting.md, targeting.csv and targeting.png are rendered from
it alone (``--render`` remakes them), so no number in them is typed by hand.
Quick output never goes into ``results/`` unless asked for with
``--out results --overwrite-results``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.counterfactual import counterfactual_config, counterfactual_metrics
from sim.analysis.metrics import host_sites, mean_ci
from sim.config.compose import compose
from sim.config.schema import ScamsimConfig
from sim.core.events import EventKind
from sim.model import Model, ReplicationResult
from sim.runs.atomic import atomic_savefig, write_csv, write_json
from sim.runs.experiment import ResultsProtectedError, Study, load_study, output_folder
from sim.runs.provenance import provenance, uncommitted

ROOT = Path(__file__).resolve().parents[1]
NAME = "targeting"
WAVE = "wave_alone"  # the arm label of the wave without removals
CF = "counterfactual"
#: +1: a larger value is more disruption; -1: a smaller one is.
DISRUPTION = {"revenue_lost_days_cf": 1, "final_frac_cf": -1, "frac_cf_1y": -1}
LABELS = {
    "final_frac_cf": "revenue at the end of the run / counterfactual",
    "frac_cf_1y": "revenue one year on (days 335-365) / counterfactual",
    "revenue_lost_days_cf": "revenue lost against the counterfactual, in days of pre-wave revenue",
}


# --------------------------------------------------------------------------- statistics (pure)


def interval(values: Sequence[float]) -> dict[str, Any]:
    """Mean and 95% Student-t CI of the finite values: ``{"mean", "ci_low", "ci_high", "n"}``."""
    mean, lo, hi, n = mean_ci(np.asarray(values, float))
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}


def side(ci: dict[str, Any], reference: float = 0.0) -> str:
    """``above`` / ``below`` when the whole CI lies above / below ``reference``, else ``indistinguishable``."""
    lo, hi = ci["ci_low"], ci["ci_high"]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "indistinguishable"
    if lo > reference:
        return "above"
    if hi < reference:
        return "below"
    return "indistinguishable"


def paired_difference(a: Sequence[float], b: Sequence[float]) -> dict[str, Any]:
    """Mean and 95% CI of ``a[k] - b[k]`` over the replications k where both are finite (common random numbers).

    Returns ``{"mean", "ci_low", "ci_high", "n", "side", "excludes_zero"}``;
    ``side`` is where the CI lies relative to 0 (:func:`side`).
    """
    x, y = np.asarray(a, float), np.asarray(b, float)
    if x.shape != y.shape:
        raise ValueError(f"paired values need the same replications: {x.shape} vs {y.shape}")
    keep = np.isfinite(x) & np.isfinite(y)
    out = interval(x[keep] - y[keep])
    out["side"] = side(out)
    out["excludes_zero"] = out["side"] != "indistinguishable"
    return out


def ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b and math.isfinite(b) and math.isfinite(a) else math.nan


# --------------------------------------------------------------------------- one replication of every arm


def measures_at(result: ReplicationResult, t0: int, days: Sequence[int]) -> dict[str, dict[str, float]]:
    """The network measures of the snapshots ``days`` after day 0 (empty where a snapshot was not taken)."""
    snaps = {day: measures for day, _edges, measures in result.network}
    return {str(d): {k: float(v) for k, v in snaps.get(t0 + d, {}).items()} for d in days}


def removed(result: ReplicationResult, model: Model) -> dict[str, Any]:
    """What the targeting removed: ``target_removed`` events, bosses named by index, protectors by their final state."""
    events = [e for e in result.events if e.kind is EventKind.TARGET_REMOVED]
    bosses = [result.boss_names[e.boss] for e in events if e.boss >= 0]
    protectors = sorted(p.name for p in model.world.protectors if not p.active)
    return {
        "bosses": len(bosses),
        "protectors": sum(1 for e in events if e.boss < 0),
        "nodes": [f"boss:{b}" for b in bosses] + [f"protector:{p}" for p in protectors],
    }


def replication(
    configs: dict[str, ScamsimConfig], cf_config: ScamsimConfig, k: int, days: Sequence[int], metrics: Sequence[str]
) -> dict[str, Any]:
    """Replication k of every arm of one adaptation setting, against the shared counterfactual arm."""
    t0 = cf_config.intervention_day
    cf = Model(cf_config, k).run()
    revenue = cf.revenue
    arms: dict[str, Any] = {
        CF: {
            "measures": measures_at(cf, t0, days),
            "revenue_pre": float(revenue[t0 - 30 : t0].mean()),  # USD/day over the 30 days before day 0
            "revenue_final": float(revenue[-30:].mean()),  # USD/day over the last 30 days of the run
        }
    }
    for arm, config in configs.items():
        model = Model(config, k)
        result = model.run()
        values = counterfactual_metrics(result, cf, config, host_sites(result, config))
        arms[arm] = {
            "metrics": {m: float(values[m]) for m in metrics},
            "measures": measures_at(result, t0, days),
            "removed": removed(result, model),
        }
    return {"replication": k, "arms": arms}


# --------------------------------------------------------------------------- the summary (from the replications alone)


def summarise(reps: dict[str, list[dict[str, Any]]], spec: dict[str, Any]) -> dict[str, Any]:
    """Every number the report shows, from the per-replication values of each setting (``"true"``, ``"false"``)."""
    strategies, ref, metrics = list(spec["strategies"]), spec["reference"], list(spec["metrics"])
    days, measures, rank_by = [str(d) for d in spec["snapshot_days"]], list(spec["measures"]), list(spec["rank_by"])
    arms = [*strategies, WAVE]

    def series(setting: str, arm: str, metric: str) -> list[float]:
        return [r["arms"][arm]["metrics"][metric] for r in reps[setting]]

    def measure_ratio(setting: str, arm: str, day: str, measure: str) -> list[float]:
        return [
            ratio(r["arms"][arm]["measures"][day].get(measure, math.nan), r["arms"][CF]["measures"][day].get(measure, math.nan))
            for r in reps[setting]
        ]

    settings: dict[str, Any] = {}
    for setting in reps:
        out: dict[str, Any] = {"replications": len(reps[setting]), "arms": {}}
        for arm in arms:
            rec: dict[str, Any] = {"metrics": {m: interval(series(setting, arm, m)) for m in metrics}}
            if arm != ref:
                rec["minus_reference"] = {m: paired_difference(series(setting, arm, m), series(setting, ref, m)) for m in metrics}
            if arm != WAVE:
                rec["minus_wave"] = {m: paired_difference(series(setting, arm, m), series(setting, WAVE, m)) for m in metrics}
            gone = [r["arms"][arm]["removed"] for r in reps[setting]]
            n_b, n_p = sum(g["bosses"] for g in gone), sum(g["protectors"] for g in gone)
            counts = Counter(node for g in gone for node in g["nodes"])
            rec["removed"] = {
                "bosses_per_replication": n_b / len(gone) if gone else math.nan,
                "protectors_per_replication": n_p / len(gone) if gone else math.nan,
                "boss_share": n_b / (n_b + n_p) if n_b + n_p else math.nan,
                "most_removed": [[node, c] for node, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:6]],
            }
            ratios: dict[str, Any] = {}
            for day in days:
                ratios[day] = {}
                for measure in measures:
                    ci = interval(measure_ratio(setting, arm, day, measure))
                    ci["side"] = side(ci, 1.0)
                    ratios[day][measure] = ci
            rec["measure_ratio"] = ratios
            if arm != WAVE:
                rec["efficiency_ratio_minus_wave"] = {
                    day: paired_difference(
                        measure_ratio(setting, arm, day, "global_efficiency"),
                        measure_ratio(setting, WAVE, day, "global_efficiency"),
                    )
                    for day in days
                }
            out["arms"][arm] = rec
        out["rankings"] = {}
        for metric in rank_by:  # most disruptive first; pairs as (more, less) by the means
            sign = DISRUPTION[metric]
            order = sorted(strategies, key=lambda s: (-sign * out["arms"][s]["metrics"][metric]["mean"], s))
            pairs = [
                {"more": a, "less": b, **paired_difference(series(setting, a, metric), series(setting, b, metric))}
                for i, a in enumerate(order)
                for b in order[i + 1 :]
            ]
            out["rankings"][metric] = {"order": order, "pairwise": pairs}
        out["counterfactual_measures"] = {
            d: {m: interval([r["arms"][CF]["measures"][d].get(m, math.nan) for r in reps[setting]]) for m in measures}
            for d in days
        }
        settings[setting] = out
    both = "true" in reps and "false" in reps
    erosion: dict[str, Any] = {}
    adaptation_effect: dict[str, Any] = {}
    cf_adaptation: dict[str, Any] = {}
    if both:
        for key in ("revenue_pre", "revenue_final"):
            off = [r["arms"][CF][key] for r in reps["false"]]
            on = [r["arms"][CF][key] for r in reps["true"]]
            ci = interval([ratio(a, b) for a, b in zip(off, on, strict=True)])
            ci["side"] = side(ci, 1.0)
            cf_adaptation[key] = ci
        for day in days:
            cf_adaptation[f"edges_day{day}"] = interval(
                [
                    ratio(
                        a["arms"][CF]["measures"][day].get("edges", math.nan),
                        b["arms"][CF]["measures"][day].get("edges", math.nan),
                    )
                    for a, b in zip(reps["false"], reps["true"], strict=True)
                ]
            )
        for arm in arms:
            adaptation_effect[arm] = {m: paired_difference(series("false", arm, m), series("true", arm, m)) for m in metrics}
            if arm == ref:
                continue
            erosion[arm] = {}
            for m in metrics:
                adv_off = np.array(series("false", arm, m)) - np.array(series("false", ref, m))
                adv_on = np.array(series("true", arm, m)) - np.array(series("true", ref, m))
                erosion[arm][m] = paired_difference(adv_off.tolist(), adv_on.tolist())
    return {
        "settings": settings,
        "advantage_off_minus_on": erosion,
        "adaptation_off_minus_on": adaptation_effect,
        "counterfactual_off_over_on": cf_adaptation,
    }


# --------------------------------------------------------------------------- rendering (from targeting.json alone)


def fmt(x: float, digits: int = 3) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"


def show(ci: dict[str, Any], digits: int = 3, signed: bool = False) -> str:
    m, lo, hi = ci["mean"], ci["ci_low"], ci["ci_high"]
    if signed:
        return f"{signed_fmt(m, digits)} [{signed_fmt(lo, digits)}, {signed_fmt(hi, digits)}]"
    return f"{fmt(m, digits)} [{fmt(lo, digits)}, {fmt(hi, digits)}]"


def signed_fmt(x: float, digits: int) -> str:
    return f"{x:+.{digits}f}" if x is not None and math.isfinite(x) else "n/a"


def setting_name(setting: str) -> str:
    return "with adaptation" if setting == "true" else "without adaptation"


def disruption_word(metric: str, d: dict[str, Any]) -> str:
    """A paired difference ``a - b`` read as: a disrupts ``more`` / ``less`` than b, or ``indistinguishable``."""
    if not d["excludes_zero"]:
        return "indistinguishable"
    more = (d["side"] == "above") == (DISRUPTION[metric] > 0)
    return "more" if more else "less"


def render(data: dict[str, Any]) -> str:
    meta, summary = data["meta"], data["summary"]
    spec = meta["study"]["spec"]
    strategies, ref, metrics = spec["strategies"], spec["reference"], spec["metrics"]
    settings = summary["settings"]
    order = [s for s in ("false", "true") if s in settings]
    arms = [*strategies, WAVE]
    study = meta["study"]
    dirty = meta.get("uncommitted", [])
    lines = [
        "# Targeting strategies at an equal number of removals, with and without adaptation",
        "",
        f"Generated by `{meta['command']}` from `targeting.json` ({study['world']} world, "
        f"{study['replications']} replications per arm, seed {study['seed']}, {spec['count']} removals on day "
        f"{meta['targeting_day']}, git {meta['git_commit'][:10]}"
        + (f" with uncommitted changes to {', '.join(f'`{p}`' for p in dirty)}" if dirty else "")
        + f", scamsim {meta['version']}, {meta['wall_time_s']:.0f} s wall time on {meta['jobs']} jobs, "
        f"load average {meta['load_start'][0]:.2f} at the start and {meta['load_end'][0]:.2f} at the end).",
        "",
        "Each strategy removes the same number of nodes of the protection network (bosses with compounds and "
        f"protectors in office) on day {meta['targeting_day']}, {meta['wave_start_day'] - meta['targeting_day']} days "
        f"before the July 2025 wave's first campaign starts (day {meta['wave_start_day']}; `scenario=network_targeting`, "
        "`sim.mechanisms.graph.Graph.targets`), then the wave runs as in `crackdown_2025`.  "
        "*The wave alone* is `crackdown_2025` without removals.  Every arm of a replication shares the seed and "
        "replication index (common random numbers) and is measured against one no-intervention arm of the same "
        "replication and adaptation setting.  Intervals are 95% Student-t CIs over replications; a paired "
        "difference is taken replication by replication.  *Adaptation* (`network.adaptation`) is rewiring of "
        "orphaned officials, successors of removed bosses and protectors, and bought-back protection; "
        "without it the network cannot repair itself.",
        "",
    ]
    # ---------------------------------------------------------------- the headline
    lines += ["## Ranking", ""]
    for metric in spec["rank_by"]:
        sign = DISRUPTION[metric]
        for setting in order:
            s = settings[setting]
            ranking = s["rankings"][metric]
            lines.append(
                f"- **{setting_name(setting)}**, most to least disruptive by `{metric}` "
                f"({'higher' if sign > 0 else 'lower'} is more disruptive): "
                + " > ".join(f"`{a}` {show(s['arms'][a]['metrics'][metric])}" for a in ranking["order"])
                + f"; the wave alone {show(s['arms'][WAVE]['metrics'][metric])}."
            )
            pairs = ranking["pairwise"]
            dist = [p for p in pairs if p["excludes_zero"]]
            if dist:
                lines.append(
                    "  Distinguishable pairs (paired CI of the difference excludes 0): "
                    + "; ".join(f"`{p['more']}` - `{p['less']}` {show(p, 3, signed=True)}" for p in dist)
                    + f".  The other {len(pairs) - len(dist)} of {len(pairs)} pairs are not distinguishable."
                )
            else:
                lines.append(f"  No pair of strategies is distinguishable (none of the {len(pairs)} paired CIs excludes 0).")
    lines.append("")
    # ---------------------------------------------------------------- tables per setting
    for setting in order:
        s = settings[setting]
        lines += [
            f"## {setting_name(setting).capitalize()} (`network.adaptation={setting}`)",
            "",
            "| arm | " + " | ".join(f"`{m}`" for m in metrics) + " | removed: bosses / protectors per replication (boss share) |",
            "|---|" + "---|" * len(metrics) + "---|",
        ]
        for arm in arms:
            a = s["arms"][arm]
            r = a["removed"]
            removal = (
                f"{fmt(r['bosses_per_replication'], 3)} / {fmt(r['protectors_per_replication'], 3)} ({fmt(r['boss_share'], 2)})"
                if arm != WAVE
                else "none"
            )
            lines.append(f"| `{arm}` | " + " | ".join(show(a["metrics"][m]) for m in metrics) + f" | {removal} |")
        lines += [
            "",
            f"Paired differences, strategy minus `{ref}` and strategy minus the wave alone (same replications):",
            "",
            "| strategy | "
            + " | ".join(f"`{m}` - `{ref}`" for m in metrics)
            + " | "
            + " | ".join(f"`{m}` - wave" for m in metrics)
            + " |",
            "|---|" + "---|" * (2 * len(metrics)),
        ]
        for arm in strategies:
            a = s["arms"][arm]
            vs_ref = [show(a["minus_reference"][m], 3, signed=True) if arm != ref else "0" for m in metrics]
            vs_wave = [show(a["minus_wave"][m], 3, signed=True) for m in metrics]
            lines.append(f"| `{arm}` | " + " | ".join(vs_ref) + " | " + " | ".join(vs_wave) + " |")
        lines += ["", "Most often removed (node: replications):", ""]
        for arm in strategies:
            top = s["arms"][arm]["removed"]["most_removed"]
            lines.append(f"- `{arm}`: " + ", ".join(f"`{n}`: {c}" for n, c in top))
        lines.append("")
    # ---------------------------------------------------------------- network measures
    days = [str(d) for d in spec["snapshot_days"]]
    lines += [
        "## The network after the removals: measures as ratios to the counterfactual arm",
        "",
        "Snapshots of the graph (bosses with compounds, protectors in office, syndicates; protection, patronage and "
        "syndicate edges) on the given day after day 0, each replication's value over its counterfactual arm's on "
        "the same day.  *above* / *below*: the CI lies wholly above / below 1.",
        "",
    ]
    for setting in order:
        s = settings[setting]
        lines += [
            f"### {setting_name(setting).capitalize()}",
            "",
            "| arm | day | " + " | ".join(f"`{m}`" for m in spec["measures"]) + " |",
            "|---|---|" + "---|" * len(spec["measures"]),
        ]
        for arm in arms:
            for day in days:
                cells = []
                for m in spec["measures"]:
                    ci = s["arms"][arm]["measure_ratio"][day][m]
                    mark = {"above": " above", "below": " below"}.get(ci["side"], "")
                    cells.append(show(ci) + mark)
                lines.append(f"| `{arm}` | {day} | " + " | ".join(cells) + " |")
        cfm = s["counterfactual_measures"]
        lines += [
            "",
            "The counterfactual arm itself (absolute values): "
            + "; ".join(
                f"day {d}: global efficiency {show(cfm[d]['global_efficiency'])}, edges {show(cfm[d]['edges'])}, "
                f"nodes {show(cfm[d]['nodes'])}"
                for d in days
            )
            + ".",
            "",
        ]
    # ---------------------------------------------------------------- literature
    lines += literature(data)
    cfa = summary.get("counterfactual_off_over_on", {})
    if cfa:
        lines += [
            "## The no-intervention arm under the two adaptation settings",
            "",
            "`network.adaptation=false` also switches off bought-in protection and successors in the world without "
            "any intervention, so each setting has its own counterfactual arm (same seeds).  The counterfactual "
            f"without adaptation over the one with it: revenue over the 30 days before day 0 {show(cfa['revenue_pre'])}, "
            f"over the last 30 days of the run {show(cfa['revenue_final'])}; edges of the graph "
            + ", ".join(f"day {d} {show(cfa[f'edges_day{d}'])}" for d in days)
            + ".  Each setting's arms are measured against their own counterfactual.",
            "",
        ]
    lines += [
        "## Caveats",
        "",
        "- An equal number of removals is not an equal effect per removal: a removed boss's compounds lie low and, "
        "without adaptation (or when no successor is drawn), close, while a removed protector only weakens the "
        "protection of his clients (and of the officials below him).  Strategies that remove different kinds of "
        "nodes (the tables' boss share) are compared at an equal count, not at an equal direct effect or cost.",
        "- Common random numbers hold exactly only up to the removal day: `random` draws its targets from its own "
        "`targeting` stream, but the removals themselves change what happens next (which raids leak, which "
        "successor delay comes from which `protection` draw), so after day "
        f"{meta['targeting_day']} the arms' draws are used differently.",
        "- `mean_protection` is the mean over the compounds standing on the snapshot day: when the wave lays the "
        "protected compounds low, it falls because of who is left standing, not only because protection was lost.",
        "- Global efficiency counts every edge alike: a network whose bosses relocate and buy in at new sites gains "
        "edges (and efficiency) until they drop the officials where they no longer operate (at their next review), "
        "whether or not it is better organised.",
        "- The strategies are compared pairwise without a correction for multiple comparisons; a pair whose CI "
        "only just excludes 0 is weak evidence.",
        "- `degree`, `betweenness` and `money` may pick the same nodes (see *most often removed*): when they do, "
        "their differences measure only the order of removal and the streams, not the strategy.",
        "",
    ]
    return "\n".join(lines)


def literature(data: dict[str, Any]) -> list[str]:
    """The comparison with Bright et al. (2017) and Duijn et al. (2014), every judgement computed from the summary."""
    summary = data["summary"]
    spec = data["meta"]["study"]["spec"]
    strategies, ref, rank_by = spec["strategies"], spec["reference"], spec["rank_by"][0]
    settings = summary["settings"]
    targeted = [s for s in strategies if s != ref]
    lines = ["## Against Bright et al. (2017) and Duijn et al. (2014)", ""]
    lines += [
        "Bright et al. (2017, *Global Crime* 18(4)) compare removal strategies on a criminal network with and without "
        "adaptation: removing central or key actors disrupts more than removing actors at random while the network "
        "cannot adapt, and adaptation (replacement and rewiring) erodes that advantage.  Duijn, Kashirin & Sloot "
        "(2014, *Scientific Reports* 4:4238) find criminal network disruption relatively ineffective: networks "
        "reorganise after targeted removals and may become more efficient.  Nothing in the model was tuned to agree.",
        "",
    ]
    verdicts: dict[str, list[str]] = {}
    for setting in ("false", "true"):
        if setting not in settings:
            continue
        s = settings[setting]
        words = {a: disruption_word(rank_by, s["arms"][a]["minus_reference"][rank_by]) for a in targeted}
        verdicts[setting] = [a for a in targeted if words[a] == "more"]
        groups = {w: [a for a in targeted if words[a] == w] for w in ("more", "less", "indistinguishable")}
        text = "; ".join(
            f"{label}: " + ", ".join(f"`{a}` {show(s['arms'][a]['minus_reference'][rank_by], 2, signed=True)}" for a in groups[w])
            for w, label in (
                ("more", "more than random"),
                ("less", "less than random"),
                ("indistinguishable", "not distinguishable from random"),
            )
            if groups[w]
        )
        lines.append(
            f"- **Targeted against random, {setting_name(setting)}** (`{rank_by}`, strategy minus `{ref}`): "
            f"{len(groups['more'])} of {len(targeted)} targeted strategies disrupt more than random removal, "
            f"{len(groups['less'])} less; {text}."
        )
        if setting == "false":
            n = len(verdicts["false"])
            verdict = "agrees" if n == len(targeted) else ("partly agrees" if n else "disagrees")
            lines.append(
                "  Bright et al.'s first finding (targeted beats random when the network cannot adapt): "
                f"the model **{verdict}** ({n} of {len(targeted)} strategies)."
            )
    erosion = summary.get("advantage_off_minus_on", {})
    if erosion:
        erode = {a: erosion[a][rank_by] for a in targeted}
        sign = DISRUPTION[rank_by]
        eroded = [a for a in targeted if erode[a]["excludes_zero"] and (erode[a]["side"] == "above") == (sign > 0)]
        grown = [a for a in targeted if erode[a]["excludes_zero"] and a not in eroded]
        lines.append(
            f"- **Does adaptation erode the advantage over random?** The advantage without adaptation minus the advantage with it "
            f"(`{rank_by}`, (strategy - `{ref}`) off minus on, paired; "
            f"{'positive' if sign > 0 else 'negative'} means adaptation eroded it): "
            + "; ".join(f"`{a}` {show(erode[a], 2, signed=True)}" for a in targeted)
            + f".  Eroded in {len(eroded)} of {len(targeted)} strategies"
            + (f" ({', '.join(f'`{a}`' for a in eroded)})" if eroded else "")
            + (f"; the advantage grew with adaptation for {', '.join(f'`{a}`' for a in grown)}" if grown else "")
            + "."
        )
        verdict = "agrees" if len(eroded) == len(targeted) else ("partly agrees" if eroded else "disagrees")
        lines.append(f"  Bright et al.'s second finding (adaptation erodes the advantage): the model **{verdict}**.")
        eff = summary["adaptation_off_minus_on"]
        lines.append(
            f"- **Adaptation itself** (each arm without adaptation minus with, `{rank_by}`; "
            f"{'positive' if sign > 0 else 'negative'}: more disruption without adaptation): "
            + "; ".join(f"`{a}` {show(eff[a][rank_by], 2, signed=True)}" for a in [*strategies, WAVE])
            + "."
        )
    # Duijn: efficiency
    days = [str(d) for d in spec["snapshot_days"] if d >= 0]
    for setting in ("false", "true"):
        if setting not in settings:
            continue
        s = settings[setting]
        parts = []
        tally: Counter[str] = Counter()
        for day in days:
            cells = []
            for a in [*targeted, ref, WAVE]:
                ci = s["arms"][a]["measure_ratio"][day]["global_efficiency"]
                if a != WAVE:
                    tally[ci["side"]] += 1
                cells.append(f"`{a}` {show(ci)} ({ci['side']})")
            parts.append(f"day {day}: " + ", ".join(cells))
        lines.append(
            f"- **Global efficiency after the removals, {setting_name(setting)}**, ratio to the counterfactual: "
            + "; ".join(parts)
            + f".  Over the strategies and days {', '.join(days)}: {tally['above']} above 1, {tally['below']} below, "
            f"{tally['indistinguishable']} indistinguishable."
        )
        more = []
        for day in days:
            for a in strategies:
                d = s["arms"][a]["efficiency_ratio_minus_wave"][day]
                if d["excludes_zero"]:
                    more.append(f"`{a}` day {day} {show(d, 3, signed=True)}")
        lines.append(
            "  Beyond the wave alone (strategy's ratio minus the wave's, paired), distinguishable: "
            + ("; ".join(more) if more else "none")
            + "."
        )
    for setting in ("false", "true"):
        if setting not in settings:
            continue
        s = settings[setting]
        above = sum(s["arms"][a]["measure_ratio"][d]["global_efficiency"]["side"] == "above" for a in strategies for d in days)
        below = sum(s["arms"][a]["measure_ratio"][d]["global_efficiency"]["side"] == "below" for a in strategies for d in days)
        total = len(strategies) * len(days)
        verdict = "agrees" if above == total else "partly agrees" if above > 0 else "disagrees"
        control = " (a control: without adaptation the network cannot reorganise)" if setting == "false" else ""
        lines.append(
            f"  Duijn et al.'s finding (more efficient after removals), {setting_name(setting)}{control}: "
            f"the model **{verdict}** ({above} of {total} strategy-days above the counterfactual, {below} below)."
        )
    rel = []
    for setting in ("false", "true"):
        if setting not in settings:
            continue
        s = settings[setting]
        words = {a: disruption_word(rank_by, s["arms"][a]["minus_wave"][rank_by]) for a in strategies}
        n_more = sum(w == "more" for w in words.values())
        rel.append(
            f"{setting_name(setting)} {n_more} of {len(strategies)} strategies add distinguishably to the wave's disruption "
            f"(`{rank_by}`, strategy minus wave: "
            + ", ".join(f"`{a}` {show(s['arms'][a]['minus_wave'][rank_by], 2, signed=True)}" for a in strategies)
            + ")"
        )
    if rel:
        lines.append("- **What removals add to the wave**: " + "; ".join(rel) + ".")
    lines.append("")
    return lines


def csv_rows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per (adaptation, arm): metrics, paired differences, removals and measure ratios."""
    summary, spec = data["summary"], data["meta"]["study"]["spec"]
    metrics, measures, days = spec["metrics"], spec["measures"], [str(d) for d in spec["snapshot_days"]]
    columns = ["adaptation", "arm", "replications"]
    for m in metrics:
        columns += [f"{m}{x}" for x in ("", "_ci_low", "_ci_high")]
    for label in ("minus_reference", "minus_wave"):
        for m in metrics:
            columns += [f"{m}_{label}{x}" for x in ("", "_ci_low", "_ci_high")]
    columns += ["removed_bosses_per_replication", "removed_protectors_per_replication", "removed_boss_share"]
    for d in days:
        for m in measures:
            columns += [f"{m}_ratio_day{d}{x}" for x in ("", "_ci_low", "_ci_high")]
    rows = []
    for setting, s in summary["settings"].items():
        for arm, a in s["arms"].items():
            row: dict[str, Any] = {"adaptation": setting, "arm": arm, "replications": s["replications"]}
            for m in metrics:
                ci = a["metrics"][m]
                row |= {m: ci["mean"], f"{m}_ci_low": ci["ci_low"], f"{m}_ci_high": ci["ci_high"]}
            for label in ("minus_reference", "minus_wave"):
                for m in metrics:
                    if label in a:
                        ci = a[label][m]
                        row |= {
                            f"{m}_{label}": ci["mean"],
                            f"{m}_{label}_ci_low": ci["ci_low"],
                            f"{m}_{label}_ci_high": ci["ci_high"],
                        }
            if arm != WAVE:
                r = a["removed"]
                row |= {
                    "removed_bosses_per_replication": r["bosses_per_replication"],
                    "removed_protectors_per_replication": r["protectors_per_replication"],
                    "removed_boss_share": r["boss_share"],
                }
            for d in days:
                for m in measures:
                    ci = a["measure_ratio"][d][m]
                    key = f"{m}_ratio_day{d}"
                    row |= {key: ci["mean"], f"{key}_ci_low": ci["ci_low"], f"{key}_ci_high": ci["ci_high"]}
            rows.append(row)
    return rows, columns


def figure(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary, spec = data["summary"], data["meta"]["study"]["spec"]
    strategies, ref, rank_by = spec["strategies"], spec["reference"], spec["rank_by"][0]
    settings = summary["settings"]
    order = [s for s in ("true", "false") if s in settings]
    fig, axes = plt.subplots(1, len(order) + 1, figsize=(5 * (len(order) + 1), 4.2))
    axes = np.atleast_1d(axes)
    for ax in axes[1 : len(order)]:
        ax.sharey(axes[0])

    def bar(ax: Any, x: float, ci: dict[str, Any], **kw: Any) -> None:
        m, lo, hi = ci["mean"], ci["ci_low"], ci["ci_high"]
        err = [[m - lo], [hi - m]] if math.isfinite(lo) and math.isfinite(hi) else None
        ax.errorbar([x], [m], yerr=err, capsize=3, **kw)

    for ax, setting in zip(axes[: len(order)], order, strict=True):
        s = settings[setting]
        for i, arm in enumerate(strategies):
            a = s["arms"][arm]
            if arm != ref:
                bar(ax, i - 0.12, a["minus_reference"][rank_by], fmt="o", color="C0", label=f"minus {ref}" if i == 1 else None)
            bar(ax, i + 0.12, a["minus_wave"][rank_by], fmt="s", color="C3", label="minus wave alone" if i == 0 else None)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(range(len(strategies)), strategies)
        ax.set_title(f"{setting_name(setting)}")
        ax.set_ylabel(f"paired difference in {rank_by}")
        ax.legend(fontsize=8)
    ax = axes[-1]
    days = [str(d) for d in spec["snapshot_days"] if d >= 0]
    arms = [*strategies, WAVE]
    width = 0.8 / (len(order) * len(days))
    j = 0
    for setting in order:
        for day in days:
            for i, arm in enumerate(arms):
                ci = settings[setting]["arms"][arm]["measure_ratio"][day]["global_efficiency"]
                marker = "o" if setting == "true" else "^"
                label = f"{setting_name(setting)}, day {day}" if i == 0 else None
                bar(ax, i - 0.4 + width * (j + 0.5), ci, fmt=marker, color=f"C{j}", label=label)
            j += 1
    ax.axhline(1, color="grey", lw=0.8)
    ax.set_xticks(range(len(arms)), [a.replace("_", " ") for a in arms], rotation=20)
    ax.set_ylabel("global efficiency / counterfactual")
    ax.set_title("Network efficiency after the removals")
    ax.legend(fontsize=7)
    meta = data["meta"]
    fig.suptitle(
        f"{spec['count']} removals before the July 2025 wave, {meta['study']['world']} world, "
        f"{meta['study']['replications']} replications (95% CIs)"
    )
    fig.tight_layout()
    atomic_savefig(fig, path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def write_reports(data: dict[str, Any], out: Path) -> list[Path]:
    """targeting.md, targeting.csv and targeting.png from the data of targeting.json."""
    rows, columns = csv_rows(data)
    md = out / f"{NAME}.md"
    md.write_text(render(data))
    write_csv(out / f"{NAME}.csv", rows, columns, float_format=".6g")
    figure(data, out / f"{NAME}.png")
    return [md, out / f"{NAME}.csv", out / f"{NAME}.png"]


# --------------------------------------------------------------------------- the study


def arm_configs(study: Study) -> dict[str, tuple[dict[str, ScamsimConfig], ScamsimConfig]]:
    """Per adaptation setting (``"true"``/``"false"``): the configs of the arms, and the shared counterfactual's."""
    spec = study.spec
    out = {}
    for adaptation in spec["adaptation"]:
        setting = [*study.overrides, f"network.adaptation={str(bool(adaptation)).lower()}"]
        configs = {
            s: compose([*setting, f"scenario.targeting.strategy={s}", f"scenario.targeting.count={spec['count']}"])
            for s in spec["strategies"]
        }
        configs[WAVE] = compose([*setting, f"scenario={spec['wave_alone']}"])
        cf = counterfactual_config(configs[spec["strategies"][0]])
        for arm, config in configs.items():  # one counterfactual arm serves every arm of the setting
            other = counterfactual_config(config)
            same = dataclasses.replace(other.scenario, description=cf.scenario.description) == cf.scenario
            if not (same and dataclasses.replace(other, scenario=cf.scenario) == cf):
                raise ValueError(f"arm {arm} does not have the same counterfactual as the others")
        for config in (*configs.values(), cf):
            missing = set(spec["snapshot_days"]) - set(config.network.snapshot_days)
            if missing:
                raise ValueError(f"network.snapshot_days lacks {sorted(missing)}")
        out[str(bool(adaptation)).lower()] = (configs, cf)
    return out


def run_study(study: Study, jobs: int) -> dict[str, list[dict[str, Any]]]:
    from joblib import Parallel, delayed

    spec = study.spec
    setups = arm_configs(study)
    reps = int(study.config.replications)
    tasks = [(setting, k) for setting in setups for k in range(reps)]
    done = Parallel(n_jobs=jobs)(
        delayed(replication)(setups[setting][0], setups[setting][1], k, spec["snapshot_days"], spec["metrics"])
        for setting, k in tasks
    )
    out: dict[str, list[dict[str, Any]]] = {setting: [] for setting in setups}
    for (setting, _k), rec in zip(tasks, done, strict=True):
        out[setting].append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small world, 3 replications (a smoke test), output under outputs/")
    parser.add_argument("--count", type=int, default=None, help="removals per strategy (default: the study's, 4)")
    parser.add_argument("--replications", type=int, default=None, help="replications per arm (default: the study's)")
    parser.add_argument("--world", default=None, help="world (default: the study's)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the study's)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes (joblib)")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/, or outputs/targeting-quick/<date_time>/)"
    )
    parser.add_argument(
        "--overwrite-results", action="store_true", help="with --quick, allow --out results/: replace the reference results"
    )
    parser.add_argument("--render", action="store_true", help="only rewrite targeting.md, .csv and .png from targeting.json")
    args = parser.parse_args(argv)
    if args.render:
        folder = args.out or ROOT / "results"
        data = json.loads((folder / f"{NAME}.json").read_text())
        files = write_reports(data, folder)
        print(f"rendered {', '.join(str(f) for f in files)} from {folder / f'{NAME}.json'}")
        return 0
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name=NAME, overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"targeting: {err}", file=sys.stderr)
        return 2
    given = {"study.spec.count": args.count, "replications": args.replications, "world": args.world, "seed": args.seed}
    study = load_study(NAME, args.quick, [f"{k}={v}" for k, v in given.items() if v is not None])
    print(f"output: {out}", flush=True)
    record = provenance()  # the code that ran, read before the runs
    dirty = uncommitted()
    load_start = list(os.getloadavg())
    start = time.perf_counter()
    reps = run_study(study, args.jobs)
    wall = time.perf_counter() - start
    flags = {"count": args.count, "replications": args.replications, "world": args.world, "seed": args.seed}
    command = " ".join(
        ["python experiments/targeting.py", *(["--quick"] if args.quick else [])]
        + [f"--{k} {v}" for k, v in flags.items() if v is not None]
    )
    meta = {
        "study": study.record(),
        "command": command,
        "targeting_day": study.config.scenario.targeting.day,
        "wave_start_day": min(c.day for c in study.config.scenario.campaigns.values()),
        "counterfactual": "counterfactual_config of the strategy arms' config, one per replication and adaptation setting, shared",
        "wall_time_s": wall,
        "jobs": args.jobs,
        "cpu_count": os.cpu_count(),
        "load_start": load_start,
        "load_end": list(os.getloadavg()),
        "uncommitted": dirty,
        "figure": f"{NAME}.png",
        **record,
    }
    data = {"meta": meta, "summary": summarise(reps, study.spec), "replications": reps}
    write_json(out / f"{NAME}.json", data, default=float)
    files = write_reports(data, out)
    print(f"wrote {out / f'{NAME}.json'}, {', '.join(str(f) for f in files)} ({wall:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
