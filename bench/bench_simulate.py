"""SUMO cross-check speed: ``simulate_plan`` against the fast plan, in the same run.

For each preset the baseline is :func:`planning.plan.make_plan` (population,
routing, assignment and the fast clearance estimate); the SUMO cross-check
(demand, mesoscopic SUMO, results) runs on that plan with a warm network cache.
Then one cold build of the SUMO network (netconvert on the OSM pack) into a
temporary cache. Prints seconds and the ratio SUMO / plan.

Run: ``.venv/bin/python bench/bench_simulate.py`` (needs ``pip install .[sim]``).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from geo import settings
from geo.region import load_region
from geo.registry import load_registry
from planning.plan import make_plan
from planning.presets import load_preset
from sim.compare import simulate_plan
from sim.network import build_net

PRESETS = ("snaroya", "fornebu", "fornebu_gas")


def main() -> None:
    """Print plan vs SUMO times per preset, then the cold network build."""
    region, registry = load_region(), load_registry()
    region.network("drive")
    build_net(region.osm_path)  # warm the SUMO network cache
    print(f"{'preset':12} {'cars':>6} {'plan s':>8} {'SUMO s':>8} {'SUMO/plan':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in PRESETS:
            t0 = time.perf_counter()
            plan = make_plan(load_preset(name), region, registry)
            t_plan = time.perf_counter() - t0
            t0 = time.perf_counter()
            data = simulate_plan(plan, region, Path(tmp) / name)
            t_sim = time.perf_counter() - t0
            cars = data["vehicles"]["cars"]
            print(f"{name:12} {cars:>6} {t_plan:>8.1f} {t_sim:>8.1f} {t_sim / t_plan:>10.1f}")
        os.environ[settings.CACHE_ENV_VAR] = str(Path(tmp) / "cold")
        t0 = time.perf_counter()
        build_net(region.osm_path)
        print(f"cold SUMO network build (netconvert): {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
