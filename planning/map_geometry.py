"""Geometry that decides what a map shows and where: one answer for screen and paper.

The web map (:mod:`exports.web_map`), the print map (:mod:`exports.route_map`)
and the data files all frame a plan, place bottleneck markers, draw closures,
name main roads and point direction arrows from these functions, so they can
never disagree. Everything is in EPSG:25832 (metres); nothing here draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from geo import settings
from planning.responsibility import actors_at_point
from planning.zones import to_work

if TYPE_CHECKING:
    from geo.region import Region
    from geo.registry import Actor
    from planning.plan import Plan

Bounds = tuple[float, float, float, float]

#: Margin around a framed plan: this share of its larger side, and at least FIT_PAD_MIN_M.
FIT_PAD_SHARE: Final = 0.12
FIT_PAD_MIN_M: Final = 300.0
#: Direction arrows: at most this many, only on edges carrying at least this share
#: of the busiest edge's people, and no two closer than ARROW_SPACING_M.
MAX_ARROWS: Final = 40
ARROW_MIN_SHARE: Final = 0.15
ARROW_SPACING_M: Final = 250.0
#: Street names printed on the busiest named roads (more would clutter a 1:20 000 map).
MAX_ROAD_NAMES: Final = 6
#: Site kinds in colour order (geo.registry site kinds); others follow.
SITE_KIND_ORDER: Final = ("mass_evacuation", "eps", "eps_hotel")
CLOSURE_COLUMNS: Final = ("label", "roads_cut", "length_m", "computed", "geometry")
#: Width and height (px) of the smallest map a plan is framed in (:func:`framing_m_per_px`).
MIN_MAP_PX: Final = (800.0, 450.0)


def plan_extent(plan: Plan) -> Bounds:
    """Bounds of what a plan map must show: the zone, the receiving sites and the exits.

    An available site nobody goes to (a hotel kilometres off the network) is left
    out: it would squeeze the zone into a corner.
    """
    receiving = plan.sites.loc[plan.sites["assigned"] > 0]
    parts = [plan.zone.geometry.to_numpy(), receiving.geometry.to_numpy()]
    if len(plan.exits):
        parts.append(plan.exits.geometry.to_numpy())
    geoms = np.concatenate([p for p in parts if len(p)])
    return tuple(float(v) for v in shapely.total_bounds(geoms))  # type: ignore[return-value]


def padded(bounds: Bounds, share: float = FIT_PAD_SHARE, min_m: float = FIT_PAD_MIN_M) -> Bounds:
    """``bounds`` grown by ``share`` of the larger side, at least ``min_m`` metres."""
    minx, miny, maxx, maxy = bounds
    pad = max(min_m, share * max(maxx - minx, maxy - miny))
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def to_lonlat_bounds(bounds: Bounds) -> Bounds:
    """EPSG:25832 bounds -> (west, south, east, north) in lon/lat."""
    box = gpd.GeoSeries([shapely.box(*bounds)], crs=settings.WORK_CRS).to_crs(settings.MAP_CRS)
    return tuple(float(v) for v in box.total_bounds)  # type: ignore[return-value]


def bottleneck_points(
    routes: gpd.GeoDataFrame, bottlenecks: Sequence[Mapping[str, Any]]
) -> gpd.GeoDataFrame:
    """One point per listed bottleneck, on the very edge the summary measured.

    The summary names the road, mode, capacity and load of its worst edge; the
    edge is the route row matching all of them (the load to the nearest 0.001),
    not merely the first edge with that name. Its midpoint carries the marker.
    """
    rows = []
    for b in bottlenecks:
        same = routes.loc[routes["name"] == b["name"]]
        if "mode" in b and "mode" in same:
            same = same.loc[same["mode"] == b["mode"]]
        if not len(same):
            continue
        miss = (same["load_ratio"] - float(b["load_ratio"])).abs()
        if "capacity_vph" in b:
            miss = miss + (same["capacity_vph"] != b["capacity_vph"]).astype(float)
        edge = same.loc[miss.idxmin()]
        rows.append(
            {
                "name": str(b["name"]),
                "highway": str(edge.get("highway", "")),
                "vehicles": float(b.get("vehicles", edge.get("vehicles", 0.0))),
                "capacity_vph": float(b.get("capacity_vph", edge["capacity_vph"])),
                "load_ratio": float(b["load_ratio"]),
                "geometry": edge.geometry.interpolate(0.5, normalized=True),
            }
        )
    return gpd.GeoDataFrame(
        rows,
        columns=["name", "highway", "vehicles", "capacity_vph", "load_ratio", "geometry"],
        geometry="geometry",
        crs=routes.crs or settings.WORK_CRS,
    )


def label_pushes(
    points: gpd.GeoSeries, widths_px: np.ndarray, extent: Bounds, line_px: float
) -> np.ndarray:
    """Pixels to push each point's label down so that no two labels overlap on screen.

    Labels sit right of their point (as the web map draws them). Going north to
    south, a label moves below every label placed already that it would cover at
    the map's framing scale (:func:`framing_m_per_px` of ``extent``). Zooming in
    only spreads the points further apart vertically while the pushes stay in
    pixels, so the labels stay apart at every closer zoom too.
    """
    xy = shapely.get_coordinates(points.to_numpy())
    scale = framing_m_per_px(extent)
    left, top = xy[:, 0] / scale, -xy[:, 1] / scale  # screen pixels, y grows southwards
    placed: list[tuple[float, float, float]] = []  # left, right, top of each placed label
    push = np.zeros(len(xy))
    for i in np.lexsort((xy[:, 0], -xy[:, 1])):
        right = left[i] + widths_px[i]
        covered = [t for a, b, t in placed if a < right and left[i] < b and t > top[i] - line_px]
        at = max([top[i], *(t + line_px for t in covered)])
        push[i] = at - top[i]
        placed.append((left[i], right, at))
    return push


def framing_m_per_px(extent: Bounds) -> float:
    """Metres per screen pixel when a map frames ``extent`` (:func:`padded`) at the latest.

    Leaflet fits the bounds at the largest whole zoom that shows them, up to half
    as detailed as an exact fit; the map is taken as at least
    :data:`MIN_MAP_PX` pixels, smaller than the app's and the HTML export's maps.
    """
    minx, miny, maxx, maxy = padded(extent)
    return 2.0 * max((maxx - minx) / MIN_MAP_PX[0], (maxy - miny) / MIN_MAP_PX[1])


def closures_from_geojson(items: list[dict[str, Any]], *, computed: bool) -> gpd.GeoDataFrame:
    """Closed roads given as GeoJSON geometries in lon/lat (a scenario, or drawn on the map)."""
    geoms = [to_work(shape(item)) for item in items]
    return gpd.GeoDataFrame(
        {
            "label": [""] * len(geoms),
            "roads_cut": [""] * len(geoms),
            "length_m": [
                round(float(g.length), 1) if shapely.get_dimensions(g) == 1 else 0.0 for g in geoms
            ],
            "computed": [computed] * len(geoms),
        },
        geometry=gpd.GeoSeries(geoms, crs=settings.WORK_CRS),
        crs=settings.WORK_CRS,
    )


def plan_closures(plan: Plan) -> gpd.GeoDataFrame:
    """The plan's closed roads (``roads_cut`` one "; "-joined text), marked ``computed``."""
    out = plan.closures.to_crs(settings.WORK_CRS).copy()
    out["computed"] = True
    return out[list(CLOSURE_COLUMNS)]


def single_points_of_failure(plan: Plan) -> gpd.GeoDataFrame:
    """Roads whose loss cuts evacuees off: one point per road, on its busiest flagged edge.

    Read from the routes' ``single_point_of_failure`` column.
    """
    routes = plan.routes
    flagged = routes.loc[routes["single_point_of_failure"]]
    rows = []
    for name, group in flagged.groupby("name", sort=False):
        edge = group.loc[group["people"].idxmax()]
        rows.append(
            {
                "name": str(name),
                "highway": str(edge["highway"]),
                "people": float(edge["people"]),
                "geometry": edge.geometry.interpolate(0.5, normalized=True),
            }
        )
    return gpd.GeoDataFrame(
        rows,
        columns=["name", "highway", "people", "geometry"],
        geometry="geometry",
        crs=routes.crs or settings.WORK_CRS,
    )


def _angle_deg(line: shapely.LineString, at: float) -> float:
    """Direction of travel at ``at`` metres along ``line``: degrees anticlockwise from east."""
    a = line.interpolate(max(at - 5.0, 0.0))
    b = line.interpolate(min(at + 5.0, line.length))
    return math.degrees(math.atan2(b.y - a.y, b.x - a.x))


def direction_arrows(routes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Arrow positions on the busier route edges, pointing the way people drive.

    Route edges are directed (their geometry runs from the node people leave to
    the node they reach), so the arrow follows the line's own direction.
    """
    columns = ["angle_deg", "people", "geometry"]
    if routes.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=routes.crs)
    top = float(routes["people"].max()) or 1.0
    busy = routes.loc[routes["people"] >= ARROW_MIN_SHARE * top]
    busy = busy.assign(_len=busy.geometry.length).sort_values(["people", "_len"], ascending=False)
    rows: list[dict[str, Any]] = []
    for people, line in zip(busy["people"], busy.geometry, strict=True):
        if line is None or line.length < 30.0:
            continue
        point = line.interpolate(0.5, normalized=True)
        if any(point.distance(r["geometry"]) < ARROW_SPACING_M for r in rows):
            continue
        rows.append(
            {
                "angle_deg": _angle_deg(line, line.length / 2),
                "people": float(people),
                "geometry": point,
            }
        )
        if len(rows) == MAX_ARROWS:
            break
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=routes.crs)


def main_road_labels(routes: gpd.GeoDataFrame, n: int = MAX_ROAD_NAMES) -> gpd.GeoDataFrame:
    """Where to print the names of the ``n`` named roads that carry the most people.

    Each label sits at the middle of the road's longest merged stretch, turned
    along it (kept upright: between -90 and 90 degrees).
    """
    columns = ["name", "people", "angle_deg", "geometry"]
    named = routes.loc[routes["name"].astype(str).str.match(r"^[^(].*")] if len(routes) else routes
    if named.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=routes.crs)
    weight = (named["people"] * named.geometry.length).groupby(named["name"]).sum()
    rows = []
    for name in weight.sort_values(ascending=False).index[:n]:
        merged = shapely.line_merge(shapely.union_all(named.loc[named["name"] == name].geometry))
        line = max(shapely.get_parts(merged), key=lambda g: g.length)
        angle = _angle_deg(line, line.length / 2)
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        rows.append(
            {
                "name": str(name),
                "people": float(named.loc[named["name"] == name, "people"].max()),
                "angle_deg": angle,
                "geometry": line.interpolate(0.5, normalized=True),
            }
        )
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=routes.crs)


def actor_faces(region: Region, actors: list[Actor]) -> gpd.GeoDataFrame:
    """Split the map into faces with one set of responsible actors each.

    Municipal borders bound the municipality and county areas; polygon areas cut
    the municipalities further. Who is responsible on a face is decided by
    :func:`planning.responsibility.actors_at_point`, as for a clicked point.

    Returns
    -------
    GeoDataFrame
        ``actors`` (list of that function's records) and the face, EPSG:25832,
        clipped to the region's context bounds.
    """
    view = shapely.box(*region.context_bounds)
    faces = [g for g in region.neighbours.geometry.intersection(view) if not g.is_empty]
    for polygon in (a.area.polygon for a in actors if a.area.polygon is not None):
        faces = [
            part
            for face in faces
            for part in (face.intersection(polygon), face.difference(polygon))
            if not part.is_empty
        ]
    rows = [
        {
            "actors": actors_at_point(
                face.representative_point(), region.municipalities, region.counties, actors
            ),
            "geometry": face,
        }
        for face in faces
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=region.municipalities.crs)


def site_order(sites: pd.DataFrame, added: list[str]) -> list[str]:
    """Sites in colour order: registry sites by kind and name, then ad-hoc sites as added.

    A site's place in this order (and so its colour) depends only on which sites
    exist and what they are, never on which are active in a scenario. Mass
    evacuation sites come first, so the site most people go to gets the first colour.
    """
    names = [str(n) for n in sites["name"]]
    kinds = [str(k) for k in sites["kind"]] if "kind" in sites else [""] * len(names)
    extra = [n for n in added if n in names]
    rank = {kind: i for i, kind in enumerate(SITE_KIND_ORDER)}
    registry = sorted(
        {(rank.get(k, len(rank)), n) for n, k in zip(names, kinds, strict=True) if n not in extra}
    )
    return [n for _, n in registry] + list(dict.fromkeys(extra))
