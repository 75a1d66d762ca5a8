"""``evac simulate``: the SUMO cross-check really runs SUMO and accounts for every car.

The Snarøya preset runs end to end through the CLI once per module (SUMO's
mesoscopic model takes a few seconds on it); the demand, leave-time and
percentile rules are checked on small hand-made inputs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import box

import cli
from geo import settings
from geo.errors import ScenarioError
from geo.region import Region
from planning.plan import Plan
from sim import binaries
from sim.compare import drive_paths, fast_estimate, simulate_plan
from sim.demand import apportion, car_counts, cars_from_paths, departure_times_s, spread_slots
from sim.network import SumoNet, build_net, closed_edge_ids, net_without, read_net
from sim.results import leave_time, weighted_time
from sim.run import CAR_LENGTH_WITH_GAP_M, SimulationError, meso_types_xml, run_sumo
from tests.cli_support import run_cli

KEYS = ("leave_p50", "arrive_p50", "leave_p90", "arrive_p90")


def sumo_or_skip() -> None:
    """Skip without SUMO on a developer machine, but fail under CI (it installs ``[sim]``)."""
    try:
        binaries.find_binary("sumo")
        binaries.find_binary("netconvert")
    except binaries.SumoMissingError as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture
def sumo() -> None:
    """Tests that run SUMO itself."""
    sumo_or_skip()


@pytest.fixture(scope="module")
def snaroya_sim(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    sumo_or_skip()
    out_dir = tmp_path_factory.mktemp("sim") / "snaroya"
    status, stdout, stderr = run_cli(
        "simulate", "--preset", "snaroya", "--out", str(out_dir), "--json"
    )
    assert status == 0, stderr
    return out_dir, json.loads(stdout)


# --- end to end on the Snarøya preset -------------------------------------------------------


def test_simulation_reports_finite_positive_times_for_both_estimates(
    snaroya_sim: tuple[Path, dict[str, Any]],
) -> None:
    _, data = snaroya_sim
    for source in ("fast", "sumo"):
        minutes = data["minutes"][source]
        assert set(minutes) == set(KEYS)
        assert all(math.isfinite(minutes[k]) and minutes[k] > 0 for k in KEYS), minutes
        assert minutes["leave_p50"] <= minutes["leave_p90"]
        assert minutes["arrive_p50"] <= minutes["arrive_p90"]
        assert minutes["leave_p90"] <= minutes["arrive_p90"]


def test_ratio_is_sumo_over_fast(snaroya_sim: tuple[Path, dict[str, Any]]) -> None:
    _, data = snaroya_sim
    m = data["minutes"]
    for k in KEYS:
        assert m["ratio_sumo_to_fast"][k] == pytest.approx(m["sumo"][k] / m["fast"][k], abs=1e-3)


def test_every_car_is_accounted_for(
    snaroya_sim: tuple[Path, dict[str, Any]], snaroya_plan: Plan
) -> None:
    out_dir, data = snaroya_sim
    v, d = data["vehicles"], data["demand"]
    drive = snaroya_plan.paths[snaroya_plan.paths["mode"] == "drive"]
    assert d["people"] == round(drive["people"].sum())
    per_group = drive.groupby("origin_id")["people"].sum().to_numpy()
    assert v["cars"] == d["cars"] == int(car_counts(per_group, 2.5).sum())
    assert v["cars"] == v["arrived"] + v["not_arrived"] + v["not_inserted"]
    # Rounding per group never loses a car against the exact total.
    assert d["cars"] >= round(d["cars_exact"])
    trips = ET.parse(out_dir / "sumo" / "trips.xml").getroot().findall("trip")
    assert len(trips) == v["cars"]
    tripinfos = ET.parse(out_dir / "sumo" / "tripinfo.xml").getroot().findall("tripinfo")
    assert len(tripinfos) == v["arrived"]


def test_fast_estimate_matches_the_plan_and_departures_follow_the_curve(
    snaroya_sim: tuple[Path, dict[str, Any]], snaroya_plan: Plan
) -> None:
    out_dir, data = snaroya_sim
    clear = snaroya_plan.summary["clearance_minutes"]
    assert data["minutes"]["fast"]["leave_p90"] == clear["leave_p90"]
    assert data["minutes"]["fast"]["arrive_p90"] == clear["p90"]
    departs = sorted(
        float(t.get("depart", "nan"))
        for t in ET.parse(out_dir / "sumo" / "trips.xml").getroot().findall("trip")
    )
    # Snarøya's curve: 30 % gone after 15 min, 70 % after 30, all within 60.
    assert departs[0] > 0 and departs[-1] < 3600
    assert np.mean(np.array(departs) <= 15 * 60) == pytest.approx(0.3, abs=0.01)
    assert np.mean(np.array(departs) <= 30 * 60) == pytest.approx(0.7, abs=0.01)


def test_simulation_json_on_disk_equals_the_printed_one(
    snaroya_sim: tuple[Path, dict[str, Any]],
) -> None:
    out_dir, data = snaroya_sim
    assert json.loads((out_dir / "simulation.json").read_text(encoding="utf-8")) == data
    assert not list(out_dir.glob("*.tmp"))
    assert data["format"] == "evac-simulation/1" and data["preset"] == "snaroya"


def test_cli_prints_both_estimates_and_their_ratio(
    snaroya_sim: tuple[Path, dict[str, Any]],
) -> None:
    _, data = snaroya_sim
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.print_simulation(data)
    text = out.getvalue()
    assert "fast" in text and "SUMO" in text and "SUMO/fast" in text
    row = next(line.split() for line in text.splitlines() if line.startswith("arrive_p90"))
    m = data["minutes"]
    assert [float(x) for x in row[1:]] == [
        m["fast"]["arrive_p90"],
        m["sumo"]["arrive_p90"],
        m["ratio_sumo_to_fast"]["arrive_p90"],
    ]
    assert f"{data['vehicles']['not_inserted']} could not be routed/inserted" in text


def test_cli_simulates_a_drawn_zone_with_rerouting(sumo: None, tmp_path: Path) -> None:
    # A block of houses on Snarøya: a small case, as `evac plan --zone` takes it.
    zone = tmp_path / "block.geojson"
    ring = [[10.600, 59.8785], [10.612, 59.8785], [10.612, 59.884], [10.600, 59.884]]
    geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    zone.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": geometry}))
    out = tmp_path / "out"
    status, stdout, stderr = run_cli(
        "simulate", "--zone", str(zone), "--out", str(out), "--reroute"
    )
    assert status == 0, stderr
    data = json.loads((out / "simulation.json").read_text(encoding="utf-8"))
    assert data["scenario"] == "block" and "rerouting" in data["model"]["routing"]
    v = data["vehicles"]
    assert 0 < v["cars"] == v["arrived"] + v["not_arrived"] + v["not_inserted"]
    assert f"({v['cars']:,} cars)" in stdout and "SUMO/fast" in stdout


# --- errors -------------------------------------------------------------------------------


def test_missing_sumo_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, snaroya_plan: Plan, region: Region
) -> None:
    monkeypatch.setattr(binaries, "sumo_home", lambda: None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(binaries.SumoMissingError, match=r"pip install \.\[sim\]"):
        binaries.find_binary("sumo")
    with pytest.raises(binaries.SumoMissingError):
        simulate_plan(snaroya_plan, region, tmp_path)


def test_a_plan_without_cars_is_a_clear_error(
    sumo: None, tmp_path: Path, snaroya_plan: Plan, region: Region
) -> None:
    walking = snaroya_plan.paths.assign(mode="walk")
    plan = dataclasses.replace(snaroya_plan, paths=walking)
    with pytest.raises(ScenarioError, match="no car traffic"):
        simulate_plan(plan, region, tmp_path)


def test_sumo_failures_and_overlong_runs_are_clear_errors(
    snaroya_sim: tuple[Path, dict[str, Any]], region: Region, tmp_path: Path
) -> None:
    out_dir, _ = snaroya_sim
    net = build_net(region.osm_path)
    with pytest.raises(SimulationError, match="longer than 0 minutes"):
        run_sumo(net, out_dir / "sumo" / "trips.xml", tmp_path / "slow", max_wall_s=0.0)
    broken = tmp_path / "broken.xml"
    broken.write_text("<routes><trip id='a' depart='x' from='nowhere' to='nowhere'/>")
    with pytest.raises(SimulationError, match="SUMO stopped with status"):
        run_sumo(net, broken, tmp_path / "broken")


def test_a_path_without_roads_starts_and_ends_at_its_origin(snaroya_plan: Plan) -> None:
    paths = snaroya_plan.paths.copy()
    paths.loc[paths.index[0], "geometry"] = None
    plan = dataclasses.replace(snaroya_plan, paths=paths)
    fixed = drive_paths(plan)
    origin_id = paths["origin_id"].iloc[0]
    evacuees = snaroya_plan.evacuees
    point = evacuees.loc[evacuees["origin_id"] == origin_id].geometry.iloc[0]
    line = fixed.geometry.iloc[0]
    assert line.length == 0 and shapely.Point(line.coords[0]).equals(point)
    assert fixed.geometry.iloc[1:].equals(paths.geometry.iloc[1:])


# --- network --------------------------------------------------------------------------------


def test_closed_roads_leave_the_sumo_network(sumo: None, region: Region) -> None:
    base = build_net(region.osm_path)
    net = read_net(base)
    edge = net.edge_ids[net.n_edges // 2]
    line = net.lines[net.n_edges // 2]
    closed = closed_edge_ids(net, [line])
    assert edge in closed and len(closed) < 20
    reduced = read_net(net_without(base, closed))
    assert reduced.n_edges == net.n_edges - len(closed)
    assert not set(closed) & set(reduced.edge_ids)
    # Network coordinates are EPSG:25832 (no SUMO offset): inside the pack's bounds.
    x, y = net.from_xy[edge]
    assert 585_000 < x < 595_000 and 6_635_000 < y < 6_645_000


def test_path_ends_snap_to_car_edges(sumo: None, snaroya_plan: Plan, region: Region) -> None:
    net = read_net(build_net(region.osm_path))
    paths = snaroya_plan.paths.head(3)
    cars = cars_from_paths(paths, net, 2.5, [(0.0, 0.0), (10.0, 1.0)])
    assert {c.from_edge for c in cars} <= set(net.edge_ids)
    assert sum(c.people for c in cars) == pytest.approx(paths["people"].sum())
    far = paths.assign(geometry=[shapely.LineString([(0, 0), (1, 1)])] * 3)
    with pytest.raises(ScenarioError, match="no SUMO road"):
        cars_from_paths(far, net, 2.5, [(0.0, 0.0), (10.0, 1.0)])


# --- demand and results on hand-made inputs ------------------------------------------------


def test_car_counts_keep_the_total_and_every_group() -> None:
    people = np.array([1, 3, 10, 0, 7])
    cars = car_counts(people, 2.5)
    assert cars.tolist() == [1, 1, 4, 0, 3]
    assert cars.sum() >= round(people.sum() / 2.5)


def test_departures_are_quantiles_of_the_curve() -> None:
    curve = [(0.0, 0.0), (10.0, 0.5), (20.0, 1.0)]
    assert departure_times_s(curve, 2).tolist() == [300.0, 900.0]
    # A vertical step releases everyone at that minute.
    assert departure_times_s([(0.0, 0.0), (5.0, 0.0), (5.0, 1.0)], 3).tolist() == [300.0] * 3
    # A curve that stops short of 1: the rest leave at its last point.
    assert departure_times_s([(0.0, 0.0), (10.0, 0.5)], 4).tolist() == [150.0, 450.0, 600.0, 600.0]


def _chain_net() -> SumoNet:
    """Three edges along the x axis: e0 0-100 m, e1 100-200 m, e2 200-300 m."""
    xs = [0.0, 100.0, 200.0, 300.0]
    lines = np.array([shapely.LineString([(xs[i], 0), (xs[i + 1], 0)]) for i in range(3)])
    ids = ["e0", "e1", "e2"]
    return SumoNet(
        path=Path("chain.net.xml"),
        edge_ids=ids,
        lines=lines,
        tree=shapely.STRtree(lines),
        from_xy={e: (xs[i], 0.0) for i, e in enumerate(ids)},
        to_xy={e: (xs[i + 1], 0.0) for i, e in enumerate(ids)},
    )


def test_leave_time_is_the_last_exit_from_the_zone() -> None:
    net, edges, exits = _chain_net(), ["e0", "e1", "e2"], [10.0, 20.0, 30.0]
    assert leave_time(edges, exits, 0.0, net, box(-10, -10, 150, 10)) == 20.0
    # Out at 200 m, back in, out again: the last exit counts.
    twice = box(-10, -10, 150, 10).union(box(190, -10, 210, 10))
    assert leave_time(edges, exits, 0.0, net, twice) == 30.0
    # Starting outside the zone: gone at departure.
    assert leave_time(edges, exits, 5.0, net, box(1000, 0, 1100, 10)) == 5.0
    # Not yet past the boundary edge when SUMO stopped.
    assert leave_time(edges, [10.0], 0.0, net, box(-10, -10, 150, 10)) == np.inf


def test_weighted_time_counts_people_and_unfinished_cars() -> None:
    t = np.array([60.0, 120.0, np.inf])
    assert weighted_time(t, np.array([1.0, 1.0, 2.0]), 0.5) == 120.0
    assert weighted_time(t, np.array([1.0, 1.0, 2.0]), 0.9) is None
    assert weighted_time(t, np.array([3.0, 1.0, 0.0]), 0.5) == 60.0


def test_fast_estimate_falls_back_to_the_summary(snaroya_plan: Plan) -> None:
    plan = dataclasses.replace(snaroya_plan, curves={})
    fast = fast_estimate(plan)
    clear = snaroya_plan.summary["clearance_minutes"]
    assert fast["leave_p90"] == clear["leave_p90"] and fast["arrive_p90"] == clear["p90"]


# --- planner capacities (sensitivity run) ---------------------------------------------------


def test_meso_headways_give_the_planners_lane_capacity() -> None:
    types = {t.get("id"): t.find("meso") for t in ET.fromstring(meso_types_xml()).iter("type")}
    meso = types["highway.residential"]
    speed_ms = settings.DRIVE_SPEED_KPH["residential"] / 3.6
    gross = float(meso.get("tauff")) + CAR_LENGTH_WITH_GAP_M / speed_ms
    assert gross == pytest.approx(3600 / settings.LANE_CAPACITY_VPH["residential"], abs=0.01)
    assert set(types) == {f"highway.{h}" for h in settings.LANE_CAPACITY_VPH}


def test_planner_capacities_slow_sumo_down(
    sumo: None, tmp_path: Path, snaroya_plan: Plan, region: Region
) -> None:
    # The 15 largest origin groups (every path of theirs): enough cars to queue on
    # the way out, quick to simulate.
    paths = snaroya_plan.paths
    biggest = paths.groupby("origin_id")["people"].sum().nlargest(15).index
    plan = dataclasses.replace(snaroya_plan, paths=paths[paths["origin_id"].isin(biggest)])
    own = simulate_plan(plan, region, tmp_path / "own")
    planner = simulate_plan(plan, region, tmp_path / "planner", planner_capacities=True)
    assert (tmp_path / "planner" / "sumo" / "meso_types.add.xml").is_file()
    assert "planner" in planner["model"]["capacities"]
    assert own["vehicles"]["cars"] == planner["vehicles"]["cars"]
    assert planner["minutes"]["sumo"]["arrive_p90"] > own["minutes"]["sumo"]["arrive_p90"]


def test_a_group_split_over_paths_keeps_its_car_count_and_release() -> None:
    # 10 people of one group, split 6 / 3 / 1 over three routes: 4 cars, not 5.
    assert apportion(4, np.array([6.0, 3.0, 1.0])).tolist() == [2, 1, 1]
    assert apportion(4, np.array([6.0, 3.0, 1.0])).sum() == 4
    slots = spread_slots(np.array([2, 1, 1]))
    assert sorted(slots.tolist()) == [0, 0, 1, 2]
    # The biggest route's cars are not bunched at the start or at the end of the curve.
    first, last = np.flatnonzero(slots == 0)[[0, -1]]
    assert first == 0 and last >= 2
