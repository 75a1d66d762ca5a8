"""Readers for the region pack's vector layers: boundaries and points of interest.

Each reader validates what it reads and returns a GeoDataFrame in EPSG:25832.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.errors import RegionDataError
from geo.frame_cache import cached_layer


def read_layer(
    path: Path, required: tuple[str, ...], *, what: str, allow_empty: bool = False
) -> gpd.GeoDataFrame:
    """Read a vector file, check its columns and CRS, and project it to EPSG:25832.

    Raises
    ------
    RegionDataError
        If the file is missing, unreadable, has no CRS, lacks a column or has
        no usable geometry.
    """
    if not path.is_file():
        msg = f"{what}: file {path} is missing from the region pack."
        raise RegionDataError(msg)
    try:
        gdf = gpd.read_file(path)
        if gdf.empty and allow_empty:
            # An empty GeoJSON carries no columns: return the promised ones.
            return gpd.GeoDataFrame(columns=[*required, "geometry"], crs=settings.WORK_CRS)
    except Exception as exc:  # pyogrio raises several error types for bad files
        msg = f"{what}: cannot read {path}: {exc}. Replace the file with a valid GeoJSON."
        raise RegionDataError(msg) from exc
    missing = [c for c in required if c not in gdf.columns]
    if missing:
        msg = f"{what}: {path.name} lacks column(s) {', '.join(missing)}."
        raise RegionDataError(msg)
    if gdf.crs is None:
        msg = f"{what}: {path.name} declares no CRS; GeoJSON must be WGS84 (EPSG:4326)."
        raise RegionDataError(msg)
    gdf = drop_missing_geometries(gdf)
    if gdf.empty:
        msg = f"{what}: {path.name} holds no geometries."
        raise RegionDataError(msg)
    gdf = gdf.to_crs(settings.WORK_CRS)
    if not gdf.geometry.is_valid.all():
        gdf["geometry"] = gdf.geometry.make_valid()
    return gdf


def read_boundaries(path: Path, required: tuple[str, ...], *, what: str) -> gpd.GeoDataFrame:
    """:func:`read_layer` for boundary files, cached as GeoParquet (see :mod:`geo.frame_cache`).

    Boundary files hold every municipality or county of the country, several of
    them invalid polygons: reading and repairing them costs about a second per
    run, loading the repaired layer from the cache a few milliseconds.
    """
    if not path.is_file():  # the message of read_layer, without hashing a missing file
        return read_layer(path, required, what=what)
    columns = [*required, "geometry"]  # only these: other columns may not fit GeoParquet

    def build() -> gpd.GeoDataFrame:
        return read_layer(path, required, what=what)[columns]

    return cached_layer(path, "boundaries", build, params=list(required))


def drop_missing_geometries(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows whose geometry is neither missing (None) nor empty."""
    geoms = gdf.geometry.to_numpy()
    return gdf[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]


def find_file(folder: Path, pattern: str, *, what: str) -> Path:
    """The single file matching ``pattern`` in ``folder`` (newest name wins)."""
    matches = sorted(folder.glob(pattern))
    if not matches:
        msg = f"{what}: no file matching {folder / pattern}. The region pack is incomplete."
        raise RegionDataError(msg)
    return matches[-1]


def read_municipalities(region_dir: Path) -> gpd.GeoDataFrame:
    """Municipalities with ``kommunenummer`` (str) and ``kommunenavn``."""
    path = find_file(region_dir / "boundaries", "kommuner*.geojson", what="Municipalities")
    gdf = read_boundaries(path, ("kommunenummer", "kommunenavn"), what="Municipalities")
    gdf["kommunenummer"] = gdf["kommunenummer"].astype(str).str.zfill(4)
    return gdf[["kommunenummer", "kommunenavn", "geometry"]].reset_index(drop=True)


def read_counties(region_dir: Path) -> gpd.GeoDataFrame:
    """Counties with ``fylkesnummer`` (str) and ``fylkesnavn``."""
    path = find_file(region_dir / "boundaries", "fylker*.geojson", what="Counties")
    gdf = read_boundaries(path, ("fylkesnummer", "fylkesnavn"), what="Counties")
    gdf["fylkesnummer"] = gdf["fylkesnummer"].astype(str).str.zfill(2)
    return gdf[["fylkesnummer", "fylkesnavn", "geometry"]].reset_index(drop=True)


def read_fire_stations(region_dir: Path) -> gpd.GeoDataFrame:
    """Fire stations: ``name``, ``service``."""
    path = find_file(region_dir / "pois", "brannstasjoner*.geojson", what="Fire stations")
    gdf = read_layer(path, ("brannstasjon", "brannvesen"), what="Fire stations", allow_empty=True)
    gdf = gdf.rename(columns={"brannstasjon": "name", "brannvesen": "service"})
    return gdf[["name", "service", "geometry"]].reset_index(drop=True)


def read_shelters(region_dir: Path) -> gpd.GeoDataFrame:
    """Public shelters: ``address``, ``places``."""
    path = find_file(region_dir / "pois", "tilfluktsrom*.geojson", what="Shelters")
    gdf = read_layer(path, ("plasser", "adresse"), what="Shelters", allow_empty=True)
    gdf = gdf.rename(columns={"plasser": "places", "adresse": "address"})
    gdf["places"] = pd.to_numeric(gdf["places"], errors="coerce").fillna(0).astype(int)
    return gdf[["address", "places", "geometry"]].reset_index(drop=True)


def read_hospitals(region_dir: Path) -> gpd.GeoDataFrame:
    """Hospitals as points (outlines reduced to a point inside them): ``name``."""
    path = find_file(region_dir / "pois", "sykehus*.geojson", what="Hospitals")
    gdf = read_layer(path, ("name",), what="Hospitals", allow_empty=True)
    gdf["geometry"] = gdf.geometry.representative_point()
    return gdf[["name", "geometry"]].reset_index(drop=True)
