"""The planner app's export panel: one download button per export kind.

The files come from :func:`exports.bundle.make_export` (the same code
as ``evac export``), and their names and types from the same module. Each is
made only when its button is pressed (Streamlit calls the producer then) and
kept for the plan, so a plan run stays fast however many formats there are.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Final

import streamlit as st

from exports import KINDS
from exports.bundle import file_stem, filename, make_export, mime_type
from ui.app_strings import tr

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.region import Region
    from planning.plan import Plan

#: ``file_stem`` is re-exported for the app's scenario and exercise-log downloads.
__all__ = ["COLUMNS", "export_panel", "file_stem", "producer"]

COLUMNS: Final = 5


def producer(
    kind: str,
    plan: Plan,
    region: Region,
    sites: gpd.GeoDataFrame,
    lang: str,
    cache: MutableMapping[str, bytes],
) -> Callable[[], bytes]:
    """A no-argument function that makes (once) and returns the export's bytes."""
    key = f"{kind}:{lang}"

    def make() -> bytes:
        if key not in cache:
            # The app's exercise switch is the explicit choice a real CAP alert needs.
            actual = plan.scenario.exercise is False
            cache[key] = make_export(kind, plan, region, sites, lang, actual=actual).data
        return cache[key]

    return make


def export_panel(
    plan: Plan,
    region: Region,
    sites: gpd.GeoDataFrame,
    lang: str,
    cache: MutableMapping[str, bytes],
    on_download: Callable[[str, str], None] | None = None,
) -> None:
    """A download button for every export kind of ``plan``.

    ``on_download(label, lang)`` runs when a file is downloaded (the exercise log).
    """
    cols = st.columns(COLUMNS)
    for i, kind in enumerate(KINDS):
        label = tr(f"export.{kind}", lang)
        cols[i % COLUMNS].download_button(
            label,
            data=producer(kind, plan, region, sites, lang, cache),
            file_name=filename(kind, plan),
            mime=mime_type(kind),
            key=f"download::{kind}",
            on_click=on_download or "ignore",
            args=(label, lang) if on_download else None,
            icon=":material/download:",
            width="stretch",
        )
    st.caption(tr("export.note", lang))
