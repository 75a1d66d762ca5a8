"""Structured differences between two scenario versions and their results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Change = dict[str, Any]


def scenario_diff(
    old: dict[str, Any],
    new: dict[str, Any],
    old_results: Mapping[str, Any] | None,
    new_results: Mapping[str, Any] | None,
) -> dict[str, dict[str, Change]]:
    """Compare two scenario dicts (parsed scenario JSON) and their result summaries.

    Returns
    -------
    dict
        ``zones``, ``parameters`` and ``results``, each mapping a dotted key to
        ``{"old": value, "new": value}``; a missing value is ``None``. Zones are
        compared by position; a zone's ``geometry`` is one value (a GeoJSON
        object), so an edited outline shows as one change.
    """
    zones: dict[str, Change] = {}
    old_zones = old.get("zones") or []
    new_zones = new.get("zones") or []
    for i in range(max(len(old_zones), len(new_zones))):
        a = old_zones[i] if i < len(old_zones) else None
        b = new_zones[i] if i < len(new_zones) else None
        _walk(a, b, f"zones[{i}]", zones)
    params: dict[str, Change] = {}
    for key in sorted((set(old) | set(new)) - {"zones"}):
        _walk(old.get(key), new.get(key), key, params)
    results: dict[str, Change] = {}
    _walk(old_results or {}, new_results or {}, "", results)
    return {"zones": zones, "parameters": params, "results": results}


def _walk(a: Any, b: Any, path: str, out: dict[str, Change]) -> None:
    # Recurse into dicts so a change shows the deepest key that changed; lists
    # and GeoJSON geometries stay whole values because element-wise paths
    # (coordinates[0][3][1]) mean nothing to a planner.
    if isinstance(a, dict) and isinstance(b, dict) and not path.endswith("geometry"):
        for key in sorted(set(a) | set(b)):
            _walk(a.get(key), b.get(key), f"{path}.{key}" if path else str(key), out)
    elif a != b:
        out[path] = {"old": a, "new": b}
