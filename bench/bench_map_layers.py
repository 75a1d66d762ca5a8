"""Web map per plan: plan feature groups only vs rebuilding the whole map.

The app builds the base map once and, per plan, only :func:`exports.web_map.plan_groups`
(streamlit-folium's ``feature_group_to_add``). Baseline, measured in the same run:
:func:`exports.web_map.build_map`, what the app did per plan before.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_map_layers.py``
"""

from __future__ import annotations

import runpy
from pathlib import Path

from timing import median_time

from exports.web_map import build_base_map, build_map, plan_groups
from geo.registry import load_sites

# The plan comes from the screenshot script, the one place that makes it.
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "route_map_screenshots.py"


def main() -> None:
    region, plan = runpy.run_path(str(SCRIPT))["snaroya_plan"]()
    sites = load_sites()
    base = median_time(lambda: build_base_map(region, sites, layer_control=False), repeat=3)
    full = median_time(lambda: build_map(region, sites, plan), repeat=3)
    groups = median_time(lambda: plan_groups(plan, region, sites), repeat=5)
    print(f"base map (once per language):          {base:6.2f} s")
    print(f"baseline: whole map per plan (build_map): {full:6.2f} s")
    print(f"plan feature groups per plan:           {groups:6.2f} s")
    print(f"per-plan cost: {groups / full:.2f} of the baseline ({full / groups:.1f}x faster)")


if __name__ == "__main__":
    main()
