"""Download a region pack online: OSM roads, the place boundary, its county and POIs.

``evac fetch "Bærum, Norway"`` writes a directory with the layout
:func:`geo.region.find_region_dir` accepts, so a downloaded region loads exactly
like the offline pack::

    osm/<slug>.osm                       every highway=* way near the place (OSM XML)
    boundaries/kommuner_fetched.geojson  the place polygon: kommunenummer, kommunenavn
    boundaries/fylker_fetched.geojson    its county: fylkesnummer, fylkesnavn
    pois/brannstasjoner_osm.geojson      amenity=fire_station: brannstasjon, brannvesen
    pois/sykehus_osm.geojson             amenity=hospital: name
    pois/tilfluktsrom_osm.geojson        empty: DSB's public shelters are not in OSM
    population/<given>.csv               only if the caller supplies SSB's grid
    README.md, fetched.json              what was fetched, from where, what is missing

SSB population is not in OpenStreetMap: pass ``population_csv`` (the
national 250 m grid is fine), or the pack is written without it and a warning
says how to add it.

Downloads go through :mod:`geo.osm_api` (Nominatim for boundaries, Overpass for
roads and POIs; configured by osmnx's public ``ox.settings``) with a response cache
in ``<cache>/osmnx``. Files are written to a temporary folder and renamed at the
end, so a failed fetch never leaves half a region behind.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import Element, ElementTree, SubElement

import geopandas as gpd
import osmnx as ox
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo import names, osm_api, settings
from geo.errors import FetchError, RegionDataError
from geo.frame_cache import cache_dir
from geo.region import CONTEXT_MARGIN_M

log = logging.getLogger(__name__)

#: Seconds to wait for a server (also the Overpass query's own time limit).
REQUESTS_TIMEOUT_S: Final = 90
#: Roads are downloaded this far beyond the place boundary (m), so junctions and
#: exits just outside it exist (osmnx's graph_from_polygon uses the same margin).
NETWORK_MARGIN_M: Final = 500.0
#: Bokmål names first (Bærum, Akershus), matching Kartverket's boundary names.
ACCEPT_LANGUAGE: Final = "nb,no;q=0.9,en;q=0.5"
#: Every highway way in use. Unlike osmnx's "all" filter this keeps
#: highway=construction, so ``include_construction`` works as on the offline pack;
#: geo.network filters per travel mode.
HIGHWAY_FILTER: Final = (
    '["highway"]["highway"!~"abandoned|no|planned|platform|proposed|raceway|razed|'
    'rest_area|services"]'
)
POI_TAGS: Final[dict[str, Any]] = {"amenity": ["hospital", "fire_station"]}
#: Nodes, ways and relations carrying a POI tag, with the nodes and ways they are made of.
POI_FILTER: Final = '["amenity"~"^(fire_station|hospital)$"]'
#: File that marks a folder as written by this module (safe to replace on re-fetch).
MARKER: Final = "fetched.json"
UNKNOWN_MUNICIPALITY: Final = "0000"
UNKNOWN_COUNTY: Final = "00"


@dataclass
class _Place:
    """One Nominatim result: a named boundary polygon in EPSG:4326."""

    name: str
    display_name: str
    osm_id: str
    geometry: BaseGeometry
    tags: dict[str, str] = field(default_factory=dict)


def fetch_region(
    place: str,
    out: str | Path | None = None,
    *,
    include_pois: bool = True,
    population_csv: str | Path | None = None,
) -> Path:
    """Download a region pack for ``place`` and return its directory.

    Parameters
    ----------
    place
        Place name Nominatim resolves to a boundary polygon, e.g. ``"Bærum, Norway"``.
    out
        Region directory to write (default ``<cache>/regions/<slug>``). An existing
        directory is replaced only if an earlier fetch wrote it.
    include_pois
        Also download fire stations and hospitals (``pois/``).
    population_csv
        SSB 250 m grid (``ru250m;pop_tot``) to copy into ``population/``. Without
        it the pack is written, a warning is logged, and the README says how to
        add the grid before the pack can be used.

    Raises
    ------
    FetchError
        If the internet or a server is unreachable, a server refuses the request,
        the place is not found, or ``out`` is a folder this module did not write.
    RegionDataError
        If ``population_csv`` is missing or not an SSB grid file.
    """
    population = _check_population(population_csv)
    slug = slugify(place)
    out = Path(out).absolute() if out is not None else cache_dir().absolute() / "regions" / slug
    _check_target(out)
    with _osmnx_settings():
        area = _geocode_place(place)
        county = _find_county(area)
        roads = _download_roads(_buffer(area.geometry, NETWORK_MARGIN_M))
        pois = _download_pois(_buffer(area.geometry, CONTEXT_MARGIN_M)) if include_pois else None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        _write_pack(tmp, place, slug, area, county, roads, pois, population)
        _replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if population is None:
        log.warning(
            "Region %r written to %s WITHOUT population: add SSB's 250 m grid "
            "(ru250m;pop_tot CSV) to %s, or re-run `evac fetch` with --population FILE. "
            "Until then --data rejects the folder. See %s.",
            place,
            out,
            out / "population",
            out / "README.md",
        )
    return out


def slugify(place: str) -> str:
    """File-name-safe ASCII slug of a place name (``"Bærum, Norway"`` -> ``"baerum-norway"``)."""
    return names.slugify(place, fallback="region")


def write_osm_xml(responses: Iterable[dict[str, Any]], path: Path) -> tuple[int, int]:
    """Write Overpass JSON responses as one OSM XML file; return (nodes, ways).

    Ways are written whole with all their tags, as Overpass returned them.
    (``ox.graph_from_polygon`` + ``ox.io.save_graph_xml`` would cut ways at the
    boundary, and save_graph_xml then joins the pieces of a cut way into one
    zig-zag way through nodes that are not adjacent.) Relations (POI answers) are
    written with their members.
    """
    elements: dict[str, dict[int, dict[str, Any]]] = {"node": {}, "way": {}, "relation": {}}
    for response in responses:
        for element in response.get("elements", []):
            # Subdivided queries overlap: keep each element once.
            elements[element["type"]][element["id"]] = element
    root = Element(
        "osm",
        version="0.6",
        generator="evac fetch (OpenStreetMap Overpass API)",
        copyright="OpenStreetMap and contributors",
        attribution="https://www.openstreetmap.org/copyright",
        license="https://opendatacommons.org/licenses/odbl/1-0/",
    )
    for kind, by_id in elements.items():
        for element_id in sorted(by_id):
            _add_element(root, kind, by_id[element_id])
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return len(elements["node"]), len(elements["way"])


def _add_element(root: Element, kind: str, element: dict[str, Any]) -> None:
    attrib = {"id": str(element["id"])}
    if kind == "node":
        attrib |= {"lat": f"{element['lat']:.7f}", "lon": f"{element['lon']:.7f}"}
    parent = SubElement(root, kind, attrib)
    for ref in element.get("nodes", []):
        SubElement(parent, "nd", {"ref": str(ref)})
    for member in element.get("members", []):
        member_attrib = {"type": member["type"], "ref": str(member["ref"])}
        SubElement(parent, "member", member_attrib | {"role": member.get("role", "")})
    for key, value in element.get("tags", {}).items():
        SubElement(parent, "tag", {"k": key, "v": str(value)})


# --- downloading --------------------------------------------------------------


@contextmanager
def _osmnx_settings() -> Iterator[None]:
    """Point the response cache into ours and bound waits; restore afterwards.

    geo.osm_api reads these public osmnx settings, so a user's own osmnx
    configuration (server URLs, user agent) applies to `evac fetch` too.
    """
    names = ("cache_folder", "requests_timeout", "http_accept_language")
    saved = {name: getattr(ox.settings, name) for name in names}
    ox.settings.cache_folder = cache_dir() / "osmnx"
    ox.settings.requests_timeout = REQUESTS_TIMEOUT_S
    ox.settings.http_accept_language = ACCEPT_LANGUAGE
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def _geocode(query: str) -> _Place | None:
    """The most important Nominatim result for ``query`` with a polygon, or None."""
    results = sorted(
        osm_api.nominatim_search(query), key=lambda r: float(r.get("importance", 0)), reverse=True
    )
    polygonal = {"Polygon", "MultiPolygon"}
    row = next((r for r in results if r.get("geojson", {}).get("type") in polygonal), None)
    if row is None:
        return None
    tags = row.get("extratags")
    display = str(row.get("display_name") or query)
    return _Place(
        name=str(row.get("name") or display.split(",")[0]).strip(),
        display_name=display,
        osm_id=f"{row.get('osm_type', '')}/{row.get('osm_id', '')}",
        geometry=shape(row["geojson"]),
        tags=tags if isinstance(tags, dict) else {},
    )


def _geocode_place(place: str) -> _Place:
    area = _geocode(place)
    if area is None:
        msg = (
            f"OpenStreetMap found no boundary polygon for {place!r}. "
            'Name a municipality or area, e.g. "Bærum, Norway".'
        )
        raise FetchError(msg)
    return area


def _find_county(area: _Place) -> _Place | None:
    """The county (fylke) containing ``area``, or None if it cannot be found.

    Nominatim's display name runs from the place up to the country
    ("Bærum, Akershus, Norge"); in Norway the county is the last part before
    the country. A result is accepted only if it contains the place.
    """
    parts = [p.strip() for p in area.display_name.split(",")]
    above = [p for p in parts[1:-1] if not p.replace(" ", "").isdigit()]  # skip postcodes
    if not above:
        return None
    county = _geocode(f"{above[-1]}, {parts[-1]}")
    if county is None or not county.geometry.contains(area.geometry.representative_point()):
        return None
    return county


def _buffer(polygon: BaseGeometry, margin_m: float) -> Polygon | MultiPolygon:
    """``polygon`` (EPSG:4326) grown by ``margin_m`` metres, with fewer vertices."""
    # Simplifying by less than the margin keeps the whole place covered and makes
    # the Overpass query (which lists every vertex) much shorter.
    work = gpd.GeoSeries([polygon], crs=settings.MAP_CRS).to_crs(settings.WORK_CRS)
    grown = work.buffer(margin_m).simplify(margin_m / 5).to_crs(settings.MAP_CRS).iloc[0]
    if not isinstance(grown, Polygon | MultiPolygon):  # a buffer is areal unless empty
        raise FetchError(f"The place boundary is not an area ({grown.geom_type}).")
    return grown


def _overpass_recursed(element_filter: str, polygon: Polygon | MultiPolygon) -> list[Any]:
    """Overpass answers: elements matching the filter in ``polygon``, with their parts.

    ``element_filter`` is e.g. ``way["highway"]``; ``>`` adds the ways' nodes (and a
    relation's members), so ways come whole, never cut at the polygon.
    """
    header = osm_api.overpass_settings()
    return [
        osm_api.overpass(f"{header};({element_filter}(poly:{coords!r});>;);out;")
        for coords in osm_api.polygon_coord_strs(polygon)
    ]


def _download_roads(polygon: Polygon | MultiPolygon) -> list[dict[str, Any]]:
    """Raw Overpass responses: highway ways (whole) and their nodes in ``polygon``."""
    responses = _overpass_recursed(f"way{HIGHWAY_FILTER}", polygon)
    # A remark means Overpass stopped early (e.g. "runtime error: Query timed out"):
    # the answer is incomplete, and a network with silent holes is worse than none.
    remarks = [r["remark"] for r in responses if r.get("remark")]
    if remarks:
        msg = f"Overpass returned incomplete road data ({remarks[0]}). Try again later."
        raise FetchError(msg)
    return responses


def _download_pois(polygon: Polygon | MultiPolygon) -> gpd.GeoDataFrame:
    """Fire stations and hospitals in ``polygon`` (empty frame if there are none)."""
    responses = _overpass_recursed(f"nwr{POI_FILTER}", polygon)
    wanted = set(POI_TAGS["amenity"])
    if not any(
        e.get("tags", {}).get("amenity") in wanted for r in responses for e in r["elements"]
    ):
        return gpd.GeoDataFrame({"amenity": []}, geometry=[], crs=settings.MAP_CRS)
    # osmnx's public features_from_xml builds the geometries (station buildings,
    # hospital multipolygons) exactly as features_from_polygon does from Overpass.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pois.osm"
        write_osm_xml(responses, path)
        gdf = ox.features_from_xml(path, tags=POI_TAGS)
    return gdf.reset_index()


# --- writing ------------------------------------------------------------------


def _check_population(population_csv: str | Path | None) -> Path | None:
    """Validate the grid file before minutes of downloading, not after."""
    if population_csv is None:
        return None
    path = Path(population_csv)
    if not path.is_file() or path.suffix.lower() != ".csv":
        msg = f"Population grid {path} is not a .csv file. Give SSB's 250 m grid (ru250m;pop_tot)."
        raise RegionDataError(msg)
    with path.open(encoding="utf-8", errors="replace") as f:
        header = f.readline().strip().split(";")
    if not {"ru250m", "pop_tot"} <= set(header):
        msg = (
            f"Population grid {path.name} needs the ;-separated columns ru250m;pop_tot "
            f"(SSB's 250 m grid), got {header}."
        )
        raise RegionDataError(msg)
    return path


def _check_target(out: Path) -> None:
    if out.exists() and not (out / MARKER).is_file() and any(out.iterdir()):
        msg = (
            f"{out} exists and was not written by `evac fetch`; refusing to replace it. "
            "Choose an empty or new folder with --out."
        )
        raise FetchError(msg)


def _replace(tmp: Path, out: Path) -> None:
    """Move the finished pack into place; an older fetched pack is swapped out whole."""
    if out.exists():
        _check_target(out)  # the folder may have changed during the download
        old = out.with_name(f".{out.name}.old{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
    else:
        tmp.rename(out)


def _write_pack(
    folder: Path,
    place: str,
    slug: str,
    area: _Place,
    county: _Place | None,
    roads: list[dict[str, Any]],
    pois: gpd.GeoDataFrame | None,
    population: Path | None,
) -> None:
    n_nodes, n_ways = write_osm_xml(roads, folder / "osm" / f"{slug}.osm")
    if n_ways == 0:
        msg = f"OpenStreetMap has no roads within {place!r}. Check the place name."
        raise FetchError(msg)
    number = _tag_number(area.tags, ("ref:kommunenummer", "ref"), 4) or UNKNOWN_MUNICIPALITY
    boundaries = folder / "boundaries"
    _write_geojson(
        _frame({"kommunenummer": number, "kommunenavn": area.name}, area.geometry),
        boundaries / "kommuner_fetched.geojson",
    )
    if county is not None:
        county_number = _tag_number(county.tags, ("ref:fylkesnummer", "ref"), 2) or (
            number[:2] if number != UNKNOWN_MUNICIPALITY else UNKNOWN_COUNTY
        )
        county_row = {"fylkesnummer": county_number, "fylkesnavn": county.name}
        county_geometry = county.geometry
    else:
        county_row = {
            "fylkesnummer": UNKNOWN_COUNTY,
            "fylkesnavn": f"{area.name} (county not found)",
        }
        county_geometry = area.geometry
    _write_geojson(_frame(county_row, county_geometry), boundaries / "fylker_fetched.geojson")
    if pois is not None:
        _write_pois(pois, folder / "pois")
    if population is not None:
        (folder / "population").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(population, folder / "population" / population.name)
    facts = {
        "place": place,
        "display_name": area.display_name,
        "osm_id": area.osm_id,
        "kommunenummer": number,
        "county": county.name if county is not None else None,
        "fylkesnummer": county_row["fylkesnummer"],
        "osm_nodes": n_nodes,
        "osm_ways": n_ways,
        "pois": pois is not None,
        "population": population.name if population is not None else None,
        "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        "osmnx": ox.__version__,
        "nominatim_url": ox.settings.nominatim_url,
        "overpass_url": ox.settings.overpass_url,
    }
    (folder / MARKER).write_text(json.dumps(facts, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "README.md").write_text(_readme(facts, slug), encoding="utf-8")


def _tag_number(tags: dict[str, str], keys: tuple[str, ...], digits: int) -> str | None:
    """The first tag in ``keys`` that holds a ``digits``-digit official number."""
    for key in keys:
        value = str(tags.get(key, "")).strip()
        if value.isdigit() and len(value) == digits:
            return value
    return None


def _frame(row: dict[str, str], geometry: BaseGeometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {k: [v] for k, v in row.items()}, geometry=[geometry], crs=settings.MAP_CRS
    )


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_crs(settings.MAP_CRS).to_file(path, driver="GeoJSON")  # RFC 7946: WGS84


def _column(gdf: gpd.GeoDataFrame, name: str) -> pd.Series:
    """A tag column as strings ("" where missing; osmnx drops all-empty columns)."""
    if name not in gdf.columns:
        return pd.Series("", index=gdf.index)
    column: pd.Series = gdf[name].fillna("").astype(str)
    return column


def _write_pois(pois: gpd.GeoDataFrame, folder: Path) -> None:
    osm_id = _column(pois, "element") + "/" + _column(pois, "id")
    amenity = _column(pois, "amenity")
    fire = amenity == "fire_station"
    stations = gpd.GeoDataFrame(
        {
            "brannstasjon": _column(pois, "name")[fire],
            "brannvesen": _column(pois, "operator")[fire],
            "osm_id": osm_id[fire],
        },
        # Station buildings become a point inside them, like DSB's point layer.
        geometry=pois.geometry[fire].representative_point(),
        crs=settings.MAP_CRS,
    )
    _write_geojson(stations, folder / "brannstasjoner_osm.geojson")
    hospital = amenity == "hospital"
    hospitals = gpd.GeoDataFrame(
        {"name": _column(pois, "name")[hospital], "osm_id": osm_id[hospital]},
        geometry=pois.geometry[hospital],
        crs=settings.MAP_CRS,
    )
    _write_geojson(hospitals, folder / "sykehus_osm.geojson")
    shelters = gpd.GeoDataFrame({"plasser": [], "adresse": []}, geometry=[], crs=settings.MAP_CRS)
    _write_geojson(shelters, folder / "tilfluktsrom_osm.geojson")


def _readme_parts(facts: dict[str, Any]) -> tuple[str, str, str]:
    """The README's county, POI and population paragraphs (they depend on what was found)."""
    county = (
        f"the county {facts['county']} (fylkesnummer {facts['fylkesnummer']}), from Nominatim"
        if facts["county"]
        else (
            "NOT the county: the county could not be found, so this holds the place polygon "
            f"with fylkesnummer {UNKNOWN_COUNTY}. Replace it with Kartverket's fylker if needed"
        )
    )
    pois = (
        "- `pois/brannstasjoner_osm.geojson`: OSM amenity=fire_station within "
        f"{CONTEXT_MARGIN_M / 1000:.0f} km (brannstasjon = name, brannvesen = operator).\n"
        "- `pois/sykehus_osm.geojson`: OSM amenity=hospital, same area (name).\n"
        "- `pois/tilfluktsrom_osm.geojson`: EMPTY. DSB's public shelters are not in "
        "OpenStreetMap; replace it with DSB's tilfluktsrom layer (fields plasser, adresse) "
        "from Geonorge.\n"
        if facts["pois"]
        else "- `pois/`: not downloaded (include_pois=False).\n"
    )
    if facts["population"]:
        population = f"`population/{facts['population']}` was copied from the file given.\n"
    else:
        population = (
            "**Missing.** SSB population is not in OpenStreetMap, and the tool "
            "refuses this folder until it is added. Download SSB's population grid "
            '("Befolkning på rutenett 250 m", ru250m) as a `;`-separated CSV with '
            "columns `ru250m;pop_tot` (the national file is fine: only cells near the "
            "place are read), then either copy it to `population/` in this folder or "
            "re-run `evac fetch PLACE --population FILE`.\n"
        )
    return county, pois, population


def _readme(facts: dict[str, Any], slug: str) -> str:
    county, pois, population = _readme_parts(facts)
    number = facts["kommunenummer"]
    number_note = (
        " (unknown: the OSM boundary has no 4-digit ref tag)"
        if number == UNKNOWN_MUNICIPALITY
        else " (from the OSM ref tag)"
    )
    return f"""# Region pack: {facts["place"]}

Downloaded by `evac fetch` on {facts["fetched"]} from OpenStreetMap
(Nominatim and the Overpass API; POI shapes by osmnx {facts["osmnx"]}). Use it with
`evac --data <this folder> ...`.

## Contents

- `osm/{slug}.osm`: every highway=* way within {NETWORK_MARGIN_M:.0f} m of the
  boundary, ways kept whole ({facts["osm_nodes"]:,} nodes, {facts["osm_ways"]:,} ways).
- `boundaries/kommuner_fetched.geojson`: {facts["display_name"]} ({facts["osm_id"]}),
  kommunenummer {number}{number_note}. OSM boundaries may include sea areas,
  unlike Kartverket's coast-clipped ones.
- `boundaries/fylker_fetched.geojson`: {county}.
{pois}
## Population

{population}
## Attribution

{settings.ATTRIBUTION}

`evac fetch` caches the server answers in the tool's cache folder (`osmnx/`); delete
it to download fresh data.
"""
