"""The planner app's session state: the one module that knows its keys.

The app keeps one scenario in the session: zones, closures and added sites as
lists, every parameter as a *language-neutral* value (status codes, mode codes,
numbers) in a model dict. Widgets are views of the model: :func:`sync_widgets`
runs at the top of every script run, reads what the user changed
(:func:`harvest`) and writes the model back into the widget keys (:func:`seed`).
So a value survives a language switch (a select box's frontend value is its
*translated* label, which the next language cannot read back) and a widget
that was not drawn in a run.

:func:`apply_scenario` puts a scenario (a preset, a loaded file) into the state
and :func:`build_scenario` reads it back, so loading a scenario file and saving
it again gives the same JSON byte for byte. Every function takes a mutable
mapping, so they are tested without Streamlit.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd

from geo.errors import ScenarioError, ZoneError
from geo.registry import canonical_site_overrides
from geo.zone_files import read_geometries, split_upload
from planning.i18n import LANGS
from planning.scenario import (
    ADHOC_SITE_KINDS,
    MODES,
    POPULATION_VINTAGES,
    ZONE_STATUSES,
    AdhocSite,
    Scenario,
    SiteOverride,
    ZoneSpec,
)
from planning.zones import zone_geometry

if TYPE_CHECKING:
    from planning.plan import Plan

#: The session state: ``st.session_state`` (its keys are ``str | int``, Streamlit's
#: ``Key``) or, in tests, a plain dict.
State = MutableMapping[Any, Any]
#: The session state, read only.
StateView = Mapping[Any, Any]

# -- widget keys (their values live in the model) ---------------------------------------------
LANG: Final = "lang"
NAME: Final = "scenario_name"
EXERCISE: Final = "exercise"
SCALE: Final = "population_scale"
OVERRIDE: Final = "population_override"
MODE: Final = "mode"
CAR_SHARE: Final = "car_share"
PERSONS_PER_CAR: Final = "persons_per_car"
MOBILISATION: Final = "mobilisation"
PRESET: Final = "preset"
RECEPTION_SHARE: Final = "reception_share"
EXIT_BUFFER: Final = "exit_buffer_m"
CAP_LOW: Final = "capacity_low"
CAP_CENTRAL: Final = "capacity_central"
CAP_HIGH: Final = "capacity_high"
VINTAGE: Final = "population_vintage"
CONSTRUCTION: Final = "include_construction"
HZ_KIND: Final = "hz_kind"
HZ_LAT: Final = "hz_lat"
HZ_LON: Final = "hz_lon"
HZ_RADIUS: Final = "hz_radius"
HZ_WIND: Final = "hz_wind"
HZ_LENGTH: Final = "hz_length"
HZ_ANGLE: Final = "hz_angle"
SITE_PICK: Final = "site_pick_mode"
NEW_SITE_NAME: Final = "new_site_name"
NEW_SITE_CAPACITY: Final = "new_site_capacity"
NEW_SITE_KIND: Final = "new_site_kind"
# Widgets whose value is not part of the model (files, buttons, the map).
ZONE_FILE: Final = "zone_file"
SCENARIO_FILE: Final = "scenario_file"
MAP_WIDGET: Final = "plan_map"
# -- non-widget state -------------------------------------------------------------------------
MODEL: Final = "model"
BASE: Final = "base_scenario"
ZONES: Final = "zones"
CLOSURES: Final = "closures"
ADDED_SITES: Final = "added_sites"
NEXT_UID: Final = "next_zone_uid"
SEEN_DRAWINGS: Final = "seen_drawings"
NAME_TYPED: Final = "name_typed"
UNDO: Final = "undo_stack"
CONFIRM_CLEAR: Final = "confirm_clear"
PICKED_POINT: Final = "picked_point"
SEEN_CLICK: Final = "seen_click"
PLAN: Final = "plan"
PLAN_JSON: Final = "plan_json"
PLAN_SECONDS: Final = "plan_seconds"
#: The shown plan was computed before its button press (prefetched or cached).
PLAN_AHEAD: Final = "plan_ahead"
EXPORTS: Final = "exports"
PREFETCHED: Final = "prefetched_plan_key"
MAP_BASE: Final = "map_base"
MAP_MOUNT: Final = "map_mount"
#: True from the top of a planner run until its map is drawn.
MAP_PENDING: Final = "map_pending"
FLASH: Final = "flash"
ACCESS_GRANTED: Final = "access_granted"
USER: Final = "user_name"

#: Zone/closure edits that can be undone.
UNDO_DEPTH: Final = 20
#: Default hazard point: central Fornebu (Telenor Arena area, see DOMAIN.md).
HAZARD_LAT, HAZARD_LON = 59.8965, 10.6190
#: Values of the widgets that are not scenario fields, before the user touches them.
UI_DEFAULTS: Final[dict[str, Any]] = {
    LANG: "nb",
    PRESET: "",
    CONSTRUCTION: False,
    HZ_KIND: "circle",
    HZ_LAT: HAZARD_LAT,
    HZ_LON: HAZARD_LON,
    HZ_RADIUS: 1000.0,
    HZ_WIND: 200.0,
    HZ_LENGTH: 1500.0,
    HZ_ANGLE: 40.0,
    SITE_PICK: False,
    NEW_SITE_NAME: "",
    NEW_SITE_CAPACITY: 200,
    NEW_SITE_KIND: "eps",
}
#: Allowed values of the choice widgets: anything else (a translated label) is ignored.
_CHOICES: Final[dict[str, tuple[Any, ...]]] = {
    LANG: LANGS,
    MODE: MODES,
    VINTAGE: POPULATION_VINTAGES,
    HZ_KIND: ("circle", "plume"),
    NEW_SITE_KIND: ADHOC_SITE_KINDS,
}
_LINE_TYPES: Final = ("LineString", "MultiLineString")


@dataclass
class ZoneEntry:
    """A zone in the app, with a stable id for its widgets and where it came from.

    ``source`` is ``"map"``, ``"template"``, ``"scenario"`` or ``"file:<name>"``.
    """

    uid: int
    spec: ZoneSpec
    source: str = "scenario"


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


# -- the model --------------------------------------------------------------------------------


def put(state: State, key: str, value: Any) -> None:
    """Set a model value and its widget (call before the widget is drawn, or in a callback)."""
    state.setdefault(MODEL, {})[key] = value
    state[key] = value


def value(state: StateView, key: str, default: Any = None) -> Any:
    """A model value."""
    return state.get(MODEL, {}).get(key, default)


def drop(state: State, key: str) -> None:
    """Forget a model value and its widget."""
    state.get(MODEL, {}).pop(key, None)
    state.pop(key, None)


def _valid(key: str, v: Any) -> bool:
    if key in _CHOICES:
        return v in _CHOICES[key]
    if key.startswith("zone_status::"):
        return v in ZONE_STATUSES
    return v is not None or key == OVERRIDE


def harvest(state: State) -> None:
    """Copy what the user changed in the widgets into the model.

    A choice widget's value is accepted only if it is one of the codes: after a
    language switch Streamlit may hand back the old language's label.
    """
    model = state.setdefault(MODEL, {})
    for key in list(model):
        if key in state:
            v = state[key]
            if _valid(key, v):
                model[key] = v


def seed(state: State) -> None:
    """Write the model into the widget keys (top of a run, before any widget is drawn)."""
    for key, v in state.get(MODEL, {}).items():
        state[key] = v


def sync_widgets(state: State) -> None:
    """Harvest then seed: the model wins over stale or foreign widget values."""
    harvest(state)
    seed(state)


def lang(state: StateView) -> str:
    """The chosen UI language."""
    return str(value(state, LANG, "nb"))


# -- scenario <-> state -----------------------------------------------------------------------


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
    """Fill an empty state with the default scenario (no zone yet) and UI defaults."""
    if BASE in state:
        return
    state[SEEN_DRAWINGS] = set()
    state[NEXT_UID] = 0
    state[UNDO] = []
    state.setdefault(MODEL, {})
    for key, v in UI_DEFAULTS.items():
        put(state, key, v)
    apply_scenario(state, Scenario(name="Scenario"), sites)


def apply_scenario(state: State, scenario: Scenario, sites: gpd.GeoDataFrame) -> None:
    """Put ``scenario`` into the state: zones, closures, sites and every widget value.

    Call it before the widgets are drawn (in a callback or at the top of the script).
    Site overrides given by an alternative name (``Unity Arena``) are filed under
    the registry name; an unknown site raises :class:`ScenarioError`.
    """
    scenario = replace(scenario, sites=canonical_site_overrides(sites, scenario.sites))
    for entry in state.get(ZONES, []):
        drop(state, zone_label_key(entry.uid))
        drop(state, zone_status_key(entry.uid))
    state[BASE] = copy.deepcopy(scenario)
    state[ZONES] = []
    state[UNDO] = []
    state[CONFIRM_CLEAR] = False
    add_zones(state, copy.deepcopy(scenario.zones), "scenario", undoable=False)
    state[CLOSURES] = copy.deepcopy(scenario.closures)
    state[ADDED_SITES] = copy.deepcopy(scenario.added_sites)
    low, central, high = scenario.capacity_range
    for key, v in (
        (NAME, scenario.name),
        (EXERCISE, bool(scenario.exercise)),
        (SCALE, float(scenario.population_scale)),
        (OVERRIDE, scenario.population_override),
        (MODE, scenario.mode),
        (CAR_SHARE, float(scenario.car_share)),
        (PERSONS_PER_CAR, float(scenario.persons_per_car)),
        (MOBILISATION, format_mobilisation(scenario.mobilisation)),
        (RECEPTION_SHARE, float(scenario.reception_share)),
        (EXIT_BUFFER, float(scenario.exit_buffer_m)),
        (CAP_LOW, float(low)),
        (CAP_CENTRAL, float(central)),
        (CAP_HIGH, float(high)),
        (VINTAGE, scenario.population_vintage),
    ):
        put(state, key, v)
    for row in sites.itertuples():
        o = scenario.sites.get(row.name)
        put(state, site_active_key(row.name), o.active if o else True)
        capacity = o.capacity if o is not None and o.capacity is not None else row.capacity
        put(state, site_capacity_key(row.name), int(capacity))


def set_auto_name(state: State, name: str) -> None:
    """Name the scenario after a preset or file, unless the user typed a name."""
    if not state.get(NAME_TYPED):
        put(state, NAME, name)


def name_typed(state: State) -> None:
    """The user edited the name (the name input's callback): stop following loads."""
    state[NAME_TYPED] = True


def site_overrides(state: StateView, sites: gpd.GeoDataFrame) -> dict[str, SiteOverride]:
    """Site overrides from the widgets, keeping every entry the base scenario had.

    A site the base scenario does not mention gets an entry only when it differs
    from the registry, so an untouched site keeps following the registry.
    """
    base: dict[str, SiteOverride] = state[BASE].sites
    out = {name: copy.copy(o) for name, o in base.items()}
    for row in sites.itertuples():
        active = bool(value(state, site_active_key(row.name), True))
        cap = int(value(state, site_capacity_key(row.name), row.capacity))
        o = base.get(row.name)
        if o is not None:
            keep_cap = o.capacity is not None or cap != int(row.capacity)
            out[row.name] = SiteOverride(active=active, capacity=cap if keep_cap else None)
        elif not active or cap != int(row.capacity):
            capacity = cap if cap != int(row.capacity) else None
            out[row.name] = SiteOverride(active=active, capacity=capacity)
    return out


def build_scenario(state: State, sites: gpd.GeoDataFrame) -> Scenario:
    """The scenario the widgets describe (after taking in the latest widget values).

    Raises
    ------
    ScenarioError
        If the mobilisation text cannot be read (other checks are left to
        :meth:`Scenario.validate`).
    """
    harvest(state)
    base: Scenario = state[BASE]
    override = value(state, OVERRIDE)
    return Scenario(
        name=str(value(state, NAME)),
        zones=current_zones(state),
        closures=copy.deepcopy(state[CLOSURES]),
        population_scale=float(value(state, SCALE)),
        population_override=None if override is None else int(override),
        extra_population=copy.deepcopy(base.extra_population),
        mode=str(value(state, MODE)),
        car_share=float(value(state, CAR_SHARE)),
        persons_per_car=float(value(state, PERSONS_PER_CAR)),
        mobilisation=parse_mobilisation(str(value(state, MOBILISATION))),
        sites=site_overrides(state, sites),
        exercise=bool(value(state, EXERCISE)),
        preset=base.preset,
        reception_share=float(value(state, RECEPTION_SHARE)),
        exit_buffer_m=float(value(state, EXIT_BUFFER)),
        capacity_range=(
            float(value(state, CAP_LOW)),
            float(value(state, CAP_CENTRAL)),
            float(value(state, CAP_HIGH)),
        ),
        population_vintage=str(value(state, VINTAGE)),
        added_sites=copy.deepcopy(state[ADDED_SITES]),
    )


def scenario_key(scenario_json: str, *extra: object) -> str:
    """A hash of a scenario's JSON (and any other plan input): the plan cache key."""
    text = json.dumps([scenario_json, *map(str, extra)])
    return hashlib.sha256(text.encode()).hexdigest()


# -- zones, closures, undo --------------------------------------------------------------------


def _push_undo(state: State) -> None:
    """Remember the zones and closures before an edit."""
    snap = {
        "zones": copy.deepcopy(state[ZONES]),
        "closures": copy.deepcopy(state[CLOSURES]),
        "labels": {e.uid: value(state, zone_label_key(e.uid)) for e in state[ZONES]},
        "statuses": {e.uid: value(state, zone_status_key(e.uid)) for e in state[ZONES]},
    }
    stack = state.setdefault(UNDO, [])
    stack.append(snap)
    del stack[:-UNDO_DEPTH]


def can_undo(state: StateView) -> bool:
    """Whether there is a zone/closure edit to undo."""
    return bool(state.get(UNDO))


def undo(state: State) -> None:
    """Undo the last zone/closure edit (a button callback)."""
    if not state.get(UNDO):
        return
    snap = state[UNDO].pop()
    for entry in state[ZONES]:
        drop(state, zone_label_key(entry.uid))
        drop(state, zone_status_key(entry.uid))
    state[ZONES] = snap["zones"]
    state[CLOSURES] = snap["closures"]
    for entry in state[ZONES]:
        put(state, zone_label_key(entry.uid), snap["labels"][entry.uid])
        put(state, zone_status_key(entry.uid), snap["statuses"][entry.uid])
    state[CONFIRM_CLEAR] = False


def add_zones(
    state: State, specs: Iterable[ZoneSpec], source: str, *, undoable: bool = True
) -> list[int]:
    """Append zones, giving each a new id and its label/status widget values."""
    specs = list(specs)
    if undoable and specs:
        _push_undo(state)
    uids = []
    for spec in specs:
        uid = state[NEXT_UID]
        state[NEXT_UID] = uid + 1
        state[ZONES].append(ZoneEntry(uid, spec, source))
        put(state, zone_label_key(uid), spec.label)
        put(state, zone_status_key(uid), spec.status)
        uids.append(uid)
    return uids


def add_closures(state: State, closures: list[dict[str, Any]], *, undoable: bool = True) -> None:
    """Append road closures (GeoJSON lines in lon/lat)."""
    if undoable and closures:
        _push_undo(state)
    state[CLOSURES].extend(closures)


def remove_zone(state: State, uid: int) -> None:
    """Drop the zone with id ``uid`` (a button callback)."""
    _push_undo(state)
    state[ZONES] = [e for e in state[ZONES] if e.uid != uid]
    drop(state, zone_label_key(uid))
    drop(state, zone_status_key(uid))


def ask_clear(state: State) -> None:
    """First click on "remove all": ask for confirmation."""
    state[CONFIRM_CLEAR] = True


def cancel_clear(state: State) -> None:
    """The planner changed their mind."""
    state[CONFIRM_CLEAR] = False


def clear_zones(state: State) -> None:
    """Drop every zone and closure (confirmed; undoable; drawings already imported stay ignored)."""
    _push_undo(state)
    for entry in state[ZONES]:
        drop(state, zone_label_key(entry.uid))
        drop(state, zone_status_key(entry.uid))
    state[ZONES] = []
    state[CLOSURES] = []
    state[CONFIRM_CLEAR] = False


def current_zones(state: StateView) -> list[ZoneSpec]:
    """The zones with the labels and statuses currently in their widgets."""
    return [
        replace(
            e.spec,
            label=value(state, zone_label_key(e.uid), e.spec.label),
            status=value(state, zone_status_key(e.uid), e.spec.status),
        )
        for e in state[ZONES]
    ]


def _shape(spec: ZoneSpec) -> str:
    return json.dumps(replace(spec, label="", status="").__dict__, sort_keys=True, default=list)


def pending_edits(
    state: StateView, computed: Scenario | None
) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
    """Zones and closures not in the computed plan's scenario ("ikke beregnet").

    Returns
    -------
    tuple
        ``[(label, GeoJSON polygon in lon/lat)]`` and closure lines (GeoJSON, lon/lat).
    """
    done_zones = {_shape(z) for z in computed.zones} if computed else set()
    done_lines = [json.dumps(c, sort_keys=True) for c in computed.closures] if computed else []
    zones = []
    for spec in current_zones(state):
        if _shape(spec) in done_zones:
            continue
        try:
            zones.append((spec.label, zone_lonlat(spec)))
        except ZoneError:
            continue  # an unusable zone is reported when the plan is computed
    closures = [c for c in state[CLOSURES] if json.dumps(c, sort_keys=True) not in done_lines]
    return zones, closures


def zone_lonlat(spec: ZoneSpec) -> dict[str, Any]:
    """A zone's polygon as GeoJSON in lon/lat (circles and plumes included)."""
    from shapely.geometry import mapping

    gdf = gpd.GeoSeries([zone_geometry(spec)], crs="EPSG:25832").to_crs("EPSG:4326")
    return dict(mapping(gdf.iloc[0]))


# -- drawings and uploads ---------------------------------------------------------------------


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
    if zones or closures:
        _push_undo(state)
    add_zones(state, zones, "map", undoable=False)
    add_closures(state, closures, undoable=False)
    return len(zones), len(closures)


def upload_specs(data: bytes, filename: str) -> tuple[list[ZoneSpec], list[dict[str, Any]]]:
    """Zones (polygons) and closures (lines) of an uploaded GeoJSON, GeoPackage or KML file.

    A polygon without a name property is labelled with the file's name.

    Raises
    ------
    UploadError, ZoneError
        If the file is unreadable or holds neither a polygon nor a line.
    """
    features, lines = split_upload(read_geometries(data, filename), filename)
    stem = Path(filename).stem
    if len(features) == 1 and features[0]["label"] == f"{stem} 1":
        features[0]["label"] = stem
    zones = [ZoneSpec(kind="polygon", label=f["label"], geometry=f["geometry"]) for f in features]
    for z in zones:
        zone_geometry(z)  # reject unusable polygons now, with the file's labels
    return zones, lines


def add_upload(state: State, data: bytes, filename: str) -> tuple[int, int]:
    """Add an uploaded file's zones and closures (one undoable edit); name the scenario.

    Returns
    -------
    tuple of int
        Number of zones and closures added.
    """
    zones, closures = upload_specs(data, filename)
    _push_undo(state)
    add_zones(state, zones, f"file:{filename}", undoable=False)
    add_closures(state, closures, undoable=False)
    set_auto_name(state, Path(filename).stem)
    return len(zones), len(closures)


def checked_zone(spec: ZoneSpec) -> ZoneSpec:
    """Return ``spec`` after checking it gives a usable polygon (raises ZoneError)."""
    zone_geometry(spec)
    return spec


def hazard_spec(state: StateView, circle_label: str, plume_label: str) -> ZoneSpec:
    """The circle or plume zone the hazard template inputs describe.

    ``circle_label`` is formatted with ``{radius}``, ``plume_label`` with ``{wind}``.
    """
    center = (float(value(state, HZ_LON)), float(value(state, HZ_LAT)))
    if value(state, HZ_KIND) == "circle":
        radius = float(value(state, HZ_RADIUS))
        return ZoneSpec(
            kind="circle",
            label=circle_label.format(radius=f"{radius:.0f}"),
            center=center,
            radius_m=radius,
        )
    wind = float(value(state, HZ_WIND))
    return ZoneSpec(
        kind="plume",
        label=plume_label.format(wind=f"{wind:.0f}"),
        center=center,
        wind_from_deg=wind,
        length_m=float(value(state, HZ_LENGTH)),
        angle_deg=float(value(state, HZ_ANGLE)),
    )


# -- added reception sites (clicked on the map) ------------------------------------------------


def take_click(state: State, clicked: Mapping[str, Any] | None) -> bool:
    """Remember a new map click as the point of the next added site; True if it is new."""
    if not clicked:
        return False
    point = (round(float(clicked["lng"]), 6), round(float(clicked["lat"]), 6))
    if state.get(SEEN_CLICK) == point:
        return False
    state[SEEN_CLICK] = point
    state[PICKED_POINT] = point
    return True


def add_site(state: State) -> None:
    """Add the site described by the new-site inputs at the picked point (a callback).

    Raises
    ------
    ScenarioError
        Without a picked point or a name.
    """
    harvest(state)
    point = state.get(PICKED_POINT)
    name = " ".join(str(value(state, NEW_SITE_NAME, "")).split())
    if point is None:
        raise ScenarioError("Click on the map where the reception site is, then add it.")
    if not name:
        raise ScenarioError("Give the new reception site a name.")
    site = AdhocSite(
        name=name,
        lon=point[0],
        lat=point[1],
        capacity=int(value(state, NEW_SITE_CAPACITY)),
        kind=str(value(state, NEW_SITE_KIND)),
    )
    state[ADDED_SITES] = [*state[ADDED_SITES], site]
    state[PICKED_POINT] = None
    put(state, NEW_SITE_NAME, "")


def remove_site(state: State, index: int) -> None:
    """Drop the added site at ``index`` (a button callback)."""
    state[ADDED_SITES] = [s for i, s in enumerate(state[ADDED_SITES]) if i != index]


# -- the computed plan ------------------------------------------------------------------------


def store_plan(
    state: State, plan: Plan, scenario_json: str, seconds: float, *, ahead: bool = False
) -> None:
    """Remember the computed plan, the scenario it was computed for and what it took."""
    if state.get(PLAN_JSON) != scenario_json or state.get(PLAN) is not plan:
        state[EXPORTS] = {}
    state[PLAN] = plan
    state[PLAN_JSON] = scenario_json
    state[PLAN_SECONDS] = seconds
    state[PLAN_AHEAD] = ahead


def plan_time(computed_s: float, waited_s: float) -> tuple[float, bool]:
    """Seconds to show for a plan, and whether it was ready before the button press.

    A press that waited less than half the computation found the plan ready
    (prefetched while the planner edited, or computed before): the figure shown
    is then the computation's, not the cache lookup's (which read "0,0 s").
    """
    if waited_s >= 0.5 * computed_s:
        return waited_s, False
    return computed_s, True


def seconds_text(seconds: float, lg: str) -> str:
    """Seconds for the timing line: two decimals under a second, a decimal comma in bokmål."""
    text = f"{seconds:.2f}" if seconds < 1.0 else f"{seconds:.1f}"
    return text.replace(".", ",") if lg == "nb" else text


def drop_plan(state: State) -> None:
    """Forget the plan (a new scenario was loaded)."""
    for key in (PLAN, PLAN_JSON, PLAN_SECONDS, PLAN_AHEAD):
        state.pop(key, None)
    state[EXPORTS] = {}


def begin_page(state: State) -> None:
    """Top of a planner run: a new map key if the last run stopped before drawing its map.

    The browser's map component is keyed by ``MAP_MOUNT``, so a map is never
    remounted under the key of one the page dropped: a run stopped mid-way by a new
    click (English, then Norsk at once) may already have put other elements where the
    map was, and a component remounted under its old key then stays blank (no map).
    """
    if state.get(MAP_PENDING):
        _bump_mount(state)
    state[MAP_PENDING] = True


def map_drawn(state: State) -> None:
    """The map of this run is drawn."""
    state[MAP_PENDING] = False


def _bump_mount(state: State) -> None:
    state[MAP_MOUNT] = int(state.get(MAP_MOUNT, 0)) + 1


def map_mount(state: State, base_key: object) -> int:
    """A number that changes with the base map (a language switch) and after a cut-short run.

    A cut-short run is one that stopped before it drew the map (see :func:`begin_page`).
    """
    if state.get(MAP_BASE) != base_key:
        state[MAP_BASE] = base_key
        _bump_mount(state)
    return int(state[MAP_MOUNT])


def should_prefetch(state: State, key: str) -> bool:
    """True once per scenario key: the plan of an edited scenario may be computed ahead."""
    if state.get(PREFETCHED) == key:
        return False
    state[PREFETCHED] = key
    return True


def plan_fresh(state: StateView, scenario_json: str | None) -> bool:
    """Whether the stored plan was computed for exactly this scenario."""
    return state.get(PLAN) is not None and scenario_json == state.get(PLAN_JSON)
