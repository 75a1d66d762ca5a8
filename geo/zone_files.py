"""Reading zone and closure files (GeoJSON, GeoPackage, KML) safely.

Uploads are untrusted: the size, type, feature count and vertex count are
limited, nothing is executed, and every problem becomes an :class:`UploadError`
or :class:`ZoneError` with a message that says what to do.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS
from shapely.errors import ShapelyError
from shapely.geometry import mapping

from geo import settings
from geo.atomic import output_error
from geo.coords import CLOSURE_TYPES, closure_shape
from geo.errors import UploadError, ZoneError
from geo.layers import drop_missing_geometries
from geo.validate import load_json

#: Largest accepted upload (bytes).
MAX_BYTES = 5 * 1024 * 1024
#: Most features and vertices accepted in one file.
MAX_FEATURES = 200
MAX_VERTICES = 50_000
#: Extension -> GDAL driver.
DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".kml": "KML"}
#: GDAL drivers allowed to open each binary/XML format (KML is read by LIBKML or KML).
GDAL_DRIVERS = {".gpkg": frozenset({"GPKG"}), ".kml": frozenset({"LIBKML", "KML"})}


def read_geometries(data: bytes, filename: str) -> gpd.GeoDataFrame:
    """Parse an uploaded vector file into a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    data
        File content.
    filename
        Original name; its extension selects the format.

    Raises
    ------
    UploadError
        Too large, wrong type, unreadable, no CRS, too many features or vertices.
    """
    ext = Path(filename).suffix.lower()
    if ext not in DRIVERS:
        allowed = ", ".join(sorted(DRIVERS))
        raise UploadError(f"{filename}: file type {ext or '(none)'} is not allowed; use {allowed}.")
    if len(data) > MAX_BYTES:
        raise UploadError(too_large(filename, len(data)))
    if not data.strip():
        raise UploadError(f"{filename} is empty.")
    if DRIVERS[ext] == "GeoJSON":
        gdf = _read_geojson(data, filename)
    else:
        gdf = _read_with_gdal(data, filename, ext)
    if len(gdf) > MAX_FEATURES:
        raise UploadError(f"{filename} has {len(gdf)} features; at most {MAX_FEATURES} allowed.")
    gdf = drop_missing_geometries(gdf)
    if gdf.empty:
        raise UploadError(f"{filename} holds no geometry.")
    n_vertices = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
    if n_vertices > MAX_VERTICES:
        raise UploadError(
            f"{filename} has {n_vertices:,} vertices; simplify it below {MAX_VERTICES:,}."
        )
    return gdf.to_crs(settings.MAP_CRS)


def too_large(filename: str, size: int) -> str:
    """The message for an upload over :data:`MAX_BYTES`, with what to do about it."""
    return (
        f"{filename} is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
        "Keep only the zone and closure features, simplify the outlines (e.g. QGIS "
        "Vector > Geometry Tools > Simplify, 1-5 m) or save with fewer decimals, then "
        "upload again."
    )


def _read_geojson(data: bytes, filename: str) -> gpd.GeoDataFrame:
    doc = load_json(data, filename, UploadError, "GeoJSON")
    if not isinstance(doc, dict):
        raise UploadError(f"{filename}: GeoJSON must be an object (FeatureCollection).")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
    elif kind == "Feature":
        features = [doc]
    elif kind in ("Polygon", "MultiPolygon", "LineString", "MultiLineString", "Point"):
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise UploadError(f"{filename}: unsupported GeoJSON type {kind!r}.")
    if not isinstance(features, list):
        raise UploadError(f"{filename}: 'features' must be a list.")
    if len(features) > MAX_FEATURES:
        raise UploadError(f"{filename} has {len(features)} features; at most {MAX_FEATURES}.")
    crs = _declared_crs(doc, filename)
    try:
        gdf = gpd.GeoDataFrame.from_features(features, crs=crs)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ShapelyError) as exc:
        raise UploadError(f"{filename}: malformed GeoJSON feature ({exc}).") from None
    if "geometry" not in gdf:
        raise UploadError(f"{filename} holds no geometry.")
    return gdf


def _declared_crs(doc: dict[str, Any], filename: str) -> str:
    crs = doc.get("crs")
    if crs is None:
        return settings.MAP_CRS  # RFC 7946: GeoJSON is WGS84 lon/lat
    try:
        name = str(crs["properties"]["name"])
    except (KeyError, TypeError):
        raise UploadError(f"{filename}: unreadable 'crs' member.") from None
    if "CRS84" in name:
        return settings.MAP_CRS
    try:
        return CRS.from_user_input(name).to_string()
    except Exception:  # pyproj raises CRSError subclasses of varied kinds
        raise UploadError(f"{filename}: unknown CRS {name!r}.") from None


def _read_with_gdal(data: bytes, filename: str, ext: str) -> gpd.GeoDataFrame:
    _check_signature(data, filename, ext)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return _read_copy(Path(tmp) / f"upload{ext}", data, filename, ext)
    except OSError as exc:  # GDAL reads by path: the copy needs the temp folder
        copy = Path(tempfile.gettempdir()) / filename
        raise UploadError(f"{filename} cannot be read: {output_error(copy, exc)}") from None


def _read_copy(path: Path, data: bytes, filename: str, ext: str) -> gpd.GeoDataFrame:
    path.write_bytes(data)
    try:
        # GDAL picks its driver from the content, not the name: confirm it.
        driver = pyogrio.read_info(path)["driver"]
        if driver not in GDAL_DRIVERS[ext]:
            raise UploadError(f"{filename} is a {driver} file, not {DRIVERS[ext]}.")
        gdf = gpd.read_file(path)
    except UploadError:
        raise
    except Exception as exc:  # GDAL reports malformed files with several error types
        raise UploadError(f"{filename} cannot be read as {DRIVERS[ext]}: {exc}") from None
    if gdf.crs is None:
        raise UploadError(f"{filename} declares no CRS: save it with one (e.g. EPSG:25832).")
    return gdf


def _check_signature(data: bytes, filename: str, ext: str) -> None:
    """Reject content that does not match the extension before GDAL opens it.

    A GDAL virtual file (VRT) renamed ``.kml`` or ``.gpkg`` would otherwise be
    opened as VRT and read any file on the server it names.
    """
    if ext == ".gpkg":
        ok = data.startswith(b"SQLite format 3\x00")
    else:
        head = data[:4096].lower()
        ok = b"<kml" in head and b"ogrvrtdatasource" not in data.lower()
    if not ok:
        raise UploadError(
            f"{filename} is not a {DRIVERS[ext]} file: its content does not match "
            f"its extension. Export it again as {DRIVERS[ext]}."
        )


def zone_features(gdf: gpd.GeoDataFrame, filename: str) -> list[dict[str, Any]]:
    """Polygon features of an uploaded file as GeoJSON dicts (lon/lat) with labels.

    Raises
    ------
    ZoneError
        If the file has no polygon.
    """
    polys = gdf[gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        kinds = ", ".join(sorted(set(gdf.geometry.geom_type)))
        raise ZoneError(f"{filename} has no polygon (found {kinds}): a zone must be an area.")
    label_col = next((c for c in ("name", "Name", "label", "navn") if c in polys), None)
    out = []
    for i, row in enumerate(polys.itertuples()):
        label = str(getattr(row, label_col)) if label_col else f"{Path(filename).stem} {i + 1}"
        out.append({"label": label, "geometry": mapping(row.geometry)})
    return out


def line_features(gdf: gpd.GeoDataFrame, filename: str) -> list[dict[str, Any]]:
    """Closures (lines and polygons) of an uploaded file as GeoJSON dicts in lon/lat.

    Raises
    ------
    ZoneError
        If a feature is of another type (e.g. a point) or its coordinates are not
        plausible lon/lat (swapped, or projected without a declared CRS).
    """
    out = []
    for i, geom in enumerate(gdf.geometry):
        feature = mapping(geom)
        closure_shape(feature, f"{filename}: closure {i + 1}")
        out.append(feature)
    return out


def split_upload(
    gdf: gpd.GeoDataFrame, filename: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Zones (labelled polygon features) and closures (lines) of one uploaded file.

    Raises
    ------
    ZoneError
        If the file holds neither, holds other geometry types, or a closure is unusable.
    """
    unused_features(gdf, filename, CLOSURE_TYPES)
    is_line = gdf.geometry.geom_type.isin(["LineString", "MultiLineString"])
    lines = line_features(gdf[is_line], filename)
    try:
        zones = zone_features(gdf, filename)
    except ZoneError:
        if not lines:
            raise
        zones = []
    return zones, lines


def unused_features(gdf: gpd.GeoDataFrame, filename: str, used: tuple[str, ...]) -> None:
    """Raise :class:`ZoneError` if ``gdf`` holds geometries of types not in ``used``.

    Nothing in an upload is dropped silently: a point next to a zone polygon is
    an error, so the user knows it was not planned for.
    """
    other = sorted(set(gdf.geometry.geom_type) - set(used))
    if other:
        raise ZoneError(
            f"{filename} holds {', '.join(other)} features, which are neither a zone "
            "(polygon) nor a road closure (line): remove them and upload the file again."
        )
