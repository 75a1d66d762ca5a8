"""``evac plan`` and ``evac presets``: what the command line promises, and its errors.

The happy path runs in-process once per module; one error case runs the
installed ``.venv/bin/evac`` in a subprocess to prove no traceback escapes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box, mapping

from geo.settings import PROJECT_ROOT
from planning.i18n import render
from planning.plan_contract import summary_problems
from planning.summary_model import read_summary
from tests.cli_support import run_cli

EVAC = Path(sys.executable).parent / "evac"
PLAN_LAYERS = ["zone", "evacuees", "catchments", "routes", "sites", "exits", "closures"]
#: lat/lon swapped: [59.88, 10.60] instead of [10.60, 59.88].
SWAPPED_ZONE = {
    "type": "Polygon",
    "coordinates": [[[59.88, 10.60], [59.88, 10.62], [59.89, 10.62], [59.88, 10.60]]],
}


@pytest.fixture(scope="module")
def snaroya_cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out_dir = tmp_path_factory.mktemp("plan") / "snaroya"
    status, stdout, stderr = run_cli("plan", "--preset", "snaroya", "--out", str(out_dir), "--json")
    assert status == 0, stderr
    return out_dir, json.loads(stdout)


def _assert_one_line_error(status: int, err: str, *needles: str) -> None:
    assert status == 2
    assert err.startswith("evac: error: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err


# --- evac plan ---------------------------------------------------------------------------


def test_plan_json_has_every_promised_key(snaroya_cli: tuple[Path, dict[str, Any]]) -> None:
    _, s = snaroya_cli
    for key in (
        "evacuees_total",
        "assigned",
        "unassigned",
        "unreachable",
        "unreachable_reasons",
        "clearance_minutes",
        "bottlenecks",
        "responsible_actors",
        "actions",
        "warnings",
        "assumptions",
        "scenario",
        "created",
    ):
        assert key in s, key
    keys = {"p50", "p90", "p100", "leave_p50", "leave_p90", "leave_p100"}
    assert keys == set(s["clearance_minutes"])
    assert (
        keys
        == set(s["clearance_range_minutes"]["low"])
        == set(s["clearance_range_minutes"]["high"])
    )
    assert s["clearance_minutes"]["p90"] <= s["clearance_minutes"]["p100"]
    assigned = sum(s["assigned"].values())
    parts = assigned + s["own_arrangements"] + s["unassigned"] + s["unreachable"]
    assert parts == s["evacuees_total"]
    assert s["exits"] and s["single_points_of_failure"]
    assert s["evacuees_total"] > 2_000
    assert s["bottlenecks"] and all(b["name"] for b in s["bottlenecks"])
    assert any("politidistrikt" in a["name"] for a in s["responsible_actors"])
    assert s["actions"] and s["assumptions"]["persons_per_car"] == 2.5
    assert s["preset"] == "snaroya" and s["exercise"] is True


def test_plan_writes_summary_json_equal_to_the_printed_one(
    snaroya_cli: tuple[Path, dict[str, Any]],
) -> None:
    out_dir, printed = snaroya_cli
    assert json.loads((out_dir / "summary.json").read_text(encoding="utf-8")) == printed


def test_plan_json_is_the_neutral_summary_with_texts_in_the_chosen_language(
    snaroya_cli: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, s = snaroya_cli
    warning = s["warnings"][0]
    assert set(warning) == {"key", "params", "text"}
    assert warning["text"] == render(warning, "en"), "--lang defaults to English"
    assert read_summary(s)["warnings"][0] == {"key": warning["key"], "params": warning["params"]}
    assert not summary_problems(read_summary(s))
    status, stdout, stderr = run_cli(
        "plan", "--preset", "snaroya", "--out", str(tmp_path), "--lang", "nb"
    )
    assert status == 0, stderr
    assert "nærmeste vei har ingen forbindelse ut av sonen" in stdout
    assert "Rolfsbuktveien er eneste vei ut for" in stdout
    assert "is the only way out" not in stdout
    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert saved["warnings"][0]["text"] == render(saved["warnings"][0], "nb")


def test_plan_writes_a_geopackage_with_every_layer(
    snaroya_cli: tuple[Path, dict[str, Any]],
) -> None:
    out_dir, s = snaroya_cli
    gpkg = out_dir / "plan.gpkg"
    layers = pyogrio.list_layers(gpkg)
    assert set(layers[:, 0]) >= set(PLAN_LAYERS)
    evacuees = gpd.read_file(gpkg, layer="evacuees")
    assert evacuees.crs == "EPSG:25832"
    assert int(evacuees["people"].sum()) == s["evacuees_total"]
    sites = gpd.read_file(gpkg, layer="sites")
    assert set(sites["name"]) == {"Thon Hotel Oslofjord", "Quality Hotel Expo", "Telenor Arena"}
    routes = gpd.read_file(gpkg, layer="routes")
    assert "Snarøyveien" in set(routes["name"])
    assert routes["single_point_of_failure"].any()
    exits = gpd.read_file(gpkg, layer="exits")
    assert exits["name"].tolist() == [e["name"] for e in s["exits"]]


def test_plan_options_reach_the_engine(tmp_path: Path) -> None:
    status, stdout, stderr = run_cli(
        "plan",
        "--preset",
        "snaroya",
        "--capacity",
        "Telenor Arena=1000",
        "--disable-site",
        "Quality Hotel Expo",
        "--override",
        "3000",
        "--reception-share",
        "1",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert status == 0, stderr
    s = json.loads(stdout)
    assert s["evacuees_total"] == 3_000
    assert s["assigned"].get("Telenor Arena") == 1_000
    assert "Quality Hotel Expo" not in s["assigned"]
    assert s["unassigned"] > 0


def test_plan_from_a_zone_file_with_a_closure_file(tmp_path: Path) -> None:
    zone = tmp_path / "sone.geojson"
    zone.write_text(json.dumps(mapping(box(10.60, 59.878, 10.615, 59.886))))
    closure = tmp_path / "stengt.geojson"
    closure.write_text(
        json.dumps({"type": "LineString", "coordinates": [[10.6169, 59.884], [10.6185, 59.884]]})
    )
    status, stdout, stderr = run_cli(
        "plan", "--zone", str(zone), "--closure", str(closure), "--out", str(tmp_path / "o")
    )
    assert status == 0, stderr
    assert "Evacuees:" in stdout and "Unreachable:" in stdout
    assert "every road out is closed" in stdout
    assert "cuts no road" not in stdout  # the closure is on Snarøyveien


# --- evac presets ------------------------------------------------------------------------


def test_presets_lists_the_three_presets() -> None:
    status, stdout, _ = run_cli("presets")
    assert status == 0
    names = [line.split()[0] for line in stdout.splitlines() if line.strip()]
    assert names == ["snaroya", "fornebu", "fornebu_gas"]
    assert "Snarøya" in stdout


# --- errors: one line, status 2, no traceback ---------------------------------------------


def test_missing_zone_file_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "finnes-ikke.geojson"
    status, _, err = run_cli("plan", "--zone", str(missing), "--out", str(tmp_path / "o"))
    _assert_one_line_error(status, err, str(missing))
    assert not (tmp_path / "o").exists()


def test_unknown_site_in_capacity_is_a_one_line_error(tmp_path: Path) -> None:
    status, _, err = run_cli(
        "plan", "--preset", "snaroya", "--capacity", "Oslo Spektrum=100", "--out", str(tmp_path)
    )
    _assert_one_line_error(status, err, "Oslo Spektrum", "Telenor Arena")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--capacity", "Telenor Arena"], "SITE=NUMBER"),
        (["--capacity", "Telenor Arena=-5"], "negative"),
        (["--persons-per-car", "-1"], "persons_per_car"),
        (["--scale", "0"], "population_scale"),
    ],
)
def test_bad_plan_option_is_a_one_line_error(tmp_path: Path, argv: list[str], needle: str) -> None:
    status, _, err = run_cli("plan", "--preset", "snaroya", *argv, "--out", str(tmp_path))
    _assert_one_line_error(status, err, needle)


def test_unknown_preset_is_a_one_line_error(tmp_path: Path) -> None:
    status, _, err = run_cli("plan", "--preset", "sandvika", "--out", str(tmp_path))
    _assert_one_line_error(status, err, "sandvika", "snaroya")


def test_swapped_lat_lon_zone_file_fails_cleanly_in_the_installed_command(
    tmp_path: Path,
) -> None:
    zone = tmp_path / "byttet.geojson"
    zone.write_text(json.dumps(SWAPPED_ZONE))
    proc = subprocess.run(
        [str(EVAC), "plan", "--zone", str(zone), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    _assert_one_line_error(proc.returncode, proc.stderr, "swapped", "lon, lat")
    assert proc.stdout == ""


def test_include_construction_routes_over_the_snaroyveien_works(
    tmp_path: Path, snaroya_cli: tuple[Path, dict[str, Any]]
) -> None:
    _, default = snaroya_cli
    status, stdout, stderr = run_cli(
        "--include-construction", "plan", "--preset", "snaroya", "--out", str(tmp_path), "--json"
    )
    assert status == 0, stderr
    s = json.loads(stdout)
    assert s["assumptions"]["roads_under_construction"] is True
    assert default["assumptions"]["roads_under_construction"] is False
    # By default the works are closed and traffic detours via Skogenbuen.
    assert "Skogenbuen" in {b["name"] for b in default["bottlenecks"]}
    assert "Skogenbuen" not in {b["name"] for b in s["bottlenecks"]}
    routes = gpd.read_file(tmp_path / "plan.gpkg", layer="routes")
    assert "construction" in set(routes["highway"])
    assert s["evacuees_total"] == default["evacuees_total"]


# --- v2 options: ad-hoc sites, reception share, exit buffer, capacity range ------------------


def test_added_site_and_model_options_reach_the_engine(tmp_path: Path) -> None:
    status, stdout, stderr = run_cli(
        "plan",
        "--preset",
        "fornebu",
        "--site",
        "Stabekk skole@59.9085,10.6075=250",
        "--site",
        "Fornebu skole @ 59.897, 10.615 = 400",
        "--reception-share",
        "0.3",
        "--exit-buffer",
        "600",
        "--capacity-range",
        "0.5,1,1.5",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert status == 0, stderr
    s = json.loads(stdout)
    sites = {e["name"]: e for e in s["sites"]}
    assert sites["Stabekk skole"]["added"] and not sites["Stabekk skole"]["capacity_assumed"]
    assert s["assigned"]["Stabekk skole"] == 250
    assert not sites["Fornebu skole"]["available"]  # inside the zone
    assert sites["Fornebu skole"]["reason"]["key"] == "reason.site_inside_zone"
    assert sites["Fornebu skole"]["reason"]["text"] == "inside the hazard zone"
    assert s["assumptions"]["reception_share"] == 0.3
    assert s["assumptions"]["exit_buffer_m"] == 600
    assert s["assumptions"]["capacity_range"] == [0.5, 1.0, 1.5]
    assert s["reception_seekers"] == round(0.3 * (s["evacuees_total"] - s["unreachable"]))


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--site", "Stabekk skole"], "NAME@LAT,LON=CAPACITY"),
        (["--site", "Stabekk skole@59.9,10.6"], "NAME@LAT,LON=CAPACITY"),
        (["--site", "X@abc,10.6=10"], "must be numbers"),
        (["--site", "X@nan,10.6=10"], "finite"),
        (["--site", "X@59.9,inf=10"], "finite"),
        (["--site", "X@59.9,10.6=-10"], "whole number"),
        (["--site", "X@59.9,10.6=1.5"], "whole number"),
        (["--site", "X@10.6,59.9=10"], "look swapped"),
        (["--site", "X@48.8,2.3=10"], "not in Norway"),
        (["--capacity-range", "0.75,1"], "three numbers"),
        (["--capacity-range", "1.2,1,0.8"], "LOW <= CENTRAL <= HIGH"),
        (["--capacity-range", "0.5,nan,1"], "three numbers"),
        (["--reception-share", "1.5"], "reception_share"),
        (["--reception-share", "nan"], "finite"),
        (["--exit-buffer", "-5"], "exit_buffer_m"),
    ],
)
def test_bad_v2_option_is_a_one_line_error(tmp_path: Path, argv: list[str], needle: str) -> None:
    status, _, err = run_cli("plan", "--preset", "fornebu", *argv, "--out", str(tmp_path))
    _assert_one_line_error(status, err, needle)
