"""Scenario: every input and assumption of one evacuation plan, serialisable to JSON.

A scenario round-trips exactly through :func:`scenario_to_json` /
:func:`scenario_from_json`. Geometries are GeoJSON in EPSG:4326 (lon, lat) so
the file is readable by any GIS and by people.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from geo.coords import check_lonlat
from geo.errors import ScenarioError, ZoneError
from geo.validate import load_json
from planning.scenario_schema import check_schema

ZONE_KINDS: tuple[str, ...] = ("polygon", "circle", "plume")
ZONE_STATUSES: tuple[str, ...] = ("varsel", "evakueringsordre", "bli_innendors", "opphevet")
MODES: tuple[str, ...] = ("walk", "drive", "mixed")

#: Default share of evacuees who leave by car in mixed mode (assumption).
DEFAULT_CAR_SHARE = 0.8
#: Default persons per car (assumption; Norwegian evacuation studies use 2-3).
DEFAULT_PERSONS_PER_CAR = 2.5
#: Default share of evacuees who come to a reception site (EPS / hotel); the rest
#: leave the zone to their own arrangements (family, friends, second homes).
#: Public-shelter use in large evacuations is typically 5-15 % (Baker 1991,
#: "Hurricane evacuation behavior", Int. J. Mass Emergencies and Disasters 9(2));
#: the planning default takes the upper end so reception capacity is not
#: underestimated. Labelled *antatt* in the UI; editable.
DEFAULT_RECEPTION_SHARE = 0.15
#: Default safety distance (m) beyond the zone boundary at which a road node
#: counts as a safe exit (assumption, editable per scenario).
DEFAULT_EXIT_BUFFER_M = 500.0
#: Default capacity factors (low, central, high) on the road-class capacity
#: table (``geo.settings.ROAD_CLASSES``, central = evacuation planning values).
#: They span the cited range: primary 800 x 0.75 = 600 veh/h/lane, the sustained
#: evacuation flow without contraflow (Dixit & Wolshon, TRB 2011), and x 1.25 =
#: 1,000, about the everyday signalised capacity (HCM 6th ed.: 1,900 x green
#: ratio 0.5); motorway 1,900 x 1.25 = 2,375, about HCM's freeway base 2,400.
DEFAULT_CAPACITY_RANGE: tuple[float, float, float] = (0.75, 1.0, 1.25)
#: Population grid vintages a scenario may ask for ("auto" = newest covering the zone).
POPULATION_VINTAGES: tuple[str, ...] = ("auto", "2023", "2015")
#: Largest capacity of one reception site (people): beyond this, check the number.
MAX_SITE_CAPACITY = 100_000
#: Kinds of an ad-hoc reception site added by the planner.
ADHOC_SITE_KINDS: tuple[str, ...] = ("eps", "eps_hotel", "arena", "school", "other")
#: Default mobilisation curve: (minutes after the order, cumulative share departed).
DEFAULT_MOBILISATION: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (15.0, 0.3),
    (30.0, 0.7),
    (60.0, 1.0),
)


@dataclass
class ZoneSpec:
    """One affected zone.

    Parameters
    ----------
    kind
        ``polygon`` (``geometry`` is a GeoJSON Polygon/MultiPolygon in lon/lat),
        ``circle`` (``center`` lon/lat + ``radius_m``) or ``plume`` (``center`` is
        the release point, ``wind_from_deg`` the meteorological wind direction,
        ``length_m`` and ``angle_deg`` the downwind sector).
    label
        Free text shown to users (escaped wherever it is rendered).
    status
        Emergency-service zone status.
    """

    kind: str = "polygon"
    label: str = ""
    status: str = "evakueringsordre"
    geometry: dict[str, Any] | None = None
    center: tuple[float, float] | None = None
    radius_m: float | None = None
    wind_from_deg: float | None = None
    length_m: float | None = None
    angle_deg: float | None = None


@dataclass
class ExtraPopulation:
    """Extra (e.g. daytime) population at a point."""

    lon: float
    lat: float
    people: int
    label: str = ""


@dataclass
class SiteOverride:
    """Per-scenario change to a reception site from the registry."""

    active: bool = True
    capacity: int | None = None


@dataclass
class AdhocSite:
    """A reception site the planner adds for this scenario (not in the registry)."""

    name: str
    lon: float
    lat: float
    capacity: int
    kind: str = "eps"


@dataclass
class Scenario:
    """All inputs and assumptions of one plan.

    Attributes
    ----------
    name
        Scenario name shown in the UI and on exports.
    zones
        Affected zones; their union is the evacuation area.
    closures
        Closed roads as GeoJSON LineString/Polygon geometries (lon/lat).
    population_scale
        Factor on the chosen SSB grid's population (growth since the grid's year).
        Ignored with an override.
    population_override
        Total residents to distribute over the same cells, or ``None``.
    extra_population
        Extra people at points (workplaces, events).
    mode
        ``walk``, ``drive`` or ``mixed``.
    car_share
        Share leaving by car in ``mixed`` mode.
    persons_per_car
        Persons per car (``drive`` and ``mixed``).
    mobilisation
        Cumulative departure curve as (minutes, share) pairs, increasing, ending at 1.
    sites
        Site name -> override of availability and capacity.
    exercise
        True marks every screen and export as an exercise (ØVELSE).
    preset
        Name of the preset the scenario came from, if any.
    reception_share
        Share of evacuees who come to a reception site; the rest go to safe exits.
    exit_buffer_m
        Safety distance beyond the zone boundary for safe exits (metres).
    capacity_range
        Factors (low, central, high) on the road capacity table.
    population_vintage
        ``auto`` (newest grid covering the zone), ``2023`` or ``2015``.
    added_sites
        Ad-hoc reception sites added by the planner.
    """

    name: str = "Scenario"
    zones: list[ZoneSpec] = field(default_factory=list)
    closures: list[dict[str, Any]] = field(default_factory=list)
    population_scale: float = 1.0
    population_override: int | None = None
    extra_population: list[ExtraPopulation] = field(default_factory=list)
    mode: str = "drive"
    car_share: float = DEFAULT_CAR_SHARE
    persons_per_car: float = DEFAULT_PERSONS_PER_CAR
    mobilisation: list[tuple[float, float]] = field(
        default_factory=lambda: list(DEFAULT_MOBILISATION)
    )
    sites: dict[str, SiteOverride] = field(default_factory=dict)
    exercise: bool = True
    preset: str | None = None
    reception_share: float = DEFAULT_RECEPTION_SHARE
    exit_buffer_m: float = DEFAULT_EXIT_BUFFER_M
    capacity_range: tuple[float, float, float] = DEFAULT_CAPACITY_RANGE
    population_vintage: str = "auto"
    added_sites: list[AdhocSite] = field(default_factory=list)

    def validate(self) -> Scenario:
        """Check parameters; raise :class:`ScenarioError` naming the bad one."""
        check_scenario(self)
        return self


def check_scenario(s: Scenario) -> None:
    """Raise :class:`ScenarioError` for wrong types, absurd or unknown parameters.

    Types (strict booleans, finite numbers) are checked by the same schema as a
    file's; closures must be usable line or polygon geometries in lon/lat.
    """
    check_schema(scenario_to_dict(s))
    _check_closures(s.closures)
    if not s.name.strip():
        raise ScenarioError("Scenario name is empty: give the scenario a name.")
    if s.mode not in MODES:
        raise ScenarioError(f"Unknown mode {s.mode!r}: use one of {', '.join(MODES)}.")
    _check_people_and_cars(s)
    _check_mobilisation(s.mobilisation)
    _check_model_parameters(s)
    _check_sites_and_zones(s)


def _check_people_and_cars(s: Scenario) -> None:
    if not 0.0 < s.population_scale <= 10.0:
        raise ScenarioError(
            f"population_scale {s.population_scale} is outside (0, 10]: "
            "use e.g. 1.1 for 10 % growth since the SSB grid's year."
        )
    if s.population_override is not None and not 0 <= s.population_override <= 2_000_000:
        raise ScenarioError(
            f"population_override {s.population_override} must be between 0 and 2,000,000."
        )
    if not 0.0 <= s.car_share <= 1.0:
        raise ScenarioError(f"car_share {s.car_share} must be between 0 and 1.")
    if not 1.0 <= s.persons_per_car <= 9.0:
        raise ScenarioError(f"persons_per_car {s.persons_per_car} must be between 1 and 9.")
    for i, e in enumerate(s.extra_population):
        if e.people < 0 or e.people > 200_000:
            raise ScenarioError(f"Extra population {e.label!r}: people must be 0-200,000.")
        _check_point(e.lon, e.lat, f"extra_population[{i}] ({e.label or 'no label'})")


def _check_sites_and_zones(s: Scenario) -> None:
    for name, o in s.sites.items():
        if o.capacity is not None and not 0 <= o.capacity <= MAX_SITE_CAPACITY:
            wrong = "is negative" if o.capacity < 0 else "is too large"
            raise ScenarioError(
                f"Site {name!r}: capacity {o.capacity} {wrong}; use 0-{MAX_SITE_CAPACITY:,} people."
            )
    for z in s.zones:
        if z.kind not in ZONE_KINDS:
            raise ScenarioError(f"Unknown zone kind {z.kind!r}: use {', '.join(ZONE_KINDS)}.")
        if z.status not in ZONE_STATUSES:
            raise ScenarioError(
                f"Unknown zone status {z.status!r}: use {', '.join(ZONE_STATUSES)}."
            )


def _check_point(lon: float, lat: float, what: str) -> None:
    try:
        check_lonlat(np.array([[lon, lat]], dtype=float), what)
    except ZoneError as exc:
        raise ScenarioError(str(exc)) from None


def _check_closures(closures: list[dict[str, Any]]) -> None:
    # Imported here: planning.zones imports this module for ZoneSpec.
    from planning.zones import closure_geometry

    for i, closure in enumerate(closures):
        closure_geometry(closure, i)


def _check_model_parameters(s: Scenario) -> None:
    if not 0.0 <= s.reception_share <= 1.0:
        raise ScenarioError(f"reception_share {s.reception_share} must be between 0 and 1.")
    if not 0.0 <= s.exit_buffer_m <= 20_000.0:
        raise ScenarioError(f"exit_buffer_m {s.exit_buffer_m} must be between 0 and 20,000 m.")
    low, central, high = s.capacity_range
    if not 0.1 <= low <= central <= high <= 3.0:
        raise ScenarioError(
            f"capacity_range {list(s.capacity_range)} must be low <= central <= high, "
            "each between 0.1 and 3."
        )
    if s.population_vintage not in POPULATION_VINTAGES:
        raise ScenarioError(
            f"population_vintage {s.population_vintage!r}: use {', '.join(POPULATION_VINTAGES)}."
        )
    for a in s.added_sites:
        if not a.name.strip():
            raise ScenarioError("An added reception site has no name: give it one.")
        if a.kind not in ADHOC_SITE_KINDS:
            raise ScenarioError(
                f"Added site {a.name!r}: kind {a.kind!r}; use {', '.join(ADHOC_SITE_KINDS)}."
            )
        if not 0 <= a.capacity <= MAX_SITE_CAPACITY:
            raise ScenarioError(
                f"Added site {a.name!r}: capacity must be 0-{MAX_SITE_CAPACITY:,} people."
            )
        _check_point(a.lon, a.lat, f"Added site {a.name!r}")


def _check_mobilisation(curve: list[tuple[float, float]]) -> None:
    if len(curve) < 2:
        raise ScenarioError("Mobilisation curve needs at least two (minutes, share) points.")
    times = [t for t, _ in curve]
    shares = [f for _, f in curve]
    if any(b < a for a, b in itertools.pairwise(times)) or times[0] < 0:
        raise ScenarioError("Mobilisation curve minutes must start at >= 0 and increase.")
    if any(b < a for a, b in itertools.pairwise(shares)):
        raise ScenarioError("Mobilisation curve shares must not decrease.")
    if shares[0] < 0 or abs(shares[-1] - 1.0) > 1e-9:
        raise ScenarioError("Mobilisation curve shares must go from >= 0 up to exactly 1.")
    if times[-1] > 24 * 60:
        raise ScenarioError("Mobilisation curve longer than 24 hours: check the minutes.")


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """Return a JSON-ready dict of ``s``."""
    d = asdict(s)
    d["mobilisation"] = [list(p) for p in s.mobilisation]
    d["capacity_range"] = list(s.capacity_range)
    for z in d["zones"]:
        if z["center"] is not None:
            z["center"] = list(z["center"])
    d["format"] = "evac-scenario/1"
    return d


def scenario_from_dict(d: dict[str, Any], what: str = "Scenario") -> Scenario:
    """Build a :class:`Scenario` from :func:`scenario_to_dict` output.

    Values are kept exactly as given (an integer stays an integer), so the JSON
    round trip is exact; their types are checked first by
    :func:`planning.scenario_schema.check_schema`.

    Raises
    ------
    ScenarioError
        If a field is unknown, missing or has the wrong type, naming the field.
    """
    check_schema(d, what)
    d = dict(d)
    d.pop("format", None)
    zones = [_zone_from_dict(z) for z in d.pop("zones", [])]
    extra = [ExtraPopulation(**e) for e in d.pop("extra_population", [])]
    sites = {k: SiteOverride(**v) for k, v in d.pop("sites", {}).items()}
    mob = [(float(t), float(f)) for t, f in d.pop("mobilisation", DEFAULT_MOBILISATION)]
    added = [AdhocSite(**a) for a in d.pop("added_sites", [])]
    low, central, high = d.pop("capacity_range", DEFAULT_CAPACITY_RANGE)
    return Scenario(
        zones=zones,
        extra_population=extra,
        sites=sites,
        mobilisation=mob,
        added_sites=added,
        capacity_range=(low, central, high),
        **d,
    )


def _zone_from_dict(z: dict[str, Any]) -> ZoneSpec:
    z = dict(z)
    if z.get("center") is not None:
        lon, lat = z["center"]
        z["center"] = (float(lon), float(lat))
    return ZoneSpec(**z)


def scenario_to_json(s: Scenario) -> str:
    """Serialise ``s`` to a JSON string (stable key order)."""
    return json.dumps(scenario_to_dict(s), ensure_ascii=False, indent=2, sort_keys=True)


def scenario_from_json(text: str | bytes, what: str = "Scenario file") -> Scenario:
    """Parse a scenario from JSON text; raise :class:`ScenarioError` if malformed.

    ``what`` names the source (a file name) in messages.
    """
    return scenario_from_dict(load_json(text, what, ScenarioError), what)
