"""`evac fetch` writes a region pack the offline code loads, with the HTTP layer faked.

No test here touches the network: requests' transport (``HTTPAdapter.send``) is
replaced by canned Nominatim and Overpass answers for a small made-up area at
Fornebu, and a guard records and blocks every real socket connection or name lookup.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import osmnx as ox
import pytest
import requests
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.ops import unary_union

from geo import layers, osm_api, settings
from geo.errors import FetchError, OsmServerError, OsmUnreachableError, RegionDataError
from geo.fetch import fetch_region, slugify
from geo.network_cache import load_networks
from geo.region import Region, find_region_dir

PLACE = "Bærum, Norway"

# --- canned server answers ------------------------------------------------------


def _ring(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def _nominatim_result(
    name: str, display: str, osm_id: int, bounds: tuple[float, float, float, float], tags: dict
) -> dict:
    west, south, east, north = bounds
    return {
        "place_id": osm_id,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
        "osm_type": "relation",
        "osm_id": osm_id,
        "lat": str((south + north) / 2),
        "lon": str((west + east) / 2),
        "class": "boundary",
        "type": "administrative",
        "place_rank": 12,
        "importance": 0.6,
        "addresstype": "municipality",
        "name": name,
        "display_name": display,
        "boundingbox": [str(south), str(north), str(west), str(east)],
        "extratags": tags,
        "geojson": {"type": "Polygon", "coordinates": [_ring(*bounds)]},
    }


PLACE_BOUNDS = (10.600, 59.888, 10.630, 59.905)
NOMINATIM = {
    PLACE: [
        _nominatim_result("Bærum", "Bærum, Akershus, Norge", 406117, PLACE_BOUNDS, {"ref": "3201"})
    ],
    "Akershus, Norge": [
        _nominatim_result(
            "Akershus", "Akershus, Norge", 406106, (10.3, 59.7, 11.0, 60.2), {"ref": "32"}
        )
    ],
}


def _node(node_id: int, lat: float, lon: float, **tags: str) -> dict:
    return {"type": "node", "id": node_id, "lat": lat, "lon": lon, "tags": tags}


def _way(way_id: int, nodes: list[int], **tags: str) -> dict:
    return {"type": "way", "id": way_id, "nodes": nodes, "tags": tags}


# Node 2 and 3 are junctions; 4 is a bend that simplification removes.
#
#   4 ------ 5        10 primary 1-2-3 (maxspeed 60, 4 lanes)
#   |        |        11 residential 2-4-5
#   1 -- 2 --3        12 footway 5-3 (walk only)
#        7   |        13 residential oneway 3->6
#            6        14 construction 6-7, 15 private service 7-2 (in neither network)
ROADS = {
    "elements": [
        _node(1, 59.895, 10.605),
        _node(2, 59.895, 10.610, highway="traffic_signals"),
        _node(3, 59.895, 10.615),
        _node(4, 59.899, 10.610),
        _node(5, 59.899, 10.615),
        _node(6, 59.891, 10.615),
        _node(7, 59.891, 10.610),
        _way(10, [1, 2, 3], highway="primary", name="Snarøyveien", maxspeed="60", lanes="4"),
        _way(11, [2, 4, 5], highway="residential", name="Rolfsbuktveien"),
        _way(12, [5, 3], highway="footway"),
        _way(13, [3, 6], highway="residential", name="Forneburingen", oneway="yes"),
        _way(14, [6, 7], highway="construction"),
        _way(15, [7, 2], highway="service", access="private"),
    ]
}
FEATURES = {
    "elements": [
        _node(
            900,
            59.896,
            10.620,
            amenity="fire_station",
            name="Fornebu brannstasjon",
            operator="Asker og Bærum brann og redning IKS",
        ),
        *(
            _node(950 + i, lat, lon)
            for i, (lon, lat) in enumerate(_ring(10.624, 59.900, 10.626, 59.901)[:4], 1)
        ),
        _way(950, [951, 952, 953, 954, 951], amenity="hospital", name="Testsykehus"),
        *(
            _node(960 + i, lat, lon)
            for i, (lon, lat) in enumerate(_ring(10.601, 59.889, 10.602, 59.890)[:4], 1)
        ),
        _way(960, [961, 962, 963, 964, 961], amenity="fire_station", building="yes"),
    ]
}


class FakeOSM:
    """Stands in for requests' transport; answers like Nominatim and Overpass.

    ``fail`` maps a host name to an exception raised instead of answering, to an
    HTTP status answered with an HTML error page, or to (status, body).
    """

    def __init__(self) -> None:
        self.nominatim = dict(NOMINATIM)
        self.roads = ROADS
        self.features = FEATURES
        self.requests: list[requests.PreparedRequest] = []
        self.fail: dict[str, Exception | int | tuple[int, bytes]] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        self.requests.append(request)
        url = urlparse(request.url)
        failure = self.fail.get(url.hostname or "")
        if isinstance(failure, Exception):
            raise failure
        if isinstance(failure, int):
            return _response(request, failure, b"<html>Bad Request</html>")
        if isinstance(failure, tuple):
            return _response(request, *failure)
        if url.hostname == "nominatim.openstreetmap.org":
            query = parse_qs(url.query)["q"][0]
            return _response(request, 200, json.dumps(self.nominatim.get(query, [])))
        if url.hostname == "overpass-api.de":
            query = parse_qs(request.body)["data"][0]
            answer = self.roads if 'way["highway"]' in query else self.features
            return _response(request, 200, json.dumps(answer))
        msg = f"unexpected request to {request.url}"
        raise AssertionError(msg)

    def overpass_queries(self) -> list[str]:
        return [
            parse_qs(r.body)["data"][0]
            for r in self.requests
            if urlparse(r.url).hostname == "overpass-api.de"
        ]


def _response(request: requests.PreparedRequest, status: int, body: str | bytes):
    response = requests.Response()
    response.status_code = status
    response.reason = HTTPStatus(status).phrase
    response._content = body.encode() if isinstance(body, str) else body
    response.url = request.url
    response.request = request
    response.encoding = "utf-8"
    response.headers["Content-Type"] = "application/json"
    return response


def _install(mp: pytest.MonkeyPatch, fake: FakeOSM, cache: Path) -> None:
    mp.setattr(
        requests.adapters.HTTPAdapter,
        "send",
        lambda adapter, request, **kwargs: fake.send(request, **kwargs),
    )
    # Nominatim's 1 s politeness pause, and the response cache (tested on its own).
    mp.setattr(osm_api, "NOMINATIM_PAUSE_S", 0.0)
    mp.setattr(ox.settings, "use_cache", False)
    mp.setenv(settings.CACHE_ENV_VAR, str(cache))


# --- fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def socket_attempts() -> Iterator[list[str]]:
    """Record and block every real connection or DNS lookup in this module."""
    attempts: list[str] = []

    def blocked(what: str):
        def refuse(*args: object, **kwargs: object):
            attempts.append(f"{what}{args[1:] if what.startswith('connect') else args}")
            msg = f"test tried a real network call: {what}"
            raise OSError(msg)

        return refuse

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", blocked("connect"))
        mp.setattr(socket.socket, "connect_ex", blocked("connect_ex"))
        mp.setattr(socket, "getaddrinfo", blocked("getaddrinfo"))
        mp.setattr(socket, "gethostbyname", blocked("gethostbyname"))
        yield attempts


@pytest.fixture(scope="module")
def population_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny SSB grid: four 250 m cells over the fake municipality."""
    to_grid = Transformer.from_crs(settings.MAP_CRS, settings.SSB_GRID_CRS, always_xy=True)
    x, y = to_grid.transform([10.610, 10.615, 10.620, 10.610], [59.895, 59.895, 59.895, 59.899])
    size = settings.SSB_CELL_SIZE_M
    ids = [
        f"{int(a // size * size) + 2_000_000}{int(b // size * size)}"
        for a, b in zip(x, y, strict=True)
    ]
    path = tmp_path_factory.mktemp("ssb") / "ssb_ru250m_2024.csv"
    path.write_text(
        "ru250m;pop_tot\n"
        + "".join(f"{i};{n}\n" for i, n in zip(ids, (10, 20, 30, 40), strict=True))
    )
    return path


@pytest.fixture(scope="module")
def fetched(
    tmp_path_factory: pytest.TempPathFactory, population_csv: Path
) -> Iterator[tuple[Path, FakeOSM]]:
    """One fetch of the fake place, shared by the read-only tests."""
    fake = FakeOSM()
    root = tmp_path_factory.mktemp("fetch")
    with pytest.MonkeyPatch.context() as mp:
        _install(mp, fake, root / "cache")
        out = fetch_region(PLACE, root / "region", population_csv=population_csv)
        yield out, fake


@pytest.fixture
def fake_osm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeOSM:
    fake = FakeOSM()
    _install(monkeypatch, fake, tmp_path / "cache")
    return fake


@pytest.fixture(scope="module")
def networks(fetched: tuple[Path, FakeOSM]) -> dict:
    out, _ = fetched
    return load_networks(next((out / "osm").glob("*.osm")), use_cache=False)


def _edges(net) -> dict[tuple[int, int], dict]:
    """Edges keyed by (from, to) OSM node id; parallel edges keep the first."""
    rows = net.edges.to_dict("records")
    return {(r["u"], r["v"]): r for r in reversed(rows)}


# --- the written pack ---------------------------------------------------------


def test_fetch_writes_the_region_pack_layout(fetched):
    out, _ = fetched
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files == {
        "README.md",
        "fetched.json",
        "osm/baerum-norway.osm",
        "boundaries/kommuner_fetched.geojson",
        "boundaries/fylker_fetched.geojson",
        "pois/brannstasjoner_osm.geojson",
        "pois/sykehus_osm.geojson",
        "pois/tilfluktsrom_osm.geojson",
        "population/ssb_ru250m_2024.csv",
    }
    assert find_region_dir(out) == out.resolve()
    # Written to a temporary folder and renamed: nothing else is left beside it.
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_boundary_carries_the_place_name_and_osm_ref_number(fetched):
    out, _ = fetched
    municipalities = layers.read_municipalities(out)
    assert municipalities[["kommunenummer", "kommunenavn"]].values.tolist() == [["3201", "Bærum"]]
    minx, miny, maxx, maxy = municipalities.to_crs(settings.MAP_CRS).total_bounds
    assert (minx, miny, maxx, maxy) == pytest.approx(PLACE_BOUNDS)
    counties = layers.read_counties(out)
    assert counties[["fylkesnummer", "fylkesnavn"]].values.tolist() == [["32", "Akershus"]]


def test_fetched_pack_loads_through_region(fetched):
    out, _ = fetched
    region = Region(find_region_dir(out))
    assert region.home_row["kommunenavn"] == "Bærum"
    assert region.population_total() == 100
    assert region.population_vintage == "2024"


def test_osm_file_keeps_every_highway_way_whole_with_its_tags(fetched):
    out, fake = fetched
    root = ElementTree.parse(out / "osm" / "baerum-norway.osm").getroot()
    ways = {
        int(w.get("id")): (
            [int(nd.get("ref")) for nd in w.iter("nd")],
            {t.get("k"): t.get("v") for t in w.iter("tag")},
        )
        for w in root.iter("way")
    }
    assert sorted(ways) == [10, 11, 12, 13, 14, 15]
    assert ways[10][0] == [1, 2, 3]
    assert ways[10][1] == {
        "highway": "primary",
        "name": "Snarøyveien",
        "maxspeed": "60",
        "lanes": "4",
    }
    assert ways[15][1]["access"] == "private"
    # The query itself must not drop construction ways (osmnx's "all" filter does).
    (roads_query,) = [q for q in fake.overpass_queries() if 'way["highway"]' in q]
    assert "construction" not in roads_query


def test_drive_network_from_fetched_osm_has_oneways_speeds_and_lanes(networks):
    drive = networks["drive"]
    assert (drive.n_nodes, drive.n_edges) == (5, 7)
    edges = _edges(drive)
    assert set(np.unique(drive.node_ids)) == {1, 2, 3, 5, 6}  # bend 4 simplified away
    primary = edges[(1, 2)]
    lane_capacity = settings.ROAD_CLASSES["primary"].lane_capacity_vph
    assert (primary["speed_kph"], primary["lanes"]) == (60.0, 2)
    assert primary["capacity_vph"] == 2 * lane_capacity
    assert edges[(2, 5)]["speed_kph"] == settings.DRIVE_SPEED_KPH["residential"]
    assert (3, 6) in edges and (6, 3) not in edges  # oneway=yes
    assert set(drive.edges["highway"]) == {"primary", "residential"}


def test_walk_network_from_fetched_osm_adds_footways_and_both_directions(networks):
    walk = networks["walk"]
    assert (walk.n_nodes, walk.n_edges) == (4, 8)
    edges = _edges(walk)
    assert (3, 6) in edges and (6, 3) in edges
    assert set(walk.edges["speed_kph"]) == {settings.WALK_SPEED_KPH}
    # Two parallel 2->3 edges: the primary road, and residential 2-4-5 joined to
    # footway 5-3 (bends 4 and 5 simplified away) - only walkable via the footway.
    parallel = walk.edges[walk.edges["u"].eq(2) & walk.edges["v"].eq(3)]
    assert len(parallel) == 2
    merged = parallel[parallel["highway"] != "primary"].iloc[0]
    # Simplification keeps one highway class of the merged ways, in no fixed order.
    assert merged["highway"] in {"residential", "footway"}


def test_pois_are_written_with_the_pack_column_names(fetched):
    out, _ = fetched
    stations = layers.read_fire_stations(out)
    assert sorted(stations["name"]) == ["", "Fornebu brannstasjon"]
    named = stations[stations["name"] != ""].iloc[0]
    assert named["service"] == "Asker og Bærum brann og redning IKS"
    assert set(stations.geom_type) == {"Point"}  # the station building became a point
    assert layers.read_hospitals(out)["name"].tolist() == ["Testsykehus"]
    shelters = json.loads((out / "pois" / "tilfluktsrom_osm.geojson").read_text())
    assert shelters["type"] == "FeatureCollection"
    assert shelters["features"] == []


def test_readme_and_marker_record_sources_and_attribution(fetched):
    out, _ = fetched
    readme = (out / "README.md").read_text()
    assert "OpenStreetMap" in readme and settings.ATTRIBUTION in readme
    assert "DSB" in readme  # shelters are missing and must be supplied
    facts = json.loads((out / "fetched.json").read_text())
    assert facts["kommunenummer"] == "3201"
    assert facts["osm_ways"] == 6
    assert facts["population"] == "ssb_ru250m_2024.csv"


# --- behaviour ------------------------------------------------------------------


def test_fetch_without_population_warns_and_explains_how_to_add_it(fake_osm, tmp_path, caplog):
    out = tmp_path / "region"
    with caplog.at_level("WARNING", logger="geo.fetch"):
        assert fetch_region(PLACE, out, include_pois=False) == out
    assert "WITHOUT population" in caplog.text and "--population" in caplog.text
    assert not (out / "population").exists()
    assert not (out / "pois").exists()
    readme = (out / "README.md").read_text()
    assert "ru250m;pop_tot" in readme and "250 m" in readme and "--population" in readme
    with pytest.raises(RegionDataError, match="population"):
        find_region_dir(out)


def test_fetch_defaults_to_the_cache_folder(fake_osm, tmp_path):
    out = fetch_region(PLACE, include_pois=False)
    assert out == tmp_path / "cache" / "regions" / "baerum-norway"
    assert (out / "osm" / "baerum-norway.osm").is_file()


def test_county_not_found_falls_back_to_the_place_polygon(fake_osm, tmp_path):
    del fake_osm.nominatim["Akershus, Norge"]
    out = fetch_region(PLACE, tmp_path / "region", include_pois=False)
    counties = layers.read_counties(out)
    assert counties["fylkesnummer"].tolist() == ["00"]
    assert counties.geometry.iloc[0].equals(layers.read_municipalities(out).geometry.iloc[0])
    assert "county could not be found" in (out / "README.md").read_text()


def test_place_without_ref_tag_gets_municipality_number_0000(fake_osm, tmp_path):
    fake_osm.nominatim[PLACE] = [dict(NOMINATIM[PLACE][0], extratags={})]
    out = fetch_region(PLACE, tmp_path / "region", include_pois=False)
    assert layers.read_municipalities(out)["kommunenummer"].tolist() == ["0000"]
    assert layers.read_counties(out)["fylkesnummer"].tolist() == ["32"]


def test_place_not_found_raises_fetch_error_with_an_example(fake_osm, tmp_path):
    with pytest.raises(FetchError, match="no boundary polygon for 'Nowhere'"):
        fetch_region("Nowhere", tmp_path / "region")
    assert not (tmp_path / "region").exists()


@pytest.mark.parametrize("host", ["nominatim.openstreetmap.org", "overpass-api.de"])
def test_connection_error_raises_fetch_error_pointing_to_offline_pack(fake_osm, tmp_path, host):
    fake_osm.fail[host] = requests.exceptions.ConnectionError("Failed to establish a connection")
    with pytest.raises(FetchError) as info:
        fetch_region(PLACE, tmp_path / "region")
    message = str(info.value)
    assert "internet is unreachable" in message
    assert "offline region pack with --data" in message
    assert list(tmp_path.glob("region*")) == [] and list(tmp_path.glob(".region*")) == []


def test_server_error_page_raises_fetch_error(fake_osm, tmp_path):
    fake_osm.fail["overpass-api.de"] = 400
    with pytest.raises(FetchError, match="refused the request"):
        fetch_region(PLACE, tmp_path / "region")


def test_overpass_remark_means_incomplete_roads_and_raises(fake_osm, tmp_path):
    fake_osm.roads = dict(ROADS, remark='runtime error: Query timed out in "query"')
    with pytest.raises(FetchError, match="incomplete road data"):
        fetch_region(PLACE, tmp_path / "region")
    assert not (tmp_path / "region").exists()


@pytest.mark.parametrize(
    ("host", "answer", "error", "message"),
    [
        ("nominatim.openstreetmap.org", 500, OsmServerError, "refused the request .HTTP 500"),
        ("overpass-api.de", 429, OsmServerError, "busy .HTTP 429"),
        ("overpass-api.de", (200, b""), OsmServerError, "empty answer"),
        ("nominatim.openstreetmap.org", (200, b"  "), OsmServerError, "empty answer"),
        ("overpass-api.de", (200, b"<html>oops</html>"), OsmServerError, "not JSON"),
        ("overpass-api.de", (200, b'{"version": 0.6}'), OsmServerError, "without OSM elements"),
        ("nominatim.openstreetmap.org", (200, b"{}"), OsmServerError, "unexpected answer"),
        (
            "overpass-api.de",
            requests.exceptions.ReadTimeout("read timed out"),
            OsmUnreachableError,
            "did not answer within 90 s",
        ),
    ],
)
def test_bad_server_answers_raise_clear_fetch_errors(
    fake_osm, tmp_path, host, answer, error, message
):
    fake_osm.fail[host] = answer
    with pytest.raises(error, match=message) as info:
        fetch_region(PLACE, tmp_path / "region")
    assert isinstance(info.value, FetchError)
    assert "offline region pack with --data" in str(info.value)
    assert list(tmp_path.glob("region*")) == [] and list(tmp_path.glob(".region*")) == []


def test_complete_answers_are_cached_and_incomplete_ones_are_not(fake_osm, tmp_path, monkeypatch):
    monkeypatch.setattr(ox.settings, "use_cache", True)
    fetch_region(PLACE, tmp_path / "first", include_pois=False)
    n_requests = len(fake_osm.requests)
    assert n_requests == 3  # place, county, roads
    fetch_region(PLACE, tmp_path / "second", include_pois=False)
    assert len(fake_osm.requests) == n_requests  # everything came from the cache
    assert len(list((tmp_path / "cache" / "osmnx").glob("*.json"))) == 3

    fake_osm.roads = dict(ROADS, remark="runtime error: Query timed out")
    monkeypatch.setattr(ox.settings, "overpass_url", "https://overpass-api.de/api/")
    monkeypatch.setattr(osm_api, "overpass_settings", lambda: "[out:json][timeout:91]")
    for _ in range(2):  # a new query text: asked twice, because the remark is never cached
        with pytest.raises(FetchError, match="incomplete road data"):
            fetch_region(PLACE, tmp_path / "third", include_pois=False)
    assert len(fake_osm.requests) == n_requests + 2


def test_large_areas_are_queried_in_pieces_and_give_the_same_osm_file(
    fake_osm, fetched, tmp_path, monkeypatch
):
    monkeypatch.setattr(ox.settings, "max_query_area_size", 2_000_000.0)  # 2 km²
    out = fetch_region(PLACE, tmp_path / "region", include_pois=False)
    roads_queries = [q for q in fake_osm.overpass_queries() if 'way["highway"]' in q]
    assert len(roads_queries) > 1
    whole, _ = fetched
    osm = "osm/baerum-norway.osm"
    assert (out / osm).read_bytes() == (whole / osm).read_bytes()


def test_polygon_pieces_cover_the_polygon_within_the_area_limit(monkeypatch):
    monkeypatch.setattr(ox.settings, "max_query_area_size", 1_000_000.0)  # 1 km²
    polygon = Polygon(_ring(10.60, 59.88, 10.66, 59.91))  # ~3.4 x 3.3 km
    strs = osm_api.polygon_coord_strs(polygon)
    pieces = [
        Polygon([(float(lon), float(lat)) for lat, lon in zip(*[iter(s.split())] * 2, strict=True)])
        for s in strs
    ]
    assert len(pieces) >= 12
    # Pieces are cut in UTM: edges move by centimetres on the way back to lon/lat.
    assert polygon.difference(unary_union(pieces)).area < polygon.area * 1e-4
    work = gpd.GeoSeries(pieces, crs=settings.MAP_CRS).to_crs(settings.WORK_CRS)
    assert work.area.max() <= 1_000_000.0 * 1.01
    small = Polygon(_ring(10.600, 59.880, 10.605, 59.883))  # ~0.1 km²: one query, "lat lon"
    (coords,) = osm_api.polygon_coord_strs(small)
    assert coords.split()[:2] == ["59.880000", "10.600000"]


def test_no_pois_in_the_area_gives_empty_layers(fake_osm, tmp_path):
    fake_osm.features = {"elements": []}
    out = fetch_region(PLACE, tmp_path / "region")
    assert layers.read_fire_stations(out).empty
    assert layers.read_hospitals(out).empty


def test_hospital_multipolygon_relation_becomes_one_area(fake_osm, tmp_path):
    ring = _ring(10.624, 59.900, 10.626, 59.901)[:4]
    nodes = [_node(970 + i, lat, lon) for i, (lon, lat) in enumerate(ring, 1)]
    outer = _way(970, [971, 972, 973, 974, 971])
    relation = {
        "type": "relation",
        "id": 980,
        "members": [{"type": "way", "ref": 970, "role": "outer"}],
        "tags": {"type": "multipolygon", "amenity": "hospital", "name": "Relasjonssykehus"},
    }
    fake_osm.features = {"elements": [*nodes, outer, relation]}
    out = fetch_region(PLACE, tmp_path / "region")
    hospitals = gpd.read_file(out / "pois" / "sykehus_osm.geojson")
    assert hospitals["name"].tolist() == ["Relasjonssykehus"]
    assert hospitals["osm_id"].tolist() == ["relation/980"]
    assert hospitals.geometry.iloc[0].geom_type in {"Polygon", "MultiPolygon"}
    assert hospitals.to_crs(settings.WORK_CRS).area.iloc[0] > 10_000  # ~110 x 110 m


def test_refetch_replaces_a_fetched_pack_but_never_a_foreign_folder(fake_osm, tmp_path):
    out = tmp_path / "region"
    fetch_region(PLACE, out, include_pois=False)
    (out / "stale.txt").write_text("from the first fetch")
    fetch_region(PLACE, out, include_pois=False)
    assert not (out / "stale.txt").exists()

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    n_requests = len(fake_osm.requests)
    with pytest.raises(FetchError, match="not written by `evac fetch`"):
        fetch_region(PLACE, foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert len(fake_osm.requests) == n_requests  # refused before downloading


def test_bad_population_file_is_rejected_before_downloading(fake_osm, tmp_path):
    bad = tmp_path / "pop.csv"
    bad.write_text("id,people\n1,2\n")
    with pytest.raises(RegionDataError, match="ru250m;pop_tot"):
        fetch_region(PLACE, tmp_path / "region", population_csv=bad)
    assert fake_osm.requests == []


def test_osmnx_settings_are_restored_after_fetch(fake_osm, tmp_path):
    before = (ox.settings.cache_folder, ox.settings.requests_timeout)
    fetch_region(PLACE, tmp_path / "region", include_pois=False)
    assert (ox.settings.cache_folder, ox.settings.requests_timeout) == before
    (nominatim, *_) = fake_osm.requests
    assert nominatim.headers["Accept-Language"].startswith("nb")


def test_slugify_makes_ascii_folder_names():
    assert slugify("Bærum, Norway") == "baerum-norway"
    assert slugify("Våler (Østfold)") == "valer-ostfold"


# --- no network ---------------------------------------------------------------


def test_fetch_opened_no_real_socket(fetched, socket_attempts):
    _, fake = fetched
    hosts = {urlparse(r.url).hostname for r in fake.requests}
    assert hosts == {"nominatim.openstreetmap.org", "overpass-api.de"}
    assert socket_attempts == []


def test_socket_guard_blocks_real_connections(socket_attempts):
    n = len(socket_attempts)
    with pytest.raises(OSError, match="real network call"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    assert len(socket_attempts) == n + 1
    del socket_attempts[n:]
