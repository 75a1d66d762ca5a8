"""Responsibility: which municipalities, actors, plan rules and actions a zone brings in."""

from __future__ import annotations

import json
from dataclasses import asdict

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.errors import ScenarioError, ZoneError
from geo.layers import read_counties, read_municipalities
from geo.registry import CONDITIONS, Actor, Condition, Rule, load_actors, load_rules
from geo.settings import DEFAULT_DATA_DIR, WORK_CRS
from planning.presets import preset_zone
from planning.responsibility import (
    MIN_OVERLAP_M2,
    Responsibility,
    ResponsibilityFacts,
    actors_at_point,
    assess_responsibility,
    evaluate_condition,
)
from planning.zones import to_work

HOTEL_CAPACITY = 550
# Circle across the Lysaker river, the Oslo-Bærum border.
LYSAKER = (10.635, 59.912)
SANDVIKA = (10.5215, 59.8879)


@pytest.fixture(scope="session")
def municipalities() -> gpd.GeoDataFrame:
    return read_municipalities(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def counties() -> gpd.GeoDataFrame:
    return read_counties(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def actors() -> list[Actor]:
    return load_actors()


@pytest.fixture(scope="session")
def rules() -> list[Rule]:
    return load_rules()


@pytest.fixture
def assess(municipalities, counties, actors, rules):
    """Assess a zone with given evacuees needing a place and touched presets."""

    def run(zone, needing: int, presets: frozenset[str] = frozenset()) -> Responsibility:
        facts = ResponsibilityFacts(
            evacuees_total=needing,
            eps_hotel_capacity=HOTEL_CAPACITY,
            evacuees_needing_places=needing,
            touched_presets=presets,
        )
        return assess_responsibility(zone, municipalities, counties, facts, actors, rules)

    return run


def _circle(lon: float, lat: float, radius_m: float):
    return to_work(Point(lon, lat)).buffer(radius_m)


def _fired(result: Responsibility) -> set[str]:
    return {r["id"] for r in result.rules_fired}


def _actor_ids(result: Responsibility) -> list[str]:
    return [a["id"] for a in result.actors]


def test_zone_reaching_into_oslo_brings_in_oslo_and_the_county_governor(assess) -> None:
    result = assess(_circle(*LYSAKER, 800), needing=300)
    assert {m["kommunenummer"] for m in result.municipalities} == {"0301", "3201"}
    assert {c["fylkesnavn"] for c in result.counties} == {"Oslo", "Akershus"}
    assert {"statsforvalteren_coordination", "assistance_request"} <= _fired(result)
    oslo = next(a for a in result.actors if a["id"] == "oslo_kommune")
    assert "Oslo" in oslo["why"]["nb"] and "Oslo" in oslo["why"]["en"]
    assert any(a["who"] == "statsforvalteren_oslo_akershus" for a in result.actions)


def test_zone_in_baerum_only_fires_no_multi_municipality_rule(assess) -> None:
    result = assess(preset_zone("snaroya"), needing=300, presets=frozenset({"snaroya"}))
    assert result.municipalities == [{"kommunenummer": "3201", "kommunenavn": "Bærum"}]
    assert not {"statsforvalteren_coordination", "assistance_request"} & _fired(result)
    assert "oslo_kommune" not in _actor_ids(result)


def test_baerum_zone_always_lists_police_lrs_fire_and_health(assess) -> None:
    ids = _actor_ids(assess(preset_zone("snaroya"), needing=300))
    for actor in ("lrs", "oslo_politidistrikt", "abbr", "ous_prehospital", "vestre_viken"):
        assert actor in ids
    assert "asker_kommune" not in ids


@pytest.mark.parametrize(
    ("needing", "fires"), [(HOTEL_CAPACITY + 1, True), (HOTEL_CAPACITY, False), (10, False)]
)
def test_telenor_arena_rule_fires_when_snaroya_evacuees_exceed_hotel_capacity(
    assess, needing: int, fires: bool
) -> None:
    result = assess(preset_zone("snaroya"), needing=needing, presets=frozenset({"snaroya"}))
    assert ("telenor_arena_mass_evacuation" in _fired(result)) is fires
    arena_actions = [a for a in result.actions if a["agreement"] == "arena_mass_evacuation"]
    assert bool(arena_actions) is fires


def test_telenor_arena_rule_needs_snaroya_or_fornebu(assess) -> None:
    result = assess(_circle(*SANDVIKA, 500), needing=5000, presets=frozenset())
    assert "telenor_arena_mass_evacuation" not in _fired(result)
    assert "eps_psychosocial_cooperation" in _fired(result)


def test_partner_without_area_in_zone_is_listed_with_its_task(assess) -> None:
    result = assess(preset_zone("snaroya"), needing=5000, presets=frozenset({"snaroya"}))
    asker = next(a for a in result.actors if a["id"] == "asker_kommune")
    assert asker["why"]["nb"].startswith("Har en oppgave etter beredskapsplanen")
    assert "psykososialt kriseteam" in asker["why"]["nb"]
    assert asker["why"]["en"].startswith("Has a task under the emergency plan")


def test_eps_rule_names_the_police(assess) -> None:
    result = assess(preset_zone("snaroya"), needing=300)
    eps = [a for a in result.actions if a["rule"] == "police_decides_eps"]
    assert eps[0]["who"] == "oslo_politidistrikt"
    assert eps[0]["who_name"] == "Oslo politidistrikt"
    assert {a["agreement"] for a in eps} == {None, "eps_thon_oslofjord", "eps_quality_expo"}
    assert "police_decides_eps" not in _fired(assess(preset_zone("snaroya"), needing=0))


def test_result_is_json_ready(assess) -> None:
    result = assess(_circle(*LYSAKER, 800), needing=300)
    assert json.loads(json.dumps(asdict(result))) == asdict(result)


@pytest.mark.parametrize(
    ("lon", "lat", "expected", "absent"),
    [
        (10.72, 59.91, {"oslo_kommune", "oslo_politidistrikt", "ous_prehospital"}, "abbr"),
        (10.45, 59.83, {"asker_kommune", "abbr", "lrs"}, "baerum_kommune"),
        (10.62388, 59.90315, {"baerum_kommune", "abbr", "vestre_viken"}, "oslo_kommune"),
    ],
)
def test_actors_at_point_lists_everyone_responsible_there(
    municipalities, counties, actors, lon: float, lat: float, expected: set[str], absent: str
) -> None:
    ids = {
        a["id"] for a in actors_at_point(to_work(Point(lon, lat)), municipalities, counties, actors)
    }
    assert expected <= ids
    assert "statsforvalteren_oslo_akershus" in ids
    assert absent not in ids


def test_point_in_a_gap_of_the_generalised_coast_snaps_to_baerum(
    municipalities, counties, actors
) -> None:
    point = to_work(Point(10.5979, 59.8804))  # on Snarøya, outside every polygon
    assert not municipalities.intersects(point).any()
    found = actors_at_point(point, municipalities, counties, actors)
    assert "baerum_kommune" in {a["id"] for a in found}
    assert found[0]["why"]["nb"].startswith("Punktet ligger i Bærum")


def test_point_far_at_sea_has_no_responsible_actor(municipalities, counties, actors) -> None:
    assert actors_at_point(to_work(Point(10.4, 59.5)), municipalities, counties, actors) == []


# -- synthetic boundaries: two 1 km squares side by side --------------------------

X0, Y0 = 590_000.0, 6_640_000.0
SQUARES = gpd.GeoDataFrame(
    {"kommunenummer": ["9901", "9902"], "kommunenavn": ["Vest", "Øst"]},
    geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
    crs=WORK_CRS,
)
COUNTY_99 = gpd.GeoDataFrame({"fylkesnummer": ["99"], "fylkesnavn": ["Testfylke"]})


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (box(X0 + 100, Y0 + 100, X0 + 1010, Y0 + 200), ["9901"]),  # 1,000 m² sliver into Øst
        (box(X0 + 100, Y0 + 100, X0 + 1100, Y0 + 200), ["9901", "9902"]),  # 10,000 m²
        (box(X0 + 1500, Y0 + 500, X0 + 1520, Y0 + 520), ["9902"]),  # 400 m² zone
        (box(X0 + 2100, Y0 + 100, X0 + 2300, Y0 + 300), ["9902"]),  # 100 m off shore
    ],
)
def test_zone_touches_a_municipality_only_with_real_overlap(zone, expected: list[str]) -> None:
    facts = ResponsibilityFacts(0, 0, 0)
    result = assess_responsibility(zone, SQUARES, COUNTY_99, facts, [], [])
    assert [m["kommunenummer"] for m in result.municipalities] == expected
    assert result.counties == [{"fylkesnummer": "99", "fylkesnavn": "Testfylke"}]
    assert MIN_OVERLAP_M2 > 1_000


def test_lonlat_or_empty_zone_and_negative_facts_are_rejected() -> None:
    facts = ResponsibilityFacts(0, 0, 0)
    with pytest.raises(ZoneError, match="EPSG:25832"):
        assess_responsibility(box(10.6, 59.88, 10.62, 59.89), SQUARES, COUNTY_99, facts, [], [])
    with pytest.raises(ZoneError, match="empty"):
        assess_responsibility(Point(X0, Y0).buffer(0), SQUARES, COUNTY_99, facts, [], [])
    with pytest.raises(ScenarioError, match="evacuees_total is -1"):
        bad = ResponsibilityFacts(-1, 0, 0)
        assess_responsibility(box(X0, Y0, X0 + 10, Y0 + 10), SQUARES, COUNTY_99, bad, [], [])


def test_every_condition_word_is_evaluated() -> None:
    facts = ResponsibilityFacts(
        evacuees_total=700,
        eps_hotel_capacity=550,
        evacuees_needing_places=700,
        touched_presets=frozenset({"snaroya"}),
    )
    touched = {"3201", "0301"}
    true_cases = {
        "always": True,
        "municipalities_affected_at_least": 2,
        "municipalities_touched_any": ("0301",),
        "zone_touches_preset": ("fornebu", "snaroya"),
        "eps_hotel_capacity_exceeded": True,
        "evacuees_at_least": 700,
        "all": (Condition("always", True), Condition("evacuees_at_least", 1)),
        "any": (Condition("evacuees_at_least", 10_000), Condition("always", True)),
    }
    assert set(true_cases) == set(CONDITIONS)
    for key, value in true_cases.items():
        assert evaluate_condition(Condition(key, value), touched, facts), key
    false_cases = {
        "municipalities_affected_at_least": 3,
        "municipalities_touched_any": ("3203",),
        "zone_touches_preset": ("fornebu",),
        "eps_hotel_capacity_exceeded": False,
        "evacuees_at_least": 701,
        "all": (Condition("always", True), Condition("evacuees_at_least", 701)),
        "any": (Condition("evacuees_at_least", 701),),
    }
    for key, value in false_cases.items():
        assert not evaluate_condition(Condition(key, value), touched, facts), key
