"""SUMO's output per car: when it left the zone and when it arrived.

A car *leaves the zone* when it passes the end junction of the edge that
takes it out for the last time (the definition of
:mod:`planning.clearance`, so re-entering traffic is not counted twice):
``--vehroute-output.exit-times`` gives the time each edge was left. It
*arrives* at its tripinfo arrival time plus the plan's off-network leg.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from sim.demand import Car
from sim.network import SumoNet
from sim.run import SumoOutputs


@dataclass
class CarTimes:
    """Per car (in the order of the demand): seconds, ``inf`` when it never happened."""

    leave_s: np.ndarray
    arrive_s: np.ndarray
    people: np.ndarray
    #: Cars SUMO loaded but never inserted (no route between their edges).
    not_inserted: int
    #: Cars inserted that did not arrive.
    not_arrived: int
    #: Teleports (a car stuck in a jam jumps ahead; SUMO statistics).
    teleports: int


def _iter_elements(path: Path, tag: str) -> Iterator[ET.Element]:
    """Elements ``tag`` of a SUMO output file, streamed (files grow with the demand)."""
    for _event, elem in ET.iterparse(path, events=("end",)):
        if elem.tag == tag:
            yield elem
            elem.clear()


def _final_route(vehicle: ET.Element) -> ET.Element | None:
    """The route the car drove last (after reroutes, the last one listed)."""
    routes = list(vehicle.iter("route"))
    return routes[-1] if routes else None


def leave_time(
    edges: list[str], exits: list[float], depart: float, net: SumoNet, zone: BaseGeometry
) -> float:
    """Seconds when a car that drove ``edges`` (left at ``exits``) passed out of the zone."""
    inside_end = [zone.contains(shapely.Point(net.to_xy[e])) for e in edges]
    last_inside = max((i for i, inside in enumerate(inside_end) if inside), default=-1)
    if last_inside < 0 and not zone.contains(shapely.Point(net.from_xy[edges[0]])):
        return depart
    # The edge after the last junction inside the zone crosses the boundary.
    k = min(last_inside + 1, len(edges) - 1)
    return exits[k] if k < len(exits) and exits[k] >= 0 else np.inf


def read_times(out: SumoOutputs, cars: list[Car], net: SumoNet, zone: BaseGeometry) -> CarTimes:
    """Leave and arrival seconds of every car, from SUMO's output files."""
    shapely.prepare(zone)
    index = {c.vid: i for i, c in enumerate(cars)}
    leave = np.full(len(cars), np.inf)
    arrive = np.full(len(cars), np.inf)
    seen = np.zeros(len(cars), dtype=bool)
    for veh in _iter_elements(out.vehroute, "vehicle"):
        i = index.get(veh.get("id", ""))
        route = _final_route(veh)
        if i is None or route is None:
            continue
        seen[i] = True
        edges = route.get("edges", "").split()
        exits = [float(t) for t in route.get("exitTimes", "").split()]
        if edges:
            leave[i] = leave_time(edges, exits, float(veh.get("depart", "nan")), net, zone)
    for trip in _iter_elements(out.tripinfo, "tripinfo"):
        i = index.get(trip.get("id", ""))
        t = float(trip.get("arrival", "-1"))
        if i is not None and t >= 0:
            seen[i] = True
            arrive[i] = t + cars[i].offnet_s
    stats = ET.parse(out.statistics).getroot().find("teleports")
    teleports = int(stats.get("total", "0")) if stats is not None else 0
    return CarTimes(
        leave_s=leave,
        arrive_s=arrive,
        people=np.array([c.people for c in cars]),
        not_inserted=int((~seen).sum()),
        not_arrived=int((seen & ~np.isfinite(arrive)).sum()),
        teleports=teleports,
    )


def weighted_time(times_s: np.ndarray, weights: np.ndarray, share: float) -> float | None:
    """Seconds until ``share`` of the weight is done (None if that never happens).

    Same rule as :meth:`planning.clearance.ClearanceCurves.time_for`: the first
    time the cumulative people reach ``share`` of all people.
    """
    if weights.sum() <= 0:
        return None
    order = np.argsort(times_s, kind="stable")
    cum = np.cumsum(weights[order])
    hit = int(np.searchsorted(cum, share * cum[-1] - 1e-6, side="left"))
    t = float(times_s[order][min(hit, len(order) - 1)])
    return t if np.isfinite(t) else None
