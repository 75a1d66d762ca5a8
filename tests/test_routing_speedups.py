"""The route-choice speed-ups (branch sp-route) change no result.

Each faster piece is checked against the straightforward version it replaced:

- per-network CSR index and parallel-edge groups: ``RoadNetwork.csr`` and
  ``cheapest_edges`` equal a from-scratch build, with parallel edges, ties and
  closed (inf) edges;
- ``sorted_unique`` and the queue forecast's mask-based unique equal ``np.unique``;
- walks checked for the end only every few hops equal a one-hop-per-round walk;
- one search pass for the sites and the exits equals the two stacked searches;
- origins snapped through the network's node tree (widening the candidates when
  the nearest are unusable) equal a k-d tree built on the usable nodes;
- the stacked hops assembled from each slice's walks equal walking the stacked trees.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.network import RoadNetwork, network_from_arrays
from geo.region import Region
from planning import routing
from planning.destinations import exit_nodes
from planning.flow_routing import FlowRoutes
from planning.queue_forecast import _unique_inverse
from tests.toy_networks import ORIGIN


def parallel_pairs() -> RoadNetwork:
    """0 -> 1 three times (two with the same speed), 1 -> 2 twice, 2 -> 0 once, 1 -> 0 once."""
    xy = ORIGIN + np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0]])
    u = np.array([0, 0, 0, 1, 1, 2, 1])
    v = np.array([1, 1, 1, 2, 2, 0, 0])
    speed = np.array([30.0, 50.0, 50.0, 40.0, 60.0, 50.0, 50.0])
    return network_from_arrays(xy, u, v, speed_kph=speed, capacity_vph=np.full(7, 900.0))


def reference_cheapest(net: RoadNetwork, weight: np.ndarray) -> dict[tuple[int, int], int]:
    """Per node pair, the first edge (in edge order) with the pair's least weight."""
    best: dict[tuple[int, int], int] = {}
    for e, (a, b) in enumerate(zip(net.edge_u, net.edge_v, strict=True)):
        key = (int(a), int(b))
        if key not in best or weight[e] < weight[best[key]]:
            best[key] = e
    return best


def reference_csr(net: RoadNetwork, weight: np.ndarray, reverse: bool) -> np.ndarray:
    """Dense matrix of the least weight per pair (0 = no edge; zero weights as 1e-6)."""
    dense = np.zeros((net.n_nodes, net.n_nodes))
    for (a, b), e in reference_cheapest(net, weight).items():
        if np.isfinite(weight[e]):
            dense[(b, a) if reverse else (a, b)] = max(weight[e], 1e-6)
    return dense


def weights(net: RoadNetwork, seed: int) -> list[np.ndarray]:
    """Travel times, random ones, rounded ones (ties) and some closed edges."""
    rng = np.random.default_rng(seed)
    tt = net.travel_time_s
    closed = tt * rng.uniform(0.5, 2.0, net.n_edges)
    closed[rng.random(net.n_edges) < 0.3] = np.inf
    return [tt, np.round(tt * rng.uniform(0.5, 2.0, net.n_edges), -1), closed]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cheapest_edges_and_csr_equal_a_build_from_scratch(seed: int) -> None:
    net = parallel_pairs()
    for weight in weights(net, seed):
        key, edge = net.cheapest_edges(weight)
        n = net.n_nodes
        got = {(int(k // n), int(k % n)): int(e) for k, e in zip(key, edge, strict=True)}
        assert got == reference_cheapest(net, weight)
        for reverse in (False, True):
            m = net.csr(weight, reverse=reverse)
            assert isinstance(m, sp.csr_matrix) and m.has_sorted_indices
            np.testing.assert_array_equal(m.toarray(), reference_csr(net, weight, reverse))


def test_cheapest_edges_and_csr_on_the_region_network(region: Region) -> None:
    net = region.network("drive")
    for weight in weights(net, 3):
        key, edge = net.cheapest_edges(weight)
        ref = reference_cheapest(net, weight)
        n = net.n_nodes
        assert [ref[(int(k // n), int(k % n))] for k in key] == edge.tolist()
        for reverse in (False, True):
            m = net.csr(weight, reverse=reverse)
            rows, cols = (net.edge_v, net.edge_u) if reverse else (net.edge_u, net.edge_v)
            ok = np.isfinite(weight)
            want = sp.coo_matrix((np.ones(ok.sum()), (rows[ok], cols[ok])), shape=m.shape)
            assert m.nnz == want.tocsr().nnz  # one entry per open node pair
            assert (m.data >= 1e-6).all()


@pytest.mark.parametrize("size", [0, 1, 5, 300])
def test_unique_helpers_equal_numpy(size: int) -> None:
    rng = np.random.default_rng(size)
    for values in (rng.integers(0, 50, size), np.arange(size) * 3, np.arange(size)[::-1]):
        got = routing.sorted_unique(values)
        want = np.unique(values)
        assert got.dtype == want.dtype and got.tolist() == want.tolist()
        assert got is not values  # a new array, as np.unique gives
        keys, inverse = _unique_inverse(values, 1000)
        want_keys, want_inverse = np.unique(values, return_inverse=True)
        assert keys.tolist() == want_keys.tolist()
        assert inverse.tolist() == want_inverse.tolist()


def one_hop_walk(
    trees: routing.SiteTrees, nodes: np.ndarray, dests: np.ndarray
) -> list[tuple[int, int]]:
    """(walker, edge) of every hop, following next_node one hop at a time."""
    hops = []
    for w, (node, j) in enumerate(zip(nodes, dests, strict=True)):
        while node >= 0 and trees.next_node[j, node] >= 0:
            hops.append((w, int(trees.next_edge[j, node])))
            node = trees.next_node[j, node]
    return hops


def test_one_search_pass_for_sites_and_exits_equals_two(region: Region) -> None:
    net = region.network("drive")
    rng = np.random.default_rng(4)
    site_xy = net.xy[rng.choice(net.n_nodes, 3, replace=False)] + 300.0
    closed = rng.random(net.n_edges) < 0.02
    exits = exit_nodes(net, shapely_zone(net), 500.0).nodes
    both = routing.site_trees(net, site_xy, closed=closed, also=[exits])
    apart = routing.stack_trees(
        [
            routing.site_trees(net, site_xy, closed=closed),
            routing.destination_trees(net, [exits], closed=closed),
        ]
    )
    for a in ("site_nodes", "offnet_m", "offnet_s", "time_s", "next_node", "next_edge", "weight"):
        np.testing.assert_array_equal(getattr(both, a), getattr(apart, a), err_msg=a)
    assert [e.tolist() for e in both.entries] == [e.tolist() for e in apart.entries]
    nodes = rng.integers(0, net.n_nodes, 200)
    dests = rng.integers(0, 4, 200)
    walker, edge = both.walk(nodes, dests)
    assert list(zip(walker.tolist(), edge.tolist(), strict=True)) == one_hop_walk(
        both, nodes, dests
    )


def shapely_zone(net: RoadNetwork) -> BaseGeometry:
    """A 1.5 km disc around the network's middle node."""
    middle = net.xy[np.argsort(net.xy[:, 0])[net.n_nodes // 2]]
    return shapely.Point(middle).buffer(1500.0)


def reference_attach(
    trees: routing.SiteTrees, xy: np.ndarray, usable: np.ndarray, reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """The old snapping: a k-d tree of the usable nodes, nearest within MAX_SNAP_M."""
    good = np.flatnonzero(usable)
    dist, pos = cKDTree(trees.network.xy[good]).query(xy)
    near = dist <= routing.MAX_SNAP_M
    ok = near & reach[good[pos]]
    any_dist, _ = cKDTree(trees.network.xy).query(xy)
    reasons: list[str | None] = [
        None
        if ok[i]
        else "reason.roads_closed"
        if near[i]
        else "reason.cut_off"
        if any_dist[i] <= routing.MAX_SNAP_M
        else "reason.no_road_near"
        for i in range(len(xy))
    ]
    return np.where(ok, good[pos], -1), np.where(ok, dist, np.inf), reasons


@pytest.mark.parametrize("usable_share", [1.0, 0.5, 0.03])
def test_snapping_through_the_node_tree_equals_a_tree_of_usable_nodes(
    region: Region, usable_share: float
) -> None:
    net = region.network("drive")
    rng = np.random.default_rng(5)
    exits = np.flatnonzero(rng.random(net.n_nodes) < 0.05)
    # Most roads closed: few nodes reach an exit.
    trees = routing.destination_trees(net, [exits], closed=rng.random(net.n_edges) < 0.7)
    reach = np.isfinite(trees.time_s[0])
    # A mask of nodes reaching a site "when nothing is closed": most nodes unusable
    # makes the nearest candidates fail, so the search widens.
    open_reach = rng.random(net.n_nodes) < usable_share
    xy = net.xy[rng.integers(0, net.n_nodes, 300)] + rng.normal(0.0, 250.0, (300, 2))
    active = np.array([True])
    for extra in (None, open_reach):
        got = routing.attach_origins(trees, xy, active, open_reach=extra)
        usable = reach if extra is None else reach | extra
        node, snap, reasons = reference_attach(trees, xy, usable, reach)
        np.testing.assert_array_equal(got.node, node)
        np.testing.assert_array_equal(got.snap_m, snap)
        assert [None if r is None else r.key for r in got.reason] == reasons


def test_stacked_hops_from_the_slices_equal_walking_the_stacked_trees(
    snaroya_routes: FlowRoutes,
) -> None:
    fr = snaroya_routes
    assert fr.walked is not None and fr.n_slices > 1
    walked = fr.trees.hops(fr.origin_node, fr.units)
    for a in ("rows", "dests", "walker", "edge"):
        np.testing.assert_array_equal(getattr(fr.hops, a), getattr(walked, a), err_msg=a)
    # Each slice's trees as views of the stacked ones.
    part = fr.trees.part(1, fr.n_dest)
    assert np.shares_memory(part.next_edge, fr.trees.next_edge)
    np.testing.assert_array_equal(part.time_s, fr.trees.time_s[fr.n_dest : 2 * fr.n_dest])
