"""Catchments: one non-overlapping polygon per site, from the zone pieces it serves."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings


def catchments(groups: gpd.GeoDataFrame, flows: pd.DataFrame) -> gpd.GeoDataFrame:
    """Union of the zone pieces whose evacuees go to each site.

    Parameters
    ----------
    groups
        Origin groups with ``origin_id`` and ``piece`` (polygon in the zone).
    flows
        Assigned people: columns ``origin_id``, ``site``, ``people``.

    Returns
    -------
    GeoDataFrame
        ``site``, ``people`` (assigned people from all pieces), ``split_cells``
        (pieces whose people capacity split between sites; each piece is drawn
        in the catchment of the site that takes most of its people, so polygons
        never overlap) and the polygon.
    """
    cols = ["site", "people", "split_cells", "geometry"]
    if flows.empty:
        return gpd.GeoDataFrame(columns=cols, geometry="geometry", crs=settings.WORK_CRS)
    # numpy on the (origin, site) sums: the pandas version of these steps cost ~10 ms
    # a plan in small-frame overheads (issue #8's warm-plan target).
    per_origin = flows.groupby(["origin_id", "site"])["people"].sum()
    origin = per_origin.index.get_level_values(0).to_numpy()
    site = per_origin.index.get_level_values(1).to_numpy(dtype=object)
    people = per_origin.to_numpy(dtype=float)
    first = np.flatnonzero(np.r_[True, origin[1:] != origin[:-1]])
    sizes = np.diff(np.r_[first, len(origin)])  # sites per origin
    split = sizes > 1
    # Each origin's major site: most people, ties to the first site (the sums are sorted
    # by origin, then site; lexsort is stable).
    order = np.lexsort((-people, origin))
    major = site[order[first]]
    split_of = np.repeat(split, sizes)
    piece_of = dict(zip(groups["origin_id"].to_numpy(), groups["piece"].to_numpy(), strict=True))
    owners = origin[first]
    rows = []
    # pandas' (compensated) sum per site, as before: int() truncates, so the float sum
    # must not change.
    for name, total in per_origin.groupby(level="site").sum().items():
        here = site == name
        owned = owners[major == name]
        geom = shapely.union_all([piece_of[o] for o in owned]) if len(owned) else None
        rows.append(
            {
                "site": name,
                "people": int(total),
                "split_cells": int(split_of[here].sum()),
                "geometry": geom if geom is not None and not geom.is_empty else None,
            }
        )
    out = gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=settings.WORK_CRS)
    out["people"] = out["people"].astype(np.int64)
    return out
