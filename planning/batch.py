"""Many independent plans: the atlas and criticality jobs, serial or on Dask.

Both jobs are lists of scenarios planned on the same region. :func:`run_tasks`
runs them in this process (``workers=1``, no Dask), on a local Dask cluster of
``workers`` processes, or on a running cluster (``scheduler="tcp://host:8786"``).
The region (with its built networks, never the raw OSM) and the registry are
sent to every worker once (``Client.scatter(..., broadcast=True)``), not per
task. Results come back in task order, so every way of running gives the same
output.

Workers need this project importable and ``data/shapes`` readable (responsible
actors and rules are read there); they never read the region pack.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely

from geo.errors import EvacError, ScenarioError
from geo.region import Region
from geo.registry import Registry
from planning.atlas_figures import zone_figures, zone_scenario
from planning.criticality import road_segments, with_closure
from planning.scenario import Scenario

Progress = Callable[[int, int], None]
#: Columns of the routes kept per atlas zone (for the zone book's map).
ROUTE_COLUMNS = ["mode", "name", "people", "load_ratio", "geometry"]


@dataclass(frozen=True)
class Shared:
    """What every task needs: the region (networks built) and the registry."""

    region: Region
    registry: Registry


def prepared_region(region: Region) -> Region:
    """A copy of ``region`` with every layer a plan reads loaded, to ship to workers.

    The copy never touches the region pack. Municipalities and counties are cut
    to those near the home municipality (the plans' zones lie in the road data,
    well inside that margin): the whole country's boundaries would be a third of
    the 6.5 MB a Region with both networks pickles to (the OSM XML is never kept).
    """
    for mode in ("drive", "walk"):
        region.network(mode)
    _ = region.population, region.coverage, region.home_row
    slim = copy.copy(region)
    near = shapely.box(*region.context_bounds)
    for layer in ("municipalities", "counties"):
        gdf = getattr(region, layer)
        slim.__dict__[layer] = gdf[gdf.intersects(near)].reset_index(drop=True)
    return slim


def make_zone_plan(scenario: Scenario, shared: Shared) -> Any:
    """The one place the jobs call :func:`planning.plan.make_plan`."""
    from planning.plan import make_plan

    return make_plan(scenario, shared.region, shared.registry)


def atlas_task(shared: Shared, task: tuple[str, bytes, Scenario]) -> dict[str, Any]:
    """Plan one atlas zone: ``(name, polygon WKB, base scenario)`` -> figures and routes."""
    name, wkb, base = task
    try:
        plan = make_zone_plan(zone_scenario(name, shapely.from_wkb(wkb), base), shared)
    except EvacError as exc:
        return {"figures": zone_figures({}), "routes": None, "error": str(exc)}
    routes = plan.routes[ROUTE_COLUMNS].reset_index(drop=True)
    figures = zone_figures(plan.summary)
    # v1 plans do not name their population vintage; the region's grid is the one used.
    figures["population_vintage"] = (
        figures["population_vintage"] or shared.region.population_vintage
    )
    return {"figures": figures, "routes": routes, "error": ""}


def criticality_task(shared: Shared, scenario: Scenario) -> dict[str, Any]:
    """Plan one scenario with a link closed -> unreachable people and p90."""
    try:
        figures = zone_figures(make_zone_plan(scenario, shared).summary)
    except EvacError as exc:
        return {"unreachable": 0, "p90": None, "error": str(exc)}
    return {"unreachable": figures["unreachable"], "p90": figures["p90"], "error": ""}


def run_tasks(
    fn: Callable[[Shared, Any], Any],
    tasks: Sequence[Any],
    shared: Shared,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[Any]:
    """Run ``fn(shared, task)`` for every task; results in task order.

    Parameters
    ----------
    workers
        1 runs here without Dask; more starts a local cluster of that many
        single-threaded worker processes.
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); overrides ``workers``.
    progress
        Called with (tasks done, tasks in all) after each task.
    """
    if workers < 1:
        raise ScenarioError(f"--workers must be 1 or more, got {workers}.")
    if scheduler is None and workers == 1:
        out = []
        for i, task in enumerate(tasks):
            out.append(fn(shared, task))
            if progress:
                progress(i + 1, len(tasks))
        return out
    return _run_on_dask(fn, tasks, shared, workers, scheduler, progress)


def local_cluster(workers: int) -> Any:
    """A Dask cluster of ``workers`` single-threaded processes on this machine.

    Workers are forked where the platform allows it: they inherit the imported
    libraries and start in about 2 s instead of about 20 s with Dask's default
    ``spawn`` (measured on 2 busy cores, see CHANGELOG 0.2.0). The region still
    goes to them by ``scatter``, exactly as to a remote cluster.
    """
    import multiprocessing

    import dask
    from distributed import LocalCluster

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with dask.config.set({"distributed.worker.multiprocessing-method": method}):
        return LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )


def _run_on_dask(
    fn: Callable[[Shared, Any], Any],
    tasks: Sequence[Any],
    shared: Shared,
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
) -> list[Any]:
    from distributed import Client, as_completed

    cluster = None if scheduler else local_cluster(workers)
    client = Client(scheduler or cluster)
    try:
        remote = client.scatter(shared, broadcast=True)
        keys = [f"{fn.__name__}-{i}" for i in range(len(tasks))]
        futures = client.map(fn, [remote] * len(tasks), list(tasks), key=keys, pure=False)
        for done, _ in enumerate(as_completed(futures), start=1):
            if progress:
                progress(done, len(tasks))
        results: list[Any] = client.gather(futures)
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_atlas(
    zones: gpd.GeoDataFrame, base: Scenario, shared: Shared, **run: Any
) -> list[dict[str, Any]]:
    """Plan every atlas zone (rows of :func:`planning.atlas.partition`), in row order."""
    tasks = [
        (name, shapely.to_wkb(geom), base)
        for name, geom in zip(zones["name"], zones.geometry, strict=True)
    ]
    return run_tasks(atlas_task, tasks, shared, **run)


def _closures(scenario: Scenario, segments: gpd.GeoDataFrame) -> list[Scenario]:
    """One scenario per link of ``segments``, with that link closed."""
    return [
        with_closure(scenario, geom, name)
        for name, geom in zip(segments["name"], segments.geometry, strict=True)
    ]


def run_criticality(
    scenario: Scenario, shared: Shared, **run: Any
) -> tuple[dict[str, Any], gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Baseline figures, the loaded links, and each link's closed-road figures.

    Feed the result to :func:`planning.criticality.rank_links`.
    """
    plan = make_zone_plan(scenario, shared)
    segments = road_segments(plan.routes)
    after = run_tasks(criticality_task, _closures(scenario, segments), shared, **run)
    return zone_figures(plan.summary), segments, after


def baseline_task(shared: Shared, scenario: Scenario) -> dict[str, Any]:
    """Plan a scenario as it is -> its figures and loaded links (None if it failed)."""
    try:
        plan = make_zone_plan(scenario, shared)
    except EvacError as exc:
        return {"figures": zone_figures({}), "segments": None, "error": str(exc)}
    return {
        "figures": zone_figures(plan.summary),
        "segments": road_segments(plan.routes),
        "error": "",
    }


def run_zone_criticality(
    scenarios: Sequence[Scenario], shared: Shared, **run: Any
) -> list[tuple[dict[str, Any], gpd.GeoDataFrame | None, list[dict[str, Any]]]]:
    """:func:`run_criticality` for many scenarios (atlas zones) as two rounds of tasks.

    First every scenario's baseline plan, then every closure of every scenario in
    one batch, so a cluster is kept busy. A scenario whose baseline failed has
    ``None`` links (its error in ``figures["error"]``).
    """
    bases = run_tasks(baseline_task, scenarios, shared, **run)
    tasks, owner = [], []
    for k, (scenario, base) in enumerate(zip(scenarios, bases, strict=True)):
        if base["segments"] is not None:
            closed = _closures(scenario, base["segments"])
            tasks += closed
            owner += [k] * len(closed)
    after = run_tasks(criticality_task, tasks, shared, **run)
    return [
        (
            base["figures"] | {"error": base["error"]},
            base["segments"],
            [a for a, o in zip(after, owner, strict=True) if o == k],
        )
        for k, base in enumerate(bases)
    ]
