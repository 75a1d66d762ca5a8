"""Authored registry: reception sites, actors, agreements and plan rules.

The files live in :data:`geo.settings.SHAPES_DIR` (``data/shapes``): a registry is
one folder holding ``sites.geojson``, ``actors.yaml`` (actors and agreements),
``rules.yaml`` and ``presets/``. Cross-references (a site's agreement, a rule's
actor) are checked against the files in the *same* folder, so a copied folder is
validated as a whole.

Every loader validates on load and raises :class:`geo.errors.RegistryError` whose
message starts with the file name and names the entry and field, e.g.
``sites.geojson: feature 'Quality Hotel Expo': coordinate lat 95.0 is outside
-90..90``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import yaml
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.errors import RegistryError, ScenarioError
from geo.settings import MAP_CRS, SHAPES_DIR, WORK_CRS
from geo.validate import load_json

SITES_FILE: Final = "sites.geojson"
ACTORS_FILE: Final = "actors.yaml"
RULES_FILE: Final = "rules.yaml"
PRESETS_SUBDIR: Final = "presets"

#: Kinds of reception site.
SITE_KINDS: Final = ("eps_hotel", "mass_evacuation")
#: Kinds of actor.
ACTOR_KINDS: Final = (
    "police",
    "fire",
    "health",
    "county_governor",
    "municipality",
    "volunteer",
    "utility",
    "site",
    "rescue_centre",
)
#: Keys an actor's ``area`` may use (exactly one per actor).
AREA_KEYS: Final = ("municipalities", "counties", "polygon")
#: Rule condition vocabulary: key -> what its value means (see ``rules.yaml``).
CONDITIONS: Final[dict[str, str]] = {
    "always": "true: the rule always applies",
    "municipalities_affected_at_least": "integer >= 1: the zone touches at least N municipalities",
    "municipalities_touched_any": "list of municipality numbers: the zone touches any of them",
    "zone_touches_preset": "list of preset names: the zone touches any of their areas",
    "eps_hotel_capacity_exceeded": "true/false: evacuees needing a place exceed EPS hotel capacity",
    "evacuees_at_least": "integer >= 0: at least N evacuees in the zone",
    "all": "list of conditions that must all hold",
    "any": "list of conditions of which at least one must hold",
}
#: Mainland Norway (lon_min, lat_min, lon_max, lat_max), degrees. Registry
#: points outside it are almost always typos.
NORWAY_BBOX: Final = (4.0, 57.8, 31.5, 71.5)

_ID_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_MUNICIPALITY_RE: Final = re.compile(r"^\d{4}$")
_COUNTY_RE: Final = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Text:
    """A text in Norwegian bokmål and English."""

    nb: str
    en: str


@dataclass(frozen=True)
class Area:
    """The area an actor is responsible for (exactly one form is set).

    Attributes
    ----------
    municipalities
        Municipality numbers (2024 numbering, e.g. ``"3201"``).
    counties
        County numbers (2024 numbering, e.g. ``"32"``).
    polygon
        Area polygon in EPSG:25832, read from ``polygon_file``.
    polygon_file
        GeoJSON file name, relative to the registry folder.
    """

    municipalities: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    polygon: BaseGeometry | None = None
    polygon_file: str | None = None


@dataclass(frozen=True)
class Actor:
    """An actor in crisis management (agency, municipality, volunteer, site)."""

    id: str
    name: str
    kind: str
    role_nb: str
    role_en: str
    responsibilities: tuple[Text, ...]
    area: Area
    contact_note: str
    agreements: tuple[str, ...]
    alt_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agreement:
    """An agreement between actors named in the emergency plan."""

    id: str
    parties: tuple[str, ...]
    title_nb: str
    title_en: str
    source: str


@dataclass(frozen=True)
class Condition:
    """One node of a rule condition.

    ``key`` is a word of :data:`CONDITIONS`; ``value`` is ``True`` for ``always``,
    an ``int``, a ``bool``, a tuple of names, or for ``all``/``any`` a tuple of
    :class:`Condition`.
    """

    key: str
    value: Any


@dataclass(frozen=True)
class Action:
    """What one actor does when a rule fires."""

    who: str
    what_nb: str
    what_en: str
    agreement: str | None


@dataclass(frozen=True)
class Rule:
    """A plan rule: a condition and what follows when it holds."""

    id: str
    when: Condition
    explain_nb: str
    explain_en: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Registry:
    """Everything in one registry folder, cross-checked.

    Loaded once by the caller (app, CLI) and passed to
    :func:`planning.plan.make_plan`, so planning reads no files.

    Attributes
    ----------
    presets
        Preset scenario documents by name (parsed JSON, ``presets/*.json``):
        their zones feed the ``zone_touches_preset`` rule condition
        (:func:`planning.presets.preset_areas` turns them into polygons).
    unlocated_kindergartens
        Kindergartens without coordinates, with approximate areas
        (:class:`geo.kindergartens.UnlocatedKindergarten`).
    """

    sites: gpd.GeoDataFrame
    actors: list[Actor]
    agreements: list[Agreement]
    rules: list[Rule]
    presets: dict[str, Any] = field(default_factory=dict)
    unlocated_kindergartens: list[Any] = field(default_factory=list)


def load_registry(directory: Path | str | None = None) -> Registry:
    """Load and cross-check every registry file in ``directory``.

    Parameters
    ----------
    directory
        Registry folder; defaults to :data:`geo.settings.SHAPES_DIR`.

    Raises
    ------
    RegistryError
        If any file is missing or invalid.
    """
    # geo.kindergartens builds on this module's readers: imported here, not at the top.
    from geo.kindergartens import UNLOCATED_FILE, load_unlocated_kindergartens

    folder = Path(directory) if directory is not None else SHAPES_DIR
    actors, agreements = _load_actors_file(folder / ACTORS_FILE)
    unlocated = folder / UNLOCATED_FILE
    return Registry(
        sites=_load_sites_file(folder / SITES_FILE, {a.id for a in agreements}),
        actors=actors,
        agreements=agreements,
        rules=_load_rules_file(folder / RULES_FILE, actors, agreements),
        presets={p.stem: read_json(p) for p in sorted((folder / PRESETS_SUBDIR).glob("*.json"))},
        unlocated_kindergartens=load_unlocated_kindergartens(unlocated)
        if unlocated.exists()
        else [],
    )


def load_sites(path: Path | str | None = None) -> gpd.GeoDataFrame:
    """Load the reception sites as a GeoDataFrame in EPSG:25832.

    Columns: ``name``, ``alt_names`` (list), ``kind``, ``address``, ``capacity``,
    ``capacity_assumed``, ``capacity_note``, ``agreement``, ``precision_m``,
    ``provenance``, ``municipality``, ``geometry``. Agreement ids are checked
    against ``actors.yaml`` in the same folder.

    Parameters
    ----------
    path
        GeoJSON file (lon/lat); defaults to ``SHAPES_DIR / "sites.geojson"``.

    Raises
    ------
    RegistryError
        Naming the file, the feature and the field that is wrong.
    """
    path = _path(path, SITES_FILE)
    _, agreements = _load_actors_file(path.parent / ACTORS_FILE)
    return _load_sites_file(path, {a.id for a in agreements})


def site_name(sites: gpd.GeoDataFrame, name: str) -> str:
    """The registry name of a site given by its name or an alternative name.

    Case and surrounding spaces are ignored, so ``"unity arena"`` gives
    ``"Telenor Arena"`` (renamed Unity Arena in 2024, see DOMAIN.md).

    Raises
    ------
    ScenarioError
        For an unknown name, listing the known ones.
    """
    wanted = " ".join(str(name).split()).casefold()
    for row in sites.itertuples():
        if wanted in {n.casefold() for n in (row.name, *row.alt_names)}:
            return str(row.name)
    known = ", ".join(
        f"{r.name} ({', '.join(r.alt_names)})" if r.alt_names else str(r.name)
        for r in sites.itertuples()
    )
    raise ScenarioError(f"Unknown reception site {name!r}: known sites are {known}.")


def canonical_site_overrides(sites: gpd.GeoDataFrame, overrides: dict[str, Any]) -> dict[str, Any]:
    """``overrides`` keyed by registry names (alternative names resolved).

    Raises
    ------
    ScenarioError
        For an unknown site, or two keys naming the same site.
    """
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        name = site_name(sites, key)
        if name in out:
            raise ScenarioError(f"Sites {key!r} and {name!r} are the same site: keep one entry.")
        out[name] = value
    return out


def load_actors(path: Path | str | None = None) -> list[Actor]:
    """Load the actors from ``actors.yaml`` (default in ``SHAPES_DIR``).

    Raises
    ------
    RegistryError
        Naming the file, the actor and the field that is wrong.
    """
    return _load_actors_file(_path(path, ACTORS_FILE))[0]


def load_agreements(path: Path | str | None = None) -> list[Agreement]:
    """Load the agreements listed in ``actors.yaml`` (default in ``SHAPES_DIR``).

    Raises
    ------
    RegistryError
        Naming the file, the agreement and the field that is wrong.
    """
    return _load_actors_file(_path(path, ACTORS_FILE))[1]


def load_rules(path: Path | str | None = None) -> list[Rule]:
    """Load the plan rules from ``rules.yaml`` (default in ``SHAPES_DIR``).

    Actor and agreement ids are checked against ``actors.yaml`` in the same
    folder, preset names against ``presets/*.json`` there.

    Raises
    ------
    RegistryError
        Naming the file, the rule and the field that is wrong.
    """
    path = _path(path, RULES_FILE)
    actors, agreements = _load_actors_file(path.parent / ACTORS_FILE)
    return _load_rules_file(path, actors, agreements)


def _path(path: Path | str | None, default_name: str) -> Path:
    return Path(path) if path is not None else SHAPES_DIR / default_name


# -- reading -------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{path.name}: file not found at {path}. Restore it from version control."
        raise RegistryError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path.name}: cannot read the file ({exc}). Save it as UTF-8 text."
        raise RegistryError(msg) from None


#: libyaml's C parser when available (same safe subset, ~10x faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse an authored YAML file; :class:`RegistryError` names the file and line."""
    try:
        return yaml.load(_read_text(path), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{path.name}: not valid YAML{where}: {problem}. Fix the syntax there."
        raise RegistryError(msg) from None


def read_json(path: Path) -> Any:
    """Parse an authored JSON file; :class:`RegistryError` names the file and what is wrong."""
    return load_json(_read_text(path), path.name, RegistryError)


# -- field checks ----------------------------------------------------------------


def _fail(where: str, text: str) -> RegistryError:
    return RegistryError(f"{where}: {text}")


def _field(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] is None:
        raise _fail(where, f"required field {key!r} is missing; add it.")
    return entry[key]


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = _field(entry, key, where)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"field {key!r} must be non-empty text, got {value!r}.")
    return value.strip()


def _text_list(entry: Mapping[str, Any], key: str, where: str, default: Any = None) -> list[str]:
    value = entry.get(key, default)
    if value is None:
        raise _fail(where, f"required field {key!r} is missing; add it (a list).")
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, f"field {key!r} must be a list of texts, got {value!r}.")
    return [v.strip() for v in value]


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, f"must be a mapping of fields, got {type(value).__name__}.")
    return value


def _entries(data: Any, key: str, file: str) -> list[Any]:
    """The list under top-level ``key`` of a YAML file."""
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise _fail(file, f"expected a top-level {key!r} list; see the header of the file.")
    entries: list[Any] = data[key]
    return entries


def _id(entry: Mapping[str, Any], where: str, seen: set[str]) -> str:
    value = _text(entry, "id", where)
    if not _ID_RE.match(value):
        raise _fail(where, f"id {value!r} must be snake_case (a-z, 0-9, _).")
    if value in seen:
        raise _fail(where, f"duplicate id {value!r}; ids must be unique.")
    seen.add(value)
    return value


def _code(value: Any, where: str, key: str, pattern: re.Pattern[str], example: str) -> str:
    # YAML reads an unquoted 0301 as a number (even octal), so insist on strings.
    if not isinstance(value, str) or not pattern.match(value):
        raise _fail(where, f"field {key!r}: {value!r} is not a quoted number like {example}.")
    return value


def _codes(value: Any, where: str, key: str, pattern: re.Pattern[str], example: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _fail(where, f"field {key!r} must be a non-empty list like [{example}].")
    return [_code(v, where, key, pattern, example) for v in value]


def _names_unique(names_by_entry: list[tuple[str, list[str]]], file: str, label: str) -> None:
    owner: dict[str, str] = {}
    for entry, names in names_by_entry:
        for name in names:
            other = owner.setdefault(name.casefold(), entry)
            if other != entry:
                msg = f"{label} {entry!r}: name {name!r} is also used by {label} {other!r}."
                raise _fail(file, msg + " Names and alt_names must be unique.")


# -- sites -----------------------------------------------------------------------


def _load_sites_file(path: Path, agreement_ids: set[str]) -> gpd.GeoDataFrame:
    file = path.name
    data = read_json(path)
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise _fail(file, "must be a GeoJSON FeatureCollection.")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise _fail(file, "'features' must be a non-empty list of sites.")
    rows = [_site_row(f, i, file, agreement_ids) for i, f in enumerate(features)]
    _names_unique([(r["name"], [r["name"], *r["alt_names"]]) for r in rows], file, "feature")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=MAP_CRS).to_crs(WORK_CRS)


def _site_row(feature: Any, index: int, file: str, agreement_ids: set[str]) -> dict[str, Any]:
    feature = _mapping(feature, f"{file}: feature {index}")
    props = _mapping(feature.get("properties"), f"{file}: feature {index}: properties")
    name = props.get("name")
    where = f"{file}: feature {name!r}" if isinstance(name, str) else f"{file}: feature {index}"
    row: dict[str, Any] = {
        "name": _text(props, "name", where),
        "alt_names": _text_list(props, "alt_names", where),
        "kind": _text(props, "kind", where),
        "address": _text(props, "address", where),
        "capacity": _field(props, "capacity", where),
        "capacity_assumed": _field(props, "capacity_assumed", where),
        "capacity_note": _text(props, "capacity_note", where),
        "agreement": _text(props, "agreement", where),
        "precision_m": _field(props, "precision_m", where),
        "provenance": _text(props, "provenance", where),
        "municipality": _code(
            _field(props, "municipality", where), where, "municipality", _MUNICIPALITY_RE, '"3201"'
        ),
    }
    if row["kind"] not in SITE_KINDS:
        raise _fail(where, f"unknown kind {row['kind']!r}; use one of {', '.join(SITE_KINDS)}.")
    cap = row["capacity"]
    if isinstance(cap, bool) or not isinstance(cap, int):
        raise _fail(where, f"capacity must be a whole number of people, got {cap!r}.")
    if cap < 0:
        raise _fail(where, f"capacity {cap} is negative; use 0 or more people.")
    if not isinstance(row["capacity_assumed"], bool):
        raise _fail(where, "capacity_assumed must be true or false.")
    prec = row["precision_m"]
    if isinstance(prec, bool) or not isinstance(prec, int | float) or prec < 0:
        raise _fail(where, f"precision_m must be a distance in metres >= 0, got {prec!r}.")
    if row["agreement"] not in agreement_ids:
        raise _fail(
            where,
            f"unknown agreement id {row['agreement']!r}; use one of "
            f"{', '.join(sorted(agreement_ids))} (defined in {ACTORS_FILE}).",
        )
    row["geometry"] = shape(_point(feature.get("geometry"), where))
    return row


def _point(geometry: Any, where: str) -> dict[str, Any]:
    """Check a GeoJSON Point in lon/lat lies in Norway; return it."""
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Point":
        raise _fail(where, "geometry must be a GeoJSON Point [lon, lat].")
    coords = geometry.get("coordinates")
    if (
        not isinstance(coords, list)
        or len(coords) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
    ):
        raise _fail(where, f"coordinates must be [lon, lat] numbers, got {coords!r}.")
    lon, lat = float(coords[0]), float(coords[1])
    if not -90.0 <= lat <= 90.0:
        raise _fail(where, f"coordinate lat {lat} is outside -90..90.")
    if not -180.0 <= lon <= 180.0:
        raise _fail(where, f"coordinate lon {lon} is outside -180..180.")
    if not _in_norway(lon, lat):
        if _in_norway(lat, lon):
            raise _fail(
                where,
                f"coordinates look swapped (lat, lon): [{lon}, {lat}]; "
                f"GeoJSON order is [lon, lat] = [{lat}, {lon}].",
            )
        raise _fail(
            where,
            f"coordinate lon {lon}, lat {lat} is outside Norway "
            f"(lon {NORWAY_BBOX[0]}..{NORWAY_BBOX[2]}, lat {NORWAY_BBOX[1]}..{NORWAY_BBOX[3]}).",
        )
    return dict(geometry)


def _in_norway(lon: float, lat: float) -> bool:
    x0, y0, x1, y1 = NORWAY_BBOX
    return x0 <= lon <= x1 and y0 <= lat <= y1


# -- actors and agreements -------------------------------------------------------


def _load_actors_file(path: Path) -> tuple[list[Actor], list[Agreement]]:
    file = path.name
    data = read_yaml(path)
    ids: set[str] = set()
    actors = [
        _actor(raw, i, file, path.parent, ids)
        for i, raw in enumerate(_entries(data, "actors", file))
    ]
    _names_unique([(a.id, [a.name, *a.alt_names]) for a in actors], file, "actor")
    agreement_ids: set[str] = set()
    agreements = [
        _agreement(raw, i, file, ids, agreement_ids)
        for i, raw in enumerate(_entries(data, "agreements", file))
    ]
    by_id = {a.id: a for a in agreements}
    actor_by_id = {a.id: a for a in actors}
    for actor in actors:
        where = f"{file}: actor {actor.id!r}"
        for ag in actor.agreements:
            if ag not in by_id:
                raise _fail(
                    where,
                    f"unknown agreement id {ag!r}; use one of {', '.join(sorted(by_id))}.",
                )
            if actor.id not in by_id[ag].parties:
                raise _fail(where, f"lists agreement {ag!r} but is not one of its parties.")
    for agreement in agreements:
        for party in agreement.parties:
            if agreement.id not in actor_by_id[party].agreements:
                raise _fail(
                    f"{file}: agreement {agreement.id!r}",
                    f"party {party!r} does not list it under its 'agreements'; add it there.",
                )
    return actors, agreements


def _actor(raw: Any, index: int, file: str, folder: Path, ids: set[str]) -> Actor:
    entry = _mapping(raw, f"{file}: actor {index}")
    label = entry.get("id") if isinstance(entry.get("id"), str) else index
    where = f"{file}: actor {label!r}"
    actor_id = _id(entry, where, ids)
    kind = _text(entry, "kind", where)
    if kind not in ACTOR_KINDS:
        raise _fail(where, f"unknown kind {kind!r}; use one of {', '.join(ACTOR_KINDS)}.")
    resp = _field(entry, "responsibilities", where)
    if not isinstance(resp, list) or not resp:
        raise _fail(where, "field 'responsibilities' must be a non-empty list of {nb, en}.")
    texts = []
    for i, raw_text in enumerate(resp):
        item_where = f"{where}: responsibilities[{i}]"
        item = _mapping(raw_text, item_where)
        texts.append(Text(_text(item, "nb", item_where), _text(item, "en", item_where)))
    return Actor(
        id=actor_id,
        name=_text(entry, "name", where),
        kind=kind,
        role_nb=_text(entry, "role_nb", where),
        role_en=_text(entry, "role_en", where),
        responsibilities=tuple(texts),
        area=_area(_field(entry, "area", where), f"{where}: area", folder),
        contact_note=_text(entry, "contact_note", where),
        agreements=tuple(_text_list(entry, "agreements", where)),
        alt_names=tuple(_text_list(entry, "alt_names", where, default=[])),
    )


def _area(raw: Any, where: str, folder: Path) -> Area:
    area = _mapping(raw, where)
    if len(area) != 1 or next(iter(area)) not in AREA_KEYS:
        got = ", ".join(map(str, area)) or "nothing"
        raise _fail(where, f"use exactly one of {', '.join(AREA_KEYS)}; got {got}.")
    key = next(iter(area))
    if key == "municipalities":
        return Area(municipalities=tuple(_codes(area[key], where, key, _MUNICIPALITY_RE, '"3201"')))
    if key == "counties":
        return Area(counties=tuple(_codes(area[key], where, key, _COUNTY_RE, '"32"')))
    name = _text(area, key, where)
    return Area(polygon=_area_polygon(folder / name, where), polygon_file=name)


def _area_polygon(path: Path, where: str) -> BaseGeometry:
    data = read_json(path)
    if isinstance(data, Mapping) and data.get("type") == "FeatureCollection":
        geoms: list[Any] = [
            f.get("geometry") for f in data.get("features", []) if isinstance(f, Mapping)
        ]
    elif isinstance(data, Mapping) and data.get("type") == "Feature":
        geoms = [data.get("geometry")]
    else:
        geoms = [data]
    try:
        shapes = [shape(g) for g in geoms]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise _fail(where, f"polygon file {path.name} holds invalid GeoJSON ({exc}).") from None
    if not shapes or any(s.geom_type not in ("Polygon", "MultiPolygon") for s in shapes):
        raise _fail(where, f"polygon file {path.name} must hold Polygon/MultiPolygon geometry.")
    series = gpd.GeoSeries(shapes, crs=MAP_CRS)
    if not series.is_valid.all():
        raise _fail(where, f"polygon file {path.name} holds a self-intersecting polygon.")
    area: BaseGeometry = series.to_crs(WORK_CRS).union_all()
    return area


def _agreement(raw: Any, index: int, file: str, actor_ids: set[str], seen: set[str]) -> Agreement:
    entry = _mapping(raw, f"{file}: agreement {index}")
    label = entry.get("id") if isinstance(entry.get("id"), str) else index
    where = f"{file}: agreement {label!r}"
    agreement_id = _id(entry, where, seen)
    parties = _text_list(entry, "parties", where)
    if len(parties) < 2:
        raise _fail(where, "field 'parties' needs at least two actor ids.")
    for p in parties:
        if p not in actor_ids:
            raise _fail(where, f"unknown party {p!r}; parties must be actor ids.")
    return Agreement(
        id=agreement_id,
        parties=tuple(parties),
        title_nb=_text(entry, "title_nb", where),
        title_en=_text(entry, "title_en", where),
        source=_text(entry, "source", where),
    )


# -- rules -----------------------------------------------------------------------


def _load_rules_file(path: Path, actors: list[Actor], agreements: list[Agreement]) -> list[Rule]:
    file = path.name
    data = read_yaml(path)
    refs = _RuleRefs(
        actor_ids={a.id for a in actors},
        agreement_ids={a.id for a in agreements},
        preset_names={p.stem for p in (path.parent / PRESETS_SUBDIR).glob("*.json")},
    )
    ids: set[str] = set()
    rules = []
    for index, raw in enumerate(_entries(data, "rules", file)):
        entry = _mapping(raw, f"{file}: rule {index}")
        label = entry.get("id") if isinstance(entry.get("id"), str) else index
        where = f"{file}: rule {label!r}"
        rule_id = _id(entry, where, ids)
        actions = _field(entry, "actions", where)
        if not isinstance(actions, list) or not actions:
            raise _fail(where, "field 'actions' must be a non-empty list of {who, what_nb, ...}.")
        rules.append(
            Rule(
                id=rule_id,
                when=_condition(_field(entry, "when", where), f"{where}: when", refs),
                explain_nb=_text(entry, "explain_nb", where),
                explain_en=_text(entry, "explain_en", where),
                actions=tuple(
                    _action(a, f"{where}: actions[{i}]", refs) for i, a in enumerate(actions)
                ),
            )
        )
    return rules


@dataclass(frozen=True)
class _RuleRefs:
    actor_ids: set[str]
    agreement_ids: set[str]
    preset_names: set[str]


def _action(raw: Any, where: str, refs: _RuleRefs) -> Action:
    entry = _mapping(raw, where)
    who = _text(entry, "who", where)
    if who not in refs.actor_ids:
        raise _fail(where, f"unknown actor {who!r} in 'who'; use an id from {ACTORS_FILE}.")
    agreement = entry.get("agreement")
    if agreement is not None and agreement not in refs.agreement_ids:
        raise _fail(
            where,
            f"unknown agreement id {agreement!r}; use null or one of "
            f"{', '.join(sorted(refs.agreement_ids))}.",
        )
    return Action(
        who=who,
        what_nb=_text(entry, "what_nb", where),
        what_en=_text(entry, "what_en", where),
        agreement=agreement,
    )


def _condition(raw: Any, where: str, refs: _RuleRefs) -> Condition:
    if raw == "always":
        return Condition("always", True)
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise _fail(
            where,
            f"a condition is 'always' or a mapping with exactly one key of "
            f"{', '.join(CONDITIONS)}; got {raw!r}.",
        )
    ((key, value),) = raw.items()
    check = _CONDITION_CHECKS.get(key)
    if check is None:
        raise _fail(where, f"unknown condition {key!r}; use one of {', '.join(CONDITIONS)}.")
    return Condition(key, check(value, f"{where}: {key}", refs))


def _check_true(value: Any, where: str, refs: _RuleRefs) -> bool:
    if value is not True:
        raise _fail(where, "must be true.")
    return True


def _check_bool(value: Any, where: str, refs: _RuleRefs) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"must be true or false, got {value!r}.")
    return value


def _check_count(minimum: int) -> Callable[[Any, str, _RuleRefs], int]:
    def check(value: Any, where: str, refs: _RuleRefs) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise _fail(where, f"must be a whole number >= {minimum}, got {value!r}.")
        return value

    return check


def _check_municipalities(value: Any, where: str, refs: _RuleRefs) -> tuple[str, ...]:
    return tuple(_codes(value, where, "value", _MUNICIPALITY_RE, '"0301"'))


def _check_presets(value: Any, where: str, refs: _RuleRefs) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "must be a non-empty list of preset names.")
    for v in value:
        if v not in refs.preset_names:
            raise _fail(
                where,
                f"unknown preset {v!r}; use one of {', '.join(sorted(refs.preset_names))} "
                f"(files in {PRESETS_SUBDIR}/).",
            )
    return tuple(value)


def _check_conditions(value: Any, where: str, refs: _RuleRefs) -> tuple[Condition, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "must be a non-empty list of conditions.")
    return tuple(_condition(v, f"{where}[{i}]", refs) for i, v in enumerate(value))


_CONDITION_CHECKS: Final[dict[str, Callable[[Any, str, _RuleRefs], Any]]] = {
    "always": _check_true,
    "municipalities_affected_at_least": _check_count(1),
    "municipalities_touched_any": _check_municipalities,
    "zone_touches_preset": _check_presets,
    "eps_hotel_capacity_exceeded": _check_bool,
    "evacuees_at_least": _check_count(0),
    "all": _check_conditions,
    "any": _check_conditions,
}
