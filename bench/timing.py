"""Timing helpers shared by the benchmarks (run as ``python bench/NAME.py``)."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls (s)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def python_process(code: str, pycache: str | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + sys of the child) of one ``python -c code`` (s).

    CPU time counts only the work the process did, not the time it waited for a
    core, so it moves far less than wall time when other jobs share the machine.
    With ``pycache`` (a folder), the child keeps compiled bytecode there, as an
    installed program does, even where ``PYTHONDONTWRITEBYTECODE`` is set.
    """
    env = dict(os.environ)
    if pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu
