"""Kindergartens: the pack's Udir layer and the authored list of those without coordinates.

The pack's ``pois/barnehager*.geojson`` (Udir Barnehagefakta, NLOD) is optional:
a pack without it gives an empty layer. Kindergartens the source lists without
coordinates are authored in ``data/shapes/kindergartens_without_coordinates.yaml``
with an approximate area, so a plan can still name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import layers, settings
from geo.errors import RegionDataError
from geo.frame_cache import cached_layer
from geo.registry import _entries, _fail, _field, _mapping, _point, _text, read_yaml

#: Columns of the kindergarten layer (the pack's fields, renamed nowhere).
COLUMNS: Final = (
    "nsrid",
    "name",
    "capacity",
    "min_age",
    "max_age",
    "operator_type",
    "operator",
    "address",
)
#: The authored list of kindergartens without coordinates.
UNLOCATED_FILE: Final = "kindergartens_without_coordinates.yaml"


@dataclass(frozen=True)
class UnlocatedKindergarten:
    """A kindergarten known only by address, with an approximate area (EPSG:25832)."""

    name: str
    capacity: int
    address: str
    area: BaseGeometry
    basis: str


def empty_layer() -> gpd.GeoDataFrame:
    """A kindergarten layer without rows (the pack has no kindergarten file)."""
    return gpd.GeoDataFrame(
        columns=[*COLUMNS, "geometry"], geometry="geometry", crs=settings.WORK_CRS
    )


def read_kindergartens(region_dir: Path) -> gpd.GeoDataFrame:
    """Kindergartens of the pack as points in EPSG:25832; empty if the pack has none.

    Read and checked once per file version, then loaded from the layer cache
    (:mod:`geo.frame_cache`) by every later plan.

    Raises
    ------
    RegionDataError
        If the file is unreadable, lacks a column, is not points, or a capacity
        is not a whole number of children >= 0 (names the kindergarten).
    """
    matches = sorted((region_dir / "pois").glob("barnehager*.geojson"))
    if not matches:
        return empty_layer()
    path = matches[-1]
    return cached_layer(path, "kindergartens", lambda: _read_file(path), params=list(COLUMNS))


def _read_file(path: Path) -> gpd.GeoDataFrame:
    """The kindergarten file's points, checked (see :func:`read_kindergartens`)."""
    gdf = layers.read_layer(path, COLUMNS, what="Kindergartens", allow_empty=True)
    if gdf.empty:
        return empty_layer()
    not_points = gdf[gdf.geometry.geom_type != "Point"]
    if len(not_points):
        msg = f"Kindergartens: {path.name}: {not_points['name'].iloc[0]!r} is not a Point."
        raise RegionDataError(msg)
    capacity = pd.to_numeric(gdf["capacity"], errors="coerce")
    bad = capacity.isna() | (capacity < 0) | (capacity % 1 != 0)
    if bad.any():
        row = gdf[bad].iloc[0]
        msg = (
            f"Kindergartens: {path.name}: {row['name']!r} has capacity {row['capacity']}; "
            "it must be a whole number of children >= 0."
        )
        raise RegionDataError(msg)
    gdf["capacity"] = capacity.astype(int)
    return gdf[[*COLUMNS, "geometry"]].reset_index(drop=True)


def load_unlocated_kindergartens(path: Path | None = None) -> list[UnlocatedKindergarten]:
    """The authored kindergartens without coordinates (default in ``SHAPES_DIR``).

    Raises
    ------
    RegistryError
        Naming the file, the entry and the field that is missing or invalid.
    """
    path = path or settings.SHAPES_DIR / UNLOCATED_FILE
    entries = _entries(read_yaml(path), "kindergartens", path.name)
    return [_unlocated(raw, i, path.name) for i, raw in enumerate(entries)]


def _unlocated(raw: object, index: int, file: str) -> UnlocatedKindergarten:
    entry = _mapping(raw, f"{file}: entry {index}")
    name = entry.get("name")
    where = f"{file}: {name!r}" if isinstance(name, str) else f"{file}: entry {index}"
    capacity, radius = _field(entry, "capacity", where), _field(entry, "radius_m", where)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise _fail(where, f"capacity must be a whole number of children >= 0, got {capacity!r}.")
    if isinstance(radius, bool) or not isinstance(radius, int | float) or radius <= 0:
        raise _fail(where, f"radius_m must be a distance in metres > 0, got {radius!r}.")
    coords = [_field(entry, "lon", where), _field(entry, "lat", where)]
    centre = shapely.geometry.shape(_point({"type": "Point", "coordinates": coords}, where))
    area = gpd.GeoSeries([centre], crs=settings.MAP_CRS).to_crs(settings.WORK_CRS).iloc[0]
    return UnlocatedKindergarten(
        name=_text(entry, "name", where),
        capacity=capacity,
        address=_text(entry, "address", where),
        area=area.buffer(float(radius)),
        basis=_text(entry, "basis", where),
    )
