"""Write the README's "What it finds" block from the result files, so no number in it is typed by hand.

    python experiments/readme_findings.py      # rewrites the blocks between the markers in README.md

It reads ``results/region.json`` (written by ``experiments/region.py``),
``results/scenarios.csv`` (``experiments/reproduce.py``),
``results/benchmark_versus.json`` (``experiments/benchmark/versus.py``),
``results/benchmark.json`` (``experiments/benchmark/benchmark.py``) and
``results/benchmark_draws.json`` (``experiments/benchmark/draws.py``).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- findings:start -->", "<!-- findings:end -->"
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"
NETWORK_START, NETWORK_END = "<!-- network:start -->", "<!-- network:end -->"
PERF_START, PERF_END = "<!-- performance:start -->", "<!-- performance:end -->"
EVIDENCE_START, EVIDENCE_END = "<!-- evidence:start -->", "<!-- evidence:end -->"


def ci(x: dict) -> str:
    return f"{x['mean']:.2f} [{x['ci_low']:.2f}, {x['ci_high']:.2f}]"


def block(region: dict) -> str:
    meta, cells = region["meta"], region["cells"]
    d = meta["default_cell"]
    lasting = [c for c in cells if c["class"] == "lasting"]
    recovers = [c for c in cells if c["class"] == "recovers"]

    def where(cs: list[dict]) -> str:
        if not cs:
            return "no cell of the grid"
        keys = ("labour.supply_scale", "victims.pool_scale", "operations.profit_retained")
        return "; ".join("(" + ", ".join(f"{k.split('.')[1]}={c[k]:g}" for k in keys) + f": {ci(c['frac_cf_1y'])})" for c in cs)

    levers = "; ".join(
        f"`{name}` {low['value']:g} -> {high['value']:g} moves `final_frac_cf` from {low['mean']:.3f} to {high['mean']:.3f}"
        f" (CI width up to {max(low['width'], high['width']):.3f})"
        for name, low, high in meta["lever_effects"]
    )
    return "\n".join(
        [
            START,
            f"Measured against the paired no-crackdown arm (same seeds) on the {meta['world']} world, "
            f"{meta['replications']} replications per cell ([`results/region.md`](results/region.md), "
            f"`{meta['command']}`):",
            "",
            f"- at the defaults the raid-only July 2025 wave leaves the network at {ci(d['frac_cf_1y'])} of where it "
            f"would have been one year on and {ci(d['final_frac_cf'])} at the end of the run: **{d['class']}**;",
            f"- the wave has a **lasting** effect (at least 20% below the counterfactual a year on, whole CI) in {len(lasting)} "
            f"of {len(cells)} cells: {where(lasting)};",
            f"- the network **recovers** (CI above 90%) in {len(recovers)} cells: {where(recovers)};",
            f"- one lever at a time: {levers}.",
            END,
        ]
    )


def results_block(scenarios: dict[str, dict[str, str]], versus: dict, ages: dict[str, str], fit: dict) -> str:
    b = scenarios["baseline"]
    on = ", ".join(f"`{f}`" for f, a in ages.items() if a == "calibrated") or "none"
    before = ", ".join(f"`{f}`" for f, a in ages.items() if a != "calibrated")

    def col(row: dict[str, str], name: str, digits: int = 2) -> str:
        m, lo, hi = (float(row[k]) for k in (name, f"{name}_ci_low", f"{name}_ci_high"))
        return f"{m:,.{digits}f} [{lo:,.{digits}f}, {hi:,.{digits}f}]"

    label = next(k for k in fit["fits"] if k.startswith("calibrated point"))
    point = fit["fits"][label]
    inside = [n for n, t in point.items() if t["lo"] <= t["mean"] <= t["hi"]]

    def target(n: str) -> str:
        t = point[n]
        digits = 3 if t["hi"] <= 1 else 0
        return (
            f"`{n}` {t['mean']:,.{digits}f} [{t['ci_low']:,.{digits}f}, {t['ci_high']:,.{digits}f}] against "
            f"{t['lo']:,.{digits}f}..{t['hi']:,.{digits}f} ({fit['observed'][n]})"
        )

    return "\n".join(
        [
            RESULTS_START,
            f"In the windows their sources counted (from the campaign's start on 27 June 2025), the calibrated point "
            f"({fit['replications']} replications, [`results/calibration_fit.json`](results/calibration_fit.json)) puts "
            f"{len(inside)} of {len(point)} July 2025 targets inside their allowed ranges: "
            + "; ".join(target(n) for n in point)
            + ". "
            f"Without a crackdown the number of compounds founded varies between replications "
            f"({col(b, 'compounds_founded', 0)}): growth stops where building no longer pays, not at a room cap.  "
            "[`results/verdict.md`](results/verdict.md) is written by `python experiments/verdict.py` from these files. "
            f"Made on the calibrated world (the ABC-SMC calibrated point, `+posterior=july_2025`): {on}"
            + (f"; made before the current calibration and not yet rerun: {before}." if before else "."),
            "",
            f"Version 1 comparison: a Cambodia replication with `counterfactual=false` cost {versus['ratio_median']:.2f}x "
            f"the version-1 replication in CPU time (median of {len(versus['rounds'])} alternating rounds, "
            f"[`results/benchmark_versus.json`](results/benchmark_versus.json), `python experiments/benchmark/versus.py`, "
            "measured before the protection network and the compiled kernels); current timings are under Performance.",
            RESULTS_END,
        ]
    )


def network_block(targeting: dict, episodes: dict) -> str:
    """Targeting strategies (results/targeting.json) and the six episodes (results/episodes.json)."""
    settings = targeting["summary"]["settings"]
    strategies = [s for s in targeting["meta"]["study"]["spec"]["strategies"] if s != "random"]

    def beats(adapt: str) -> list[str]:
        arms = settings[adapt]["arms"]
        return [s for s in strategies if arms[s]["minus_reference"]["revenue_lost_days_cf"]["ci_low"] > 0]

    def lost(adapt: str, name: str) -> str:
        return ci(settings[adapt]["arms"][name]["metrics"]["revenue_lost_days_cf"])

    eroded = [s for s in strategies if targeting["summary"]["advantage_off_minus_on"][s]["revenue_lost_days_cf"]["ci_low"] > 0]
    rows = []
    totals = {"consistent": 0, "miss": 0, "not comparable": 0}
    points: dict[str, int] = {}
    for name, ep in episodes["episodes"].items():
        verdicts = [o["verdict"] for o in ep["summary"]["outcomes"]]
        for v in verdicts:
            totals[v] = totals.get(v, 0) + 1
        for o in ep["summary"]["outcomes"]:
            if o["verdict"] == "miss":
                mech = o["points_to"].split(" ", 1)[0]
                points[mech] = points.get(mech, 0) + 1
        rows.append(f"`{name}` {verdicts.count('consistent')} of {len(verdicts)}")
    top = max(points, key=lambda k: points[k]) if points else "none"
    n_out = sum(totals.values())
    return "\n".join(
        [
            NETWORK_START,
            f"**On the network** ([`results/targeting.md`](results/targeting.md), `python experiments/targeting.py`, "
            f"{settings['true']['replications']} replications): removing {targeting['meta']['study']['spec']['count']} "
            f"nodes before the July wave, {len(beats('false'))} of {len(strategies)} targeted strategies disrupt more "
            f"than random removal when the network cannot adapt and {len(beats('true'))} when it can; adaptation "
            f"erodes the advantage of {len(eroded)} ({', '.join(eroded) or 'none'}). Revenue lost, random removal: "
            f"{lost('false', 'random')} days without adaptation, {lost('true', 'random')} with it (Bright et al. 2017 "
            "report the same pattern).",
            "",
            f"**Out of sample** ([`results/episodes.md`](results/episodes.md), `python experiments/episodes.py`): of "
            f"{n_out} outcomes of six real episodes in the public record, fixed before any run "
            f"([`docs/episodes_record.yaml`](docs/episodes_record.yaml)), the model is consistent with "
            f"{totals['consistent']}, misses {totals['miss']} and cannot compare {totals['not comparable']} "
            f"({'; '.join(rows)}). Most misses ({points.get(top, 0)} of {totals['miss']}) point to `{top}`: bosses move "
            "every compound out the day an order or a cut reaches them, so the raids and handovers that followed on "
            "the record find the model's sites empty. Nothing was tuned to these episodes.",
            NETWORK_END,
        ]
    )


def pipeline_minutes(cal: dict | None, disc: dict | None, sens: dict | None) -> float | None:
    """The wall minutes the three evidence designs (ABC-SMC, discovery, Sobol) took here, from their JSON files."""
    walls = [d.get("wall_seconds") if d is not None else None for d in (cal, disc, sens)]
    return sum(walls) / 60 if all(isinstance(w, (int, float)) for w in walls) else None


def measured_line(cal: dict | None, disc: dict | None, sens: dict | None, unc: dict | None) -> str:
    """What the evidence designs really took here (their own JSON files), beside the benchmark's estimate."""
    parts = []
    if cal is not None:
        parts.append(
            f"ABC-SMC {cal['simulations']:,} simulations in {cal['wall_seconds'] / 60:.0f} min "
            f"({cal['seconds_per_simulation_core']:.2f} core-seconds each; `calibration.json`)"
        )
    if disc is not None and disc.get("wall_seconds"):
        parts.append(
            f"discovery {disc['points']} points x {disc['study']['replications']} replications x 2 arms in "
            f"{disc['wall_seconds'] / 60:.0f} min (`discovery.json`)"
        )
    if sens is not None and "N" in sens:
        parts.append(f"Sobol {sens['points']:,} rows in {sens['wall_seconds'] / 60:.0f} min (`sensitivity.json`)")
    if unc is not None:
        parts.append(f"the uncertainty study in {unc['wall_seconds'] / 60:.0f} min (`uncertainty.json`)")
    if not parts:
        return ""
    total = pipeline_minutes(cal, disc, sens)
    return (
        "Measured here with 2 processes on the shared 2-core machine (the load varied; each file records its own): "
        + "; ".join(parts)
        + "."
        + (
            f"  The three evidence designs took {total / 60:.1f} h together, more than the table's estimate: it counts "
            "model time on an idle machine, while these runs also composed each job's config, wrote its files and "
            "shared the machine with other studies."
            if total is not None
            else ""
        )
    )


def performance_block(bench: dict, draws: dict, measured: str = "") -> str:
    """The README's Performance table, from ``results/benchmark.json`` and ``results/benchmark_draws.json``."""
    env, w, r = bench["environment"], bench["worlds"], bench["ratios"]
    big, pipe, sweep = bench["big"], bench["pipeline"], bench["sweep"]
    verdict = {t["name"]: t for t in bench["targets"]}

    def ok(name: str) -> str:
        return "met" if verdict[name]["pass"] else "**not met**"

    sc = bench["scaling"]
    rows = [
        (
            f"`world=cambodia` ({w['cambodia']['workers']:,} workers, {w['cambodia']['compounds']} compounds, "
            f"{w['cambodia']['days']} days), median per replication",
            f"{w['cambodia']['time']['median']:.2f} s",
            "< 1 s (issue 5): " + ok("world=cambodia median < 1 s"),
        ),
        (
            "the same, in CPU time, over a bare SimPy loop with one numpy-vectorised process per compound "
            "(`experiments/benchmark/reference.py`, same run)",
            f"{r['reference']['ratio_median']:.2f}x ({r['reference']['rounds'][0]['model_s']:.2f} s vs "
            f"{r['reference']['rounds'][0]['reference_s']:.2f} s in the first round)",
            "<= 0.5x: " + ok("(v2) Cambodia replication <= 0.5x the bare numpy-per-compound reference"),
        ),
        (
            "the paired counterfactual arm over the scenario arm (`experiments/benchmark/arms.py`)",
            verdict["(v2) counterfactual arm <= 0.6x a scenario arm"]["value"],  # the benchmark's own wording
            "<= 0.6x: " + ok("(v2) counterfactual arm <= 0.6x a scenario arm"),
        ),
        (
            f"`world=regional` ({w['regional']['workers']:,} workers, {w['regional']['compounds']} compounds)",
            f"{w['regional']['time']['median']:.2f} s",
            "< 1 s: " + ok("(v2) world=regional median < 1 s"),
        ),
        (
            f"{big['workers']:,} workers in {big['compounds']:,} compounds (generated), per replication",
            f"{big['time']['median']:.1f} s, max RSS {big['max_rss_mb']:.0f} MB",
            "runs: " + ok("(v2) 1,000,000 workers in 2,000 compounds runs"),
        ),
        (
            f"growth exponent of time, workers {sc['workers']['points'][0]['size']:,}-{sc['workers']['points'][-1]['size']:,}"
            f" / compounds {sc['compounds']['points'][0]['size']:,}-{sc['compounds']['points'][-1]['size']:,}",
            f"{sc['workers']['exponent']:.2f} / {sc['compounds']['exponent']:.2f}",
            "<= 1.1: "
            + (
                "met"
                if max(sc["workers"]["exponent"], sc["compounds"]["exponent"]) <= bench["limits"]["exponent"]
                else "**not met**"
            ),
        ),
        (
            "peak memory of a process running one replication (max RSS, any of the three worlds)",
            f"{max(x['max_rss_mb'] for x in w.values()):.0f} MB",
            "< 300 MB: " + ok("peak memory < 300 MB"),
        ),
        (
            "1,000 Cambodia replications through the joblib launcher",
            f"{sweep['thousand']['minutes']:.1f} min ({sweep['thousand']['how']})",
            "< 10 min: " + ok("1,000 Cambodia replications via joblib < 10 min"),
        ),
        (
            "the evidence designs of issue 12 as committed (`configs/experiment/`: Sobol "
            f"{pipe['designs']['sobol']['runs']:,} rows x 2 arms, ABC-SMC at most "
            f"{pipe['designs']['abc_smc']['runs']:,} simulations, discovery {pipe['designs']['discovery']['runs']:,} "
            "replications x 2 arms), estimated from the measured cost of an arm"
            + (
                f"; at the planning sizes (discovery 1,000 points x 3, ABC 25,000 simulations) "
                f"{pipe['planned']['hours_here']:.1f} h here"
                if "planned" in pipe
                else ""
            ),
            f"{pipe['cpu_h']:.1f} CPU-hours: {pipe['hours_here']:.1f} h here; "
            + ", ".join(f"{v * 60:.0f} min on {k}" for k, v in pipe["hours_on"].items()),
            "<= 2 h here: "
            + ok("(v2) evidence pipeline (Sobol, ABC-SMC, discovery) <= 2 h here")
            + (" by the estimate; see the measured runs below" if measured else ""),
        ),
    ]
    lines = [
        PERF_START,
        f"Latest `python experiments/benchmark/benchmark.py` ({bench['mode']} mode, started {bench['started']}, "
        f"load {bench['load_start']['load1']:.2f} at the start and {bench['load_end']['load1']:.2f} at the end, on "
        f"{env['cpu']} with {bench['load_start']['cpus']} cores, Python {env['python']}, numpy {env['packages']['numpy']}, "
        f"simpy {env['packages']['simpy']}; [`results/benchmark.json`](results/benchmark.json)), default crackdown "
        "scenario, 910-day horizon:",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        "",
        f"The compiled kernels changed the random draws; the scenarios study on both sides ({draws['replications']} "
        f"replications per scenario and arm) agrees with the last commit before them ({draws['ref']}): "
        f"{draws['held']} of {draws['total']} scenario x metric comparisons have a 95% interval of the difference "
        f"that holds 0 ([`results/benchmark_draws.md`](results/benchmark_draws.md), "
        "`python experiments/benchmark/draws.py`).",
        *(["", measured] if measured else []),
        PERF_END,
    ]
    return "\n".join(lines)


def _box(b: dict) -> str:
    parts = []
    for r in b["restricted"]:
        if r["kind"] == "set":
            parts.append(f"`{r['name']}` in {{{', '.join(str(v) for v in r['values'])}}}")
        else:
            parts.append(f"`{r['name']}` {r['lower']:.3g}-{r['upper']:.3g} (of {r['min']:.3g}-{r['max']:.3g})")
    return "; ".join(parts)


def evidence_block(cal: dict, val: dict, unc: dict, sens: dict | None, disc: dict | None) -> str:
    """The evidence in brief: calibration, validation, parameter uncertainty, sensitivity, scenario discovery."""
    c = unc["results"]["crackdown_2025"]["frac_cf_1y"]
    med, drw = c["point"], c["draws"]
    counts = val["counts"]
    last = cal["generation_table"][-1]
    ident = [k for k, p in cal["parameters"].items() if p["identified"]]
    lines = [
        EVIDENCE_START,
        "The evidence, each line from a file a script wrote ([`results/verdict.md`](results/verdict.md) has the rest):",
        "",
        f"- **Calibration** ([`results/calibration.md`](results/calibration.md), `python experiments/calibrate.py`): "
        f"{cal['method']} ({cal['engine']}) on the July 2025 wave's {len(cal['targets'])} targets in the windows their "
        "sources counted (from the campaign's start on 27 June 2025), "
        f"{cal['generations']} generations of {cal['particles']} particles ({cal['simulations']:,} simulations, last tolerance "
        f"{last['epsilon']:.2f}, effective sample size {last['ess']:.0f}). The targets identify "
        f"{len(ident)} of {len(cal['parameters'])} parameters (posterior SD below {cal['identified_below']:g} of the prior's: "
        + (", ".join(f"`{k.rsplit('.', 1)[-1]}`" for k in ident) or "none")
        + "); the others stay uncertain and are carried into the answer.",
        f"- **Validation** ([`results/validation.md`](results/validation.md), `python experiments/validate.py`): "
        f"{counts['counted']} of {counts['validation']} validation patterns (none of them a calibration target) can fail "
        f"and do on the no-intervention run or a knockout; {counts['counted_passing']} of those pass on the calibrated model.",
        f"- **Parameter uncertainty** ([`results/uncertainty.md`](results/uncertainty.md), `python experiments/uncertainty.py`): "
        f"one year on, the July 2025 wave leaves the network at {med['mean']:.2f} [{med['ci_low']:.2f}, {med['ci_high']:.2f}] "
        f"of its counterfactual at the calibrated point and {drw['mean']:.2f} [{drw['ci_low']:.2f}, {drw['ci_high']:.2f}] "
        f"with every replication at its own posterior draw (single runs {drw['q05']:.2f}-{drw['q95']:.2f}); parameter "
        f"uncertainty is {c['parameter_share']:.0%} of the variance across replications (F-test p = {c['p_value']:.2g}).",
    ]
    if sens is not None:
        lines.append(sens_line(sens))
    if disc is not None:
        head = (
            f"- **Where the claim breaks** ([`results/discovery.md`](results/discovery.md), `python experiments/discover.py`): "
            f"of {disc['valid_points']} Latin-hypercube points over the uncertain parameters and the policy levers, "
            f"{disc['meet']} leave the network at least {1 - disc['threshold']:.0%} below its counterfactual a year later"
        )
        if disc["boxes"]:
            b = disc["boxes"][0]
            head += (
                f"; PRIM's first box (coverage {b['coverage']:.2f}, density {b['density']:.2f}) is where that happens: "
                + _box(b)
                + "."
            )
        else:
            head += "; PRIM finds no box with a significant restriction."
        lines.append(head)
    lines.append(EVIDENCE_END)
    return "\n".join(lines)


def sens_line(sens: dict) -> str:
    """The Sobol line: the largest total index of each output, the seed's share, and the ranking's stability."""
    seed_in = sens["seeding"]["input"]
    parts = []
    for name, idx in sens["indices"].items():
        st, top = max((v["ST"], p) for p, v in idx.items() if p != seed_in)
        boot = sens["convergence"][name]["bootstrap"]
        seed = sens["seeding"]["S_T_seed"][name]["ST"]
        parts.append(
            f"`{name}`: `{top.rsplit('.', 1)[-1]}` (S_T {st:.2f}; seed {seed:.2f}; ranking Spearman {boot['spearman_median']:.2f})"
        )
    return (
        f"- **Sensitivity** ([`results/sensitivity.md`](results/sensitivity.md), `python experiments/sensitivity.py`): Sobol "
        f"with N = {sens['N']} ({sens['points']:,} rows, each its own seed) on the calibrated {sens['world']} world; the "
        "largest total index per output: " + "; ".join(parts) + "."
    )


def _replace(text: str, start: str, end: str, new: str) -> str:
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {start} ... {end} block")
    return pattern.sub(lambda _m: new, text)


def main() -> None:
    res = ROOT / "results"
    region = json.loads((res / "region.json").read_text())
    with (res / "scenarios.csv").open() as fh:
        scenarios = {r["scenario"]: r for r in csv.DictReader(fh)}
    versus = json.loads((res / "benchmark_versus.json").read_text())
    readme = ROOT / "README.md"
    text = _replace(readme.read_text(), START, END, block(region))
    from verdict_sources import model_age

    fit = json.loads((res / "calibration_fit.json").read_text())
    text = _replace(text, RESULTS_START, RESULTS_END, results_block(scenarios, versus, model_age(res, ROOT), fit))
    bench = json.loads((res / "benchmark.json").read_text())
    draws = json.loads((res / "benchmark_draws.json").read_text())

    def load(name: str) -> dict | None:
        path = res / f"{name}.json"
        return json.loads(path.read_text()) if path.exists() else None

    measured = measured_line(load("calibration"), load("discovery"), load("sensitivity"), load("uncertainty"))
    text = _replace(text, PERF_START, PERF_END, performance_block(bench, draws, measured))
    targeting = json.loads((res / "targeting.json").read_text())
    episodes = json.loads((res / "episodes.json").read_text())
    text = _replace(text, NETWORK_START, NETWORK_END, network_block(targeting, episodes))
    opt = {
        n: json.loads((res / f"{n}.json").read_text()) if (res / f"{n}.json").exists() else None
        for n in ("sensitivity", "discovery")
    }
    text = _replace(
        text,
        EVIDENCE_START,
        EVIDENCE_END,
        evidence_block(
            json.loads((res / "calibration.json").read_text()),
            json.loads((res / "validation_data.json").read_text()),
            json.loads((res / "uncertainty.json").read_text()),
            opt["sensitivity"] if opt["sensitivity"] and "N" in opt["sensitivity"] else None,
            opt["discovery"],
        ),
    )
    readme.write_text(text)
    print("README.md findings and results blocks rewritten from results/")


if __name__ == "__main__":
    main()
