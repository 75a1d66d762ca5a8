"""SSB 250 m population grid: decode cell ids and build cell polygons in EPSG:25832."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import settings
from geo.errors import RegionDataError

#: Vintage of the pack's grid; shown wherever population numbers appear.
DEFAULT_VINTAGE = "2015"


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
    to_work = Transformer.from_crs(settings.SSB_GRID_CRS, settings.WORK_CRS, always_xy=True)
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


def population_within(cells: gpd.GeoDataFrame, area: shapely.Geometry) -> float:
    """Residents of the cells whose centre lies inside ``area`` (SSB's own convention)."""
    centres = cells.geometry.centroid
    return float(cells.loc[centres.within(area), "population"].sum())
