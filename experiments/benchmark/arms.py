"""What the paired counterfactual arm costs next to the scenario arm, and what sharing their warm-up could save.

Usage: ``python experiments/benchmark/arms.py WORLD ROUNDS`` (prints one JSON line).

Why the arms are not merged: under common random numbers the two arms are
identical up to the first intervention (the first campaign's start,
:func:`sim.analysis.windows.observation_start`: 27 June 2025 in the July
wave, 19 days before the directive), so the warm-up could be computed once
and forked.  The
state at that instant lives partly in SimPy processes -- Python generators,
which can be neither copied nor pickled -- so a fork would need every
process rewritten as restartable state, or an OS-level ``fork()`` of the
whole interpreter per replication.  What it could save is bounded here:
the counterfactual arm's time after the intervention day, measured, is
the least it could cost; the report gives that bound next to the measured
ratio, so the decision is made on numbers.

Where the OS can fork (``os.fork``: Linux, not Windows), the fork is also
measured: the counterfactual arm runs to the parting day, the interpreter
forks, and the child's CPU time to finish the arm is what a forked arm would
cost (``forked_s``); the parent finishes its copy meanwhile, as the scenario
arm would, so both write to the pages they share and pay copy-on-write for
them.  Only the fork's cost is measured: a forked arm would still have to be
turned into the scenario arm (its pending campaigns added at the parting
day, after events created earlier, so not in the standalone run's order).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from sim import compose
from sim.analysis.counterfactual import counterfactual_config
from sim.analysis.windows import observation_start
from sim.model import Model


def _cpu(model: Model, until: float | None = None) -> float:
    start = time.process_time()
    if until is None:
        model.run()
    else:
        model.start()
        model.ctx.env.run(until=until)
    return time.process_time() - start


def _forked(model: Model, until: float) -> float | None:
    """CPU seconds a forked child takes to run ``model`` from now to its horizon (None where there is no fork)."""
    if not hasattr(os, "fork"):
        return None
    model.start()
    model.ctx.env.run(until=until)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: finish the arm, report its CPU time, leave without running the parent's cleanup
        os.close(read)
        start = time.process_time()
        model.ctx.env.run(until=model.ctx.horizon)
        os.write(write, json.dumps(time.process_time() - start).encode())
        os._exit(0)
    os.close(write)
    model.ctx.env.run(until=model.ctx.horizon)  # the parent writes its pages too, as the other arm would
    with os.fdopen(read) as pipe:
        child = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return float(child)


def measure(world: str, rounds: int) -> dict[str, object]:
    cfg = compose([f"world={world}", "scenario=crackdown_2025"])
    cf = counterfactual_config(cfg)
    Model(cfg, 0).run()  # warm-up: kernels compiled or loaded, imports inside functions done
    parts = observation_start(cfg)  # the arms are identical before this day (the scenario has only campaigns)
    rows = []
    for k in range(1, rounds + 1):
        scenario = _cpu(Model(cfg, k))
        counterfactual = _cpu(Model(cf, k))
        warmup = _cpu(Model(cf, k), until=parts)
        forked = _forked(Model(cf, k), until=parts)
        rows.append(
            {
                "scenario_s": scenario,
                "counterfactual_s": counterfactual,
                "warmup_s": warmup,
                "ratio": counterfactual / scenario,
                "ratio_if_shared": (counterfactual - warmup) / scenario,
                "forked_s": forked,
                "ratio_forked": None if forked is None else forked / scenario,
            }
        )
    return {
        "world": world,
        "intervention_day": cfg.intervention_day,
        "arms_part_day": parts,
        "horizon_days": cfg.horizon_days,
        "rounds": rows,
        "ratio_median": statistics.median(r["ratio"] for r in rows),
        "ratio_if_shared_median": statistics.median(r["ratio_if_shared"] for r in rows),
        "ratio_forked_median": None if rows[0]["ratio_forked"] is None else statistics.median(r["ratio_forked"] for r in rows),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
