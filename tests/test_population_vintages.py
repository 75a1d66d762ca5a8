"""Population vintages: SSB 2023 (Akershus and Oslo) where it covers the zone, else 2015.

Numbers come from the shared pack (its README): Bærum holds 128,225 residents in
the 2023 grid and 118,729 in the 2015 grid (cell centres inside the generalised
2024 boundary). Zones crossing a county border are built from the pack's own
county polygons, so the test follows the data, not hand-typed coordinates.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from plan_support import plan_for, texts

import cli
from geo import settings
from geo.errors import RegionDataError, ScenarioError
from geo.population import covers, find_population_sources
from geo.region import Region
from planning.evacuees import evacuee_groups
from planning.i18n import Message
from planning.plan import Plan
from planning.population_vintage import choose_population
from planning.presets import load_preset, preset_zone

SHARED = settings.DEFAULT_DATA_DIR
BAERUM_2023 = 128_225
BAERUM_2015 = 118_729
#: Snarøya preset residents per grid (measured; the preset text says about 2,800 and 2,700).
SNAROYA = {"2023": 2_810, "2015": 2_680}


def _pack(tmp_path: Path, population: tuple[str, ...]) -> Path:
    """A pack linking the shared boundaries and OSM file, with only ``population`` grids."""
    pack = tmp_path / "pack"
    for rel in ("boundaries/kommuner_2024.geojson", "boundaries/fylker_2024.geojson"):
        (pack / rel).parent.mkdir(parents=True, exist_ok=True)
        (pack / rel).symlink_to(SHARED / rel)
    (pack / "osm").mkdir()
    (pack / "osm" / "fornebu.osm").symlink_to(SHARED / "osm" / "fornebu.osm")
    (pack / "population").mkdir()
    for name in population:
        (pack / "population" / name).symlink_to(SHARED / "population" / name)
    return pack


def _border_zone(region: Region, other: str, radius_m: float = 1_500.0) -> shapely.Geometry:
    """A circle centred on the land border between Akershus (32) and county ``other``."""
    counties = region.counties.set_index("fylkesnummer").geometry
    border = counties["32"].boundary.intersection(counties[other].boundary)
    assert not border.is_empty, f"Akershus and {other} share no border in the pack"
    return shapely.line_interpolate_point(shapely.line_merge(border), 0.5, normalized=True).buffer(
        radius_m
    )


@pytest.fixture(scope="module")
def snaroya_2015(region: Region) -> Plan:
    scenario = load_preset("snaroya")
    scenario.population_vintage = "2015"
    return plan_for(region, scenario)


# --- the pack's grids ---------------------------------------------------------------


def test_pack_offers_2023_for_akershus_and_oslo_and_2015_for_everything(region: Region) -> None:
    sources = region.population_sources
    assert region.population_vintages == ("2023", "2015")
    assert (sources[0].counties, sources[0].county_names) == (("32", "03"), ("Akershus", "Oslo"))
    assert (sources[1].counties, sources[1].county_names) == ((), ())
    assert sources[0].path.name == "ssb_ru250m_2023_akershus_oslo.csv"


def test_baerum_totals_per_vintage_are_the_ssb_sums_exactly(region: Region) -> None:
    assert region.population_total(vintage="2023") == BAERUM_2023
    assert region.population_total(vintage="2015") == BAERUM_2015
    # The default grid is the newest one covering the home municipality.
    assert region.population_vintage == "2023"
    assert region.population_total() == BAERUM_2023


def test_grids_are_read_once_per_vintage(region: Region) -> None:
    assert region.population_grid("2015") is region.population_grid("2015")
    assert region.population is region.population_grid("2023")
    assert region.population_grid("2015").attrs["vintage"] == "2015"


def test_county_names_in_file_names_decide_coverage(tmp_path: Path) -> None:
    counties = pd.DataFrame(
        {"fylkesnummer": ["15", "32", "03"], "fylkesnavn": ["Møre og Romsdal", "Akershus", "Oslo"]}
    )
    for name in ("ssb_ru250m_2020_more_og_romsdal.csv", "ssb_ru250m_2019.csv", "x_2021_oslo.csv"):
        (tmp_path / name).write_text("ru250m;pop_tot\n", encoding="utf-8")
    got = [(s.vintage, s.counties) for s in find_population_sources(tmp_path, counties)]
    assert got == [("2021", ("03",)), ("2020", ("15",)), ("2019", ())]


def test_two_grids_of_one_vintage_are_refused_by_name(tmp_path: Path) -> None:
    counties = pd.DataFrame({"fylkesnummer": ["03"], "fylkesnavn": ["Oslo"]})
    for name in ("ssb_2023_oslo.csv", "ssb_2023.csv"):
        (tmp_path / name).write_text("ru250m;pop_tot\n", encoding="utf-8")
    with pytest.raises(RegionDataError, match=r"ssb_2023\.csv and ssb_2023_oslo\.csv"):
        find_population_sources(tmp_path, counties)


# --- choosing a vintage for a zone ------------------------------------------------------


def test_auto_picks_2023_for_snaroya_without_warnings(region: Region) -> None:
    choice = choose_population(region, preset_zone("snaroya"), "auto")
    assert choice.vintage == "2023" and choice.warnings == []
    assert choice.cells is region.population_grid("2023")
    assert choice.source == "SSB 250 m grid 2023 (Akershus, Oslo only; residents, night)"


def test_2015_is_used_when_asked(region: Region) -> None:
    choice = choose_population(region, preset_zone("snaroya"), "2015")
    assert choice.vintage == "2015" and choice.warnings == []
    assert choice.source == "SSB 250 m grid 2015 (residents, night)"


@pytest.mark.parametrize("other", ["33", "31"])  # Buskerud (west), Østfold (south-east)
def test_auto_falls_back_to_2015_for_a_zone_reaching_outside_akershus(
    region: Region, other: str
) -> None:
    zone = _border_zone(region, other)
    choice = choose_population(region, zone, "auto")
    assert choice.vintage == "2015"
    assert choice.warnings == [
        Message(
            "warn.population_vintage_fallback",
            {"newer": "2023", "coverage": "Akershus, Oslo", "vintage": "2015"},
        )
    ]
    en = choice.warnings[0].text("en")
    assert "beyond Akershus, Oslo, which SSB 2023 covers" in en and "SSB 2015" in en


def test_asking_2023_for_a_border_zone_warns_of_the_uncounted_share(region: Region) -> None:
    zone = _border_zone(region, "33")
    choice = choose_population(region, zone, "2023")
    assert choice.vintage == "2023"
    (warning,) = choice.warnings
    assert warning.key == "warn.population_vintage_partial"
    # About half of a circle centred on the border lies in Buskerud.
    assert 30 <= warning.params["percent"] <= 70
    assert f"{warning.params['percent']}% of the zone lies outside it" in warning.text("en")
    assert "telles ikke" in warning.text("nb")


def test_a_zone_entirely_outside_the_2023_counties_gets_2015(region: Region) -> None:
    counties = region.counties.set_index("fylkesnummer").geometry
    inside_buskerud = counties["33"].representative_point().buffer(500.0)
    assert not covers(region.population_source("2023"), inside_buskerud, region.counties)
    assert choose_population(region, inside_buskerud, "auto").vintage == "2015"
    partial = choose_population(region, inside_buskerud, "2023").warnings[0]
    assert partial.params["percent"] == 100


def test_a_vintage_missing_from_the_pack_is_a_clear_error(tmp_path: Path) -> None:
    region = Region(_pack(tmp_path, ("ssb_ru250m_2015.csv",)))
    zone = preset_zone("snaroya")
    with pytest.raises(RegionDataError, match=r"vintage '2023' is not in .*it has 2015.*'auto'"):
        choose_population(region, zone, "2023")
    # auto takes the only grid, which covers everything: no warning.
    choice = choose_population(region, zone, "auto")
    assert (choice.vintage, choice.warnings) == ("2015", [])
    assert region.population_vintage == "2015"
    assert region.population_total() == BAERUM_2015


def test_a_pack_with_only_a_county_grid_warns_when_the_zone_leaves_it(tmp_path: Path) -> None:
    region = Region(_pack(tmp_path, ("ssb_ru250m_2023_akershus_oslo.csv",)))
    choice = choose_population(region, _border_zone(region, "33"), "auto")
    assert choice.vintage == "2023"
    assert [w.key for w in choice.warnings] == ["warn.population_vintage_partial"]


def test_unknown_vintage_in_a_scenario_is_refused() -> None:
    scenario = load_preset("snaroya")
    scenario.population_vintage = "1999"
    with pytest.raises(ScenarioError, match="auto, 2023, 2015"):
        scenario.validate()


# --- plans ------------------------------------------------------------------------------


def test_snaroya_plan_counts_2023_residents_by_default(snaroya_plan: Plan) -> None:
    s = snaroya_plan.summary
    assert s["population_vintage"] == "2023"
    assert s["evacuees_total"] == SNAROYA["2023"]
    assert "2023" in s["assumptions"]["population_source"]
    assert not any("SSB" in w for w in texts(s["warnings"]))


def test_snaroya_plan_counts_2015_residents_when_asked(snaroya_2015: Plan) -> None:
    s = snaroya_2015.summary
    assert s["population_vintage"] == "2015"
    assert s["evacuees_total"] == SNAROYA["2015"]
    assert s["assumptions"]["population_source"] == "SSB 250 m grid 2015 (residents, night)"
    assert s["scenario"] == load_preset("snaroya").name


@pytest.mark.parametrize("plan_name", ["snaroya_plan", "snaroya_2015"])
def test_nobody_is_lost_with_either_vintage(plan_name: str, request: pytest.FixtureRequest) -> None:
    plan: Plan = request.getfixturevalue(plan_name)
    s = plan.summary
    accounted = sum(s["assigned"].values()) + s["own_arrangements"]
    assert accounted + s["unassigned"] + s["unreachable"] == s["evacuees_total"]
    assert int(plan.evacuees["people"].sum()) == s["evacuees_total"]


def test_scaling_applies_to_the_chosen_vintage(region: Region) -> None:
    scenario = load_preset("snaroya")
    scenario.population_scale = 1.5
    zone = preset_zone("snaroya")
    for vintage, people in SNAROYA.items():
        groups, _ = evacuee_groups(choose_population(region, zone, vintage).cells, zone, scenario)
        # 1.5 x the unrounded area-weighted sum, so within one person of 1.5 x the total.
        assert abs(int(groups["people"].sum()) - 1.5 * people) <= 1


def test_cli_plan_takes_population_vintage(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["--data", str(SHARED), "plan", "--preset", "snaroya", "--population-vintage", "2015"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([*argv, "--out", str(tmp_path), "--json"])
    assert status == 0, err.getvalue()
    summary = json.loads(out.getvalue())
    assert summary["population_vintage"] == "2015"
    assert summary["evacuees_total"] == SNAROYA["2015"]
    written = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert written["population_vintage"] == "2015"
    layer = gpd.read_file(tmp_path / "plan.gpkg", layer="evacuees")
    assert int(layer["people"].sum()) == SNAROYA["2015"]


def test_cli_refuses_an_unknown_population_vintage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["plan", "--preset", "snaroya", "--population-vintage", "2024", "--out", "x"])
    assert "invalid choice: '2024'" in capsys.readouterr().err
