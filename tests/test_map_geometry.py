"""Map geometry decided once for screen and paper: framing, bottlenecks, closures, arrows."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from fixtures_plan import make_plan
from shapely.geometry import LineString, Point

from geo.settings import WORK_CRS
from planning import map_geometry as mg


def _routes(rows: list[tuple[str, str, float, float, list]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [
            {"name": n, "mode": m, "people": p, "load_ratio": r, "capacity_vph": 900.0}
            for n, m, p, r, _ in rows
        ],
        geometry=[LineString(c) for *_, c in rows],
        crs=WORK_CRS,
    )


def test_bottleneck_sits_on_the_edge_the_summary_measured_not_the_first_of_its_name():
    routes = _routes(
        [
            ("Snarøyveien", "drive", 900, 0.65, [(0, 0), (100, 0)]),
            ("Snarøyveien", "drive", 900, 1.30, [(0, 500), (100, 500)]),
            ("Snarøyveien", "walk", 50, 1.30, [(0, 900), (100, 900)]),
        ]
    )
    points = mg.bottleneck_points(
        routes, [{"name": "Snarøyveien", "mode": "drive", "load_ratio": 1.30, "vehicles": 1}]
    )
    assert points.geometry.iloc[0].equals(Point(50, 500))
    assert points["load_ratio"].iloc[0] == 1.30
    missing = mg.bottleneck_points(routes, [{"name": "Nowhere", "load_ratio": 2.0}])
    assert missing.empty and missing.crs == WORK_CRS


def test_plan_extent_covers_zone_receiving_sites_and_exits_but_not_idle_sites():
    plan = make_plan()
    minx, miny, maxx, maxy = mg.plan_extent(plan)
    for point in [*plan.sites.loc[plan.sites["assigned"] > 0].geometry, *plan.exits.geometry]:
        assert minx <= point.x <= maxx and miny <= point.y <= maxy
    thon = plan.sites.set_index("name").loc["Thon Hotel Oslofjord"].geometry
    assert thon.x < minx
    padded = mg.padded((0.0, 0.0, 1000.0, 100.0))
    assert padded == (-300.0, -300.0, 1300.0, 400.0)  # at least FIT_PAD_MIN_M


def test_plan_closures_are_the_planners_layer_marked_computed_pending_ones_are_not():
    plan = make_plan()
    computed = mg.plan_closures(plan)
    assert list(computed.columns) == list(mg.CLOSURE_COLUMNS)
    assert len(computed) == 1 and computed["computed"].all()
    assert computed["label"].tolist() == ["Stengning 1"]
    assert computed["roads_cut"].tolist() == ["Forneburingen"]
    assert 150 < computed["length_m"].iloc[0] < 350  # one stretch between two junctions
    pending = mg.closures_from_geojson(
        [
            {
                "type": "Polygon",
                "coordinates": [[[10.6, 59.9], [10.61, 59.9], [10.6, 59.91], [10.6, 59.9]]],
            }
        ],
        computed=False,
    )
    assert not pending["computed"].any() and pending["length_m"].iloc[0] == 0.0


def test_direction_arrows_follow_the_travel_direction_and_keep_apart():
    routes = _routes(
        [
            ("East", "drive", 100, 0.5, [(0, 0), (400, 0)]),
            ("North", "drive", 100, 0.5, [(1000, 0), (1000, 400)]),
            ("Next to east", "drive", 90, 0.5, [(0, 20), (400, 20)]),
            ("Quiet", "drive", 1, 0.1, [(3000, 0), (3400, 0)]),
        ]
    )
    arrows = mg.direction_arrows(routes)
    angles = sorted(round(a) for a in arrows["angle_deg"])
    assert angles == [0, 90]  # the near-duplicate and the quiet road get none


def test_main_road_labels_name_the_busiest_named_roads_upright():
    routes = _routes(
        [
            ("Snarøyveien", "drive", 900, 1.0, [(400, 0), (0, 0)]),  # drawn westwards
            ("(tertiary)", "drive", 5000, 1.0, [(0, 100), (400, 100)]),
            ("Bruksveien", "drive", 10, 0.1, [(0, 200), (100, 200)]),
        ]
    )
    labels = mg.main_road_labels(routes, n=1)
    assert labels["name"].tolist() == ["Snarøyveien"]
    assert -90 <= labels["angle_deg"].iloc[0] <= 90


def test_single_points_of_failure_from_the_routes_column_one_per_road_on_its_busiest_edge():
    plan = make_plan()
    points = mg.single_points_of_failure(plan)
    assert points["name"].tolist() == ["Snarøyveien"]  # the neck to Fornebu
    flagged = plan.routes.loc[plan.routes["single_point_of_failure"]]
    busiest = flagged.loc[flagged["people"].idxmax()]
    assert points["people"].iloc[0] == busiest["people"]
    assert points.geometry.iloc[0].distance(busiest.geometry) < 1e-6
    plan.routes["single_point_of_failure"] = plan.routes["name"] == "Widerøeveien"
    assert mg.single_points_of_failure(plan)["name"].tolist() == ["Widerøeveien"]


def test_site_order_puts_mass_evacuation_first_then_names_then_ad_hoc_sites():
    sites = gpd.GeoDataFrame(
        {
            "name": ["Thon Hotel", "Quality Hotel Expo", "Telenor Arena", "Ad hoc"],
            "kind": ["eps_hotel", "eps_hotel", "mass_evacuation", "eps"],
        }
    )
    expected = ["Telenor Arena", "Quality Hotel Expo", "Thon Hotel", "Ad hoc"]
    assert mg.site_order(sites, ["Ad hoc"]) == expected
    # Order comes from the sites alone: any row order gives the same answer.
    assert mg.site_order(sites.iloc[::-1], ["Ad hoc"]) == expected


def _screen_boxes(pts, widths, pushes, m_per_px, line):
    """(left, right, top, bottom) of each label in screen pixels at ``m_per_px``."""
    xy = np.column_stack([pts.x, pts.y])
    left, top = xy[:, 0] / m_per_px, -xy[:, 1] / m_per_px + pushes
    return np.column_stack([left, left + widths, top, top + line])


def _overlaps(boxes):
    a, b = boxes[:, None, :], boxes[None, :, :]
    hit = (a[..., 0] < b[..., 1]) & (b[..., 0] < a[..., 1])
    hit &= (a[..., 2] < b[..., 3] - 1e-9) & (b[..., 2] < a[..., 3] - 1e-9)
    np.fill_diagonal(hit, False)
    return int(hit.sum())


def test_label_pushes_keep_bottleneck_labels_apart_at_the_framing_zoom_and_closer():
    rng = np.random.default_rng(7)
    for _ in range(20):
        xy = rng.uniform(0, 800, size=(6, 2))  # six labels around a neck
        pts = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=WORK_CRS)
        widths = rng.uniform(40, 120, size=6)
        extent = (0.0, 0.0, 4000.0, 3000.0)
        pushes = mg.label_pushes(pts, widths, extent, 20.0)
        assert (pushes >= 0).all()
        scale = mg.framing_m_per_px(extent)
        assert _overlaps(_screen_boxes(pts, widths, np.zeros(6), scale, 20.0)), "a real test"
        for zoom_in in (1, 2, 4, 16):
            assert _overlaps(_screen_boxes(pts, widths, pushes, scale / zoom_in, 20.0)) == 0


def test_label_pushes_leave_labels_that_do_not_collide_in_place():
    pts = gpd.GeoSeries([Point(0, 0), Point(3000, 0), Point(0, 2000)], crs=WORK_CRS)
    pushes = mg.label_pushes(pts, np.full(3, 80.0), (0.0, 0.0, 3000.0, 2000.0), 20.0)
    assert pushes.tolist() == [0.0, 0.0, 0.0]
