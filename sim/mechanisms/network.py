"""The protection network as a network (config section ``network``): syndicates, patronage and ties.

Nodes are bosses, syndicates (owner groups running several compounds) and
protectors at local, provincial and national rank.  Edges are

* paid protection (boss - protector, owned by :mod:`sim.mechanisms.protection`),
* patronage (a protector - the patron of higher rank above him),
* syndicate ties (boss - boss, within a syndicate; and boss - syndicate).

What the edges do:

* **Patronage.** A protector gives his clients only part of his strength on
  his own (``1 - patron_dependence``); the rest rests on his patron's
  standing.  Removing a patron orphans the protectors below him, weakening
  the protection every one of their clients enjoys, until each finds a new
  patron (after ``rewire_days_mean``: the patron's successor, or another
  active protector of higher rank in the same country).  An active
  national patron also slows a campaign in his country (``patron_slowdown``
  times his effective strength, on the campaign's raid rate and pressure);
  a campaign's configured rate is the one observed with the world's patrons
  in office, so it is removing or weakening them that speeds a campaign up.
* **Syndicate ties.** A raided boss warns his partners (``tie_warning_prob``
  each); a tipped-off partner's compounds are raided forewarned with at least
  ``tie_warning_level`` for ``tie_warning_days``.  Partners lend a member
  about to go bankrupt part of their capital (``capital_share``), and an
  arrested boss's compounds pass to a partner (``tie_successor_prob``) rather
  than to a newcomer.
* **Adaptation** (``adaptation``): rewiring, successors (bosses' and
  protectors') and bought-back protection.  With ``adaptation=false`` the
  network cannot repair itself: the contrast of Bright et al. (2017).

Bosses not in a named syndicate of the world are grouped at random into
syndicates of mean size ``syndicate_size_mean`` (stream ``network``).  The
simulation state stays in the actors' fields (``Boss.syndicate``,
``Protector.patron``); the graph built from it, its measures, snapshots and
the targeting strategies are :mod:`sim.mechanisms.graph`'s.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.config.network_checks import RANK_ORDER
from sim.core.context import Context
from sim.core.events import EventKind
from sim.core.world import Boss, Protector
from sim.mechanisms.protection import Protection

Process = Generator[simpy.Event, None, None]


class Network:
    def __init__(self, ctx: Context, protection: Protection) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.network
        self.protection = protection
        world = ctx.world
        self.enabled = bool(self.cfg.enabled)
        self.syndicate_names = list(world.syndicates)
        self.members: list[list[int]] = [[] for _ in self.syndicate_names]
        for boss in world.bosses:
            if boss.syndicate >= 0:
                self.members[boss.syndicate].append(boss.index)
        chairs = [s.chairman for s in ctx.config.world.syndicates.values()]
        self.chairman = [
            world.boss_by_name(c).index if c else (m[0] if m else -1) for c, m in zip(chairs, self.members, strict=True)
        ]
        self.site_country = [s.country for s in world.sites]
        if self.enabled:
            self._group_the_rest(ctx.streams["network"])
        protection.on_seated = self.successor_seated
        self._initial_national = [(p.sites, p.effective) for p in world.protectors if p.rank == "national"]
        # the strongest active national patron over a campaign's sites, per set of sites, while the protectors stand as
        # they are: any change to who is active or how strong bumps the protection version or adds a protector
        self._patrons: tuple[tuple[int, int], dict[frozenset[int], float]] = ((-1, -1), {})
        self.update_support()

    @property
    def adapts(self) -> bool:
        """Whether the network repairs itself (rewiring, successors, bought-back protection)."""
        return bool(self.cfg.adaptation)

    # ------------------------------------------------------------------ structure
    def _group_the_rest(self, rng: np.random.Generator) -> None:
        """Bosses in no named syndicate form random groups of mean size ``syndicate_size_mean`` (size 1 + Poisson)."""
        rest = [b.index for b in self.ctx.world.bosses if b.syndicate < 0]
        order = rng.permutation(len(rest))
        k = 0
        while k < len(rest):
            size = 1 + int(rng.poisson(self.cfg.syndicate_size_mean - 1.0))
            group = [rest[i] for i in order[k : k + size]]
            self._new_syndicate(f"syndicate-{len(self.syndicate_names) + 1}", group)
            k += size

    def _new_syndicate(self, name: str, bosses: list[int]) -> None:
        index = len(self.syndicate_names)
        self.syndicate_names.append(name)
        self.members.append(sorted(bosses))
        self.chairman.append(min(bosses))
        for b in bosses:
            self.ctx.world.bosses[b].syndicate = index

    def join(self, heir: Boss, predecessor: Boss) -> None:
        """A newcomer successor takes his predecessor's place in the syndicate."""
        k = predecessor.syndicate
        if k < 0:
            return
        heir.syndicate = k
        self.members[k].append(heir.index)
        if self.chairman[k] == predecessor.index:
            self.chairman[k] = heir.index

    def partners(self, boss: Boss) -> list[Boss]:
        """The free bosses of his syndicate, himself excluded."""
        if not self.enabled or boss.syndicate < 0:
            return []
        bosses = self.ctx.world.bosses
        return [bosses[b] for b in self.members[boss.syndicate] if b != boss.index and bosses[b].free]

    def country_of(self, protector: Protector) -> str:
        """The country of the sites a protector covers (the first one's)."""
        return self.site_country[min(protector.sites)] if protector.sites else ""

    # ------------------------------------------------------------------ patronage
    def update_support(self) -> None:
        """Each protector's share of his strength he can give: 1 at the top of a chain, less below an orphan."""
        protectors = self.ctx.world.protectors
        dep = self.cfg.patron_dependence if self.enabled else 0.0
        memo: dict[int, float] = {}

        def support(p: Protector, depth: int = 0) -> float:
            if p.index in memo:
                return memo[p.index]
            if depth > len(protectors):  # a cycle: the checks refuse them in the config; be safe with successors
                return 1.0
            if p.orphaned:
                value = 1.0 - dep
            elif p.patron >= 0 and protectors[p.patron].active:
                value = (1.0 - dep) + dep * support(protectors[p.patron], depth + 1)
            else:
                value = 1.0
            memo[p.index] = value
            return value

        changed = False
        for p in protectors:
            new = support(p) if p.active else 0.0
            if new != p.support:
                p.support = new
                changed = True
        if changed:
            self.protection.touch()

    def remove_protector(self, protector: Protector) -> Process:
        """Targeting: the protector leaves office; his clients among protectors are orphaned until they rewire."""
        ctx = self.ctx
        orphans = [p for p in ctx.world.protectors if p.active and p.patron == protector.index]
        for p in orphans:
            p.orphaned = self.enabled
        ctx.env.process(self.protection.remove(protector))
        self.update_support()
        if self.enabled and self.adapts:
            for p in orphans:
                ctx.env.process(self._rewire(p, protector))
        yield ctx.env.timeout(0)

    def _rewire(self, orphan: Protector, former: Protector) -> Process:
        """After a while the orphan finds a patron: his former patron's successor, or another above him in his country."""
        ctx = self.ctx
        yield ctx.env.timeout(ctx.streams["network"].exponential(self.cfg.rewire_days_mean))
        if not orphan.active:
            return
        world = ctx.world
        country = self.country_of(orphan)
        rank = RANK_ORDER.get(orphan.rank, 0)
        options = [
            p
            for p in world.protectors
            if p.active and p.index != orphan.index and RANK_ORDER.get(p.rank, 0) > rank and self.country_of(p) == country
        ]
        heirs = [p for p in options if p.name.startswith(f"{former.name}-successor")]
        pick = heirs or sorted(options, key=lambda p: (-RANK_ORDER.get(p.rank, 0), -p.effective, p.index))
        orphan.orphaned = False
        orphan.patron = pick[0].index if pick else -1
        self.update_support()
        site = min(orphan.sites) if orphan.sites else -1
        ctx.recorder.event(ctx.day, EventKind.PROTECTOR_REWIRED, site=site)

    def successor_seated(self, successor: Protector, predecessor: Protector) -> None:
        """A successor official takes the seat, and the patronage above it."""
        successor.patron = predecessor.patron
        self.update_support()

    def campaign_factor(self, sites: np.ndarray, initial: bool = False) -> float:
        """How much of a campaign gets through: ``1 - patron_slowdown * s``, s the strongest active national patron at its sites.

        ``initial``: the same for the world as configured (every protector in
        office at full support), which is the state a campaign's calibrated
        rate was observed under (:meth:`relative_campaign_factor`).
        """
        if not self.enabled or self.cfg.patron_slowdown == 0:
            return 1.0
        covered = frozenset(np.asarray(sites).tolist())
        if initial:
            best = max((s for p, s in self._initial_national if covered & p), default=0.0)
        else:
            best = self._strongest_patron(covered)
        return 1.0 - self.cfg.patron_slowdown * best

    def _strongest_patron(self, covered: frozenset[int]) -> float:
        """The effective strength of the strongest active national protector covering any of ``covered`` (0 if none).

        Remembered until a protector changes (the protection version) or is
        added: campaigns ask at every raid draw and every day's pressure,
        and a pass over every protector each time was a few percent of a run.
        """
        protectors = self.ctx.world.protectors
        key = (self.protection.version, len(protectors))
        if self._patrons[0] != key:
            self._patrons = (key, {})
        known = self._patrons[1]
        best = known.get(covered)
        if best is None:
            best = 0.0
            for p in protectors:
                if p.active and p.rank == "national" and covered & p.sites:
                    best = max(best, p.effective)
            known[covered] = best
        return best

    def relative_campaign_factor(self, sites: np.ndarray) -> float:
        """The campaign factor now over the factor in the world as configured: 1 while the national patrons stand.

        A campaign's ``peak_raid_rate`` is what was observed with the
        protection network in place (the July 2025 wave is calibrated on its
        raids), so removing a national patron lets a campaign run faster than
        observed (above 1) and a stronger patron slows it (below 1).
        """
        return self.campaign_factor(sites) / self.campaign_factor(sites, initial=True)

    # ------------------------------------------------------------------ syndicate ties
    def pass_warning(self, boss: Boss) -> None:
        """A raided boss warns his syndicate partners: each is tipped off with ``tie_warning_prob``."""
        partners = self.partners(boss)
        if not partners:
            return
        ctx = self.ctx
        draws = ctx.streams["network"].random(len(partners))
        until = ctx.day + self.cfg.tie_warning_days
        for partner, u in zip(partners, draws, strict=True):
            if u < self.cfg.tie_warning_prob:
                partner.tipped_until = max(partner.tipped_until, until)
                ctx.recorder.event(ctx.day, EventKind.TIE_WARNING, site=partner.home_site, boss=partner.index)

    def warning_floor(self, boss: Boss) -> float:
        """The least chance a raid on his compound leaks: ``tie_warning_level`` while tipped off, else 0."""
        if self.enabled and boss.tipped_until >= self.ctx.day:
            return float(self.cfg.tie_warning_level)
        return 0.0

    def bail_out(self, boss: Boss) -> None:
        """Partners lend a member in debt part of their capital, up to what he owes."""
        if boss.capital >= 0 or not self.enabled or self.cfg.capital_share == 0:
            return
        ctx = self.ctx
        for partner in self.partners(boss):
            if boss.capital >= 0:
                break
            loan = min(partner.capital * self.cfg.capital_share, -boss.capital)
            if loan > 0:
                partner.capital -= loan
                boss.capital += loan
                ctx.recorder.event(ctx.day, EventKind.CAPITAL_SHARED, site=boss.home_site, boss=boss.index)

    def heir(self, boss: Boss, rng: np.random.Generator) -> Boss | None:
        """The partner who takes an arrested boss's compounds (the richest free one), or None for a newcomer."""
        partners = self.partners(boss)
        if not partners or not self.adapts or rng.random() >= self.cfg.tie_successor_prob:
            return None
        return max(partners, key=lambda b: (b.capital, -b.index))
