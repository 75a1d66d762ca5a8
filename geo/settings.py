"""Typed, documented settings shared by the geo and planning layers.

Values here are defaults and assumptions. Anything a planner may want to change
per scenario lives on :class:`planning.scenario.Scenario` instead.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

#: Local time of the municipality: map stamps, CAP send times, the exercise log.
LOCAL_TZ: Final = ZoneInfo("Europe/Oslo")

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


@dataclass(frozen=True)
class RoadClass:
    """Planning values for one OSM ``highway`` class (drive network)."""

    #: Central evacuation capacity, vehicles per hour per lane. The scenario's
    #: ``capacity_range`` factors (default 0.75 / 1.0 / 1.25) give low and high.
    lane_capacity_vph: float
    #: Speed (km/h) where the way has no ``maxspeed`` tag.
    speed_kph: float


# Sources, cited per row below:
#   HCM   = Highway Capacity Manual, 6th ed., Transportation Research Board, 2016.
#   D&W   = Dixit, V. & Wolshon, B., "Evacuation traffic dynamics and development of
#           maximum sustainable evacuation traffic flow rates", TRB 90th Annual Meeting,
#           2011, paper 11-4115 (Louisiana hurricane evacuations 2004-2008): evacuation
#           peak flows 10 % (rural) to 15 % (urban) below everyday peaks; sustained
#           evacuation flow 600 veh/h/lane without contraflow, 800-1,000 with it.
#   TR13  = Trafikkreglene (FOR-1986-03-21-747) section 13: 50 km/h in built-up areas,
#           80 km/h elsewhere (OSM wiki "Default speed limits": NO:urban, NO:rural).
#   PACK  = maxspeed tags of that class in the region pack's OSM file (fornebu.osm).
#   antatt = assumption, no published value; edit here.
ROAD_CLASSES: Final[dict[str, RoadClass]] = {
    # HCM ch. 12 basic freeway segment 2,250-2,400 pc/h/ln (FFS 55-70 mph), less 15 %
    # (D&W, urban) = 1,900-2,040 -> 1,900; speed antatt: E18 here is signed 80-90.
    "motorway": RoadClass(1900.0, 90.0),
    # Ramps end at roundabouts: HCM ch. 22 single-lane entry capacity 1,380 pc/h at no
    # circulating flow, less 15 % (D&W) -> 1,200; speed antatt (ramp advisory speed).
    "motorway_link": RoadClass(1200.0, 60.0),
    # HCM ch. 12 multilane highway 2,000-2,200 pc/h/ln (FFS 45-60 mph), less 15 %
    # (D&W) -> 1,700; speed TR13 rural 80 (PACK: 30 of 31 tagged trunk ways say 80).
    "trunk": RoadClass(1700.0, 80.0),
    # As motorway_link (roundabout-terminated); speed TR13 urban 50.
    "trunk_link": RoadClass(1200.0, 50.0),
    # Signalised/roundabout arterial: HCM ch. 19 base saturation flow 1,900 pc/h/ln x
    # green ratio ~0.5 = 950, less 15 % (D&W) -> 800; speed PACK (all 59 tagged say 60).
    "primary": RoadClass(800.0, 60.0),
    # As primary (its junctions limit the link); speed antatt (slip road).
    "primary_link": RoadClass(800.0, 40.0),
    # Between the arterial value (800) and D&W's sustained 600: antatt 700;
    # speed TR13 urban 50 (PACK: 75 of 97 tagged secondary ways say 50).
    "secondary": RoadClass(700.0, 50.0),
    "secondary_link": RoadClass(700.0, 40.0),  # as secondary; speed antatt
    # Priority junctions, no signals: D&W sustained evacuation flow 600; speed TR13 urban 50.
    "tertiary": RoadClass(600.0, 50.0),
    "tertiary_link": RoadClass(600.0, 30.0),  # as tertiary; speed antatt
    # D&W sustained evacuation flow 600 (normal roads); speed antatt 40 (narrow, TR13 max 50).
    "unclassified": RoadClass(600.0, 40.0),
    # antatt 500: parked cars and give-way-to-the-right junctions, below D&W's 600; speed
    # 30 (PACK: 17 of 23 tagged residential ways say 30; TR13 urban 50 is the legal maximum).
    "residential": RoadClass(500.0, 30.0),
    # Shared space ("gatetun") where cars keep to walking pace: antatt 200, 10 km/h.
    "living_street": RoadClass(200.0, 10.0),
    # Driveways and car-park aisles: antatt 300, 20 km/h.
    "service": RoadClass(300.0, 20.0),
    # Unknown class ("road"): antatt 400, 30 km/h, between service and residential.
    "road": RoadClass(400.0, 30.0),
}
#: Default car speed in km/h per class where ``maxspeed`` is missing (from the table).
DRIVE_SPEED_KPH: Final[dict[str, float]] = {k: c.speed_kph for k, c in ROAD_CLASSES.items()}
#: Fallback car speed for classes not listed above (antatt, as "road").
DRIVE_SPEED_FALLBACK_KPH: Final = 30.0
#: Walking speed on every walkable edge: 1.2 m/s (4.0 ft/s), the HCM 6th ed. default
#: pedestrian walking speed (3.3 ft/s where over 20 % are elderly); a crowd pace.
WALK_SPEED_KPH: Final = 4.3

#: Central lane capacity in vehicles per hour per lane, by class (from the table).
LANE_CAPACITY_VPH: Final[dict[str, float]] = {
    k: c.lane_capacity_vph for k, c in ROAD_CLASSES.items()
}
#: Fallback lane capacity for classes not listed (antatt, as "road").
LANE_CAPACITY_FALLBACK_VPH: Final = 400.0
#: Default lanes per direction where ``lanes`` is missing: antatt, E18 and the trunk
#: roads here have two per direction (PACK: most tagged trunk ways have 2-3 lanes).
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
#: Pedestrians per hour per metre of path width: Fruin (1971), *Pedestrian Planning and
#: Design*, walkway level of service C-D boundary, about 50 persons/min/m = 3,000/h/m
#: (HCM 6th ed. ch. 24 uses the same LOS scale). Used as a walking edge capacity.
WALK_FLOW_PPH_PER_M: Final = 3000.0
#: Usable path width (m) for that capacity: antatt (pavement or path, 2 m).
WALK_PATH_WIDTH_M: Final = 2.0
