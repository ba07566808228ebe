"""Checks of the network's config and of the interventions added with it (issue 11).

Kept beside :mod:`sim.config.checks`, which calls :func:`check_network`
and :func:`check_interventions`: patrons that exist, outrank their clients
and form no cycle; syndicate members that are bosses of the world and
belong to one syndicate each; grid alternates the world knows; snapshot
days inside the run; closure orders, handovers and targeting that name
sites, syndicates and strategies that exist.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.config.errors import ConfigError
from sim.config.schema import ScamsimConfig

RANKS = ("local", "provincial", "national")  # a protector's rank, lowest first
RANK_ORDER = {rank: i for i, rank in enumerate(RANKS)}
STRATEGIES = ("none", "random", "degree", "betweenness", "money", "rank")
TARGET_NODES = ("any", "bosses", "protectors")

DayCheck = Callable[[ScamsimConfig, str, int, bool], None]


def check_network(config: ScamsimConfig, bosses: list[str], check_day: DayCheck) -> None:
    world = config.world
    known_countries = {s.country for s in world.sites.values()} | {s.grid_supplier for s in world.sites.values()}
    known_countries -= {""}
    for name, site in world.sites.items():
        for country in site.grid_alternates:
            if country not in known_countries:
                raise ConfigError(
                    f"world.sites.{name}.grid_alternates",
                    country,
                    f"a country the world knows: {', '.join(sorted(known_countries))}",
                )
    for name, prot in world.protectors.items():
        if not prot.patron:
            continue
        key = f"world.protectors.{name}.patron"
        if prot.patron not in world.protectors:
            raise ConfigError(key, prot.patron, f"unknown protector; known: {', '.join(world.protectors)}")
        patron = world.protectors[prot.patron]
        if RANK_ORDER.get(patron.rank, 0) <= RANK_ORDER.get(prot.rank, 0):
            raise ConfigError(key, prot.patron, f"a patron must outrank his client ({patron.rank} is not above {prot.rank})")
    known = set(bosses)
    seen: dict[str, str] = {}
    for name, syn in world.syndicates.items():
        key = f"world.syndicates.{name}"
        if not syn.members:
            raise ConfigError(f"{key}.members", [], "a syndicate needs at least one member")
        for member in syn.members:
            if member not in known:
                raise ConfigError(
                    f"{key}.members",
                    member,
                    "unknown boss; bosses are named <site>-boss-<k>, e.g. " + ", ".join(sorted(known)[:3]),
                )
            if member in seen:
                raise ConfigError(f"{key}.members", member, f"already a member of syndicate {seen[member]}")
            seen[member] = name
        if syn.chairman and syn.chairman not in syn.members:
            raise ConfigError(f"{key}.chairman", syn.chairman, f"one of the members: {', '.join(syn.members)}")
    for i, day in enumerate(config.network.snapshot_days):  # days past the horizon are not taken (a shorter run)
        if day < -config.intervention_day:
            raise ConfigError(
                f"network.snapshot_days.{i}",
                day,
                f"days are counted from intervention_day={config.intervention_day}; allowed >= {-config.intervention_day}",
            )


def check_interventions(config: ScamsimConfig, known_site: Callable[[str, str, dict], None], check_day: DayCheck) -> None:
    scen, world = config.scenario, config.world
    countries = {s.country for s in world.sites.values()}
    for i, act in enumerate(scen.boss_actions):
        key = f"scenario.boss_actions.{i}"
        if bool(act.boss) == bool(act.syndicate):
            raise ConfigError(f"{key}.boss", act.boss, "name exactly one of boss and syndicate")
        if act.syndicate and act.syndicate not in world.syndicates:
            known = ", ".join(world.syndicates) or "none in this world"
            raise ConfigError(f"{key}.syndicate", act.syndicate, f"unknown syndicate; known: {known}")
    for name, order in scen.closure_orders.items():
        key = f"scenario.closure_orders.{name}"
        check_day(config, f"{key}.day", order.day, False)
        check_day(config, f"{key}.deadline_day", order.deadline_day, False)
        if order.deadline_day < order.day:
            raise ConfigError(f"{key}.deadline_day", order.deadline_day, f"must be >= day ({order.day})")
        if not order.sites and order.country not in countries:
            raise ConfigError(
                f"{key}.country", order.country, f"name sites, or one of the world's countries: {', '.join(sorted(countries))}"
            )
        for site in order.sites:
            known_site(f"{key}.sites", site, world.sites)
    for name, ho in scen.handovers.items():
        key = f"scenario.handovers.{name}"
        check_day(config, f"{key}.day", ho.day, False)
        if not ho.sites:
            raise ConfigError(f"{key}.sites", [], "a handover needs at least one site name")
        for site in ho.sites:
            known_site(f"{key}.sites", site, world.sites)
        if ho.end_day is not None:
            check_day(config, f"{key}.end_day", ho.end_day, True)
            if ho.end_day <= ho.day:
                raise ConfigError(f"{key}.end_day", ho.end_day, f"must be after day={ho.day}")
    tg = scen.targeting
    if tg.strategy not in STRATEGIES:
        raise ConfigError("scenario.targeting.strategy", tg.strategy, f"one of {', '.join(STRATEGIES)}")
    if tg.nodes not in TARGET_NODES:
        raise ConfigError("scenario.targeting.nodes", tg.nodes, f"one of {', '.join(TARGET_NODES)}")
    if tg.country and tg.country not in countries:
        raise ConfigError(
            "scenario.targeting.country", tg.country, f"one of the world's countries: {', '.join(sorted(countries))}"
        )
    if tg.strategy != "none":
        check_day(config, "scenario.targeting.day", tg.day, False)
