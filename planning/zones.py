"""Affected zones: polygons, circles and downwind plumes, validated, in EPSG:25832."""

from __future__ import annotations

import math
from typing import Any, TypeVar

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from geo import settings
from geo.coords import check_lonlat, closure_shape
from geo.crs import transformer
from geo.errors import ZoneError
from planning.scenario import ZoneSpec

#: Zone statuses whose residents are evacuated (warning zones are planned for too).
EVACUATED_STATUSES = frozenset({"evakueringsordre", "varsel"})
#: Largest zone radius / plume length accepted (m): beyond this, check the units.
MAX_EXTENT_M = 50_000.0

#: Any shapely geometry: reprojecting keeps the geometry type.
_G = TypeVar("_G", bound=BaseGeometry)


def to_work(geom: _G) -> _G:
    """Project a lon/lat geometry to EPSG:25832."""
    to = transformer(settings.MAP_CRS, settings.WORK_CRS)
    return shapely.transform(geom, lambda xy: np.column_stack(to.transform(*xy.T)))


def to_map(geom: _G) -> _G:
    """Project an EPSG:25832 geometry to lon/lat."""
    to = transformer(settings.WORK_CRS, settings.MAP_CRS)
    return shapely.transform(geom, lambda xy: np.column_stack(to.transform(*xy.T)))


def _polygon_from_geojson(geometry: dict[str, Any] | None, what: str) -> BaseGeometry:
    if not geometry:
        raise ZoneError(f"{what} has no geometry: draw a polygon or upload a zone file.")
    try:
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, AttributeError, ShapelyError) as exc:
        raise ZoneError(f"{what}: malformed GeoJSON geometry ({exc}).") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ZoneError(f"{what} is a {geom.geom_type}; a zone must be a Polygon or MultiPolygon.")
    check_lonlat(shapely.get_coordinates(geom), what)
    return to_work(geom)


def closure_geometry(geojson: Any, index: int) -> BaseGeometry:
    """The EPSG:25832 geometry of road closure number ``index`` (GeoJSON in lon/lat).

    The engine calls this for every ``Scenario.closures`` entry, so a closure
    whose coordinates could not cut any road is an error, not silently ignored.

    Raises
    ------
    ZoneError
        Naming the closure, if it is not a LineString, MultiLineString, Polygon or
        MultiPolygon, has no or non-finite coordinates, or its coordinates are
        swapped (lat, lon) or projected.
    """
    return to_work(closure_shape(geojson, f"Road closure {index + 1} (closures[{index}])"))


def circle(center_lonlat: tuple[float, float], radius_m: float) -> Polygon:
    """Circle of ``radius_m`` around a lon/lat point, in EPSG:25832."""
    if not 0 < radius_m <= MAX_EXTENT_M:
        raise ZoneError(f"Circle radius {radius_m} m must be between 0 and {MAX_EXTENT_M:.0f} m.")
    check_lonlat(np.array([center_lonlat], dtype=float), "Circle centre")
    return to_work(Point(center_lonlat)).buffer(radius_m, quad_segs=32)


def plume(
    release_lonlat: tuple[float, float],
    wind_from_deg: float,
    length_m: float,
    angle_deg: float,
    *,
    near_radius_m: float = 150.0,
) -> Polygon:
    """Downwind sector from a release point, plus a small circle around the source.

    Parameters
    ----------
    wind_from_deg
        Meteorological wind direction: where the wind blows *from*, degrees
        clockwise from north. The plume extends the opposite way.
    length_m, angle_deg
        Sector radius and full opening angle.
    near_radius_m
        Circle around the release point (people next to the source always go).
    """
    if not 0 < length_m <= MAX_EXTENT_M:
        raise ZoneError(f"Plume length {length_m} m must be between 0 and {MAX_EXTENT_M:.0f} m.")
    if not 0 < angle_deg < 360:
        raise ZoneError(f"Plume opening angle {angle_deg}° must be between 0 and 360.")
    if not 0 <= wind_from_deg <= 360:
        raise ZoneError(f"Wind direction {wind_from_deg}° must be between 0 and 360.")
    check_lonlat(np.array([release_lonlat], dtype=float), "Release point")
    src = to_work(Point(release_lonlat))
    downwind = math.radians((wind_from_deg + 180.0) % 360.0)
    half = math.radians(angle_deg / 2)
    angles = np.linspace(downwind - half, downwind + half, 33)
    # Bearings are clockwise from north: x = sin, y = cos.
    arc = np.column_stack([src.x + length_m * np.sin(angles), src.y + length_m * np.cos(angles)])
    sector = Polygon([(src.x, src.y), *arc.tolist()])
    # The circle is centred on the sector's apex, so the union is one polygon.
    plume_area = shapely.union(sector, src.buffer(near_radius_m, quad_segs=16))
    assert isinstance(plume_area, Polygon)
    return plume_area


def zone_geometry(spec: ZoneSpec) -> BaseGeometry:
    """The EPSG:25832 polygon of one zone; raise :class:`ZoneError` if unusable."""
    what = f"Zone {spec.label!r}" if spec.label else "Zone"
    if spec.kind == "polygon":
        geom = _polygon_from_geojson(spec.geometry, what)
    elif spec.kind == "circle":
        if spec.center is None or spec.radius_m is None:
            raise ZoneError(f"{what}: a circle needs a centre and a radius.")
        geom = circle(spec.center, spec.radius_m)
    elif spec.kind == "plume":
        needed = (spec.center, spec.wind_from_deg, spec.length_m, spec.angle_deg)
        if any(v is None for v in needed):
            raise ZoneError(
                f"{what}: a plume needs a release point, wind direction, length and angle."
            )
        geom = plume(spec.center, spec.wind_from_deg, spec.length_m, spec.angle_deg)  # type: ignore[arg-type]
    else:
        raise ZoneError(f"{what}: unknown kind {spec.kind!r}.")
    return check_polygon(geom, what)


def check_polygon(geom: BaseGeometry, what: str) -> BaseGeometry:
    """Reject empty, degenerate and self-intersecting polygons with a specific reason."""
    if geom.is_empty:
        raise ZoneError(f"{what} is empty: draw a zone with at least three corners.")
    if not geom.is_valid:
        reason = explain_validity(geom)
        hint = (
            "the outline crosses itself; redraw it without crossing edges"
            if "Self-intersection" in reason or "Ring" in reason
            else "fix the geometry in a GIS"
        )
        raise ZoneError(f"{what} is not a valid polygon ({reason}): {hint}.")
    if geom.area < 100.0:
        raise ZoneError(f"{what} covers {geom.area:.0f} m², less than 100 m²: draw a larger zone.")
    return geom
