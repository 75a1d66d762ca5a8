"""Every bad input gets a clear answer (issue #10): no silent drops, no internal errors.

One regression test per case of the reliability pass. CLI cases run ``cli.main``
and check exit status 2 with a one-line ``evac: error:`` message (never
"internal error"); the checks run before any plan is computed, so these tests
are fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cli
from geo.errors import EvacError, RegionDataError, ScenarioError, StoreError, UploadError, ZoneError
from geo.population import read_population
from geo.registry import load_sites, site_name
from geo.validate import MAX_JSON_DEPTH, json_depth
from geo.zone_files import MAX_BYTES, line_features, read_geometries
from planning.presets import load_preset
from planning.scenario import Scenario, scenario_from_json, scenario_to_dict, scenario_to_json
from planning.scenario_schema import _Scenario
from planning.zones import closure_geometry
from store import open_store
from store.sqlite import SqliteStore
from tests.cli_support import run_cli

SWAPPED = {"type": "LineString", "coordinates": [[59.889, 10.605], [59.889, 10.612]]}
PROJECTED = {"type": "LineString", "coordinates": [[592000.0, 6641000.0], [592400.0, 6641000.0]]}
POINT = {"type": "Point", "coordinates": [10.605, 59.889]}
NO_COORDS = {"type": "Polygon"}
NAN_LINE = {"type": "LineString", "coordinates": [[10.605, float("nan")], [10.612, 59.889]]}
GOOD_LINE = {"type": "LineString", "coordinates": [[10.605, 59.889], [10.612, 59.889]]}


def assert_clear_error(status: int, err: str, *needles: str) -> None:
    assert status == 2, err
    assert err.startswith("evac: error: "), err
    assert "internal error" not in err and "Traceback" not in err
    assert err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err


def scenario_json(**fields: Any) -> str:
    d = scenario_to_dict(load_preset("snaroya"))
    d.update(fields)
    return json.dumps(d)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- (1) closures: swapped, projected, wrong type, no coordinates, NaN --------------------


@pytest.mark.parametrize(
    ("closure", "needle"),
    [
        (SWAPPED, "swapped"),
        (PROJECTED, "not lon/lat degrees"),
        (POINT, "is a Point"),
        (NO_COORDS, "has no coordinates"),
        (NAN_LINE, "not a finite number"),
        ([1, 2], "GeoJSON geometry object"),
    ],
)
def test_bad_closure_is_an_error_naming_it(closure: Any, needle: str) -> None:
    with pytest.raises(ZoneError, match=needle) as err:
        closure_geometry(closure, 1)
    assert "Road closure 2 (closures[1])" in str(err.value)
    scenario = load_preset("snaroya")
    scenario.closures = [GOOD_LINE, closure]
    with pytest.raises(EvacError, match="closures\\[1\\]"):
        scenario.validate()  # make_plan validates first: never silently ignored


def test_good_closure_becomes_a_line_in_metres() -> None:
    geom = closure_geometry(GOOD_LINE, 0)
    assert geom.geom_type == "LineString"
    assert 300 < geom.length < 500  # 0.007 degrees of longitude at 59.9 N


def test_cli_closure_file_with_swapped_coordinates_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "stengt.geojson", json.dumps(SWAPPED))
    status, _, err = run_cli("plan", "--preset", "snaroya", "--closure", path, "--out", "x")
    assert_clear_error(status, err, "stengt.geojson: closure 1", "swapped")


def test_uploaded_closure_is_checked_like_a_scenario_closure() -> None:
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": PROJECTED}],
        }
    ).encode()
    with pytest.raises(ZoneError, match="not lon/lat degrees"):
        line_features(read_geometries(data, "veg.geojson"), "veg.geojson")


def test_cli_zone_file_with_a_point_is_not_silently_dropped(tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "properties": {}, "geometry": POINT},
        {"type": "Feature", "properties": {}, "geometry": GOOD_LINE},
    ]
    path = write(
        tmp_path, "z.geojson", json.dumps({"type": "FeatureCollection", "features": features})
    )
    status, _, err = run_cli("plan", "--zone", path, "--out", str(tmp_path / "o"))
    assert_clear_error(status, err, "Point features")


# --- (2) exercise is a strict boolean; a real CAP needs an explicit choice -----------------


@pytest.mark.parametrize("value", [None, 0, 1, "no", "false", []])
def test_exercise_must_be_true_or_false(value: Any) -> None:
    with pytest.raises(ScenarioError, match="exercise must be true or false"):
        scenario_from_json(scenario_json(exercise=value))


def test_cli_store_save_names_the_bad_file(tmp_path: Path) -> None:
    path = write(tmp_path, "ovelse.json", scenario_json(exercise="no"))
    store = str(tmp_path / "s.sqlite")
    status, _, err = run_cli("scenario", "save", path, "--store", store)
    assert_clear_error(status, err, "ovelse.json", "exercise must be true or false")


@pytest.mark.parametrize("value", [None, 0, "no"])
def test_store_refuses_a_non_boolean_exercise(tmp_path: Path, value: Any) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    with pytest.raises(ScenarioError, match="exercise"):
        store.save(None, scenario_json(exercise=value), user="test")
    assert store.list_scenarios() == []


def test_programmatic_non_boolean_exercise_is_refused() -> None:
    scenario = load_preset("snaroya")
    scenario.exercise = None  # type: ignore[assignment]
    with pytest.raises(ScenarioError, match="exercise must be true or false, got null"):
        scenario.validate()


def test_cli_export_of_a_real_scenario_needs_not_exercise(tmp_path: Path) -> None:
    path = write(tmp_path, "real.json", scenario_json(exercise=False))
    out = tmp_path / "out"
    status, _, err = run_cli("export", "--scenario", path, "--kind", "cap", "--out", str(out))
    assert_clear_error(status, err, "status Actual", "--not-exercise")
    assert not out.exists()  # refused before anything was written


def test_cap_of_a_non_exercise_plan_needs_actual(snaroya_plan: Any) -> None:
    from dataclasses import replace

    from exports.cap import to_cap_xml, validate_cap
    from geo.errors import ExportError

    real = replace(snaroya_plan, scenario=replace(snaroya_plan.scenario, exercise=False))
    with pytest.raises(ExportError, match="status Actual"):
        to_cap_xml(real, sender="a@b.no")
    xml = to_cap_xml(real, sender="a@b.no", actual=True)
    assert "<status>Actual</status>" in xml and validate_cap(xml) == []
    assert "<status>Exercise</status>" in to_cap_xml(snaroya_plan, sender="a@b.no")


# --- (3) non-finite and huge numbers -------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        (
            {"mobilisation": [[0, 0], [float("nan"), 0.5], [60, 1]]},
            "mobilisation[1][0] must be a finite number, got NaN",
        ),
        (
            {"mobilisation": [[0, 0], [30, float("nan")], [60, 1]]},
            "mobilisation[1][1] must be a finite number",
        ),
        (
            {"sites": {"Telenor Arena": {"capacity": float("nan")}}},
            'sites["Telenor Arena"].capacity must be a whole number, got NaN',
        ),
        ({"sites": {"Telenor Arena": {"capacity": float("inf")}}}, "got Infinity"),
        ({"sites": {"Telenor Arena": {"capacity": 1e300}}}, "must be a whole number, got 1e+300"),
        ({"sites": {"Telenor Arena": {"capacity": 10**26}}}, "is too large"),
        (
            {"extra_population": [{"lon": 10.6, "lat": 59.9, "people": float("nan")}]},
            "extra_population[0].people",
        ),
        ({"population_scale": float("inf")}, "population_scale must be a finite number"),
        ({"population_scale": 1e300}, "population_scale"),
        (
            {"capacity_range": [0.75, float("nan"), 1.25]},
            "capacity_range[1] must be a finite number",
        ),
        ({"reception_share": True}, "reception_share must be a number, got true"),
    ],
)
def test_non_finite_and_huge_numbers_are_named(fields: dict[str, Any], needle: str) -> None:
    text = scenario_json(**fields)
    assert "NaN" in text or "Infinity" in text or fields  # Python writes bare NaN like the bug
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(text, "s.json").validate()
    assert needle in str(err.value)


def test_cli_scenario_with_nan_mobilisation_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "nan.json", scenario_json(mobilisation=[[0, 0], [float("nan"), 1]]))
    status, _, err = run_cli("plan", "--scenario", path, "--out", str(tmp_path / "o"))
    assert_clear_error(status, err, "nan.json", "mobilisation[1][0]", "NaN")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--capacity", "Telenor Arena=²"], "is not a whole number"),
        (["--capacity", "Telenor Arena=" + "9" * 26], "not plausible"),
        (["--capacity", "Telenor Arena=nan"], "is not a whole number"),
        (["--capacity", "=5"], "SITE=NUMBER"),
        (["--capacity", "Nowhere Hall=5"], "known sites are"),
        (["--disable-site", "Nowhere Hall"], "Unknown reception site 'Nowhere Hall'"),
        (["--scale", "nan"], "population_scale must be a finite number"),
        (["--persons-per-car", "inf"], "persons_per_car must be a finite number"),
        (["--override", "1" + "0" * 25], "population_override"),
    ],
)
def test_bad_cli_numbers_are_clear_errors(argv: list[str], needle: str, tmp_path: Path) -> None:
    status, _, err = run_cli("plan", "--preset", "snaroya", "--out", str(tmp_path), *argv)
    assert_clear_error(status, err, needle)


# --- site aliases --------------------------------------------------------------------------


def test_unity_arena_is_telenor_arena(tmp_path: Path) -> None:
    sites = load_sites()
    assert site_name(sites, " unity  arena ") == "Telenor Arena"
    args = cli.build_parser().parse_args(
        [
            "plan",
            "--preset",
            "snaroya",
            "--out",
            "x",
            "--capacity",
            "Unity Arena=123",
            "--disable-site",
            "Quality Hotel Expo Fornebu",
        ]
    )
    scenario = cli.scenario_from_args(args)
    assert scenario.sites["Telenor Arena"].capacity == 123
    assert scenario.sites["Quality Hotel Expo"].active is False
    path = write(tmp_path, "s.json", scenario_json(sites={"Unity Arena": {"active": False}}))
    args = cli.build_parser().parse_args(["plan", "--scenario", path, "--out", "x"])
    assert cli.scenario_from_args(args).sites["Telenor Arena"].active is False


def test_app_files_an_alias_under_the_registry_name() -> None:
    from ui import app_state as S

    sites = load_sites()
    state: dict[str, Any] = {}
    S.init_state(state, sites)
    scenario = scenario_from_json(scenario_json(sites={"Unity Arena": {"active": False}}))
    S.apply_scenario(state, scenario, sites)
    assert state[S.site_active_key("Telenor Arena")] is False
    assert set(S.build_scenario(state, sites).sites) == {"Telenor Arena"}
    scenario.sites = {"Nowhere Hall": scenario.sites["Unity Arena"]}
    with pytest.raises(ScenarioError, match="Unknown reception site 'Nowhere Hall'"):
        S.apply_scenario(state, scenario, sites)


# --- deep nesting --------------------------------------------------------------------------


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth('{"a": "[[[[{{{{", "b": [[1]]}') == 3
    assert json_depth("") == 0


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 200_000])
def test_deeply_nested_json_is_refused_everywhere(tmp_path: Path, depth: int) -> None:
    deep = "[" * depth + "]" * depth
    with pytest.raises(ScenarioError, match="levels deep"):
        scenario_from_json(deep)
    with pytest.raises(UploadError, match="levels deep"):
        read_geometries(('{"type": "Polygon", "coordinates": ' + deep + "}").encode(), "z.geojson")
    results = write(tmp_path, "r.json", '{"a": ' + deep + "}")
    scen = write(tmp_path, "s.json", scenario_to_json(load_preset("snaroya")))
    store = str(tmp_path / "store.sqlite")
    status, _, err = run_cli("scenario", "save", scen, "--results", results, "--store", store)
    assert_clear_error(status, err, "r.json", "levels deep")


# --- scenario type errors in plain words ----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"sites": {"Telenor Arena": 5}}, 'sites["Telenor Arena"] must be a JSON object, got 5'),
        ({"zones": [{"radius": 5}]}, "zones[0].radius is not a known field"),
        ({"extra_population": [[10.6, 59.9]]}, "extra_population[0] must be a JSON object"),
        ({"added_sites": [{"name": "Skole"}]}, "added_sites[0].lon is missing"),
        ({"name": 7}, "name must be text, got 7"),
        ({"closures": "none"}, "closures must be a list"),
    ],
)
def test_type_errors_have_no_python_jargon(fields: dict[str, Any], needle: str) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(scenario_json(**fields))
    message = str(err.value)
    assert needle in message
    for jargon in ("__init__", "dictionary update", "keyword", "NoneType", "pydantic"):
        assert jargon not in message


def test_old_scenario_without_new_fields_loads() -> None:
    d = scenario_to_dict(load_preset("snaroya"))
    for key in (
        "reception_share",
        "exit_buffer_m",
        "capacity_range",
        "population_vintage",
        "added_sites",
    ):
        d.pop(key)
    s = scenario_from_json(json.dumps(d)).validate()
    assert s.capacity_range == Scenario().capacity_range


def test_new_fields_are_checked_and_round_trip() -> None:
    s = load_preset("snaroya")
    s.reception_share, s.exit_buffer_m, s.population_vintage = 0.2, 750, "2023"
    text = scenario_to_json(s)
    assert scenario_to_json(scenario_from_json(text)) == text
    for fields in ({"population_vintage": 2023}, {"exit_buffer_m": "500"}):
        with pytest.raises(ScenarioError):
            scenario_from_json(scenario_json(**fields))


def test_schema_covers_every_scenario_field() -> None:
    assert set(_Scenario.model_fields) == set(Scenario.__dataclass_fields__) | {"format"}


# --- region pack, upload limit ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-3", "nan"])
def test_bad_population_value_names_file_and_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "ssb_befolkning_2015.csv"
    path.write_text(
        f"ru250m;pop_tot\n22620006649500;12\n22620006649750;{value}\n", encoding="utf-8"
    )
    with pytest.raises(RegionDataError, match="line 3") as err:
        read_population(path)
    assert str(path) in str(err.value) and value in str(err.value)


def test_upload_limit_says_what_to_do() -> None:
    with pytest.raises(UploadError, match="Simplify"):
        read_geometries(b" " * (MAX_BYTES + 1), "big.geojson")


# --- store URL and read-only store ------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["postgresql://[::1", "postgresql://u@host:abc/db", "postgresql://%zz@h/db"]
)
def test_malformed_store_url_names_where_it_came_from(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run_cli("scenario", "list", "--store", url)
    assert_clear_error(status, err, "--store")
    assert "EVAC_PG_DSN" not in err
    monkeypatch.setenv("EVAC_STORE", url)
    with pytest.raises(StoreError, match="EVAC_STORE"):
        open_store()


def test_unreachable_postgres_names_the_store_argument() -> None:
    status, _, err = run_cli("scenario", "list", "--store", "postgresql://u@127.0.0.1:1/db")
    assert_clear_error(status, err, "Cannot connect to PostgreSQL", "fix --store")
    assert "EVAC_PG_DSN" not in err


def test_read_only_store_lists_but_refuses_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    SqliteStore(path).save(None, scenario_to_json(load_preset("snaroya")), user="a")
    monkeypatch.setattr("store.sqlite.writable", lambda _path: False)
    store = SqliteStore(path)
    assert store.read_only
    assert [s.name for s in store.list_scenarios()] == [load_preset("snaroya").name]
    with pytest.raises(StoreError, match="read-only"):
        store.save(None, scenario_to_json(load_preset("snaroya")), user="a")
    status, out, err = run_cli("scenario", "list", "--store", str(path))
    assert status == 0, err
    assert load_preset("snaroya").name in out


def test_every_message_class_is_an_evac_error() -> None:
    for cls in (ScenarioError, ZoneError, UploadError, RegionDataError, StoreError):
        assert issubclass(cls, EvacError)
