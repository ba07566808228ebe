"""The bare reference a replication is measured against: one numpy-vectorised SimPy process per compound.

Why this reference: the model's cost is per call, not per worker (issue 15:
time barely grows with workers), so the fair yardstick is the simplest
implementation a competent modeller would write with the same tools -- a
SimPy process per compound that wakes every day and updates its own
workers as one numpy array -- doing the same worker-days (same compounds,
same workers, same horizon) and only the core daily flows:

* each working worker leaves with the daily attrition probability (one
  uniform draw per worker, vectorised over the compound's workers);
* vacancies are hired at the refill rate, each recruit arriving after a
  gamma-distributed delay (the model's ``recruitment.delay_mean`` and
  ``delay_cv``) into a per-compound arrival calendar;
* the day's revenue is the working workers times revenue per worker-day.

No raids, no protection, no money, no decisions: everything else the model
does comes on top, so ``model / reference`` below 1 means the model runs
all its mechanisms in less time than this bare loop takes for three.  The
world (compounds, their capacities and initial workforces) is the model's
own, built by :func:`sim.core.world.build_world` from the same config.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Generator

import numpy as np
import simpy

from sim.config.schema import ScamsimConfig
from sim.core.streams import Streams
from sim.core.world import build_world

ARRIVAL_WINDOW = 256  # days a recruit can be in transit before the calendar wraps (delays are days, not months)


class Reference:
    """Per-compound SimPy processes over numpy worker arrays (see the module docstring)."""

    def __init__(self, cfg: ScamsimConfig, replication: int) -> None:
        streams = Streams(cfg.seed, replication)
        world = build_world(cfg, streams["init"])
        c, pool = world.compounds, world.workers
        self.capacity = c.capacity[: c.n].astype(np.int64)
        self.initial = pool.working_at[: c.n].astype(np.int64)
        self.rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(replication, 99)))
        self.horizon = cfg.horizon_days
        self.attrition = cfg.operations.attrition_rate
        self.refill = cfg.recruitment.refill_rate
        cv = cfg.recruitment.delay_cv
        self.shape = 1.0 / cv**2 if cv > 0 else 0.0
        self.delay_mean = cfg.recruitment.delay_mean
        self.revenue_per_worker = cfg.operations.revenue_per_worker_day
        self.revenue = np.zeros((self.horizon, c.n))
        self.env = simpy.Environment()

    def compound(self, i: int) -> Generator[simpy.Event, None, None]:
        rng, env = self.rng, self.env
        since = np.zeros(self.initial[i], np.int32)  # one row per working worker: the day they started
        calendar = np.zeros(ARRIVAL_WINDOW, np.int64)  # recruits due, by day modulo the window
        in_transit = 0
        for day in range(self.horizon):
            yield env.timeout(day + 0.5 - env.now)
            since = since[rng.random(since.size) >= self.attrition]  # attrition, one draw per worker
            arriving = int(calendar[day % ARRIVAL_WINDOW])
            if arriving:
                calendar[day % ARRIVAL_WINDOW] = 0
                in_transit -= arriving
                since = np.concatenate([since, np.full(arriving, day, np.int32)])
            hires = int(rng.binomial(max(self.capacity[i] - since.size - in_transit, 0), self.refill))
            if hires:
                delay = (
                    rng.gamma(self.shape, self.delay_mean / self.shape, hires) if self.shape else np.full(hires, self.delay_mean)
                )
                # gamma draws are > 0, so ceil(delay) >= 1: the recruit arrives on a later day, never today
                due = (day + np.minimum(np.ceil(delay), ARRIVAL_WINDOW - 1).astype(np.int64)) % ARRIVAL_WINDOW
                calendar += np.bincount(due, minlength=ARRIVAL_WINDOW)
                in_transit += hires
            self.revenue[day, i] = since.size * self.revenue_per_worker

    def run(self) -> np.ndarray:
        for i in range(self.capacity.size):
            self.env.process(self.compound(i))
        self.env.run(until=self.horizon)
        return self.revenue


def time_reference(cfg: ScamsimConfig, replication: int) -> float:
    """CPU seconds of one reference replication (process time: robust to other load on the machine)."""
    start = time.process_time()
    Reference(cfg, replication).run()
    return time.process_time() - start


def compare(world: str, rounds: int) -> dict[str, object]:
    """Model replication (``counterfactual=false``) against the reference, alternating round by round.

    Both run in this process, one after the other within each round, so both
    see the same load; the ratio reported is the median of the per-round
    ratios of CPU time.  One warm-up of each first (the kernels compile or
    load from numba's cache, imports inside functions happen).
    """
    from sim import compose
    from sim.model import run_replication

    cfg = compose([f"world={world}"])
    run_replication(cfg, 0)
    time_reference(cfg, 0)
    rows = []
    for k in range(1, rounds + 1):
        ref = time_reference(cfg, k)
        start = time.process_time()
        run_replication(cfg, k)
        model = time.process_time() - start
        rows.append({"reference_s": ref, "model_s": model, "ratio": model / ref})
    return {
        "world": world,
        "compounds": int(sum(s.compounds for s in cfg.world.sites.values())),
        "workers": int(sum(s.workers for s in cfg.world.sites.values())),
        "days": cfg.horizon_days,
        "rounds": rows,
        "ratio_median": statistics.median(r["ratio"] for r in rows),
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(compare(sys.argv[1], int(sys.argv[2]))))
