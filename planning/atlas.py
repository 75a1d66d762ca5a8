"""Pre-planned evacuation zones: partition the covered, populated area by how people leave.

The atlas starts from SSB 250 m population cells (populated cells only, so every
zone lies on land) whose centre lies in the road data's coverage. Each cell is
joined to the drive network and follows its fastest path to the nearest place
where a main road leaves the data (an *exit*); the first main road on that path
is the cell's *corridor*. Neighbouring cells with the same corridor merge, never
across a motorway (E18); large groups are cut into zones of about
:data:`DEFAULT_TARGET_PEOPLE` residents grown outwards from the exit, and small
leftovers join a neighbour. Zone ids are a hash of the sorted cell ids, so the
same cells always give the same id.

Pure: no plotting, no files, no scheduling (see :mod:`planning.batch`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import ZoneError
from geo.network import RoadNetwork
from planning.routing import MAX_SNAP_M, hop_edges

#: Default residents per zone (assumption, editable: ``--target-people``). About
#: the size of a grunnkrets (SSB basic statistical unit, typically 200-2,000
#: residents), which planners already use to name local areas.
DEFAULT_TARGET_PEOPLE = 1500
#: Default largest zone area in km² (assumption, editable: ``--max-km2``).
DEFAULT_MAX_KM2 = 1.0
#: A piece with fewer residents than this share of the target joins a neighbour.
MIN_SHARE = 0.3
#: Road classes that count as the "main road" a corridor is named after.
MAIN_ROADS = frozenset(
    {"motorway", "trunk", "primary", "secondary", "tertiary", "motorway_link", "trunk_link"}
)
#: Road classes cells are never merged across: motorways, and trunk roads, since
#: E18 through Bærum is tagged ``highway=trunk`` (name Drammensveien) in the OSM pack.
BARRIER_ROADS = frozenset({"motorway", "trunk"})
#: Main-road nodes this close to the edge of the road data are exits (m).
EXIT_EDGE_M = 300.0
#: Weight of a road class when choosing the road a zone is named after.
_NAME_WEIGHT = {"primary": 4.0, "secondary": 3.0, "tertiary": 2.0, "trunk": 2.0}
NO_EXIT = "(no exit)"


@dataclass(frozen=True)
class AtlasOptions:
    """How zones are cut (every number an editable assumption)."""

    target_people: float = DEFAULT_TARGET_PEOPLE
    max_km2: float = DEFAULT_MAX_KM2

    @property
    def max_cells(self) -> int:
        """Most SSB cells in one zone."""
        return max(1, int(self.max_km2 * 1e6 // settings.SSB_CELL_SIZE_M**2))

    def check(self) -> AtlasOptions:
        """Raise :class:`ZoneError` for sizes that cannot make zones."""
        if not self.target_people > 0 or not self.max_km2 > 0:
            raise ZoneError(
                f"Atlas zone size must be positive (target people {self.target_people}, "
                f"max km² {self.max_km2}): e.g. --target-people 1500 --max-km2 1."
            )
        return self


def atlas_cells(
    population: gpd.GeoDataFrame, coverage: BaseGeometry, area: BaseGeometry | None = None
) -> gpd.GeoDataFrame:
    """Populated cells whose centre lies in ``coverage`` (and ``area`` if given), by id.

    Adds integer grid columns ``gx``/``gy`` (SSB id corner / cell size), used for
    neighbours, and ``cx``/``cy`` (centre, EPSG:25832).
    """
    limit = coverage if area is None else coverage.intersection(area)
    cells = population[population["population"] > 0]
    centres = cells.geometry.centroid
    cells = cells[centres.within(limit).to_numpy()].sort_values("cell_id")
    if cells.empty:
        raise ZoneError(
            "No populated SSB cell lies in the area the road data covers: choose an area "
            "inside the region pack (see `evac region`)."
        )
    ids = cells["cell_id"].astype(str)
    size = int(settings.SSB_CELL_SIZE_M)
    cells = cells.assign(
        gx=ids.str[:7].astype(np.int64).to_numpy() // size,
        gy=ids.str[7:].astype(np.int64).to_numpy() // size,
        cx=cells.geometry.centroid.x.to_numpy(),
        cy=cells.geometry.centroid.y.to_numpy(),
    )
    return cells.reset_index(drop=True)


def cell_links(cells: gpd.GeoDataFrame, net: RoadNetwork, *, diagonal: bool = False) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of neighbouring cells not separated by a motorway.

    Neighbours share an edge (or, with ``diagonal``, also a corner). A pair is
    separated when the segment between the two cell centres crosses a
    :data:`BARRIER_ROADS` edge.
    """
    index = {
        (int(x), int(y)): i for i, (x, y) in enumerate(zip(cells["gx"], cells["gy"], strict=True))
    }
    steps = ((1, 0), (0, 1), (1, 1), (1, -1)) if diagonal else ((1, 0), (0, 1))
    pairs = [
        (i, index[(x + dx, y + dy)])
        for (x, y), i in index.items()
        for dx, dy in steps
        if (x + dx, y + dy) in index
    ]
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    links = np.sort(np.array(pairs, dtype=np.int64), axis=1)
    xy = cells[["cx", "cy"]].to_numpy()
    segments = shapely.linestrings(np.stack([xy[links[:, 0]], xy[links[:, 1]]], axis=1))
    barrier = net.edges.geometry.to_numpy()[net.edges["highway"].isin(BARRIER_ROADS).to_numpy()]
    if len(barrier):
        hit, _ = shapely.STRtree(barrier).query(segments, predicate="intersects")
        links = np.delete(links, np.unique(hit), axis=0)
    return links[np.lexsort((links[:, 1], links[:, 0]))]


def exit_nodes(net: RoadNetwork) -> np.ndarray:
    """Main-road nodes within :data:`EXIT_EDGE_M` of the edge of the road data."""
    main = net.edges["highway"].isin(MAIN_ROADS).to_numpy()
    nodes = np.unique(np.concatenate([net.edge_u[main], net.edge_v[main]]))
    # The hull's boundary: its exterior ring (a point or line for degenerate data).
    edge = shapely.MultiPoint(net.xy).convex_hull.boundary
    near = shapely.distance(shapely.points(net.xy[nodes]), edge) <= EXIT_EDGE_M
    return np.asarray(nodes[near])


def cell_corridors(cells: gpd.GeoDataFrame, net: RoadNetwork) -> tuple[list[str], np.ndarray]:
    """Each cell's corridor (first main road on its fastest way out) and its time out (s).

    Cells farther than :data:`planning.routing.MAX_SNAP_M` from a road that leads
    out get :data:`NO_EXIT` and an infinite time.
    """
    exits = exit_nodes(net)
    if not len(exits):
        return [NO_EXIT] * len(cells), np.full(len(cells), np.inf)
    weight = net.edges["travel_time"].to_numpy(float)
    dist, pred, _ = dijkstra(
        net.csr(weight, reverse=True), indices=exits, min_only=True, return_predecessors=True
    )
    # The edge each node leaves by towards the nearest exit (-1 at exits and off the tree).
    next_edge = np.full(net.n_nodes, -1, dtype=np.int64)
    step = np.flatnonzero(pred >= 0)
    next_edge[step] = hop_edges(net.cheapest_edges(weight), net.n_nodes, step, pred[step])
    good = np.flatnonzero(np.isfinite(dist))
    gap, pos = cKDTree(net.xy[good]).query(cells[["cx", "cy"]].to_numpy())
    highway = net.edges["highway"].to_numpy()
    name = net.edges["name"].to_numpy()
    own = {
        int(net.edge_u[e]): str(name[e]) or f"({highway[e]})"
        for e in np.flatnonzero(np.isin(highway, list(MAIN_ROADS)))[::-1]
    }
    corridors, times = [], np.full(len(cells), np.inf)
    for i, (d, p) in enumerate(zip(gap, pos, strict=True)):
        if d > MAX_SNAP_M:
            corridors.append(NO_EXIT)
            continue
        node = int(good[p])
        times[i] = dist[node]
        corridors.append(_first_main_road(node, pred, next_edge, highway, name, own))
    return corridors, times


def _first_main_road(
    node: int,
    pred: np.ndarray,
    next_edge: np.ndarray,
    highway: np.ndarray,
    name: np.ndarray,
    own: dict[int, str],
) -> str:
    """Name (or class) of the first main-road edge on the path from ``node`` to an exit."""
    last = own.get(node, "")
    while pred[node] >= 0:
        e = int(next_edge[node])
        label = str(name[e]) or f"({highway[e]})"
        if highway[e] in MAIN_ROADS:
            return label
        last, node = label, int(pred[node])
    # At an exit (its own main road), or the way out has no main road: the last street.
    return last or NO_EXIT


def _components(n: int, links: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Connected-component label per cell over the ``keep``-ed links."""
    a, b = links[keep, 0], links[keep, 1]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def _neighbours(n: int, links: np.ndarray) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n)]
    for a, b in links:
        out[a].append(int(b))
        out[b].append(int(a))
    return [sorted(x) for x in out]


def _split(
    members: list[int],
    nbrs: list[list[int]],
    people: np.ndarray,
    times: np.ndarray,
    opts: AtlasOptions,
) -> list[list[int]]:
    """Cut one corridor group into pieces grown outwards from the cell nearest the exit."""
    max_cells = opts.max_cells
    left = set(members)
    order = sorted(members, key=lambda c: (times[c], c))
    pieces = []
    for seed in order:
        if seed not in left:
            continue
        piece: list[int] = []
        frontier, total = [seed], 0.0
        left.discard(seed)
        while frontier and total < opts.target_people and len(piece) < max_cells:
            frontier.sort(key=lambda c: (times[c], c))
            cell = frontier.pop(0)
            piece.append(cell)
            total += people[cell]
            for nb in nbrs[cell]:
                if nb in left:
                    left.discard(nb)
                    frontier.append(nb)
        left.update(frontier)  # grown past the target: back to the pool
        pieces.append(sorted(piece))
    return pieces


def _merge_small(
    pieces: list[list[int]], nbrs: list[list[int]], people: np.ndarray, opts: AtlasOptions
) -> list[list[int]]:
    """Join pieces under :data:`MIN_SHARE` of the target to their smallest neighbour piece.

    Only while the joined zone stays within the area limit and ``1 + MIN_SHARE``
    times the target; a piece with no such neighbour stays a zone of its own.
    """
    owner = {c: k for k, piece in enumerate(pieces) for c in piece}
    size = [float(people[p].sum()) for p in pieces]
    alive = [True] * len(pieces)
    for k in sorted(range(len(pieces)), key=lambda k: (size[k], min(pieces[k]))):
        if not alive[k] or size[k] >= MIN_SHARE * opts.target_people:
            continue
        touching = {
            j
            for j in {owner[nb] for c in pieces[k] for nb in nbrs[c]} - {k}
            if len(pieces[j]) + len(pieces[k]) <= opts.max_cells
            and size[j] + size[k] <= (1 + MIN_SHARE) * opts.target_people
        }
        if not touching:
            continue
        into = min(touching, key=lambda j: (size[j], min(pieces[j])))
        for c in pieces[k]:
            owner[c] = into
        pieces[into] = sorted(pieces[into] + pieces[k])
        size[into] += size[k]
        alive[k] = False
    return [p for p, ok in zip(pieces, alive, strict=True) if ok]


def zone_id(cell_ids: list[str]) -> str:
    """Stable zone id: a hash of the sorted SSB cell ids."""
    digest = hashlib.sha1(",".join(sorted(cell_ids)).encode("ascii")).hexdigest()
    return f"Z{digest[:10]}"


def partition(
    population: gpd.GeoDataFrame,
    coverage: BaseGeometry,
    net: RoadNetwork,
    options: AtlasOptions | None = None,
    area: BaseGeometry | None = None,
) -> gpd.GeoDataFrame:
    """Cut the covered, populated area into evacuation zones.

    Parameters
    ----------
    population
        SSB cells (``cell_id``, ``population``, polygons; see :mod:`geo.population`).
    coverage
        Area the road data covers (``Region.coverage``).
    net
        The drive network (corridors and motorway barriers).
    options
        Zone size targets.
    area
        Optional polygon (EPSG:25832) limiting the atlas to part of the coverage.

    Returns
    -------
    GeoDataFrame
        One row per zone, sorted by name: ``zone_id``, ``name``, ``corridor``,
        ``residents``, ``n_cells``, ``area_km2``, ``cells`` (comma-separated ids)
        and the polygon (EPSG:25832).
    """
    opts = (options or AtlasOptions()).check()
    cells = atlas_cells(population, coverage, area)
    links = cell_links(cells, net)
    corridors, times = cell_corridors(cells, net)
    people = cells["population"].to_numpy(float)
    same = np.array([corridors[a] == corridors[b] for a, b in links], dtype=bool)
    groups = _components(len(cells), links, same)
    nbrs_same = _neighbours(len(cells), links[same])
    pieces = []
    for g in np.unique(groups):
        members = [int(c) for c in np.flatnonzero(groups == g)]
        pieces += _split(members, nbrs_same, people, times, opts)
    # Leftovers may join across a corner: a lone cell on a headland still gets a zone.
    touching = _neighbours(len(cells), cell_links(cells, net, diagonal=True))
    pieces = _merge_small(pieces, touching, people, opts)
    return _zone_frame(cells, pieces, corridors, times, net)


def _zone_frame(
    cells: gpd.GeoDataFrame,
    pieces: list[list[int]],
    corridors: list[str],
    times: np.ndarray,
    net: RoadNetwork,
) -> gpd.GeoDataFrame:
    ids = cells["cell_id"].astype(str).to_numpy()
    geoms = cells.geometry.to_numpy()
    people = cells["population"].to_numpy(float)
    rows = []
    for piece in pieces:
        # Reprojected cell edges meet to within floating-point noise: closing by 1 cm
        # makes the union one polygon without slivers along the shared edges.
        polygon = shapely.union_all(geoms[piece]).buffer(0.01).buffer(-0.01)
        # The corridor of the cell nearest the exit: where this zone's traffic meets main roads.
        first = min(piece, key=lambda c: (times[c], c))
        rows.append(
            {
                "zone_id": zone_id(list(ids[piece])),
                "corridor": corridors[first],
                "residents": round(float(people[piece].sum())),
                "n_cells": len(piece),
                "area_km2": round(len(piece) * settings.SSB_CELL_SIZE_M**2 / 1e6, 4),
                "cells": ",".join(sorted(ids[piece])),
                "geometry": polygon,
            }
        )
    zones = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.WORK_CRS)
    zones.insert(1, "name", zone_names(zones, net))
    return zones.sort_values(["name", "zone_id"]).reset_index(drop=True)


def zone_names(zones: gpd.GeoDataFrame, net: RoadNetwork) -> list[str]:
    """A name per zone: its main road (longest, weighted by class), numbered if repeated.

    Repeated names are numbered north to south, so the numbers read like a map.
    """
    edges = net.edges
    named = edges[(edges["name"] != "") & ~edges["highway"].isin(BARRIER_ROADS)]
    tree = shapely.STRtree(named.geometry.to_numpy())
    weight = named["highway"].map(_NAME_WEIGHT).fillna(1.0).to_numpy() * named["length"].to_numpy()
    road_names = named["name"].to_numpy()
    base = []
    for geom in zones.geometry:
        hit = tree.query(geom, predicate="intersects")
        score: dict[str, float] = {}
        for e in hit:
            score[road_names[e]] = score.get(road_names[e], 0.0) + weight[e]
        if not score:  # no named road inside: the nearest named road names it
            score = {road_names[tree.nearest(geom.centroid)]: 1.0}
        base.append(max(sorted(score), key=lambda n: score[n]))
    counts = {n: base.count(n) for n in base}
    y = zones.geometry.centroid.y.to_numpy()
    x = zones.geometry.centroid.x.to_numpy()
    order = sorted(range(len(base)), key=lambda i: (base[i], -y[i], x[i]))
    names, seen = [""] * len(base), dict.fromkeys(base, 0)
    for i in order:
        seen[base[i]] += 1
        names[i] = base[i] if counts[base[i]] == 1 else f"{base[i]} {seen[base[i]]}"
    return names
