"""The protection network (config section ``protection``): who shields which boss at which site.

Protection of a compound is ``1 - prod(1 - strength)`` over the active
protectors its owner pays who cover its site: two half-strength officials
give 0.75.  The strength is each protector's effective one, his own times
the backing of his patron (:mod:`sim.mechanisms.network`).  It raises the chance a raid leaks, lets raids be deflected or
softened, shields the boss from arrest and buys managers' release.
Protectors drop bosses who stop paying; removed protectors leave a seat that
a successor fills after a delay, and bosses buy in again over time.

This module owns the links between bosses and protectors: every change goes
through :meth:`Protection.link`, :meth:`Protection.unlink`,
:meth:`Protection.inherit` or :meth:`Protection.remove`, which keep the
cached protection matrix honest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import numpy as np
import simpy

from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss, Protector

REVIEW_DAYS = 30.0  # protectors review their clients monthly
NEVER_PAID = -(10**9)


class Protection:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.protection
        self.version = 0  # bumped whenever a protector or a boss's links change
        self.strengths = 0  # bumped whenever a protector's effective strength or activity changes (a subset of those)
        # what depends on the protectors alone (not on who pays whom), rebuilt when they change, not at every link:
        # their effective strengths (0 when inactive) and the (protectors, sites) log(1 - strength) where they cover
        self._strength_cache: tuple[tuple[int, int], np.ndarray, np.ndarray] | None = None
        self._cache: tuple[tuple[int, int, int], np.ndarray] | None = None
        self._payees: tuple[tuple[int, int, int], np.ndarray] | None = None
        self._link_cache: tuple[tuple[int, int, int], np.ndarray, np.ndarray] | None = None
        self._edits: list[tuple[int, int]] = []  # (boss, protector) links changed since the link matrix was built
        self._rebuild = True  # the link matrix must be built from the bosses' sets (a removal, or never built)
        self._site_cache: tuple[tuple[int, int, int, int], np.ndarray] | None = None  # by_site's answer and its key
        self._income = np.zeros(len(ctx.world.protectors))  # bribes received and not yet booked on the protectors
        self.boss_paid = np.full(len(ctx.world.bosses), NEVER_PAID, np.int64)  # the last day each boss paid bribes
        self.on_seated: Callable[[Protector, Protector], None] | None = None  # (successor, predecessor): the network rewires

    @property
    def adapts(self) -> bool:
        """Bought-back protection and successor officials happen only in a network that adapts."""
        return bool(self.ctx.config.network.adaptation)

    def touch(self) -> None:
        """Some protector's effective strength changed: the cached matrices are stale."""
        self.version += 1
        self.strengths += 1

    # ------------------------------------------------------------------ queries
    def of(self, boss: Boss, site: int) -> float:
        """Protection a boss enjoys at a site, in [0, 1]."""
        if not self.cfg.enabled:
            return 0.0
        unprotected = 1.0
        for p in boss.protectors:
            prot = self.ctx.world.protectors[p]
            if prot.active and site in prot.sites:
                unprotected *= 1.0 - prot.effective
        return 1.0 - unprotected

    def of_sites(self, boss: Boss, sites: list[int]) -> np.ndarray:
        """:meth:`of` at each of ``sites`` at once: the same products, taken in the same order, so the same doubles."""
        unprotected = np.ones(len(sites))
        if not self.cfg.enabled:
            return 1.0 - unprotected
        protectors = self.ctx.world.protectors
        for p in boss.protectors:
            prot = protectors[p]
            if prot.active:
                covered = [i for i, s in enumerate(sites) if s in prot.sites]
                unprotected[covered] *= 1.0 - prot.effective
        return 1.0 - unprotected

    def of_compound(self, compound: int) -> float:
        world = self.ctx.world
        c = world.compounds
        return self.of(world.bosses[c.owner[compound]], int(c.site[compound]))

    def _links(self) -> tuple[np.ndarray, np.ndarray]:
        """(links, effective): the (bosses, protectors) 0/1 link matrix and each protector's effective strength
        (0 when inactive), cached until a link or a strength changes.

        A link bought or dropped edits its one cell of the cached matrix
        instead of rebuilding it from every boss's set (bosses buy links on
        about a third of the days of a regional run); a removal, or a new
        boss or protector, rebuilds it.  Either way the matrix is the same
        0/1 array.
        """
        world = self.ctx.world
        key = (self.version, len(world.bosses), len(world.protectors))
        if self._link_cache is None or self._link_cache[0] != key:
            old = self._link_cache[1] if self._link_cache is not None else None
            if self._rebuild or old is None or old.shape != (len(world.bosses), len(world.protectors)):
                links = np.zeros((len(world.bosses), len(world.protectors)))
                pairs = [(b.index, p) for b in world.bosses for p in b.protectors]
                if pairs:
                    links[tuple(np.array(pairs).T)] = 1.0
            else:
                links = old.copy()  # the old one may still be held by a caller
                for b, p in self._edits:
                    links[b, p] = 1.0 if p in world.bosses[b].protectors else 0.0
            self._edits.clear()
            self._rebuild = False
            self._link_cache = (key, links, self._strengths()[0])
        return self._link_cache[1], self._link_cache[2]

    def _strengths(self) -> tuple[np.ndarray, np.ndarray]:
        """(effective, covers): each protector's effective strength (0 when inactive), and per (protector, site) the
        log of the share he leaves unprotected where he covers (0 elsewhere); cached until a protector changes.

        Bosses buy and drop links on about a third of the days of a regional
        run; the protectors themselves change far less often, so these are
        not rebuilt with every link.
        """
        world = self.ctx.world
        key = (self.strengths, len(world.protectors))
        if self._strength_cache is None or self._strength_cache[0] != key:
            effective = np.array([p.effective if p.active else 0.0 for p in world.protectors])
            covers = np.zeros((len(world.protectors), len(world.sites)))
            cells = [
                (p.index, s, math.log(max(1.0 - p.effective, 1e-300))) for p in world.protectors if p.active for s in p.sites
            ]
            if cells:
                rows, cols, logs = zip(*cells, strict=True)
                covers[list(rows), list(cols)] = logs
            self._strength_cache = (key, effective, covers)
        return self._strength_cache[1], self._strength_cache[2]

    def matrix(self) -> np.ndarray:
        """Protection of every boss at every site, shape (bosses, sites), in one product."""
        world = self.ctx.world
        n_b, n_s = len(world.bosses), len(world.sites)
        key = (self.version, n_b, len(world.protectors))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        if not self.cfg.enabled or not world.protectors:
            return np.zeros((n_b, n_s))
        links, _ = self._links()
        matrix = 1.0 - np.exp(links @ self._strengths()[1])
        self._cache = (key, matrix)
        return matrix

    def by_site(self, active_mask: np.ndarray | None = None) -> np.ndarray:
        """Mean protection of the standing compounds at each site (0 where none); ``active_mask``: if known.

        Cached until a protector, a link or a compound (its status, site or
        owner: ``CompoundTable.version``) changes; the daily books ask every
        day and most days none of them does.  The answer is read-only.
        """
        c = self.ctx.world.compounds
        world = self.ctx.world
        key = (self.version, len(world.bosses), len(world.protectors), c.version)
        if self._site_cache is not None and self._site_cache[0] == key:
            return self._site_cache[1]
        active = np.flatnonzero(c.active_mask() if active_mask is None else active_mask)
        prot = self.matrix()[c.owner[active], c.site[active]]
        n_s = len(world.sites)
        totals = np.bincount(c.site[active], prot, minlength=n_s)
        counts = np.bincount(c.site[active], minlength=n_s)
        out = np.divide(totals, counts, out=np.zeros(n_s), where=counts > 0)
        out.flags.writeable = False
        self._site_cache = (key, out)
        return out

    # ------------------------------------------------------------------ money and links
    def pay_bribes(self, bribes: np.ndarray, day: int) -> None:
        """Share each boss's bribe (``bribes[boss]``) among his active protectors, by effective strength.

        Paying marks the boss as a paying client (:meth:`last_paid`), which is
        what protectors review.  The split is a (bosses, protectors) matrix
        cached with the links, so a day's bribes are one product.
        """
        world = self.ctx.world
        key = (self.version, len(world.bosses), len(world.protectors))
        if self._payees is None or self._payees[0] != key:
            self._payees = (key, self._split())
        n = bribes.size
        if self.boss_paid.size < n:
            self.boss_paid = np.concatenate([self.boss_paid, np.full(n - self.boss_paid.size, NEVER_PAID, np.int64)])
        self.boss_paid[:n][bribes > 0] = day
        income = bribes @ self._payees[1][:n]
        if self._income.size < income.size:
            self._income = np.concatenate([self._income, np.zeros(income.size - self._income.size)])
        self._income[: income.size] += income  # booked on the protectors when read (:meth:`settle_income`)

    def settle_income(self) -> None:
        """Book the income paid since the last call on each protector (``income_usd``): read it after this."""
        for p in np.flatnonzero(self._income).tolist():
            self.ctx.world.protectors[p].income_usd += float(self._income[p])
        self._income[:] = 0.0

    def last_paid(self, protector: Protector, boss: int) -> int:
        """The last day ``boss`` paid ``protector``: his latest payment while linked, or the day they linked.

        A boss pays all his protectors at once, so his own last payment day
        stands for each link's.  A link without a day (a successor's inherited
        ones) counts from his first payment, and as paid today until then.
        """
        paid = int(self.boss_paid[boss]) if boss < self.boss_paid.size else NEVER_PAID
        linked = protector.last_paid.get(boss)
        if linked is None:
            return paid if paid > NEVER_PAID else self.ctx.day
        return max(linked, paid)

    def _split(self) -> np.ndarray:
        """Per boss (rows): the share of his bribe each protector (columns) gets, over his active protectors."""
        links, effective = self._links()
        weight = links * effective
        total = weight.sum(axis=1, keepdims=True)
        return np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)

    def link(self, boss: Boss, protector: Protector) -> None:
        boss.protectors.add(protector.index)
        protector.clients.add(boss.index)
        protector.last_paid[boss.index] = self.ctx.day
        self._edits.append((boss.index, protector.index))
        self.version += 1

    def unlink(self, boss: Boss, protector: Protector) -> None:
        boss.protectors.discard(protector.index)
        protector.clients.discard(boss.index)
        self._edits.append((boss.index, protector.index))
        self.version += 1

    def inherit(self, heir: Boss, boss: Boss) -> None:
        """A successor takes over the predecessor's links to the protectors still active."""
        for p in sorted(boss.protectors):
            prot = self.ctx.world.protectors[p]
            if prot.active:
                heir.protectors.add(p)
                prot.clients.add(heir.index)
                self._edits.append((heir.index, p))
                self.version += 1

    def price(self, site: int) -> float:
        """What buying in costs at a site: dearer under pressure."""
        return self.cfg.buy_in_usd * (1.0 + self.cfg.price_pressure * self.ctx.world.sites[site].pressure)

    def sites_of(self, boss: Boss) -> set[int]:
        """The sites where a boss has compounds (a review asks twice: :meth:`leave_elsewhere`, then :meth:`buy`)."""
        site = self.ctx.world.compounds.site
        return {int(site[c]) for c in boss.compounds}

    def leave_elsewhere(self, boss: Boss, here: set[int] | None = None) -> None:
        """A boss stops paying protectors who cover none of the sites where he still has compounds (``here``: if known).

        Without this a boss who moved away kept paying (and being counted as a
        client of) the officials he left behind, and his links only grew.
        """
        if not boss.compounds:
            return
        world = self.ctx.world
        here = self.sites_of(boss) if here is None else here
        for p in sorted(boss.protectors):
            prot = world.protectors[p]
            if prot.sites.isdisjoint(here):  # no intersection built just to test it
                self.unlink(boss, prot)
                self.ctx.recorder.event(
                    self.ctx.day, EventKind.PROTECTION_DROPPED, site=min(prot.sites, default=-1), boss=boss.index
                )

    def buy(self, boss: Boss, here: set[int] | None = None) -> None:
        """A boss buys more protection at each of his sites (``here``: if known) where his has fallen below the target."""
        cfg = self.cfg
        if not (cfg.enabled and cfg.buy_in and self.adapts):
            return
        ctx = self.ctx
        world = ctx.world
        sites = sorted(self.sites_of(boss) if here is None else here)
        for s in sites:
            if self.of(boss, s) >= cfg.target_level:
                continue
            offers = [p for p in world.protectors if p.active and s in p.sites and p.index not in boss.protectors]
            price = self.price(s)
            if not offers or boss.capital < price:
                continue
            best = max(offers, key=lambda p: (p.effective, -p.index))
            boss.capital -= price
            self.link(boss, best)
            ctx.recorder.event(ctx.day, EventKind.PROTECTION_BOUGHT, site=s, boss=boss.index)

    # ------------------------------------------------------------------ processes
    def protector_process(self, protector: Protector) -> Generator[simpy.Event, None, None]:
        """A protector reviews its clients monthly and drops those who stopped paying."""
        ctx, cfg = self.ctx, self.cfg
        while protector.active:
            yield ctx.env.timeout(REVIEW_DAYS)
            if not (cfg.enabled and cfg.drop_unpaid) or not protector.active:
                continue
            for b in sorted(protector.clients):
                if ctx.day - self.last_paid(protector, b) > cfg.unpaid_days:
                    self.unlink(ctx.world.bosses[b], protector)
                    site = next(iter(sorted(protector.sites)), -1)
                    ctx.recorder.event(ctx.day, EventKind.PROTECTION_DROPPED, site=site, boss=b)

    def remove(self, protector: Protector) -> Generator[simpy.Event, None, None]:
        """Targeting: the protector is removed; a successor may take the seat later."""
        ctx, cfg = self.ctx, self.cfg
        protector.active = False
        self._rebuild = True  # his clients' links go below, outside link()/unlink()
        self.version += 1
        self.strengths += 1
        former = sorted(protector.clients)
        for b in former:
            ctx.world.bosses[b].protectors.discard(protector.index)
        protector.clients.clear()
        for s in sorted(protector.sites):
            ctx.recorder.event(ctx.day, EventKind.PROTECTOR_REMOVED, site=s)
        if not (cfg.replacement and self.adapts):
            return
        yield ctx.env.timeout(ctx.streams["protection"].exponential(cfg.replacement_days_mean))
        world = ctx.world
        successor = Protector(
            len(world.protectors), f"{protector.name}-successor", protector.rank, protector.sites, protector.strength
        )
        successor.seated_day = ctx.day
        world.protectors.append(successor)
        if self.on_seated is not None:
            self.on_seated(successor, protector)
        for s in sorted(successor.sites):
            ctx.recorder.event(ctx.day, EventKind.PROTECTOR_SUCCESSOR, site=s)
        # the successor sells to his predecessor's clients who still operate at his sites
        site = min(successor.sites) if successor.sites else -1
        for b in former:
            boss = world.bosses[b]
            present = any(int(world.compounds.site[c]) in successor.sites for c in boss.compounds)
            if boss.free and present and cfg.enabled and cfg.buy_in and site >= 0 and boss.capital >= self.price(site):
                boss.capital -= self.price(site)
                self.link(boss, successor)
                ctx.recorder.event(ctx.day, EventKind.PROTECTION_BOUGHT, site=site, boss=b)
        ctx.env.process(self.protector_process(successor))
