"""Where evacuees go: safe exits out of the danger area, and who seeks a reception place.

Evacuation model v2 (issue #8). Everybody leaves the zone; only a share comes to
a reception site (EPS, hotel). Public-shelter use in large evacuations is
typically 5-15 % of evacuees (Baker 1991, "Hurricane evacuation behavior",
Int. J. Mass Emergencies and Disasters 9(2)); the rest go to their own
arrangements (family, friends, second homes). The share is
``Scenario.reception_share`` (default 0.15, *antatt*).

A *safe exit* is a road node a safety distance (``Scenario.exit_buffer_m``,
default 500 m, *antatt*) beyond the zone boundary, or a main road leaving the
road data (the road goes on beyond the data, e.g. E18 west of Lysaker). All
exit nodes form one destination with many entry nodes, so one multi-source
reversed Dijkstra gives every node's time to its quickest exit and the
shortest-path tree to it: the same machinery as for reception sites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.network import RoadNetwork
from planning.evacuees import integer_split
from planning.i18n import road_class_name, t
from planning.layer_frame import layer_frame

#: Road classes whose dead ends at the edge of the data are roads leaving the
#: data (they continue beyond it), not real dead ends. Tertiary roads and below
#: are left out: at the southern box edge Snarøyveien (tertiary) leads on to the
#: rest of the peninsula, not out of it.
MAIN_ROAD_CLASSES = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
    }
)
#: A main-road dead end this close to the edge of the network's extent (its
#: convex hull) is a road leaving the data (m).
DATA_EDGE_BAND_M = 250.0
#: Compass sectors for exit labels, clockwise from north.
_COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


@dataclass
class ExitNodes:
    """The safe-exit nodes of one network for one zone.

    Attributes
    ----------
    nodes
        Node indices of every safe exit (sorted, unique).
    data_edge
        Per entry of ``nodes``: True where the exit is a main road leaving the data.
    """

    nodes: np.ndarray
    data_edge: np.ndarray


def exit_nodes(net: RoadNetwork, zone: BaseGeometry, buffer_m: float) -> ExitNodes:
    """Safe exits: nodes beyond ``buffer_m`` of the zone, and main roads leaving the data.

    Nodes beyond the buffer count only in a piece of the road network (without
    the buffered zone) from which a main road leaves the data: a pocket that can
    only be left through the zone (Snarøya, for a zone over Fornebu) is no safe
    exit, since its people would be trapped there. Without any such road the
    largest piece counts. A main road that leaves the data outside the zone but
    within the buffer counts too: the road goes on, and so do the people on it.
    """
    points = net.node_points
    safe_area = zone.buffer(buffer_m) if buffer_m > 0 else zone
    shapely.prepare(safe_area)
    beyond = ~shapely.intersects(safe_area, points)
    shapely.prepare(zone)
    edge = data_edge_nodes(net) & ~shapely.intersects(zone, points)
    nodes = np.flatnonzero(_open_pieces(net, np.asarray(beyond), edge) | edge)
    return ExitNodes(nodes, edge[nodes])


def _open_pieces(net: RoadNetwork, beyond: np.ndarray, edge: np.ndarray) -> np.ndarray:
    """Mask of ``beyond`` nodes whose piece (outside the buffered zone) reaches the data edge."""
    keep = beyond[net.edge_u] & beyond[net.edge_v]
    graph = sp.coo_matrix(
        (np.ones(int(keep.sum())), (net.edge_u[keep], net.edge_v[keep])),
        shape=(net.n_nodes, net.n_nodes),
    )
    _, label = connected_components(graph, directed=False)
    open_labels = np.unique(label[beyond & edge])
    if len(open_labels) == 0 and beyond.any():
        open_labels = np.array([np.argmax(np.bincount(label[beyond]))])
    return beyond & np.isin(label, open_labels)


def data_edge_nodes(net: RoadNetwork) -> np.ndarray:
    """Mask of main-road dead ends at the edge of the network's extent.

    A node with one neighbour (or only in- or only out-edges, the end of a
    one-way carriageway) on a main road near the convex hull of all nodes is
    where the road leaves the data. Computed once per network.
    """
    return net.derived("data_edge_nodes", lambda: _data_edge_nodes(net))


def _data_edge_nodes(net: RoadNetwork) -> np.ndarray:
    main = net.edges["highway"].isin(MAIN_ROAD_CLASSES).to_numpy()
    n = net.n_nodes
    on_main = np.zeros(n, dtype=bool)
    on_main[net.edge_u[main]] = on_main[net.edge_v[main]] = True
    pairs = np.unique(
        np.sort(np.column_stack([net.edge_u, net.edge_v]), axis=1), axis=0
    )  # undirected neighbour pairs
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    degree = np.bincount(pairs.ravel(), minlength=n)
    has_out = np.bincount(net.edge_u, minlength=n) > 0
    has_in = np.bincount(net.edge_v, minlength=n) > 0
    dead_end = (degree == 1) | (has_out != has_in)
    hull = shapely.MultiPoint(net.xy).convex_hull.boundary
    near_edge = shapely.distance(net.node_points, hull) <= DATA_EDGE_BAND_M
    return np.asarray(on_main & dead_end & near_edge)


def tree_roots(next_node: np.ndarray) -> np.ndarray:
    """The node each node's path ends at (itself where it has no next hop).

    Pointer doubling: ``log2(path length)`` vectorised rounds.
    """
    ptr = np.where(next_node >= 0, next_node, np.arange(len(next_node)))
    while True:
        hop = ptr[ptr]
        if np.array_equal(hop, ptr):
            return ptr
        ptr = hop


def reception_seekers(people: np.ndarray, share: float) -> np.ndarray:
    """People per group who seek a reception place: ``share`` of each, rounded exactly.

    Largest-remainder rounding over all groups, so the total is
    ``round(share * people.sum())`` and no group gets more than its people.
    """
    people = np.asarray(people, dtype=np.int64)
    total = round(share * int(people.sum()))
    return np.asarray(np.minimum(integer_split(people * share, total), people))


def road_label(net: RoadNetwork, node: int, lang: str = "nb") -> str:
    """Name of the biggest road at ``node``; unnamed roads by their class in brackets."""
    start, edges = net.node_edges
    at = edges[start[node] : start[node + 1]]
    if len(at) == 0:
        return road_class_name("", lang)
    cap = net.capacity[at]
    named = net.edge_name[at] != ""
    pick = at[named][np.argmax(cap[named])] if named.any() else at[np.argmax(cap)]
    name = str(net.edge_name[pick])
    return name or f"({road_class_name(str(net.edge_highway[pick]), lang)})"


def compass(from_xy: tuple[float, float], to_xy: np.ndarray, lang: str = "nb") -> str:
    """Eight-point compass direction from ``from_xy`` to ``to_xy`` (``vest``, ``nordøst``)."""
    dx, dy = float(to_xy[0] - from_xy[0]), float(to_xy[1] - from_xy[1])
    bearing = math.degrees(math.atan2(dx, dy)) % 360.0
    return t(f"direction.{_COMPASS[round(bearing / 45.0) % 8]}", lang)


def exit_label(net: RoadNetwork, node: int, centre: shapely.Point, lang: str = "nb") -> str:
    """An exit's name: its road and direction from the zone centre (``Drammensveien vest``)."""
    return f"{road_label(net, node, lang)} {compass((centre.x, centre.y), net.xy[node], lang)}"


#: Columns of the exits layer.
EXIT_COLUMNS = ("name", "name_en", "road", "data_edge", "people", "geometry")


def exits_layer(
    net_rows: list[tuple[RoadNetwork, np.ndarray, np.ndarray, np.ndarray]],
    zone: BaseGeometry,
) -> gpd.GeoDataFrame:
    """Safe exits in use: one row per road and direction, with the people using them.

    Parameters
    ----------
    net_rows
        Per travel mode: the network, each exit-goer group's exit node, its
        people, and the mask of exit nodes at the data edge (length ``n_nodes``).
    zone
        The evacuated area (directions are taken from its centre).
    """
    centre = zone.centroid
    rows: dict[str, dict[str, Any]] = {}
    for net, node, people, at_edge in net_rows:
        per_node = np.bincount(node, weights=people, minlength=net.n_nodes)
        for v in np.flatnonzero(per_node > 0):
            name = exit_label(net, int(v), centre)
            row = rows.setdefault(
                name,
                {
                    "name": name,
                    "name_en": exit_label(net, int(v), centre, "en"),
                    "road": road_label(net, int(v)),
                    "data_edge": False,
                    "people": 0.0,
                    "best": -1.0,
                    "geometry": None,
                },
            )
            row["people"] += per_node[v]
            row["data_edge"] |= bool(at_edge[v])
            if per_node[v] > row["best"]:
                row["best"], row["geometry"] = per_node[v], shapely.Point(net.xy[v])
    records = sorted(rows.values(), key=lambda r: -r["people"])
    if not records:
        layer = gpd.GeoDataFrame(
            [], columns=list(EXIT_COLUMNS), geometry="geometry", crs=settings.WORK_CRS
        )
        return layer.astype({"people": np.int64, "data_edge": bool})
    columns: dict[str, Any] = {c: [r[c] for r in records] for c in EXIT_COLUMNS}
    # Traffic split around queues gives fractional shares: round so the total stays exact.
    people = np.array(columns["people"])
    columns["people"] = integer_split(people, round(people.sum())).astype(np.int64)
    columns["data_edge"] = np.array(columns["data_edge"], dtype=bool)
    return layer_frame(columns, ("name", "name_en", "road"))
