"""Reception sites of one scenario: registry sites plus ad-hoc sites, with availability."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.coords import check_lonlat
from geo.crs import crs
from geo.errors import ScenarioError
from geo.registry import NORWAY_BBOX
from planning.i18n import Message
from planning.scenario import Scenario
from planning.zones import to_work

#: Site reason for a zero capacity: the site is still routed to (its seekers
#: become "unassigned", not an error), unlike a deactivated site or one in the zone.
NO_CAPACITY = Message("reason.site_no_capacity")
#: Provenance of a site the planner added to the scenario.
ADDED_PROVENANCE = "added in the scenario by the planner"


def added_sites(scenario: Scenario, known: set[str]) -> gpd.GeoDataFrame:
    """The scenario's ad-hoc sites as registry-like rows (EPSG:25832).

    Their capacity is the planner's own figure, so it is not *assumed*.

    Raises
    ------
    ScenarioError
        If a name repeats or clashes with a registry site.
    ZoneError
        If coordinates are not plausible lon/lat (e.g. swapped).
    """
    rows: list[dict[str, Any]] = []
    seen = {n.casefold() for n in known}
    for a in scenario.added_sites:
        if a.name.strip().casefold() in seen:
            raise ScenarioError(
                f"Added site {a.name!r}: the name is already used by another site; "
                "give it a unique name."
            )
        seen.add(a.name.strip().casefold())
        check_lonlat(np.array([[a.lon, a.lat]], dtype=float), f"Added site {a.name!r}")
        x0, y0, x1, y1 = NORWAY_BBOX
        if not (x0 <= a.lon <= x1 and y0 <= a.lat <= y1):
            raise ScenarioError(
                f"Added site {a.name!r}: lon {a.lon}, lat {a.lat} is outside Norway "
                f"(lon {x0}..{x1}, lat {y0}..{y1}); check the coordinates."
            )
        rows.append(
            {
                "name": a.name.strip(),
                "alt_names": [],
                "kind": a.kind,
                "address": "",
                "capacity": int(a.capacity),
                "capacity_assumed": False,
                "capacity_note": "set by the planner",
                "agreement": "",
                "precision_m": 0.0,
                "provenance": ADDED_PROVENANCE,
                "municipality": "",
                "geometry": to_work(shapely.Point(a.lon, a.lat)),
            }
        )
    if not rows:
        return gpd.GeoDataFrame(geometry=[], crs=crs(settings.WORK_CRS))
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs(settings.WORK_CRS))


def _all_sites(
    registry: gpd.GeoDataFrame, scenario: Scenario
) -> tuple[gpd.GeoDataFrame, list[bool]]:
    """Registry sites then added ones (overrides may name either), and which were added."""
    base = registry
    extra = added_sites(scenario, set(registry["name"])) if scenario.added_sites else None
    if extra is not None and not extra.empty:
        extra["added"] = True
        base = gpd.GeoDataFrame(
            pd.concat([registry.assign(added=False), extra], ignore_index=True),
            crs=crs(settings.WORK_CRS),
        )
    added = base["added"].tolist() if base is not registry else [False] * len(base)
    known = set(base["name"])
    unknown = sorted(set(scenario.sites) - known)
    if unknown:
        raise ScenarioError(
            f"Unknown site(s) {', '.join(unknown)}: known sites are {', '.join(sorted(known))}."
        )
    return base, added


def site_table(
    registry: gpd.GeoDataFrame, scenario: Scenario, zone: BaseGeometry
) -> tuple[gpd.GeoDataFrame, list[Message | None], list[Message]]:
    """Reception sites with this scenario's availability and capacity.

    A site inside the zone (registry or added) is unavailable, with a warning
    saying so; sites with capacity 0 are still routed, so "what if nobody can
    be received" gives a plan with every reception seeker unassigned.

    Returns
    -------
    GeoDataFrame
        The sites (``added`` marks ad-hoc ones), with ``reason`` in English
        ("" when available).
    list of Message or None
        Each site's reason as a message (None when available).
    list of Message
        Warnings.
    """
    sites, added = _all_sites(registry, scenario)
    warnings: list[Message] = []
    active, capacity, assumed, reasons = [], [], [], []
    # Plain lists: reading a few rows through ``itertuples`` costs more than the checks.
    rows = zip(
        sites["name"].tolist(),
        sites["capacity"].tolist(),
        sites["capacity_assumed"].tolist(),
        sites.geometry.to_numpy(),
        strict=True,
    )
    for name, site_capacity, site_assumed, geometry in rows:
        o = scenario.sites.get(name)
        is_active = o.active if o else True
        cap = o.capacity if o and o.capacity is not None else int(site_capacity)
        why = None
        if not is_active:
            why = Message("reason.site_deactivated")
        elif zone.contains(geometry):
            why = Message("reason.site_inside_zone")
            warnings.append(Message("warn.site_inside_zone", {"site": name}))
        elif cap <= 0:
            why = NO_CAPACITY
            warnings.append(Message("warn.site_no_capacity", {"site": name}))
        active.append(is_active)
        capacity.append(int(cap))
        assumed.append(bool(site_assumed) and not (o and o.capacity is not None))
        reasons.append(why)
    # One new frame, as ``sites.assign(...)`` would give: setting column by column
    # costs more than the rest of the table.
    columns: dict[str, Any] = {c: sites[c].array for c in sites.columns}
    columns.update(
        added=added,
        active=active,
        capacity=capacity,
        capacity_assumed=assumed,
        available=[why is None for why in reasons],
        reason=[why.text("en") if why else "" for why in reasons],
    )
    table = gpd.GeoDataFrame(
        columns, index=sites.index, geometry=sites.geometry.name, crs=sites.crs
    )
    return table, reasons, warnings


def routed_sites(reasons: list[Message | None]) -> np.ndarray:
    """Indices of the sites evacuees are routed to: available ones and those with capacity 0."""
    return np.flatnonzero([why in (None, NO_CAPACITY) for why in reasons]).astype(np.int64)
