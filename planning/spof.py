"""Single points of failure: one road that is the only way out for many people.

A road is a single point of failure when closing the stretch of it that the
evacuation traffic uses (both directions) leaves people who do not live on
that stretch with no path to any safe exit: e.g. Rolfsbuktveien at the
Snarøya neck while Snarøyveien is closed for construction. Everybody cut off
by a stretch uses it on the way out, so only roads that enough evacuees use
(see :data:`MIN_SHARE`) are tested: each test is one compiled search from the
exits on the reversed graph (``scipy.sparse.csgraph``), so one-way streets
count the way they run.

A single junction can be the weak point too, but junction tests flag every
block with one access street; the named road is what a plan can secure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from geo.network import RoadNetwork

#: Fewest people a road must cut off to be reported, absolute and as a share of
#: the travelling evacuees (assumptions, *antatt*): a cul-de-sac with a few
#: homes, or one block's only street, is a dead end, not a planning concern.
MIN_PEOPLE = 100
MIN_SHARE = 0.25


@dataclass
class FailurePoint:
    """A road whose used stretch, if blocked, cuts people off from every safe exit."""

    name: str
    people_cut_off: int
    edges: np.ndarray  # directed edge indices of the stretch (both directions)


@dataclass
class _ExitGraph:
    """The roads that lead to the exits, reversed, with every exit node merged into one sink.

    A node reaches an exit exactly when it reaches the sink here: a way out
    ends at its first exit node, so only edges leaving non-exit nodes matter.
    One single-source search on this small graph replaces a search from
    every exit node (most nodes of a network are exits) on the whole graph.
    """

    graph: sp.csr_matrix  # reversed: row = edge target (the sink for exits), col = its source
    pair_of_edge: np.ndarray  # per edge: its entry in graph.data (-1: not in the graph)
    edges_per_pair: np.ndarray  # edges behind each entry (parallel edges, several exits)
    inner: np.ndarray  # the non-exit nodes, in graph order (the sink is last)
    is_exit: np.ndarray

    @classmethod
    def build(cls, net: RoadNetwork, weight: np.ndarray, exits: np.ndarray) -> _ExitGraph:
        """The graph of ``net``'s edges open under ``weight`` (inf = closed)."""
        is_exit = np.zeros(net.n_nodes, dtype=bool)
        is_exit[exits] = True
        inner = np.flatnonzero(~is_exit)
        sink = len(inner)
        local = np.full(net.n_nodes, sink)  # every exit node is the sink
        local[inner] = np.arange(sink)
        use = np.isfinite(weight) & ~is_exit[net.edge_u]
        key = local[net.edge_v[use]] * (sink + 1) + local[net.edge_u[use]]
        pairs, pair = np.unique(key, return_inverse=True)
        indptr = np.searchsorted(pairs // (sink + 1), np.arange(sink + 2))
        graph = sp.csr_matrix(
            (np.ones(len(pairs)), pairs % (sink + 1), indptr), shape=(sink + 1, sink + 1)
        )
        pair_of_edge = np.full(net.n_edges, -1)
        pair_of_edge[use] = pair
        return cls(graph, pair_of_edge, np.bincount(pair, minlength=len(pairs)), inner, is_exit)

    def reachable(self, closed: np.ndarray | None = None) -> np.ndarray:
        """Mask of nodes with a path to any exit without the ``closed`` edges (distinct indices)."""
        data = self.graph.data
        shut = np.zeros(0, dtype=np.int64)
        if closed is not None:
            hit = self.pair_of_edge[closed]
            count = np.bincount(hit[hit >= 0], minlength=len(data))
            shut = np.flatnonzero(count == self.edges_per_pair)  # all their edges closed
        data[shut] = np.inf
        d = dijkstra(self.graph, indices=len(self.inner))
        data[shut] = 1.0
        reach = self.is_exit.copy()
        reach[self.inner] = np.isfinite(d[:-1])
        return reach


class _Stretches:
    """The edges of a network by undirected node pair, to find a road's stretch fast."""

    def __init__(self, net: RoadNetwork) -> None:
        lo, hi = np.minimum(net.edge_u, net.edge_v), np.maximum(net.edge_u, net.edge_v)
        self.pair = lo * net.n_nodes + hi
        self.by_pair = np.argsort(self.pair, kind="stable")
        self.sorted_pair = self.pair[self.by_pair]

    def edges(self, used: np.ndarray) -> np.ndarray:
        """Every edge (both directions, sorted) between the node pairs of the ``used`` edges."""
        wanted = np.unique(self.pair[used])
        start = np.searchsorted(self.sorted_pair, wanted)
        size = np.searchsorted(self.sorted_pair, wanted, side="right") - start
        at = np.repeat(start - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
        return np.sort(self.by_pair[at])


def failure_points(
    net: RoadNetwork,
    weight: np.ndarray,
    exits: np.ndarray,
    origin_node: np.ndarray,
    people: np.ndarray,
    edge_people: np.ndarray,
    road_names: np.ndarray,
    reach: np.ndarray | None = None,
) -> list[FailurePoint]:
    """Roads whose used stretch, closed, cuts enough people off (see :data:`MIN_SHARE`).

    Parameters
    ----------
    weight
        Route-choice cost per edge (inf for closed edges).
    exits
        Safe-exit node indices.
    origin_node, people
        Node and people of every travelling origin group.
    edge_people
        People routed over each edge: a road's stretch is its edges that at
        least the threshold of people use.
    road_names
        Display name per edge ("(class)" when unnamed).
    reach
        Mask of nodes with a path to an exit on ``weight``, when the caller has
        it (e.g. from the exits' tree); searched here otherwise.

    Returns
    -------
    list of FailurePoint
        One per road name, most people first.
    """
    if len(exits) == 0 or len(origin_node) == 0:
        return []
    threshold = max(MIN_PEOPLE, MIN_SHARE * float(people.sum()))
    graph = _ExitGraph.build(net, weight, exits)
    counted = (graph.reachable() if reach is None else reach)[origin_node]
    busy = np.flatnonzero(edge_people >= threshold)
    names, name_of = np.unique(road_names[busy], return_inverse=True)
    stretches = _Stretches(net)
    found = []
    for i, name in enumerate(names):
        stretch = stretches.edges(busy[name_of == i])
        on_it = np.zeros(net.n_nodes, dtype=bool)
        on_it[net.edge_u[stretch]] = on_it[net.edge_v[stretch]] = True
        lost = counted & ~graph.reachable(stretch)[origin_node] & ~on_it[origin_node]
        cut = int(people[lost].sum())
        if cut >= threshold:
            found.append(FailurePoint(str(name), cut, stretch))
    return sorted(found, key=lambda f: -f.people_cut_off)
