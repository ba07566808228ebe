"""Each mechanism moves the model in the direction the source article describes.

All runs use the small world (~0.3 s a replication).  Comparisons are paired:
two configs at the same seed share every random stream where they do not
differ (common random numbers), so the per-replication difference removes most
seed noise, and a 95% Student-t CI of that difference over N replications that
excludes zero is the evidence.  Where the model's own parameters fix an
expected value (flight shares, raid counts), the tolerance is a few binomial or
Poisson standard errors of the pooled count.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pytest

import sim
import sim.mechanisms.raids as raids_module
from sim.analysis.metrics import mean_ci
from sim.analysis.results import StudyResult
from sim.core.compounds import CLOSED
from sim.core.context import Context
from sim.core.workers import CREATED, DETAINED, IN_TRANSIT, REPATRIATED, WORKING
from sim.mechanisms.raids import Raids
from sim.model import Model

N = 8  # replications per arm unless a test says otherwise


@dataclass
class RaidRecord:
    """One call of :meth:`Raids.raid`: workers at the compound before and after, and the events it logged."""

    replication: int
    day: int
    compound: int
    present: int
    after: int
    counts: Counter


@dataclass
class Run:
    study: StudyResult
    raids: list[RaidRecord] = field(default_factory=list)
    models: dict[int, Context] = field(default_factory=dict)  # replication -> its context, as left at the end

    def raids_where(self, **flags: bool) -> list[RaidRecord]:
        """Carried-out raids, optionally only the warned (``warned=True``) or unwarned ones."""
        out = [r for r in self.raids if "raid" in r.counts]
        if "warned" in flags:
            out = [r for r in out if ("warning" in r.counts) == flags["warned"]]
        return out


@functools.cache
def run(*overrides: str, n: int = N) -> Run:
    """Run ``world=small`` with overrides, recording every raid (cached: several tests share a run)."""
    result = Run(study=None)  # type: ignore[arg-type]
    original = Raids.raid

    def spy(self: Raids, compound: int) -> None:
        ctx = self.ctx
        pool = ctx.world.workers
        before, logged = int(pool.working_at[compound]), len(ctx.recorder.events)
        original(self, compound)
        counts: Counter[str] = Counter()
        for event in ctx.recorder.events[logged:]:
            counts[event.kind.value] += event.amount
        result.raids.append(
            RaidRecord(ctx.streams.replication, ctx.day, compound, before, int(pool.working_at[compound]), counts)
        )
        result.models[ctx.streams.replication] = ctx

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Raids, "raid", spy)
        result.study = sim.run(sim.compose(["world=small", *overrides]), replications=n)
    return result


def paired_ci(base: np.ndarray, other: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% CI of ``other - base`` paired by replication."""
    mean, lo, hi, _n = mean_ci(np.asarray(other, float) - np.asarray(base, float))
    return mean, lo, hi


def column(r: Run, name: str) -> np.ndarray:
    return r.study.summary[name]


def site_series(r: Run, name: str, site: str) -> np.ndarray:
    i = r.study.site_names.index(site)
    return np.stack([rep.series[name][:, i] for rep in r.study.replications])


T0 = sim.compose(["world=small"]).intervention_day


# ----------------------------------------------------------------------------- raids


def test_protection_raises_warnings_and_shields_bosses():
    """Protectors leak raids and shield bosses: switching protection off lowers the warned share and raises boss arrests.

    Bosses are made present at every raid (``boss_present_prob=1``) and the
    campaign is sustained, so boss arrests are frequent enough to compare.
    """
    over = ("scenario=sustained_pressure", "raids.boss_present_prob=1.0")
    on, off = run(*over), run(*over, "protection.enabled=false")
    mean, lo, hi = paired_ci(column(on, "warned_share"), column(off, "warned_share"))
    assert hi < 0, f"warned share without - with protection: {mean:.3f} [{lo:.3f}, {hi:.3f}]"
    mean, lo, hi = paired_ci(column(on, "arrests_bosses"), column(off, "arrests_bosses"))
    assert lo > 0, f"boss arrests without - with protection: {mean:.2f} [{lo:.2f}, {hi:.2f}]"
    # without protection nothing is deflected and raids leak at the base rate only
    assert column(off, "raids_deflected").sum() == 0
    raids = column(off, "raids").sum()
    leaked = (off.study.events["event"] == "warning").sum() / raids
    base = off.study.config.raids.warning_base
    assert abs(leaked - base) < 4 * math.sqrt(base * (1 - base) / raids)


def test_raids_arrest_mostly_low_level_workers():
    """The article: arrests fall on low-level workers, not on the managers and bosses who run the compounds."""
    share = column(run("scenario=crackdown_2025"), "low_level_share")
    assert np.all(share > 0.8), share


def test_warned_raids_let_most_workers_get_away():
    """A leaked raid finds few people: most are moved out or run, so a warned raid arrests fewer than an unwarned one."""
    r = run("scenario=crackdown_2025")
    cfg = r.study.config.raids
    warned, unwarned = r.raids_where(warned=True), r.raids_where(warned=False)
    assert warned and unwarned

    def away(raids: list[RaidRecord]) -> float:
        gone = sum(x.counts["workers_fled"] + x.counts["workers_evacuated"] for x in raids)
        return gone / sum(x.present for x in raids)

    assert away(warned) > 0.5
    assert away(warned) == pytest.approx(cfg.evacuate_share_warned + cfg.flee_share_warned, abs=0.05)
    assert away(unwarned) == pytest.approx(cfg.flee_share_unwarned, abs=0.05)
    per_raid = [np.mean([x.counts["arrest_workers"] for x in raids]) for raids in (warned, unwarned)]
    assert per_raid[0] < per_raid[1], per_raid


def test_without_warnings_fewer_get_away_and_more_are_arrested():
    """``raids.warnings=false``: no raid leaks, the share of workers getting away falls and worker arrests rise."""
    on, off = run("scenario=crackdown_2025"), run("scenario=crackdown_2025", "raids.warnings=false")
    assert not np.isin(off.study.events["event"], ["warning", "workers_evacuated"]).any()

    def away(r: Run) -> np.ndarray:
        out = np.zeros(N)
        for k in range(N):
            raids = [x for x in r.raids_where() if x.replication == k]
            gone = sum(x.counts["workers_fled"] + x.counts["workers_evacuated"] for x in raids)
            out[k] = gone / max(sum(x.present for x in raids), 1)
        return out

    mean, lo, hi = paired_ci(away(on), away(off))
    assert hi < 0, f"share getting away, without - with warnings: {mean:.3f} [{lo:.3f}, {hi:.3f}]"
    mean, lo, hi = paired_ci(column(on, "arrests_workers"), column(off, "arrests_workers"))
    assert lo > 0, f"worker arrests, without - with warnings: {mean:.1f} [{lo:.1f}, {hi:.1f}]"


def expected_raid_attempts(r: Run) -> float:
    """Raids a campaign should launch: peak rate x compounds at its sites x integral of its intensity."""
    cfg = r.study.config
    total = 0.0
    for camp in cfg.scenario.campaigns.values():
        sites = camp.sites or [name for name, s in cfg.world.sites.items() if s.country == camp.country]
        compounds = sum(cfg.world.sites[s].compounds for s in sites)
        # linear ramp, hold, then exponential decay until the intensity falls below MIN_INTENSITY
        decay = camp.decay_half_life / math.log(2) * (1 - raids_module.MIN_INTENSITY)
        total += camp.peak_raid_rate * compounds / 100 * (camp.ramp_days / 2 + camp.hold_days + decay)
    return total


@pytest.mark.parametrize("scenario", ["crackdown_2025", "sustained_pressure"])
def test_campaign_makes_roughly_the_configured_number_of_raids(scenario):
    """Raids carried out plus raids called off by protectors match the campaign's configured rate (Poisson counts)."""
    r = run(f"scenario={scenario}")
    expected = expected_raid_attempts(r)
    attempts = column(r, "raids") + column(r, "raids_deflected")
    assert abs(attempts.mean() - expected) < 3.5 * math.sqrt(expected / N), (attempts, expected)


# ----------------------------------------------------------------------------- recovery


def test_raided_compounds_refill_only_through_recruitment():
    """Without recruitment (and no moves, which ferry workers in transit) nobody enters a compound; with it, they refill."""
    off = run("scenario=crackdown_2025", "recruitment.enabled=false", "decisions.relocation=false", "decisions.split=false", n=4)
    for rep in off.study.replications:
        entries = [e for e in rep.ledger if e[2] in (IN_TRANSIT, WORKING) and e[4] != "initial"]
        assert entries == []
        assert np.all(np.diff(rep.series["workers"].sum(axis=1)) <= 0)
    on = run("scenario=crackdown_2025")
    for r, refills in ((off, False), (on, True)):
        last = {(x.replication, x.compound): x for x in r.raids_where()}  # each compound's last raid
        rose = [
            r.models[k].world.workers.working_at[c] > x.after
            for (k, c), x in last.items()
            if r.models[k].world.compounds.status[c] != CLOSED
        ]
        assert rose, "no raided compound left standing"
        if refills:
            assert np.mean(rose) > 0.8, f"{sum(rose)} of {len(rose)} raided compounds refilled"
        else:
            assert not any(rose)


def test_relocation_switch():
    """Relocation is how networks dodge raids: off gives no moves at all, on gives moves under the 2025 wave."""
    off = run("scenario=crackdown_2025", "decisions.relocation=false", n=4)
    assert column(off, "relocations").sum() == 0
    assert not (off.study.events["event"] == "relocation").any()
    mean, lo, hi, _n = mean_ci(column(run("scenario=crackdown_2025"), "relocations"))
    assert lo > 0, f"relocations under crackdown_2025: {mean:.1f} [{lo:.1f}, {hi:.1f}]"


def test_growth_between_crackdowns():
    """Networks grow when left alone: without growth no compound is founded and revenue ends lower in every replication."""
    on, off = run("scenario=baseline", n=6), run("scenario=baseline", "growth.enabled=false", n=6)
    assert column(off, "compounds_founded").sum() == 0
    assert not (off.study.events["event"] == "compound_founded").any()
    assert column(on, "compounds_founded").min() > 0
    final_on, final_off = on.study.revenue()[:, -30:].mean(axis=1), off.study.revenue()[:, -30:].mean(axis=1)
    assert np.all(final_off < final_on), (final_off, final_on)


def test_sustained_pressure_keeps_revenue_lower_a_year_on():
    """The article: activity returns once pressure eases; raids held for a year keep revenue lower one year after the start."""
    wave, held = run("scenario=crackdown_2025"), run("scenario=sustained_pressure")
    window = slice(T0 + 365 - 15, T0 + 365 + 15)
    a, b = wave.study.revenue()[:, window].mean(axis=1), held.study.revenue()[:, window].mean(axis=1)
    mean, lo, hi = paired_ci(a, b)
    assert hi < 0, f"revenue a year on, sustained - wave: {mean:.0f} [{lo:.0f}, {hi:.0f}] USD/day"
    assert np.all(b < a), b / a


# ----------------------------------------------------------------------------- infrastructure


def test_infrastructure_cut_and_substitutes():
    """Cutting Poipet's Thai grid and Internet slashes its revenue; generators and satellite links restore it, without them the loss lasts.

    Poipet revenue is compared with the baseline at the same seed: in the first
    20 days of the cut, from day 60 of the cut on, and as total revenue lost.
    """
    n = 6
    base = site_series(run("scenario=baseline", n=n), "revenue_usd", "poipet")
    subs = site_series(run("scenario=infrastructure_cut", n=n), "revenue_usd", "poipet")
    none = site_series(run("scenario=infrastructure_cut", "infrastructure.substitutes=false", n=n), "revenue_usd", "poipet")
    assert np.array_equal(base[:, :T0], subs[:, :T0])
    first, later = slice(T0, T0 + 20), slice(T0 + 60, None)

    def ratio(x: np.ndarray, window: slice) -> np.ndarray:
        return x[:, window].mean(axis=1) / base[:, window].mean(axis=1)

    assert np.all(ratio(subs, first) < 0.5), ratio(subs, first)
    # substitutes restore Poipet's revenue in most replications; in some its compounds move away before they arrive
    assert np.median(ratio(subs, later)) > 0.9 and ratio(subs, later).mean() > 0.75, ratio(subs, later)
    assert np.all(ratio(none, first) <= ratio(subs, first))
    assert np.all(ratio(none, later) < 0.5), ratio(none, later)
    lost_subs = np.maximum(base - subs, 0)[:, T0:].sum(axis=1)
    lost_none = np.maximum(base - none, 0)[:, T0:].sum(axis=1)
    assert np.all(lost_none > 2 * lost_subs), (lost_none, lost_subs)


def test_border_closure_blocks_overland_recruits(small):
    """While the Thai-Cambodian border is closed, no new recruit whose route enters via Thailand reaches a Cambodian compound.

    Recruits arriving by air or via other borders keep coming; with
    ``border.enabled=false`` the same recruits are not blocked.  Only fresh
    recruits are checked (see the report on re-recruited workers).
    """
    cfg = small("scenario=crackdown_2025")
    (closure,) = cfg.scenario.border_closures
    assert sorted(closure.countries) == ["Cambodia", "Thailand"]
    start, end = T0 + closure.day, T0 + closure.end_day

    def fresh_recruits(config, k: int) -> tuple[list[str], np.ndarray]:
        """Per day: fresh recruits into Cambodian compounds by entry route."""
        model = Model(config, k)
        world, pool = model.world, model.world.workers
        routes = [*sorted({e for e in world.nationality_entry if e}), ""]
        counts = np.zeros((config.horizon_days, len(routes)), np.int64)
        create = pool.create

        def spy(compound, nationality, trafficked, day, due, status=IN_TRANSIT, reason="recruited"):
            if reason == "recruited":
                cambodian = np.array([world.sites[s].country == "Cambodia" for s in world.compounds.site[compound]], bool)
                for nat in np.asarray(nationality)[cambodian]:
                    counts[day, routes.index(world.nationality_entry[nat])] += 1
            return create(compound, nationality, trafficked, day, due, status, reason)

        pool.create = spy
        model.run()
        return routes, counts

    for k in range(3):
        routes, counts = fresh_recruits(cfg, k)
        thai, air = counts[:, routes.index("Thailand")], counts[:, routes.index("")]
        assert thai[start:end].sum() == 0
        assert thai[start - 60 : start].sum() > 0 and thai[end : end + 60].sum() > 0
        assert air[start:end].sum() > 0 and counts[start:end, routes.index("Vietnam")].sum() > 0
    routes, counts = fresh_recruits(small("scenario=crackdown_2025", "border.enabled=false"), 0)
    assert counts[start:end, routes.index("Thailand")].sum() > 0


def test_border_closure_also_blocks_re_trafficked_recruits(small):
    """Re-trafficked workers sent back to compounds obey the closure too: none crosses via Thailand."""
    cfg = small("scenario=crackdown_2025")
    (closure,) = cfg.scenario.border_closures
    start, end = T0 + closure.day, T0 + closure.end_day
    crossed, elsewhere = 0, 0
    for k in range(3):
        model = Model(cfg, k)
        world, pool = model.world, model.world.workers
        move = pool.move

        def spy(idx, new_status, day, reason, compound=None, due=None, source=None, world=world, move=move):
            nonlocal crossed, elsewhere
            if reason == "re_recruited" and start <= day < end:
                dest = np.broadcast_to(compound, np.shape(idx))
                for i, c in zip(np.asarray(idx), dest, strict=True):
                    to_cambodia = world.sites[world.compounds.site[c]].country == "Cambodia"
                    via_thailand = world.nationality_entry[world.workers.nationality[i]] == "Thailand"
                    crossed += int(to_cambodia and via_thailand)
                    elsewhere += int(not via_thailand)
            return move(idx, new_status, day, reason, compound, due, source)

        pool.move = spy
        model.run()
    assert crossed == 0
    assert elsewhere > 0  # re-trafficking itself goes on during the closure


# ----------------------------------------------------------------------------- protection and bosses


@pytest.mark.parametrize("replacement", [True, False])
def test_protection_targeting_removes_protectors(replacement):
    """Removing the Poipet senator and the national patron strips Poipet of protection; successors take the seats only with replacement."""
    r = run("scenario=protection_targeting", f"protection.replacement={str(replacement).lower()}", n=3)
    cfg = r.study.config
    removed = [
        (T0 + rem.day, site) for rem in cfg.scenario.protector_removals for site in cfg.world.protectors[rem.protector].sites
    ]
    ev = r.study.events
    prot = site_series(r, "protection", "poipet")
    for k in range(3):
        mine = ev[ev["replication"] == k]
        gone = mine[mine["event"] == "protector_removed"]
        assert sorted(zip(gone["day"].tolist(), gone["site"].tolist(), strict=True)) == sorted(removed)
        successors = mine[mine["event"] == "protector_successor"]
        day = min(d for d, _s in removed)
        assert prot[k, day - 1] > 0, "Poipet bosses should be protected before the removal"
        if replacement:
            assert sorted(successors["site"].tolist()) == sorted(s for _d, s in removed)
            assert np.all(successors["day"] >= day)
            back = successors["day"][successors["site"] == "poipet"].min()
            assert np.all(prot[k, day:back] == 0)
            standing = site_series(r, "compounds_active", "poipet")[k, back:]
            assert prot[k, back:].max() > 0 or standing.max() == 0, "bosses at Poipet should buy in with the successors"
        else:
            assert successors.size == 0
            assert np.all(prot[k, day:] == 0)


def test_boss_targeting_indicts_and_bosses_flee_or_are_arrested():
    """Indictments hit the named bosses on their days; each ends in at most one of flight abroad or arrest, most in one of them.

    With warnings off an indictment cannot leak, so no boss flees abroad.
    """
    r = run("scenario=boss_targeting")
    cfg = r.study.config
    indicted = sorted((T0 + a.day, a.boss) for a in cfg.scenario.boss_actions if a.action == "indict")
    ev = r.study.events
    outcomes = Counter()
    for k in range(N):
        mine = ev[ev["replication"] == k]
        hits = mine[mine["event"] == "boss_indicted"]
        assert sorted(zip(hits["day"].tolist(), hits["boss"].tolist(), strict=True)) == indicted
        for day, boss in indicted:
            same = mine[(mine["day"] == day) & (mine["boss"] == boss)]
            result = [e for e in same["event"].tolist() if e in ("arrest_boss", "boss_fled_abroad")]
            assert len(result) <= 1, (k, boss, result)
            outcomes[result[0] if result else "neither"] += 1
    assert outcomes["arrest_boss"] > 0 and outcomes["boss_fled_abroad"] > 0, outcomes
    assert outcomes["neither"] < outcomes.total() / 2, outcomes
    quiet = run("scenario=boss_targeting", "raids.warnings=false", n=4)
    events = quiet.study.events["event"]
    assert not (events == "boss_fled_abroad").any()
    assert (events == "arrest_boss").any()


# ----------------------------------------------------------------------------- repatriation


@pytest.mark.parametrize("capacity", [0, 5])
def test_repatriation_capacity(capacity):
    """Repatriation from detention is limited per day; with no capacity only workers who went home on their own are repatriated.

    ``repatriated`` (column 5) only ever grows, in the daily step, so its daily
    change must equal that day's ledger inflow exactly.
    """
    r = run("scenario=crackdown_2025", f"repatriation.daily_capacity={capacity}", n=3)
    free = run("scenario=crackdown_2025")
    for rep, ref in zip(r.study.replications, free.study.replications, strict=False):
        days = rep.status_counts.shape[0]
        inflow = {reason: np.zeros(days, np.int64) for reason in ("repatriated", "fled_went_home")}
        for day, src, dst, n, reason in rep.ledger:
            if dst == REPATRIATED:
                assert src != CREATED
                inflow[reason][day] += n
        np.testing.assert_array_equal(
            np.diff(rep.status_counts[:, REPATRIATED]), (inflow["repatriated"] + inflow["fled_went_home"])[1:]
        )
        assert inflow["repatriated"].max() == capacity, "the cap should bind on some day"
        assert rep.status_counts[:, DETAINED].max() > ref.status_counts[:, DETAINED].max(), "the detention queue should build up"
    if capacity == 0:
        assert not (r.study.events["event"] == "repatriated").any()


def test_the_detention_queue_is_the_detained_longest_waiting_first(small):
    """Repatriation keeps its own queue: it must hold exactly the detained, ordered by (day detained, row)."""
    from sim.core.workers import DETAINED

    model = Model(small("scenario=crackdown_2025", "repatriation.daily_capacity=1"), 0)
    model.start()
    pool = model.world.workers
    for day in (230, 260, 300):
        model.ctx.env.run(until=day)
        detained = pool.where(DETAINED)
        assert detained.size > 5
        expected = detained[np.lexsort((detained, pool.since[detained]))]
        assert np.array_equal(model.repatriation.queue, expected)
