"""Screen and paper agree: the same colour for the same feature, and legends match markers.

The web map's HTML is parsed (GeoJSON feature styles, legend swatches) and the
print map's matplotlib artists are read (markers, lines, legend swatches by gid).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fixtures_plan import make_plan
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mini_region import mini_region

from exports import cartography as carto
from exports.bundle import basemap_layers
from exports.route_map import compose_pages
from exports.web_map import build_map
from geo.registry import load_sites
from planning.scenario import SiteOverride


def web_features(page: str) -> Iterator[dict]:
    """Every GeoJSON feature folium embedded in the page."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"_add\((\{)", page):
        data, _ = decoder.raw_decode(page, match.start(1))
        yield from data.get("features", [])


def web_colour(page: str, tip: str, key: str = "fillColor") -> str:
    """The style colour of the feature whose tooltip is ``tip``."""
    for feature in web_features(page):
        if (feature.get("properties") or {}).get("tip") == tip:
            return feature["properties"]["style"][key].lower()
    raise AssertionError(f"no feature with tooltip {tip!r}")


def web_legend(page: str) -> dict[str, list[str]]:
    """Legend label -> the colours of its swatch, from base and plan legend rows."""
    text = page.replace("<\\/", "</").replace('\\"', '"')
    rows = re.findall(r"evac-swatch' style='([^']*)'>[^<]*</span>([^<]+)</div>", text)
    return {
        label: [c[:7].lower() for c in re.findall(r"#[0-9a-fA-F]{3,8}", s)] for s, label in rows
    }


def print_colours(fig: Figure, gid: str, *, edge: bool = False) -> set[str]:
    """Face (or edge) colours of the print map's artists with this gid."""
    found: set[str] = set()
    for ax in fig.axes:
        for artist in ax.get_children():
            if artist.get_gid() != gid:
                continue
            if isinstance(artist, Line2D | LineCollection):
                colours = artist.get_color()
            else:
                colours = artist.get_edgecolor() if edge else artist.get_facecolor()
            found |= {to_hex(c) for c in to_rgba_array(colours)}
    assert found, f"no print artist {gid!r}"
    return found


@pytest.fixture(scope="module")
def plan():
    return make_plan()


def busiest(plan) -> tuple[str, int]:
    """The most loaded road of the plan and its load in per cent."""
    top = plan.routes.loc[plan.routes["load_ratio"].idxmax()]
    return top["name"], round(top["load_ratio"] * 100)


@pytest.fixture(scope="module")
def web(region, plan) -> str:
    return build_map(region, load_sites(), plan, draw=False).get_root().render()


@pytest.fixture(scope="module")
def paper(plan) -> Figure:
    return compose_pages(plan, basemap_layers(mini_region()), "A4", "nb")[0].fig


@pytest.mark.parametrize("site", ["Telenor Arena", "Quality Hotel Expo"])
def test_a_site_has_one_colour_on_screen_on_paper_and_in_both_legends(web, paper, site):
    screen = web_colour(web, site)
    assert print_colours(paper, f"site:{site}") == {screen}
    assert print_colours(paper, f"legend:Nedslagsfelt: {site}") >= {screen}
    assert screen in web_legend(web)[f"Nedslagsfelt: {site}"]
    assert screen in web_legend(web)[f"Mottakssted: {site}"]


def test_a_site_keeps_its_colour_when_another_site_is_switched_off(plan, region):
    before = carto.site_colours(plan.sites, plan.scenario)
    other = make_plan()
    other.scenario.sites["Telenor Arena"] = SiteOverride(active=False)
    other.sites.loc[other.sites["name"] == "Telenor Arena", "available"] = False
    after_paper = compose_pages(other, {}, "A4", "nb")[0].fig
    assert print_colours(after_paper, "site:Quality Hotel Expo") == {before["Quality Hotel Expo"]}
    page = build_map(region, load_sites(), other, layers=["sites"], draw=False)
    assert (
        web_colour(page.get_root().render(), "Quality Hotel Expo") == before["Quality Hotel Expo"]
    )


def test_site_colours_avoid_the_colours_that_mean_something_else():
    reserved = {
        carto.SHELTER,
        carto.EXIT,
        carto.BOTTLENECK,
        carto.UNAVAILABLE,
        *carto.ZONE_COLOURS.values(),
        *(c for _, c, _ in carto.LOAD_CLASSES),
    }
    assert not reserved & set(carto.SITE_PALETTE)


def test_load_classes_have_the_same_colours_on_screen_and_paper(plan, web, paper):
    road, percent = busiest(plan)
    assert percent > 100  # the neck is overloaded
    overloaded = web_colour(web, f"{road}: {percent}%", "color")
    assert overloaded == carto.LOAD_CLASSES[-1][1]
    assert overloaded in print_colours(paper, "routes")
    for label in ("Belastning under 70 %", "Overbelastet (over 100 %)"):
        assert web_legend(web)[label] == list(print_colours(paper, f"legend:{label}"))


def test_zone_status_colour_matches_on_screen_paper_and_legends(web, paper):
    red = carto.ZONE_COLOURS["evakueringsordre"]
    assert web_colour(web, "Snarøya sør (Evakueringsordre)", "color") == red
    label = "Sone: Evakueringsordre"
    assert red in web_legend(web)[label]
    assert red in print_colours(paper, f"legend:{label}", edge=True)


@pytest.mark.parametrize(
    ("gid", "legend", "colour"),
    [
        ("exits", "Trygg utgang (egne ordninger)", carto.EXIT),
        ("kindergartens", "Barnehage", carto.KINDERGARTEN),
        ("single_points", "Sårbart punkt (eneste vei ut)", carto.SINGLE_POINT),
    ],
)
def test_v2_points_match_their_legend_on_screen_and_paper(web, paper, gid, legend, colour):
    assert print_colours(paper, gid) == {colour}
    assert print_colours(paper, f"legend:{legend}") == {colour}
    assert colour in web_legend(web)[legend]
    tips = [(f.get("properties") or {}).get("tip", "") for f in web_features(web)]
    assert any(tip.startswith(legend) for tip in tips), legend


def test_closures_are_black_on_yellow_on_screen_and_paper(web, paper):
    assert print_colours(paper, "closures") == {carto.CLOSURE}
    assert web_colour(web, "Stengning 1", "color") == carto.CLOSURE  # the planner's label
    assert carto.CLOSURE in web_legend(web)["Stengt vei"]
    assert carto.CLOSURE_CASING in web_legend(web)["Stengt vei"]
    assert carto.CLOSURE in print_colours(paper, "legend:Stengt vei")


def test_bottleneck_ring_matches_its_legend(plan, web, paper):
    assert print_colours(paper, "bottlenecks", edge=True) == {carto.BOTTLENECK}
    road, percent = busiest(plan)
    assert web_colour(web, f"Flaskehals: {road} ({percent}%)", "color") == carto.BOTTLENECK
    assert carto.BOTTLENECK in web_legend(web)["Flaskehals"]


@pytest.mark.parametrize(
    ("name", "highway", "nb", "en"),
    [
        ("(tertiary)", "", "kommunal vei", "municipal road"),
        ("", "service", "privat vei", "private road"),
        ("", "secondary", "fylkesvei", "county road"),
        (None, "weird_class", "vei uten navn", "unnamed road"),
        ("Snarøyveien", "tertiary", "Snarøyveien", "Snarøyveien"),
    ],
)
def test_unnamed_roads_are_named_by_their_norwegian_class(name, highway, nb, en):
    assert carto.road_label(name, highway, "nb") == nb
    assert carto.road_label(name, highway, "en") == en


def test_clearance_rows_say_leave_and_arrive_with_the_capacity_range(plan):
    summary = {
        "clearance_minutes": {"leave_p90": 38.0, "p100": 74.0},
        "clearance_range_minutes": {
            "low": {"leave_p90": 45.0, "p100": 86.0},
            "high": {"leave_p90": 31.0, "p100": 63.0},
        },
    }
    rows = dict(carto.clearance_rows(summary, "nb"))
    assert rows["Ute av sonen, 90 %"] == "38 min (31–45)"
    assert rows["Fremme, alle"] == "74 min (63–86)"
    # The real plan's rows: each with its range, the central time inside it.
    for _, text in carto.clearance_rows(plan.summary, "nb"):
        match = re.fullmatch(r"(\d+) min \((\d+)–(\d+)\)", text)
        assert match, text
        central, fast, slow = map(int, match.groups())
        assert fast <= central <= slow
    no_range = {"clearance_minutes": {"leave_p90": 57.0}, "clearance_range_minutes": {}}
    rows = dict(carto.clearance_rows(no_range, "en"))
    assert rows["Out of the zone, 90 %"] == "57 min"
    assert rows["Arrived, 90 %"] == "–"


def test_own_arrangements_origins_are_exit_green_not_crossed_on_both_maps(region):
    plan = make_plan()
    assert plan.evacuees.loc[0, "status"] == "assigned"
    plan.evacuees.loc[0, "status"] = "own_arrangements"
    people = plan.evacuees.loc[0, "people"]
    paper = compose_pages(plan, {}, "A4", "nb")[0].fig
    assert print_colours(paper, "origins:own_arrangements") == {carto.EXIT}
    assert print_colours(paper, "legend:Evakuerte med egne ordninger") == {carto.EXIT}
    page = build_map(region, load_sites(), plan, layers=["evacuees"], draw=False)
    html = page.get_root().render()
    assert web_colour(html, f"{people} – egne ordninger") == carto.EXIT
    assert carto.EXIT in web_legend(html)["Evakuerte med egne ordninger"]
