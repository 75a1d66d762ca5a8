"""The planning engine: who goes where, within which capacities, how long it takes.

Plans run on the real Bærum pack (session ``region`` fixture); the routing,
assignment and clearance models are also pinned on tiny synthetic inputs with
known answers (a four-node bottleneck line, random cost matrices).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_support import plan_for, reasons, texts
from scipy.optimize import linear_sum_assignment
from shapely.geometry import LineString, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

from geo.errors import EvacError, ScenarioError, UploadError, ZoneError
from geo.region import Region
from geo.zone_files import MAX_BYTES, read_geometries, zone_features
from planning import routing
from planning.assignment import assign
from planning.clearance import simulate
from planning.plan import Plan
from planning.presets import load_preset
from planning.scenario import (
    ExtraPopulation,
    Scenario,
    SiteOverride,
    ZoneSpec,
    scenario_from_json,
    scenario_to_json,
)
from planning.zones import to_work
from tests.toy_networks import bottleneck_line

PRESETS = ["snaroya", "fornebu", "fornebu_gas"]
SITES = ["Thon Hotel Oslofjord", "Quality Hotel Expo", "Telenor Arena"]
#: A short line across Snarøyveien south of the Fornebu neck, where it is the
#: only road out of southern Snarøya.
SNAROYVEIEN_CUT = LineString([(10.6169, 59.884), (10.6185, 59.884)])
#: A line across the whole neck at the preset boundary (lat 59.8875).
NECK_CUT = LineString([(10.59, 59.8875), (10.64, 59.8875)])
CLOSURE_REASON = "every road out is closed (road closures in the scenario)"


def _geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON dict as a JSON file holds it (lists, not the tuples ``mapping`` gives)."""
    return json.loads(json.dumps(mapping(geom)))


def _polygon_zone(ring: list[tuple[float, float]], label: str = "Testsone") -> ZoneSpec:
    return ZoneSpec(kind="polygon", label=label, geometry=_geojson(Polygon(ring)))


def _box_zone(lon0: float, lat0: float, lon1: float, lat1: float) -> ZoneSpec:
    return ZoneSpec(kind="polygon", label="Boks", geometry=_geojson(box(lon0, lat0, lon1, lat1)))


def _conserved(plan: Plan) -> None:
    s = plan.summary
    assigned = sum(s["assigned"].values())
    parts = assigned + s["own_arrangements"] + s["unassigned"] + s["unreachable"]
    assert parts == s["evacuees_total"]
    assert assigned + s["unassigned"] == s["reception_seekers"]
    assert int(plan.evacuees["people"].sum()) == s["evacuees_total"]
    by_status = plan.evacuees.groupby("status")["people"].sum()
    assert int(by_status.get("assigned", 0)) == assigned
    assert int(by_status.get("own_arrangements", 0)) == s["own_arrangements"]
    assert (plan.evacuees["people"] > 0).all()


def _snaroya(**changes: Any) -> Scenario:
    s = load_preset("snaroya")
    for key, value in changes.items():
        setattr(s, key, value)
    return s


# --- conservation, capacities, site availability ----------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_accounts_for_every_evacuee(region: Region, name: str) -> None:
    plan = plan_for(region, load_preset(name))
    _conserved(plan)
    assert plan.summary["evacuees_total"] > 500


def test_mixed_mode_accounts_for_every_evacuee_in_both_modes(region: Region) -> None:
    plan = plan_for(region, _snaroya(mode="mixed", car_share=0.6))
    _conserved(plan)
    people = plan.evacuees.groupby("mode")["people"].sum()
    assert set(people.index) == {"drive", "walk"}
    assert people["drive"] / people.sum() == pytest.approx(0.6, abs=0.02)
    assert set(plan.curves) == {"drive", "walk"}


def test_population_override_is_distributed_exactly(region: Region) -> None:
    plan = plan_for(region, _snaroya(population_override=5_000))
    assert plan.summary["evacuees_total"] == 5_000
    _conserved(plan)


def test_site_capacity_is_never_exceeded(region: Region) -> None:
    everyone = _snaroya(reception_share=1.0, sites={"Telenor Arena": SiteOverride(capacity=1000)})
    plan = plan_for(region, everyone)
    s = plan.summary
    _conserved(plan)
    assert s["assigned"]["Telenor Arena"] == 1000  # demand is far above it: filled up
    for site in s["sites"]:
        assert site["assigned"] <= site["capacity"], site["name"]
    assert s["unassigned"] > 0
    assert any("unassigned" in w for w in texts(s["warnings"]))
    cap = plan.sites.set_index("name")
    assert cap.loc["Telenor Arena", "capacity_assumed"] == np.False_  # user-set figure


def test_deactivated_site_is_never_used(region: Region) -> None:
    plan = plan_for(region, _snaroya(sites={"Telenor Arena": SiteOverride(active=False)}))
    assert "Telenor Arena" not in set(plan.evacuees["site"])
    assert "Telenor Arena" not in set(plan.paths["site"])
    row = plan.sites.set_index("name").loc["Telenor Arena"]
    assert not row["available"] and row["reason"] == "deactivated in the scenario"
    assert plan.summary["assigned"]  # the other sites take people instead
    _conserved(plan)


def test_site_inside_the_zone_is_unavailable_with_a_warning(region: Region) -> None:
    plan = plan_for(region, load_preset("fornebu"))
    sites = plan.sites.set_index("name")
    for name in ("Telenor Arena", "Quality Hotel Expo"):
        assert not sites.loc[name, "available"]
        assert sites.loc[name, "reason"] == "inside the hazard zone"
        assert any(name in w and "inside the zone" in w for w in texts(plan.summary["warnings"]))
        assert name not in plan.summary["assigned"]
    assert set(plan.summary["assigned"]) == {"Thon Hotel Oslofjord"}


def test_off_network_site_is_reached_and_flagged(region: Region) -> None:
    plan = plan_for(region, load_preset("fornebu"))
    thon = plan.sites.set_index("name").loc["Thon Hotel Oslofjord"]
    assert thon["off_network_m"] > 2_000  # Sandvika lies ~2.5 km west of the road data
    assert any("off the road network" in w for w in texts(plan.summary["warnings"]))
    assert plan.summary["assigned"]["Thon Hotel Oslofjord"] > 0


# --- closures ----------------------------------------------------------------------


def test_routes_avoid_a_closed_snaroyveien_and_cut_off_people_are_unreachable(
    region: Region, snaroya_plan: Plan
) -> None:
    plan = plan_for(region, _snaroya(closures=[mapping(SNAROYVEIEN_CUT)]))
    cut = to_work(SNAROYVEIEN_CUT)
    net = region.network("drive")
    closed = routing.closed_edges(net, [cut])
    assert "Snarøyveien" in set(net.edges.loc[closed, "name"])
    # No loaded road and no evacuee path crosses the closed stretch.
    assert not plan.routes.intersects(cut.buffer(routing.CLOSURE_BUFFER_M)).any()
    assert not plan.paths.geometry.intersects(cut).any()
    assert snaroya_plan.paths.geometry.intersects(cut).any()  # it was used before
    # Southern Snarøya has no other road out: those people are unreachable, with why.
    s, base = plan.summary, snaroya_plan.summary
    assert reasons(s)[CLOSURE_REASON] > 1_000
    assert s["unreachable"] > base["unreachable"] + 1_000
    assert s["evacuees_total"] == base["evacuees_total"]
    _conserved(plan)


def test_closing_the_whole_neck_cuts_off_everyone_without_snapping_across(
    region: Region,
) -> None:
    plan = plan_for(region, _snaroya(closures=[mapping(NECK_CUT)]))
    s = plan.summary
    assert s["assigned"] == {}
    assert s["unreachable"] == s["evacuees_total"]
    assert reasons(s)[CLOSURE_REASON] > 2_000
    assert plan.routes.empty and plan.paths.empty


# --- the clearance model on a synthetic bottleneck --------------------------------


@pytest.mark.parametrize(("n_units", "capacity"), [(1000, 600.0), (300, 1200.0), (50, 200.0)])
def test_single_bottleneck_clearance_matches_the_analytic_answer(
    n_units: int, capacity: float
) -> None:
    net = bottleneck_line(capacity)
    trees = routing.site_trees(net, net.xy[[3]])
    assert trees.site_nodes.tolist() == [3]
    assert trees.time_s[0, 0] == pytest.approx(300.0)
    inside = np.array([True, False, False, False])
    dt = 10.0
    curves = simulate(
        trees, np.array([0]), np.array([[float(n_units)]]), [(0.0, 1.0), (1.0, 1.0)], inside, dt=dt
    )
    t_free = 300.0
    for share in (1.0, 0.9):
        analytic = t_free + share * n_units / capacity * 3600.0
        assert abs(curves.time_for(share) - analytic) <= 2 * dt, share
    assert curves.arrived[-1] == pytest.approx(n_units)
    # Everyone leaves the zone (node 0) in the first edge's free-flow time.
    assert curves.time_for(1.0, arrived=False) == pytest.approx(100.0, abs=dt)


def test_departures_follow_the_mobilisation_curve_when_roads_are_free() -> None:
    net = bottleneck_line(1e6)
    trees = routing.site_trees(net, net.xy[[3]])
    curve = [(0.0, 0.0), (10.0, 0.5), (20.0, 1.0)]
    curves = simulate(
        trees, np.array([0]), np.array([[100.0]]), curve, np.array([1, 0, 0, 0], bool)
    )
    assert curves.time_for(0.5) == pytest.approx(600.0 + 300.0, abs=20.0)
    assert curves.time_for(1.0) == pytest.approx(1200.0 + 300.0, abs=20.0)


def test_zone_exit_marks_match_a_walk_along_every_snaroya_path(
    region: Region, snaroya_plan: Plan
) -> None:
    from planning.clearance import _clear_after, inside_zone_nodes

    net = region.network("drive")
    sites = snaroya_plan.sites[snaroya_plan.sites["available"]]
    trees = routing.site_trees(net, np.column_stack([sites.geometry.x, sites.geometry.y]))
    zone = snaroya_plan.zone.geometry.union_all()
    inside = inside_zone_nodes(trees, zone)
    assert inside.any() and not inside.all()
    clear = _clear_after(trees, inside)
    rng = np.random.default_rng(1)
    for j in range(len(sites)):
        for v in rng.choice(net.n_nodes, 300, replace=False):
            if not np.isfinite(trees.time_s[j, v]):
                assert not clear[j, v]
                continue
            walk, node = [], int(v)
            while node >= 0:
                walk.append(node)
                node = int(trees.next_node[j, node])
            assert clear[j, v] == (not inside[walk].any()), (j, v)


# --- assignment ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_uncapacitated_assignment_is_nearest_site(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, k = 40, 4
    cost = rng.uniform(60, 3600, (m, k))
    cost[rng.random((m, k)) < 0.2] = np.inf
    supply = rng.integers(0, 50, m)
    flows = assign(supply, cost, np.full(k, supply.sum() + 1))
    reachable = np.isfinite(cost).any(axis=1)
    expected = np.zeros((m, k), dtype=np.int64)
    rows = np.flatnonzero(reachable)
    expected[rows, np.argmin(cost[rows], axis=1)] = supply[rows]
    np.testing.assert_array_equal(flows, expected)


@pytest.mark.parametrize("seed", range(5))
def test_capacitated_assignment_is_integral_feasible_and_maximal(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    m, k = 60, 3
    cost = rng.uniform(60, 3600, (m, k))
    supply = rng.integers(1, 80, m)
    capacity = rng.integers(0, supply.sum() // 2, k)
    flows = assign(supply, cost, capacity)
    assert flows.dtype.kind == "i" and (flows >= 0).all()
    assert (flows.sum(axis=1) <= supply).all()
    assert (flows.sum(axis=0) <= capacity).all()
    assert flows.sum() == min(supply.sum(), capacity.sum())  # nobody left out needlessly


def test_unit_assignment_is_optimal() -> None:
    rng = np.random.default_rng(7)
    cost = rng.uniform(1, 100, (12, 12))
    flows = assign(np.ones(12, int), cost, np.ones(12, int))
    rows, cols = linear_sum_assignment(cost)
    assert (flows * cost).sum() == pytest.approx(cost[rows, cols].sum())


# --- what the Snarøya plan says ------------------------------------------------------


def test_snaroya_routes_use_snaroyveien_and_name_the_bottlenecks(snaroya_plan: Plan) -> None:
    names = set(snaroya_plan.routes["name"])
    assert "Snarøyveien" in names
    bottlenecks = snaroya_plan.summary["bottlenecks"]
    assert bottlenecks
    for b in bottlenecks:
        assert b["name"] and (b["name"] in names or b["name"].startswith("("))
        assert b["load_ratio"] > 0 and b["capacity_vph"] > 0
    ratios = [b["load_ratio"] for b in bottlenecks]
    assert ratios == sorted(ratios, reverse=True)


def test_snaroya_clearance_is_bounded_below_by_the_top_bottleneck(snaroya_plan: Plan) -> None:
    c = snaroya_plan.summary["clearance_minutes"]
    top = snaroya_plan.summary["bottlenecks"][0]
    assert top["hours_at_capacity"] > 1.0  # more cars than the road carries in an hour
    assert c["p100"] >= top["hours_at_capacity"] * 60
    assert c["p90"] <= c["p100"] and c["leave_p90"] <= c["leave_p100"]
    assert c["leave_p100"] <= c["p100"]


def test_snaroya_summary_keeps_its_promises(snaroya_plan: Plan) -> None:
    s = snaroya_plan.summary
    assert 2_500 <= s["evacuees_total"] <= 3_000  # 2,810 residents (SSB 2023; 2,680 in 2015)
    # 15 % seek a reception place and all find one at Telenor Arena; the rest leave.
    assert s["reception_seekers"] == round(0.15 * (s["evacuees_total"] - s["unreachable"]))
    assert s["assigned"] == {"Telenor Arena": s["reception_seekers"]}
    assert s["own_arrangements"] > 2_000
    assert s["municipalities"] == [{"kommunenummer": "3201", "kommunenavn": "Bærum"}]
    assert all(reason for reason in reasons(s))
    json.dumps(s)  # JSON-ready


# --- responsibility across the Oslo border ----------------------------------------------


def test_zone_reaching_into_oslo_involves_oslo_and_the_county_governor(region: Region) -> None:
    spec = _box_zone(10.63, 59.910, 10.645, 59.918)
    zone = to_work(box(10.63, 59.910, 10.645, 59.918))
    m = region.municipalities
    assert set(m.loc[m.intersects(zone), "kommunenummer"]) == {"0301", "3201"}
    plan = plan_for(region, Scenario(name="Lysaker", zones=[spec]))
    s = plan.summary
    assert {"kommunenummer": "0301", "kommunenavn": "Oslo"} in s["municipalities"]
    assert "statsforvalteren_coordination" in {r["id"] for r in s["rules_fired"]}
    actors = {a["name"] for a in s["responsible_actors"]}
    assert any("Statsforvalteren" in a for a in actors)
    assert "Oslo kommune" in actors
    _conserved(plan)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "match"),
    [
        (ZoneSpec(kind="polygon", geometry={"type": "Polygon", "coordinates": []}), "no "),
        (ZoneSpec(kind="polygon", geometry=None), "no geometry"),
        (
            _polygon_zone([(10.60, 59.88), (10.62, 59.89), (10.62, 59.88), (10.60, 59.89)]),
            "crosses itself",
        ),
        (_polygon_zone([(59.88, 10.60), (59.88, 10.62), (59.89, 10.62)]), "swapped"),
        (_box_zone(10.38, 63.42, 10.40, 63.44), "outside the road data"),
        (
            ZoneSpec(
                kind="polygon", geometry=_geojson(LineString([(10.6, 59.88), (10.61, 59.89)]))
            ),
            "is a LineString",
        ),
        (
            ZoneSpec(
                kind="polygon", geometry={"type": "LineString", "coordinates": [[10.6, 59.8]]}
            ),
            "malformed",
        ),
        (ZoneSpec(kind="circle", center=(10.61, 59.88), radius_m=-5), "radius"),
        (ZoneSpec(kind="circle", center=(10.61, 59.88), radius_m=None), "radius"),
    ],
    ids=[
        "empty",
        "none",
        "bow-tie",
        "swapped",
        "trondheim",
        "line",
        "one-point",
        "neg-radius",
        "no-radius",
    ],
)
def test_unusable_zone_is_a_zone_error_saying_why(
    region: Region, zone: ZoneSpec, match: str
) -> None:
    with pytest.raises(ZoneError, match=match):
        plan_for(region, Scenario(name="Feil", zones=[zone]))


def test_scenario_without_zone_is_a_zone_error(region: Region) -> None:
    with pytest.raises(ZoneError, match="no zone"):
        plan_for(region, Scenario(name="Tom"))


def test_zone_in_the_sea_gives_a_plan_with_nobody_and_a_warning(region: Region) -> None:
    plan = plan_for(region, Scenario(name="Sjø", zones=[_box_zone(10.584, 59.885, 10.586, 59.886)]))
    s = plan.summary
    assert s["evacuees_total"] == 0 and s["assigned"] == {}
    assert any("Nobody lives in the zone" in w for w in texts(s["warnings"]))
    _conserved(plan)


def test_extra_population_at_sea_is_evacuated_and_outside_points_warned(region: Region) -> None:
    extra = [
        ExtraPopulation(lon=10.585, lat=59.8855, people=40, label="Båtstevne"),
        ExtraPopulation(lon=10.62, lat=59.90, people=99, label="Utenfor"),
    ]
    zone = _box_zone(10.584, 59.885, 10.586, 59.886)
    plan = plan_for(region, Scenario(name="Sjø", zones=[zone], extra_population=extra))
    s = plan.summary
    assert s["evacuees_total"] == 40
    assert any("Utenfor" in w and "outside the zone" in w for w in texts(s["warnings"]))
    _conserved(plan)


def test_all_sites_unavailable_leaves_seekers_unassigned_but_evacuated(region: Region) -> None:
    off = {name: SiteOverride(active=False) for name in SITES}
    plan = plan_for(region, _snaroya(sites=off))
    s = plan.summary
    _conserved(plan)
    assert s["assigned"] == {} and s["unassigned"] == s["reception_seekers"] > 300
    assert any("No reception site is available" in w for w in texts(s["warnings"]))
    unassigned = plan.evacuees[plan.evacuees["status"] == "unassigned"]
    assert set(unassigned["reason"]) == {"no reception site available"}
    assert unassigned["leave_min"].notna().all() and (unassigned["exit"] != "").all()


def test_zero_capacities_leave_every_seeker_unassigned_with_a_warning(region: Region) -> None:
    zero = {name: SiteOverride(capacity=0) for name in SITES}
    plan = plan_for(region, _snaroya(sites=zero))
    s = plan.summary
    _conserved(plan)
    assert s["assigned"] == {}
    assert s["unassigned"] == s["reception_seekers"] > 300
    assert any("capacity 0" in w for w in texts(s["warnings"]))
    assert any("unassigned" in w for w in texts(s["warnings"]))
    assert set(plan.sites["reason"]) == {"capacity is 0"}


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"persons_per_car": -1.0}, "persons_per_car"),
        ({"persons_per_car": 0.0}, "persons_per_car"),
        ({"population_scale": 0.0}, "population_scale"),
        ({"car_share": 1.5}, "car_share"),
        ({"mode": "fly"}, "mode"),
        ({"mobilisation": [(0.0, 0.0), (30.0, 0.5)]}, "exactly 1"),
        ({"sites": {"Telenor Arena": SiteOverride(capacity=-10)}}, "negative"),
    ],
)
def test_absurd_parameter_is_a_scenario_error_naming_it(
    region: Region, changes: dict[str, Any], match: str
) -> None:
    with pytest.raises(ScenarioError, match=match):
        plan_for(region, _snaroya(**changes))


def test_unknown_site_is_a_scenario_error_listing_known_sites(region: Region) -> None:
    with pytest.raises(ScenarioError, match="Unknown site") as err:
        plan_for(region, _snaroya(sites={"Oslo Spektrum": SiteOverride(capacity=10)}))
    assert "Oslo Spektrum" in str(err.value)
    assert all(name in str(err.value) for name in SITES)


# --- scenario files --------------------------------------------------------------------


def test_scenario_json_round_trips_exactly_with_every_zone_kind() -> None:
    s = Scenario(
        name="Øvelse «Snarøya» & <Fornebu>",
        zones=[
            _polygon_zone([(10.60, 59.88), (10.62, 59.88), (10.62, 59.89)], label="Sør"),
            ZoneSpec(kind="circle", label="Brann", center=(10.61, 59.885), radius_m=750.0),
            ZoneSpec(
                kind="plume",
                label="Gass",
                status="varsel",
                center=(10.6185, 59.8955),
                wind_from_deg=200.0,
                length_m=1500.0,
                angle_deg=40.0,
            ),
        ],
        closures=[_geojson(SNAROYVEIEN_CUT)],
        population_scale=1.3,
        extra_population=[ExtraPopulation(10.62, 59.90, 5000, "Telenor kontor")],
        mode="mixed",
        car_share=0.7,
        persons_per_car=2.2,
        mobilisation=[(0.0, 0.1), (20.0, 0.6), (45.0, 1.0)],
        sites={
            "Telenor Arena": SiteOverride(capacity=9000),
            "Thon Hotel Oslofjord": SiteOverride(active=False),
        },
        exercise=False,
    )
    text = scenario_to_json(s)
    back = scenario_from_json(text)
    assert back == s
    assert scenario_to_json(back) == text


def test_scenario_round_trip_plans_the_same(region: Region) -> None:
    s = _snaroya(mode="mixed")
    a = plan_for(region, s).summary
    b = plan_for(region, scenario_from_json(scenario_to_json(s))).summary
    for key in ("evacuees_total", "assigned", "unassigned", "unreachable", "clearance_minutes"):
        assert a[key] == b[key], key


@pytest.mark.parametrize(
    "doc",
    [
        {"population_override": "5000"},
        {"sites": {"Telenor Arena": {"capacity": "9000"}}},
        {"extra_population": [{"lon": 10.6, "lat": 59.9, "people": "40"}]},
        {"zones": [{"kind": "circle", "center": [10.61, 59.88], "radius_m": "500"}]},
    ],
    ids=["override", "capacity", "extra-people", "radius"],
)
def test_wrongly_typed_scenario_field_is_a_scenario_error(region: Region, doc: dict) -> None:
    base = {
        "name": "Typefeil",
        "zones": [{"kind": "circle", "center": [10.61, 59.88], "radius_m": 500}],
    }
    with pytest.raises(EvacError):
        plan_for(region, scenario_from_json(json.dumps({**base, **doc})))


# --- zone files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zone_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["Snarøya sør"]}, geometry=[box(10.60, 59.878, 10.615, 59.886)], crs="EPSG:4326"
    )


@pytest.mark.parametrize(("ext", "driver"), [(".gpkg", "GPKG"), (".kml", "KML")])
def test_gpkg_and_kml_zone_files_are_read_in_lonlat_with_labels(
    tmp_path: Path, zone_frame: gpd.GeoDataFrame, ext: str, driver: str
) -> None:
    path = tmp_path / f"zone{ext}"
    frame = zone_frame.to_crs("EPSG:25832") if ext == ".gpkg" else zone_frame
    frame.to_file(path, driver=driver)
    gdf = read_geometries(path.read_bytes(), path.name)
    assert gdf.crs == "EPSG:4326"
    np.testing.assert_allclose(gdf.total_bounds, zone_frame.total_bounds, atol=1e-6)
    feats = zone_features(gdf, path.name)
    assert [f["label"] for f in feats] == ["Snarøya sør"]
    assert feats[0]["geometry"]["type"] == "Polygon"


def test_geojson_zone_file_without_names_gets_numbered_labels() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": mapping(box(10.60, 59.88, 10.61, 59.885)),
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": mapping(box(10.62, 59.88, 10.63, 59.885)),
            },
        ],
    }
    gdf = read_geometries(json.dumps(doc).encode(), "soner.geojson")
    assert [f["label"] for f in zone_features(gdf, "soner.geojson")] == ["soner 1", "soner 2"]


def test_projected_geojson_with_declared_crs_is_reprojected() -> None:
    poly = to_work(box(10.60, 59.88, 10.61, 59.885))
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": mapping(poly)}],
    }
    gdf = read_geometries(json.dumps(doc).encode(), "utm.geojson")
    np.testing.assert_allclose(gdf.total_bounds, [10.60, 59.88, 10.61, 59.885], atol=1e-6)


def test_gpkg_without_crs_is_an_upload_error(tmp_path: Path, zone_frame: gpd.GeoDataFrame) -> None:
    path = tmp_path / "nocrs.gpkg"
    zone_frame.set_crs(None, allow_override=True).to_file(path, driver="GPKG")
    with pytest.raises(UploadError, match="declares no CRS"):
        read_geometries(path.read_bytes(), path.name)


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        (b"{" * 10 + b'"type": ', "zone.geojson", "not valid GeoJSON"),
        (b'{"type": "Topology"}', "zone.geojson", "unsupported"),
        (b"[1, 2]", "zone.json", "must be an object"),
        (b"   ", "zone.geojson", "empty"),
        (b"PK\x03\x04", "zone.zip", "not allowed"),
        (b"<kml/>", "zone.shp", "not allowed"),
        (b"x", "zone", "not allowed"),
        (b"not sqlite at all", "zone.gpkg", "not a GPKG"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "zone.gpkg", "cannot be read"),
        (b"<kml><Document>", "zone.kml", "cannot be read|no geometry"),
    ],
)
def test_malformed_or_forbidden_upload_is_an_upload_error(
    data: bytes, name: str, match: str
) -> None:
    with pytest.raises(UploadError, match=match):
        read_geometries(data, name)


def test_too_large_upload_is_refused_before_parsing() -> None:
    with pytest.raises(UploadError, match="limit"):
        read_geometries(b" " * (MAX_BYTES + 1), "huge.geojson")


def test_gdal_virtual_file_disguised_as_kml_or_gpkg_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text('WKT,name\n"POLYGON((10.6 59.88,10.61 59.88,10.61 59.89,10.6 59.88))",s\n')
    vrt = (
        f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{secret}</SrcDataSource>'
        '<LayerSRS>EPSG:4326</LayerSRS><GeometryField encoding="WKT" field="WKT"/>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()
    for name in ("zone.kml", "zone.gpkg"):
        with pytest.raises(UploadError, match="does not match"):
            read_geometries(vrt, name)
    with pytest.raises(UploadError, match="does not match"):
        read_geometries(b"<kml>" + vrt, "zone.kml")


def test_geopackage_renamed_kml_is_refused(tmp_path: Path, zone_frame: gpd.GeoDataFrame) -> None:
    path = tmp_path / "zone.gpkg"
    zone_frame.to_file(path, driver="GPKG")
    assert sqlite3.connect(path).execute("select count(*) from gpkg_contents").fetchone()[0] == 1
    with pytest.raises(UploadError):
        read_geometries(path.read_bytes(), "zone.kml")


def test_file_of_points_is_a_zone_error_not_a_crash() -> None:
    doc = {"type": "Point", "coordinates": [10.6, 59.9]}
    gdf = read_geometries(json.dumps(doc).encode(), "punkt.geojson")
    with pytest.raises(ZoneError, match="no polygon"):
        zone_features(gdf, "punkt.geojson")


# --- fuzzing: hostile bytes and JSON only ever raise EvacError ---------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=20,
)
_coord = st.lists(
    st.floats(allow_nan=True, allow_infinity=True) | st.integers(-400, 400) | st.text(max_size=2),
    min_size=0,
    max_size=3,
)
_geometry = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Polygon", "MultiPolygon", "LineString", "Point", "Bogus"]),
        "coordinates": st.recursive(_coord, lambda c: st.lists(c, max_size=5), max_leaves=12),
    }
)
_geojson_docs = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["FeatureCollection", "Feature", "Polygon"]),
        "features": st.lists(
            st.fixed_dictionaries(
                {"type": st.just("Feature"), "geometry": _geometry | _json, "properties": _json}
            ),
            max_size=3,
        )
        | _json,
        "geometry": _geometry,
        "coordinates": _json,
    },
    optional={"crs": _json},
)
_upload_names = st.sampled_from(["z.geojson", "z.json", "z.gpkg", "z.kml", "z.txt", "z"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=512)
    | _json.map(lambda v: json.dumps(v).encode())
    | _geojson_docs.map(lambda v: json.dumps(v).encode()),
    name=_upload_names,
)
def test_fuzzed_uploads_only_raise_evac_errors(data: bytes, name: str) -> None:
    with contextlib.suppress(EvacError):
        zone_features(read_geometries(data, name), name)


_scenario_doc = st.fixed_dictionaries(
    {},
    optional={
        "name": _json,
        "zones": st.lists(
            st.fixed_dictionaries({}, optional={"kind": _json, "center": _json, "geometry": _json})
            | _json,
            max_size=2,
        )
        | _json,
        "mobilisation": st.lists(st.lists(_json, max_size=3), max_size=3) | _json,
        "sites": st.dictionaries(st.text(max_size=5), _json, max_size=2) | _json,
        "extra_population": st.lists(_json, max_size=2) | _json,
        "population_scale": _json,
        "persons_per_car": _json,
        "format": _json,
        "bogus": _json,
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200) | _json.map(json.dumps) | _scenario_doc.map(json.dumps))
def test_fuzzed_scenario_json_only_raises_evac_errors(text: str) -> None:
    with contextlib.suppress(EvacError):
        scenario_from_json(text)
