"""Place names for the map's labels: ``data/shapes/place_names.geojson``.

A small authored file (Snarøya, Fornebu, Lysaker, Stabekk, Høvik, Sandvika, …):
every point is taken from the region pack or from the checked coordinates in
``DOMAIN.md`` and names its source; see ``data/shapes/README.md``. The OSM
extract has no ``place=*`` nodes, so the points are named stops, a shopping
centre and kindergartens with the place as postal town.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import geopandas as gpd

from geo.errors import RegistryError
from geo.settings import MAP_CRS, SHAPES_DIR, WORK_CRS

PLACE_NAMES_FILE: Final = "place_names.geojson"
#: Label sizes the map knows: 1 = town, 4 = neighbourhood.
RANKS: Final = range(1, 5)


def load_place_names(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """The place names as points in EPSG:25832 with ``name``, ``rank`` and ``source``.

    Raises
    ------
    RegistryError
        If the file is missing, not GeoJSON, or a feature lacks a name, a rank
        from 1 to 4, a source or a lon/lat point.
    """
    where = Path(path) if path is not None else SHAPES_DIR / PLACE_NAMES_FILE
    try:
        doc = json.loads(where.read_text(encoding="utf-8"))
        features = doc["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RegistryError(f"{where}: not a readable GeoJSON FeatureCollection ({exc}).") from None
    rows = [_row(f, where, i) for i, f in enumerate(features)]
    gdf = gpd.GeoDataFrame(
        [r[:3] for r in rows],
        columns=["name", "rank", "source"],
        geometry=gpd.points_from_xy([r[3] for r in rows], [r[4] for r in rows]),
        crs=MAP_CRS,
    )
    return gdf.to_crs(WORK_CRS)


def _row(feature: dict[str, Any], where: Path, i: int) -> tuple[str, int, str, float, float]:
    props = feature.get("properties") or {}
    geom = feature.get("geometry") or {}
    name, rank, source = props.get("name"), props.get("rank"), props.get("source")
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f"{where}: feature {i} has no name; add properties.name.")
    # A JSON true would pass `in RANKS` as 1: only real numbers count.
    if isinstance(rank, bool) or not isinstance(rank, int | float) or rank not in RANKS:
        raise RegistryError(f"{where}: {name}: rank {rank!r} must be 1, 2, 3 or 4.")
    if not isinstance(source, str) or not source.strip():
        raise RegistryError(f"{where}: {name}: say where the point comes from (properties.source).")
    coords = geom.get("coordinates") if geom.get("type") == "Point" else None
    if not coords or len(coords) < 2:
        raise RegistryError(f"{where}: {name}: geometry must be a lon/lat Point.")
    lon, lat = float(coords[0]), float(coords[1])
    if not (4 <= lon <= 32 and 57 <= lat <= 72):
        raise RegistryError(f"{where}: {name}: ({lon}, {lat}) is not lon/lat in Norway.")
    return name.strip(), int(rank), source, lon, lat
