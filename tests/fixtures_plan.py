"""A tiny hand-made plan around Snarøya/Fornebu for the export tests.

The frames follow the ``planning.plan.Plan`` contract in ARCHITECTURE.md, so the
exports can be tested without routing. Coordinates are given in lon/lat (easy to
check on a map) and stored in EPSG:25832 like every plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from geo.settings import ATTRIBUTION, MAP_CRS, WORK_CRS
from planning.scenario import Scenario, SiteOverride, ZoneSpec
from planning.summary_model import read_summary

SNAROYA_RING = [
    (10.597, 59.877),
    (10.628, 59.879),
    (10.633, 59.889),
    (10.613, 59.893),
    (10.595, 59.888),
]
CLOSURE_LINE = [[10.600, 59.8895], [10.6035, 59.8905]]
# A small islet off Snarøya makes the zone a MultiPolygon (two parts).
ISLET_RING = [(10.585, 59.8735), (10.592, 59.8735), (10.592, 59.877), (10.585, 59.877)]


@dataclass
class FakePlan:
    """Stand-in with exactly the attributes of ``planning.plan.Plan``."""

    scenario: Scenario
    zone: gpd.GeoDataFrame
    evacuees: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    paths: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    exits: gpd.GeoDataFrame | None = None
    kindergartens: gpd.GeoDataFrame | None = None
    closures: gpd.GeoDataFrame | None = None

    def layers(self) -> dict[str, gpd.GeoDataFrame | None]:
        """The layers by name, like ``planning.plan.Plan.layers``."""
        names = ("zone", "evacuees", "catchments", "routes", "paths", "sites")
        return {n: getattr(self, n) for n in (*names, "exits", "closures", "kindergartens")}


def _frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=MAP_CRS).to_crs(WORK_CRS)


def make_plan(
    *, exercise: bool = True, name: str = "Snarøya brann", label: str = "Snarøya sør"
) -> FakePlan:
    """Build the fixture plan; ``name`` and ``label`` let tests inject hostile text."""
    scenario = Scenario(
        name=name,
        zones=[ZoneSpec(kind="polygon", label=label, status="evakueringsordre")],
        mode="drive",
        sites={"Thon Hotel Oslofjord": SiteOverride(active=False)},
        exercise=exercise,
        # A closure on the road west of the zone (lon/lat, as the app stores it).
        closures=[{"type": "LineString", "coordinates": CLOSURE_LINE}],
    )
    zone = _frame(
        [
            {
                "label": label,
                "status": "evakueringsordre",
                "kind": "polygon",
                "evacuated": True,
                "geometry": MultiPolygon([Polygon(SNAROYA_RING), Polygon(ISLET_RING)]),
            }
        ]
    )
    evacuees = _frame(
        [
            {
                "origin_id": 0,
                "source": "ssb",
                "exit": "",
                "leave_min": 6.0,
                "people": 820,
                "mode": "drive",
                "site": "Telenor Arena",
                "status": "assigned",
                "reason": "",
                "travel_min": 11.5,
                "geometry": Point(10.605, 59.885),
            },
            {
                "origin_id": 1,
                "source": "ssb",
                "exit": "",
                "leave_min": 4.5,
                "people": 640,
                "mode": "drive",
                "site": "Quality Hotel Expo",
                "status": "assigned",
                "reason": "",
                "travel_min": 9.0,
                "geometry": Point(10.622, 59.884),
            },
            {
                "origin_id": 2,
                "source": "ssb",
                "exit": "",
                "leave_min": float("nan"),
                "people": 35,
                "mode": "drive",
                "site": "",
                "status": "unreachable",
                "reason": "no road connection",
                "travel_min": float("nan"),
                "geometry": Point(10.5885, 59.8752),
            },
            {
                "origin_id": 3,
                "source": "ssb",
                "exit": "Snarøyveien nord",
                "leave_min": 5.0,
                "people": 120,
                "mode": "drive",
                "site": "",
                "status": "own_arrangements",
                "reason": "",
                "travel_min": 8.0,
                "geometry": Point(10.615, 59.887),
            },
        ]
    )
    catchments = _frame(
        [
            {
                "site": "Telenor Arena",
                "people": 820,
                "split_cells": 0,
                "geometry": Polygon(
                    [
                        (10.597, 59.877),
                        (10.614, 59.878),
                        (10.614, 59.8915),
                        (10.613, 59.893),
                        (10.595, 59.888),
                    ]
                ),
            },
            {
                "site": "Quality Hotel Expo",
                "people": 640,
                "split_cells": 1,
                "geometry": Polygon(
                    [(10.614, 59.878), (10.628, 59.879), (10.633, 59.889), (10.614, 59.8915)]
                ),
            },
        ]
    )
    route_rows = [
        (
            "Snarøyveien",
            "secondary",
            1460.0,
            584.0,
            900.0,
            0.65,
            [(10.612, 59.886), (10.618, 59.889)],
        ),
        (
            "Snarøyveien",
            "secondary",
            1460.0,
            584.0,
            900.0,
            0.65,
            [(10.618, 59.889), (10.621, 59.892)],
        ),
        (
            "Snarøyveien",
            "secondary",
            1460.0,
            584.0,
            450.0,
            1.30,
            [(10.621, 59.892), (10.6225, 59.896)],
        ),
        (
            "Rolfsbuktveien",
            "tertiary",
            820.0,
            328.0,
            800.0,
            0.41,
            [(10.6225, 59.896), (10.6235, 59.9025)],
        ),
        (
            "Widerøeveien",
            "tertiary",
            640.0,
            256.0,
            320.0,
            0.80,
            [(10.6225, 59.896), (10.6283, 59.9015)],
        ),
    ]
    routes = _frame(
        [
            {
                "mode": "drive",
                "name": n,
                "highway": h,
                "people": p,
                "vehicles": v,
                "capacity_vph": c,
                "load_ratio": r,
                "single_point_of_failure": n == "Rolfsbuktveien",
                "geometry": LineString(line),
            }
            for n, h, p, v, c, r, line in route_rows
        ]
    )
    sites = _frame(
        [
            {
                "name": "Telenor Arena",
                "kind": "mass_evacuation",
                "address": "Widerøeveien 1, 1360 Fornebu",
                "capacity": 15000,
                "capacity_assumed": False,
                "added": False,
                "active": True,
                "available": True,
                "reason": "",
                "assigned": 820,
                "off_network_m": 12.0,
                "geometry": Point(10.62388, 59.90315),
            },
            {
                "name": "Quality Hotel Expo",
                "kind": "eps",
                "address": "Snarøyveien 30, 1360 Fornebu",
                "capacity": 800,
                "capacity_assumed": True,
                "added": False,
                "active": True,
                "available": True,
                "reason": "",
                "assigned": 640,
                "off_network_m": 8.0,
                "geometry": Point(10.62874, 59.90191),
            },
            {
                "name": "Thon Hotel Oslofjord",
                "kind": "eps",
                "address": "Sandviksveien 184, 1337 Sandvika",
                "capacity": 400,
                "capacity_assumed": True,
                "added": False,
                "active": False,
                "available": False,
                "reason": "deactivated in the scenario",
                "assigned": 0,
                "off_network_m": 2500.0,
                "geometry": Point(10.5215, 59.8879),
            },
        ]
    )
    summary = {
        "preset": None,
        "exercise": exercise,
        "zone_area_km2": 2.1,
        "population_vintage": "2023",
        "evacuees_total": 1615,
        "reception_seekers": 1460,
        "assigned": {"Telenor Arena": 820, "Quality Hotel Expo": 640},
        "own_arrangements": 120,
        "unassigned": 0,
        "unreachable": 35,
        "unreachable_reasons": {"no road connection": 35},
        "unreachable_reasons_nb": {"ingen veiforbindelse": 35},
        "sites": [_site_entry(r) for r in sites.itertuples()],
        "exits": [{"name": "Snarøyveien nord", "name_en": "Snarøyveien north", "people": 120}],
        "closures": [{"label": "Stengning 1", "roads_cut": ["Snarøyveien"], "length_m": 210.0}],
        "clearance_minutes": {
            "leave_p50": 20.0,
            "leave_p90": 38.0,
            "leave_p100": 60.0,
            "p50": 26.0,
            "p90": 47.5,
            "p100": 74.0,
        },
        "clearance_range_minutes": {
            "low": {
                "leave_p50": 24.0,
                "leave_p90": 45.0,
                "leave_p100": 70.0,
                "p50": 31.0,
                "p90": 55.0,
                "p100": 86.0,
            },
            "high": {
                "leave_p50": 17.0,
                "leave_p90": 31.0,
                "leave_p100": 50.0,
                "p50": 22.0,
                "p90": 40.0,
                "p100": 63.0,
            },
        },
        "single_points_of_failure": [
            {"name": "Rolfsbuktveien", "mode": "drive", "people_cut_off": 820}
        ],
        "bottlenecks": [
            {
                "name": "Snarøyveien",
                "mode": "drive",
                "people": 1460.0,
                "vehicles": 584.0,
                "capacity_vph": 450.0,
                "load_ratio": 1.30,
                "hours_at_capacity": 1.3,
            }
        ],
        "municipalities": ["Bærum"],
        "counties": ["Akershus"],
        "rules_fired": [],
        "kindergartens": [
            {"name": "Snarøya barnehage", "capacity": 60, "address": "Snarøyveien 100"}
        ],
        "warnings_nb": [],
        "data": {"region": "fixture", "attribution": ATTRIBUTION},
        "responsible_actors": [
            {
                "name": "Oslo politidistrikt",
                "role": "Leder redningsaksjonen",
                "why_nb": "Politiet leder redningsinnsats (politiloven § 27)",
                "why_en": "Police lead rescue operations (Police Act s. 27)",
            },
            {
                "name": "Bærum kommune",
                "role": "Evakuerte- og pårørendesenter",
                "why_nb": "Kommunen med krisen etablerer EPS",
                "why_en": "The affected municipality sets up the EPS",
            },
            {
                "name": "Asker og Bærum brann og redning",
                "role": "Brann og redning",
                "why_nb": "Nødetat i Bærum",
                "why_en": "Emergency service in Bærum",
            },
        ],
        "actions": [
            {
                "who": "oslo_politidistrikt",
                "who_name": "Oslo politidistrikt",
                "what_nb": "Leder evakueringen og stenger veier inn til sonen.",
                "what_en": "Leads the evacuation and closes roads into the zone.",
                "agreement": "",
            },
            {
                "who": "baerum_kommune",
                "who_name": "Bærum kommune",
                "what_nb": "Åpner EPS på Quality Hotel Expo.",
                "what_en": "Opens the EPS at Quality Hotel Expo.",
                "agreement": "eps_quality_expo",
            },
        ],
        "warnings": [],
        "assumptions": {"persons_per_car": 2.5},
        "scenario": name,
        "created": "2026-03-15T10:30:00+01:00",
    }
    paths = _frame(
        [
            {
                "origin_id": i,
                "mode": "drive",
                "destination": "site" if site else "exit",
                "site": site,
                "exit": "" if site else "Snarøyveien nord",
                "people": people,
                "travel_min": minutes,
                "off_network_m": 0.0,
                "geometry": LineString(line),
            }
            # Origin ids as in the evacuees layer (origin 2 is unreachable: no path).
            for i, (site, people, minutes, line) in zip(
                (0, 1, 3),
                [
                    (
                        "Telenor Arena",
                        820.0,
                        11.5,
                        [(10.605, 59.885), (10.62, 59.895), (10.6239, 59.9031)],
                    ),
                    ("Quality Hotel Expo", 640.0, 9.0, [(10.61, 59.88), (10.6287, 59.9019)]),
                    ("", 120.0, 8.0, [(10.615, 59.887), (10.6245, 59.8985)]),
                ],
                strict=True,
            )
        ]
    )
    exits = _frame(
        [
            {
                "name": "Snarøyveien nord",
                "name_en": "Snarøyveien north",
                "road": "Snarøyveien",
                "data_edge": False,
                "people": 120,
                "geometry": Point(10.6245, 59.8985),
            }
        ]
    )
    kindergartens = _frame(
        [
            {
                "name": "Snarøya barnehage",
                "capacity": 60,
                "address": "Snarøyveien 100",
                "operator": "Bærum kommune",
                "geometry": Point(10.6085, 59.8845),
            }
        ]
    )
    closures = _frame(
        [
            {
                "label": "Stengning 1",
                "roads_cut": "Snarøyveien",
                "length_m": 210.0,
                "geometry": LineString(CLOSURE_LINE),
            }
        ]
    )
    return FakePlan(
        scenario,
        zone,
        evacuees,
        catchments,
        routes,
        paths,
        sites,
        read_summary(summary),  # a v0.2.0-shape summary, read as today's
        exits,
        kindergartens,
        closures,
    )


def _site_entry(r: Any) -> dict[str, Any]:
    """A sites row as the summary lists it (``planning.plan_summary``)."""
    return {
        "name": r.name,
        "kind": r.kind,
        "added": r.added,
        "capacity": r.capacity,
        "capacity_assumed": r.capacity_assumed,
        "available": r.available,
        "reason": r.reason,
        "reason_nb": "deaktivert i scenarioet" if r.reason else "",
        "assigned": r.assigned,
        "off_network_m": r.off_network_m,
    }


def make_place_names() -> gpd.GeoDataFrame:
    """Two place names, as ``data/shapes/place_names.geojson`` holds them."""
    return _frame(
        [
            {"name": "Snarøya", "geometry": Point(10.608, 59.884)},
            {"name": "Fornebu", "geometry": Point(10.620, 59.897)},
        ]
    )


def make_region_layers() -> dict[str, gpd.GeoDataFrame]:
    """Tiny vector basemap: two land polygons (sea around them) and a few roads."""
    municipalities = _frame(
        [
            {
                "kommunenavn": "Bærum",
                "geometry": Polygon(
                    [
                        (10.50, 59.87),
                        (10.585, 59.87),
                        (10.585, 59.895),
                        (10.62, 59.89),
                        (10.63, 59.898),
                        (10.633, 59.92),
                        (10.50, 59.92),
                    ]
                ),
            },
            {
                "kommunenavn": "Oslo",
                "geometry": Polygon(
                    [(10.633, 59.92), (10.633, 59.905), (10.66, 59.90), (10.67, 59.92)]
                ),
            },
        ]
    )
    roads = _frame(
        [
            {"highway": "motorway", "geometry": LineString([(10.52, 59.895), (10.64, 59.912)])},
            {
                "highway": "secondary",
                "geometry": LineString([(10.603, 59.889), (10.62, 59.899), (10.635, 59.912)]),
            },
            {
                "highway": "residential",
                "geometry": LineString([(10.590, 59.880), (10.600, 59.884), (10.603, 59.889)]),
            },
        ]
    )
    return {"municipalities": municipalities, "roads": roads}
