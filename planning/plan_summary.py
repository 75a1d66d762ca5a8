"""The plan's clearance runs and its JSON-ready summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.region import Region
from geo.registry import Registry
from planning import routing
from planning.clearance import ClearanceCurves
from planning.derived_cache import per_object
from planning.i18n import Message, bilingual, message_json
from planning.plan_layers import ModeFlow
from planning.scenario import Scenario
from planning.site_table import routed_sites
from planning.summary_model import (
    SUMMARY_FORMAT,
    BottleneckEntry,
    PeopleFigures,
    PlanSummary,
    RoadFigures,
    SiteEntry,
)
from planning.zones import EVACUATED_STATUSES

if TYPE_CHECKING:
    from planning.population_vintage import PopulationChoice
    from planning.spof import FailurePoint

#: How many bottlenecks the summary lists.
N_BOTTLENECKS = 5
#: Shares of the travelling people the clearance times are reported for.
SHARES = {"p50": 0.5, "p90": 0.9, "p100": 1.0}
#: Clearance keys: leaving the zone, then arriving at the destination.
CLEARANCE_KEYS = tuple(f"leave_{k}" for k in SHARES) + tuple(SHARES)


def clearance_runs(
    flows: dict[str, ModeFlow], scenario: Scenario
) -> tuple[dict[str, ClearanceCurves], dict[str, dict[str, ClearanceCurves]]]:
    """Clearance curves per mode at central capacity, and at the low and high factors.

    Everybody who travels counts: to reception sites and to safe exits (one
    simulation, so both share the roads). The range re-runs the simulation on
    the central routes with every capacity scaled to ``low`` / ``high`` of
    ``scenario.capacity_range`` (empirical evacuation flows, Dixit & Wolshon 2011).
    """
    low, central, high = scenario.capacity_range
    runs: dict[str, dict[str, ClearanceCurves]] = {"central": {}, "low": {}, "high": {}}
    for mode, mf in flows.items():
        keys, factors = ("central", "low", "high"), (central, low, high)
        # One simulation loop for the three capacities (same routes, same layout).
        curves = mf.routes.clearances(mf.inside, [f / central for f in factors])
        for key, c in zip(keys, curves, strict=True):
            c.units_per_person = mf.units_per_person
            runs[key][mode] = c
    return runs["central"], {"low": runs["low"], "high": runs["high"]}


def clearance_minutes(curves: dict[str, ClearanceCurves]) -> dict[str, float | None]:
    """p50/p90/p100 minutes to leave the zone and to arrive, over all modes, in people."""
    if not curves or not any(c.total > 0 for c in curves.values()):
        # Nobody travels: there is no clearance time to report, not "0 minutes".
        return dict.fromkeys(CLEARANCE_KEYS)
    end = max(c.t_s[-1] for c in curves.values())
    dt = min(float(c.t_s[1] - c.t_s[0]) if len(c.t_s) > 1 else 10.0 for c in curves.values())
    t = np.arange(0.0, end + dt, dt)

    def people(c: ClearanceCurves, curve: np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(t, c.t_s, curve, right=curve[-1]) / c.units_per_person)

    left = sum(people(c, c.left) for c in curves.values())
    arrived = sum(people(c, c.arrived) for c in curves.values())
    total = sum(c.total / c.units_per_person for c in curves.values())
    merged = ClearanceCurves(t, np.asarray(left), np.asarray(arrived), total)

    def minutes(share: float, *, arrived: bool) -> float | None:
        s = merged.time_for(share, arrived=arrived)
        return None if s is None else round(s / 60.0, 1)

    out = {f"leave_{k}": minutes(v, arrived=False) for k, v in SHARES.items()}
    return out | {k: minutes(v, arrived=True) for k, v in SHARES.items()}


def bottlenecks(routes: gpd.GeoDataFrame, n: int = N_BOTTLENECKS) -> list[BottleneckEntry]:
    """Most loaded roads relative to capacity, one entry per road name."""
    if routes.empty:
        return []
    cols = {c: routes[c].to_numpy() for c in ("name", "mode", "people", "vehicles")}
    cols["capacity_vph"] = routes["capacity_vph"].to_numpy(float)
    ratio = routes["load_ratio"].to_numpy(float)
    seen: set[tuple[str, str]] = set()
    out: list[BottleneckEntry] = []
    for i in _descending(ratio):
        if (key := (cols["name"][i], cols["mode"][i])) in seen:
            continue
        seen.add(key)
        out.append(
            {
                "name": str(key[0]),
                "mode": str(key[1]),
                "people": float(cols["people"][i]),
                "vehicles": float(cols["vehicles"][i]),
                "capacity_vph": float(cols["capacity_vph"][i]),
                "load_ratio": float(ratio[i]),
                "hours_at_capacity": round(float(ratio[i]), 2),
            }
        )
        if len(out) == n:
            break
    return out


def _descending(values: np.ndarray) -> np.ndarray:
    """Positions by value, largest first, NaN last.

    The order ``sort_values(ascending=False)`` gives (pandas' ``nargsort``, the
    same sort kind), so ties fall the same way as before.
    """
    idx = np.flatnonzero(~np.isnan(values))
    order = idx[::-1][values[idx][::-1].argsort(kind="quicksort")][::-1]
    return np.concatenate([order, np.flatnonzero(np.isnan(values))])


class _Evacuees(NamedTuple):
    """The evacuee layer's columns the summary counts with, read once."""

    status: np.ndarray
    people: np.ndarray
    site: np.ndarray

    @classmethod
    def of(cls, evacuees: gpd.GeoDataFrame) -> _Evacuees:
        """The columns of the plan's evacuee layer, as numpy arrays."""
        return cls(*(evacuees[c].to_numpy() for c in cls._fields))


def _responsibility(
    region: Region,
    registry: Registry,
    zone: BaseGeometry,
    evacuees: _Evacuees,
    sites: gpd.GeoDataFrame,
) -> Any:
    from planning.presets import touched_presets
    from planning.responsibility import ResponsibilityFacts, assess_responsibility

    hotels = (sites["kind"].to_numpy() == "eps_hotel") & sites["available"].to_numpy(bool)
    status, people = evacuees.status, evacuees.people
    seeking = (status == "assigned") | (status == "unassigned")
    areas = per_object(registry.presets, "preset_areas", partial(_preset_areas, registry.presets))
    facts = ResponsibilityFacts(
        evacuees_total=int(people.sum()),
        eps_hotel_capacity=int(sites["capacity"].to_numpy()[hotels].sum()),
        evacuees_needing_places=int(people[seeking].sum()),
        touched_presets=touched_presets(zone, areas),
    )
    return assess_responsibility(
        zone, region.municipalities, region.counties, facts, registry.actors, registry.rules
    )


def _preset_areas(documents: dict[str, Any]) -> dict[str, BaseGeometry]:
    """The registry's preset areas, prepared: every plan tests the zone against them."""
    from planning.presets import preset_areas

    areas = preset_areas(documents)
    shapely.prepare(list(areas.values()))
    return areas


def _sums_by(keys: np.ndarray, values: np.ndarray) -> dict[str, int]:
    """``int`` sum of ``values`` per key, keys sorted and NaN dropped (``groupby(keys).sum()``)."""
    known = np.array([isinstance(k, str) for k in keys], dtype=bool)
    names, at = np.unique(keys[known], return_inverse=True)
    sums = np.zeros(len(names), dtype=values.dtype)
    np.add.at(sums, at, values[known])
    return {str(k): int(v) for k, v in zip(names, sums, strict=True)}


def _status_warnings(
    region: Region,
    vintage: str,
    zone: BaseGeometry,
    by_status: dict[str, int],
    unreachable: dict[Message, int],
    site_reasons: list[Message | None],
    resp: Any,
) -> list[Message]:
    """Warnings on who is left without a place, unreachable, or not there at all."""
    out = []
    if by_status.get("unassigned", 0):
        if not len(routed_sites(site_reasons)):
            out.append(Message("warn.no_site_available", {"people": by_status["unassigned"]}))
        else:
            out.append(Message("warn.unassigned", {"people": by_status["unassigned"]}))
    if unreachable:
        out.append(Message("warn.unreachable", {"people": sum(unreachable.values())}))
    outside_data = sum(n for why, n in unreachable.items() if why.key == "reason.no_road_near")
    # The share outside the data is a polygon difference: only worth it if someone is there.
    share = zone.difference(region.coverage).area / zone.area if outside_data else 0.0
    if share > 0.01:
        out.append(Message("warn.zone_outside_data", {"percent": round(share * 100)}))
    if sum(by_status.values()) == 0:
        if resp.municipalities:
            out.append(Message("warn.nobody_lives", {"vintage": vintage}))
        else:
            out.append(Message("warn.zone_at_sea"))
    return out


@dataclass
class SummaryInputs:
    """Everything :func:`summarise` reads: the plan's layers and the model's by-products."""

    region: Region
    registry: Registry
    scenario: Scenario
    zone: BaseGeometry
    evacuees: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    site_reasons: list[Message | None]
    unreachable: dict[Message, int]
    routes: gpd.GeoDataFrame
    curves: dict[str, ClearanceCurves]
    ranges: dict[str, dict[str, ClearanceCurves]]
    exits: gpd.GeoDataFrame
    closures: gpd.GeoDataFrame
    spofs: list[tuple[str, FailurePoint]]
    warnings: list[Message]
    population: PopulationChoice


def summarise(parts: SummaryInputs) -> PlanSummary:
    """The plan summary (:class:`planning.summary_model.PlanSummary`), language-neutral."""
    region, sites = parts.region, parts.sites
    unreachable, spofs, warnings = parts.unreachable, parts.spofs, parts.warnings
    columns = _Evacuees.of(parts.evacuees)
    by_status = _sums_by(columns.status, columns.people)
    resp = _responsibility(region, parts.registry, parts.zone, columns, sites)
    population = parts.population
    warnings += _status_warnings(
        region,
        population.vintage,
        parts.zone,
        by_status,
        unreachable,
        parts.site_reasons,
        resp,
    )
    for _mode, f in spofs:
        warnings.append(
            Message("warn.single_point_of_failure", {"road": f.name, "people": f.people_cut_off})
        )
    return {
        "format": SUMMARY_FORMAT,
        "scenario": parts.scenario.name,
        "preset": parts.scenario.preset,
        "exercise": parts.scenario.exercise,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "zone_area_km2": round(parts.zone.area / 1e6, 3),
        "population_vintage": population.vintage,
        **_people_entries(columns, by_status, unreachable),
        "sites": _site_entries(sites, parts.site_reasons),
        **_road_entries(parts.exits, parts.closures, spofs),
        "clearance_minutes": clearance_minutes(parts.curves),
        "clearance_range_minutes": {k: clearance_minutes(v) for k, v in parts.ranges.items()},
        "bottlenecks": bottlenecks(parts.routes),
        "municipalities": resp.municipalities,
        "counties": resp.counties,
        "responsible_actors": resp.actors,
        "rules_fired": resp.rules_fired,
        "actions": resp.actions,
        "kindergartens": [],
        "warnings": [message_json(w) for w in warnings],
        "assumptions": _assumptions(region, parts.scenario, sites, population.source),
        "data": {"region": str(region.path), "attribution": settings.ATTRIBUTION},
    }


def _people_entries(
    evacuees: _Evacuees, by_status: dict[str, int], unreachable: dict[Message, int]
) -> PeopleFigures:
    """Summary keys counting people: in total, per status, per site and why unreachable."""
    why_unreachable = sorted(unreachable.items(), key=lambda item: item[0].text("en"))
    people = evacuees.people
    assigned = evacuees.status == "assigned"
    return {
        "evacuees_total": int(people.sum()),
        "reception_seekers": by_status.get("assigned", 0) + by_status.get("unassigned", 0),
        "assigned": _sums_by(evacuees.site[assigned], people[assigned]),
        "own_arrangements": by_status.get("own_arrangements", 0),
        "unassigned": by_status.get("unassigned", 0),
        "unreachable": by_status.get("unreachable", 0),
        "unreachable_reasons": [
            {"reason": message_json(why), "people": int(n)} for why, n in why_unreachable
        ],
    }


def _road_entries(
    exits: gpd.GeoDataFrame, closures: gpd.GeoDataFrame, spofs: list[tuple[str, FailurePoint]]
) -> RoadFigures:
    """Summary keys about roads: exits used, closures and single points of failure."""
    exit_cols = _columns(exits, ("name", "name_en", "people"))
    closure_cols = _columns(closures, ("label", "roads_cut", "length_m"))
    return {
        "exits": [
            {"name": name, "label": bilingual(name, name_en), "people": int(people)}
            for name, name_en, people in zip(*exit_cols, strict=True)
        ],
        "closures": [
            {
                "label": label,
                "roads_cut": roads_cut.split("; ") if roads_cut else [],
                "length_m": float(length_m),
            }
            for label, roads_cut, length_m in zip(*closure_cols, strict=True)
        ],
        "single_points_of_failure": [
            {"name": f.name, "mode": mode, "people_cut_off": f.people_cut_off} for mode, f in spofs
        ],
    }


def _columns(frame: pd.DataFrame, names: tuple[str, ...]) -> list[list[Any]]:
    """Columns of a small frame as Python lists: cheaper to read than ``itertuples``."""
    return [frame[c].tolist() for c in names]


#: Columns of the sites layer the summary lists.
_SITE_KEYS = (
    "name",
    "kind",
    "added",
    "capacity",
    "capacity_assumed",
    "available",
    "assigned",
    "off_network_m",
)


def _site_entries(sites: gpd.GeoDataFrame, reasons: list[Message | None]) -> list[SiteEntry]:
    rows = zip(*_columns(sites, _SITE_KEYS), strict=True)
    return [
        {
            "name": name,
            "kind": kind,
            "added": bool(added),
            "capacity": int(capacity),
            "capacity_assumed": bool(assumed),
            "available": bool(available),
            "reason": message_json(why) if why else None,
            "assigned": int(assigned),
            "off_network_m": float(off_network_m),
        }
        for (name, kind, added, capacity, assumed, available, assigned, off_network_m), why in zip(
            rows, reasons, strict=True
        )
    ]


def _assumptions(
    region: Region, scenario: Scenario, sites: gpd.GeoDataFrame, population_source: str
) -> dict[str, Any]:
    return {
        "population_source": population_source,
        "population_scale": scenario.population_scale,
        "population_override": scenario.population_override,
        "extra_population": sum(e.people for e in scenario.extra_population),
        "mode": scenario.mode,
        "car_share": scenario.car_share if scenario.mode == "mixed" else None,
        "persons_per_car": scenario.persons_per_car if scenario.mode != "walk" else None,
        "mobilisation_curve": [list(p) for p in scenario.mobilisation],
        "reception_share": scenario.reception_share,
        "reception_share_source": "Baker 1991 (5-15 % use public shelters); antatt",
        "exit_buffer_m": scenario.exit_buffer_m,
        "capacity_range": list(scenario.capacity_range),
        "site_capacities_assumed": sites["name"]
        .to_numpy()[sites["capacity_assumed"].to_numpy(bool)]
        .tolist(),
        "roads_under_construction": region.include_construction,
        "clearance_model": "point-queue time-expanded flow over the routes to sites and exits",
        "clearance_covers": "everybody who travels: to reception sites and to safe exits",
        "off_network_detour_factor": routing.DETOUR_FACTOR,
        "max_snap_m": routing.MAX_SNAP_M,
        "evacuated_statuses": sorted(EVACUATED_STATUSES),
    }
