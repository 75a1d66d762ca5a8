"""The region pack: where it is, and lazy access to every layer in it.

A region directory has the layout of ``../shared/geodata``::

    boundaries/kommuner*.geojson, boundaries/fylker*.geojson
    osm/*.osm
    population/*.csv          one SSB grid per vintage (see geo.population)
    pois/brannstasjoner*.geojson, pois/tilfluktsrom*.geojson, pois/sykehus*.geojson
    pois/barnehager*.geojson  optional: kindergartens

``evac fetch`` writes the same layout, so a downloaded region loads the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import layers, settings
from geo.errors import RegionDataError
from geo.frame_cache import cached_layer
from geo.kindergartens import read_kindergartens
from geo.network import RoadNetwork
from geo.network_cache import load_networks
from geo.population import (
    PopulationSource,
    covers,
    find_population_sources,
    population_within,
    read_population,
)

#: Files a region directory must have (glob patterns).
REQUIRED = (
    "boundaries/kommuner*.geojson",
    "boundaries/fylker*.geojson",
    "osm/*.osm",
    "population/*.csv",
)
#: Margin around the home municipality for population and POIs (m).
CONTEXT_MARGIN_M = 10_000.0


def find_region_dir(explicit: str | Path | None = None) -> Path:
    """Resolve the region directory.

    Order: ``explicit`` (the ``--data`` option), ``$EVAC_DATA``, then the shared
    pack ``../shared/geodata`` next to the project.

    Raises
    ------
    RegionDataError
        Naming the missing directory or files and how to get them.
    """
    candidate = explicit or os.environ.get(settings.DATA_ENV_VAR)
    path = Path(candidate) if candidate else settings.DEFAULT_DATA_DIR
    how = (
        "Point --data or the EVAC_DATA environment variable at a region pack "
        f"(layout: {', '.join(REQUIRED)}), or run `evac fetch PLACE` online."
    )
    if not path.is_dir():
        msg = f"Region data directory {path} does not exist. {how}"
        raise RegionDataError(msg)
    missing = [p for p in REQUIRED if not any(path.glob(p))]
    if missing:
        msg = f"Region data directory {path} lacks {', '.join(missing)}. {how}"
        raise RegionDataError(msg)
    return path.resolve()


@dataclass
class Region:
    """Lazy access to one region pack; every layer in EPSG:25832.

    Parameters
    ----------
    path
        Region directory (see :func:`find_region_dir`).
    home
        Municipality number the tool plans for (default Bærum, ``3201``).
    include_construction
        Keep ``highway=construction`` ways in the networks.
    """

    path: Path
    home: str = settings.HOME_MUNICIPALITY
    include_construction: bool = False
    _networks: dict[str, RoadNetwork] = field(default_factory=dict, repr=False)
    _grids: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, repr=False)

    @cached_property
    def municipalities(self) -> gpd.GeoDataFrame:
        """All municipalities in the pack."""
        gdf = layers.read_municipalities(self.path)
        if self.home not in set(gdf["kommunenummer"]):
            msg = f"Municipality {self.home} is not in {self.path}/boundaries."
            raise RegionDataError(msg)
        return gdf

    @cached_property
    def counties(self) -> gpd.GeoDataFrame:
        """All counties in the pack."""
        return layers.read_counties(self.path)

    @cached_property
    def home_row(self) -> gpd.GeoSeries:
        """The home municipality's row."""
        m = self.municipalities
        return m[m["kommunenummer"] == self.home].iloc[0]

    @cached_property
    def home_area(self) -> BaseGeometry:
        """The home municipality's polygon."""
        area: BaseGeometry = self.home_row.geometry
        return area

    @cached_property
    def neighbours(self) -> gpd.GeoDataFrame:
        """The home municipality and those within the context margin of it."""
        m = self.municipalities
        return m[m.intersects(self.home_area.buffer(CONTEXT_MARGIN_M / 5))]

    @cached_property
    def context_bounds(self) -> tuple[float, float, float, float]:
        """Bounds of the home municipality plus a margin (EPSG:25832)."""
        minx, miny, maxx, maxy = self.home_area.bounds
        d = CONTEXT_MARGIN_M
        return (minx - d, miny - d, maxx + d, maxy + d)

    @cached_property
    def population_sources(self) -> list[PopulationSource]:
        """The pack's population grids, newest vintage first."""
        return find_population_sources(self.path / "population", self.counties)

    @property
    def population_vintages(self) -> tuple[str, ...]:
        """Vintages of the pack's grids, newest first (e.g. ``("2023", "2015")``)."""
        return tuple(s.vintage for s in self.population_sources)

    def population_source(self, vintage: str) -> PopulationSource:
        """The grid of ``vintage``.

        Raises
        ------
        RegionDataError
            If the pack has no grid of that vintage.
        """
        for source in self.population_sources:
            if source.vintage == vintage:
                return source
        msg = (
            f"Population vintage {vintage!r} is not in {self.path / 'population'} "
            f"(it has {', '.join(self.population_vintages)}): use one of those or 'auto'."
        )
        raise RegionDataError(msg)

    def covering_vintage(self, area: BaseGeometry) -> str | None:
        """Newest vintage whose grid covers ``area`` (EPSG:25832), or None."""
        for source in self.population_sources:
            if covers(source, area, self.counties):
                return source.vintage
        return None

    @cached_property
    def population_vintage(self) -> str:
        """Default vintage: the newest grid covering the home municipality."""
        return self.covering_vintage(self.home_area) or self.population_vintages[0]

    def population_grid(self, vintage: str | None = None) -> gpd.GeoDataFrame:
        """SSB cells of ``vintage`` (default :attr:`population_vintage`) near home; cached."""
        vintage = vintage or self.population_vintage
        if vintage not in self._grids:
            path = self.population_source(vintage).path
            bounds = self.context_bounds
            self._grids[vintage] = cached_layer(
                path, "population", lambda: read_population(path, bounds), params=list(bounds)
            )
        return self._grids[vintage]

    @property
    def population(self) -> gpd.GeoDataFrame:
        """SSB cells of the default vintage around the home municipality."""
        return self.population_grid()

    def population_total(self, number: str | None = None, vintage: str | None = None) -> float:
        """Residents of a municipality: cells whose centre is inside its boundary."""
        number = number or self.home
        m = self.municipalities
        area = m.loc[m["kommunenummer"] == number].union_all()
        return population_within(self.population_grid(vintage), area)

    def _near(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        minx, miny, maxx, maxy = self.context_bounds
        return gdf.cx[minx:maxx, miny:maxy].reset_index(drop=True)

    @cached_property
    def fire_stations(self) -> gpd.GeoDataFrame:
        """Fire stations near the home municipality."""
        return self._near(layers.read_fire_stations(self.path))

    @cached_property
    def shelters(self) -> gpd.GeoDataFrame:
        """Public shelters near the home municipality."""
        return self._near(layers.read_shelters(self.path))

    @cached_property
    def hospitals(self) -> gpd.GeoDataFrame:
        """Hospitals near the home municipality."""
        return self._near(layers.read_hospitals(self.path))

    @cached_property
    def kindergartens(self) -> gpd.GeoDataFrame:
        """Kindergartens near the home municipality (empty if the pack has none)."""
        return self._near(read_kindergartens(self.path))

    @cached_property
    def osm_path(self) -> Path:
        """The OSM XML file the networks are built from."""
        return layers.find_file(self.path / "osm", "*.osm", what="Road network")

    def network(self, mode: str) -> RoadNetwork:
        """The ``drive`` or ``walk`` network (cached on disk and in memory)."""
        if mode not in self._networks:
            self._networks.update(
                load_networks(
                    self.osm_path, (mode,), include_construction=self.include_construction
                )
            )
        return self._networks[mode]

    @cached_property
    def coverage(self) -> BaseGeometry:
        """Area the road data covers: hull of the drive network plus 300 m."""
        return shapely.MultiPoint(self.network("drive").xy).convex_hull.buffer(300.0)


def load_region(data: str | Path | None = None, **kwargs: object) -> Region:
    """Find and open a region pack (see :func:`find_region_dir`)."""
    return Region(find_region_dir(data), **kwargs)  # type: ignore[arg-type]
