"""Capacity-aware routing: traffic moves to other roads as the fastest ones queue up.

Method: incremental dynamic traffic assignment with point queues, an
approximation of the Capacity Constrained Route Planner (CCRP; Lu, George &
Shekhar 2005, "Capacity Constrained Routing Algorithms for Evacuation
Planning: A Summary of Results", SSTD 2005, LNCS 3633, pp. 291-307).

CCRP routes the demand group by group, each on the quickest path in a
time-expanded network whose edge capacities earlier groups have already
reserved. Here the demand of every origin-destination pair is cut into
``n_slices`` equal increments in departure order (slice ``s`` = the units
whose departure quantile on the mobilisation curve lies in
``[s, s + 1) / n_slices``). Increment ``s`` is routed on a compiled
shortest-path search (``scipy.sparse.csgraph``) whose edge cost is

    free-flow time + the point-queue wait the traffic of increments 0..s-1
    causes when increment ``s`` reaches the edge,

where the waits come from simulating the already loaded increments with the
point-queue model of :mod:`planning.clearance` (Vickrey's bottleneck: a unit
reaching an edge with ``Q`` units queued waits ``Q / capacity``), and "when it
reaches the edge" is the slice's median departure time plus the earliest
arrival at the edge from the loaded origins (free flow, then once more with
the first pass's waits). That is CCRP's reservation of capacity over time,
with two approximations: one arrival time per edge and increment instead of
one per origin (a static search per increment instead of a time-dependent one),
and increments instead of CCRP's one-path-at-a-time loop. With ``n_slices``
increments the route split has a resolution of ``1 / n_slices`` of each pair's
demand. Incremental assignment is a heuristic: each increment takes the path
best for itself given those before it, so the split approaches the
equilibrium as the increments shrink but is not guaranteed to reach it
(Sheffi 1985, *Urban Transportation Networks*, ch. 5).
Point queues ignore spill-back (queues never block upstream junctions), as
the clearance model does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo.network import RoadNetwork
from planning.clearance import (
    ClearanceCurves,
    departure_fraction,
    simulate,
    simulate_capacities,
)
from planning.queue_forecast import QueueForecast
from planning.routing import Hops, SiteTrees, sorted_unique, stack_trees, trees_for_weight

#: Departure increments the demand is routed in (resolution of route splits).
DEFAULT_SLICES = 8
#: Time step (s) of the simulations that predict queues for route choice;
#: coarser than the clearance step, as route choice only needs the queue sizes.
PREDICT_DT_S = 60.0
#: Route choice counts a queue wait inside the zone this many times. Assumption
#: (*antatt*), editable: an evacuation's first aim is to get people out of the
#: hazard zone, so a queue inside it is worse than an equally long one outside.
INSIDE_WAIT_FACTOR = 2.0


@dataclass
class ODPath:
    """One route of one origin-destination pair and the units that take it."""

    row: int  # demand row (origin group)
    dest: int  # destination index
    edges: np.ndarray  # edge indices from the origin to the destination
    units: float
    travel_s: float  # free-flow time along the path plus the off-network leg


@dataclass
class FlowRoutes:
    """The result of :func:`route_flows`.

    Attributes
    ----------
    trees
        One tree per (slice, destination): commodity ``c = slice * k + j``.
    origin_node
        Node of each demand row.
    units
        Shape (m, n_slices * k): units per row and commodity.
    n_slices, n_dest
        Slices and destinations.
    mobilisation
        The departure curve routed for.
    capacity_vph
        Per-edge capacity used for routing (network capacity x factor).
    base
        The free-flow trees (the fixed shortest paths, for comparison).
    walked
        :attr:`hops` when the caller has walked the paths already.
    edge_units
        Units (vehicles or persons) per edge over all slices.
    """

    trees: SiteTrees
    origin_node: np.ndarray
    units: np.ndarray
    n_slices: int
    n_dest: int
    mobilisation: list[tuple[float, float]]
    capacity_vph: np.ndarray
    base: SiteTrees
    walked: Hops | None = field(default=None, repr=False)
    edge_units: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """Sum the units on every edge over all chosen paths."""
        self.edge_units = self.trees.edge_loads(self.origin_node, self.units, self.hops)

    @cached_property
    def hops(self) -> Hops:
        """Every hop of every chosen path, walked once (loads, paths and clearance share it)."""
        if self.walked is not None:
            return self.walked
        return self.trees.hops(self.origin_node, self.units)

    @property
    def slice_of(self) -> np.ndarray:
        """Departure slice of each commodity."""
        return np.repeat(np.arange(self.n_slices), self.n_dest)

    def clearance(
        self, inside: np.ndarray, *, dt: float = 10.0, capacity_factor: float = 1.0
    ) -> ClearanceCurves:
        """Point-queue clearance over every chosen path (several per pair).

        ``capacity_factor`` rescales the routing capacities for the simulation
        only (what-if on the same routes); re-route for a new capacity instead.
        """
        return self.clearances(inside, [capacity_factor], dt=dt)[0]

    def clearances(
        self, inside: np.ndarray, capacity_factors: list[float], *, dt: float = 10.0
    ) -> list[ClearanceCurves]:
        """:meth:`clearance` for several capacity factors, simulated side by side."""
        return simulate_capacities(
            self.trees,
            self.origin_node,
            self.units,
            self.mobilisation,
            inside,
            [self.capacity_vph * f for f in capacity_factors],
            dt=dt,
            slice_of=self.slice_of,
            n_slices=self.n_slices,
            hops=self.hops,
        )

    def fixed_clearance(self, inside: np.ndarray, *, dt: float = 10.0) -> ClearanceCurves:
        """The same demand on the fixed free-flow paths (what routing was before)."""
        fixed = self.units.reshape(len(self.origin_node), self.n_slices, self.n_dest).sum(axis=1)
        return simulate(
            self.base,
            self.origin_node,
            fixed,
            self.mobilisation,
            inside,
            capacity_per_h=self.capacity_vph,
            dt=dt,
        )

    def od_paths(self) -> list[ODPath]:
        """Distinct paths per (row, destination) with their units, in row order."""
        h = self.hops
        bounds = np.searchsorted(h.walker, np.arange(len(h.rows) + 1)).tolist()
        dest = (h.dests % self.n_dest).tolist()
        units = self.units[h.rows, h.dests].tolist()
        # A walker's edges as bytes: a slice of the whole hop array's bytes.
        size, flat = h.edge.itemsize, h.edge.tobytes()
        tt, offnet_s = self.trees.network.travel_time_s, self.base.offnet_s
        merged: dict[tuple[int, int, bytes], ODPath] = {}
        for w, r in enumerate(h.rows.tolist()):
            lo, hi, j = bounds[w], bounds[w + 1], dest[w]
            key = (r, j, flat[lo * size : hi * size])
            if key in merged:
                merged[key].units += units[w]
                continue
            edges = h.edge[lo:hi]
            merged[key] = ODPath(r, j, edges, units[w], float(tt[edges].sum() + offnet_s[j]))
        return sorted(merged.values(), key=lambda p: (p.row, p.dest, -p.units))


def route_flows(
    trees: SiteTrees,
    origin_node: np.ndarray,
    units: np.ndarray,
    mobilisation: list[tuple[float, float]],
    *,
    capacity_factor: float = 1.0,
    n_slices: int = DEFAULT_SLICES,
    inside: np.ndarray | None = None,
) -> FlowRoutes:
    """Route ``units[i, j]`` from ``origin_node[i]`` to destination ``j`` around queues.

    Parameters
    ----------
    trees
        Free-flow trees of the destinations (:func:`planning.routing.destination_trees`
        or :func:`~planning.routing.site_trees`); their edge weights (closures,
        route preference) and entry nodes are reused for every increment.
    origin_node
        Shape (m,): node index per demand row (every row reachable).
    units
        Shape (m, k): units (vehicles or persons) per row and destination.
    mobilisation
        Cumulative departure curve, (minutes, share) pairs.
    capacity_factor
        Multiplies every edge capacity (the scenario's low/central/high factor).
    n_slices
        Departure increments (see the module docstring).
    inside
        Mask of nodes inside the zone: queue waits there count
        :data:`INSIDE_WAIT_FACTOR` times in route choice (default: no zone).
    """
    net = trees.network
    origin_node = np.asarray(origin_node, dtype=np.int64)
    units = np.asarray(units, dtype=float).reshape(len(origin_node), -1)
    if (origin_node < 0).any():
        raise ValueError("route_flows needs reachable origins: drop rows with node -1 first.")
    weight = trees.weight
    cap = net.capacity * capacity_factor
    k = units.shape[1]
    sliced = np.tile(units / n_slices, (1, n_slices))
    loaded = np.flatnonzero(units.sum(axis=1) > 0)
    physical = np.where(np.isfinite(weight), net.travel_time_s, np.inf)
    starts = slice_start_s(mobilisation, n_slices)
    exposure = 1.0 if inside is None else np.where(inside[net.edge_u], INSIDE_WAIT_FACTOR, 1.0)
    forecast = QueueForecast(net, cap, list(mobilisation), n_slices, PREDICT_DT_S)
    # Where the loaded origins reach at free flow: the same for every slice.
    free_reach = _earliest_arrival(net, physical, origin_node[loaded]) if len(loaded) else None
    going = units.sum(axis=0) > 0  # destinations anybody goes to
    n_routed = n_slices if len(loaded) else 1  # nothing to route: one slice is all there is
    # Every slice starts on the free-flow trees (after slice 0 each destination named
    # by its first entry node): slices that meet queues have their rows searched anew.
    first_entry = np.array([e[0] for e in trees.entries], dtype=np.int64)
    stacked = stack_trees([trees] + [replace(trees, site_nodes=first_entry)] * (n_routed - 1))
    walked = []  # the paths of each slice (all slices carry the same pairs)
    for s in range(1, n_routed):
        assert free_reach is not None  # there are loaded origins
        # The slices routed so far, simulated: the queues slice s will meet.
        block = sliced[:, (s - 1) * k : s * k]
        walked.append(forecast.add_slice(s - 1, stacked.part(s - 1, k), origin_node, block))
        delay = _queue_delay(net, forecast, starts[s], (physical, free_reach), origin_node[loaded])
        if delay.any():
            _search_slice(stacked, s, weight + delay * exposure, going)
    if n_routed < n_slices:
        n_slices, sliced = 1, units
    walked.append(stacked.part(n_routed - 1, k).hops(origin_node, sliced[:, -k:]))
    return FlowRoutes(
        stacked,
        origin_node,
        sliced,
        n_slices,
        k,
        list(mobilisation),
        cap,
        base=trees,
        walked=_stacked_hops(walked, k),
    )


def _stacked_hops(walked: list[Hops], k: int) -> Hops:
    """The hops on the stacked trees (commodity ``s * k + j``), from each slice's hops.

    Every slice walks the same (row, destination) pairs, so the stacked walkers
    are ordered by row, then slice, then destination; their hops are gathered
    from the slices' in one take, each walker's in path order.
    """
    n, rows, dests = len(walked), walked[0].rows, walked[0].dests
    # Stacked walker of slice s and pair p: n * (pairs of the rows before p's),
    # then s * (pairs of p's row), then p's place in its row.
    before = np.searchsorted(rows, rows)
    in_row = np.searchsorted(rows, rows, side="right") - before
    stacked = n * before + (np.arange(len(rows)) - before) + np.arange(n)[:, None] * in_row
    source = np.empty(stacked.size, dtype=np.int64)  # slice-major (s, p) of each walker
    source[stacked.ravel()] = np.arange(stacked.size)
    pair = np.tile(np.arange(len(rows)), n)[source]
    hop_count = np.concatenate([np.bincount(h.walker, minlength=len(rows)) for h in walked])
    start = np.cumsum(hop_count) - hop_count  # of each (s, p)'s hops among all slices'
    size = hop_count[source]
    # Output hop i of a walker whose hops begin at out_start comes from start + (i - out_start).
    shift = np.repeat(start[source] - (np.cumsum(size) - size), size)
    edges = np.concatenate([h.edge for h in walked])
    return Hops(
        rows[pair],
        np.repeat(np.arange(n), len(rows))[source] * k + dests[pair],
        np.repeat(np.arange(stacked.size), size),
        edges[np.arange(len(edges)) + shift],
    )


def slice_start_s(mobilisation: list[tuple[float, float]], n_slices: int) -> np.ndarray:
    """Median departure time (s) of each slice: where the curve reaches (s + 0.5) / n."""
    end = max(p[0] for p in mobilisation) * 60.0
    t = np.arange(0.0, end + PREDICT_DT_S, PREDICT_DT_S / 10)
    dep = departure_fraction(mobilisation, t)
    want = (np.arange(n_slices) + 0.5) / n_slices
    return t[np.minimum(np.searchsorted(dep, want - 1e-9), len(t) - 1)]


def _search_slice(stacked: SiteTrees, s: int, weight: np.ndarray, going: np.ndarray) -> None:
    """Search slice ``s``'s trees on ``weight`` for the destinations in ``going``, in place.

    The other destinations keep their free-flow trees: nobody goes there, so
    their paths are never walked.
    """
    if not going.any():
        return
    rows = s * len(going) + np.flatnonzero(going)
    entries = [stacked.entries[r] for r in rows]
    searched = trees_for_weight(stacked.network, weight, entries, stacked.offnet_m[rows])
    for a in ("time_s", "next_node", "next_edge"):
        getattr(stacked, a)[rows] = getattr(searched, a)


def _queue_delay(
    net: RoadNetwork,
    forecast: QueueForecast,
    start_s: float,
    free: tuple[np.ndarray, np.ndarray],
    sources: np.ndarray,
) -> np.ndarray:
    """Per-edge wait (s) for traffic leaving ``sources`` at ``start_s``.

    Each edge is reached at ``start_s`` + the earliest arrival at its tail, first
    at free flow, then once more with the first pass's waits on the way.
    ``free``: the free-flow edge times and the free-flow arrival at every node.
    """
    physical, free_reach = free
    edges = forecast.edges
    tail = net.edge_u[edges]
    delay = np.zeros(net.n_edges)
    delay[edges] = forecast.wait_s(start_s + free_reach[tail])
    if delay.any():  # without waits the second pass would repeat the first
        reach = _earliest_arrival(net, physical + delay, sources)
        delay[edges] = forecast.wait_s(start_s + reach[tail])
    return delay


def _earliest_arrival(net: RoadNetwork, weight: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Seconds from the nearest of ``sources`` to every node (forward search)."""
    return np.asarray(dijkstra(net.csr(weight), indices=sorted_unique(sources), min_only=True))
