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
    S.put(state, S.site_capacity_key("Telenor Arena"), 500)
    S.put(state, S.site_active_key("Quality Hotel Expo"), False)
    assert S.build_scenario(state, sites).sites == {
        "Telenor Arena": SiteOverride(active=True, capacity=500),
        "Quality Hotel Expo": SiteOverride(active=False, capacity=None),
    }


def test_zone_label_and_status_come_from_their_widgets(sites):
    state: dict = {}
    S.init_state(state, sites)
    (uid,) = S.add_zones(state, [ZoneSpec(kind="polygon", label="A", geometry=SQUARE)], "map")
    state[S.zone_status_key(uid)] = "varsel"  # as the widgets leave them
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


def _zone(label: str = "A") -> ZoneSpec:
    return ZoneSpec(kind="polygon", label=label, geometry=SQUARE)


def test_a_translated_label_in_a_choice_widget_never_reaches_the_model(sites):
    # After a language switch Streamlit can hand back the old language's label
    # ("Evakueringsordre", "Bil") as a select box's value: the code must survive.
    state: dict = {}
    S.init_state(state, sites)
    (uid,) = S.add_zones(state, [_zone()], "map")
    S.put(state, S.zone_status_key(uid), "varsel")
    S.put(state, S.MODE, "mixed")
    state[S.zone_status_key(uid)] = "Evakueringsordre"
    state[S.MODE] = "Bil"
    state[S.LANG] = "en"
    S.sync_widgets(state)
    assert state[S.zone_status_key(uid)] == "varsel"
    assert state[S.MODE] == "mixed"
    assert S.lang(state) == "en"
    assert S.build_scenario(state, sites).zones[0].status == "varsel"


def test_a_widget_dropped_by_streamlit_is_restored_from_the_model(sites):
    state: dict = {}
    S.init_state(state, sites)
    S.put(state, S.EXERCISE, True)
    S.put(state, S.CAR_SHARE, 0.4)
    del state[S.EXERCISE], state[S.CAR_SHARE]  # a run that stopped before drawing them
    S.sync_widgets(state)
    assert (state[S.EXERCISE], state[S.CAR_SHARE]) == (True, 0.4)


def test_undo_reverts_the_last_zone_or_closure_edit_step_by_step(sites):
    state: dict = {}
    S.init_state(state, sites)
    assert not S.can_undo(state)
    (a,) = S.add_zones(state, [_zone("A")], "map")
    S.put(state, S.zone_status_key(a), "varsel")
    S.add_closures(state, [{"type": "LineString", "coordinates": [[10.6, 59.89], [10.61, 59.9]]}])
    S.remove_zone(state, a)
    assert S.build_scenario(state, sites).zones == []
    S.undo(state)
    (zone,) = S.build_scenario(state, sites).zones
    assert (zone.label, zone.status) == ("A", "varsel")
    assert len(state[S.CLOSURES]) == 1
    S.undo(state)
    assert state[S.CLOSURES] == []
    S.undo(state)
    assert state[S.ZONES] == [] and not S.can_undo(state)


def test_remove_all_asks_first_and_can_be_undone(sites):
    state: dict = {}
    S.init_state(state, sites)
    S.add_zones(state, [_zone("A"), _zone("B")], "map")
    S.ask_clear(state)
    assert state[S.CONFIRM_CLEAR] and len(state[S.ZONES]) == 2
    S.cancel_clear(state)
    assert not state[S.CONFIRM_CLEAR] and len(state[S.ZONES]) == 2
    S.ask_clear(state)
    S.clear_zones(state)
    assert state[S.ZONES] == [] and not state[S.CONFIRM_CLEAR]
    S.undo(state)
    assert [z.label for z in S.build_scenario(state, sites).zones] == ["A", "B"]


def test_an_uploaded_zone_is_labelled_with_the_file_name_and_names_the_scenario(sites):
    doc = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    state: dict = {}
    S.init_state(state, sites)
    assert S.add_upload(state, json.dumps(doc).encode(), "Oksenøya vest.geojson") == (1, 0)
    (entry,) = state[S.ZONES]
    assert entry.source == "file:Oksenøya vest.geojson"
    scenario = S.build_scenario(state, sites)
    assert scenario.zones[0].label == "Oksenøya vest"
    assert scenario.name == "Oksenøya vest"


def test_a_typed_name_is_kept_when_a_file_is_uploaded(sites):
    doc = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    state: dict = {}
    S.init_state(state, sites)
    state[S.NAME] = "Øvelse Snarøya"
    S.name_typed(state)
    S.add_upload(state, json.dumps(doc).encode(), "sone.geojson")
    assert S.build_scenario(state, sites).name == "Øvelse Snarøya"


def test_pending_edits_are_what_the_computed_scenario_lacks(sites):
    line = {"type": "LineString", "coordinates": [[10.6, 59.89], [10.61, 59.9]]}
    state: dict = {}
    S.init_state(state, sites)
    S.add_zones(state, [_zone("A")], "map")
    computed = S.build_scenario(state, sites)
    assert S.pending_edits(state, computed) == ([], [])
    S.add_zones(
        state,
        [ZoneSpec(kind="circle", label="B", center=(10.62, 59.895), radius_m=300)],
        "template",
    )
    S.add_closures(state, [line])
    zones, closures = S.pending_edits(state, computed)
    assert [label for label, _ in zones] == ["B"]
    assert zones[0][1]["type"] == "Polygon"
    assert closures == [line]
    # A status change is not a new shape: nothing new to draw.
    S.put(state, S.zone_status_key(state[S.ZONES][0].uid), "varsel")
    assert [label for label, _ in S.pending_edits(state, computed)[0]] == ["B"]
    all_zones, _ = S.pending_edits(state, None)
    assert [label for label, _ in all_zones] == ["A", "B"]


def test_a_site_added_by_a_map_click_is_saved_in_the_scenario(sites):
    state: dict = {}
    S.init_state(state, sites)
    assert S.take_click(state, {"lat": 59.9012, "lng": 10.6101})
    assert not S.take_click(state, {"lat": 59.9012, "lng": 10.6101}), "same click twice"
    S.put(state, S.NEW_SITE_NAME, "  Fornebu   skole ")
    S.put(state, S.NEW_SITE_CAPACITY, 300)
    S.put(state, S.NEW_SITE_KIND, "school")
    S.add_site(state)
    (site,) = S.build_scenario(state, sites).added_sites
    assert (site.name, site.lon, site.lat, site.capacity, site.kind) == (
        "Fornebu skole",
        10.6101,
        59.9012,
        300,
        "school",
    )
    assert state[S.PICKED_POINT] is None
    S.remove_site(state, 0)
    assert S.build_scenario(state, sites).added_sites == []


def test_v2_parameters_round_trip_through_the_widgets(sites):
    scenario = load_preset("snaroya")
    scenario.reception_share = 0.08
    scenario.exit_buffer_m = 750.0
    scenario.capacity_range = (0.6, 1.0, 1.4)
    scenario.population_vintage = "2015"
    state: dict = {}
    S.init_state(state, sites)
    S.apply_scenario(state, scenario, sites)
    assert scenario_to_json(S.build_scenario(state, sites)) == scenario_to_json(scenario)
    assert S.scenario_key("a", False) != S.scenario_key("a", True)


def test_map_key_changes_with_the_language_and_after_a_run_stopped_before_the_map():
    state: dict = {}
    nb, en = ("nb", False), ("en", False)

    def run(base: tuple[str, bool], *, draws_map: bool = True) -> int | None:
        S.begin_page(state)
        if not draws_map:  # a new click stopped this run before it drew the map
            return None
        mount = S.map_mount(state, base)
        S.map_drawn(state)
        return mount

    first = run(nb)
    assert run(nb) == first, "an ordinary rerun keeps the map (and the planner's view)"
    switched = run(en)
    assert switched != first, "another language is another base map"
    assert run(en) == switched
    run(en, draws_map=False)  # a click stopped this run before its map ...
    after = run(en)  # ... so the next run must not reuse a key the page may have dropped
    assert after not in (first, switched)
    assert run(en) == after
    run(nb, draws_map=False)  # English -> Norsk at once: the Norsk run stopped early
    assert run(nb) not in (first, switched, after)


@pytest.mark.parametrize(
    ("computed", "waited", "shown"),
    [
        (0.2, 0.21, (0.21, False)),  # computed on the press
        (0.2, 0.15, (0.15, False)),  # pressed while the prefetch ran: most of it waited for
        (0.2, 0.002, (0.2, True)),  # found ready: the computation's time, not the lookup's
    ],
)
def test_plan_time_shows_the_computation_when_the_plan_was_ready(computed, waited, shown):
    assert S.plan_time(computed, waited) == shown


def test_seconds_text_keeps_two_decimals_under_a_second_and_a_comma_in_bokmal():
    assert S.seconds_text(0.043, "nb") == "0,04"
    assert S.seconds_text(0.043, "en") == "0.04"
    assert S.seconds_text(2.345, "nb") == "2,3"
