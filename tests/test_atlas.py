"""Atlas zones, road criticality and the serial / Dask job runner on the real region pack."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import cli
from geo.errors import RegionDataError, ZoneError
from geo.region import Region, load_region
from geo.registry import load_registry
from planning.atlas import (
    BARRIER_ROADS,
    MIN_SHARE,
    AtlasOptions,
    atlas_cells,
    cell_links,
    partition,
    zone_id,
)
from planning.atlas_figures import zone_figures, zone_scenario
from planning.batch import (
    Shared,
    local_cluster,
    prepared_region,
    run_atlas,
    run_criticality,
    run_zone_criticality,
)
from planning.criticality import combine_rankings, rank_links
from planning.presets import preset_zone
from planning.scenario import Scenario


@pytest.fixture(scope="module")
def shared(region: Region) -> Shared:
    return Shared(prepared_region(region), load_registry())


@pytest.fixture(scope="module")
def zones(region: Region) -> gpd.GeoDataFrame:
    return partition(region.population, region.coverage, region.network("drive"))


def test_every_populated_covered_cell_is_in_exactly_one_zone(region, zones):
    cells = atlas_cells(region.population, region.coverage)
    listed = [c for text in zones["cells"] for c in text.split(",")]
    assert sorted(listed) == sorted(cells["cell_id"].astype(str))
    assert zones["residents"].sum() == pytest.approx(cells["population"].sum(), abs=len(zones))
    assert len(zones) > 10 and zones["name"].is_unique


def test_zone_ids_are_stable_hashes_of_their_cells(region, zones):
    again = partition(region.population, region.coverage, region.network("drive"))
    assert again["zone_id"].tolist() == zones["zone_id"].tolist()
    for cells, zid in zip(zones["cells"], zones["zone_id"], strict=True):
        assert zid == zone_id(cells.split(","))


def test_zones_never_cross_e18(region, zones):
    cells = atlas_cells(region.population, region.coverage)
    net = region.network("drive")
    assert net.edges["highway"].isin(BARRIER_ROADS).any()
    # Edge-sharing cells whose centre line crosses E18 (a diagonal pair may be
    # joined legitimately through the cell at their shared corner).
    kept = {tuple(p) for p in cell_links(cells, net).tolist()}
    index = {(x, y): i for i, (x, y) in enumerate(zip(cells["gx"], cells["gy"], strict=True))}
    steps = ((1, 0), (0, 1))
    neighbours = {
        (min(i, index[(x + dx, y + dy)]), max(i, index[(x + dx, y + dy)]))
        for (x, y), i in index.items()
        for dx, dy in steps
        if (x + dx, y + dy) in index
    }
    cut = neighbours - kept
    assert cut, "E18 separates some neighbouring populated cells"
    zone_of = {c: z for z, text in enumerate(zones["cells"]) for c in text.split(",")}
    ids = cells["cell_id"].astype(str).to_numpy()
    assert all(zone_of[ids[a]] != zone_of[ids[b]] for a, b in cut)


def test_zone_size_follows_the_target(region):
    net = region.network("drive")
    small = partition(region.population, region.coverage, net, AtlasOptions(target_people=500))
    large = partition(region.population, region.coverage, net, AtlasOptions(target_people=3000))
    assert len(small) > len(large)
    for zones, target in ((small, 500), (large, 3000)):
        assert zones["area_km2"].max() <= 1.0
        biggest_cell = region.population["population"].max()
        assert zones["residents"].max() <= max((1 + MIN_SHARE) * target, target + biggest_cell)
    with pytest.raises(ZoneError, match="positive"):
        partition(region.population, region.coverage, net, AtlasOptions(target_people=0))


def test_zone_figures_reads_v1_and_v2_summaries():
    empty = zone_figures({})
    assert empty["p90"] is None and empty["kindergartens"] is None and empty["exits"] == []
    v2 = zone_figures(
        {
            "evacuees_total": 10,
            "clearance_minutes": {"p50": 5.0, "p90": 9.0, "leave_p50": 2.0, "leave_p90": 4.0},
            "clearance_range_minutes": {"low": {"p90": 12.0}, "high": {"p90": 7.0}},
            "exits": [{"name": "Lysaker", "people": 8}],
            "kindergartens": [{"name": "Solsikken", "capacity": 40}],
            "assigned": {"Telenor Arena": 2, "Quality Hotel Expo": 0},
        }
    )
    assert (v2["p50"], v2["p90_slow"], v2["p90_fast"]) == (5.0, 12.0, 7.0)
    assert v2["exits"] == ["Lysaker"] and v2["kindergartens"] == 1
    assert v2["reception_sites"] == ["Telenor Arena"]


def test_region_ships_networks_not_the_pack(monkeypatch):
    # A fresh region: what other tests loaded into the shared one must not count here.
    shared = Shared(prepared_region(load_region()), load_registry())
    blob = pickle.dumps(shared)
    assert len(blob) < 6e6  # measured 4.3 MB: both networks, population, nearby boundaries
    copy = pickle.loads(blob)

    def no_files(*args, **kwargs):
        raise RegionDataError("worker read the region pack")

    monkeypatch.setattr("geo.region.load_networks", no_files)
    assert copy.region.network("walk").n_edges == shared.region.network("walk").n_edges
    assert copy.region.network("drive").n_edges > 1000


def _same(a: list[dict], b: list[dict]) -> bool:
    def routes_equal(x, y):
        if x is None or y is None:
            return x is y
        return x.drop(columns="geometry").equals(y.drop(columns="geometry")) and all(
            shapely.equals_exact(x.geometry.to_numpy(), y.geometry.to_numpy(), 0)
        )

    return all(
        x["figures"] == y["figures"]
        and x["error"] == y["error"]
        and routes_equal(x["routes"], y["routes"])
        for x, y in zip(a, b, strict=True)
    )


def test_local_dask_cluster_gives_the_serial_results(region, shared):
    small = partition(
        region.population, region.coverage, region.network("drive"), area=preset_zone("snaroya")
    )
    assert 2 <= len(small) <= 6
    base = Scenario(name="atlas")
    ticks: list[tuple[int, int]] = []
    serial = run_atlas(small, base, shared, progress=lambda d, n: ticks.append((d, n)))
    assert ticks[-1] == (len(small), len(small))
    assert all(r["error"] == "" and r["figures"]["residents"] > 0 for r in serial)
    assert _same(serial, run_atlas(small, base, shared, workers=2))
    # A running cluster, reached by its address as with --scheduler tcp://host:8786.
    cluster = local_cluster(2)
    try:
        assert _same(serial, run_atlas(small, base, shared, scheduler=cluster.scheduler_address))
    finally:
        cluster.close()


def test_rank_puts_cut_off_first_then_p90_then_length():
    segments = gpd.GeoDataFrame(
        {
            "segment_id": ["a", "b", "c", "d"],
            "name": ["Short", "Slow", "Cut", "Long"],
            "n_edges": [1, 1, 1, 3],
            "length_m": [10.0, 50.0, 20.0, 700.0],
            "people_on_link": [5.0, 5.0, 5.0, 5.0],
        },
        geometry=[shapely.LineString([(0, i), (1, i)]) for i in range(4)],
        crs=25832,
    )
    after = [
        {"unreachable": 100, "p90": None},
        {"unreachable": 0, "p90": 70.0},
        {"unreachable": 100, "p90": None, "error": ""},
        {"unreachable": 100, "p90": None},
    ]
    ranked = rank_links(segments, {"unreachable": 0, "p90": 60.0}, after)
    assert ranked["name"].tolist() == ["Long", "Cut", "Short", "Slow"]
    assert ranked.loc[3, "p90_increase"] == 10.0


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_cli_atlas_writes_every_output(tmp_path: Path, capsys):
    out = tmp_path / "atlas"
    args = ["atlas", "--out", str(out), "--within-preset", "snaroya", "--lang", "en"]
    args += ["--workers", "1"]  # serial; the criticality test runs the CLI on Dask
    assert cli.main(args) == 0
    layer = gpd.read_file(out / "atlas.gpkg", layer="zones")
    doc = json.loads((out / "atlas.json").read_text("utf-8"))
    assert len(layer) == len(doc["zones"]) >= 2
    assert layer["p90"].notna().all() and (layer["population_vintage"] != "").all()
    assert {z["zone_id"] for z in doc["zones"]} == set(layer["zone_id"])
    assert _pages((out / "zone_book.pdf").read_bytes()) == len(layer)
    assert (out / "atlas_overview.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "atlas_overview.png").read_bytes().startswith(b"\x89PNG")
    assert "zones" in capsys.readouterr().err


def test_closing_rolfsbuktveien_cuts_snaroya_off_and_ranks_first(tmp_path: Path):
    out = tmp_path / "crit"
    # Default --workers: a local Dask cluster, one worker per core.
    assert cli.main(["criticality", "--preset", "snaroya", "--out", str(out)]) == 0
    table = pd.read_csv(out / "criticality.csv")
    doc = json.loads((out / "criticality.json").read_text("utf-8"))
    first = table.iloc[0]
    assert first["name"] == "Rolfsbuktveien" and first["rank"] == 1
    residents = doc["links"][0]["unreachable_after"]
    assert first["people_cut_off"] >= 0.9 * residents > 2000
    assert (np.diff(table["people_cut_off"].to_numpy()) <= 0).all()
    links = gpd.read_file(out / "criticality.gpkg", layer="links")
    assert len(links) == len(table) and links.crs.to_epsg() == 25832
    assert (out / "criticality.png").read_bytes().startswith(b"\x89PNG")


def test_zone_criticality_matches_single_runs_and_ranks_over_zones(region, shared):
    small = partition(
        region.population, region.coverage, region.network("drive"), area=preset_zone("snaroya")
    )
    row = small.loc[small["residents"].idxmin()]
    scenario = zone_scenario(row["name"], row.geometry, Scenario(name="atlas"))
    [(before, segments, after)] = run_zone_criticality([scenario], shared)
    one = run_criticality(scenario, shared)
    assert before["p90"] == one[0]["p90"] and before["error"] == ""
    assert segments["segment_id"].tolist() == one[1]["segment_id"].tolist()
    assert after == one[2] and len(after) == len(segments) > 0
    ranked = rank_links(segments, before, after)
    both = combine_rankings([("Z1", "A", ranked), ("Z2", "B", ranked.head(2))])
    assert both["rank"].tolist() == list(range(1, len(ranked) + 3))
    assert sorted(both["zone_id"].unique()) == ["Z1", "Z2"]
    assert (np.diff(both["people_cut_off"].to_numpy()) <= 0).all()


def test_atlas_criticality_needs_an_atlas(tmp_path: Path, capsys):
    args = ["atlas-criticality", "--atlas", str(tmp_path / "none"), "--out", str(tmp_path)]
    assert cli.main(args) == 2
    assert "run `evac atlas --out" in capsys.readouterr().err
