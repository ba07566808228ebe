"""The protection network (issue 11): rank, ties, adaptation, enforcement anywhere, the graph files.

Most tests step one replication of the small world by hand
(:meth:`sim.model.Model.start`, then ``env.run(until=...)``) and look at the
actors' state; the direction tests compare paired runs.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis.counterfactual import intervention_start
from sim.config.checks import validate
from sim.config.schema import BossActionConf, ClosureOrderConf, CutConf, HandoverConf, ScamsimConfig, SyndicateConf
from sim.core.events import EventKind
from sim.core.world import Boss, Protector
from sim.mechanisms.raids import Raids
from sim.model import Model

T0 = 180  # the default intervention_day


def model(small, *overrides: str, edit: Callable[[ScamsimConfig], None] | None = None) -> Model:
    """A started replication of the small world; ``edit`` changes the typed config first (new dict entries,
    which Hydra overrides cannot add to a dict of dataclasses), and the config is validated again."""
    cfg = small(*overrides)
    if edit is not None:
        edit(cfg)
        validate(cfg)
    m = Model(cfg, 0)
    m.start()
    return m


def pair(chairman: str = "") -> Callable[[ScamsimConfig], None]:
    def edit(cfg: ScamsimConfig) -> None:
        cfg.world.syndicates["pair"] = SyndicateConf(["sihanoukville-boss-1", "sihanoukville-boss-2"], chairman)

    return edit


def add(section: str, name: str, value: object) -> Callable[[ScamsimConfig], None]:
    def edit(cfg: ScamsimConfig) -> None:
        getattr(cfg.scenario, section)[name] = value

    return edit


def protector(m: Model, name: str) -> Protector:
    return next(p for p in m.world.protectors if p.name == name)


def client_of(m: Model, prot: Protector) -> Boss:
    return m.world.bosses[min(prot.clients)]


# --------------------------------------------------------------------------- rank and patronage


def test_removing_a_patron_weakens_his_clients_protection_until_they_rewire(small):
    """Police under the national patron give half their strength (patron_dependence 0.5) once he is gone."""
    over = ("scenario=baseline", "+scenario.protector_removals=[{protector: national_elite, day: 0}]")
    m = model(small, *over, "network.rewire_days_mean=30", "protection.replacement_days_mean=10000")
    police = protector(m, "sihanoukville_police")
    site = m.world.site_index["sihanoukville"]
    m.ctx.env.run(until=T0 - 1)
    boss = next(b for b in m.world.bosses if police.index in b.protectors and b.free)
    assert police.support == 1.0 and police.effective == pytest.approx(0.4)
    before = m.protection.of(boss, site)
    m.ctx.env.run(until=T0 + 1)
    assert police.orphaned and police.support == pytest.approx(0.5)
    assert police.effective == pytest.approx(0.2)
    # his client lost the national elite's own cover and half of the police's
    after = m.protection.of(boss, site)
    assert after == pytest.approx(0.2) and after < before
    m.ctx.env.run(until=T0 + 400)  # rewired to the other national protector of Cambodia (the Poipet senator)
    assert not police.orphaned and protector(m, "poipet_senator").index == police.patron
    assert police.support == pytest.approx(1.0)
    assert any(e.kind is EventKind.PROTECTOR_REWIRED for e in m.ctx.recorder.events)


def test_without_adaptation_an_orphan_never_rewires_and_no_successor_takes_the_seat(small):
    over = ("scenario=baseline", "+scenario.protector_removals=[{protector: national_elite, day: 0}]")
    m = model(small, *over, "network.adaptation=false", "network.rewire_days_mean=1", "protection.replacement_days_mean=1")
    police = protector(m, "sihanoukville_police")
    m.ctx.env.run(until=T0 + 400)
    assert police.orphaned and police.support == pytest.approx(0.5)
    assert not any(p.name.endswith("-successor") for p in m.world.protectors)


def test_a_removed_patrons_successor_inherits_the_patronage_above_his_seat(small):
    """The Poipet senator has no patron; a provincial official's successor keeps the patron of his seat."""
    over = ("scenario=baseline", "+scenario.protector_removals=[{protector: sihanoukville_police, day: 0}]")
    m = model(small, *over, "protection.replacement_days_mean=5")
    m.ctx.env.run(until=T0 + 200)
    heir = next(p for p in m.world.protectors if p.name == "sihanoukville_police-successor")
    assert heir.patron == protector(m, "national_elite").index and heir.support == 1.0


def test_a_national_patron_slows_a_campaign_in_his_country(small, monkeypatch):
    """With Cambodia's national patrons removed before the wave, more raids are attempted and pressure is higher.

    Attempts are the thinned Poisson points of the campaign's own stream, the
    same draws in both runs: a higher acceptance chance accepts a superset.
    """
    attempts: list[int] = []
    real = Raids.choose_target

    def counting(self, camp, sites):  # one call per accepted raid attempt
        attempts[-1] += 1
        return real(self, camp, sites)

    monkeypatch.setattr(Raids, "choose_target", counting)
    base = ["scenario=crackdown_2025", "counterfactual=false", "protection.replacement=false"]
    removed = [*base, "+scenario.protector_removals=[{protector: national_elite, day: -5}, {protector: poipet_senator, day: -5}]"]
    for k in range(4):
        counts, pressure = [], []
        for over in (base, removed):
            attempts.append(0)
            result = sim.run(small(*over), replications=1, first_replication=k)
            counts.append(attempts[-1])
            pressure.append(result.replications[0].series["pressure"][T0 : T0 + 60].sum())
        assert counts[1] >= counts[0] and pressure[1] > pressure[0]
    assert sum(attempts[1::2]) > sum(attempts[0::2])


def test_campaign_factor_is_one_in_the_world_as_configured(small):
    m = model(small, "scenario=crackdown_2025")
    sites = np.array([m.world.site_index[s] for s in ("sihanoukville", "poipet", "bavet")])
    assert m.network.relative_campaign_factor(sites) == pytest.approx(1.0)
    assert m.network.campaign_factor(sites) == pytest.approx(1.0 - 0.5 * 0.6)  # the Poipet senator, 0.6
    protector(m, "poipet_senator").active = False
    m.network.update_support()
    assert m.network.relative_campaign_factor(sites) == pytest.approx((1 - 0.5 * 0.3) / (1 - 0.5 * 0.6))


# --------------------------------------------------------------------------- syndicate ties


def _tied(small, *extra: str) -> Model:
    """Two Sihanoukville bosses in one syndicate; leaks only through ties (no base warnings, no protection)."""
    return model(
        small,
        "scenario=baseline",
        "raids.warning_base=0",
        "raids.warning_max=0",
        "raids.deflect_max=0",
        "protection.enabled=false",
        "network.tie_warning_prob=1",
        "network.tie_warning_level=1",
        *extra,
        edit=pair(),
    )


def _raid_first_compound(m: Model, boss: Boss) -> bool:
    """Raid one of the boss's compounds now; True if it was warned."""
    before = sum(e.kind is EventKind.WARNING for e in m.ctx.recorder.events)
    m.raids.raid(min(boss.compounds))
    return sum(e.kind is EventKind.WARNING for e in m.ctx.recorder.events) > before


def test_warnings_pass_along_syndicate_ties(small):
    m = _tied(small)
    m.ctx.env.run(until=T0)
    a, b = m.world.boss_by_name("sihanoukville-boss-1"), m.world.boss_by_name("sihanoukville-boss-2")
    other = m.world.boss_by_name("poipet-boss-1")
    assert a.syndicate == b.syndicate >= 0 and other.syndicate != a.syndicate
    assert not _raid_first_compound(m, a)  # the first raid leaks to nobody: warnings are off
    assert b.tipped_until >= m.ctx.day and other.tipped_until < m.ctx.day
    assert _raid_first_compound(m, b)  # the partner was tipped off
    assert not _raid_first_compound(m, other)


def test_without_the_network_no_warning_passes(small):
    m = _tied(small, "network.enabled=false")
    m.ctx.env.run(until=T0)
    a, b = m.world.boss_by_name("sihanoukville-boss-1"), m.world.boss_by_name("sihanoukville-boss-2")
    _raid_first_compound(m, a)
    assert not _raid_first_compound(m, b)


def test_partners_lend_to_a_member_in_debt(small):
    m = _tied(small, "network.capital_share=0.5")
    a, b = m.world.boss_by_name("sihanoukville-boss-1"), m.world.boss_by_name("sihanoukville-boss-2")
    a.capital, b.capital = -1e6, 4e6
    m.network.bail_out(a)
    assert a.capital == pytest.approx(0.0) and b.capital == pytest.approx(3e6)


def test_an_arrested_boss_s_compounds_pass_to_a_syndicate_partner(small):
    m = _tied(small, "network.tie_successor_prob=1", "bosses.successor_prob=1", "bosses.successor_days_mean=1")
    m.ctx.env.run(until=T0)
    a, b = m.world.boss_by_name("sihanoukville-boss-1"), m.world.boss_by_name("sihanoukville-boss-2")
    taken = set(a.compounds)
    m.bosses.arrest(a)
    m.ctx.env.run(until=T0 + 60)
    assert taken <= b.compounds and not a.compounds
    assert not any(x.name.startswith("sihanoukville-boss-1-successor") for x in m.world.bosses)


def test_a_syndicate_action_hits_every_member_chairman_first(small):
    def edit(cfg: ScamsimConfig) -> None:
        pair("sihanoukville-boss-2")(cfg)
        cfg.scenario.boss_actions.append(BossActionConf(syndicate="pair", action="sanction", day=0))

    m = model(small, "scenario=baseline", edit=edit)
    m.ctx.env.run(until=T0 + 1)
    hit = [e.boss for e in m.ctx.recorder.events if e.kind is EventKind.BOSS_SANCTIONED]
    names = [m.world.bosses[b].name for b in hit]
    assert names == ["sihanoukville-boss-2", "sihanoukville-boss-1"]


# --------------------------------------------------------------------------- enforcement anywhere


def test_a_campaign_outside_cambodia_raids_there(small):
    over = (
        "scenario=crackdown_2025",
        "scenario.campaigns.june_2025.country=Myanmar",  # both campaigns of the wave
        "scenario.campaigns.july_2025.country=Myanmar",
        "scenario.campaigns.july_2025.peak_raid_rate=60",
    )
    result = sim.run(small(*over, "counterfactual=false"))
    raids = [e for e in result.events if e["event"] == "raid"]
    assert raids and {e["site"] for e in raids} == {"myawaddy"}


def test_a_cut_site_with_another_grid_supplier_keeps_power(small):
    cut = add("cuts", "thai", CutConf(by="Thailand", sites=["poipet", "myawaddy"], internet=False))
    m = model(small, "scenario=baseline", "world.sites.myawaddy.grid_alternates=[Myanmar]", edit=cut)
    m.ctx.env.run(until=T0 + 1)
    poipet, myawaddy = (m.world.sites[m.world.site_index[s]] for s in ("poipet", "myawaddy"))
    assert poipet.power_cut and not myawaddy.power_cut
    # Myanmar cutting its own site cuts it, whatever grid it draws on
    m.ctx.env.process(m.infrastructure.cut("Myanmar", [myawaddy.index], True, False, False, False, None))
    m.ctx.env.run(until=T0 + 2)
    assert myawaddy.power_cut


def test_a_site_cut_by_every_supplier_loses_power(small):
    def cuts(cfg: ScamsimConfig) -> None:
        cfg.scenario.cuts["thai"] = CutConf(by="Thailand", sites=["myawaddy"], internet=False)
        cfg.scenario.cuts["own"] = CutConf(day=5, end_day=10, by="Myanmar", sites=["myawaddy"], internet=False)

    m = model(small, "scenario=baseline", "world.sites.myawaddy.grid_alternates=[Cambodia]", edit=cuts)
    site = m.world.sites[m.world.site_index["myawaddy"]]
    m.ctx.env.run(until=T0 + 1)
    assert not site.power_cut  # it switched to the Cambodian grid
    m.ctx.env.run(until=T0 + 6)
    assert site.power_cut  # its own country cut it
    m.ctx.env.run(until=T0 + 11)
    assert not site.power_cut  # Myanmar restored; Thailand's cut alone leaves the alternate


def test_a_closure_order_closes_unprotected_compounds_at_its_deadline(small):
    order = add(
        "closure_orders", "ban", ClosureOrderConf(day=0, deadline_day=10, sites=["bavet"], detain_share=1.0, demolish=True)
    )
    m = model(small, "scenario=baseline", "protection.enabled=false", "decisions.relocation=false", edit=order)
    bavet = m.world.site_index["bavet"]
    c = m.world.compounds
    m.ctx.env.run(until=T0 + 5)
    assert m.world.sites[bavet].closing and c.count_at(bavet) > 0
    buildings = int(m.space.buildings[bavet])
    m.ctx.env.run(until=T0 + 11)
    assert c.count_at(bavet) == 0 and not m.world.sites[bavet].closing
    assert int(m.space.buildings[bavet]) < buildings
    closed = [e for e in m.ctx.recorder.events if e.kind is EventKind.ORDER_CLOSED]
    detained = [x for x in m.world.workers.ledger if x.reason == "closure_order"]
    assert closed and sum(x.workers for x in detained) == sum(e.amount for e in closed)


def test_handovers_take_at_most_per_day(small):
    ho = add("handovers", "h", HandoverConf(day=0, end_day=5, sites=["sihanoukville"], per_day=100))
    m = model(small, "scenario=baseline", edit=ho)
    m.ctx.env.run(until=T0 + 10)
    days = [e for e in m.ctx.recorder.events if e.kind is EventKind.HANDOVER]
    assert len(days) == 5 and all(e.amount == 100 for e in days)


# --------------------------------------------------------------------------- targeting


@pytest.mark.parametrize("strategy", ["random", "degree", "betweenness", "money", "rank"])
def test_each_strategy_removes_count_nodes(small, strategy):
    m = model(small, "scenario=network_targeting", f"scenario.targeting.strategy={strategy}", "scenario.targeting.count=3")
    m.ctx.env.run(until=T0 - 9)
    removed = [e for e in m.ctx.recorder.events if e.kind is EventKind.TARGET_REMOVED]
    assert len(removed) == 3


def test_strategies_pick_what_they_say(small):
    m = model(small, "scenario=baseline")
    m.ctx.env.run(until=T0)
    rng = np.random.default_rng(0)
    rank = m.graph.targets("rank", 2, "protectors", rng)
    assert [p.rank for p in rank] == ["national", "national"]
    richest = m.graph.targets("money", 1, "bosses", rng)[0]
    assert isinstance(richest, Boss) and richest.capital == max(b.capital for b in m.world.bosses if b.free and b.compounds)
    g = m.graph.graph()
    top = m.graph.targets("degree", 1, "any", rng)[0]
    name = f"boss:{top.name}" if isinstance(top, Boss) else f"protector:{top.name}"
    candidates = [n for n in g.nodes if not n.startswith("syndicate:")]
    assert g.degree(name) == max(g.degree(n) for n in candidates)


def test_targeting_shares_the_warm_up_with_the_wave_alone(small):
    """Common random numbers: up to the removal day the two scenarios are the same run."""
    a = sim.run(small("scenario=network_targeting", "counterfactual=false"))
    b = sim.run(small("scenario=crackdown_2025", "counterfactual=false"))
    day = intervention_start(a.config)  # the removal day, ten days before the wave's first campaign
    assert day == T0 + a.config.scenario.targeting.day < intervention_start(b.config)
    assert np.array_equal(a.replications[0].revenue[:day], b.replications[0].revenue[:day])
    assert not np.array_equal(a.replications[0].revenue, b.replications[0].revenue)


# --------------------------------------------------------------------------- outputs


def test_network_files_are_written_with_their_columns(tmp_path: Path):
    out = tmp_path / "run"
    cmd = ["world=small", "scenario=crackdown_2025", "replications=1", "figure=false", "progress=false", f"hydra.run.dir={out}"]
    subprocess.run([sys.executable, "-m", "sim", *cmd], check=True, capture_output=True)
    with open(out / "network_edges.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["replication", "arm", "day", "source", "target", "kind", "weight"]
    assert {r["kind"] for r in rows} >= {"protection", "patronage", "syndicate", "member"}
    with open(out / "network.csv") as f:
        measures = list(csv.DictReader(f))
    assert list(measures[0])[3:] == [
        "nodes",
        "edges",
        "components",
        "largest_component_share",
        "global_efficiency",
        "mean_protection",
    ]
    days = sorted({int(r["day"]) for r in measures})
    assert days == [T0 + d for d in (-1, 30, 180, 365, 729)]
    for r in measures:
        assert 0 <= float(r["largest_component_share"]) <= 1 and 0 <= float(r["global_efficiency"]) <= 1


def test_rank_goes_down_the_hierarchy_and_country_limits_the_pool(small):
    m = model(small, "scenario=baseline")
    m.ctx.env.run(until=T0)
    rng = np.random.default_rng(0)
    picked = m.graph.targets("rank", 6, "any", rng)
    ranks = [p.rank if isinstance(p, Protector) else "boss" for p in picked]
    assert ranks[:2] == ["national", "national"] and ranks[2] == "provincial"
    chair = picked[3]
    assert isinstance(chair, Boss) and chair.index in m.network.chairman
    cambodian = m.graph.targets("rank", 10, "protectors", rng, country="Cambodia")
    assert cambodian and all(p.name != "kayin_border_guard" for p in cambodian)


def test_money_ranks_protectors_by_income_per_year_in_office(small):
    m = model(small, "scenario=baseline")
    m.ctx.env.run(until=T0)
    old, new = protector(m, "bavet_police"), protector(m, "sihanoukville_police")
    new.seated_day, new.income_usd = T0 - 10, 1e9 / 36.5  # the same total income, earned in 10 days
    old.seated_day, old.income_usd = 0, 1e9 / 36.5
    top = m.graph.targets("money", 1, "protectors", np.random.default_rng(0))
    assert top == [new]


def test_a_boss_stops_paying_protectors_where_he_no_longer_operates(small):
    m = model(small, "scenario=baseline")
    m.ctx.env.run(until=T0)
    boss = next(b for b in m.world.bosses if b.compounds and b.protectors)
    far = m.world.site_index["myawaddy"]
    for comp in boss.compounds:
        m.world.compounds.move_site(comp, far)
    left = [p for p in boss.protectors if far not in m.world.protectors[p].sites]
    assert left
    m.protection.leave_elsewhere(boss)
    assert not set(left) & boss.protectors
    assert all(boss.index not in m.world.protectors[p].clients for p in left)


def test_global_efficiency_is_networkx_s():
    import networkx as nx

    from sim.mechanisms.graph import global_efficiency

    for seed in range(5):
        g = nx.gnp_random_graph(40, 0.06, seed=seed)  # several components
        g.add_nodes_from(["isolated"])
        assert global_efficiency(g) == pytest.approx(nx.global_efficiency(g))


EPISODES = ("kokang_2023", "gtsez_2024", "pogo_ban_2024", "myawaddy_2025", "kk_park_2025", "prince_group_2025")


@pytest.mark.parametrize("episode", EPISODES)
def test_each_episode_is_a_valid_scenario_of_the_regional_world(episode):
    """Every site, protector, boss and syndicate an episode names exists in the regional world (validated at compose)."""
    cfg = sim.compose(["world=regional", f"scenario={episode}"])
    assert cfg.scenario.name == episode
    assert sim.runs.study.runs_counterfactual(cfg)  # it intervenes, so it runs the paired arm


def test_the_end_of_one_cut_does_not_restore_what_another_still_cuts(small):
    def cuts(cfg: ScamsimConfig) -> None:
        cfg.scenario.cuts["short"] = CutConf(day=0, end_day=10, by="Thailand", sites=["poipet"], power=False, fuel=True)
        cfg.scenario.cuts["long"] = CutConf(day=0, by="Thailand", sites=["poipet"], power=False, fuel=True)

    m = model(small, "scenario=baseline", edit=cuts)
    site = m.world.sites[m.world.site_index["poipet"]]
    m.ctx.env.run(until=T0 + 5)
    assert site.internet_cut and site.fuel_blocked
    m.ctx.env.run(until=T0 + 20)
    assert site.internet_cut and site.fuel_blocked  # the long cut is still on


@pytest.mark.parametrize("scenario", ["crackdown_2025", "combined", "network_targeting"])
def test_cached_links_and_measures_equal_a_rebuild(small, scenario):
    """The link matrix kept by edits, and the measures taken on the adjacency matrix, are what a rebuild from
    the bosses' sets and a networkx graph give (removals and successors included), day after day."""
    import networkx as nx

    from sim.mechanisms.graph import global_efficiency

    m = model(small, f"scenario={scenario}")
    p = m.protection
    world = m.world
    for day in range(T0 - 20, small().horizon_days, 15):
        m.ctx.env.run(until=day + 0.9)
        links, effective = p._links()
        fresh = np.zeros((len(world.bosses), len(world.protectors)))
        for b in world.bosses:
            fresh[b.index, sorted(b.protectors)] = 1.0
        assert np.array_equal(links, fresh), day
        assert np.array_equal(effective, [q.effective if q.active else 0.0 for q in world.protectors])
        g = m.graph.graph()
        got = m.graph.measures()
        parts = list(nx.connected_components(g))
        assert got["nodes"] == g.number_of_nodes() and got["edges"] == g.number_of_edges()
        assert got["components"] == len(parts)
        assert got["largest_component_share"] == (max(map(len, parts)) / len(g) if len(g) else 0.0)
        assert got["global_efficiency"] == global_efficiency(g)
    changed = [e for e in m.ctx.recorder.events if e.kind in (EventKind.PROTECTION_BOUGHT, EventKind.PROTECTION_DROPPED)]
    assert changed  # links changed between checks: the edit path, not only rebuilds, was exercised
