"""Kindergartens: the pack's Udir layer, the six without coordinates, and plans that list them.

Facts from the pack README: 109 kindergartens with coordinates in Bærum (6,720
places); 6 without coordinates, Snarøya barnehage (19, Snarøyveien 147) among them.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from plan_support import plan_for, texts

from exports.data_files import to_geojson, to_geopackage
from geo import settings
from geo.errors import RegionDataError, RegistryError
from geo.kindergartens import load_unlocated_kindergartens, read_kindergartens
from geo.region import Region
from geo.registry import load_actors
from planning.i18n import render
from planning.kindergartens import LAYER_COLUMNS, kindergartens_in_zone
from planning.plan import Plan
from planning.presets import load_preset, preset_zone
from planning.zones import to_work

SHARED = settings.DEFAULT_DATA_DIR
PACK_REQUIRED_ATTRIBUTION = (
    "© OpenStreetMap contributors (ODbL); © Kartverket (CC BY 4.0); "
    "population © SSB (CC BY 4.0); DSB"
)
#: name: (capacity, address) of the six, as the pack README lists them.
WITHOUT_COORDINATES = {
    "Berger": (84, "Friggs vei 20, Rykkinn"),
    "Damstua": (15, "Gamle Drammensvei 189, Blommenholm"),
    "Kolsåstrollet": (47, "Kolsås leir"),
    "Nadderudskogen avd. Nadderud": (38, "Øygardveien 49"),
    "Snarøya barnehage": (19, "Snarøyveien 147, Snarøya"),
    "Øverland": (51, "Gamle Ringeriksvei 125"),
}
FLAKLYPA = {"name": "Flåklypa barnehage", "capacity": 36, "address": "Fürstveien 46, 1367 SNARØYA"}
FORNEBU = {
    "Hundsund barnehage": 109,
    "Læringsverkstedet Fornebu idrettsbarnehage": 136,
    "Nansenparken barnehage": 165,
    "Norlandia Sjøflyhavna avd. barnehage": 80,
    "Oksenøya barnehage": 121,
    "Storøya barnehage": 93,
}


def _feature(props: dict, geometry: dict | None = None) -> dict:
    base = {
        "nsrid": 1,
        "name": "Testbarnehagen",
        "capacity": 40,
        "min_age": 1,
        "max_age": 5,
        "operator_type": "public",
        "operator": "Bærum kommune",
        "address": "Testveien 1",
    }
    point = {"type": "Point", "coordinates": [10.6, 59.9]}
    return {"type": "Feature", "properties": base | props, "geometry": geometry or point}


def _pack_with_kindergartens(tmp_path: Path, features: list[dict] | None) -> Path:
    pois = tmp_path / "pois"
    pois.mkdir()
    if features is not None:
        doc = {"type": "FeatureCollection", "features": features}
        (pois / "barnehager_test.geojson").write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def fornebu_plan(region: Region) -> Plan:
    return plan_for(region, load_preset("fornebu"))


# --- the pack's layer -------------------------------------------------------------------


def test_pack_layer_has_the_109_kindergartens_with_6720_places(region: Region) -> None:
    kids = read_kindergartens(SHARED)
    assert len(kids) == 109 and int(kids["capacity"].sum()) == 6_720
    assert kids.crs == settings.WORK_CRS
    assert (kids.geometry.geom_type == "Point").all()
    assert {"nsrid", "name", "capacity", "operator", "address"} <= set(kids.columns)
    # Region.kindergartens is the same layer, loaded once.
    assert region.kindergartens is region.kindergartens
    assert len(region.kindergartens) == 109


def test_a_pack_without_kindergartens_gives_an_empty_layer(tmp_path: Path) -> None:
    kids = read_kindergartens(_pack_with_kindergartens(tmp_path, None))
    assert kids.empty and kids.crs == settings.WORK_CRS
    assert {"name", "capacity", "address", "operator"} <= set(kids.columns)


@pytest.mark.parametrize(
    ("feature", "match"),
    [
        (_feature({"capacity": "mange"}), r"'Testbarnehagen' has capacity mange;"),
        (_feature({"capacity": -3}), r"'Testbarnehagen' has capacity -3;"),
        (
            _feature({}, {"type": "LineString", "coordinates": [[10.6, 59.9], [10.61, 59.9]]}),
            r"'Testbarnehagen' is not a Point",
        ),
    ],
)
def test_bad_kindergarten_rows_are_named(tmp_path: Path, feature: dict, match: str) -> None:
    with pytest.raises(RegionDataError, match=match):
        read_kindergartens(_pack_with_kindergartens(tmp_path, [feature]))


def test_a_kindergarten_file_without_capacity_names_the_column(tmp_path: Path) -> None:
    feature = _feature({})
    del feature["properties"]["capacity"]
    with pytest.raises(RegionDataError, match=r"lacks column.*capacity"):
        read_kindergartens(_pack_with_kindergartens(tmp_path, [feature]))


# --- the six without coordinates --------------------------------------------------------


def test_the_six_without_coordinates_are_authored_with_their_udir_facts() -> None:
    unlocated = load_unlocated_kindergartens()
    assert {k.name: (k.capacity, k.address) for k in unlocated} == WITHOUT_COORDINATES
    assert all(k.basis for k in unlocated)


def test_their_approximate_areas_lie_in_baerum_and_not_on_the_pack_points(
    region: Region,
) -> None:
    baerum = region.home_area.buffer(500.0)  # generalised coast: Snarøya is partly cut
    located = set(region.kindergartens["name"])
    for k in load_unlocated_kindergartens():
        assert k.area.centroid.within(baerum), k.name
        assert 250.0 <= k.area.area**0.5 <= 3_000.0, k.name  # a place, not a region
        assert k.name not in located


def test_snaroya_barnehage_area_is_on_snaroya() -> None:
    (snaroya,) = [k for k in load_unlocated_kindergartens() if k.name == "Snarøya barnehage"]
    zone = preset_zone("snaroya")
    assert snaroya.area.intersection(zone).area > 0.5 * snaroya.area.area


def test_bad_authored_entries_name_the_file_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "kindergartens_without_coordinates.yaml"
    entry = "- {name: Berger, capacity: 84, address: X, lon: 10.48, lat: 59.93, basis: b}"
    path.write_text(f"kindergartens:\n  {entry}\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"'Berger': required field 'radius_m'"):
        load_unlocated_kindergartens(path)
    path.write_text(
        "kindergartens:\n  - {name: Berger, capacity: 84, address: X, lon: 59.93, lat: 10.48,"
        " radius_m: 500, basis: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="look swapped"):
        load_unlocated_kindergartens(path)


# --- the planning function --------------------------------------------------------------


def test_kindergartens_in_a_zone_give_a_layer_a_list_and_one_action(region: Region) -> None:
    zone = to_work(shapely.Point(10.60554, 59.87709)).buffer(100.0)  # around Flåklypa
    check = kindergartens_in_zone(region.kindergartens, zone, [], load_actors())
    assert list(check.layer.columns) == list(LAYER_COLUMNS)
    assert check.summary == [FLAKLYPA]
    (action,) = check.actions
    assert (action["who"], action["who_name"]) == ("baerum_kommune", "Bærum kommune")
    assert action["what"] == {
        "key": "action.kindergartens_in_zone",
        "params": {"n": 1, "children": 36},
    }
    what_en, what_nb = render(action["what"], "en"), render(action["what"], "nb")
    assert "number: 1; 36 children" in what_en
    assert "fetched by parents or need transport" in what_en
    assert "antall: 1; 36 barn" in what_nb and "hentes av foreldre" in what_nb
    assert check.warnings == []


def test_a_zone_without_kindergartens_gives_no_action(region: Region) -> None:
    zone = to_work(shapely.Point(10.63, 59.875)).buffer(100.0)  # the fjord off Snarøya
    check = kindergartens_in_zone(
        region.kindergartens, zone, load_unlocated_kindergartens(), load_actors()
    )
    assert check.layer.empty and check.summary == [] and check.actions == []
    assert check.warnings == []


def test_a_kindergarten_found_in_the_pack_is_not_warned_about_again(region: Region) -> None:
    zone = preset_zone("snaroya")
    unlocated = load_unlocated_kindergartens()
    named = gpd.GeoDataFrame(
        {"name": ["Snarøya barnehage"], "capacity": [19], "address": ["a"], "operator": ["o"]},
        geometry=[shapely.Point(0, 0)],
        crs=settings.WORK_CRS,
    )
    check = kindergartens_in_zone(named, zone, unlocated, load_actors())
    assert check.warnings == []


# --- plans ------------------------------------------------------------------------------


def test_snaroya_plan_lists_its_kindergarten_and_warns_about_snaroya_barnehage(
    snaroya_plan: Plan,
) -> None:
    s = snaroya_plan.summary
    assert s["kindergartens"] == [FLAKLYPA]
    assert snaroya_plan.kindergartens["name"].tolist() == ["Flåklypa barnehage"]
    warned = [w for w in texts(s["warnings"]) if "without coordinates" in w]
    assert warned == [
        "Kindergartens without coordinates in the Udir data may lie in the zone (approximate "
        "area) – name (places, address): Snarøya barnehage (19, Snarøyveien 147, Snarøya). "
        "Check whether they must be evacuated."
    ]
    assert any("Snarøya barnehage (19, Snarøyveien 147" in w for w in texts(s["warnings"], "nb"))
    (action,) = [a for a in s["actions"] if a["rule"] == "kindergartens_in_zone"]
    assert action["who_name"] == "Bærum kommune"
    assert "36 children" in render(action["what"], "en")


def test_fornebu_plan_lists_its_six_kindergartens(fornebu_plan: Plan) -> None:
    s = fornebu_plan.summary
    assert {k["name"]: k["capacity"] for k in s["kindergartens"]} == FORNEBU
    assert all(k["address"] for k in s["kindergartens"])
    (action,) = [a for a in s["actions"] if a["rule"] == "kindergartens_in_zone"]
    assert f"number: 6; {sum(FORNEBU.values())} children" in render(action["what"], "en")
    # Operators travel in the layer, for whoever calls them.
    assert fornebu_plan.kindergartens["operator"].str.len().gt(0).all()


def test_kindergartens_are_an_exported_layer(snaroya_plan: Plan, tmp_path: Path) -> None:
    assert snaroya_plan.layers()["kindergartens"] is snaroya_plan.kindergartens
    path = to_geopackage(snaroya_plan, tmp_path / "plan.gpkg")
    layer = gpd.read_file(path, layer="kindergartens")
    assert layer["name"].tolist() == ["Flåklypa barnehage"] and layer.crs == settings.WORK_CRS
    data = json.loads(to_geojson(snaroya_plan, layer="kindergartens"))
    (feature,) = data["features"]
    assert feature["properties"]["capacity"] == 36
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx((10.60554, 59.87709), abs=1e-5)


def test_attribution_names_udir_and_keeps_the_pack_string(snaroya_plan: Plan) -> None:
    assert settings.ATTRIBUTION.startswith(PACK_REQUIRED_ATTRIBUTION)
    assert "Udir (NLOD)" in settings.ATTRIBUTION
    assert snaroya_plan.summary["data"]["attribution"] == settings.ATTRIBUTION
