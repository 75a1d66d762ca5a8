"""A routing workload on the real pack, independent of ``make_plan``.

Everyone in a preset's zone drives (people / persons per car) to the reception
sites, split by the capacity-aware assignment on free-flow times: the v1 plan's
demand, on which the fixed shortest paths overload Skogenbuen. Shared by
``tests/test_flow_routing.py`` and ``bench/bench_plan.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geo.network import RoadNetwork
from geo.region import Region
from geo.registry import load_sites
from planning import routing
from planning.assignment import assign
from planning.clearance import inside_zone_nodes
from planning.evacuees import evacuee_groups
from planning.presets import load_preset
from planning.scenario import Scenario
from planning.zones import zone_geometry

#: Extra route-choice seconds on minor roads (as the plan's main-road preference).
MINOR_ROADS = ("residential", "living_street", "service", "unclassified", "road")


@dataclass
class Demand:
    """Units from origin nodes to destinations, with the trees and the zone."""

    scenario: Scenario
    network: RoadNetwork
    trees: routing.SiteTrees
    origin_node: np.ndarray
    units: np.ndarray
    inside: np.ndarray


def preset_demand(region: Region, preset: str = "snaroya") -> Demand:
    """The drive demand of ``preset`` to the registry's sites."""
    scenario = load_preset(preset)
    zone = shapely.union_all([zone_geometry(z) for z in scenario.zones])
    net = region.network("drive")
    sites = load_sites()
    sites = sites[~sites.geometry.within(zone)].reset_index(drop=True)
    minor = net.edges["highway"].isin(MINOR_ROADS).to_numpy()
    extra = np.where(minor, 0.5 * net.edges["travel_time"].to_numpy(float), 0.0)
    trees = routing.site_trees(net, shapely.get_coordinates(sites.geometry), extra_s=extra)
    groups, _ = evacuee_groups(region.population, zone, scenario)
    attach = routing.attach_origins(
        trees, shapely.get_coordinates(groups.geometry), np.ones(len(sites), bool)
    )
    ok = attach.node >= 0
    node = attach.node[ok]
    people = groups["people"].to_numpy(np.int64)[ok]
    flows = assign(people, trees.time_s[:, node].T, sites["capacity"].to_numpy(np.int64))
    units = flows / scenario.persons_per_car
    return Demand(scenario, net, trees, node, units, inside_zone_nodes(trees, zone))
