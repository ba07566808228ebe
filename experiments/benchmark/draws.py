"""Do the outputs still agree in distribution with an earlier commit?  (For optimisations that change the draws.)

    python experiments/benchmark/draws.py                     # HEAD vs ac080b1, into results/
    python experiments/benchmark/draws.py --ref <commit> --out /tmp/draws

Why: an optimisation that changes how random draws are made (a compiled
sampler instead of ``Generator.choice``, say) changes every output byte, so
the golden files are regenerated; what must not change is the model's
behaviour.  This runs the scenarios study (``configs/experiment/
scenarios.yaml``: every scenario, 30 replications with their paired
counterfactual arms, the Cambodia world) on both commits with
``experiments/reproduce.py --only scenarios`` -- the committed tree of
``--ref`` extracted with ``git archive`` and run from its own folder -- and
compares every headline metric of every scenario: the Welch 95% interval of
the difference of means, and whether each side's mean lies inside the
other's 95% interval.  At 95% about one comparison in twenty falls outside
by chance alone, so the report gives the count and names every one.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import common

from sim.runs.atomic import atomic_write
from sim.runs.provenance import git_commit

REF = "ac080b1"  # the last commit before the compiled kernels changed the draws
METRICS = (
    "frac_cf_1y",
    "final_frac_cf",
    "recovery_days_cf",
    "revenue_lost_days_cf",
    "displacement_ratio",
    "final_frac",
    "trough_frac",
    "raids_30d",
    "arrests_30d",
    "arrests_21d",
    "sealed_180d",
    "arrests_workers",
    "relocations",
    "compounds_closed",
    "compounds_founded",
    "workers_final",
    "repatriated",
    "retrafficked",
)


def extract(ref: str, into: Path) -> Path:
    """The committed tree of ``ref`` in a folder of its own."""
    blob = subprocess.run(["git", "archive", ref], cwd=common.ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_scenarios(tree: Path, out: Path, jobs: int) -> float:
    """``reproduce.py --only scenarios`` of one tree (importing that tree's ``sim``); returns wall seconds."""
    start = time.perf_counter()
    env = common.child_env() | {"PYTHONPATH": str(tree)}
    cmd = [
        sys.executable,
        str(tree / "experiments" / "reproduce.py"),
        "--only",
        "scenarios",
        "--out",
        str(out),
        "--jobs",
        str(jobs),
    ]
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{tree}: reproduce failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def read(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as fh:
        return {row["scenario"]: row for row in csv.DictReader(fh)}


def compare(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[dict[str, object]]:
    """Per scenario and metric: both means, both CIs, the Welch CI of the difference and whether it holds 0."""
    rows = []
    for scenario in sorted(set(old) & set(new)):
        for m in METRICS:
            a, b = old[scenario], new[scenario]
            if not a.get(m) or not b.get(m):
                continue
            ma, mb = float(a[m]), float(b[m])
            na, nb = int(a[f"{m}_n"]), int(b[f"{m}_n"])
            # the CIs are mean +- t * sd / sqrt(n); back out each side's standard error from its half-width
            ha, hb = (float(a[f"{m}_ci_high"]) - ma), (float(b[f"{m}_ci_high"]) - mb)
            t = 2.045 if min(na, nb) >= 30 else 2.1
            se = math.hypot(ha / t, hb / t)
            diff = mb - ma
            low, high = diff - 1.96 * se, diff + 1.96 * se
            rows.append(
                {
                    "scenario": scenario,
                    "metric": m,
                    "old": ma,
                    "new": mb,
                    "old_ci": [float(a[f"{m}_ci_low"]), float(a[f"{m}_ci_high"])],
                    "new_ci": [float(b[f"{m}_ci_low"]), float(b[f"{m}_ci_high"])],
                    "diff_ci": [low, high],
                    "diff_ci_contains_0": bool(low <= 0.0 <= high) or (ha == 0 and hb == 0 and diff == 0),
                    "means_in_other_ci": bool(
                        float(a[f"{m}_ci_low"]) <= mb <= float(a[f"{m}_ci_high"])
                        or float(b[f"{m}_ci_low"]) <= ma <= float(b[f"{m}_ci_high"])
                    ),
                }
            )
    return rows


def report(result: dict) -> str:
    rows = result["comparisons"]
    held = sum(r["diff_ci_contains_0"] for r in rows)
    lines = [
        "# Outputs before and after the compiled kernels: agreement in distribution",
        "",
        f"`python experiments/benchmark/draws.py` (HEAD {result['head']} vs {result['ref']}), scenarios study, "
        f"{result['replications']} replications per scenario and arm, Cambodia world.",
        "",
        f"- {held} of {len(rows)} scenario x metric comparisons have a 95% interval of the difference that holds 0 "
        f"({len(rows) - held} do not; about {round(0.05 * len(rows))} are expected to by chance).",
        f"- Wall time: {result['seconds']['ref']:.0f} s for {result['ref']}, {result['seconds']['head']:.0f} s for HEAD "
        f"(both at once, {result['jobs']} job(s) each; load {result['load_start']['load1']} at the start).",
        "",
        "| scenario | metric | before | after | difference (95% CI) | holds 0 |",
        "|---|---|---:|---:|---|---|",
    ]
    for r in rows:
        low, high = r["diff_ci"]
        lines.append(
            f"| {r['scenario']} | {r['metric']} | {r['old']:.4g} | {r['new']:.4g} | "
            f"[{low:.3g}, {high:.3g}] | {'yes' if r['diff_ci_contains_0'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=REF)
    parser.add_argument("--out", type=Path, default=common.RESULTS)
    parser.add_argument("--jobs", type=int, default=1, help="processes per side (the two sides run at the same time)")
    args = parser.parse_args(argv)
    load = common.load()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        old_tree = extract(args.ref, tmp_path / "ref")
        procs = {}
        seconds: dict[str, float] = {}
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            procs["ref"] = pool.submit(run_scenarios, old_tree, tmp_path / "out-ref", args.jobs)
            procs["head"] = pool.submit(run_scenarios, common.ROOT, tmp_path / "out-head", args.jobs)
            seconds = {k: f.result() for k, f in procs.items()}
        old, new = read(tmp_path / "out-ref" / "scenarios.csv"), read(tmp_path / "out-head" / "scenarios.csv")
    comparisons = compare(old, new)
    result = {
        "ref": args.ref,
        "head": git_commit(),
        "replications": int(next(iter(new.values()))["replications"]),
        "jobs": args.jobs,
        "seconds": seconds,
        "load_start": load,
        "load_end": common.load(),
        "comparisons": comparisons,
        "held": sum(r["diff_ci_contains_0"] for r in comparisons),
        "total": len(comparisons),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / "benchmark_draws.json", json.dumps(result, indent=1) + "\n")
    atomic_write(args.out / "benchmark_draws.md", report(result))
    print(f"{result['held']} of {result['total']} comparisons hold 0; wrote {args.out / 'benchmark_draws.md'}")
    return result


if __name__ == "__main__":
    main()
