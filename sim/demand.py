"""The plan's car demand as SUMO trips: one vehicle per car, departures from the curve.

Each origin group of the plan becomes ``people / persons_per_car`` cars, rounded
so the total is the rounded total (largest remainders) and no group with people
loses its last car; the group's cars are shared over its paths (one per
destination and route) in proportion to their people. Each origin
group's cars depart at the quantiles of the scenario's mobilisation curve, the
same release the fast estimate uses, with no random numbers: car ``i`` of ``n``
leaves when the curve reaches ``(i + 0.5) / n``; the group's paths share them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from geo.errors import ScenarioError
from planning.routing import OFF_NETWORK_KPH
from sim.network import SumoNet

if TYPE_CHECKING:
    import geopandas as gpd

#: Search radius for the SUMO edge nearest an origin or destination point (m).
SNAP_RADIUS_M = 300.0


@dataclass(frozen=True)
class Car:
    """One simulated car."""

    #: ``g<origin group id>_<car number>``: which origin group the car belongs to.
    vid: str
    depart_s: float
    from_edge: str
    to_edge: str
    #: People this car stands for (the group's people / its cars).
    people: float
    #: Off-network leg after the last edge, as the fast estimate adds it (s).
    offnet_s: float


def car_counts(people: np.ndarray, persons_per_car: float) -> np.ndarray:
    """Integer cars per group: largest remainders, at least one per group with people."""
    exact = np.asarray(people, dtype=float) / persons_per_car
    cars = np.floor(exact).astype(np.int64)
    missing = round(float(exact.sum())) - int(cars.sum())
    if missing > 0:
        order = np.argsort(-(exact - cars), kind="stable")
        cars[order[:missing]] += 1
    return np.where((cars == 0) & (exact > 0), 1, cars)


def departure_times_s(curve: list[tuple[float, float]], n: int) -> np.ndarray:
    """Departure seconds of ``n`` cars at the quantiles ``(i + 0.5) / n`` of ``curve``.

    ``curve`` holds cumulative (minutes, share) pairs as in
    :func:`planning.clearance.departure_fraction`: whoever is not gone by its last
    point leaves at that point.
    """
    minutes = np.array([p[0] for p in curve], dtype=float)
    share = np.array([p[1] for p in curve], dtype=float)
    q = (np.arange(n) + 0.5) / max(n, 1)
    i = np.searchsorted(share, q, side="left")
    out = np.full(n, minutes[-1])
    inner = (i > 0) & (i < len(share))
    lo, hi = i[inner] - 1, i[inner]
    frac = (q[inner] - share[lo]) / (share[hi] - share[lo])
    out[inner] = minutes[lo] + frac * (minutes[hi] - minutes[lo])
    out[i == 0] = minutes[0]
    return np.round(out * 60.0, 1)


def spread_slots(counts: np.ndarray) -> np.ndarray:
    """Path index of each of ``counts.sum()`` departure slots, each path's slots spread out.

    A group's cars depart at the quantiles of the curve; its paths (traffic split
    around queues) share those departures in proportion, early and late alike
    (sequential apportionment: the path furthest behind its share takes the next slot).
    """
    total = int(counts.sum())
    out = np.empty(total, dtype=np.int64)
    given = np.zeros(len(counts), dtype=np.int64)
    for i in range(total):
        deficit = counts * (i + 1) / total - given
        deficit[given >= counts] = -np.inf
        out[i] = j = int(np.argmax(deficit))
        given[j] += 1
    return out


def cars_from_paths(
    paths: gpd.GeoDataFrame, net: SumoNet, persons_per_car: float, curve: list[tuple[float, float]]
) -> list[Car]:
    """Every car of the plan's drive paths, in departure order.

    The cars of one origin group depart at the quantiles of ``curve`` over the
    whole group, so the release matches the fast estimate's however many paths
    the group's traffic is split over.

    Parameters
    ----------
    paths
        ``Plan.paths`` rows of mode ``drive`` (origin_id, people, off_network_m, LineString).
    net
        The SUMO network (coordinates in EPSG:25832).

    Raises
    ------
    ScenarioError
        If no SUMO edge lies within :data:`SNAP_RADIUS_M` of a path's start or end.
    """
    people = paths["people"].to_numpy(dtype=float)
    origin = paths["origin_id"].to_numpy()
    groups, group_of = np.unique(origin, return_inverse=True)
    group_people = np.bincount(group_of, weights=people)
    # Cars per origin group (not per path: a split path must not add a car of its own).
    group_cars = car_counts(group_people, persons_per_car)
    ends = [_path_ends(row, net) for row in paths.itertuples()]
    offnet_s = paths["off_network_m"].to_numpy(dtype=float) / (OFF_NETWORK_KPH["drive"] / 3.6)
    cars: list[Car] = []
    for g in range(len(groups)):
        rows = np.flatnonzero(group_of == g)
        per_path = apportion(int(group_cars[g]), people[rows])
        departs = departure_times_s(curve, int(group_cars[g]))
        slot_path = rows[spread_slots(per_path)]
        each = float(group_people[g]) / max(int(group_cars[g]), 1)
        for i, (k, t) in enumerate(zip(slot_path, departs, strict=True)):
            start, end = ends[k]
            cars.append(Car(f"g{groups[g]}_{i}", float(t), start, end, each, float(offnet_s[k])))
    return sorted(cars, key=lambda c: (c.depart_s, c.vid))


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` whole cars over paths in proportion to ``weights`` (largest remainders)."""
    exact = total * weights / weights.sum() if weights.sum() > 0 else np.zeros(len(weights))
    out = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: total - int(out.sum())]] += 1
    return out


def _path_ends(row: Any, net: SumoNet) -> tuple[str, str]:
    """The SUMO edges nearest a path's start and end (error naming the group if none)."""
    coords = shapely.get_coordinates(row.geometry)
    (x0, y0), (x1, y1) = coords[0], coords[-1]
    ends = [net.nearest_edge(x0, y0, SNAP_RADIUS_M), net.nearest_edge(x1, y1, SNAP_RADIUS_M)]
    if ends[0] is None or ends[1] is None:
        raise ScenarioError(
            f"Origin group {row.origin_id}: no SUMO road for cars within "
            f"{SNAP_RADIUS_M:.0f} m of its path's {'start' if ends[0] is None else 'end'}."
        )
    return ends[0], ends[1]


def trips_xml(cars: list[Car]) -> str:
    """SUMO trip definitions (SUMO routes each trip itself at insertion)."""
    root = ET.Element("routes")
    ET.SubElement(root, "vType", id="evac", vClass="passenger")
    for c in cars:
        ET.SubElement(
            root,
            "trip",
            id=c.vid,
            type="evac",
            depart=f"{c.depart_s:.1f}",
            attrib={"from": c.from_edge, "to": c.to_edge},
            departLane="best",
            departSpeed="max",
            departPos="base",
            arrivalPos="max",
        )
    return ET.tostring(root, encoding="unicode")
