"""The authored registry in data/shapes: content checks and validation errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from geo.errors import RegistryError
from geo.layers import read_municipalities
from geo.registry import (
    ACTORS_FILE,
    CONDITIONS,
    RULES_FILE,
    SITES_FILE,
    load_actors,
    load_agreements,
    load_registry,
    load_rules,
    load_sites,
)
from geo.settings import DEFAULT_DATA_DIR, SHAPES_DIR, WORK_CRS

EXPECTED_ACTORS = {
    "Lokal redningssentral (LRS) Oslo",
    "Oslo politidistrikt",
    "Statsforvalteren i Oslo og Akershus",
    "Asker og Bærum brann og redning IKS",
    "Oslo universitetssykehus, prehospitale tjenester",
    "Vestre Viken HF",
    "Bærum kommune",
    "Bærum kommunes beredskapsansvarlig",
    "Oslo kommune",
    "Asker kommune",
    "Røde Kors",
    "Norsk Folkehjelp",
    "Hafslund",
    "Thon Hotel Oslofjord",
    "Quality Hotel Expo",
    "Telenor Arena",
}


@pytest.fixture(scope="session")
def municipalities() -> gpd.GeoDataFrame:
    return read_municipalities(DEFAULT_DATA_DIR)


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A copy of the real registry folder that a test may break."""
    for name in (SITES_FILE, ACTORS_FILE, RULES_FILE):
        shutil.copy(SHAPES_DIR / name, tmp_path / name)
    shutil.copytree(SHAPES_DIR / "presets", tmp_path / "presets")
    return tmp_path


def _edit_site(folder: Path, name: str, **changes: Any) -> Path:
    """Change properties (or ``coordinates``) of one site in the copied sites file."""
    path = folder / SITES_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["name"] == name)
    for key, value in changes.items():
        if key == "coordinates":
            feature["geometry"]["coordinates"] = value
        elif value is None:
            del feature["properties"][key]
        else:
            feature["properties"][key] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_sites_load_in_work_crs_with_assumed_capacities() -> None:
    sites = load_sites()
    assert sites.crs == WORK_CRS
    assert list(sites["name"]) == ["Thon Hotel Oslofjord", "Quality Hotel Expo", "Telenor Arena"]
    assert sites["capacity_assumed"].all()
    assert dict(zip(sites["name"], sites["kind"], strict=True)) == {
        "Thon Hotel Oslofjord": "eps_hotel",
        "Quality Hotel Expo": "eps_hotel",
        "Telenor Arena": "mass_evacuation",
    }
    arena = sites.set_index("name").loc["Telenor Arena"]
    assert "Unity Arena" in arena["alt_names"]
    assert arena["capacity"] == 15000


def test_fornebu_sites_and_thon_hotel_lie_in_baerum(municipalities: gpd.GeoDataFrame) -> None:
    sites = load_sites().set_index("name")
    baerum = municipalities.loc[municipalities["kommunenummer"] == "3201"].union_all()
    for name in ("Telenor Arena", "Quality Hotel Expo", "Thon Hotel Oslofjord"):
        assert baerum.contains(sites.loc[name, "geometry"]), name
        assert sites.loc[name, "municipality"] == "3201"


def test_every_actor_of_the_plan_is_in_the_registry() -> None:
    actors = load_actors()
    assert {a.name for a in actors} == EXPECTED_ACTORS
    by_id = {a.id: a for a in actors}
    assert by_id["statsforvalteren_oslo_akershus"].area.counties == ("03", "32")
    assert by_id["oslo_politidistrikt"].kind == "police"
    assert "Unity Arena" in by_id["telenor_arena"].alt_names


def test_agreements_link_baerum_to_every_site_and_partner() -> None:
    agreements = {a.id: a for a in load_agreements()}
    assert all(a.source == "Beredskapsplan, utdrag" for a in agreements.values())
    assert set(agreements["eps_psychosocial_cooperation"].parties) == {
        "baerum_kommune",
        "oslo_kommune",
        "asker_kommune",
    }
    for site in load_sites().itertuples():
        assert "baerum_kommune" in agreements[site.agreement].parties


def test_rules_cover_the_plan_excerpt() -> None:
    rules = {r.id: r for r in load_rules()}
    assert set(rules) == {
        "lrs_establishment",
        "police_decides_eps",
        "statsforvalteren_coordination",
        "assistance_request",
        "telenor_arena_mass_evacuation",
        "eps_psychosocial_cooperation",
        "hafslund_power_alerts",
        "volunteers_by_agreement",
    }
    arena = rules["telenor_arena_mass_evacuation"].when
    assert arena.key == "all"
    assert {c.key for c in arena.value} == {"zone_touches_preset", "eps_hotel_capacity_exceeded"}


def test_load_registry_bundles_the_same_files() -> None:
    registry = load_registry()
    assert len(registry.sites) == 3
    assert [a.id for a in registry.actors] == [a.id for a in load_actors()]
    assert [r.id for r in registry.rules] == [r.id for r in load_rules()]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"coordinates": [10.62874, 95.0]}, "coordinate lat 95.0 is outside -90..90"),
        ({"coordinates": [59.90191, 10.62874]}, "coordinates look swapped (lat, lon)"),
        ({"coordinates": [2.35, 48.85]}, "is outside Norway"),
        ({"coordinates": "59.9, 10.6"}, "coordinates must be [lon, lat]"),
        ({"address": None}, "required field 'address' is missing"),
        ({"kind": "school"}, "unknown kind 'school'"),
        ({"agreement": "no_such_agreement"}, "unknown agreement id 'no_such_agreement'"),
        ({"capacity": -5}, "capacity -5 is negative"),
        ({"capacity": "250"}, "capacity must be a whole number"),
        ({"municipality": 3201}, "is not a quoted number"),
        ({"alt_names": ["Telenor Arena"]}, "name 'Telenor Arena' is also used by"),
    ],
)
def test_bad_site_entry_names_file_feature_and_field(
    registry_copy: Path, changes: dict[str, Any], expected: str
) -> None:
    path = _edit_site(registry_copy, "Quality Hotel Expo", **changes)
    with pytest.raises(RegistryError) as info:
        load_sites(path)
    message = str(info.value)
    assert message.startswith("sites.geojson: ")
    assert expected in message
    if "also used by" not in expected:
        assert "feature 'Quality Hotel Expo'" in message


def test_malformed_sites_json_is_a_clear_error(registry_copy: Path) -> None:
    path = registry_copy / SITES_FILE
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(RegistryError, match=r"^sites\.geojson: not valid JSON at line 1"):
        load_sites(path)


def test_malformed_actors_yaml_names_file_and_line(registry_copy: Path) -> None:
    path = registry_copy / ACTORS_FILE
    path.write_text("actors:\n  - id: lrs\n    name: [unclosed\nagreements: []\n", "utf-8")
    with pytest.raises(RegistryError, match=r"^actors\.yaml: not valid YAML at line \d+"):
        load_actors(path)


def test_missing_file_says_where_it_was_expected(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"^actors\.yaml: file not found at "):
        load_actors(tmp_path / ACTORS_FILE)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("kind: fire", "kind: brigade", "actor 'abbr': unknown kind 'brigade'"),
        (
            'municipalities: ["3201", "3203"]',
            "municipalities: [3201, 3203]",
            "actor 'abbr': area: field 'municipalities': 3201 is not a quoted number",
        ),
        (
            'municipalities: ["3201", "3203"]',
            'municipalities: ["3201"]\n      counties: ["32"]',
            "actor 'abbr': area: use exactly one of",
        ),
        (
            "      - hafslund_outage_sms\n\n",
            "      - hafslund_outage_sms\n      - nonexistent\n\n",
            "actor 'baerum_kommune': unknown agreement id 'nonexistent'",
        ),
        ("name: Norsk Folkehjelp", "name: Røde Kors", "name 'Røde Kors' is also used by"),
        ("parties: [baerum_kommune, hafslund]", "parties: [baerum_kommune, elvia]", "'elvia'"),
    ],
)
def test_bad_actor_entry_names_file_entry_and_field(
    registry_copy: Path, old: str, new: str, expected: str
) -> None:
    path = registry_copy / ACTORS_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_actors(path)
    assert str(info.value).startswith("actors.yaml: ")
    assert expected in str(info.value)


def test_actor_area_polygon_file_is_read_into_work_crs(registry_copy: Path) -> None:
    ring = [(10.60, 59.87), (10.64, 59.87), (10.64, 59.89), (10.60, 59.89)]
    feature = {"type": "Feature", "properties": {}, "geometry": Polygon(ring).__geo_interface__}
    (registry_copy / "snaroya_area.geojson").write_text(json.dumps(feature), encoding="utf-8")
    path = registry_copy / ACTORS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('municipalities: ["3201", "3203"]', "polygon: snaroya_area.geojson", 1),
        encoding="utf-8",
    )
    abbr = next(a for a in load_actors(path) if a.id == "abbr")
    assert abbr.area.polygon_file == "snaroya_area.geojson"
    # About 2.2 km x 2.2 km, in UTM 32N metres rather than degrees.
    assert abbr.area.polygon.area == pytest.approx(4.95e6, rel=0.02)
    assert 6_630_000 < abbr.area.polygon.bounds[1] < 6_650_000


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("when: always", "when: sometimes", "rule 'lrs_establishment': when: a condition is"),
        (
            "municipalities_affected_at_least: 2\n    explain_nb: >-\n      Hendelsen",
            "municipalities_affected_at_least: two\n    explain_nb: >-\n      Hendelsen",
            "must be a whole number >= 1",
        ),
        ("zone_touches_preset: [snaroya, fornebu]", "zone_touches_preset: [nesoya]", "nesoya"),
        ("evacuees_at_least: 1", "evacuees_within: 1", "unknown condition 'evacuees_within'"),
        ("- who: rode_kors", "- who: red_cross", "unknown actor 'red_cross'"),
    ],
)
def test_bad_rule_names_file_rule_and_field(
    registry_copy: Path, old: str, new: str, expected: str
) -> None:
    path = registry_copy / RULES_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_rules(path)
    assert str(info.value).startswith("rules.yaml: rule '")
    assert expected in str(info.value)


def test_condition_vocabulary_is_documented_in_rules_file() -> None:
    header = (SHAPES_DIR / RULES_FILE).read_text(encoding="utf-8").split("\nrules:")[0]
    for key in CONDITIONS:
        assert f"#   {key}:" in header, key
