"""pyproj CRS and Transformer objects, built once per process and shared.

Building one reads PROJ's database: a Transformer costs 2–10 ms, a CRS from a
GeoParquet file's PROJJSON about 25 ms, paid again on every construction. Cold
``evac plan`` processes and the planner's hot paths ask for the same few.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pyproj


@functools.cache
def transformer(source: str, target: str) -> pyproj.Transformer:
    """The lon/lat-ordered (``always_xy``) transformer from ``source`` to ``target``."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


@functools.cache
def crs_from_json(text: str) -> pyproj.CRS | None:
    """The CRS a GeoParquet ``crs`` value names (JSON text: PROJJSON, a string or null).

    A PROJJSON with an authority id (``EPSG:25832``) is built from that id, as
    the frame's CRS was before it was written; other definitions from the JSON.
    """
    value: Any = json.loads(text)
    if value is None:
        return None
    ident = value.get("id") if isinstance(value, dict) else None
    if isinstance(ident, dict) and {"authority", "code"} <= ident.keys():
        return pyproj.CRS.from_authority(ident["authority"], str(ident["code"]))
    return pyproj.CRS.from_user_input(value)


@functools.cache
def crs(name: str) -> pyproj.CRS:
    """The CRS ``name`` (e.g. ``settings.WORK_CRS``), built once per process.

    A GeoDataFrame given a CRS string builds a new ``pyproj.CRS`` each time;
    layers built per plan pass this shared object instead.
    """
    return pyproj.CRS.from_user_input(name)
