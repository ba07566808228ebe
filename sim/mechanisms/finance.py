"""Money (config section ``finance``): capital accounts that bind.

Revenue less bribes, wages and upkeep is settled into each boss's capital
every day: a retained share of profit, less what laundering loses (more for
sanctioned bosses, whose banks are closed), or the full loss.  Recruitment,
equipment, construction, moves and protection are paid from the same
capital by the mechanisms that buy them.  This module also keeps, for every
compound, how many days in a row it has lost money, and for every boss how
many days in a row his capital has been negative (he cannot recruit, re-equip
or move meanwhile): a compound whose income does not cover its costs for
``loss_tolerance_days`` winds down, and a boss in debt for as long cannot
pay and exits (decided in :mod:`sim.mechanisms.bosses`).
"""

from __future__ import annotations

import numpy as np

from sim.core.compounds import COMPOUND_STATUS, LAYING_LOW, OPERATING, REBUILDING
from sim.core.context import Context
from sim.core.world import Boss

IS_TRYING = np.isin(np.arange(len(COMPOUND_STATUS)), (OPERATING, LAYING_LOW, REBUILDING))  # status -> counts losses


class Finance:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.finance
        self.loss_days = np.zeros(ctx.world.compounds.size, np.int32)
        self.sanctioned: set[int] = set()
        self.debt_days: dict[int, int] = {}  # boss -> consecutive days with negative capital

    def settle(self, compound_profit: np.ndarray, owner: np.ndarray, status: np.ndarray) -> None:
        """Book one day's profit per compound into its owner's capital and count losing days.

        Days sealed or on the move neither count nor reset the count: the
        boss has already decided to come back; what winds a compound down is
        losing money while it stands and could work (operating, laying low,
        rebuilding).
        """
        n = compound_profit.size
        if self.loss_days.size < n:
            self.loss_days = np.concatenate([self.loss_days, np.zeros(n - self.loss_days.size, np.int32)])
        working = IS_TRYING[status]
        losing = compound_profit < 0
        days = self.loss_days[:n]
        self.loss_days[:n] = np.where(working, np.where(losing, days + 1, 0), days)
        world = self.ctx.world
        retained = self.ctx.config.operations.profit_retained
        boss_profit = np.bincount(owner, compound_profit, minlength=len(world.bosses))
        for b in np.flatnonzero(boss_profit):
            gain = float(boss_profit[b])
            if gain > 0:
                loss = self.cfg.sanctioned_laundering_loss if b in self.sanctioned else self.cfg.laundering_loss
                world.bosses[b].capital += retained * gain * (1.0 - loss)
            else:
                world.bosses[b].capital += gain
        for boss in world.bosses:
            if boss.capital < 0 and boss.free:
                self.debt_days[boss.index] = self.debt_days.get(boss.index, 0) + 1
            elif boss.index in self.debt_days:
                del self.debt_days[boss.index]

    def losing(self, compound: int) -> bool:
        """Whether a compound has lost money for longer than the boss tolerates."""
        return compound < self.loss_days.size and self.loss_days[compound] > self.cfg.loss_tolerance_days

    def bankrupt(self, boss: Boss) -> bool:
        """In debt for longer than a compound may lose money: nobody lends him more."""
        return self.debt_days.get(boss.index, 0) > self.cfg.loss_tolerance_days

    def sanction(self, boss: Boss) -> None:
        """Sanctions: laundering gets expensive from now on (the capital freeze is the boss action's)."""
        self.sanctioned.add(boss.index)
