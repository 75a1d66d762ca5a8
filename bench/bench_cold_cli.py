"""Cold ``evac plan --preset snaroya`` process, against baselines measured in the same run.

Every sample is a fresh Python process (imports, region pack, plan, GeoPackage
and summary.json written), with warm caches as a user's second run has them:
the layer caches in ``.cache/`` (networks, repaired boundaries, parsed
population grid, kindergartens) and compiled bytecode (kept in a temporary
folder, so ``PYTHONDONTWRITEBYTECODE`` does not turn every run into a compile);
the first, untimed run fills them. Variants, each a fresh process too, run
interleaved so load changes hit them alike:

- the plan with ``osmnx`` imported first: what every plan paid before the
  imports were made lazy (the baseline of issue #8);
- the plan with the slow v1 reading of the pack (GeoJSON boundaries repaired
  and the SSB CSV parsed on every run: the layer cache switched off);
- ``import geopandas``: the floor every plan process pays (pandas, pyarrow,
  shapely, pyproj) before it does anything;
- every library the plan path cannot do without (GeoPackage writing, routing,
  the assignment's LP solver, the scenario schema).

Wall time and CPU time (user + sys of the process) are both reported: on a
shared machine wall time moves with the load (printed before and after), CPU
time much less. Target (issue #8): the plan process <= 2 s on the reference machine.

Run: ``PYTHONPATH=$PWD .venv/bin/python bench/bench_cold_cli.py [N]`` (N samples, default 5).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile

from timing import python_process

PLAN = "import sys; sys.argv = {argv!r}; from cli import main; sys.exit(main())"
#: Runs the plan with the layer cache switched off (every read builds the layer).
NO_LAYER_CACHE = (
    "import geo.frame_cache as fc; fc.cached_layer = lambda source, kind, build, **k: build(); "
)
#: The floors import their libraries as `evac` does (cli.py: one OpenBLAS thread).
ONE_BLAS_THREAD = "import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); "
OURS = "evac plan"
BASELINE = "evac plan, osmnx imported first"
#: Variant name -> (code run first, whether the plan follows it).
VARIANTS: dict[str, tuple[str, bool]] = {
    OURS: ("", True),
    BASELINE: ("import osmnx; ", True),
    "evac plan, v1 layer reading": (NO_LAYER_CACHE, True),
    "import geopandas": (ONE_BLAS_THREAD + "import geopandas", False),
    "import the plan path's libraries": (
        ONE_BLAS_THREAD
        + "import geopandas, pyogrio, scipy.sparse.csgraph, scipy.optimize, pydantic, yaml",
        False,
    ),
}


def load() -> str:
    """The 1-minute load average and the number of cores, for the report."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def measure(n: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of every variant over ``n`` interleaved samples."""
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as pyc:
        plan = PLAN.format(argv=["evac", "plan", "--preset", "snaroya", "--out", out])
        codes = {name: pre + plan if runs else pre for name, (pre, runs) in VARIANTS.items()}
        for code in codes.values():  # fills the caches; the OS file cache is warm from here on
            python_process(code, pyc)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        for _ in range(n):
            for name, code in codes.items():
                samples[name].append(python_process(code, pyc))
    return {
        name: (statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs))
        for name, runs in samples.items()
    }


def report(n: int, *, indent: str = "  ") -> None:
    """Measure and print the table, ratios against the osmnx-first baseline."""
    print(f"{indent}before: {load()}")
    median = measure(n)
    print(f"{indent}after:  {load()}")
    wall, cpu = median[OURS]
    print(f"{indent}{'median of ' + str(n) + ' (s)':36} {'wall':>6} {'CPU':>6}  this / plan")
    for name, (w, c) in median.items():
        print(f"{indent}{name:36} {w:6.2f} {c:6.2f}  wall {w / wall:4.2f}, CPU {c / cpu:4.2f}")
    floor = median["import the plan path's libraries"]
    print(
        f"{indent}baseline / plan: wall {median[BASELINE][0] / wall:.2f}x, "
        f"CPU {median[BASELINE][1] / cpu:.2f}x; plan minus its libraries' imports: "
        f"wall {wall - floor[0]:.2f} s, CPU {cpu - floor[1]:.2f} s\n"
        f"{indent}target <= 2 s: {'met' if wall <= 2.0 else 'NOT met'} on this machine"
    )


if __name__ == "__main__":
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"Cold `evac plan --preset snaroya --out DIR` process, {samples} samples")
    report(samples)
