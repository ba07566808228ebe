"""Six enforcement episodes out of sample on the regional world: the model's predictions beside the public record.

    python experiments/episodes.py             # 6 episodes, 10 replications per arm -> results/episodes.*
    python experiments/episodes.py --quick     # 2 episodes, 2 replications -> outputs/episodes-quick/<date_time>/
    python experiments/episodes.py --render    # rewrite episodes.md, .csv and .png from episodes.json

The study is ``configs/experiment/episodes.yaml``; the record it is compared
with is ``docs/episodes_record.yaml`` (41 outcomes of six episodes, fixed
before any run of them; its header defines how each metric is read off a
run).  The model is calibrated on the Cambodian July 2025 wave only, and
nothing here changes a model parameter, a world or a scenario: misses are
reported, not tuned away.

For each episode (``scenario=<episode>`` on ``world=regional``) and
replication k, the script runs at the same seed and replication index
(common random numbers):

* the episode as configured (arm ``scenario``);
* its reference arm: the same config with only the episode's *background*
  kept (the interventions before it that belong to the state it starts
  from, ``study.spec.background``: the Feb 2025 Thai cut for KK Park, the
  July 2025 wave and border closure for the Prince Group, the Bamban raid
  for the POGO ban), or, for episodes without a background, the paired
  no-intervention arm (:func:`sim.analysis.counterfactual.counterfactual_config`);
* for episodes with a background, also the plain no-intervention arm
  (``counterfactual``), reported beside it.

Run control (not a model parameter): every episode gets the default warm-up
of 180 days before its first intervention, so ``intervention_day`` is 180
plus the days its scenario starts before day 0, and the run goes on for 730
days after day 0.

Each replication is run with read-only wrappers around three of the
model's methods (as :mod:`sim.explore.trace` does): the relocation and
split decisions, to log where each move came from (the ``relocation`` event
names only the destination, and escapes on the way are logged at the
destination), and the daily step, to count fled people by the site of their
compound on the days a metric needs them.  The wrappers draw no random
numbers and change no state (``tests/test_episodes.py`` checks that a probed
run equals a plain one).

Per record outcome, the metric is read in the record's window (days after
day 0, both ends included) at the episode's sites (or the sites its scope
names, ``study.spec.scope``), and compared by the record's rule:
``point`` (the model's 95% CI meets the value, +-50% for uncertain
figures), ``lower_bound`` (the CI reaches the value), ``upper_bound`` (the
CI reaches below it), ``range`` (the CI meets it) and ``direction`` (the
model's sign against the reference arm, with its CI; see
:func:`model_direction`).  A miss is stated with the mechanism it points to
(:func:`points_to`).

episodes.json holds every replication's values, the summary and the
provenance; episodes.md, episodes.csv and episodes.png are rendered from it
alone (``--render``).  Quick output never goes into ``results/`` unless
asked for with ``--out results --overwrite-results``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import OmegaConf

from sim.analysis.counterfactual import ONE_YEAR, counterfactual_config, counterfactual_metrics, empty_scenario
from sim.analysis.metrics import mean_ci
from sim.config.compose import compose
from sim.config.schema import ScamsimConfig, ScenarioConf
from sim.core.compounds import SEALED
from sim.core.events import EventKind
from sim.core.workers import ARRESTED, DETAINED, FLED
from sim.model import Model, ReplicationResult
from sim.runs.atomic import atomic_savefig, write_csv, write_json
from sim.runs.experiment import ResultsProtectedError, Study, load_study, output_folder
from sim.runs.provenance import provenance, uncommitted

ROOT = Path(__file__).resolve().parents[1]
NAME = "episodes"
SCENARIO, REFERENCE, COUNTERFACTUAL = "scenario", "reference", "counterfactual"
CONSISTENT, MISS, NOT_COMPARABLE = "consistent", "miss", "not comparable"
KIND_CODE = {kind: i for i, kind in enumerate(EventKind)}
K = {kind: KIND_CODE[kind] for kind in EventKind}

#: Every metric of the record's header the script computes (what the model outputs, read as the header says).
METRICS: dict[str, str] = {
    "arrests": "people arrested by raids at the sites in the window (workers + managers + bosses)",
    "handed_over": "people rounded up by handovers plus those a closure order took into custody",
    "detained": "arrests + handed_over",
    "repatriated": "people repatriated in the window (all sites: repatriation is not tagged by site)",
    "repatriation_backlog": "people arrested or detained, not yet repatriated, on the window's last day (all sites)",
    "workers_remaining": "working workers at the sites plus fled people of the sites' compounds on the window's last day",
    "fled": "people who fled raids, escaped moves away from the sites, or were let go by closures and splits there",
    "compounds_stopped": "share of the compounds active at the sites on day -1 not active on the window's last day (net)",
    "sealed": "distinct compounds at the sites sealed by raids in the window",
    "compounds_demolished": "buildings pulled down at the sites in the window / compounds active there on day -1",
    "relocated_abroad": "relocations from the sites to a site of another country in the window",
    "destination": "the site whose working workers gain most against the reference arm, mean over the window",
    "site_frac_cf": "working workers at the sites on the window's last day / the same in the reference arm",
    "frac_cf_1y": "network revenue one year on (days 335-365) / the reference arm",
    "senior_share": "(managers + bosses arrested) / (arrests + handed over) at the sites in the window",
    "bosses_arrested": "bosses arrested at the sites in the window (raids and arrest orders)",
    "substitutes": "generators and satellite links installed at the sites in the window",
    "cells": "operations at the sites split into cells in the window",
}
#: Outcomes whose metric the model computes but that cannot be compared, with the reason (beyond value "unknown").
NOT_COMPARABLE_OUTCOMES: dict[str, str] = {}
#: Metrics read over every site of the world, whatever the episode's sites.
ALL_SITES = frozenset({"repatriated", "repatriation_backlog", "frac_cf_1y"})
DIRECTIONS = ("up", "down", "yes", "no")
#: Shares: their intervals are clipped to [0, 1] (every other count, ratio and share is clipped at 0 only).
SHARES = frozenset({"compounds_stopped", "senior_share", "abroad_share"})


# --------------------------------------------------------------------------- the record (pure)


def load_record(path: Path | None = None) -> dict[str, Any]:
    """The pre-registered record, checked for the fields every outcome needs."""
    loaded = OmegaConf.to_container(OmegaConf.load(path or ROOT / "docs" / "episodes_record.yaml"), resolve=True)
    if not isinstance(loaded, dict) or "episodes" not in loaded:
        raise ValueError("the record has no `episodes`")
    record: dict[str, Any] = {str(k): v for k, v in loaded.items()}
    for name, episode in record["episodes"].items():
        for key in ("scenario", "day0", "sites", "outcomes"):
            if key not in episode:
                raise ValueError(f"episode {name} lacks {key!r}")
        for outcome in episode["outcomes"]:
            for key in ("id", "metric", "value", "window", "compare", "certainty", "source"):
                if key not in outcome:
                    raise ValueError(f"outcome {outcome.get('id')} of {name} lacks {key!r}")
            if outcome["compare"] not in ("point", "lower_bound", "upper_bound", "range", "direction"):
                raise ValueError(f"outcome {outcome['id']}: unknown rule {outcome['compare']!r}")
    return record


def not_comparable_reason(outcome: dict[str, Any]) -> str | None:
    """Why an outcome cannot be compared with the model, or None when it can."""
    if outcome["id"] in NOT_COMPARABLE_OUTCOMES:
        return NOT_COMPARABLE_OUTCOMES[outcome["id"]]
    if outcome["metric"] not in METRICS:
        return f"the model does not compute `{outcome['metric']}`"
    if outcome["value"] == "unknown":
        return "the record gives no value"
    return None


# --------------------------------------------------------------------------- comparison rules (pure)


def finite(x: Any) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def interval(values: Iterable[Any], low: float = -math.inf, high: float = math.inf) -> dict[str, Any]:
    """Mean and 95% Student-t CI of the finite values, clipped to [low, high]: ``{"mean", "ci_low", "ci_high", "n"}``."""
    x = np.array([v if finite(v) else math.nan for v in values], float)
    mean, lo, hi, n = mean_ci(x)
    if n > 1:
        lo, hi = max(lo, low), min(hi, high)
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}


def bounds_of(ci: dict[str, Any]) -> tuple[float, float]:
    """The CI's ends, or the mean twice when there is no interval (one replication)."""
    lo, hi = ci.get("ci_low"), ci.get("ci_high")
    if lo is not None and hi is not None and finite(lo) and finite(hi):
        return float(lo), float(hi)
    return float(ci["mean"]), float(ci["mean"])


def acceptance(
    rule: str, value: Any, certainty: str = "reported", tolerance: dict[str, float] | None = None
) -> tuple[float, float]:
    """The interval of model values a rule accepts for a record value (``point``: +- the certainty's tolerance)."""
    tol = (tolerance or {}).get(certainty, 0.0)
    values = [float(v) for v in value] if isinstance(value, list) else [float(value)]
    if rule == "point":
        v = values[0]
        return v * (1.0 - tol), v * (1.0 + tol)
    if rule == "lower_bound":
        return min(values), math.inf
    if rule == "upper_bound":
        return -math.inf, max(values)
    if rule == "range":
        return min(values), max(values)
    raise ValueError(f"rule {rule!r} has no numeric acceptance interval")


def compare(
    rule: str, value: Any, ci: dict[str, Any], certainty: str = "reported", tolerance: dict[str, float] | None = None
) -> str:
    """``consistent`` when the model's CI meets the interval the rule accepts, else ``miss``; NaN is not comparable."""
    if not finite(ci.get("mean")):
        return NOT_COMPARABLE
    lo, hi = bounds_of(ci)
    a, b = acceptance(rule, value, certainty, tolerance)
    return CONSISTENT if lo <= b and hi >= a else MISS


def reference_value(rule: str, value: Any) -> float:
    """The record figure a model value is normalised by (the point, the bound, the low end of a range)."""
    values = [float(v) for v in value] if isinstance(value, list) else [float(value)]
    return max(values) if rule == "upper_bound" else min(values)


def sign_of(ci: dict[str, Any]) -> str:
    """``up`` / ``down`` when the whole CI lies above / below 0 (the mean alone for one replication), else ``no change``."""
    if not finite(ci.get("mean")):
        return "n/a"
    lo, hi = bounds_of(ci)
    if lo > 0:
        return "up"
    if hi < 0:
        return "down"
    return "no change"


def model_direction(outcome: dict[str, Any], reps: Sequence[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """How the model answers a ``direction`` outcome, from its per-replication values.

    - ``up``/``down`` on ``site_frac_cf``: the scenario arm's working workers at the sites on the window's last
      day minus its first day (does activity there grow);
    - ``up``/``down`` on any other metric: the scenario arm minus the reference arm (paired);
    - ``yes``/``no`` (on ``site_frac_cf``): ``yes`` when the mean ratio to the reference arm is at least
      ``threshold`` (activity persists or resumed);
    - a list of sites (``destination``): the site with the largest mean gain; consistent when it is listed.
    """
    value, metric = outcome["value"], outcome["metric"]
    if isinstance(value, list):
        gains: dict[str, list[float]] = {}
        for r in reps:
            for site, g in (r.get("gains") or {}).items():
                gains.setdefault(site, []).append(g)
        means = {s: interval(v) for s, v in gains.items()}
        ranked = sorted(means, key=lambda s: -means[s]["mean"] if finite(means[s]["mean"]) else math.inf)
        top = ranked[0] if ranked else "n/a"
        return {"direction": top, "top": [[s, means[s]] for s in ranked[:4]]}
    if value in ("up", "down"):
        if metric == "site_frac_cf":
            diff = interval(
                (r["end"] - r["start"]) if finite(r.get("end")) and finite(r.get("start")) else math.nan for r in reps
            )
        else:
            diff = interval(
                (r["value"] - r["reference"]) if finite(r.get("value")) and finite(r.get("reference")) else math.nan for r in reps
            )
        return {"direction": sign_of(diff), "difference": diff}
    if value in ("yes", "no"):
        ci = interval(r["value"] for r in reps)
        if not finite(ci["mean"]):
            return {"direction": "n/a", "activity": ci}
        return {"direction": "yes" if ci["mean"] >= threshold else "no", "activity": ci}
    raise ValueError(f"outcome {outcome['id']}: cannot read direction {value!r}")


def direction_verdict(value: Any, direction: str) -> str:
    if direction == "n/a":
        return NOT_COMPARABLE
    if isinstance(value, list):
        return CONSISTENT if direction in value else MISS
    return CONSISTENT if direction == value else MISS


# --------------------------------------------------------------------------- one replication, probed


@dataclass
class Probe:
    """A replication's result and what the read-only wrappers saw."""

    result: ReplicationResult
    moves: list[tuple[int, str, int, int, int]] = field(default_factory=list)  # (day, kind, compound, from, to)
    released: list[tuple[int, int, int]] = field(default_factory=list)  # (day, site, people let go by a split)
    fled_at: dict[int, list[int]] = field(default_factory=dict)  # day -> fled people per site of their compound


def probe_run(config: ScamsimConfig, replication: int, fled_days: Iterable[int] = ()) -> Probe:
    """Run one replication with read-only wrappers on the relocation and split decisions and the daily step."""
    model = Model(config, replication)
    ctx, world, decisions = model.ctx, model.world, model.decisions
    probe_days = set(fled_days)
    moves: list[tuple[int, str, int, int, int]] = []
    released: list[tuple[int, int, int]] = []
    fled_at: dict[int, list[int]] = {}
    relocate, split, step = decisions.relocate, decisions.split, model.daily_step

    def relocate_logged(boss: Any, compound: int, target: int) -> Generator[Any, Any, None]:
        moves.append((ctx.day, "relocation", int(compound), int(world.compounds.site[compound]), int(target)))
        yield from relocate(boss, compound, target)

    def split_logged(boss: Any, compound: int) -> bool:
        c = world.compounds
        here, first, entries = int(c.site[compound]), c.n, len(world.workers.ledger)
        done = split(boss, compound)
        if done:
            for cell in range(first, c.n):
                moves.append((ctx.day, "split", cell, here, int(c.site[cell])))
            gone = sum(e.workers for e in world.workers.ledger[entries:] if e.reason == "split_released")
            if gone:
                released.append((ctx.day, here, int(gone)))
        return done

    def step_probed(day: int) -> None:
        step(day)
        if day in probe_days:
            pool, c = world.workers, world.compounds
            rows = np.flatnonzero(pool.status[: pool.n] == FLED)
            fled_at[day] = np.bincount(c.site[pool.compound[rows]], minlength=len(world.sites)).tolist()

    decisions.relocate = relocate_logged  # type: ignore[method-assign]  # read-only wrappers, see the docstring
    decisions.split = split_logged  # type: ignore[method-assign]
    model.daily_step = step_probed  # type: ignore[method-assign]
    return Probe(model.run(), moves, released, fled_at)


class Arm:
    """One arm of one replication, with the record's metrics read off it."""

    def __init__(self, probe: Probe, config: ScamsimConfig) -> None:
        r = self.result = probe.result
        self.config = config
        self.t0 = config.intervention_day
        self.days = r.series["revenue_usd"].shape[0]
        self.index = {s: i for i, s in enumerate(r.site_names)}
        self.country = np.array([config.world.sites[s].country for s in r.site_names])
        ev = r.events
        n = len(ev)
        self.ev_day = np.fromiter((e.day for e in ev), np.int64, n)
        self.ev_kind = np.fromiter((KIND_CODE[e.kind] for e in ev), np.int64, n)
        self.ev_site = np.fromiter((e.site for e in ev), np.int64, n)
        self.ev_comp = np.fromiter((e.compound for e in ev), np.int64, n)
        self.ev_amount = np.fromiter((e.amount for e in ev), np.int64, n)
        self.moves = probe.moves
        origin = {(d, comp): frm for d, _kind, comp, frm, _to in probe.moves}
        self.ev_origin = self.ev_site.copy()  # escapes on the way are logged at the destination: put them at the origin
        for i in np.flatnonzero(self.ev_kind == K[EventKind.WORKERS_ESCAPED]).tolist():
            self.ev_origin[i] = origin.get((int(self.ev_day[i]), int(self.ev_comp[i])), int(self.ev_site[i]))
        self.sealed_by_raid = {
            (ch.day, ch.compound) for ch in r.compound_changes if ch.reason == "raid" and ch.to_status == SEALED
        }
        self.released = probe.released
        self.fled_at = probe.fled_at
        self.orders: list[tuple[int, frozenset[int]]] = []
        for order in config.scenario.closure_orders.values():
            sites = order.sites or [s for s, site in config.world.sites.items() if site.country == order.country]
            self.orders.append((self.t0 + order.deadline_day, frozenset(self.index[s] for s in sites)))
        self.custody: Counter[int] = Counter()
        for entry in r.ledger:
            if entry.reason == "closure_order" and entry.to_status == ARRESTED:
                self.custody[entry.day] += entry.workers

    # ---------------------------------------------------------------- helpers
    def span(self, window: Sequence[int]) -> tuple[int, int] | None:
        """Absolute days of a window (both ends included), or None when it is not inside the run."""
        a, b = self.t0 + int(window[0]), self.t0 + int(window[1])
        return (a, b) if 0 <= a <= b < self.days else None

    def _mask(
        self, kinds: Sequence[EventKind], sites: np.ndarray | None, span: tuple[int, int], origin: bool = False
    ) -> np.ndarray:
        m = np.isin(self.ev_kind, [K[k] for k in kinds]) & (self.ev_day >= span[0]) & (self.ev_day <= span[1])
        if sites is not None:
            inside = np.append(sites, False)  # site -1 (none) maps to the appended False
            m &= inside[self.ev_origin if origin else self.ev_site]
        return m

    def people(self, kinds: Sequence[EventKind], sites: np.ndarray | None, span: tuple[int, int], origin: bool = False) -> int:
        return int(self.ev_amount[self._mask(kinds, sites, span, origin)].sum())

    def count(self, kinds: Sequence[EventKind], sites: np.ndarray | None, span: tuple[int, int]) -> int:
        return int(self._mask(kinds, sites, span).sum())

    def working(self, sites: np.ndarray, day: int) -> float:
        return float(self.result.series["workers"][day, sites].sum())

    def active_before(self, sites: np.ndarray) -> float:
        return float(self.result.series["compounds_active"][self.t0 - 1, sites].sum())

    def moves_from(
        self, sites: np.ndarray, span: tuple[int, int], kind: str | None = None
    ) -> list[tuple[int, str, int, int, int]]:
        return [m for m in self.moves if sites[m[3]] and span[0] <= m[0] <= span[1] and (kind is None or m[1] == kind)]

    # ---------------------------------------------------------------- the record's metrics (sites mask, window)
    def arrests(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        people = self.people((EventKind.ARREST_WORKERS, EventKind.ARREST_MANAGERS), sites, span)
        return float(people + self.count((EventKind.ARREST_BOSS,), sites, span))

    def closure_custody(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        """People closure orders took into custody at the sites (ledger ``closure_order``, by the orders' deadlines)."""
        inside = frozenset(np.flatnonzero(sites).tolist())
        total = 0
        for day, workers in self.custody.items():
            if not span[0] <= day <= span[1]:
                continue
            due = [s for d, s in self.orders if d == day]
            if due and all(s <= inside for s in due):
                total += workers
            elif any(s & inside for s in due):
                raise ValueError(f"closure orders enforced on day {day} cover sites inside and outside the episode's")
        return float(total)

    def handed_over(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return float(self.people((EventKind.HANDOVER,), sites, span)) + self.closure_custody(sites, span)

    def detained(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return self.arrests(sites, span) + self.handed_over(sites, span)

    def repatriated(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return float(self.people((EventKind.REPATRIATED,), None, span))

    def repatriation_backlog(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        row = self.result.status_counts[span[1]]
        return float(row[ARRESTED] + row[DETAINED])

    def workers_remaining(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        if span[1] not in self.fled_at:
            raise ValueError(f"fled people were not counted on day {span[1]}")
        return self.working(sites, span[1]) + float(np.asarray(self.fled_at[span[1]])[sites].sum())

    def fled(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        raid = self.people((EventKind.WORKERS_FLED,), sites, span)
        escaped = self.people((EventKind.WORKERS_ESCAPED,), sites, span, origin=True)
        closed = self.people((EventKind.COMPOUND_CLOSED,), sites, span)
        let_go = sum(n for d, s, n in self.released if sites[s] and span[0] <= d <= span[1])
        return float(raid + escaped + closed + let_go)

    def compounds_stopped(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        before = self.active_before(sites)
        end = float(self.result.series["compounds_active"][span[1], sites].sum())
        return max(0.0, 1.0 - end / before) if before > 0 else math.nan

    def sealed(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        m = self._mask((EventKind.RAID,), sites, span)
        hit = {(int(d), int(c)) for d, c in zip(self.ev_day[m], self.ev_comp[m], strict=True)}
        return float(len({c for d, c in hit if (d, c) in self.sealed_by_raid}))

    def compounds_demolished(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        before = self.active_before(sites)
        return self.count((EventKind.DEMOLISHED,), sites, span) / before if before > 0 else math.nan

    def relocated_abroad(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return float(sum(1 for m in self.moves_from(sites, span, "relocation") if self.country[m[4]] != self.country[m[3]]))

    def senior_share(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        senior = self.people((EventKind.ARREST_MANAGERS,), sites, span) + self.count((EventKind.ARREST_BOSS,), sites, span)
        taken = self.arrests(sites, span) + self.handed_over(sites, span)
        return senior / taken if taken > 0 else math.nan

    def bosses_arrested(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return float(self.count((EventKind.ARREST_BOSS,), sites, span))

    def substitutes(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return float(self.count((EventKind.SUBSTITUTE_INSTALLED,), sites, span))

    def cells(self, sites: np.ndarray, span: tuple[int, int]) -> float:
        return float(self.count((EventKind.SPLIT,), sites, span))


#: One-arm metrics (the rest need the reference arm too).
ONE_ARM = (
    "arrests",
    "handed_over",
    "detained",
    "repatriated",
    "repatriation_backlog",
    "workers_remaining",
    "fled",
    "compounds_stopped",
    "sealed",
    "compounds_demolished",
    "relocated_abroad",
    "senior_share",
    "bosses_arrested",
    "substitutes",
    "cells",
)


def site_mask(arm: Arm, names: Sequence[str]) -> np.ndarray:
    mask = np.zeros(len(arm.index), bool)
    mask[[arm.index[s] for s in names]] = True
    return mask


def emptied_day(arm: Arm, mask: np.ndarray, level: float = 0.1) -> float:
    """The first day after day 0 on which the sites' working workers fall below ``level`` of day -1's (NaN: never)."""
    before = arm.working(mask, arm.t0 - 1)
    if before <= 0:
        return math.nan
    after = arm.result.series["workers"][arm.t0 :, mask].sum(axis=1)
    low = np.flatnonzero(after < level * before)
    return float(low[0]) if low.size else math.nan


def outcome_value(outcome: dict[str, Any], sites: Sequence[str], scen: Arm, ref: Arm) -> dict[str, Any]:
    """One replication's model value of one record outcome (scenario arm, and the reference arm where it applies).

    Every value carries two diagnostics of the outcome's sites in the scenario arm: ``presence``, working workers
    on the window's first day over day -1's, and ``emptied_day``, the first day they fell below 10% of day -1's.
    """
    metric, window = outcome["metric"], outcome["window"]
    span = scen.span(window)
    if span is None or metric not in METRICS:
        return {"value": math.nan}
    here = site_mask(scen, sites)
    before = scen.working(here, scen.t0 - 1)
    diag = {
        "presence": scen.working(here, span[0]) / before if before > 0 else math.nan,
        "emptied_day": emptied_day(scen, here),
    }
    mask = site_mask(scen, []) if metric in ALL_SITES else here
    if metric == "destination":
        a, b = span
        diff = scen.result.series["workers"][a : b + 1].mean(axis=0) - ref.result.series["workers"][a : b + 1].mean(axis=0)
        names = scen.result.site_names
        return {"value": math.nan, "gains": {names[i]: float(diff[i]) for i in range(len(names))}, **diag}
    if metric == "site_frac_cf":
        den = ref.working(mask, span[1])
        ratio = scen.working(mask, span[1]) / den if den > 0 else math.nan
        return {"value": ratio, "start": scen.working(mask, span[0]), "end": scen.working(mask, span[1]), **diag}
    if metric == "frac_cf_1y":
        cm = counterfactual_metrics(scen.result, ref.result, scen.config, np.flatnonzero(here))
        return {"value": cm["frac_cf_1y"], **diag}
    fn = getattr(Arm, metric)
    out = {"value": fn(scen, mask, span), "reference": fn(ref, mask, span), **diag}
    if metric == "substitutes" and span[0] > scen.t0:
        out["earlier"] = fn(scen, mask, (scen.t0, span[0] - 1))
    return out


def sites_revenue_ratio(a: Arm, b: Arm, mask: np.ndarray, days: tuple[int, int]) -> float:
    x = a.result.series["revenue_usd"][days[0] : days[1], mask].sum(axis=1).mean()
    y = b.result.series["revenue_usd"][days[0] : days[1], mask].sum(axis=1).mean()
    return float(x / y) if y > 0 else math.nan


def recovery(scen: Arm, other: Arm, mask: np.ndarray) -> dict[str, float]:
    """The network's and the sites' revenue against another arm: one year on and over the last 30 days."""
    t0, n = scen.t0, scen.days
    cm = counterfactual_metrics(scen.result, other.result, scen.config, np.flatnonzero(mask))
    year = (t0 + ONE_YEAR[0], t0 + ONE_YEAR[1])
    return {
        "network_1y": cm["frac_cf_1y"],
        "network_final": cm["final_frac_cf"],
        "network_recovery_days": cm["recovery_days_cf"],
        "sites_1y": sites_revenue_ratio(scen, other, mask, year) if year[1] <= n else math.nan,
        "sites_final": cm["host_final_frac_cf"],
    }


def predictions(sites: Sequence[str], window: Sequence[int], scen: Arm, ref: Arm, cf: Arm | None) -> dict[str, Any]:
    """The episode's headline predictions in its window, for one replication."""
    mask = site_mask(scen, sites)
    span = scen.span(window)
    if span is None:
        raise ValueError(f"window {window} is not inside the run")
    before = scen.active_before(mask)
    moves = scen.moves_from(mask, span)
    relocations = [m for m in moves if m[1] == "relocation"]
    splits = scen.count((EventKind.SPLIT,), mask, span)
    left_days = sorted([m[0] for m in relocations] + [int(d) for d in scen.ev_day[scen._mask((EventKind.SPLIT,), mask, span)]])
    need = math.ceil(0.9 * before) if before > 0 else 0
    left_day90 = float(left_days[need - 1] - scen.t0) if 0 < need <= len(left_days) else math.nan
    names = scen.result.site_names
    abroad = sum(1 for m in relocations if scen.country[m[4]] != scen.country[m[3]])
    out: dict[str, Any] = {
        "arrests": scen.arrests(mask, span),
        "handed_over": scen.handed_over(mask, span),
        "detained": scen.detained(mask, span),
        "fled": scen.fled(mask, span),
        "active_before": before,
        "compounds_stopped": scen.compounds_stopped(mask, span),
        "closed": float(scen.count((EventKind.COMPOUND_CLOSED,), mask, span)),
        "sealed": scen.sealed(mask, span),
        "left": float(len(relocations) + splits),
        "left_share": (len(relocations) + splits) / before if before > 0 else math.nan,
        "left_day90": left_day90,
        "emptied_day": emptied_day(scen, mask),
        "relocations": float(len(relocations)),
        "relocations_abroad": float(abroad),
        "abroad_share": abroad / len(relocations) if relocations else math.nan,
        "destinations": dict(Counter(names[m[4]] for m in moves)),
        "handovers_ref": ref.handed_over(mask, span),
        "repatriated": scen.repatriated(mask, span),
        "repatriated_excess": scen.repatriated(mask, span) - ref.repatriated(mask, span),
        "backlog": scen.repatriation_backlog(mask, span),
        "backlog_excess": scen.repatriation_backlog(mask, span) - ref.repatriation_backlog(mask, span),
        "senior_share": scen.senior_share(mask, span),
        "arrests_bosses": scen.bosses_arrested(mask, span),
        **recovery(scen, ref, mask),
    }
    if cf is not None:
        out |= {f"{k}_cf": v for k, v in recovery(scen, cf, mask).items()}
    return out


def weekly_revenue(arm: Arm, mask: np.ndarray, start: int) -> list[float]:
    """Revenue at the sites, USD/day, in 7-day means from ``start`` days after day 0 to the end of the run."""
    rev = arm.result.series["revenue_usd"][:, mask].sum(axis=1)[arm.t0 + start :]
    weeks = rev.size // 7
    return rev[: weeks * 7].reshape(weeks, 7).mean(axis=1).tolist()


SERIES_START = -63  # the figure's revenue series start nine weeks before day 0


def replication(episode: dict[str, Any], configs: dict[str, ScamsimConfig], k: int) -> dict[str, Any]:
    """Replication k of every arm of one episode: the record's outcomes, the headline predictions, the series."""
    fled_days = {
        configs[SCENARIO].intervention_day + int(o["window"][1])
        for o in episode["outcomes"]
        if o["metric"] == "workers_remaining"
    }
    arms = {name: Arm(probe_run(config, k, fled_days), config) for name, config in configs.items()}
    scen, ref = arms[SCENARIO], arms[REFERENCE]
    cf = arms.get(COUNTERFACTUAL)
    outcomes = {}
    for o in episode["outcomes"]:
        sites = episode["scope"].get(o["id"], episode["sites"])
        outcomes[o["id"]] = outcome_value(o, sites, scen, ref)
    mask = site_mask(scen, episode["sites"])
    return {
        "replication": k,
        "outcomes": outcomes,
        "predictions": predictions(episode["sites"], episode["window"], scen, ref, cf),
        "series": {name: weekly_revenue(arm, mask, SERIES_START) for name, arm in arms.items()},
    }


# --------------------------------------------------------------------------- configs of the arms


def interventions(scenario: ScenarioConf) -> list[dict[str, Any]]:
    """Every intervention of a scenario with its day: ``{"day", "section", "name"}`` (list entries named by index)."""
    out = []
    for f in dataclasses.fields(scenario):
        value = getattr(scenario, f.name)
        if isinstance(value, dict):
            out += [{"day": int(e.day), "section": f.name, "name": str(k)} for k, e in value.items()]
        elif isinstance(value, list):
            for i, e in enumerate(value):
                label = getattr(e, "protector", "") or getattr(e, "boss", "") or getattr(e, "syndicate", "") or str(i)
                action = getattr(e, "action", "")
                out.append({"day": int(e.day), "section": f.name, "name": f"{label} {action}".strip()})
    if scenario.targeting.strategy != "none" and scenario.targeting.count > 0:
        out.append({"day": int(scenario.targeting.day), "section": "targeting", "name": scenario.targeting.strategy})
    return sorted(out, key=lambda i: (i["day"], i["section"], i["name"]))


def intervention_days(scenario: ScenarioConf) -> list[int]:
    """The day of every intervention of a scenario (each entry of each intervention section has a ``day``)."""
    return [i["day"] for i in interventions(scenario)]


def reference_scenario(scenario: ScenarioConf, background: dict[str, Sequence[Any]]) -> ScenarioConf:
    """The scenario with only its background kept: named entries of dict sections, indices of list sections."""
    kept: dict[str, Any] = {}
    for section, names in background.items():
        current = getattr(scenario, section)
        if isinstance(current, dict):
            missing = [n for n in names if n not in current]
            if missing:
                raise ValueError(f"{scenario.name}: no {section} named {', '.join(map(str, missing))}")
            kept[section] = {n: current[n] for n in names}
        else:
            kept[section] = [current[int(i)] for i in names]
    empty = empty_scenario(scenario)
    listed = "; ".join(f"{s}: {', '.join(map(str, n))}" for s, n in background.items())
    return dataclasses.replace(
        empty, name=f"{scenario.name}_reference", description=f"background of {scenario.name} ({listed})", **kept
    )


def episode_configs(study: Study, name: str, days_after: int) -> dict[str, ScamsimConfig]:
    """The arms of one episode: the scenario, its reference arm and (with a background) the no-intervention arm."""
    spec = study.spec
    probe = compose([*study.overrides, f"scenario={name}"])
    first = min([0, *intervention_days(probe.scenario)])
    t0 = int(spec["warmup_days"]) - first
    config = compose([*study.overrides, f"scenario={name}", f"intervention_day={t0}", f"horizon_days={t0 + days_after}"])
    background = (spec.get("background") or {}).get(name)
    configs = {SCENARIO: config}
    if background:
        configs[REFERENCE] = dataclasses.replace(config, scenario=reference_scenario(config.scenario, background))
        configs[COUNTERFACTUAL] = counterfactual_config(config)
    else:
        configs[REFERENCE] = counterfactual_config(config)
    return configs


# --------------------------------------------------------------------------- the summary (from the replications alone)


def summarise_episode(episode: dict[str, Any], reps: list[dict[str, Any]], spec: dict[str, Any]) -> dict[str, Any]:
    """CIs of the predictions and, per outcome, the model's value, the verdict and what a miss points to."""
    tol, threshold = spec["point_tolerance"], float(spec["activity_threshold"])
    preds: dict[str, Any] = {}
    keys = [k for k in reps[0]["predictions"] if k != "destinations"]
    for key in keys:
        low = -math.inf if key.endswith("_excess") else 0.0
        preds[key] = interval((r["predictions"][key] for r in reps), low, 1.0 if key in SHARES else math.inf)
    dest: Counter[str] = Counter()
    for r in reps:
        dest.update(r["predictions"]["destinations"])
    total = sum(dest.values())
    preds["destinations"] = [[s, n / len(reps), n / total if total else math.nan] for s, n in dest.most_common(5)]
    outcomes = []
    for o in episode["outcomes"]:
        values = [r["outcomes"][o["id"]] for r in reps]
        row: dict[str, Any] = {
            key: o.get(key) for key in ("id", "metric", "value", "window", "compare", "certainty", "scope", "source")
        }
        row["sites"] = list(episode["scope"].get(o["id"], episode["sites"])) if o["metric"] not in ALL_SITES else ["all"]
        row["model"] = interval((v.get("value") for v in values), 0.0, 1.0 if o["metric"] in SHARES else math.inf)
        row["presence"] = interval((v.get("presence") for v in values), 0.0)
        row["emptied_day"] = interval((v.get("emptied_day") for v in values), 0.0)
        if any("earlier" in v for v in values):
            row["earlier"] = interval((v.get("earlier") for v in values), 0.0)
        if any("reference" in v for v in values):
            row["reference"] = interval(v.get("reference") for v in values)
            row["difference"] = interval(
                v["value"] - v["reference"] if finite(v.get("value")) and finite(v.get("reference")) else math.nan for v in values
            )
        reason = not_comparable_reason(o)
        if reason is None and o["compare"] != "direction" and not finite(row["model"]["mean"]):
            reason = (
                "the window is not inside the run" if int(o["window"][1]) >= episode["days_after"] else "the model gives no value"
            )
        if o["compare"] == "direction" and o["value"] != "unknown" and o["metric"] in METRICS:
            row |= model_direction(o, values, threshold)
        elif o["value"] == "unknown" and o["metric"] == "destination":
            row |= model_direction({**o, "value": []}, values, threshold)
        if reason is not None:
            row["verdict"], row["reason"] = NOT_COMPARABLE, reason
        elif o["compare"] == "direction":
            row["verdict"] = direction_verdict(o["value"], row["direction"])
            if row["verdict"] == NOT_COMPARABLE:
                row["reason"] = "the window is not inside the run or the reference arm is empty"
        else:
            row["verdict"] = compare(o["compare"], o["value"], row["model"], o["certainty"], tol)
            ref = reference_value(o["compare"], o["value"])
            row["ratio"] = row["model"]["mean"] / ref if ref else math.nan
            a, b = acceptance(o["compare"], o["value"], o["certainty"], tol)
            row["accepts"] = [a, b]
        outcomes.append(row)
    return {"predictions": preds, "outcomes": outcomes}


def series_bands(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean and 95% CI per week of the sites' revenue, per arm."""
    out: dict[str, Any] = {"start": SERIES_START}
    for arm in reps[0]["series"]:
        x = np.array([r["series"][arm] for r in reps], float)
        cis = [interval(x[:, j], 0.0) for j in range(x.shape[1])]
        out[arm] = {key: [c[key] for c in cis] for key in ("mean", "ci_low", "ci_high")}
    return out


# --------------------------------------------------------------------------- what a miss points to


#: Metrics that need people or compounds at the sites: zero when the sites are empty.
NEEDS_PRESENCE = frozenset(
    {
        "arrests",
        "handed_over",
        "detained",
        "sealed",
        "compounds_demolished",
        "workers_remaining",
        "fled",
        "site_frac_cf",
        "substitutes",
        "cells",
        "relocated_abroad",
        "senior_share",
    }
)
#: Interventions that make bosses at a site decide to move (an order's notice, a cut, a campaign's raids and pressure).
ALERTS = frozenset({"closure_orders", "cuts", "campaigns"})
REPATRIATION = (
    "sim/mechanisms/repatriation.py (step): one world-wide queue that sends `repatriation.daily_capacity` people home a "
    "day (60, derived from Cambodia's ~11,000 deportations over months) and is full with or without the episode, so the "
    "model repatriates the same number whatever the episode does"
)


def emptied(row: dict[str, Any]) -> float | None:
    """The day the outcome's sites fell below 10% of their day -1 workers, if in every replication by the window's end."""
    day = row.get("emptied_day") or {}
    n = (row.get("model") or {}).get("n") or 0
    if finite(day.get("mean")) and day.get("n", 0) >= max(n, 1) and day["mean"] <= int(row["window"][1]):
        return float(day["mean"])
    return None


def triggers(day: float, interventions: Sequence[dict[str, Any]]) -> str:
    """The interventions of the episode that started on the day the sites emptied (or the last ones before it)."""
    alerting = [i for i in interventions if i["section"] in ALERTS] or list(interventions)
    before = [i for i in alerting if i["day"] <= day + 0.5]
    if not before:
        return "no intervention"
    last = max(i["day"] for i in before)
    return ", ".join(f"`{i['name']}` ({i['section']}, day {i['day']})" for i in before if i["day"] == last)


def moved_away(day: float, interventions: Sequence[dict[str, Any]], preds: dict[str, Any]) -> str:
    dest = preds.get("destinations") or []
    where = ", ".join(f"`{d[0]}`" for d in dest[:3])
    return (
        "sim/mechanisms/decisions.py (move_away, best_site): the sites emptied by day "
        f"{fmt(day, 3)}, when {triggers(day, interventions)} reached the bosses: each one moves every compound out at "
        "once, deciding alone on the same site score, with no limit on how many a destination takes "
        f"(here {where}) and a move cost small against 180 days of a large compound's output"
    )


def points_to(row: dict[str, Any], preds: dict[str, Any], interventions: Sequence[dict[str, Any]]) -> str:
    """The mechanism a miss points to, read off the outcome's own diagnostics (were its sites empty, and since when)."""
    metric, value = row["metric"], row["value"]
    mean = row["model"]["mean"] if finite(row["model"].get("mean")) else math.nan
    record = float(min(value)) if isinstance(value, list) and not isinstance(value[0], str) else value
    day = emptied(row)
    if metric in ("repatriated", "repatriation_backlog"):
        return REPATRIATION
    if metric == "senior_share" and finite(mean) and finite(record) and mean < float(record):
        return (
            "sim/mechanisms/repatriation.py (handover): a handover takes working people only, never managers or bosses, "
            "so the masterminds and key members handed over with them on the record are missing"
        )
    if metric == "handed_over" and finite(mean) and row["compare"] == "upper_bound":
        return (
            "sim/mechanisms/repatriation.py (handover): the round-up runs at a fixed `per_day` from its first day (the "
            "scenario's default 500 a day, the rate planned at Myawaddy in 2025, for lack of a Kokang rate), where the "
            "record's handovers started slowly and grew (4,666 by mid-October, 31,000 by late November)"
        )
    if metric == "destination":
        top = ", ".join(f"`{s}`" for s, _ in (row.get("top") or [])[:3])
        return (
            "sim/mechanisms/decisions.py (site_score, best_site): a boss compares every reachable site of the region "
            "(attractiveness x connectivity / (1 + hazard), less a move cost that is small for compounds of thousands) and "
            f"goes to the best-scoring ones ({top}), not to the enclaves nearby; people who flee on their own are `fled`, "
            "not placed at any site"
        )
    if metric == "compounds_stopped" and day is not None and finite(mean) and finite(record) and mean > float(record):
        return moved_away(day, interventions, preds) + "; every compound goes, where on the record part of them stayed"
    if metric == "substitutes" and value == "up":
        early = row.get("earlier") or {}
        return (
            "sim/mechanisms/infrastructure.py (install_substitutes) and sim/mechanisms/decisions.py (move_away): a "
            "compound at a cut site installs its generator or satellite link once, within days of the cut "
            f"({show(early)} installed at the sites between day 0 and the window), or moves away if the substitutes cannot "
            "restore its output (a blocked fuel supply gives a generator nothing); the Myawaddy compounds left, so there "
            "is no later spread of satellite links among compounds that stayed and grew"
        )
    if metric == "site_frac_cf" and day is not None and value == "up":
        return (
            moved_away(day, interventions, preds)
            + "; and nobody comes back: sim/mechanisms/infrastructure.py blocks a cut site's generators outright while "
            "the fuel cut lasts (no stockpiles, no smuggled diesel), so the expected connectivity there stays at "
            "`no_power_output` and neither a move nor growth (sim/mechanisms/growth.py) returns to it"
        )
    if metric == "workers_remaining" and day is not None:
        return moved_away(day, interventions, preds) + "; the workers leave with their compounds instead of staying behind"
    if metric in ("cells", "relocated_abroad") and day is not None:
        return (
            moved_away(day, interventions, preds)
            + ", long before the deadline, so nothing is left to go underground or abroad when it comes (and "
            "decisions.split turns only sealed compounds into cells)"
        )
    if metric == "fled" and day is not None:
        return (
            moved_away(day, interventions, preds)
            + "; the workers are driven away with their compounds and only `decisions.escape_share_moving` (5%) escape "
            "on the way: the model has no mass flight of workers on their own"
        )
    if day is not None and metric in NEEDS_PRESENCE:
        return moved_away(day, interventions, preds) + "; the intervention finds the compounds empty"
    if metric == "fled" and finite(mean) and finite(record) and mean < float(record):
        return (
            "sim/mechanisms/raids.py and sim/mechanisms/decisions.py: people leave a compound only when it is raided, "
            "moved or closed (and at the constant `operations.attrition_rate`, not counted as fled); the model has no "
            "wave of voluntary departures from standing compounds"
        )
    if metric == "sealed":
        return (
            "sim/mechanisms/raids.py (_campaign, raid): the campaign raids at the default rate calibrated on July 2025 "
            "(`peak_raid_rate` per 100 compounds) and a raid seals only compounds it does not leave operating "
            "(`keep_operating_max` x protection): the number sealed follows that rate, not the record's count of "
            "locations, which include small sites"
        )
    return "no mechanism identified from the diagnostics (see the episode's predictions)"


def note(row: dict[str, Any], preds: dict[str, Any], interventions: Sequence[dict[str, Any]]) -> str | None:
    """Why a consistent verdict says less than it seems, when the diagnostics show it."""
    metric, day = row["metric"], emptied(row)
    model = row["model"]
    if metric in ("repatriated", "repatriation_backlog"):
        diff = row.get("difference")
        return "read over all sites" + (f"; the episode adds {show(diff)} over the reference arm" if diff else "")
    if row["compare"] == "upper_bound" and finite(model.get("mean")) and bounds_of(model)[1] == 0:
        return "the model finds nobody there"
    if metric == "destination" and preds.get("emptied_day") and finite(preds["emptied_day"].get("mean")):
        return f"but the moves come by day {fmt(preds['emptied_day']['mean'], 3)}, not in the record's window"
    if metric == "handed_over" and day is not None:
        return f"the handovers stop when the sites empty (day {fmt(day, 3)})"
    if day is not None and metric in ("site_frac_cf", "compounds_stopped", "fled"):
        return f"because the compounds moved away (sites empty by day {fmt(day, 3)}), not because of what the record describes"
    return None


# --------------------------------------------------------------------------- rendering (from episodes.json alone)


def fmt(x: Any, digits: int = 3) -> str:
    if not finite(x):
        return "n/a"
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def show(ci: dict[str, Any] | None, digits: int = 3) -> str:
    if not ci or not finite(ci.get("mean")):
        return "n/a"
    if not (finite(ci.get("ci_low")) and finite(ci.get("ci_high"))):
        return fmt(ci["mean"], digits)
    return f"{fmt(ci['mean'], digits)} [{fmt(ci['ci_low'], digits)}, {fmt(ci['ci_high'], digits)}]"


def show_value(value: Any) -> str:
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(f"`{v}`" for v in value)
        return f"{fmt(value[0])}-{fmt(value[1])}"
    if isinstance(value, str):
        return f'"{value}"'
    return fmt(value)


def show_window(w: Sequence[int]) -> str:
    return f"day {w[0]}" if w[0] == w[1] else f"days {w[0]}-{w[1]}"


def model_cell(row: dict[str, Any]) -> str:
    if row["compare"] == "direction" or "direction" in row:
        if "top" in row:
            return "top gain: " + ", ".join(f"`{s}` {show(ci, 3)}" for s, ci in row["top"][:3])
        if "difference" in row and row.get("value") in ("up", "down"):
            what = "end - start of window" if row["metric"] == "site_frac_cf" else "minus reference"
            return f"{row.get('direction', 'n/a')}: {show(row['difference'])} ({what}); value {show(row['model'])}"
        if "activity" in row:
            return f"{row.get('direction', 'n/a')}: ratio {show(row['activity'])}"
    return show(row["model"])


def verdict_cell(row: dict[str, Any]) -> str:
    v = row["verdict"]
    if v == NOT_COMPARABLE:
        return f"not comparable: {row.get('reason', '')}"
    mark = "**miss**" if v == MISS else "consistent"
    if finite(row.get("ratio")):
        mark += f" (model / record {fmt(row['ratio'], 2)})"
    if row.get("note"):
        mark += f"; {row['note']}"
    return mark


PREDICTIONS = (
    ("arrests", "arrests at the sites"),
    ("handed_over", "people handed over (handovers + closure orders' custody)"),
    ("fled", "people fleeing (raids, escapes on the way, closures)"),
    ("active_before", "compounds active at the sites on day -1"),
    ("compounds_stopped", "share of them not active at the window's end (net)"),
    ("closed", "compounds closed at the sites"),
    ("sealed", "compounds sealed by raids"),
    ("left", "moves away from the sites (relocations + splits)"),
    ("left_day90", "day by which moves away reached 90% of the day -1 compounds"),
    ("emptied_day", "first day the sites' working workers fell below 10% of day -1's"),
    ("relocations_abroad", "relocations abroad"),
    ("abroad_share", "share of relocations abroad"),
    ("backlog", "repatriation backlog at the window's end (arrested + detained, all sites)"),
    ("backlog_excess", "  of which over the reference arm"),
    ("repatriated", "repatriated in the window (all sites)"),
    ("repatriated_excess", "  of which over the reference arm"),
    ("senior_share", "senior share of those taken (managers + bosses)"),
    ("arrests_bosses", "bosses arrested"),
)
RECOVERY = (
    ("network_1y", "network revenue one year on / reference"),
    ("network_final", "network revenue, last 30 days / reference"),
    ("network_recovery_days", "days until the network is back at 90% of the reference"),
    ("sites_1y", "the sites' revenue one year on / reference"),
    ("sites_final", "the sites' revenue, last 30 days / reference"),
)


def render(data: dict[str, Any]) -> str:
    meta = data["meta"]
    study = meta["study"]
    spec = study["spec"]
    dirty = meta.get("uncommitted", [])
    eps = data["episodes"]
    lines = [
        "# Six enforcement episodes out of sample: the model beside the public record",
        "",
        f"Generated by `{meta['command']}` from `episodes.json` (world `{study['world']}`, {study['replications']} "
        f"replications per arm, seed {study['seed']}, git {meta['git_commit'][:10]}"
        + (f" with uncommitted changes to {', '.join(f'`{p}`' for p in dirty)}" if dirty else "")
        + f", scamsim {meta['version']}, {meta['wall_time_s']:.0f} s wall time on {meta['jobs']} jobs, load average "
        f"{meta['load_start'][0]:.2f} at the start and {meta['load_end'][0]:.2f} at the end).",
        "",
        "The model is calibrated on the Cambodian July 2025 wave only.  Each episode runs as configured in "
        "`configs/scenario/<episode>.yaml` on `world=regional`, at the model's defaults: no parameter, world or "
        "scenario file was changed to improve agreement, and every miss below is reported as found.  The record is "
        "`docs/episodes_record.yaml`, committed before any run of these episodes; its header defines how each metric is "
        "read off a run.",
        "",
        "- **Arms.** Each replication of an episode runs the episode and its *reference arm* at the same seed and "
        "replication index (common random numbers).  The reference arm drops the episode's own interventions and keeps "
        "its background, the interventions before it that belong to the state it starts from ("
        + "; ".join(
            f"`{e}`: " + ", ".join(f"{s} {', '.join(map(str, n))}" for s, n in bg.items()) for e, bg in spec["background"].items()
        )
        + "); for the other episodes it is the paired no-intervention arm.  Where the two differ, the no-intervention "
        "arm is also run and reported (recovery against *no intervention at all*).",
        f"- **Run control, not a model parameter.** Every episode gets {spec['warmup_days']} days of warm-up before its "
        f"first intervention and runs {spec['days_after']} days after its day 0: `intervention_day` = "
        + ", ".join(f"{e} {eps[e]['run_control']['intervention_day']}" for e in eps)
        + ".  (At the default 180 the Thai cut that precedes KK Park would fall on simulation day 0.)",
        "- **Windows.** Days after the episode's day 0, both ends included.  Headline predictions are read in each "
        "episode's window (below); the record's outcomes in their own windows, at the episode's sites or at the sites "
        "the outcome's scope names.",
        "- **Intervals.** Mean and 95% Student-t CI over replications.  **Rules**: `point` is consistent when the CI "
        "meets the record's value (+-"
        + ", ".join(f"{int(100 * v)}% for {k}" for k, v in spec["point_tolerance"].items())
        + " figures); `lower_bound` when the CI reaches the value or above, `upper_bound` when it reaches the value or "
        "below; `range` when it meets the range; `direction`: up/down is the sign of the scenario arm minus the reference "
        "arm (for `site_frac_cf`: the sites' working workers at the window's end minus its start) with the whole CI on "
        f"one side, yes/no is `site_frac_cf` at or above {spec['activity_threshold']} (activity persists), and a list "
        "of sites is met when the site with the largest mean gain of working workers against the reference arm is listed.",
        "",
    ]
    # ---------------------------------------------------------------- overview
    lines += [
        "## Overview",
        "",
        "| episode | outcomes | consistent | missed | not comparable | the model's headline |",
        "|---|---|---|---|---|---|",
    ]
    for name, ep in eps.items():
        rows = ep["summary"]["outcomes"]
        c = Counter(r["verdict"] for r in rows)
        lines.append(f"| `{name}` | {len(rows)} | {c[CONSISTENT]} | {c[MISS]} | {c[NOT_COMPARABLE]} | {headline(ep)} |")
    total = Counter(r["verdict"] for ep in eps.values() for r in ep["summary"]["outcomes"])
    n_all = sum(total.values())
    lines += [
        f"| all | {n_all} | {total[CONSISTENT]} | {total[MISS]} | {total[NOT_COMPARABLE]} | |",
        "",
        "## Every miss and what it points to",
        "",
    ]
    for name, ep in eps.items():
        for r in ep["summary"]["outcomes"]:
            if r["verdict"] == MISS:
                lines.append(
                    f"- `{name}` **{r['id']}** ({r['metric']}, {show_window(r['window'])}): record {show_value(r['value'])} "
                    f"({r['compare']}), model {model_cell(r)}.  Points to {r.get('points_to', 'n/a')}."
                )
    lines += ["", "Misses by the mechanism they point to first:", "", "| mechanism | misses | outcomes |", "|---|---|---|"]
    by: dict[str, list[str]] = {}
    for name, ep in eps.items():
        for r in ep["summary"]["outcomes"]:
            if r["verdict"] == MISS:
                by.setdefault(first_module(r.get("points_to") or ""), []).append(f"`{name}` {r['id']}")
    for module, ids in sorted(by.items(), key=lambda x: (-len(x[1]), x[0])):
        lines.append(f"| `{module}` | {len(ids)} | {', '.join(ids)} |")
    lines.append("")
    # ---------------------------------------------------------------- per episode
    for name, ep in eps.items():
        rc, summary = ep["run_control"], ep["summary"]
        preds = summary["predictions"]
        lines += [
            f"## `{name}`: {ep['day0_event']}",
            "",
            f"Day 0 = {ep['day0']}; sites {', '.join(f'`{s}`' for s in ep['sites'])}; `intervention_day={rc['intervention_day']}`, "
            f"`horizon_days={rc['horizon_days']}`; arms: {', '.join(f'`{a}`' for a in ep['arms'])}"
            + (f" (reference: background {ep['reference']})" if ep.get("reference") else " (reference: no intervention)")
            + f"; {ep['replications']} replications.",
            "",
            f"Predictions in the episode's window ({show_window(ep['window'])}):",
            "",
            "| quantity | model |",
            "|---|---|",
        ]
        for key, label in PREDICTIONS:
            lines.append(f"| {label} | {show(preds.get(key))} |")
        dest = preds.get("destinations") or []
        if dest:
            lines.append(
                "| where the moves went (per replication, share of moves) | "
                + ", ".join(f"`{s}` {fmt(n, 3)} ({fmt(100 * sh, 2)}%)" for s, n, sh in dest)
                + " |"
            )
        for key, label in RECOVERY:
            cell = show(preds.get(key))
            if f"{key}_cf" in preds:
                cell += f"; against no intervention {show(preds[f'{key}_cf'])}"
            lines.append(f"| {label} | {cell} |")
        lines += [
            "",
            "Against the record:",
            "",
            "| outcome | metric (sites) | window | record | rule (certainty) | model | verdict |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in summary["outcomes"]:
            sites = ", ".join(r["sites"])
            lines.append(
                f"| `{r['id']}` | {r['metric']} ({sites}) | {show_window(r['window'])} | {show_value(r['value'])} | "
                f"{r['compare']} ({r['certainty']}) | {model_cell(r)} | {verdict_cell(r)} |"
            )
        lines.append("")
    lines += caveats()
    return "\n".join(lines)


def first_module(text: str) -> str:
    """The first ``sim/mechanisms/<module>.py`` a points-to line names."""
    at = text.find("sim/mechanisms/")
    if at < 0:
        return "none identified"
    end = text.find(".py", at)
    return text[at : end + 3] if end > 0 else text[at:]


def headline(ep: dict[str, Any]) -> str:
    p = ep["summary"]["predictions"]
    dest = p.get("destinations") or []
    where = f", mostly to `{dest[0][0]}`" if dest else ""
    empty = p.get("emptied_day") or {}
    when = (
        f" (the sites empty by day {fmt(empty['mean'], 3)})"
        if finite(empty.get("mean")) and empty.get("n") == ep["replications"]
        else ""
    )
    return (
        f"{show(p['left_share'], 2)} of the compounds move away{where}{when}; {show(p['arrests'], 3)} arrests, "
        f"{show(p['handed_over'], 3)} handed over; network one year on {show(p['network_1y'], 3)} of the reference"
    )


def caveats() -> list[str]:
    return [
        "## Caveats",
        "",
        "- The record counts people and call centres; the model's compounds are units of a few hundred to a few "
        "thousand workers (`configs/world/regional.yaml`), and its handovers take anyone working at the sites, not only "
        "foreigners.  Scopes that differ are stated in the record and, where the model has the sites, read at those sites.",
        "- `repatriated` and `repatriation_backlog` are read over the whole world (the model's queue is not tagged by "
        "site), so a consistent verdict on them says little about the episode: see their excess over the reference arm.",
        "- `compounds_stopped` is read, as the record's header says, from the count of active compounds at the sites "
        "(net of compounds founded or moved in), clipped at 0.",
        "- Escapes on the way are put at the site the compound left (the event log names the destination), from the "
        "read-only relocation wrapper.",
        "- *Moves away from the sites* can exceed the compounds there on day -1: compounds whose building was begun before "
        "an order (sim/mechanisms/growth.py decides on the site's pressure when it starts building, not when it opens) "
        "open at a site under the order and move on at once.",
        "- `pogo_ban_2024`'s reference arm keeps the Bamban raid of day -131 (background, like the July 2025 wave of "
        "`prince_group_2025`); its no-intervention arm is reported beside it.",
        "- Episodes overlap in time but run separately, each from the same regional world (the state before all of them); "
        "none carries the consequences of the others.",
        "- 10 replications per arm give intervals that are tight on the model's own noise; they carry none of the "
        "uncertainty of the parameters, which were calibrated on another episode.",
        "",
    ]


# --------------------------------------------------------------------------- csv and figure


def csv_rows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    columns = [
        "episode",
        "kind",
        "id",
        "metric",
        "sites",
        "window_start",
        "window_end",
        "record",
        "compare",
        "certainty",
        "model",
        "model_ci_low",
        "model_ci_high",
        "replications",
        "reference",
        "model_direction",
        "ratio",
        "verdict",
        "points_to",
    ]
    rows: list[dict[str, Any]] = []
    for name, ep in data["episodes"].items():
        summary = ep["summary"]
        for key, _label in (*PREDICTIONS, *RECOVERY):
            ci = summary["predictions"].get(key)
            if not ci:
                continue
            rows.append(
                {
                    "episode": name,
                    "kind": "prediction",
                    "id": key,
                    "sites": " ".join(ep["sites"]),
                    "window_start": ep["window"][0],
                    "window_end": ep["window"][1],
                    "model": ci["mean"],
                    "model_ci_low": ci["ci_low"],
                    "model_ci_high": ci["ci_high"],
                    "replications": ci["n"],
                }
            )
        for r in summary["outcomes"]:
            value = r["value"]
            rows.append(
                {
                    "episode": name,
                    "kind": "outcome",
                    "id": r["id"],
                    "metric": r["metric"],
                    "sites": " ".join(r["sites"]),
                    "window_start": r["window"][0],
                    "window_end": r["window"][1],
                    "record": " ".join(map(str, value)) if isinstance(value, list) else value,
                    "compare": r["compare"],
                    "certainty": r["certainty"],
                    "model": r["model"]["mean"],
                    "model_ci_low": r["model"]["ci_low"],
                    "model_ci_high": r["model"]["ci_high"],
                    "replications": r["model"]["n"],
                    "reference": (r.get("reference") or {}).get("mean"),
                    "model_direction": r.get("direction"),
                    "ratio": r.get("ratio"),
                    "verdict": r["verdict"],
                    "points_to": r.get("points_to") or r.get("reason"),
                }
            )
    return rows, columns


def figure(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    eps = data["episodes"]
    names = list(eps)
    cols = 3
    nrow = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(2 * nrow, cols, figsize=(5.6 * cols, 4.4 * 2 * nrow), squeeze=False)
    floor, ceil = 1e-3, 1e3
    for j, name in enumerate(names):
        ax = axes[j // cols][j % cols]
        rows = [r for r in eps[name]["summary"]["outcomes"] if r["verdict"] != NOT_COMPARABLE and r["compare"] != "direction"]
        direction = [
            r for r in eps[name]["summary"]["outcomes"] if r["verdict"] != NOT_COMPARABLE and r["compare"] == "direction"
        ]
        for i, r in enumerate(rows):
            ref = reference_value(r["compare"], r["value"])
            a, b = (x if finite(x) else default for x, default in zip(r["accepts"], (-math.inf, math.inf), strict=True))
            lo_band, hi_band = max(a / ref, floor), min(b / ref, ceil) if math.isfinite(b) else ceil
            if r["compare"] == "upper_bound":
                lo_band = floor
            ax.plot([lo_band, hi_band], [i, i], color="0.8", lw=7, solid_capstyle="butt", zorder=1)
            if hi_band / lo_band < 1.05:  # a point read exactly: a tick where the record is
                ax.plot([1.0], [i], marker="|", color="0.55", ms=14, mew=2, zorder=2)
            mean = r["model"]["mean"]
            lo, hi = bounds_of(r["model"])
            x = min(max(mean / ref, floor), ceil)
            color = "C2" if r["verdict"] == CONSISTENT else "C3"
            marker = "<" if mean / ref < floor else "o"
            ax.errorbar(
                [x],
                [i],
                xerr=[[max(x - max(lo / ref, floor), 0)], [max(min(hi / ref, ceil) - x, 0)]],
                fmt=marker,
                color=color,
                capsize=3,
                zorder=3,
            )
        ax.set_xscale("log")
        ax.set_xlim(floor * 0.7, ceil * 1.4)
        ax.axvline(1, color="0.5", lw=0.8, ls=":")
        ax.set_yticks(range(len(rows)), [r["id"] for r in rows], fontsize=7)
        ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
        ax.invert_yaxis()
        ok = sum(r["verdict"] == CONSISTENT for r in direction)
        ax.set_title(f"{name}\n(direction outcomes: {ok} of {len(direction)} consistent)", fontsize=9)
        ax.set_xlabel("model / record (grey: accepted; red: miss; < at 0)", fontsize=8)
        ax2 = axes[nrow + j // cols][j % cols]
        s = eps[name]["series"]
        weeks = len(s[SCENARIO]["mean"])
        days = s["start"] + 7 * np.arange(weeks) + 3
        for arm, color in ((SCENARIO, "C3"), (REFERENCE, "C0"), (COUNTERFACTUAL, "0.5")):
            if arm not in s:
                continue
            band = s[arm]
            m = np.array([v if finite(v) else np.nan for v in band["mean"]]) / 1e6
            lo_ = np.array([v if finite(v) else np.nan for v in band["ci_low"]]) / 1e6
            hi_ = np.array([v if finite(v) else np.nan for v in band["ci_high"]]) / 1e6
            ax2.plot(days, m, color=color, lw=1.2, label=arm)
            ax2.fill_between(days, lo_, hi_, color=color, alpha=0.2, lw=0)
        w = eps[name]["window"]
        ax2.axvspan(w[0], w[1], color="0.9", zorder=0)
        ax2.axvline(0, color="k", lw=0.8)
        ax2.set_title(f"{name}: revenue at {', '.join(eps[name]['sites'])}", fontsize=9)
        ax2.set_xlabel("days after day 0 (grey: the episode's window)", fontsize=8)
        ax2.set_ylabel("USD million / day", fontsize=8)
        ax2.legend(fontsize=7)
    for j in range(len(names), nrow * cols):
        axes[j // cols][j % cols].axis("off")
        axes[nrow + j // cols][j % cols].axis("off")
    meta = data["meta"]["study"]
    fig.suptitle(
        f"Six episodes out of sample ({meta['world']} world, {meta['replications']} replications, 95% CIs): "
        "the model against the record (top), revenue at the targeted sites (bottom)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.975))
    atomic_savefig(fig, path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def clean(obj: Any) -> Any:
    """JSON without NaN: non-finite floats become null."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def write_reports(data: dict[str, Any], out: Path) -> list[Path]:
    """episodes.md, episodes.csv and episodes.png from the data of episodes.json."""
    rows, columns = csv_rows(data)
    md = out / f"{NAME}.md"
    md.write_text(render(data))
    write_csv(out / f"{NAME}.csv", rows, columns, float_format=".6g")
    figure(data, out / f"{NAME}.png")
    return [md, out / f"{NAME}.csv", out / f"{NAME}.png"]


# --------------------------------------------------------------------------- the study


def episode_spec(
    record: dict[str, Any], spec: dict[str, Any], name: str, days_after: int, scenario: ScenarioConf
) -> dict[str, Any]:
    """What a replication of one episode needs: its sites, headline window, scopes and outcomes."""
    ep = record["episodes"][name]
    window = list(spec["windows"][name])
    window[1] = min(int(window[1]), days_after - 1)
    ids = {o["id"] for o in ep["outcomes"]}
    return {
        "sites": list(ep["sites"]),
        "window": window,
        "scope": {k: list(v) for k, v in (spec.get("scope") or {}).items() if k in ids},
        "outcomes": ep["outcomes"],
        "days_after": days_after,
        "interventions": interventions(scenario),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two episodes, 2 replications (a smoke test), output under outputs/")
    parser.add_argument("--episodes", default=None, help="comma-separated episodes (default: the study's)")
    parser.add_argument("--replications", type=int, default=None, help="replications per arm (default: the study's)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the study's)")
    parser.add_argument("--after", type=int, default=None, help="days simulated after day 0 (default: the study's, 730)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes (joblib)")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/, or outputs/episodes-quick/<date_time>/)"
    )
    parser.add_argument("--overwrite-results", action="store_true", help="with --quick, allow --out results/")
    parser.add_argument("--render", action="store_true", help="only rewrite episodes.md, .csv and .png from episodes.json")
    args = parser.parse_args(argv)
    if args.render:
        folder = args.out or ROOT / "results"
        data = json.loads((folder / f"{NAME}.json").read_text())
        files = write_reports(data, folder)
        print(f"rendered {', '.join(str(f) for f in files)} from {folder / f'{NAME}.json'}")
        return 0
    try:
        out = output_folder(args.out, quick=args.quick, root=ROOT, name=NAME, overwrite_results=args.overwrite_results)
    except ResultsProtectedError as err:
        print(f"episodes: {err}", file=sys.stderr)
        return 2
    given = {"replications": args.replications, "seed": args.seed}
    study = load_study(NAME, args.quick, [f"{k}={v}" for k, v in given.items() if v is not None])
    spec = study.spec
    days_after = int(args.after or spec["days_after"])
    names = args.episodes.split(",") if args.episodes else list(spec["episodes"])
    record = load_record(ROOT / spec["record"])
    unknown = [n for n in names if n not in record["episodes"]]
    if unknown:
        print(f"episodes: not in the record: {', '.join(unknown)}", file=sys.stderr)
        return 2
    print(f"output: {out}", flush=True)
    prov = provenance()  # the code that ran, read before the runs
    dirty = uncommitted()
    load_start = list(os.getloadavg())
    start = time.perf_counter()
    configs = {n: episode_configs(study, n, days_after) for n in names}
    specs = {n: episode_spec(record, spec, n, days_after, configs[n][SCENARIO].scenario) for n in names}
    reps_n = int(study.config.replications)
    tasks = [(n, k) for n in names for k in range(reps_n)]
    from joblib import Parallel, delayed

    done = Parallel(n_jobs=args.jobs)(delayed(replication)(specs[n], configs[n], k) for n, k in tasks)
    wall = time.perf_counter() - start
    reps: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for (n, _k), rec in zip(tasks, done, strict=True):
        reps[n].append(rec)
    episodes: dict[str, Any] = {}
    for n in names:
        ep = record["episodes"][n]
        summary = summarise_episode(specs[n], reps[n], spec)
        for row in summary["outcomes"]:
            if row["verdict"] == MISS:
                row["points_to"] = points_to(row, summary["predictions"], specs[n]["interventions"])
            elif row["verdict"] == CONSISTENT:
                row["note"] = note(row, summary["predictions"], specs[n]["interventions"])
        scen = configs[n][SCENARIO]
        background = (spec.get("background") or {}).get(n)
        episodes[n] = {
            "day0": str(ep["day0"]),
            "day0_event": ep.get("day0_event", ""),
            "sites": specs[n]["sites"],
            "window": specs[n]["window"],
            "scope": specs[n]["scope"],
            "interventions": specs[n]["interventions"],
            "arms": list(configs[n]),
            "reference": "; ".join(f"{s}: {', '.join(map(str, v))}" for s, v in background.items()) if background else None,
            "run_control": {"intervention_day": scen.intervention_day, "horizon_days": scen.horizon_days},
            "replications": len(reps[n]),
            "summary": summary,
            "series": series_bands(reps[n]),
            "per_replication": [
                {"replication": r["replication"], "outcomes": r["outcomes"], "predictions": r["predictions"]} for r in reps[n]
            ],
        }
    flags = {"episodes": args.episodes, "replications": args.replications, "seed": args.seed, "after": args.after}
    command = " ".join(
        ["python experiments/episodes.py", *(["--quick"] if args.quick else [])]
        + [f"--{k} {v}" for k, v in flags.items() if v is not None]
    )
    meta = {
        "study": study.record(),
        "command": command,
        "record": spec["record"],
        "wall_time_s": wall,
        "jobs": args.jobs,
        "cpu_count": os.cpu_count(),
        "load_start": load_start,
        "load_end": list(os.getloadavg()),
        "uncommitted": dirty,
        "figure": f"{NAME}.png",
        **prov,
    }
    data = clean({"meta": meta, "episodes": episodes})
    write_json(out / f"{NAME}.json", data)
    files = write_reports(data, out)
    print(f"wrote {out / f'{NAME}.json'}, {', '.join(str(f) for f in files)} ({wall:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
