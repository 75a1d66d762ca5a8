"""The faster plan layers give what the slower, plainer code gave.

Each shortcut is checked against a straightforward reference on the real
Snarøya network or on synthetic input: path lines against GEOS's line merger
(random walks and arbitrary edge sets, so chains and non-chains), the small
exit graph of the single-point-of-failure tests against a search from every
exit on the whole graph, leave times against the two-pass pointer doubling,
catchments from arrays against catchments from a frame, the assignment's
constraint matrices against scipy's stacking, and the one-go layer frames
against the frames pandas infers.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo.region import Region
from planning.assignment import _csr_rows
from planning.catchments import assigned_flows, catchments, people_per_site
from planning.clearance import _clear_after, inside_zone_nodes
from planning.evacuees import evacuee_groups
from planning.flow_routing import FlowRoutes
from planning.layer_frame import layer_frame
from planning.path_geometry import edge_chains, path_lines
from planning.plan import Plan
from planning.plan_layers import leave_seconds
from planning.presets import load_preset
from planning.scenario import ExtraPopulation
from planning.spof import _ExitGraph, _Stretches
from planning.zones import to_map

RNG_SEED = 8


def _merged(geoms: np.ndarray, edges: np.ndarray) -> BaseGeometry:
    merged: BaseGeometry = shapely.line_merge(shapely.multilinestrings(geoms[edges]))
    return merged


def test_path_lines_equal_the_line_merger_on_walks_and_arbitrary_edge_sets(
    snaroya_routes: FlowRoutes,
) -> None:
    trees = snaroya_routes.trees
    net = trees.network
    rng = np.random.default_rng(RNG_SEED)
    start = rng.choice(net.n_nodes, 60)
    walker, edge = trees.walk(start, rng.integers(0, trees.next_edge.shape[0], 60))
    walks = [edge[walker == w] for w in range(60)]
    scattered = [rng.choice(net.n_edges, rng.integers(1, 8), replace=False) for _ in range(60)]
    reversed_walks = [w[::-1] for w in walks[:20]]
    paths = walks + scattered + reversed_walks + [np.zeros(0, np.int64)]
    chains = edge_chains(net.edge_geometry)
    got = path_lines(net.edge_geometry, paths, chains)
    assert got[-1] is None
    for line, edges in zip(got[:-1], paths[:-1], strict=True):
        if len(edges):
            assert line.wkb == _merged(net.edge_geometry, edges).wkb
    # Built on the fly when the caller keeps no table: the same lines.
    again = path_lines(net.edge_geometry, paths)
    assert all(a is b is None or a.wkb == b.wkb for a, b in zip(got, again, strict=True))


def test_the_exit_graph_reaches_what_a_search_from_every_exit_reaches(region: Region) -> None:
    net = region.network("drive")
    rng = np.random.default_rng(RNG_SEED)
    weight = net.travel_time_s.copy()
    weight[rng.choice(net.n_edges, 300, replace=False)] = np.inf  # closed roads
    stretches = _Stretches(net)
    for exits in (np.flatnonzero(rng.random(net.n_nodes) < 0.7), rng.choice(net.n_nodes, 25)):
        exits = np.unique(exits)
        graph = _ExitGraph.build(net, weight, exits)
        for _ in range(40):
            closed = stretches.edges(rng.choice(net.n_edges, rng.integers(1, 40)))
            w = weight.copy()
            w[closed] = np.inf
            d = dijkstra(net.csr(w, reverse=True), indices=exits, min_only=True)
            assert np.array_equal(graph.reachable(closed), np.isfinite(d))


def test_a_stretch_is_every_edge_between_the_node_pairs_it_uses(region: Region) -> None:
    net = region.network("drive")
    pair = np.minimum(net.edge_u, net.edge_v) * net.n_nodes + np.maximum(net.edge_u, net.edge_v)
    used = np.random.default_rng(RNG_SEED).choice(net.n_edges, 30)
    got = _Stretches(net).edges(used)
    assert np.array_equal(got, np.flatnonzero(np.isin(pair, pair[used])))


def _leave_reference(trees: Any, zone: BaseGeometry) -> np.ndarray:
    """Leave times as the two pointer-doubling passes computed them."""
    clear = _clear_after(trees, inside_zone_nodes(trees, zone))
    k, n = trees.next_node.shape
    rows = np.arange(k)[:, None]
    ptr = np.where(clear | (trees.next_node < 0), np.arange(n), trees.next_node)
    while not np.array_equal(hop := ptr[rows, ptr], ptr):
        ptr = hop
    end = trees.time_s[rows, ptr]
    time_s = trees.time_s
    return np.where(np.isfinite(time_s), time_s - np.where(np.isfinite(end), end, 0), np.inf)


@pytest.mark.parametrize("grow_m", [0.0, -300.0, 2_500.0])
def test_leave_times_equal_the_two_pass_reference(
    snaroya_routes: FlowRoutes, snaroya_plan: Plan, grow_m: float
) -> None:
    zone = shapely.union_all(snaroya_plan.zone.geometry.to_numpy()).buffer(grow_m)
    trees = snaroya_routes.trees
    full = leave_seconds(trees, zone)
    assert np.array_equal(full, _leave_reference(trees, zone))
    some = np.array([0, trees.next_node.shape[0] - 1])
    assert np.array_equal(leave_seconds(trees, zone, some), full[some])


def test_a_way_ending_inside_the_zone_leaves_it_at_its_destination() -> None:
    # Nodes 0 -> 1 -> 2 -> 3 on a line, 60 s apart, towards destination 3; an
    # unreachable node 4. The zone holds nodes 1 and 3, not 2.
    xy = np.array([[0.0, 0], [100, 0], [200, 0], [300, 0], [900, 900]])
    trees: Any = SimpleNamespace(  # the parts of SiteTrees the leave times read
        network=SimpleNamespace(node_points=shapely.points(xy)),
        next_node=np.array([[1, 2, 3, -1, -1]]),
        time_s=np.array([[180.0, 120.0, 60.0, 0.0, np.inf]]),
    )
    zone = shapely.union_all(shapely.buffer(shapely.points(xy[[1, 3]]), 10))
    got = leave_seconds(trees, zone)
    assert got.tolist() == [[180.0, 120.0, 60.0, 0.0, np.inf]]
    assert np.array_equal(got, _leave_reference(trees, zone))


def test_catchments_and_site_totals_from_the_evacuee_layer(snaroya_plan: Plan) -> None:
    evacuees = snaroya_plan.evacuees
    flows = assigned_flows(evacuees)
    framed = evacuees.loc[evacuees["status"] == "assigned", ["origin_id", "site", "people"]]
    groups = gpd.GeoDataFrame(
        {"origin_id": np.arange(evacuees["origin_id"].max() + 1)},
        geometry=[box(i, 0, i + 1, 1) for i in range(evacuees["origin_id"].max() + 1)],
    ).assign(piece=lambda g: g.geometry)
    assert catchments(groups, flows).equals(catchments(groups, framed))
    per_site = framed.groupby("site")["people"].sum()
    names = [*snaroya_plan.sites["name"], "Nowhere"]
    assert people_per_site(flows, names) == [int(per_site.get(n, 0)) for n in names]


def test_assignment_matrices_equal_scipy_stacking() -> None:
    rng = np.random.default_rng(RNG_SEED)
    rows = np.sort(rng.integers(0, 9, 40))
    cols = rng.integers(0, 4, 40)
    origins = np.unique(rows)
    slack_of = np.searchsorted(origins, rows)
    n_x, n_o = len(rows), len(origins)
    a_eq = sp.hstack(
        [
            sp.csr_matrix((np.ones(n_x), (slack_of, np.arange(n_x))), (n_o, n_x)),
            sp.identity(n_o, format="csr"),
        ]
    ).tocsr()
    a_ub = sp.hstack(
        [sp.csr_matrix((np.ones(n_x), (cols, np.arange(n_x))), (4, n_x)), sp.csr_matrix((4, n_o))]
    ).tocsr()
    for got, want in (
        (_csr_rows(np.r_[slack_of, np.arange(n_o)], n_o, n_x + n_o), a_eq),
        (_csr_rows(cols, 4, n_x + n_o), a_ub),
    ):
        assert (got != want).nnz == 0 and got.shape == want.shape
        assert np.array_equal(got.indptr, want.indptr)
        assert np.array_equal(got.indices, want.indices)


def test_evacuee_groups_keep_their_columns_with_extra_points_and_without_cells(
    region: Region, snaroya_plan: Plan
) -> None:
    scenario = load_preset("snaroya")
    zone = shapely.union_all(snaroya_plan.zone.geometry.to_numpy())
    inside = to_map(zone.representative_point())
    scenario.extra_population = [
        ExtraPopulation(lon=inside.x, lat=inside.y, people=40, label="Skole"),
        ExtraPopulation(lon=10.2, lat=59.5, people=12, label="Langt unna"),
        ExtraPopulation(lon=inside.x, lat=inside.y, people=0, label="Tom"),
    ]
    cells = region.population
    groups, warnings = evacuee_groups(cells, zone, scenario)
    assert [w.params["label"] for w in warnings] == ["Langt unna"]
    assert groups["origin_id"].tolist() == list(range(len(groups)))
    assert groups.iloc[-1][["source", "cell_id", "people"]].tolist() == ["extra", "Skole", 40]
    dtypes = [str(t) for t in groups.dtypes]
    assert dtypes == ["int64", "str", "str", "int64", "geometry", "geometry"]
    assert groups.crs == groups["piece"].crs == "EPSG:25832"
    # A zone at sea: no cell piece; the ids stay untyped, as they always were.
    sea, _ = evacuee_groups(cells, shapely.Point(0, 0).buffer(10), load_preset("snaroya"))
    assert sea.empty and [str(t) for t in sea.dtypes][1:3] == ["str", "object"]


@pytest.mark.parametrize("n", [0, 3])
def test_layer_frames_equal_the_inferred_frames(n: int) -> None:
    columns = {
        "count": np.arange(n, dtype=np.int64),
        "name": np.array([f"v{i}" for i in range(n)], dtype=object),
        "share": np.linspace(0, 1, n),
        "geometry": np.array([shapely.Point(i, i) for i in range(n)], dtype=object),
    }
    got = layer_frame(columns, ("name",))
    want = gpd.GeoDataFrame(columns, geometry="geometry", crs="EPSG:25832")
    want = want.astype({"name": "str"})  # what an empty layer got explicitly
    pd.testing.assert_frame_equal(got, want)
    assert got.crs == want.crs and got.geometry.name == "geometry"
