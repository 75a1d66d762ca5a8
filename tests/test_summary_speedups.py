"""The summary and check speed-ups (branch sp-summ) give what the pandas versions gave.

Each fast path is compared with the straightforward pandas expression it replaced,
on inputs that exercise its corner cases (unsorted and missing keys, ties, an
empty layer, boundaries in another CRS, a registry object seen again).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geo import settings
from geo.layers import read_counties, read_municipalities
from geo.registry import load_actors
from geo.settings import DEFAULT_DATA_DIR
from planning import derived_cache
from planning.closure_effects import CLOSURE_COLUMNS, closures_layer
from planning.derived_cache import per_object
from planning.kindergartens import kindergartens_in_zone
from planning.plan_summary import _sums_by
from planning.responsibility import ResponsibilityFacts, assess_responsibility
from planning.zones import to_work


def test_per_object_builds_once_per_object_and_key() -> None:
    calls: list[str] = []

    def build(tag: str) -> str:
        calls.append(tag)
        return tag

    first, equal_copy = {"a": 1}, {"a": 1}
    assert per_object(first, "k", lambda: build("first")) == "first"
    assert per_object(first, "k", lambda: build("again")) == "first"
    assert per_object(equal_copy, "k", lambda: build("copy")) == "copy"
    assert per_object(first, "other", lambda: build("other")) == "other"
    assert calls == ["first", "copy", "other"]


def test_per_object_forgets_the_oldest_beyond_its_size() -> None:
    oldest = object()
    per_object(oldest, "k", lambda: 1)
    keep = [object() for _ in range(derived_cache.MAX_ENTRIES)]
    for obj in keep:
        per_object(obj, "k", lambda: 2)
    assert len(derived_cache._CACHE) <= derived_cache.MAX_ENTRIES
    assert per_object(oldest, "k", lambda: 3) == 3


def test_sums_by_matches_groupby_sum() -> None:
    frame = pd.DataFrame(
        {
            "key": pd.array(["b", "a", None, "b", "Ø", "a"], dtype="str"),
            "people": np.array([1, 2, 40, 3, 5, 7], dtype=np.int64),
        }
    )
    expected = {str(k): int(v) for k, v in frame.groupby("key")["people"].sum().items()}
    got = _sums_by(frame["key"].to_numpy(), frame["people"].to_numpy())
    assert list(got.items()) == list(expected.items())
    assert _sums_by(np.array([], dtype=object), np.array([], dtype=np.int64)) == {}


def test_an_empty_closures_layer_is_a_fresh_copy_each_time() -> None:
    built = gpd.GeoDataFrame(
        [], columns=list(CLOSURE_COLUMNS), geometry="geometry", crs=settings.WORK_CRS
    )
    first, warnings = closures_layer([], [], [])
    assert warnings == [] and first.empty
    first.loc[0] = ["x", "y", 1.0, Point(0, 0)]
    second, _ = closures_layer([], [], [])
    assert second.empty and list(second.columns) == list(built.columns)
    assert second.dtypes.equals(built.dtypes) and second.crs == built.crs
    with pytest.raises(ValueError):
        closures_layer([], [Point(0, 0)], [])


def test_kindergartens_are_sorted_like_sort_values_ties_kept_in_index_order() -> None:
    names = ["Ålia", "Berg", "Aker", "Berg", "Zeta"]
    pack = gpd.GeoDataFrame(
        {
            "name": pd.array(names, dtype="str"),
            "capacity": np.arange(10, 15, dtype=np.int64),
            "address": pd.array([f"vei {i}" for i in range(5)], dtype="str"),
            "operator": pd.array(["o"] * 5, dtype="str"),
            "other": np.zeros(5),
        },
        geometry=[Point(600_000 + 10 * i, 6_640_000) for i in range(5)],
        crs=settings.WORK_CRS,
    )
    zone = shapely.box(599_990, 6_639_990, 600_100, 6_640_010)
    check = kindergartens_in_zone(pack, zone, [], load_actors())
    inside = pack.iloc[pack.sindex.query(zone, predicate="intersects")].sort_values("name")
    expected = gpd.GeoDataFrame(
        inside[["name", "capacity", "address", "operator", "geometry"]].reset_index(drop=True),
        crs=settings.WORK_CRS,
    )
    pd.testing.assert_frame_equal(check.layer, expected)
    assert [k["capacity"] for k in check.summary] == expected["capacity"].tolist()


def test_responsibility_is_the_same_for_boundaries_in_lon_lat() -> None:
    municipalities = read_municipalities(DEFAULT_DATA_DIR)
    counties = read_counties(DEFAULT_DATA_DIR)
    zone = to_work(Point(10.635, 59.912)).buffer(800.0)  # across the Oslo-Bærum border
    facts = ResponsibilityFacts(evacuees_total=10, eps_hotel_capacity=5, evacuees_needing_places=1)
    actors = load_actors()
    work = assess_responsibility(zone, municipalities, counties, facts, actors, [])
    lonlat = municipalities.to_crs(settings.MAP_CRS)
    other = assess_responsibility(zone, lonlat, counties, facts, actors, [])
    assert {m["kommunenummer"] for m in work.municipalities} == {"0301", "3201"}
    assert other.municipalities == work.municipalities and other.actors == work.actors
