"""The export tests' fixture: a real plan on the synthetic region, with every layer they draw.

If a change to the planner or the region empties a layer the export tests rely
on (an exit, a closure, a kindergarten, an unreachable islet ...), this file
fails first and names the layer, instead of the export tests passing on nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from fixtures_plan import ARENA_PLACES, SCHOOL, _plan, fixture_scenario, make_plan
from geopandas.testing import assert_geodataframe_equal
from mini_region import MINI_REGION_DIR, NODES, mini_region

from planning.destinations import data_edge_nodes
from planning.plan import Plan
from planning.plan_contract import validate_plan
from planning.routing import closed_edges
from planning.zones import closure_geometry


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan()


def test_the_fixture_is_made_by_make_plan_and_keeps_the_contract(plan: Plan) -> None:
    assert type(plan) is Plan
    assert plan.scenario == fixture_scenario()
    validate_plan(plan)


@pytest.mark.parametrize(
    "layer",
    [
        "zone",
        "evacuees",
        "catchments",
        "routes",
        "paths",
        "sites",
        "exits",
        "closures",
        "kindergartens",
    ],
)
def test_every_layer_the_exports_draw_has_rows(plan: Plan, layer: str) -> None:
    assert len(plan.layers()[layer]) > 0, layer


def test_the_zone_has_two_parts_and_the_islet_is_cut_off(plan: Plan) -> None:
    zone = plan.zone.geometry.iloc[0]
    assert zone.geom_type == "MultiPolygon" and len(zone.geoms) == 2
    islet = min(zone.geoms, key=lambda g: g.area)
    unreachable = plan.evacuees.loc[plan.evacuees["status"] == "unreachable"]
    assert len(unreachable) == 1 and unreachable.within(islet).all()
    assert "no connection out of the zone" in unreachable["reason"].iloc[0]


def test_every_status_has_people(plan: Plan) -> None:
    people = plan.evacuees.groupby("status")["people"].sum()
    assert set(people.index) == {"assigned", "own_arrangements", "unassigned", "unreachable"}
    assert (people > 0).all()
    # Telenor Arena's places are cut, so reception seekers are left without one.
    sites = plan.sites.set_index("name")
    assert sites.loc["Telenor Arena", "capacity"] == ARENA_PLACES
    assert (sites.loc[["Quality Hotel Expo", "Telenor Arena"], "assigned"] > 0).all()
    assert sites.loc["Quality Hotel Expo", "capacity_assumed"]
    assert not sites.loc["Telenor Arena", "capacity_assumed"]


def test_two_sites_are_unusable_each_with_its_reason(plan: Plan) -> None:
    sites = plan.sites.set_index("name")
    assert not sites.loc["Thon Hotel Oslofjord", "active"]
    assert sites.loc["Thon Hotel Oslofjord", "reason"] == "deactivated in the scenario"
    school = sites.loc[SCHOOL.name]
    assert school["added"] and school["active"] and not school["available"]
    assert school["reason"] == "inside the hazard zone"
    assert sites.loc[~sites["available"], "assigned"].sum() == 0


def test_roads_give_a_closure_an_overloaded_neck_and_a_single_exit(plan: Plan) -> None:
    assert plan.closures["roads_cut"].tolist() == ["Forneburingen"]
    neck = plan.routes.loc[plan.routes["single_point_of_failure"]]
    assert set(neck["name"]) == {"Snarøyveien"} and neck["load_ratio"].max() > 1
    assert (plan.routes["load_ratio"] < 0.7).any()  # every load class is drawn
    assert plan.routes["load_ratio"].between(0.7, 1.0).any()
    assert plan.exits["name"].tolist() == ["Snarøyveien nordøst"]
    assert (plan.routes["name"] == "(residential)").any()  # an unnamed street


def test_kindergarten_in_the_zone_is_listed_and_the_one_outside_is_not(plan: Plan) -> None:
    assert plan.kindergartens["name"].tolist() == ["Flåklypa barnehage"]
    assert "Hundsund barnehage" in set(mini_region().kindergartens["name"])


def test_the_region_is_baerum_in_akershus_and_a_few_kilobytes() -> None:
    region = mini_region()
    assert region.home == "3201"
    assert region.home_row["kommunenavn"] == "Bærum"
    assert set(region.counties["fylkesnummer"]) == {"32", "03"}
    assert region.population_vintages == ("2023",)
    size = sum(f.stat().st_size for f in MINI_REGION_DIR.rglob("*") if f.is_file())
    assert size < 5_000


def test_the_closure_cuts_one_stretch_and_snaroyveien_leaves_the_data_at_lysaker() -> None:
    scenario = fixture_scenario()
    net = mini_region().network("drive")
    cut = closed_edges(net, [closure_geometry(scenario.closures[0], 0)])
    assert set(net.edges["name"][cut]) == {"Forneburingen"} and cut.sum() == 2  # both ways
    assert [list(NODES)[i] for i in np.flatnonzero(data_edge_nodes(net))] == ["lysaker"]


def test_each_call_gives_its_own_copy(plan: Plan) -> None:
    mine = make_plan()
    mine.evacuees.loc[:, "people"] = 0
    mine.summary["evacuees_total"] = 0
    assert make_plan().summary["evacuees_total"] == plan.summary["evacuees_total"] > 0
    assert make_plan().evacuees["people"].sum() == plan.evacuees["people"].sum()


@pytest.mark.parametrize(
    ("kwargs", "check"),
    [
        ({"exercise": False}, lambda p: p.summary["exercise"] is False),
        ({"name": "<b>x</b>"}, lambda p: p.scenario.name == "<b>x</b>"),
        ({"label": "<i>y</i>"}, lambda p: p.zone["label"].tolist() == ["<i>y</i>"]),
    ],
)
def test_text_and_exercise_reach_the_plan(kwargs: dict, check: Callable[[Plan], bool]) -> None:
    assert check(make_plan(**kwargs))


def test_a_fresh_build_gives_the_same_plan(
    plan: Plan, record_property: Callable[..., None]
) -> None:
    # The tests pin numbers of this plan: building it again must give them again.
    start = time.perf_counter()
    fresh = _plan.__wrapped__(True, "Snarøya brann", "Snarøya sør")
    record_property("timings", f"fixture plan built in {time.perf_counter() - start:.3f} s")
    for name, layer in plan.layers().items():
        assert_geodataframe_equal(fresh.layers()[name], layer)
    assert {k: v for k, v in fresh.summary.items() if k != "created"} == {
        k: v for k, v in plan.summary.items() if k != "created"
    }
