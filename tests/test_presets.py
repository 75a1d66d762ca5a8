"""Preset scenarios: files, round trips, and what their zones contain."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.errors import RegistryError, ScenarioError
from geo.layers import find_file, read_municipalities
from geo.population import population_within, read_population
from geo.registry import load_sites
from geo.settings import DEFAULT_DATA_DIR
from planning.presets import (
    PRESETS_DIR,
    list_presets,
    load_preset,
    preset_zone,
    touched_presets,
)
from planning.scenario import scenario_from_json, scenario_to_json
from planning.zones import to_work

PRESET_NAMES = ["snaroya", "fornebu", "fornebu_gas"]


@pytest.fixture(scope="session")
def municipalities() -> gpd.GeoDataFrame:
    return read_municipalities(DEFAULT_DATA_DIR)


def test_list_presets_gives_titles_in_both_languages() -> None:
    presets = list_presets()
    assert [p.name for p in presets] == PRESET_NAMES
    for p in presets:
        assert p.title_nb and p.title_en and p.description and p.description_nb


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_file_round_trips_exactly(name: str) -> None:
    text = (PRESETS_DIR / f"{name}.json").read_text(encoding="utf-8")
    scenario = load_preset(name)
    assert scenario_to_json(scenario) + "\n" == text
    assert scenario_from_json(scenario_to_json(scenario)) == scenario


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_is_a_named_drive_exercise(name: str) -> None:
    scenario = load_preset(name)
    assert scenario.preset == name
    assert scenario.mode == "drive"
    assert scenario.exercise is True
    assert scenario.name.strip()


def test_fornebu_preset_contains_both_fornebu_sites() -> None:
    sites = load_sites().set_index("name")
    zone = preset_zone("fornebu")
    assert zone.contains(sites.loc["Telenor Arena", "geometry"])
    assert zone.contains(sites.loc["Quality Hotel Expo", "geometry"])
    assert not zone.contains(sites.loc["Thon Hotel Oslofjord", "geometry"])


def test_snaroya_preset_is_the_peninsula_with_2015_population_in_range(
    municipalities: gpd.GeoDataFrame,
) -> None:
    scenario = load_preset("snaroya")
    (zone_spec,) = scenario.zones
    assert zone_spec.kind == "polygon"
    assert 20 <= len(zone_spec.geometry["coordinates"][0]) <= 60
    zone = preset_zone("snaroya")
    cells = read_population(
        find_file(DEFAULT_DATA_DIR / "population", "*.csv", what="Population"),
        zone.buffer(500).bounds,
    )
    assert 2_500 <= population_within(cells, zone) <= 3_500
    touched = municipalities[municipalities.intersects(zone)]
    assert list(touched["kommunenummer"]) == ["3201"]


def test_snaroya_and_fornebu_share_the_neck_line_without_overlapping() -> None:
    snaroya, fornebu = preset_zone("snaroya"), preset_zone("fornebu")
    assert snaroya.intersection(fornebu).area < 1.0
    assert snaroya.distance(fornebu) < 1.0
    assert touched_presets(fornebu) == {"fornebu", "fornebu_gas"}


def test_gas_preset_is_a_plume_downwind_of_fornebu() -> None:
    (zone_spec,) = load_preset("fornebu_gas").zones
    assert zone_spec.kind == "plume"
    assert zone_spec.wind_from_deg == 200.0
    assert zone_spec.length_m == 1500.0
    assert zone_spec.angle_deg == 40.0
    # Wind from 200° blows the gas north-north-east, over Telenor Arena.
    arena = load_sites().set_index("name").loc["Telenor Arena", "geometry"]
    assert preset_zone("fornebu_gas").contains(arena)


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (10.615, 59.880, {"snaroya"}),
        (10.62388, 59.90315, {"fornebu", "fornebu_gas"}),
        (10.5215, 59.8879, set()),
    ],
)
def test_touched_presets_names_the_presets_a_zone_reaches(
    lon: float, lat: float, expected: set[str]
) -> None:
    assert touched_presets(to_work(Point(lon, lat)).buffer(100)) == expected


def test_unknown_preset_lists_the_known_names() -> None:
    with pytest.raises(ScenarioError, match="snaroya, fornebu, fornebu_gas"):
        load_preset("nesoya")


def test_preset_name_cannot_escape_the_folder() -> None:
    with pytest.raises(ScenarioError, match="Unknown preset"):
        load_preset("../rules")


def test_preset_file_missing_from_index_is_reported(tmp_path: Path) -> None:
    shutil.copytree(PRESETS_DIR, tmp_path, dirs_exist_ok=True)
    shutil.copy(tmp_path / "snaroya.json", tmp_path / "snaroya_north.json")
    with pytest.raises(RegistryError, match="snaroya_north missing from the index"):
        list_presets(tmp_path)


def test_malformed_preset_file_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(PRESETS_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "fornebu.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"drive"', '"boat"'), "utf-8")
    with pytest.raises(RegistryError, match=r"^presets/fornebu\.json: Unknown mode 'boat'"):
        load_preset("fornebu", tmp_path)
