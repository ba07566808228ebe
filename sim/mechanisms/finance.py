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

from sim.core import kernels
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
        self._keep = np.zeros(0)  # per boss: the share of profit left after laundering
        self._any_losing = False  # whether any loss count is past the tolerance (counts change only in settle)
        self._losing: set[int] | None = None  # which ones: listed at the first ask after a settlement

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
        world = self.ctx.world
        n_bosses = len(world.bosses)
        if self._keep.size < n_bosses:
            self._keep = np.concatenate([self._keep, np.full(n_bosses - self._keep.size, 1.0 - self.cfg.laundering_loss)])
        capital = world.accounts.of(n_bosses)
        self._any_losing, in_debt = kernels.settle(
            compound_profit,
            owner,
            status,
            IS_TRYING,
            self.loss_days,
            self.cfg.loss_tolerance_days,
            capital,
            self.ctx.config.operations.profit_retained,
            self._keep[:n_bosses],
        )  # profit is laundered (a share kept), a loss is whole
        self._losing = None
        if in_debt or self.debt_days:  # most days nobody is in debt, or was
            self._count_debt_days(capital)

    def _count_debt_days(self, capital: np.ndarray) -> None:
        """Days in a row each boss's capital has been negative (kept only for bosses free to pay)."""
        bosses = self.ctx.world.bosses
        for b in sorted(set(np.flatnonzero(capital < 0).tolist()) | self.debt_days.keys()):
            if capital[b] < 0 and bosses[b].free:
                self.debt_days[b] = self.debt_days.get(b, 0) + 1
            elif b in self.debt_days:
                del self.debt_days[b]

    def losing(self, compound: int) -> bool:
        """Whether a compound has lost money for longer than the boss tolerates."""
        return compound < self.loss_days.size and self.loss_days[compound] > self.cfg.loss_tolerance_days

    def losing_compounds(self) -> set[int]:
        """Every compound that has lost money for longer than the boss tolerates (read-only; see :meth:`losing`).

        Listed once per settlement, at the first ask: a day has one
        settlement and several boss reviews, and a review asking
        :meth:`losing` of each of the boss's compounds cost more than the list.
        """
        if self._losing is None:
            past = self.loss_days > self.cfg.loss_tolerance_days
            self._losing = set(np.flatnonzero(past).tolist()) if self._any_losing else set()
        return self._losing

    def any_losing(self) -> bool:
        """Whether any compound has lost money for longer than bosses tolerate (reviews skip the check otherwise).

        Kept by :meth:`settle`, the only writer of the loss counts: a day has
        one settlement and several boss reviews.
        """
        return self._any_losing

    def bankrupt(self, boss: Boss) -> bool:
        """In debt for longer than a compound may lose money: nobody lends him more."""
        return self.debt_days.get(boss.index, 0) > self.cfg.loss_tolerance_days

    def sanction(self, boss: Boss) -> None:
        """Sanctions: laundering gets expensive from now on (the capital freeze is the boss action's)."""
        self.sanctioned.add(boss.index)
        if self._keep.size <= boss.index:
            self._keep = np.concatenate([self._keep, np.full(boss.index + 1 - self._keep.size, 1.0 - self.cfg.laundering_loss)])
        self._keep[boss.index] = 1.0 - self.cfg.sanctioned_laundering_loss
