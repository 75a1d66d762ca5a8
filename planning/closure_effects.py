"""What each road closure of a scenario cuts: road names, length, and closures that cut nothing."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import crs
from geo.network import RoadNetwork
from planning import routing
from planning.i18n import Message, road_class_name, t

#: Columns of the closures layer.
CLOSURE_COLUMNS = ("label", "roads_cut", "length_m", "geometry")


def edge_names(net: RoadNetwork, lang: str = "nb") -> np.ndarray:
    """Display name per edge: the road name, or its class in brackets (``(boligvei)``).

    Built once per network and language (:meth:`geo.network.RoadNetwork.derived`).
    """
    return net.derived(("edge_names", lang), functools.partial(_edge_names, net, lang))


def _edge_names(net: RoadNetwork, lang: str) -> np.ndarray:
    names = net.edges["name"].to_numpy(dtype=object).copy()
    unnamed = names == ""
    classes = net.edges["highway"].to_numpy(dtype=object)[unnamed]
    names[unnamed] = [f"({road_class_name(str(c), lang)})" for c in classes]
    return np.asarray(names)


def road_length_m(net: RoadNetwork, edges: np.ndarray) -> float:
    """Length of road the directed ``edges`` cover, each two-way link counted once."""
    if len(edges) == 0:
        return 0.0
    u, v = net.edge_u[edges], net.edge_v[edges]
    key = np.minimum(u, v) * net.n_nodes + np.maximum(u, v)
    length = net.edges["length"].to_numpy(float)[edges]
    _, first = np.unique(key, return_index=True)
    return float(length[first].sum())


def closure_label(closure: dict[str, Any], n: int) -> str:
    """A closure's label: its ``label``/``name`` property if it has one, else ``Stengning n``."""
    props = closure.get("properties")
    if not isinstance(props, dict):
        props = {}
    for key in ("label", "name"):
        value = closure.get(key) or props.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return t("closure.label", "nb", n=n)


@functools.cache
def _empty_layer() -> gpd.GeoDataFrame:
    """A closures layer without rows; never handed out itself, only copies."""
    return _layer([])


def _layer(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The closures layer of ``rows`` (dicts with :data:`CLOSURE_COLUMNS`)."""
    return gpd.GeoDataFrame(
        rows, columns=list(CLOSURE_COLUMNS), geometry="geometry", crs=crs(settings.WORK_CRS)
    )


def closures_layer(
    closures: Sequence[dict[str, Any]],
    geometries: Sequence[BaseGeometry],
    networks: Sequence[RoadNetwork],
) -> tuple[gpd.GeoDataFrame, list[Message]]:
    """One row per closure with the roads it cuts; a warning for each that cuts none.

    ``roads_cut`` is the sorted road names joined by ``"; "`` (the plan summary
    holds them as a list).

    Parameters
    ----------
    closures
        The scenario's closures as given (GeoJSON, for labels).
    geometries
        The same closures in EPSG:25832.
    networks
        The networks the plan routes on (a closure counts if it cuts any of them).
    """
    if not closures and not geometries:
        # Most plans close no road: copy a built empty layer (building one costs ~0.7 ms).
        return _empty_layer().copy(), []
    rows, warnings = [], []
    for n, (raw, geom) in enumerate(zip(closures, geometries, strict=True), start=1):
        label = closure_label(raw, n)
        roads: set[str] = set()
        length = 0.0
        for net in networks:
            cut = np.flatnonzero(routing.closed_edges(net, [geom]))
            roads |= set(edge_names(net)[cut])
            length = max(length, road_length_m(net, cut))
        if not roads:
            warnings.append(Message("warn.closure_cuts_nothing", {"label": label}))
        rows.append(
            {
                "label": label,
                # One text per cell, so GeoPackage/GeoJSON exports can hold it.
                "roads_cut": "; ".join(sorted(roads)),
                "length_m": round(length, 1),
                "geometry": geom,
            }
        )
    return _layer(rows), warnings
