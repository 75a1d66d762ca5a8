"""The warm-plan speed-ups change no result.

- Route choice predicts queues incrementally (:class:`planning.queue_forecast.QueueForecast`:
  resumed from a checkpoint at each new slice's first departure, simulated only as far
  as asked): its waits equal a full re-simulation of the earlier slices with
  :func:`planning.clearance.simulate`, on a toy and on the Snarøya workload, whether the
  queries run to the end (every new slice winds the simulation back) or stay close.
- The clearance layout finds zone exits along the used edges only: the same as over
  every node of every tree.
- Walks, path lines, bottleneck order and per-network caches give what the slower
  code gave (path lines: byte for byte what ``shapely.line_merge`` gives).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.network import RoadNetwork, network_from_arrays
from geo.region import Region
from planning import clearance, routing
from planning.clearance import _clear_after, _clear_heads, simulate
from planning.destinations import data_edge_nodes
from planning.flow_routing import PREDICT_DT_S, FlowRoutes, route_flows
from planning.path_geometry import path_lines
from planning.plan_summary import _descending
from planning.queue_forecast import QueueForecast
from tests.flow_demand import Demand
from tests.toy_networks import ORIGIN

#: Departures spread over 20 minutes: each slice starts at its own step.
SPREAD = [(0.0, 0.0), (20.0, 1.0)]


def _layer(stacked: routing.SiteTrees, s: int, k: int) -> routing.SiteTrees:
    """Slice ``s``'s trees out of the stacked trees of a routing."""
    part = slice(s * k, (s + 1) * k)
    return routing.SiteTrees(
        stacked.network,
        stacked.site_nodes[part],
        stacked.offnet_m[part],
        stacked.offnet_s[part],
        stacked.time_s[part],
        stacked.next_node[part],
        stacked.next_edge[part],
        entries=stacked.entries[part],
        weight=stacked.weight,
    )


def _queue_trace(*args: object, **kwargs: object) -> tuple[np.ndarray, np.ndarray]:
    """Run :func:`simulate`, recording each used edge's queue after every step's discharge.

    The reference for :class:`QueueForecast`: the used edges and a (steps, used edges)
    array of the units still waiting at their entrances (the backlog; traffic that gets
    through within its step has no wait). Single capacity run only.
    """
    layouts: list[clearance._Layout] = []
    rows: list[np.ndarray] = []
    real_layout, real_discharge = clearance._layout, clearance._discharge

    def layout(*a: object) -> clearance._Layout:
        layouts.append(real_layout(*a))  # type: ignore[arg-type]
        return layouts[-1]

    def discharge(
        queue: np.ndarray, edge_pos: np.ndarray, cap: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        out = real_discharge(queue, edge_pos, cap, out=out)
        rows.append(np.bincount(edge_pos, weights=queue - out, minlength=len(cap)))
        return out

    with (
        mock.patch.object(clearance, "_layout", layout),
        mock.patch.object(clearance, "_discharge", discharge),
    ):
        simulate(*args, **kwargs)  # type: ignore[arg-type]
    return layouts[0].used, np.array(rows).reshape(len(rows), -1)


def _resimulated_waits(fr: FlowRoutes, s: int, arrival: np.ndarray) -> np.ndarray:
    """Waits per edge from simulating slices 0..s-1 from time zero (the old way).

    FIFO point queue: a unit reaching an edge waits until the backlog ahead of it
    has been discharged at capacity; after the simulated span the queues are empty.
    """
    k, net = fr.n_dest, fr.trees.network
    edges, queue = _queue_trace(
        routing.stack_trees([_layer(fr.trees, i, k) for i in range(s)]),
        fr.origin_node,
        fr.units[:, : s * k],
        fr.mobilisation,
        np.zeros(net.n_nodes, dtype=bool),
        capacity_per_h=fr.capacity_vph,
        dt=PREDICT_DT_S,
        slice_of=np.repeat(np.arange(s), k),
        n_slices=fr.n_slices,
    )
    step = np.rint(np.nan_to_num(arrival[edges], posinf=-1.0) / PREDICT_DT_S).astype(np.int64)
    cols = np.flatnonzero((step >= 0) & (step < len(queue)))
    backlog = np.zeros(len(edges))
    backlog[cols] = queue[step[cols], cols]
    waits = np.zeros(net.n_edges)
    waits[edges] = backlog / np.maximum(fr.capacity_vph[edges], 1e-9) * 3600.0
    return waits


def _check_forecast(fr: FlowRoutes, far: bool) -> int:
    """Compare the incremental waits with re-simulations slice by slice; count rewinds."""
    k, net = fr.n_dest, fr.trees.network
    forecast = QueueForecast(net, fr.capacity_vph, fr.mobilisation, fr.n_slices, PREDICT_DT_S)
    arrivals = _arrivals(far, net.n_edges)
    rewinds, queued = 0, False
    for s in range(1, fr.n_slices):
        rewinds += forecast.step > forecast.first[s - 1]
        units = fr.units[:, (s - 1) * k : s * k]
        forecast.add_slice(s - 1, _layer(fr.trees, s - 1, k), fr.origin_node, units)
        arrival = arrivals(s, forecast)
        got = np.zeros(net.n_edges)
        got[forecast.edges] = forecast.wait_s(arrival[forecast.edges])
        want = _resimulated_waits(fr, s, arrival)
        queued |= bool(got.any())
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, err_msg=f"slice {s}")
    assert queued  # the comparison is about real queues
    return rewinds


def parallel_roads() -> RoadNetwork:
    """0 -> 1, two parallel roads 1 -> 3 -> 2 (600 veh/h) and 1 -> 4 -> 2 (1,800), 2 -> 5."""
    xy = ORIGIN + np.array(
        [[0, 0], [1000, 0], [3000, 0], [2000, 100], [2000, -100], [4000, 0]], dtype=float
    )
    u, v = np.array([0, 1, 3, 1, 4, 2]), np.array([1, 3, 2, 4, 2, 5])
    cap = np.array([1e6, 600.0, 600.0, 1800.0, 1800.0, 1e6])
    speed = np.array([36.0, 36.0, 36.0, 34.0, 34.0, 36.0])
    return network_from_arrays(xy, u, v, speed_kph=speed, capacity_vph=cap)


def _arrivals(far: bool, n_edges: int) -> Callable[[int, QueueForecast], np.ndarray]:
    """Arrival times per edge for slice ``s``'s route choice.

    Far: anywhere from the start to well after everyone has arrived (each new slice
    then winds the simulation back). Near: before slice ``s`` starts departing (no
    rewinds needed).
    """
    rng = np.random.default_rng(7)
    if far:
        return lambda s, fc: rng.uniform(0.0, 4 * 3600.0, n_edges)
    return lambda s, fc: rng.uniform(0.0, (fc.first[s] - 1) * PREDICT_DT_S, n_edges)


@pytest.mark.parametrize("far", [True, False])
def test_incremental_queues_equal_a_full_resimulation_on_a_toy(far: bool) -> None:
    net = parallel_roads()
    trees = routing.site_trees(net, net.xy[[5]])
    fr = route_flows(trees, np.array([0]), np.array([[2000.0]]), SPREAD, n_slices=6)
    rewinds = _check_forecast(fr, far)
    assert (rewinds > 0) == far
    # Both roads carry traffic: the queues steered the later slices.
    assert fr.edge_units[1] > 0 and fr.edge_units[3] > 0


@pytest.mark.parametrize("far", [True, False])
def test_incremental_queues_equal_a_full_resimulation_on_snaroya(
    snaroya_routes: FlowRoutes, far: bool
) -> None:
    fr = snaroya_routes
    rewinds = _check_forecast(fr, far)
    assert (rewinds > 0) == far


def test_zone_exits_along_used_edges_equal_those_over_every_node(
    snaroya_demand: Demand, snaroya_routes: FlowRoutes
) -> None:
    trees, net = snaroya_routes.trees, snaroya_demand.network
    hops = snaroya_routes.hops
    used = np.unique(hops.edge)
    pos = np.full(net.n_edges, -1)
    pos[used] = np.arange(len(used))
    ne = trees.next_edge[:, net.edge_v[used]]
    nxt_pos = np.where(ne >= 0, pos[np.maximum(ne, 0)], -1)
    heads = _clear_heads(nxt_pos, snaroya_demand.inside[net.edge_v[used]])
    every_node = _clear_after(trees, snaroya_demand.inside)
    comm = hops.dests[hops.walker]
    assert np.array_equal(heads[comm, pos[hops.edge]], every_node[comm, net.edge_v[hops.edge]])
    assert not heads[comm, pos[hops.edge]].all()  # the zone is crossed on the way


def _walk_hop_by_hop(trees: routing.SiteTrees, node: int, dest: int) -> list[int]:
    edges = []
    while trees.next_edge[dest, node] >= 0:
        edges.append(int(trees.next_edge[dest, node]))
        node = int(trees.next_node[dest, node])
    return edges


def test_walk_equals_following_the_tree_hop_by_hop(snaroya_routes: FlowRoutes) -> None:
    trees = snaroya_routes.trees
    rng = np.random.default_rng(3)
    nodes = rng.integers(0, trees.network.n_nodes, 300)
    nodes[::50] = -1  # unattached origins walk nowhere
    dests = rng.integers(0, len(trees.site_nodes), 300)
    walker, edge = trees.walk(nodes, dests)
    for w, (node, dest) in enumerate(zip(nodes, dests, strict=True)):
        expected = [] if node < 0 else _walk_hop_by_hop(trees, int(node), int(dest))
        assert edge[walker == w].tolist() == expected, w


def test_bottleneck_order_is_pandas_sort_order_with_ties_and_nan() -> None:
    rng = np.random.default_rng(11)
    for trial in range(300):
        values = rng.integers(0, 4, rng.integers(1, 40)).astype(float) / 2
        if trial % 3 == 0:
            values[rng.integers(0, len(values))] = np.nan
        frame = pd.DataFrame({"x": values})
        expected = frame.sort_values("x", ascending=False).index.to_numpy()
        assert np.array_equal(_descending(values), expected), values


def test_node_edge_index_lists_every_edge_at_a_node_once() -> None:
    xy = ORIGIN + np.array([[0, 0], [100, 0], [200, 0], [300, 0]], dtype=float)
    u = np.array([0, 1, 1, 2, 1, 0])
    v = np.array([1, 0, 2, 2, 2, 1])  # a loop at 2, parallel edges 1 -> 2 and 0 -> 1
    net = network_from_arrays(xy, u, v, speed_kph=np.full(6, 30.0), capacity_vph=np.ones(6))
    start, edges = net.node_edges
    for node in range(net.n_nodes):
        expected = np.flatnonzero((net.edge_u == node) | (net.edge_v == node))
        assert edges[start[node] : start[node + 1]].tolist() == expected.tolist(), node


def test_network_derived_values_are_kept_per_network(region: Region) -> None:
    net = region.network("drive")
    first = data_edge_nodes(net)
    assert data_edge_nodes(net) is first
    assert first.any()
    calls = []
    assert net.derived(("test", 1), lambda: calls.append(1) or 5) == 5
    assert net.derived(("test", 1), lambda: calls.append(1) or 6) == 5
    assert calls == [1]
    # A copy (as shipped to a Dask worker) leaves the kept values behind and rebuilds them.
    copy = pickle.loads(pickle.dumps(net))
    assert copy._derived == {}
    assert np.array_equal(data_edge_nodes(copy), first)


def _merged(lines: list[list[tuple[float, float]]]) -> object:
    return shapely.line_merge(shapely.multilinestrings([shapely.linestrings(c) for c in lines]))


@pytest.mark.parametrize(
    "edges",
    [
        [[(0, 0), (1, 0)], [(1, 0), (2, 0), (2, 1)], [(2, 1), (3, 1)]],  # a chain
        [[(0, 0), (1, 0), (1, 0)], [(1, 0), (1, 0), (2, 0)]],  # repeated points
        [[(0, 0), (1, 0)], [(2, 0), (1, 0)]],  # the second edge drawn backwards
        [[(0, 0), (1, 0)], [(1, 0), (1, 0)], [(1, 0), (2, 0)]],  # a zero-length edge
        [[(0, 0), (1, 0)], [(1, 0), (1, 1)], [(1, 1), (0, 0)]],  # back at its start
        [[(0, 0), (1, 0)], [(1, 0), (2, 0)], [(2, 0), (1, 0)], [(1, 0), (1, 5)]],  # twice at (1, 0)
        [[(3, 0), (2, 0)], [(2, 0), (1, 0)]],  # running west
    ],
)
def test_path_lines_equal_the_geos_line_merger(edges: list[list[tuple[float, float]]]) -> None:
    geoms = np.array(
        [shapely.linestrings(c) for c in edges] + [shapely.linestrings([(9, 9), (8, 8)])]
    )
    paths = [np.arange(len(edges)), np.array([], dtype=np.int64), np.array([len(edges)])]
    got = path_lines(geoms, paths)
    assert got[1] is None
    assert shapely.equals_exact(got[0], _merged(edges), 0.0)
    assert got[0].wkb == _merged(edges).wkb
    assert got[2].wkb == _merged([[(9, 9), (8, 8)]]).wkb


def test_path_lines_equal_the_geos_line_merger_on_snaroya(snaroya_routes: FlowRoutes) -> None:
    net = snaroya_routes.trees.network
    paths = [p.edges for p in snaroya_routes.od_paths()]
    got = path_lines(net.edge_geometry, paths)
    for line, edges in zip(got, paths, strict=True):
        expected = shapely.line_merge(shapely.multilinestrings(net.edge_geometry[edges]))
        assert line.wkb == expected.wkb
