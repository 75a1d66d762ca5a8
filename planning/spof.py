"""Single points of failure: one road that is the only way out for many people.

A road is a single point of failure when closing the stretch of it that the
evacuation traffic uses (both directions) leaves people who do not live on
that stretch with no path to any safe exit: e.g. Rolfsbuktveien at the
Snarøya neck while Snarøyveien is closed for construction. Everybody cut off
by a stretch uses it on the way out, so only roads that enough evacuees use
(see :data:`MIN_SHARE`) are tested: each test is one compiled multi-source
search from the exits on the reversed graph (``scipy.sparse.csgraph``), so
one-way streets count the way they run.

A single junction can be the weak point too, but junction tests flag every
block with one access street; the named road is what a plan can secure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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


def _reachable(net: RoadNetwork, weight: np.ndarray, exits: np.ndarray) -> np.ndarray:
    """Mask of nodes with a path to any exit on ``weight`` (inf = closed)."""
    d = dijkstra(net.csr(weight, reverse=True), indices=exits, min_only=True)
    return np.asarray(np.isfinite(d))


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
    counted = (_reachable(net, weight, exits) if reach is None else reach)[origin_node]
    pair = np.minimum(net.edge_u, net.edge_v) * net.n_nodes + np.maximum(net.edge_u, net.edge_v)
    busy = edge_people >= threshold
    found = []
    for name in np.unique(road_names[busy]):
        stretch = np.isin(pair, pair[busy & (road_names == name)])
        w = weight.copy()
        w[stretch] = np.inf
        on_it = np.zeros(net.n_nodes, dtype=bool)
        on_it[net.edge_u[stretch]] = on_it[net.edge_v[stretch]] = True
        lost = counted & ~_reachable(net, w, exits)[origin_node] & ~on_it[origin_node]
        cut = int(people[lost].sum())
        if cut >= threshold:
            found.append(FailurePoint(str(name), cut, np.flatnonzero(stretch)))
    return sorted(found, key=lambda f: -f.people_cut_off)
