"""Plausibility checks of lon/lat coordinates and road-closure geometries.

Shared by uploads (:mod:`geo.zone_files`) and scenarios (:mod:`planning.zones`):
a closure or zone with swapped (lat, lon), projected or non-finite coordinates
is an error naming it, never silently ignored.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ZoneError

#: GeoJSON geometry types a road closure may have.
CLOSURE_TYPES: tuple[str, ...] = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")


def check_lonlat(coords: np.ndarray, what: str) -> None:
    """Reject coordinates that are not plausible lon/lat, and swapped lat/lon.

    Raises
    ------
    ZoneError
        Saying whether the values look swapped, projected or out of range.
    """
    if coords.size == 0:
        raise ZoneError(f"{what} has no coordinates: draw or upload a zone.")
    if not np.all(np.isfinite(coords)):
        raise ZoneError(f"{what}: a coordinate is not a finite number (NaN or Infinity).")
    lon, lat = coords[:, 0], coords[:, 1]
    if np.all((np.abs(lon) > 180) | (np.abs(lat) > 90)):
        raise ZoneError(
            f"{what}: coordinates like ({lon[0]:.0f}, {lat[0]:.0f}) are not lon/lat degrees. "
            "Projected files need a declared CRS; GeoJSON must be WGS84 lon/lat."
        )
    if np.any(np.abs(lon) > 180) or np.any(np.abs(lat) > 90):
        raise ZoneError(f"{what}: a coordinate is outside lon -180..180 / lat -90..90.")
    # Norway: lat 57-72, lon 4-32. A zone at lat ~10, lon ~59 has its axes swapped.
    if np.all((lat > 3) & (lat < 33) & (lon > 56) & (lon < 73)):
        raise ZoneError(
            f"{what}: coordinates look swapped (lat, lon): GeoJSON order is lon, lat, "
            f"e.g. [10.6, 59.9] for Fornebu, not [{lon[0]:.2f}, {lat[0]:.2f}]."
        )


def closure_shape(geojson: Any, what: str) -> BaseGeometry:
    """A road closure (GeoJSON geometry in lon/lat) as a checked shapely geometry.

    Raises
    ------
    ZoneError
        Naming the closure (``what``), if it is not a LineString, MultiLineString, Polygon or
        MultiPolygon, has no or non-finite coordinates, or its coordinates are
        swapped (lat, lon) or projected.
    """
    if not isinstance(geojson, dict):
        raise ZoneError(f"{what} must be a GeoJSON geometry object.")
    kind = geojson.get("type")
    if kind not in CLOSURE_TYPES:
        raise ZoneError(
            f"{what} is a {kind or 'geometry without type'}; a closure must be a "
            f"{', '.join(CLOSURE_TYPES)}: a line along the closed road or a closed area."
        )
    if not geojson.get("coordinates"):
        raise ZoneError(f"{what} has no coordinates: draw the closed road again.")
    try:
        with warnings.catch_warnings():  # NaN coordinates are reported below, by name
            warnings.simplefilter("ignore", RuntimeWarning)
            geom = shape(geojson)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ShapelyError) as exc:
        raise ZoneError(f"{what}: malformed GeoJSON coordinates ({exc}).") from None
    if geom.is_empty:
        raise ZoneError(f"{what} is empty: draw the closed road again.")
    check_lonlat(shapely.get_coordinates(geom), what)
    return geom
