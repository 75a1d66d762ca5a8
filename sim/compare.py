"""Run a plan's car demand through SUMO and report it next to the fast estimate.

:func:`simulate_plan` is the one entry point (CLI ``evac simulate`` and the app):
it builds (or reuses) the SUMO network, writes the trips, runs SUMO, reads
each car's leave and arrival times and writes ``simulation.json``. Every car
is accounted for: ``cars == arrived + not_arrived + not_inserted``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import ScenarioError
from geo.region import Region
from planning.plan import Plan
from planning.scenario import Scenario
from planning.zones import EVACUATED_STATUSES, to_work
from sim import demand, results, run
from sim.binaries import find_binary
from sim.network import SumoNet, build_net, closed_edge_ids, net_without, read_net

#: Shares of people reported (p50, p90).
SHARES = {"p50": 0.5, "p90": 0.9}
FORMAT = "evac-simulation/1"

#: Progress callback: (stage key, share done 0..1).
Progress = Callable[[str, float], None]


def fast_estimate(plan: Plan) -> dict[str, float | None]:
    """The fast estimate's leave/arrive p50/p90 for the cars (minutes).

    Uses the plan's drive curve when it has one (cars only, like SUMO); else
    the summary's clearance minutes (all modes).
    """
    curve = plan.curves.get("drive")
    if curve is None:
        clear = plan.summary["clearance_minutes"]
        return {
            f"{w}_{p}": clear.get(f"leave_{p}" if w == "leave" else p)
            for w in ("leave", "arrive")
            for p in SHARES
        }
    out: dict[str, float | None] = {}
    for p, share in SHARES.items():
        for what, arrived in (("leave", False), ("arrive", True)):
            s = curve.time_for(share, arrived=arrived)
            out[f"{what}_{p}"] = None if s is None else round(s / 60.0, 1)
    return out


def sumo_estimate(times: results.CarTimes) -> dict[str, float | None]:
    """SUMO's leave/arrive p50/p90, persons-weighted (minutes)."""
    out: dict[str, float | None] = {}
    for p, share in SHARES.items():
        for what, t in (("leave", times.leave_s), ("arrive", times.arrive_s)):
            s = results.weighted_time(t, times.people, share)
            out[f"{what}_{p}"] = None if s is None else round(s / 60.0, 1)
    return out


def ratios(sumo: dict[str, float | None], fast: dict[str, float | None]) -> dict[str, float | None]:
    """SUMO / fast estimate per key (None where either is missing or zero)."""
    out: dict[str, float | None] = {}
    for key, s in sumo.items():
        f = fast.get(key)
        out[key] = round(s / f, 3) if s and f else None
    return out


def write_json_atomic(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` as JSON to ``path`` via a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


def drive_paths(plan: Plan) -> gpd.GeoDataFrame:
    """The plan's car paths with people.

    A path with no road (origin at its destination) becomes a zero-length line
    at the origin group's point.

    Raises
    ------
    ScenarioError
        If the plan has no car traffic.
    """
    paths = plan.paths[(plan.paths["mode"] == "drive") & (plan.paths["people"] > 0)].copy()
    if paths.empty:
        raise ScenarioError(
            "The plan has no car traffic to simulate: choose mode 'drive' or 'mixed' "
            "with people in the zone."
        )
    empty = (paths.geometry.isna() | paths.geometry.is_empty).to_numpy()
    if empty.any():
        origin = plan.evacuees.drop_duplicates("origin_id").set_index("origin_id").geometry
        points = origin.loc[paths.loc[empty, "origin_id"]].to_numpy()
        paths.loc[empty, "geometry"] = [shapely.LineString([p, p]) for p in points]
    return paths


def simulate_plan(
    plan: Plan,
    region: Region,
    out_dir: Path,
    *,
    reroute: bool = False,
    planner_capacities: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Simulate ``plan``'s cars in SUMO; write and return ``simulation.json``.

    Raises
    ------
    ScenarioError
        If the plan has no cars, or a path end has no SUMO road near it.
    sim.binaries.SumoMissingError, sim.run.SimulationError
        If SUMO is not installed or fails.
    """
    report = progress or (lambda _stage, _share: None)
    t0 = time.perf_counter()
    find_binary("sumo")  # fail before any work when SUMO is not installed
    paths = drive_paths(plan)
    report("network", 0.0)
    sc = plan.scenario
    net, closed = _scenario_net(region, sc)
    t_net = time.perf_counter()
    cars = demand.cars_from_paths(paths, net, sc.persons_per_car, sc.mobilisation)
    work = out_dir / "sumo"
    work.mkdir(parents=True, exist_ok=True)
    (work / "trips.xml").write_text(demand.trips_xml(cars), encoding="utf-8")
    t_demand = time.perf_counter()
    horizon = _expected_end_s(cars, fast_estimate(plan))
    outputs = run.run_sumo(
        net.path,
        work / "trips.xml",
        work,
        reroute=reroute,
        planner_capacities=planner_capacities,
        progress=lambda s: report("sumo", min(0.99, s / horizon)),
    )
    t_sumo = time.perf_counter()
    report("results", 1.0)
    evacuated = plan.zone[plan.zone["status"].isin(EVACUATED_STATUSES)]
    zone = shapely.union_all(evacuated.geometry.to_numpy())
    times = results.read_times(outputs, cars, net, zone)
    timing = {
        "network": t_net - t0,
        "demand": t_demand - t_net,
        "sumo": t_sumo - t_demand,
        "total": time.perf_counter() - t0,
    }
    options = {"reroute": reroute, "planner_capacities": planner_capacities}
    data = _report(plan, paths, cars, times, net.n_edges, len(closed), options, timing)
    write_json_atomic(data, out_dir / "simulation.json")
    return data


def _scenario_net(region: Region, scenario: Scenario) -> tuple[SumoNet, list[str]]:
    """The SUMO network of the region with the scenario's closed roads removed."""
    base = build_net(region.osm_path, include_construction=region.include_construction)
    closures = [to_work(shapely.geometry.shape(c)) for c in scenario.closures]
    closed = closed_edge_ids(read_net(base), closures)
    return read_net(net_without(base, closed)), closed


def _expected_end_s(cars: list[demand.Car], fast: dict[str, float | None]) -> float:
    """A guess of SUMO's end time, only for the progress bar."""
    last = max(c.depart_s for c in cars)
    return max(last, 60.0 * (fast.get("arrive_p90") or 0.0)) * 1.2 + 60.0


def _report(
    plan: Plan,
    paths: gpd.GeoDataFrame,
    cars: list[demand.Car],
    times: results.CarTimes,
    n_edges: int,
    n_closed: int,
    options: dict[str, bool],
    timing: dict[str, float],
) -> dict[str, Any]:
    fast = fast_estimate(plan)
    sumo = sumo_estimate(times)
    n = len(cars)
    arrived = int(np.isfinite(times.arrive_s).sum())
    return {
        "format": FORMAT,
        "scenario": plan.scenario.name,
        "preset": plan.scenario.preset,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "minutes": {"fast": fast, "sumo": sumo, "ratio_sumo_to_fast": ratios(sumo, fast)},
        "demand": {
            "people": round(float(paths["people"].sum())),
            "paths": len(paths),
            "persons_per_car": plan.scenario.persons_per_car,
            "cars_exact": round(float(paths["people"].sum()) / plan.scenario.persons_per_car, 1),
            "cars": n,
            "last_departure_min": round(max(c.depart_s for c in cars) / 60.0, 1),
        },
        "vehicles": {
            "cars": n,
            "arrived": arrived,
            "not_arrived": times.not_arrived,
            "not_inserted": times.not_inserted,
            "teleports": times.teleports,
        },
        "model": {
            "simulator": "SUMO mesoscopic (--mesosim), junction control on",
            "seed": run.SEED,
            "routing": "SUMO fastest route at departure, with the travel times of that moment"
            + (f", rerouting every {run.REROUTE_PERIOD_S} s" if options["reroute"] else ""),
            "capacities": "planner's lane capacities (meso headways 3600/capacity)"
            if options["planner_capacities"]
            else "SUMO's own (default meso headways)",
            "departures": "quantiles (i + 0.5) / n of the mobilisation curve per origin group",
            "network_edges": n_edges,
            "closed_edges": n_closed,
            "off_network_leg": "added to arrival as in the fast estimate",
            "leave_definition": "last exit from the evacuated zone (as the fast estimate)",
        },
        "timing_s": {k: round(v, 2) for k, v in timing.items()},
    }
