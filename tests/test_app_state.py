"""The app's state <-> scenario mapping, without Streamlit (ui/app_state.py)."""

from __future__ import annotations

import json
import string

import pytest

from geo.errors import ScenarioError, UploadError, ZoneError
from geo.registry import load_sites
from planning.presets import load_preset
from planning.scenario import (
    ExtraPopulation,
    SiteOverride,
    ZoneSpec,
    scenario_from_json,
    scenario_to_json,
)
from ui import app_state as S
from ui.app_strings import STRINGS

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[10.60, 59.878], [10.615, 59.878], [10.615, 59.884], [10.60, 59.884], [10.60, 59.878]]
    ],
}


@pytest.fixture(scope="module")
def sites():
    return load_sites()


def test_loading_a_scenario_and_building_it_back_gives_identical_json(sites):
    scenario = load_preset("fornebu_gas")
    scenario.population_scale = 1.37
    scenario.population_override = 4321
    scenario.mode = "mixed"
    scenario.car_share = 0.63
    scenario.mobilisation = [(0.0, 0.05), (12.5, 0.333), (45.0, 1.0)]
    scenario.sites = {
        "Telenor Arena": SiteOverride(active=False, capacity=None),
        "Quality Hotel Expo": SiteOverride(active=True, capacity=250),
    }
    scenario.extra_population = [ExtraPopulation(10.62, 59.9, 500, "Arena event")]
    scenario.closures = [{"type": "LineString", "coordinates": [[10.6, 59.89], [10.61, 59.9]]}]
    state: dict = {}
    S.init_state(state, sites)
    S.apply_scenario(state, scenario, sites)
    assert scenario_to_json(S.build_scenario(state, sites)) == scenario_to_json(scenario)


def test_untouched_sites_add_no_override_but_changed_ones_do(sites):
    state: dict = {}
    S.init_state(state, sites)
    assert S.build_scenario(state, sites).sites == {}
    state[S.site_capacity_key("Telenor Arena")] = 500
    state[S.site_active_key("Quality Hotel Expo")] = False
    assert S.build_scenario(state, sites).sites == {
        "Telenor Arena": SiteOverride(active=True, capacity=500),
        "Quality Hotel Expo": SiteOverride(active=False, capacity=None),
    }


def test_zone_label_and_status_come_from_their_widgets(sites):
    state: dict = {}
    S.init_state(state, sites)
    (uid,) = S.add_zones(state, [ZoneSpec(kind="polygon", label="A", geometry=SQUARE)])
    state[S.zone_status_key(uid)] = "varsel"
    state[S.zone_label_key(uid)] = "Nord"
    (zone,) = S.build_scenario(state, sites).zones
    assert (zone.label, zone.status) == ("Nord", "varsel")
    S.remove_zone(state, uid)
    assert S.build_scenario(state, sites).zones == []


@pytest.mark.parametrize(
    ("text", "curve"),
    [
        ("0:0; 15:0.3; 30:0.7; 60:1", [(0.0, 0.0), (15.0, 0.3), (30.0, 0.7), (60.0, 1.0)]),
        ("0:0\n20:0,5\n40:1", [(0.0, 0.0), (20.0, 0.5), (40.0, 1.0)]),
    ],
)
def test_mobilisation_text_reads_pairs_with_decimal_point_or_comma(text, curve):
    assert S.parse_mobilisation(text) == curve


def test_unreadable_mobilisation_text_names_the_bad_pair():
    with pytest.raises(ScenarioError, match=r"'15-0\.3'"):
        S.parse_mobilisation("0:0; 15-0.3; 60:1")


def test_drawings_become_polygon_and_circle_zones_and_line_closures(sites):
    features = [
        {"type": "Feature", "properties": {}, "geometry": SQUARE},
        {
            "type": "Feature",
            "properties": {"radius": 400.0},
            "geometry": {"type": "Point", "coordinates": [10.62, 59.895]},
        },
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[10.6, 59.89], [10.61, 59.9]]},
        },
    ]
    state: dict = {}
    S.init_state(state, sites)
    assert S.import_drawings(state, features, "Drawn {n}") == (2, 1)
    # The map returns the same drawings on every rerun: they are imported once.
    assert S.import_drawings(state, features, "Drawn {n}") == (0, 0)
    polygon, circle = S.build_scenario(state, sites).zones
    assert (polygon.kind, polygon.label, polygon.geometry) == ("polygon", "Drawn 1", SQUARE)
    assert (circle.kind, circle.center, circle.radius_m) == ("circle", (10.62, 59.895), 400.0)
    assert state[S.CLOSURES] == [features[2]["geometry"]]


def test_uploaded_geojson_gives_labelled_zones_and_closures():
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Vest"}, "geometry": SQUARE},
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [[10.6, 59.89], [10.61, 59.9]]},
            },
        ],
    }
    zones, closures = S.upload_specs(json.dumps(doc).encode(), "soner.geojson")
    assert [z.label for z in zones] == ["Vest"]
    assert [c["type"] for c in closures] == ["LineString"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"{not json", UploadError),
        (b'{"type": "Point", "coordinates": [10.6, 59.9]}', ZoneError),
    ],
)
def test_unusable_uploads_raise_user_errors(data, error):
    with pytest.raises(error):
        S.upload_specs(data, "zone.geojson")


def test_state_round_trip_survives_json_text(sites):
    text = scenario_to_json(load_preset("snaroya"))
    state: dict = {}
    S.init_state(state, sites)
    S.apply_scenario(state, scenario_from_json(text), sites)
    assert scenario_to_json(S.build_scenario(state, sites)) == text


def test_every_app_label_exists_in_both_languages_with_the_same_placeholders():
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, texts in STRINGS.items():
        assert set(texts) == {"nb", "en"}, key
        assert fields(texts["nb"]) == fields(texts["en"]), key
