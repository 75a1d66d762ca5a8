"""The atlas view of the app (``?view=atlas``): zones by clearance, open a zone as a scenario.

The atlas is planned in this process (the serial runner of :mod:`planning.batch`,
with a progress bar) and kept in the session; a whole-county atlas belongs on a
Dask cluster via ``evac atlas --scheduler`` (see README, "Atlas on a cluster").
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from exports.atlas_web import build_atlas_map
from geo.errors import EvacError
from geo.registry import load_registry
from planning.atlas import DEFAULT_TARGET_PEOPLE, AtlasOptions, partition
from planning.atlas_figures import atlas_table, zone_scenario
from planning.batch import Shared, run_atlas
from planning.presets import list_presets, preset_zone
from planning.scenario import Scenario
from ui import app_state as S
from ui import app_store as AS
from ui.app_messages import flash
from ui.app_strings import tr

if TYPE_CHECKING:
    from geo.region import Region

ATLAS = "atlas_result"
VIEW = "atlas"
MAP_HEIGHT = 560


def open_atlas_button(lang: str) -> None:
    """A sidebar button that switches to the atlas view."""
    if st.button(tr("atlas.open_view", lang), icon=":material/map:", key="atlas_open_view"):
        st.query_params["view"] = VIEW
        st.rerun()


def build_atlas(
    region: Region, area_preset: str, target: float, lang: str
) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Cut and plan the atlas here, with a progress bar; (atlas table, job results)."""
    area = preset_zone(area_preset) if area_preset else None
    zones = partition(
        region.population,
        region.coverage,
        region.network("drive"),
        AtlasOptions(target_people=target),
        area,
    )
    bar = st.progress(0.0)

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=tr("atlas.progress", lang, done=done, total=total))

    results = run_atlas(
        zones, Scenario(name="atlas"), Shared(region, load_registry()), progress=progress
    )
    bar.empty()
    return atlas_table(zones, results), results


def open_zone(atlas: gpd.GeoDataFrame, index: int, sites: gpd.GeoDataFrame, lang: str) -> None:
    """Load zone ``index`` as the planner's scenario and go back to the planner."""
    row = atlas.iloc[index]
    scenario = zone_scenario(str(row["name"]), row.geometry, Scenario(name=str(row["name"])))
    S.init_state(st.session_state, sites)  # the atlas may be the session's first page
    S.apply_scenario(st.session_state, scenario, sites)
    st.session_state[S.PRESET] = ""
    st.session_state.pop("plan", None)
    AS.forget_open()
    flash("success", tr("atlas.opened", lang, name=row["name"]))
    del st.query_params["view"]
    st.rerun()


def _table(atlas: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("atlas.col_name", lang): [f"{i}. {n}" for i, n in enumerate(atlas["name"], 1)],
            tr("atlas.col_residents", lang): atlas["residents"].to_numpy(),
            tr("atlas.col_leave", lang): atlas["leave_p90"].to_numpy(),
            tr("atlas.col_p90", lang): atlas["p90"].to_numpy(),
            tr("atlas.col_bottleneck", lang): atlas["bottleneck"].to_numpy(),
        }
    )


def atlas_view(region: Region, sites: gpd.GeoDataFrame, lang: str) -> None:
    """Draw the atlas view: settings, build button, map, table, open-as-scenario."""
    st.title(tr("atlas.view_title", lang), anchor=False)
    st.caption(tr("atlas.view_intro", lang))
    if st.button(tr("atlas.back", lang), icon=":material/arrow_back:", key="atlas_back"):
        del st.query_params["view"]
        st.rerun()
    presets = {p.name: p.title_nb if lang == "nb" else p.title_en for p in list_presets()}
    area_col, target_col = st.columns(2)
    area = area_col.selectbox(
        tr("atlas.area", lang),
        ["", *presets],
        key="atlas_area",
        format_func=lambda n: presets.get(n) or tr("atlas.area_all", lang),
    )
    target = target_col.number_input(
        tr("atlas.target", lang), 100, 20_000, DEFAULT_TARGET_PEOPLE, step=100, key="atlas_target"
    )
    if st.button(tr("atlas.compute", lang), type="primary", key="atlas_compute"):
        try:
            t0 = time.perf_counter()
            st.session_state[ATLAS] = (*build_atlas(region, area, float(target), lang), lang)
            st.success(
                tr(
                    "atlas.done",
                    lang,
                    zones=len(st.session_state[ATLAS][0]),
                    seconds=f"{time.perf_counter() - t0:.0f}",
                )
            )
        except EvacError as exc:
            st.error(str(exc))
    if ATLAS not in st.session_state:
        return
    atlas, _results, _ = st.session_state[ATLAS]
    map_col, side_col = st.columns([3, 2])
    with map_col:
        # The builder escapes every zone name in the map.
        st.iframe(build_atlas_map(region, atlas, lang=lang).get_root().render(), height=MAP_HEIGHT)
    with side_col:
        names = [f"{i}. {n}" for i, n in enumerate(atlas["name"], start=1)]
        pick = st.selectbox(
            tr("atlas.pick", lang),
            range(len(names)),
            format_func=names.__getitem__,
            key="atlas_pick",
        )
        if st.button(tr("atlas.open", lang), icon=":material/open_in_new:", key="atlas_open"):
            open_zone(atlas, int(pick), sites, lang)
        st.dataframe(_table(atlas, lang), hide_index=True, height=360)
