"""The app's atlas view (``?view=atlas``) driven headless through ``AppTest``."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from exports.atlas_web import build_atlas_map
from planning.atlas import partition
from planning.atlas_figures import atlas_table
from ui import app_state as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_atlas_view_builds_zones_and_opens_one_as_the_scenario():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["view"] = "atlas"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Evakueringsatlas" in at.title[0].value
    at.selectbox(key="atlas_area").select("snaroya").run()
    at.button(key="atlas_compute").click().run()
    assert not at.exception, [e.value for e in at.exception]
    atlas = at.session_state["atlas_result"][0]
    assert len(atlas) >= 2 and atlas["p90"].notna().all()
    assert len(at.dataframe[0].value) == len(atlas)
    at.selectbox(key="atlas_pick").select(1).run()
    at.button(key="atlas_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "view" not in at.query_params
    zones = at.session_state[S.ZONES]
    assert [z.spec.label for z in zones] == [atlas["name"].iloc[1]]
    assert at.session_state[S.NAME] == atlas["name"].iloc[1]


def test_atlas_web_map_colours_zones_and_escapes_names(region):
    zones = partition(region.population, region.coverage, region.network("drive")).head(3)
    zones.loc[0, "name"] = "<script>alert(1)</script>"
    results = [{"figures": {"p90": 50.0}, "error": ""}] * 3
    html = build_atlas_map(region, atlas_table(zones, results), lang="en").get_root().render()
    assert "<script>alert(1)" not in html
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html  # HTML-escaped, then JSON-encoded
    assert "#fecc5c" in html  # 30-60 min class
