"""Which SSB population grid a plan counts residents with (``scenario.population_vintage``).

``auto`` takes the newest grid that covers the whole evacuated zone. The pack's
2023 grid (SSB, 1 January 2023) covers only Akershus and Oslo, so a zone
entirely within those counties (all of Snarøya and Fornebu) is counted with
2023, and a zone reaching into another county falls back to the nationwide
2015 grid, with a warning saying so. One plan uses one vintage: mixing years
across a county border would make the total neither year's number.

Coverage is decided from the pack's county boundaries
(:func:`geo.population.covers`): a grid limited to some counties covers a zone
when at most a sliver of the zone lies in other counties. An explicitly
requested vintage is used as asked; if it does not cover the zone, a warning
gives the share of the zone outside it, whose residents are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from geo.population import PopulationSource, coverage_gap_m2, covers
from geo.region import Region
from planning.i18n import Message


@dataclass
class PopulationChoice:
    """The grid a plan uses, why, and what the planner must know about it.

    Attributes
    ----------
    vintage
        Year of the grid used, e.g. ``"2023"``.
    cells
        Its SSB cells (``cell_id``, ``population``, polygon; EPSG:25832).
    source
        Text for the summary's ``assumptions.population_source``.
    warnings
        Fallback or partial-coverage warnings.
    """

    vintage: str
    cells: gpd.GeoDataFrame
    source: str
    warnings: list[Message] = field(default_factory=list)


def choose_population(region: Region, zone: BaseGeometry, requested: str) -> PopulationChoice:
    """Pick the population grid for ``zone`` (EPSG:25832) as ``requested``.

    Parameters
    ----------
    region
        The region pack (its grids and county boundaries).
    zone
        The evacuated area.
    requested
        ``"auto"`` or a vintage such as ``"2023"`` (``scenario.population_vintage``).

    Raises
    ------
    RegionDataError
        If ``requested`` is a vintage the pack does not hold.
    """
    warnings: list[Message] = []
    covering = None
    if requested == "auto":
        covering = region.covering_vintage(zone)
        vintage = covering or region.population_vintages[0]
        newest = region.population_source(region.population_vintages[0])
        if vintage != newest.vintage:
            warnings.append(
                Message(
                    "warn.population_vintage_fallback",
                    {"newer": newest.vintage, "coverage": _coverage(newest), "vintage": vintage},
                )
            )
    else:
        vintage = region.population_source(requested).vintage
    source = region.population_source(vintage)
    # A covering vintage found above covers the zone: no second coverage test.
    if covering is None and not covers(source, zone, region.counties):
        outside = coverage_gap_m2(source, zone, region.counties) / zone.area
        warnings.append(
            Message(
                "warn.population_vintage_partial",
                {
                    "vintage": vintage,
                    "coverage": _coverage(source),
                    "percent": max(1, round(outside * 100)),
                },
            )
        )
    return PopulationChoice(
        vintage=vintage,
        cells=region.population_grid(vintage),
        source=population_source_text(source),
        warnings=warnings,
    )


def population_source_text(source: PopulationSource) -> str:
    """The summary's description of a grid, e.g. ``SSB 250 m grid 2023 (Akershus, Oslo; ...)``."""
    where = f"{_coverage(source)} only; " if source.counties else ""
    return f"SSB 250 m grid {source.vintage} ({where}residents, night)"


def _coverage(source: PopulationSource) -> str:
    """Names of the counties a county-limited grid covers (language-neutral)."""
    return ", ".join(source.county_names)
