"""Shortest paths to reception sites: one compiled Dijkstra per site.

Each site's search runs on the reversed graph (``scipy.sparse.csgraph``), so
one search gives every node's travel time *to* that site and, through the
predecessor array, the next hop along its fastest path: a shortest-path tree
rooted at the site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

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


@dataclass
class SiteTrees:
    """Travel times and shortest-path trees from every node to each site.

    Attributes
    ----------
    network
        The network searched.
    site_nodes
        Network node index each site is joined to (shape (k,)).
    offnet_m, offnet_s
        Estimated off-network leg per site: distance (m) and time (s); 0 when
        the site lies on the network.
    time_s
        Shape (k, n): seconds from node to site ``j`` including the leg (inf
        if unreachable).
    next_node
        Shape (k, n): next node towards site ``j`` (-1 at the site or if unreachable).
    next_edge
        Shape (k, n): edge index of that hop (-1 likewise).
    """

    network: RoadNetwork
    site_nodes: np.ndarray
    offnet_m: np.ndarray
    offnet_s: np.ndarray
    time_s: np.ndarray
    next_node: np.ndarray
    next_edge: np.ndarray

    def edge_loads(self, nodes: np.ndarray, flows: np.ndarray) -> np.ndarray:
        """People per edge when ``flows[i, j]`` people go from ``nodes[i]`` to site ``j``."""
        net = self.network
        loads = np.zeros(net.n_edges)
        for j in range(flows.shape[1] if flows.ndim == 2 else 0):
            load = np.bincount(nodes, weights=flows[:, j], minlength=net.n_nodes)
            if not load.any():
                continue
            order = np.argsort(-self.time_s[j])
            order = order[np.isfinite(self.time_s[j, order])]
            nxt, nxe = self.next_node[j], self.next_edge[j]
            # Farthest nodes first, so each node's load is complete before it moves on.
            for v in order:
                if load[v] > 0 and nxt[v] >= 0:
                    loads[nxe[v]] += load[v]
                    load[nxt[v]] += load[v]
        return loads

    def path_edges(self, j: int, node: int) -> list[int]:
        """Edge indices from ``node`` to site ``j`` (empty at the site)."""
        out = []
        while (e := int(self.next_edge[j, node])) >= 0:
            out.append(e)
            node = int(self.next_node[j, node])
        return out


def closed_edges(net: RoadNetwork, closures: list[shapely.Geometry]) -> np.ndarray:
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


def cheapest_edge_lookup(net: RoadNetwork, weight: np.ndarray) -> dict[tuple[int, int], int]:
    """(u, v) node-index pair -> index of the cheapest finite edge between them."""
    best: dict[tuple[int, int], int] = {}
    order = np.argsort(weight, kind="stable")
    for e in order[np.isfinite(weight[order])]:
        best.setdefault((int(net.edge_u[e]), int(net.edge_v[e])), int(e))
    return best


def site_trees(
    net: RoadNetwork,
    site_xy: np.ndarray,
    *,
    closed: np.ndarray | None = None,
    extra_s: np.ndarray | None = None,
) -> SiteTrees:
    """Run one reversed-graph Dijkstra per site.

    Parameters
    ----------
    net
        The road network.
    site_xy
        Site coordinates, shape (k, 2), EPSG:25832.
    closed
        Mask of closed edges (never used).
    extra_s
        Extra seconds per edge for route choice (expected queueing delay).
    """
    weight = net.edges["travel_time"].to_numpy(float).copy()
    if extra_s is not None:
        weight += extra_s
    if closed is not None:
        weight[closed] = np.inf
    site_xy = np.asarray(site_xy, dtype=float).reshape(-1, 2)
    candidates = _site_candidates(net, weight)
    tree = cKDTree(net.xy[candidates])
    dist, pos = tree.query(site_xy)
    site_nodes = candidates[pos]
    offnet_m = np.where(dist > OFF_NETWORK_M, dist * DETOUR_FACTOR, 0.0)
    offnet_s = offnet_m / (OFF_NETWORK_KPH[net.mode] / 3.6)
    matrix = net.csr(weight, reverse=True)
    rows_d, rows_p = [], []
    for xy, node, off in zip(site_xy, site_nodes, offnet_m, strict=True):
        entries = [node] if off > 0 else candidates[tree.query_ball_point(xy, ENTRY_RADIUS_M)]
        d, p, _ = dijkstra(
            matrix,
            indices=np.unique(np.append(entries, node)),
            min_only=True,
            return_predecessors=True,
        )
        rows_d.append(d)
        rows_p.append(p)
    dist_s = np.vstack(rows_d) + offnet_s[:, None]
    pred = np.vstack(rows_p)
    edge_of = cheapest_edge_lookup(net, weight)
    next_edge = np.full(pred.shape, -1, dtype=np.int64)
    for j in range(len(site_nodes)):
        nodes = np.flatnonzero(pred[j] >= 0)
        next_edge[j, nodes] = [
            edge_of[(int(a), int(b))] for a, b in zip(nodes, pred[j, nodes], strict=False)
        ]
    pred = np.where(pred < 0, -1, pred).astype(np.int64)
    return SiteTrees(net, site_nodes, offnet_m, offnet_s, dist_s, pred, next_edge)


def _site_candidates(net: RoadNetwork, weight: np.ndarray) -> np.ndarray:
    """Nodes a site may join: in the largest strongly connected piece, on a real road."""
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(net.csr(weight), directed=True, connection="strong")
    main = labels == np.argmax(np.bincount(labels))
    major = ~net.edges["highway"].isin(MINOR_CLASSES).to_numpy() & np.isfinite(weight)
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
    d = dijkstra(net.csr(reverse=True), indices=np.unique(site_nodes), min_only=True)
    return np.isfinite(d)


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
    good = np.flatnonzero(reach if open_reach is None else reach | open_reach)
    if len(good) == 0:
        reason = [Message("reason.no_site_on_network")] * n
        return Attachment(node, snap, reason)
    dist, pos = cKDTree(net.xy[good]).query(origin_xy)
    cand = good[pos]
    near = dist <= MAX_SNAP_M
    ok = near & reach[cand]
    node[ok] = cand[ok]
    snap[ok] = dist[ok]
    any_dist, _ = cKDTree(net.xy).query(origin_xy)
    for i in np.flatnonzero(~ok):
        if near[i]:
            reason[i] = Message("reason.roads_closed")
        elif any_dist[i] <= MAX_SNAP_M:
            reason[i] = Message("reason.cut_off")
        else:
            reason[i] = Message("reason.no_road_near", {"metres": round(MAX_SNAP_M)})
    return Attachment(node, snap, reason)
