"""A cold ``evac plan`` imports only what planning needs: heavy libraries stay out.

No timings here (``bench/bench_cold_cli.py`` measures them): a fresh process
plans the ``snaroya`` preset and writes its GeoPackage, then reports its
``sys.modules`` and its OpenBLAS thread setting. Each library below costs a
cold plan from tens of milliseconds to seconds and is needed only by other
commands (``evac fetch``, exports, the app, the SUMO check, the atlas on Dask),
which import it where they use it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from geo.settings import DEFAULT_DATA_DIR, PROJECT_ROOT

#: Module -> why the plan path must not import it.
NOT_ON_THE_PLAN_PATH = {
    "osmnx": "builds networks from OSM XML (cached); pulls in scikit-learn and matplotlib",
    "sklearn": "imported by osmnx",
    "networkx": "RoadNetwork.graph is built on demand only",
    "matplotlib": "printed maps (exports.route_map)",
    "folium": "web maps (exports.web_map)",
    "branca": "web maps",
    "jinja2": "web maps and HTML",
    "streamlit": "the app",
    "streamlit_folium": "the app",
    "requests": "evac fetch",
    "dask": "the atlas on a cluster (planning.batch)",
    "distributed": "the atlas on a cluster",
    "psycopg": "the PostGIS store",
    "sumolib": "the SUMO cross-check",
    "PIL": "PNG exports",
    "pyarrow.dataset": "what gpd.read_parquet uses; the layer caches read files directly",
    "sim": "the SUMO cross-check",
    "ui": "the app",
    "exports.bundle": "evac export",
    "exports.route_map": "evac export",
    "exports.web_map": "evac export",
}
#: Runs the command line in a fresh interpreter; saves its modules and BLAS threads.
SCRIPT = """
import json, os, sys
sys.argv = ["evac", "--data", {data!r}, "plan", "--preset", "snaroya", "--out", {out!r}]
from cli import main
status = main()
with open({report!r}, "w") as f:
    blas = os.environ.get("OPENBLAS_NUM_THREADS")
    json.dump({{"status": status, "modules": sorted(sys.modules), "blas": blas}}, f)
"""


def run_plan(tmp_path: Path) -> dict[str, Any]:
    """What a fresh ``evac plan --preset snaroya`` process reports (see SCRIPT)."""
    report = tmp_path / "modules.json"
    code = SCRIPT.format(data=str(DEFAULT_DATA_DIR), out=str(tmp_path / "out"), report=str(report))
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = [sys.executable, "-c", code]
    subprocess.run(run, cwd=PROJECT_ROOT, env=environ, check=True, capture_output=True)
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def test_a_cold_plan_imports_no_heavy_library(tmp_path: Path) -> None:
    result = run_plan(tmp_path)
    assert result["status"] == 0 and (tmp_path / "out" / "plan.gpkg").is_file()
    loaded = set(result["modules"])
    assert "planning.plan" in loaded and "geopandas" in loaded  # it did plan
    imported = {name: why for name, why in NOT_ON_THE_PLAN_PATH.items() if name in loaded}
    assert not imported, f"a cold plan imported {imported}"
    assert result["blas"] == "1"  # no OpenBLAS thread pools started for nothing


def test_a_users_blas_threads_setting_is_kept() -> None:
    code = "import os, cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    environ = dict(os.environ, OPENBLAS_NUM_THREADS="2")
    run = [sys.executable, "-c", code]
    done = subprocess.run(run, cwd=PROJECT_ROOT, env=environ, check=True, capture_output=True)
    assert done.stdout.decode().strip() == "2"
