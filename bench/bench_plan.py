"""Planning speed, every figure against a baseline measured in the same run.

Part 1, the ``snaroya`` preset on the real drive network:
  a. the whole plan (``make_plan``) with capacity-aware flow routing, against the
     same plan on fixed free-flow shortest paths (``route_flows`` with one slice);
     target <= 150 ms warm;
  b. the routing stage alone on the v1 workload (everyone to the sites), with the
     maximum load ratio and the clearance figures of both;
  c. the old per-pair networkx baseline (travel times only).
Part 2, synthetic grids of ~10k, ~100k and ~1M nodes (random speeds, 5 sites,
  1,000 origins): trees + attachment + assignment + edge loads, against the per-pair
  networkx baseline (on big grids on a sample of origins, extrapolated linearly);
  targets 100k <= 5 s, 1M <= 10 s. Flow routing on the 10k and 100k grids.
Part 3, a cold ``evac plan --preset snaroya`` process, against the same process
  importing osmnx first (what every plan paid before imports were made lazy),
  wall and CPU time (``bench_cold_cli.py``); target <= 2 s.

Run: ``PYTHONPATH=$PWD .venv/bin/python bench/bench_plan.py``. Machines shared with
other jobs give noisy wall times: compare the ratios, which are measured side by side.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from unittest import mock

import bench_cold_cli
import networkx as nx
import numpy as np
from timing import median_time

from geo.network import RoadNetwork, network_from_arrays
from geo.region import Region, load_region
from geo.registry import load_registry
from planning import plan_layers, routing
from planning.assignment import assign
from planning.flow_routing import DEFAULT_SLICES, route_flows
from planning.plan import Plan, make_plan
from planning.presets import load_preset
from tests.flow_demand import Demand, preset_demand

N_SITES = 5
N_ORIGINS = 1_000
#: (grid side, origins the networkx baseline runs on, run flow routing too)
GRIDS = ((100, 100, True), (316, 10, True), (1000, 1, False))
#: Departures on the grids: linearly over 30 minutes.
CURVE = [(0.0, 0.0), (30.0, 1.0)]
#: Shares reported for clearance: leave p50/p90/p100, arrive p50/p90/p100.
FIGURES = ((0.5, False), (0.9, False), (1.0, False), (0.5, True), (0.9, True), (1.0, True))


def nx_pairs(graph: nx.DiGraph, origins: np.ndarray, sites: np.ndarray) -> float:
    """Time (s) of one networkx shortest path per origin x site pair."""
    t0 = time.perf_counter()
    for o in origins:
        for s in sites:
            with contextlib.suppress(nx.NetworkXNoPath):
                nx.shortest_path_length(graph, int(o), int(s), weight="travel_time")
    return time.perf_counter() - t0


def snaroya_plan(region: Region, rounds: int = 7) -> None:
    registry = load_registry()
    scenario = load_preset("snaroya")
    fixed_routes = partial(route_flows, n_slices=1)

    def plan_fixed() -> Plan:
        with mock.patch.object(plan_layers, "route_flows", fixed_routes):
            return make_plan(scenario, region, registry)

    plan, fixed_plan = make_plan(scenario, region, registry), plan_fixed()  # warm-up
    # Alternating rounds, so both see the same machine load; wall and CPU time (the
    # process's own, which other jobs on a busy machine disturb less).
    flows, fixeds = [], []
    for _ in range(rounds):
        flows.append(_wall_and_cpu(lambda: make_plan(scenario, region, registry)))
        fixeds.append(_wall_and_cpu(plan_fixed))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Part 1a: snaroya preset, whole plan (warm, median of {rounds} alternating rounds)")
    print(f"  load average {load}")
    for i, kind in enumerate(("wall", "CPU")):
        flow = statistics.median(f[i] for f in flows)
        fixed = statistics.median(f[i] for f in fixeds)
        target = f"; target <= 150 ms: {'met' if flow <= 0.15 else 'NOT met'}" if i == 0 else ""
        print(
            f"  {kind:4} fixed shortest paths {fixed * 1000:5.0f} ms, flow routing "
            f"{flow * 1000:5.0f} ms ({flow / fixed:.2f}x fixed{target})"
        )
    for name, p in (("fixed", fixed_plan), ("flow", plan)):
        top = p.summary.get("bottlenecks", [{}])[:1]
        print(f"  {name:5} clearance {p.summary.get('clearance_minutes')}; top {top}")


def _wall_and_cpu(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def snaroya_routing(d: Demand) -> None:
    def run(n_slices: int) -> object:
        return route_flows(
            d.trees,
            d.origin_node,
            d.units,
            d.scenario.mobilisation,
            n_slices=n_slices,
            inside=d.inside,
        )

    fixed_s = median_time(lambda: run(1).clearance(d.inside), repeat=5)
    flow_s = median_time(lambda: run(DEFAULT_SLICES).clearance(d.inside), repeat=5)
    fr = run(DEFAULT_SLICES)
    cap = d.network.capacity
    fixed_load = d.trees.edge_loads(d.origin_node, d.units)
    print("\nPart 1b: routing + clearance alone, v1 workload (everyone by car to the sites)")
    print(
        f"  fixed paths {fixed_s * 1000:6.0f} ms, flow routing {flow_s * 1000:6.0f} ms "
        f"({flow_s / fixed_s:.1f}x)"
    )
    for name, load, curves in (
        ("fixed", fixed_load, fr.fixed_clearance(d.inside)),
        ("flow", fr.edge_units, fr.clearance(d.inside)),
    ):
        mins = [round(curves.time_for(s, arrived=a) / 60, 1) for s, a in FIGURES]
        print(
            f"  {name:5} max load ratio {np.max(load / cap):.2f}, loaded edges "
            f"{int((load > 0).sum())}, leave p50/p90/p100 {mins[:3]}, arrive {mins[3:]} min"
        )


def snaroya_networkx(d: Demand) -> None:
    net = d.network
    site_xy = net.xy[d.trees.site_nodes]
    origin_xy = net.xy[d.origin_node]
    ours = median_time(lambda: fixed_pipeline(net, site_xy, origin_xy), repeat=5)
    baseline = nx_pairs(net.graph, net.node_ids[d.origin_node], net.node_ids[d.trees.site_nodes])
    print("\nPart 1c: trees + attachment + assignment + loads vs networkx per origin x site")
    print(
        f"  ours {ours * 1000:.0f} ms, networkx {baseline * 1000:.0f} ms ({baseline / ours:.0f}x)"
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


def fixed_pipeline(
    net: RoadNetwork, site_xy: np.ndarray, origin_xy: np.ndarray
) -> tuple[routing.SiteTrees, np.ndarray, np.ndarray]:
    """What the plan does per mode on fixed paths: trees, attachment, assignment, loads."""
    trees = routing.site_trees(net, site_xy)
    attach = routing.attach_origins(trees, origin_xy, np.ones(len(site_xy), bool))
    cost = trees.time_s[:, attach.node].T
    flows = assign(np.full(len(origin_xy), 3), cost, np.full(len(site_xy), N_ORIGINS))
    trees.edge_loads(attach.node, flows)
    return trees, attach.node, flows


def grids() -> None:
    print("\nPart 2: synthetic grids, 5 sites, 1,000 origins")
    print(
        f"  {'nodes':>9} {'edges':>10} {'first s':>8} {'fixed s':>8} {'flow s':>7} "
        f"{'nx origins':>10} {'nx s (all)':>11} {'ratio':>7}  target"
    )
    rng = np.random.default_rng(42)
    for side, sample, with_flow in GRIDS:
        net = grid_network(side, rng)
        site_nodes = rng.choice(net.n_nodes, N_SITES, replace=False)
        origin_nodes = rng.choice(net.n_nodes, N_ORIGINS, replace=False)
        site_xy, origin_xy = net.xy[site_nodes], net.xy[origin_nodes]
        # The first call also builds the network's cached edge index (once per network).
        first = median_time(lambda n=net, s=site_xy, o=origin_xy: fixed_pipeline(n, s, o), 1)
        ours = median_time(
            lambda n=net, s=site_xy, o=origin_xy: fixed_pipeline(n, s, o),
            repeat=3 if side < 1000 else 2,
        )
        flow = float("nan")
        if with_flow:
            trees, node, flows = fixed_pipeline(net, site_xy, origin_xy)
            flow = median_time(lambda t=trees, n=node, f=flows: route_flows(t, n, f, CURVE), 1)
        graph = nx.DiGraph()
        graph.add_weighted_edges_from(
            zip(net.edge_u.tolist(), net.edge_v.tolist(), net.travel_time_s.tolist(), strict=True),
            weight="travel_time",
        )
        baseline = nx_pairs(graph, origin_nodes[:sample], site_nodes) * N_ORIGINS / sample
        del graph
        limit = {316: 5.0, 1000: 10.0}.get(side)
        target = (
            "" if limit is None else f"<= {limit:.0f} s: {'met' if ours <= limit else 'NOT met'}"
        )
        note = "" if sample == N_ORIGINS else " (extrapolated)"
        print(
            f"  {net.n_nodes:>9,} {net.n_edges:>10,} {first:>8.2f} {ours:>8.2f} {flow:>7.2f} "
            f"{sample:>10,} {baseline:>11.1f} {baseline / ours:>6.0f}x  {target}{note}"
        )
    print(
        "  first s: first call on a new network; fixed s: later calls (median); flow s:\n"
        "  route_flows (default departure slices) on the fixed pipeline's flows."
    )


def cold_cli() -> None:
    """A fresh ``evac plan --preset snaroya`` process against its baselines (bench_cold_cli)."""
    print("\nPart 3: cold `evac plan --preset snaroya` process (bench_cold_cli.py, 3 samples)")
    bench_cold_cli.report(3)


if __name__ == "__main__":
    # One region and one demand for the three Snarøya parts: loading is not what they time.
    shared_region = load_region()
    snaroya_plan(shared_region)
    demand = preset_demand(shared_region, "snaroya")
    snaroya_routing(demand)
    snaroya_networkx(demand)
    grids()
    cold_cli()
