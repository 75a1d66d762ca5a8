"""The plan's car demand as SUMO trips: one vehicle per car, departures from the curve.

Each path of the plan (one origin group and destination) becomes
``people / persons_per_car`` cars, rounded so the total is the rounded total
(largest remainders) and no group with people loses its last car. Each group's
cars depart at the quantiles of the scenario's mobilisation curve, the same
release the fast estimate uses, with no random numbers: car ``i`` of ``n``
leaves when the curve reaches ``(i + 0.5) / n``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from geo.errors import ScenarioError
from planning.routing import OFF_NETWORK_KPH
from sim.network import SumoNet

#: Search radius for the SUMO edge nearest an origin or destination point (m).
SNAP_RADIUS_M = 300.0


@dataclass(frozen=True)
class Car:
    """One simulated car."""

    #: ``g<path row>_<car number>``: which plan path the car belongs to.
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


def cars_from_paths(
    paths: Any, net: SumoNet, persons_per_car: float, curve: list[tuple[float, float]]
) -> list[Car]:
    """Every car of the plan's drive paths, in departure order.

    Parameters
    ----------
    paths
        ``Plan.paths`` rows of mode ``drive`` (people, off_network_m, LineString).
    net
        The SUMO network (coordinates in EPSG:25832).

    Raises
    ------
    ScenarioError
        If no SUMO edge lies within :data:`SNAP_RADIUS_M` of a path's start or end.
    """
    cars: list[Car] = []
    counts = car_counts(paths["people"].to_numpy(), persons_per_car)
    kph = OFF_NETWORK_KPH["drive"]
    for k, (row, n) in enumerate(zip(paths.itertuples(), counts, strict=True)):
        if n == 0:
            continue
        coords = shapely.get_coordinates(row.geometry)
        ends = [
            net.nearest_edge(*coords[0], SNAP_RADIUS_M),
            net.nearest_edge(*coords[-1], SNAP_RADIUS_M),
        ]
        if None in ends:
            raise ScenarioError(
                f"Origin group {row.origin_id}: no SUMO road for cars within "
                f"{SNAP_RADIUS_M:.0f} m of its path's {'start' if ends[0] is None else 'end'}."
            )
        offnet_s = float(row.off_network_m) / (kph / 3.6)
        for i, t in enumerate(departure_times_s(curve, int(n))):
            cars.append(Car(f"g{k}_{i}", float(t), ends[0], ends[1], row.people / n, offnet_s))
    return sorted(cars, key=lambda c: (c.depart_s, c.vid))


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
