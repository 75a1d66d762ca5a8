"""From a scenario to a plan: who leaves how, who goes where, how long it takes, who is in charge.

:func:`make_plan` is the one entry point the app, the CLI and the exports use.

Evacuation model v2 (issue #8, see :mod:`planning.destinations`): everybody
leaves the zone to the quickest safe exit; a share (``reception_share``) seeks
a reception place and is assigned capacity-aware. The plan never drops people:
``assigned + own_arrangements + unassigned + unreachable == evacuees_total``
always holds, and every unreachable group carries its reason. Unassigned
people (wanted a reception place, none free) still leave via the exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import crs
from geo.errors import ZoneError
from geo.network import RoadNetwork
from geo.region import Region
from geo.registry import Registry
from planning import routing
from planning.assignment import assign
from planning.catchments import assigned_flows, catchments, people_per_site
from planning.clearance import ClearanceCurves
from planning.closure_effects import closures_layer, edge_names
from planning.destinations import (
    ExitNodes,
    exit_nodes,
    exits_layer,
    reception_seekers,
)
from planning.evacuees import evacuee_groups
from planning.i18n import Message
from planning.kindergartens import KindergartenCheck, kindergartens_in_zone
from planning.kindergartens import empty_layer as empty_kindergarten_layer
from planning.plan_layers import (
    ExitTrips,
    evacuee_layer,
    exit_trips,
    exits_for,
    mode_flows,
    paths_layer,
    route_people,
    routes_layer,
)
from planning.plan_summary import SummaryInputs, clearance_runs, summarise
from planning.population_vintage import choose_population
from planning.scenario import Scenario
from planning.site_table import routed_sites, site_table
from planning.spof import FailurePoint, failure_points
from planning.summary_model import PlanSummary
from planning.zones import EVACUATED_STATUSES, closure_geometry, to_map, zone_geometry

#: Road classes evacuation traffic avoids for through routes, and the factor
#: on their travel time for route choice (assumption: traffic management).
MINOR_ROADS = frozenset({"residential", "living_street", "service", "unclassified", "road"})
MINOR_ROAD_FACTOR = 1.5


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=settings.WORK_CRS)


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
    summary: PlanSummary
    curves: dict[str, ClearanceCurves] = field(default_factory=dict, repr=False)
    exits: gpd.GeoDataFrame = field(
        default_factory=lambda: _empty(["name", "name_en", "road", "data_edge", "people"])
    )
    closures: gpd.GeoDataFrame = field(
        default_factory=lambda: _empty(["label", "roads_cut", "length_m"])
    )
    kindergartens: gpd.GeoDataFrame = field(default_factory=empty_kindergarten_layer)

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The exportable layers by name."""
        return {
            "zone": self.zone,
            "evacuees": self.evacuees,
            "catchments": self.catchments,
            "routes": self.routes,
            "paths": self.paths,
            "sites": self.sites,
            "exits": self.exits,
            "closures": self.closures,
            "kindergartens": self.kindergartens,
        }


def zone_layer(scenario: Scenario) -> gpd.GeoDataFrame:
    """Every zone of the scenario (all statuses) as a layer."""
    zones = scenario.zones
    if not zones:
        raise ZoneError("The scenario has no zone: draw one, upload a file or pick a preset.")
    # Built from columns with the shared CRS object: cheaper than from rows and a CRS name.
    columns = {
        "label": [z.label for z in zones],
        "status": [z.status for z in zones],
        "kind": [z.kind for z in zones],
        "evacuated": [z.status in EVACUATED_STATUSES for z in zones],
        "geometry": [zone_geometry(z) for z in zones],
    }
    return gpd.GeoDataFrame(columns, geometry="geometry", crs=crs(settings.WORK_CRS))


def region_extent(region: Region) -> str:
    """The road data's extent in lon/lat, for messages (``lon 10.56-10.64, lat 59.87-59.91``)."""
    x0, y0, x1, y1 = to_map(region.coverage).bounds
    return f"lon {x0:.2f}–{x1:.2f}, lat {y0:.2f}–{y1:.2f}"


def evacuated_area(zones: gpd.GeoDataFrame, region: Region) -> BaseGeometry:
    """Union of the evacuated zones.

    Raises
    ------
    ZoneError
        If no zone is evacuated, or the area lies outside the road data and on
        land (a zone at sea outside the data gives an empty plan with a warning).
    """
    evacuated = zones.geometry.to_numpy()[zones["evacuated"].to_numpy(bool)]
    if not len(evacuated):
        raise ZoneError(
            "No zone has status evakueringsordre or varsel: nobody is evacuated. "
            "Change a zone's status to plan an evacuation."
        )
    zone = shapely.union_all(evacuated)
    if not zone.intersects(region.coverage) and touches_land(zone, region):
        text = Message("warn.outside_region", {"extent": region_extent(region)}).text("en")
        raise ZoneError(text)
    return zone


def touches_land(zone: BaseGeometry, region: Region) -> bool:
    """True if the zone reaches into any municipality of the region pack."""
    m = region.municipalities
    return bool(len(m.sindex.query(zone, predicate="intersects")))


def route_preference_s(net: RoadNetwork) -> np.ndarray:
    """Extra seconds per edge that keep through traffic on main roads.

    Free-flow shortest paths cut through residential streets; evacuation
    traffic is directed along the main roads, so minor roads count
    :data:`MINOR_ROAD_FACTOR` times their travel time for route choice (drive only).
    """
    return net.derived(("route_preference_s", MINOR_ROAD_FACTOR), lambda: _preference(net))


def _preference(net: RoadNetwork) -> np.ndarray:
    if net.mode != "drive":
        return np.zeros(net.n_edges)
    minor = np.isin(net.edge_highway, list(MINOR_ROADS))
    extra = np.where(minor, (MINOR_ROAD_FACTOR - 1.0) * net.travel_time_s, 0.0)
    extra.flags.writeable = False  # shared by every plan on this network
    return extra


@dataclass
class Demand:
    """Demand rows: one per (travel mode, origin group) with people in it."""

    mode: np.ndarray  # str per row
    origin: np.ndarray  # origin group index per row
    people: np.ndarray  # people per row
    seekers: np.ndarray  # of them, seeking a reception place


def demand_rows(groups: gpd.GeoDataFrame, scenario: Scenario) -> Demand:
    """Split each origin group by travel mode, then into reception seekers and the rest."""
    people = groups["people"].to_numpy(np.int64)
    if scenario.mode == "mixed":
        drive = np.rint(people * scenario.car_share).astype(np.int64)
        split = {"drive": drive, "walk": people - drive}
    else:
        split = {scenario.mode: people}
    modes, origins, counts = [], [], []
    for mode, values in split.items():
        keep = np.flatnonzero(values > 0)
        modes += [mode] * len(keep)
        origins.append(keep)
        counts.append(values[keep])
    origin = np.concatenate(origins) if origins else np.zeros(0, np.int64)
    count = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    return Demand(
        np.array(modes, dtype=object),
        origin.astype(np.int64),
        count.astype(np.int64),
        reception_seekers(count, scenario.reception_share),
    )


@dataclass
class ModeRoutes:
    """Routing of one travel mode: trees to the sites then the exits (last row)."""

    trees: routing.SiteTrees
    attach: routing.Attachment
    exits: ExitNodes
    closed: np.ndarray


def route_mode(
    net: RoadNetwork,
    site_xy: np.ndarray,
    zone: BaseGeometry,
    scenario: Scenario,
    closures: list[BaseGeometry],
    origin_xy: np.ndarray,
) -> ModeRoutes:
    """Trees to every routed site and to the safe exits, and where origins join the network.

    Origins join the nearest node that reaches a safe exit: leaving is what
    everybody must do; reception sites are looked up from that node.
    """
    closed = routing.closed_edges(net, closures)
    prefer = route_preference_s(net)
    exits = exit_nodes(net, zone, scenario.exit_buffer_m)
    if len(exits.nodes) == 0:
        raise ZoneError(
            f"The zone plus its {scenario.exit_buffer_m:.0f} m safety distance covers all of "
            "the road data: there is no safe exit. Reduce the exit buffer or load a region "
            "pack that reaches beyond the zone."
        )
    # The sites, then the exits as one destination, in one set of searches.
    trees = routing.site_trees(net, site_xy, closed=closed, extra_s=prefer, also=[exits.nodes])
    active = np.zeros(len(trees.site_nodes), dtype=bool)
    active[-1] = True
    open_reach = routing.reaches_sites(net, exits.nodes) if closed.any() else None
    attach = routing.attach_origins(trees, origin_xy, active, open_reach=open_reach)
    return ModeRoutes(trees, attach, exits, closed)


def assign_rows(
    demand: Demand, routes: dict[str, ModeRoutes], capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Free-flow cost to each site per row, and the flows: sites, then the exit column.

    Reception seekers are assigned to sites (HiGHS transportation problem);
    everybody else of a reachable row, and every seeker without a place, goes
    to the exit column. Unreachable rows get no flow.
    """
    k = len(capacity)
    cost = np.full((len(demand.people), k), np.inf)
    reach = np.zeros(len(demand.people), dtype=bool)
    for mode, mr in routes.items():
        rows = np.flatnonzero(demand.mode == mode)
        node = mr.attach.node[demand.origin[rows]]
        ok = node >= 0
        reach[rows[ok]] = True
        cost[rows[ok]] = mr.trees.time_s[:k, node[ok]].T
    seekers = np.where(reach, demand.seekers, 0)
    site_flows = (
        assign(seekers, cost, capacity) if k and len(seekers) else np.zeros((len(seekers), k), int)
    )
    exit_flow = np.where(reach, demand.people - site_flows.sum(axis=1), 0)
    return cost, np.column_stack([site_flows, exit_flow]).astype(np.int64)


def make_plan(scenario: Scenario, region: Region, registry: Registry) -> Plan:
    """Compute the full evacuation plan for ``scenario`` on ``region``.

    Parameters
    ----------
    scenario
        What happens and every assumption.
    region
        The region pack (roads, population, boundaries).
    registry
        Sites, actors, rules and preset areas, loaded once by the caller with
        :func:`geo.registry.load_registry`: planning reads no files.

    Raises
    ------
    ZoneError, ScenarioError
        For unusable zones and parameters, with what to do about them.
    """
    scenario.validate()
    zones = zone_layer(scenario)
    zone = evacuated_area(zones, region)
    sites, site_reasons, warnings = site_table(registry.sites, scenario, zone)
    population = choose_population(region, zone, scenario.population_vintage)
    warnings += population.warnings
    groups, group_warnings = evacuee_groups(population.cells, zone, scenario)
    warnings += group_warnings
    routed = routed_sites(site_reasons)
    closure_geoms = [closure_geometry(c, i) for i, c in enumerate(scenario.closures)]
    demand = demand_rows(groups, scenario)
    routes = _route_modes(region, scenario, zone, sites, routed, groups, demand, closure_geoms)
    cost, flows = assign_rows(demand, routes, sites["capacity"].to_numpy(np.int64)[routed])
    site_names = sites["name"].to_numpy()[routed]
    traffic = mode_flows(demand, routes, flows, zone, scenario)
    od = {mode: mf.routes.od_paths() for mode, mf in traffic.items()}
    trips = exit_trips(traffic, od, len(site_names))
    exit_names = exits_for(demand, routes, trips, zone)
    evacuees, unreachable = evacuee_layer(
        groups, demand, routes, cost, flows, site_names, exit_names, zone
    )
    spofs = _failure_points(demand, routes, flows, route_people(traffic))
    route_layer = routes_layer(traffic, _failure_edges(spofs))
    paths = paths_layer(groups, demand, traffic, od, site_names, zone)
    curves, ranges = clearance_runs(traffic, scenario)
    networks = [mr.trees.network for mr in routes.values()]
    closures, closure_warnings = closures_layer(scenario.closures, closure_geoms, networks)
    warnings += closure_warnings
    assigned = assigned_flows(evacuees)
    catch = catchments(groups, assigned)
    sites["assigned"] = people_per_site(assigned, sites["name"].to_numpy())
    _off_network(sites, routed, routes, warnings)
    exits = _exits(trips, routes, zone)
    kids = kindergartens_in_zone(
        region.kindergartens, zone, registry.unlocated_kindergartens, registry.actors
    )
    warnings += kids.warnings
    summary = summarise(
        SummaryInputs(
            region=region,
            registry=registry,
            scenario=scenario,
            zone=zone,
            evacuees=evacuees,
            sites=sites,
            site_reasons=site_reasons,
            unreachable=unreachable,
            routes=route_layer,
            curves=curves,
            ranges=ranges,
            exits=exits,
            closures=closures,
            spofs=spofs,
            warnings=warnings,
            population=population,
        )
    )
    _add_kindergartens(summary, kids)
    return Plan(
        scenario=scenario,
        zone=zones,
        evacuees=evacuees,
        catchments=catch,
        routes=route_layer,
        paths=paths,
        sites=sites,
        summary=summary,
        curves=curves,
        exits=exits,
        closures=closures,
        kindergartens=kids.layer,
    )


def _add_kindergartens(summary: PlanSummary, kids: KindergartenCheck) -> None:
    """The kindergartens in the zone and the municipality's action for them."""
    summary["kindergartens"] = kids.summary
    summary["actions"] += kids.actions


def _route_modes(
    region: Region,
    scenario: Scenario,
    zone: BaseGeometry,
    sites: gpd.GeoDataFrame,
    routed: np.ndarray,
    groups: gpd.GeoDataFrame,
    demand: Demand,
    closures: list[BaseGeometry],
) -> dict[str, ModeRoutes]:
    """Routing per travel mode in use (the scenario's mode when nobody travels)."""
    site_xy = shapely.get_coordinates(sites.geometry.to_numpy())[routed]
    origin_xy = shapely.get_coordinates(groups.geometry.to_numpy())
    modes = sorted(set(demand.mode)) or [scenario.mode if scenario.mode != "mixed" else "drive"]
    return {
        m: route_mode(region.network(m), site_xy, zone, scenario, closures, origin_xy)
        for m in modes
    }


def _exits(
    trips: dict[str, ExitTrips], routes: dict[str, ModeRoutes], zone: BaseGeometry
) -> gpd.GeoDataFrame:
    """The exits layer from where every mode's exit-goers leave."""
    per_mode = []
    for mode, t in trips.items():
        net = routes[mode].trees.network
        exits = routes[mode].exits
        at_edge = np.zeros(net.n_nodes, dtype=bool)
        at_edge[exits.nodes[exits.data_edge]] = True
        per_mode.append((net, t.node, t.people, at_edge))
    return exits_layer(per_mode, zone)


def _failure_points(
    demand: Demand,
    routes: dict[str, ModeRoutes],
    flows: np.ndarray,
    edge_people: dict[str, np.ndarray],
) -> list[tuple[str, FailurePoint]]:
    """Single points of failure of every travelling mode, most people cut off first."""
    out = []
    for mode, mr in routes.items():
        if mode not in edge_people:
            continue  # nobody of this mode travels
        rows = np.flatnonzero(demand.mode == mode)
        node = mr.attach.node[demand.origin[rows]]
        ok = node >= 0
        net = mr.trees.network
        found = failure_points(
            net,
            mr.trees.weight,
            mr.exits.nodes,
            node[ok],
            flows[rows[ok]].sum(axis=1),
            edge_people[mode],
            edge_names(net),
            # The exits' tree was searched from the same exits on the same weight.
            reach=np.isfinite(mr.trees.time_s[-1]),
        )
        out += [(mode, f) for f in found]
    return sorted(out, key=lambda mf: -mf[1].people_cut_off)


def _failure_edges(spofs: list[tuple[str, FailurePoint]]) -> dict[str, np.ndarray]:
    """The edges of every single point of failure, per mode."""
    out: dict[str, list[np.ndarray]] = {}
    for mode, f in spofs:
        out.setdefault(mode, []).append(f.edges)
    return {mode: np.concatenate(edges) for mode, edges in out.items()}


def _off_network(
    sites: gpd.GeoDataFrame,
    routed: np.ndarray,
    routes: dict[str, ModeRoutes],
    warnings: list[Message],
) -> None:
    """Off-network leg per site (estimated, flagged) from the first mode's trees."""
    first = next(iter(routes.values()), None)
    if first is None or not len(routed):
        sites["off_network_m"] = 0.0
        return
    offnet = first.trees.offnet_m[: len(routed)]
    off_network = np.zeros(len(sites))
    off_network[routed] = np.round(offnet, 0)
    # One column assignment: setting rows through .loc cost a millisecond.
    sites["off_network_m"] = off_network
    for name, d in zip(sites["name"].to_numpy()[routed], offnet, strict=True):
        if d > 0:
            params = {"site": name, "km": round(d / 1000, 1), "factor": routing.DETOUR_FACTOR}
            warnings.append(Message("warn.site_off_network", params))
