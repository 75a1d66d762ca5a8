"""SSB 250 m population grid: vintages in a pack, cell ids, cell polygons in EPSG:25832.

A region pack may hold several grids in ``population/``, one per vintage (the
year in the file name). A grid covers the whole pack unless its file name names
counties: ``ssb_ru250m_2023_akershus_oslo.csv`` covers Akershus and Oslo only
(county names from ``boundaries/fylker*.geojson``, lower case, æøå as ae/o/a,
spaces as ``_``). :func:`coverage_gap_m2` measures how much of an area lies in
counties a grid does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import transformer
from geo.errors import RegionDataError
from geo.names import slugify

#: Vintage assumed for a grid whose file name carries no year.
DEFAULT_VINTAGE = "2015"
#: An area counts as covered by a county-limited grid if at most this much of it
#: (m², or share of its area, whichever is larger) lies in other counties: the
#: pack's county boundaries are generalised, so neighbours overlap by slivers
#: (50 m x 50 m, as planning.responsibility's MIN_OVERLAP_M2).
COVERAGE_TOLERANCE_M2 = 2_500.0
COVERAGE_TOLERANCE_SHARE = 0.01


@dataclass(frozen=True)
class PopulationSource:
    """One population grid file of a region pack.

    Attributes
    ----------
    vintage
        Year of the grid (from the file name), e.g. ``"2023"``.
    path
        The ``ru250m;pop_tot`` CSV file.
    counties
        County numbers the grid covers; empty means the whole pack.
    county_names
        Their names, for messages (``("Akershus", "Oslo")``).
    """

    vintage: str
    path: Path
    counties: tuple[str, ...] = ()
    county_names: tuple[str, ...] = ()


def find_population_sources(folder: Path, counties: pd.DataFrame) -> list[PopulationSource]:
    """Every grid in ``folder`` (``*.csv``), newest vintage first.

    Parameters
    ----------
    folder
        The pack's ``population/`` folder.
    counties
        ``fylkesnummer`` and ``fylkesnavn`` of the pack's counties, to read
        coverage from file names.

    Raises
    ------
    RegionDataError
        If there is no grid, or two files give the same vintage.
    """
    sources: dict[str, PopulationSource] = {}
    for path in sorted(folder.glob("*.csv")):
        source = _source_for(path, counties)
        if source.vintage in sources:
            msg = (
                f"Population grids {sources[source.vintage].path.name} and {path.name} are "
                f"both vintage {source.vintage}: keep one, or put the year in each file name."
            )
            raise RegionDataError(msg)
        sources[source.vintage] = source
    if not sources:
        msg = f"Population: no grid (*.csv) in {folder}. The region pack is incomplete."
        raise RegionDataError(msg)
    return [sources[v] for v in sorted(sources, reverse=True)]


def _source_for(path: Path, counties: pd.DataFrame) -> PopulationSource:
    name = f"_{_slug(path.stem)}_"
    hits = [
        (str(number), str(label))
        for number, label in zip(counties["fylkesnummer"], counties["fylkesnavn"], strict=True)
        if f"_{_slug(str(label).split(' - ')[0])}_" in name
    ]
    return PopulationSource(
        vintage=_vintage_from_name(path.name),
        path=path,
        counties=tuple(n for n, _ in hits),
        county_names=tuple(label.split(" - ")[0] for _, label in hits),
    )


def _slug(text: str) -> str:
    """ASCII words of ``text`` joined by ``_`` (``"Møre og Romsdal"`` -> ``"more_og_romsdal"``)."""
    return slugify(text, fallback="", sep="_")


def coverage_gap_m2(
    source: PopulationSource, area: BaseGeometry, counties: gpd.GeoDataFrame
) -> float:
    """Area (m²) of ``area`` inside counties ``source`` does not cover.

    Parts of ``area`` in no county polygon (sea, gaps of the generalised coast)
    do not count: a county-limited grid holds the island and shore cells of its
    counties. A grid without counties covers everything (0).
    """
    if not source.counties:
        return 0.0
    # The counties' own (cached) index, not one built per call on a filtered frame.
    other = ~counties["fylkesnummer"].isin(source.counties).to_numpy()
    near = counties.sindex.query(area, predicate="intersects")
    hit = counties.geometry.to_numpy()[np.sort(near[other[near]])]
    return float(shapely.area(shapely.intersection(hit, area)).sum())


def covers(source: PopulationSource, area: BaseGeometry, counties: gpd.GeoDataFrame) -> bool:
    """Whether ``source`` covers ``area``, up to :data:`COVERAGE_TOLERANCE_M2`/``_SHARE``."""
    limit = max(COVERAGE_TOLERANCE_M2, COVERAGE_TOLERANCE_SHARE * area.area)
    return coverage_gap_m2(source, area, counties) <= limit


def decode_cell_ids(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left corners (EPSG:25833) from SSB ``ru250m`` ids.

    The id is ``str(x + 2_000_000) + str(y)`` with a 7-digit x part.
    """
    s = ids.astype(str)
    bad = ~s.str.fullmatch(r"[0-9]{14}").astype(bool)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # after the header line
        msg = (
            f"SSB grid id {s[bad].iloc[0]!r} (line {line}) is not 14 digits: "
            "is this an ru250m file?"
        )
        raise RegionDataError(msg)
    x = s.str[:7].astype(np.int64).to_numpy() - 2_000_000
    y = s.str[7:].astype(np.int64).to_numpy()
    return x, y


def read_population(
    path: Path, bounds: tuple[float, float, float, float] | None = None
) -> gpd.GeoDataFrame:
    """Read population cells, optionally only those whose centre is in ``bounds``.

    Parameters
    ----------
    path
        ``;``-separated CSV with columns ``ru250m`` and ``pop_tot``.
    bounds
        (minx, miny, maxx, maxy) in EPSG:25832.

    Returns
    -------
    GeoDataFrame
        ``cell_id``, ``population`` and the cell polygon in EPSG:25832; the
        vintage is in ``.attrs["vintage"]``.
    """
    if not path.is_file():
        msg = f"Population grid {path} is missing from the region pack."
        raise RegionDataError(msg)
    try:
        df = pd.read_csv(path, sep=";", dtype={"ru250m": str})
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        msg = f"Cannot read population grid {path}: {exc}"
        raise RegionDataError(msg) from exc
    if not {"ru250m", "pop_tot"} <= set(df.columns):
        msg = f"Population grid {path.name} needs columns ru250m;pop_tot (got {list(df.columns)})."
        raise RegionDataError(msg)
    people = _population_column(df, path)
    x0, y0 = decode_cell_ids(df["ru250m"])
    size = settings.SSB_CELL_SIZE_M
    to_work = transformer(settings.SSB_GRID_CRS, settings.WORK_CRS)
    cx, cy = to_work.transform(x0 + size / 2, y0 + size / 2)
    keep = np.ones(len(df), dtype=bool)
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        keep = (cx >= minx) & (cx <= maxx) & (cy >= miny) & (cy <= maxy)
    x0, y0 = x0[keep], y0[keep]
    # Transform all four corners: a 25833 square is a slightly rotated quad in 25832.
    corners_x = np.stack([x0, x0 + size, x0 + size, x0], axis=1)
    corners_y = np.stack([y0, y0, y0 + size, y0 + size], axis=1)
    qx, qy = to_work.transform(corners_x.ravel(), corners_y.ravel())
    rings = np.stack([np.reshape(qx, (-1, 4)), np.reshape(qy, (-1, 4))], axis=2)
    gdf = gpd.GeoDataFrame(
        {
            "cell_id": df["ru250m"].to_numpy()[keep],
            "population": people[keep],
        },
        geometry=shapely.polygons(rings),
        crs=settings.WORK_CRS,
    )
    gdf.attrs["vintage"] = _vintage_from_name(path.name)
    gdf.attrs["source"] = f"SSB {path.name}"
    return gdf


def _population_column(df: pd.DataFrame, path: Path) -> np.ndarray:
    """``pop_tot`` as floats; raise :class:`RegionDataError` naming the first bad line."""
    values = pd.to_numeric(df["pop_tot"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise RegionDataError(
            f"Population grid {path}: line {i + 2} (cell {df['ru250m'].iloc[i]}) has "
            f"pop_tot {df['pop_tot'].iloc[i]!r}; it must be a whole number of people >= 0. "
            f"Fix the file or download it again from SSB ({bad.sum()} bad line(s) in all)."
        )
    return values


def _vintage_from_name(name: str) -> str:
    digits = [part for part in name.replace(".", "_").split("_") if part.isdigit()]
    years = [d for d in digits if len(d) == 4]
    return years[-1] if years else DEFAULT_VINTAGE


def population_within(cells: gpd.GeoDataFrame, area: BaseGeometry) -> float:
    """Residents of the cells whose centre lies inside ``area`` (SSB's own convention)."""
    centres = cells.geometry.centroid
    return float(cells.loc[centres.within(area), "population"].sum())
