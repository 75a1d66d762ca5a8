"""Planning speed: one reversed Dijkstra per site vs networkx one origin at a time.

Part 1, the ``snaroya`` preset on the real drive network: the whole plan
(population, routing, capacity assignment, clearance simulation, responsibility)
against a baseline that only computes travel times, with
``nx.shortest_path_length(G, origin, site, weight="travel_time")`` for every
origin x site on the same graph.

Part 2, synthetic grid networks of ~10k, ~100k and ~1M nodes (random speeds, 5
sites, 1,000 origins): our routing + assignment against the same per-pair
networkx baseline. On the big grids the baseline runs on a sample of origins
and is extrapolated linearly to all of them (printed as such).

Run: ``.venv/bin/python bench/bench_plan.py`` (targets: >= 20x and plan < 1 s).
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable

import networkx as nx
import numpy as np

from geo.network import RoadNetwork, network_from_arrays
from geo.region import load_region
from geo.registry import load_registry
from planning import routing
from planning.assignment import assign
from planning.plan import make_plan
from planning.presets import load_preset

N_SITES = 5
N_ORIGINS = 1_000
#: (grid side, origins the networkx baseline runs on)
GRIDS = ((100, 100), (316, 10), (1000, 1))


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls (s)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def nx_pairs(graph: nx.DiGraph, origins: np.ndarray, sites: np.ndarray) -> float:
    """Time (s) of one networkx shortest path per origin x site pair."""
    t0 = time.perf_counter()
    for o in origins:
        for s in sites:
            with contextlib.suppress(nx.NetworkXNoPath):
                nx.shortest_path_length(graph, int(o), int(s), weight="travel_time")
    return time.perf_counter() - t0


def snaroya() -> None:
    region = load_region()
    net = region.network("drive")
    scenario = load_preset("snaroya")
    registry = load_registry()
    plan = make_plan(scenario, region, registry)  # warm-up: population, boundaries
    ours = median_time(lambda: make_plan(scenario, region, registry), repeat=5)

    # The baseline routes the same origins to the same site nodes.
    groups = plan.evacuees.drop_duplicates("origin_id")
    origin_xy = np.column_stack([groups.geometry.x, groups.geometry.y])
    sites = plan.sites[plan.sites["available"]]
    site_xy = np.column_stack([sites.geometry.x, sites.geometry.y])
    routing_only = median_time(lambda: route_and_assign(net, site_xy, origin_xy), repeat=5)
    trees = routing.site_trees(net, site_xy)
    attach = routing.attach_origins(trees, origin_xy, np.ones(len(sites), bool))
    origins = net.node_ids[attach.node[attach.node >= 0]]
    site_ids = net.node_ids[trees.site_nodes]
    baseline = nx_pairs(net.graph, origins, site_ids)
    ratio = baseline / ours
    print("Part 1: snaroya preset, real drive network")
    print(f"  network: {net.n_nodes:,} nodes, {net.n_edges:,} edges")
    print(
        f"  origins: {len(origins)}, sites: {len(site_ids)}, pairs: {len(origins) * len(site_ids)}"
    )
    print(f"  our full plan (median of 5):                  {ours * 1000:8.0f} ms")
    print(f"    of which routing + assignment:              {routing_only * 1000:8.0f} ms")
    print(f"  networkx per origin x site (travel times only): {baseline * 1000:6.0f} ms")
    print(
        f"  ratio, full plan: {ratio:.1f}x (target >= 20x: {'met' if ratio >= 20 else 'NOT met'}); "
        f"routing stage: {baseline / routing_only:.0f}x; "
        f"plan < 1 s: {'met' if ours < 1 else 'NOT met'}"
    )


def grid_network(side: int, rng: np.random.Generator) -> RoadNetwork:
    """A side x side two-way grid, 100 m spacing, random speeds 20-80 km/h."""
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    idx = ii * side + jj
    xy = np.column_stack([jj.ravel() * 100.0 + 590_000, ii.ravel() * 100.0 + 6_640_000])
    pairs = np.vstack(
        [
            np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
            np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()]),
        ]
    )
    u = np.concatenate([pairs[:, 0], pairs[:, 1]])
    v = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return network_from_arrays(
        xy,
        u,
        v,
        speed_kph=rng.uniform(20, 80, len(u)),
        capacity_vph=np.full(len(u), 800.0),
    )


def route_and_assign(net: RoadNetwork, site_xy: np.ndarray, origin_xy: np.ndarray) -> None:
    """What the plan does per mode: site trees, origin attachment, assignment."""
    trees = routing.site_trees(net, site_xy)
    attach = routing.attach_origins(trees, origin_xy, np.ones(len(site_xy), bool))
    cost = trees.time_s[:, attach.node].T
    assign(np.full(len(origin_xy), 3), cost, np.full(len(site_xy), N_ORIGINS))


def grids() -> None:
    print("\nPart 2: synthetic grids, 5 sites, 1,000 origins (routing + assignment)")
    header = (
        f"  {'nodes':>9} {'edges':>10} {'build s':>8} {'ours s':>8} "
        f"{'nx origins':>10} {'nx s (all)':>11} {'ratio':>7}"
    )
    print(header)
    rng = np.random.default_rng(42)
    for side, sample in GRIDS:
        t0 = time.perf_counter()
        net = grid_network(side, rng)
        build = time.perf_counter() - t0
        site_nodes = rng.choice(net.n_nodes, N_SITES, replace=False)
        origin_nodes = rng.choice(net.n_nodes, N_ORIGINS, replace=False)
        ours = median_time(
            lambda net=net, s=site_nodes, o=origin_nodes: route_and_assign(
                net, net.xy[s], net.xy[o]
            ),
            repeat=3 if side < 1000 else 1,
        )
        graph = nx.DiGraph()
        graph.add_weighted_edges_from(
            zip(
                net.edge_u.tolist(),
                net.edge_v.tolist(),
                net.edges["travel_time"].tolist(),
                strict=True,
            ),
            weight="travel_time",
        )
        measured = nx_pairs(graph, origin_nodes[:sample], site_nodes)
        baseline = measured * N_ORIGINS / sample
        del graph
        note = "" if sample == N_ORIGINS else " (extrapolated)"
        print(
            f"  {net.n_nodes:>9,} {net.n_edges:>10,} {build:>8.1f} {ours:>8.2f} "
            f"{sample:>10,} {baseline:>11.1f} {baseline / ours:>6.0f}x{note}"
        )
    print(
        "  nx s (all): networkx time for all 1,000 origins x 5 sites; on a sample of "
        "'nx origins' it is scaled up linearly."
    )


if __name__ == "__main__":
    snaroya()
    grids()
