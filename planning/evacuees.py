"""Who is in the zone: SSB cells intersecting it (area-weighted) plus extra points."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import from_shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.coords import check_lonlat
from geo.crs import crs
from planning.i18n import Message
from planning.layer_frame import text_array
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
    cell_geoms = cells.geometry.to_numpy()[idx]
    pieces = shapely.intersection(cell_geoms, zone)
    share = shapely.area(pieces) / shapely.area(cell_geoms)
    raw = cells["population"].to_numpy(float)[idx] * share
    keep = raw > 0
    pieces, raw = pieces[keep], raw[keep]
    if scenario.population_override is not None:
        total = int(scenario.population_override)
    else:
        total = round(raw.sum() * scenario.population_scale)
    ssb = _Groups(
        np.full(len(raw), "ssb", dtype=object),
        cells["cell_id"].array[idx[keep]],
        integer_split(raw, total),
        pieces,
        shapely.point_on_surface(pieces),
    )
    warnings: list[Message] = []
    if scenario.extra_population:
        extras, warnings = _extra_groups(scenario, zone)
        ssb = ssb.join(extras)
    g = ssb.take(np.flatnonzero(ssb.people > 0))
    # Built once from arrays: filtering and concatenating frames cost more than the
    # geometry work here (pandas small-frame overheads, issue #8).
    work = crs(settings.WORK_CRS)
    groups = gpd.GeoDataFrame(
        {
            "origin_id": np.arange(len(g.people)),
            "source": text_array(g.source),
            # Without SSB pieces the ids stay untyped (object), as they always were.
            "cell_id": g.cell_id if len(raw) else pd.Series(g.cell_id, dtype=object),
            "people": g.people,
            "piece": from_shapely(g.piece, crs=work),
            "geometry": from_shapely(g.point, crs=work),
        },
        geometry="geometry",
        crs=work,
    )
    return groups, warnings


@dataclass
class _Groups:
    """Origin-group columns before the frame is built."""

    source: np.ndarray
    cell_id: np.ndarray
    people: np.ndarray
    piece: np.ndarray
    point: np.ndarray

    def join(self, other: _Groups) -> _Groups:
        """These groups, then ``other``'s."""
        return _Groups(
            *(np.concatenate([a, b]) for a, b in zip(self.columns, other.columns, strict=True))
        )

    def take(self, rows: np.ndarray) -> _Groups:
        """The groups at ``rows``."""
        return _Groups(*(a[rows] for a in self.columns))

    @property
    def columns(self) -> tuple[np.ndarray, ...]:
        """The columns in field order."""
        return (self.source, self.cell_id, self.people, self.piece, self.point)


def _extra_groups(scenario: Scenario, zone: BaseGeometry) -> tuple[_Groups, list[Message]]:
    """The scenario's extra population points inside the zone, and a warning per other point."""
    rows = scenario.extra_population
    coords = np.array([[e.lon, e.lat] for e in rows], dtype=float)
    check_lonlat(coords, "Extra population point")
    points = np.array([to_work(shapely.Point(xy)) for xy in coords], dtype=object)
    inside = shapely.within(points, zone)
    labels = np.array([e.label for e in rows], dtype=object)
    people = np.array([int(e.people) for e in rows], dtype=np.int64)
    warnings = [
        Message("warn.extra_outside_zone", {"label": label, "people": int(n)})
        for label, n in zip(labels[~inside], people[~inside], strict=True)
    ]
    pieces = np.array([p.buffer(25.0) for p in points[inside]], dtype=object)
    source = np.full(int(inside.sum()), "extra", dtype=object)
    return _Groups(source, labels[inside], people[inside], pieces, points[inside]), warnings
