"""A small HTTP client for OpenStreetMap's Nominatim and Overpass APIs (``evac fetch``).

osmnx 2.x has no public call returning raw Overpass ways and nodes
(``graph_from_polygon`` always builds a graph and cuts ways at the polygon), and its
download helpers and error classes live in private modules. This client sends the
requests osmnx would send (same Overpass query text, same polygon subdivision rule),
configured only through osmnx's public ``ox.settings`` (server URLs, timeout, user agent,
referer, language, Nominatim key, cache folder and switch), caches complete answers the
way osmnx does, and raises :class:`~geo.errors.OsmServerError` or
:class:`~geo.errors.OsmUnreachableError` saying what to do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import osmnx as ox
import requests
from shapely.geometry import MultiPolygon, Polygon, box

from geo import settings
from geo.errors import OsmServerError, OsmUnreachableError

log = logging.getLogger(__name__)

#: Nominatim's usage policy allows at most one request per second.
NOMINATIM_PAUSE_S: Final = 1.0
#: Said with every download error: the tool works without internet.
OFFLINE_HINT: Final = (
    "Without internet, use the offline region pack with --data DIR (e.g. ../shared/geodata)."
)
#: Overpass's "too many requests" and "gateway timeout": the server is busy.
BUSY_STATUS: Final = frozenset({429, 504})


def nominatim_search(query: str) -> list[dict[str, Any]]:
    """Nominatim search results for ``query`` with GeoJSON outlines and OSM extra tags."""
    # extratags brings the OSM tags (ref = kommunenummer on Norwegian municipalities).
    params: dict[str, Any] = {
        "format": "json",
        "polygon_geojson": 1,
        "extratags": 1,
        "dedupe": 0,
        "limit": 50,
        "q": query,
    }
    if ox.settings.nominatim_key is not None:
        params["key"] = ox.settings.nominatim_key
    url = str(ox.settings.nominatim_url).rstrip("/") + "/search"
    answer = _request("GET", url, params, pause_s=NOMINATIM_PAUSE_S)
    if not isinstance(answer, list):
        msg = f"Nominatim gave an unexpected answer for {query!r}. Try later. {OFFLINE_HINT}"
        raise OsmServerError(msg)
    return answer


def overpass(query: str) -> dict[str, Any]:
    """The JSON answer of Overpass to ``query`` (Overpass QL)."""
    url = str(ox.settings.overpass_url).rstrip("/") + "/interpreter"
    answer = _request("POST", url, {"data": query})
    if not isinstance(answer, dict) or not isinstance(answer.get("elements"), list):
        msg = f"Overpass gave an answer without OSM elements. Try later. {OFFLINE_HINT}"
        raise OsmServerError(msg)
    return answer


def overpass_settings() -> str:
    """The ``[out:json][timeout:..]`` header of every query, from ``ox.settings``."""
    memory = ox.settings.overpass_memory
    maxsize = "" if memory is None else f"[maxsize:{memory}]"
    return str(ox.settings.overpass_settings).format(
        timeout=ox.settings.requests_timeout, maxsize=maxsize
    )


def polygon_coord_strs(polygon: Polygon | MultiPolygon) -> list[str]:
    """Overpass ``poly:`` strings ("lat lon ...") covering ``polygon`` (EPSG:4326).

    osmnx's rule, in the place's UTM zone: a MultiPolygon, or a polygon larger than
    ``ox.settings.max_query_area_size`` (m²), becomes its convex hull, cut into squares of
    that area so each query stays within the server's limits. Holes are ignored.
    """
    series = gpd.GeoSeries([polygon], crs=settings.MAP_CRS)
    utm = series.estimate_utm_crs()
    projected = series.to_crs(utm).iloc[0]
    max_area = float(ox.settings.max_query_area_size)
    if isinstance(projected, MultiPolygon) or projected.area > max_area:
        projected = projected.convex_hull
    pieces = [projected] if projected.area <= max_area else _squares(projected, max_area)
    strs = []
    for piece in gpd.GeoSeries(pieces, crs=utm).to_crs(settings.MAP_CRS):
        # 6 decimals (~10 cm) as osmnx: the same polygon gives the same query and cache key.
        strs.append(" ".join(f"{lat:.6f} {lon:.6f}" for lon, lat in piece.exterior.coords))
    return strs


def _squares(polygon: Polygon, area: float) -> list[Polygon]:
    """``polygon`` (projected, metres) cut into pieces of at most ``area`` m²."""
    width = float(np.sqrt(area))
    minx, miny, maxx, maxy = polygon.bounds
    pieces = []
    for x in np.arange(minx, maxx, width):
        for y in np.arange(miny, maxy, width):
            part = polygon.intersection(box(x, y, x + width, y + width))
            parts = getattr(part, "geoms", [part])
            pieces += [p for p in parts if isinstance(p, Polygon) and not p.is_empty]
    return pieces


def _request(method: str, url: str, params: dict[str, Any], pause_s: float = 0.0) -> Any:
    """Send one request (or read its cached answer) and return the parsed JSON."""
    key = str(requests.Request("GET", url, params=params).prepare().url)
    cached = _cache_path(key)
    if cached is not None and cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    time.sleep(pause_s)
    response = _send(method, url, params)
    answer = _parse(response)
    # Like osmnx: an answer with a remark (e.g. a query timeout) is incomplete; not cached.
    if cached is not None and not (isinstance(answer, dict) and answer.get("remark")):
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(answer), encoding="utf-8")
    return answer


def _cache_path(key: str) -> Path | None:
    if not ox.settings.use_cache:
        return None
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()  # a file name, not security
    return Path(ox.settings.cache_folder) / f"{digest}.json"


def _send(method: str, url: str, params: dict[str, Any]) -> requests.Response:
    headers = dict(requests.utils.default_headers())
    headers.update(
        {
            "User-Agent": ox.settings.http_user_agent,
            "referer": ox.settings.http_referer,
            "Accept-Language": ox.settings.http_accept_language,
        }
    )
    timeout = ox.settings.requests_timeout
    data = params if method == "POST" else None
    query = None if method == "POST" else params
    try:
        return requests.request(
            method,
            url,
            params=query,
            data=data,
            headers=headers,
            timeout=timeout,
            **ox.settings.requests_kwargs,
        )
    except requests.exceptions.Timeout as exc:
        msg = (
            f"{_host(url)} did not answer within {timeout:g} s. The server may be busy or "
            f"the area too large: try again later. {OFFLINE_HINT}"
        )
        raise OsmUnreachableError(msg) from exc
    except requests.exceptions.RequestException as exc:
        msg = (
            "Cannot download the region: the internet is unreachable or the server did "
            f"not answer ({type(exc).__name__}: {exc}). {OFFLINE_HINT}"
        )
        raise OsmUnreachableError(msg) from exc


def _parse(response: requests.Response) -> Any:
    """The JSON of a successful answer; a clear error for anything else."""
    host = _host(response.url)
    if response.status_code in BUSY_STATUS:
        msg = (
            f"{host} is busy (HTTP {response.status_code} {response.reason}). Wait a minute "
            f"and try again. {OFFLINE_HINT}"
        )
        raise OsmServerError(msg)
    if not response.ok:
        msg = (
            f"The OpenStreetMap server {host} refused the request (HTTP "
            f"{response.status_code} {response.reason}: {response.text[:200]!r}). "
            f"Try later. {OFFLINE_HINT}"
        )
        raise OsmServerError(msg)
    if not response.content.strip():
        raise OsmServerError(f"{host} sent an empty answer. Try again later. {OFFLINE_HINT}")
    try:
        return response.json()
    except requests.exceptions.JSONDecodeError as exc:
        msg = (
            f"{host} sent an answer that is not JSON ({response.text[:200]!r}). "
            f"Try again later. {OFFLINE_HINT}"
        )
        raise OsmServerError(msg) from exc


def _host(url: str | None) -> str:
    return urlparse(url or "").hostname or "the server"
