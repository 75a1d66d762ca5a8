"""Evacuation model v2 (issue #8): everybody leaves via safe exits, a share seeks a place.

Plans run on the real Bærum pack (session ``region`` fixture). Each test pins one
promise of the v2 plan: conservation, who counts as unassigned, leave times and
the clearance range, exits, ad-hoc sites, closures, single points of failure,
warnings, and that planning reads no files.
"""

from __future__ import annotations

import builtins
import json
import pathlib
from typing import Any

import numpy as np
import pytest
from plan_support import plan_for, reasons, shared_registry, texts
from shapely.geometry import LineString, Point, box, mapping

from geo.errors import ScenarioError, ZoneError
from geo.network import network_from_arrays
from geo.region import Region
from planning import routing
from planning.clearance import simulate
from planning.destinations import exit_nodes, reception_seekers, tree_roots
from planning.plan import Plan, make_plan
from planning.presets import load_preset, preset_areas, touched_presets
from planning.scenario import AdhocSite, Scenario, SiteOverride, ZoneSpec
from planning.zones import to_work

PRESETS = ["snaroya", "fornebu", "fornebu_gas"]
CLEARANCE_KEYS = {"leave_p50", "leave_p90", "leave_p100", "p50", "p90", "p100"}


def _zone(geom: Any, label: str = "Testsone") -> ZoneSpec:
    return ZoneSpec(kind="polygon", label=label, geometry=json.loads(json.dumps(mapping(geom))))


def _conserved(plan: Plan) -> None:
    s = plan.summary
    assigned = sum(s["assigned"].values())
    parts = assigned + s["own_arrangements"] + s["unassigned"] + s["unreachable"]
    assert parts == s["evacuees_total"] == int(plan.evacuees["people"].sum())
    assert assigned + s["unassigned"] == s["reception_seekers"]
    by_status = plan.evacuees.groupby("status")["people"].sum()
    for status in ("own_arrangements", "unassigned", "unreachable"):
        assert int(by_status.get(status, 0)) == s[status], status
    # Everybody who leaves by an exit is counted at exactly one exit.
    assert sum(e["people"] for e in s["exits"]) == s["own_arrangements"] + s["unassigned"]


@pytest.fixture(scope="module")
def plans(region: Region) -> dict[str, Plan]:
    return {name: plan_for(region, load_preset(name)) for name in PRESETS}


# --- conservation --------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_conserves_people_across_the_four_statuses(
    plans: dict[str, Plan], name: str
) -> None:
    _conserved(plans[name])


@pytest.mark.parametrize("seed", range(3))
def test_random_circle_zones_conserve_people(region: Region, seed: int) -> None:
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(10.585, 10.630), rng.uniform(59.882, 59.908)
    zone = ZoneSpec(
        kind="circle", label="Sirkel", center=(lon, lat), radius_m=rng.uniform(200, 900)
    )
    share = float(rng.uniform(0.0, 1.0))
    plan = plan_for(region, Scenario(name="Tilfeldig", zones=[zone], reception_share=share))
    _conserved(plan)


def test_reception_seekers_are_the_share_with_exact_rounding() -> None:
    people = np.array([7, 3, 1, 10, 0, 4])
    seekers = reception_seekers(people, 0.15)
    assert seekers.sum() == round(0.15 * people.sum())
    assert (seekers <= people).all() and (seekers >= 0).all()
    assert reception_seekers(people, 1.0).tolist() == people.tolist()
    assert reception_seekers(people, 0.0).sum() == 0


# --- fornebu: who is unassigned, leave times, clearance and its range --------------------


def test_fornebu_unassigned_are_only_seekers_without_a_place(plans: dict[str, Plan]) -> None:
    s = plans["fornebu"].summary
    ev = plans["fornebu"].evacuees
    # Telenor Arena and Quality Hotel Expo lie in the zone; Thon Hotel holds 300.
    assert s["assigned"] == {"Thon Hotel Oslofjord": 300}
    assert s["reception_seekers"] == round(0.15 * (s["evacuees_total"] - s["unreachable"]))
    assert s["unassigned"] == s["reception_seekers"] - 300
    assert s["own_arrangements"] > 5 * s["unassigned"]
    unassigned = ev[ev["status"] == "unassigned"]
    assert set(unassigned["reason"]) == {"no free capacity at any reachable site"}
    assert (unassigned["exit"] != "").all() and (unassigned["site"] == "").all()


def test_fornebu_every_reachable_evacuee_has_a_leave_time(plans: dict[str, Plan]) -> None:
    plan = plans["fornebu"]
    ev = plan.evacuees
    travelling = ev[ev["status"] != "unreachable"]
    assert len(travelling) and travelling["leave_min"].notna().all()
    assert (travelling["leave_min"] <= travelling["travel_min"] + 1e-9).all()
    assert (travelling["leave_min"] >= 0).all()
    # The clearance counts every one of them (sites and exits), not only the assigned.
    counted = sum(c.total / c.units_per_person for c in plan.curves.values())
    assert counted == pytest.approx(int(travelling["people"].sum()), rel=1e-6)


def test_fornebu_reports_six_clearance_keys_and_a_capacity_range(plans: dict[str, Plan]) -> None:
    s = plans["fornebu"].summary
    central, ranges = s["clearance_minutes"], s["clearance_range_minutes"]
    assert set(central) == CLEARANCE_KEYS and all(v is not None for v in central.values())
    assert set(ranges) == {"low", "high"}
    for key in ("leave_p90", "p90", "p100"):
        assert ranges["low"][key] >= central[key] >= ranges["high"][key], key
    assert ranges["low"]["p90"] > ranges["high"]["p90"]  # the range is not empty
    assert central["leave_p50"] <= central["leave_p90"] <= central["leave_p100"]
    assert central["p50"] <= central["p90"] <= central["p100"]


def test_a_narrower_capacity_range_narrows_the_clearance_range(
    region: Region, plans: dict[str, Plan]
) -> None:
    wide = plans["fornebu_gas"].summary["clearance_range_minutes"]  # (0.75, 1, 1.25)
    s = load_preset("fornebu_gas")
    s.capacity_range = (0.9, 1.0, 1.1)
    narrow = plan_for(region, s).summary["clearance_range_minutes"]
    assert wide["low"]["p90"] >= narrow["low"]["p90"]
    assert wide["high"]["p90"] <= narrow["high"]["p90"]


# --- safe exits ----------------------------------------------------------------------------


def test_exits_lie_beyond_the_buffer_and_name_the_road(
    region: Region, plans: dict[str, Plan]
) -> None:
    plan = plans["snaroya"]
    zone = plan.zone.geometry.union_all()
    exits = plan.exits
    assert not exits.empty and (exits["people"] > 0).all()
    assert exits.geometry.distance(zone).min() >= 500 - 1.0
    assert exits["name"].iloc[0].startswith("Rolfsbuktveien")
    assert plan.summary["exits"][0]["name"] == exits["name"].iloc[0]
    # Every exit-goer's path ends at an exit node.
    net = region.network("drive")
    nodes = exit_nodes(net, zone, 500.0).nodes
    trees = routing.destination_trees(net, [nodes])
    roots = tree_roots(trees.next_node[0])
    reach = np.isfinite(trees.time_s[0])
    assert np.isin(roots[reach], nodes).all()


def test_exit_nodes_leave_out_a_pocket_that_only_the_zone_connects() -> None:
    # A main road west-east (data edge at both ends) and a residential spur south
    # from the middle node, which lies in the zone: the spur is a pocket.
    xy = np.array([[590_000.0 + 1000 * i, 6_640_000.0] for i in range(7)])
    xy = np.vstack([xy, [[593_000.0, 6_639_000.0], [593_000.0, 6_638_000.0]]])
    pairs = [(i, i + 1) for i in range(6)] + [(3, 7), (7, 8)]
    u = np.array([a for a, b in pairs] + [b for a, b in pairs])
    v = np.array([b for a, b in pairs] + [a for a, b in pairs])
    net = network_from_arrays(
        xy, u, v, speed_kph=np.full(len(u), 50.0), capacity_vph=np.ones(len(u))
    )
    spur = np.isin(u, [7, 8]) | np.isin(v, [7, 8])
    net.edges["highway"] = np.where(spur, "residential", "secondary")
    zone = Point(593_000.0, 6_640_000.0).buffer(300)
    exits = exit_nodes(net, zone, 500.0)
    assert exits.nodes.tolist() == [0, 1, 2, 4, 5, 6]
    assert exits.nodes[exits.data_edge].tolist() == [0, 6]
    trees = routing.destination_trees(net, [exits.nodes])
    assert tree_roots(trees.next_node[0])[[3, 7, 8]].tolist() in ([2, 2, 2], [4, 4, 4])


def test_zone_covering_all_the_road_data_is_an_error_saying_there_is_no_exit(
    region: Region,
) -> None:
    everything = ZoneSpec(kind="circle", label="Alt", center=(10.61, 59.895), radius_m=6000)
    with pytest.raises(ZoneError, match="no safe exit"):
        plan_for(region, Scenario(name="Alt", zones=[everything]))


def test_a_pocket_behind_the_zone_is_no_safe_exit(plans: dict[str, Plan]) -> None:
    # Snarøya can only be left through Fornebu: nobody from the Fornebu zone flees there.
    plan = plans["fornebu"]
    snaroya = to_work(box(10.59, 59.870, 10.64, 59.8875))
    assert not plan.exits.geometry.within(snaroya).any()


def test_a_larger_exit_buffer_moves_exits_farther_out(
    region: Region, plans: dict[str, Plan]
) -> None:
    near = plans["snaroya"]
    s = load_preset("snaroya")
    s.exit_buffer_m = 900.0
    far = plan_for(region, s)
    zone = near.zone.geometry.union_all()
    assert far.exits.geometry.distance(zone).min() >= 900 - 1.0
    assert far.summary["clearance_minutes"]["p50"] >= near.summary["clearance_minutes"]["p50"]


def test_paths_carry_every_traveller_to_a_site_or_an_exit(plans: dict[str, Plan]) -> None:
    plan = plans["snaroya"]
    paths, ev = plan.paths, plan.evacuees
    assert set(paths["destination"]) == {"site", "exit"}
    to_sites = paths.loc[paths["destination"] == "site", "people"].sum()
    to_exits = paths.loc[paths["destination"] == "exit", "people"].sum()
    assert to_sites == pytest.approx(sum(plan.summary["assigned"].values()), abs=0.5)
    travelling_to_exits = ev.loc[ev["status"].isin(["own_arrangements", "unassigned"]), "people"]
    assert to_exits == pytest.approx(travelling_to_exits.sum(), abs=0.5)
    exit_rows = paths[paths["destination"] == "exit"]
    assert (exit_rows["exit"] != "").all() and (exit_rows["site"] == "").all()
    assert set(exit_rows["exit"]) <= set(plan.exits["name"])


# --- off-network leg ---------------------------------------------------------------------


def test_people_starting_at_an_off_network_sites_node_arrive_after_the_leg() -> None:
    xy = np.array([[590_000.0, 6_640_000.0], [591_000.0, 6_640_000.0]])
    net = network_from_arrays(
        xy, np.array([0, 1]), np.array([1, 0]), speed_kph=np.full(2, 36.0),
        capacity_vph=np.full(2, 1e6),
    )  # fmt: skip
    trees = routing.destination_trees(net, [np.array([1])], offnet_m=np.array([3000.0]))
    leg_s = float(trees.offnet_s[0])
    assert leg_s > 200
    curves = simulate(
        trees, np.array([1]), np.array([[50.0]]), [(0.0, 1.0), (1.0, 1.0)],
        np.array([False, True]),
    )  # fmt: skip
    assert curves.time_for(1.0, arrived=False) == pytest.approx(0.0, abs=10.0)
    assert curves.time_for(1.0, arrived=True) == pytest.approx(leg_s, abs=10.0)


def test_off_network_paths_include_the_leg_in_travel_time(plans: dict[str, Plan]) -> None:
    paths = plans["fornebu"].paths
    thon = paths[paths["site"] == "Thon Hotel Oslofjord"]
    assert len(thon) and (thon["off_network_m"] > 2_000).all()
    leg_min = thon["off_network_m"] / (routing.OFF_NETWORK_KPH["drive"] / 3.6) / 60.0
    assert (thon["travel_min"] >= leg_min - 0.1).all()


# --- ad-hoc reception sites ----------------------------------------------------------------


def test_added_sites_receive_seekers_unless_inside_the_zone(region: Region) -> None:
    s = load_preset("fornebu")
    s.added_sites = [
        AdhocSite("Stabekk skole", lon=10.6075, lat=59.9085, capacity=250, kind="school"),
        AdhocSite("Fornebu skole", lon=10.615, lat=59.897, capacity=500),
    ]
    plan = plan_for(region, s)
    _conserved(plan)
    sites = plan.sites.set_index("name")
    stabekk = sites.loc["Stabekk skole"]
    assert stabekk["available"] and not stabekk["capacity_assumed"]
    assert stabekk["kind"] == "school"
    assert plan.summary["assigned"]["Stabekk skole"] == 250
    entry = next(e for e in plan.summary["sites"] if e["name"] == "Stabekk skole")
    assert entry["added"] and entry["kind"] == "school"
    # Inside the zone: unusable, with the reason and a warning.
    inside = sites.loc["Fornebu skole"]
    assert not inside["available"] and inside["reason"] == "inside the hazard zone"
    assert "Fornebu skole" not in plan.summary["assigned"]
    assert any(
        "Fornebu skole" in w and "inside the zone" in w for w in texts(plan.summary["warnings"])
    )


@pytest.mark.parametrize(
    ("site", "error", "match"),
    [
        (AdhocSite("Byttet", lon=59.9085, lat=10.6075, capacity=10), ScenarioError, "swapped"),
        (AdhocSite("Paris", lon=2.35, lat=48.85, capacity=10), ScenarioError, "outside Norway"),
        (AdhocSite("Telenor Arena", lon=10.6, lat=59.9, capacity=10), ScenarioError, "already"),
    ],
    ids=["swapped", "paris", "duplicate-name"],
)
def test_bad_added_site_is_refused_saying_why(
    region: Region, site: AdhocSite, error: type, match: str
) -> None:
    s = load_preset("fornebu")
    s.added_sites = [site]
    with pytest.raises(error, match=match):
        plan_for(region, s)


def test_an_added_site_can_be_switched_off_like_a_registry_site(region: Region) -> None:
    s = load_preset("fornebu_gas")
    s.added_sites = [AdhocSite("Stabekk skole", lon=10.6075, lat=59.9085, capacity=250)]
    s.sites["Stabekk skole"] = SiteOverride(active=False)
    plan = plan_for(region, s)
    row = plan.sites.set_index("name").loc["Stabekk skole"]
    assert not row["available"] and row["reason"] == "deactivated in the scenario"


# --- closures --------------------------------------------------------------------------------


def test_closure_layer_names_the_roads_cut_and_their_length(region: Region) -> None:
    s = load_preset("snaroya")
    s.closures = [mapping(LineString([(10.6169, 59.884), (10.6185, 59.884)]))]
    plan = plan_for(region, s)
    row = plan.closures.iloc[0]
    assert "Snarøyveien" in row["roads_cut"].split("; ")
    assert 0 < row["length_m"] < 100
    entry = plan.summary["closures"][0]
    assert entry["label"] == "Stengning 1" and "Snarøyveien" in entry["roads_cut"]
    assert not any("cuts no road" in w for w in texts(plan.summary["warnings"]))


def test_closure_that_cuts_no_road_warns_and_stays_in_the_plan(region: Region) -> None:
    s = load_preset("snaroya")
    at_sea = {"type": "LineString", "coordinates": [[10.575, 59.882], [10.577, 59.882]]}
    s.closures = [at_sea]
    plan = plan_for(region, s)
    assert len(plan.closures) == 1 and plan.closures.iloc[0]["roads_cut"] == ""
    assert plan.summary["closures"] == [{"label": "Stengning 1", "roads_cut": [], "length_m": 0.0}]
    assert any("cuts no road" in w for w in texts(plan.summary["warnings"]))
    assert any("treffer ingen vei" in w for w in texts(plan.summary["warnings"], "nb"))


# --- single points of failure -----------------------------------------------------------------


def test_snaroya_names_rolfsbuktveien_as_the_single_point_of_failure(
    plans: dict[str, Plan],
) -> None:
    plan = plans["snaroya"]
    s = plan.summary
    first = s["single_points_of_failure"][0]
    travelling = s["evacuees_total"] - s["unreachable"]
    assert first["name"] == "Rolfsbuktveien" and first["people_cut_off"] == travelling
    assert any(w.startswith("Rolfsbuktveien is the only way out") for w in texts(s["warnings"]))
    routes = plan.routes
    assert routes["single_point_of_failure"].dtype == bool
    flagged = set(routes.loc[routes["single_point_of_failure"], "name"])
    assert "Rolfsbuktveien" in flagged


def test_with_snaroyveien_open_rolfsbuktveien_is_no_longer_the_only_way(region: Region) -> None:
    from geo.region import load_region

    open_region = load_region(region.path, include_construction=True)
    s = plan_for(open_region, load_preset("snaroya")).summary
    assert "Rolfsbuktveien" not in {f["name"] for f in s["single_points_of_failure"]}


# --- warnings ----------------------------------------------------------------------------------


def test_zone_at_sea_says_nobody_lives_there_and_no_municipality_is_touched(
    region: Region,
) -> None:
    at_sea = box(10.60, 59.860, 10.61, 59.865)  # the Oslofjord south of Snarøya
    plan = plan_for(region, Scenario(name="Sjø", zones=[_zone(at_sea)]))
    s = plan.summary
    assert s["evacuees_total"] == 0 and s["municipalities"] == []
    assert any("no municipality is touched" in w for w in texts(s["warnings"]))
    assert not any("outside the road data" in w for w in texts(s["warnings"]))


def test_zone_on_land_outside_the_data_is_an_error_naming_the_extent(region: Region) -> None:
    with pytest.raises(ZoneError, match="outside the road data") as err:
        plan_for(region, Scenario(name="Oslo", zones=[_zone(box(10.70, 59.92, 10.72, 59.93))]))
    assert "lon 10." in str(err.value) and "Snarøya" not in str(err.value)


def test_zone_reaching_past_the_data_warns_and_reports_those_people_unreachable(
    region: Region,
) -> None:
    west = box(10.545, 59.885, 10.575, 59.905)  # Høvik: the road data ends at lon ~10.56
    plan = plan_for(region, Scenario(name="Vest", zones=[_zone(west)]))
    s = plan.summary
    _conserved(plan)
    cut = reasons(s)["no road within 500 m (outside the road data)"]
    assert cut > 100 and s["unreachable"] >= cut
    assert any("lies outside the road data" in w for w in texts(s["warnings"]))


def test_outside_data_warning_only_when_somebody_is_unreachable_for_it(
    plans: dict[str, Plan],
) -> None:
    for plan in plans.values():
        no_road = any("no road within" in r for r in reasons(plan.summary))
        warned = any("outside the road data" in w for w in texts(plan.summary["warnings"]))
        assert warned == no_road


# --- registry: planning reads no files -----------------------------------------------------------


def test_make_plan_reads_no_files(
    region: Region, plans: dict[str, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, registry = load_preset("fornebu_gas"), shared_registry()
    assert plans  # the region's lazy layers are loaded by now

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"planning read a file: {args[:1]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    plan = make_plan(scenario, region, registry)
    assert plan.summary["evacuees_total"] > 0


def test_registry_preset_areas_match_the_files() -> None:
    areas = preset_areas(shared_registry().presets)
    assert set(areas) == set(PRESETS)
    fornebu = to_work(Point(10.615, 59.897)).buffer(100)  # Fornebu centre
    assert "fornebu" in touched_presets(fornebu, areas)
    assert touched_presets(fornebu, areas) == touched_presets(fornebu)
    assert touched_presets(to_work(Point(10.70, 59.95)).buffer(100), areas) == set()
