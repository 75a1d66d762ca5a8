"""Road criticality: which road, if closed, hurts an evacuation most.

Each road link that carries evacuation traffic in a plan is closed in turn and
the scenario re-planned. A *link* is a named road segment: contiguous loaded
edges with the same name (unnamed roads by class, e.g. ``(residential)``).
Links are ranked first by the people their closure cuts off (newly unreachable),
then by how much it raises the p90 clearance time. This is the classic
link-importance analysis of network vulnerability (Jenelius, Petersen & Mattsson
2006, "Importance and exposure in road network vulnerability analysis",
Transportation Research Part A 40(7)), with evacuation clearance as the cost.

Pure: no plotting, no files, no scheduling (see :mod:`planning.batch`).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo import settings
from planning.scenario import Scenario
from planning.zones import to_map

#: Radius (m) of the closure placed at the middle of every edge of a link. Small,
#: so the closure catches that edge (both directions, and the footway on the same
#: line) but not the side streets at its ends, as a buffered closure line would.
CLOSURE_RADIUS_M = 1.0
#: Coordinates are rounded to this many decimals (m) to find shared edge ends.
_END_DECIMALS = 1
#: A rounded end point (x, y) of an edge, in EPSG:25832.
_End = tuple[float, float]

RANK_COLUMNS = (
    "rank",
    "segment_id",
    "name",
    "n_edges",
    "length_m",
    "people_on_link",
    "people_cut_off",
    "p90_before",
    "p90_after",
    "p90_increase",
    "unreachable_after",
    "error",
)


def _ends(geoms: np.ndarray) -> tuple[list[_End], list[_End]]:
    first = shapely.get_coordinates(shapely.get_point(geoms, 0))
    last = shapely.get_coordinates(shapely.get_point(geoms, -1))

    def key(xy: np.ndarray) -> _End:
        x, y = np.round(xy, _END_DECIMALS)
        return float(x), float(y)

    return [key(p) for p in first], [key(p) for p in last]


def _pieces(geoms: np.ndarray) -> list[list[int]]:
    """Groups of edges connected end to end (union-find on rounded end points)."""
    parent = list(range(len(geoms)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    at: dict[_End, int] = {}
    for i, ends in enumerate(zip(*_ends(geoms), strict=True)):
        for end in ends:
            if end in at:
                parent[root(i)] = root(at[end])
            else:
                at[end] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(geoms)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def road_segments(routes: gpd.GeoDataFrame, min_people: float = 0.5) -> gpd.GeoDataFrame:
    """The links of a plan's loaded routes: contiguous edges with the same name.

    Parameters
    ----------
    routes
        ``Plan.routes`` (one row per loaded edge and mode).
    min_people
        Edges carrying fewer people are not links (rounding dust).

    Returns
    -------
    GeoDataFrame
        ``segment_id`` (stable hash of name and geometry), ``name``, ``n_edges``,
        ``length_m``, ``people_on_link`` (most people on any of its edges) and a
        MultiLineString, sorted by people on the link (most first).
    """
    loaded = routes[routes["people"] >= min_people]
    rows = []
    for name, part in loaded.groupby("name", sort=True):
        geoms = part.geometry.to_numpy()
        people = part["people"].to_numpy(float)
        for piece in _pieces(geoms):
            unique = shapely.normalize(geoms[piece])
            _, first = np.unique(shapely.to_wkb(unique), return_index=True)
            lines = unique[np.sort(first)]
            text = ",".join(sorted(shapely.to_wkt(lines, rounding_precision=1)))
            rows.append(
                {
                    "segment_id": "L" + hashlib.sha1(f"{name}|{text}".encode()).hexdigest()[:10],
                    "name": str(name),
                    "n_edges": len(lines),
                    "length_m": round(float(shapely.length(lines).sum()), 1),
                    "people_on_link": round(float(people[piece].max()), 1),
                    "geometry": shapely.multilinestrings(lines),
                }
            )
    segments = gpd.GeoDataFrame(
        rows,
        columns=["segment_id", "name", "n_edges", "length_m", "people_on_link", "geometry"],
        geometry="geometry",
        crs=settings.WORK_CRS,
    )
    return segments.sort_values(
        ["people_on_link", "segment_id"], ascending=[False, True]
    ).reset_index(drop=True)


def closure_for(segment: BaseGeometry) -> dict[str, Any]:
    """A GeoJSON (lon/lat) closure that closes exactly the edges of ``segment``."""
    lines = shapely.get_parts(segment)
    mids = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    return mapping(to_map(shapely.union_all(shapely.buffer(mids, CLOSURE_RADIUS_M))))


def with_closure(base: Scenario, segment: BaseGeometry, name: str) -> Scenario:
    """``base`` with ``segment`` closed as well."""
    s = copy.deepcopy(base)
    s.name = f"{base.name} – {name}"
    s.closures = [*base.closures, closure_for(segment)]
    return s


def rank_links(
    segments: gpd.GeoDataFrame, before: dict[str, Any], after: list[dict[str, Any]]
) -> gpd.GeoDataFrame:
    """Rank links: people cut off first, then the rise in p90 clearance (minutes), then length.

    Parameters
    ----------
    segments
        From :func:`road_segments`.
    before
        Figures of the plan with no extra closure (``unreachable``, ``p90``).
    after
        Figures per segment, in the order of ``segments`` (``unreachable``,
        ``p90``, ``error``: a plan that failed keeps its error and ranks last).

    Returns
    -------
    GeoDataFrame
        The segments with :data:`RANK_COLUMNS`, ``rank`` 1 the most critical.
    """
    out = segments.copy()
    base_unreachable = int(before.get("unreachable", 0))
    p90 = before.get("p90")
    cut = [max(0, int(a.get("unreachable", 0)) - base_unreachable) for a in after]
    p90_after = [a.get("p90") for a in after]
    increase = [round(x - p90, 1) if x is not None and p90 is not None else None for x in p90_after]
    out["people_cut_off"] = cut
    out["p90_before"] = p90
    out["p90_after"] = p90_after
    out["p90_increase"] = pd.array(increase, dtype="Float64")
    out["unreachable_after"] = [int(a.get("unreachable", 0)) for a in after]
    out["error"] = [str(a.get("error") or "") for a in after]
    return _ranked(out)[[*RANK_COLUMNS, "geometry"]]


def _ranked(links: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``links`` sorted most critical first, with ``rank`` 1, 2, ... in front."""
    key = pd.DataFrame(
        {
            "failed": links["error"] != "",
            "cut": -links["people_cut_off"],
            "rise": -links["p90_increase"].fillna(-np.inf).astype(float),
            # On a tie the longer link ranks first: it is more exposed to being
            # closed (Jenelius et al. 2006, exposure) and is the one to name.
            "length": -links["length_m"],
            "name": links["name"],
            "id": links["segment_id"],
        }
    )
    order = key.sort_values(["failed", "cut", "rise", "length", "name", "id"]).index
    out = links.loc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def combine_rankings(per_zone: list[tuple[str, str, gpd.GeoDataFrame]]) -> gpd.GeoDataFrame:
    """One ranking over the links of many zones: ``(zone_id, zone name, rank_links(...))``.

    Keeps each link's rank in its own zone as ``zone_rank``; ``rank`` is over all
    zones, by the same order as :func:`rank_links`.
    """
    parts = [
        ranked.drop(columns="rank").assign(zone_id=zid, zone_name=name, zone_rank=ranked["rank"])
        for zid, name, ranked in per_zone
        if len(ranked)
    ]
    if not parts:
        columns = ["rank", "zone_id", "zone_name", "zone_rank", *RANK_COLUMNS[1:], "geometry"]
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=settings.WORK_CRS)
    links = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=settings.WORK_CRS)
    out = _ranked(links)
    return out[["rank", "zone_id", "zone_name", "zone_rank", *RANK_COLUMNS[1:], "geometry"]]
