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

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
import shapely
from shapely.geometry.base import BaseGeometry

from planning.routing import Hops, SiteTrees

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
    return np.asarray(np.maximum(out, np.where(t_s / 60.0 >= minutes[-1], 1.0, 0.0)))


def inside_zone_nodes(trees: SiteTrees, zone: BaseGeometry) -> np.ndarray:
    """Mask of network nodes inside the zone."""
    shapely.prepare(zone)
    return np.asarray(shapely.contains(zone, trees.network.node_points))


def _clear_after(trees: SiteTrees, inside: np.ndarray) -> np.ndarray:
    """``clear[j, v]``: v and every node after it on the way to site j are outside.

    Pointer doubling over the trees: after round ``i`` each node knows whether
    any of the next ``2**i`` nodes on its way is inside, so ``log2(n)``
    vectorised rounds replace a walk over every node.
    """
    if not inside.any():
        return np.asarray(np.isfinite(trees.time_s))
    k, n = trees.next_node.shape
    rows = np.arange(k)[:, None]
    # The site (and every unreachable node) points at itself.
    ptr = np.where(trees.next_node >= 0, trees.next_node, np.arange(n))
    dirty = np.broadcast_to(inside, (k, n)).copy()
    while True:
        dirty |= dirty[rows, ptr]
        hop = ptr[rows, ptr]
        if np.array_equal(hop, ptr):
            return np.asarray(~dirty & np.isfinite(trees.time_s))
        ptr = hop


def release_shares(
    mobilisation: list[tuple[float, float]],
    t_s: np.ndarray,
    slice_of: np.ndarray,
    n_slices: int = 1,
) -> np.ndarray:
    """Cumulative share of each commodity's units departed at ``t_s``, shape (k, len(t_s)).

    The demand is cut into ``n_slices`` equal departure slices: slice ``s`` holds
    the units whose departure quantile lies in ``[s, s + 1) / n_slices`` of the
    mobilisation curve, so all slices together depart exactly as the curve says.
    ``slice_of[c]`` is commodity ``c``'s slice (all 0 with one slice).
    """
    dep = departure_fraction(mobilisation, t_s)
    block = np.asarray(slice_of, dtype=float)[:, None]
    return np.asarray(np.clip(n_slices * dep[None, :] - block, 0.0, 1.0))


@dataclass
class _Layout:
    """The state of a simulation: one *cell* per edge and way on from it.

    Commodities that reach an edge and take the same way on from it (same edges,
    same zone exit, same off-network leg: :func:`_downstream_labels`) move alike
    from there, so they share one queue (a cell) at that edge's entrance; only
    edges traffic reaches have cells, so the state stays small with many
    commodities whose paths converge.
    """

    used: np.ndarray  # edge indices of the used edges (n_used,)
    cap: np.ndarray  # units per step, per run (row) and used edge
    edge: np.ndarray  # used-edge position of each cell
    steps: np.ndarray  # free-flow steps of each cell's edge
    target: np.ndarray  # cell the discharged traffic queues at next (-1: arrives)
    leaves: np.ndarray  # passing the cell's edge end leaves the zone for good
    arrive_steps: np.ndarray  # steps from discharge to arrival, incl. off-network leg
    first_cell: np.ndarray  # departures: the cell each (origin, commodity) starts in
    first_comm: np.ndarray  # ... its commodity
    first_units: np.ndarray  # ... and its units
    instant_arrive: np.ndarray  # (k,): units starting at their destination's node
    offnet_steps: np.ndarray  # (k,): steps of the off-network leg those still drive
    instant_leave: np.ndarray  # (k,): units that are outside already or arrive at once

    @cached_property
    def horizon(self) -> int:
        """Most steps between a discharge or departure and its arrival."""
        return int(max(self.arrive_steps.max(initial=0), self.offnet_steps.max(initial=0)))


def _downstream_labels(key: np.ndarray, nxt: np.ndarray) -> np.ndarray:
    """Label per reached (commodity, used edge) pair: equal where the rest of the way is the same.

    ``key``: what a pair adds itself (its edge, whether passing it leaves the
    zone, the off-network leg where the way ends there); ``nxt``: the pair the
    way goes on to (-1 at its end). Two commodities on one edge share a label
    when they take the same edges from there on, leave the zone at the same edge
    and drive the same off-network leg: their traffic moves alike from that edge
    on, so it can share one queue (a cell; proportional sharing is linear in the
    queues). Pointer doubling: after round ``t`` a label covers the next ``2**t``
    edges, so ``log2`` of the longest path rounds of vectorised relabelling
    suffice. Labels are ranks: they order the pairs by their keys along the way.
    """
    label = np.unique(key, return_inverse=True)[1]
    ptr = nxt
    while (ptr >= 0).any():
        on = ptr >= 0
        ahead = np.where(on, label[np.maximum(ptr, 0)], -1)
        label = np.unique(label * (label.max() + 2) + ahead + 1, return_inverse=True)[1]
        ptr = np.where(on, ptr[np.maximum(ptr, 0)], -1)
    return np.asarray(label)


def _cells(
    hop_pair: np.ndarray, nxt_pos: np.ndarray, leaves: np.ndarray, off: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cells: one per used edge and way on from it, over the pairs traffic reaches.

    ``hop_pair``: flat (commodity, used edge) pair of every hop of every path
    (``commodity * n_used + used edge``). Only reached pairs are labelled; the
    way on from a reached pair is reached too (traffic goes on along its tree).

    Returns
    -------
    index
        Per flat pair, its index among the reached pairs.
    cell
        Per reached pair, its cell (cells in the order of their labels).
    rep
        Per cell, the flat pair of one commodity in it.
    target
        Per cell, the cell its discharge queues at next (-1: arrives).
    """
    k, n_used = nxt_pos.shape
    reached = np.zeros(k * n_used, dtype=bool)
    reached[hop_pair] = True
    pairs = np.flatnonzero(reached)
    index = np.cumsum(reached) - 1
    comm, nxt = pairs // n_used, nxt_pos.ravel()[pairs]
    after = np.where(nxt >= 0, index[comm * n_used + np.maximum(nxt, 0)], -1)
    # The off-network leg counts at the end of the way.
    first = np.where(nxt < 0, off[comm] + 1, 0) * 2 + leaves.ravel()[pairs]
    label = _downstream_labels(first * n_used + pairs % n_used, after)
    _, rep, cell = np.unique(label, return_index=True, return_inverse=True)
    target = np.where(after[rep] >= 0, cell[np.maximum(after[rep], 0)], -1)
    return index, cell, pairs[rep], target


def _clear_heads(nxt_pos: np.ndarray, inside_head: np.ndarray) -> np.ndarray:
    """``clear[j, e]``: the end of used edge ``e`` and all nodes after it towards ``j`` are outside.

    Only along the used edges (``nxt_pos``: the next used edge towards ``j``, -1 at
    the end), which is where traffic goes: pointer doubling as in :func:`_clear_after`.
    """
    k, n_used = nxt_pos.shape
    rows = np.arange(k)[:, None]
    ptr = np.where(nxt_pos >= 0, nxt_pos, np.arange(n_used))
    dirty = np.broadcast_to(inside_head, (k, n_used)).copy()
    while True:
        dirty |= dirty[rows, ptr]
        hop = ptr[rows, ptr]
        if np.array_equal(hop, ptr):
            return ~dirty
        ptr = hop


def _layout(
    trees: SiteTrees,
    origin_node: np.ndarray,
    units: np.ndarray,
    inside: np.ndarray,
    cap: np.ndarray,
    dt: float,
    hops: Hops | None = None,
) -> _Layout:
    net = trees.network
    k = trees.site_nodes.shape[0]
    h = trees.hops(origin_node, units) if hops is None else hops
    rows, comm, walker, hop = h.rows, h.dests, h.walker, h.edge
    o, u = np.asarray(origin_node)[rows], units[rows, comm]
    is_used = np.zeros(net.n_edges, dtype=bool)
    is_used[hop] = True
    used = np.flatnonzero(is_used)
    n_used = len(used)
    pos = np.full(net.n_edges, -1, dtype=np.int64)
    pos[used] = np.arange(n_used)
    e_u, e_v = net.edge_u[used], net.edge_v[used]
    ne = trees.next_edge[:, e_v]
    nxt_pos = np.where(ne >= 0, pos[np.maximum(ne, 0)], -1)
    clear = _clear_heads(nxt_pos, inside[e_v])
    # Final exit from the zone (the edge's start inside, all after it outside); a
    # destination node inside the zone counts on arrival.
    leaves = (clear & inside[e_u]) | ((nxt_pos < 0) & ~clear)
    offnet_steps = np.rint(trees.offnet_s / dt).astype(np.int64)
    index, cell, rep, target = _cells(
        comm[walker] * n_used + pos[hop], nxt_pos, leaves, offnet_steps
    )
    rc, ce = np.divmod(rep, n_used)  # a commodity and edge of each cell
    steps = np.maximum(1, np.rint(net.travel_time_s[used] / dt)).astype(np.int64)
    e0 = trees.next_edge[comm, o]
    go = e0 >= 0
    first_cell = cell[index[comm[go] * n_used + pos[e0[go]]]]
    at_dest = np.bincount(comm[~go], weights=u[~go], minlength=k)
    start_clear = ~inside[o[go]] & clear[comm[go], pos[e0[go]]]
    outside = np.bincount(comm[go], weights=u[go] * start_clear, minlength=k)
    return _Layout(
        used=used,
        cap=cap[:, used] * dt / 3600.0,
        edge=ce,
        steps=steps[ce],
        target=target,
        leaves=leaves[rc, ce],
        arrive_steps=steps[ce] + offnet_steps[rc],
        first_cell=first_cell,
        first_comm=comm[go],
        first_units=u[go],
        instant_arrive=at_dest,
        instant_leave=at_dest + outside,
        offnet_steps=offnet_steps,
    )


def simulate(
    trees: SiteTrees,
    origin_node: np.ndarray,
    units: np.ndarray,
    mobilisation: list[tuple[float, float]],
    inside: np.ndarray,
    *,
    capacity_per_h: np.ndarray | None = None,
    dt: float = 10.0,
    slice_of: np.ndarray | None = None,
    n_slices: int = 1,
) -> ClearanceCurves:
    """Simulate departures, queues and arrivals over the trees.

    Parameters
    ----------
    trees
        Shortest-path trees, one per commodity (destination, or destination and slice).
    origin_node
        Shape (m,): node index of each origin group.
    units
        Shape (m, k): units (vehicles or persons) from origin ``i`` on commodity ``j``.
    mobilisation
        Cumulative departure curve, (minutes, share) pairs.
    inside
        Mask of nodes inside the zone.
    capacity_per_h
        Per-edge capacity (default: the network's ``capacity_vph``).
    dt
        Time step (s).
    slice_of, n_slices
        Departure slice of each commodity, out of ``n_slices`` (:func:`release_shares`);
        by default every commodity departs along the whole curve.
    """
    cap = trees.network.capacity if capacity_per_h is None else capacity_per_h
    return simulate_capacities(
        trees,
        origin_node,
        units,
        mobilisation,
        inside,
        [cap],
        dt=dt,
        slice_of=slice_of,
        n_slices=n_slices,
    )[0]


def simulate_capacities(
    trees: SiteTrees,
    origin_node: np.ndarray,
    units: np.ndarray,
    mobilisation: list[tuple[float, float]],
    inside: np.ndarray,
    capacities: list[np.ndarray],
    *,
    dt: float = 10.0,
    slice_of: np.ndarray | None = None,
    n_slices: int = 1,
    hops: Hops | None = None,
) -> list[ClearanceCurves]:
    """:func:`simulate` for several per-edge capacity arrays on the same routes at once.

    The runs share the layout and one time loop (the queues of every run are
    rows of one array), so the low/central/high capacity runs of a plan cost
    little more than one; each run's curves are those :func:`simulate` gives.
    ``hops``: the paths of ``units`` walked already (:meth:`planning.routing.SiteTrees.hops`).
    """
    units = np.asarray(units, dtype=float)
    lay = _layout(trees, origin_node, units, inside, np.vstack(capacities), dt, hops)
    n_steps = int(MAX_HORIZON_S / dt)
    t = np.arange(n_steps + 1) * dt
    k = units.shape[1]
    # Departures end with the curve's last point: no release after it.
    n_rel = min(n_steps, int(np.ceil(max(p[0] for p in mobilisation) * 60.0 / dt))) + 1
    rel = release_shares(
        mobilisation, t[:n_rel], np.zeros(k) if slice_of is None else slice_of, n_slices
    )
    released = np.diff(rel, axis=1, prepend=0.0)
    runs = _run(lay, released, n_steps)
    total = float(units.sum())
    out = []
    for left, arrived in runs:
        tr = t[: len(left)]
        out.append(ClearanceCurves(tr, np.minimum(left, total), np.minimum(arrived, total), total))
    return out


#: Further feeders: (positions fed, flat history positions of their j-th feeder per slot).
_More = list[tuple[np.ndarray, np.ndarray]]
#: Per ``step % ring_len`` (:func:`_cycle`).
_Slot = tuple[np.ndarray, np.ndarray, np.ndarray, _More]


@dataclass
class _Moves:
    """Where each cell's discharge goes, as flat positions (fixed for a whole run).

    The state is kept flat, run after run (position ``b * n + place[i]`` for run
    ``b`` and cell ``i``), so each step is a few one-dimensional numpy operations
    whatever the number of runs. Cells are placed first cells of every edge
    first, then second cells, ...: neighbours in the state are on different
    edges, which speeds up the per-edge sums (no chains of additions to one
    sum), while each edge's cells keep their order (and so the sums their
    bits). Traffic discharged by a cell reaches its target cell's queue
    ``steps`` steps later: the discharges of the last ``ring_len`` steps are
    kept (history row ``step % ring_len``) and each step every cell *fetches*
    what reaches it from the rows of the steps its upstream cells discharged it
    at (:func:`_fetches`). Discharge that leaves the zone or arrives is only
    recorded per step; after the time loop it is summed per step and *group*
    (cells with the same delay until it counts) and the curves are built from
    those sums (:func:`_curves`).
    """

    ring_len: int  # history rows: one more than the longest edge in steps
    place: np.ndarray  # each cell's place in a run's state
    first_row: np.ndarray  # (ring_len, positions): history row of each one's first feeder
    first_src: np.ndarray  # its position (``n``, the 0 at the end of a row: no feeder)
    more: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # (fed, rows, sources) of j-th feeders
    jumps: list[np.ndarray]  # the position 1, 2, 4, ... cells on (``n``: none, arrived)
    edge_pos: np.ndarray  # each position's (run, used edge) position in ``cap``
    cap: np.ndarray  # units per step per (run, used edge), > 0
    count_pos: np.ndarray  # positions whose discharge leaves the zone or arrives ...
    count_slot: np.ndarray  # ... their (run, group) slot in a step's sums
    delay: np.ndarray  # steps from discharge until it counts, per group
    n_leave: int  # groups [0, n_leave) count leaving the zone, the others arriving


def _fetches(
    lay: _Layout, place: np.ndarray, n_runs: int, ring_len: int
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Where each position fetches its arrivals from in the history of discharges.

    Returns the history row (per ``step % ring_len``) and position of each
    position's first feeder, then (fed positions, rows, sources) of further ones.
    The history is ``ring_len`` rows of ``n_runs * n_cells + 1`` (cells by their
    place; the last entry stays 0: what cells without upstream cells fetch). A
    cell fetches the discharge of upstream cell ``c`` from the row of
    ``steps[c]`` steps ago. Upstream cells are taken in the order the former ring
    of future steps summed them (earliest discharge, i.e. longest edge, first;
    then by cell), so the sums are the same to the bit.
    """
    n_cells = len(lay.edge)
    n = n_runs * n_cells
    go = np.flatnonzero(lay.target >= 0)
    src = go[np.lexsort((go, -lay.steps[go], lay.target[go]))]
    dst = lay.target[src]
    nth = np.arange(len(src)) - np.searchsorted(dst, dst)  # 0: first upstream cell, ...
    runs = np.arange(n_runs)[:, None] * n_cells
    row = (np.arange(ring_len)[:, None] - lay.steps[src]) % ring_len  # per slot and feeder
    first_row = np.zeros((ring_len, n_runs, n_cells), dtype=np.int64)
    first_row[:, :, place[dst[nth == 0]]] = row[:, None, nth == 0]
    first_src = np.full((n_runs, n_cells), n)
    first_src[:, place[dst[nth == 0]]] = place[src[nth == 0]] + runs
    more = []
    for j in range(1, int(nth.max(initial=0)) + 1):
        pick = nth == j
        rows = np.broadcast_to(row[:, None, pick], (ring_len, n_runs, pick.sum()))
        fed, sources = runs + place[dst[pick]], runs + place[src[pick]]
        more.append((fed.ravel(), rows.reshape(ring_len, -1), sources.ravel()))
    return first_row.reshape(ring_len, -1), first_src.ravel(), more


def _jumps(lay: _Layout, place: np.ndarray, n_runs: int) -> list[np.ndarray]:
    """The position 1, 2, 4, ... cells downstream of each position (``n``: none, arrived)."""
    n_cells = len(lay.edge)
    n = n_runs * n_cells
    nxt = np.full(n_cells, -1)
    nxt[place] = np.where(lay.target >= 0, place[np.maximum(lay.target, 0)], -1)
    runs = np.arange(n_runs)[:, None] * n_cells
    step = np.append(np.where(nxt >= 0, nxt + runs, n).ravel(), n)
    jumps = [step]
    while (step[:n] < n).any():
        step = step[step]
        jumps.append(step)
    return jumps


def _moves(lay: _Layout) -> _Moves:
    n_runs, n_cells, n_used = lay.cap.shape[0], len(lay.edge), len(lay.used)
    ring_len = int(lay.steps.max(initial=0)) + 1
    runs = np.arange(n_runs)[:, None]
    lv = np.flatnonzero(lay.leaves)
    ad = np.flatnonzero(lay.target < 0)
    lv_delay, lv_group = np.unique(lay.steps[lv], return_inverse=True)
    ad_delay, ad_group = np.unique(lay.arrive_steps[ad], return_inverse=True)
    n_groups = len(lv_delay) + len(ad_delay)
    by_edge = np.argsort(lay.edge, kind="stable")
    nth = np.empty(n_cells, dtype=np.int64)  # 0: the edge's first cell, ...
    nth[by_edge] = np.arange(n_cells) - np.searchsorted(lay.edge[by_edge], lay.edge[by_edge])
    place = np.empty(n_cells, dtype=np.int64)
    place[np.argsort(nth, kind="stable")] = np.arange(n_cells)
    edge_at = np.empty(n_cells, dtype=np.int64)
    edge_at[place] = lay.edge
    return _Moves(
        ring_len,
        place,
        *_fetches(lay, place, n_runs, ring_len),
        _jumps(lay, place, n_runs),
        (runs * n_used + edge_at).ravel(),
        # A zero capacity stops an edge without a division by zero.
        np.maximum(lay.cap.ravel(), 1e-300),
        (runs * n_cells + place[np.r_[lv, ad]]).ravel(),
        (runs * n_groups + np.r_[lv_group, len(lv_delay) + ad_group]).ravel(),
        np.r_[lv_delay, ad_delay].astype(np.int64),
        len(lv_delay),
    )


@dataclass
class _Live:
    """The state on the positions that can still hold traffic; the others hold 0 for good.

    Positions are kept in their order, so every sum over them adds the same
    numbers in the same order as over all positions (the dropped ones add 0).
    """

    keep: np.ndarray  # the positions kept, ascending
    queue: np.ndarray  # units queued at each kept position
    history: np.ndarray  # (ring_len, kept + 1): discharge per step; the last entry stays 0
    edge_pos: np.ndarray  # each kept position's (run, used edge) position in ``cap``
    run: np.ndarray  # each kept position's run
    count_at: np.ndarray  # history column of each counted position (the 0 if dropped)
    first: np.ndarray  # (ring_len, kept): history position of each one's first feeder
    more: _More  # further feeders (dropped feeders: the 0)


def _live(mv: _Moves, keep: np.ndarray, queue: np.ndarray, history: np.ndarray) -> _Live:
    """The moves restricted to positions ``keep``, with their queues and discharge history."""
    n, m = len(mv.edge_pos), len(keep)
    new = np.full(n + 1, m)  # kept position of each position (m, the 0: dropped)
    new[keep] = np.arange(m)
    first = mv.first_row[:, keep] * (m + 1) + new[mv.first_src[keep]]
    more = []
    for fed, rows, sources in mv.more:
        kept = new[fed] < m
        more.append((new[fed[kept]], rows[:, kept] * (m + 1) + new[sources[kept]]))
    rows = np.zeros((mv.ring_len, m + 1))
    rows[:, :m] = history
    return _Live(
        keep, queue, rows, mv.edge_pos[keep], keep // len(mv.place), new[mv.count_pos], first, more
    )


def _shrunk(mv: _Moves, st: _Live) -> _Live:
    """``st`` on the positions that can still hold traffic, if that halves them at least.

    After the last release, traffic only moves downstream: a position with no
    queue, no recent discharge (nothing on the way from it) and none upstream
    of it holds nothing from now on.
    """
    seeds = st.keep[(st.queue != 0) | st.history[:, :-1].any(axis=0)]
    if 2 * len(seeds) > len(st.keep):
        return st
    live = np.zeros(len(mv.edge_pos) + 1, dtype=bool)
    live[seeds] = True
    for jump in mv.jumps:  # after jump 2**j: everything up to 2**(j + 1) - 1 cells on
        live[jump[live]] = True
    keep = np.flatnonzero(live[:-1])
    if 2 * len(keep) > len(st.keep) or not len(keep):  # (nothing left: the runs end soon)
        return st
    at = np.searchsorted(st.keep, keep)
    return _live(mv, keep, st.queue[at], st.history[:, at])


def _cycle(st: _Live) -> list[_Slot]:
    """Per ``step % ring_len``: where the step's discharge goes and the next step's comes from.

    That is the history row the discharge goes to (without and with its 0) and the
    history positions the next step's arrivals are fetched from.
    """
    ring_len, m = st.first.shape
    out = []
    for slot in range(ring_len):
        nxt = (slot + 1) % ring_len
        more = [(cells, upstream[nxt]) for cells, upstream in st.more]
        out.append((st.history[slot, :m], st.history[slot], st.first[nxt], more))
    return out


def _views(st: _Live) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[_Slot]]:
    """What the time loop works on: queues, flat history, edge positions, counted columns, cycle."""
    return st.queue, st.history.ravel(), st.edge_pos, st.count_at, _cycle(st)


def _releases(lay: _Layout, place: np.ndarray, released: np.ndarray) -> Iterator[np.ndarray]:
    """Units entering each place per step (the same in every run), a block of steps at a time."""
    n_cells = len(lay.edge)
    into = sp.csr_matrix(
        (lay.first_units, (place[lay.first_cell], lay.first_comm)),
        shape=(n_cells, released.shape[0]),
    )
    # Blocks that stay in the cache (a large one costs more in fresh memory than it saves).
    block = max(1, (1 << 15) // max(n_cells, 1))
    for a in range(0, released.shape[1], block):
        # Contiguous rows: each step adds one row to the queues.
        yield from np.ascontiguousarray(np.asarray(into @ released[:, a : a + block]).T)


def _run(lay: _Layout, released: np.ndarray, n_steps: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Run the time loop: cumulative left/arrived per run and step.

    Each run's curves are cut when that run is done.
    ``released[c, s]``: share of commodity ``c`` departing at step ``s`` (steps
    beyond its width release nothing). Runs (rows of ``lay.cap``) differ only in
    capacities; their state is flat (:class:`_Moves`). After the last release
    the state shrinks to the positions that can still hold traffic (:func:`_shrunk`).
    """
    n_runs, n_cells = lay.cap.shape[0], len(lay.edge)
    mv = _moves(lay)
    n = n_runs * n_cells
    st = _live(mv, np.arange(n), np.zeros(n), np.zeros((mv.ring_len, n)))
    by_run = st.queue.reshape(n_runs, n_cells)  # a view: the same numbers per run
    entering = _releases(lay, mv.place, released)
    counted = []  # per step: the discharge of mv.count_pos
    busy = np.zeros((n_steps + 1, n_runs), dtype=bool)  # a run has queues at a step
    # No run is done before its last release plus the longest way on, so its
    # queues before its last release need no record (:func:`_done_steps`).
    some = np.flatnonzero(released.any(axis=0))
    last = int(some[-1]) if len(some) else 0
    released_by = last + lay.horizon if len(some) else 0
    queue, flat, edge_pos, count_at, cycle = _views(st)
    cap, ring_len = mv.cap, mv.ring_len
    for s in range(n_steps + 1):
        if s <= last:  # (later steps release nothing)
            by_run += next(entering)
        if s >= last:
            # A sum of queues (never negative) is positive when one of them is.
            np.greater(np.bincount(st.run, queue, minlength=n_runs), 0.0, out=busy[s])
        if s >= last and s % _DONE_CHECK == 0:
            # Every few steps: stop once every run is done (the steps after are
            # empty), else drop the positions that can hold no more traffic.
            if _all_done(busy, s, released_by, lay.horizon):
                break
            if s > last and (shrunk := _shrunk(mv, st)) is not st:
                st = shrunk
                queue, flat, edge_pos, count_at, cycle = _views(st)
        row, full_row, first, more = cycle[s % ring_len]
        out = _discharge(queue, edge_pos, cap, out=row)
        queue -= out
        counted.append(full_row[count_at])
        arriving = flat[first]
        for cells, upstream in more:
            arriving[cells] += flat[upstream]
        queue += arriving
    counted.append(np.zeros(len(mv.count_pos)))  # the step the loop stopped at, if it did
    counts = _group_sums(np.array(counted[: s + 1]), mv.count_slot, n_runs * len(mv.delay))
    done = _done_steps(busy[: s + 1], released_by, lay.horizon)
    end = np.where(done >= 0, done + 1, n_steps + 1)
    left, arrived = _curves(lay, mv, counts, released, int(end.max()))
    return [(left[b, : end[b]], arrived[b, : end[b]]) for b in range(n_runs)]


def _group_sums(counted: np.ndarray, slot: np.ndarray, n_slots: int) -> np.ndarray:
    """Per step (row), the sums of ``counted``'s columns per ``slot``, in column order."""
    at = np.arange(len(counted))[:, None] * n_slots + slot
    sums = np.bincount(at.ravel(), counted.ravel(), minlength=len(counted) * n_slots)
    return sums.reshape(len(counted), n_slots)


#: Steps between checks whether every run is done.
_DONE_CHECK = 16


def _all_done(busy: np.ndarray, s: int, released_by: int, horizon: int) -> bool:
    """Whether every run is done at step ``s`` (:func:`_done_steps`'s test for one step).

    A run done at a step stays done (no queue, nothing on the way, nothing to
    release), so this is also whether every run is done by ``s``.
    """
    return s >= released_by and not busy[max(0, s - max(horizon, 1) + 1) : s + 1].any()


def _done_steps(busy: np.ndarray, released_by: int, horizon: int) -> np.ndarray:
    """Per run, the first step it is done at (-1 if not yet), from its queues per step.

    Done: no queue now, every departure released (``released_by``), and ``horizon``
    steps since its last queue, so nothing is on the way any more.
    """
    steps = np.arange(len(busy))[:, None]
    last = np.maximum.accumulate(np.where(busy, steps, -horizon), axis=0)
    before = np.vstack([np.full((1, busy.shape[1]), -horizon), last[:-1]])
    done = (steps >= released_by) & ~busy & (steps >= before + horizon)
    return np.where(done.any(axis=0), done.argmax(axis=0), -1)


def _curves(
    lay: _Layout, mv: _Moves, counts: np.ndarray, released: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative units left and arrived per run and step, from the per-step group sums.

    Units that start outside the zone (or at their destination) count as left
    when they depart; those starting at their destination arrive after the
    destination's off-network leg.
    """
    n_runs, n_rel = lay.cap.shape[0], released.shape[1]
    ran = len(counts)
    per_group = counts.reshape(ran, n_runs, len(mv.delay))
    # Room for the last count (delayed) and the last departure (plus an off-network leg).
    span = max(width, ran + int(mv.delay.max(initial=0)), n_rel + lay.horizon)
    gained = np.zeros((2, n_runs, span))
    for g, d in enumerate(mv.delay):
        gained[int(g >= mv.n_leave), :, d : d + ran] += per_group[:, :, g].T
    gained[0, :, :n_rel] += lay.instant_leave @ released
    for c in np.flatnonzero(lay.instant_arrive):
        d = lay.offnet_steps[c]
        gained[1, :, d : d + n_rel] += lay.instant_arrive[c] * released[c]
    totals = np.cumsum(gained[:, :, :width], axis=2)
    return totals[0], totals[1]


def _discharge(
    queue: np.ndarray, edge_pos: np.ndarray, cap: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Let each cell through this step: at most ``cap`` (> 0) per edge in all.

    The groups queued at an edge share it in proportion to their queues (FIFO in aggregate).

    ``edge_pos`` is each cell's position in ``cap`` (one entry per run and used edge).
    ``cap / max(demand, cap)`` is 1 where the edge's whole queue gets through
    (also where it is empty) and ``cap / demand`` where it does not.
    ``out``: where to write the discharge (default: a new array).
    """
    demand = np.bincount(edge_pos, weights=queue, minlength=len(cap))
    if demand.dtype != np.float64:  # (integers when there are no cells at all)
        demand = demand.astype(np.float64)
    np.maximum(demand, cap, out=demand)
    np.divide(cap, demand, out=demand)
    result: np.ndarray = np.multiply(queue, demand[edge_pos], out=out)
    return result
