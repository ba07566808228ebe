"""Schedule a scenario's interventions as SimPy processes.

Scenario days are offsets from ``intervention_day`` (day 0 is the directive
of 16 July 2025 in ``crackdown_2025``), so the warm-up can change without
editing scenario files.  Each intervention starts at its absolute day.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

from sim.enforcement import campaign_process, campaign_sites
from sim.infrastructure import border_process, cut_process
from sim.protection import protection_of, remove_protector

if TYPE_CHECKING:
    from sim.model import Model
    from sim.world import Boss


def schedule(model: Model) -> None:
    cfg = model.config
    scen = cfg.scenario
    t0 = cfg.intervention_day
    world = model.world
    for camp in scen.campaigns.values():
        start = float(t0 + camp.day)
        model.campaigns.append((camp, start, campaign_sites(model, camp)))
        model.env.process(campaign_process(model, camp, start))
    for cut in scen.cuts.values():
        sites = [world.site_index[s] for s in cut.sites]
        end = None if cut.end_day is None else float(t0 + cut.end_day)
        _at(model, t0 + cut.day, lambda s=sites, c=cut, e=end: cut_process(model, s, c.power, c.internet, c.substitutes, e))
    names = {p.name: p for p in world.protectors}
    for rem in scen.protector_removals:
        _at(model, t0 + rem.day, lambda p=names[rem.protector]: remove_protector(model, p))
    for act in scen.boss_actions:
        boss = world.boss_by_name(act.boss)
        _at(model, t0 + act.day, lambda b=boss, a=act.action: boss_action(model, b, a))
    if cfg.border.enabled:
        for closure in scen.border_closures:
            end = None if closure.end_day is None else float(t0 + closure.end_day)
            a, b = closure.countries
            _at(model, t0 + closure.day, lambda a=a, b=b, e=end: border_process(model, a, b, e))


def _at(model: Model, day: float, start: Callable[[], Generator | None]):
    def waiter():
        yield model.env.timeout(day - model.env.now)
        proc = start()  # a generator becomes a process; a plain call has already acted
        if inspect.isgenerator(proc):
            yield model.env.process(proc)

    model.env.process(waiter())


def boss_action(model: Model, boss: Boss, action: str):
    """Indictment (may leak: the boss flees), sanctions (capital frozen), or arrest."""
    rng = model.streams["bosses"]
    rec = model.recorder
    if action == "sanction":
        boss.capital *= 1.0 - model.config.bosses.sanction_freeze_share
        rec.event(model.day, "boss_sanctioned", site=boss.home_site, boss=boss.index)
        return
    if boss.status != "active":  # abroad, arrested or gone: the order finds nobody
        return
    if action == "arrest":
        model.arrest_boss(boss)
        return
    rec.event(model.day, "boss_indicted", site=boss.home_site, boss=boss.index)
    raids, prot_cfg = model.config.raids, model.config.protection
    prot = protection_of(model, boss, boss.home_site)
    warned = raids.warnings and rng.random() < raids.warning_base + (raids.warning_max - raids.warning_base) * prot
    if warned and rng.random() < model.config.bosses.flee_prob_warned:
        boss.status = "abroad"
        rec.event(model.day, "boss_fled_abroad", site=boss.home_site, boss=boss.index)
    elif rng.random() < 1.0 - prot_cfg.shield_max * prot:
        model.arrest_boss(boss)
