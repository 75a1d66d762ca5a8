"""The app shows the same clear messages as the CLI for bad uploads (no exception box)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from exports import web_map as map_builder
from planning.presets import load_preset
from planning.scenario import scenario_to_dict
from ui import app_state as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app without its folium map (not needed for uploads)."""
    monkeypatch.setattr(streamlit_folium, "st_folium", lambda *args, **kwargs: None)
    monkeypatch.setattr(map_builder, "build_map", lambda *args, **kwargs: None)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, key: str, name: str, data: bytes) -> list[str]:
    at.file_uploader(key=key).set_value((name, data, "application/json")).run()
    assert not at.exception, [e.value for e in at.exception]
    # The app escapes Markdown in messages (zones\\[0\\]); compare the plain text.
    return [e.value.replace("\\", "") for e in at.error]


def test_closure_upload_with_swapped_coordinates_is_refused(app: AppTest) -> None:
    line = {"type": "LineString", "coordinates": [[59.889, 10.605], [59.889, 10.612]]}
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": line}],
    }
    errors = upload(app, "zone_file", "stengt.geojson", json.dumps(doc).encode())
    assert any("stengt.geojson: closure 1" in e and "swapped" in e for e in errors)
    assert app.session_state[S.CLOSURES] == []  # nothing half-imported


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"exercise": None}, "exercise must be true or false, got null"),
        (
            {"mobilisation": [[0, 0], [float("nan"), 1]]},
            "mobilisation[1][0] must be a finite number, got NaN",
        ),
    ],
)
def test_bad_scenario_file_names_the_field(app: AppTest, change: dict, needle: str) -> None:
    d = scenario_to_dict(load_preset("snaroya")) | change
    errors = upload(app, "scenario_file", "plan.json", json.dumps(d).encode())
    assert any(needle in e and "plan.json" in e for e in errors), errors


def test_deeply_nested_scenario_file_is_refused(app: AppTest) -> None:
    errors = upload(app, "scenario_file", "deep.json", b"[" * 100_000 + b"]" * 100_000)
    assert any("levels deep" in e for e in errors), errors
