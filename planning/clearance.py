"""Clearance time with road capacities: a time-expanded flow over the assigned routes.

Each site's shortest-path tree carries one commodity. Time runs in steps of
``dt`` seconds. Traffic that arrives at an edge joins a point queue at its
entrance; each step an edge lets through at most ``capacity * dt`` units
(vehicles, or persons on foot), shared between commodities in proportion to
their queues (FIFO in aggregate). Discharged traffic travels the edge at
free-flow speed and joins the next edge's queue. Departures follow the
scenario's mobilisation curve.

This is the point-queue model of dynamic network loading, i.e. a flow over a
time-expanded copy of the routes: with one bottleneck of capacity ``C`` and
``N`` units leaving at once the last one arrives at ``T_free + N / C``, exactly
the analytic answer (up to one step of rounding per edge).

A unit *leaves the zone* when it passes the last node of its path that is
inside the zone; every node after that one is outside, so re-entering traffic
is never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from planning.routing import SiteTrees

#: Longest simulated time (s); beyond this the plan reports "over 48 h".
MAX_HORIZON_S = 48 * 3600.0


@dataclass
class ClearanceCurves:
    """Cumulative units that have left the zone and arrived, per time step."""

    t_s: np.ndarray
    left: np.ndarray
    arrived: np.ndarray
    total: float
    #: Units per person: 1 / persons per car for cars, 1 on foot.
    units_per_person: float = 1.0

    def time_for(self, share: float, *, arrived: bool = True) -> float | None:
        """Seconds until ``share`` of all units left the zone / arrived (None if never)."""
        curve = self.arrived if arrived else self.left
        if self.total <= 0:
            return 0.0
        hit = np.flatnonzero(curve >= share * self.total - 1e-6)
        return float(self.t_s[hit[0]]) if len(hit) else None


def departure_fraction(curve: list[tuple[float, float]], t_s: np.ndarray) -> np.ndarray:
    """Cumulative share departed at times ``t_s`` from (minutes, share) pairs."""
    minutes = np.array([p[0] for p in curve], dtype=float)
    share = np.array([p[1] for p in curve], dtype=float)
    out = np.interp(t_s / 60.0, minutes, share, left=share[0], right=1.0)
    # A vertical step (two points at the same minute) releases at that minute.
    return np.maximum(out, np.where(t_s / 60.0 >= minutes[-1], 1.0, 0.0))


def inside_zone_nodes(trees: SiteTrees, zone: shapely.Geometry) -> np.ndarray:
    """Mask of network nodes inside the zone."""
    pts = shapely.points(trees.network.xy)
    shapely.prepare(zone)
    return shapely.contains(zone, pts)


def _clear_after(trees: SiteTrees, inside: np.ndarray) -> np.ndarray:
    """``clear[j, v]``: v and every node after it on the way to site j are outside.

    Pointer doubling over the trees: after round ``i`` each node knows whether
    any of the next ``2**i`` nodes on its way is inside, so ``log2(n)``
    vectorised rounds replace a walk over every node.
    """
    k, n = trees.next_node.shape
    rows = np.arange(k)[:, None]
    # The site (and every unreachable node) points at itself.
    ptr = np.where(trees.next_node >= 0, trees.next_node, np.arange(n))
    dirty = np.broadcast_to(inside, (k, n)).copy()
    while True:
        dirty |= dirty[rows, ptr]
        hop = ptr[rows, ptr]
        if np.array_equal(hop, ptr):
            return ~dirty & np.isfinite(trees.time_s)
        ptr = hop


def _carrying_edges(trees: SiteTrees, origin_node: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Sorted indices of the edges on some loaded origin's path: the only ones traffic uses."""
    net = trees.network
    used = np.zeros(net.n_edges, dtype=bool)
    for j in range(trees.site_nodes.shape[0]):
        seen = np.zeros(net.n_nodes, dtype=bool)
        node = np.unique(origin_node[units[:, j] > 0])
        while len(node):
            seen[node] = True
            edge = trees.next_edge[j, node]
            used[edge[edge >= 0]] = True
            node = np.unique(trees.next_node[j, node[edge >= 0]])
            node = node[~seen[node]]
    return np.flatnonzero(used)


def simulate(
    trees: SiteTrees,
    origin_node: np.ndarray,
    units: np.ndarray,
    mobilisation: list[tuple[float, float]],
    inside: np.ndarray,
    *,
    capacity_per_h: np.ndarray | None = None,
    dt: float = 10.0,
) -> ClearanceCurves:
    """Simulate departures, queues and arrivals over the site trees.

    Parameters
    ----------
    trees
        Shortest-path trees, one per site (commodity).
    origin_node
        Shape (m,): node index of each origin group.
    units
        Shape (m, k): units (vehicles or persons) from origin ``i`` to site ``j``.
    mobilisation
        Cumulative departure curve, (minutes, share) pairs.
    inside
        Mask of nodes inside the zone.
    capacity_per_h
        Per-edge capacity (default: the network's ``capacity_vph``).
    dt
        Time step (s).
    """
    net = trees.network
    cap = net.edges["capacity_vph"].to_numpy(float) if capacity_per_h is None else capacity_per_h
    k = trees.site_nodes.shape[0]
    units = np.asarray(units, dtype=float)
    total = float(units.sum())
    clear = _clear_after(trees, inside)
    # Work on the edges traffic uses, indexed compactly; state arrays are (k * E,),
    # commodity-major, so one vectorised step moves every commodity.
    used = _carrying_edges(trees, origin_node, units)
    n_used = len(used)
    pos = np.full(net.n_edges, -1, dtype=np.int64)
    pos[used] = np.arange(n_used)
    e_cap = cap[used] * dt / 3600.0
    e_steps = np.maximum(1, np.rint(net.edges["travel_time"].to_numpy(float)[used] / dt)).astype(
        np.int64
    )
    e_v = net.edge_v[used]
    e_u = net.edge_u[used]
    ring_len = int(e_steps.max()) + 1 if n_used else 1
    # Per commodity: where discharged traffic goes next (-1: arrived at the site).
    nxt_pos = np.full((k, n_used), -1, dtype=np.int64)
    leaves = np.zeros((k, n_used), dtype=bool)
    for j in range(k):
        ne = trees.next_edge[j, e_v]
        nxt_pos[j] = np.where(ne >= 0, pos[np.maximum(ne, 0)], -1)
        # Final exit from the zone; a site node inside it counts on arrival.
        leaves[j] = (clear[j, e_v] & ~clear[j, e_u]) | ((nxt_pos[j] < 0) & ~clear[j, e_v])
    # Departures: per commodity, units entering each first edge (or arriving at once).
    first = np.zeros((k, n_used))
    instant_arrive = 0.0
    instant_leave = 0.0
    for j in range(k):
        for o, u in zip(origin_node, units[:, j], strict=True):
            if u <= 0:
                continue
            e = trees.next_edge[j, o]
            if e < 0:
                instant_arrive += u
                instant_leave += u
            else:
                first[j, pos[e]] += u
                if clear[j, o]:
                    instant_leave += u
    offnet_steps = np.rint(trees.offnet_s / dt).astype(np.int64)
    # Flat (k * E,) views of the per-commodity tables.
    first = first.ravel()
    steps_f = np.tile(e_steps, k)
    arrive_f = (nxt_pos < 0).ravel()
    leaves_f = leaves.ravel()
    arrive_steps = (e_steps[None, :] + offnet_steps[:, None]).ravel()
    target = (np.arange(k)[:, None] * n_used + nxt_pos).ravel()
    ring = np.zeros((ring_len, k * n_used))
    queue = np.zeros(k * n_used)
    n_steps = int(MAX_HORIZON_S / dt)
    t = np.arange(n_steps + 1) * dt
    dep = departure_fraction(mobilisation, t)
    left = np.zeros(n_steps + 1)
    arrived = np.zeros(n_steps + 1)
    late_arrivals = np.zeros(n_steps + ring_len + int(offnet_steps.max(initial=0)) + 2)
    late_left = np.zeros_like(late_arrivals)
    cum_left = cum_arr = 0.0
    for s in range(n_steps + 1):
        released = dep[s] - (dep[s - 1] if s else 0.0)
        slot = s % ring_len
        # Adding "first * 0.0" changes nothing, so skip it between releases.
        queue += ring[slot] + first * released if released else ring[slot]
        cum_left += instant_leave * released
        cum_arr += instant_arrive * released
        ring[slot] = 0.0
        cum_left += late_left[s]
        cum_arr += late_arrivals[s]
        if not queue.any():
            left[s], arrived[s] = cum_left, cum_arr
            pending = late_arrivals[s + 1 :].any() or late_left[s + 1 :].any()
            if dep[s] >= 1.0 and not pending and not ring.any():
                t, left, arrived = t[: s + 1], left[: s + 1], arrived[: s + 1]
                break
            continue
        grid = queue.reshape(k, n_used)
        demand = grid.sum(axis=0)
        out_total = np.minimum(demand, e_cap)
        ratio = np.divide(out_total, demand, out=np.zeros_like(demand), where=demand > 0)
        out = (grid * ratio).ravel()
        queue -= out
        moved = out > 0
        # Counted when they pass the edge's end node, after its travel time.
        lv = moved & leaves_f
        np.add.at(late_left, s + steps_f[lv], out[lv])
        at_site = moved & arrive_f
        np.add.at(late_arrivals, s + arrive_steps[at_site], out[at_site])
        go = moved & ~arrive_f
        np.add.at(ring, ((s + steps_f[go]) % ring_len, target[go]), out[go])
        left[s], arrived[s] = cum_left, cum_arr
    return ClearanceCurves(t, np.minimum(left, total), np.minimum(arrived, total), total)
