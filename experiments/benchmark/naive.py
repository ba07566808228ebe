"""A naive SimPy reference with one process per worker, and the real model reduced to the same rules.

Why: the model keeps workers as numpy rows updated in a vectorized daily
step instead of SimPy processes.  The speed-up is only worth quoting
against an implementation that computes the same thing, so this module
(1) reduces the real model, through config overrides only, to the daily
worker dynamics -- recruitment into vacancies with a gamma delay, daily
attrition, arrests in raids of a constant-rate campaign -- (2) implements
those rules naively, each worker a SimPy process woken every day, and
(3) checks that both agree in distribution before timing them.

Why each override (checked against sim/):

* ``ramp_days=0, hold_days=<horizon>``: intensity is 1 from the campaign's
  start, so ``campaign_process`` accepts every candidate raid: a Poisson
  process at ``peak_raid_rate * compounds / 100`` per day.  It starts on
  ``intervention_day=30``, after every boss process has passed its initial
  random delay (``< review_days = 14``), so a raid's alert is handled at once.
* ``protection.enabled=false``: protection is 0, so no raid is deflected,
  softened or kept operating; every raided compound is sealed.
* ``raids.warnings=false, flee_share_unwarned=0``: nobody is evacuated or
  flees; each worker present is arrested with ``arrest_prob_present``.
* ``arrest_capacity_mean=1e5`` (the schema's upper bound): the per-raid cap, a
  Poisson draw of that mean, never binds on compounds of a few thousand.
* ``boss_present_prob=0``: no boss is arrested (an arrest would make his
  compounds lie low and possibly close: ``bosses.take_over``).
* ``seal_days_mean=0``: ``bosses.recover`` moves a sealed compound to
  ``laying_low`` at the raid's instant; laying-low and rebuilding compounds
  recruit and can be raided like operating ones, so after a raid the only
  trace left in the worker dynamics is the arrests.  The lay-low and rebuild
  timers still run but change only revenue.
* ``equipment_usd_per_worker=0, equipment_seized_share=0``: re-equipping is
  free, so no compound closes for lack of capital.
* ``decisions.relocation=false, growth.enabled=false``: compounds stay put
  and no new ones are founded; capacities are fixed.
* ``recruitment.pressure_slowdown=0``: pressure does not slow recruitment.
* ``repatriation.enabled=false, border_closures=[]``: nobody is re-trafficked
  into the recruit pool and no recruit is blocked at a border.
* ``labour.enabled=false, labour.recruit_cost_usd=0``: recruits come from
  an unlimited pool and cost nothing, so neither a finite labour market nor
  a boss's cash limits how fast vacancies fill.
* ``victims.enabled=false, finance.upkeep_usd_per_day=0,
  finance.loss_tolerance_days=3650``: revenue does not depend on a depleting
  victim pool and no compound winds down for losses.
* ``decisions.split=false``: sealed operations do not disperse into cells.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass

import common
import numpy as np
import simpy

from sim import compose
from sim.analysis.metrics import mean_ci
from sim.config.schema import ScamsimConfig
from sim.core.workers import WORKING
from sim.model import Model

CAMPAIGN = "scenario.campaigns.july_2025"


def reduced_overrides(horizon: int) -> list[str]:
    """Overrides that reduce the real model to the naive model's rules (see the module docstring)."""
    return [
        "scenario=crackdown_2025",
        f"horizon_days={horizon}",
        "intervention_day=30",
        "~scenario.campaigns.june_2025",  # one campaign: the naive model runs the first it finds
        f"{CAMPAIGN}.day=0",
        f"{CAMPAIGN}.ramp_days=0",
        f"{CAMPAIGN}.hold_days={horizon}",
        "scenario.border_closures=[]",
        "protection.enabled=false",
        "growth.enabled=false",
        "decisions.relocation=false",
        "decisions.equipment_usd_per_worker=0",
        "raids.warnings=false",
        "raids.flee_share_unwarned=0",
        "raids.arrest_capacity_mean=1e5",
        "raids.seal_days_mean=0",
        "raids.equipment_seized_share=0",
        "raids.boss_present_prob=0",
        "recruitment.pressure_slowdown=0",
        "repatriation.enabled=false",
        "labour.enabled=false",
        "labour.recruit_cost_usd=0",
        "victims.enabled=false",
        "finance.upkeep_usd_per_day=0",
        "finance.loss_tolerance_days=3650",
        "decisions.split=false",
        "figure=false",
        "progress=false",
    ]


def workload_config(world: str, workers: int, days: int) -> ScamsimConfig:
    """The reduced model on ``world`` scaled to ``workers`` workers and ``days`` days."""
    return compose(common.scale_workers(world, workers) + reduced_overrides(days))


@dataclass
class Outcome:
    """What both implementations are compared on, and how long one replication took."""

    working_end: int
    arrests: int
    attrition: int
    seconds: float  # wall time
    cpu_seconds: float = 0.0  # CPU time: what other load on the machine hardly changes


def run_model(cfg: ScamsimConfig, k: int) -> Outcome:
    """One replication of the real (reduced) model, counted from its ledger."""
    start, start_cpu = time.perf_counter(), time.process_time()
    model = Model(cfg, k)
    model.run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    pool = model.world.workers
    counts = {"raid_arrest": 0, "attrition": 0}
    for _day, _src, _dst, n, reason in pool.ledger:
        if reason in counts:
            counts[reason] += n
    return Outcome(int(pool.totals[WORKING]), counts["raid_arrest"], counts["attrition"], seconds, cpu)


class NaiveSim:
    """The same rules with one SimPy process per worker, each waking once a day.

    Compounds' capacities, initial workforces and the compounds the campaign
    raids come from ``Model(cfg, k).world``, so replication ``k`` starts from
    the same world as the model's.  Each day at ``day + 0.5`` (the model's
    step) the day process fills vacancies (``capacity - working - in
    transit``, ``Binomial(vacancies, refill_rate)``) and starts a process
    per recruit; every working worker then leaves with probability
    ``attrition_rate``, recruits due that day included, as in the model.
    A raid interrupts the processes of the workers it arrests.

    Order within ``day + 0.5`` matters (recruitment sees the headcount before
    the day's attrition) and rests on SimPy running simultaneous events
    first-in first-out: the day process is started before any worker, so its
    timeout for each day is always scheduled before theirs; an arriving
    recruit yields ``timeout(0)`` so its first check comes after that day's
    recruitment.
    """

    def __init__(self, cfg: ScamsimConfig, k: int) -> None:
        model = Model(cfg, k)
        world = model.world
        n = world.compounds.n
        camp = next(iter(cfg.scenario.campaigns.values()))
        sites = set(model.raids.campaign_sites(camp).tolist())
        self.targets = [i for i in range(n) if int(world.compounds.site[i]) in sites]
        self.raid_rate = camp.peak_raid_rate * len(self.targets) / 100.0
        self.raid_start = float(cfg.intervention_day + camp.day)
        self.capacity = world.compounds.capacity[:n].astype(np.int64)
        self.initial = world.workers.working_at[:n].tolist()
        self.horizon = cfg.horizon_days
        self.rec = cfg.recruitment
        self.p_leave = cfg.operations.attrition_rate
        self.p_arrest = cfg.raids.arrest_prob_present
        seed = np.random.SeedSequence(cfg.seed, spawn_key=(k, 1000))
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(int(seed.generate_state(1)[0])).random
        self.env = simpy.Environment()
        # who works where; dicts, not sets: a set's order follows memory addresses, which
        # would make the order of arrest draws, and so a replication, differ from run to run
        self.staff: list[dict[simpy.Process, None]] = [{} for _ in range(n)]
        self.transit = [0] * n
        self.arrested = self.left = 0

    def worker(self, compound: int, due: int) -> Generator[simpy.Event, object, None]:
        """One worker: in transit until its due day (``due < 0``: at work from the start), then at work."""
        env = self.env
        if due >= 0:
            yield env.timeout(due + 0.5 - env.now)
            self.transit[compound] -= 1
        me = env.active_process
        staff = self.staff[compound]
        staff[me] = None
        try:
            yield env.timeout(0.5 - env.now if due < 0 else 0.0)
            while self.random() >= self.p_leave:
                yield env.timeout(1.0)
        except simpy.Interrupt:  # arrested: the raid has already counted and removed us
            return
        del staff[me]
        self.left += 1

    def days(self) -> Generator[simpy.Event, object, None]:
        rec, rng = self.rec, self.rng
        shape = 1.0 / rec.delay_cv**2 if rec.delay_cv > 0 else 0.0
        for day in range(self.horizon):
            yield self.env.timeout(day + 0.5 - self.env.now)
            working = np.fromiter((len(s) for s in self.staff), np.int64, len(self.staff))
            vacancies = np.maximum(self.capacity - working - np.array(self.transit), 0)
            k = rng.binomial(vacancies, min(max(rec.refill_rate, 0.0), 1.0))
            total = int(k.sum())
            delay = rng.gamma(shape, rec.delay_mean / shape, total) if shape else np.full(total, rec.delay_mean)
            due = day + np.maximum(np.ceil(delay), 1).astype(np.int64)
            for c, d in zip(np.repeat(np.arange(k.size), k).tolist(), due.tolist(), strict=True):
                self.transit[c] += 1
                self.env.process(self.worker(c, d))

    def raids(self) -> Generator[simpy.Event, object, None]:
        """Raids at a constant Poisson rate on a uniformly chosen compound of the campaign."""
        if self.raid_rate <= 0 or not self.targets:
            return
        t = self.raid_start
        while True:
            t += self.rng.exponential(1.0 / self.raid_rate)
            if t >= self.horizon:
                return
            yield self.env.timeout(t - self.env.now)
            staff = self.staff[self.targets[int(self.rng.integers(len(self.targets)))]]
            for proc in list(staff):
                if self.random() < self.p_arrest:
                    del staff[proc]
                    proc.interrupt("arrested")
                    self.arrested += 1

    def run(self) -> Outcome:
        start = time.perf_counter()
        self.env.process(self.days())  # first, so it leads every day's simultaneous events
        for c, size in enumerate(self.initial):
            for _ in range(size):
                self.env.process(self.worker(c, -1))
        self.env.process(self.raids())
        self.env.run(until=self.horizon)
        working = sum(len(s) for s in self.staff)
        return Outcome(working, self.arrested, self.left, time.perf_counter() - start)


def run_naive(cfg: ScamsimConfig, k: int) -> Outcome:
    """One naive replication; its time includes building the per-worker processes."""
    start, start_cpu = time.perf_counter(), time.process_time()
    out = NaiveSim(cfg, k).run()
    out.seconds, out.cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    return out


def _ci(x: np.ndarray) -> dict[str, float]:
    mean, lo, hi, n = mean_ci(x)
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}


def agreement(world: str, workers: int, days: int, reps: int) -> dict[str, object]:
    """Both implementations over ``reps`` replications: do their 95% CIs overlap on every metric?

    Replication ``k`` of both starts from the same world, so the paired
    difference (model - naive) removes the world-to-world variation and is
    reported too, as the sharper check.
    """
    cfg = workload_config(world, workers, days)
    model = [run_model(cfg, k) for k in range(reps)]
    naive = [run_naive(cfg, k) for k in range(reps)]
    metrics: dict[str, object] = {}
    ok = True
    for name in ("working_end", "arrests", "attrition"):
        a = np.array([getattr(o, name) for o in model], float)
        b = np.array([getattr(o, name) for o in naive], float)
        ca, cb, diff = _ci(a), _ci(b), _ci(a - b)
        overlap = ca["ci_low"] <= cb["ci_high"] and cb["ci_low"] <= ca["ci_high"]
        ok &= overlap
        metrics[name] = {
            "model": ca,
            "naive": cb,
            "paired_diff": diff,
            "cis_overlap": overlap,
            "diff_ci_contains_0": diff["ci_low"] <= 0 <= diff["ci_high"],
        }
    return {
        "workload": {"world": world, "workers": workers, "days": days, "replications": reps},
        "metrics": metrics,
        "agree": bool(ok),
        "model_seconds": [o.seconds for o in model],
        "naive_seconds": [o.seconds for o in naive],
    }


def _time_model(cfg: ScamsimConfig, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median and spread of wall and CPU time of ``runs`` model replications after a warm-up."""
    run_model(cfg, 0)  # warm-up: imports, caches
    model = [run_model(cfg, k) for k in range(1, runs + 1)]
    return common.spread([o.seconds for o in model]), common.spread([o.cpu_seconds for o in model])


def speed(world: str, workers: int, days: int, model_runs: int, target: int = 100_000) -> dict[str, object]:
    """Wall (and CPU) time of one naive replication against the model's median on the same workload.

    Below the ``target`` workload (the one the >= 100x goal is set on) the
    naive time there is also estimated by scaling the measured one linearly
    in workers -- a lower bound, since the naive code does at least one event
    per worker-day and its event heap grows with the workers -- and the model
    is timed on the target workload itself.
    """
    cfg = workload_config(world, workers, days)
    wall, cpu = _time_model(cfg, model_runs)
    naive = run_naive(cfg, 1)
    out: dict[str, object] = {
        "workload": {"world": world, "workers": workers, "days": days},
        "model": wall,
        "model_cpu": cpu,
        "naive_seconds": naive.seconds,
        "naive_cpu_seconds": naive.cpu_seconds,
        "naive_outcome": asdict(naive),
        "ratio": naive.seconds / wall["median"],
        "ratio_cpu": naive.cpu_seconds / cpu["median"],
    }
    if workers < target:
        big, big_cpu = _time_model(workload_config(world, target, days), model_runs)
        naive_est = naive.seconds * target / workers
        out["extrapolated"] = {
            "workers": target,
            "model": big,
            "model_cpu": big_cpu,
            "naive_seconds_estimate": naive_est,
            "ratio": naive_est / big["median"],
            "ratio_cpu": naive.cpu_seconds * target / workers / big_cpu["median"],
            "how": f"naive time at {workers:,} workers scaled linearly to {target:,} (a lower bound); model measured at {target:,}",
        }
    return out


if __name__ == "__main__":  # the benchmark times the naive code in a fresh process: python naive.py WORLD WORKERS DAYS RUNS
    print(json.dumps(speed(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
