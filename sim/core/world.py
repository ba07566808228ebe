"""The actors' state: sites, protectors, bosses, and the compound and worker tables.

Sites, protectors and bosses are few, so they are plain objects; compounds
(:mod:`sim.core.compounds`) and workers (:mod:`sim.core.workers`) are
tables of arrays.  :func:`build_world` creates the initial state from the
validated config and the ``init`` stream.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field

import numpy as np
import simpy

from sim.config.schema import ScamsimConfig
from sim.core.compounds import OPERATING, CompoundTable
from sim.core.workers import WORKING, WorkerPool


@dataclass
class Site:
    index: int
    name: str
    country: str
    lat: float
    lon: float
    room: int
    grid_supplier: str
    base_pressure: float
    attractiveness: float
    grid_alternates: tuple[str, ...] = ()
    power_cut: bool = False
    internet_cut: bool = False
    fuel_blocked: bool = False  # generators cannot run
    satellite_blocked: bool = False  # satellite terminals disabled
    closing: bool = False  # under a closure order until its deadline
    pressure: float = 0.0
    power_cutters: set[str] = field(default_factory=set)  # countries cutting its power now

    @property
    def grid(self) -> frozenset[str]:
        """Every country whose grid the site can draw on."""
        return frozenset((self.grid_supplier, *self.grid_alternates))


@dataclass
class Protector:
    index: int
    name: str
    rank: str
    sites: frozenset[int]
    strength: float
    active: bool = True
    income_usd: float = 0.0
    clients: set[int] = field(default_factory=set)
    last_paid: dict[int, int] = field(default_factory=dict)
    patron: int = -1  # the protector above this one (patronage), -1 = none
    seated_day: int = 0  # when he took office (successors later)
    orphaned: bool = False  # his patron was removed and he has not found another
    support: float = 1.0  # share of his strength he can give now (:mod:`sim.mechanisms.network`)

    @property
    def effective(self) -> float:
        """The strength he gives his clients now: his own, times the backing of the patronage above him."""
        return self.strength * self.support


class Accounts:
    """Every boss's capital as one array, so the daily books settle all bosses in one operation.

    Why an array and not a float on each boss: the daily step pays wages,
    charges recruits and books profit for every boss every day; a Python
    loop over bosses was a tenth of a replication.  Each :class:`Boss` reads
    and writes his own entry through ``boss.capital``.
    """

    def __init__(self) -> None:
        self.balance = np.zeros(0)

    def open(self, index: int, amount: float) -> None:
        """Open (or reopen) account ``index`` with ``amount``; the array grows as bosses are added."""
        if index >= self.balance.size:
            self.balance = np.concatenate([self.balance, np.zeros(max(index + 1 - self.balance.size, self.balance.size))])
        self.balance[index] = amount

    def of(self, n: int) -> np.ndarray:
        """The balances of bosses ``0 .. n-1`` (a view: writing to it changes the capital)."""
        return self.balance[:n]


@dataclass
class Boss:
    index: int
    name: str
    home_site: int
    opening_capital: InitVar[float]
    accounts: Accounts = field(default_factory=Accounts, repr=False)  # the world's, shared by every boss
    protectors: set[int] = field(default_factory=set)
    compounds: set[int] = field(default_factory=set)
    status: str = "active"  # active | abroad | arrested | exited
    raids: list[tuple[int, int]] = field(default_factory=list)  # (day, site) remembered
    alert: simpy.Event | None = None
    pending: list[tuple[str, int]] = field(default_factory=list)  # (what, compound)
    last_raid_day: int = -(10**9)
    syndicate: int = -1  # the owner group he belongs to (:mod:`sim.mechanisms.network`), -1 = none
    tipped_until: float = -1.0  # a syndicate partner warned him of raids until this day

    def __post_init__(self, opening_capital: float) -> None:
        self.accounts.open(self.index, opening_capital)

    @property
    def capital(self) -> float:
        return float(self.accounts.balance[self.index])

    @capital.setter
    def capital(self, value: float) -> None:
        self.accounts.balance[self.index] = value

    @property
    def free(self) -> bool:
        return self.status in ("active", "abroad")

    def notify(self, what: str, compound: int) -> None:
        """Wake the boss's process with something to decide about (a raid, a cut)."""
        self.pending.append((what, compound))
        if self.alert is not None and not self.alert.triggered:
            self.alert.succeed()


@dataclass
class World:
    sites: list[Site]
    protectors: list[Protector]
    bosses: list[Boss]
    compounds: CompoundTable
    workers: WorkerPool
    nationalities: list[str]
    nationality_p: np.ndarray
    nationality_entry: list[str]
    distance_km: np.ndarray
    site_index: dict[str, int]
    syndicates: list[str] = field(default_factory=list)  # names; bosses point at them by index
    accounts: Accounts = field(default_factory=Accounts)  # every boss's capital

    def boss_by_name(self, name: str) -> Boss:
        return next(b for b in self.bosses if b.name == name)


def haversine_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distances between every pair of sites."""
    la, lo = np.radians(lat), np.radians(lon)
    dla = la[:, None] - la[None, :]
    dlo = lo[:, None] - lo[None, :]
    a = np.sin(dla / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlo / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _split(total: int, n: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` workers over ``n`` compounds with lognormal sizes (each >= 1)."""
    if n == 0:
        return np.zeros(0, np.int64)
    weights = rng.lognormal(0.0, sigma, n)
    raw = (total - n) * weights / weights.sum()
    sizes = np.floor(raw).astype(np.int64)
    remainder = (total - n) - sizes.sum()
    sizes[np.argsort(raw - sizes)[::-1][:remainder]] += 1
    return sizes + 1


def build_world(config: ScamsimConfig, rng: np.random.Generator) -> World:
    """Create the initial world: every site's compounds staffed and owned."""
    wc = config.world
    sites = [
        Site(
            i,
            name,
            s.country,
            s.lat,
            s.lon,
            s.room,
            s.grid_supplier or s.country,
            s.base_pressure,
            s.attractiveness,
            tuple(s.grid_alternates),
        )
        for i, (name, s) in enumerate(wc.sites.items())
    ]
    site_index = {s.name: s.index for s in sites}
    scale = config.protection.strength_scale
    protectors = [
        Protector(i, name, p.rank, frozenset(site_index[s] for s in p.sites), 1.0 - (1.0 - p.strength) ** scale)
        for i, (name, p) in enumerate(wc.protectors.items())
    ]
    prot_index = {p.name: p.index for p in protectors}
    for p, pc in zip(protectors, wc.protectors.values(), strict=True):
        p.patron = prot_index[pc.patron] if pc.patron else -1
    nat_names = list(wc.nationalities)
    nat_w = np.array([n.weight for n in wc.nationalities.values()], float)
    total_compounds = sum(s.compounds for s in wc.sites.values())
    total_workers = sum(s.workers for s in wc.sites.values())
    compounds = CompoundTable(2 * total_compounds + 8)
    # rows for everyone who will ever enter (the pool never shrinks: the repatriated stay as rows); the arrays
    # are zeros, which the OS allocates lazily, so a generous size costs no memory until rows are used and
    # saves copying the pool as it grows (turnover measured at about 0.3% of the workforce a day)
    pool = WorkerPool(int(total_workers * (1.5 + config.horizon_days / 200)) + 1024, compounds.size)
    compounds.on_resize = pool.add_compounds
    bosses: list[Boss] = []
    accounts = Accounts()
    for site in sites:
        sc = wc.sites[site.name]
        first = len(bosses)
        for k in range(1, sc.bosses + 1):
            boss = Boss(len(bosses), f"{site.name}-boss-{k}", site.index, wc.boss_capital_usd, accounts)
            for p in protectors:
                if site.index in p.sites and rng.random() < wc.boss_protector_links:
                    boss.protectors.add(p.index)
                    p.clients.add(boss.index)
            bosses.append(boss)
        sizes = _split(sc.workers, sc.compounds, wc.compound_size_sigma, rng)
        owners = first + np.arange(sc.compounds) % max(sc.bosses, 1)
        for size, owner in zip(sizes, owners, strict=True):
            c = compounds.add(
                site.index,
                int(owner),
                capacity=float(np.ceil(size * wc.capacity_headroom)),
                equipment=float(size),
                managers=int(np.ceil(size / wc.workers_per_manager)),
                day=0,
                status=OPERATING,
            )
            bosses[owner].compounds.add(c)
            k = int(size)
            pool.create(
                np.full(k, c, np.int32),
                rng.choice(len(nat_names), size=k, p=nat_w / nat_w.sum()).astype(np.int16),
                rng.random(k) < config.repatriation.trafficked_share,
                day=0,
                due=np.zeros(k, np.int32),
                status=WORKING,
                reason="initial",
            )
    by_name = {b.name: b for b in bosses}
    for k, syn in enumerate(wc.syndicates.values()):
        for member in syn.members:
            by_name[member].syndicate = k
    lat = np.array([s.lat for s in sites])
    lon = np.array([s.lon for s in sites])
    return World(
        sites,
        protectors,
        bosses,
        compounds,
        pool,
        nat_names,
        nat_w / nat_w.sum(),
        [n.entry_via for n in wc.nationalities.values()],
        haversine_km(lat, lon),
        site_index,
        list(wc.syndicates),
        accounts,
    )
