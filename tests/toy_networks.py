"""Tiny synthetic road networks with analytic clearance answers."""

from __future__ import annotations

import numpy as np

from geo.network import RoadNetwork, network_from_arrays

ORIGIN = np.array([590_000.0, 6_640_000.0])  # somewhere in EPSG:25832


def bottleneck_line(capacity_vph: float) -> RoadNetwork:
    """Four nodes 1 km apart, two-way; edge 1-2 is the bottleneck; 36 km/h = 100 s/edge."""
    xy = ORIGIN + np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0], [3000.0, 0.0]])
    u = np.array([0, 1, 2, 1, 2, 3])
    v = np.array([1, 2, 3, 0, 1, 2])
    cap = np.array([1e6, capacity_vph, 1e6, 1e6, capacity_vph, 1e6])
    return network_from_arrays(xy, u, v, speed_kph=np.full(6, 36.0), capacity_vph=cap)
