"""The app's SUMO cross-check: the button runs SUMO and shows the comparison, in nb and en."""

from __future__ import annotations

import pytest
import streamlit_folium
from test_app import planned
from test_simulate import sumo_or_skip

from exports import web_map as map_builder
from ui.app_simulation import STATE_KEY, comparison_table, vehicles_caption
from ui.app_strings import tr

DATA = {
    "minutes": {
        "fast": {"leave_p50": 31.3, "leave_p90": 58.5, "arrive_p50": 65.7, "arrive_p90": 118.2},
        "sumo": {"leave_p50": 24.9, "leave_p90": 52.0, "arrive_p50": 28.1, "arrive_p90": None},
        "ratio_sumo_to_fast": {
            "leave_p50": 0.796,
            "leave_p90": 0.889,
            "arrive_p50": 0.428,
            "arrive_p90": None,
        },
    },
    "vehicles": {
        "cars": 1094,
        "arrived": 1000,
        "not_arrived": 90,
        "not_inserted": 4,
        "teleports": 2,
    },
    "timing_s": {"total": 3.6},
}


def test_comparison_table_in_bokmal_and_english() -> None:
    nb = comparison_table(DATA, "nb")
    assert list(nb.columns) == ["Minutter", "Raskt anslag", "SUMO", "SUMO / raskt anslag"]
    assert nb.iloc[0].tolist() == ["50 % ute av sonen", "31,3", "24,9", "0,80"]
    # SUMO never got 90 % there: a dash, not a number.
    assert nb.iloc[3].tolist() == ["90 % fremme", "118,2", "–", "–"]
    en = comparison_table(DATA, "en")
    assert en.iloc[0].tolist() == ["50 % out of the zone", "31.3", "24.9", "0.80"]


def test_caption_accounts_for_every_car() -> None:
    text = vehicles_caption(DATA, "en")
    assert text.startswith("1,094 cars: 1,000 arrived, 90 did not arrive, 4 could not be routed")
    assert "2 teleports" in text and "4 s" in text
    assert vehicles_caption(DATA, "nb").startswith("1\u00a0094 biler: 1\u00a0000 fremme")


def test_button_runs_sumo_and_shows_the_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    sumo_or_skip()
    # The map is not what this test is about (see test_app.py and the e2e tests).
    monkeypatch.setattr(streamlit_folium, "st_folium", lambda *args, **kwargs: None)
    monkeypatch.setattr(map_builder, "build_map", lambda *args, **kwargs: None)
    at = planned("fornebu")
    button = at.button(key="sumo_simulate")
    assert button.label == tr("sim.button", "nb")
    at = button.click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    data = at.session_state[STATE_KEY]["data"]
    table = next(df.value for df in at.dataframe if "Raskt anslag" in df.value.columns)
    assert table["SUMO"].tolist() == comparison_table(data, "nb")["SUMO"].tolist()
    assert data["vehicles"]["cars"] == data["vehicles"]["arrived"] > 0
    assert "simulation.json" in {b.label.split()[-1] for b in at.get("download_button")}
    # Switching language keeps the result for the same plan.
    at.radio(key="lang").set_value("en").run()
    assert any("Fast estimate" in df.value.columns for df in at.dataframe)
