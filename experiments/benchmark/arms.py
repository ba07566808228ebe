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
"""

from __future__ import annotations

import json
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
        rows.append(
            {
                "scenario_s": scenario,
                "counterfactual_s": counterfactual,
                "warmup_s": warmup,
                "ratio": counterfactual / scenario,
                "ratio_if_shared": (counterfactual - warmup) / scenario,
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
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
