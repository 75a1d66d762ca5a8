"""From a scenario to a plan: who goes where, by which roads, how long it takes, who is in charge.

:func:`make_plan` is the one entry point the app, the CLI and the exports use.
It never drops people: ``assigned + unassigned + unreachable == evacuees_total``
always holds, and every unreachable group carries its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.errors import ScenarioError, ZoneError
from geo.network import RoadNetwork
from geo.region import Region
from planning import routing
from planning.assignment import assign
from planning.catchments import catchments
from planning.clearance import ClearanceCurves, inside_zone_nodes, simulate
from planning.evacuees import evacuee_groups
from planning.i18n import Message, texts
from planning.kindergartens import empty_layer as empty_kindergarten_layer  # popdata
from planning.kindergartens import kindergartens_in_zone  # popdata
from planning.population_vintage import choose_population  # popdata
from planning.scenario import Scenario
from planning.zones import EVACUATED_STATUSES, to_work, zone_geometry

#: How many bottlenecks the summary lists.
N_BOTTLENECKS = 5
#: Road classes evacuation traffic avoids for through routes, and the factor
#: on their travel time for route choice (assumption: traffic management).
MINOR_ROADS = frozenset({"residential", "living_street", "service", "unclassified", "road"})
MINOR_ROAD_FACTOR = 1.5
#: Site reason for a zero capacity: the site is still routed to (its evacuees
#: become "unassigned", not an error), unlike a deactivated site or one in the zone.
NO_CAPACITY = Message("reason.site_no_capacity")


@dataclass
class Plan:
    """The result of :func:`make_plan` (layers in EPSG:25832, see ARCHITECTURE.md)."""

    scenario: Scenario
    zone: gpd.GeoDataFrame
    evacuees: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    paths: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    curves: dict[str, ClearanceCurves] = field(default_factory=dict, repr=False)
    kindergartens: gpd.GeoDataFrame = field(default_factory=empty_kindergarten_layer)  # popdata

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The exportable layers by name."""
        return {
            "zone": self.zone,
            "evacuees": self.evacuees,
            "catchments": self.catchments,
            "routes": self.routes,
            "paths": self.paths,
            "sites": self.sites,
            "kindergartens": self.kindergartens,  # popdata
        }


def zone_layer(scenario: Scenario) -> gpd.GeoDataFrame:
    """Every zone of the scenario (all statuses) as a layer."""
    rows = [
        {
            "label": z.label,
            "status": z.status,
            "kind": z.kind,
            "evacuated": z.status in EVACUATED_STATUSES,
            "geometry": zone_geometry(z),
        }
        for z in scenario.zones
    ]
    if not rows:
        raise ZoneError("The scenario has no zone: draw one, upload a file or pick a preset.")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.WORK_CRS)


def site_table(
    registry: gpd.GeoDataFrame, scenario: Scenario, zone: shapely.Geometry
) -> tuple[gpd.GeoDataFrame, list[Message | None], list[Message]]:
    """Reception sites with this scenario's availability and capacity.

    A site inside the zone is unavailable, with a warning saying so. Only when
    every site is deactivated or inside the zone is there no plan to make; sites
    with capacity 0 still count, so "what if nobody can be received" gives a plan
    with everyone unassigned.

    Returns
    -------
    GeoDataFrame
        The sites, with ``reason`` in English ("" when available).
    list of Message or None
        Each site's reason as a message (None when available).
    list of Message
        Warnings.
    """
    known = set(registry["name"])
    unknown = sorted(set(scenario.sites) - known)
    if unknown:
        raise ScenarioError(
            f"Unknown site(s) {', '.join(unknown)}: known sites are {', '.join(sorted(known))}."
        )
    sites = registry.copy()
    warnings: list[Message] = []
    active, capacity, assumed, reasons = [], [], [], []
    for row in sites.itertuples():
        o = scenario.sites.get(row.name)
        is_active = o.active if o else True
        cap = o.capacity if o and o.capacity is not None else int(row.capacity)
        why = None
        if not is_active:
            why = Message("reason.site_deactivated")
        elif zone.contains(row.geometry):
            why = Message("reason.site_inside_zone")
            warnings.append(Message("warn.site_inside_zone", {"site": row.name}))
        elif cap <= 0:
            why = NO_CAPACITY
            warnings.append(Message("warn.site_no_capacity", {"site": row.name}))
        active.append(is_active)
        capacity.append(int(cap))
        assumed.append(bool(row.capacity_assumed) and not (o and o.capacity is not None))
        reasons.append(why)
    sites["active"] = active
    sites["capacity"] = capacity
    sites["capacity_assumed"] = assumed
    sites["available"] = [why is None for why in reasons]
    sites["reason"] = [why.text("en") if why else "" for why in reasons]
    if not any(why in (None, NO_CAPACITY) for why in reasons):
        detail = "; ".join(f"{n}: {r}" for n, r in zip(sites["name"], sites["reason"], strict=True))
        raise ScenarioError(
            f"No reception site is available ({detail}). Activate a site or change the zone."
        )
    return sites, reasons, warnings


def _mode_split(groups: gpd.GeoDataFrame, scenario: Scenario) -> dict[str, np.ndarray]:
    people = groups["people"].to_numpy(np.int64)
    if scenario.mode == "walk":
        return {"walk": people}
    if scenario.mode == "drive":
        return {"drive": people}
    drive = np.rint(people * scenario.car_share).astype(np.int64)
    return {"drive": drive, "walk": people - drive}


def route_preference_s(net: RoadNetwork) -> np.ndarray:
    """Extra seconds per edge that keep through traffic on main roads.

    Free-flow shortest paths cut through residential streets; evacuation
    traffic is directed along the main roads, so minor roads count
    :data:`MINOR_ROAD_FACTOR` times their travel time for route choice (drive only).
    """
    if net.mode != "drive":
        return np.zeros(net.n_edges)
    minor = net.edges["highway"].isin(MINOR_ROADS).to_numpy()
    return np.where(minor, (MINOR_ROAD_FACTOR - 1.0) * net.edges["travel_time"].to_numpy(), 0.0)


def _route_and_assign(
    region: Region,
    split: dict[str, np.ndarray],
    origin_xy: np.ndarray,
    site_xy: np.ndarray,
    capacity: np.ndarray,
    closures: list[shapely.Geometry],
) -> tuple[dict, dict, list[tuple[str, int, int]], np.ndarray, np.ndarray]:
    """Trees, attachments, demand rows (mode, origin, people), costs and flows."""
    rows = [(m, i, int(p)) for m, people in split.items() for i, p in enumerate(people) if p > 0]
    trees, attach = {}, {}
    for m in sorted({m for m, _, _ in rows}):
        net = region.network(m)
        closed = routing.closed_edges(net, closures)
        trees[m] = routing.site_trees(net, site_xy, closed=closed, extra_s=route_preference_s(net))
        open_reach = routing.reaches_sites(net, trees[m].site_nodes) if closed.any() else None
        attach[m] = routing.attach_origins(
            trees[m], origin_xy, np.ones(len(site_xy), bool), open_reach=open_reach
        )
    cost = np.full((len(rows), len(site_xy)), np.inf)
    for r, (m, i, _) in enumerate(rows):
        if (node := attach[m].node[i]) >= 0:
            cost[r] = trees[m].time_s[:, node]
    supply = np.array([p for _, _, p in rows], dtype=np.int64)
    flows = assign(supply, cost, capacity) if rows else np.zeros((0, len(site_xy)), int)
    return trees, attach, rows, cost, flows


def make_plan(
    region: Region,
    scenario: Scenario,
    *,
    registry_sites: gpd.GeoDataFrame | None = None,
) -> Plan:
    """Compute the full evacuation plan for ``scenario`` on ``region``.

    Raises
    ------
    ZoneError, ScenarioError
        For unusable zones and parameters, with what to do about them.
    """
    from geo.registry import load_sites

    scenario.validate()
    warnings: list[Message] = []
    zones = zone_layer(scenario)
    evacuated = zones[zones["evacuated"]]
    if evacuated.empty:
        raise ZoneError(
            "No zone has status evakueringsordre or varsel: nobody is evacuated. "
            "Change a zone's status to plan an evacuation."
        )
    zone = shapely.union_all(evacuated.geometry.to_numpy())
    if not zone.intersects(region.coverage):
        raise ZoneError(
            "The zone lies outside the road data of this region pack (it covers "
            "Snarøya, Fornebu, Lysaker and E18 west to Sandvika's edge). Move the zone "
            "or load a region pack that covers it."
        )
    outside_share = zone.difference(region.coverage).area / zone.area
    if outside_share > 0.01:
        warnings.append(Message("warn.zone_outside_data", {"percent": round(outside_share * 100)}))
    sites, site_reasons, site_warnings = site_table(
        load_sites() if registry_sites is None else registry_sites, scenario, zone
    )
    warnings += site_warnings
    # --- popdata: the population grid of the scenario's vintage ---
    population = choose_population(region, zone, scenario.population_vintage)
    warnings += population.warnings
    groups, group_warnings = evacuee_groups(population.cells, zone, scenario)
    warnings += group_warnings
    total = int(groups["people"].sum())
    if total == 0:
        warnings.append(Message("warn.nobody_lives", {"vintage": population.vintage}))
    avail_idx = np.flatnonzero([why in (None, NO_CAPACITY) for why in site_reasons])
    site_xy = shapely.get_coordinates(sites.geometry.to_numpy())[avail_idx]
    closures = [to_work(shapely.geometry.shape(c)) for c in scenario.closures]
    split = _mode_split(groups, scenario)
    origin_xy = shapely.get_coordinates(groups.geometry.to_numpy())

    capacity = sites["capacity"].to_numpy(np.int64)[avail_idx]
    trees, attach, rows, cost, flows = _route_and_assign(
        region, split, origin_xy, site_xy, capacity, closures
    )

    site_names = sites["name"].to_numpy()[avail_idx]
    evacuees, unreachable = _evacuee_layer(groups, rows, attach, cost, flows, site_names)
    assigned = evacuees[evacuees["status"] == "assigned"]

    routes, paths, curves = _routes_and_clearance(
        trees, attach, rows, flows, groups, site_names, zone, scenario
    )
    catch = catchments(groups, assigned[["origin_id", "site", "people"]])
    per_site = assigned.groupby("site")["people"].sum()
    sites["assigned"] = [int(per_site.get(n, 0)) for n in sites["name"]]
    sites["off_network_m"] = 0.0
    any_trees = next(iter(trees.values()), None)
    if any_trees is not None:
        sites.loc[sites.index[avail_idx], "off_network_m"] = np.round(any_trees.offnet_m, 0)
        for name, d in zip(site_names, any_trees.offnet_m, strict=True):
            if d > 0:
                km = round(d / 1000, 1)
                warnings.append(
                    Message(
                        "warn.site_off_network",
                        {"site": name, "km": km, "factor": routing.DETOUR_FACTOR},
                    )
                )
    # --- popdata: kindergartens in the zone ---
    from geo.kindergartens import load_unlocated_kindergartens
    from geo.registry import load_actors

    kids = kindergartens_in_zone(
        region.kindergartens, zone, load_unlocated_kindergartens(), load_actors()
    )
    warnings += kids.warnings
    summary = _summary(
        region, scenario, zone, evacuees, sites, site_reasons, unreachable, routes, curves, warnings
    )
    # --- popdata: vintage and kindergartens in the summary ---
    summary["population_vintage"] = population.vintage
    summary["assumptions"]["population_source"] = population.source
    summary["kindergartens"] = kids.summary
    summary["actions"] += kids.actions
    return Plan(scenario, zones, evacuees, catch, routes, paths, sites, summary, curves, kids.layer)


#: Columns of the evacuees layer (see ARCHITECTURE.md).
EVACUEE_COLUMNS: Final = (
    "origin_id",
    "mode",
    "source",
    "people",
    "site",
    "status",
    "reason",
    "travel_min",
    "geometry",
)


def _evacuee_layer(
    groups: gpd.GeoDataFrame,
    rows: list[tuple[str, int, int]],
    attach: dict[str, routing.Attachment],
    cost: np.ndarray,
    flows: np.ndarray,
    site_names: np.ndarray,
) -> tuple[gpd.GeoDataFrame, dict[Message, int]]:
    """Origin groups split by status and site; unreachable people per reason."""
    origin_id = groups["origin_id"].to_numpy()
    source = groups["source"].to_numpy()
    geometry = groups.geometry.to_numpy()
    no_room = Message("reason.no_free_capacity").text("en")
    records: list[tuple[Any, ...]] = []
    unreachable: dict[Message, int] = {}
    for r, (mode, i, p) in enumerate(rows):
        base = (int(origin_id[i]), mode, source[i])
        reason = attach[mode].reason[i]
        if reason or not np.isfinite(cost[r]).any():
            reason = reason or Message("reason.no_site_reachable")
            unreachable[reason] = unreachable.get(reason, 0) + p
            records.append((*base, p, "", "unreachable", reason.text("en"), np.nan, geometry[i]))
            continue
        for j in np.flatnonzero(flows[r]):
            minutes = round(cost[r, j] / 60.0, 1)
            records.append(
                (*base, int(flows[r, j]), site_names[j], "assigned", "", minutes, geometry[i])
            )
        rest = p - int(flows[r].sum())
        if rest:
            records.append((*base, rest, "", "unassigned", no_room, np.nan, geometry[i]))
    evacuees = gpd.GeoDataFrame(
        records, columns=list(EVACUEE_COLUMNS), geometry="geometry", crs=settings.WORK_CRS
    )
    evacuees["people"] = evacuees["people"].astype(np.int64)
    return evacuees, unreachable


def _units_per_person(mode: str, scenario: Scenario) -> float:
    """Vehicles per person on the road (cars), or 1 for people on foot."""
    return 1.0 / scenario.persons_per_car if mode == "drive" else 1.0


def _routes_and_clearance(
    trees: dict[str, routing.SiteTrees],
    attach: dict[str, routing.Attachment],
    rows: list[tuple[str, int, int]],
    flows: np.ndarray,
    groups: gpd.GeoDataFrame,
    site_names: np.ndarray,
    zone: shapely.Geometry,
    scenario: Scenario,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, ClearanceCurves]]:
    route_parts, path_rows, curves = [], [], {}
    origin_id = groups["origin_id"].to_numpy()
    for mode, tr in trees.items():
        net = tr.network
        edge_geometry = net.edges.geometry.to_numpy()
        idx = [r for r, row in enumerate(rows) if row[0] == mode]
        nodes = np.array([attach[mode].node[rows[r][1]] for r in idx], dtype=np.int64)
        ok = nodes >= 0
        idx, nodes = [r for r, good in zip(idx, ok, strict=True) if good], nodes[ok]
        f = flows[idx].astype(float) if idx else np.zeros((0, len(site_names)))
        edge_people = tr.edge_loads(nodes, f)
        upp = _units_per_person(mode, scenario)
        used = np.flatnonzero(edge_people > 0)
        part = net.edges.iloc[used][["name", "highway", "capacity_vph", "geometry"]].copy()
        part.insert(0, "mode", mode)
        # Unnamed roads are labelled by class, so maps can name every bottleneck.
        unnamed = part["name"] == ""
        part.loc[unnamed, "name"] = "(" + part.loc[unnamed, "highway"] + ")"
        part["people"] = np.round(edge_people[used], 1)
        part["vehicles"] = np.round(edge_people[used] * upp, 1) if mode == "drive" else 0.0
        part["load_ratio"] = np.round(edge_people[used] * upp / part["capacity_vph"], 3)
        route_parts.append(part)
        for r, node in zip(idx, nodes, strict=True):
            for j in np.flatnonzero(flows[r]):
                geoms = edge_geometry[tr.path_edges(j, int(node))]
                line = shapely.line_merge(shapely.multilinestrings(geoms)) if len(geoms) else None
                path_rows.append(
                    {
                        "origin_id": int(origin_id[rows[r][1]]),
                        "mode": mode,
                        "site": site_names[j],
                        "people": int(flows[r, j]),
                        "travel_min": round(float(tr.time_s[j, node]) / 60.0, 1),
                        "off_network_m": float(tr.offnet_m[j]),
                        "geometry": line,
                    }
                )
        inside = inside_zone_nodes(tr, zone)
        curves[mode] = simulate(tr, nodes, f * upp, scenario.mobilisation, inside)
        curves[mode].units_per_person = upp
    route_cols = [
        "mode",
        "name",
        "highway",
        "capacity_vph",
        "people",
        "vehicles",
        "load_ratio",
        "geometry",
    ]
    routes = (
        gpd.GeoDataFrame(pd.concat(route_parts, ignore_index=True), crs=settings.WORK_CRS)
        if route_parts
        else gpd.GeoDataFrame(columns=route_cols, geometry="geometry", crs=settings.WORK_CRS)
    )
    path_cols = ["origin_id", "mode", "site", "people", "travel_min", "off_network_m", "geometry"]
    paths = gpd.GeoDataFrame(
        path_rows, columns=path_cols, geometry="geometry", crs=settings.WORK_CRS
    )
    return routes, paths, curves


def clearance_minutes(curves: dict[str, ClearanceCurves]) -> dict[str, float | None]:
    """p90/p100 minutes to leave the zone and to reach the sites, over all modes, in people."""
    if not curves or not any(c.total > 0 for c in curves.values()):
        # Nobody travels: there is no clearance time to report, not "0 minutes".
        return {"leave_p90": None, "leave_p100": None, "p90": None, "p100": None}
    end = max(c.t_s[-1] for c in curves.values())
    dt = min(float(c.t_s[1] - c.t_s[0]) if len(c.t_s) > 1 else 10.0 for c in curves.values())
    t = np.arange(0.0, end + dt, dt)

    def people(c: ClearanceCurves, curve: np.ndarray) -> np.ndarray:
        upp = c.units_per_person
        return np.interp(t, c.t_s, curve, right=curve[-1]) / upp

    left = sum(people(c, c.left) for c in curves.values())
    arrived = sum(people(c, c.arrived) for c in curves.values())
    total = sum(c.total / c.units_per_person for c in curves.values())
    merged = ClearanceCurves(t, np.asarray(left), np.asarray(arrived), total)

    def minutes(share: float, *, arrived: bool) -> float | None:
        s = merged.time_for(share, arrived=arrived)
        return None if s is None else round(s / 60.0, 1)

    return {
        "leave_p90": minutes(0.9, arrived=False),
        "leave_p100": minutes(1.0, arrived=False),
        "p90": minutes(0.9, arrived=True),
        "p100": minutes(1.0, arrived=True),
    }


def bottlenecks(routes: gpd.GeoDataFrame, n: int = N_BOTTLENECKS) -> list[dict[str, Any]]:
    """Most loaded roads relative to capacity, one entry per road name."""
    if routes.empty:
        return []
    top = routes.sort_values("load_ratio", ascending=False).drop_duplicates(["name", "mode"])
    return [
        {
            "name": row.name,
            "mode": row.mode,
            "people": float(row.people),
            "vehicles": float(row.vehicles),
            "capacity_vph": float(row.capacity_vph),
            "load_ratio": float(row.load_ratio),
            "hours_at_capacity": round(float(row.load_ratio), 2),
        }
        for row in top.head(n).itertuples()
    ]


def _responsibility(
    region: Region, zone: shapely.Geometry, evacuees_total: int, sites: gpd.GeoDataFrame
) -> Any:
    from geo.registry import load_actors, load_rules
    from planning.presets import touched_presets
    from planning.responsibility import ResponsibilityFacts, assess_responsibility

    hotels = sites[(sites["kind"] == "eps_hotel") & sites["available"]]
    touched = touched_presets(zone)
    facts = ResponsibilityFacts(
        evacuees_total=evacuees_total,
        eps_hotel_capacity=int(hotels["capacity"].sum()),
        evacuees_needing_places=evacuees_total,
        touched_presets=touched,
    )
    return assess_responsibility(
        zone, region.municipalities, region.counties, facts, load_actors(), load_rules()
    )


def _summary(
    region: Region,
    scenario: Scenario,
    zone: shapely.Geometry,
    evacuees: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    site_reasons: list[Message | None],
    unreachable: dict[Message, int],
    routes: gpd.GeoDataFrame,
    curves: dict[str, ClearanceCurves],
    warnings: list[Message],
) -> dict[str, Any]:
    by_status = evacuees.groupby("status")["people"].sum()
    total = int(evacuees["people"].sum())
    assigned = evacuees[evacuees["status"] == "assigned"].groupby("site")["people"].sum()
    unassigned = int(by_status.get("unassigned", 0))
    if unassigned:
        warnings.append(Message("warn.unassigned", {"people": unassigned}))
    if unreachable:
        warnings.append(Message("warn.unreachable", {"people": sum(unreachable.values())}))
    # Reasons in the order of their English text, in every language.
    why_unreachable = sorted(unreachable.items(), key=lambda item: item[0].text("en"))
    resp = _responsibility(region, zone, total, sites)
    clearance = clearance_minutes(curves)
    return {
        "scenario": scenario.name,
        "preset": scenario.preset,
        "exercise": scenario.exercise,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "zone_area_km2": round(zone.area / 1e6, 3),
        "evacuees_total": total,
        "assigned": {str(k): int(v) for k, v in assigned.items()},
        "unassigned": unassigned,
        "unreachable": int(by_status.get("unreachable", 0)),
        "unreachable_reasons": {why.text("en"): int(n) for why, n in why_unreachable},
        "unreachable_reasons_nb": {why.text("nb"): int(n) for why, n in why_unreachable},
        "sites": [
            {
                "name": r.name,
                "capacity": int(r.capacity),
                "capacity_assumed": bool(r.capacity_assumed),
                "available": bool(r.available),
                "reason": r.reason,
                "reason_nb": why.text("nb") if why else "",
                "assigned": int(r.assigned),
                "off_network_m": float(r.off_network_m),
            }
            for r, why in zip(sites.itertuples(), site_reasons, strict=True)
        ],
        "clearance_minutes": clearance,
        "bottlenecks": bottlenecks(routes),
        "municipalities": resp.municipalities,
        "counties": resp.counties,
        "responsible_actors": resp.actors,
        "rules_fired": resp.rules_fired,
        "actions": resp.actions,
        "warnings": texts(warnings, "en"),
        "warnings_nb": texts(warnings, "nb"),
        "assumptions": {
            "population_scale": scenario.population_scale,
            "population_override": scenario.population_override,
            "extra_population": sum(e.people for e in scenario.extra_population),
            "mode": scenario.mode,
            "car_share": scenario.car_share if scenario.mode == "mixed" else None,
            "persons_per_car": scenario.persons_per_car if scenario.mode != "walk" else None,
            "mobilisation_curve": [list(p) for p in scenario.mobilisation],
            "site_capacities_assumed": sites.loc[sites["capacity_assumed"], "name"].tolist(),
            "roads_under_construction": region.include_construction,
            "clearance_model": "point-queue time-expanded flow over assigned routes",
            "clearance_covers": "assigned evacuees (unassigned/unreachable wait in place)",
            "off_network_detour_factor": routing.DETOUR_FACTOR,
            "max_snap_m": routing.MAX_SNAP_M,
            "evacuated_statuses": sorted(EVACUATED_STATUSES),
        },
        "data": {"region": str(region.path), "attribution": settings.ATTRIBUTION},
    }
