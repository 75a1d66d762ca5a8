"""The queues of the departure slices routed so far, simulated only as far as route choice asks.

Capacity-aware routing (:mod:`planning.flow_routing`) routes slice ``s`` around
the point queues that slices ``0..s-1`` cause. Those queues follow the
point-queue model of :mod:`planning.clearance` (Vickrey's bottleneck: each step
an edge lets through at most ``capacity * dt``, shared in proportion to the
queues; discharged traffic travels the edge at free flow). Re-simulating all
earlier slices from time zero for every new slice repeats most of the work, so
this module runs that model incrementally:

- slice ``s`` departs nothing before its first release step ``T_s``: the state
  of slices ``0..s-1`` at ``T_s`` is the state of slices ``0..s`` there, with
  slice ``s``'s queues empty. The simulation resumes from a checkpoint saved at
  ``T_s`` instead of starting over;
- it runs only up to the latest step a query asks about, and stops for good once
  every queue is empty and nothing is left to depart (later queues are zero);
- each slice's paths are walked once, when the slice is added.

The queues equal those of :func:`planning.clearance.simulate` on the same
slices up to float rounding: here each slice keeps its own queue cells per
(destination, edge), where the clearance model merges cells with the same way
on; the point-queue discharge is linear in the queues, so the sums agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.network import RoadNetwork
from planning.clearance import MAX_HORIZON_S, _discharge, release_shares
from planning.routing import Hops, SiteTrees, sorted_unique


@dataclass
class _Checkpoint:
    """The simulation state at the start of one step."""

    step: int
    queue: np.ndarray
    ring: np.ndarray


@dataclass
class _Slice:
    """One added slice: its cells ``[start, stop)`` and the units each cell gets on release.

    ``first`` and ``last``: the steps it departs in.
    """

    index: int
    start: int
    stop: int
    base: np.ndarray
    first: int
    last: int


class QueueForecast:
    """Point queues over time of the slices added so far (see the module docstring).

    Parameters
    ----------
    net
        The network the slices are routed on.
    capacity_per_h
        Per-edge capacity (units per hour).
    mobilisation
        Cumulative departure curve, (minutes, share) pairs.
    n_slices
        Departure slices the demand is cut into (:func:`planning.clearance.release_shares`).
    dt
        Time step (s).
    """

    def __init__(
        self,
        net: RoadNetwork,
        capacity_per_h: np.ndarray,
        mobilisation: list[tuple[float, float]],
        n_slices: int,
        dt: float,
    ) -> None:
        self.net, self.cap_h, self.dt = net, capacity_per_h, dt
        self.max_step = int(MAX_HORIZON_S / dt)
        n_rel = min(self.max_step, int(np.ceil(max(p[0] for p in mobilisation) * 60.0 / dt))) + 1
        t = np.arange(n_rel) * dt
        shares = release_shares(mobilisation, t, np.arange(n_slices), n_slices)
        self.release = np.diff(shares, axis=1, prepend=0.0)
        # First and last step each slice departs in (n_rel when it never does).
        some = self.release > 0
        self.first = np.where(some.any(axis=1), some.argmax(axis=1), n_rel)
        self.last = np.where(some.any(axis=1), n_rel - 1 - some[:, ::-1].argmax(axis=1), -1)
        self.slices: list[_Slice] = []
        self.pos = np.full(net.n_edges, -1, dtype=np.int64)  # used-edge position per edge
        self.edges = np.zeros(0, dtype=np.int64)  # edges the slices use, by used-edge position
        self.cap_step = np.zeros(0)
        self.cap_wait = np.zeros(0)  # capacity of each used edge as waits divide by it
        self.cell_edge = np.zeros(0, dtype=np.int64)  # used-edge position of each cell
        self.cell_steps = np.zeros(0, dtype=np.int64)  # free-flow steps along the cell's edge
        self.cell_target = np.zeros(0, dtype=np.int64)  # next cell (-1: arrives)
        self.queue = np.zeros(0)
        self.ring = np.zeros((1, 0))  # traffic on the way, by step % len(ring) and cell
        self.trace = np.zeros((0, 0))  # queue per step and used edge after discharge
        self.step = 0  # the next step to simulate; rows before it are recorded
        self.done = False  # every queue is empty and nobody is left to depart
        self.checkpoint: _Checkpoint | None = None
        self.checkpoint_at = -1  # the step whose start state the next slice resumes from
        self.go = np.zeros(0, dtype=np.int64)  # cells whose discharge queues at a next cell
        # Where in the flat ring their discharge lands, per ring slot of the step (filled
        # as needed: the same for every step of the slot until the next slice is added).
        self.go_at: dict[int, np.ndarray] = {}

    def add_slice(
        self, index: int, trees: SiteTrees, origin_node: np.ndarray, units: np.ndarray
    ) -> Hops:
        """Add slice ``index``: ``units[i, j]`` from ``origin_node[i]`` on tree ``j`` of ``trees``.

        Slices are added in order; slice ``index`` starts departing at its first
        release step, and the simulation is wound back to there if it has run past it.
        Returns the slice's walked paths (:meth:`planning.routing.SiteTrees.hops`).
        """
        if self.step > self.first[index] and self.first[index] < self.release.shape[1]:
            self._restore()
        self.checkpoint = None
        hops = trees.hops(origin_node, units)
        rows, comm, walker, edge = hops.rows, hops.dests, hops.walker, hops.edge
        n_edges = self.net.n_edges
        n_keys = trees.next_edge.shape[0] * n_edges
        keys, cell = _unique_inverse(comm[walker] * np.int64(n_edges) + edge, n_keys)
        key_edge = keys % n_edges
        start = len(self.queue)
        same = walker[1:] == walker[:-1]
        target = np.full(len(keys), -1, dtype=np.int64)
        target[cell[:-1][same]] = cell[1:][same] + start  # a tree: one way on per cell
        first = np.flatnonzero(np.diff(walker, prepend=-1) != 0)  # each walker's first hop
        base = np.bincount(
            cell[first], weights=units[rows, comm][walker[first]], minlength=len(keys)
        )
        self._add_edges(sorted_unique(key_edge))
        steps = np.maximum(1, np.rint(self.net.travel_time_s[key_edge] / self.dt))
        self.cell_edge = np.concatenate([self.cell_edge, self.pos[key_edge]])
        self.cell_steps = np.concatenate([self.cell_steps, steps.astype(np.int64)])
        self.cell_target = np.concatenate([self.cell_target, target])
        self.queue = np.concatenate([self.queue, np.zeros(len(keys))])
        self._grow_ring(int(self.cell_steps.max(initial=0)) + 1, len(keys))
        self.go = np.flatnonzero(self.cell_target >= 0)
        self.go_at = {}
        window = int(self.first[index]), int(self.last[index])
        self.slices.append(_Slice(index, start, start + len(keys), base, *window))
        self.done = False
        nxt = index + 1
        self.checkpoint_at = int(self.first[nxt]) if nxt < len(self.first) else -1
        return hops

    def wait_s(self, arrival_s: np.ndarray) -> np.ndarray:
        """Point-queue wait (s) of a unit reaching used edge ``edges[i]`` at ``arrival_s[i]``.

        FIFO: it waits until the queue ahead of it has been discharged at capacity.
        Simulates as far as the latest arrival needs.
        """
        # np.nan_to_num(arrival_s, posinf=-1.0) in fewer passes: inf (never reached) waits
        # nothing; NaN counts as step 0, as before.
        arrival = np.where(arrival_s == np.inf, -1.0, arrival_s)
        step = np.rint(np.where(np.isnan(arrival), 0.0, arrival) / self.dt).astype(np.int64)
        ok = (step >= 0) & (step <= self.max_step)
        if ok.any():
            self._advance(int(step[ok].max()))
        ok &= step < self.step  # after the simulated span every queue is empty
        backlog = np.zeros(len(self.edges))
        cols = np.flatnonzero(ok)
        backlog[cols] = self.trace[step[cols], cols]
        return np.asarray(backlog / self.cap_wait * 3600.0)

    def _add_edges(self, edges: np.ndarray) -> None:
        new = edges[self.pos[edges] < 0]
        self.pos[new] = len(self.edges) + np.arange(len(new))
        self.edges = np.concatenate([self.edges, new])
        # A zero capacity stops an edge without a division by zero.
        self.cap_step = np.maximum(self.cap_h[self.edges] * self.dt / 3600.0, 1e-300)
        self.cap_wait = np.maximum(self.cap_h[self.edges], 1e-9)
        self.trace = np.hstack([self.trace, np.zeros((len(self.trace), len(new)))])

    def _grow_ring(self, length: int, new_cells: int) -> None:
        """Add cells to the ring and keep it at least ``length`` slots long."""
        ring = np.hstack([self.ring, np.zeros((len(self.ring), new_cells))])
        if length > len(ring):
            # Slot of step t is t % len(ring): re-lay the pending steps for the longer ring.
            longer = np.zeros((length, ring.shape[1]))
            pending = self.step + np.arange(len(ring))
            longer[pending % length] = ring[pending % len(ring)]
            ring = longer
        self.ring = ring

    def _restore(self) -> None:
        cp = self.checkpoint
        if cp is None:
            raise RuntimeError("QueueForecast: no checkpoint to resume a new slice from.")
        self.step, self.queue, self.ring = cp.step, cp.queue, cp.ring

    def _advance(self, until: int) -> None:
        """Simulate steps up to and including ``until`` (or until nothing moves any more)."""
        last_release = max((sl.last for sl in self.slices), default=-1)
        while self.step <= until and not self.done:
            self._one_step()
            if self.step > last_release and not self.queue.any() and not self.ring.any():
                self.done = True

    def _one_step(self) -> None:
        s = self.step
        if s == len(self.trace):  # room for more steps (doubling)
            more = np.zeros((max(16, s), len(self.edges)))
            self.trace = np.vstack([self.trace, more])
        if s == self.checkpoint_at:
            self.checkpoint = _Checkpoint(s, self.queue.copy(), self.ring.copy())
        slot = s % len(self.ring)
        self.queue += self.ring[slot]
        self.ring[slot] = 0.0
        for sl in self.slices:
            if sl.first <= s <= sl.last:
                self.queue[sl.start : sl.stop] += self.release[sl.index, s] * sl.base
        out = _discharge(self.queue, self.cell_edge, self.cap_step)
        self.queue -= out
        self.trace[s] = np.bincount(self.cell_edge, weights=self.queue, minlength=len(self.edges))
        if slot not in self.go_at:  # slot (s + steps) % len(ring), column of the next cell
            ahead = (slot + self.cell_steps[self.go]) % len(self.ring)
            self.go_at[slot] = ahead * len(self.queue) + self.cell_target[self.go]
        np.add.at(self.ring.ravel(), self.go_at[slot], out[self.go])
        self.step += 1


def _unique_inverse(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for values in ``[0, size)``.

    By marking the values in a mask rather than sorting them: faster for the few
    thousand keys of a slice.
    """
    seen = np.zeros(size, dtype=bool)
    seen[values] = True
    keys = np.flatnonzero(seen)
    index = np.empty(size, dtype=np.int64)
    index[keys] = np.arange(len(keys))
    return keys, index[values]
