"""The planner app's state: widget values <-> :class:`~planning.scenario.Scenario`.

The app keeps one scenario in ``st.session_state``: the zones and closures as
lists, every parameter as the value of its widget. :func:`apply_scenario` puts a
scenario (a preset, a loaded file) into that state and :func:`build_scenario`
reads it back, so loading a scenario file and saving it again gives the same
JSON byte for byte. The functions take any mutable mapping, so they are tested
without Streamlit.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Any, Final

import geopandas as gpd

from geo.errors import ScenarioError
from geo.registry import canonical_site_overrides
from geo.zone_files import read_geometries, split_upload
from planning.scenario import Scenario, SiteOverride, ZoneSpec
from planning.zones import zone_geometry

State = MutableMapping[str, Any]

# Widget keys of the scenario parameters.
NAME: Final = "scenario_name"
EXERCISE: Final = "exercise"
SCALE: Final = "population_scale"
OVERRIDE: Final = "population_override"
MODE: Final = "mode"
CAR_SHARE: Final = "car_share"
PERSONS_PER_CAR: Final = "persons_per_car"
MOBILISATION: Final = "mobilisation"
PRESET: Final = "preset"
# Non-widget state.
BASE: Final = "base_scenario"
ZONES: Final = "zones"
CLOSURES: Final = "closures"
NEXT_UID: Final = "next_zone_uid"
SEEN_DRAWINGS: Final = "seen_drawings"

_LINE_TYPES: Final = ("LineString", "MultiLineString")


@dataclass
class ZoneEntry:
    """A zone in the app, with a stable id for its widgets."""

    uid: int
    spec: ZoneSpec


def site_active_key(name: str) -> str:
    """Widget key of a site's availability checkbox."""
    return f"site_active::{name}"


def site_capacity_key(name: str) -> str:
    """Widget key of a site's capacity input."""
    return f"site_capacity::{name}"


def zone_label_key(uid: int) -> str:
    """Widget key of a zone's label input."""
    return f"zone_label::{uid}"


def zone_status_key(uid: int) -> str:
    """Widget key of a zone's status select box."""
    return f"zone_status::{uid}"


def format_mobilisation(curve: Iterable[tuple[float, float]]) -> str:
    """Write a mobilisation curve as ``minutes:share`` pairs, e.g. ``0:0; 15:0.3``.

    Non-integers use ``repr`` so :func:`parse_mobilisation` gives back the same floats.
    """

    def num(x: float) -> str:
        x = float(x)
        return str(int(x)) if x.is_integer() else repr(x)

    return "; ".join(f"{num(t)}:{num(f)}" for t, f in curve)


def parse_mobilisation(text: str) -> list[tuple[float, float]]:
    """Read ``minutes:share`` pairs separated by ``;`` (a decimal comma is accepted).

    Raises
    ------
    ScenarioError
        If a pair is not two numbers.
    """
    curve = []
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        try:
            minutes, share = part.split(":")
            curve.append((float(minutes.replace(",", ".")), float(share.replace(",", "."))))
        except ValueError:
            msg = (
                f"Mobilisation curve: {part.strip()!r} is not 'minutes:share'; write e.g. "
                "'0:0; 15:0.3; 30:0.7; 60:1'."
            )
            raise ScenarioError(msg) from None
    return curve


def init_state(state: State, sites: gpd.GeoDataFrame) -> None:
    """Fill an empty state with the default scenario (no zone yet)."""
    if BASE not in state:
        state[SEEN_DRAWINGS] = set()
        state[NEXT_UID] = 0
        apply_scenario(state, Scenario(name="Scenario"), sites)


def apply_scenario(state: State, scenario: Scenario, sites: gpd.GeoDataFrame) -> None:
    """Put ``scenario`` into the state: zones, closures and every widget value.

    Call it before the widgets are drawn (in a callback or at the top of the script).
    Site overrides given by an alternative name (``Unity Arena``) are filed under
    the registry name; an unknown site raises :class:`ScenarioError`.
    """
    scenario = replace(scenario, sites=canonical_site_overrides(sites, scenario.sites))
    for entry in state.get(ZONES, []):
        state.pop(zone_label_key(entry.uid), None)
        state.pop(zone_status_key(entry.uid), None)
    state[BASE] = copy.deepcopy(scenario)
    state[ZONES] = []
    add_zones(state, copy.deepcopy(scenario.zones))
    state[CLOSURES] = copy.deepcopy(scenario.closures)
    state[NAME] = scenario.name
    state[EXERCISE] = bool(scenario.exercise)
    state[SCALE] = float(scenario.population_scale)
    state[OVERRIDE] = scenario.population_override
    state[MODE] = scenario.mode
    state[CAR_SHARE] = float(scenario.car_share)
    state[PERSONS_PER_CAR] = float(scenario.persons_per_car)
    state[MOBILISATION] = format_mobilisation(scenario.mobilisation)
    for row in sites.itertuples():
        o = scenario.sites.get(row.name)
        state[site_active_key(row.name)] = o.active if o else True
        has_cap = o is not None and o.capacity is not None
        state[site_capacity_key(row.name)] = int(o.capacity if has_cap else row.capacity)


def add_zones(state: State, specs: Iterable[ZoneSpec]) -> list[int]:
    """Append zones, giving each a new id and its label/status widget values."""
    uids = []
    for spec in specs:
        uid = state[NEXT_UID]
        state[NEXT_UID] = uid + 1
        state[ZONES].append(ZoneEntry(uid, spec))
        state[zone_label_key(uid)] = spec.label
        state[zone_status_key(uid)] = spec.status
        uids.append(uid)
    return uids


def remove_zone(state: State, uid: int) -> None:
    """Drop the zone with id ``uid`` (a button callback)."""
    state[ZONES] = [e for e in state[ZONES] if e.uid != uid]
    state.pop(zone_label_key(uid), None)
    state.pop(zone_status_key(uid), None)


def clear_zones(state: State) -> None:
    """Drop every zone and closure (drawings already imported stay ignored)."""
    for entry in list(state[ZONES]):
        remove_zone(state, entry.uid)
    state[CLOSURES] = []


def current_zones(state: Mapping[str, Any]) -> list[ZoneSpec]:
    """The zones with the labels and statuses currently in their widgets."""
    return [
        replace(
            e.spec,
            label=state.get(zone_label_key(e.uid), e.spec.label),
            status=state.get(zone_status_key(e.uid), e.spec.status),
        )
        for e in state[ZONES]
    ]


def site_overrides(state: Mapping[str, Any], sites: gpd.GeoDataFrame) -> dict[str, SiteOverride]:
    """Site overrides from the widgets, keeping every entry the base scenario had.

    A site the base scenario does not mention gets an entry only when it differs
    from the registry, so an untouched site keeps following the registry.
    """
    base: dict[str, SiteOverride] = state[BASE].sites
    out = {name: copy.copy(o) for name, o in base.items()}
    for row in sites.itertuples():
        active = bool(state.get(site_active_key(row.name), True))
        cap = int(state.get(site_capacity_key(row.name), row.capacity))
        o = base.get(row.name)
        if o is not None:
            keep_cap = o.capacity is not None or cap != int(row.capacity)
            out[row.name] = SiteOverride(active=active, capacity=cap if keep_cap else None)
        elif not active or cap != int(row.capacity):
            capacity = cap if cap != int(row.capacity) else None
            out[row.name] = SiteOverride(active=active, capacity=capacity)
    return out


def build_scenario(state: Mapping[str, Any], sites: gpd.GeoDataFrame) -> Scenario:
    """The scenario the widgets describe.

    Raises
    ------
    ScenarioError
        If the mobilisation text cannot be read (other checks are left to
        :meth:`Scenario.validate`).
    """
    base: Scenario = state[BASE]
    override = state.get(OVERRIDE)
    return Scenario(
        name=str(state[NAME]),
        zones=current_zones(state),
        closures=copy.deepcopy(state[CLOSURES]),
        population_scale=float(state[SCALE]),
        population_override=None if override is None else int(override),
        extra_population=copy.deepcopy(base.extra_population),
        mode=str(state[MODE]),
        car_share=float(state[CAR_SHARE]),
        persons_per_car=float(state[PERSONS_PER_CAR]),
        mobilisation=parse_mobilisation(str(state[MOBILISATION])),
        sites=site_overrides(state, sites),
        exercise=bool(state[EXERCISE]),
        preset=base.preset,
    )


def _drawing_key(feature: Mapping[str, Any]) -> str:
    props = feature.get("properties") or {}
    return json.dumps([feature.get("geometry"), props.get("radius")], sort_keys=True)


def drawing_specs(
    features: Iterable[Mapping[str, Any]], label: str, start: int = 1
) -> tuple[list[ZoneSpec], list[dict[str, Any]]]:
    """Zones and closures from map drawings (GeoJSON features in lon/lat).

    Polygons and rectangles become polygon zones, circles (a Point with
    ``properties.radius`` in metres) circle zones, lines road closures; other
    features are ignored. ``label`` is formatted with ``{n}``, the zone's number
    counted from ``start``.
    """
    zones: list[ZoneSpec] = []
    closures: list[dict[str, Any]] = []
    for feature in features:
        geom = feature.get("geometry") or {}
        kind = geom.get("type")
        radius = (feature.get("properties") or {}).get("radius")
        if kind in ("Polygon", "MultiPolygon"):
            zones.append(
                ZoneSpec(kind="polygon", label=label.format(n=start + len(zones)), geometry=geom)
            )
        elif kind == "Point" and radius:
            lon, lat = geom["coordinates"][:2]
            zones.append(
                ZoneSpec(
                    kind="circle",
                    label=label.format(n=start + len(zones)),
                    center=(float(lon), float(lat)),
                    radius_m=float(radius),
                )
            )
        elif kind in _LINE_TYPES:
            closures.append(geom)
    return zones, closures


def import_drawings(
    state: State, features: Iterable[Mapping[str, Any]] | None, label: str
) -> tuple[int, int]:
    """Add drawings not seen before to the zones and closures.

    The map returns all its drawings on every rerun and forgets them when it is
    rebuilt, so each drawing is imported once and then lives in the state.

    Returns
    -------
    tuple of int
        Number of zones and closures added.
    """
    seen: set[str] = state[SEEN_DRAWINGS]
    new = [f for f in features or [] if _drawing_key(f) not in seen]
    seen.update(_drawing_key(f) for f in new)
    zones, closures = drawing_specs(new, label, start=len(state[ZONES]) + 1)
    add_zones(state, zones)
    state[CLOSURES].extend(closures)
    return len(zones), len(closures)


def upload_specs(data: bytes, filename: str) -> tuple[list[ZoneSpec], list[dict[str, Any]]]:
    """Zones (polygons) and closures (lines) of an uploaded GeoJSON, GeoPackage or KML file.

    Raises
    ------
    UploadError, ZoneError
        If the file is unreadable or holds neither a polygon nor a line.
    """
    features, lines = split_upload(read_geometries(data, filename), filename)
    zones = [ZoneSpec(kind="polygon", label=f["label"], geometry=f["geometry"]) for f in features]
    for z in zones:
        zone_geometry(z)  # reject unusable polygons now, with the file's labels
    return zones, lines


def checked_zone(spec: ZoneSpec) -> ZoneSpec:
    """Return ``spec`` after checking it gives a usable polygon (raises ZoneError)."""
    zone_geometry(spec)
    return spec
