"""The Streamlit app driven headless through ``AppTest`` (no browser, no network).

``AppTest`` cannot look inside the ``st_folium`` map component, so drawings are
simulated by patching ``streamlit_folium.st_folium``; what the map itself shows
is checked in ``test_e2e_browser.py``. The region is loaded once per process
(``st.cache_resource``), so only the first app run pays for it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from app_support import fake_map
from streamlit.testing.v1 import AppTest

from geo.registry import load_sites
from planning.presets import PRESETS_DIR
from planning.scenario import scenario_from_json, scenario_to_json
from ui import app_plan
from ui import app_state as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ARENA = "Telenor Arena"
# A block of houses on Snarøya, drawn as the map's Draw control returns it.
DRAWN_ZONE = {
    "type": "Feature",
    "properties": {},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [10.600, 59.8785],
                [10.612, 59.8785],
                [10.612, 59.8840],
                [10.600, 59.8840],
                [10.600, 59.8785],
            ]
        ],
    },
}
DRAWN_CLOSURE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "LineString", "coordinates": [[10.605, 59.889], [10.612, 59.889]]},
}


@pytest.fixture
def no_map(monkeypatch):
    """Skip building and rendering the folium map (checked in the first tests and e2e)."""
    with fake_map(monkeypatch) as calls:
        yield calls


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_plan(at: AppTest) -> AppTest:
    at.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def planned(preset: str = "snaroya") -> AppTest:
    at = start()
    at.selectbox(key=S.PRESET).select(preset).run()
    return run_plan(at)


def metric(at: AppTest, label: str) -> int:
    """A metric's value as an integer (Norwegian thousands separator removed)."""
    (m,) = [m for m in at.metric if m.label == label]
    return int(m.value.replace("\xa0", "").replace(",", ""))


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first result table with ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_app_starts_in_norwegian_and_switches_to_english():
    at = start()
    assert at.button(key="run").label == "Beregn plan"
    assert at.radio(key=S.LANG).value == "nb"
    assert at.title[0].value == "Evakueringsplanlegger"
    assert at.info, "the empty app explains how to start"
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.button(key="run").label == "Compute plan"
    assert at.title[0].value == "Evacuation planner"


def test_snaroya_preset_plan_shows_evacuees_bottleneck_sites_and_exports():
    at = planned("snaroya")
    assert 2000 < metric(at, "Evakuerte totalt") < 4000
    assert "Snarøyveien" in set(table_with(at, "Vei")["Vei"])
    sites = table_with(at, "Mottakssted").set_index("Mottakssted")
    # v2: 15 % of the ~2,800 evacuees seek a reception place, all at the arena.
    assert 300 < sites.loc[ARENA, "Tildelt"] < 600
    assert "antatt" in sites.loc[ARENA, "Kapasitet"]
    assert any("ØVELSE" in m.value for m in at.markdown), "exercise banner"
    downloads = {b.label for b in at.get("download_button")}
    for label in ("Rutekart A4 (PDF)", "Rutekart A3 (PNG)", "Kartlag (GeoPackage)"):
        assert label in downloads
    assert {"Kartlag (KML)", "Varsel (CAP XML)", "Interaktivt kart (HTML)"} <= downloads


@pytest.mark.usefixtures("no_map")
def test_site_capacity_and_availability_change_the_result():
    at = planned("snaroya")
    assert metric(at, "Uten plass") == 0
    seekers = table_with(at, "Mottakssted")["Tildelt"].sum()
    key = S.site_capacity_key(ARENA)
    assert at.number_input(key=key).label == "Kapasitet (antatt)"
    at.number_input(key=key).set_value(100).run()
    assert at.number_input(key=key).label == "Kapasitet", "the user's value is not assumed"
    assert any("endret" in w.value for w in at.warning), "stale results are flagged"
    run_plan(at)
    sites = table_with(at, "Mottakssted").set_index("Mottakssted")
    assert sites.loc[ARENA, "Tildelt"] == 100
    assert sites["Tildelt"].sum() == seekers  # the hotels take the rest of the seekers

    at.checkbox(key=S.site_active_key(ARENA)).uncheck().run()
    run_plan(at)
    sites = table_with(at, "Mottakssted").set_index("Mottakssted")
    assert sites.loc[ARENA, "Tildelt"] == 0
    assert "deaktivert" in sites.loc[ARENA, "Status"]
    assert at.session_state[S.PLAN].scenario.sites[ARENA].active is False


def test_drawn_polygon_is_the_zone_and_drawn_line_a_closure(monkeypatch):
    with fake_map(monkeypatch, {"all_drawings": [DRAWN_ZONE, DRAWN_CLOSURE]}):
        at = start()
        _check_drawn(at)


def _check_drawn(at: AppTest) -> None:
    assert at.text_input(key=S.zone_label_key(0)).value == "Tegnet sone 1"
    assert any("Stengte veier: 1" in c.value for c in at.caption)
    run_plan(at)
    plan = at.session_state[S.PLAN]
    assert [z.kind for z in plan.scenario.zones] == ["polygon"]
    assert plan.scenario.zones[0].geometry == DRAWN_ZONE["geometry"]
    assert plan.scenario.closures == [DRAWN_CLOSURE["geometry"]]
    assert 0 < metric(at, "Evakuerte totalt") < 2000


@pytest.mark.usefixtures("no_map")
def test_malformed_zone_upload_shows_an_error_not_a_traceback():
    at = start()
    at.file_uploader(key="zone_file").set_value(
        ("soner.geojson", b'{"type": "FeatureCollection", "features": [', "application/json")
    ).run()
    assert not at.exception
    assert any("soner.geojson" in e.value for e in at.error)


@pytest.mark.usefixtures("no_map")
def test_impossible_parameters_show_the_planner_message():
    at = start()
    at.selectbox(key=S.PRESET).select("snaroya").run()
    at.text_input(key=S.MOBILISATION).set_value("0:0; 30:0.5").run()
    at.button(key="run").click().run()
    assert not at.exception
    assert any("nøyaktig 1" in e.value for e in at.error)


@pytest.mark.usefixtures("no_map")
def test_loaded_scenario_file_fills_the_widgets_exactly():
    scenario = scenario_from_json((PRESETS_DIR / "fornebu.json").read_text(encoding="utf-8"))
    scenario.population_scale = 1.25
    scenario.mode = "mixed"
    scenario.name = "Fornebu kveld"
    text = scenario_to_json(scenario)
    at = start()
    at.file_uploader(key="scenario_file").set_value(
        ("fornebu.json", text.encode(), "application/json")
    ).run()
    assert not at.exception
    assert at.text_input(key=S.NAME).value == "Fornebu kveld"
    assert at.selectbox(key=S.PRESET).value == "fornebu"
    state = at.session_state.to_dict()
    assert scenario_to_json(S.build_scenario(state, load_sites())) == text


@pytest.mark.usefixtures("no_map")
@pytest.mark.parametrize("data", [b"\xff\xfe", b'{"format": "evac-scenario/9"}'])
def test_bad_scenario_file_shows_an_error(data):
    at = start()
    at.file_uploader(key="scenario_file").set_value(("x.json", data, "application/json")).run()
    assert not at.exception
    assert at.error


@pytest.mark.usefixtures("no_map")
def test_norsk_english_norsk_keeps_every_choice_and_the_plan_still_runs():
    at = start()
    at.selectbox(key=S.PRESET).select("snaroya").run()
    uid = at.session_state[S.ZONES][0].uid
    at.selectbox(key=S.zone_status_key(uid)).select("varsel").run()
    at.radio(key=S.MODE).set_value("mixed").run()
    at.slider(key=S.CAR_SHARE).set_value(0.55).run()
    at.radio(key=S.HZ_KIND).set_value("plume").run()
    at.radio(key=S.VINTAGE).set_value("2015").run()
    for lang in ("en", "nb", "en", "nb"):
        at.radio(key=S.LANG).set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=S.zone_status_key(uid)).value == "varsel"
    assert at.text_input(key=S.zone_label_key(uid)).value == "Snarøya"
    assert at.toggle(key=S.EXERCISE).value is True
    assert at.radio(key=S.MODE).value == "mixed"
    assert at.slider(key=S.CAR_SHARE).value == 0.55
    assert at.radio(key=S.HZ_KIND).value == "plume"
    assert at.selectbox(key=S.PRESET).value == "snaroya"
    assert at.text_input(key=S.NAME).value == "Evakuering av Snarøya"
    run_plan(at)
    plan = at.session_state[S.PLAN]
    assert plan.scenario.zones[0].status == "varsel"
    assert plan.scenario.population_vintage == "2015"


@pytest.mark.usefixtures("no_map")
def test_a_second_press_says_the_plan_was_ready_and_what_computing_it_took():
    app_plan.cached_plan.clear()  # the first press must compute, whatever ran before
    at = planned("fornebu_gas")
    (first,) = [c.value for c in at.caption if c.value.startswith("Plan beregnet på ")]
    assert "forhånd" not in first
    waited = float(first.removeprefix("Plan beregnet på ").split(" ")[0].replace(",", "."))
    at = run_plan(at)  # the same scenario: found in the cache
    (ahead,) = [c.value for c in at.caption if c.value.startswith("Plan beregnet på forhånd")]
    assert ahead.endswith(" s.")
    computed = float(
        ahead.removeprefix("Plan beregnet på forhånd på ").split(" ")[0].replace(",", ".")
    )
    # The computation's time, not the cache lookup's "0,00", and within what the first
    # press waited for it.
    assert 0 < computed <= waited
