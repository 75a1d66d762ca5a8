"""Norwegian everywhere: every page state of the app, in bokmål, shows no English.

Each state is rendered headless (``AppTest``, map replaced by a stand-in) and
every text the page shows is collected: titles, captions, Markdown, alerts,
widget labels, help texts and options, tab and expander labels, metric labels,
button labels, and table headers and cells. The test fails on any word from a
small list of English words a planner should never see in the bokmål UI, and
on internal identifiers (``population_source``, ``zones[0].status``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pytest
from app_support import fake_map
from streamlit.testing.v1 import AppTest

from store.sqlite import STORE_ENV_VAR
from ui import app_state as S
from ui import app_store as AS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CLOSURE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "LineString", "coordinates": [[10.605, 59.889], [10.612, 59.889]]},
}
#: English words that have no place in the bokmål UI (whole words, case-insensitive).
ENGLISH: Final = (
    "the",
    "and",
    "of",
    "with",
    "from",
    "must",
    "has",
    "have",
    "is",
    "are",
    "not",
    "yes",
    "zone",
    "zones",
    "road",
    "roads",
    "people",
    "assigned",
    "unassigned",
    "unreachable",
    "warning",
    "evacuation",
    "evacuees",
    "reception",
    "site",
    "sites",
    "compute",
    "remove",
    "upload",
    "draw",
    "assumed",
    "assumption",
    "capacity",
    "share",
    "car",
    "walk",
    "drive",
    "mixed",
    "clearance",
    "grid",
    "residents",
    "order",
    "added",
    "closed",
    "none",
    "scenario has",
    "save",
    "version",
    "results",
    "point-queue",
    "exercise",
    "undo",
    "cancel",
    "click",
    # OSM road classes: unnamed roads must read "kommunal vei", not "(tertiary)".
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
)
_ENGLISH_RE: Final = re.compile(r"\b(" + "|".join(map(re.escape, ENGLISH)) + r")\b", re.I)
#: Internal identifiers: snake_case words or dotted/indexed field paths.
_IDENT_RE: Final = re.compile(r"\b[a-z]+_[a-z_]+\b|\bzones\[\d+\]")
#: Proper names and data that may contain such words (sources, licences, file paths).
ALLOWED: Final = ("OpenStreetMap contributors", "/work/", "geodata", "Quality Hotel", "Thon Hotel")


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, pd.DataFrame):
        yield from map(str, value.columns)
        for col in value.columns:
            yield from (str(v) for v in value[col].tolist())
    elif isinstance(value, str):
        yield value


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows (labels, values, options, tables)."""
    out: list[str] = []
    for node in at._tree:
        for attr in ("label", "help", "placeholder", "body"):
            text = getattr(node, attr, None)
            if isinstance(text, str):
                out.append(text)
        if type(node).__name__ in (
            "Dataframe",
            "Table",
            "Markdown",
            "Caption",
            "Title",
            "Header",
            "Subheader",
            "Error",
            "Warning",
            "Info",
            "Success",
            "Metric",
        ):
            out.extend(_texts(node.value))
        out.extend(str(o) for o in getattr(node, "options", []) or [])
        proto = getattr(node, "proto", None)
        if type(node).__name__ == "UnknownElement" and proto is not None:
            out.extend(str(getattr(proto, a)) for a in ("label", "help") if hasattr(proto, a))
    return [t for t in out if t.strip()]


def english_in(texts: list[str]) -> list[str]:
    """The texts that contain an English word or an internal identifier."""
    bad = []
    for text in texts:
        clean = text
        for ok in ALLOWED:
            clean = clean.replace(ok, "")
        clean = re.sub(r"\S+\.(json|geojson|gpkg|kml|csv|md)\b", "", clean)  # file names
        clean = re.sub(r":material/\w+:|<style>.*</style>", "", clean, flags=re.S)  # markup
        if _ENGLISH_RE.search(clean) or _IDENT_RE.search(clean):
            bad.append(text)
    return bad


def check(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    bad = english_in(page_texts(at))
    assert not bad, bad


@pytest.fixture
def app(tmp_path, monkeypatch) -> Iterator[AppTest]:
    """The app in bokmål with a named planner, its own store and the map stand-in."""
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "store.sqlite"))
    with fake_map(monkeypatch, {"all_drawings": [CLOSURE]}):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        yield at


def test_the_checker_finds_english_and_internal_keys():
    assert english_in(["Beregn plan", "Evakuerte totalt"]) == []
    assert english_in(["The scenario has no zone"]) == ["The scenario has no zone"]
    assert english_in(["population_source"]) == ["population_source"]
    assert english_in(["zones[0].status"]) == ["zones[0].status"]


def test_every_page_state_is_norwegian(app: AppTest):
    at = app
    check(at)  # first view, with a drawn closure pending
    at.button(key="run").click().run()  # no zone: the planner's error message
    assert at.error
    check(at)
    at.selectbox(key=S.PRESET).select("snaroya").run()
    check(at)
    at.button(key="run").click().run()  # plan with a closure: every result tab
    assert at.session_state[S.PLAN] is not None
    check(at)
    at.radio(key=S.HZ_KIND).set_value("plume").run()
    at.button(key="hz_add").click().run()  # stale plan, template zone, undo button
    check(at)
    at.button(key="zones_clear").click().run()  # the confirmation
    check(at)
    at.button(key="zones_clear_yes").click().run()
    check(at)
    at.toggle(key=S.SITE_PICK).set_value(True).run()
    check(at)
    at.text_input(key=AS.USER_INPUT).input("Ola").run()
    at.button(key="store_save").click().run()  # saved: log and archive panels
    check(at)


def test_the_same_states_in_english_are_caught(app: AppTest):
    # The collector sees the page: in English the plan's page is full of hits.
    at = app
    at.radio(key=S.LANG).set_value("en").run()
    at.selectbox(key=S.PRESET).select("snaroya").run()
    at.button(key="run").click().run()
    texts = page_texts(at)
    bad = english_in(texts)
    assert "Compute plan" in texts and "Evacuees in total" in texts
    assert any("Reception site" in t for t in bad), bad
    assert len(bad) > 30


def test_streamlit_label_script_swaps_the_bokmal_table_only_in_bokmal():
    from ui.builtin_texts import builtin_labels_script

    nb, en = builtin_labels_script("nb"), builtin_labels_script("en")
    assert '["Download as CSV", "Last ned som CSV"]' in nb
    assert '["Help for ", "Hjelp til "]' in nb
    assert "page.__evacTexts = [];" in en, "English: every swapped text goes back"
