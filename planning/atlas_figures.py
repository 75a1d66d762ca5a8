"""What an atlas zone's plan says: its scenario, its figures, the atlas table.

:func:`zone_figures` reads a plan summary defensively (``.get``), so the same
code reads today's summary and the v2 one (p50, capacity range, exits,
kindergartens, vintage) and shows those figures as soon as they exist.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from planning.scenario import Scenario, ZoneSpec
from planning.zones import to_map


def zone_scenario(name: str, polygon: BaseGeometry, base: Scenario) -> Scenario:
    """A scenario evacuating one atlas zone, with every other setting from ``base``."""
    s = copy.deepcopy(base)
    s.name = name
    s.preset = None
    s.zones = [
        ZoneSpec(
            kind="polygon",
            label=name,
            status="evakueringsordre",
            geometry=mapping(to_map(polygon)),
        )
    ]
    return s.validate()


def _names(items: Any) -> list[str]:
    return [str(x.get("name", "")) for x in items or [] if isinstance(x, dict)]


def zone_figures(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The atlas figures of one zone plan, read defensively (v1 and v2 plan summaries).

    Missing figures are ``None`` (or empty lists), never invented.
    """
    c = summary.get("clearance_minutes") or {}
    ranges = summary.get("clearance_range_minutes") or {}
    low, high = ranges.get("low") or {}, ranges.get("high") or {}
    bottlenecks = summary.get("bottlenecks") or []
    kindergartens = summary.get("kindergartens")
    return {
        "residents": int(summary.get("evacuees_total", 0)),
        "population_vintage": str(summary.get("population_vintage") or ""),
        "kindergartens": None if kindergartens is None else len(kindergartens),
        "kindergarten_names": _names(kindergartens),
        "leave_p50": c.get("leave_p50"),
        "leave_p90": c.get("leave_p90"),
        "p50": c.get("p50"),
        "p90": c.get("p90"),
        # "low" capacity gives the slow end of the range, "high" the fast end.
        "p90_slow": low.get("p90"),
        "p90_fast": high.get("p90"),
        "leave_p90_slow": low.get("leave_p90"),
        "leave_p90_fast": high.get("leave_p90"),
        "unreachable": int(summary.get("unreachable", 0)),
        "unassigned": int(summary.get("unassigned", 0)),
        "exits": _names(summary.get("exits")),
        "reception_sites": sorted(k for k, v in (summary.get("assigned") or {}).items() if v),
        "bottleneck": bottlenecks[0]["name"] if bottlenecks else "",
        "actors": _names(summary.get("responsible_actors")),
        "rules_fired": [
            str(r.get("id", r)) if isinstance(r, dict) else str(r)
            for r in summary.get("rules_fired") or []
        ],
        # Texts stay language-neutral (messages or {nb, en}): renderers pick the language.
        "actions": [
            {"who_name": a.get("who_name", ""), "what": a.get("what")}
            for a in summary.get("actions") or []
        ],
        "warnings": list(summary.get("warnings") or []),
    }


#: Atlas columns joined from lists (GeoPackage and CSV cells hold text).
_LIST_FIELDS = ("kindergarten_names", "exits", "reception_sites", "actors", "rules_fired")
#: The clearance-time figures (minutes), in table order.
_TIME_FIGURES = (
    "leave_p50",
    "leave_p90",
    "p50",
    "p90",
    "p90_slow",
    "p90_fast",
    "leave_p90_slow",
    "leave_p90_fast",
)
#: Figures kept as columns of the atlas layer (the JSON keeps all of them).
ATLAS_FIGURES = (
    "population_vintage",
    "kindergartens",
    *_TIME_FIGURES,
    "unreachable",
    "unassigned",
    "bottleneck",
    *_LIST_FIELDS,
)


_TIMES = frozenset(_TIME_FIGURES)


def atlas_table(zones: gpd.GeoDataFrame, results: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Zones with their plan figures, one row per zone (lists joined with "; ")."""
    out = zones.copy()
    for key in ATLAS_FIGURES:
        values = [r["figures"].get(key) for r in results]
        if key in _LIST_FIELDS:
            values = ["; ".join(v or []) for v in values]
        out[key] = pd.array(values, dtype="Float64") if key in _TIMES else values
    out["error"] = [r.get("error", "") for r in results]
    return out
