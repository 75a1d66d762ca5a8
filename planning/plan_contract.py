"""The Plan contract (ARCHITECTURE.md "Contracts") as code: :func:`validate_plan`.

In the spirit of osmnx's ``_validate.py``: every layer of ``Plan.layers()`` has
its documented columns with the right dtypes, CRS and geometry types, people
are conserved between the layers and the summary, and the summary has every
documented key, with the right types, and is strict JSON. Every violation is
collected, then raised together in one :class:`geo.errors.PlanContractError`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.errors import PlanContractError
from planning.i18n import LANGS, STRINGS
from planning.summary_model import SUMMARY_FORMAT

#: Evacuee status values (ARCHITECTURE.md, Plan v2).
STATUSES: Final = ("assigned", "own_arrangements", "unassigned", "unreachable")

_POINT = frozenset({"Point"})
_LINE = frozenset({"LineString", "MultiLineString"})
_AREA = frozenset({"Polygon", "MultiPolygon"})

#: Layers whose rows may lack a geometry (``None``, not empty): paths of trips
#: that start on their destination's node (``planning.plan_layers.paths_layer``).
LINELESS_OK: Final = frozenset({"paths"})

#: Documented columns per layer: name -> kind ("int", "float", "bool", "str").
LAYER_COLUMNS: Final[dict[str, dict[str, str]]] = {
    "zone": {"label": "str", "status": "str", "kind": "str", "evacuated": "bool"},
    "evacuees": {
        "origin_id": "int",
        "mode": "str",
        "source": "str",
        "people": "int",
        "site": "str",
        "exit": "str",
        "status": "str",
        "reason": "str",
        "travel_min": "float",
        "leave_min": "float",
    },
    "catchments": {"site": "str", "people": "int", "split_cells": "int"},
    "routes": {
        "mode": "str",
        "name": "str",
        "highway": "str",
        "capacity_vph": "float",
        "people": "float",
        "vehicles": "float",
        "load_ratio": "float",
        "single_point_of_failure": "bool",
    },
    "paths": {
        "origin_id": "int",
        "mode": "str",
        "destination": "str",
        "site": "str",
        "exit": "str",
        "people": "float",
        "travel_min": "float",
        "off_network_m": "float",
    },
    "sites": {
        "name": "str",
        "kind": "str",
        "address": "str",
        "capacity": "int",
        "capacity_assumed": "bool",
        "added": "bool",
        "active": "bool",
        "available": "bool",
        "reason": "str",
        "assigned": "int",
        "off_network_m": "float",
    },
    "exits": {
        "name": "str",
        "name_en": "str",
        "road": "str",
        "data_edge": "bool",
        "people": "int",
    },
    "closures": {"label": "str", "roads_cut": "str", "length_m": "float"},
    "kindergartens": {
        "name": "str",
        "capacity": "int",
        "address": "str",
        "operator": "str",
    },
}

#: Geometry types allowed per layer (closures are drawn lines or areas).
LAYER_GEOMETRY: Final[dict[str, frozenset[str]]] = {
    "zone": _AREA,
    "evacuees": _POINT,
    "catchments": _AREA,
    "routes": _LINE,
    "paths": _LINE,
    "sites": _POINT,
    "exits": _POINT,
    "closures": _LINE | _AREA,
    "kindergartens": _POINT,
}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return _is_int(v) or isinstance(v, float)


def _is_minutes(v: Any) -> bool:
    return v is None or _is_number(v)


def _is_opt_str(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_dict(v: Any) -> bool:
    return isinstance(v, dict)


def _is_message(v: Any) -> bool:
    """A message of a known key with JSON-scalar params (planning.i18n.MessageJSON)."""
    return (
        isinstance(v, dict)
        and set(v) == {"key", "params"}
        and v["key"] in STRINGS
        and isinstance(v["params"], dict)
        and all(p is None or isinstance(p, str | int | float) for p in v["params"].values())
    )


def _is_local_text(v: Any) -> bool:
    """A bilingual text (planning.i18n.LocalText): a string in every language."""
    return isinstance(v, dict) and set(v) == set(LANGS) and all(map(_is_str, v.values()))


def _is_text(v: Any) -> bool:
    return _is_message(v) or _is_local_text(v)


def _is_list(v: Any) -> bool:
    return isinstance(v, list)


#: Summary keys and the test their value passes (ARCHITECTURE.md, Plan v2).
SUMMARY_TYPES: Final[dict[str, Callable[[Any], bool]]] = {
    "format": lambda v: v == SUMMARY_FORMAT,
    "scenario": _is_str,
    "preset": _is_opt_str,
    "exercise": _is_bool,
    "created": _is_str,
    "zone_area_km2": _is_number,
    "population_vintage": _is_str,
    "evacuees_total": _is_int,
    "reception_seekers": _is_int,
    "assigned": _is_dict,
    "own_arrangements": _is_int,
    "unassigned": _is_int,
    "unreachable": _is_int,
    "clearance_minutes": _is_dict,
    "clearance_range_minutes": _is_dict,
    "assumptions": _is_dict,
    "data": _is_dict,
    **{
        key: _is_list
        for key in (
            "unreachable_reasons",
            "sites",
            "exits",
            "closures",
            "single_points_of_failure",
            "bottlenecks",
            "municipalities",
            "counties",
            "responsible_actors",
            "rules_fired",
            "actions",
            "kindergartens",
            "warnings",
        )
    },
}

#: Keys of the entries of the summary's lists, with the test their value passes.
SUMMARY_ENTRIES: Final[dict[str, dict[str, Callable[[Any], bool]]]] = {
    "sites": {
        "name": _is_str,
        "kind": _is_str,
        "added": _is_bool,
        "capacity": _is_int,
        "capacity_assumed": _is_bool,
        "available": _is_bool,
        "reason": lambda v: v is None or _is_text(v),
        "assigned": _is_int,
        "off_network_m": _is_number,
    },
    "unreachable_reasons": {"reason": _is_text, "people": _is_int},
    "exits": {"name": _is_str, "label": _is_local_text, "people": _is_int},
    "closures": {
        "label": _is_str,
        "roads_cut": lambda v: isinstance(v, list) and all(map(_is_str, v)),
        "length_m": _is_number,
    },
    "single_points_of_failure": {"name": _is_str, "mode": _is_str, "people_cut_off": _is_int},
    "bottlenecks": {
        "name": _is_str,
        "mode": _is_str,
        "people": _is_number,
        "vehicles": _is_number,
        "capacity_vph": _is_number,
        "load_ratio": _is_number,
        "hours_at_capacity": _is_number,
    },
    "kindergartens": {"name": _is_str, "capacity": _is_int, "address": _is_str},
    "responsible_actors": {
        "id": _is_str,
        "name": _is_str,
        "kind": _is_str,
        "role": _is_local_text,
        "why": _is_local_text,
    },
    "rules_fired": {"id": _is_str, "explain": _is_local_text},
    "actions": {
        "rule": _is_str,
        "who": _is_str,
        "who_name": _is_str,
        "what": _is_text,
        "agreement": _is_opt_str,
    },
}

#: Clearance keys: leaving the zone, then arriving (planning.plan_summary.CLEARANCE_KEYS).
CLEARANCE_KEYS: Final = ("leave_p50", "leave_p90", "leave_p100", "p50", "p90", "p100")


class PlanLike(Protocol):
    """What :func:`validate_plan` reads of a plan."""

    summary: Mapping[str, Any]

    def layers(self) -> Mapping[str, Any]:
        """The plan's layers by name."""
        ...


def validate_plan(plan: PlanLike) -> None:
    """Check ``plan`` against the documented Plan contract.

    Raises
    ------
    PlanContractError
        Listing every violation found (layers, conservation, summary).
    """
    layers = plan.layers()
    problems = layer_problems(layers) + summary_problems(plan.summary)
    if not problems:
        problems = conservation_problems(layers, plan.summary)
    if problems:
        raise PlanContractError(
            f"The plan breaks its contract ({len(problems)} problems):\n- " + "\n- ".join(problems)
        )


def _dtype_ok(series: pd.Series, kind: str) -> bool:
    if kind == "int":
        return pd.api.types.is_integer_dtype(series)
    if kind == "float":
        return pd.api.types.is_float_dtype(series)
    if kind == "bool":
        return pd.api.types.is_bool_dtype(series)
    # Object columns pass is_string_dtype by their first values: check every value.
    return pd.api.types.is_string_dtype(series) and all(isinstance(v, str) for v in series)


def layer_problems(layers: Mapping[str, Any]) -> list[str]:
    """Missing layers or columns, wrong dtypes, CRS and geometry types."""
    out = [f"layer {name!r} is missing" for name in LAYER_COLUMNS if name not in layers]
    out += [f"layer {name!r} is not documented" for name in layers if name not in LAYER_COLUMNS]
    for name, frame in layers.items():
        if name in LAYER_COLUMNS:
            out += _one_layer_problems(name, frame)
    return out


def _one_layer_problems(name: str, frame: gpd.GeoDataFrame) -> list[str]:
    if not isinstance(frame, gpd.GeoDataFrame):
        return [f"layer {name!r} is a {type(frame).__name__}, not a GeoDataFrame"]
    out = []
    if frame.crs is None or frame.crs.to_epsg() != int(settings.WORK_CRS.split(":")[1]):
        out.append(f"layer {name!r} has CRS {frame.crs}, not {settings.WORK_CRS}")
    for column, kind in LAYER_COLUMNS[name].items():
        if column not in frame.columns:
            out.append(f"layer {name!r} lacks column {column!r}")
        elif len(frame) and not _dtype_ok(frame[column], kind):
            out.append(f"{name}.{column} has dtype {frame[column].dtype}, expected {kind}")
    geoms = frame.geometry
    # A trip that starts on its destination's node travels no road: its path has no line.
    missing = geoms.is_empty if name in LINELESS_OK else geoms.isna() | geoms.is_empty
    if missing.any():
        out.append(f"layer {name!r} has rows without geometry")
    wrong = set(geoms.dropna().geom_type) - LAYER_GEOMETRY[name]
    if wrong:
        out.append(f"layer {name!r} has geometry types {sorted(wrong)}")
    return out


def summary_problems(summary: Mapping[str, Any]) -> list[str]:
    """Missing, extra or mistyped summary keys, list entries, texts, clearance, strict JSON."""
    out = [f"summary lacks {k!r}" for k in SUMMARY_TYPES if k not in summary]
    out += [f"summary has the undocumented key {k!r}" for k in summary if k not in SUMMARY_TYPES]
    out += _entry_problems(summary)
    out += [
        f"summary['warnings'][{i}] is not a message or a {{nb, en}} text"
        for i, w in enumerate(summary.get("warnings") or [])
        if not _is_text(w)
    ]
    out += [
        f"summary[{k!r}] has the wrong type ({type(summary[k]).__name__})"
        for k, ok in SUMMARY_TYPES.items()
        if k in summary and not ok(summary[k])
    ]
    out += _clearance_problems("clearance_minutes", summary.get("clearance_minutes"))
    ranges = summary.get("clearance_range_minutes")
    for bound in ("low", "high"):
        part = ranges.get(bound) if isinstance(ranges, dict) else None
        out += _clearance_problems(f"clearance_range_minutes.{bound}", part)
    try:
        json.dumps(summary, allow_nan=False)
    except (TypeError, ValueError) as err:
        out.append(f"summary is not strict JSON: {err}")
    return out


_MISSING = object()


def _entry_problems(summary: Mapping[str, Any]) -> list[str]:
    """Entries of the summary's lists: every documented field, typed, and nothing else."""
    out = []
    for key, fields in SUMMARY_ENTRIES.items():
        for i, entry in enumerate(summary.get(key) or []):
            out += [
                f"summary[{key!r}][{i}][{f!r}] is missing or of the wrong type"
                for f, ok in fields.items()
                if not isinstance(entry, dict) or not ok(entry.get(f, _MISSING))
            ]
            if isinstance(entry, dict):
                out += [
                    f"summary[{key!r}][{i}] has the undocumented field {f!r}"
                    for f in entry
                    if f not in fields
                ]
    return out


def _clearance_problems(where: str, value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"summary {where} is not a dict"]
    return [
        f"summary {where}[{k!r}] is {value.get(k, 'missing')!r}, not minutes or None"
        for k in CLEARANCE_KEYS
        if k not in value or not _is_minutes(value[k]) or _is_nan(value[k])
    ]


def _is_nan(v: Any) -> bool:
    return isinstance(v, float) and not math.isfinite(v)


def _status_people(evacuees: gpd.GeoDataFrame) -> dict[str, int]:
    sums = evacuees.groupby("status")["people"].sum()
    return {s: int(sums.get(s, 0)) for s in STATUSES}


def conservation_problems(
    layers: Mapping[str, gpd.GeoDataFrame], summary: Mapping[str, Any]
) -> list[str]:
    """People are neither lost nor double counted between the layers and the summary.

    Paths carry float shares of split trips (one decimal each) and exits are
    rounded per exit, so those sums get a rounding tolerance.
    """
    ev = layers["evacuees"]
    out = [
        f"evacuees status {s!r} is not one of {STATUSES}" for s in set(ev["status"]) - set(STATUSES)
    ]
    if (ev["people"] < 0).any():
        out.append("evacuees has negative people")
    by_status = _status_people(ev)
    parts = {s: summary[s] for s in ("own_arrangements", "unassigned", "unreachable")}
    parts["assigned"] = sum(summary["assigned"].values())
    checks = _people_checks(layers, summary, parts)
    checks += [(f"evacuees layer {s}", by_status[s], parts[s], 0) for s in STATUSES]
    out += [
        f"{what} = {got}, expected {want}"
        for what, got, want, tol in checks
        if abs(got - want) > tol
    ]
    per_site = dict(zip(layers["sites"]["name"], layers["sites"]["assigned"], strict=True))
    out += [
        f"summary assigned[{site!r}] = {n}, sites layer says {per_site.get(site)}"
        for site, n in summary["assigned"].items()
        if per_site.get(site) != n
    ]
    return out


def _people_checks(
    layers: Mapping[str, gpd.GeoDataFrame], summary: Mapping[str, Any], parts: dict[str, int]
) -> list[tuple[str, float, float, float]]:
    """(what, got, expected, tolerance) for every people sum that must agree."""
    ev = layers["evacuees"]
    total = summary["evacuees_total"]
    return [
        ("assigned + own_arrangements + unassigned + unreachable", sum(parts.values()), total, 0),
        ("evacuees layer people", int(ev["people"].sum()), total, 0),
        (
            "reception_seekers",
            summary["reception_seekers"],
            parts["assigned"] + parts["unassigned"],
            0,
        ),
        (
            "unreachable_reasons",
            sum(r["people"] for r in summary["unreachable_reasons"]),
            parts["unreachable"],
            0,
        ),
        ("sites layer assigned", int(layers["sites"]["assigned"].sum()), parts["assigned"], 0),
        ("catchments people", int(layers["catchments"]["people"].sum()), parts["assigned"], 0),
        (
            "summary exits people",
            sum(e["people"] for e in summary["exits"]),
            int(layers["exits"]["people"].sum()),
            0,
        ),
        (
            "exits layer people",
            float(layers["exits"]["people"].sum()),
            parts["own_arrangements"] + parts["unassigned"],
            len(layers["exits"]),
        ),
        (
            "paths people",
            float(layers["paths"]["people"].sum()),
            total - parts["unreachable"],
            1 + 0.05 * len(layers["paths"]),
        ),
    ]
