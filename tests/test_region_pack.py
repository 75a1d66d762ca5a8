"""The region layer: finding the pack, its population grid, road networks and cache.

Real numbers come from the shared Bærum pack (``../shared/geodata``); network
rules (access filters, speeds, lanes, capacities, the cache key) are pinned on a
tiny OSM XML file written by the test, so they are exact and fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

import cli
from geo import settings
from geo.errors import RegionDataError
from geo.network import RoadNetwork, build_network, parse_osm
from geo.network_cache import cache_key, load_networks
from geo.population import decode_cell_ids, population_within
from geo.region import Region, load_region
from planning import routing
from planning.zones import to_work

SHARED = settings.DEFAULT_DATA_DIR
BAERUM_2015 = 118_729
BAERUM_2023 = 128_225
TELENOR_ARENA = (10.62388, 59.90315)

# One way per rule under test; each has its own nodes so simplification never
# merges two ways into one edge. (name, tags)
TINY_WAYS: list[tuple[str, dict[str, str]]] = [
    ("Hovedveien", {"highway": "primary", "maxspeed": "60", "lanes": "4"}),
    ("Boligveien", {"highway": "residential"}),
    ("Anleggsveien", {"highway": "construction", "construction": "tertiary"}),
    ("Milesveien", {"highway": "tertiary", "maxspeed": "30 mph"}),
    ("Motorveien", {"highway": "motorway", "oneway": "yes", "lanes": "3"}),
    ("Stamveien", {"highway": "trunk"}),
    ("Gangveien", {"highway": "footway"}),
    ("Privatveien", {"highway": "service", "access": "private"}),
]


def tiny_osm_xml(ways: list[tuple[str, dict[str, str]]] = TINY_WAYS) -> str:
    """OSM XML with one three-node way per entry, stacked north of Snarøya."""
    nodes, way_xml = [], []
    node_id = 1
    for i, (name, tags) in enumerate(ways):
        lat = 59.89 + i * 0.002
        refs = []
        for j in range(3):
            lon = 10.60 + j * 0.003
            nodes.append(f'<node id="{node_id}" lat="{lat:.6f}" lon="{lon:.6f}" version="1"/>')
            refs.append(node_id)
            node_id += 1
        nds = "".join(f'<nd ref="{n}"/>' for n in refs)
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in {**tags, "name": name}.items())
        way_xml.append(f'<way id="{100 + i}" version="1">{nds}{tag_xml}</way>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="evac-test">'
        + "".join(nodes)
        + "".join(way_xml)
        + "</osm>"
    )


@pytest.fixture(scope="module")
def tiny_osm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("osm") / "tiny.osm"
    path.write_text(tiny_osm_xml(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_drive(tiny_osm: Path) -> RoadNetwork:
    return build_network(parse_osm(tiny_osm), "drive")


def _by_name(net: RoadNetwork) -> pd.DataFrame:
    return net.edges.drop_duplicates("name").set_index("name")


def _symlinked_pack(tmp_path: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """A pack in tmp whose files link to the shared pack, minus ``skip`` (relative paths)."""
    pack = tmp_path / "pack"
    for src in SHARED.rglob("*"):
        rel = src.relative_to(SHARED)
        if src.is_file() and not any(str(rel).startswith(s) for s in skip):
            (pack / rel).parent.mkdir(parents=True, exist_ok=True)
            (pack / rel).symlink_to(src)
    return pack


# --- finding the pack ---------------------------------------------------------


def test_missing_pack_directory_names_it_and_how_to_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(RegionDataError) as err:
        load_region(missing)
    msg = str(err.value)
    assert str(missing) in msg
    assert "EVAC_DATA" in msg and "--data" in msg


def test_missing_pack_directory_from_environment_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.DATA_ENV_VAR, str(tmp_path / "env-pack"))
    with pytest.raises(RegionDataError, match="env-pack"):
        load_region()


def test_pack_without_osm_names_the_missing_file_pattern(tmp_path: Path) -> None:
    pack = _symlinked_pack(tmp_path, skip=("osm",))
    with pytest.raises(RegionDataError) as err:
        load_region(pack)
    assert f"{pack} lacks osm/*.osm. " in str(err.value)  # only what is missing
    assert "EVAC_DATA" in str(err.value)


def test_malformed_municipality_file_is_a_region_data_error(tmp_path: Path) -> None:
    pack = _symlinked_pack(tmp_path, skip=("boundaries/kommuner",))
    (pack / "boundaries" / "kommuner_2024.geojson").write_text('{"type": "FeatureCollection", ')
    region = load_region(pack)  # files are all there; reading one fails
    with pytest.raises(RegionDataError, match=r"kommuner_2024\.geojson"):
        _ = region.municipalities


def test_municipality_file_without_number_field_names_the_column(tmp_path: Path) -> None:
    pack = _symlinked_pack(tmp_path, skip=("boundaries/kommuner",))
    feature = {
        "type": "Feature",
        "properties": {"kommunenavn": "Bærum"},
        "geometry": {"type": "Point", "coordinates": [10.6, 59.9]},
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    (pack / "boundaries" / "kommuner_2024.geojson").write_text(json.dumps(doc))
    with pytest.raises(RegionDataError, match="kommunenummer"):
        _ = load_region(pack).municipalities


# --- population ------------------------------------------------------------------


def test_baerum_grid_population_is_the_ssb_total(region: Region) -> None:
    # The default grid is the newest one covering Bærum: SSB 2023 (Akershus and Oslo).
    assert region.population_vintage == "2023"
    assert region.population_total("3201") == BAERUM_2023  # exact: SSB's centre-in rule
    assert region.population_total() == BAERUM_2023
    assert region.population_total(vintage="2015") == BAERUM_2015


def test_snaroya_fornebu_box_has_about_7850_residents_in_2015(region: Region) -> None:
    area = to_work(box(10.59, 59.87, 10.645, 59.905))
    grid = region.population_grid("2015")
    assert population_within(grid, area) == pytest.approx(7_850, rel=0.03)


def test_ssb_cell_id_decodes_to_its_lower_left_corner_in_utm33() -> None:
    x, y = decode_cell_ids(pd.Series(["22542506646250", "19250006618000"]))
    assert x.tolist() == [254_250, -75_000]
    assert y.tolist() == [6_646_250, 6_618_000]


@pytest.mark.parametrize(("vintage", "people"), [("2015", 222), ("2023", 199)])
def test_known_snaroya_cell_holds_its_point_and_people(
    region: Region, vintage: str, people: int
) -> None:
    cells = region.population_grid(vintage).set_index("cell_id")
    cell = cells.loc["22542506646250"]
    assert cell.geometry.contains(to_work(Point(10.61, 59.882)))
    assert cell.population == people
    assert cell.geometry.area == pytest.approx(250 * 250, rel=0.002)


def test_bad_ssb_id_length_is_a_region_data_error() -> None:
    with pytest.raises(RegionDataError, match="14 digits"):
        decode_cell_ids(pd.Series(["12345"]))


# --- networks from the real pack --------------------------------------------------


def test_real_networks_have_the_documented_size(region: Region) -> None:
    drive, walk = region.network("drive"), region.network("walk")
    assert drive.n_nodes >= 2_000 and drive.n_edges >= 4_000
    assert walk.n_nodes >= 4_000 and walk.n_edges >= 10_000
    assert drive.mode == "drive" and walk.mode == "walk"
    assert drive.edges.crs == settings.WORK_CRS
    assert len(drive.edge_u) == drive.n_edges and drive.edge_u.min() >= 0


def test_real_drive_network_has_no_construction_or_footways(region: Region) -> None:
    highways = set(region.network("drive").edges["highway"])
    assert "construction" not in highways
    assert not highways & {"footway", "path", "steps", "cycleway"}
    assert "construction" not in set(region.network("walk").edges["highway"])


def test_drive_route_from_snaroya_to_telenor_arena_is_3_to_4_km(region: Region) -> None:
    net = region.network("drive")
    arena, origin = to_work(Point(TELENOR_ARENA)), to_work(Point(10.605, 59.878))
    trees = routing.site_trees(net, np.array([[arena.x, arena.y]]))
    attach = routing.attach_origins(trees, np.array([[origin.x, origin.y]]), np.array([True]))
    node = int(attach.node[0])
    assert node >= 0, attach.reason
    edges = trees.path_edges(0, node)
    length_km = net.edges["length"].to_numpy()[edges].sum() / 1000
    assert 3.0 <= length_km <= 4.0
    assert "Snarøyveien" in set(net.edges["name"].to_numpy()[edges])
    assert trees.time_s[0, node] / 60 < 10  # free-flow minutes


# --- network rules on a tiny synthetic OSM file ----------------------------------


def test_construction_ways_are_excluded_by_default(tiny_osm: Path) -> None:
    raw = parse_osm(tiny_osm)
    for mode in ("drive", "walk"):
        assert "Anleggsveien" not in set(build_network(raw, mode).edges["name"])
        kept = build_network(raw, mode, include_construction=True).edges
        assert (kept["highway"] == "construction").sum() == 2  # both directions


def test_drive_and_walk_access_filters(tiny_osm: Path, tiny_drive: RoadNetwork) -> None:
    walk = build_network(parse_osm(tiny_osm), "walk")
    assert set(tiny_drive.edges["name"]) == {
        "Hovedveien",
        "Boligveien",
        "Milesveien",
        "Motorveien",
        "Stamveien",
    }
    assert set(walk.edges["name"]) == {"Hovedveien", "Boligveien", "Milesveien", "Gangveien"}
    # Walkers go both ways along every way; the oneway motorway is one edge for cars.
    assert (walk.edges["name"] == "Gangveien").sum() == 2
    assert (tiny_drive.edges["name"] == "Motorveien").sum() == 1


def test_maxspeed_tags_are_parsed_and_missing_ones_use_class_defaults(
    tiny_drive: RoadNetwork,
) -> None:
    e = _by_name(tiny_drive)
    assert e.loc["Hovedveien", "speed_kph"] == 60.0
    assert e.loc["Milesveien", "speed_kph"] == pytest.approx(30 * 1.609)
    assert e.loc["Boligveien", "speed_kph"] == settings.DRIVE_SPEED_KPH["residential"]
    assert e.loc["Motorveien", "speed_kph"] == settings.DRIVE_SPEED_KPH["motorway"]
    assert e.loc["Stamveien", "speed_kph"] == settings.DRIVE_SPEED_KPH["trunk"]
    expected = e["length"] / (e["speed_kph"] / 3.6)
    np.testing.assert_allclose(e["travel_time"], expected)


def test_capacity_is_lanes_per_direction_times_lane_capacity(tiny_drive: RoadNetwork) -> None:
    e = _by_name(tiny_drive)
    lanes = {"Hovedveien": 2, "Boligveien": 1, "Milesveien": 1, "Motorveien": 3, "Stamveien": 2}
    for name, n in lanes.items():
        assert e.loc[name, "lanes"] == n, name  # 4 two-way -> 2; oneway 3 -> 3; trunk default 2
        lane_cap = settings.LANE_CAPACITY_VPH[e.loc[name, "highway"]]
        assert e.loc[name, "capacity_vph"] == n * lane_cap, name


def test_walk_capacity_is_flow_per_metre_times_path_width(tiny_osm: Path) -> None:
    walk = build_network(parse_osm(tiny_osm), "walk")
    expected = settings.WALK_FLOW_PPH_PER_M * settings.WALK_PATH_WIDTH_M
    assert (walk.edges["capacity_vph"] == expected).all()
    assert (walk.edges["speed_kph"] == settings.WALK_SPEED_KPH).all()


def test_unreadable_osm_file_is_a_region_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><way id='1'>")
    with pytest.raises(RegionDataError, match=r"bad\.osm"):
        parse_osm(bad)
    with pytest.raises(RegionDataError, match="not found"):
        parse_osm(tmp_path / "absent.osm")


# --- the network cache -----------------------------------------------------------


def test_second_load_is_served_from_cache_with_identical_edges(
    tiny_osm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.CACHE_ENV_VAR, str(tmp_path / "cache"))
    first = load_networks(tiny_osm)
    second = load_networks(tiny_osm)
    for mode in ("drive", "walk"):
        assert "cached" not in first[mode].source
        assert "cached" in second[mode].source
        cols = ["u", "v", "length", "travel_time", "capacity_vph", "name", "highway"]
        pd.testing.assert_frame_equal(
            pd.DataFrame(first[mode].edges[cols]), pd.DataFrame(second[mode].edges[cols])
        )
        np.testing.assert_array_equal(first[mode].edge_v, second[mode].edge_v)
    assert len(list((tmp_path / "cache" / "networks").iterdir())) == 2


def test_uncached_load_neither_reads_nor_writes_the_cache(
    tiny_osm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.CACHE_ENV_VAR, str(tmp_path / "cache"))
    net = load_networks(tiny_osm, ("drive",), use_cache=False)["drive"]
    assert "cached" not in net.source
    assert not (tmp_path / "cache").exists()


def test_changed_file_or_option_gets_a_new_cache_key(tmp_path: Path, tiny_osm: Path) -> None:
    changed = tmp_path / "tiny.osm"
    changed.write_text(tiny_osm_xml(TINY_WAYS[:-1]), encoding="utf-8")
    key = cache_key(tiny_osm, "drive", include_construction=False)
    assert key == cache_key(tiny_osm, "drive", include_construction=False)
    assert key != cache_key(changed, "drive", include_construction=False)
    assert key != cache_key(tiny_osm, "drive", include_construction=True)
    assert key != cache_key(tiny_osm, "walk", include_construction=False)


def test_changed_file_is_rebuilt_not_served_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.CACHE_ENV_VAR, str(tmp_path / "cache"))
    osm = tmp_path / "region.osm"
    osm.write_text(tiny_osm_xml(TINY_WAYS[:2]), encoding="utf-8")
    assert set(load_networks(osm, ("drive",))["drive"].edges["name"]) == {
        "Hovedveien",
        "Boligveien",
    }
    osm.write_text(tiny_osm_xml(TINY_WAYS[:1]), encoding="utf-8")
    rebuilt = load_networks(osm, ("drive",))["drive"]
    assert "cached" not in rebuilt.source
    assert set(rebuilt.edges["name"]) == {"Hovedveien"}


# --- `evac region --json` --------------------------------------------------------


def test_evac_region_json_summarises_the_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data", str(SHARED), "region", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["municipality"] == {"number": "3201", "name": "Bærum"}
    assert out["network"]["drive"]["nodes"] >= 2_000
    assert out["network"]["walk"]["nodes"] >= 4_000
    assert out["network"]["drive"]["edges"] > out["network"]["drive"]["nodes"]
    assert out["population_total"] == BAERUM_2023
    assert out["population_vintage"] == "2023"
    assert out["population_vintages"] == {
        "2023": {"population_total": BAERUM_2023, "coverage": "Akershus, Oslo"},
        "2015": {"population_total": BAERUM_2015, "coverage": "all counties"},
    }
    assert {"Telenor Arena", "Quality Hotel Expo", "Thon Hotel Oslofjord"} <= set(out["sites"])
    assert any("politidistrikt" in a for a in out["actors"])
    assert out["pois"]["fire_stations"] > 0


def test_evac_region_with_missing_data_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--data", str(tmp_path / "none"), "region"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("evac: error: Region data directory")
    assert err.count("\n") == 1
