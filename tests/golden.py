"""Golden results for the presets: key plan figures kept in ``tests/data/golden``.

Like r5py's expected results: :func:`figures` condenses a plan into the numbers
a reviewer cares about, :func:`differences` compares two such digests with
tolerances and says what moved. ``scripts/update_golden.py`` rewrites the
files, so a routing change shows up as a reviewed diff of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import geopandas as gpd

from planning.plan import Plan

GOLDEN_DIR: Final = Path(__file__).parent / "data" / "golden"
PRESETS: Final = ("snaroya", "fornebu", "fornebu_gas")
#: The exits layer is kept as GeoJSON (lon/lat, RFC 7946) for a frame-level check.
EXIT_COLUMNS: Final = ["name", "name_en", "road", "data_edge", "people", "geometry"]
#: Tolerances: minutes +- max(1 min, 3 %); load ratios +- 0.05; routed people
#: sums (they move with every routing change) +- 3 %; everything else exact.
MINUTES_ABS, MINUTES_REL = 1.0, 0.03
LOAD_RATIO_ABS = 0.05
ROUTED_PEOPLE_REL = 0.03
N_BOTTLENECKS = 3


def figures(plan: Plan) -> dict[str, Any]:
    """The golden figures of ``plan`` (JSON-ready)."""
    s = plan.summary
    return {
        "evacuees_total": s["evacuees_total"],
        "reception_seekers": s["reception_seekers"],
        "assigned": dict(sorted(s["assigned"].items())),
        "own_arrangements": s["own_arrangements"],
        "unassigned": s["unassigned"],
        "unreachable": s["unreachable"],
        "clearance_minutes": s["clearance_minutes"],
        "clearance_range_minutes": s["clearance_range_minutes"],
        "bottlenecks": [
            {"name": b["name"], "mode": b["mode"], "load_ratio": b["load_ratio"]}
            for b in s["bottlenecks"][:N_BOTTLENECKS]
        ],
        "single_points_of_failure": [f["name"] for f in s["single_points_of_failure"]],
        "exits": [{"name": e["name"], "people": e["people"]} for e in s["exits"]],
        "kindergartens": sorted(k["name"] for k in s["kindergartens"]),
        "responsible_actors": [a["name"] for a in s["responsible_actors"]],
        "layers": {
            name: {
                "rows": len(layer),
                "people": round(float(layer["people"].sum()), 1)
                if "people" in layer.columns
                else None,
            }
            for name, layer in plan.layers().items()
        },
    }


def exits_frame(plan: Plan) -> gpd.GeoDataFrame:
    """The exits layer as stored in the golden GeoJSON (lon/lat, fixed column order)."""
    return plan.exits[EXIT_COLUMNS].to_crs("EPSG:4326").reset_index(drop=True)


def figures_path(preset: str) -> Path:
    """The golden figures file of ``preset``."""
    return GOLDEN_DIR / f"{preset}.json"


def exits_path(preset: str) -> Path:
    """The golden exits GeoJSON of ``preset``."""
    return GOLDEN_DIR / f"{preset}_exits.geojson"


def write_golden(preset: str, plan: Plan) -> None:
    """Rewrite the golden files of ``preset`` from ``plan``."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures(plan), ensure_ascii=False, indent=2, allow_nan=False)
    figures_path(preset).write_text(text + "\n", encoding="utf-8")
    exits_frame(plan).to_file(exits_path(preset), driver="GeoJSON")


def read_golden(preset: str) -> dict[str, Any]:
    """The golden figures of ``preset`` as written by :func:`write_golden`."""
    stored: dict[str, Any] = json.loads(figures_path(preset).read_text(encoding="utf-8"))
    return stored


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1]}}`` -> ``{"a.b[0]": 1}``; lengths of lists are kept as ``[len]``."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out |= _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(value, list):
        out = {f"{prefix}[len]": len(value)}
        for i, v in enumerate(value):
            out |= _flatten(v, f"{prefix}[{i}]")
        return out
    return {prefix: value}


def tolerance(key: str, golden: float) -> float:
    """How far a figure may move without counting as a change."""
    if key.startswith("clearance"):
        return max(MINUTES_ABS, MINUTES_REL * abs(golden))
    if key.endswith("load_ratio"):
        return LOAD_RATIO_ABS
    if key in ("layers.routes.people", "layers.paths.people"):
        return ROUTED_PEOPLE_REL * abs(golden)
    return 0.0


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def differences(golden: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Readable lines for every figure that moved beyond its tolerance."""
    old, new = _flatten(golden), _flatten(now)
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, "<missing>"), new.get(key, "<missing>")
        if _number(a) and _number(b):
            tol = tolerance(key, a)
            if abs(a - b) > tol:
                out.append(f"{key}: golden {a}, now {b} (tolerance ±{tol:g})")
        elif a != b:
            out.append(f"{key}: golden {a!r}, now {b!r}")
    return out
