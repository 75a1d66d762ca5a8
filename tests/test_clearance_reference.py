"""The clearance time loop equals a plain step-by-step point-queue simulation.

:func:`planning.clearance.simulate_capacities` keeps its state flat, fetches
arrivals from a history of discharges and sums what leaves and arrives after
the loop. Here the same model is written out cell by cell (queue per cell,
proportional discharge per edge, traffic on the way kept per arrival step) on
a toy network that has everything the fast loop treats specially: edges several
steps long, cells fed by two upstream cells, zone exits, off-network legs,
units starting at their destination or outside the zone, departure slices,
three capacity runs side by side, and a late burst of departures onto roads
idle for long (after the last release the fast loop drops the positions that
can hold no more traffic; here that needs looking several cells downstream).
"""

from __future__ import annotations

import numpy as np
import pytest

from geo.network import RoadNetwork, network_from_arrays
from planning import clearance, routing
from planning.clearance import MAX_HORIZON_S, release_shares, simulate_capacities
from tests.toy_networks import ORIGIN

DT = 10.0
#: Half leave at once, the rest in a late burst (long after the roads it takes fell idle).
CURVE = [(0.0, 0.0), (5.0, 0.5), (30.0, 0.5), (31.0, 1.0)]
FACTORS = (0.5, 1.0, 1.7)
ORIGINS = np.array([0, 1, 3, 7])
#: Units per origin (row) and commodity: to site A, to A with 2 -> 3 closed, to site B.
UNITS = np.array([[60.0, 0.0, 20.0], [0.0, 120.0, 45.0], [30.0, 0.0, 0.0], [21.0, 0.0, 0.0]])
SLICE_OF, N_SLICES = np.array([0, 1, 0]), 2


def junction_roads() -> RoadNetwork:
    """0 -> 2 -> 3 -> 4 -> 7 (site A) and 1 -> 5 -> 3 meet at 3; 2 -> 5 links; 3 -> 6 (site B).

    Edges: 0: 0-2 (600 veh/h: queues at the start of a long way on), 1: 2-3
    (1.5 km), 2: 3-4, 3: 1-5, 4: 5-3 (600 veh/h), 5: 2-5, 6: 3-6, 7: 4-7.
    """
    x = [0, 0, 400, 1900, 2600, 600, 1900, 3300]
    y = [500, -500, 500, 0, 0, -500, 900, 0]
    xy = ORIGIN + np.column_stack([x, y]).astype(float)
    u, v = np.array([0, 2, 3, 1, 5, 2, 3, 4]), np.array([2, 3, 4, 5, 3, 5, 6, 7])
    capacity = np.array([600.0, 1e6, 1e6, 1e6, 600.0, 1e6, 900.0, 1e6])
    speed = np.array([36.0, 54.0, 30.0, 36.0, 40.0, 36.0, 50.0, 45.0])
    return network_from_arrays(xy, u, v, speed_kph=speed, capacity_vph=capacity)


def junction_case() -> tuple[routing.SiteTrees, np.ndarray, list[np.ndarray]]:
    """Three commodities (two trees to A, one to B), the zone and the capacity runs."""
    net = junction_roads()
    weight = routing.site_trees(net, net.xy[[7]]).weight
    base = routing.trees_for_weight(net, weight, [np.array([7])], offnet_m=np.array([300.0]))
    blocked = weight.copy()
    blocked[1] = np.inf  # 2 -> 3 closed: from 2 the way runs via 5
    detour = routing.trees_for_weight(net, blocked, [np.array([7])], offnet_m=np.array([300.0]))
    to_b = routing.trees_for_weight(net, weight, [np.array([6])])
    trees = routing.stack_trees([base, detour, to_b])
    inside = np.isin(np.arange(net.n_nodes), [0, 1, 2, 5])
    return trees, inside, [net.capacity * f for f in FACTORS]


def released_per_step() -> np.ndarray:
    """Share of each commodity departing per step, as the simulation computes it."""
    n_steps = int(MAX_HORIZON_S / DT)
    n_rel = min(n_steps, int(np.ceil(CURVE[-1][0] * 60.0 / DT))) + 1
    shares = release_shares(CURVE, np.arange(n_rel) * DT, SLICE_OF, N_SLICES)
    return np.diff(shares, axis=1, prepend=0.0)


def reference(lay: clearance._Layout, released: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """Cell-by-cell point queues: per run, cumulative (left, arrived), cut when it is done."""
    n_runs, n_cells = lay.cap.shape[0], len(lay.edge)
    width = released.shape[1] + 3000  # long enough for these toys to drain
    queue = np.zeros((n_runs, n_cells))
    on_way = np.zeros((width + lay.horizon + 1, n_runs, n_cells))  # by arrival step
    gained = np.zeros((2, n_runs, width + lay.horizon + 1))  # left, arrived per step
    busy = np.zeros((width, n_runs), dtype=bool)
    for s in range(width):
        if s >= released.shape[1] and not queue.any() and not on_way[s:].any():
            break  # drained: nothing happens any more
        queue += on_way[s]
        if s < released.shape[1]:
            for cell, comm, units in zip(
                lay.first_cell, lay.first_comm, lay.first_units, strict=True
            ):
                queue[:, cell] += units * released[comm, s]
            for comm in range(released.shape[0]):
                gained[0, :, s] += lay.instant_leave[comm] * released[comm, s]
                at = s + lay.offnet_steps[comm]
                gained[1, :, at] += lay.instant_arrive[comm] * released[comm, s]
        busy[s] = (queue != 0).any(axis=1)
        for b in range(n_runs):
            demand = np.zeros(len(lay.used))
            for i in range(n_cells):
                demand[lay.edge[i]] += queue[b, i]
            for i in range(n_cells):
                cap = max(lay.cap[b, lay.edge[i]], 1e-300)
                out = queue[b, i] * (cap / max(demand[lay.edge[i]], cap))
                queue[b, i] -= out
                if lay.leaves[i]:
                    gained[0, b, s + lay.steps[i]] += out
                if lay.target[i] < 0:
                    gained[1, b, s + lay.arrive_steps[i]] += out
                else:
                    on_way[s + lay.steps[i], b, lay.target[i]] += out
    assert not queue.any() and not on_way[width:].any(), "the toy did not drain"
    left, arrived = np.cumsum(gained, axis=2)
    return [
        (left[b, : end + 1], arrived[b, : end + 1])
        for b, end in enumerate(_done(lay, released, busy))
    ]


def _done(lay: clearance._Layout, released: np.ndarray, busy: np.ndarray) -> list[int]:
    """Per run, the first step after every release with no queue for ``horizon`` steps."""
    released_by = int(np.flatnonzero(released.any(axis=0))[-1]) + lay.horizon
    done = []
    for b in range(busy.shape[1]):
        s = released_by
        while busy[max(0, s - lay.horizon + 1) : s + 1, b].any():
            s += 1
        done.append(s)
    return done


def random_case(seed: int) -> tuple[routing.SiteTrees, np.ndarray, np.ndarray, np.ndarray]:
    """A random little network: two sites, two departure slices, five origins.

    Seeds 0 and 3 have cells fed by three cells.
    """
    rng = np.random.default_rng(seed)
    n = 12
    ring = rng.permutation(n)
    extra = rng.integers(0, n, (2, 14))
    u, v = np.r_[ring[:-1], ring[1:], extra[0]], np.r_[ring[1:], ring[:-1], extra[1]]
    u, v = u[u != v], v[u != v]
    net = network_from_arrays(
        ORIGIN + rng.uniform(0, 4000, (n, 2)),
        u,
        v,
        speed_kph=rng.uniform(10, 70, len(u)),
        capacity_vph=rng.choice([300.0, 600.0, 1e6], len(u)),
    )
    sites = rng.choice(n, 2, replace=False)
    weight = routing.site_trees(net, net.xy[sites]).weight
    offnet = [np.array([200.0]), np.array([0.0])]
    per_site = [
        routing.trees_for_weight(net, weight, [np.array([site])], offnet_m=off)
        for site, off in zip(sites, offnet, strict=True)
    ]
    trees = routing.stack_trees(per_site * N_SLICES)
    origins = rng.choice(n, 5)
    return trees, rng.random(n) < 0.5, origins, rng.uniform(0, 40, (5, 2 * N_SLICES))


def test_the_time_loop_equals_a_cell_by_cell_simulation() -> None:
    trees, inside, caps = junction_case()
    lay = clearance._layout(trees, ORIGINS, UNITS, inside, np.vstack(caps), DT)
    # The toy has what the loop treats specially (else this test proves little).
    assert lay.steps.max() > 1 and len(set(lay.steps.tolist())) > 2
    assert np.bincount(lay.target[lay.target >= 0]).max() == 2  # a cell with two feeders
    assert lay.leaves.any() and (lay.target < 0).any()
    assert lay.instant_arrive.any() and (lay.instant_leave > lay.instant_arrive).any()
    assert (lay.offnet_steps > 0).any()
    got = simulate_capacities(
        trees, ORIGINS, UNITS, CURVE, inside, caps, dt=DT, slice_of=SLICE_OF, n_slices=N_SLICES
    )
    want = reference(lay, released_per_step())
    total = UNITS.sum()
    for curves, (left, arrived) in zip(got, want, strict=True):
        assert len(curves.t_s) == len(left)
        np.testing.assert_allclose(curves.left, np.minimum(left, total), rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(
            curves.arrived, np.minimum(arrived, total), rtol=1e-12, atol=1e-9
        )
        assert np.isclose(curves.arrived[-1], total)
    # The bottleneck queues: lower capacity, later clearance.
    low, central, high = (c.time_for(1.0) for c in got)
    assert low is not None and central is not None and high is not None
    assert low > central > high


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_the_time_loop_equals_it_on_random_networks(seed: int) -> None:
    trees, inside, origins, units = random_case(seed)
    caps = [trees.network.capacity * f for f in FACTORS]
    lay = clearance._layout(trees, origins, units, inside, np.vstack(caps), DT)
    assert np.bincount(lay.target[lay.target >= 0]).max() >= 2  # merging traffic
    slice_of = np.repeat(np.arange(N_SLICES), 2)
    got = simulate_capacities(
        trees, origins, units, CURVE, inside, caps, dt=DT, slice_of=slice_of, n_slices=N_SLICES
    )
    shares = release_shares(CURVE, np.arange(len(released_per_step()[0])) * DT, slice_of, N_SLICES)
    want = reference(lay, np.diff(shares, axis=1, prepend=0.0))
    for curves, (left, arrived) in zip(got, want, strict=True):
        assert len(curves.t_s) == len(left)
        np.testing.assert_allclose(
            curves.left, np.minimum(left, units.sum()), rtol=1e-12, atol=1e-9
        )
        np.testing.assert_allclose(
            curves.arrived, np.minimum(arrived, units.sum()), rtol=1e-12, atol=1e-9
        )
