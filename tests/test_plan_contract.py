"""The Plan contract as code: real preset plans pass, each kind of drift is caught."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from fixtures_plan import make_plan
from shapely.geometry import LineString

from geo.errors import EvacError, PlanContractError
from planning.plan import Plan
from planning.plan_contract import validate_plan


def test_every_preset_plan_keeps_the_contract(preset_plans: dict[str, Plan]) -> None:
    assert set(preset_plans) == {"snaroya", "fornebu", "fornebu_gas"}
    for plan in preset_plans.values():
        validate_plan(plan)


def test_the_export_fixture_plan_is_a_real_plan_that_keeps_the_contract(
    snaroya_plan: Plan,
) -> None:
    plan = make_plan()
    assert type(plan) is Plan
    validate_plan(plan)
    assert list(plan.layers()) == list(snaroya_plan.layers())


def _drop_status(p: Plan) -> None:
    p.evacuees = p.evacuees.drop(columns="status")


def _float_people(p: Plan) -> None:
    p.evacuees["people"] = p.evacuees["people"].astype(float)


def _lon_lat_sites(p: Plan) -> None:
    p.sites = p.sites.to_crs("EPSG:4326")


def _bad_status(p: Plan) -> None:
    p.evacuees.loc[0, "status"] = "evacuated"


def _lost_people(p: Plan) -> None:
    p.summary["own_arrangements"] += 7


def _nan_minutes(p: Plan) -> None:
    p.summary["clearance_minutes"]["p90"] = float("nan")


def _missing_key(p: Plan) -> None:
    del p.summary["reception_seekers"]


def _line_exit(p: Plan) -> None:
    p.exits.geometry = [LineString([(0, 0), (1, 1)])] * len(p.exits)


def _numpy_in_summary(p: Plan) -> None:
    p.summary["unassigned"] = np.int64(0)


def _exit_people_as_text(p: Plan) -> None:
    p.summary["exits"][0]["people"] = "120"


def _range_without_high(p: Plan) -> None:
    del p.summary["clearance_range_minutes"]["high"]


def _no_closures_layer(p: Plan) -> None:
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
            "assigned + own_arrangements + unassigned + unreachable = 2578, expected 2571",
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
def test_each_kind_of_drift_is_named(break_it: Callable[[Plan], None], expected: str) -> None:
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
