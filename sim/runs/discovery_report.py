"""The scenario-discovery study's figure and markdown, from the numbers :func:`sim.runs.discovery.discovery` computed.

Nothing here computes a result: every number printed comes from the
``summary`` dict that is also written to ``discovery.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.runs.atomic import atomic_savefig, atomic_write
from sim.runs.discovery_design import Variable
from sim.runs.experiment import Study

__all__ = ["describe_limit", "figure", "markdown"]


def _num(x: Any) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def describe_limit(d: dict[str, Any]) -> str:
    """One restricted dimension in words: ``0.6 <= a <= 1`` (of 0-1), or ``flag in {True}`` (of {False, True})."""
    if d["kind"] == "set":
        return f"`{d['name']}` in {{{', '.join(map(str, d['values']))}}} (of {{{', '.join(map(str, d['all']))}}})"
    return f"{_num(d['lower'])} <= `{d['name']}` <= {_num(d['upper'])} (of {_num(d['min'])}-{_num(d['max'])})"


def _qp(d: dict[str, Any]) -> str:
    sides = [f"{s} {d[f'qp_{s}']:.2g}" for s in ("lower", "upper") if d.get(f"qp_{s}") is not None]
    return ", ".join(sides) or "-"


def _limits_panel(ax: Any, box: dict[str, Any] | None, why: str) -> None:
    if box is None:
        import textwrap

        ax.text(0.5, 0.5, textwrap.fill(why, 50), ha="center", va="center", fontsize=9)
        ax.set_title("no box", fontsize=10)
        ax.set_axis_off()
        return
    dims = box["restricted"]
    if not dims:
        ax.text(0.5, 0.5, "no restriction: the box is the whole sampled space", ha="center", va="center", fontsize=9)
    for k, d in enumerate(dims):
        if d["kind"] == "set":
            ax.barh(k, 1.0, left=0.0, color="tab:orange", alpha=0.5)
            ax.text(0.02, k, "{" + ", ".join(map(str, d["values"])) + "}", va="center", fontsize=8)
            continue
        span = (d["max"] - d["min"]) or 1.0
        lo, hi = (d["lower"] - d["min"]) / span, (d["upper"] - d["min"]) / span
        ax.barh(k, hi - lo, left=lo, color="tab:blue", alpha=0.6)
        ax.text(min(hi, 0.98), k, f"{_num(d['lower'])}-{_num(d['upper'])}", va="center", ha="right", fontsize=8)
    ax.set_yticks(range(len(dims)), [d["name"].split(".")[-1] for d in dims], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the sampled range")
    ax.set_title(f"box 1: coverage {box['coverage']:.2f}, density {box['density']:.2f}", fontsize=10)


def figure(summary: dict[str, Any], outcome: np.ndarray, path: Path, study: Study) -> Path:
    """Outcome distribution, PRIM peeling trajectories with the chosen boxes, and box 1's limits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    ax = axes[0]
    ax.hist(outcome[np.isfinite(outcome)], bins=30, color="grey")
    ax.axvline(summary["threshold"], color="tab:red", label=f"threshold {summary['threshold']:g}")
    ax.set_xlabel(f"{summary['outcome']} (replication mean)")
    ax.set_ylabel("points")
    ax.set_title(f"{summary['meet']} of {summary['valid_points']} points meet the threshold", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[1]
    for k, traj in enumerate(summary["trajectories"]):
        cov = [r["coverage"] for r in traj]
        den = [r["density"] for r in traj]
        ax.plot(cov, den, ".-", alpha=0.6, label=f"trajectory {k + 1}")
    for box in summary["boxes"]:
        ax.plot(box["coverage"], box["density"], "k*", markersize=12)
        ax.annotate(f"box {box['box']} ({box['res_dim']} dims)", (box["coverage"], box["density"]), fontsize=8)
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title("PRIM peeling trajectories (star: the box reported)", fontsize=10)
    if summary["trajectories"]:
        ax.legend(fontsize=8)
    _limits_panel(axes[2], summary["boxes"][0] if summary["boxes"] else None, summary["stopped"])
    cfg = study.config
    fig.suptitle(
        f"Scenario discovery: {cfg.scenario.name} on world={cfg.world.name}, {cfg.replications} replication(s) per point"
    )
    fig.tight_layout()
    atomic_savefig(fig, path, dpi=100)
    plt.close(fig)
    return path


def _design_lines(summary: dict[str, Any], study: Study, vars_: list[Variable]) -> list[str]:
    cfg = study.config
    params = [v for v in vars_ if not v.lever]
    levers = [v for v in vars_ if v.lever]
    lines = [
        "## Design",
        "",
        f"Latin hypercube of {summary['points']} points over {len(params)} uncertain parameters and {len(levers)} "
        f"policy levers (scenario `{cfg.scenario.name}`, world={cfg.world.name}, seed {cfg.seed}, each point its own "
        f"seed), {cfg.replications} replication(s) per point, each paired with its no-intervention arm; horizon "
        f"{cfg.horizon_days} days (intervention on day {cfg.intervention_day}). Run as a Hydra sweep ({_how(summary)}).",
        "",
        "| variable | config keys | sampled | off |",
        "|---|---|---|---|",
    ]
    for v in vars_:
        sampled = ", ".join(map(str, v.values)) if v.values else f"{v.low:g}-{v.high:g}" + (" (whole)" if v.integer else "")
        off = f"{v.off} at {v.off_share:.0%} of points" if v.off is not None else ("false" if v.switchable else "-")
        lines.append(f"| {v.name} | {', '.join(f'`{k}`' for k in v.keys)} | {sampled} | {off} |")
    return lines


def _box_lines(summary: dict[str, Any]) -> list[str]:
    s = summary["prim_settings"]
    lines = [
        "## PRIM boxes",
        "",
        f"PRIM (ema_workbench) with peel alpha {s['peel_alpha']:g}, paste alpha {s['paste_alpha']:g}, minimum mass "
        f"{s['mass_min']:g}, a box kept only at density >= {s['density_min']:g}, at most {s['max_boxes']} boxes. The box "
        f"reported from each trajectory: the densest entry covering >= {s['coverage_min']:g} of the cases not yet in a "
        f"box, then without its restrictions of quasi-p > {s['qp_max']:g}, least significant first. "
        f"Stopped: {summary['stopped']}.",
        "",
    ]
    if not summary["boxes"]:
        return [*lines, "No box: nothing here is made up to fill the table."]
    lines += [
        "| box | coverage | density | mass | points in box (meeting) | restricted dims | dropped |",
        "|---|---|---|---|---|---|---|",
    ]
    for b in summary["boxes"]:
        lines.append(
            f"| {b['box']} | {b['coverage']:.2f} | {b['density']:.2f} | {b['mass']:.2f} | {b['n']} ({b['k']}) | "
            f"{b['res_dim']} | {', '.join(b['dropped']) or '-'} |"
        )
    for b in summary["boxes"]:
        lines += ["", f"Box {b['box']} limits (quasi-p of each restriction):", ""]
        lines += [f"- {describe_limit(d)}; quasi-p {_qp(d)}" for d in b["restricted"]] or ["- no restriction"]
    return lines


def _how(summary: dict[str, Any]) -> str:
    return f"{summary['jobs']} parallel jobs" if summary["launcher"] == "joblib" else f"launcher {summary['launcher']}"


def markdown(summary: dict[str, Any], study: Study, vars_: list[Variable], path: Path) -> Path:
    q = summary["outcome_quantiles"]
    meet, valid = summary["meet"], summary["valid_points"]
    same = "the same" if summary["same_window_as_final_frac_cf"] else "not the same"
    lines = [
        "# Where the claim breaks: scenario discovery (PRIM)",
        "",
        f"Generated by `python experiments/discover.py{' --quick' if study.quick else ''}` (study "
        f"`configs/experiment/{study.name}.yaml`). Outcome `{summary['outcome']}`: network revenue over days [335, 365) "
        f"after the intervention over its paired no-intervention arm's, per point the replication mean; here it was "
        f"{same} as `final_frac_cf` in every replication (the run ends a year after the intervention). A point meets "
        f"the claim when it is <= {summary['threshold']:g} (at least 20% below the counterfactual).",
        "",
        f"**{meet} of {valid} points ({meet / valid:.1%}) meet the threshold.** Outcome quantiles: min {q[0.0]:.3f}, "
        f"10% {q[0.1]:.3f}, median {q[0.5]:.3f}, 90% {q[0.9]:.3f}, max {q[1.0]:.3f}.",
        "",
    ]
    if meet == 0:
        lines += ["No point meets the threshold, so PRIM has nothing to find: no box is reported.", ""]
    lines += [*_box_lines(summary), "", *_design_lines(summary, study, vars_), ""]
    lines += [
        "## Levers on and off",
        "",
        "Share of points meeting the threshold by lever state (a lever that acts through another only where that one is on; "
        "levers without an off state by half of their range).",
        "",
        "| lever | where | state | points | meeting | share |",
        "|---|---|---|---|---|---|",
    ]
    for r in summary["lever_shares"]:
        share = f"{r['share']:.1%}" if r["points"] else "-"
        lines.append(f"| {r['lever']} | {r['where']} | {r['state']} | {r['points']} | {r['meet']} | {share} |")
    per_point = summary["wall_seconds_per_point"]
    lines += [
        "",
        "## Cost",
        "",
        f"{summary['rows_run']} of {summary['points']} points run in this invocation in {summary['wall_seconds']:.0f} s "
        + (f"({per_point:.1f} s per point, {_how(summary)}); " if per_point is not None else "(all resumed); ")
        + f"a job's own run time (both arms, all replications) averages {summary['job_seconds_mean']:.1f} s.",
        "",
        "![discovery](discovery.png)",
    ]
    return atomic_write(path, "\n".join(lines) + "\n")
