"""Routable road networks (drive and walk) built from an OSM XML file.

``osmnx.graph_from_xml`` applies no network-type filter, so this module filters
ways on their ``highway`` and access tags itself, adds speeds, travel times,
lanes and an estimated capacity per edge, and projects to EPSG:25832.

The result is a :class:`RoadNetwork`: flat numpy edge arrays for compiled
routing (``scipy.sparse.csgraph``) plus the node/edge GeoDataFrames osmnx uses.
Building takes seconds; :mod:`geo.network_cache` stores the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from geo import settings
from geo.errors import RegionDataError

if TYPE_CHECKING:
    import networkx as nx

# osmnx (and through it scikit-learn and matplotlib) takes seconds to import and
# is only needed to build a network from OSM XML, not to plan on a cached one:
# it is imported inside the functions that use it.

MODES: tuple[str, ...] = ("drive", "walk")
_T = TypeVar("_T")

#: Extra OSM way tags kept when parsing, needed by the access filters below.
_EXTRA_WAY_TAGS = ("foot", "motor_vehicle", "motorcar")
#: Service roads kept out of the drive network. Driveways and car parks stay in:
#: that is where evacuating cars start (osmnx's "drive_service" reasoning).
_DRIVE_EXCLUDED_SERVICE = frozenset({"emergency_access", "private"})
_NO_ACCESS = frozenset({"no", "private"})
_SPEED_RE = re.compile(r"(\d+(?:\.\d+)?)")


@dataclass
class RoadNetwork:
    """A routable network for one travel mode, in EPSG:25832.

    Attributes
    ----------
    mode
        ``"drive"`` or ``"walk"``.
    nodes
        GeoDataFrame indexed by OSM node id with ``x``, ``y`` and point geometry.
    edges
        GeoDataFrame with one row per directed edge: ``u``, ``v``, ``key``,
        ``length`` (m), ``speed_kph``, ``travel_time`` (s), ``lanes`` (per
        direction), ``capacity_vph`` (vehicles per hour for drive, persons per
        hour for walk), ``highway``, ``name`` and LineString geometry.
    source
        Description of where the network came from (file and hash).
    """

    mode: str
    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    source: str = ""
    _graph: nx.MultiDiGraph | None = field(default=None, repr=False)
    _derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """``build()``, computed once per network and ``key``, then kept.

        For values that depend on the network alone, not on a scenario (exit
        candidates at the data edge, route preferences, display names): a plan
        on the same region reuses them. ``key`` names the value and anything
        else it depends on (e.g. a digest of an edge-weight array).
        """
        if key not in self._derived:
            self._derived[key] = build()
        return cast(_T, self._derived[key])

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the derived values: a copy (e.g. on a Dask worker) rebuilds them."""
        state = self.__dict__.copy()
        state["_derived"] = {}
        return state

    @cached_property
    def node_points(self) -> np.ndarray:
        """Point geometry per node index (shapely array, EPSG:25832)."""
        return np.asarray(shapely.points(self.xy))

    @cached_property
    def edge_geometry(self) -> np.ndarray:
        """LineString per edge (shapely array, EPSG:25832)."""
        return np.asarray(self.edges.geometry.to_numpy())

    @cached_property
    def edge_name(self) -> np.ndarray:
        """Road name per edge ("" if none), as an object array."""
        return np.asarray(self.edges["name"].to_numpy(dtype=object))

    @cached_property
    def edge_highway(self) -> np.ndarray:
        """OSM highway class per edge, as an object array."""
        return np.asarray(self.edges["highway"].to_numpy(dtype=object))

    @cached_property
    def node_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Edges at each node (as start or end), CSR-style: ``edges[start[i]:start[i + 1]]``.

        Each node's edges are in edge order.
        """
        ends = np.concatenate([self.edge_u, self.edge_v])
        edge = np.tile(np.arange(self.n_edges), 2)
        order = np.lexsort((edge, ends))
        # An edge from a node to itself is listed once.
        keep = np.r_[
            True, (ends[order][1:] != ends[order][:-1]) | (edge[order][1:] != edge[order][:-1])
        ]
        order = order[keep]
        start = np.searchsorted(ends[order], np.arange(self.n_nodes + 1))
        return start, edge[order]

    @cached_property
    def node_ids(self) -> np.ndarray:
        """OSM node id per node index."""
        return np.asarray(self.nodes.index.to_numpy(dtype=np.int64))

    @cached_property
    def xy(self) -> np.ndarray:
        """Node coordinates, shape (n, 2), EPSG:25832."""
        return np.asarray(self.nodes[["x", "y"]].to_numpy(dtype=float))

    @cached_property
    def edge_u(self) -> np.ndarray:
        """Index of each edge's start node."""
        return np.asarray(self.nodes.index.get_indexer(self.edges["u"]).astype(np.int64))

    @cached_property
    def edge_v(self) -> np.ndarray:
        """Index of each edge's end node."""
        return np.asarray(self.nodes.index.get_indexer(self.edges["v"]).astype(np.int64))

    @cached_property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @cached_property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.edges)

    @cached_property
    def travel_time_s(self) -> np.ndarray:
        """Free-flow travel time per edge (s), as a float array."""
        return np.asarray(self.edges["travel_time"].to_numpy(float))

    @cached_property
    def capacity(self) -> np.ndarray:
        """Capacity per edge (vehicles or persons per hour), as a float array."""
        return np.asarray(self.edges["capacity_vph"].to_numpy(float))

    @cached_property
    def _pairs(self) -> dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per direction (reverse or not): edges grouped by node pair.

        Each value is the edge order by (row, col) node pair, each pair's first
        position, and the pairs' rows and columns.
        """
        out = {}
        for reverse in (False, True):
            row, col = (self.edge_v, self.edge_u) if reverse else (self.edge_u, self.edge_v)
            order = np.lexsort((col, row))
            r, c = row[order], col[order]
            start = np.flatnonzero(np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])])
            out[reverse] = (order, start, r[start], c[start])
        return out

    @cached_property
    def _csr_index(self) -> dict[bool, tuple[np.ndarray, np.ndarray]]:
        """Per direction: each pair's column and the row pointers over all pairs.

        In scipy's index type (int32 while it fits), so building a matrix copies nothing.
        """
        out = {}
        for reverse, (_, _, row, col) in self._pairs.items():
            kind = np.int32 if max(len(col), self.n_nodes) < np.iinfo(np.int32).max else np.int64
            indptr = np.searchsorted(row, np.arange(self.n_nodes + 1))
            out[reverse] = (col.astype(kind), indptr.astype(kind))
        return out

    @cached_property
    def _parallel(self) -> tuple[np.ndarray, ...]:
        """Forward node pairs: their keys and first edges, and the pairs with parallel edges.

        For the latter: the edges in pair order, each pair's first position among
        them, each edge's pair among them, and the pairs' indices among all pairs.
        """
        order, start, row, col = self._pairs[False]
        size = np.diff(np.append(start, len(order)))
        group = np.repeat(np.arange(len(start)), size)
        multi = np.flatnonzero(size[group] > 1)
        pairs, local = np.unique(group[multi], return_inverse=True)
        first = np.flatnonzero(np.diff(local, prepend=-1) != 0)
        # Keys in 32 bits while they fit: searching them is twice as fast.
        small = self.n_nodes**2 < np.iinfo(np.int32).max
        key = (row * np.int64(self.n_nodes) + col).astype(np.int32 if small else np.int64)
        return key, order[start], order[multi], first, local, pairs

    def cheapest_edges(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each node pair's cheapest edge under ``weight``.

        Returns
        -------
        key, edge
            Sorted pair keys ``u * n_nodes + v`` (int32 while they fit) and the cheapest
            edge of each pair (of parallel edges, the first in edge order with the
            pair's least weight).
        """
        key, edge, multi, first, local, pairs = self._parallel
        edge = edge.copy()
        if len(multi):
            ws = weight[multi]
            hit = np.flatnonzero(ws == np.minimum.reduceat(ws, first)[local])
            won = hit[np.diff(local[hit], prepend=-1) != 0]  # each pair's first hit
            edge[pairs[local[won]]] = multi[won]
        return key, edge

    def csr(self, weight: np.ndarray | None = None, *, reverse: bool = False) -> sp.csr_matrix:
        """Sparse adjacency matrix with the smallest ``weight`` per node pair.

        Parameters
        ----------
        weight
            Weight per edge (default: travel time in seconds). ``inf`` removes an edge.
        reverse
            Transpose the graph, for one search per destination.
        """
        w = self.travel_time_s if weight is None else weight
        order, start, _, _ = self._pairs[reverse]
        col, indptr = self._csr_index[reverse]
        # Parallel edges: keep the cheapest (csr would otherwise sum duplicates).
        wk = np.minimum.reduceat(w[order], start) if len(start) else np.zeros(0)
        keep = np.isfinite(wk)
        if not keep.all():
            # Pairs are sorted by row: a row's pointer counts the kept pairs before it.
            indptr = np.concatenate([[0], np.cumsum(keep)])[indptr].astype(indptr.dtype)
            wk, col = wk[keep], col[keep]
        # csgraph treats explicit zeros as missing edges; keep zero-length edges.
        n = self.n_nodes
        return sp.csr_matrix((np.maximum(wk, 1e-6), col, indptr), shape=(n, n))

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The network as an osmnx-compatible MultiDiGraph (built on first use)."""
        if self._graph is None:
            import osmnx as ox

            edges = self.edges.set_index(["u", "v", "key"])
            self._graph = ox.convert.graph_from_gdfs(self.nodes, edges)
        return self._graph


def parse_osm(osm_path: Path) -> nx.MultiDiGraph:
    """Parse an OSM XML file into an unsimplified, unfiltered graph (EPSG:4326).

    Raises
    ------
    RegionDataError
        If the file is missing or not OSM XML.
    """
    if not osm_path.is_file():
        msg = f"OSM file {osm_path} not found: the region pack needs osm/*.osm."
        raise RegionDataError(msg)
    import osmnx as ox

    tags = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = tags + [t for t in _EXTRA_WAY_TAGS if t not in tags]
    try:
        return ox.graph_from_xml(osm_path, simplify=False, retain_all=True)
    except Exception as exc:  # osmnx raises bare errors for malformed XML
        msg = f"Cannot read OSM file {osm_path}: {exc}. Re-download it or fix the XML."
        raise RegionDataError(msg) from exc
    finally:
        ox.settings.useful_tags_way = tags


def build_network(
    raw: nx.MultiDiGraph, mode: str, *, include_construction: bool = False
) -> RoadNetwork:
    """Filter, simplify, attribute and project ``raw`` for one travel mode.

    Parameters
    ----------
    raw
        Output of :func:`parse_osm`.
    mode
        ``"drive"`` or ``"walk"``.
    include_construction
        Keep ``highway=construction`` ways (excluded by default: not passable).
    """
    if mode not in MODES:
        msg = f"Unknown network mode {mode!r}: use 'drive' or 'walk'."
        raise ValueError(msg)
    import osmnx as ox

    keep = [
        (u, v, k)
        for u, v, k, d in raw.edges(keys=True, data=True)
        if _passable(d, mode, include_construction=include_construction)
    ]
    G = raw.edge_subgraph(keep).copy()
    if mode == "walk":
        # Pedestrians walk both ways along every way.
        G = _two_way(G)
    G = ox.simplify_graph(G)
    _add_attributes(G, mode)
    G = ox.project_graph(G, to_crs=settings.WORK_CRS)
    nodes, edges = ox.convert.graph_to_gdfs(G)
    edges = edges.reset_index()
    cols = ["u", "v", "key", "length", "speed_kph", "travel_time", "lanes", "capacity_vph"]
    edges = edges[[*cols, "highway", "name", "geometry"]].copy()
    edges["highway"] = edges["highway"].map(_weakest_class)
    edges["name"] = edges["name"].map(_first_str)
    nodes = nodes[["x", "y", "geometry"]].copy()
    return RoadNetwork(mode=mode, nodes=nodes, edges=edges)


def _passable(d: dict[str, Any], mode: str, *, include_construction: bool) -> bool:
    hwy = _first_str(d.get("highway"))
    if hwy == "construction":
        return include_construction
    if d.get("area") == "yes" or _first_str(d.get("access")) in _NO_ACCESS:
        return False
    if mode == "drive":
        if hwy not in settings.DRIVE_HIGHWAYS:
            return False
        if _first_str(d.get("service")) in _DRIVE_EXCLUDED_SERVICE:
            return False
        return "no" not in (d.get("motor_vehicle"), d.get("motorcar"))
    return hwy in settings.WALK_HIGHWAYS and d.get("foot") != "no"


def _two_way(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H = G.copy()
    for u, v, d in G.edges(data=True):
        if d.get("oneway") and not H.has_edge(v, u):
            rev = dict(d, reversed=not d.get("reversed", False))
            H.add_edge(v, u, **rev)
    for _, _, d in H.edges(data=True):
        d["oneway"] = False
    return H


def _first_str(value: object) -> str:
    """One tag value as a string; a list (simplification merged ways) gives its least value.

    osmnx merges the tags of simplified ways through a set, so the list's order
    changes with Python's hash seed: taking ``value[0]`` made the network (names,
    classes, speeds) differ between processes. The least value is the same in every run.
    """
    if isinstance(value, list):
        value = min((str(v) for v in value), default="")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _weakest_class(value: object) -> str:
    """The road class of a merged edge: its lowest-capacity piece (ties by name).

    A chain of ways is only as strong as its weakest piece, so the merged edge
    takes that piece's capacity and speed: conservative for clearance times, and
    independent of the order osmnx lists the classes in.
    """
    classes = value if isinstance(value, list) else [value]
    names = [_first_str(c) for c in classes] or [""]
    fallback = settings.LANE_CAPACITY_FALLBACK_VPH
    return min(names, key=lambda h: (settings.LANE_CAPACITY_VPH.get(h, fallback), h))


def _parse_speed(value: object) -> float | None:
    values = value if isinstance(value, list) else [value]
    speeds = []
    for v in values:
        m = _SPEED_RE.search(str(v)) if v is not None else None
        if m:
            kph = float(m.group(1))
            speeds.append(kph * 1.609 if "mph" in str(v) else kph)
    return min(speeds) if speeds else None


def _lanes_per_direction(d: dict[str, Any], hwy: str) -> int:
    values = d.get("lanes")
    values = values if isinstance(values, list) else [values]
    counts = [int(m.group(1)) for v in values if v and (m := re.match(r"(\d+)", str(v)))]
    if counts:
        total = min(counts)
        return max(1, total if d.get("oneway") else total // 2)
    return settings.DEFAULT_LANES.get(hwy, 1)


def _add_attributes(G: nx.MultiDiGraph, mode: str) -> None:
    walk_cap = settings.WALK_FLOW_PPH_PER_M * settings.WALK_PATH_WIDTH_M
    for _, _, d in G.edges(data=True):
        hwy = _weakest_class(d.get("highway"))
        if mode == "drive":
            speed = _parse_speed(d.get("maxspeed"))
            if speed is None:
                speed = settings.DRIVE_SPEED_KPH.get(hwy, settings.DRIVE_SPEED_FALLBACK_KPH)
            lanes = _lanes_per_direction(d, hwy)
            lane_cap = settings.LANE_CAPACITY_VPH.get(hwy, settings.LANE_CAPACITY_FALLBACK_VPH)
            capacity = lanes * lane_cap
        else:
            speed, lanes, capacity = settings.WALK_SPEED_KPH, 1, walk_cap
        d["speed_kph"] = float(speed)
        d["travel_time"] = float(d["length"]) / (speed / 3.6)
        d["lanes"] = int(lanes)
        d["capacity_vph"] = float(capacity)
        d.setdefault("name", "")


def network_from_arrays(
    xy: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    *,
    speed_kph: np.ndarray,
    capacity_vph: np.ndarray,
    name: list[str] | None = None,
    highway: list[str] | None = None,
    mode: str = "drive",
) -> RoadNetwork:
    """Build a :class:`RoadNetwork` from arrays (synthetic networks, tests, benchmarks).

    Parameters
    ----------
    xy
        Node coordinates in EPSG:25832, shape (n, 2); node ids are 0..n-1.
    u, v
        Start and end node index of each directed edge.
    speed_kph, capacity_vph
        Per-edge speed and capacity.
    name
        Per-edge road name (default empty).
    highway
        Per-edge OSM road class (default ``residential``).
    """
    from shapely import linestrings

    xy = np.asarray(xy, dtype=float)
    u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    coords = np.stack([xy[u], xy[v]], axis=1)
    length = np.linalg.norm(xy[v] - xy[u], axis=1)
    speed = np.asarray(speed_kph, dtype=float)
    nodes = gpd.GeoDataFrame(
        {"x": xy[:, 0], "y": xy[:, 1]},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=settings.WORK_CRS,
        index=pd.Index(np.arange(len(xy), dtype=np.int64), name="osmid"),
    )
    edges = gpd.GeoDataFrame(
        {
            "u": u,
            "v": v,
            "key": 0,
            "length": length,
            "speed_kph": speed,
            "travel_time": length / (speed / 3.6),
            "lanes": 1,
            "capacity_vph": np.asarray(capacity_vph, dtype=float),
            "highway": highway if highway is not None else ["residential"] * len(u),
            "name": name if name is not None else [""] * len(u),
        },
        geometry=linestrings(coords),
        crs=settings.WORK_CRS,
    )
    return RoadNetwork(mode=mode, nodes=nodes, edges=edges, source="synthetic")
