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
    per_origin = flows.groupby(["origin_id", "site"])["people"].sum().reset_index()
    n_sites = per_origin.groupby("origin_id")["site"].nunique()
    ranked = per_origin.sort_values(["origin_id", "people"], ascending=[True, False])
    major = ranked.drop_duplicates("origin_id").set_index("origin_id")["site"]
    piece_of = groups.set_index("origin_id")["piece"]
    rows = []
    for site, people in per_origin.groupby("site")["people"].sum().items():
        owned = major.index[major.to_numpy() == site]
        served = per_origin.loc[per_origin["site"] == site, "origin_id"]
        geom = shapely.union_all(piece_of.loc[owned].to_numpy()) if len(owned) else None
        rows.append(
            {
                "site": site,
                "people": int(people),
                "split_cells": int((n_sites.loc[served] > 1).sum()),
                "geometry": geom if geom is not None and not geom.is_empty else None,
            }
        )
    out = gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=settings.WORK_CRS)
    out["people"] = out["people"].astype(np.int64)
    return out
