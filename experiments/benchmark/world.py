"""Child process of the benchmark: time and measure one world, print one JSON line.

Why a separate process per world: peak RSS (``getrusage``) can only go up
within a process, so the regional world's peak would hide the small world's
if they shared one.  CPU time is recorded next to wall time because other
processes on the machine stretch the second but hardly the first.  A fresh interpreter also means nothing is cached from
an earlier world.  The replications are timed first, without tracing; then
one more replication runs under ``tracemalloc``, whose peak is the memory
the replication itself allocated (tracing slows it down, so it is not timed).

Usage: ``python experiments/benchmark/world.py RUNS OVERRIDE...``
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
import tracemalloc

import common

from sim import compose
from sim.model import run_replication

MB = 1024.0 * 1024.0


def max_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(runs: int, overrides: list[str]) -> dict[str, object]:
    cfg = compose(overrides)
    rss_ready = max_rss_mb()  # interpreter, numpy, simpy, hydra, sim and the config
    start = time.perf_counter()
    run_replication(cfg, 0)  # warm-up: first-call costs (imports inside functions, caches)
    warmup = time.perf_counter() - start
    times, cpu = [], []
    for k in range(1, runs + 1):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run_replication(cfg, k)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        del result
    gc.collect()
    tracemalloc.start()
    result = run_replication(cfg, runs + 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    workers = int(result.initial_status.sum())
    return {
        "overrides": overrides,
        "workers": workers,
        "compounds": sum(s.compounds for s in cfg.world.sites.values()),
        "days": cfg.horizon_days,
        "warmup_s": warmup,
        "times_s": times,
        "time": common.spread(times),
        "cpu_s": common.spread(cpu),
        "rss_ready_mb": rss_ready,
        "max_rss_mb": max_rss_mb(),
        "tracemalloc_peak_mb": peak / MB,
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2:])))
