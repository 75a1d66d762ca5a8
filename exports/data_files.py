"""GIS data exports of a plan: GeoPackage, GeoJSON, KML and the scenario file.

Layers, in this order: ``zone``, ``evacuees``, ``catchments``, ``routes``,
``paths`` (one route line per origin group and site),
``sites`` (the GeoDataFrames of :class:`planning.plan.Plan`), ``closures``
(closed roads: label, roads cut, length), ``exits`` (safe exits) and
``kindergartens``.

* GeoPackage keeps the working CRS, EPSG:25832, one table per layer.
* GeoJSON follows RFC 7946: EPSG:4326, lon/lat order, no ``crs`` member,
  exterior rings counter-clockwise (right-hand rule), 7 decimals (~1 cm). All
  layers go into **one** FeatureCollection; each feature's ``layer`` property
  names its layer, so a single file loads into any web map or GIS.
* KML (EPSG:4326 by definition) has one folder per layer. Text is HTML-escaped,
  because KML viewers render names and descriptions as HTML.
"""

from __future__ import annotations

import errno
import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.atomic import atomic_write
from geo.settings import MAP_CRS, WORK_CRS
from planning.map_geometry import plan_closures
from planning.scenario import scenario_to_json
from planning.summary_model import layer_reasons

if TYPE_CHECKING:
    from planning.plan import Plan

#: Exported layers with their GeoPackage geometry type.
LAYERS: dict[str, str] = {
    "zone": "MultiPolygon",
    "evacuees": "Point",
    "catchments": "MultiPolygon",
    "routes": "LineString",
    "paths": "MultiLineString",
    "sites": "Point",
    "closures": "Unknown",
    "exits": "Point",
    "kindergartens": "Point",
}
#: Column shown as the KML placemark name and description per layer.
_KML_FIELDS: dict[str, tuple[str, str]] = {
    "zone": ("label", "status"),
    "evacuees": ("site", "status"),
    "catchments": ("site", "people"),
    "routes": ("name", "load_ratio"),
    "paths": ("site", "people"),
    "sites": ("name", "address"),
    "closures": ("label", "roads_cut"),
    "exits": ("name", "people"),
    "kindergartens": ("name", "address"),
}
#: GeoJSON coordinate decimals: 1e-7 degrees is about 1 cm.
GEOJSON_DECIMALS = 7


def plan_layers(plan: Plan, lang: str = "en") -> dict[str, gpd.GeoDataFrame]:
    """Return the plan's export layers in EPSG:25832, keyed by layer name.

    The ``reason`` columns (why people are unassigned or unreachable, why a site
    is not used) are in ``lang``: the plan's layers keep English, but a bokmål
    export is read by the municipality's GIS staff.
    """
    reasons = layer_reasons(plan.summary, lang)
    layers = {
        name: plan_closures(plan) if name == "closures" else getattr(plan, name).to_crs(WORK_CRS)
        for name in LAYERS
    }
    for frame in layers.values():
        if "reason" in frame.columns:
            frame["reason"] = [reasons.get(r, r) for r in frame["reason"]]
    return layers


def to_geopackage(plan: Plan, path: str | PathLike[str], *, lang: str = "en") -> Path:
    """Write every layer of ``plan`` into a GeoPackage in EPSG:25832.

    An existing file at ``path`` is replaced. Empty layers are still written, so
    the file always holds every table of :data:`LAYERS`. ``lang``: the language of
    the ``reason`` columns (:func:`plan_layers`).

    Returns
    -------
    Path
        The written file.
    """
    layers = plan_layers(plan, lang)

    def write(tmp: Path) -> None:
        with _no_sqlite_sync():
            for name, frame in layers.items():
                _gdal_write(
                    frame,
                    tmp,
                    layer=name,
                    driver="GPKG",
                    geometry_type=LAYERS[name],
                    promote_to_multi=LAYERS[name].startswith("Multi"),
                )

    return atomic_write(path, write)


@contextmanager
def _no_sqlite_sync() -> Iterator[None]:
    """GPKG writing without SQLite's per-transaction disk syncs (about twice as fast).

    The file is written under a temporary name and moved into place only when
    complete (:func:`geo.atomic.atomic_write`), so a crash leaves no half file
    either way; syncing each of the nine layer transactions buys nothing.
    """
    old = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": old})


def _gdal_write(frame: gpd.GeoDataFrame, path: Path, **kwargs: Any) -> None:
    """``pyogrio.write_dataframe`` with GDAL's write failures as short :class:`OSError`.

    GDAL reports a full disk as a long SQL error; the caller turns the OSError
    into a message naming the folder and the cause.
    """
    try:
        pyogrio.write_dataframe(frame, path, **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        text = str(exc)
        full = any(w in text.lower() for w in ("disk is full", "no space left", "disk full"))
        if full:
            raise OSError(errno.ENOSPC, "no space left on device") from None
        raise OSError(errno.EIO, text.splitlines()[0][:200] if text else "write failed") from None


def to_geojson(plan: Plan, layer: str | None = None, *, lang: str = "en") -> str:
    """Return the plan as an RFC 7946 GeoJSON FeatureCollection.

    Parameters
    ----------
    plan
        The plan to export.
    layer
        One of :data:`LAYERS` for that layer only; ``None`` for all layers in one
        collection (each feature carries a ``layer`` property).
    lang
        The language of the ``reason`` properties (:func:`plan_layers`).

    Raises
    ------
    ValueError
        If ``layer`` is not a known layer name.
    """
    layers = plan_layers(plan, lang)
    if layer is not None and layer not in layers:
        msg = f"Unknown layer {layer!r}: use one of {', '.join(LAYERS)} or None for all."
        raise ValueError(msg)
    names = [layer] if layer else list(layers)
    features = [f for name in names for f in _features(name, layers[name])]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _features(name: str, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    frame = frame.to_crs(MAP_CRS)
    geoms = shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, GEOJSON_DECIMALS))
    # RFC 7946 section 3.1.6: exterior rings counter-clockwise, holes clockwise.
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    properties = _json_records(frame.drop(columns=frame.geometry.name))
    return [
        {
            "type": "Feature",
            "id": f"{name}.{i}",
            "geometry": json.loads(shapely.to_geojson(geom)) if geom is not None else None,
            "properties": {"layer": name, **props},
        }
        for i, (geom, props) in enumerate(zip(geoms, properties, strict=True))
    ]


def _json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # pandas turns numpy scalars, NaN (-> null) and timestamps into JSON safely.
    text = frame.to_json(orient="records", date_format="iso", force_ascii=False)
    return cast(list[dict[str, Any]], json.loads(text))


def to_kml(plan: Plan, path: str | PathLike[str], *, lang: str = "en") -> Path:
    """Write the plan as KML (EPSG:4326), one folder per non-empty layer.

    Text columns are HTML-escaped: viewers such as Google Earth render placemark
    names, descriptions and data as HTML, so a zone label like
    ``<script>...`` must arrive as text. An existing file is replaced. ``lang``:
    the language of the ``reason`` columns (:func:`plan_layers`).

    Returns
    -------
    Path
        The written file.
    """
    frames = [
        _kml_frame(name, frame)
        for name, frame in plan_layers(plan, lang).items()
        if not frame.empty
    ]  # KML has no typed empty layers; an empty folder only confuses

    def write(tmp: Path) -> None:
        for i, frame in enumerate(frames):
            _gdal_write(frame, tmp, layer=frame.attrs["layer"], driver="KML", append=i > 0)
        if not frames:
            tmp.write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>\n',
                encoding="utf-8",
            )

    return atomic_write(path, write)


def _kml_frame(name: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.to_crs(MAP_CRS)
    name_col, desc_col = _KML_FIELDS[name]
    out = frame.drop(columns=frame.geometry.name).copy()
    # The KML driver takes placemark text from the "Name" and "Description" fields.
    out.insert(0, "Name", frame[name_col].astype(str) if name_col in frame else name)
    out.insert(1, "Description", frame[desc_col].astype(str) if desc_col in frame else "")
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: html.escape(v) if isinstance(v, str) else v)
    kml = gpd.GeoDataFrame(out, geometry=frame.geometry.to_numpy(), crs=MAP_CRS)
    kml.attrs["layer"] = name
    return kml


def scenario_file(plan: Plan) -> str:
    """Return the plan's scenario as JSON text (``evac-scenario/1``), for re-running."""
    return scenario_to_json(plan.scenario)
