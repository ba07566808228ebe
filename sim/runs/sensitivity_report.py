"""The sensitivity study's files: indices, convergence checks and compute, as a table, a figure, a report and JSON.

Split from :mod:`sim.runs.sensitivity` (which runs the sweep) so that each
stays small.  Every number in ``sensitivity.md`` is computed here from the
sweep's rows; ``sensitivity.json`` is the figure's provenance sidecar
(:func:`sim.runs.provenance.write_sidecar`) and carries the same numbers
under fixed top-level keys (``world``, ``N``, ``seeding``, ``convergence``,
``indices``, ``max_total_index_check``, ``wall_seconds``, ``points``,
``launcher``, ``compute``) for the scripts and readers that check them.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from sim.runs.atomic import atomic_savefig, atomic_write, write_csv
from sim.runs.experiment import Study, flatten
from sim.runs.provenance import write_sidecar
from sim.runs.sobol_checks import analyse, bootstrap_ranking, max_total_check, prefix_check
from sim.runs.sobol_design import SeedFactor, SobolDesign, problem

__all__ = ["SCRIPT", "analyse_outputs", "write_report"]

SCRIPT = "experiments/sensitivity.py"


def _num(x: Any) -> float | None:
    """A JSON number: None for NaN (JSON has none)."""
    return None if x is None or not math.isfinite(float(x)) else float(x)


def analyse_outputs(study: Study, design: SobolDesign, y: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Per output: the full indices, the N/2-prefix indices, the bootstrap ranking and the S_T <= 1 + conf check."""
    params = flatten(study.spec["params"])
    seed = SeedFactor.from_spec(study.spec.get("seed_factor"))
    prob = problem(params, seed)
    d = prob["num_vars"]
    half = (design.n // 2) * (d + 2)  # rows are grouped by base sample: the first N/2 groups are the prefix
    out = {}
    for name, values in y.items():
        full = analyse(prob, values, study.config.seed)
        first = analyse(prob, values[:half], study.config.seed)
        boot = bootstrap_ranking(values, d, int(study.spec.get("bootstrap", 200)), study.config.seed)
        boot["top3"] = [prob["names"][i] for i in boot["top3"]]
        out[name] = {
            "full": full,
            "half": first,
            "bootstrap": boot,
            "half_sample": {"N": design.n // 2, **prefix_check(full["ST"], first["ST"])},
            "max_check": max_total_check(full["ST"], full["ST_conf"], prob["names"]),
        }
    return out


def _plot(study: Study, names: list[str], res: dict[str, dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cfg, n = study.config, int(study.spec["n"])
    fig, axes = plt.subplots(1, len(res), figsize=(5 * len(res), 0.35 * len(names) + 2), sharey=True)
    pos = np.arange(len(names))
    for ax, (out, r) in zip(np.atleast_1d(axes), res.items(), strict=True):
        full, first = r["full"], r["half"]
        colours = ["tab:red" if k == names[-1] else "tab:blue" for k in names]
        ax.barh(pos + 0.2, full["ST"], 0.4, xerr=full["ST_conf"], color=colours, label=f"total (N={n}); red: the seed")
        ax.barh(pos - 0.2, full["S1"], 0.4, xerr=full["S1_conf"], color="tab:orange", label="first order")
        ax.plot(first["ST"], pos + 0.2, "k|", markersize=12, label=f"total, N={n // 2}")
        seed_st = full["ST"][-1]
        ax.set_title(f"{out}\nS_T(seed) = {seed_st:.2f}", fontsize=10)
        ax.axvline(0, color="grey", linewidth=0.5)
        ax.axvline(1, color="grey", linewidth=0.5, linestyle=":")
    np.atleast_1d(axes)[0].set_yticks(pos, [".".join(k.split(".")[-2 if k.count(".") >= 3 else -1 :]) for k in names])
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.suptitle(f"Sobol indices, {cfg.scenario.name} on world={cfg.world.name}, seed as a factor, one run per row")
    fig.tight_layout()
    atomic_savefig(fig, path, dpi=100)
    plt.close(fig)
    return path


def _rule(r: dict[str, Any]) -> str:
    if r["nan_rule"] is None:
        return "none (a NaN stops the analysis)"
    value = f"{r['nan_value']:g}"
    return f"censored at {value} days (never recovered within the horizon)" if r["nan_rule"] == "censor" else f"NaN -> {value}"


def _fmt(x: Any, spec: str = ".2f") -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def write_report(
    study: Study,
    design: SobolDesign,
    y: dict[str, np.ndarray],
    nan_report: dict[str, dict[str, Any]],
    out: Path,
    launcher: str,
    compute: dict[str, Any],
    earlier_wall: float,
    start: float,
) -> list[Path]:
    """Write sensitivity.png, .csv, .md and .json into ``out``; return their paths.

    The study's wall time is ``earlier_wall`` (the sweeps of earlier, resumed
    invocations) plus this invocation's, from ``start`` (its sweep, if any,
    and the analysis): each second counted once.
    """
    cfg, spec = study.config, study.spec
    params = flatten(spec["params"])
    seed = SeedFactor.from_spec(spec.get("seed_factor"))
    names = design.inputs
    bounds = {**{k: list(v) for k, v in params.items()}, seed.name: list(seed.bounds)}
    res = analyse_outputs(study, design, y)
    png = _plot(study, names, res, out / "sensitivity.png")
    rows: list[dict[str, Any]] = []
    indices: dict[str, dict[str, Any]] = {}
    for o, r in res.items():
        indices[o] = {}
        for j, key in enumerate(names):
            vals = {k: r["full"][k][j] for k in ("S1", "S1_conf", "ST", "ST_conf")} | {"ST_half_sample": r["half"]["ST"][j]}
            indices[o][key] = {k: _num(v) for k, v in vals.items()}
            rows.append({"output": o, "input": key, "kind": "seed" if key == seed.name else "parameter", **vals})
    table = write_csv(out / "sensitivity.csv", rows)
    seeds = [row[seed.name] for row in design.rows]
    seed_st = {o: indices[o][seed.name] for o in res}
    checks = {o: r["max_check"] for o, r in res.items()}
    valid = [c["max_ST"] for c in checks.values() if c["max_ST"] is not None]
    convergence = {o: {"half_sample": r["half_sample"], "bootstrap": r["bootstrap"]} for o, r in res.items()}
    horizon_after = cfg.horizon_days - cfg.intervention_day
    wall = earlier_wall + (time.perf_counter() - start)
    seeding = {
        "scheme": "seed as a factor of the design",
        "description": seed.describe(),
        "input": seed.name,
        "bounds": list(seed.bounds),
        "scale": seed.scale,
        "offset": seed.offset,
        "replications_per_row": int(cfg.replications),
        "distinct_seeds": len(set(seeds)),
        "rows": len(seeds),
        "seed_noise_share": "S_T of the seed input: the share of output variance due to the seed, interactions included",
        "S_T_seed": seed_st,
    }
    extra = {
        "world": cfg.world.name,
        "scenario": cfg.scenario.name,
        "N": design.n,
        "inputs": names,
        "bounds": bounds,
        "tied": {k: v for k, v in (spec.get("tied") or {}).items() if k in design.rows[0]},
        "outputs": nan_report,
        "horizon_days": cfg.horizon_days,
        "seeding": seeding,
        "convergence": convergence,
        "indices": indices,
        "max_total_index_check": {
            "per_output": checks,
            "all_ok": all(c["ok"] for c in checks.values()) if all(c["ok"] is not None for c in checks.values()) else None,
            "max_ST": max(valid) if valid else None,
        },
        "wall_seconds": wall,
        "points": len(design.rows),
        "launcher": launcher,
        "compute": compute,
    }
    sidecar = write_sidecar(png, study.record(), **extra)
    lines = [
        "# Global sensitivity analysis (Sobol, seed as a factor)",
        "",
        f"Generated by `python {SCRIPT}{' --quick' if study.quick else ''}` (study `configs/experiment/{study.name}.yaml`): "
        f"Saltelli/Sobol design (SALib, `calc_second_order=False`) with N={design.n} base samples over "
        f"{len(params)} parameters and the seed ({len(design.rows)} rows, one run each), scenario {cfg.scenario.name} on "
        f"world={cfg.world.name} with the calibrated raid parameters (`+posterior=july_2025`), horizon {cfg.horizon_days} "
        f"days (outputs read {horizon_after} days after the directive), design seed {cfg.seed}; run as a Hydra sweep "
        f"(launcher: {launcher}). Wall time {wall / 3600:.2f} h ({wall:.0f} s) over all sweep invocations and this analysis.",
        "",
        "## Seeding",
        "",
        f"Seed as a factor: {seed.describe()}. {seeding['distinct_seeds']} distinct seeds over "
        f"{len(seeds)} rows (a base sample's A row and its A_B rows share a seed, except the A_B row of the seed itself). "
        "The seed's total index S_T(seed) is the share of each output's variance that is seed noise, interactions with the "
        "parameters included:",
        "",
    ]
    lines += [
        f"- {o}: S_T(seed) = {_fmt(s['ST'])} ± {_fmt(s['ST_conf'])}, S1(seed) = {_fmt(s['S1'])}" for o, s in seed_st.items()
    ]
    lines += ["", "NaN rules:"]
    lines += [f"- {o}: {_rule(r)}; rows replaced: {r['replaced']}" for o, r in nan_report.items()]
    lines += [
        "",
        "## Indices",
        "",
        "| output | input | range | S1 [95% conf] | ST [95% conf] | ST at N/2 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = bounds[r["input"]]
        lines.append(
            f"| {r['output']} | `{r['input']}` | {lo:g}-{hi:g} | {_fmt(r['S1'])} ± {_fmt(r['S1_conf'])} | "
            f"{_fmt(r['ST'])} ± {_fmt(r['ST_conf'])} | {_fmt(r['ST_half_sample'])} |"
        )
    lines += [
        "",
        "## Convergence",
        "",
        f"Bootstrap: {int(spec.get('bootstrap', 200))} resamples of the {design.n} base samples (each with its A_B and B "
        "rows), S_T recomputed (SALib's estimator); Spearman correlation of each resample's S_T with the full design's, "
        f"and the share of resamples with the same top-3 set. N/2: the first {design.n // 2} base samples (a prefix of the "
        "same Sobol sequence). Max check: every S_T <= 1 + its 95% half-width.",
        "",
        "| output | bootstrap Spearman median | 5% quantile | same top-3 | top 3 | N/2 max change in S_T | N/2 Spearman "
        "| N/2 same top-3 | S_T <= 1 + conf | max S_T |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o, c in convergence.items():
        b, h, m = c["bootstrap"], c["half_sample"], checks[o]
        lines.append(
            f"| {o} | {_fmt(b['spearman_median'])} | {_fmt(b['spearman_q05'])} | {_fmt(b['top3_same_share'], '.0%')} | "
            f"{', '.join(k.split('.')[-1] for k in b['top3'])} | {_fmt(h['max_abs_change'])} | {_fmt(h['spearman'])} | "
            f"{h['top3_same']} | {m['ok']} | {_fmt(m['max_ST'])} ({m['argmax']}) |"
        )
    lines += [
        "",
        "## Compute",
        "",
        f"Measured {_fmt(compute['seconds_per_row'], '.2f')} s per design row on this machine "
        f"({compute['cpu_count']} cores; {compute['seconds_per_row_basis']}; with the sweeps' start-up "
        f"{_fmt(compute['seconds_per_row_with_startup'], '.2f')} s; model time per row, median "
        f"{_fmt(compute['model_seconds_per_row_median'])} s over {compute['rows_measured']} rows; load average during "
        f"the sweeps {compute['load_average_during_sweeps']}). Disk: {_fmt(compute['disk_bytes_per_row'], ',.0f')} bytes "
        f"per row, {_fmt(compute['disk_gb_full_design'], '.1f')} GB for the design. The full design "
        f"({len(design.rows)} rows) needs, at the measured cost per row:",
        "",
    ]
    lines += [
        f"- {name} ({m['cores']} cores, {m['launcher']}): {_fmt(m['wall_hours'], '.2f')} h "
        f"({_fmt(None if m['wall_hours'] is None else m['wall_hours'] * 60, '.0f')} min)"
        for name, m in compute["machines"].items()
    ]
    md = atomic_write(out / "sensitivity.md", "\n".join(lines) + "\n")
    return [png, table, md, sidecar]
