"""The export tests' plan: a real ``Plan`` from ``make_plan`` on the synthetic region.

The scenario (:func:`fixture_scenario`) evacuates Snarøya by car, the zone in
two parts (the peninsula and an islet whose only road reaches nothing, so its
people are unreachable), with a closure on Forneburingen, Thon Hotel Oslofjord
deactivated, Telenor Arena cut to 100 places (so some reception seekers are
left unassigned) and an added site inside the zone. Everything else comes from
the real registry (``data/shapes``): sites, actors, rules, preset areas.

A plan is made once per (exercise, name, label) and test process; each call
returns its own deep copy, so a test may change it freely.
"""

from __future__ import annotations

import copy
import functools

import geopandas as gpd
from mini_region import mini_region
from plan_support import plan_for
from shapely.geometry import Point

from geo.settings import MAP_CRS, WORK_CRS
from planning.plan import Plan
from planning.scenario import AdhocSite, Scenario, SiteOverride, ZoneSpec

SNAROYA_RING = [
    (10.5965, 59.8735),
    (10.6320, 59.8765),
    (10.6320, 59.8875),
    (10.5965, 59.8875),
]
#: An islet west of Snarøya: the zone's second part.
ISLET_RING = [(10.5850, 59.8790), (10.5935, 59.8790), (10.5935, 59.8840), (10.5850, 59.8840)]
#: A closure across Forneburingen north of the neck (lon/lat, as the app stores it).
CLOSURE_LINE = [[10.6140, 59.8972], [10.6165, 59.8973]]
#: A site the planner added inside the zone: unusable, with its reason.
SCHOOL = AdhocSite(name="Snarøya skole", lon=10.6160, lat=59.8815, capacity=200, kind="school")
#: Telenor Arena's places in the scenario: too few for every reception seeker.
ARENA_PLACES = 100


def _ring(points: list[tuple[float, float]]) -> list[list[float]]:
    return [list(p) for p in [*points, points[0]]]


def fixture_scenario(
    *, exercise: bool = True, name: str = "Snarøya brann", label: str = "Snarøya sør"
) -> Scenario:
    """The fixture's scenario; ``name`` and ``label`` let tests inject hostile text."""
    zone = {"type": "MultiPolygon", "coordinates": [[_ring(SNAROYA_RING)], [_ring(ISLET_RING)]]}
    return Scenario(
        name=name,
        zones=[ZoneSpec(kind="polygon", label=label, status="evakueringsordre", geometry=zone)],
        mode="drive",
        sites={
            "Thon Hotel Oslofjord": SiteOverride(active=False),
            "Telenor Arena": SiteOverride(capacity=ARENA_PLACES),
        },
        added_sites=[SCHOOL],
        exercise=exercise,
        closures=[{"type": "LineString", "coordinates": CLOSURE_LINE}],
    )


@functools.cache
def _plan(exercise: bool, name: str, label: str) -> Plan:
    scenario = fixture_scenario(exercise=exercise, name=name, label=label)
    return plan_for(mini_region(), scenario)


def make_plan(
    *, exercise: bool = True, name: str = "Snarøya brann", label: str = "Snarøya sør"
) -> Plan:
    """A deep copy of the fixture plan (made once per argument set and process)."""
    return copy.deepcopy(_plan(exercise, name, label))


def make_place_names() -> gpd.GeoDataFrame:
    """Two place names, as ``data/shapes/place_names.geojson`` holds them."""
    return gpd.GeoDataFrame(
        {"name": ["Snarøya", "Fornebu"]},
        geometry=[Point(10.608, 59.884), Point(10.620, 59.897)],
        crs=MAP_CRS,
    ).to_crs(WORK_CRS)
