"""Who is responsible, and what the emergency plan says to do, for a zone.

Pure functions over the registry (:mod:`geo.registry`) and the municipality and
county boundaries: :func:`assess_responsibility` for an evacuation zone and
:func:`actors_at_point` for the map's click overlay.

The region pack's boundaries are generalised (Snarøya is partly cut away, and
shore lines can be off by ~100 m or more), so a zone counts as touching a
municipality only with a real overlap, and a zone or point that misses every
polygon falls back to the nearest municipality within :data:`SNAP_DISTANCE_M`.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from functools import partial
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import crs
from geo.errors import RegistryError, ScenarioError, ZoneError
from geo.registry import Actor, Condition, Rule
from geo.settings import WORK_CRS
from planning.derived_cache import per_object
from planning.i18n import LocalText, bilingual, render
from planning.summary_model import ActionEntry, ActorEntry, RuleEntry

#: Overlap (m²) a zone needs with a municipality or actor area to count as
#: touching it; keeps slivers from the generalised boundaries out (50 m x 50 m).
MIN_OVERLAP_M2: Final = 2_500.0
#: A zone smaller than the overlap above touches an area covering this share of it.
MIN_OVERLAP_SHARE: Final = 0.5
#: A zone or point outside every municipality polygon (e.g. in a gap of the
#: generalised Snarøya coast) belongs to the nearest one within this distance.
SNAP_DISTANCE_M: Final = 500.0


@dataclass(frozen=True)
class ResponsibilityFacts:
    """Numbers from the plan that rule conditions test.

    Attributes
    ----------
    evacuees_total
        People in the zone.
    eps_hotel_capacity
        Places at the active EPS hotels.
    evacuees_needing_places
        Evacuees expected to need a place at a reception site.
    touched_presets
        Preset names whose area the zone reaches into
        (:func:`planning.presets.touched_presets`).
    """

    evacuees_total: int
    eps_hotel_capacity: int
    evacuees_needing_places: int
    touched_presets: Set[str] = frozenset()

    @property
    def eps_hotel_capacity_exceeded(self) -> bool:
        """True if more evacuees need a place than the EPS hotels can take."""
        return self.evacuees_needing_places > self.eps_hotel_capacity


@dataclass
class Responsibility:
    """Result of :func:`assess_responsibility`; every list holds JSON-ready dicts.

    Attributes
    ----------
    municipalities
        ``{kommunenummer, kommunenavn}`` of each municipality the zone touches.
    counties
        ``{fylkesnummer, fylkesnavn}`` of their counties.
    actors
        ``{id, name, kind, role, why}`` (role and why as ``{nb, en}``): every actor whose
        area the zone touches, then actors only named in a fired rule's actions.
    rules_fired
        ``{id, explain}`` (``{nb, en}``) in rule-file order.
    actions
        ``{rule, who, who_name, what, agreement}`` of the fired rules (what as ``{nb, en}``).
    """

    municipalities: list[dict[str, str]] = field(default_factory=list)
    counties: list[dict[str, str]] = field(default_factory=list)
    actors: list[ActorEntry] = field(default_factory=list)
    rules_fired: list[RuleEntry] = field(default_factory=list)
    actions: list[ActionEntry] = field(default_factory=list)


def assess_responsibility(
    zone: BaseGeometry,
    municipalities: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    facts: ResponsibilityFacts,
    actors: list[Actor],
    rules: list[Rule],
) -> Responsibility:
    """Find the municipalities, actors, plan rules and actions for a zone.

    Parameters
    ----------
    zone
        Evacuation area in EPSG:25832.
    municipalities
        Columns ``kommunenummer``, ``kommunenavn``, ``geometry`` (EPSG:25832).
    counties
        Columns ``fylkesnummer``, ``fylkesnavn`` (names for the touched counties).
    facts
        Evacuee numbers and touched presets the rule conditions test.
    actors, rules
        From :func:`geo.registry.load_actors` and :func:`geo.registry.load_rules`.

    Raises
    ------
    ZoneError
        If ``zone`` is empty or looks like lon/lat instead of EPSG:25832.
    ScenarioError
        If a number in ``facts`` is negative.
    """
    _check_zone(zone)
    _check_facts(facts)
    touched = _touched_municipalities(zone, municipalities)
    county_rows = _counties_of(touched, counties)
    numbers = {number for number, _ in touched}
    result = Responsibility(
        municipalities=_records(touched, ("kommunenummer", "kommunenavn")),
        counties=_records(county_rows, ("fylkesnummer", "fylkesnavn")),
        actors=_area_actors(zone, touched, county_rows, actors, _ZONE_SUBJECT),
    )
    names = {a.id: a.name for a in actors}
    for rule in rules:
        if not evaluate_condition(rule.when, numbers, facts):
            continue
        result.rules_fired.append(
            {"id": rule.id, "explain": bilingual(rule.explain_nb, rule.explain_en)}
        )
        result.actions.extend(
            {
                "rule": rule.id,
                "who": a.who,
                "who_name": names[a.who],
                "what": bilingual(a.what_nb, a.what_en),
                "agreement": a.agreement,
            }
            for a in rule.actions
        )
    listed = {a["id"] for a in result.actors}
    by_id = {a.id: a for a in actors}
    for action in result.actions:
        who = str(action["who"])
        if who not in listed:
            listed.add(who)
            why = bilingual(
                f"Har en oppgave etter beredskapsplanen: {render(action['what'], 'nb')}",
                f"Has a task under the emergency plan: {render(action['what'], 'en')}",
            )
            result.actors.append(_actor_record(by_id[who], why))
    return result


def actors_at_point(
    point: BaseGeometry,
    municipalities: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    actors: list[Actor],
) -> list[ActorEntry]:
    """Every actor responsible at ``point`` (EPSG:25832), for the map's click overlay.

    Returns ``{id, name, kind, role, why}`` dicts (role and why as ``{nb, en}``) in registry
    order; empty if the point is farther than :data:`SNAP_DISTANCE_M` from every
    municipality.
    """
    _check_zone(point)
    touched = _touched_municipalities(point, municipalities)
    return _area_actors(point, touched, _counties_of(touched, counties), actors, _POINT_SUBJECT)


def evaluate_condition(
    condition: Condition, municipalities: Set[str], facts: ResponsibilityFacts
) -> bool:
    """Whether a rule condition holds.

    Parameters
    ----------
    condition
        Parsed condition (vocabulary in :data:`geo.registry.CONDITIONS`).
    municipalities
        Numbers of the municipalities the zone touches.
    facts
        Evacuee numbers and touched presets.
    """
    value = condition.value
    match condition.key:
        case "always":
            return True
        case "municipalities_affected_at_least":
            return len(municipalities) >= int(value)
        case "municipalities_touched_any":
            return not municipalities.isdisjoint(value)
        case "zone_touches_preset":
            return not facts.touched_presets.isdisjoint(value)
        case "eps_hotel_capacity_exceeded":
            return facts.eps_hotel_capacity_exceeded == bool(value)
        case "evacuees_at_least":
            return facts.evacuees_total >= int(value)
        case "all":
            return all(evaluate_condition(c, municipalities, facts) for c in value)
        case "any":
            return any(evaluate_condition(c, municipalities, facts) for c in value)
    msg = f"Rule condition {condition.key!r} has no evaluator; update planning.responsibility."
    raise RegistryError(msg)


# -- geometry --------------------------------------------------------------------

#: How the why-texts name the place: (bokmål verb phrase, English verb phrase).
_ZONE_SUBJECT: Final = ("Sonen berører", "The zone touches")
_POINT_SUBJECT: Final = ("Punktet ligger i", "The point lies in")


def _check_zone(zone: BaseGeometry) -> None:
    if zone is None or zone.is_empty:
        raise ZoneError("The zone is empty: draw or choose an area first.")
    x0, y0, x1, y1 = zone.bounds
    if max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90:
        raise ZoneError(
            "The zone looks like lon/lat degrees: project it to EPSG:25832 (metres) first."
        )


def _check_facts(facts: ResponsibilityFacts) -> None:
    for key in ("evacuees_total", "eps_hotel_capacity", "evacuees_needing_places"):
        if getattr(facts, key) < 0:
            raise ScenarioError(f"{key} is {getattr(facts, key)}; it cannot be negative.")


def _reaches(zone: BaseGeometry, geoms: np.ndarray) -> np.ndarray:
    """Mask of ``geoms`` the zone reaches into (real overlap, or any contact for points/lines)."""
    hits = shapely.intersects(geoms, zone)
    if zone.area == 0 or not hits.any():
        return hits
    need = min(MIN_OVERLAP_M2, MIN_OVERLAP_SHARE * zone.area)
    hits[hits] = shapely.area(shapely.intersection(geoms[hits], zone)) >= need
    return hits


def _touched_municipalities(
    zone: BaseGeometry, municipalities: gpd.GeoDataFrame
) -> list[tuple[str, str]]:
    """``(kommunenummer, kommunenavn)`` of the municipalities the zone touches, in frame order.

    Only the polygons whose box meets the zone's (the frame's spatial index) are
    tested: the pack holds every municipality of Norway.
    """
    frame, geoms, numbers, names = per_object(
        municipalities, "responsibility", partial(_municipality_columns, municipalities)
    )
    rows = np.sort(frame.sindex.query(zone))
    rows = rows[_reaches(zone, geoms[rows])]
    if not len(rows) and len(frame):
        distance = shapely.distance(geoms, zone)
        if np.isfinite(distance).any() and np.nanmin(distance) <= SNAP_DISTANCE_M:
            rows = np.array([np.nanargmin(distance)])
    return list(zip(numbers[rows].tolist(), names[rows].tolist(), strict=True))


def _municipality_columns(
    municipalities: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The frame in EPSG:25832, its polygons, numbers and names, read once per frame."""
    work = crs(WORK_CRS)
    frame = municipalities if municipalities.crs == work else municipalities.to_crs(work)
    columns = (frame[c].to_numpy() for c in ("kommunenummer", "kommunenavn"))
    return frame, frame.geometry.to_numpy(), *columns


def _counties_of(touched: list[tuple[str, str]], counties: pd.DataFrame) -> list[tuple[str, str]]:
    """``(fylkesnummer, fylkesnavn)`` of the touched municipalities' counties, by number."""
    # 2024 numbering: a municipality number starts with its county number.
    numbers = sorted({k[:2] for k, _ in touched})
    names = per_object(counties, "county_names", partial(_county_names, counties))
    return [(n, names.get(n, n)) for n in numbers]


def _county_names(counties: pd.DataFrame) -> dict[str, str]:
    return dict(zip(counties["fylkesnummer"], counties["fylkesnavn"], strict=True))


# -- actors ------------------------------------------------------------------------


def _area_actors(
    zone: BaseGeometry,
    touched: list[tuple[str, str]],
    county_rows: list[tuple[str, str]],
    actors: Iterable[Actor],
    subject: tuple[str, str],
) -> list[ActorEntry]:
    municipality_names = dict(touched)
    county_names = dict(county_rows)
    verb_nb, verb_en = subject
    records = []
    for actor in actors:
        area = actor.area
        if area.polygon is not None:
            if _reaches(zone, np.array([area.polygon]))[0]:
                why = bilingual(f"{verb_nb} ansvarsområdet.", f"{verb_en} its area.")
                records.append(_actor_record(actor, why))
            continue
        names = [municipality_names[m] for m in area.municipalities if m in municipality_names]
        names += [county_names[c] for c in area.counties if c in county_names]
        if names:
            records.append(
                _actor_record(
                    actor,
                    bilingual(
                        f"{verb_nb} {_join(names, 'og')}, som hører til ansvarsområdet.",
                        f"{verb_en} {_join(names, 'and')}, "
                        f"{'which is' if len(names) == 1 else 'which are'} in its area.",
                    ),
                )
            )
    return records


def _actor_record(actor: Actor, why: LocalText) -> ActorEntry:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "role": bilingual(actor.role_nb, actor.role_en),
        "why": why,
    }


def _join(names: list[str], conjunction: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def _records(rows: list[tuple[str, str]], columns: tuple[str, str]) -> list[dict[str, str]]:
    return [{c: str(v) for c, v in zip(columns, row, strict=True)} for row in rows]
