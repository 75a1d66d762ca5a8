"""The Plan contract as code: real preset plans pass, each kind of drift is caught."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

import numpy as np
import pytest
from fixtures_plan import FakePlan, make_plan
from shapely.geometry import LineString

from geo.errors import EvacError, PlanContractError
from planning.plan import Plan
from planning.plan_contract import validate_plan


def test_every_preset_plan_keeps_the_contract(preset_plans: dict[str, Plan]) -> None:
    assert set(preset_plans) == {"snaroya", "fornebu", "fornebu_gas"}
    for plan in preset_plans.values():
        validate_plan(plan)


def test_the_export_fixture_plan_keeps_the_contract() -> None:
    validate_plan(make_plan())


def test_the_export_fixture_plan_has_the_plans_attributes_and_layers(
    snaroya_plan: Plan,
) -> None:
    fake = make_plan()
    # Everything but the clearance curves, which no export reads.
    assert {f.name for f in fields(FakePlan)} == {f.name for f in fields(Plan)} - {"curves"}
    assert list(fake.layers()) == list(snaroya_plan.layers())


def _drop_status(p: FakePlan) -> None:
    p.evacuees = p.evacuees.drop(columns="status")


def _float_people(p: FakePlan) -> None:
    p.evacuees["people"] = p.evacuees["people"].astype(float)


def _lon_lat_sites(p: FakePlan) -> None:
    p.sites = p.sites.to_crs("EPSG:4326")


def _bad_status(p: FakePlan) -> None:
    p.evacuees.loc[0, "status"] = "evacuated"


def _lost_people(p: FakePlan) -> None:
    p.summary["own_arrangements"] += 7


def _nan_minutes(p: FakePlan) -> None:
    p.summary["clearance_minutes"]["p90"] = float("nan")


def _missing_key(p: FakePlan) -> None:
    del p.summary["reception_seekers"]


def _line_exit(p: FakePlan) -> None:
    assert p.exits is not None
    p.exits.geometry = [LineString([(0, 0), (1, 1)])]


def _numpy_in_summary(p: FakePlan) -> None:
    p.summary["unassigned"] = np.int64(0)


def _exit_people_as_text(p: FakePlan) -> None:
    p.summary["exits"][0]["people"] = "120"


def _range_without_high(p: FakePlan) -> None:
    del p.summary["clearance_range_minutes"]["high"]


def _no_closures_layer(p: FakePlan) -> None:
    p.closures = None


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (_drop_status, "layer 'evacuees' lacks column 'status'"),
        (_float_people, "evacuees.people has dtype float64, expected int"),
        (_lon_lat_sites, "layer 'sites' has CRS EPSG:4326, not EPSG:25832"),
        (_bad_status, "evacuees status 'evacuated' is not one of"),
        (
            _lost_people,
            "assigned + own_arrangements + unassigned + unreachable = 1622, expected 1615",
        ),
        (_nan_minutes, "summary is not strict JSON"),
        (_nan_minutes, "clearance_minutes['p90'] is nan"),
        (_missing_key, "summary lacks 'reception_seekers'"),
        (_line_exit, "layer 'exits' has geometry types ['LineString']"),
        (_numpy_in_summary, "summary['unassigned'] has the wrong type (int64)"),
        (_exit_people_as_text, "summary['exits'][0]['people'] is missing or of the wrong type"),
        (_range_without_high, "summary clearance_range_minutes.high is not a dict"),
        (_no_closures_layer, "layer 'closures' is a NoneType, not a GeoDataFrame"),
    ],
)
def test_each_kind_of_drift_is_named(break_it: Callable[[FakePlan], None], expected: str) -> None:
    plan = make_plan()
    break_it(plan)
    with pytest.raises(PlanContractError) as err:
        validate_plan(plan)
    assert expected in str(err.value)


def test_every_violation_is_listed_at_once() -> None:
    plan = make_plan()
    for break_it in (_drop_status, _lon_lat_sites, _missing_key, _nan_minutes):
        break_it(plan)
    with pytest.raises(PlanContractError) as err:
        validate_plan(plan)
    message = str(err.value)
    assert isinstance(err.value, EvacError)
    for part in ("lacks column 'status'", "'sites' has CRS", "lacks 'reception_seekers'", "JSON"):
        assert part in message
    assert message.startswith("The plan breaks its contract (5 problems)")
