"""Shortest paths to destinations: one compiled Dijkstra per destination.

Each destination's search runs on the reversed graph (``scipy.sparse.csgraph``)
from all its entry nodes at once, so one search gives every node's travel time
*to* that destination and, through the predecessor array, the next hop along
its fastest path: a shortest-path tree rooted at the destination. A reception
site has one or a few entry nodes (its car-park entrances); a set of safe exits
is one destination with many entry nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.network import RoadNetwork
from planning.i18n import Message

#: Origins farther than this from a connected road are unreachable (m).
MAX_SNAP_M = 500.0
#: Sites farther than this from the network get an estimated off-network leg (m).
OFF_NETWORK_M = 150.0
#: Road distance / straight-line distance for the off-network leg (assumption).
DETOUR_FACTOR = 1.3
#: Speed on the off-network leg (km/h): urban driving, or walking pace.
OFF_NETWORK_KPH = {"drive": 40.0, "walk": 4.3}
#: Buffer around a drawn closure line that catches the road under it (m).
CLOSURE_BUFFER_M = 8.0
#: A site on the network is entered from every main-road node this close (m):
#: arenas and hotels have several car-park entrances, not one.
ENTRY_RADIUS_M = 250.0
#: Road classes a site is never joined to: one driveway or car-park aisle would
#: otherwise become everyone's last, artificial bottleneck.
MINOR_CLASSES = frozenset({"service", "track", "living_street", "path", "footway", "steps"})
#: Hops :meth:`SiteTrees.walk` takes between checks whether every walker has arrived.
_ROUNDS_PER_CHECK = 8
#: Nearest nodes :func:`attach_origins` looks at for one that reaches a site.
_SNAP_CANDIDATES = 8


@dataclass
class Hops:
    """The hops of walked paths: walker ``w`` goes from row ``rows[w]`` to ``dests[w]``.

    ``walker`` and ``edge`` hold one entry per hop, in path order per walker
    (:meth:`SiteTrees.walk`).
    """

    rows: np.ndarray
    dests: np.ndarray
    walker: np.ndarray
    edge: np.ndarray


@dataclass
class SiteTrees:
    """Travel times and shortest-path trees from every node to each destination.

    Attributes
    ----------
    network
        The network searched.
    site_nodes
        Main network node index of each destination (shape (k,)).
    offnet_m, offnet_s
        Estimated off-network leg per destination: distance (m) and time (s);
        0 when the destination lies on the network.
    time_s
        Shape (k, n): seconds from node to destination ``j`` including the leg
        (inf if unreachable).
    next_node
        Shape (k, n): next node towards destination ``j`` (-1 at the
        destination or if unreachable).
    next_edge
        Shape (k, n): edge index of that hop (-1 likewise).
    entries
        Entry node indices of each destination (the search sources).
    weight
        Per-edge route-choice cost the trees were searched with (s; inf = closed).
    """

    network: RoadNetwork
    site_nodes: np.ndarray
    offnet_m: np.ndarray
    offnet_s: np.ndarray
    time_s: np.ndarray
    next_node: np.ndarray
    next_edge: np.ndarray
    entries: list[np.ndarray]
    weight: np.ndarray

    def walk(self, nodes: np.ndarray, dests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every hop of the paths from ``nodes[w]`` to destination ``dests[w]``.

        All walkers advance one hop per vectorised round (one array take), so the
        cost is the longest path's hop count times that take.

        Returns
        -------
        walker, edge
            One entry per hop: walker index and edge index, in path order per walker.
        """
        n = self.next_edge.shape[1]
        next_edge, next_at = self.next_edge.ravel(), self._next_at
        nodes = np.asarray(nodes, dtype=np.int64)
        live = np.flatnonzero(nodes >= 0)
        # Flat positions dest * n + node: one-dimensional takes are the fast kind.
        at = np.asarray(dests, dtype=np.int64)[live] * n + nodes[live]
        if not len(at):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        # One take per round, the edges looked up once at the end: walkers at
        # their destination stay there (edge -1), so checking for the end only
        # every few rounds merely adds a few hops that are dropped.
        trail = [at]
        while next_edge[at].max() >= 0:
            for _ in range(_ROUNDS_PER_CHECK):
                at = next_at[at]
                trail.append(at)
        # Walker-major (walker x round) order, -1 once arrived.
        hops = next_edge[np.concatenate(trail)].reshape(len(trail), -1).T.ravel()
        keep = np.flatnonzero(hops >= 0)
        return live[keep // len(trail)], hops[keep]

    @cached_property
    def _next_at(self) -> np.ndarray:
        """Flat position ``dest * n + next node`` after each flat position (itself at the end)."""
        k, n = self.next_node.shape
        here = np.arange(k * n).reshape(k, n)
        return np.where(self.next_node >= 0, self.next_node + here[:, :1], here).ravel()

    def hops(self, nodes: np.ndarray, flows: np.ndarray) -> Hops:
        """Every hop of the paths that carry flow: ``flows[i, j]`` from ``nodes[i]`` to ``j``."""
        flows = np.asarray(flows).reshape(len(nodes), -1)
        rows, dests = np.nonzero(flows > 0)
        walker, edge = self.walk(np.asarray(nodes)[rows], dests)
        return Hops(rows, dests, walker, edge)

    def edge_loads(
        self, nodes: np.ndarray, flows: np.ndarray, hops: Hops | None = None
    ) -> np.ndarray:
        """Units per edge when ``flows[i, j]`` units go from ``nodes[i]`` to destination ``j``.

        ``hops``: :meth:`hops` of the same flows, when the caller has them already.
        """
        flows = np.asarray(flows, dtype=float).reshape(len(nodes), -1)
        h = self.hops(nodes, flows) if hops is None else hops
        weights = flows[h.rows, h.dests][h.walker]
        return np.bincount(h.edge, weights=weights, minlength=self.network.n_edges)

    def part(self, s: int, k: int) -> SiteTrees:
        """Destinations ``s * k`` to ``(s + 1) * k`` as a tree set of their own (views).

        The inverse of :func:`stack_trees` for sets of ``k`` destinations each.
        """
        part = slice(s * k, (s + 1) * k)
        views = {a: getattr(self, a)[part] for a in _STACKED}
        return replace(self, **views, entries=self.entries[part])

    def path_edges(self, j: int, node: int) -> list[int]:
        """Edge indices from ``node`` to destination ``j`` (empty at the destination)."""
        _, edge = self.walk(np.array([node]), np.array([j]))
        return [int(e) for e in edge]


def stack_trees(trees: Sequence[SiteTrees]) -> SiteTrees:
    """Destinations of several tree sets on one network, in order, as one set."""
    first = trees[0]
    if any(t.network is not first.network for t in trees):
        raise ValueError("stack_trees needs trees built on the same network.")
    entries = [e for t in trees for e in t.entries]
    stacked = {a: np.concatenate([getattr(t, a) for t in trees]) for a in _STACKED}
    return SiteTrees(first.network, **stacked, entries=entries, weight=first.weight)


_STACKED = ("site_nodes", "offnet_m", "offnet_s", "time_s", "next_node", "next_edge")


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a 1-d array, as :func:`numpy.unique` gives them.

    By sorting: numpy 2's hash-based ``unique`` is several times slower on the
    small integer arrays of routing (a few thousand node indices at most).
    """
    values = np.asarray(values)
    if len(values) < 2 or (values[1:] > values[:-1]).all():
        return values.copy()  # sorted and distinct already (entries searched before)
    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return ordered[first]


def closed_edges(net: RoadNetwork, closures: list[BaseGeometry]) -> np.ndarray:
    """Boolean mask of edges touched by any closure (lines are buffered slightly)."""
    mask = np.zeros(net.n_edges, dtype=bool)
    if not closures:
        return mask
    areas = [
        g.buffer(CLOSURE_BUFFER_M) if g.geom_type in ("LineString", "MultiLineString") else g
        for g in closures
    ]
    idx = net.edges.sindex.query(shapely.union_all(areas), predicate="intersects")
    mask[idx] = True
    return mask


def route_weight(
    net: RoadNetwork, *, closed: np.ndarray | None = None, extra_s: np.ndarray | None = None
) -> np.ndarray:
    """Route-choice cost per edge: free-flow seconds + ``extra_s``; closed edges inf."""
    weight = net.travel_time_s.copy()
    if extra_s is not None:
        weight += extra_s
    if closed is not None:
        weight[closed] = np.inf
    return weight


def hop_edges(
    pairs: tuple[np.ndarray, np.ndarray], n: int, node: np.ndarray, nxt: np.ndarray
) -> np.ndarray:
    """Edge of each hop ``node[i] -> nxt[i]``, from ``RoadNetwork.cheapest_edges`` output."""
    key, edge = pairs
    kind = key.dtype.type  # the keys' integer type: no cast of the keys per search
    at = np.searchsorted(key, node.astype(kind) * kind(n) + nxt.astype(kind))
    return np.asarray(edge[np.minimum(at, len(key) - 1)])


@dataclass
class Entries:
    """Where each reception site joins the network."""

    nodes: list[np.ndarray]  # entry node indices per site (search sources)
    site_nodes: np.ndarray  # main (nearest) node per site
    offnet_m: np.ndarray  # off-network leg per site (m), 0 on the network


def site_entries(net: RoadNetwork, site_xy: np.ndarray, weight: np.ndarray) -> Entries:
    """Entry nodes of sites.

    The nearest usable node, plus main-road nodes within :data:`ENTRY_RADIUS_M`
    when the site is on the network.
    """
    site_xy = np.asarray(site_xy, dtype=float).reshape(-1, 2)
    candidates, tree = _site_candidates(net, weight)
    dist, pos = tree.query(site_xy)
    site_nodes = candidates[pos]
    offnet_m = np.where(dist > OFF_NETWORK_M, dist * DETOUR_FACTOR, 0.0)
    nodes = []
    for xy, node, off in zip(site_xy, site_nodes, offnet_m, strict=True):
        # An off-network site is reached through its nearest node only.
        near = [] if off > 0 else candidates[tree.query_ball_point(xy, ENTRY_RADIUS_M)]
        nodes.append(sorted_unique(np.append(near, node).astype(np.int64)))
    return Entries(nodes, site_nodes, offnet_m)


def trees_for_weight(
    net: RoadNetwork,
    weight: np.ndarray,
    entries: Sequence[np.ndarray],
    offnet_m: np.ndarray | None = None,
) -> SiteTrees:
    """One reversed multi-source Dijkstra per destination on the given edge costs."""
    k = len(entries)
    offnet_m = np.zeros(k) if offnet_m is None else np.asarray(offnet_m, dtype=float)
    offnet_s = offnet_m / (OFF_NETWORK_KPH[net.mode] / 3.6)
    entries = [sorted_unique(np.asarray(e, dtype=np.int64)) for e in entries]
    if any(len(e) == 0 for e in entries):
        raise ValueError("Every destination needs at least one entry node.")
    matrix = net.csr(weight, reverse=True)
    dist = np.empty((k, net.n_nodes))
    pred = np.empty((k, net.n_nodes), dtype=np.int64)
    for j, sources in enumerate(entries):
        dist[j], pred[j], _ = dijkstra(
            matrix, indices=sources, min_only=True, return_predecessors=True
        )
    # On the reversed graph a node's predecessor is its next hop forwards.
    flat = pred.ravel()
    hop = np.flatnonzero(flat >= 0)  # flat position dest * n + node of every hop
    nxt_edge = np.full(pred.size, -1, dtype=np.int64)
    pairs = net.cheapest_edges(weight)
    nxt_edge[hop] = hop_edges(pairs, net.n_nodes, hop % net.n_nodes, flat[hop])
    nxt_edge = nxt_edge.reshape(pred.shape)
    np.maximum(pred, -1, out=pred)  # scipy marks "no predecessor" with -9999
    site_nodes = np.array([e[0] for e in entries], dtype=np.int64)
    return SiteTrees(
        net,
        site_nodes,
        offnet_m,
        offnet_s,
        dist + offnet_s[:, None],
        pred,
        nxt_edge,
        entries=list(entries),
        weight=weight,
    )


def destination_trees(
    net: RoadNetwork,
    entries: Sequence[np.ndarray],
    *,
    offnet_m: np.ndarray | None = None,
    closed: np.ndarray | None = None,
    extra_s: np.ndarray | None = None,
) -> SiteTrees:
    """Trees to destinations given as sets of entry nodes (e.g. all safe exits as one).

    Parameters
    ----------
    entries
        Node indices per destination; a unit arriving at any of them has arrived.
    offnet_m
        Off-network leg per destination (m), added to every travel time.
    closed, extra_s
        Closed-edge mask and extra route-choice seconds per edge (:func:`route_weight`).
    """
    weight = route_weight(net, closed=closed, extra_s=extra_s)
    return trees_for_weight(net, weight, entries, offnet_m)


def site_trees(
    net: RoadNetwork,
    site_xy: np.ndarray,
    *,
    closed: np.ndarray | None = None,
    extra_s: np.ndarray | None = None,
    also: Sequence[np.ndarray] = (),
) -> SiteTrees:
    """Trees to reception sites at ``site_xy`` (shape (k, 2), EPSG:25832).

    Parameters
    ----------
    closed
        Mask of closed edges: no tree takes them.
    extra_s
        Extra seconds per edge for route choice (e.g. preference for main roads).
    also
        Further destinations given as sets of entry nodes (e.g. all safe exits as
        one), after the sites: searched on the same edge costs, with no
        off-network leg (as :func:`destination_trees` and :func:`stack_trees`).
    """
    weight = route_weight(net, closed=closed, extra_s=extra_s)
    where = site_entries(net, site_xy, weight)
    offnet_m = np.concatenate([where.offnet_m, np.zeros(len(also))])
    trees = trees_for_weight(net, weight, [*where.nodes, *also], offnet_m)
    trees.site_nodes[: len(where.nodes)] = where.site_nodes
    return trees


def _site_candidates(net: RoadNetwork, weight: np.ndarray) -> tuple[np.ndarray, cKDTree]:
    """Nodes a site may join (in the largest strongly connected piece, on a real road).

    With a k-d tree of their coordinates; kept per network and weight (the
    route preference changes the weight) when no road is closed.
    """

    def build() -> tuple[np.ndarray, cKDTree]:
        nodes = _candidates(net, weight)
        return nodes, cKDTree(net.xy[nodes])

    if not np.isfinite(weight).all():
        return build()  # closures: one weight per scenario, not worth keeping
    key = ("site_candidates", hashlib.blake2b(weight.tobytes(), digest_size=16).digest())
    return net.derived(key, build)


def _candidates(net: RoadNetwork, weight: np.ndarray) -> np.ndarray:
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(net.csr(weight), directed=True, connection="strong")
    main = labels == np.argmax(np.bincount(labels))
    major = ~np.isin(net.edge_highway, list(MINOR_CLASSES)) & np.isfinite(weight)
    on_road = np.zeros(net.n_nodes, dtype=bool)
    on_road[net.edge_u[major]] = True
    on_road[net.edge_v[major]] = True
    good = np.flatnonzero(main & on_road)
    return good if len(good) else np.flatnonzero(main)


@dataclass
class Attachment:
    """Where each origin joins the network."""

    node: np.ndarray  # node index, -1 when unreachable
    snap_m: np.ndarray  # straight-line distance to that node
    reason: list[Message | None]  # None when reachable


def reaches_sites(net: RoadNetwork, site_nodes: np.ndarray) -> np.ndarray:
    """Mask of nodes with a path to any of ``site_nodes`` when no road is closed."""
    d = dijkstra(net.csr(reverse=True), indices=sorted_unique(site_nodes), min_only=True)
    return np.asarray(np.isfinite(d))


def attach_origins(
    trees: SiteTrees,
    origin_xy: np.ndarray,
    active: np.ndarray,
    *,
    open_reach: np.ndarray | None = None,
) -> Attachment:
    """Join origins to the nearest node that can reach at least one active site.

    Origins with no such node within :data:`MAX_SNAP_M` are unreachable, with a reason.

    Parameters
    ----------
    open_reach
        With closures: mask of nodes that reach a site when no road is closed
        (:func:`reaches_sites`). An origin whose nearest such node is cut off by
        the closures is unreachable; it is never snapped across a closure to a
        road on the far side.
    """
    net = trees.network
    n = len(origin_xy)
    node = np.full(n, -1, dtype=np.int64)
    snap = np.full(n, np.inf)
    reason: list[Message | None] = [None] * n
    if n == 0:
        return Attachment(node, snap, reason)
    reach = (
        np.isfinite(trees.time_s[active]).any(axis=0)
        if active.any()
        else np.zeros(net.n_nodes, dtype=bool)
    )
    # Without closures a node can only fail to reach a site if it sits on a
    # disconnected piece of the data: snapping past such pieces is right.
    usable = reach if open_reach is None else reach | open_reach
    if not usable.any():
        reason = [Message("reason.no_site_on_network")] * n
        return Attachment(node, snap, reason)
    cand, dist, any_dist = _nearest_usable(net, usable, origin_xy)
    near = dist <= MAX_SNAP_M
    ok = near & reach[cand]
    node[ok] = cand[ok]
    snap[ok] = dist[ok]
    for i in np.flatnonzero(~ok):
        if near[i]:
            reason[i] = Message("reason.roads_closed")
        elif any_dist[i] <= MAX_SNAP_M:
            reason[i] = Message("reason.cut_off")
        else:
            reason[i] = Message("reason.no_road_near", {"metres": round(MAX_SNAP_M)})
    return Attachment(node, snap, reason)


def _nearest_usable(
    net: RoadNetwork, usable: np.ndarray, origin_xy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest ``usable`` node to each origin and its distance; the nearest node of any kind.

    Exact up to :data:`MAX_SNAP_M`; beyond it the node is -1 and the distances
    are inf. From the network's k-d tree of all nodes: the nearest
    :data:`_SNAP_CANDIDATES` nodes usually hold a usable one; origins where they
    do not look at eight times as many, until every node in reach is seen.
    """
    origin_xy = np.asarray(origin_xy, dtype=float).reshape(-1, 2)
    tree = net.derived("node_kdtree", lambda: cKDTree(net.xy))
    cand = np.full(len(origin_xy), -1, dtype=np.int64)
    cand_dist = np.full(len(origin_xy), np.inf)
    todo, k, any_dist = np.arange(len(origin_xy)), _SNAP_CANDIDATES, np.zeros(0)
    while len(todo):
        # The tree's distance cut-off is strict: search a hair beyond the snap distance.
        dist, near = tree.query(origin_xy[todo], k=k, distance_upper_bound=MAX_SNAP_M * (1 + 1e-9))
        any_dist = dist[:, 0] if k == _SNAP_CANDIDATES else any_dist
        exists = near < net.n_nodes  # missing neighbours are marked n_nodes
        hit = exists.copy()
        hit[exists] = usable[near[exists]]
        first = hit.argmax(axis=1)
        every = np.arange(len(todo))
        found = hit[every, first]
        cand[todo[found]] = near[every, first][found]
        cand_dist[todo[found]] = dist[every, first][found]
        todo, k = todo[~found & exists[:, -1]], k * 8  # all k seen were unusable
    return cand, cand_dist, any_dist
