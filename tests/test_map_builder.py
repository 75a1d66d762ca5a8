"""The interactive map: layers, legend, popups, plan overlays and escaping, in the HTML."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from fixtures_plan import make_place_names, make_plan
from jinja2.utils import htmlsafe_json_dumps
from shapely.geometry import Point

from exports import map_strings as strings
from exports.map_strings import t
from exports.web_map import (
    FIT_PAD_MIN_M,
    LAYERS,
    LEGEND_OPEN_MIN_PX,
    UNAVAILABLE,
    build_map,
    plan_bounds,
)
from geo.registry import load_actors, load_sites
from geo.settings import ATTRIBUTION, MAP_CRS, WORK_CRS
from planning import i18n
from planning.map_geometry import actor_faces
from planning.summary_model import layer_reasons

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def sites():
    return load_sites()


@pytest.fixture(scope="module")
def plan():
    return make_plan(label=HOSTILE)


@pytest.fixture(scope="module")
def plan_html(region, sites, plan) -> str:
    return build_map(region, sites, plan, place_names=make_place_names()).get_root().render()


@pytest.fixture(scope="module")
def plain_html(region, sites) -> str:
    return build_map(region, sites, None, lang="en").get_root().render()


def has(page: str, text: str) -> bool:
    """Whether ``text`` is in the page as written, or as folium's JSON encodes it."""
    return text in page or htmlsafe_json_dumps(text)[1:-1] in page


@pytest.mark.parametrize("key", LAYERS)
def test_every_layer_is_named_in_the_layer_control(plan_html, region, key):
    vintage = region.population_vintage
    if key == "actors":
        name = t("layer.actors", "nb", kind=t("actor_kind.police", "nb"))
    elif key == "sites":  # with a plan, the sites show the plan's state
        name = t("layer.plan_sites", "nb")
    else:
        name = t(f"layer.{key}", "nb", vintage=vintage)
    assert has(plan_html, name), name
    assert "L.control.layers" in plan_html


def test_both_base_layers_are_offered_and_the_vector_map_is_the_default(plain_html):
    assert has(plain_html, t("layer.basemap", "en"))
    assert has(plain_html, t("layer.osm", "en"))
    # The tile layer is defined but not added, so an offline map requests no tiles.
    tile_var = re.search(r"var (tile_layer_\w+) = L\.tileLayer", plain_html).group(1)
    assert f"{tile_var}.addTo(" not in plain_html


def test_plan_layers_appear_only_with_a_plan(plan_html, plain_html):
    for key in ("zone", "catchments", "routes", "bottlenecks"):
        assert has(plan_html, t(f"layer.{key}", "nb"))
        assert not has(plain_html, t(f"layer.{key}", "en"))


def test_legend_and_attribution_are_on_every_map(plan_html, plain_html):
    for page, lang in ((plan_html, "nb"), (plain_html, "en")):
        assert t("legend.title", lang) in page
        assert "addAttribution" in page
        assert ATTRIBUTION in page


def test_population_legend_names_the_ssb_vintage(plain_html, region):
    # The map shows the default grid: the newest covering Bærum (SSB 2023, Akershus/Oslo).
    assert region.population_vintage == "2023"
    assert has(plain_html, t("legend.population", "en", vintage="2023"))
    assert not has(plain_html, t("legend.population", "en", vintage="2015"))


def test_site_popups_show_address_capacity_assumption_and_agreement(plan, plan_html, plain_html):
    expo = plan.sites.set_index("name").loc["Quality Hotel Expo"]
    assert expo["capacity_assumed"] and expo["capacity"] == 250
    assert has(plan_html, "Snarøyveien 30, 1360 Fornebu")
    assert has(plan_html, f"{expo['capacity']} (antatt)")
    assert has(plain_html, "(assumed)")
    assert has(plain_html, "Agreement to establish an EPS at Quality Hotel Expo")


def test_unavailable_site_is_grey_and_gives_the_reason(plan_html):
    assert UNAVAILABLE in plan_html
    # The Norwegian map gives the reason in Norwegian (the summary's reason rendered in bokmål).
    assert has(plan_html, "utilgjengelig: deaktivert i scenarioet")
    assert has(plan_html, "Snarøya skole – utilgjengelig: ligger inne i faresonen")


def test_bottleneck_is_marked_and_named(plan, plan_html):
    top = plan.routes.loc[plan.routes["load_ratio"].idxmax()]
    assert top["name"] == "Snarøyveien" and top["load_ratio"] > 1
    assert has(plan_html, "<div class='evac-label'>Snarøyveien</div>")
    assert has(plan_html, f"Flaskehals: Snarøyveien ({top['load_ratio']:.0%})")


def test_routes_are_coloured_by_load_and_weighted_by_people(plan_html):
    weights = [float(w) for w in re.findall(r'"opacity": 0\.9, "weight": (\d+\.\d+)', plan_html)]
    assert max(weights) == 10.0  # the most loaded edge
    assert min(weights) < max(weights)
    assert "#d7191c" in plan_html  # overloaded segment (load 1.30)


def test_exercise_banner_only_when_the_scenario_is_an_exercise(region, sites, plan_html):
    assert "evac-banner" in plan_html and "ØVELSE" in plan_html
    real = build_map(region, sites, make_plan(exercise=False), layers=["zone"], draw=False)
    assert "ØVELSE" not in real.get_root().render()


def test_hostile_zone_label_appears_only_escaped(plan_html):
    assert HOSTILE not in plan_html
    hits = [m.start() for m in re.finditer(re.escape("alert(1)"), plan_html)]
    assert hits, "the label should be shown (escaped)"
    for i in hits:
        before = plan_html[i - 30 : i]
        assert before.endswith(("&lt;script&gt;", "\\u0026lt;script\\u0026gt;")), before


def test_draw_control_offers_polygon_rectangle_circle_polyline_with_edit(plan_html):
    assert "new L.Control.Draw" in plan_html
    options = re.search(r"var options = (\{.*?\});\s*// FeatureGroup", plan_html, re.S)
    text = options.group(1) if options else plan_html
    for shape in ("polyline", "polygon", "rectangle", "circle"):
        assert f'"{shape}": {{' in text
    assert '"marker": false' in text and '"circlemarker": false' in text
    assert '"remove": false' not in plan_html and '"edit": false' not in plan_html
    assert "new L.Control.Draw" in plan_html and "edit: {" in plan_html


def test_coordinates_are_rounded_to_five_decimals(plan_html):
    assert not re.search(r"\[-?\d+\.\d{6,}, -?\d+\.\d{6,}\]", plan_html)


def test_html_stays_small(plan_html):
    assert len(plan_html) < 1_000_000


@pytest.fixture(scope="module")
def real_html(region, sites, snaroya_plan) -> str:
    return build_map(region, sites, snaroya_plan, assets="inline").get_root().render()


def test_real_plan_map_has_every_plan_layer_and_stays_small(real_html):
    for key in ("zone", "catchments", "routes", "bottlenecks", "evacuees"):
        assert has(real_html, t(f"layer.{key}", "nb")), key
    assert len(real_html) < 2_000_000


def test_real_plan_map_gives_unreachable_reasons_in_bokmal(real_html, snaroya_plan):
    reasons = [r["reason"] for r in snaroya_plan.summary["unreachable_reasons"]]
    assert reasons, "the snaroya preset has unreachable people"
    for reason in reasons:
        assert has(real_html, i18n.render(reason, "nb")), reason
        assert not has(real_html, i18n.render(reason, "en")), reason


def test_plan_reasons_map_english_reasons_to_bokmal(snaroya_plan):
    s = snaroya_plan.summary
    reasons = layer_reasons(s, "nb")
    for r in s["unreachable_reasons"]:
        assert reasons[i18n.render(r["reason"], "en")] == i18n.render(r["reason"], "nb")
    for key in ("reason.no_free_capacity", "reason.no_site_available", "reason.no_site_reachable"):
        assert reasons[i18n.t(key, "en")] == i18n.t(key, "nb"), "unassigned people's reasons"
    assert all(en == text for en, text in layer_reasons(s, "en").items())


def _lonlat(x: float, y: float) -> Point:
    return gpd.GeoSeries([Point(x, y)], crs=WORK_CRS).to_crs(MAP_CRS).iloc[0]


def test_plan_is_framed_on_the_zone_and_the_receiving_sites_only(snaroya_plan):
    west, south, east, north = plan_bounds(snaroya_plan)
    zone = gpd.GeoSeries(snaroya_plan.zone.geometry).to_crs(MAP_CRS).total_bounds
    sites = snaroya_plan.sites.set_index("name")
    arena = _lonlat(*sites.loc["Telenor Arena"].geometry.coords[0])
    thon = _lonlat(*sites.loc["Thon Hotel Oslofjord"].geometry.coords[0])
    # Thon is available but receives nobody; framing it would squeeze the zone.
    assert sites.loc["Thon Hotel Oslofjord", "available"]
    assert sites.loc["Thon Hotel Oslofjord", "assigned"] == 0
    assert west < zone[0] and south < zone[1] and east > zone[2] and north > zone[3]
    assert west < arena.x < east and south < arena.y < north
    assert not west < thon.x
    # Some padding, but the zone still fills most of the frame.
    assert (zone[2] - zone[0]) / (east - west) > 0.6


def test_fixture_plan_frame_has_at_least_the_minimum_padding():
    plan = make_plan()
    west, south, east, north = plan_bounds(plan)
    inner = gpd.GeoSeries(
        [*plan.zone.geometry, *plan.sites.loc[plan.sites["assigned"] > 0].geometry], crs=WORK_CRS
    ).total_bounds
    frame = gpd.GeoSeries([Point(west, south), Point(east, north)], crs=MAP_CRS).to_crs(WORK_CRS)
    assert inner[0] - frame.x[0] >= FIT_PAD_MIN_M - 1
    assert frame.y[1] - inner[3] >= FIT_PAD_MIN_M - 1
    # The deactivated Thon Hotel (west at lon 10.52) is left out of the frame.
    assert west > 10.53


def test_legend_folds_on_small_maps_and_stays_a_toggle(plan_html):
    assert "<details open><summary>" in plan_html or "\u003cdetails open\u003e" in plan_html
    assert 'removeAttribute("open")' in plan_html
    assert f"size.y < {LEGEND_OPEN_MIN_PX['height']}" in plan_html


def test_unknown_layer_is_refused(region, sites):
    with pytest.raises(ValueError, match="Unknown map layer"):
        build_map(region, sites, layers=["sites", "tiles"])


def test_actor_faces_list_every_actor_responsible_in_baerum(region):
    faces = actor_faces(region, load_actors())
    point = Point(590_000, 6_643_000)  # Fornebu, EPSG:25832
    here = faces.loc[faces.contains(point)]
    assert len(here) == 1 and faces.crs == WORK_CRS
    names = {a["name"] for a in here.iloc[0]["actors"]}
    assert {"Oslo politidistrikt", "Bærum kommune", "Statsforvalteren i Oslo og Akershus"} <= names
    assert "Oslo kommune" not in names


def test_actor_layers_are_coloured_per_kind_with_popups_listing_actors(plain_html):
    assert has(plain_html, t("layer.actors", "en", kind=t("actor_kind.fire", "en")))
    assert has(plain_html, "<b>Responsible here</b>")
    assert has(plain_html, "Asker og Bærum brann og redning IKS")


def test_every_ui_string_has_every_language_and_shadows_no_shared_key():
    for key, texts in strings.STRINGS.items():
        assert set(texts) == set(i18n.LANGS), key
        assert key not in i18n.STRINGS, key
    assert t("legend.title", "en") == i18n.t("legend.title", "en")
    with pytest.raises(KeyError):
        t("layer.sites", "de")
