"""The benchmark's outputs other than numbers: the profile, the figures and the printed table.

Kept apart from ``benchmark.py`` so the measuring code reads top to bottom
without formatting in the way.  The profile is written as text because
``pstats`` output is what a reader would compare by eye between commits; a
per-module sum of internal time is added because the question it answers,
"which part of the model costs what", is not visible in a list of functions.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

from sim import compose
from sim.model import run_replication
from sim.runs.atomic import atomic_savefig, atomic_write


def _module(filename: str) -> str:
    """Group a profiled function by where it lives: a sim module (``sim/core/workers.py``), simpy, numpy, or the rest."""
    parts = Path(filename).parts
    if "sim" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("sim") :])
    for lib in ("simpy", "numpy"):
        if f"/{lib}/" in filename:
            return lib
    return "C functions (numpy methods, builtins)"


def profile(path: Path, overrides: list[str], top: int = 30) -> dict[str, object]:
    """Profile one replication (after a warm-up) and write the top functions by cumulative and internal time."""
    cfg = compose(overrides)
    run_replication(cfg, 0)
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    run_replication(cfg, 1)
    prof.disable()
    seconds = time.perf_counter() - start
    stats = pstats.Stats(prof)
    by_module: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        by_module[_module(filename)] += tottime
        rows.append(
            {"function": f"{Path(filename).name}:{line}({func})", "ncalls": ncalls, "tottime": tottime, "cumtime": cumtime}
        )
    rows.sort(key=lambda r: r["tottime"], reverse=True)
    total = sum(by_module.values())
    modules = dict(sorted(((k, round(v, 4)) for k, v in by_module.items()), key=lambda kv: -kv[1]))
    buf = io.StringIO()
    buf.write(f"cProfile of one replication: {' '.join(overrides)}\n")
    buf.write(f"wall time under the profiler {seconds:.3f} s (the profiler adds overhead to every call)\n\n")
    buf.write("internal time by module (s, share):\n")
    for name, t in modules.items():
        buf.write(f"  {name:<40}{t:8.3f}  {100 * t / total:5.1f}%\n")
    for key, title in (("cumulative", "cumulative time"), ("tottime", "internal time")):
        buf.write(f"\n=== top {top} by {title} ===\n")
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(top)
    atomic_write(path, buf.getvalue())
    return {"overrides": overrides, "seconds_profiled": seconds, "tottime_by_module": modules, "top_tottime": rows[:12]}


def _plain(axis: matplotlib.axis.Axis) -> None:
    """Plain numbers on a log axis: 0.5, 1, 2 reads faster than 5 x 10^-1."""
    fmt = ScalarFormatter()
    fmt.set_scientific(False)
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(fmt)
    axis.set_minor_formatter(NullFormatter())


def _fit_line(ax: plt.Axes, x: np.ndarray, y: np.ndarray, slope: float, color: str) -> None:
    b = np.polyfit(np.log(x), np.log(y), 1)[1]
    xs = np.geomspace(x.min(), x.max(), 50)
    ax.plot(xs, np.exp(b) * xs**slope, "--", color=color, lw=1, label=f"fit: time ~ size^{slope:.2f}")


def scaling_figure(path: Path, scaling: dict[str, dict], worlds: dict[str, dict]) -> None:
    """Time per replication against workers and against compounds, log-log, with the fitted exponent."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, key, label, color in (
        (axes[0], "workers", "workers (regional world, 400 compounds)", "C0"),
        (axes[1], "compounds", "compounds (regional world, ~100,000 workers)", "C1"),
    ):
        series = scaling[key]
        x = np.array([p["size"] for p in series["points"]], float)
        med = np.array([p["time"]["median"] for p in series["points"]])
        lo = med - np.array([p["time"]["min"] for p in series["points"]])
        hi = np.array([p["time"]["max"] for p in series["points"]]) - med
        ax.errorbar(x, med, yerr=[lo, hi], fmt="o", color=color, capsize=3, label="median (bars: min-max)")
        _fit_line(ax, x, med, series["exponent"], color)
        if key == "workers":
            for name, w in worlds.items():
                ax.plot(w["workers"], w["time"]["median"], "s", color="0.3", ms=5)
                ax.annotate(
                    f"world={name}", (w["workers"], w["time"]["median"]), textcoords="offset points", xytext=(5, -10), fontsize=8
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain(ax.yaxis)
        ax.set_xlabel(label)
        ax.set_ylabel("wall time per replication (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(
        "scamsim: time per replication, crackdown_2025, 910 days (exponent < 1: a fixed cost per simulated day)", fontsize=10
    )
    fig.tight_layout()
    atomic_savefig(fig, path, dpi=120)
    plt.close(fig)


def sweep_figure(path: Path, rows: list[dict], thousand: dict | None, capacity: dict | None = None) -> None:
    """Replications per minute against replications per job, for each Hydra launcher."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    if capacity:  # without it a flat joblib line reads as the launcher's fault
        ax.set_title(
            f"two CPU-bound processes got {capacity['effective_cores']:.2f} cores' worth at the time (load {capacity['load']})",
            fontsize=9,
        )
    for launcher, color in (("basic", "C0"), ("joblib", "C1")):
        pts = [r for r in rows if r["launcher"] == launcher]
        n_jobs = pts[0]["n_jobs"] if pts else 1
        ax.plot(
            [r["replications_per_job"] for r in pts],
            [r["replications_per_minute"] for r in pts],
            "o-",
            color=color,
            label=f"hydra/launcher={launcher}" + (f" (n_jobs={n_jobs})" if launcher == "joblib" else ""),
        )
    if thousand:
        ax.plot(
            thousand["replications_per_job"],
            thousand["replications_per_minute"],
            "*",
            ms=12,
            color="C3",
            label=f"1,000 replications, joblib ({thousand['jobs']} jobs)",
        )
    jobs = rows[0]["jobs"] if rows else 0
    ax.set_xscale("log")
    _plain(ax.xaxis)
    ax.set_xticks(sorted({r["replications_per_job"] for r in rows} | ({thousand["replications_per_job"]} if thousand else set())))
    ax.set_xlabel(f"replications per job ({jobs} jobs per sweep, world=cambodia)")
    ax.set_ylabel("replications per minute (whole sweep, start to exit)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    atomic_savefig(fig, path, dpi=120)
    plt.close(fig)


def _ci(c: dict) -> str:
    return f"{c['mean']:9.1f} [{c['ci_low']:.1f}, {c['ci_high']:.1f}]"


def table(report: dict) -> str:
    """The printed summary: one block per section, then the targets."""
    lines = [f"scamsim benchmark, {report['mode']} mode, {report['started']}, load at start {report['load_start']['uptime']}", ""]
    lines.append(
        f"{'world':<10}{'workers':>9}{'compounds':>10}{'median s':>10}{'p25-p75 s':>14}{'min-max s':>14}{'cpu s':>8}{'max RSS MB':>12}{'tracemalloc MB':>16}"
    )
    for name, w in report["worlds"].items():
        t = w["time"]
        lines.append(
            f"{name:<10}{w['workers']:>9,}{w['compounds']:>10}{t['median']:>10.3f}{t['p25']:>7.2f}-{t['p75']:<6.2f}"
            f"{t['min']:>7.2f}-{t['max']:<6.2f}{w['cpu_s']['median']:>8.3f}{w['max_rss_mb']:>12.1f}{w['tracemalloc_peak_mb']:>16.1f}"
        )
    runs = next(iter(report["worlds"].values()))["time"]["runs"]
    lines.append(
        f"  ({runs} timed replications per world after a warm-up, each world in a fresh process; cpu s: median CPU time)"
    )
    for key in ("workers", "compounds"):
        s = report["scaling"][key]
        pts = ", ".join(f"{p['size']:,}: {p['time']['median']:.2f}" for p in s["points"])
        lines.append(
            f"scaling in {key:<9} (s per replication) {pts}  -> exponent {s['exponent']:.2f} "
            f"({s['exponent_largest3']:.2f} over the 3 largest)"
        )
    ag = report["naive"]["agreement"]
    w = ag["workload"]
    lines.append("")
    lines.append(
        f"naive reference vs reduced model, world={w['world']} x {w['workers']:,} workers x {w['days']} days, {w['replications']} replications each:"
    )
    lines.append(
        f"  {'metric':<12}{'model mean [95% CI]':>28}{'naive mean [95% CI]':>28}{'paired diff [95% CI]':>28}  CIs overlap"
    )
    for name, m in ag["metrics"].items():
        lines.append(f"  {name:<12}{_ci(m['model']):>28}{_ci(m['naive']):>28}{_ci(m['paired_diff']):>28}  {m['cis_overlap']}")
    sp = report["naive"]["speed"]
    w = sp["workload"]
    lines.append(
        f"speed, world={w['world']} x {w['workers']:,} workers x {w['days']} days: model {sp['model']['median']:.3f} s "
        f"(median of {sp['model']['runs']}), naive {sp['naive_seconds']:.1f} s (one run): {sp['ratio']:.0f}x"
    )
    if "extrapolated" in sp:
        ex = sp["extrapolated"]
        lines.append(
            f"  {report['mode']} mode measures the naive code on {w['workers']:,} workers; at {ex['workers']:,}: model "
            f"{ex['model']['median']:.3f} s (measured), naive ~{ex['naive_seconds_estimate']:.0f} s (linear estimate, a lower bound): "
            f"~{ex['ratio']:.0f}x; --full measures it"
        )
    lines.append("")
    cap = report["sweep"]["parallel_capacity"]
    lines.append(
        f"parallel capacity: two CPU-bound processes got {cap['effective_cores']:.2f} cores' worth (1.0 = no gain from n_jobs=2)"
    )
    for r in report["sweep"]["throughput"]:
        lines.append(
            f"sweep {r['launcher']:<6} {r['jobs']} jobs x {r['replications_per_job']:>3} replications: "
            f"{r['seconds']:7.1f} s = {r['replications_per_minute']:6.1f} replications/min  (load {r['load_before']['load1']})"
        )
    th = report["sweep"]["thousand"]
    lines.append(f"1,000 Cambodia replications via joblib: {th['minutes']:.1f} min ({th['how']})")
    pipe = report["pipeline"]
    lines.append(
        "evidence pipeline: "
        + ", ".join(f"{n} {d['cpu_h']:.1f} CPU-h" for n, d in pipe["designs"].items())
        + f" = {pipe['cpu_h']:.1f} CPU-h: {pipe['hours_here']:.1f} h here, "
        + ", ".join(f"{v * 60:.0f} min on {k}" for k, v in pipe["hours_on"].items())
    )
    lines.append("")
    lines.append("targets:")
    for t in report["targets"]:
        lines.append(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['name']}: {t['value']}")
    lines.append(f"load at end {report['load_end']['uptime']}")
    return "\n".join(lines)
