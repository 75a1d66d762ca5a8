"""Property-based checks: any scenario either plans with conservation or is a clear error.

Generated scenarios mix valid and invalid values (NaN, Infinity, huge numbers,
wrong types) and random circle zones around Snarøya/Fornebu. Nothing may raise
anything but an :class:`~geo.errors.EvacError` with a message.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_support import plan_for

from geo.errors import EvacError
from planning.presets import load_preset
from planning.scenario import Scenario, ZoneSpec, scenario_from_json, scenario_to_dict

odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
FIELDS = (
    "name", "exercise", "population_scale", "population_override", "mode", "car_share",
    "persons_per_car", "mobilisation", "sites", "reception_share", "exit_buffer_m",
    "capacity_range", "population_vintage", "added_sites", "closures", "extra_population",
    "zones",
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), odd_values, max_size=4))
def test_any_scenario_file_loads_or_is_a_clear_error(changes: dict[str, Any]) -> None:
    d = scenario_to_dict(load_preset("snaroya"))
    d.update(changes)
    text = json.dumps(d)  # may contain bare NaN / Infinity, like a hand-edited file
    try:
        scenario = scenario_from_json(text).validate()
    except EvacError as exc:
        assert str(exc).strip()
        return
    json.loads(json.dumps(scenario_to_dict(scenario), allow_nan=False))


#: Bad values a generated scenario may carry in one of its fields.
BAD_VALUES: dict[str, list[Any]] = {
    "population_scale": [math.nan, math.inf, -1.0, 1e300],
    "car_share": [math.nan, 2.0],
    "persons_per_car": [math.inf, 0.0],
    "reception_share": [math.nan, -0.5],
    "exit_buffer_m": [math.inf, 1e300],
    "exercise": [None, 0, "no"],
    "mobilisation": [[(0.0, 0.0), (math.nan, 1.0)], [(0.0, 0.0), (30.0, 0.5)]],
}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Circle zones near Snarøya/Fornebu; every other scenario has one bad field."""
    zones = [
        ZoneSpec(
            kind="circle",
            label=f"z{i}",
            center=(draw(st.floats(10.59, 10.64)), draw(st.floats(59.88, 59.90))),
            radius_m=draw(st.floats(50, 1500)),
        )
        for i in range(draw(st.integers(1, 2)))
    ]
    scenario = Scenario(
        name="prop",
        zones=zones,
        mode=draw(st.sampled_from(["walk", "drive", "mixed"])),
        population_scale=draw(st.floats(0.5, 2.0)),
        car_share=draw(st.floats(0.0, 1.0)),
        persons_per_car=draw(st.floats(1.0, 4.0)),
        reception_share=draw(st.floats(0.0, 1.0)),
        exit_buffer_m=draw(st.floats(0.0, 2000.0)),
        mobilisation=[(0.0, 0.0), (draw(st.floats(1.0, 120.0)), 1.0)],
        exercise=draw(st.booleans()),
    )
    if draw(st.booleans()):
        field = draw(st.sampled_from(sorted(BAD_VALUES)))
        setattr(scenario, field, draw(st.sampled_from(BAD_VALUES[field])))
    return scenario


def test_any_scenario_plans_with_conservation_or_is_a_clear_error(region: Any) -> None:
    outcomes: list[str] = []

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenarios())
    def check(scenario: Scenario) -> None:
        try:
            plan = plan_for(region, scenario)
        except EvacError as exc:
            assert str(exc).strip()
            outcomes.append("error")
            return
        s = plan.summary
        accounted = (
            sum(s["assigned"].values())
            + s["unassigned"]
            + s["unreachable"]
            + s.get("own_arrangements", 0)
        )
        assert accounted == s["evacuees_total"]
        json.dumps(s, allow_nan=False)  # summary.json stays valid JSON
        outcomes.append("planned")

    check()
    assert {"planned", "error"} <= set(outcomes)  # both paths were exercised
