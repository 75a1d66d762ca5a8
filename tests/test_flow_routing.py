"""Capacity-aware routing: traffic spreads over parallel roads as the fastest one queues.

Pinned on tiny synthetic networks with analytic answers (two parallel roads, one
bottleneck) and on the real ``snaroya`` workload against the fixed shortest paths.
"""

from __future__ import annotations

import numpy as np
import pytest

from geo.network import RoadNetwork, network_from_arrays
from planning import routing
from planning.clearance import ClearanceCurves, simulate
from planning.flow_routing import FlowRoutes, route_flows
from tests.flow_demand import Demand
from tests.toy_networks import ORIGIN, bottleneck_line

DT = 10.0
#: Everyone leaves at once.
AT_ONCE = [(0.0, 1.0), (1.0, 1.0)]


def parallel_roads(c1: float, c2: float) -> RoadNetwork:
    """0 -> 1, then two parallel roads 1 -> 3 -> 2 (capacity c1, slightly faster)
    and 1 -> 4 -> 2 (capacity c2), then 2 -> 5. Links 0-1 and 2-5 are uncapacitated."""
    xy = ORIGIN + np.array(
        [[0, 0], [1000, 0], [3000, 0], [2000, 100], [2000, -100], [4000, 0]], dtype=float
    )
    u = np.array([0, 1, 3, 1, 4, 2])
    v = np.array([1, 3, 2, 4, 2, 5])
    cap = np.array([1e6, c1, c1, c2, c2, 1e6])
    speed = np.array([36.0, 36.0, 36.0, 34.0, 34.0, 36.0])
    return network_from_arrays(xy, u, v, speed_kph=speed, capacity_vph=cap)


def _toy_routes(c1: float, c2: float, n_units: float, **kw: float) -> tuple[FlowRoutes, float]:
    net = parallel_roads(c1, c2)
    trees = routing.site_trees(net, net.xy[[5]])
    fr = route_flows(trees, np.array([0]), np.array([[n_units]]), AT_ONCE, **kw)
    return fr, float(trees.time_s[0, 0])


INSIDE = np.array([True, False, False, False, False, False])


@pytest.mark.parametrize(
    ("c1", "c2", "n_units"), [(600.0, 1800.0, 800.0), (600.0, 600.0, 900.0), (900.0, 300.0, 1000.0)]
)
def test_two_parallel_roads_clear_at_the_combined_capacity(
    c1: float, c2: float, n_units: float
) -> None:
    fr, t_free = _toy_routes(c1, c2, n_units)
    flow = fr.clearance(INSIDE, dt=DT).time_for(1.0)
    fixed = fr.fixed_clearance(INSIDE, dt=DT).time_for(1.0)
    assert abs(flow - (t_free + n_units / (c1 + c2) * 3600.0)) <= 2 * DT
    assert abs(fixed - (t_free + n_units / c1 * 3600.0)) <= 2 * DT
    # Each road carries its capacity's share.
    assert fr.edge_units[1] == pytest.approx(n_units * c1 / (c1 + c2))
    assert fr.edge_units[3] == pytest.approx(n_units * c2 / (c1 + c2))


def test_split_pair_reports_both_paths_and_conserves_units() -> None:
    fr, _ = _toy_routes(600.0, 1800.0, 800.0)
    paths = fr.od_paths()
    assert sorted(p.edges.tolist() for p in paths) == [[0, 1, 2, 5], [0, 3, 4, 5]]
    assert sum(p.units for p in paths) == pytest.approx(800.0)
    assert {p.edges[1]: p.units for p in paths} == pytest.approx({1: 200.0, 3: 600.0})
    assert fr.clearance(INSIDE).arrived[-1] == pytest.approx(800.0)


@pytest.mark.parametrize(("n_units", "capacity"), [(1000, 600.0), (300, 1200.0), (50, 200.0)])
def test_one_bottleneck_still_clears_at_t_free_plus_n_over_c(n_units: int, capacity: float) -> None:
    net = bottleneck_line(capacity)
    trees = routing.site_trees(net, net.xy[[3]])
    fr = route_flows(trees, np.array([0]), np.array([[float(n_units)]]), AT_ONCE)
    curves = fr.clearance(np.array([True, False, False, False]), dt=DT)
    for share in (1.0, 0.9, 0.5):
        analytic = 300.0 + share * n_units / capacity * 3600.0
        assert abs(curves.time_for(share) - analytic) <= 2 * DT, share
    assert curves.arrived[-1] == pytest.approx(n_units)


def test_lower_capacity_factor_gives_a_longer_clearance() -> None:
    low, t_free = _toy_routes(600.0, 1800.0, 800.0, capacity_factor=0.75)
    high, _ = _toy_routes(600.0, 1800.0, 800.0, capacity_factor=1.25)
    t_low = low.clearance(INSIDE, dt=DT).time_for(1.0)
    t_high = high.clearance(INSIDE, dt=DT).time_for(1.0)
    assert t_low > t_high
    assert abs(t_low - (t_free + 800.0 / (0.75 * 2400.0) * 3600.0)) <= 2 * DT
    assert abs(t_high - (t_free + 800.0 / (1.25 * 2400.0) * 3600.0)) <= 2 * DT
    # The what-if on fixed routes scales the same way.
    same_routes = high.clearance(INSIDE, dt=DT, capacity_factor=0.6).time_for(1.0)
    assert same_routes == pytest.approx(t_low, abs=2 * DT)


def test_departure_slices_together_depart_as_the_curve_says() -> None:
    """Eight slices on identical trees behave exactly like one commodity."""
    net = bottleneck_line(1e6)
    trees = routing.site_trees(net, net.xy[[3]])
    curve = [(0.0, 0.0), (10.0, 0.5), (20.0, 1.0)]
    inside = np.array([True, False, False, False])
    one = simulate(trees, np.array([0]), np.array([[100.0]]), curve, inside)
    eight = simulate(
        routing.stack_trees([trees] * 8),
        np.array([0]),
        np.full((1, 8), 12.5),
        curve,
        inside,
        slice_of=np.arange(8),
        n_slices=8,
    )
    for share in (0.1, 0.5, 0.9, 1.0):
        assert eight.time_for(share) == pytest.approx(one.time_for(share)), share


def test_origin_on_an_off_network_site_still_covers_the_leg() -> None:
    net = bottleneck_line(1e6)
    far = net.xy[3] + np.array([0.0, 1000.0])  # 1 km off the network
    trees = routing.site_trees(net, far[None, :])
    assert trees.offnet_s[0] > 0
    curves = simulate(trees, np.array([3]), np.array([[10.0]]), AT_ONCE, np.zeros(4, dtype=bool))
    assert curves.time_for(1.0) == pytest.approx(trees.offnet_s[0], abs=DT)


# --- routing building blocks ------------------------------------------------------------


def test_parallel_edges_route_on_the_cheapest() -> None:
    xy = ORIGIN + np.array([[0.0, 0.0], [1000.0, 0.0]])
    net = network_from_arrays(
        xy,
        np.array([0, 0, 0]),
        np.array([1, 1, 1]),
        speed_kph=np.array([20.0, 60.0, 40.0]),
        capacity_vph=np.full(3, 500.0),
    )
    trees = routing.site_trees(net, net.xy[[1]])
    assert trees.next_edge[0, 0] == 1
    closed = np.array([False, True, False])
    assert routing.site_trees(net, net.xy[[1]], closed=closed).next_edge[0, 0] == 2


def test_destination_with_many_entries_is_reached_at_the_nearest() -> None:
    net = bottleneck_line(1e6)
    trees = routing.destination_trees(net, [np.array([0, 3])])
    assert trees.time_s[0].tolist() == pytest.approx([0.0, 100.0, 100.0, 0.0])
    assert trees.next_node[0].tolist() == [-1, 0, 3, -1]


def test_vectorised_edge_loads_match_a_walk_along_every_path(snaroya_demand: Demand) -> None:
    d = snaroya_demand
    loads = d.trees.edge_loads(d.origin_node, d.units)
    expected = np.zeros(d.network.n_edges)
    for i, node in enumerate(d.origin_node):
        for j in np.flatnonzero(d.units[i]):
            node_ = int(node)
            while (e := int(d.trees.next_edge[j, node_])) >= 0:
                expected[e] += d.units[i, j]
                node_ = int(d.trees.next_node[j, node_])
    assert loads == pytest.approx(expected)


CLEARANCE_FIGURES = [
    (0.5, False),
    (0.9, False),
    (1.0, False),
    (0.5, True),
    (0.9, True),
    (1.0, True),
]


def _figures(c: ClearanceCurves) -> np.ndarray:
    return np.array([c.time_for(share, arrived=arrived) for share, arrived in CLEARANCE_FIGURES])


def test_snaroya_traffic_spreads_over_parallel_streets(
    snaroya_demand: Demand, snaroya_routes: FlowRoutes
) -> None:
    d, fr = snaroya_demand, snaroya_routes
    cap = d.network.capacity
    fixed = d.trees.edge_loads(d.origin_node, d.units)
    # Fixed shortest paths overload Skogenbuen (~2x its capacity) ...
    skogenbuen = (d.network.edges["name"] == "Skogenbuen").to_numpy()
    assert (fixed[skogenbuen] / cap[skogenbuen]).max() > 1.9
    # ... the flow routing moves traffic to parallel streets; what remains on top is
    # the one road off the peninsula (Rolfsbuktveien), which every car must take.
    skogenbuen_fixed = (fixed[skogenbuen] / cap[skogenbuen]).max()
    assert (fr.edge_units[skogenbuen] / cap[skogenbuen]).max() < 0.8 * skogenbuen_fixed
    assert (fr.edge_units / cap).max() < 0.9 * (fixed / cap).max()
    assert (fr.edge_units > 0).sum() >= (fixed > 0).sum() + 10
    assert fr.edge_units.sum() > 0 and sum(p.units for p in fr.od_paths()) == pytest.approx(
        d.units.sum()
    )


def test_snaroya_clearance_is_nowhere_worse_than_fixed_paths(
    snaroya_demand: Demand, snaroya_routes: FlowRoutes
) -> None:
    flow = _figures(snaroya_routes.clearance(snaroya_demand.inside, dt=DT))
    fixed = _figures(snaroya_routes.fixed_clearance(snaroya_demand.inside, dt=DT))
    # Within the model's resolution (two time steps), and clearly better on arrival.
    assert (flow <= fixed + 2 * DT).all(), (flow / 60, fixed / 60)
    assert flow[4] < fixed[4] - 5 * 60  # arrival p90: at least 5 min earlier
