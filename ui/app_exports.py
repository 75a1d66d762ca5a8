"""The planner app's export panel: one download button per export kind.

The files come from :func:`planning.exports.bundle.make_export` (the same code
as ``evac export``). Each is made only when its button is pressed (Streamlit
calls the producer then) and kept for the plan, so a plan run stays fast
however many formats there are.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, Final

import streamlit as st

from planning.exports import KINDS
from planning.exports.bundle import make_export, slug
from planning.scenario import Scenario
from ui.app_strings import tr

#: File name ending per export kind, as :func:`make_export` names the file.
SUFFIXES: Final[dict[str, str]] = {
    "pdf_a4": "-a4.pdf",
    "pdf_a3": "-a3.pdf",
    "png_a4": "-a4.png",
    "png_a3": "-a3.png",
    "html": ".html",
    "gpkg": ".gpkg",
    "geojson": ".geojson",
    "kml": ".kml",
    "cap": "-cap.xml",
    "scenario": "-scenario.json",
}
#: MIME type per export kind.
MIMES: Final[dict[str, str]] = {
    "pdf_a4": "application/pdf",
    "pdf_a3": "application/pdf",
    "png_a4": "image/png",
    "png_a3": "image/png",
    "html": "text/html",
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "cap": "application/xml",
    "scenario": "application/json",
}
COLUMNS: Final = 5


def file_stem(scenario: Scenario) -> str:
    """Stem of the scenario's files; an exercise's files start with ``ovelse``."""
    stem = slug(scenario.name)
    return f"ovelse-{stem}" if scenario.exercise else stem


def producer(
    kind: str, plan: Any, region: Any, sites: Any, lang: str, cache: MutableMapping[str, bytes]
) -> Callable[[], bytes]:
    """A no-argument function that makes (once) and returns the export's bytes."""
    key = f"{kind}:{lang}"

    def make() -> bytes:
        if key not in cache:
            cache[key] = make_export(kind, plan, region, sites, lang).data
        return cache[key]

    return make


def export_panel(
    plan: Any, region: Any, sites: Any, lang: str, cache: MutableMapping[str, bytes]
) -> None:
    """A download button for every export kind of ``plan``."""
    stem = file_stem(plan.scenario)
    cols = st.columns(COLUMNS)
    for i, kind in enumerate(KINDS):
        cols[i % COLUMNS].download_button(
            tr(f"export.{kind}", lang),
            data=producer(kind, plan, region, sites, lang, cache),
            file_name=f"{stem}{SUFFIXES[kind]}",
            mime=MIMES[kind],
            key=f"download::{kind}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
    st.caption(tr("export.note", lang))
