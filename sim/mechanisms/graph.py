"""The protection network as a graph: edges, measures, snapshots and the targeting strategies.

:mod:`sim.mechanisms.network` owns the network's state and what it does
(patronage, ties, adaptation); this module reads that state as a networkx
graph: the nodes are bosses (free, with compounds), syndicates and
protectors in office; the edges paid protection, patronage and syndicate
ties.  It records the graph at ``network.snapshot_days`` and picks the nodes a
targeting strategy removes (ODD 7.25-7.26).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.core.context import Context
from sim.core.world import Boss, Protector
from sim.mechanisms.network import Network

if TYPE_CHECKING:
    import networkx as nx

EDGE_KINDS = ("protection", "patronage", "syndicate", "member")
Edge = tuple[str, str, str, float]

Process = Generator[simpy.Event, None, None]


class Graph:
    def __init__(self, ctx: Context, network: Network) -> None:
        self.ctx = ctx
        self.network = network
        self.snapshots: list[tuple[int, list[Edge], dict[str, Any]]] = []  # (day, edges, measures)

    def targets(
        self, strategy: str, count: int, nodes: str, rng: np.random.Generator, country: str = ""
    ) -> list[Boss | Protector]:
        """The ``count`` nodes a strategy removes: bosses (free, with compounds) and/or protectors in office.

        ``random`` draws uniformly (stream ``targeting``, so the other network
        draws stay common across strategies); ``degree`` and ``betweenness``
        rank by the centrality in :meth:`graph`; ``money`` by annual income in
        USD (a boss's capital, what he holds, beside a protector's bribe income
        per year in office: what an investigator following the money sees);
        ``rank`` goes down the hierarchy: national protectors, provincial ones,
        bosses who chair a syndicate, local protectors, other bosses (then by
        effective strength or compounds).  ``country`` keeps only bosses with
        a compound there and protectors covering a site there.  Ties go to the
        lower index.
        """
        world = self.ctx.world
        c = world.compounds
        in_country = {s.index for s in world.sites if s.country == country} if country else None

        def boss_in(b: Boss) -> bool:
            return in_country is None or any(int(c.site[k]) in in_country for k in b.compounds)

        def prot_in(p: Protector) -> bool:
            return in_country is None or bool(p.sites & in_country)

        bosses = [b for b in world.bosses if b.free and b.compounds and boss_in(b)] if nodes in ("any", "bosses") else []
        prots = [p for p in world.protectors if p.active and prot_in(p)] if nodes in ("any", "protectors") else []
        pool: list[tuple[str, Boss | Protector]] = [(f"boss:{b.name}", b) for b in bosses]
        pool += [(f"protector:{p.name}", p) for p in prots]
        if strategy == "none" or count <= 0 or not pool:
            return []
        count = min(count, len(pool))
        if strategy == "random":
            return [pool[i][1] for i in sorted(rng.choice(len(pool), size=count, replace=False).tolist())]
        keyed: list[tuple[tuple[float, float], int]]
        if strategy in ("degree", "betweenness"):
            import networkx as nx

            g = self.graph()
            score = dict(g.degree()) if strategy == "degree" else nx.betweenness_centrality(g)
            keyed = [((-float(score.get(name, 0.0)), 0.0), k) for k, (name, _) in enumerate(pool)]
        elif strategy == "money":
            day = self.ctx.day
            self.network.protection.settle_income()

            def money(a: Boss | Protector) -> float:
                if isinstance(a, Boss):
                    return a.capital
                return a.income_usd * 365.0 / max(day - a.seated_day, 1)

            keyed = [((-money(a), 0.0), k) for k, (_, a) in enumerate(pool)]
        else:  # rank
            chairs = set(self.network.chairman)
            level = {"national": 0, "provincial": 1, "local": 3}

            def order(a: Boss | Protector) -> tuple[float, float]:
                if isinstance(a, Protector):
                    return (float(level.get(a.rank, 3)), -a.effective)
                return (2.0 if a.index in chairs else 4.0, -float(len(a.compounds)))

            keyed = [(order(a), k) for k, (_, a) in enumerate(pool)]
        return [pool[k][1] for _, k in sorted(keyed)[:count]]

    # ------------------------------------------------------------------ the graph
    def edges(self) -> list[Edge]:
        """Every edge now: (source, target, kind, weight); nodes are ``boss:<name>``, ``protector:<name>``, ``syndicate:<name>``."""
        world = self.ctx.world
        out: list[Edge] = []
        live = [b for b in world.bosses if b.free and b.compounds]
        for b in live:
            for p in sorted(b.protectors):
                prot = world.protectors[p]
                if prot.active:
                    out.append((f"boss:{b.name}", f"protector:{prot.name}", "protection", round(prot.effective, 6)))
        for q in world.protectors:
            if q.active and q.patron >= 0 and not q.orphaned and world.protectors[q.patron].active:
                patron = world.protectors[q.patron]
                out.append((f"protector:{q.name}", f"protector:{patron.name}", "patronage", round(q.support, 6)))
        if self.network.enabled:
            for k, members in enumerate(self.network.members):
                here = [world.bosses[b] for b in members if world.bosses[b].free and world.bosses[b].compounds]
                for i, a in enumerate(here):
                    out.append((f"boss:{a.name}", f"syndicate:{self.network.syndicate_names[k]}", "member", 1.0))
                    for b in here[i + 1 :]:
                        out.append((f"boss:{a.name}", f"boss:{b.name}", "syndicate", 1.0))
        return out

    def nodes(self) -> list[str]:
        world = self.ctx.world
        nodes = [f"boss:{b.name}" for b in world.bosses if b.free and b.compounds]
        nodes += [f"protector:{p.name}" for p in world.protectors if p.active]
        if self.network.enabled:
            for k, members in enumerate(self.network.members):
                if any(world.bosses[b].free and world.bosses[b].compounds for b in members):
                    nodes.append(f"syndicate:{self.network.syndicate_names[k]}")
        return nodes

    def graph(self) -> nx.Graph:
        """The network now, as an undirected networkx graph (edge attributes ``kind`` and ``weight``)."""
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(self.nodes())
        for a, b, kind, weight in self.edges():
            g.add_edge(a, b, kind=kind, weight=weight)
        return g

    def measures(self, edges: list[Edge] | None = None) -> dict[str, Any]:
        """Graph measures now: nodes, edges, components, largest component share, global efficiency, mean protection.

        Computed on the adjacency matrix (scipy) rather than a networkx graph:
        the same nodes in the same order, so the same numbers, without
        building a graph object per snapshot.  ``edges``: :meth:`edges` if
        the caller already has it.
        """
        from scipy.sparse.csgraph import connected_components

        adj, n_edges = _adjacency(self.nodes(), self.edges() if edges is None else edges)
        n = adj.shape[0]
        parts, label = connected_components(adj, directed=False) if n else (0, np.zeros(0, np.int32))
        largest = int(np.bincount(label).max()) if n else 0
        by_site = self.network.protection.matrix()
        c = self.ctx.world.compounds
        active = np.flatnonzero(c.active_mask())
        mean_prot = float(by_site[c.owner[active], c.site[active]].mean()) if active.size else 0.0
        return {
            "nodes": n,
            "edges": n_edges,
            "components": int(parts),
            "largest_component_share": largest / n if n else 0.0,
            "global_efficiency": _efficiency(adj),
            "mean_protection": mean_prot,
        }

    def snapshot_process(self) -> Process:
        """Record the edge list and the measures at each of ``snapshot_days`` (days after intervention start).

        Days past the end of a shorter run are not taken: the files say which days were.
        """
        ctx = self.ctx
        days = sorted({ctx.config.intervention_day + d for d in self.network.cfg.snapshot_days} & set(range(ctx.horizon)))
        for day in days:
            yield ctx.env.timeout(day + 0.75 - ctx.env.now)  # after that day's step
            edges = self.edges()
            self.snapshots.append((day, edges, self.measures(edges)))


def global_efficiency(g: nx.Graph) -> float:
    """Mean over ordered pairs of nodes of 1 / shortest-path length (0 for unreachable pairs).

    The same number as ``networkx.global_efficiency`` (tests/test_network.py
    checks it), computed with scipy's breadth-first all-pairs search because
    networkx's pure-Python one took a third of a second per regional snapshot.
    """
    import networkx as nx

    if g.number_of_nodes() < 2:
        return 0.0
    return _efficiency(nx.to_scipy_sparse_array(g, weight=None, format="csr"))


def _efficiency(adj: Any) -> float:
    """:func:`global_efficiency` of a graph given as its (symmetric, unweighted) sparse adjacency matrix."""
    from scipy.sparse.csgraph import shortest_path

    n = adj.shape[0]
    if n < 2:
        return 0.0
    dist = shortest_path(adj, unweighted=True, directed=False)
    with np.errstate(divide="ignore"):
        inv = np.where(np.isfinite(dist) & (dist > 0), 1.0 / dist, 0.0)
    return float(inv.sum() / (n * (n - 1)))


def _adjacency(nodes: list[str], edges: list[Edge]) -> tuple[Any, int]:
    """The undirected graph of ``nodes`` and ``edges`` as a CSR 0/1 matrix, nodes in networkx's order, and its
    number of edges.

    networkx numbers the nodes as they were added (``nodes`` first, then
    any endpoint not among them, in edge order) and keeps one edge per
    pair; this does the same, so measures on it equal those on
    :meth:`Graph.graph`.
    """
    from scipy.sparse import csr_array

    index = {name: i for i, name in enumerate(dict.fromkeys(nodes))}
    pairs: set[tuple[int, int]] = set()
    for a, b, _kind, _weight in edges:
        i = index.setdefault(a, len(index))
        j = index.setdefault(b, len(index))
        pairs.add((min(i, j), max(i, j)))
    n = len(index)
    if not pairs:
        return csr_array((n, n)), 0
    ij = np.array(sorted(pairs), np.int64)
    rows = np.concatenate([ij[:, 0], ij[ij[:, 0] != ij[:, 1], 1]])
    cols = np.concatenate([ij[:, 1], ij[ij[:, 0] != ij[:, 1], 0]])
    return csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n)), len(pairs)
