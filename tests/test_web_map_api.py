"""The app's map API: a base map built once, plan layers as feature groups on top."""

from __future__ import annotations

import copy
import re

import folium
import pytest
from fixtures_plan import CLOSURE_LINE, make_place_names, make_plan
from jinja2.utils import htmlsafe_json_dumps
from streamlit_folium import generate_leaflet_string

from exports import cartography as carto
from exports.map_strings import t
from exports.web_map import PLAN_LAYERS, build_base_map, pending_group, plan_bounds, plan_groups
from geo.registry import load_sites


def has(page: str, text: str) -> bool:
    """Whether ``text`` is in the page as written, or as folium's JSON encodes it."""
    return text in page or htmlsafe_json_dumps(text)[1:-1] in page


@pytest.fixture(scope="module")
def sites():
    return load_sites()


@pytest.fixture(scope="module")
def base(region, sites) -> folium.Map:
    return build_base_map(region, sites, place_names=make_place_names(), layer_control=False)


@pytest.fixture(scope="module")
def base_html(base) -> str:
    return copy.deepcopy(base).get_root().render()


@pytest.fixture(scope="module")
def groups(region, sites) -> list[folium.FeatureGroup]:
    return plan_groups(make_plan(), region, sites)


def test_base_map_outlines_and_labels_the_road_data_coverage(base_html):
    assert "Veidata dekker dette området" in base_html
    assert "evac-coverage" in base_html
    assert carto.COVERAGE in base_html


def test_base_map_shows_place_names_and_frames_the_coverage(base_html, region):
    assert has(base_html, "<div class='evac-place evac-place-2'>Snarøya</div>")
    assert has(base_html, ">Fornebu<")
    bounds = re.search(
        r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", base_html
    )
    south, west, north, east = map(float, bounds.groups())
    # The pack's road data covers Fornebu/Snarøya/Lysaker: lon ~10.5-10.7, lat ~59.88-59.93.
    assert 10.4 < west < 10.6 < east < 10.8 and 59.8 < south < 59.9 < north < 60.0


def test_base_map_has_no_plan_and_no_layer_control_when_the_app_brings_its_own(base_html):
    for key in ("zone", "routes", "closures", "exits"):
        assert t(f"layer.{key}", "nb") not in base_html
    assert "L.control.layers" not in base_html
    assert "evac-legend-plan" in base_html  # the slot the plan's legend rows go into


def test_plan_groups_are_named_feature_groups_with_the_legend_and_framing_first(groups):
    assert all(isinstance(g, folium.FeatureGroup) for g in groups)
    overlay, *layers = groups
    assert not overlay.control
    names = [g.layer_name for g in layers]
    expected = [t(f"layer.{k}", "nb") for k in PLAN_LAYERS if k != "sites"]
    assert names[:-1] == [n for n in expected if n in names]
    for key in ("zone", "routes", "closures", "exits", "kindergartens", "single_points"):
        assert t(f"layer.{key}", "nb") in names, key
    # Next to the base map's registry sites, the plan's sites say they are the plan's.
    assert names[-1] == t("layer.plan_sites", "nb") != t("layer.sites", "nb")
    script = generate_leaflet_string(overlay)
    assert "evac-legend-plan" in script and "fitBounds" in script
    assert has(script, "Stengt vei") and has(script, "ØVELSE")


def test_plan_groups_render_as_streamlit_folium_renders_them(base, groups):
    m = copy.deepcopy(base)
    for i, group in enumerate(copy.deepcopy(groups)):
        group._id = f"feature_group_{i}"
        group.add_to(m)
        script = generate_leaflet_string(group, base_id=f"feature_group_{i}")
        assert f"feature_group_feature_group_{i}" in script
        # No group may bring a CDN asset: the app only serves local vendor files.
        assert not getattr(group, "default_js", [])


def test_hidden_plan_layers_take_themselves_off_after_the_app_adds_them(groups):
    evacuees = next(g for g in groups if g.layer_name == t("layer.evacuees", "nb"))
    assert "removeLayer" in generate_leaflet_string(evacuees)
    zone = next(g for g in groups if g.layer_name == t("layer.zone", "nb"))
    assert "removeLayer" not in generate_leaflet_string(zone)


def test_plan_overlay_frames_the_plan(groups):
    west, south, east, north = plan_bounds(make_plan())
    script = generate_leaflet_string(groups[0])
    assert f"[[{south:.5f}".rstrip("0") in script
    assert west < 10.6 < east and south < 59.89 < north


def test_routes_carry_direction_arrows_and_main_street_names(groups):
    routes = next(g for g in groups if g.layer_name == t("layer.routes", "nb"))
    script = generate_leaflet_string(routes)
    assert "evac-arrow" in script and "rotate(" in script
    assert has(script, "<div class='evac-street'") and has(script, ">Snarøyveien<")


def test_pending_zones_and_closures_are_one_layer_that_says_not_computed():
    zone = {
        "type": "Polygon",
        "coordinates": [[[10.60, 59.88], [10.61, 59.88], [10.61, 59.89], [10.60, 59.88]]],
    }
    closure = {"type": "LineString", "coordinates": CLOSURE_LINE}
    fg = pending_group([("Ny sone <b>", zone)], [closure], "nb")
    script = generate_leaflet_string(fg)
    assert fg.layer_name == "Ikke beregnet"
    assert has(script, "Ny sone &lt;b&gt; (ikke beregnet)")
    assert carto.CLOSURE_PENDING in script and carto.CLOSURE not in script
    assert has(script, "Ny sone (ikke beregnet)") and has(script, "Stengt vei (ikke beregnet)")
    only = generate_leaflet_string(pending_group([], [closure], "en"))
    assert has(only, "Closed road (not yet computed)") and "dashArray" in only
    assert pending_group([], [], "nb") is None


def test_plan_and_pending_legends_add_their_own_rows(groups):
    # Several overlays can show at once: each adds and removes its own rows.
    script = generate_leaflet_string(groups[0])
    assert 'L.DomUtil.create("div", "", slot)' in script
    assert "L.DomUtil.remove(rows)" in script and 'innerHTML = ""' not in script


def test_draw_tools_speak_bokmal_on_a_bokmal_map(base_html, region, sites):
    assert "L.drawLocal" in base_html and has(base_html, "Tegn en sone (mangekant)")
    assert base_html.index("L.drawLocal") < base_html.index("new L.Control.Draw")
    english = build_base_map(region, sites, lang="en", layers=["sites"]).get_root().render()
    assert "L.drawLocal" not in english


def test_unnamed_roads_read_as_their_class_not_an_osm_tag(region, sites):
    plan = make_plan()
    assert (plan.routes["name"] == "(residential)").any()  # the planner's unnamed street
    plan.routes.loc[plan.routes["name"] == "Widerøeveien", "name"] = "(tertiary)"
    routes = next(
        g for g in plan_groups(plan, region, sites) if g.layer_name == t("layer.routes", "nb")
    )
    script = generate_leaflet_string(routes)
    assert has(script, "kommunal vei") and not has(script, "(tertiary)")
    assert has(script, "boliggate") and not has(script, "(residential)")


def test_place_names_default_to_the_authored_file(region, sites):
    page = build_base_map(region, sites, layers=["place_names"], draw=False).get_root().render()
    assert has(page, "evac-place evac-place-1'>Sandvika<")
