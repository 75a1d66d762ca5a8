"""The clearance speed-ups change nothing: batched capacity runs and shared queues.

- The low/central/high capacity runs simulated side by side give exactly the
  curves of three separate simulations.
- Commodities whose paths converge share one queue per edge from where they
  meet (fewer cells), and still clear exactly as separately queued traffic would.
"""

from __future__ import annotations

import numpy as np
import pytest

from geo.network import RoadNetwork, network_from_arrays
from planning import clearance, routing
from planning.clearance import simulate, simulate_capacities
from planning.flow_routing import FlowRoutes
from tests.flow_demand import Demand
from tests.toy_networks import ORIGIN

CURVE = [(0.0, 0.0), (20.0, 1.0)]


def test_side_by_side_capacity_runs_equal_separate_runs(
    snaroya_demand: Demand, snaroya_routes: FlowRoutes
) -> None:
    d, fr = snaroya_demand, snaroya_routes
    factors = [0.75, 1.0, 1.25]
    together = fr.clearances(d.inside, factors)
    for factor, curves in zip(factors, together, strict=True):
        alone = fr.clearance(d.inside, capacity_factor=factor)
        assert np.array_equal(curves.t_s, alone.t_s), factor
        assert np.array_equal(curves.left, alone.left), factor
        assert np.array_equal(curves.arrived, alone.arrived), factor
    # Lower capacity, later clearance: the runs did not mix.
    p100 = [c.time_for(1.0) for c in together]
    assert p100[0] > p100[1] > p100[2]


def merging_roads() -> RoadNetwork:
    """0 -> 2 -> 3 -> 4 and 1 -> 5 -> 3 meet at 3; a link 2 -> 5 joins the two.

    Edges: 0: 0-2, 1: 2-3, 2: 3-4 (the 300 veh/h bottleneck), 3: 1-5, 4: 5-3, 5: 2-5.
    """
    xy = ORIGIN + np.array(
        [[0, 500], [0, -500], [1000, 500], [2000, 0], [3000, 0], [1000, -500]], dtype=float
    )
    u, v = np.array([0, 2, 3, 1, 5, 2]), np.array([2, 3, 4, 5, 3, 5])
    capacity = np.array([1e6, 1e6, 300.0, 1e6, 1e6, 1e6])
    return network_from_arrays(xy, u, v, speed_kph=np.full(6, 36.0), capacity_vph=capacity)


def test_converging_commodities_share_queues_after_they_meet() -> None:
    net = merging_roads()
    base = routing.site_trees(net, net.xy[[4]])
    blocked = base.weight.copy()
    blocked[1] = np.inf  # 2 -> 3 closed: from 2 the way runs via 5
    detour = routing.trees_for_weight(net, blocked, [np.array([4])])
    assert (base.next_node[0, 2], detour.next_node[0, 2]) == (3, 5)
    # Two commodities with different trees (e.g. two departure slices routed
    # apart): paths 0-2-3-4 (first tree) and 1-5-3-4 (second) meet at node 3.
    trees = routing.stack_trees([base, detour])
    origin = np.array([0, 1])
    units = np.array([[60.0, 0.0], [0.0, 40.0]])
    inside = np.zeros(net.n_nodes, dtype=bool)
    lay = clearance._layout(trees, origin, units, inside, net.capacity[None, :], 10.0)
    # 0-2, 2-3, 1-5, 5-3 and one shared cell on 3-4 (one per commodity would be six).
    assert len(lay.edge) == 5
    merged = simulate(trees, origin, units, CURVE, inside)
    # The first tree holds both paths: the same traffic as one commodity.
    single = simulate(base, origin, units.sum(axis=1, keepdims=True), CURVE, inside)
    for share in (0.5, 0.9, 1.0):
        assert merged.time_for(share) == pytest.approx(single.time_for(share)), share
    # 100 cars over a 300 veh/h road take at least 20 minutes.
    assert merged.time_for(1.0) >= 100 / 300 * 3600


def test_simulate_capacities_runs_each_capacity_array() -> None:
    net = merging_roads()
    tree = routing.site_trees(net, net.xy[[4]])
    origin, units = np.array([0]), np.array([[100.0]])
    inside = np.zeros(net.n_nodes, dtype=bool)
    caps = [net.capacity * f for f in (0.5, 2.0)]
    slow, fast = simulate_capacities(tree, origin, units, [(0.0, 1.0), (1.0, 1.0)], inside, caps)
    assert slow.time_for(1.0) > fast.time_for(1.0)
    for cap, got in zip(caps, (slow, fast), strict=True):
        alone = simulate(tree, origin, units, [(0.0, 1.0), (1.0, 1.0)], inside, capacity_per_h=cap)
        assert np.array_equal(got.arrived, alone.arrived)
