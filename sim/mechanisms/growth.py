"""Growth (config section ``growth``): bosses found new compounds when calm, rich and there is room."""

from __future__ import annotations

import numpy as np

from sim.core.compounds import OPERATING
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss
from sim.mechanisms.border import Border
from sim.mechanisms.decisions import Decisions

CALM_PRESSURE = 0.2  # a site under more pressure than this is not considered for a new compound
HOME_BIAS = 0.05  # score handicap of sites away from the boss's home site


class Growth:
    def __init__(self, ctx: Context, decisions: Decisions, border: Border) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.growth
        self.decisions = decisions
        self.border = border

    def expand(self, boss: Boss) -> None:
        """Found a new compound when calm, rich and there is room."""
        cfg, ctx = self.cfg, self.ctx
        if not cfg.enabled or boss.status != "active":
            return
        if ctx.day - boss.last_raid_day < cfg.calm_days:
            return
        rng = ctx.streams["growth"]
        kit = cfg.new_compound_workers * ctx.config.decisions.equipment_usd_per_worker
        if boss.capital < cfg.expand_cost_usd + kit or rng.random() >= cfg.expand_prob:
            return
        world = ctx.world
        c = world.compounds
        home = boss.home_site
        options = [s for s in world.sites if c.count_at(s.index) < s.room and self.border.reachable(home, s.index)]
        options = [s for s in options if s.pressure < CALM_PRESSURE]
        if not options:
            return
        scores = [
            self.decisions.site_score(boss, s.index, s.index, -1) - (0.0 if s.index == home else HOME_BIAS) for s in options
        ]
        site = options[int(np.argmax(scores))].index
        boss.capital -= cfg.expand_cost_usd + kit
        comp = c.add(
            site,
            boss.index,
            capacity=cfg.new_compound_workers,
            equipment=cfg.new_compound_workers,
            managers=int(np.ceil(cfg.new_compound_workers / ctx.config.world.workers_per_manager)),
            day=ctx.day,
            status=OPERATING,
        )
        boss.compounds.add(comp)
        ctx.recorder.event(ctx.day, EventKind.COMPOUND_FOUNDED, site, comp, boss.index)
