"""Atlas and criticality speed: zones per second serial vs a local Dask cluster.

Part 1, the whole region pack: partition, then plan every zone serially (the
baseline, ``workers=1``, no Dask) and on a local cluster of 2 worker processes,
both measured in this run. Prints zones per second, the speed-up ratio (with and
without the cluster's start-up) and the whole-pack atlas time (target <= 60 s on
2 cores). Part 2, criticality for the ``snaroya`` preset (target <= 30 s). Part 3,
what shipping the region to workers costs: pickled size and time.

Run: ``.venv/bin/python bench/bench_atlas.py`` (the main guard matters: Dask
starts its workers by importing this file).
"""

from __future__ import annotations

import os
import pickle
import time

from geo.region import load_region
from geo.registry import load_registry
from planning.atlas import partition
from planning.batch import Shared, local_cluster, prepared_region, run_atlas, run_criticality
from planning.criticality import rank_links
from planning.presets import load_preset
from planning.scenario import Scenario


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(wall seconds, result) of one call."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def atlas(shared: Shared) -> None:
    region = shared.region
    t_cut, zones = timed(partition, region.population, region.coverage, region.network("drive"))
    base = Scenario(name="atlas")
    t1, serial = timed(run_atlas, zones, base, shared)
    t2, dask = timed(run_atlas, zones, base, shared, workers=2)
    n = len(zones)
    print(f"Atlas, whole pack: {n} zones, {int(zones['residents'].sum()):,} residents")
    print(f"  partition               {t_cut:6.2f} s")
    print(f"  1 worker (serial)       {t1:6.2f} s  {n / t1:5.2f} zones/s")
    print(f"  2 workers (LocalCluster){t2:6.2f} s  {n / t2:5.2f} zones/s  (incl. start-up)")
    t_start = startup()
    print(f"  cluster start + stop    {t_start:6.2f} s")
    print(
        f"  speed-up 2 vs 1 worker  {t1 / t2:6.2f}x  ({t1 / max(t2 - t_start, 1e-9):.2f}x "
        "without start-up)"
    )
    same = [a["figures"] for a in serial] == [b["figures"] for b in dask]
    print(f"  identical figures       {same}")
    best = min(t1, t2) + t_cut
    print(f"  whole-pack atlas        {best:6.2f} s (target <= 60 s)")


def criticality(shared: Shared) -> None:
    scenario = load_preset("snaroya")
    t, (before, segments, after) = timed(run_criticality, scenario, shared)
    ranked = rank_links(segments, before, after)
    top = ranked.iloc[0]
    print(f"Criticality snaroya: {len(segments)} links re-planned in {t:.2f} s (target <= 30 s)")
    print(f"  rank 1: {top['name']} cuts off {top['people_cut_off']:,} people")
    t2, (_, _, after2) = timed(run_criticality, scenario, shared, workers=2)
    print(f"  2 workers: {t2:.2f} s, speed-up {t / t2:.2f}x, identical {after2 == after}")


def shipping(region) -> None:
    t, blob = timed(pickle.dumps, region)
    t_load, _ = timed(pickle.loads, blob)
    mb = len(blob) / 1e6
    print(f"Region for workers: {mb:.1f} MB, pickle {t:.2f} s, unpickle {t_load:.2f} s")


def startup() -> float:
    """Seconds to start and stop the 2-worker local cluster alone (no tasks)."""
    from distributed import Client

    t0 = time.perf_counter()
    cluster = local_cluster(2)
    Client(cluster).close()
    cluster.close()
    return time.perf_counter() - t0


def main() -> None:
    # Other processes on the machine distort every ratio: say how busy it was.
    print(f"Load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    region = prepared_region(load_region())
    shared = Shared(region, load_registry())
    shipping(region)
    atlas(shared)
    criticality(shared)
    print(f"Load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
