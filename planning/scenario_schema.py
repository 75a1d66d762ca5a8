"""Strict schema of a scenario file (``evac-scenario/1``), checked with pydantic v2.

Types are strict: ``exercise``/``active`` must be JSON ``true``/``false`` (not
``null``, ``0`` or ``"no"``), numbers must be finite (no NaN/Infinity), whole
numbers (people, capacities) must be integers, text must be text, and unknown
fields are rejected. Value ranges are checked afterwards by
:func:`planning.scenario.check_scenario`, which also calls :func:`check_schema`
so a scenario built in code (CLI flags, app widgets) passes the same rules.
Fields added after the first release have defaults, so old files still load.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Strict, ValidationError

from geo.errors import ScenarioError
from geo.validate import describe_errors

Number = Annotated[float, Strict()]
Whole = Annotated[int, Strict()]
Text = Annotated[str, Strict()]
Flag = Annotated[bool, Strict()]
LonLat = tuple[Number, Number]
#: Default of every optional field. Only presence matters here: the values a
#: scenario gets when a field is absent are the dataclass defaults in planning.scenario.
OPTIONAL: Any = None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=False)


class _Zone(_Strict):
    kind: Text = OPTIONAL
    label: Text = OPTIONAL
    status: Text = OPTIONAL
    geometry: dict[Text, Any] | None = OPTIONAL
    center: LonLat | None = OPTIONAL
    radius_m: Number | None = OPTIONAL
    wind_from_deg: Number | None = OPTIONAL
    length_m: Number | None = OPTIONAL
    angle_deg: Number | None = OPTIONAL


class _Extra(_Strict):
    lon: Number
    lat: Number
    people: Whole
    label: Text = OPTIONAL


class _Site(_Strict):
    active: Flag = OPTIONAL
    capacity: Whole | None = OPTIONAL


class _Added(_Strict):
    name: Text
    lon: Number
    lat: Number
    capacity: Whole
    kind: Text = OPTIONAL


class _Scenario(_Strict):
    format: Literal["evac-scenario/1"] = OPTIONAL
    name: Text = OPTIONAL
    zones: list[_Zone] = OPTIONAL
    closures: list[dict[Text, Any]] = OPTIONAL
    population_scale: Number = OPTIONAL
    population_override: Whole | None = OPTIONAL
    extra_population: list[_Extra] = OPTIONAL
    mode: Text = OPTIONAL
    car_share: Number = OPTIONAL
    persons_per_car: Number = OPTIONAL
    mobilisation: list[tuple[Number, Number]] = OPTIONAL
    sites: dict[Text, _Site] = OPTIONAL
    exercise: Flag = OPTIONAL
    preset: Text | None = OPTIONAL
    reception_share: Number = OPTIONAL
    exit_buffer_m: Number = OPTIONAL
    capacity_range: tuple[Number, Number, Number] = OPTIONAL
    population_vintage: Text = OPTIONAL
    added_sites: list[_Added] = OPTIONAL


def check_schema(data: Any, what: str = "Scenario") -> None:
    """Check the types of a scenario dict; raise :class:`ScenarioError` naming each bad field.

    Parameters
    ----------
    data
        Parsed scenario JSON (or :func:`planning.scenario.scenario_to_dict` output).
    what
        Where it came from (a file name), used in the message.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{what} must hold a JSON object (an evac-scenario/1 file).")
    try:
        _Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            f"{what}: {describe_errors(exc.errors())}. Correct the file (or the value you "
            "entered) and try again."
        ) from None
