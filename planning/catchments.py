"""Catchments: one non-overlapping polygon per site, from the zone pieces it serves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from planning.layer_frame import layer_frame


def assigned_flows(evacuees: pd.DataFrame) -> dict[str, np.ndarray]:
    """The assigned rows of an evacuee layer: ``origin_id``, ``site`` and ``people`` arrays.

    Arrays, not a filtered frame: filtering a frame with text columns costs
    milliseconds (issue #8's warm-plan target).
    """
    rows = evacuees["status"].to_numpy(dtype=object) == "assigned"
    return {c: evacuees[c].to_numpy()[rows] for c in ("origin_id", "site", "people")}


def people_per_site(flows: Mapping[str, Any], names: Iterable[str]) -> list[int]:
    """Assigned people per site of ``names`` (0 where nobody goes), from :func:`assigned_flows`."""
    sums: dict[str, int] = {}
    for site, people in zip(list(flows["site"]), list(flows["people"]), strict=True):
        sums[site] = sums.get(site, 0) + int(people)
    return [sums.get(n, 0) for n in names]


def catchments(groups: gpd.GeoDataFrame, flows: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """Union of the zone pieces whose evacuees go to each site.

    Parameters
    ----------
    groups
        Origin groups with ``origin_id`` and ``piece`` (polygon in the zone).
    flows
        Assigned people: columns (a frame, or arrays as from
        :func:`assigned_flows`) ``origin_id``, ``site``, ``people``.

    Returns
    -------
    GeoDataFrame
        ``site``, ``people`` (assigned people from all pieces), ``split_cells``
        (pieces whose people capacity split between sites; each piece is drawn
        in the catchment of the site that takes most of its people, so polygons
        never overlap) and the polygon.
    """
    cols = ["site", "people", "split_cells", "geometry"]
    if not len(flows["site"]):
        return gpd.GeoDataFrame(columns=cols, geometry="geometry", crs=settings.WORK_CRS)
    # numpy on the (origin, site) sums, sorted by origin then site name like a
    # pandas groupby: pandas' small-frame overheads cost ~10 ms a plan (issue #8).
    names, site_of = np.unique(np.asarray(flows["site"], dtype=object), return_inverse=True)
    origin_id = np.asarray(flows["origin_id"], dtype=np.int64)
    pair, at = np.unique(origin_id * len(names) + site_of, return_inverse=True)
    # People are whole numbers, so these float sums are exact.
    people = np.bincount(at, weights=np.asarray(flows["people"], float), minlength=len(pair))
    origin, site = pair // len(names), pair % len(names)
    first = np.flatnonzero(np.r_[True, origin[1:] != origin[:-1]])
    sizes = np.diff(np.r_[first, len(origin)])  # sites per origin
    # Each origin's major site: most people, ties to the first site (lexsort is stable).
    major = site[np.lexsort((-people, origin))[first]]
    ids = groups["origin_id"].to_numpy()
    by_id = np.argsort(ids, kind="stable")
    piece = groups["piece"].to_numpy()[by_id[np.searchsorted(ids, origin[first], sorter=by_id)]]
    k = len(names)
    return layer_frame(
        {
            "site": names,
            "people": np.bincount(site, weights=people, minlength=k).astype(np.int64),
            "split_cells": np.bincount(
                site, weights=np.repeat(sizes > 1, sizes), minlength=k
            ).astype(np.int64),
            "geometry": [_union(piece[major == s]) for s in range(k)],
        },
        text=("site",),
    )


def _union(pieces: np.ndarray) -> BaseGeometry | None:
    """Union of the pieces (None for none or an empty union)."""
    geom = shapely.union_all(pieces) if len(pieces) else None
    return geom if geom is not None and not geom.is_empty else None
