"""Typed, documented settings shared by the geo and planning layers.

Values here are defaults and assumptions. Anything a planner may want to change
per scenario lives on :class:`planning.scenario.Scenario` instead.
"""

from pathlib import Path
from typing import Final

#: CRS every internal computation uses: EUREF89 / UTM zone 32N (metres).
WORK_CRS: Final = "EPSG:25832"
#: CRS at the map and export edge only (WGS84 lon/lat, RFC 7946).
MAP_CRS: Final = "EPSG:4326"
#: CRS the SSB grid ids are encoded in (EUREF89 / UTM zone 33N).
SSB_GRID_CRS: Final = "EPSG:25833"
#: Side of an SSB population grid cell in metres.
SSB_CELL_SIZE_M: Final = 250

#: Environment variable naming the region directory.
DATA_ENV_VAR: Final = "EVAC_DATA"
#: Environment variable naming the cache directory.
CACHE_ENV_VAR: Final = "EVAC_CACHE"
#: Project root (the folder holding ``pyproject.toml``).
PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
#: Default region pack: the shared offline pack next to the project.
DEFAULT_DATA_DIR: Final = PROJECT_ROOT.parent / "shared" / "geodata"
#: Default cache folder (git-ignored).
DEFAULT_CACHE_DIR: Final = PROJECT_ROOT / ".cache"
#: Authored inputs: reception sites, actors, rules, presets.
SHAPES_DIR: Final = PROJECT_ROOT / "data" / "shapes"

#: Bærum's municipality number (2024 numbering).
HOME_MUNICIPALITY: Final = "3201"

#: Attribution every map and export shows: the region pack's required string,
#: then Udir for the kindergarten layer (Barnehagefakta, NLOD) plans carry.
ATTRIBUTION: Final = (
    "© OpenStreetMap contributors (ODbL); © Kartverket (CC BY 4.0); "
    "population © SSB (CC BY 4.0); DSB; kindergartens © Udir (NLOD)"
)

#: Default car speed in km/h per OSM ``highway`` class where ``maxspeed`` is missing.
#: Norwegian defaults: 50 km/h in built-up areas, 80 km/h outside; motorways
#: here are urban E18 (signed 80-90 km/h).
DRIVE_SPEED_KPH: Final[dict[str, float]] = {
    "motorway": 90.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 60.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 30.0,
    "unclassified": 40.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 20.0,
    "road": 30.0,
}
#: Fallback car speed for classes not listed above.
DRIVE_SPEED_FALLBACK_KPH: Final = 30.0
#: Walking speed used on every walkable edge (1.2 m/s, a conservative crowd pace).
WALK_SPEED_KPH: Final = 4.3

#: Lane capacity in vehicles per hour per lane, by class (HCM-style planning
#: values, lowered for urban Norwegian roads with junctions).
LANE_CAPACITY_VPH: Final[dict[str, float]] = {
    "motorway": 1800.0,
    "motorway_link": 1200.0,
    "trunk": 1600.0,
    "trunk_link": 1000.0,
    "primary": 1000.0,
    "primary_link": 800.0,
    "secondary": 900.0,
    "secondary_link": 700.0,
    "tertiary": 800.0,
    "tertiary_link": 600.0,
    "unclassified": 600.0,
    "residential": 500.0,
    "living_street": 200.0,
    "service": 300.0,
    "road": 400.0,
}
LANE_CAPACITY_FALLBACK_VPH: Final = 400.0
#: Default lanes per direction where ``lanes`` is missing.
DEFAULT_LANES: Final[dict[str, int]] = {"motorway": 2, "trunk": 2}

#: OSM highway classes cars may use.
DRIVE_HIGHWAYS: Final = frozenset(DRIVE_SPEED_KPH)
#: OSM highway classes pedestrians may use (motorways and trunk excluded).
WALK_HIGHWAYS: Final = frozenset(
    {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
        "footway",
        "pedestrian",
        "path",
        "steps",
        "cycleway",
        "track",
        "bridleway",
        "corridor",
    }
)
#: Pedestrians per hour per metre of path width, and assumed path width (m):
#: used as a walking edge capacity (Fruin level of service C-D).
WALK_FLOW_PPH_PER_M: Final = 3000.0
WALK_PATH_WIDTH_M: Final = 2.0
