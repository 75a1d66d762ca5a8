"""Who is in the zone: SSB cells intersecting it (area-weighted) plus extra points."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.coords import check_lonlat
from planning.i18n import Message
from planning.scenario import Scenario
from planning.zones import to_work


def integer_split(values: np.ndarray, total: int) -> np.ndarray:
    """Round ``values`` to integers summing to ``total`` (largest remainder).

    Nobody is lost or invented by rounding: the result always sums to ``total``.
    """
    values = np.asarray(values, dtype=float)
    if total <= 0 or values.sum() <= 0:
        return np.zeros(len(values), dtype=np.int64)
    scaled = values / values.sum() * total
    base = np.floor(scaled).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(scaled - base), kind="stable")
    base[order[:rest]] += 1
    return np.asarray(base)


def evacuee_groups(
    cells: gpd.GeoDataFrame, zone: BaseGeometry, scenario: Scenario
) -> tuple[gpd.GeoDataFrame, list[Message]]:
    """Origin groups: one per cell piece inside the zone and one per extra point.

    Parameters
    ----------
    cells
        SSB cells (``cell_id``, ``population``, polygon) in EPSG:25832.
    zone
        Evacuated area (EPSG:25832).
    scenario
        Supplies the scale factor, the total override and extra population.

    Returns
    -------
    GeoDataFrame
        ``origin_id``, ``source`` (``ssb`` or ``extra``), ``cell_id``,
        ``people`` (int), ``piece`` (the cell-zone polygon, for catchments) and
        a point geometry inside the piece.
    list of Message
        Warnings (extra population points outside the zone are not evacuated).
    """
    idx = cells.sindex.query(zone, predicate="intersects")
    hit = cells.iloc[idx]
    pieces = shapely.intersection(hit.geometry.to_numpy(), zone)
    share = shapely.area(pieces) / shapely.area(hit.geometry.to_numpy())
    raw = hit["population"].to_numpy(float) * share
    keep = raw > 0
    pieces, raw, cell_ids = pieces[keep], raw[keep], hit["cell_id"].to_numpy()[keep]
    if scenario.population_override is not None:
        total = int(scenario.population_override)
    else:
        total = round(raw.sum() * scenario.population_scale)
    people = integer_split(raw, total)
    groups = gpd.GeoDataFrame(
        {
            "source": "ssb",
            "cell_id": cell_ids,
            "people": people,
            "piece": gpd.GeoSeries(pieces, crs=settings.WORK_CRS),
        },
        geometry=shapely.point_on_surface(pieces),
        crs=settings.WORK_CRS,
    )
    extras = _extra_groups(scenario)
    warnings: list[Message] = []
    if len(extras):
        inside = extras.within(zone)
        for label, people in extras.loc[~inside, ["cell_id", "people"]].itertuples(index=False):
            warnings.append(
                Message("warn.extra_outside_zone", {"label": label, "people": int(people)})
            )
        extras = extras[inside]
    if len(extras):
        groups = gpd.GeoDataFrame(
            gpd.pd.concat([groups, extras], ignore_index=True), crs=settings.WORK_CRS
        )
    groups = groups[groups["people"] > 0].reset_index(drop=True)
    groups.insert(0, "origin_id", np.arange(len(groups)))
    return groups, warnings


def _extra_groups(scenario: Scenario) -> gpd.GeoDataFrame:
    rows = scenario.extra_population
    if not rows:
        return gpd.GeoDataFrame(geometry=[], crs=settings.WORK_CRS)
    coords = np.array([[e.lon, e.lat] for e in rows], dtype=float)
    check_lonlat(coords, "Extra population point")
    points = [to_work(shapely.Point(xy)) for xy in coords]
    return gpd.GeoDataFrame(
        {
            "source": "extra",
            "cell_id": [e.label for e in rows],
            "people": [int(e.people) for e in rows],
            "piece": gpd.GeoSeries([p.buffer(25.0) for p in points], crs=settings.WORK_CRS),
        },
        geometry=points,
        crs=settings.WORK_CRS,
    )
