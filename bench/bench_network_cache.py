"""Road network cache: cold build from OSM XML vs warm load from the GeoParquet cache.

Run: ``.venv/bin/python bench/bench_network_cache.py`` (target: warm >= 10x faster).
"""

from __future__ import annotations

from timing import median_time

from geo.network_cache import load_networks
from geo.region import load_region

MODES = ("drive", "walk")


def main() -> None:
    osm = load_region().osm_path
    load_networks(osm, MODES)  # make sure the cache exists
    cold = median_time(lambda: load_networks(osm, MODES, use_cache=False), repeat=3)
    warm = median_time(lambda: load_networks(osm, MODES), repeat=5)
    nets = load_networks(osm, MODES)
    sizes = ", ".join(f"{m} {n.n_nodes:,} nodes / {n.n_edges:,} edges" for m, n in nets.items())
    print(f"OSM file: {osm.name} ({osm.stat().st_size / 1e6:.1f} MB); {sizes}")
    print(f"cold build (parse + filter + simplify + project, use_cache=False): {cold:6.2f} s")
    print(f"warm load from cache (GeoParquet):                              {warm:6.2f} s")
    ratio = cold / warm
    print(f"speed-up: {ratio:.1f}x  (target >= 10x: {'met' if ratio >= 10 else 'NOT met'})")


if __name__ == "__main__":
    main()
