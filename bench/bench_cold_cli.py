"""Cold ``evac plan --preset snaroya`` process, against baselines measured in the same run.

Every sample is a fresh Python process (imports, region pack, plan, GeoPackage
and summary.json written), with a warm disk cache (networks, repaired
boundaries, parsed population grid in ``.cache/``; the first, untimed run fills
it). Baselines, each a fresh process too:

- ``import geopandas``: the floor every plan process pays (pandas, pyarrow,
  shapely, pyproj) before it does anything;
- ``import geopandas, pyogrio, scipy.sparse.csgraph, pydantic``: every library
  the plan path cannot do without (GeoPackage writing, routing, scenario schema);
- the plan with the slow v1 reading of the pack (GeoJSON boundaries repaired
  and the SSB CSV parsed on every run: the layer cache switched off).

Target (issue #8): the plan process <= 2 s on the reference machine. Shared
machines give noisy wall times: compare the ratios, measured side by side.

Run: ``PYTHONPATH=$PWD .venv/bin/python bench/bench_cold_cli.py [N]`` (N samples, default 5).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

PLAN = "import sys; sys.argv = {argv!r}; from cli import main; sys.exit(main())"
#: Runs the plan with the layer cache switched off (every read builds the layer).
NO_LAYER_CACHE = (
    "import geo.frame_cache as fc; fc.cached_layer = lambda source, kind, build, **k: build(); "
)
BASELINES = {
    "import geopandas": "import geopandas",
    "import the plan path's libraries": (
        "import geopandas, pyogrio, scipy.sparse.csgraph, pydantic"
    ),
}


def wall(code: str) -> float:
    """Wall time (s) of one fresh ``python -c code`` process."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t0


def main(n: int = 5) -> None:
    with tempfile.TemporaryDirectory() as out:
        plan = PLAN.format(argv=["evac", "plan", "--preset", "snaroya", "--out", out])
        wall(plan)  # fills the caches; the OS file cache is warm from here on
        codes = {"evac plan (cached layers)": plan, **BASELINES}
        codes["evac plan, v1 layer reading"] = NO_LAYER_CACHE + plan
        samples: dict[str, list[float]] = {name: [] for name in codes}
        for _ in range(n):  # interleaved: load changes hit every variant alike
            for name, code in codes.items():
                samples[name].append(wall(code))
    median = {name: statistics.median(times) for name, times in samples.items()}
    ours = median["evac plan (cached layers)"]
    print(f"Cold `evac plan --preset snaroya --out DIR` process, median of {n} (s)")
    for name, value in median.items():
        print(f"  {name:36} {value:6.2f}   plan / this = {ours / value:.2f}")
    floor = median["import the plan path's libraries"]
    print(
        f"  plan process minus the library imports: {ours - floor:.2f} s; "
        f"target <= 2 s: {'met' if ours <= 2.0 else 'NOT met'} on this machine"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
