"""The daily step: every worker-level flow, vectorized over numpy arrays.

Once a day (at ``day + 0.5``, after that day's scheduled interventions) the
model moves recruits who arrive, recruits new ones into vacancies, draws
attrition, moves fled, arrested and detained workers toward repatriation or
re-trafficking, and books revenue, costs and bribes.  Each flow draws from
its own stream.  Choosing ``Binomial(n, p)`` workers uniformly at random is
exactly equivalent to an independent ``Bernoulli(p)`` draw per worker, which
keeps the cost per day proportional to the number of changes, not to the
number of workers, wherever a scan can be avoided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.enforcement import site_pressure
from sim.infrastructure import connectivity_all
from sim.protection import pay_bribes, site_protection
from sim.workers import ARRESTED, DETAINED, FLED, IN_TRANSIT, REPATRIATED, RETRAFFICKED, WORKING
from sim.world import CLOSED, COMPOUND_STATUS, LAYING_LOW, OPERATING, REBUILDING

if TYPE_CHECKING:
    from sim.model import Model

RECRUITING = (OPERATING, LAYING_LOW, REBUILDING)
IS_RECRUITING = np.isin(np.arange(len(COMPOUND_STATUS)), RECRUITING)  # status -> bool lookup


def daily_step(model: Model, day: int) -> None:
    pressure = site_pressure(model, day + 0.5)
    for site, p in zip(model.world.sites, pressure, strict=True):
        site.pressure = float(p)
    arrive(model, day)
    if model.config.recruitment.enabled:
        recruit(model, day, pressure)
    if model.config.operations.attrition:
        attrition(model, day)
    if model.config.repatriation.enabled:
        repatriation(model, day)
    book(model, day, pressure)


def arrive(model: Model, day: int) -> None:
    """Recruits due today start work, or are sold on if their compound closed meanwhile."""
    batches = model.arrivals.pop(day, None)
    if not batches:
        return
    pool = model.world.workers
    idx = np.concatenate(batches)
    idx = idx[pool.status[idx] == IN_TRANSIT]
    closed = model.world.compounds.status[pool.compound[idx]] == CLOSED
    pool.move(idx[~closed], WORKING, day, "arrival")
    if closed.any():
        pool.move(idx[closed], RETRAFFICKED, day, "arrival_closed")


def recruit(model: Model, day: int, pressure: np.ndarray) -> None:
    """Fill vacancies through a pipeline; pressure slows recruitment but does not stop it."""
    cfg = model.config.recruitment
    rng = model.streams["recruitment"]
    world = model.world
    pool, c = world.workers, world.compounds
    n = c.n
    open_ = IS_RECRUITING[c.status[:n]]
    vacancies = c.capacity[:n] - pool.working_at[:n] - pool.transit_to[:n]
    vacancies = np.where(open_, np.maximum(vacancies, 0.0), 0.0).astype(np.int64)
    rate = cfg.refill_rate * (1.0 - cfg.pressure_slowdown * pressure[c.site[:n]])
    k = rng.binomial(vacancies, np.clip(rate, 0.0, 1.0))
    total = int(k.sum())
    if total == 0:
        return
    dest = np.repeat(np.arange(n, dtype=np.int32), k)
    shape = 1.0 / cfg.delay_cv**2 if cfg.delay_cv > 0 else None
    delay = np.full(total, cfg.delay_mean) if shape is None else rng.gamma(shape, cfg.delay_mean / shape, total)
    due = day + np.maximum(np.ceil(delay), 1).astype(np.int32)
    reused = 0
    if cfg.retrafficked_first and pool.totals[RETRAFFICKED] > 0:  # the re-trafficked fill slots first
        pool_idx = pool.where(RETRAFFICKED)
        reused = min(pool_idx.size, total)
        chosen = rng.choice(pool_idx, size=reused, replace=False) if reused < pool_idx.size else pool_idx
        ok = ~_blocked(model, dest[:reused], pool.nationality[chosen])
        pool.move(chosen[ok], IN_TRANSIT, day, "re_recruited", compound=dest[:reused][ok])
        pool.due[chosen[ok]] = due[:reused][ok]
        _schedule(model, due[:reused][ok], chosen[ok])
    fresh = total - reused
    if fresh:
        dest, due = dest[reused:], due[reused:]
        nat = rng.choice(len(world.nationalities), size=fresh, p=world.nationality_p).astype(np.int16)
        trafficked = rng.random(fresh) < model.config.repatriation.trafficked_share
        ok = ~_blocked(model, dest, nat)  # recruits routed over a closed border never set off
        idx = pool.create(dest[ok], nat[ok], trafficked[ok], day, due[ok])
        _schedule(model, due[ok], idx)


def _blocked(model: Model, dest: np.ndarray, nat: np.ndarray) -> np.ndarray:
    """Recruits whose route crosses a closed border into the destination's country."""
    blocked = np.zeros(dest.size, bool)
    if not model.closed_borders:
        return blocked
    world = model.world
    site_country = [s.country for s in world.sites]
    dest_country = np.array([site_country[s] for s in world.compounds.site[dest]])
    for i, entry in enumerate(world.nationality_entry):
        if not entry:
            continue
        for country in set(site_country):
            if not model.border_open(entry, country):
                blocked |= (nat == i) & (dest_country == country)
    return blocked


def _schedule(model: Model, due: np.ndarray, idx: np.ndarray) -> None:
    for d in np.unique(due):
        model.arrivals[int(d)].append(idx[due == d])


def attrition(model: Model, day: int) -> None:
    """Workers leave compounds (escape, release, sale) at a daily rate."""
    pool = model.world.workers
    rng = model.streams["attrition"]
    k = int(rng.binomial(pool.totals[WORKING], model.config.operations.attrition_rate))
    if k:
        pool.move(pool.sample(WORKING, k, rng), FLED, day, "attrition")


def repatriation(model: Model, day: int) -> None:
    """Fled and arrested workers wait for repatriation; some are re-trafficked."""
    cfg = model.config.repatriation
    rng = model.streams["repatriation"]
    pool = model.world.workers
    if pool.totals[FLED]:
        fled = pool.where(FLED)
        u = rng.random(fled.size)
        p_report, p_sold = cfg.fled_report_prob_daily, cfg.fled_retraffic_prob_daily
        report = u < p_report
        sold = ~report & (u < p_report + p_sold)
        home = ~report & ~sold & (u < p_report + p_sold + cfg.fled_home_prob_daily)
        pool.move(fled[report], DETAINED, day, "fled_reported")
        pool.move(fled[sold], RETRAFFICKED, day, "fled_retrafficked")
        pool.move(fled[home], REPATRIATED, day, "fled_went_home")
        if sold.any():
            model.recorder.event(day, "retrafficked", count=int(sold.sum()))
    if pool.totals[ARRESTED]:
        arrested = pool.where(ARRESTED)
        pool.move(arrested[pool.due[arrested] <= day], DETAINED, day, "processed")
    if pool.totals[DETAINED]:
        detained = pool.where(DETAINED)
        sold = rng.random(detained.size) < cfg.retraffic_prob_daily
        pool.move(detained[sold], RETRAFFICKED, day, "detained_retrafficked")
        if sold.any():
            model.recorder.event(day, "retrafficked", count=int(sold.sum()))
        waiting = detained[~sold]
        if waiting.size > cfg.daily_capacity:  # the longest-waiting go first
            waiting = waiting[np.argpartition(pool.since[waiting], cfg.daily_capacity)[: cfg.daily_capacity]]
        first = waiting
        pool.move(first, REPATRIATED, day, "repatriated")
        if first.size:
            model.recorder.event(day, "repatriated", count=int(first.size))


def book(model: Model, day: int, pressure: np.ndarray) -> None:
    """Revenue, costs and bribes of the day, and the day's row of the time series."""
    cfg = model.config.operations
    world = model.world
    c, pool = world.compounds, world.workers
    n = c.n
    status = c.status[:n]
    working = pool.working_at[:n].astype(float)
    factor = np.select([status == OPERATING, status == REBUILDING, status == LAYING_LOW], [1.0, 1.0, cfg.laying_low_output], 0.0)
    kit = np.divide(c.equipment[:n], working, out=np.ones(n), where=working > 0)
    revenue = cfg.revenue_per_worker_day * working * np.minimum(kit, 1.0) * factor * connectivity_all(model)
    bribes = cfg.bribe_share * revenue
    profit = revenue - bribes - cfg.cost_per_worker_day * working
    owner = c.owner[:n]
    n_bosses = len(world.bosses)
    boss_profit = np.bincount(owner, profit, minlength=n_bosses)
    boss_bribes = np.bincount(owner, bribes, minlength=n_bosses)
    for b in np.flatnonzero(boss_profit):
        boss = world.bosses[b]
        gain = boss_profit[b]
        boss.capital += cfg.profit_retained * gain if gain > 0 else gain
        if boss_bribes[b] > 0:
            pay_bribes(model, boss, float(boss_bribes[b]), day)
    sites = c.site[:n]
    n_sites = len(world.sites)
    rec = model.recorder.series
    rec["revenue_usd"][day] = np.bincount(sites, revenue, minlength=n_sites)
    rec["workers"][day] = np.bincount(sites, working, minlength=n_sites)
    rec["compounds_active"][day] = np.bincount(sites[c.active_mask()], minlength=n_sites)
    rec["pressure"][day] = pressure
    rec["protection"][day] = site_protection(model)
    rec["power"][day] = [not s.power_cut for s in world.sites]
    rec["internet"][day] = [not s.internet_cut for s in world.sites]
    model.recorder.status_counts[day] = pool.totals
    model.recorder.compound_workers.append(pool.working_at[:n].copy())
